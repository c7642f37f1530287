package allocation

import (
	"reflect"
	"testing"
)

func TestSeverityOrder(t *testing.T) {
	tests := []struct {
		flags    Flags
		list     []string
		worst    Flags
		severity int
	}{
		{0, nil, 0, 0},
		{FlagBehind, []string{Behind}, FlagBehind, 4},
		{FlagAhead, []string{Ahead}, FlagAhead, 3},
		{FlagMisuse, []string{Misuse}, FlagMisuse, 2},
		{FlagOverspend, []string{Overspend}, FlagOverspend, 1},
		{FlagAhead | FlagOverspend, []string{Overspend, Ahead}, FlagOverspend, 1},
		{FlagBehind | FlagMisuse | FlagAhead, []string{Misuse, Ahead, Behind}, FlagMisuse, 2},
	}
	for _, tt := range tests {
		if got := tt.flags.List(); !reflect.DeepEqual(got, tt.list) {
			t.Errorf("%#b.List() = %v, want %v", tt.flags, got, tt.list)
		}
		if got := tt.flags.Worst(); got != tt.worst {
			t.Errorf("%#b.Worst() = %v, want %v", tt.flags, got, tt.worst)
		}
		if got := tt.flags.Severity(); got != tt.severity {
			t.Errorf("%#b.Severity() = %d, want %d", tt.flags, got, tt.severity)
		}
	}
}

func TestReservedIsNeverBehind(t *testing.T) {
	const s1 = 0
	tests := []struct {
		name     string
		reserved bool
		vouchers []Voucher
		flags    []string
	}{
		{"allocated and idle is behind", false, nil, []string{Behind}},
		{"reserved and idle is not", true, nil, nil},
		{"reserved and ahead is ahead", true, []Voucher{{s1, 0, 1, 110_001}}, []string{Ahead}},
		{"reserved and over the year", true, []Voucher{{s1, 0, 1, 120_001}}, []string{Overspend, Ahead}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := []Budgeted{{Unit: s1, Category: 0, Annual: 120_000, Reserved: tt.reserved}}
			r := row(t, b, tt.vouchers, 10)
			if !reflect.DeepEqual(r.Flags.List(), tt.flags) || r.Reserved != tt.reserved {
				t.Errorf("flags %v reserved %v; want %v %v", r.Flags.List(), r.Reserved, tt.flags, tt.reserved)
			}
		})
	}
}

func TestAnnualMarksReserved(t *testing.T) {
	p := &Plan{Units: []Unit{{Code: "S1"}}, Categories: []string{"A", "B"}, Lines: []Line{
		{Unit: 0, Category: 0, Amount: 100, Status: Reserved},
		{Unit: 0, Category: 0, Amount: 50, Status: Reserved},
		{Unit: 0, Category: 1, Amount: 100, Status: Reserved},
		{Unit: 0, Category: 1, Amount: 1, Status: Allocated},
	}}
	want := []Budgeted{{Unit: 0, Category: 0, Annual: 150, Reserved: true}, {Unit: 0, Category: 1, Annual: 101}}
	if got := Annual(p); !reflect.DeepEqual(got, want) {
		t.Errorf("Annual = %+v, want %+v", got, want)
	}
}

func TestRemaining(t *testing.T) {
	const s1 = 0
	for _, tt := range []struct {
		vouchers []Voucher
		want     Fen
	}{
		{nil, 120_000},
		{[]Voucher{{s1, 0, 1, 20_000}}, 100_000},
		{[]Voucher{{s1, 0, 1, 150_000}}, -30_000},                     // over the year: negative
		{[]Voucher{{s1, 0, 1, 20_000}, {s1, 0, 12, 50_000}}, 100_000}, // December is not counted yet
	} {
		r := row(t, []Budgeted{{Unit: s1, Category: 0, Annual: 120_000}}, tt.vouchers, 10)
		if r.Remaining() != tt.want {
			t.Errorf("%v: remaining %s, want %s", tt.vouchers, r.Remaining(), tt.want)
		}
	}
	// Misuse: no budget, so all of it is over.
	if r := row(t, nil, []Voucher{{1, 0, 1, 700}}, 10); r.Remaining() != -700 {
		t.Errorf("misuse remaining %s", r.Remaining())
	}
	// A remaining that does not fit is an error, not a wrapped number.
	_, err := Reconcile([]string{"S1"}, []Budgeted{{Unit: 0, Annual: MaxFen}}, []Voucher{{0, 0, 1, -1}, {0, 0, 1, -MaxFen}}, 10, thresholds())
	if err == nil {
		t.Error("an overflowing remaining was accepted")
	}
}

func TestRollupsSumTheirRows(t *testing.T) {
	units := []Unit{
		{Code: "S2", Tier: Station, Parent: "H"}, {Code: "H", Tier: Hub},
		{Code: "S1", Tier: Station, Parent: "H"}, {Code: "R1", Tier: Room, Parent: "S1"},
		{Code: "R2", Tier: Room, Parent: "S1"}, {Code: "R9", Tier: Room, Parent: "GONE"},
		{Code: "S3", Tier: Station, Parent: "H"},
	}
	codes := []string{"H", "R1", "R2", "R9", "S1", "S2", "X"}
	budget := []Budgeted{
		{Unit: 0, Category: 0, Annual: 1_000_00},
		{Unit: 1, Category: 0, Annual: 333_33}, {Unit: 1, Category: 1, Annual: 10_00},
		{Unit: 2, Category: 1, Annual: 77},
		{Unit: 3, Category: 0, Annual: 5_00},
		{Unit: 4, Category: 0, Annual: 1_200_01},
		{Unit: 5, Category: 1, Annual: 12_00},
	}
	vouchers := []Voucher{
		{1, 0, 2, 400_00}, // R1 over the year
		{2, 0, 3, 1_23},   // R2 spent without a budget in 0
		{4, 0, 1, 1_000_00},
		{6, 0, 1, 9_99}, // X: unknown to the units file
		{3, 0, 1, 1_00}, // R9: its station is not known
	}
	rows, err := Reconcile(codes, budget, vouchers, 6, thresholds())
	if err != nil {
		t.Fatal(err)
	}
	got, err := Rollups(rows, units)
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, g := range got {
		order = append(order, g.Unit)
	}
	if want := []string{"H", "S1", "S2", "S3"}; !reflect.DeepEqual(order, want) {
		t.Fatalf("roll-ups %v, want %v", order, want)
	}
	// Each roll-up is the sum of its rows to the fen: sum them here the
	// plain way and compare.
	members := map[string][]string{"H": {"H"}, "S1": {"S1", "R1", "R2"}, "S2": {"S2"}, "S3": {"S3"}}
	for _, g := range got {
		var want Rollup
		want.Unit = g.Unit
		for _, r := range rows {
			for _, m := range members[g.Unit] {
				if r.Unit == m {
					want.Annual += r.Annual
					want.PlanToDate += r.PlanToDate
					want.Actual += r.Actual
					if r.Flags != 0 {
						want.Flagged++
					}
				}
			}
		}
		if g.Annual != want.Annual || g.PlanToDate != want.PlanToDate || g.Actual != want.Actual || g.Flagged != want.Flagged ||
			g.Remaining() != want.Annual-want.Actual {
			t.Errorf("%s: %+v, want sums %+v", g.Unit, g, want)
		}
		if g.Rate != rate(g.Actual, g.PlanToDate) {
			t.Errorf("%s: rate %s", g.Unit, g.Rate)
		}
	}
	// S1 holds R1's overspend and R2's misuse: the worst is the overspend.
	if got[1].Worst != FlagOverspend || got[1].Flagged != 5 {
		t.Errorf("S1: worst %v flagged %d", got[1].Worst, got[1].Flagged)
	}
	if got[3].Annual != 0 || got[3].Rate.Valid() || got[3].Worst != 0 {
		t.Errorf("S3 without rows: %+v", got[3])
	}
}

func TestProblemsOrder(t *testing.T) {
	rows := []Row{
		{Unit: "A", Category: 0, Flags: FlagBehind, Annual: 1000, PlanToDate: 800, Actual: 100}, // stake 700
		{Unit: "A", Category: 1}, // no flag
		{Unit: "A", Category: 2, Flags: FlagOverspend | FlagAhead, Annual: 100, PlanToDate: 80, Actual: 130}, // stake 30
		{Unit: "B", Category: 0, Flags: FlagMisuse, Actual: 5},                                               // stake 5
		{Unit: "B", Category: 1, Flags: FlagOverspend | FlagAhead, Annual: 100, PlanToDate: 90, Actual: 190}, // stake 90
		{Unit: "C", Category: 0, Flags: FlagAhead, Annual: 1000, PlanToDate: 500, Actual: 600},               // stake 100
		{Unit: "C", Category: 1, Flags: FlagBehind, Annual: 1000, PlanToDate: 800, Actual: 100},              // stake 700, after A/0
		{Unit: "D", Category: 0, Flags: FlagMisuse, Actual: 50},                                              // stake 50
	}
	want := []Problem{
		{Row: 4, Flag: FlagOverspend, Severity: 1, Stake: 90},
		{Row: 2, Flag: FlagOverspend, Severity: 1, Stake: 30},
		{Row: 7, Flag: FlagMisuse, Severity: 2, Stake: 50},
		{Row: 3, Flag: FlagMisuse, Severity: 2, Stake: 5},
		{Row: 5, Flag: FlagAhead, Severity: 3, Stake: 100},
		{Row: 0, Flag: FlagBehind, Severity: 4, Stake: 700},
		{Row: 6, Flag: FlagBehind, Severity: 4, Stake: 700},
	}
	if got := Problems(rows); !reflect.DeepEqual(got, want) {
		t.Errorf("Problems =\n%+v\nwant\n%+v", got, want)
	}
	if got := Problems(rows[1:2]); got != nil {
		t.Errorf("no flags: %+v", got)
	}
}

func TestCounts(t *testing.T) {
	var c Counts
	for _, v := range []struct {
		excepted bool
		month    int
	}{{false, 1}, {false, 10}, {false, 11}, {true, 3}, {true, 12}, {true, 0}, {false, 12}} {
		c.Add(v.excepted, v.month, 10)
	}
	if want := (Counts{Read: 7, Counted: 2, Excepted: 3, After: 2}); c != want {
		t.Errorf("counts %+v, want %+v", c, want)
	}
}

func TestDiffering(t *testing.T) {
	k := func(u, c string) UnitCategory { return UnitCategory{u, c} }
	for _, tt := range []struct {
		a, b map[UnitCategory]Fen
		want int
	}{
		{nil, nil, 0},
		{map[UnitCategory]Fen{k("S1", "a"): 5}, map[UnitCategory]Fen{k("S1", "a"): 5}, 0},
		{map[UnitCategory]Fen{k("S1", "a"): 5}, map[UnitCategory]Fen{k("S1", "a"): 6}, 1},
		{map[UnitCategory]Fen{k("S1", "a"): 5}, map[UnitCategory]Fen{k("S1", "b"): 5}, 2},
		{map[UnitCategory]Fen{k("S1", "a"): 5, k("S2", "a"): 1}, map[UnitCategory]Fen{k("S1", "a"): 5}, 1},
	} {
		if got := Differing(tt.a, tt.b); got != tt.want {
			t.Errorf("Differing(%v, %v) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
