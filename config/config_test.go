package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fundalloc/allocation"
	"fundalloc/reports/msg"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func write(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const minimal = `fiscal_year: 2027
units: data/units.csv
fund_lines: [data/funds/*.csv]
stages:
  demand:
    drivers: {social_assistance: population, elderly_care: population, child_welfare: population,
      community_governance: population, social_affairs: population, partner_org: population, charity: population}
`

func TestDiscoveryOrder(t *testing.T) {
	dir := t.TempDir()
	// Nothing anywhere: the embedded sample city.
	c, err := Load(Options{Dir: dir, Getenv: env(nil)})
	if err != nil || c.Source != SampleSource || c.FiscalYear != 2026 || c.Base.FS == nil {
		t.Fatalf("no config: %+v, %v", c, err)
	}
	if c.Out != filepath.Join(dir, "out") {
		t.Errorf("sample out = %s, want the working directory's out", c.Out)
	}
	// ./fundalloc.yaml wins over the sample.
	local := write(t, dir, FileName, minimal)
	if c, err = Load(Options{Dir: dir, Getenv: env(nil)}); err != nil || c.Source != local {
		t.Fatalf("./fundalloc.yaml: %v, %v", c.Source, err)
	}
	// FUNDALLOC_CONFIG wins over ./fundalloc.yaml.
	other := write(t, dir, "elsewhere/city.yaml", strings.Replace(minimal, "2027", "2028", 1))
	if c, err = Load(Options{Dir: dir, Getenv: env(map[string]string{"FUNDALLOC_CONFIG": "elsewhere/city.yaml"})}); err != nil || c.Source != other || c.FiscalYear != 2028 {
		t.Fatalf("FUNDALLOC_CONFIG: %v, %v", c.Source, err)
	}
	// Paths are relative to that file.
	if c.Base.Dir != filepath.Join(dir, "elsewhere") || c.Out != filepath.Join(dir, "elsewhere", "out") {
		t.Errorf("base %s, out %s", c.Base.Dir, c.Out)
	}
	// --config wins over everything.
	if c, err = Load(Options{Path: local, Dir: dir, Getenv: env(map[string]string{"FUNDALLOC_CONFIG": other})}); err != nil || c.Source != local {
		t.Fatalf("--config: %v, %v", c.Source, err)
	}
	// --out is relative to the working directory.
	if c, err = Load(Options{Path: local, Dir: dir, Getenv: env(nil), Out: "o"}); err != nil || c.Out != filepath.Join(dir, "o") {
		t.Fatalf("--out: %v, %v", c.Out, err)
	}
	// A --config that does not exist is an error, not a fallback.
	if _, err := Load(Options{Path: "missing.yaml", Dir: dir, Getenv: env(nil)}); err == nil || !strings.Contains(err.Error(), "cannot read the configuration") {
		t.Fatalf("missing --config: %v", err)
	}
}

func TestDefaultsAndOverrides(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "c.yaml", minimal)
	c, err := Load(Options{Path: p, Getenv: env(map[string]string{
		"FUNDALLOC_STAGES_HUB_AMOUNT":  "¥1,500,000.00",
		"FUNDALLOC_GRADES_EXCELLENT":   "1.2",
		"FUNDALLOC_FUND_LINES":         "a.csv,b.xlsx",
		"FUNDALLOC_RECONCILE_PHASING":  "40,0,0,0,0,0,30,0,0,0,0,30",
		"FUNDALLOC_SCHEDULE_TIMEZONE":  "Asia/Urumqi",
		"FUNDALLOC_LIMITS_MAX_ROWS":    "1000",
		"FUNDALLOC_STAGES_ROOMS_SHARE": "0.25",
	}), Set: map[string]any{"language": "en"}})
	if err != nil {
		t.Fatal(err)
	}
	if c.Rules.Hub.Amount != 150_000_000 || c.Rules.Factors[allocation.Excellent] != (allocation.Ratio{Num: 12, Scale: 1}) {
		t.Errorf("hub %s, excellent %s", c.Rules.Hub.Amount, c.Rules.Factors[allocation.Excellent])
	}
	if strings.Join(c.FundLines, " ") != "a.csv b.xlsx" || c.Language != "en" || c.Limits.MaxRows != 1000 {
		t.Errorf("fund lines %v, language %s, max rows %d", c.FundLines, c.Language, c.Limits.MaxRows)
	}
	if c.Reconcile.Even || c.Reconcile.Profile[0] != allocation.Int(40) || c.Reconcile.Profile[6] != allocation.Int(30) {
		t.Errorf("phasing %+v", c.Reconcile)
	}
	if c.Schedule.Location.String() != "Asia/Urumqi" || c.Rules.Rooms.Share != (allocation.Ratio{Num: 25, Scale: 2}) {
		t.Errorf("zone %v, rooms share %v", c.Schedule.Location, c.Rules.Rooms.Share)
	}
	// Defaults of keys the file leaves out.
	if c.Rules.Demand.Share != allocation.One || c.Rules.Pilot.Amount != 0 || c.Rules.Factors[allocation.Qualified] != (allocation.Ratio{Num: 9, Scale: 1}) ||
		c.Reconcile.Tolerance != (allocation.Ratio{Num: 1, Scale: 1}) || len(c.Categories) != 7 {
		t.Errorf("defaults: %+v", c.Rules)
	}
}

func TestValidationErrorsNameKeys(t *testing.T) {
	dir := t.TempDir()
	body := `fiscal_year: 1999
units: u.csv
fund_lines: f.csv
language: fr
categories:
  - {code: Elderly, zh: 养老}
  - {code: charity}
  - {code: charity}
grades: {excellent: "x", unqualified: "1.0"}
stages:
  hub: {amount: "-5", categories: [nope]}
  baseline: {per_worker: 90000}
  demand: {share: "2"}
reconcile: {phasing: [50, 40, 10, 0, 0, 0, 0, 0, 0, 0, 0, 1]}
schedule:
  timezone: Mars/Olympus
  jobs: [{name: a, spec: "@sometimes", run: audit}]
`
	p := write(t, dir, "c.yaml", body)
	_, err := Load(Options{Path: p, Getenv: env(nil)})
	if err == nil {
		t.Fatal("accepted")
	}
	msg := err.Error()
	// Unknown keys and unquoted amounts are reported before anything else.
	for _, want := range []string{
		"grades.unqualified: unknown key",
		"stages.baseline.per_worker: 90000: write the value in quotes",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("missing %q in:\n%s", want, msg)
		}
	}
	body = strings.Replace(strings.Replace(body, ", unqualified: \"1.0\"", "", 1), "per_worker: 90000", "per_worker: \"90000\"", 1)
	write(t, dir, "c.yaml", body)
	_, err = Load(Options{Path: p, Getenv: env(nil)})
	msg = err.Error()
	for _, want := range []string{
		p + ": fiscal_year: 1999 is not a plausible budget year",
		`language: "fr": use zh or en`,
		`categories[0].code: "Elderly": use lower-case letters`,
		`categories[2].code: "charity" appears twice`,
		`grades.excellent: "x" is not a decimal number`,
		`stages.hub.amount: "-5" must not be negative`,
		`stages.hub.categories[0]: "nope" is not a category`,
		`stages.demand.share: "2" must be between 0 and 1`,
		"reconcile.phasing: the 12 percentages sum to 101, not 100",
		`schedule.timezone: "Mars/Olympus" is not a time zone`,
		`schedule.jobs[0].spec: "@sometimes" is not a cron spec`,
		`schedule.jobs[0].run: "audit": use budget or reconcile`,
		"stages.demand.drivers.charity: missing",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("missing %q in:\n%s", want, msg)
		}
	}
}

func TestRulesChecksDriverColumns(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "c.yaml", strings.Replace(minimal, "charity: population", "charity: 人口", 1))
	c, err := Load(Options{Path: p, Getenv: env(nil)})
	if err != nil {
		t.Fatal(err)
	}
	drivers := []string{"social_workers", "population"}
	if err := c.CheckDrivers(drivers); err != nil {
		t.Fatal(err)
	}
	if d := c.Rules.DriverIndex(6, drivers); d != 1 {
		t.Errorf("charity's driver 人口 should map to column population, got %d", d)
	}
	err = c.CheckDrivers([]string{"social_workers", "elderly"})
	if err == nil || !strings.Contains(err.Error(), `stages.demand.drivers.social_assistance: column "population" is not in the units file data/units.csv`) {
		t.Errorf("err = %v", err)
	}
}

func TestScheduleJobsFromEnvironment(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "c.yaml", minimal+"schedule:\n  catch_up: true\n  jobs: [{name: monthly, spec: \"0 6 1 * *\", run: reconcile}]\n")
	// The environment's list replaces the file's jobs: YAML flow, JSON or a block list.
	for _, val := range []string{
		`[{name: quick, spec: "@every 5s", run: budget}, {name: month-end, spec: "@monthly", run: reconcile}]`,
		`[{"name": "quick", "spec": "@every 5s", "run": "budget"}, {"name": "month-end", "spec": "@monthly", "run": "reconcile"}]`,
		"- {name: quick, spec: \"@every 5s\", run: budget}\n- name: month-end\n  spec: \"@monthly\"\n  run: reconcile",
	} {
		c, err := Load(Options{Path: p, Getenv: env(map[string]string{"FUNDALLOC_SCHEDULE_JOBS": val})})
		if err != nil {
			t.Fatalf("%s: %v", val, err)
		}
		want := []Job{{Name: "quick", Spec: "@every 5s", Run: "budget"}, {Name: "month-end", Spec: "@monthly", Run: "reconcile"}}
		if len(c.Schedule.Jobs) != 2 || c.Schedule.Jobs[0] != want[0] || c.Schedule.Jobs[1] != want[1] || !c.Schedule.CatchUp {
			t.Errorf("%s: jobs %+v, catch_up %v", val, c.Schedule.Jobs, c.Schedule.CatchUp)
		}
	}
	// Without the variable, the file's jobs stand.
	c, err := Load(Options{Path: p, Getenv: env(nil)})
	if err != nil || len(c.Schedule.Jobs) != 1 || c.Schedule.Jobs[0].Name != "monthly" {
		t.Fatalf("file jobs: %+v, %v", c, err)
	}
	// Jobs from the environment are validated like the file's, by key.
	for val, want := range map[string][]string{
		`[{name: quick, spec: "@every", run: audit}]`: {
			`schedule.jobs[0].spec: "@every" is not a cron spec`,
			`schedule.jobs[0].run: "audit": use budget or reconcile`,
		},
		`[{name: quick, spec: "0 6 1 * *", run: budget, when: now}]`:                             {`schedule.jobs[0].when: unknown key`},
		`[{name: a, spec: "@every 5s", run: budget}, {name: a, spec: "@every 5s", run: budget}]`: {`schedule.jobs[1].name: "a" appears twice`},
		`quick`:     {`FUNDALLOC_SCHEDULE_JOBS: "quick" is not a list of jobs`},
		`[{name: x`: {"FUNDALLOC_SCHEDULE_JOBS: not a YAML list of jobs"},
		`[quick]`:   {"schedule.jobs[0]: must be a mapping of keys"},
	} {
		_, err := Load(Options{Path: p, Getenv: env(map[string]string{"FUNDALLOC_SCHEDULE_JOBS": val})})
		if err == nil {
			t.Errorf("%s: accepted", val)
			continue
		}
		for _, w := range want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: missing %q in:\n%v", val, w, err)
			}
		}
	}
}

// TestErrorsInChinese: the same problems in zh, keys and the file's path as
// they are, and the configured language carried for the caller.
func TestErrorsInChinese(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "c.yaml", minimal+"language: zh\ngrades: {excellent: \"20\"}\nschedule: {timezone: Mars/Olympus}\n")
	_, err := Load(Options{Path: p, Getenv: env(nil)})
	var errs *Errors
	if !errors.As(err, &errs) {
		t.Fatalf("err = %v", err)
	}
	if errs.Language != "zh" {
		t.Errorf("Language = %q, want zh", errs.Language)
	}
	got := msg.Localize(err, msg.ZH)
	for _, want := range []string{
		p + `: grades.excellent: "20" 必须在 0 到 10 之间`,
		p + `: schedule.timezone: "Mars/Olympus" 不是时区（例如 Asia/Shanghai）`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	// A flag's language wins over the file's, for the errors too.
	_, err = Load(Options{Path: p, Getenv: env(nil), Set: map[string]any{"language": "en"}})
	if !errors.As(err, &errs) || errs.Language != "en" {
		t.Errorf("with --lang en: %v", err)
	}
	// The embedded sample city is named in words.
	e := &Errors{Source: SampleSource}
	e.add("units", msg.ConfigMissing)
	if got := msg.Localize(e, msg.ZH); got != "内置示例城市: units: 缺失" {
		t.Errorf("zh: %q", got)
	}
	if got := e.Error(); got != "embedded sample city: units: missing" {
		t.Errorf("en: %q", got)
	}
}

// TestYAMLProblems: a tab says it is a tab, with its line; other YAML
// problems give the line and the parser's words; a value of the wrong type
// names its key.
func TestYAMLProblems(t *testing.T) {
	dir := t.TempDir()
	for body, want := range map[string][2]string{
		minimal + "stages:\n\thub: {amount: \"1.00\"}\n": {
			"line 9 has a tab character: YAML indents with spaces only", "第 9 行有制表符（Tab）"},
		"fiscal_year: 2027\nunits: u.csv\n  \tfund_lines: [a.csv]\n": {
			"line 3 has a tab character", "第 3 行有制表符"},
		"fiscal_year: 2027\nunits: \"u.csv\n": {
			"line 2 is not valid YAML: found unexpected end of stream", "第 2 行不是有效的 YAML：found unexpected end of stream"},
		minimal + "units: v.csv\n": {
			`line 8 is not valid YAML: mapping key "units" already defined at line 2`, "第 8 行不是有效的 YAML"},
		strings.Replace(minimal, "2027", "abc", 1): {
			`fiscal_year: "abc" is not a whole number`, `fiscal_year: "abc" 不是整数`},
		minimal + "schedule: {catch_up: maybe}\n": {
			`schedule.catch_up: "maybe" is not true or false`, `schedule.catch_up: "maybe" 不是布尔值（true 或 false）`},
	} {
		p := write(t, dir, "c.yaml", body)
		_, err := Load(Options{Path: p, Getenv: env(nil)})
		if err == nil {
			t.Errorf("%q: accepted", body)
			continue
		}
		if !strings.Contains(err.Error(), want[0]) {
			t.Errorf("%q: en: %v", body, err)
		}
		if got := msg.Localize(err, msg.ZH); !strings.Contains(got, want[1]) {
			t.Errorf("%q: zh: %s", body, got)
		}
	}
	// A file that cannot be read: no language could be read from it.
	_, err := Load(Options{Path: filepath.Join(dir, "missing.yaml"), Getenv: env(nil)})
	var errs *Errors
	if !errors.As(err, &errs) || errs.Language != "" || !strings.Contains(msg.Localize(err, msg.ZH), "无法读取配置文件：文件不存在") {
		t.Errorf("missing file: %v", err)
	}
}

// TestClassificationCodes: the sample city carries a function and economic
// code per category; a code that is not exactly its digits names its key,
// in both languages, every one at once.
func TestClassificationCodes(t *testing.T) {
	c, err := Load(Options{Dir: t.TempDir(), Getenv: env(nil)})
	if err != nil {
		t.Fatal(err)
	}
	for _, cat := range c.Categories {
		if !allDigits(cat.FunctionCode, 7) || !allDigits(cat.EconomicCode, 5) || !allDigits(cat.GovEconomicCode, 5) {
			t.Errorf("sample category %s: codes %q %q %q", cat.Code, cat.FunctionCode, cat.EconomicCode, cat.GovEconomicCode)
		}
	}
	if c.Categories[3].FunctionCode != "2080208" {
		t.Errorf("community_governance function code = %q, want 2080208", c.Categories[3].FunctionCode)
	}
	dir := t.TempDir()
	p := write(t, dir, "c.yaml", minimal+`categories:
  - {code: social_assistance, function_code: "208200", economic_code: "30227"}
  - {code: elderly_care, function_code: "2081002", economic_code: "3O227", gov_economic_code: "502050"}
  - {code: child_welfare}
  - {code: community_governance}
  - {code: social_affairs}
  - {code: partner_org}
  - {code: charity}
`)
	_, err = Load(Options{Path: p, Getenv: env(nil)})
	if err == nil {
		t.Fatal("bad codes accepted")
	}
	en, zh := err.Error(), msg.Localize(err, msg.ZH)
	for _, want := range []string{
		`categories[0].function_code: "208200": must be exactly 7 digits`,
		`categories[1].economic_code: "3O227": must be exactly 5 digits`,
		`categories[1].gov_economic_code: "502050": must be exactly 5 digits`,
	} {
		if !strings.Contains(en, want) {
			t.Errorf("missing %q in:\n%s", want, en)
		}
	}
	if !strings.Contains(zh, `categories[0].function_code: "208200"：须为 7 位数字`) {
		t.Errorf("zh:\n%s", zh)
	}
	if strings.Contains(en, "categories[0].economic_code") {
		t.Errorf("a good code flagged:\n%s", en)
	}
}
