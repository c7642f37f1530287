package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGenerateThenRun generates small data sets in both formats and runs
// validate, budget and reconcile on them.
func TestGenerateThenRun(t *testing.T) {
	for _, format := range []string{"csv", "xlsx"} {
		t.Run(format, func(t *testing.T) {
			dir := t.TempDir()
			args := []string{"generate", "--stations", "30", "--rooms-per-station", "4", "--fund-lines", "500",
				"--vouchers", "2000", "--format", format, "--out", "set"}
			r := fundalloc(t, dir, nil, append(args, "--lang", "en")...)
			if r.code != 0 {
				t.Fatalf("generate: exit %d\n%s", r.code, r.stderr)
			}
			for _, want := range []string{"151: 1 hub, 30 stations", "500 in 2 files", "2,000 in 10 monthly ledgers", "wrote 14 files"} {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("generate's summary lacks %q:\n%s", want, r.stdout)
				}
			}
			set := filepath.Join(dir, "set")
			for _, f := range []string{"fundalloc.yaml", "data/units." + format, "data/funds/funds-01." + format,
				"data/funds/funds-02." + format, "data/ledgers/ledger-2026-01." + format, "data/ledgers/ledger-2026-10." + format} {
				if _, err := os.Stat(filepath.Join(set, f)); err != nil {
					t.Errorf("not written: %s", f)
				}
			}
			cfg := filepath.Join(set, "fundalloc.yaml")

			if r := fundalloc(t, dir, nil, "validate", "--config", cfg); r.code != 0 {
				t.Fatalf("validate: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			r = fundalloc(t, dir, nil, "budget", "--config", cfg)
			if r.code != 0 || r.stderr != "" {
				t.Fatalf("budget: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			var b struct {
				Warnings []string `json:"warnings"`
				Lines    []struct {
					Unit, Stage string
				} `json:"lines"`
			}
			data, err := os.ReadFile(filepath.Join(set, "out", "budget-2026.json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(data, &b); err != nil {
				t.Fatal(err)
			}
			stages := map[string]bool{}
			for _, l := range b.Lines {
				stages[l.Stage] = true
			}
			if len(b.Warnings) != 0 || !stages["hub"] || !stages["baseline"] || !stages["demand"] || !stages["rooms"] || !stages["directed"] {
				t.Errorf("budget: warnings %v, stages %v", b.Warnings, stages)
			}

			r = fundalloc(t, dir, nil, "reconcile", "--month", "2026-10", "--config", cfg, "--lang", "en")
			if r.code != 0 {
				t.Fatalf("reconcile: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stdout, "2,000 vouchers in 10 files") || !strings.Contains(r.stdout, "UNKNOWN_UNIT") || !strings.Contains(r.stdout, "BAD_DATE") {
				t.Errorf("reconcile reports no planted exceptions:\n%s", r.stdout)
			}

			// Not again without --force; with it, the same data set.
			before, _ := os.ReadFile(filepath.Join(set, "data", "units."+format))
			if r := fundalloc(t, dir, nil, args...); r.code != 2 || !strings.Contains(r.stderr, "已存在于") || !strings.Contains(r.stderr, "用 --force 覆盖") {
				t.Fatalf("second generate: exit %d, want 2\n%s", r.code, r.stderr)
			}
			if r := fundalloc(t, dir, nil, append(args, "--force", "--quiet")...); r.code != 0 || r.stdout != "" {
				t.Fatalf("generate --force: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			after, _ := os.ReadFile(filepath.Join(set, "data", "units."+format))
			if format == "csv" && string(before) != string(after) {
				t.Error("the same flags gave another units file")
			}
		})
	}
}

func TestGenerateForceRemovesStaleFiles(t *testing.T) {
	dir := t.TempDir()
	if r := fundalloc(t, dir, nil, "generate", "--fund-lines", "600000", "--vouchers", "10", "--stations", "2", "--out", "set"); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "set", "data", "funds", "funds-03.csv")); err != nil {
		t.Fatal("600,000 lines should make 3 files")
	}
	r := fundalloc(t, dir, nil, "generate", "--stations", "2", "--vouchers", "10", "--out", "set", "--format", "xlsx", "--force")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, gone := range []string{"data/funds/funds-03.csv", "data/units.csv", "data/ledgers/ledger-2026-01.csv"} {
		if _, err := os.Stat(filepath.Join(dir, "set", gone)); err == nil {
			t.Errorf("stale %s was left", gone)
		}
	}
	if r := fundalloc(t, dir, nil, "validate", "--config", filepath.Join(dir, "set", "fundalloc.yaml")); r.code != 0 {
		t.Fatalf("validate: exit %d\n%s", r.code, r.stderr)
	}
}

func TestGenerateUsage(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"generate"}, // no --out
		{"generate", "--out", "x", "--preset", "moon"},
		{"generate", "--out", "x", "--format", "ods"},
		{"generate", "--out", "x", "--stations", "0"},
		{"generate", "--out", "x", "--fund-lines", "-3"},
	} {
		if r := fundalloc(t, dir, nil, args...); r.code != 2 {
			t.Errorf("%v: exit %d, want 2\n%s", args, r.code, r.stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "x")); err == nil {
		t.Error("a refused generate wrote files")
	}
}
