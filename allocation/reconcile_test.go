package allocation

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// phase splits an annual amount over the 12 months with Apportion: the
// plain statement of the phasing that phaser computes without allocating.
func phase(annual Fen, profile [12]Ratio) ([12]Fen, error) {
	var out [12]Fen
	months, err := Apportion(annual, profile[:])
	copy(out[:], months)
	return out, err
}

func TestPhaseSumsExactly(t *testing.T) {
	even := EvenProfile()
	tranche := EvenProfile()
	for i := range tranche {
		tranche[i] = Ratio{}
	}
	tranche[0], tranche[6], tranche[11] = Int(40), Int(30), Int(30)
	tests := []struct {
		annual  Fen
		profile [12]Ratio
		want    [12]Fen
	}{
		{1, even, [12]Fen{1}},
		{11, even, [12]Fen{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0}},
		{1200, even, [12]Fen{100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100}},
		{1205, even, [12]Fen{101, 101, 101, 101, 101, 100, 100, 100, 100, 100, 100, 100}},
		{1, tranche, [12]Fen{1}},
		{10001, tranche, [12]Fen{4001, 0, 0, 0, 0, 0, 3000, 0, 0, 0, 0, 3000}},
		{3, tranche, [12]Fen{1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1}}, // 1.2, 0.9, 0.9: the two .9s win
	}
	for _, tt := range tests {
		got, err := phase(tt.annual, tt.profile)
		if err != nil || got != tt.want {
			t.Errorf("Phase(%d, %v) = %v, %v; want %v", tt.annual, tt.profile, got, err, tt.want)
		}
	}
	rng := rand.New(rand.NewPCG(4, 4))
	for range 1000 {
		var p [12]Ratio
		for i := range p {
			p[i] = Ratio{Num: uint64(rng.IntN(3000)), Scale: 2}
		}
		p[rng.IntN(12)].Num++
		annual := Fen(rng.Int64N(1 << 50))
		got, err := phase(annual, p)
		var sum Fen
		for _, m := range got {
			sum += m
		}
		if err != nil || sum != annual {
			t.Fatalf("Phase(%d, %v) sums to %d (%v)", annual, p, sum, err)
		}
	}
	if _, err := phase(5, [12]Ratio{}); err == nil {
		t.Error("an all-zero profile was accepted")
	}
}

func thresholds() Thresholds {
	return Thresholds{Profile: EvenProfile(), Tolerance: Ratio{Num: 10, Scale: 2}, Behind: Ratio{Num: 80, Scale: 2}}
}

func row(t *testing.T, budget []Budgeted, vouchers []Voucher, month int) Row {
	t.Helper()
	rows, err := Reconcile([]string{"S1", "R1"}, budget, vouchers, month, thresholds())
	if err != nil || len(rows) != 1 {
		t.Fatalf("rows = %+v, %v", rows, err)
	}
	return rows[0]
}

func TestFlags(t *testing.T) {
	const s1, r1 = 0, 1                                       // in the table {"S1", "R1"}
	b := []Budgeted{{Unit: s1, Category: 0, Annual: 120_000}} // 100.00 a month
	tests := []struct {
		name     string
		vouchers []Voucher
		month    int
		flags    []string
		actual   Fen
		rate     string
	}{
		// plan to date at month 10 is 1000.00; AHEAD above 1100.00, BEHIND below 800.00.
		{"on plan", []Voucher{{s1, 0, 3, 100_000}}, 10, nil, 100_000, "1.0000"},
		{"at the AHEAD threshold is not ahead", []Voucher{{s1, 0, 10, 110_000}}, 10, nil, 110_000, "1.1000"},
		{"one fen over is ahead", []Voucher{{s1, 0, 10, 110_001}}, 10, []string{Ahead}, 110_001, "1.1000"},
		{"at the BEHIND threshold is not behind", []Voucher{{s1, 0, 1, 80_000}}, 10, nil, 80_000, "0.8000"},
		{"one fen under is behind", []Voucher{{s1, 0, 1, 79_999}}, 10, []string{Behind}, 79_999, "0.8000"},
		{"overspend is also ahead", []Voucher{{s1, 0, 2, 120_001}}, 10, []string{Overspend, Ahead}, 120_001, "1.2000"},
		{"a refund counts negative", []Voucher{{s1, 0, 2, 100_000}, {s1, 0, 3, -30_000}}, 10, []string{Behind}, 70_000, "0.7000"},
		{"later vouchers are not counted yet", []Voucher{{s1, 0, 2, 100_000}, {s1, 0, 11, 90_000}}, 10, nil, 100_000, "1.0000"},
		{"rate rounds half away from zero", []Voucher{{s1, 0, 1, 1}}, 2, []string{Behind}, 1, "0.0001"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := row(t, b, tt.vouchers, tt.month)
			if !reflect.DeepEqual(r.Flags.List(), tt.flags) || r.Actual != tt.actual || r.Rate.String() != tt.rate {
				t.Errorf("flags %v actual %s rate %s; want %v %s %s", r.Flags, r.Actual, r.Rate, tt.flags, tt.actual, tt.rate)
			}
			if r.Variance != r.Actual-r.PlanToDate {
				t.Errorf("variance %s", r.Variance)
			}
		})
	}
}

func TestMisuseAlone(t *testing.T) {
	r := row(t, nil, []Voucher{{1, 2, 5, 999_999}}, 10) // R1
	if !reflect.DeepEqual(r.Flags.List(), []string{Misuse}) || r.Annual != 0 || r.PlanToDate != 0 || r.Rate.Valid() || r.Variance != 999_999 {
		t.Errorf("row = %+v", r)
	}
}

func TestRate(t *testing.T) {
	for _, tt := range []struct {
		a, b Fen
		want string
	}{
		{1, 3, "0.3333"}, {2, 3, "0.6667"}, {1, 8, "0.1250"}, {1, 20000, "0.0001"}, {1, 20001, "0.0000"},
		{-1, 20000, "-0.0001"}, {-1, 20001, "0.0000"}, {-2, 3, "-0.6667"}, {0, 5, "0.0000"}, {5, 0, ""},
		{MaxFen, 1, "9223372036854775807.0000"}, {300, 100, "3.0000"},
	} {
		if got := rate(tt.a, tt.b).String(); got != tt.want {
			t.Errorf("rate(%d, %d) = %q, want %q", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestReconcileRowsOrderAndAnnual(t *testing.T) {
	in, rules := smallCity()
	p, err := Allocate(in, rules)
	if err != nil {
		t.Fatal(err)
	}
	budget := Annual(p)
	// S1 in A: baseline 1666.67 + pilot 200.00 + demand 983.89 = 2850.56.
	codes := make([]string, len(p.Units))
	for i, u := range p.Units {
		codes[i] = u.Code
	}
	var s1a Fen
	for _, b := range budget {
		if codes[b.Unit] == "S1" && b.Category == 0 {
			s1a = b.Annual
		}
	}
	if s1a != 285_056 {
		t.Errorf("S1 annual in A = %s, want 2850.56", s1a)
	}
	r3 := int32(slices.Index(codes, "R3"))
	rows, err := Reconcile(codes, budget, []Voucher{{r3, 1, 1, 5}}, 12, thresholds())
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, r := range rows {
		order = append(order, r.Unit+"/"+in.Categories[r.Category])
		if r.Unit == "R3" && (r.Flags != FlagMisuse || r.Vouchers != 1) {
			t.Errorf("R3 = %+v, want MISUSE with one voucher", r)
		}
	}
	want := []string{"H/A", "H/B", "R1/A", "R1/B", "R2/A", "R2/B", "R3/B", "S1/A", "S1/B", "S2/A", "S2/B", "S3/A", "S3/B"}
	if !reflect.DeepEqual(order, want) {
		t.Errorf("rows %v, want %v", order, want)
	}
	// At month 12 the plan to date is the whole annual amount.
	for _, r := range rows {
		if r.PlanToDate != r.Annual {
			t.Errorf("%s: plan to date %s at December, annual %s", r.Unit, r.PlanToDate, r.Annual)
		}
	}
}

// The plan to date without allocation matches phase, month by month.
func TestPhaserMatchesPhase(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	for range 3000 {
		var p [12]Ratio
		for i := range p {
			p[i] = Ratio{Num: uint64(rng.IntN(4)), Scale: uint8(rng.IntN(3))}
		}
		p[rng.IntN(12)].Num++
		annual := Fen(rng.Int64N(1 << uint(1+rng.IntN(50))))
		months, err := phase(annual, p)
		if err != nil {
			t.Fatal(err)
		}
		var want Fen
		for m := 1; m <= 12; m++ {
			want += months[m-1]
			ph, _ := newPhaser(p, m)
			if got := ph.toDate(annual); got != want {
				t.Fatalf("profile %v annual %d month %d: phaser %d, Phase %d", p, annual, m, got, want)
			}
		}
	}
}

func TestFlagsAndRateText(t *testing.T) {
	f := FlagOverspend | FlagBehind
	if f.String() != "OVERSPEND BEHIND" || !f.Has(Behind) || f.Has(Ahead) {
		t.Errorf("flags %v", f)
	}
	if (Rate{}).String() != "" || rate(-5, 10).String() != "-0.5000" {
		t.Error("rate text")
	}
}

// The plan to date is worked out for millions of rows: it must not allocate.
func TestPhaserDoesNotAllocate(t *testing.T) {
	p := EvenProfile()
	p[3] = Int(7)
	ph, err := newPhaser(p, 10)
	if err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() { ph.toDate(123_456_789) }); n != 0 {
		t.Errorf("toDate allocates %v times a call", n)
	}
}
