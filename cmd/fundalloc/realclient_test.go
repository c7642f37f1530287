package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// recalcProfile is a LibreOffice user profile that recalculates every
// formula when a workbook is loaded, so the test sees LibreOffice's numbers,
// not the cached values fundalloc wrote.
const recalcProfile = `<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
`

// recalculate converts a workbook with LibreOffice headless, recalculating
// on load, and returns the path of the converted copy.
func recalculate(t *testing.T, path string) string {
	t.Helper()
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("soffice not installed (scripts/test.sh installs libreoffice-calc-nogui)")
	}
	profile := t.TempDir()
	if err := os.MkdirAll(filepath.Join(profile, "user"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(profile, "user", "registrymodifications.xcu"), []byte(recalcProfile), 0o644); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	cmd := exec.Command(soffice, "-env:UserInstallation=file://"+profile, "--headless", "--norestore",
		"--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", out, path)
	cmd.Env = append(os.Environ(), "HOME="+profile)
	return runConverter(t, cmd, filepath.Join(out, filepath.Base(path)))
}

// runConverter runs a spreadsheet program that converts a workbook, for
// at most three minutes, and returns the file it must have written.
func runConverter(t *testing.T, cmd *exec.Cmd, converted string) string {
	t.Helper()
	name := filepath.Base(cmd.Path)
	done := make(chan error, 1)
	var output []byte
	go func() {
		var err error
		output, err = cmd.CombinedOutput()
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, output)
		}
	case <-time.After(3 * time.Minute):
		cmd.Process.Kill()
		t.Fatalf("%s did not finish in 3 minutes", name)
	}
	if _, err := os.Stat(converted); err != nil {
		t.Fatalf("%s wrote nothing: %s", name, output)
	}
	return converted
}

// gnumericRecalculate converts a workbook with Gnumeric's ssconvert,
// recalculating every formula, and returns the path of the converted copy:
// a second spreadsheet engine beside LibreOffice.
func gnumericRecalculate(t *testing.T, path string) string {
	t.Helper()
	ssconvert, err := exec.LookPath("ssconvert")
	if err != nil {
		t.Skip("ssconvert not installed (scripts/test.sh installs gnumeric)")
	}
	out := filepath.Join(t.TempDir(), filepath.Base(path))
	cmd := exec.Command(ssconvert, "--recalc", "--export-type=Gnumeric_Excel:xlsx2", path, out)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	return runConverter(t, cmd, out)
}

// eachCell calls fn with every cell of a workbook that holds something,
// its value raw (unformatted), sheet by sheet and row by row.
func eachCell(t *testing.T, f *excelize.File, fn func(sheet string, col, row int, v string)) {
	t.Helper()
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		for r, row := range rows {
			for c, v := range row {
				fn(sheet, c+1, r+1, v)
			}
		}
	}
}

// engine is a spreadsheet program that recalculates a workbook and saves
// what it computed.
type engine struct {
	name   string
	recalc func(*testing.T, string) string
}

var engines = []engine{{"LibreOffice", recalculate}, {"Gnumeric", gnumericRecalculate}}

// variants are the ways the sample city's workbooks are written: Chinese
// in yuan, English, and Chinese in 万元 (whose cells hold yuan ÷ 10,000).
var variants = []struct {
	name string
	env  map[string]string
	args []string
	wan  bool
}{
	{"zh", nil, nil, false},
	{"en", nil, []string{"--lang", "en"}, false},
	{"wan", map[string]string{"FUNDALLOC_DISPLAY_UNIT": "wan", "FUNDALLOC_DISPLAY_DECIMALS": "4"}, nil, true},
}

// checkCells lists a workbook's check cells: fundalloc writes ROUND only
// there (a check rounded to the fen, DESIGN §7.1).
func checkCells(t *testing.T, path string) map[string][]string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][]string{}
	eachCell(t, f, func(sheet string, col, row int, _ string) {
		if fm, _ := f.GetCellFormula(sheet, cell(col, row)); strings.HasPrefix(fm, "ROUND(") {
			out[sheet] = append(out[sheet], cell(col, row))
		}
	})
	return out
}

// checkRecalculatedBook opens what an engine recalculated: no cell may
// hold an error value, and every check cell must be exactly 0.
func checkRecalculatedBook(t *testing.T, name string, got *excelize.File, checks map[string][]string) {
	t.Helper()
	eachCell(t, got, func(sheet string, col, row int, v string) {
		if strings.HasPrefix(v, "#") || strings.HasPrefix(v, "Err:") {
			t.Errorf("%s: %s!%s holds the error %s", name, sheet, cell(col, row), v)
		}
	})
	n := 0
	for sheet, refs := range checks {
		for _, ref := range refs {
			n++
			v, err := got.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			if d, err := decimal.NewFromString(v); err != nil || !d.IsZero() {
				t.Errorf("%s: check cell %s!%s = %q after recalculation, want exactly 0", name, sheet, ref, v)
			}
		}
	}
	if n == 0 {
		t.Errorf("%s: no check cells", name)
	}
}

// TestWorkbooksRecalculateInTwoEngines opens the sample city's budget and
// reconciliation workbooks in two real spreadsheet engines, LibreOffice
// and Gnumeric, written in Chinese, in English and in 万元: no formula may
// evaluate to an error, every check cell must be exactly 0, and the
// recalculated totals must equal the JSON's figures, to the fen.
func TestWorkbooksRecalculateInTwoEngines(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	for _, e := range []string{"soffice", "ssconvert"} {
		if _, err := exec.LookPath(e); err != nil {
			t.Skipf("%s not installed (scripts/test.sh installs libreoffice-calc-nogui and gnumeric)", e)
		}
	}
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			dir := t.TempDir()
			if r := fundalloc(t, dir, v.env, append([]string{"budget", "-q"}, v.args...)...); r.code != 0 {
				t.Fatalf("budget: exit %d: %s", r.code, r.stderr)
			}
			if r := fundalloc(t, dir, v.env, append([]string{"reconcile", "--month", "2026-10", "-q"}, v.args...)...); r.code != 0 {
				t.Fatalf("reconcile: exit %d: %s", r.code, r.stderr)
			}
			budget := filepath.Join(dir, "out", "budget-2026.xlsx")
			reconcile := filepath.Join(dir, "out", "reconcile-2026-10.xlsx")
			budgetChecks, reconcileChecks := checkCells(t, budget), checkCells(t, reconcile)
			// Spoil one cached total, so that a test that passes proves the
			// engine recalculated rather than kept what fundalloc cached.
			f, err := excelize.OpenFile(budget)
			if err != nil {
				t.Fatal(err)
			}
			summary := f.GetSheetList()[0]
			first := summaryRow(t, f, summary, "social_assistance")
			f.Close()
			spoilCachedValue(t, budget, "xl/worksheets/sheet1.xml", cell(3, first), "999")
			for _, e := range engines {
				got, err := excelize.OpenFile(e.recalc(t, budget), excelize.Options{RawCellValue: true})
				if err != nil {
					t.Fatal(err)
				}
				checkRecalculatedBook(t, e.name+" budget", got, budgetChecks)
				checkBudgetTotals(t, e.name, dir, got, v.wan)
				got.Close()
				got, err = excelize.OpenFile(e.recalc(t, reconcile), excelize.Options{RawCellValue: true})
				if err != nil {
					t.Fatal(err)
				}
				checkRecalculatedBook(t, e.name+" reconciliation", got, reconcileChecks)
				checkReconcileTotals(t, e.name, dir, got, v.wan)
				got.Close()
			}
		})
	}
}

// inUnit is a JSON amount (yuan) as a workbook cell holds it: yuan, or
// 万元 (yuan ÷ 10,000, exact).
func inUnit(yuan decimal.Decimal, wan bool) decimal.Decimal {
	if wan {
		return yuan.Shift(-4)
	}
	return yuan
}

// cellAmount reads an amount cell of a recalculated workbook, rounded to
// the fen in its unit: an engine sums in binary floating point.
func cellAmount(t *testing.T, got *excelize.File, sheet, ref string, wan bool) decimal.Decimal {
	t.Helper()
	v, err := got.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	d, err := decimal.NewFromString(v)
	if err != nil {
		t.Fatalf("%s!%s = %q is not a number", sheet, ref, v)
	}
	if wan {
		return d.Round(6)
	}
	return d.Round(2)
}

// checkBudgetTotals compares the recalculated Summary and Allocation
// totals with the budget JSON.
func checkBudgetTotals(t *testing.T, engine, dir string, got *excelize.File, wan bool) {
	t.Helper()
	var budget struct {
		Pool        []struct{ Category, Total string }
		Lines       []struct{ Category, Status, Amount string }
		Unallocated []struct{ Category, Amount string }
	}
	data, _ := os.ReadFile(filepath.Join(dir, "out", "budget-2026.json"))
	if err := json.Unmarshal(data, &budget); err != nil {
		t.Fatal(err)
	}
	alloc := map[string]decimal.Decimal{}
	reserved := map[string]decimal.Decimal{}
	for _, l := range budget.Lines {
		a := decimal.RequireFromString(l.Amount)
		if l.Status == "reserved" {
			reserved[l.Category] = reserved[l.Category].Add(a)
		} else {
			alloc[l.Category] = alloc[l.Category].Add(a)
		}
	}
	sheets := got.GetSheetList()
	summary, pool, allocation := sheets[0], sheets[2], sheets[3]
	first := summaryRow(t, got, summary, "social_assistance")
	total := decimal.Zero
	for i, p := range budget.Pool {
		row := first + i
		if code, _ := got.GetCellValue(summary, cell(2, row)); code != p.Category {
			t.Fatalf("%s!B%d = %q, want %s", summary, row, code, p.Category)
		}
		want := decimal.RequireFromString(p.Total)
		total = total.Add(want)
		for _, c := range []struct {
			ref  string
			want decimal.Decimal
		}{
			{cell(3, row), want},
			{cell(4, row), alloc[p.Category]},
			{cell(5, row), reserved[p.Category]},
			{cell(6, row), decimal.RequireFromString(budget.Unallocated[i].Amount)},
		} {
			if got := cellAmount(t, got, summary, c.ref, wan); !got.Equal(inUnit(c.want, wan)) {
				t.Errorf("%s: %s!%s (%s) = %s after recalculation, JSON says %s yuan", engine, summary, c.ref, p.Category, got, c.want)
			}
		}
		if got := cellAmount(t, got, pool, cell(3, i+2), wan); !got.Equal(inUnit(want, wan)) {
			t.Errorf("%s: %s!C%d = %s, want %s yuan", engine, pool, i+2, got, want)
		}
	}
	if ref := cell(3, first+len(budget.Pool)); !cellAmount(t, got, summary, ref, wan).Equal(inUnit(total, wan)) {
		t.Errorf("%s: %s!%s (total pool) = %s, want %s yuan", engine, summary, ref, cellAmount(t, got, summary, ref, wan), total)
	}
	// The Allocation sheet's footer: total, unallocated, pool and check,
	// then the signature block.
	rows, _ := got.GetRows(allocation)
	last := len(rows) - 2 // the check row
	tc := 5 + len(budget.Pool)
	if sum := cellAmount(t, got, allocation, cell(tc, last-3), wan).Add(cellAmount(t, got, allocation, cell(tc, last-2), wan)); !sum.Equal(inUnit(total, wan)) {
		t.Errorf("%s: %s total + unallocated = %s, want the pool %s yuan", engine, allocation, sum, total)
	}
}

// checkReconcileTotals compares the recalculated Summary totals of the
// reconciliation with its JSON.
func checkReconcileTotals(t *testing.T, engine, dir string, got *excelize.File, wan bool) {
	t.Helper()
	var doc struct {
		Rows []struct {
			Annual       string `json:"annual"`
			PlanToDate   string `json:"plan_to_date"`
			ActualToDate string `json:"actual_to_date"`
		}
	}
	data, _ := os.ReadFile(filepath.Join(dir, "out", "reconcile-2026-10.json"))
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	var annual, plan, actual decimal.Decimal
	for _, r := range doc.Rows {
		annual = annual.Add(decimal.RequireFromString(r.Annual))
		plan = plan.Add(decimal.RequireFromString(r.PlanToDate))
		actual = actual.Add(decimal.RequireFromString(r.ActualToDate))
	}
	summary := got.GetSheetList()[0]
	rows, _ := got.GetRows(summary)
	for i, r := range rows {
		// The totals table: its header names the annual budget.
		if len(r) > 0 && (strings.Contains(r[0], "年度预算") || strings.Contains(r[0], "Annual budget")) {
			for c, want := range []decimal.Decimal{annual, plan, actual} {
				if d := cellAmount(t, got, summary, cell(c+1, i+2), wan); !d.Equal(inUnit(want, wan)) {
					t.Errorf("%s: %s!%s = %s after recalculation, JSON says %s yuan", engine, summary, cell(c+1, i+2), d, want)
				}
			}
			return
		}
	}
	t.Errorf("%s: no totals on %s", engine, summary)
}

// spoilCachedValue rewrites the cached value of a formula cell inside the
// workbook's zip, leaving the formula as it is.
func spoilCachedValue(t *testing.T, path, part, ref, value string) {
	t.Helper()
	r, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	re := regexp.MustCompile(`(<c r="` + ref + `"[^>]*><f>[^<]*</f><v>)[^<]*(</v>)`)
	spoilt := false
	for _, zf := range r.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(rc)
		rc.Close()
		if zf.Name == part {
			if !re.Match(data) {
				t.Fatalf("%s: no formula cell %s with a cached value", part, ref)
			}
			data = re.ReplaceAll(data, []byte("${1}"+value+"${2}"))
			spoilt = true
		}
		out, _ := w.Create(zf.Name)
		out.Write(data)
	}
	r.Close()
	if err := w.Close(); err != nil || !spoilt {
		t.Fatalf("rewrite %s: %v (found part: %v)", path, err, spoilt)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// summaryRow finds the row of a Summary sheet whose column B (the
// category code) holds text.
func summaryRow(t *testing.T, f *excelize.File, sheet, text string) int {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		if len(r) > 1 && r[1] == text {
			return i + 1
		}
	}
	t.Fatalf("no row %q on %s", text, sheet)
	return 0
}

func cell(col, row int) string {
	s, _ := excelize.CoordinatesToCellName(col, row)
	return s
}

// pageBox finds the size of each page of a PDF: LibreOffice writes every
// page object, with its /MediaBox, in plain text.
var (
	pageObject = regexp.MustCompile(`/Type\s*/Page\b`)
	pageBox    = regexp.MustCompile(`/Type\s*/Page\b[^>]*/MediaBox\s*\[\s*0\s+0\s+([0-9.]+)\s+([0-9.]+)\s*\]`)
)

// TestWorkbookPrintsOnA4 prints the sample city's budget workbook with
// LibreOffice: every page must be A4 (595 × 842 points, either way up),
// never the US Letter a workbook without a paper size prints on. (The
// reconciliation's sheets are set up by the same code, and its 280 pages
// of vouchers take minutes to print.)
func TestWorkbookPrintsOnA4(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("soffice not installed (scripts/test.sh installs libreoffice-calc-nogui)")
	}
	dir := t.TempDir()
	if r := fundalloc(t, dir, nil, "budget", "-q"); r.code != 0 {
		t.Fatalf("budget: exit %d: %s", r.code, r.stderr)
	}
	budget := filepath.Join(dir, "out", "budget-2026.xlsx")
	profile := t.TempDir()
	out := t.TempDir()
	cmd := exec.Command(soffice, "-env:UserInstallation=file://"+profile, "--headless", "--norestore",
		"--convert-to", "pdf", "--outdir", out, budget)
	cmd.Env = append(os.Environ(), "HOME="+profile)
	data, err := os.ReadFile(runConverter(t, cmd, filepath.Join(out, "budget-2026.pdf")))
	if err != nil {
		t.Fatal(err)
	}
	pages := pageBox.FindAllSubmatch(data, -1)
	if n := len(pageObject.FindAll(data, -1)); len(pages) < 5 || len(pages) != n {
		t.Fatalf("%d page sizes found for %d pages", len(pages), n)
	}
	a4 := func(w, h decimal.Decimal) bool {
		return w.Equal(decimal.NewFromInt(595)) && h.Equal(decimal.NewFromInt(842))
	}
	for i, m := range pages {
		w, h := decimal.RequireFromString(string(m[1])).Round(0), decimal.RequireFromString(string(m[2])).Round(0)
		if !a4(w, h) && !a4(h, w) {
			t.Errorf("page %d is %s × %s points, not A4", i+1, m[1], m[2])
		}
	}
}
