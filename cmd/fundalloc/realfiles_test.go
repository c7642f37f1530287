package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fundalloc/sources"
)

// TestWanGivesTheSameBudget runs the sample city with its fund files in 元
// and the same files converted to 万元 (header 金额（万元）, up to 6
// decimals): the budgets must be identical, line for line and to the fen.
func TestWanGivesTheSameBudget(t *testing.T) {
	yuanDir := t.TempDir()
	want := budgetWithoutInputs(t, yuanDir, sampleIn(t, yuanDir, func(n string, d []byte) (string, []byte) { return n, d }))

	wanDir := t.TempDir()
	converted := 0
	cfg := sampleIn(t, wanDir, func(name string, data []byte) (string, []byte) {
		if !strings.HasPrefix(name, "data/funds/") {
			return name, data
		}
		converted++
		return name, toWan(t, data)
	})
	if converted == 0 {
		t.Fatal("the sample city has no fund files to convert")
	}
	got := budgetWithoutInputs(t, wanDir, cfg)
	if !jsonEqual(got, want) {
		t.Error("the fund files in 万元 give a different budget from the same files in 元")
	}
	if lines, _ := got["lines"].([]any); len(lines) < 50 {
		t.Errorf("%d budget lines: the comparison is too small to mean much", len(lines))
	}
}

// toWan rewrites a fund CSV's amount column in 万元: the header becomes
// 金额（万元） and each amount is divided by 10,000 exactly (fen ÷ 10⁶,
// written with 6 decimals).
func toWan(t *testing.T, data []byte) []byte {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := -1
	for i, h := range rows[0] {
		if h == "amount" || h == "金额" {
			col = i
		}
	}
	if col < 0 {
		t.Fatalf("no amount column in %q", rows[0])
	}
	rows[0][col] = "金额（万元）"
	for _, r := range rows[1:] {
		fen, err := sources.ParseAmount(r[col])
		if err != nil {
			t.Fatal(err)
		}
		r[col] = fmt.Sprintf("%d.%06d", fen/1_000_000, fen%1_000_000)
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.WriteAll(rows)
	return b.Bytes()
}

// TestValidateListsIgnoredColumns: a remarks column and an operator's
// column never break a budget; validate lists the columns it ignores, once
// per file, in the configured language.
func TestValidateListsIgnoredColumns(t *testing.T) {
	dir := t.TempDir()
	cfg := writeCity(t, dir, "id,category,provider,amount,备注\nF1,charity,p,1000.00,已到账\nF2,elderly_care,p,500.00,\n", "language: en\n")
	units := "code,name,tier,parent,social_workers,pilot,grade,population,承接机构,备注\n" +
		"H,总站,hub,,2,,good,0,市社工协会,\nS1,一站,station,H,2,yes,excellent,100,阳光社工,新\nS2,二站,station,H,1,,unqualified,50,,\nR1,一室,room,S1,,,,60,,\n"
	os.WriteFile(filepath.Join(dir, "units.csv"), []byte(units), 0o644)
	r := fundalloc(t, dir, nil, "validate", "--config", cfg)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	want := "units.csv:1:J: column \"备注\" is not recognised and is ignored\n" +
		"funds/a.csv:1:E: column \"备注\" is not recognised and is ignored\n"
	if !strings.HasPrefix(r.stdout, want) || strings.Count(r.stdout, "备注") != 2 {
		t.Errorf("validate:\n%s\nwant it to start with:\n%s", r.stdout, want)
	}
	zh := fundalloc(t, dir, nil, "validate", "--config", cfg, "--lang", "zh")
	if !strings.Contains(zh.stdout, "units.csv:1:J: 未识别的列 \"备注\" 被忽略") {
		t.Errorf("validate --lang zh:\n%s", zh.stdout)
	}
	if r := fundalloc(t, dir, nil, "budget", "--config", cfg, "-q", "--no-workbook"); r.code != 0 {
		t.Errorf("budget with remarks and operator columns: exit %d: %s", r.code, r.stderr)
	}
}

// TestColumnsFromTheEnvironment maps a ledger's headers through
// FUNDALLOC_COLUMNS_…: an accounting export's 凭证字号 and 核算单位.
func TestColumnsFromTheEnvironment(t *testing.T) {
	dir := t.TempDir()
	cfg := writeCity(t, dir, "id,category,provider,amount\nF1,charity,p,1200.00\n", "ledgers: [l.csv]\n")
	os.WriteFile(filepath.Join(dir, "l.csv"), []byte("凭证字号,记账日期,核算单位,类别,借方金额,贷方金额\n记-1,2026/2/1,一站,charity,330.00,\n记-2,2026年2月3日,S1,charity,,30.00\n"), 0o644)
	env := map[string]string{"FUNDALLOC_COLUMNS_LEDGERS_VOUCHER": "凭证字号", "FUNDALLOC_COLUMNS_LEDGERS_UNIT": "[核算单位, 辅助核算]"}
	r := fundalloc(t, dir, env, "reconcile", "--config", cfg, "--month", "2026-02", "--no-workbook", "-q")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	data, err := os.ReadFile(filepath.Join(dir, "out", "reconcile-2026-02.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"actual_to_date": "300.00"`) || !strings.Contains(string(data), `"exceptions": []`) {
		t.Errorf("reconcile:\n%s", data)
	}
	r = fundalloc(t, dir, nil, "reconcile", "--config", cfg, "--month", "2026-02", "--no-workbook", "-q", "--lang", "en")
	if r.code != exitInput || !strings.Contains(r.stderr, "missing column unit (单位编码)") {
		t.Errorf("without the mapping: exit %d: %s", r.code, r.stderr)
	}
}

// TestReadingIsInterruptible: once the command's context is cancelled
// (SIGINT, SIGTERM), reading the inputs stops and the command exits 1 as
// interrupted, not 2 as if the inputs were bad.
func TestReadingIsInterruptible(t *testing.T) {
	dir := t.TempDir()
	cfg := writeCity(t, dir, "id,category,provider,amount\nF1,charity,p,1000.00\n", "")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, cmd := range []string{"validate", "budget"} {
		var out, errb bytes.Buffer
		g := &globals{stdout: &out, stderr: &errb, dir: dir, getenv: func(string) string { return "" }}
		if code := runWith(ctx, g, []string{cmd, "--config", cfg, "-q", "--lang", "en"}); code != exitInternal || !strings.Contains(errb.String(), "interrupted") {
			t.Errorf("%s: exit %d: %s", cmd, code, errb.String())
		}
		if _, err := os.Stat(filepath.Join(dir, "out", "budget-2026.json")); err == nil {
			t.Errorf("%s: a budget was written", cmd)
		}
	}
}
