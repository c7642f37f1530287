package allocation

import (
	"math/big"
	"math/rand/v2"
	"testing"
	"unsafe"
)

// checkBasis checks that every line's basis explains its amount on its
// own: the amount is its share of what was apportioned (amount × weight ÷
// total weight) to within the one fen the largest remainder may add, and
// the total weight is the sum of the weights of everyone in the
// apportionment.
func checkBasis(t *testing.T, p *Plan, r Rules) {
	t.Helper()
	rat := func(x Ratio) *big.Rat {
		return new(big.Rat).SetFrac(new(big.Int).SetUint64(x.Num), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(x.Scale)), nil))
	}
	fen := func(f Fen) *big.Rat { return new(big.Rat).SetInt64(int64(f)) }
	// share reports whether got is ⌊exact⌋ or ⌈exact⌉ of total × w ÷ sum.
	share := func(got Fen, total Fen, w Ratio, sum Sum) bool {
		exact := new(big.Rat).Mul(fen(total), rat(w))
		exact.Quo(exact, sum.Rat())
		floor := new(big.Int).Quo(exact.Num(), exact.Denom())
		g := big.NewInt(int64(got))
		return g.Cmp(floor) == 0 || !exact.IsInt() && g.Cmp(new(big.Int).Add(floor, big.NewInt(1))) == 0
	}
	// The weights each total sums, gathered from the lines' bases (a
	// demand pot's stations and a room pot's rooms all have lines there
	// unless their share was zero, so the sum is at least theirs).
	for i, l := range p.Lines {
		b := l.Basis
		switch l.Stage {
		case Directed:
			var sum Fen
			for _, fi := range p.Directed[b.Ref] {
				sum += p.Funds[fi].Amount
			}
			if sum != l.Amount {
				t.Fatalf("line %d: directed %s, its fund lines sum to %s", i, l.Amount, sum)
			}
		case HubProject, Baseline, Pilot:
			if _, ok := p.Totals[b.Ref].Fen(); !ok {
				t.Fatalf("line %d (%s): total %s is not an amount", i, l.Stage, p.Totals[b.Ref])
			}
			if !share(l.Amount, b.Granted, b.Weight(), p.Totals[b.Ref]) {
				t.Fatalf("line %d (%s): %s is not %s × %s ÷ %s", i, l.Stage, l.Amount, b.Granted, b.Weight(), p.Totals[b.Ref])
			}
		case Demand:
			if !share(b.Granted, b.Pot, b.Weight(), p.Totals[b.Ref]) {
				t.Fatalf("line %d: demand share %s is not %s × %s ÷ %s", i, b.Granted, b.Pot, b.Weight(), p.Totals[b.Ref])
			}
			kept := b.Granted
			if l.Amount != b.Granted {
				pass, _ := b.Granted.MulFloor(r.Rooms.Share)
				kept -= pass
			}
			if l.Amount != kept {
				t.Fatalf("line %d: demand %s, but %s less the rooms' share is %s", i, l.Amount, b.Granted, kept)
			}
			if w, _ := b.Value().Mul(b.Factor()); w.Cmp(b.Weight()) != 0 {
				t.Fatalf("line %d: weight %s is not %s × %s", i, b.Weight(), b.Value(), b.Factor())
			}
		case Rooms:
			if !share(l.Amount, b.Pot, b.Weight(), p.Totals[b.Ref]) {
				t.Fatalf("line %d: rooms %s is not %s × %s ÷ %s", i, l.Amount, b.Pot, b.Weight(), p.Totals[b.Ref])
			}
		}
	}
	// Each demand total is every station's weight, zero shares included.
	stationWeights := map[int32][]Ratio{}
	seen := map[[2]int32]bool{}
	for _, l := range p.Lines {
		if l.Stage == Demand && !seen[[2]int32{l.Basis.Ref, l.Unit}] {
			seen[[2]int32{l.Basis.Ref, l.Unit}] = true
			stationWeights[l.Basis.Ref] = append(stationWeights[l.Basis.Ref], l.Basis.Weight())
		}
	}
	for ref, ws := range stationWeights {
		got, floor := p.Totals[ref].Rat(), SumOf(ws).Rat()
		if got.Cmp(floor) < 0 {
			t.Fatalf("demand total %s is less than its lines' weights %s", got.RatString(), floor.RatString())
		}
	}
}

func TestBasisExplainsEveryLine(t *testing.T) {
	in, rules := smallCity()
	p, err := Allocate(in, rules)
	if err != nil {
		t.Fatal(err)
	}
	checkBasis(t, p, rules)
	// S2's demand line in category 0: 613,333 × 270 ÷ the stations' weights.
	for _, l := range p.Lines {
		if l.Stage == Demand && p.Units[l.Unit].Code == "S2" && l.Category == 0 {
			var want []Ratio
			for _, u := range p.Units {
				if u.Tier == Station {
					w, _ := u.Drivers[rules.DriverIndex(0, p.Drivers)].Mul(rules.Factors[u.Grade])
					if u.Grade == Unqualified {
						w = u.Drivers[rules.DriverIndex(0, p.Drivers)]
					}
					want = append(want, w)
				}
			}
			if got := p.Totals[l.Basis.Ref].String(); got != SumOf(want).String() {
				t.Errorf("S2 demand total weight %s, want %s", got, SumOf(want))
			}
		}
	}
	rng := rand.New(rand.NewPCG(13, 17))
	for range 500 {
		in, rules := randomCity(rng)
		p, err := Allocate(in, rules)
		if err != nil {
			t.Fatal(err)
		}
		checkBasis(t, p, rules)
	}
}

func TestSum(t *testing.T) {
	r := func(s string) Ratio { x, _ := ParseRatio(s); return x }
	for _, c := range []struct {
		in   []Ratio
		want string
	}{
		{nil, "0"},
		{[]Ratio{r("1.5"), r("2.25"), r("3")}, "6.75"},
		{[]Ratio{r("0.1"), r("0.9")}, "1"},
		// Past 64 bits at the common scale: the slow path.
		{[]Ratio{r("18446744073709551615"), r("0.5")}, "18446744073709551615.5"},
		{[]Ratio{r("18446744073709551615"), r("18446744073709551615")}, "36893488147419103230"},
		{[]Ratio{r("0.0000000000000000001"), r("10000")}, "10000.0000000000000000001"},
	} {
		s := SumOf(c.in)
		if s.String() != c.want {
			t.Errorf("SumOf(%v) = %s, want %s", c.in, s, c.want)
		}
		want, _ := new(big.Rat).SetString(c.want)
		if s.Rat().Cmp(want) != 0 {
			t.Errorf("SumOf(%v).Rat() = %s, want %s", c.in, s.Rat().RatString(), c.want)
		}
	}
}

// TestLineSize holds a Line to 88 bytes: a national plan holds 4.5 million
// of them, and every byte is 4.5 MB to fault in.
func TestLineSize(t *testing.T) {
	if n := unsafe.Sizeof(Line{}); n != 88 {
		t.Errorf("a Line is %d bytes, want 88", n)
	}
}
