package allocation

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// recorded allocates a city and records it as a budget, with its rules
// flattened into params the way the budget JSON names them.
func recorded(t *testing.T, in Input, rules Rules) *Budget {
	t.Helper()
	p, err := Allocate(in, rules)
	if err != nil {
		t.Fatal(err)
	}
	r := rules
	return &Budget{Year: 2026, Plan: p, Rules: &r, Params: testParams(in, rules), Recorded: true}
}

func testParams(in Input, r Rules) []Param {
	cats := func(list []int) string {
		var s []string
		for _, c := range list {
			s = append(s, in.Categories[c])
		}
		return strings.Join(s, ", ")
	}
	ps := []Param{
		{"grades.excellent", r.Factors[Excellent].String()},
		{"grades.good", r.Factors[Good].String()},
		{"grades.qualified", r.Factors[Qualified].String()},
		{"grades.new", r.Factors[New].String()},
		{"stages.hub.amount", r.Hub.Amount.String()},
		{"stages.hub.categories", cats(r.Hub.Categories)},
		{"stages.baseline.per_worker", r.Baseline.PerWorker.String()},
		{"stages.baseline.per_station", r.Baseline.PerStation.String()},
		{"stages.pilot.amount", r.Pilot.Amount.String()},
		{"stages.demand.share", r.Demand.Share.String()},
		{"stages.rooms.share", r.Rooms.Share.String()},
	}
	for c, d := range r.Demand.Drivers {
		if d != "" {
			ps = append(ps, Param{"stages.demand.drivers." + in.Categories[c], d})
		}
	}
	return ps
}

func unitOf(in *Input, code string) *Unit {
	for i := range in.Units {
		if in.Units[i].Code == code {
			return &in.Units[i]
		}
	}
	panic(code)
}

func reasonText(r Reason) string {
	s := r.Kind.String()
	if r.Unit != "" {
		s += " " + r.Unit
	}
	switch r.Kind {
	case FundLine:
		s += " " + r.ID + " " + r.Change
		if r.Change != Changed {
			return s + " " + r.Amount.String() + " " + r.Category + " " + r.Designated
		}
	}
	if r.Field != "" {
		s += " " + r.Field + ": " + r.From + " → " + r.To
	}
	return s
}

func findRow(d *Diff, unit, cat string) *DiffRow {
	for i := range d.Rows {
		if d.Rows[i].Unit == unit && d.Rows[i].Category == cat {
			return &d.Rows[i]
		}
	}
	return nil
}

func hasReason(row *DiffRow, want string) bool {
	return slices.ContainsFunc(row.Reasons, func(r Reason) bool { return reasonText(r) == want })
}

// TestDiffNamesEachCause revises the hand-checked city four ways at once:
// S2's grade rises from qualified to good, S1 gains a social worker, the designated line F3 (R1, category A) grows, and the rooms'
// share changes. Each cause is named on the unit it touches and nowhere it
// does not, and every row's split by stage sums to its change.
func TestDiffNamesEachCause(t *testing.T) {
	in, rules := smallCity()
	a := recorded(t, in, rules)
	in.Units = slices.Clone(in.Units)
	in.Funds = slices.Clone(in.Funds)
	unitOf(&in, "S2").Grade = Good
	unitOf(&in, "S1").SocialWorkers = 3
	in.Funds[2].Amount = 15_000 // F3, designated to R1 in A
	rules.Rooms.Share = r("0.40")
	b := recorded(t, in, rules)

	d := DiffBudgets(a, b)
	for _, row := range d.Rows {
		var sum Fen
		for _, v := range row.ByStage {
			sum += v
		}
		if sum != row.Change() {
			t.Errorf("%s %s: stages sum to %s, change %s", row.Unit, row.Category, sum, row.Change())
		}
	}
	for _, c := range []struct{ unit, cat, reason string }{
		{"S2", "A", "unit_field grade: qualified → good"},
		{"S1", "A", "unit_field social_workers: 2 → 3"},
		{"S1", "B", "unit_field social_workers: 2 → 3"},
		{"R1", "A", "fund_line F3 changed amount: 100.00 → 150.00"},
		{"R1", "A", "param stages.rooms.share: 0.3 → 0.4"},
		{"S1", "A", "param stages.rooms.share: 0.3 → 0.4"},
	} {
		row := findRow(d, c.unit, c.cat)
		if row == nil {
			t.Errorf("no row for %s %s", c.unit, c.cat)
			continue
		}
		if !hasReason(row, c.reason) {
			t.Errorf("%s %s: reasons %v, want %q among them", c.unit, c.cat, row.Reasons, c.reason)
		}
	}
	// Causes stay on their own units.
	for _, row := range d.Rows {
		for _, r := range row.Reasons {
			switch txt := reasonText(r); {
			case strings.Contains(txt, "grade:") && row.Unit != "S2":
				t.Errorf("%s %s: %s belongs to S2", row.Unit, row.Category, txt)
			case strings.Contains(txt, "social_workers") && row.Unit != "S1" && r.Unit != "S1":
				t.Errorf("%s %s: %s belongs to S1", row.Unit, row.Category, txt)
			case strings.Contains(txt, "F3") && (row.Unit != "R1" || row.Category != "A"):
				t.Errorf("%s %s: %s belongs to R1 A", row.Unit, row.Category, txt)
			}
		}
	}
	// S2's demand line grew with its grade: that is its main reason.
	if row := findRow(d, "S2", "A"); row == nil || row.Main < 0 || reasonText(row.Reasons[row.Main]) != "unit_field grade: qualified → good" {
		t.Errorf("S2 A: main reason %+v", row)
	}
	// The pool-wide reasons: the changed parameter, the demand weights
	// (S2's factor rose), the pooled total of A is unchanged.
	var top []string
	for _, r := range d.PoolReasons {
		top = append(top, reasonText(r))
	}
	for _, want := range []string{"param stages.rooms.share: 0.3 → 0.4", "demand_weight A: 480 → 510", "demand_weight B: 480 → 510"} {
		if !slices.Contains(top, want) {
			t.Errorf("pool reasons %q lack %q", top, want)
		}
	}
	if slices.ContainsFunc(top, func(s string) bool { return strings.HasPrefix(s, "pooled_total") }) {
		t.Errorf("pool reasons %q: no pooled total changed", top)
	}
}

// TestDiffUnitsAndPooledLines opens a unit, closes one, makes a station
// unqualified and adds a pooled charity line.
func TestDiffUnitsAndPooledLines(t *testing.T) {
	in, rules := smallCity()
	a := recorded(t, in, rules)
	var units []Unit
	for _, u := range in.Units {
		if u.Code != "R2" {
			units = append(units, u)
		}
	}
	units = append(units, Unit{Code: "R4", Tier: Room, Parent: "S2", Drivers: rs("5")})
	in.Units = units
	unitOf(&in, "S1").Grade = Unqualified
	in.Funds = append(slices.Clone(in.Funds), Fund{ID: "F9", Category: 1, Amount: 20_000})
	b := recorded(t, in, rules)
	d := DiffBudgets(a, b)

	if row := findRow(d, "R4", "A"); row == nil || !hasReason(row, "unit_opened") || row.Before != 0 || row.Rate.Valid() {
		t.Errorf("R4 A: %+v", row)
	}
	if row := findRow(d, "R2", "A"); row == nil || !hasReason(row, "unit_closed") || row.After != 0 || row.Rate.String() != "-1.0000" {
		t.Errorf("R2 A: %+v", row)
	}
	s1 := findRow(d, "S1", "A")
	if s1 == nil || !hasReason(s1, "unit_field grade: excellent → unqualified") || s1.ReservedAfter != s1.After || s1.ReservedBefore != 0 {
		t.Errorf("S1 A: %+v", s1)
	}
	// R1 no longer gets anything from S1: its station's grade says why.
	if row := findRow(d, "R1", "A"); row == nil || !hasReason(row, "unit_field S1 grade: excellent → unqualified") {
		t.Errorf("R1 A: %+v", row)
	}
	var top []string
	for _, r := range d.PoolReasons {
		top = append(top, reasonText(r))
	}
	for _, want := range []string{"fund_line F9 added 200.00 B ", "pooled_total B: 5000.00 → 5200.00"} {
		if !slices.Contains(top, want) {
			t.Errorf("pool reasons %q lack %q", top, want)
		}
	}
}

// TestDiffProperties compares random pairs of small cities: a city with a
// mutation of itself, or with another city altogether. Every row's split
// by stage sums exactly to its change, the rows are exactly the unit ×
// category amounts that differ, and a budget compared with itself is empty.
func TestDiffProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 10))
	for i := range 1500 {
		inA, rulesA := randomCity(rng)
		inB, rulesB := randomCity(rng)
		if i%2 == 0 {
			inB, rulesB = mutate(rng, inA, rulesA)
		}
		a, b := recorded(t, inA, rulesA), recorded(t, inB, rulesB)
		for _, x := range []*Budget{a, b} {
			if d := DiffBudgets(x, x); !d.Empty() {
				t.Fatalf("pair %d: a budget differs from itself: %+v", i, d)
			}
		}
		d := DiffBudgets(a, b)
		type key struct{ unit, cat string }
		want := map[key]Fen{}
		for _, x := range []struct {
			p    *Plan
			sign Fen
		}{{a.Plan, -1}, {b.Plan, 1}} {
			for _, l := range x.p.Lines {
				want[key{x.p.Units[l.Unit].Code, x.p.Categories[l.Category]}] += x.sign * l.Amount
			}
		}
		var change Fen
		for c := range d.Categories {
			change += d.Totals[1][c] - d.Totals[0][c]
		}
		var rowsChange Fen
		for _, row := range d.Rows {
			rowsChange += row.Change()
		}
		if change != rowsChange {
			t.Fatalf("pair %d: the totals change by %s, the rows by %s", i, change, rowsChange)
		}
		seen := map[key]bool{}
		for _, row := range d.Rows {
			var sum Fen
			for _, v := range row.ByStage {
				sum += v
			}
			k := key{row.Unit, row.Category}
			if sum != row.Change() || row.Change() != want[k] {
				t.Fatalf("pair %d, %s %s: stages sum to %s, change %s, lines differ by %s", i, row.Unit, row.Category, sum, row.Change(), want[k])
			}
			seen[k] = true
		}
		for k, v := range want {
			if v != 0 && !seen[k] {
				t.Fatalf("pair %d: %s %s changed by %s but has no row", i, k.unit, k.cat, v)
			}
		}
	}
}

// mutate returns a revision of a city: a few grades, worker counts,
// drivers, fund lines and parameters changed.
func mutate(rng *rand.Rand, in Input, r Rules) (Input, Rules) {
	in.Units = slices.Clone(in.Units)
	in.Funds = slices.Clone(in.Funds)
	for range 1 + rng.IntN(3) {
		u := &in.Units[rng.IntN(len(in.Units))]
		switch rng.IntN(4) {
		case 0:
			u.Grade = Grade(rng.IntN(int(numGrades)))
		case 1:
			u.SocialWorkers = int64(rng.IntN(5))
		case 2:
			u.Drivers = []Ratio{{Num: uint64(rng.IntN(5000))}, u.Drivers[1]}
		case 3:
			u.Pilot = !u.Pilot
		}
	}
	switch {
	case len(in.Funds) > 0 && rng.IntN(3) == 0:
		in.Funds[rng.IntN(len(in.Funds))].Amount += Fen(1 + rng.IntN(100_000))
	case len(in.Funds) > 0 && rng.IntN(2) == 0:
		in.Funds = in.Funds[1:]
	default:
		in.Funds = append(in.Funds, Fund{ID: fmt.Sprintf("N%d", rng.IntN(1000)), Category: rng.IntN(len(in.Categories)), Amount: Fen(1 + rng.Int64N(1_000_000))})
	}
	if rng.IntN(2) == 0 {
		r.Hub.Amount = Fen(rng.Int64N(5_000_000))
	}
	if rng.IntN(2) == 0 {
		r.Rooms.Share = Ratio{Num: uint64(rng.IntN(101)), Scale: 2}
	}
	return in, r
}

func TestChangeRatePercent(t *testing.T) {
	for _, c := range []struct {
		change, before Fen
		rate, pct      string
	}{
		{-1234, 10000, "-0.1234", "-12.34%"},
		{5, 10000, "0.0005", "0.05%"},
		{1, 30000, "0.0000", "0.00%"},
		{-1, 30000, "0.0000", "0.00%"}, // rounds to zero: no minus sign
		{30000, 10000, "3.0000", "300.00%"},
		{-10000, 10000, "-1.0000", "-100.00%"},
		{100, 0, "", ""},
	} {
		r := ChangeRate(c.change, c.before)
		if r.String() != c.rate || r.Percent() != c.pct {
			t.Errorf("%s ÷ %s = %q (%q), want %q (%q)", c.change, c.before, r.String(), r.Percent(), c.rate, c.pct)
		}
	}
}
