package allocation

import (
	"errors"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
)

func r(s string) Ratio {
	v, err := ParseRatio(s)
	if err != nil {
		panic(err)
	}
	return v
}

func rs(ss ...string) []Ratio {
	out := make([]Ratio, len(ss))
	for i, s := range ss {
		out[i] = r(s)
	}
	return out
}

func TestApportion(t *testing.T) {
	tests := []struct {
		name    string
		total   Fen
		weights []Ratio
		want    []Fen
		err     error
	}{
		{"exact split", 10, rs("1", "2", "3", "4"), []Fen{1, 2, 3, 4}, nil},
		{"equal thirds: tie goes to the earliest", 100, rs("1", "1", "1"), []Fen{34, 33, 33}, nil},
		{"equal fractions: tie goes to the larger weight", 2, rs("1", "3"), []Fen{0, 2}, nil},
		{"larger weights win a tie over earlier smaller ones", 6, rs("1", "1", "5", "5"), []Fen{0, 0, 3, 3}, nil},
		{"largest fraction first", 100, rs("0.1", "0.2"), []Fen{33, 67}, nil},
		{"zero weight gets nothing", 7, rs("0", "1", "1"), []Fen{0, 4, 3}, nil},
		{"total smaller than the item count", 2, rs("1", "1", "1", "1", "1"), []Fen{1, 1, 0, 0, 0}, nil},
		{"one item takes all", 12345, rs("7"), []Fen{12345}, nil},
		{"mixed scales", 7, rs("1.5", "2"), []Fen{3, 4}, nil},
		{"zero total with zero weights", 0, rs("0", "0"), []Fen{0, 0}, nil},
		{"zero total with weights", 0, rs("1", "2"), []Fen{0, 0}, nil},
		{"one fen", 1, rs("1", "2", "2"), []Fen{0, 1, 0}, nil},
		{"all zero weights", 5, rs("0", "0"), nil, ErrNoWeight},
		{"no items", 5, nil, nil, ErrNoWeight},
		{"common scale overflows 64 bits", 10, []Ratio{{Num: 1 << 63}, {Num: 1, Scale: 10}}, []Fen{10, 0}, nil},
		{"sum overflows 64 bits", 3, []Ratio{{Num: 1 << 63}, {Num: 1 << 63}}, []Fen{2, 1}, nil},
		{"large total", MaxFen, rs("1", "1"), []Fen{MaxFen/2 + 1, MaxFen / 2}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Apportion(tt.total, tt.weights)
			if !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Apportion(%d, %v) = %v, want %v", tt.total, tt.weights, got, tt.want)
			}
		})
	}
}

func TestApportionNegativeTotal(t *testing.T) {
	if _, err := Apportion(-1, rs("1")); err == nil {
		t.Fatal("negative total accepted")
	}
	if _, err := ApportionFen(5, []Fen{1, -1}); err == nil {
		t.Fatal("negative weight accepted")
	}
}

// reference is DESIGN §4.1 transcribed with big.Rat: the independent check
// for the integer implementation.
func reference(total Fen, weights []Ratio) []Fen {
	if total == 0 {
		return make([]Fen, len(weights)) // all zeros, whatever the weights (even all zero)
	}
	exact := make([]*big.Rat, len(weights))
	w := make([]*big.Rat, len(weights))
	sum := new(big.Rat)
	for i, x := range weights {
		w[i] = new(big.Rat).SetFrac(new(big.Int).SetUint64(x.Num), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(x.Scale)), nil))
		sum.Add(sum, w[i])
	}
	out := make([]Fen, len(weights))
	frac := make([]*big.Rat, len(weights))
	left := int64(total)
	for i := range weights {
		exact[i] = new(big.Rat).Mul(new(big.Rat).SetInt64(int64(total)), w[i])
		exact[i].Quo(exact[i], sum)
		fl := new(big.Int).Quo(exact[i].Num(), exact[i].Denom())
		out[i] = Fen(fl.Int64())
		left -= fl.Int64()
		frac[i] = new(big.Rat).Sub(exact[i], new(big.Rat).SetInt(fl))
	}
	idx := make([]int, len(weights))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		if c := frac[idx[a]].Cmp(frac[idx[b]]); c != 0 {
			return c > 0
		}
		if c := w[idx[a]].Cmp(w[idx[b]]); c != 0 {
			return c > 0
		}
		return idx[a] < idx[b]
	})
	for _, i := range idx[:left] {
		out[i]++
	}
	return out
}

func TestApportionMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		n := 1 + rng.IntN(12)
		weights := make([]Ratio, n)
		nonzero := false
		for i := range weights {
			// Small weights make ties common; a few large ones exercise 128-bit products.
			switch rng.IntN(4) {
			case 0:
				weights[i] = Ratio{Num: uint64(rng.IntN(4))}
			case 1:
				weights[i] = Ratio{Num: uint64(rng.IntN(1000)), Scale: uint8(rng.IntN(4))}
			case 2:
				weights[i] = Ratio{Num: rng.Uint64() >> 1, Scale: uint8(rng.IntN(MaxScale + 1))}
			default:
				weights[i] = Ratio{Num: uint64(rng.IntN(100))}
			}
			nonzero = nonzero || weights[i].Num != 0
		}
		if !nonzero {
			weights[0].Num = 1
		}
		total := Fen(rng.Int64N(1_000_000))
		if rng.IntN(5) == 0 {
			total = Fen(rng.Int64N(math.MaxInt64))
		}
		got, err := Apportion(total, weights)
		if err != nil {
			t.Fatalf("Apportion(%d, %v): %v", total, weights, err)
		}
		if want := reference(total, weights); !slices.Equal(got, want) {
			t.Fatalf("Apportion(%d, %v) = %v, reference %v", total, weights, got, want)
		}
	}
}

func FuzzApportion(f *testing.F) {
	f.Add(int64(100), uint64(1), uint64(1), uint64(1), uint8(0))
	f.Add(int64(2), uint64(1), uint64(3), uint64(0), uint8(2))
	f.Add(int64(math.MaxInt64), uint64(math.MaxUint64), uint64(1), uint64(7), uint8(19))
	f.Fuzz(func(t *testing.T, total int64, a, b, c uint64, scale uint8) {
		if total < 0 {
			total = -(total + 1)
		}
		weights := []Ratio{{Num: a}, {Num: b, Scale: scale % (MaxScale + 1)}, {Num: c, Scale: 2}}
		got, err := Apportion(Fen(total), weights)
		if a == 0 && b == 0 && c == 0 && total > 0 {
			if !errors.Is(err, ErrNoWeight) {
				t.Fatalf("want ErrNoWeight, got %v", err)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		var sum Fen
		for _, g := range got {
			if g < 0 {
				t.Fatalf("negative share %v", got)
			}
			sum += g
		}
		if sum != Fen(total) {
			t.Fatalf("shares %v sum to %d, want %d", got, sum, total)
		}
		if want := reference(Fen(total), weights); !slices.Equal(got, want) {
			t.Fatalf("got %v, reference %v", got, want)
		}
	})
}

func TestRatioString(t *testing.T) {
	for r, want := range map[Ratio]string{
		{Num: 0}: "0", {Num: 42}: "42", {Num: 110, Scale: 2}: "1.1", {Num: 3, Scale: 1}: "0.3", {Num: 5, Scale: 4}: "0.0005",
		{Num: 1234567, Scale: 3}: "1234.567", {Num: 100, Scale: 2}: "1",
	} {
		if got := r.String(); got != want {
			t.Errorf("%#v.String() = %q, want %q", r, got, want)
		}
	}
}

// TestParseFen: ParseFen reads back what String writes, and nothing else.
func TestParseFen(t *testing.T) {
	for _, f := range []Fen{0, 5, -5, 123450, -123450, MaxExactFen, MaxFen, -MaxFen} {
		if got, err := ParseFen(f.String()); err != nil || got != f {
			t.Errorf("ParseFen(%q) = %v, %v; want %v", f.String(), got, err, f)
		}
	}
	for _, s := range []string{"", "1", "1.5", "1.500", ".50", "-", "--1.00", "1,234.50", "¥1.00", " 1.00", "1.0x", "a.bc", "92233720368547758.08"} {
		if got, err := ParseFen(s); err == nil {
			t.Errorf("ParseFen(%q) = %v, want an error", s, got)
		}
	}
	if _, err := ParseFen("92233720368547758.08"); !errors.Is(err, ErrOverflow) {
		t.Errorf("ParseFen past MaxFen: %v, want ErrOverflow", err)
	}
}

// The stages' reused apportioner gives every fen Apportion gives, for
// ratios and for whole-fen weights, and the same errors, call after call with the sizes
// changing, on the fast path and the big-integer one.
func TestApportionerMatchesApportion(t *testing.T) {
	r := rand.New(rand.NewPCG(16, 16))
	var a apportioner
	for range 5000 {
		n := r.IntN(20)
		total := Fen(r.Int64N(1_000_000_000))
		if r.IntN(10) == 0 {
			total = Fen(r.IntN(2))
		}
		weights, fens := make([]Ratio, n), make([]Fen, n)
		for i := range n {
			switch r.IntN(6) {
			case 0: // zero
			case 1: // beyond 64 bits once scaled, or summed
				weights[i] = Ratio{Num: 1<<63 + r.Uint64N(1<<62), Scale: uint8(r.IntN(3))}
				fens[i] = Fen(1<<62 + r.Int64N(1<<61))
			default:
				weights[i] = Ratio{Num: r.Uint64N(100_000), Scale: uint8(r.IntN(4))}
				fens[i] = Fen(r.Int64N(100_000))
			}
		}
		want, werr := Apportion(total, weights)
		got, err := a.ratios(total, weights)
		if !errors.Is(err, werr) || (err == nil && !slices.Equal(got, want)) {
			t.Fatalf("ratios(%d, %v) = %v, %v; Apportion %v, %v", total, weights, got, err, want, werr)
		}
		// ApportionFen is a fresh apportioner's fen: the reference for
		// whole-fen weights is Apportion with them as ratios at scale 0.
		asRatios := make([]Ratio, n)
		for i, f := range fens {
			asRatios[i] = Ratio{Num: uint64(f)}
		}
		want, werr = Apportion(total, asRatios)
		got, err = a.fen(total, fens)
		if !errors.Is(err, werr) || (err == nil && !slices.Equal(got, want)) {
			t.Fatalf("fen(%d, %v) = %v, %v; Apportion %v, %v", total, fens, got, err, want, werr)
		}
	}
}
