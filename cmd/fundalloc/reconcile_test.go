package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"fundalloc/allocation"
)

func TestReconcileSampleCity(t *testing.T) {
	dir := t.TempDir()
	r := fundalloc(t, dir, nil, "reconcile", "--month", "2026-10")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	en := fundalloc(t, dir, nil, "reconcile", "--month", "2026-10", "--lang", "en", "--out", "en", "--no-workbook")
	for _, c := range []struct {
		out  string
		want []string
	}{
		{r.stdout, []string{
			"预算依据：按当前配置重新计算（内置示例城市）",
			"预警：超预算 1、无预算支出 2、超进度 8、进度滞后 15",
			"问题（按严重程度，前 10 个，共 25 个）：\n 1. SM07 店塔镇社工站 慈善资源：已支出 71,824.79 元，超过全年预算 36,824.91 元 34,999.88 元\n" +
				" 2. SM06-08 南山社区 养老服务：该类别无预算，已支出 2,000.00 元\n",
			"异常：单位不存在 1、类别不存在 1、重复凭证 1、不在预算年度内 1、金额错误 2、日期错误 2",
			"日期晚于 2026-10 的 3 张",
		}},
		{en.stdout, []string{
			"budget: recomputed from embedded sample city",
			"12,736 vouchers in 4 files: 12,725 counted, 8 with exceptions, 3 dated after 2026-10",
			"2,119 unit × category rows · flags: OVERSPEND 1, MISUSE 2, AHEAD 8, BEHIND 15",
			"problems (worst first, 10 of 25):\n 1. SM07 店塔镇社工站 Charity: spent 71,824.79 yuan, 34,999.88 yuan over the whole year's budget of 36,824.91 yuan\n",
			"exceptions: UNKNOWN_UNIT 1, UNKNOWN_CATEGORY 1, DUPLICATE_VOUCHER 1, OUT_OF_PERIOD 1, BAD_AMOUNT 2, BAD_DATE 2",
		}},
	} {
		for _, want := range c.want {
			if !strings.Contains(c.out, want) {
				t.Errorf("stdout lacks %q:\n%s", want, c.out)
			}
		}
	}
	data, err := os.ReadFile(filepath.Join(dir, "out", "reconcile-2026-10.json"))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "reconcile-2026-10.golden.json", data)
	if _, err := os.Stat(filepath.Join(dir, "out", "reconcile-2026-10.xlsx")); err != nil {
		t.Error("no workbook written")
	}
	// The JSON's shape (DESIGN §8).
	var doc struct {
		FiscalYear     int    `json:"fiscal_year"`
		Month          string `json:"month"`
		Budget         string `json:"budget"`
		BudgetOfRecord any    `json:"budget_of_record"`
		Rows           []map[string]any
		Stations       []map[string]any
		Problems       []map[string]any
		Exceptions     []map[string]any
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.FiscalYear != 2026 || doc.Month != "2026-10" || doc.Budget != "recomputed" || len(doc.Rows) == 0 || len(doc.Exceptions) != 8 {
		t.Errorf("header = %d %s %s, %d rows, %d exceptions", doc.FiscalYear, doc.Month, doc.Budget, len(doc.Rows), len(doc.Exceptions))
	}
	if doc.BudgetOfRecord != nil || len(doc.Stations) != 21 || doc.Stations[0]["unit"] != "SM00" || len(doc.Problems) != 25 {
		t.Errorf("budget_of_record %v, %d stations, %d problems", doc.BudgetOfRecord, len(doc.Stations), len(doc.Problems))
	}
	// The unqualified station's money is reserved: its rows are never
	// BEHIND (DESIGN §8.1), though they would be on their spending.
	reserved := 0
	for _, row := range doc.Rows {
		if row["status"] == "reserved" {
			reserved++
			for _, f := range row["flags"].([]any) {
				if f == "BEHIND" {
					t.Errorf("reserved row is BEHIND: %v", row)
				}
			}
		}
	}
	if reserved == 0 {
		t.Error("no reserved row in the sample city")
	}
	if p := doc.Problems[0]; p["severity"] != 1.0 || p["unit"] != "SM07" || p["flag"] != "OVERSPEND" || p["amount"] != "34999.88" ||
		p["message"] != "SM07 店塔镇社工站 慈善资源：已支出 71,824.79 元，超过全年预算 36,824.91 元 34,999.88 元" {
		t.Errorf("problem 1 = %v", p)
	}
	rowKeys := "actual_to_date annual category execution_rate flags plan_to_date remaining status unit variance"
	for _, row := range doc.Rows[:1] {
		var keys []string
		for k := range row {
			keys = append(keys, k)
		}
		if got := strings.Join(sorted(keys), " "); got != rowKeys {
			t.Errorf("row keys = %s", got)
		}
	}
	// --no-workbook removes nothing, and says the workbook left is older.
	book := filepath.Join(dir, "out", "reconcile-2026-10.xlsx")
	before, _ := os.ReadFile(book)
	again := fundalloc(t, dir, nil, "reconcile", "--month", "2026-10", "--no-workbook")
	if after, _ := os.ReadFile(book); again.code != 0 || !bytes.Equal(before, after) || len(after) == 0 ||
		!strings.Contains(again.stdout, "reconcile-2026-10.xlsx 是之前的对账写的工作簿，本次未更新") {
		t.Errorf("--no-workbook: exit %d, workbook kept %v:\n%s", again.code, bytes.Equal(before, after), again.stdout)
	}
	if strings.Contains(en.stdout, "note:") {
		t.Errorf("a note without an older workbook:\n%s", en.stdout)
	}
	for _, e := range doc.Exceptions[:1] {
		if len(e) != 5 || e["row"] == nil || e["file"] == nil || e["flag"] == nil || e["voucher"] == nil || e["message"] == nil {
			t.Errorf("exception = %v", e)
		}
	}
}

func sorted(s []string) []string {
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s
}

func TestReconcileStrict(t *testing.T) {
	dir := t.TempDir()
	if r := fundalloc(t, dir, nil, "reconcile", "--month", "2026-10", "--strict", "-q"); r.code != 3 {
		t.Errorf("--strict on the sample: exit %d, want 3", r.code)
	}
	// A clean month: the same city, ledgers that follow the plan exactly.
	cfg := writeCity(t, dir, "id,category,provider,amount\nF1,charity,p,1200.00\n", "ledgers: [ledgers/*.csv]\n")
	os.MkdirAll(filepath.Join(dir, "ledgers"), 0o755)
	// demand: S1 110/160 × 1200 = 825.00, S2 50/160 = 375.00; even phasing
	// over 12 months: January's plans are 68.75 and 31.25.
	os.WriteFile(filepath.Join(dir, "ledgers", "jan.csv"), []byte("voucher,date,unit,category,amount\nV1,2026-01-20,S1,charity,68.75\nV2,2026-01-21,S2,charity,31.25\n"), 0o644)
	if r := fundalloc(t, dir, nil, "reconcile", "--config", cfg, "--month", "2026-01", "--strict"); r.code != 0 {
		t.Errorf("clean month with --strict: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// One fen too much is still within tolerance; a voucher from an unknown
	// unit is an exception, and --strict says so.
	os.WriteFile(filepath.Join(dir, "ledgers", "feb.csv"), []byte("voucher,date,unit,category,amount\nV3,2026-02-01,S9,charity,1\n"), 0o644)
	if r := fundalloc(t, dir, nil, "reconcile", "--config", cfg, "--month", "2026-01", "--strict", "-q"); r.code != 3 {
		t.Errorf("unknown unit with --strict: exit %d", r.code)
	}
}

func TestReconcileAgainstAnApprovedBudget(t *testing.T) {
	dir := t.TempDir()
	if r := fundalloc(t, dir, nil, "budget", "-q", "--no-workbook"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	// The same budget of record, read from the file: identical rows.
	r := fundalloc(t, dir, nil, "reconcile", "--month", "2026-10", "--budget", "out/budget-2026.json", "--no-workbook", "--out", "viafile")
	if r.code != 0 || !strings.Contains(r.stdout, "预算依据：out/budget-2026.json (sha256 ") {
		t.Fatalf("exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	// Recomputed against the budget just written in the output folder: the
	// same budget, so no warning that it differs.
	if r := fundalloc(t, dir, nil, "reconcile", "--month", "2026-10", "--no-workbook"); r.code != 0 || strings.Contains(r.stderr, "重新计算的预算与") {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	var a, b struct{ Rows, Exceptions any }
	readJSON(t, filepath.Join(dir, "viafile", "reconcile-2026-10.json"), &a)
	readJSON(t, filepath.Join(dir, "out", "reconcile-2026-10.json"), &b)
	if !jsonEqualAny(a, b) {
		t.Error("reconciling against the written budget gives different rows from the recomputed one")
	}
	// A different approved budget: the recomputed run warns. The edit keeps
	// the budget whole (10,000.00 moves from a line to the unallocated
	// money), or the reader would refuse it.
	path := filepath.Join(dir, "out", "budget-2026.json")
	var doc map[string]any
	readJSON(t, path, &doc)
	var cat string
	for _, l := range doc["lines"].([]any) {
		if l := l.(map[string]any); l["stage"] == "demand" && l["status"] == "allocated" {
			fen, _ := strconv.ParseInt(strings.Replace(l["amount"].(string), ".", "", 1), 10, 64)
			l["amount"], cat = allocation.Fen(fen-10000_00).String(), l["category"].(string)
			break
		}
	}
	for _, u := range doc["unallocated"].([]any) {
		if u := u.(map[string]any); u["category"] == cat {
			u["amount"] = "10000.00"
		}
	}
	delete(doc, "indicators") // as a budget from before indicators; they would no longer add up
	data, _ := json.Marshal(doc)
	os.WriteFile(path, data, 0o644)
	r = fundalloc(t, dir, nil, "reconcile", "--month", "2026-10", "--no-workbook", "--lang", "en")
	if r.code != 0 || !strings.Contains(r.stderr, "warning: the recomputed budget differs from") || !strings.Contains(r.stderr, "in 1 unit × category amounts") {
		t.Errorf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	r = fundalloc(t, dir, nil, "reconcile", "--month", "2026-10", "--no-workbook")
	if r.code != 0 || !strings.Contains(r.stderr, "警告：重新计算的预算与 "+path+" 有 1 个单位 × 类别的金额不同；如要按该预算对账，请指定 --budget "+path) {
		t.Errorf("zh: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	// A month outside the budget's year, a bad month, a missing budget file.
	for _, args := range [][]string{{"--month", "2025-10"}, {"--month", "2026-13"}, {"--month", "10/2026"}, {"--month", "2026-10", "--budget", "nope.json"}, {}} {
		if r := fundalloc(t, dir, nil, append([]string{"reconcile", "-q"}, args...)...); r.code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, r.code, r.stderr)
		}
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatal(err)
	}
}

func jsonEqualAny(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

func TestReconcileTranchePhasing(t *testing.T) {
	dir := t.TempDir()
	cfg := writeCity(t, dir, "id,category,provider,amount\nF1,charity,p,1200.00\n",
		"ledgers: [l.csv]\nreconcile:\n  phasing: [40, 0, 0, 0, 0, 0, 30, 0, 0, 0, 0, 30]\n")
	os.WriteFile(filepath.Join(dir, "l.csv"), []byte("voucher,date,unit,category,amount\nV1,2026-02-01,S1,charity,330.00\n"), 0o644)
	r := fundalloc(t, dir, nil, "reconcile", "--config", cfg, "--month", "2026-06", "--no-workbook", "-q")
	if r.code != 0 {
		t.Fatal(r.stderr)
	}
	var doc struct{ Rows []map[string]any }
	readJSON(t, filepath.Join(dir, "out", "reconcile-2026-06.json"), &doc)
	// S1's annual 825.00: January holds 40 % = 330.00, nothing more until July.
	for _, row := range doc.Rows {
		if row["unit"] == "S1" {
			if row["plan_to_date"] != "330.00" || row["execution_rate"] != "1.0000" || len(row["flags"].([]any)) != 0 {
				t.Errorf("S1 = %v", row)
			}
			return
		}
	}
	t.Error("no S1 row")
}

// The sample city's workbooks, in both languages, show no formatting
// mistakes (%!(EXTRA …), %!s(MISSING)) in any cell.
func TestSampleWorkbooksHaveNoFormatMistakes(t *testing.T) {
	for _, lang := range []string{"zh", "en"} {
		dir := t.TempDir()
		for _, args := range [][]string{{"budget"}, {"reconcile", "--month", "2026-10"}} {
			if r := fundalloc(t, dir, nil, append(args, "-q", "--lang", lang)...); r.code != 0 {
				t.Fatalf("%v: exit %d: %s", args, r.code, r.stderr)
			}
		}
		for _, name := range []string{"budget-2026.xlsx", "reconcile-2026-10.xlsx"} {
			f, err := excelize.OpenFile(filepath.Join(dir, "out", name))
			if err != nil {
				t.Fatal(err)
			}
			for _, sheet := range f.GetSheetList() {
				rows, _ := f.GetRows(sheet)
				for r, row := range rows {
					for c, v := range row {
						if strings.Contains(v, "%!") {
							t.Errorf("%s %s %s!%s = %q", lang, name, sheet, cell(c+1, r+1), v)
						}
					}
				}
			}
			f.Close()
		}
	}
}

// TestSameAsFile compares a rendering with a file's bytes as they stream:
// equal only when every byte and the length agree, whatever the size of the
// rendering's writes.
func TestSameAsFile(t *testing.T) {
	file := bytes.Repeat([]byte("0123456789abcdef"), 40<<10) // 640 KiB: more than one read
	render := func(b []byte, chunk int) func(w io.Writer) error {
		return func(w io.Writer) error {
			for len(b) > 0 {
				n := min(chunk, len(b))
				if _, err := w.Write(b[:n]); err != nil {
					return err
				}
				b = b[n:]
			}
			return nil
		}
	}
	changed := bytes.Clone(file)
	changed[len(changed)-1] = 'x'
	early := bytes.Clone(file)
	early[3] = 'x'
	if !sameAsFile(bytes.NewReader(nil), 0, render(nil, 1)) || sameAsFile(bytes.NewReader(nil), 0, render([]byte("{"), 1)) {
		t.Error("an empty file is the same as an empty rendering only")
	}
	for _, c := range []struct {
		name     string
		rendered []byte
		size     int64 // the file's size as its Stat said
		want     bool
	}{
		{"same", file, int64(len(file)), true},
		{"last byte differs", changed, int64(len(file)), false},
		{"first bytes differ", early, int64(len(file)), false},
		{"rendering shorter", file[:len(file)-1], int64(len(file)), false},
		{"rendering longer", append(bytes.Clone(file), '\n'), int64(len(file)), false},
		{"file grew after its size was taken", file[:len(file)-5], int64(len(file) - 5), false},
		{"file shorter than its size said", file, int64(len(file) + 5), false},
	} {
		for _, chunk := range []int{1 << 10, 48 << 10, 1 << 20} {
			if got := sameAsFile(bytes.NewReader(file), c.size, render(c.rendered, chunk)); got != c.want {
				t.Errorf("%s, writes of %d: same %v, want %v", c.name, chunk, got, c.want)
			}
		}
	}
}
