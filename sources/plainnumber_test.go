package sources

import (
	"testing"
)

// plainSeeds are stored texts of numeric cells, plain and not.
var plainSeeds = []string{"526", "98.65", "1873.9", "0", "-0", "-0.00", "0.30000000000000004", "12.50", "5.000",
	"007", "0012.5", "123456789012345", "1234567890123456", "12345678901234.5", "0.000000000000000001",
	"0.00000000000000000001", "1.0000000000000", "1.00000000000000", "99999999999999.99", "999999999999999",
	"-5", "-12.345", "12.345", "1.005", "0.000001", "0.0000001", "92233720368547758", "9223372036854775807",
	"1E3", ".5", "5.", "+5", " 7 ", "1.2.3", "", "-", "1,000", "1e5", "0x10", "١٢"}

// TestPlainNumberMatchesStored checks the fast reading of plain numeric
// cells against storedNumber's on the seeds; FuzzPlainNumber goes further.
func TestPlainNumberMatchesStored(t *testing.T) {
	plain := 0
	for _, s := range plainSeeds {
		if checkPlainNumber(t, s) {
			plain++
		}
	}
	if plain < 20 {
		t.Errorf("only %d of the seeds read as plain numbers", plain)
	}
}

// checkPlainNumber compares plainAmount (at 2 and 6 places) and plainRatio
// with storedAmount and storedRatio on s, when they take it; it reports
// whether plainAmount did.
func checkPlainNumber(t *testing.T, s string) bool {
	t.Helper()
	taken := false
	for _, places := range []int{2, 6} {
		v, ok, err := plainAmount(s, places)
		if !ok {
			continue
		}
		taken = true
		wv, werr := storedAmount(s, places)
		if v != wv || err != werr {
			t.Fatalf("%q at %d places: plain %v, %v; stored %v, %v", s, places, v, err, wv, werr)
		}
	}
	if r, ok, err := plainRatio(s); ok {
		wr, werr := storedRatio(s)
		if r != wr || err != werr {
			t.Fatalf("%q as a ratio: plain %v, %v; stored %v, %v", s, r, err, wr, werr)
		}
	}
	return taken
}

func FuzzPlainNumber(f *testing.F) {
	for _, s := range plainSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkPlainNumber(t, s) })
}
