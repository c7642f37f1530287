package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"fundalloc/config"
	"fundalloc/sources"
)

var templateFiles = []string{"units.xlsx", "funds.xlsx", "ledger.xlsx"}

// templateList returns the drop-down values a template's lists sheet (its
// third sheet) holds under header, or nil when it has no such list.
func templateList(t *testing.T, path, header string) []string {
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
				c = c[:len(c)-1]
			}
			return c[1:]
		}
	}
	return nil
}

func readAll(t *testing.T, dir string) [][]byte {
	t.Helper()
	var out [][]byte
	for _, name := range templateFiles {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, data)
	}
	return out
}

func TestTemplateWritesThreeAndRefusesToOverwrite(t *testing.T) {
	dir := t.TempDir()
	r := fundalloc(t, dir, nil, "template", "--out", "tpl")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, name := range templateFiles {
		if !strings.Contains(r.stdout, "已写入 "+filepath.Join(dir, "tpl", name)) {
			t.Errorf("stdout lacks %s:\n%s", name, r.stdout)
		}
	}
	first := readAll(t, filepath.Join(dir, "tpl"))
	// Without a configuration there are no unit-code lists.
	if got := templateList(t, filepath.Join(dir, "tpl", "funds.xlsx"), "指定单位 designated_unit"); got != nil {
		t.Errorf("unit codes without a configuration: %q", got)
	}
	if got := templateList(t, filepath.Join(dir, "tpl", "funds.xlsx"), "类别 category"); len(got) != 7 || got[1] != "养老服务" {
		t.Errorf("categories %q, want the seven defaults by Chinese name", got)
	}

	// A second run refuses and leaves the files alone, even when only one exists.
	os.WriteFile(filepath.Join(dir, "tpl", "units.xlsx"), []byte("mine"), 0o644)
	r = fundalloc(t, dir, nil, "template", "--out", "tpl", "--lang", "en")
	if r.code != 2 || !strings.Contains(r.stderr, "already exist") || !strings.Contains(r.stderr, "--force") {
		t.Fatalf("second run: exit %d: %s", r.code, r.stderr)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "tpl", "units.xlsx")); string(data) != "mine" {
		t.Error("the refused run overwrote units.xlsx")
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "tpl"))
	if len(entries) != 3 {
		t.Errorf("%d files in the output directory, want 3", len(entries))
	}

	// --force overwrites; the same day gives the same bytes.
	r = fundalloc(t, dir, nil, "template", "--out", "tpl", "--force", "-q")
	if r.code != 0 || r.stdout != "" {
		t.Fatalf("--force: exit %d, stdout %q: %s", r.code, r.stdout, r.stderr)
	}
	for i, data := range readAll(t, filepath.Join(dir, "tpl")) {
		if !bytes.Equal(data, first[i]) {
			t.Errorf("%s differs from the first run's", templateFiles[i])
		}
	}

	// --lang en: English sheet names, same headers.
	r = fundalloc(t, dir, nil, "template", "--out", "en", "--lang", "en")
	if r.code != 0 {
		t.Fatalf("--lang en: exit %d: %s", r.code, r.stderr)
	}
	f, err := excelize.OpenFile(filepath.Join(dir, "en", "funds.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !slices.Equal(got, []string{"Fund lines", "Notes", "Lists"}) {
		t.Errorf("English sheets %q", got)
	}
	if v, _ := f.GetCellValue("Fund lines", "E1"); v != "金额 amount" {
		t.Errorf("E1 = %q, want the bilingual header", v)
	}
}

func TestTemplateDefaultsToTheWorkingDirectory(t *testing.T) {
	dir := t.TempDir()
	if r := fundalloc(t, dir, nil, "template"); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	readAll(t, dir)
}

func TestTemplateListsTheConfiguredCity(t *testing.T) {
	dir := t.TempDir()
	cfg := writeCity(t, dir, "id,category,provider,amount\nF1,charity,p,100\n",
		"categories:\n  - {code: care, zh: 养老, en: Care}\n  - {code: charity, zh: 慈善, en: Charity}\n")
	// The city's drivers name all seven default categories; keep two.
	body, _ := os.ReadFile(cfg)
	text := strings.Replace(string(body), "social_assistance: population, elderly_care: population, child_welfare: population,\n      community_governance: population, social_affairs: population, partner_org: population, charity: population",
		"care: population, charity: population", 1)
	os.WriteFile(cfg, []byte(text), 0o644)

	r := fundalloc(t, dir, nil, "template", "--config", cfg, "--out", "tpl")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "单位编码下拉列表：取自 units.csv 的 4 个单位；台账日期限于 2026 年") {
		t.Errorf("stdout: %s", r.stdout)
	}
	tpl := filepath.Join(dir, "tpl")
	checks := []struct {
		file, header string
		want         []string
	}{
		{"units.xlsx", "上级编码 parent", []string{"H", "S1", "S2"}},
		{"funds.xlsx", "指定单位 designated_unit", []string{"H", "S1", "S2", "R1"}},
		{"funds.xlsx", "类别 category", []string{"养老", "慈善"}},
		{"ledger.xlsx", "单位编码 unit", []string{"H", "S1", "S2", "R1"}},
		{"ledger.xlsx", "类别 category", []string{"养老", "慈善"}},
	}
	for _, c := range checks {
		if got := templateList(t, filepath.Join(tpl, c.file), c.header); !slices.Equal(got, c.want) {
			t.Errorf("%s %s: list %q, want %q", c.file, c.header, got, c.want)
		}
	}
	f, err := excelize.OpenFile(filepath.Join(tpl, "ledger.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dvs, _ := f.GetDataValidations(f.GetSheetName(0))
	found := false
	for _, dv := range dvs {
		if dv.Type == "date" {
			found = dv.Formula1 == "DATE(2026,1,1)" && dv.Formula2 == "DATE(2026,12,31)"
		}
	}
	if !found {
		t.Error("ledger dates are not limited to the fiscal year 2026")
	}

	// FUNDALLOC_CONFIG is a real configuration too.
	r = fundalloc(t, dir, map[string]string{"FUNDALLOC_CONFIG": cfg}, "template", "--out", "env")
	if r.code != 0 {
		t.Fatalf("FUNDALLOC_CONFIG: exit %d: %s", r.code, r.stderr)
	}
	if got := templateList(t, filepath.Join(dir, "env", "ledger.xlsx"), "单位编码 unit"); len(got) != 4 {
		t.Errorf("FUNDALLOC_CONFIG: unit list %q", got)
	}
}

func TestTemplateReportsABadUnitsFile(t *testing.T) {
	dir := t.TempDir()
	cfg := writeCity(t, dir, "id,category,provider,amount\nF1,charity,p,100\n", "")
	os.WriteFile(filepath.Join(dir, "units.csv"), []byte("code,name,tier,parent\nH,总站,hub,\nH2,二号总站,hub,\nS1,一站,station,X\n"), 0o644)
	r := fundalloc(t, dir, nil, "template", "--config", cfg, "--out", "tpl")
	if r.code != 2 {
		t.Fatalf("exit %d, want 2: %s", r.code, r.stderr)
	}
	for _, want := range []string{"units.csv:3:C: ", "units.csv:4:D: ", "\n输入文件中有 2 个问题，未写入任何文件\n"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "tpl")); err == nil {
		t.Error("an output directory was created")
	}

	os.Remove(filepath.Join(dir, "units.csv"))
	if r := fundalloc(t, dir, nil, "template", "--config", cfg, "--out", "tpl", "--lang", "en"); r.code != 2 || !strings.Contains(r.stderr, "units: units.csv: no such file") {
		t.Errorf("missing units file: exit %d: %s", r.code, r.stderr)
	}
	if r := fundalloc(t, dir, nil, "template", "--config", cfg, "--out", "tpl"); r.code != 2 || r.stderr != "fundalloc: units：units.csv：文件不存在\n" {
		t.Errorf("missing units file in zh: exit %d: %s", r.code, r.stderr)
	}
}

// TestTemplatesFilledAndSavedByLibreOffice fills the units and funds
// templates with a small city in Chinese, lets LibreOffice save them, and
// budgets from what LibreOffice wrote: the budget must equal the one from
// the same city given as CSV files with English values.
func TestTemplatesFilledAndSavedByLibreOffice(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	if _, err := exec.LookPath("soffice"); err != nil {
		t.Skip("soffice not installed (scripts/test.sh installs libreoffice-calc-nogui)")
	}
	const cityConfig = "fiscal_year: 2026\nunits: data/%s\nfund_lines: [data/%s]\n" +
		"stages:\n" +
		"  hub: {amount: \"100000.00\", categories: [social_affairs, community_governance]}\n" +
		"  baseline: {per_worker: \"50000.00\", per_station: \"10000.00\"}\n" +
		"  pilot: {amount: \"20000.00\"}\n" +
		"  demand:\n    drivers: {social_assistance: assistance, elderly_care: elderly, child_welfare: children,\n" +
		"      community_governance: population, social_affairs: population, partner_org: population, charity: population}\n" +
		"  rooms: {share: \"0.30\"}\n"
	write := func(path, body string) {
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	csvDir := t.TempDir()
	write(filepath.Join(csvDir, "data", "units.csv"), "code,name,tier,parent,social_workers,pilot,grade,contract_year,population,elderly,children,assistance\n"+
		"H,市社工总站,hub,,2,,good,1,0,0,0,0\n"+
		"S1,一镇社工站,station,H,3,yes,good,2,1000,300,200,50\n"+
		"S2,二街社工站,station,H,2,no,excellent,3,800.5,250,150,40\n"+
		"S3,三镇社工站,station,H,1,no,unqualified,1,500,100,80,30\n"+
		"R1,一村社工室,room,S1,,,,,300,90,60,15\n"+
		"R2,二村社工室,room,S1,,,,,200,60,40,10\n")
	write(filepath.Join(csvDir, "data", "funds.csv"), "id,category,provider,description,amount,designated_unit\n"+
		"F1,elderly_care,市民政局,,500000,\n"+
		"F2,charity,市慈善总会,年度募捐,12345.67,\n"+
		"F3,social_assistance,市民政局,,300000.25,S2\n"+
		"F4,community_governance,市委社会工作部,,200000,\n"+
		"F5,social_affairs,市民政局,,1234567.89,\n")
	write(filepath.Join(csvDir, "fundalloc.yaml"), strings.ReplaceAll(strings.Replace(cityConfig, "%s", "units.csv", 1), "%s", "funds.csv"))
	want := budgetWithoutInputs(t, csvDir, filepath.Join(csvDir, "fundalloc.yaml"))
	if lines, _ := want["lines"].([]any); len(lines) < 10 {
		t.Fatalf("the CSV city's budget has %d lines; the test city is too small", len(lines))
	}

	xlsxDir := t.TempDir()
	if r := fundalloc(t, xlsxDir, nil, "template", "--out", "blank"); r.code != 0 {
		t.Fatalf("template: exit %d: %s", r.code, r.stderr)
	}
	fillTemplate(t, filepath.Join(xlsxDir, "blank", "units.xlsx"), [][]any{
		// … contract year, operator, town, then the drivers
		{"H", "市社工总站", "总站", nil, 2, nil, "良好", 1, nil, nil, 0, 0, 0, 0},
		{"S1", "一镇社工站", "社工站", "H", 3, "是", "良好", 2, nil, nil, 1000, 300, 200, 50},
		{"S2", "二街社工站", "社工站", "H", 2, "否", "优秀", 3, nil, nil, 800.5, 250, "150", 40},
		{"S3", "三镇社工站", "社工站", "H", 1, "否", "不合格", 1, nil, nil, 500, 100, 80, 30},
		{"R1", "一村社工室", "社工室", "S1", nil, nil, nil, nil, nil, nil, 300, 90, 60, 15},
		{"R2", "二村社工室", "社工室", "S1", nil, nil, nil, nil, nil, nil, 200, 60, 40, 10},
	})
	fillTemplate(t, filepath.Join(xlsxDir, "blank", "funds.xlsx"), [][]any{
		{"F1", "养老服务", "市民政局", nil, 500000, nil},
		{"F2", "慈善资源", "市慈善总会", "年度募捐", "¥12,345.67", nil},
		{"F3", "社会救助", "市民政局", nil, 300000.25, "S2"},
		{"F4", "社区治理", "市委社会工作部", nil, 200000, nil},
		{"F5", "社会事务", "市民政局", nil, 1234567.89, nil},
	})
	for _, name := range []string{"units.xlsx", "funds.xlsx"} {
		saved := recalculate(t, filepath.Join(xlsxDir, "blank", name))
		data, err := os.ReadFile(saved)
		if err != nil {
			t.Fatal(err)
		}
		write(filepath.Join(xlsxDir, "data", name), string(data))
		checkSavedTemplate(t, saved)
	}
	cfg := filepath.Join(xlsxDir, "fundalloc.yaml")
	write(cfg, strings.ReplaceAll(strings.Replace(cityConfig, "%s", "units.xlsx", 1), "%s", "funds.xlsx"))
	r := fundalloc(t, xlsxDir, nil, "validate", "--config", cfg, "--lang", "en")
	if r.code != 0 || !strings.Contains(r.stdout, "ok: 6 units (1 hub, 3 stations, 2 rooms), 5 fund lines in 1 files") {
		t.Fatalf("validate on the LibreOffice-saved templates: exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	if got := budgetWithoutInputs(t, xlsxDir, cfg); !jsonEqual(got, want) {
		t.Error("the LibreOffice-saved templates give a different budget from the same city as CSV")
	}

	// The ledger: a date cell, a date typed as text, a refund, a text amount.
	ledger := filepath.Join(xlsxDir, "blank", "ledger.xlsx")
	fillTemplate(t, ledger, [][]any{
		{"V001", time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC), "S1", "养老服务", 1234.56, "活动物资"},
		{"V002", "2026-12-31", "R1", "慈善资源", "¥1,234.50", nil},
		{"V003", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), "S2", "社会救助", -20.5, "退款"},
	})
	saved := recalculate(t, ledger)
	var p sources.Problems
	codes := sources.NewUnits([]string{"H", "S1", "S2", "S3", "R1", "R2"}, nil)
	src := sources.Source{Name: "ledger.xlsx", Open: func() (sources.File, error) { return os.Open(saved) }}
	l := sources.ReadLedgers([]sources.Source{src}, sources.Options{Limits: sources.DefaultLimits()}, sources.NewCategories(config.DefaultCategories()),
		codes, 2026, &p)
	if p.Len() > 0 || len(l.Exceptions) > 0 {
		t.Fatalf("the LibreOffice-saved ledger: %v, exceptions %+v", p.Err(), l.Exceptions)
	}
	var got []string
	if err := l.List(func(e *sources.Entry, v *sources.Listed) error {
		got = append(got, fmt.Sprintf("%s %s %s %d %s", v.Voucher, v.Date, v.Unit, e.Category, e.Amount))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	wantLedger := []string{"V001 2026-03-15 S1 1 1234.56", "V002 2026-12-31 R1 6 1234.50", "V003 2026-01-01 S2 0 -20.50"}
	if !slices.Equal(got, wantLedger) {
		t.Errorf("the LibreOffice-saved ledger reads as %q, want %q", got, wantLedger)
	}
}

// fillTemplate writes rows below the header of a template's data sheet; nil
// leaves a cell empty.
func fillTemplate(t *testing.T, path string, rows [][]any) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetName(0)
	for r, row := range rows {
		for c, v := range row {
			if v != nil {
				if err := f.SetCellValue(sheet, cell(c+1, r+2), v); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
}

// checkSavedTemplate checks what LibreOffice keeps of a template: the data
// sheet first and visible, the lists sheet hidden, and drop-down lists that
// still point at it.
func checkSavedTemplate(t *testing.T, path string) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) != 3 {
		t.Fatalf("%s: sheets %q after LibreOffice", filepath.Base(path), sheets)
	}
	if v, _ := f.GetSheetVisible(sheets[0]); !v {
		t.Errorf("%s: the data sheet is hidden after LibreOffice", filepath.Base(path))
	}
	if v, _ := f.GetSheetVisible(sheets[2]); v {
		t.Errorf("%s: the lists sheet is visible after LibreOffice", filepath.Base(path))
	}
	dvs, err := f.GetDataValidations(sheets[0])
	if err != nil {
		t.Fatal(err)
	}
	lists := 0
	for _, dv := range dvs {
		if dv.Type == "list" && strings.Contains(dv.Formula1, sheets[2]+"!") {
			lists++
		}
	}
	if lists == 0 {
		t.Errorf("%s: no drop-down list survives LibreOffice: %+v", filepath.Base(path), dvs)
	}
}
