package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fundalloc/allocation"
	"fundalloc/config"
	"fundalloc/reports/msg"
	"fundalloc/sources"
)

var update = flag.Bool("update", false, "rewrite golden files")

// result is one in-process run of the program.
type result struct {
	code           int
	stdout, stderr string
}

// fundalloc runs the program in-process in dir with an empty environment
// (plus env), so that nothing from the machine leaks in.
func fundalloc(t *testing.T, dir string, env map[string]string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	g := &globals{stdout: &out, stderr: &errb, dir: dir, getenv: func(k string) string { return env[k] }, environ: func() []string {
		var list []string
		for k, v := range env {
			list = append(list, k+"="+v)
		}
		return list
	}}
	code := runWith(context.Background(), g, args)
	return result{code, out.String(), errb.String()}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; diff it, and if the change is intended run go test ./cmd/fundalloc -update", name)
	}
}

func TestBudgetSampleCity(t *testing.T) {
	dir := t.TempDir()
	r := fundalloc(t, dir, nil, "budget")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	// Chinese by default; the table lines up by display width.
	for _, want := range []string{"fundalloc budget：2026 年度预算 · 内置示例城市", "326 个单位（总站 1 个、社工站 20 个、社工室 305 个）",
		"部门及群团组织资金  partner_org            1,213,300.75", "合计                                      15,301,312.75",
		"已写入 " + filepath.Join(dir, "out", "budget-2026.json")} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	data, err := os.ReadFile(filepath.Join(dir, "out", "budget-2026.json"))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "budget-2026.golden.json", data)
	// The JSON reads back, indicators checked against its lines; the
	// designated lines keep their own fund type (donations to rooms).
	bf, err := sources.ReadBudgetFile("budget-2026.json", bytes.NewReader(data), 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	var transfer, donation bool
	for i := range bf.Indicators.Rows {
		x := &bf.Indicators.Rows[i]
		src := bf.Indicators.SourceOf(x)
		transfer = transfer || src.Document == "陕财社〔2026〕8号" && src.From == allocation.Transfer
		donation = donation || x.Unit >= 0 && bf.Plan.Units[x.Unit].Code == "SM15-06" && src.Type == allocation.Donation
	}
	if bf.Indicators.Len() == 0 || !transfer || !donation {
		t.Errorf("indicators read back: %d, transfer %v, SM15-06's donation %v", bf.Indicators.Len(), transfer, donation)
	}

	r = fundalloc(t, dir, nil, "budget", "--lang", "en", "--out", "en")
	if r.code != 0 {
		t.Fatalf("--lang en: exit %d\n%s", r.code, r.stderr)
	}
	for _, want := range []string{"fundalloc budget 2026 · embedded sample city", "326 units (1 hub, 20 stations, 305 rooms)",
		"total                                                     15,301,312.75", "wrote " + filepath.Join(dir, "en", "budget-2026.json")} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("--lang en: stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	// The sample has no warnings, so its JSON is the same in both languages.
	if en, err := os.ReadFile(filepath.Join(dir, "en", "budget-2026.json")); err != nil || !bytes.Equal(en, data) {
		t.Errorf("the JSON differs in English (%v)", err)
	}
}

func TestInitWritesTheSampleAndItBudgetsTheSame(t *testing.T) {
	dir := t.TempDir()
	if r := fundalloc(t, dir, nil, "init", "city"); r.code != 0 {
		t.Fatalf("init: exit %d: %s", r.code, r.stderr)
	}
	for _, f := range []string{"fundalloc.yaml", "data/units.csv", "data/funds/charity.csv"} {
		if _, err := os.Stat(filepath.Join(dir, "city", f)); err != nil {
			t.Errorf("init did not write %s", f)
		}
	}
	if r := fundalloc(t, dir, nil, "budget", "--out", "embedded", "-q"); r.code != 0 || r.stdout != "" {
		t.Fatalf("embedded budget: exit %d, stdout %q: %s", r.code, r.stdout, r.stderr)
	}
	if r := fundalloc(t, dir, nil, "budget", "--config", "city/fundalloc.yaml", "-q"); r.code != 0 {
		t.Fatalf("budget on init'd files: exit %d: %s", r.code, r.stderr)
	}
	a, _ := os.ReadFile(filepath.Join(dir, "embedded", "budget-2026.json"))
	b, err := os.ReadFile(filepath.Join(dir, "city", "out", "budget-2026.json"))
	if err != nil || !bytes.Equal(a, b) || len(a) == 0 {
		t.Fatalf("the init'd city's budget differs from the embedded one (err %v)", err)
	}
	// ./fundalloc.yaml is found without --config.
	if r := fundalloc(t, filepath.Join(dir, "city"), nil, "validate"); r.code != 0 || !strings.Contains(r.stdout, "fundalloc.yaml") {
		t.Errorf("validate in the city dir: exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	// A second init refuses to overwrite.
	if r := fundalloc(t, dir, nil, "init", "city"); r.code != 2 || !strings.Contains(r.stderr, "已存在；未写入任何文件（用 --force 覆盖）") {
		t.Errorf("second init: exit %d: %s", r.code, r.stderr)
	}
}

func TestValidate(t *testing.T) {
	r := fundalloc(t, t.TempDir(), nil, "validate", "--lang", "en")
	if r.code != 0 || r.stdout != "ok: 326 units (1 hub, 20 stations, 305 rooms), 59 fund lines in 4 files · embedded sample city\n" {
		t.Errorf("validate: exit %d: %q %s", r.code, r.stdout, r.stderr)
	}
	r = fundalloc(t, t.TempDir(), nil, "validate")
	if r.code != 0 || r.stdout != "检查通过：326 个单位（总站 1 个、社工站 20 个、社工室 305 个），资金来源 59 条，来自 4 个文件 · 内置示例城市\n" {
		t.Errorf("validate in zh: exit %d: %q %s", r.code, r.stdout, r.stderr)
	}
}

// writeCity writes a small city to dir with the given fund file body and
// config overrides, and returns the config path.
func writeCity(t *testing.T, dir, funds, extraConfig string) string {
	t.Helper()
	files := map[string]string{
		"units.csv": "code,name,tier,parent,social_workers,pilot,grade,population\n" +
			"H,总站,hub,,2,,good,0\nS1,一站,station,H,2,yes,excellent,100\nS2,二站,station,H,1,,unqualified,50\nR1,一室,room,S1,,,,60\n",
		"funds/a.csv": funds,
		"fundalloc.yaml": "fiscal_year: 2026\nunits: units.csv\nfund_lines: [funds/*.csv]\n" +
			"stages:\n  demand:\n    drivers: {social_assistance: population, elderly_care: population, child_welfare: population,\n" +
			"      community_governance: population, social_affairs: population, partner_org: population, charity: population}\n" + extraConfig,
	}
	writeFiles(t, dir, files)
	return filepath.Join(dir, "fundalloc.yaml")
}

// writeFiles writes each file (a path below dir, slash-separated) with its
// body, making the folders.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestBadInputListsEveryProblemAndWritesNothing(t *testing.T) {
	dir := t.TempDir()
	cfg := writeCity(t, dir, "id,category,provider,amount,designated_unit\nF1,charity,p,12.345,\nF2,慈善,p,5,\nF3,charity,p,5,S9\n", "")
	for _, cmd := range []string{"budget", "validate"} {
		r := fundalloc(t, dir, nil, cmd, "--config", cfg, "--lang", "en")
		if r.code != 2 {
			t.Fatalf("%s: exit %d, want 2", cmd, r.code)
		}
		want := []string{
			`funds/a.csv:2:D: amount "12.345" has more than 2 decimal places`,
			`funds/a.csv:3:B: category "慈善" is not a category`,
			`funds/a.csv:4:E: designated_unit "S9" is not a unit code in units.csv`,
			"3 problems in the inputs; nothing was written",
		}
		for _, w := range want {
			if !strings.Contains(r.stderr, w) {
				t.Errorf("%s: stderr lacks %q:\n%s", cmd, w, r.stderr)
			}
		}
	}
	// In Chinese: the locations as they are, the count in words.
	r := fundalloc(t, dir, nil, "budget", "--config", cfg)
	if r.code != 2 || !strings.HasPrefix(r.stderr, "funds/a.csv:2:D: ") || !strings.HasSuffix(r.stderr, "\n输入文件中有 3 个问题，未写入任何文件\n") {
		t.Errorf("zh: exit %d:\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "out")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("an output directory was created: %v", err)
	}
}

// TestConfigErrorsFollowTheLanguage: config errors are shown in the
// configured language when the file tells it (--lang wins over the file),
// else in --lang's, FUNDALLOC_LANGUAGE's, or Chinese.
func TestConfigErrorsFollowTheLanguage(t *testing.T) {
	dir := t.TempDir()
	cfg := writeCity(t, dir, "id,category,provider,amount\nF1,charity,p,100\n", "")
	body, _ := os.ReadFile(cfg)
	bad := strings.Replace(string(body), "stages:\n", "stages:\n  rooms: {share: \"1.5\"}\n", 1)
	const zh, en = `stages.rooms.share: "1.5" 必须在 0 到 1 之间`, `stages.rooms.share: "1.5" must be between 0 and 1`
	tab := "fiscal_year: 2026\nstages:\n\thub: {amount: \"1.00\"}\n"
	const tabZH, tabEN = ": 第 3 行有制表符（Tab）：YAML 只能用空格缩进，请把 Tab 换成空格", ": line 3 has a tab character: YAML indents with spaces only"
	for _, tc := range []struct {
		name, config string
		env          map[string]string
		args         []string
		want         string
	}{
		{"default", bad, nil, nil, zh},
		{"the file says en", bad + "language: en\n", nil, nil, en},
		{"--lang wins over the file", bad + "language: en\n", nil, []string{"--lang", "zh"}, zh},
		{"the environment", bad, map[string]string{"FUNDALLOC_LANGUAGE": "en"}, nil, en},
		{"unreadable: zh", tab, nil, nil, tabZH},
		{"unreadable: --lang", tab, nil, []string{"--lang", "en"}, tabEN},
		{"unreadable: the environment", tab, map[string]string{"FUNDALLOC_LANGUAGE": "en"}, nil, tabEN},
	} {
		os.WriteFile(cfg, []byte(tc.config), 0o644)
		r := fundalloc(t, dir, tc.env, append([]string{"budget", "--config", cfg}, tc.args...)...)
		if r.code != 2 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%s: exit %d, want %q in:\n%s", tc.name, r.code, tc.want, r.stderr)
		}
	}
}

func TestConfigErrorsNameTheirKeys(t *testing.T) {
	tests := []struct {
		name, extra string
		env         map[string]string
		want        []string
	}{
		{"amount", "  hub: {amount: \"45万\"}\n", nil, []string{`stages.hub.amount: "45万" is not an amount`}},
		{"unquoted amount", "  pilot: {amount: 1200000.5}\n", nil, []string{`stages.pilot.amount: 1.2000005e+06: write the value in quotes`}},
		{"misspelt key", "  hub: {amonut: \"5\"}\n", nil, []string{"stages.hub.amonut: unknown key (did you mean amount?)"}},
		{"share range", "  rooms: {share: \"1.5\"}\n", nil, []string{`stages.rooms.share: "1.5" must be between 0 and 1`}},
		{"stage category", "  hub: {amount: \"1\", categories: [charity, 救灾]}\n", nil, []string{`stages.hub.categories[1]: "救灾" is not a category`}},
		{"env amount", "", map[string]string{"FUNDALLOC_STAGES_BASELINE_PER_WORKER": "abc"}, []string{`stages.baseline.per_worker: "abc" is not an amount`}},
		{"driver column missing", "", map[string]string{"FUNDALLOC_STAGES_DEMAND_DRIVERS_CHARITY": "elderly"}, []string{`stages.demand.drivers.charity: column "elderly" is not in the units file units.csv (its driver columns: "social_workers", "population")`}},
		{"cron spec", "schedule:\n  jobs: [{name: m, spec: \"0 6 1 *\", run: reconcile}]\n", nil, []string{`schedule.jobs[0].spec: "0 6 1 *" is not a cron spec`}},
		{"phasing", "reconcile:\n  phasing: [50, 50]\n", nil, []string{"reconcile.phasing: has 2 values; give 12 monthly percentages (or even)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			cfgText := writeCity(t, dir, "id,category,provider,amount\nF1,charity,p,100\n", "")
			if tt.extra != "" {
				body, _ := os.ReadFile(cfgText)
				text := string(body)
				if strings.HasPrefix(tt.extra, "  ") {
					text = strings.Replace(text, "stages:\n", "stages:\n"+tt.extra, 1)
				} else {
					text += tt.extra
				}
				os.WriteFile(cfgText, []byte(text), 0o644)
			}
			r := fundalloc(t, dir, tt.env, "budget", "--config", cfgText, "--lang", "en")
			if r.code != 2 {
				t.Fatalf("exit %d, want 2: %s", r.code, r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
		})
	}
}

func TestSmallCityAndEnvironmentOverride(t *testing.T) {
	dir := t.TempDir()
	cfg := writeCity(t, dir, "id,category,provider,amount\nF1,charity,p,1000.00\n", "")
	env := map[string]string{"FUNDALLOC_STAGES_HUB_AMOUNT": "100.00", "FUNDALLOC_CONFIG": cfg}
	r := fundalloc(t, dir, env, "budget", "--out", "o")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "o", "budget-2026.json"))
	// hub 100.00 first; then demand splits 900.00 by population × factor:
	// S1 100×1.10 = 110, S2 50×1 = 50 → 618.75, 281.25 (S2 reserved, as
	// unqualified); S1 passes nothing down (rooms.share defaults to 0).
	for _, want := range []string{
		`{"unit": "H", "tier": "hub", "category": "charity", "stage": "hub", "status": "allocated", "amount": "100.00"}`,
		`{"unit": "S1", "tier": "station", "category": "charity", "stage": "demand", "status": "allocated", "amount": "618.75"}`,
		`{"unit": "S2", "tier": "station", "category": "charity", "stage": "demand", "status": "reserved", "amount": "281.25"}`,
	} {
		if !strings.Contains(string(data), want) {
			t.Errorf("JSON lacks %s:\n%s", want, data)
		}
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{{"budget", "--bogus"}, {"frobnicate"}, {"init"}, {"budget", "extra"}} {
		if r := fundalloc(t, t.TempDir(), nil, args...); r.code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, r.code, r.stderr)
		}
	}
}

func TestExitCodes(t *testing.T) {
	tests := []struct {
		err  error
		code int
	}{
		{nil, 0},
		{fmt.Errorf("wrapped: %w", allocation.ErrInvariant), 1},
		{errors.New("disk full"), 1},
		{&sources.ProblemsError{Problems: []*sources.Error{{File: "a.csv", Row: 2, Column: 1, Err: errors.New("x")}}}, 2},
		{&config.Errors{List: []config.Problem{{Key: "units", Text: msg.ConfigMissing.With()}}}, 2},
		{fmt.Errorf("sum: %w", allocation.ErrOverflow), 2},
		{exitCodeError{code: 3}, 3},
	}
	for _, tt := range tests {
		if got := exitCode(tt.err, &bytes.Buffer{}, msg.EN); got != tt.code {
			t.Errorf("exitCode(%v) = %d, want %d", tt.err, got, tt.code)
		}
	}
}
