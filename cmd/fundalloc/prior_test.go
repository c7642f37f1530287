package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// priorCity writes the record city and last year's budget of it, then
// makes this year's different: room R2 closed, room R3 opened.
func priorCity(t *testing.T, dir string) string {
	t.Helper()
	cfg := recordCity(t, dir)
	edit(t, dir, "fundalloc.yaml", "fiscal_year: 2026", "fiscal_year: 2025")
	if r := fundalloc(t, dir, nil, "budget", "--config", cfg, "-q", "--no-workbook", "--out", "last"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	edit(t, dir, "fundalloc.yaml", "fiscal_year: 2025", "fiscal_year: 2026\nprior_budget: last/budget-2025.json")
	edit(t, dir, "units.csv", "R2,二室,room,S2,,,,40\n", "R3,三室,room,S2,,,,40\n")
	return cfg
}

// TestPriorBudget sets this year's budget workbook against last year's:
// 上年预算, 增减额 and 增减率 per unit (new and closed units marked) and per
// category, with totals that add up.
func TestPriorBudget(t *testing.T) {
	dir := t.TempDir()
	cfg := priorCity(t, dir)
	if r := fundalloc(t, dir, nil, "budget", "--config", cfg, "-q"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	f, err := excelize.OpenFile(filepath.Join(dir, "out", "budget-2026.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows("分配表")
	head := rows[0]
	if got := head[len(head)-4:]; !slices.Equal(got, []string{"上年预算（元）", "增减额（元）", "增减率", "与上年比"}) {
		t.Fatalf("header %q", head)
	}
	row := func(code string) []string {
		for _, r := range rows {
			if len(r) > 0 && r[0] == code {
				return r
			}
		}
		t.Fatalf("no row %s", code)
		return nil
	}
	last4 := func(r []string) []string {
		for len(r) < len(head) {
			r = append(r, "")
		}
		return r[len(head)-4:]
	}
	if got := last4(row("R3")); got[0] != "0.00" || got[2] != "—" || got[3] != "新增" {
		t.Errorf("R3 (new): %q", got)
	}
	if got := last4(row("R2")); got[3] != "撤销" || !strings.HasPrefix(got[1], "-") || got[2] != "-100.00%" {
		t.Errorf("R2 (closed): %q", got)
	}
	if got := last4(row("H")); got[1] != "0.00" || got[2] != "0.00%" || got[3] != "" {
		t.Errorf("H (the same as last year): %q", got)
	}
	// The Summary sheet compares every category, and the totals agree.
	sum, _ := f.GetRows("汇总")
	k := slices.IndexFunc(sum, func(r []string) bool {
		return len(r) > 0 && strings.HasPrefix(r[0], "与上年预算对比（上年预算：last/budget-2025.json）")
	})
	if k < 0 {
		t.Fatalf("no comparison table on the Summary sheet: %q", sum)
	}
	if got := sum[k+1]; !slices.Equal(got, []string{"类别", "类别代码", "本年预算（元）", "上年预算（元）", "增减额（元）", "增减率"}) {
		t.Errorf("comparison header %q", got)
	}
	if total := sum[k+2+7]; total[0] != "合计" || total[2] != total[3] || total[4] != "0.00" {
		t.Errorf("comparison total %q: the pool is the same, so is the total", total)
	}
	checkRecalculated(t, filepath.Join(dir, "out", "budget-2026.xlsx"))
}

// TestPriorBudgetProblems: last year's budget is read like any input.
func TestPriorBudgetProblems(t *testing.T) {
	dir := t.TempDir()
	cfg := priorCity(t, dir)
	edit(t, dir, "fundalloc.yaml", "prior_budget: last/budget-2025.json", "prior_budget: out/budget-2026.json")
	fundalloc(t, dir, nil, "budget", "--config", cfg, "-q", "--out", "out2")
	os.MkdirAll(filepath.Join(dir, "out"), 0o755)
	data, _ := os.ReadFile(filepath.Join(dir, "last", "budget-2025.json"))
	os.WriteFile(filepath.Join(dir, "out", "budget-2026.json"), []byte(strings.ReplaceAll(string(data), `"fiscal_year": 2025`, `"fiscal_year": 2026`)), 0o644)
	r := fundalloc(t, dir, nil, "budget", "--config", cfg, "--lang", "en")
	if r.code != 2 || !strings.Contains(r.stderr, "out/budget-2026.json: this is the budget for 2026, not for the year before (2025); check prior_budget") {
		t.Errorf("a prior budget of this year: exit %d: %s", r.code, r.stderr)
	}
	os.WriteFile(filepath.Join(dir, "out", "budget-2026.json"), []byte(strings.Replace(string(data), `"categories": [`, `"categories": ["charity", `, 1)), 0o644)
	r = fundalloc(t, dir, nil, "validate", "--config", cfg, "--lang", "en")
	if r.code != 2 || !strings.Contains(r.stderr, `out/budget-2026.json: categories[7]: "charity" appears twice (first at categories[0])`) {
		t.Errorf("a broken prior budget: exit %d: %s", r.code, r.stderr)
	}
	edit(t, dir, "fundalloc.yaml", "prior_budget: out/budget-2026.json", "prior_budget: nope.json")
	if r := fundalloc(t, dir, nil, "budget", "--config", cfg, "--lang", "en"); r.code != 2 || !strings.Contains(r.stderr, "nope.json: no such file") {
		t.Errorf("a missing prior budget: exit %d: %s", r.code, r.stderr)
	}
}

// TestDiffWorkbookRecalculates recalculates a diff workbook in LibreOffice:
// every formula gives what fundalloc cached.
func TestDiffWorkbookRecalculates(t *testing.T) {
	dir := t.TempDir()
	cfg := priorCity(t, dir)
	if r := fundalloc(t, dir, nil, "diff", "last/budget-2025.json", "out/record/none.json", "--config", cfg); r.code != 2 {
		t.Errorf("diff with a missing file: exit %d", r.code)
	}
	fundalloc(t, dir, nil, "budget", "--config", cfg, "-q")
	if r := fundalloc(t, dir, nil, "diff", "last/budget-2025.json", "draft", "--config", cfg, "-q"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	checkRecalculated(t, filepath.Join(dir, "out", "diff-budget-2025-draft.xlsx"))
}
