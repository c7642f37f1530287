package reports_test

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"

	"fundalloc/allocation"
	"fundalloc/reports"
	"fundalloc/sources"
)

var templateCats = []allocation.Category{
	{Code: "social_assistance", Zh: "社会救助", En: "Social assistance"},
	{Code: "elderly_care", Zh: "养老服务", En: "Elderly care"},
	{Code: "charity", Zh: "慈善资源", En: "Charity"},
}

// testTemplate is a template with the readers' own columns, as the command
// gives them.
func testTemplate(language string) *reports.Template {
	return &reports.Template{Language: language, RunDate: time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC), Categories: templateCats,
		FiscalYear: 2026, ParentCodes: []string{"H", "S1", "S2"}, UnitCodes: []string{"H", "S1", "S2", "R1"}, UnitsFile: "units.csv",
		UnitColumns: offered(sources.UnitColumns()), Drivers: offered(sources.CommonDrivers()),
		FundColumns: offered(sources.FundColumns()), LedgerColumns: offered(sources.LedgerColumns())}
}

// offered is what a template offers of a reader's columns.
func offered(cols []sources.Column) []reports.TemplateColumn {
	var out []reports.TemplateColumn
	for _, c := range templateOnly(cols) {
		out = append(out, reports.TemplateColumn{Name: c.Name, Zh: c.Zh, Required: c.Required})
	}
	return out
}

// writeTemplateFile writes a template to dir and returns its path.
func writeTemplateFile(t *testing.T, dir string, kind reports.TemplateKind, tpl *reports.Template) string {
	t.Helper()
	var buf bytes.Buffer
	if err := reports.WriteTemplate(&buf, kind, tpl); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, kind.FileName())
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func fileSource(path string) sources.Source {
	return sources.Source{Name: filepath.Base(path), Open: func() (sources.File, error) { return os.Open(path) }}
}

// fill writes rows below the header of the data sheet; a nil value leaves
// the cell empty.
func fill(t *testing.T, path string, rows [][]any) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetName(0)
	for r, row := range rows {
		for c, v := range row {
			if v == nil {
				continue
			}
			if err := f.SetCellValue(sheet, reports.Cell(c+1, r+2), v); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
}

// listValues returns the drop-down values the lists sheet holds for a
// column, found by its header.
func listValues(t *testing.T, path, header string) []string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cols, err := f.GetCols(f.GetSheetName(2))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cols {
		if len(c) > 0 && c[0] == header {
			for len(c) > 1 && c[len(c)-1] == "" {
				c = c[:len(c)-1] // GetCols pads every column to the longest
			}
			return c[1:]
		}
	}
	t.Fatalf("%s: no list for %s", path, header)
	return nil
}

func problems(p *sources.Problems) string {
	var b strings.Builder
	for _, e := range p.List() {
		b.WriteString("\n" + e.Error())
	}
	return b.String()
}

// TestUnitsTemplateRoundTrip fills the units template with every value its
// drop-down lists offer and reads it back with the real reader.
func TestUnitsTemplateRoundTrip(t *testing.T) {
	for _, language := range []string{"zh", "en"} {
		t.Run(language, func(t *testing.T) {
			dir := t.TempDir()
			path := writeTemplateFile(t, dir, reports.UnitsTemplate, testTemplate(language))
			tiers := listValues(t, path, "层级 tier")
			grades := listValues(t, path, "评估等级 grade")
			pilots := listValues(t, path, "五社联动试点 pilot")
			parents := listValues(t, path, "上级编码 parent")
			if len(tiers) != 3 || len(grades) != 5 || len(pilots) != 2 || !slices.Equal(parents, []string{"H", "S1", "S2"}) {
				t.Fatalf("lists: tiers %q grades %q pilots %q parents %q", tiers, grades, pilots, parents)
			}
			// code, name, tier, parent, social_workers, pilot, grade, contract_year, operator, town, population, elderly, children, assistance
			rows := [][]any{
				{"H", "市社工总站", tiers[0], nil, 4, nil, grades[1], 1, "市社会工作协会", nil, 0, 0, 0, 0},
				{"R1", "一村社工室", tiers[2], "S01", nil, pilots[1], nil, nil, nil, nil, 300, 45.5, 20, 3},
			}
			for i, g := range grades {
				rows = append(rows, []any{"S0" + string(rune('1'+i)), "社工站" + g, tiers[1], "H", i, pilots[i%2], g, 1 + i%3, "社工事务所" + g, "镇" + g, 1000 + i, "120", 80, 7})
			}
			fill(t, path, rows)

			var p sources.Problems
			ut := sources.ReadUnits(fileSource(path), sources.Options{Limits: sources.DefaultLimits(), Drivers: sources.CommonDriverNames()}, &p)
			if p.Len() > 0 {
				t.Fatalf("%d problems:%s", p.Len(), problems(&p))
			}
			if want := []string{"social_workers", "population", "elderly", "children", "assistance"}; !slices.Equal(ut.Drivers, want) {
				t.Errorf("drivers %q, want %q", ut.Drivers, want)
			}
			if len(ut.Units) != 7 {
				t.Fatalf("%d units, want 7", len(ut.Units))
			}
			h, r1 := ut.Units[0], ut.Units[1]
			if h.Code != "H" || h.Tier != allocation.Hub || h.SocialWorkers != 4 || h.Grade != allocation.Good || h.ContractYear != 1 || h.Operator != "市社会工作协会" {
				t.Errorf("hub read as %+v", h)
			}
			if r1.Tier != allocation.Room || r1.Parent != "S01" || r1.Pilot || r1.Drivers[2].String() != "45.5" {
				t.Errorf("room read as %+v", r1)
			}
			wantGrades := []allocation.Grade{allocation.Excellent, allocation.Good, allocation.Qualified, allocation.Unqualified, allocation.New}
			for i, u := range ut.Units[2:] {
				if u.Tier != allocation.Station || u.Parent != "H" || u.Grade != wantGrades[i] || u.Pilot != (i%2 == 0) ||
					u.SocialWorkers != int64(i) || u.ContractYear != 1+i%3 || u.Drivers[1].String() != allocation.Int(uint64(1000+i)).String() ||
					u.Operator != "社工事务所"+grades[i] || u.Town != "镇"+grades[i] {
					t.Errorf("station %d read as %+v", i, u)
				}
			}
		})
	}
}

// TestFundsTemplateRoundTrip fills the funds template with numeric and text
// amounts and every category of its list, and reads it back.
func TestFundsTemplateRoundTrip(t *testing.T) {
	for _, language := range []string{"zh", "en"} {
		t.Run(language, func(t *testing.T) {
			dir := t.TempDir()
			path := writeTemplateFile(t, dir, reports.FundsTemplate, testTemplate(language))
			cats := listValues(t, path, "类别 category")
			units := listValues(t, path, "指定单位 designated_unit")
			if len(cats) != len(templateCats) || !slices.Equal(units, []string{"H", "S1", "S2", "R1"}) {
				t.Fatalf("lists: categories %q, units %q", cats, units)
			}
			// id, category, provider, description, amount, designated_unit
			fill(t, path, [][]any{
				{"F001", cats[0], "市民政局", "2026年社会救助", 1234.5, nil},
				{"F002", cats[1], "市老龄办", nil, "¥1,234.50", units[1]},
				{"F003", cats[2], "市慈善总会", "=1+1", 0.01, "R1"},
			})
			var p sources.Problems
			ut := &sources.UnitTable{Source: "units.csv", Units: []allocation.Unit{{Code: "H"}, {Code: "S1"}, {Code: "S2"}, {Code: "R1"}}}
			ft := sources.ReadFunds([]sources.Source{fileSource(path)}, sources.Options{Limits: sources.DefaultLimits()}, sources.NewCategories(templateCats), &p)
			ft.CheckUnits(ut, &p)
			if p.Len() > 0 {
				t.Fatalf("%d problems:%s", p.Len(), problems(&p))
			}
			want := []struct {
				id       string
				cat      int
				amount   allocation.Fen
				unit     string
				provider string
			}{{"F001", 0, 123450, "", "市民政局"}, {"F002", 1, 123450, "S1", "市老龄办"}, {"F003", 2, 1, "R1", "市慈善总会"}}
			if len(ft.Lines) != len(want) {
				t.Fatalf("%d lines, want %d", len(ft.Lines), len(want))
			}
			for i, w := range want {
				l := ft.Lines[i]
				if l.ID != w.id || l.Category != w.cat || l.Amount != w.amount || l.Unit != w.unit || l.Provider != w.provider {
					t.Errorf("line %d read as %+v, want %+v", i, l, w)
				}
			}
		})
	}
}

// TestLedgerTemplateHeader checks the ledger template's header names every
// ledger column in the "中文 english" form the units and funds round trips
// prove the readers accept, in the reader's order.
func TestLedgerTemplateHeader(t *testing.T) {
	path := writeTemplateFile(t, t.TempDir(), reports.LedgerTemplate, testTemplate("en"))
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.GetSheetName(0) != "Ledger" {
		t.Errorf("first sheet %q, want Ledger", f.GetSheetName(0))
	}
	rows, err := f.GetRows("Ledger")
	if err != nil || len(rows) != 1 {
		t.Fatalf("rows %q, %v: want the header only", rows, err)
	}
	var want []string
	for _, c := range sources.LedgerColumns() {
		if c.InTemplate() {
			want = append(want, c.Zh+" "+c.Name)
		}
	}
	if !slices.Equal(rows[0], want) {
		t.Errorf("header %q, want %q", rows[0], want)
	}
}

// dvBySqref indexes a sheet's data validations by range.
func dvBySqref(t *testing.T, f *excelize.File, sheet string) map[string]*excelize.DataValidation {
	t.Helper()
	dvs, err := f.GetDataValidations(sheet)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]*excelize.DataValidation{}
	for _, dv := range dvs {
		if _, dup := m[dv.Sqref]; dup {
			t.Errorf("two validations on %s", dv.Sqref)
		}
		m[dv.Sqref] = dv
	}
	return m
}

func TestTemplateValidations(t *testing.T) {
	type want struct {
		typ, op, f1, f2, style string
	}
	tests := []struct {
		kind  reports.TemplateKind
		sheet string
		lists string
		want  map[string]want
	}{
		{reports.UnitsTemplate, "单位", "'列表'", map[string]want{
			"C2:C10001": {"list", "", "'列表'!$A$2:$A$4", "", "stop"},
			"D2:D10001": {"list", "", "'列表'!$B$2:$B$4", "", "warning"},
			"E2:E10001": {"whole", "greaterThanOrEqual", "0", "", "stop"},
			"F2:F10001": {"list", "", "'列表'!$C$2:$C$3", "", "stop"},
			"G2:G10001": {"list", "", "'列表'!$D$2:$D$6", "", "stop"},
			"H2:H10001": {"whole", "between", "1", "3", "stop"},
			"K2:K10001": {"decimal", "greaterThanOrEqual", "0", "", "stop"},
			"L2:L10001": {"decimal", "greaterThanOrEqual", "0", "", "stop"},
			"M2:M10001": {"decimal", "greaterThanOrEqual", "0", "", "stop"},
			"N2:N10001": {"decimal", "greaterThanOrEqual", "0", "", "stop"},
		}},
		{reports.FundsTemplate, "资金来源", "'列表'", map[string]want{
			"B2:B10001": {"list", "", "'列表'!$A$2:$A$4", "", "stop"},
			"E2:E10001": {"custom", "", "AND(ISNUMBER(E2),E2>0,ROUND(E2,2)=E2)", "", "stop"},
			"F2:F10001": {"list", "", "'列表'!$B$2:$B$5", "", "warning"},
			"G2:G10001": {"list", "", "'列表'!$C$2:$C$7", "", "stop"},
			"H2:H10001": {"list", "", "'列表'!$D$2:$D$3", "", "stop"},
		}},
		{reports.LedgerTemplate, "支出台账", "'列表'", map[string]want{
			"B2:B10001": {"date", "between", "DATE(2026,1,1)", "DATE(2026,12,31)", "stop"},
			"C2:C10001": {"list", "", "'列表'!$A$2:$A$5", "", "warning"},
			"D2:D10001": {"list", "", "'列表'!$B$2:$B$4", "", "stop"},
			"E2:E10001": {"custom", "", "AND(ISNUMBER(E2),E2<>0,ROUND(E2,2)=E2)", "", "stop"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.kind.String(), func(t *testing.T) {
			var buf bytes.Buffer
			if err := reports.WriteTemplate(&buf, tt.kind, testTemplate("zh")); err != nil {
				t.Fatal(err)
			}
			f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if got := f.GetSheetList(); !slices.Equal(got, []string{tt.sheet, "说明", "列表"}) {
				t.Fatalf("sheets %q", got)
			}
			got := dvBySqref(t, f, tt.sheet)
			if len(got) != len(tt.want) {
				t.Errorf("%d validations, want %d", len(got), len(tt.want))
			}
			for ref, w := range tt.want {
				dv := got[ref]
				if dv == nil {
					t.Errorf("no validation on %s", ref)
					continue
				}
				if dv.Type != w.typ || dv.Operator != w.op || dv.Formula1 != w.f1 || dv.Formula2 != w.f2 ||
					dv.ErrorStyle == nil || *dv.ErrorStyle != w.style || !dv.AllowBlank || !dv.ShowErrorMessage {
					t.Errorf("%s: %s %s %q %q style %v; want %+v", ref, dv.Type, dv.Operator, dv.Formula1, dv.Formula2, dv.ErrorStyle, w)
				}
				// Excel refuses longer titles and messages.
				if n := len(utf16.Encode([]rune(*dv.ErrorTitle))); n > 32 {
					t.Errorf("%s: error title of %d characters", ref, n)
				}
				if n := len(utf16.Encode([]rune(*dv.Error))); n > 225 {
					t.Errorf("%s: error message of %d characters", ref, n)
				}
			}
			// The lists sheet is hidden, not very hidden.
			if visible, _ := f.GetSheetVisible("列表"); visible {
				t.Error("the lists sheet is visible")
			}
			wb := zipPart(t, buf.Bytes(), "xl/workbook.xml")
			if !regexp.MustCompile(`<sheet name="列表"[^>]*state="hidden"`).MatchString(wb) {
				t.Errorf("the lists sheet is not state=hidden:\n%s", wb)
			}
			// Frozen header and a filter over it.
			panes, err := f.GetPanes(tt.sheet)
			if err != nil || !panes.Freeze || panes.YSplit != 1 {
				t.Errorf("panes %+v, %v", panes, err)
			}
			if !regexp.MustCompile(`<autoFilter ref="\$?A\$?1:`).MatchString(zipPart(t, buf.Bytes(), "xl/worksheets/sheet1.xml")) {
				t.Error("no autofilter on the data sheet")
			}
		})
	}
}

func zipPart(t *testing.T, data []byte, name string) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, zf := range zr.File {
		if zf.Name == name {
			rc, err := zf.Open()
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(rc)
			rc.Close()
			return string(b)
		}
	}
	t.Fatalf("no part %s", name)
	return ""
}

// numFmt returns the number format of a cell's style.
func numFmt(t *testing.T, f *excelize.File, sheet, ref string) string {
	t.Helper()
	id, err := f.GetCellStyle(sheet, ref)
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	if s.CustomNumFmt != nil {
		return *s.CustomNumFmt
	}
	switch s.NumFmt {
	case 0:
		return "General"
	case 1:
		return "0"
	case 49:
		return "@"
	}
	return "numFmt " + strconv.Itoa(s.NumFmt)
}

func TestTemplateFormats(t *testing.T) {
	tests := []struct {
		kind  reports.TemplateKind
		sheet string
		want  map[string]string // cell → number format
	}{
		{reports.UnitsTemplate, "单位", map[string]string{"A2": "@", "D9000": "@", "E2": "0", "H10001": "0", "I2": "General"}},
		{reports.FundsTemplate, "资金来源", map[string]string{"A2": "@", "E2": "#,##0.00", "E10001": "#,##0.00", "F2": "@"}},
		{reports.LedgerTemplate, "支出台账", map[string]string{"B2": "yyyy-mm-dd", "B10001": "yyyy-mm-dd", "C2": "@", "E2": "#,##0.00", "E10001": "#,##0.00"}},
	}
	for _, tt := range tests {
		t.Run(tt.kind.String(), func(t *testing.T) {
			var buf bytes.Buffer
			if err := reports.WriteTemplate(&buf, tt.kind, testTemplate("zh")); err != nil {
				t.Fatal(err)
			}
			f, err := excelize.OpenReader(&buf)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			for ref, want := range tt.want {
				if got := numFmt(t, f, tt.sheet, ref); got != want {
					t.Errorf("%s has format %q, want %q", ref, got, want)
				}
			}
			// Required columns have a header fill of their own.
			cols := map[reports.TemplateKind][]sources.Column{reports.UnitsTemplate: append(sources.UnitColumns(), sources.CommonDrivers()...),
				reports.FundsTemplate: sources.FundColumns(), reports.LedgerTemplate: templateOnly(sources.LedgerColumns())}[tt.kind]
			fills := map[bool]map[string]bool{true: {}, false: {}}
			for i, c := range cols {
				id, _ := f.GetCellStyle(tt.sheet, reports.Cell(i+1, 1))
				s, _ := f.GetStyle(id)
				fills[c.Required][strings.Join(s.Fill.Color, ",")] = true
				if v, _ := f.GetCellValue(tt.sheet, reports.Cell(i+1, 1)); strings.Contains(v, "*") {
					t.Errorf("header %q carries a *", v)
				}
			}
			if len(fills[true]) != 1 || (len(fills[false]) > 0 && (len(fills[false]) != 1 || fills[false][firstKey(fills[true])])) {
				t.Errorf("header fills: required %v, optional %v", fills[true], fills[false])
			}
		})
	}
}

func firstKey(m map[string]bool) string {
	for k := range m {
		return k
	}
	return ""
}

// TestTemplateNotes checks the notes sheet explains every column and marks
// the required ones, in the chosen language.
func TestTemplateNotes(t *testing.T) {
	for _, tt := range []struct {
		language, notes, required string
		lines                     []string
	}{
		{"zh", "说明", "* 必填", []string{"第1行是表头", "GB18030", "元", "2026-01-01 至 2026-12-31", "units.csv"}},
		{"en", "Notes", "* required", []string{"Row 1 is the header", "GB18030", "yuan", "2026-01-01 to 2026-12-31", "units.csv"}},
	} {
		t.Run(tt.language, func(t *testing.T) {
			var buf bytes.Buffer
			if err := reports.WriteTemplate(&buf, reports.LedgerTemplate, testTemplate(tt.language)); err != nil {
				t.Fatal(err)
			}
			f, err := excelize.OpenReader(&buf)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			rows, err := f.GetRows(tt.notes)
			if err != nil {
				t.Fatal(err)
			}
			var all strings.Builder
			for _, r := range rows {
				all.WriteString(strings.Join(r, "\t") + "\n")
			}
			for _, w := range tt.lines {
				if !strings.Contains(all.String(), w) {
					t.Errorf("notes lack %q:\n%s", w, all.String())
				}
			}
			byHeader := map[string][]string{}
			for _, r := range rows {
				if len(r) > 0 {
					byHeader[r[0]] = r
				}
			}
			for _, c := range templateOnly(sources.LedgerColumns()) {
				r := byHeader[c.Zh+" "+c.Name]
				if len(r) < 3 || r[2] == "" {
					t.Errorf("no rule for %s: %q", c.Name, r)
					continue
				}
				if (r[1] == tt.required) != c.Required {
					t.Errorf("%s: required cell %q, column required %v", c.Name, r[1], c.Required)
				}
			}
		})
	}
}

// TestTemplateWithoutUnits has no unit-code lists and accepts any date.
func TestTemplateWithoutUnits(t *testing.T) {
	tpl := testTemplate("zh")
	tpl.FiscalYear, tpl.ParentCodes, tpl.UnitCodes, tpl.UnitsFile = 0, nil, nil, ""
	var buf bytes.Buffer
	if err := reports.WriteTemplate(&buf, reports.LedgerTemplate, tpl); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dvs := dvBySqref(t, f, "支出台账")
	if _, ok := dvs["C2:C10001"]; ok {
		t.Error("a unit drop-down without unit codes")
	}
	if dv := dvs["B2:B10001"]; dv == nil || dv.Type != "date" || dv.Operator != "greaterThanOrEqual" {
		t.Errorf("date validation %+v", dv)
	}
	if dv := dvs["D2:D10001"]; dv == nil || dv.Formula1 != "'列表'!$A$2:$A$4" {
		t.Errorf("the category list moves to column A: %+v", dv)
	}
	if got := numFmt(t, f, "支出台账", "C2"); got != "@" {
		t.Errorf("unit codes without a drop-down have format %q, want @ (text)", got)
	}
	if err := reports.WriteTemplate(&buf, reports.UnitsTemplate, &reports.Template{Language: "zh"}); err == nil {
		t.Error("a template without categories was written")
	}
	if err := reports.WriteTemplate(&buf, reports.FundsTemplate, &reports.Template{Language: "zh", Categories: templateCats}); err == nil {
		t.Error("a template without its columns was written")
	}
}

// TestTemplateDeterministic: the same template gives the same bytes.
func TestTemplateDeterministic(t *testing.T) {
	for _, kind := range reports.TemplateKinds() {
		var a, b bytes.Buffer
		if err := reports.WriteTemplate(&a, kind, testTemplate("zh")); err != nil {
			t.Fatal(err)
		}
		if err := reports.WriteTemplate(&b, kind, testTemplate("zh")); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Errorf("%s: two writes differ", kind)
		}
		if core := zipPart(t, a.Bytes(), "docProps/core.xml"); !strings.Contains(core, "2026-03-09T00:00:00Z") {
			t.Errorf("%s: core properties lack the run date:\n%s", kind, core)
		}
	}
}

// TestTemplateTextIsSafe: unit codes from a file are written as text, never
// as formulas.
func TestTemplateTextIsSafe(t *testing.T) {
	tpl := testTemplate("zh")
	tpl.UnitCodes = []string{"=HYPERLINK(\"http://x\")", "S\x01"}
	var buf bytes.Buffer
	if err := reports.WriteTemplate(&buf, reports.FundsTemplate, tpl); err != nil {
		t.Fatal(err)
	}
	sheet := zipPart(t, buf.Bytes(), "xl/worksheets/sheet3.xml")
	if strings.Contains(sheet, "<f>") {
		t.Errorf("the lists sheet holds a formula:\n%s", sheet)
	}
	if got := listValuesFromBytes(t, buf.Bytes(), "指定单位 designated_unit"); !slices.Equal(got, []string{"=HYPERLINK(\"http://x\")", "S"}) {
		t.Errorf("codes written as %q", got)
	}
}

func listValuesFromBytes(t *testing.T, data []byte, header string) []string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "x.xlsx")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return listValues(t, path, header)
}

// TestTemplateTooManyCodes: a unit list longer than a drop-down can show
// gets no drop-down, and the notes say why.
func TestTemplateTooManyCodes(t *testing.T) {
	tpl := testTemplate("en")
	tpl.UnitCodes = make([]string, reports.MaxDropDown+1)
	for i := range tpl.UnitCodes {
		tpl.UnitCodes[i] = "U" + strconv.Itoa(i)
	}
	var buf bytes.Buffer
	if err := reports.WriteTemplate(&buf, reports.FundsTemplate, tpl); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if dv := dvBySqref(t, f, "Fund lines")["F2:F10001"]; dv != nil {
		t.Errorf("a drop-down of %d codes: %+v", len(tpl.UnitCodes), dv)
	}
	rows, _ := f.GetRows("Notes")
	found := false
	for _, r := range rows {
		found = found || (len(r) > 3 && strings.Contains(r[3], "32768: too many"))
	}
	if !found {
		t.Error("the notes do not say why the unit codes have no drop-down")
	}
}

// TestTemplateTextsFitExcel: Excel refuses a validation whose title passes
// 32 characters or whose message passes 225 (prompts: 255).
func TestTemplateTextsFitExcel(t *testing.T) {
	for _, language := range []string{"zh", "en"} {
		for _, kind := range reports.TemplateKinds() {
			headers, rules, err := reports.TemplateTexts(kind, testTemplate("zh"), language)
			if err != nil {
				t.Fatal(err)
			}
			for i, h := range headers {
				if n := len(utf16.Encode([]rune(h))); n > 32 {
					t.Errorf("%s: header of %d characters", h, n)
				}
				if n := len(utf16.Encode([]rune(rules[i]))); n > 225 {
					t.Errorf("%s (%s): rule of %d characters", h, language, n)
				}
			}
		}
	}
}

// TestLedgerTemplateRoundTrip fills the ledger template with a date cell, a
// date typed as text, a refund and a text amount, and reads it back with the
// ledger reader: nothing is flagged.
func TestLedgerTemplateRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := writeTemplateFile(t, dir, reports.LedgerTemplate, testTemplate("zh"))
	cats := listValues(t, path, "类别 category")
	units := listValues(t, path, "单位编码 unit")
	// voucher, date, unit, category, amount, description
	fill(t, path, [][]any{
		{"V001", time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC), units[1], cats[1], 1234.56, "活动物资"},
		{"V002", "2026-12-31", units[3], cats[0], "¥1,234.50", nil},
		{"0003", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), units[1], cats[1], -20.5, "退款"},
	})
	known := sources.NewUnits(units, nil)
	var p sources.Problems
	ledger := sources.ReadLedgers([]sources.Source{fileSource(path)}, sources.Options{Limits: sources.DefaultLimits()}, sources.NewCategories(templateCats), known, 2026, &p)
	if p.Len() > 0 || len(ledger.Exceptions) > 0 {
		t.Fatalf("%d problems:%s\nexceptions: %+v", p.Len(), problems(&p), ledger.Exceptions)
	}
	want := []struct {
		voucher, date, unit string
		cat, month          int
		amount              allocation.Fen
	}{
		{"V001", "2026-03-15", "S1", 1, 3, 123456},
		{"V002", "2026-12-31", "R1", 0, 12, 123450},
		{"0003", "2026-01-01", "S1", 1, 1, -2050},
	}
	if len(ledger.Entries) != len(want) {
		t.Fatalf("%d entries, want %d", len(ledger.Entries), len(want))
	}
	i := 0
	err := ledger.List(func(e *sources.Entry, v *sources.Listed) error {
		w := want[i]
		if v.Voucher != w.voucher || v.Date != w.date || v.Unit != w.unit || int(e.Category) != w.cat || int(e.Month) != w.month || e.Amount != w.amount {
			t.Errorf("entry %d read as %+v %+v, want %+v", i, e, v, w)
		}
		i++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// templateOnly keeps the columns the templates offer.
func templateOnly(cols []sources.Column) []sources.Column {
	var out []sources.Column
	for _, c := range cols {
		if c.InTemplate() {
			out = append(out, c)
		}
	}
	return out
}
