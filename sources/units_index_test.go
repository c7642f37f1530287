package sources

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"fundalloc/allocation"
)

// TestUnitsIndexFindsWhatAMapFinds looks codes up in a sorted table from
// wherever the last one was found, forwards and backwards, near and far,
// and in tables of every small size: each answer is the map's.
func TestUnitsIndexFindsWhatAMapFinds(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	// Codes told apart by their first 8 bytes, by what follows them only,
	// and of several lengths.
	formats := []string{"S%05d", "STATION-%05d", "S%d", "SOCIALWORKSTATION-%d", "SOCIALWORK\x00%d"}
	for n := range len(formats) * 70 {
		format := formats[n%len(formats)]
		n /= len(formats)
		codes := make([]string, 0, n)
		for i := range n {
			codes = append(codes, fmt.Sprintf(format, 2*i+1)) // odd numbers: even ones are missing
		}
		slices.Sort(codes)
		us := NewUnits(codes, nil)
		if !us.sorted {
			t.Fatalf("%d sorted codes: not indexed as sorted", n)
		}
		want := make(map[string]int32, n)
		for i, c := range codes {
			want[c] = int32(i)
		}
		near := int32(-1)
		for range 400 {
			q := fmt.Sprintf(format, r.IntN(2*n+3))
			if r.IntN(8) == 0 && n > 0 { // a run of codes in order, as a day's vouchers
				q = codes[min(n-1, max(0, int(near)+r.IntN(4)))]
			}
			before := near
			got, ok := us.index(q, &near)
			w, wok := want[q]
			if ok != wok || ok && got != w || !ok && near != before || ok && near != got {
				t.Fatalf("n %d, %q from %d: %d %v (near now %d), want %d %v", n, q, before, got, ok, near, w, wok)
			}
		}
	}
}

// TestNewUnitsTable: the table of codes is the codes, then the units' codes
// not among them, each once, whichever way it is indexed.
func TestNewUnitsTable(t *testing.T) {
	units := func(codes ...string) []allocation.Unit {
		var out []allocation.Unit
		for _, c := range codes {
			out = append(out, allocation.Unit{Code: c})
		}
		return out
	}
	for _, c := range []struct {
		codes  []string
		units  []allocation.Unit
		want   []string
		sorted bool
	}{
		{[]string{"A", "B", "C"}, units("A", "B", "C"), []string{"A", "B", "C"}, true},
		{[]string{"A", "B", "C"}, units("B", "B"), []string{"A", "B", "C"}, true},
		{[]string{"A", "B", "C"}, nil, []string{"A", "B", "C"}, true},
		{nil, nil, nil, true},
		{nil, units("A", "B"), []string{"A", "B"}, false},
		{[]string{"A", "C"}, units("A", "B", "C"), []string{"A", "C", "B"}, false},
		{[]string{"A", "C"}, units("C", "A"), []string{"A", "C"}, false},
		{[]string{"C", "A"}, units("A"), []string{"C", "A"}, false},
		{[]string{"A", "A", "B"}, nil, []string{"A", "B"}, false},
		{[]string{"A", "B"}, units("D", "B"), []string{"A", "B", "D"}, false},
	} {
		us := NewUnits(c.codes, c.units)
		if !slices.Equal(us.Codes, c.want) || us.sorted != c.sorted {
			t.Errorf("NewUnits(%q, %v): %q sorted %v, want %q sorted %v", c.codes, c.units, us.Codes, us.sorted, c.want, c.sorted)
		}
		near := int32(-1)
		for i, code := range c.want {
			if got, ok := us.index(code, &near); !ok || got != int32(i) {
				t.Errorf("NewUnits(%q, %v): %q at %d %v, want %d", c.codes, c.units, code, got, ok, i)
			}
		}
	}
}

// TestUnitsIndexKeysOrderAsStrings looks up codes of every length around
// what the keys hold, made of zero bytes and bytes above and below: the
// keys must order them as their strings do, or a search goes astray.
func TestUnitsIndexKeysOrderAsStrings(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	random := func() string {
		b := make([]byte, r.IntN(20))
		for i := range b {
			b[i] = "\x00AB\xff"[r.IntN(4)]
		}
		return string(b)
	}
	for range 200 {
		set := map[string]bool{}
		for range 1 + r.IntN(60) {
			set[random()] = true
		}
		var codes []string
		for c := range set {
			codes = append(codes, c)
		}
		slices.Sort(codes)
		us := NewUnits(codes, nil)
		for range 200 {
			q := random()
			near := int32(r.IntN(len(codes)+1) - 1)
			got, ok := us.index(q, &near)
			want, wok := slices.BinarySearch(codes, q)
			if ok != wok || ok && got != int32(want) {
				t.Fatalf("%q in %q: %d %v, want %d %v", q, codes, got, ok, want, wok)
			}
		}
	}
}
