package reports

import (
	"bytes"
	"compress/flate"
	"context"
	"encoding/json"
	"errors"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"fundalloc/allocation"
	"fundalloc/reports/outdir"
)

// testBudget allocates a tiny city whose texts try formula injection.
func testBudget(t *testing.T) *Budget {
	t.Helper()
	cats := []allocation.Category{{Code: "elderly_care", Zh: "养老服务", En: "Elderly care"}, {Code: "charity", Zh: "慈善资源", En: "Charity"}}
	one := allocation.Int(1)
	in := allocation.Input{
		Categories: []string{"elderly_care", "charity"},
		Drivers:    []string{"social_workers", "population"},
		Units: []allocation.Unit{
			{Code: "H", Name: "=HYPERLINK(\"http://x\")", Tier: allocation.Hub, Drivers: []allocation.Ratio{one, one}},
			{Code: "S1", Name: "+1+1", Tier: allocation.Station, Parent: "H", SocialWorkers: 2, Grade: allocation.Excellent, ContractYear: 3, Drivers: []allocation.Ratio{allocation.Int(2), allocation.Int(10)}},
			{Code: "S2", Name: "@SUM(A1)", Tier: allocation.Station, Parent: "H", Grade: allocation.Unqualified, Drivers: []allocation.Ratio{{}, allocation.Int(30)}},
			{Code: "R1", Name: "-2", Tier: allocation.Room, Parent: "S1", Drivers: []allocation.Ratio{{}, allocation.Int(5)}},
		},
		Funds: []allocation.Fund{
			{ID: "=1+2", Category: 0, Amount: 1_000_001},
			{ID: "F2", Category: 1, Amount: 50_000, Unit: "R1"},
		},
	}
	var r allocation.Rules
	r.Factors = allocation.DefaultFactors()
	r.Hub.Amount = 10_000
	r.Baseline.PerWorker = 20_000
	r.Demand.Share = one
	r.Demand.Drivers = []string{"population", "population"}
	r.Rooms.Share = allocation.Ratio{Num: 3, Scale: 1}
	p, err := allocation.Allocate(in, r)
	if err != nil {
		t.Fatal(err)
	}
	ft := &allocation.FundRecords{Files: []string{"funds/a.csv"}, Sheets: []string{""}}
	for i, f := range in.Funds {
		ft.Lines = append(ft.Lines, allocation.FundRecord{Fund: f, Provider: "=cmd|' /C calc'!A0", Description: "-@x", File: 0, Row: int32(i + 2)})
	}
	ft.Lines[0].Source.Document, ft.Lines[0].Source.From = "=HYPERLINK(\"http://x\")", allocation.Transfer
	ft.Lines[1].Source.Type = allocation.Donation
	ind, err := allocation.Indicators(p, ft.Sources(), 0)
	if err != nil {
		t.Fatal(err)
	}
	return &Budget{Indicators: ind, Year: 2026, RunDate: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC), Language: "zh", Config: "c.yaml",
		Plan: p, Categories: cats, Funds: ft, Inputs: []allocation.FileHash{{Path: "u.csv", SHA256: "ab"}},
		Rules: r}
}

func TestBudgetJSONShape(t *testing.T) {
	bb := testBudget(t)
	var buf bytes.Buffer
	if err := WriteBudgetJSON(&buf, bb); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, buf.String())
	}
	keys := []string{"fiscal_year", "categories", "pool", "lines", "unallocated", "warnings", "inputs", "params", "units", "fund_lines", "indicators"}
	if len(doc) != len(keys) {
		t.Errorf("keys = %v", doc)
	}
	for _, k := range keys {
		if _, ok := doc[k]; !ok {
			t.Errorf("missing %s", k)
		}
	}
	line := doc["lines"].([]any)[0].(map[string]any)
	want := map[string]any{"unit": "R1", "tier": "room", "category": "charity", "stage": "directed", "status": "allocated", "amount": "500.00"}
	for k, v := range want {
		if line[k] != v {
			t.Errorf("first line %s = %v, want %v", k, line[k], v)
		}
	}
	if len(line) != len(want) {
		t.Errorf("first line has keys %v", line)
	}
	pool := doc["pool"].([]any)[0].(map[string]any)
	if pool["total"] != "10000.01" || pool["designated"] != "0.00" || pool["pooled"] != "10000.01" {
		t.Errorf("pool[0] = %v", pool)
	}
	if w, ok := doc["warnings"].([]any); !ok || len(w) != 0 {
		t.Errorf("warnings = %#v, want []", doc["warnings"])
	}
}

func TestAppendJSONString(t *testing.T) {
	for _, s := range []string{"plain", `q"uote\`, "tab\tnl\n\x01", "养老\u2028", "bad\xffutf8"} {
		got := AppendJSONString(nil, s)
		var back string
		if err := json.Unmarshal(got, &back); err != nil {
			t.Fatalf("%q → %s: %v", s, got, err)
		}
		want, _ := json.Marshal(s)
		var ref string
		json.Unmarshal(want, &ref)
		if back != ref {
			t.Errorf("%q round-trips to %q, encoding/json gives %q", s, back, ref)
		}
	}
}

func TestYuan(t *testing.T) {
	for f, want := range map[allocation.Fen]string{0: "0.00", 5: "0.05", 123456: "1,234.56", -100000000: "-1,000,000.00", 99999: "999.99"} {
		if got := Yuan(f); got != want {
			t.Errorf("Yuan(%d) = %s, want %s", f, got, want)
		}
	}
}

func TestSheetCellsAreExact(t *testing.T) {
	sx := testSheet(t)
	sx.row(2, []xcell{
		fenCell(3, 123456),
		fenCell(0, -5),
		fenCell(0, allocation.MaxExactFen),
		textCell(0, "=SUM(A1) & <b>"),
		fenCell(0, 10).withFormula(`SUMIFS(A:A,B:B,"<>")`),
		textCell(0, "").withFormula("IF(A1=0,\"\",1)"),
		{},
		floatCell(0, 1.1),
		intCell(4, -7),
		ratioCell(0, allocation.Ratio{Num: 12345, Scale: 3}),
		blankCell(5),
		(&book{doc: Document{Unit: UnitWan}}).moneyCell(0, 123456),
	})
	pt, err := sx.close()
	if err != nil {
		t.Fatal(err)
	}
	f, _ := sx.dir.Open(pt.name)
	data, _ := io.ReadAll(flate.NewReader(f))
	f.Close()
	if pt.size != int64(len(data)) || pt.crc != crc32.ChecksumIEEE(data) {
		t.Errorf("part size %d crc %x, data %d bytes crc %x", pt.size, pt.crc, len(data), crc32.ChecksumIEEE(data))
	}
	for _, want := range []string{
		`<c r="A2" s="3"><v>1234.56</v></c>`,
		`<c r="B2"><v>-0.05</v></c>`,
		`<c r="C2"><v>9999999999999.99</v></c>`,
		`<c r="D2" t="inlineStr"><is><t>=SUM(A1) &amp; &lt;b&gt;</t></is></c>`,
		`<c r="E2"><f>SUMIFS(A:A,B:B,"&lt;&gt;")</f><v>0.10</v></c>`,
		`<c r="F2" t="str"><f>IF(A1=0,"",1)</f><v></v></c>`,
		`<c r="H2"><v>1.1</v></c>`,
		`<c r="I2" s="4"><v>-7</v></c>`,
		`<c r="J2"><v>12.345</v></c>`,
		`<c r="K2" s="5"/>`,
		`<c r="L2"><v>0.123456</v></c>`,
	} {
		if !strings.Contains(string(data), want) {
			t.Errorf("sheet lacks %s:\n%s", want, data)
		}
	}
	if strings.Contains(string(data), `r="G2"`) {
		t.Errorf("a zero cell was written:\n%s", data)
	}
	if checkMoney(allocation.MaxExactFen+1) == nil {
		t.Error("an amount past 15 digits was accepted for a spreadsheet")
	}
}

// testSheet starts a sheet in a temporary folder of the test's.
func testSheet(t *testing.T) *sheetXML {
	t.Helper()
	d, err := outdir.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	f, err := d.CreateTemp(TempPrefix + "sheet-")
	if err != nil {
		t.Fatal(err)
	}
	return newSheetXML(context.Background(), d, f, sheetSetup{})
}

func writeBook(t *testing.T, bb *Budget) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteBudgetWorkbook(context.Background(), &buf, bb); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestWorkbookTextIsNeverAFormula(t *testing.T) {
	data := writeBook(t, testBudget(t))
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	checks := []struct{ sheet, cell, want string }{
		{"资金来源", "A2", "=1+2"}, {"资金来源", "D2", "=cmd|' /C calc'!A0"}, {"资金来源", "E2", "-@x"},
		{"分配表", "B2", "=HYPERLINK(\"http://x\")"}, {"分配表", "B3", "+1+1"},
	}
	for _, c := range checks {
		v, _ := f.GetCellValue(c.sheet, c.cell)
		formula, _ := f.GetCellFormula(c.sheet, c.cell)
		typ, _ := f.GetCellType(c.sheet, c.cell)
		if v != c.want || formula != "" || (typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString) {
			t.Errorf("%s!%s = %q (formula %q, type %v), want the text %q", c.sheet, c.cell, v, formula, typ, c.want)
		}
	}
	// And fundalloc's own totals are formulas.
	if fm, _ := f.GetCellFormula("资金池", "C2"); !strings.HasPrefix(fm, "SUMIFS(") {
		t.Errorf("资金池!C2 formula = %q", fm)
	}
}

func TestWorkbookIsDeterministic(t *testing.T) {
	a := writeBook(t, testBudget(t))
	b := writeBook(t, testBudget(t))
	if !bytes.Equal(a, b) {
		t.Error("two runs on the same inputs and date wrote different workbooks")
	}
	f, _ := excelize.OpenReader(bytes.NewReader(a))
	defer f.Close()
	props, _ := f.GetDocProps()
	if props.Created != "2026-11-20T09:00:00Z" || props.Modified != props.Created || props.Creator != "fundalloc" {
		t.Errorf("doc props = %+v", props)
	}
}

func TestWorkbookSheetsAndEnglish(t *testing.T) {
	bb := testBudget(t)
	bb.Language = "en"
	bb.Plan.Units[2].Operator = "Sunrise Social Work Centre" // S1
	f, err := excelize.OpenReader(bytes.NewReader(writeBook(t, bb)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := []string{"Summary", "Sources", "Pool", "Allocation", "Lines", "Indicators", "Purchase of services", "Warnings", "Notes"}
	if got := f.GetSheetList(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("sheets = %v", got)
	}
	// Contracts: S1 is in year 3 (re-procure), S2 unqualified (re-procure),
	// the hub is new, without a grade or a contract year (a first contract).
	rows, _ := f.GetRows("Purchase of services")
	got := map[string]string{}
	for _, r := range rows[1:] {
		if len(r) > 5 {
			got[r[0]] = r[5]
		}
	}
	if got["H"] != "first contract" || got["S1"] != "re-procure" || got["S2"] != "re-procure" {
		t.Errorf("decisions = %v", got)
	}
	// The operator and the contract cycle stand beside the money.
	if h := rows[0]; len(h) != 10 || h[7] != "Operator" || h[8] != "Contract cycle" || !strings.HasPrefix(h[9], "Contract amount") {
		t.Errorf("header %q", h)
	}
	for _, r := range rows[1:] {
		if len(r) > 0 && r[0] == "S1" && (len(r) < 10 || r[3] != "social work services" || r[7] != "Sunrise Social Work Centre" || r[8] != "year 3 of 3" || r[9] == "") {
			t.Errorf("S1 row %q", r)
		}
	}
	// Rooms are grouped under their station, whose row carries the button.
	if props, err := f.GetSheetProps("Allocation"); err != nil || props.OutlineSummaryBelow == nil || *props.OutlineSummaryBelow {
		t.Errorf("Allocation outline summary rows should be above their group: %+v, %v", props, err)
	}
	for i, r := range mustRows(t, f, "Allocation") {
		if len(r) > 0 && r[0] == "R1" {
			if lvl, _ := f.GetRowOutlineLevel("Allocation", i+1); lvl != 1 {
				t.Errorf("room R1 outline level %d, want 1", lvl)
			}
		}
	}
}

func mustRows(t *testing.T, f *excelize.File, sheet string) [][]string {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestLongTablesContinueOnNumberedSheets(t *testing.T) {
	defer func(n int) { maxSheetRows = n }(maxSheetRows)
	maxSheetRows = 4 // a header and three lines per sheet
	bb := testBudget(t)
	f, err := excelize.OpenReader(bytes.NewReader(writeBook(t, bb)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := len(bb.Plan.Lines)
	sheets := f.GetSheetList()
	var lines []string
	for _, s := range sheets {
		if strings.HasPrefix(s, "分配明细") {
			lines = append(lines, s)
		}
	}
	if len(lines) != (n+2)/3 || lines[1] != "分配明细（2）" {
		t.Fatalf("%d lines over sheets %v", n, lines)
	}
	total := 0
	for _, s := range lines {
		rows := mustRows(t, f, s)
		if rows[0][0] != "阶段" {
			t.Errorf("%s has no header", s)
		}
		total += len(rows) - 1
	}
	if total != n {
		t.Errorf("%d lines written over the sheets, want %d", total, n)
	}
	// The Summary's formulas sum every continuation sheet.
	fm, _ := f.GetCellFormula("汇总", "D9")
	if !strings.Contains(fm, "'分配明细（2）'!") {
		t.Errorf("summary formula does not reach the continuation sheets: %s", fm)
	}
}

func TestBatchIsAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.xlsx")
	os.WriteFile(a, []byte("old"), 0o644)
	var batch Batch
	if err := batch.Write(a, func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }); err != nil {
		t.Fatal(err)
	}
	if err := batch.Write(b, func(w io.Writer) error { return errors.New("render failed") }); err == nil {
		t.Fatal("the failing write succeeded")
	}
	batch.Abort()
	if data, _ := os.ReadFile(a); string(data) != "old" {
		t.Errorf("a.json = %q after an aborted batch", data)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("left behind: %v", entries)
	}
	// A committed batch replaces the files; stale temporaries are cleaned.
	os.WriteFile(filepath.Join(dir, TempPrefix+"x"), []byte("stale"), 0o644)
	if removed, err := CleanTemp(dir); err != nil || len(removed) != 1 {
		t.Errorf("CleanTemp = %v, %v", removed, err)
	}
	if err := WriteFile(a, func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(a); string(data) != "new" {
		t.Errorf("a.json = %q", data)
	}
}

// Every label a workbook formats has as many arguments as it uses: a
// Sprintf mistake shows up in print as %!(EXTRA …) or %!s(MISSING).
func TestWorkbooksHaveNoFormatMistakes(t *testing.T) {
	for _, lang := range []string{"zh", "en"} {
		bb := testBudget(t)
		bb.Language = lang
		f, err := excelize.OpenReader(bytes.NewReader(writeBook(t, bb)))
		if err != nil {
			t.Fatal(err)
		}
		for _, sheet := range f.GetSheetList() {
			for r, row := range mustRows(t, f, sheet) {
				for c, v := range row {
					if strings.Contains(v, "%!") {
						t.Errorf("%s %s!%s = %q", lang, sheet, cell(c+1, r+1), v)
					}
				}
			}
		}
		f.Close()
	}
}
