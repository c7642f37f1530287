package allocation

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// smallCity is the hand-checked case: two categories (A, B), one driver
// (pop), a hub, three stations (excellent pilot, qualified, unqualified) and
// three rooms.
func smallCity() (Input, Rules) {
	in := Input{
		Categories: []string{"A", "B"},
		Drivers:    []string{"pop"},
		Units: []Unit{
			{Code: "S1", Tier: Station, Parent: "H", SocialWorkers: 2, Pilot: true, Grade: Excellent, Drivers: rs("100")},
			{Code: "H", Tier: Hub, Grade: Good, Drivers: rs("0")},
			{Code: "S2", Tier: Station, Parent: "H", SocialWorkers: 1, Grade: Qualified, Drivers: rs("300")},
			{Code: "S3", Tier: Station, Parent: "H", Grade: Unqualified, Drivers: rs("100")},
			{Code: "R1", Tier: Room, Parent: "S1", Drivers: rs("1")},
			{Code: "R2", Tier: Room, Parent: "S1", Drivers: rs("2")},
			{Code: "R3", Tier: Room, Parent: "S3", Drivers: rs("50")},
		},
		Funds: []Fund{
			{ID: "F1", Category: 0, Amount: 1_000_000},
			{ID: "F2", Category: 1, Amount: 500_000},
			{ID: "F3", Category: 0, Amount: 10_000, Unit: "R1"},
			{ID: "F4", Category: 1, Amount: 5_000, Unit: "S3"},
			{ID: "F5", Category: 0, Amount: 2_000, Unit: "R1"},
		},
	}
	var rules Rules
	rules.Factors = DefaultFactors()
	rules.Hub.Amount = 100_000
	rules.Baseline.PerWorker = 100_000
	rules.Baseline.PerStation = 50_000
	rules.Pilot.Amount = 30_000
	rules.Demand.Share = One
	rules.Demand.Drivers = []string{"pop", "pop"}
	rules.Rooms.Share = r("0.30")
	return in, rules
}

func lineStrings(p *Plan) []string {
	var out []string
	for _, l := range p.Lines {
		out = append(out, fmt.Sprintf("%s %s %s %s %s", l.Stage, p.Units[l.Unit].Code, p.Categories[l.Category], l.Status, l.Amount))
	}
	return out
}

// TestAllocateByHand checks every line of smallCity against figures worked
// out on paper (fen; exact shares in brackets):
//
//	pool A 10120.00 (designated 120.00), B 5050.00 (designated 50.00)
//	hub 1000.00 over balances A 10000.00 : B 5000.00 → 666.67 [666.666…] + 333.33
//	baseline S1 2500.00 over 9333.33 : 4666.67 → 1666.67 [1666.6607] + 833.33 [833.3393]
//	baseline S2 1500.00 over 7666.66 : 3833.34 → 1000.00 [999.9991] + 500.00 [500.0009]
//	baseline S3 500.00 over 6666.66 : 3333.34 → 333.33 [333.333] + 166.67 [166.667], reserved
//	pilot S1 300.00 over 6333.33 : 3166.67 → 200.00 [199.99989] + 100.00
//	demand A 6133.33 by weights S1 100×1.10=110, S2 300×0.90=270, S3 100×1=100 (W 480):
//	  [1405.5548, 3449.998125, 1277.777083] → 1405.55, 3450.00, 1277.78
//	demand B 3066.67: [702.77854, 1725.001875, 638.88958] → 702.78, 1725.00, 638.89
//	rooms S1 A passes ⌊1405.55×0.30⌋ = 421.66 by pop 1:2 → R1 140.55, R2 281.11 [140.553, 281.107]; S1 keeps 983.89
//	rooms S1 B passes ⌊702.78×0.30⌋ = 210.83 → R1 70.28 [70.277], R2 140.55 [140.553]; S1 keeps 491.95
//	S3 is unqualified: its room R3 gets nothing; S2 has no rooms.
func TestAllocateByHand(t *testing.T) {
	in, rules := smallCity()
	p, err := Allocate(in, rules)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"directed R1 A allocated 120.00",
		"directed S3 B reserved 50.00",
		"hub H A allocated 666.67",
		"hub H B allocated 333.33",
		"baseline S1 A allocated 1666.67",
		"baseline S1 B allocated 833.33",
		"baseline S2 A allocated 1000.00",
		"baseline S2 B allocated 500.00",
		"baseline S3 A reserved 333.33",
		"baseline S3 B reserved 166.67",
		"pilot S1 A allocated 200.00",
		"pilot S1 B allocated 100.00",
		"demand S1 A allocated 983.89",
		"demand S1 B allocated 491.95",
		"demand S2 A allocated 3450.00",
		"demand S2 B allocated 1725.00",
		"demand S3 A reserved 1277.78",
		"demand S3 B reserved 638.89",
		"rooms R1 A allocated 140.55",
		"rooms R1 B allocated 70.28",
		"rooms R2 A allocated 281.11",
		"rooms R2 B allocated 140.55",
	}
	if got := lineStrings(p); !reflect.DeepEqual(got, want) {
		t.Errorf("lines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	wantPool := []PoolEntry{{1_012_000, 12_000, 1_000_000}, {505_000, 5_000, 500_000}}
	if !reflect.DeepEqual(p.Pool, wantPool) {
		t.Errorf("pool = %v, want %v", p.Pool, wantPool)
	}
	if !reflect.DeepEqual(p.Unallocated, []Fen{0, 0}) {
		t.Errorf("unallocated = %v, want zeros", p.Unallocated)
	}
	if len(p.Warnings) != 0 {
		t.Errorf("warnings: %v", p.Warnings)
	}
	// The basis of a demand line is the data that produced it.
	for _, l := range p.Lines {
		if l.Stage == Demand && p.Units[l.Unit].Code == "S2" && l.Category == 0 {
			b := l.Basis
			if b.Pot != 613_333 || b.Value() != r("300") || b.Factor() != r("0.9") || b.Weight() != r("270") || p.Drivers[b.Driver] != "pop" {
				t.Errorf("S2 demand basis = %+v", b)
			}
		}
		if l.Stage == Directed && p.Units[l.Unit].Code == "R1" {
			if got := p.Directed[l.Basis.Ref]; !reflect.DeepEqual(got, []int32{2, 4}) {
				t.Errorf("R1 directed line sums fund lines %v, want [2 4] (F3, F5)", got)
			}
		}
	}
}

func TestShortfallScalesNeedsProRata(t *testing.T) {
	in, rules := smallCity()
	rules.Baseline.PerWorker = 1_000_000 // needs S1 2,050,000; S2 1,050,000; S3 50,000 = 3,150,000
	p, err := Allocate(in, rules)
	if err != nil {
		t.Fatal(err)
	}
	// After the hub, 1,400,000 fen remain: scaled needs are Apportion(1,400,000,
	// [2,050,000, 1,050,000, 50,000]) = [911,111.1, 466,666.6, 22,222.2] →
	// 911,111 + 466,667 + 22,222 (leftover fen to S2's .67).
	got := map[string]Fen{}
	for _, l := range p.Lines {
		if l.Stage == Baseline {
			got[p.Units[l.Unit].Code] += l.Amount
		}
	}
	want := map[string]Fen{"S1": 911_111, "S2": 466_667, "S3": 22_222}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("baseline per station = %v, want %v", got, want)
	}
	// Three baseline shortfalls, then the pilot finds nothing left.
	if len(p.Warnings) != 4 || p.Warnings[3].Stage != Pilot || p.Warnings[3].Got != 0 {
		t.Fatalf("want 3 baseline and 1 pilot shortfall warnings, got %v", p.Warnings)
	}
	w := p.Warnings[0]
	if w.Kind != Shortfall || w.Stage != Baseline || p.Units[w.Unit].Code != "S1" || w.Need != 2_050_000 || w.Got != 911_111 {
		t.Errorf("first warning = %+v", w)
	}
	// What the stage's categories held, and every station's need.
	if w.Available != 1_400_000 || w.Total != 3_150_000 || w.Driver != -1 {
		t.Errorf("first warning: available %s, total %s, driver %d", w.Available, w.Total, w.Driver)
	}
	// Nothing is left for pilot and demand; everything is still conserved.
	for c, u := range p.Unallocated {
		if u != 0 {
			t.Errorf("category %d unallocated %s", c, u)
		}
	}
}

func TestZeroWeightsWarnAndKeepMoney(t *testing.T) {
	in, rules := smallCity()
	for i := range in.Units {
		in.Units[i].Drivers = rs("0")
	}
	p, err := Allocate(in, rules)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Warnings) != 2 || p.Warnings[0].Kind != NoWeight || p.Warnings[0].Category != 0 || p.Warnings[0].Unit != -1 ||
		p.Warnings[0].Need != 613_333 || p.Drivers[p.Warnings[0].Driver] != "pop" {
		t.Fatalf("warnings = %+v", p.Warnings)
	}
	if p.Unallocated[0] != 613_333 || p.Unallocated[1] != 306_667 {
		t.Errorf("unallocated = %v, want the demand pots", p.Unallocated)
	}
	for _, l := range p.Lines {
		if l.Stage == Demand || l.Stage == Rooms {
			t.Errorf("unexpected line %+v", l)
		}
	}
}

func TestRoomsWithZeroWeightsPassNothing(t *testing.T) {
	in, rules := smallCity()
	for i := range in.Units {
		if in.Units[i].Tier == Room {
			in.Units[i].Drivers = rs("0")
		}
	}
	p, err := Allocate(in, rules)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range p.Lines {
		if l.Stage == Rooms {
			t.Errorf("room line %+v", l)
		}
		if l.Stage == Demand && p.Units[l.Unit].Code == "S1" && l.Category == 0 && l.Amount != 140_555 {
			t.Errorf("S1 keeps %s, want its whole demand 1405.55", l.Amount)
		}
	}
	if len(p.Warnings) != 2 || p.Warnings[0].Stage != Rooms {
		t.Errorf("warnings = %+v", p.Warnings)
	}
}

func TestStageCategoriesLimitTheDraw(t *testing.T) {
	in, rules := smallCity()
	rules.Hub.Categories = []int{1}
	p, err := Allocate(in, rules)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range p.Lines {
		if l.Stage == HubProject && (l.Category != 1 || l.Amount != 100_000) {
			t.Errorf("hub line %+v, want all of it from B", l)
		}
	}
}

func TestCheckCatchesALeak(t *testing.T) {
	in, rules := smallCity()
	p, err := Allocate(in, rules)
	if err != nil {
		t.Fatal(err)
	}
	p.Lines[3].Amount-- // one fen lost
	if err := Check(p); err == nil || !strings.Contains(err.Error(), "conservation") {
		t.Fatalf("Check = %v, want a conservation failure", err)
	}
}

// randomCity builds a random but valid input and rules.
func randomCity(rng *rand.Rand) (Input, Rules) {
	nc := 1 + rng.IntN(4)
	in := Input{Drivers: []string{"d0", "d1"}}
	for c := range nc {
		in.Categories = append(in.Categories, fmt.Sprintf("c%d", c))
	}
	driver := func() []Ratio {
		v := func() Ratio {
			if rng.IntN(4) == 0 {
				return Ratio{}
			}
			return Ratio{Num: uint64(rng.IntN(5000)), Scale: uint8(rng.IntN(3))}
		}
		return []Ratio{v(), v()}
	}
	in.Units = append(in.Units, Unit{Code: "HUB", Tier: Hub, Grade: Grade(rng.IntN(int(numGrades))), Drivers: driver()})
	ns := rng.IntN(6)
	for s := range ns {
		code := fmt.Sprintf("S%02d", rng.IntN(90)*100+s)
		in.Units = append(in.Units, Unit{Code: code, Tier: Station, Parent: "HUB", SocialWorkers: int64(rng.IntN(5)),
			Pilot: rng.IntN(2) == 0, Grade: Grade(rng.IntN(int(numGrades))), Drivers: driver()})
		for k := range rng.IntN(4) {
			in.Units = append(in.Units, Unit{Code: fmt.Sprintf("%s-%d", code, k), Tier: Room, Parent: code, Drivers: driver()})
		}
	}
	for f := range rng.IntN(12) {
		fund := Fund{ID: fmt.Sprintf("F%d", f), Category: rng.IntN(nc), Amount: Fen(1 + rng.Int64N(10_000_000))}
		if rng.IntN(4) == 0 {
			fund.Unit = in.Units[rng.IntN(len(in.Units))].Code
		}
		in.Funds = append(in.Funds, fund)
	}
	subset := func() []int {
		var out []int
		for c := range nc {
			if rng.IntN(2) == 0 {
				out = append(out, c)
			}
		}
		return out
	}
	var rules Rules
	rules.Factors = DefaultFactors()
	rules.Factors[Excellent] = Ratio{Num: uint64(rng.IntN(300)), Scale: 2}
	rules.Hub = Draw{Amount: Fen(rng.Int64N(5_000_000)), Categories: subset()}
	rules.Baseline.PerWorker = Fen(rng.Int64N(2_000_000))
	rules.Baseline.PerStation = Fen(rng.Int64N(500_000))
	rules.Baseline.Categories = subset()
	rules.Pilot = Draw{Amount: Fen(rng.Int64N(1_000_000)), Categories: subset()}
	rules.Demand.Share = Ratio{Num: uint64(rng.IntN(101)), Scale: 2}
	rules.Demand.Categories = subset()
	for range nc {
		rules.Demand.Drivers = append(rules.Demand.Drivers, in.Drivers[rng.IntN(2)])
	}
	rules.Rooms.Share = Ratio{Num: uint64(rng.IntN(101)), Scale: 2}
	return in, rules
}

func TestAllocateConservesRandomCities(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for i := range 2000 {
		in, rules := randomCity(rng)
		p, err := Allocate(in, rules)
		if err != nil {
			t.Fatalf("city %d: %v", i, err)
		}
		// Allocate already ran Check; check again independently of it.
		total := make([]Fen, len(in.Categories))
		for _, f := range in.Funds {
			total[f.Category] += f.Amount
		}
		got := make([]Fen, len(in.Categories))
		for _, l := range p.Lines {
			if l.Amount <= 0 {
				t.Fatalf("city %d: line %+v not positive", i, l)
			}
			got[l.Category] += l.Amount
		}
		for c := range total {
			if got[c]+p.Unallocated[c] != total[c] {
				t.Fatalf("city %d category %d: %s + %s != %s", i, c, got[c], p.Unallocated[c], total[c])
			}
		}
		again, err := Allocate(in, rules)
		if err != nil || !reflect.DeepEqual(p, again) {
			t.Fatalf("city %d: a second run differs (err %v)", i, err)
		}
	}
}
