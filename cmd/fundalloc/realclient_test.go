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
	done := make(chan error, 1)
	var output []byte
	go func() { output, err = cmd.CombinedOutput(); done <- err }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("soffice: %v\n%s", err, output)
		}
	case <-time.After(3 * time.Minute):
		cmd.Process.Kill()
		t.Fatal("soffice did not finish in 3 minutes")
	}
	converted := filepath.Join(out, filepath.Base(path))
	if _, err := os.Stat(converted); err != nil {
		t.Fatalf("soffice wrote nothing: %s", output)
	}
	return converted
}

// TestWorkbookRecalculatesInLibreOffice opens the sample city's budget
// workbook in a real spreadsheet engine: no formula may evaluate to an error,
// and every recalculated total must equal the JSON's figures to the fen.
func TestWorkbookRecalculatesInLibreOffice(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	if _, err := exec.LookPath("soffice"); err != nil {
		t.Skip("soffice not installed (scripts/test.sh installs libreoffice-calc-nogui)")
	}
	dir := t.TempDir()
	if r := fundalloc(t, dir, nil, "budget", "-q"); r.code != 0 {
		t.Fatalf("budget: exit %d: %s", r.code, r.stderr)
	}
	xlsx := filepath.Join(dir, "out", "budget-2026.xlsx")
	// Spoil one cached total, so that a test that passes proves LibreOffice
	// recalculated rather than displayed what fundalloc cached.
	f, err := excelize.OpenFile(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	first := summaryRow(t, f, "social_assistance")
	f.Close()
	spoilCachedValue(t, xlsx, "xl/worksheets/sheet1.xml", cell(3, first), "999")

	got, err := excelize.OpenFile(recalculate(t, xlsx), excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	defer got.Close()
	for _, sheet := range got.GetSheetList() {
		rows, err := got.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		for r, row := range rows {
			for c, v := range row {
				if strings.HasPrefix(v, "#") || strings.HasPrefix(v, "Err:") {
					t.Errorf("%s!%s holds the error %s", sheet, cell(c+1, r+1), v)
				}
			}
		}
	}

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
	value := func(sheet, ref string) decimal.Decimal {
		v, err := got.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		d, err := decimal.NewFromString(v)
		if err != nil {
			t.Fatalf("%s!%s = %q is not a number", sheet, ref, v)
		}
		return d.Round(2) // a spreadsheet sums in binary floating point
	}
	total := decimal.Zero
	for i, p := range budget.Pool {
		row := first + i
		code, _ := got.GetCellValue("汇总", cell(1, row))
		if code != p.Category {
			t.Fatalf("汇总!A%d = %q, want %s", row, code, p.Category)
		}
		want := decimal.RequireFromString(p.Total)
		total = total.Add(want)
		checks := []struct {
			ref  string
			want decimal.Decimal
		}{
			{cell(3, row), want},
			{cell(4, row), alloc[p.Category]},
			{cell(5, row), reserved[p.Category]},
			{cell(6, row), decimal.RequireFromString(budget.Unallocated[i].Amount)},
			{cell(7, row), decimal.Zero},
		}
		for _, c := range checks {
			if got := value("汇总", c.ref); !got.Equal(c.want) {
				t.Errorf("汇总!%s (%s) = %s after recalculation, JSON says %s", c.ref, p.Category, got, c.want)
			}
		}
		if got := value("资金池", cell(3, i+2)); !got.Equal(want) {
			t.Errorf("资金池!C%d = %s, want %s", i+2, got, want)
		}
		if got := value("资金池", cell(13, i+2)); !got.IsZero() {
			t.Errorf("资金池 check for %s = %s, want 0", p.Category, got)
		}
	}
	if ref := cell(3, first+len(budget.Pool)); !value("汇总", ref).Equal(total) {
		t.Errorf("汇总!%s (total pool) = %s, want %s", ref, value("汇总", ref), total)
	}
	// The Allocation sheet's check row is its last row; every cell in it is 0.
	rows, _ := got.GetRows("分配表")
	last := len(rows)
	for c := 5; c <= 5+len(budget.Pool); c++ {
		if v := value("分配表", cell(c, last)); !v.IsZero() {
			t.Errorf("分配表!%s (check) = %s, want 0", cell(c, last), v)
		}
	}
	if v := value("分配表", cell(5+len(budget.Pool), last-3)); !v.Add(value("分配表", cell(5+len(budget.Pool), last-2))).Equal(total) {
		t.Errorf("分配表 total + unallocated = %s + %s, want the pool %s", v, value("分配表", cell(5+len(budget.Pool), last-2)), total)
	}
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

// summaryRow finds the Summary row whose column A holds text.
func summaryRow(t *testing.T, f *excelize.File, text string) int {
	t.Helper()
	rows, err := f.GetRows("汇总")
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		if len(r) > 0 && r[0] == text {
			return i + 1
		}
	}
	t.Fatalf("no row %q on 汇总", text)
	return 0
}

func cell(col, row int) string {
	s, _ := excelize.CoordinatesToCellName(col, row)
	return s
}

// TestReconcileWorkbookRecalculatesInLibreOffice checks the sample city's
// reconciliation workbook the same way: no error values, and the
// recalculated totals equal the JSON's.
func TestReconcileWorkbookRecalculatesInLibreOffice(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	if _, err := exec.LookPath("soffice"); err != nil {
		t.Skip("soffice not installed (scripts/test.sh installs libreoffice-calc-nogui)")
	}
	dir := t.TempDir()
	if r := fundalloc(t, dir, nil, "reconcile", "--month", "2026-10", "-q"); r.code != 0 {
		t.Fatalf("reconcile: exit %d: %s", r.code, r.stderr)
	}
	got, err := excelize.OpenFile(recalculate(t, filepath.Join(dir, "out", "reconcile-2026-10.xlsx")), excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	defer got.Close()
	for _, sheet := range got.GetSheetList() {
		rows, _ := got.GetRows(sheet, excelize.Options{RawCellValue: true})
		for r, row := range rows {
			for c, v := range row {
				if strings.HasPrefix(v, "#") || strings.HasPrefix(v, "Err:") {
					t.Errorf("%s!%s holds the error %s", sheet, cell(c+1, r+1), v)
				}
			}
		}
	}
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
	rows, _ := got.GetRows("汇总")
	for i, r := range rows {
		if len(r) > 0 && r[0] == "年度预算" {
			for c, want := range []decimal.Decimal{annual, plan, actual} {
				v, _ := got.GetCellValue("汇总", cell(c+1, i+2), excelize.Options{RawCellValue: true})
				if d, err := decimal.NewFromString(v); err != nil || !d.Round(2).Equal(want) {
					t.Errorf("汇总!%s = %q after recalculation, JSON says %s", cell(c+1, i+2), v, want)
				}
			}
			return
		}
	}
	t.Error("no totals on 汇总")
}
