package sources

import (
	"bytes"
	"encoding/csv"
	"io/fs"
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"fundalloc/allocation"
	"fundalloc/config/sample"
)

// The text grammar of DESIGN §3.4, written out independently of ParseAmount:
// surrounding spaces (Unicode white space, as a pasted cell may carry), one
// optional minus before or after an optional ¥/￥ (which may be followed by
// spaces), an integer part in plain digits or in correct groups of three,
// and an optional fraction of at least one digit.
var amountGrammar = regexp.MustCompile(`^` + ws + `*(?:(-?)(?:[¥￥]` + ws + `*)?|(?:[¥￥]` + ws + `*)?(-))` +
	`(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?` + ws + `*$`)

// ws is the class unicode.IsSpace accepts: the ASCII controls, NEL and the
// Unicode separators (which are exactly White_Space minus the controls).
const ws = `[\t\n\v\f\r\x{85}\p{Z}]`

// amountOracle says what ParseAmount must do with s: the error it must
// return (nil to accept) and, when accepted, the value in fen.
func amountOracle(s string) (allocation.Fen, error) {
	m := amountGrammar.FindStringSubmatch(s)
	if m == nil {
		return 0, errNotAmount
	}
	intPart, frac := strings.ReplaceAll(m[3], ",", ""), m[4]
	if len(frac) > 2 && strings.Trim(frac[2:], "0") != "" {
		return 0, errDecimals
	}
	frac = (frac + "00")[:2]
	v, ok := new(big.Int).SetString(intPart+frac, 10)
	if !ok {
		panic("grammar let through " + s)
	}
	if v.Cmp(big.NewInt(math.MaxInt64)) > 0 {
		return 0, errTooLarge
	}
	if m[1] != "" || m[2] != "" {
		v.Neg(v)
	}
	return allocation.Fen(v.Int64()), nil
}

// groupYuan formats f as a finance officer might type it: ¥, thousands
// separators and two decimals ("-¥1,234.50").
func groupYuan(f allocation.Fen) string {
	u := uint64(f)
	sign := ""
	if f < 0 {
		sign, u = "-", uint64(-(f+1))+1
	}
	digits := strconv.FormatUint(u/100, 10)
	var b strings.Builder
	for i := range len(digits) {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(digits[i])
	}
	return sign + "¥" + b.String() + "." + strconv.FormatUint(u%100/10, 10) + strconv.FormatUint(u%10, 10)
}

// sampleAmounts returns the values of the amount columns (金额) of the
// sample city's CSV files as typed there, one of each shape (digits aside):
// "¥36,800.50", "186000.00", "-20.50", ….
func sampleAmounts(tb testing.TB) []string {
	tb.Helper()
	var out []string
	seen := map[string]bool{}
	for _, data := range sampleCSVFiles(tb) {
		if !bytes.HasPrefix(data, []byte("\uFEFF")) && !isUTF8Bytes(data) {
			continue // the GBK ledger: its amounts are like the others'
		}
		recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\uFEFF")))).ReadAll()
		if err != nil {
			tb.Fatal(err)
		}
		if len(recs) == 0 {
			continue
		}
		col := -1
		for i, h := range recs[0] {
			if h == "amount" || h == "金额" {
				col = i
			}
		}
		if col < 0 {
			continue
		}
		for _, r := range recs[1:] {
			shape := strings.Map(func(r rune) rune {
				if r >= '1' && r <= '9' {
					return '1'
				}
				return r
			}, r[col])
			if !seen[shape] {
				seen[shape] = true
				out = append(out, r[col])
			}
		}
	}
	if len(out) < 10 {
		tb.Fatalf("only %d sample amounts", len(out))
	}
	return out
}

// sampleCSVFiles returns the contents of the sample city's CSV files, in
// the order fs.WalkDir visits them.
func sampleCSVFiles(tb testing.TB) [][]byte {
	tb.Helper()
	var files [][]byte
	err := fs.WalkDir(sample.FS, "data", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".csv") {
			return err
		}
		data, err := fs.ReadFile(sample.FS, p)
		files = append(files, data)
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return files
}

func isUTF8Bytes(b []byte) bool {
	ok, _ := IsUTF8(bytes.NewReader(b))
	return ok
}

// amountSeeds are the hand-picked edges of DESIGN §3.4, both sides.
var amountSeeds = []string{
	"0", "12", "12.3", "12.300", "12.345", "12.3450", "12.301", " 1,234,567.89 ", "¥5", "￥ 1,000.00", "-¥3.5", "¥-3.5",
	"\u30007\u3000", "1e5", "1E5", "8.00005E4", "45万", "1,23", "12,3456", "", "¥", "12.", ".5", "--5", "-¥-5", "７",
	"1.2.3", "92233720368547758.07", "92233720368547758.08", "-92233720368547758.07", "0x10", "+5", "NaN", "Inf",
	"1_000", "1 000", "12.30000000000000000000000001", "¥\u00a0\u00a012", "- 5", "-\u00a05", "1,000,000.000",
	"000012.50", "0,000.00", ",123", "123,", "1,,234", "١٢٣", "\u2212" + "5",
}

// FuzzParseAmount checks ParseAmount against the grammar of DESIGN §3.4:
// it never panics, accepts exactly what the grammar allows (letters,
// exponents and a non-zero digit past the second decimal are refused), gives
// the grammar's value, and reads its own formatting back.
func FuzzParseAmount(f *testing.F) {
	for _, s := range amountSeeds {
		f.Add(s)
	}
	for _, s := range sampleAmounts(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseAmount(s)
		want, wantErr := amountOracle(s)
		if err != wantErr || got != want {
			t.Fatalf("ParseAmount(%q) = %v, %v; the grammar says %v, %v", s, got, err, want, wantErr)
		}
		if err != nil {
			if got != 0 {
				t.Fatalf("ParseAmount(%q) refused with a value %v", s, got)
			}
			return
		}
		if strings.ContainsFunc(s, unicode.IsLetter) || strings.ContainsAny(s, "eE") {
			t.Fatalf("ParseAmount(%q) accepted letters", s)
		}
		for _, text := range []string{got.String(), groupYuan(got)} {
			if again, err := ParseAmount(text); err != nil || again != got {
				t.Fatalf("ParseAmount(%q) = %v; its formatting %q reads back as %v, %v", s, got, text, again, err)
			}
		}
	})
}

// numberGrammar is the text of a stored numeric cell that the check below
// can evaluate: an optional sign, digits with an optional point, an
// optional exponent.
var numberGrammar = regexp.MustCompile(`^([+\-\x{2212}]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$`)

// numericOracle evaluates a stored numeric cell's text independently of
// storedNumber and cellAmount: the exact decimal, rounded half away from
// zero to 15 significant digits, in fen. ok is false when the text is not a
// number this check evaluates; exact is false when the rounded value has
// more than 2 decimals; tooBig when it does not fit in an int64 of fen.
// huge is true for a number with an exponent beyond ±1000, which this check
// does not evaluate (the reader may refuse it or not: no amount is that).
func numericOracle(s string) (fen allocation.Fen, ok, exact, tooBig, huge bool) {
	m := numberGrammar.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil || m[2]+m[3] == "" {
		return 0, false, false, false, false
	}
	exp := 0
	if m[4] != "" {
		e, err := strconv.Atoi(m[4])
		if err != nil || e > 1000 || e < -1000 {
			return 0, true, false, false, true
		}
		exp = e
	}
	coef, _ := new(big.Int).SetString(m[2]+m[3]+"0", 10) // the "0" keeps "" parseable
	exp -= len(m[3]) + 1
	if coef.Sign() == 0 {
		return 0, true, true, false, false
	}
	// Round to 15 significant digits, half away from zero.
	if nd := len(coef.String()); nd > 15 {
		k := nd - 15
		p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(k)), nil)
		q, r := new(big.Int).QuoRem(coef, p, new(big.Int))
		if r.Lsh(r, 1).Cmp(p) >= 0 {
			q.Add(q, big.NewInt(1))
		}
		coef, exp = q, exp+k
	}
	// In fen: coef × 10^(exp+2).
	e := exp + 2
	if e >= 0 {
		coef.Mul(coef, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(e)), nil))
	} else {
		p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(-e)), nil)
		q, r := new(big.Int).QuoRem(coef, p, new(big.Int))
		if r.Sign() != 0 {
			return 0, true, false, false, false
		}
		coef = q
	}
	if m[1] != "" && m[1] != "+" {
		coef.Neg(coef)
	}
	if !coef.IsInt64() {
		return 0, true, true, true, false
	}
	return allocation.Fen(coef.Int64()), true, true, false, false
}

// FuzzNumericCell feeds arbitrary stored text of a numeric xlsx cell to
// cellAmount: it never panics, and what it accepts is the exact value
// rounded to 15 significant digits, with at most 2 decimals.
func FuzzNumericCell(f *testing.F) {
	for _, s := range []string{"300000.30000000005", "1234.5600000000001", "8.00005E4", "0.30000000000000004", "-5", "1E3",
		"12.3", "99999999999999.99", "9999999999999.99", "12.345", "1.0000001", "1E30", "abc", "1E-3", "5E-1", "0.005",
		"1.5e+2", ".5", "5.", "-0", "1E10000", "1E-10000", "\u22123.25", "92233720368547758.07", "9.2233720368547758E16",
		"123456789012345678901234567890", "0.125", "0.995", "1e", "e5", "1.2.3", "+-1", " 7 "} {
		f.Add(s)
	}
	for _, s := range sampleAmounts(f) {
		f.Add(strings.ReplaceAll(strings.Trim(s, "¥￥ "), ",", ""))
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := cellAmount(Cell{Kind: Number, Text: s}, 2)
		want, ok, exact, tooBig, huge := numericOracle(s)
		if err != nil {
			if err != errNotAmount && err != errDecimals && err != errTooLarge {
				t.Fatalf("numeric cell %q: unexpected error %v", s, err)
			}
			if ok && exact && !tooBig && !huge {
				t.Fatalf("numeric cell %q refused (%v); it is %v", s, err, want)
			}
			return
		}
		if !ok {
			t.Fatalf("numeric cell %q is not a number, but was read as %v", s, got)
		}
		if huge {
			return
		}
		if !exact || tooBig || got != want {
			t.Fatalf("numeric cell %q = %v; want %v (exact %v, too big %v)", s, got, want, exact, tooBig)
		}
	})
}
