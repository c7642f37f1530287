package allocation

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// refAllocate is DESIGN §4 transcribed as plainly as possible, with big.Rat
// amounts and maps, sharing nothing with Allocate but the types and the
// reference apportionment. It is the oracle for the property test below.
func refAllocate(in Input, r Rules) (lines []string, unallocated []Fen) {
	nc := len(in.Categories)
	all := make([]int, nc)
	for c := range all {
		all[c] = c
	}
	pick := func(l []int) []int {
		if len(l) == 0 {
			return all
		}
		s := append([]int(nil), l...)
		sort.Ints(s)
		return s
	}
	units := map[string]Unit{}
	var codes []string
	for _, u := range in.Units {
		units[u.Code] = u
		codes = append(codes, u.Code)
	}
	sort.Strings(codes)
	var hub string
	var stations []string
	for _, c := range codes {
		switch units[c].Tier {
		case Hub:
			hub = c
		case Station:
			stations = append(stations, c)
		}
	}
	type key struct {
		stage Stage
		unit  string
		cat   int
	}
	amount := map[key]Fen{}
	B := make([]Fen, nc)
	for _, f := range in.Funds {
		if f.Unit != "" {
			amount[key{Directed, f.Unit, f.Category}] += f.Amount
		} else {
			B[f.Category] += f.Amount
		}
	}
	draw := func(stage Stage, us []string, needs []Fen, cats []int) {
		var N, A Fen
		for _, n := range needs {
			N += n
		}
		for _, c := range cats {
			A += B[c]
		}
		if N > A {
			ws := make([]Ratio, len(needs))
			for i, n := range needs {
				ws[i] = Ratio{Num: uint64(n)}
			}
			needs = reference(A, ws)
		}
		for i, u := range us {
			if needs[i] == 0 {
				continue
			}
			ws := make([]Ratio, len(cats))
			for j, c := range cats {
				ws[j] = Ratio{Num: uint64(B[c])}
			}
			split := reference(needs[i], ws)
			for j, c := range cats {
				B[c] -= split[j]
				amount[key{stage, u, c}] += split[j]
			}
		}
	}
	draw(HubProject, []string{hub}, []Fen{r.Hub.Amount}, pick(r.Hub.Categories))
	var needs []Fen
	for _, s := range stations {
		needs = append(needs, Fen(units[s].SocialWorkers)*r.Baseline.PerWorker+r.Baseline.PerStation)
	}
	draw(Baseline, stations, needs, pick(r.Baseline.Categories))
	var pilots []string
	needs = nil
	for _, s := range stations {
		if units[s].Pilot {
			pilots = append(pilots, s)
			needs = append(needs, r.Pilot.Amount)
		}
	}
	draw(Pilot, pilots, needs, pick(r.Pilot.Categories))
	ratio := func(x Ratio) *big.Rat {
		return new(big.Rat).SetFrac(new(big.Int).SetUint64(x.Num), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(x.Scale)), nil))
	}
	floor := func(f Fen, x Ratio) Fen {
		p := new(big.Rat).Mul(new(big.Rat).SetInt64(int64(f)), ratio(x))
		return Fen(new(big.Int).Quo(p.Num(), p.Denom()).Int64())
	}
	for _, c := range pick(r.Demand.Categories) {
		D := floor(B[c], r.Demand.Share)
		if D == 0 {
			continue
		}
		ws := make([]Ratio, len(stations))
		nonzero := false
		for i, s := range stations {
			u := units[s]
			f := r.Factors[u.Grade]
			if u.Grade == Unqualified {
				f = One
			}
			// driver × factor as a plain decimal: the random cities keep
			// both short, so the product cannot overflow.
			d := u.Drivers[r.DriverIndex(c, in.Drivers)]
			ws[i] = Ratio{Num: d.Num * f.Num, Scale: d.Scale + f.Scale}
			nonzero = nonzero || ws[i].Num != 0
		}
		if !nonzero {
			continue
		}
		B[c] -= D
		for i, s := range stations {
			amount[key{Demand, s, c}] += reference(D, ws)[i]
		}
	}
	for _, s := range stations {
		if units[s].Grade == Unqualified {
			continue
		}
		var rooms []string
		for _, c := range codes {
			if units[c].Tier == Room && units[c].Parent == s {
				rooms = append(rooms, c)
			}
		}
		if len(rooms) == 0 {
			continue
		}
		for c := range nc {
			pass := floor(amount[key{Demand, s, c}], r.Rooms.Share)
			if pass == 0 {
				continue
			}
			ws := make([]Ratio, len(rooms))
			nonzero := false
			for i, rm := range rooms {
				ws[i] = units[rm].Drivers[r.DriverIndex(c, in.Drivers)]
				nonzero = nonzero || ws[i].Num != 0
			}
			if !nonzero {
				continue
			}
			amount[key{Demand, s, c}] -= pass
			for i, rm := range rooms {
				amount[key{Rooms, rm, c}] += reference(pass, ws)[i]
			}
		}
	}
	var keys []key
	for k, v := range amount {
		if v != 0 {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.stage != b.stage {
			return a.stage < b.stage
		}
		if a.unit != b.unit {
			return a.unit < b.unit
		}
		return a.cat < b.cat
	})
	for _, k := range keys {
		u := units[k.unit]
		st := "allocated"
		if u.Tier != Room && u.Grade == Unqualified {
			st = "reserved"
		}
		lines = append(lines, fmt.Sprintf("%s %s %s %s %s", k.stage, k.unit, in.Categories[k.cat], st, amount[k]))
	}
	return lines, B
}

func TestAllocateMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	for i := range 3000 {
		in, rules := randomCity(rng)
		p, err := Allocate(in, rules)
		if err != nil {
			t.Fatalf("city %d: %v", i, err)
		}
		want, unalloc := refAllocate(in, rules)
		got := lineStrings(p)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("city %d lines:\n%s\nreference:\n%s", i, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if !reflect.DeepEqual(p.Unallocated, unalloc) {
			t.Fatalf("city %d unallocated %v, reference %v", i, p.Unallocated, unalloc)
		}
	}
}
