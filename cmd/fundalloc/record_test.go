package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/xuri/excelize/v2"

	"fundalloc/allocation"
	"fundalloc/sources"
)

// recordCity writes a small city for the budget of record: a hub, three
// stations (S2 with a designated line), two rooms; every stage in use.
func recordCity(t *testing.T, dir string) string {
	t.Helper()
	files := map[string]string{
		"units.csv": "code,name,tier,parent,social_workers,pilot,grade,population\n" +
			"H,总站,hub,,2,,good,0\nS1,一站,station,H,2,yes,good,100\nS2,二站,station,H,1,,qualified,80\nS3,三站,station,H,1,,excellent,60\n" +
			"R1,一室,room,S1,,,,60\nR2,二室,room,S2,,,,40\n",
		"funds/a.csv": "id,category,provider,amount,designated_unit\nF1,charity,慈善总会,100000.00,\nF2,elderly_care,民政局,80000.00,\n" +
			"F3,elderly_care,民政局,2000.00,S2\nF4,social_assistance,民政局,50000.00,\n",
		"fundalloc.yaml": "fiscal_year: 2026\nunits: units.csv\nfund_lines: [funds/*.csv]\n" +
			"stages:\n  hub: {amount: \"10000.00\"}\n  baseline: {per_worker: \"5000.00\", per_station: \"1000.00\"}\n  pilot: {amount: \"3000.00\"}\n" +
			"  demand:\n    drivers: {social_assistance: population, elderly_care: population, child_welfare: population,\n" +
			"      community_governance: population, social_affairs: population, partner_org: population, charity: population}\n" +
			"  rooms: {share: \"0.30\"}\n" +
			"schedule:\n  jobs:\n    - {name: annual, spec: \"0 2 1 11 *\", run: budget}\n",
	}
	writeFiles(t, dir, files)
	return filepath.Join(dir, "fundalloc.yaml")
}

// edit replaces old by new in a file of the city.
func edit(t *testing.T, dir, name, old, new string) {
	t.Helper()
	p := filepath.Join(dir, name)
	data, err := os.ReadFile(p)
	if err != nil || !bytes.Contains(data, []byte(old)) {
		t.Fatalf("%s has no %q (%v)", name, old, err)
	}
	if err := os.WriteFile(p, bytes.Replace(data, []byte(old), []byte(new), 1), 0o644); err != nil {
		t.Fatal(err)
	}
}

type diffJSON struct {
	A, B        string
	PoolReasons []map[string]any `json:"pool_reasons"`
	Rows        []struct {
		Unit, Category        string
		Before, After, Change string
		ChangeRate            *string           `json:"change_rate"`
		ByStage               map[string]string `json:"by_stage"`
		Reasons               []map[string]any
		MainReason            *int `json:"main_reason"`
	}
}

func fen(t *testing.T, s string) allocation.Fen {
	t.Helper()
	f, err := sources.ParseAmount(s)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return f
}

// TestApproveReviseDiff approves a budget, changes a grade, a social-worker
// count, a fund line and a configuration value, approves again, and checks
// that diff v1 v2 names each cause on the right unit with a split by stage
// that adds up to each change; then that an unchanged draft, an earlier
// date and an edited version are refused.
func TestApproveReviseDiff(t *testing.T) {
	dir := t.TempDir()
	cfg := recordCity(t, dir)
	run := func(args ...string) result {
		return fundalloc(t, dir, nil, append(append([]string{}, args...), "--config", cfg, "--lang", "en")...)
	}
	if r := run("approve", "--doc-no", "D1"); r.code != 2 || !strings.Contains(r.stderr, "budget-2026.json does not exist: run fundalloc budget first") {
		t.Errorf("approve without a draft: exit %d: %s", r.code, r.stderr)
	}
	if r := run("budget", "-q"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if r := run("approve"); r.code != 2 || !strings.Contains(r.stderr, "approve needs --doc-no") {
		t.Errorf("approve without --doc-no: exit %d: %s", r.code, r.stderr)
	}
	r := run("approve", "--doc-no", "神财社〔2026〕1号", "--date", "2026-01-05")
	if r.code != 0 || !strings.Contains(r.stdout, "approved: version v1 of the 2026 budget (神财社〔2026〕1号, 2026-01-05)") {
		t.Fatalf("approve v1: exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	rec := filepath.Join(dir, "out", "record")
	for _, f := range []string{"budget-2026-v1.json", "budget-2026-v1.xlsx"} {
		st, err := os.Stat(filepath.Join(rec, f))
		if err != nil || st.Mode().Perm() != 0o444 {
			t.Errorf("%s: %v %v, want read-only", f, st.Mode(), err)
		}
	}
	draft, _ := os.ReadFile(filepath.Join(dir, "out", "budget-2026.json"))
	if v1, _ := os.ReadFile(filepath.Join(rec, "budget-2026-v1.json")); !bytes.Equal(draft, v1) {
		t.Error("v1's JSON is not the draft as it was")
	}
	// The workbook's 说明 sheet carries the stamp.
	f, err := excelize.OpenFile(filepath.Join(rec, "budget-2026-v1.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	notes, _ := f.GetRows("Notes")
	f.Close()
	if !slices.ContainsFunc(notes, func(row []string) bool {
		return slices.Equal(row, []string{"Document number", "神财社〔2026〕1号"})
	}) ||
		!slices.ContainsFunc(notes, func(row []string) bool { return slices.Equal(row, []string{"Version", "v1"}) }) ||
		!slices.ContainsFunc(notes, func(row []string) bool { return len(row) == 2 && row[0] == "SHA-256 of the budget JSON" }) {
		t.Errorf("the Notes sheet: %q", notes)
	}

	// Approving the same draft again is refused.
	if r := run("approve", "--doc-no", "D2"); r.code != 2 || !strings.Contains(r.stderr, "no change since v1") {
		t.Errorf("approve twice: exit %d: %s", r.code, r.stderr)
	}

	// The revision: a grade, a social-worker count, a fund line, a
	// configuration value.
	edit(t, dir, "units.csv", "S2,二站,station,H,1,,qualified", "S2,二站,station,H,1,,good")
	edit(t, dir, "units.csv", "S1,一站,station,H,2,", "S1,一站,station,H,3,")
	edit(t, dir, "funds/a.csv", "F3,elderly_care,民政局,2000.00,S2", "F3,elderly_care,民政局,3000.00,S2")
	edit(t, dir, "fundalloc.yaml", `hub: {amount: "10000.00"}`, `hub: {amount: "12000.00"}`)
	if r := run("budget", "-q"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if r := run("approve", "--doc-no", "D2", "--date", "2026-01-04"); r.code != 2 || !strings.Contains(r.stderr, "the approval date 2026-01-04 is earlier than that of the previous version v1 (2026-01-05)") {
		t.Errorf("an earlier date: exit %d: %s", r.code, r.stderr)
	}
	if r := run("approve", "--doc-no", "神财社〔2026〕12号", "--date", "2026-06-30", "--note", "调整"); r.code != 0 {
		t.Fatalf("approve v2: exit %d: %s", r.code, r.stderr)
	}
	r = run("diff", "v1", "v2")
	if r.code != 0 || !strings.Contains(r.stdout, "fundalloc diff v1 → v2 · 2026") || !strings.Contains(r.stdout, "the 10 largest changes:") {
		t.Fatalf("diff: exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	var d diffJSON
	readJSON(t, filepath.Join(dir, "out", "diff-v1-v2.json"), &d)
	if d.A != "v1" || d.B != "v2" || len(d.Rows) == 0 {
		t.Fatalf("diff JSON: %+v", d)
	}
	has := func(reasons []map[string]any, want map[string]any) bool {
		return slices.ContainsFunc(reasons, func(r map[string]any) bool {
			for k, v := range want {
				if r[k] != v {
					return false
				}
			}
			return true
		})
	}
	grade := map[string]any{"kind": "unit_field", "field": "grade", "from": "qualified", "to": "good"}
	workers := map[string]any{"kind": "unit_field", "field": "social_workers", "from": "2", "to": "3"}
	fund := map[string]any{"kind": "fund_line", "id": "F3", "change": "changed", "field": "amount", "from": "2000.00", "to": "3000.00"}
	param := map[string]any{"kind": "param", "key": "stages.hub.amount", "from": "10000.00", "to": "12000.00"}
	seen := map[string]bool{}
	for _, row := range d.Rows {
		var sum allocation.Fen
		for _, v := range row.ByStage {
			sum += fen(t, v)
		}
		if change := fen(t, row.Change); sum != change || change != fen(t, row.After)-fen(t, row.Before) {
			t.Errorf("%s %s: stages %v sum to %s, change %s", row.Unit, row.Category, row.ByStage, sum, change)
		}
		own := func(want map[string]any) bool {
			return slices.ContainsFunc(row.Reasons, func(r map[string]any) bool { return has([]map[string]any{r}, want) && r["unit"] == nil })
		}
		for name, c := range map[string]struct {
			reason map[string]any
			unit   string
		}{"grade": {grade, "S2"}, "workers": {workers, "S1"}, "param": {param, "H"}} {
			if own(c.reason) {
				if row.Unit != c.unit {
					t.Errorf("%s %s: the %s reason belongs to %s", row.Unit, row.Category, name, c.unit)
				}
				seen[name] = true
			}
		}
		if has(row.Reasons, fund) {
			if row.Unit != "S2" || row.Category != "elderly_care" {
				t.Errorf("%s %s: F3 belongs to S2 elderly_care", row.Unit, row.Category)
			}
			if row.ByStage["directed"] != "1000.00" {
				t.Errorf("S2 elderly_care: directed change %q, want 1000.00", row.ByStage["directed"])
			}
			seen["fund"] = true
		}
	}
	for _, name := range []string{"grade", "workers", "fund", "param"} {
		if !seen[name] {
			t.Errorf("no row names the %s change", name)
		}
	}
	if !has(d.PoolReasons, param) {
		t.Errorf("the pool-wide reasons lack the hub amount: %v", d.PoolReasons)
	}
	if _, err := os.Stat(filepath.Join(dir, "out", "diff-v1-v2.xlsx")); err != nil {
		t.Error(err)
	}
	// A budget compared with itself, through a path and the draft.
	if r := run("diff", "draft", "out/record/budget-2026-v2.json", "--no-workbook"); r.code != 0 || !strings.Contains(r.stdout, "the two budgets give the same money") {
		t.Errorf("draft against v2: exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	if r := run("diff", "v1", "v7"); r.code != 2 || !strings.Contains(r.stderr, "the 2026 budget has no version v7 (its versions: v1, v2)") {
		t.Errorf("diff v7: exit %d: %s", r.code, r.stderr)
	}

	// versions verifies, and prints the newest record line's hash.
	r = run("versions")
	data, _ := os.ReadFile(filepath.Join(rec, "record.jsonl"))
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	sum := sha256.Sum256([]byte(lines[len(lines)-1]))
	if r.code != 0 || len(lines) != 2 || !strings.Contains(r.stdout, hex.EncodeToString(sum[:])) || !strings.Contains(r.stdout, "神财社〔2026〕12号") {
		t.Errorf("versions: exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	// An edited version is found, and named.
	v1 := filepath.Join(rec, "budget-2026-v1.json")
	os.Chmod(v1, 0o644)
	edit(t, dir, "out/record/budget-2026-v1.json", `"fiscal_year": 2026`, `"fiscal_year":2026`)
	r = run("versions")
	if r.code != 2 || !strings.Contains(r.stderr, "version v1 of the 2026 budget no longer matches what was approved") || !strings.Contains(r.stdout, "CHANGED") {
		t.Errorf("versions after an edit: exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	if r := run("approve", "--doc-no", "D3"); r.code != 2 || !strings.Contains(r.stderr, "version v1 of the 2026 budget no longer matches") {
		t.Errorf("approve on a broken record: exit %d: %s", r.code, r.stderr)
	}
	if r := run("diff", "v1", "v2"); r.code != 2 || !strings.Contains(r.stderr, "version v1 of the 2026 budget no longer matches") {
		t.Errorf("diff of an edited version: exit %d: %s", r.code, r.stderr)
	}
}

// TestRecordLineEditIsFound edits the first record line: versions names it.
func TestRecordLineEditIsFound(t *testing.T) {
	dir := t.TempDir()
	cfg := recordCity(t, dir)
	run := func(args ...string) result {
		return fundalloc(t, dir, nil, append(append([]string{}, args...), "--config", cfg, "--lang", "en")...)
	}
	run("budget", "-q")
	run("approve", "--doc-no", "D1", "--date", "2026-01-05")
	edit(t, dir, "funds/a.csv", "F1,charity,慈善总会,100000.00", "F1,charity,慈善总会,100001.00")
	run("budget", "-q")
	if r := run("approve", "--doc-no", "D2", "--date", "2026-02-05"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	edit(t, dir, "out/record/record.jsonl", `"doc_no":"D1"`, `"doc_no":"D9"`)
	r := run("versions")
	if r.code != 2 || !strings.Contains(r.stderr, "version v1 of the 2026 budget no longer matches what was approved: record line 2 has prev_record_sha256") {
		t.Errorf("versions after a record edit: exit %d: %s", r.code, r.stderr)
	}
	// In Chinese too.
	r = fundalloc(t, dir, nil, "versions", "--config", cfg)
	if r.code != 2 || !strings.Contains(r.stderr, "2026年度预算 v1 与批准时不符：记录第 2 行的 prev_record_sha256 为") {
		t.Errorf("zh: exit %d: %s", r.code, r.stderr)
	}
	if r := fundalloc(t, dir, nil, "approve", "--config", cfg, "--doc-no", "D3"); r.code != 2 || !strings.Contains(r.stderr, "2026年度预算 v1 与批准时不符") {
		t.Errorf("zh approve: exit %d: %s", r.code, r.stderr)
	}
}

// TestScheduledBudgetWritesDraftsOnly runs the scheduled budget job after
// an approval and a change of inputs: the draft changes, the record does
// not.
func TestScheduledBudgetWritesDraftsOnly(t *testing.T) {
	dir := t.TempDir()
	cfg := recordCity(t, dir)
	if r := fundalloc(t, dir, nil, "budget", "--config", cfg, "-q"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if r := fundalloc(t, dir, nil, "approve", "--config", cfg, "--doc-no", "D1", "--date", "2026-01-05"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	rec := filepath.Join(dir, "out", "record")
	before := snapshot(t, rec)
	edit(t, dir, "units.csv", "S2,二站,station,H,1,,qualified", "S2,二站,station,H,1,,unqualified")
	draft := filepath.Join(dir, "out", "budget-2026.json")
	old, _ := os.ReadFile(draft)
	var out, errb bytes.Buffer
	g := &globals{stdout: &out, stderr: &errb, dir: dir, now: func() time.Time { return time.Date(2026, 11, 1, 2, 0, 0, 0, time.UTC) },
		getenv: func(string) string { return "" }}
	if code := runWith(context.Background(), g, []string{"schedule", "--config", cfg, "--once", "annual"}); code != 0 {
		t.Fatalf("--once annual: exit %d: %s", code, errb.String())
	}
	if now, _ := os.ReadFile(draft); bytes.Equal(now, old) {
		t.Error("the scheduled budget did not write the draft")
	}
	if after := snapshot(t, rec); !maps2Equal(before, after) {
		t.Errorf("the record changed:\n%v\n%v", before, after)
	}
}

// snapshot is every file of a folder: its mode, size, time and hash.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		st, _ := e.Info()
		data, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		sum := sha256.Sum256(data)
		out[e.Name()] = st.Mode().String() + " " + st.ModTime().String() + " " + hex.EncodeToString(sum[:])
	}
	return out
}

func maps2Equal(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestReadBackBudgetProblems: a budget JSON that diff reads is checked
// like any input, with its problems located.
func TestReadBackBudgetProblems(t *testing.T) {
	dir := t.TempDir()
	cfg := recordCity(t, dir)
	if r := fundalloc(t, dir, nil, "budget", "--config", cfg, "-q", "--no-workbook"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	var doc map[string]any
	readJSON(t, filepath.Join(dir, "out", "budget-2026.json"), &doc)
	doc["categories"] = append(doc["categories"].([]any), "charity")
	data, _ := json.Marshal(doc)
	os.WriteFile(filepath.Join(dir, "twice.json"), data, 0o644)
	r := fundalloc(t, dir, nil, "diff", "draft", "twice.json", "--config", cfg, "--lang", "en")
	if r.code != 2 || !strings.Contains(r.stderr, `twice.json: categories[7]: "charity" appears twice (first at categories[6])`) {
		t.Errorf("diff with a category twice: exit %d: %s", r.code, r.stderr)
	}
}

// TestRecordInChinese: approve, a refused approval and diff speak the
// configured language.
func TestRecordInChinese(t *testing.T) {
	dir := t.TempDir()
	cfg := recordCity(t, dir)
	fundalloc(t, dir, nil, "budget", "--config", cfg, "-q")
	r := fundalloc(t, dir, nil, "approve", "--config", cfg, "--doc-no", "神财社〔2026〕1号", "--date", "2026-01-05")
	if r.code != 0 || !strings.Contains(r.stdout, "已批准：2026年度预算 v1（神财社〔2026〕1号，2026-01-05）") || !strings.Contains(r.stdout, "记录行 SHA-256") {
		t.Errorf("approve: exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	if r := fundalloc(t, dir, nil, "approve", "--config", cfg, "--doc-no", "D"); r.code != 2 || !strings.Contains(r.stderr, "与 v1 相比没有变化") {
		t.Errorf("approve again: exit %d: %s", r.code, r.stderr)
	}
	f, err := excelize.OpenFile(filepath.Join(dir, "out", "record", "budget-2026-v1.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	notes, _ := f.GetRows("说明")
	f.Close()
	if !slices.ContainsFunc(notes, func(row []string) bool { return slices.Equal(row, []string{"批准文号", "神财社〔2026〕1号"}) }) {
		t.Errorf("说明: %q", notes)
	}
	edit(t, dir, "units.csv", "S3,三站,station,H,1,,excellent", "S3,三站,station,H,1,,unqualified")
	fundalloc(t, dir, nil, "budget", "--config", cfg, "-q")
	r = fundalloc(t, dir, nil, "diff", "v1", "draft", "--config", cfg)
	if r.code != 0 || !strings.Contains(r.stdout, "变化最大的") || !strings.Contains(r.stdout, "评估等级：优秀 → 不合格") {
		t.Errorf("diff: exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
}

// TestApproveAfterATornLine: a record whose last line a crash tore is
// listed with a warning, and approve refuses to append after it.
func TestApproveAfterATornLine(t *testing.T) {
	dir := t.TempDir()
	cfg := recordCity(t, dir)
	run := func(args ...string) result {
		return fundalloc(t, dir, nil, append(append([]string{}, args...), "--config", cfg, "--lang", "en")...)
	}
	run("budget", "-q")
	if r := run("approve", "--doc-no", "D1", "--date", "2026-01-05"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	path := filepath.Join(dir, "out", "record", "record.jsonl")
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"version": "v2", "year": 20`)
	f.Close()
	if r := run("versions"); r.code != 0 || !strings.Contains(r.stderr, "warning: "+path+": line 2 is incomplete") {
		t.Errorf("versions: exit %d: %s", r.code, r.stderr)
	}
	edit(t, dir, "funds/a.csv", "F1,charity,慈善总会,100000.00", "F1,charity,慈善总会,100001.00")
	run("budget", "-q")
	if r := run("approve", "--doc-no", "D2"); r.code != 2 || !strings.Contains(r.stderr, "is incomplete (a crash while appending?) and is not a version") {
		t.Errorf("approve after a torn line: exit %d: %s", r.code, r.stderr)
	}
}

// TestApproveRefusesALink: a link planted where a version will be written
// is refused, and nothing is written through it.
func TestApproveRefusesALink(t *testing.T) {
	dir := t.TempDir()
	cfg := recordCity(t, dir)
	fundalloc(t, dir, nil, "budget", "--config", cfg, "-q")
	rec := filepath.Join(dir, "out", "record")
	os.MkdirAll(rec, 0o755)
	target := filepath.Join(dir, "elsewhere.json")
	os.WriteFile(target, []byte("mine"), 0o644)
	if err := os.Symlink(target, filepath.Join(rec, "budget-2026-v1.json")); err != nil {
		t.Skip(err)
	}
	r := fundalloc(t, dir, nil, "approve", "--config", cfg, "--doc-no", "D1", "--lang", "en")
	if r.code == 0 || !strings.Contains(r.stderr, "symbolic link") {
		t.Errorf("approve over a link: exit %d: %s", r.code, r.stderr)
	}
	if data, _ := os.ReadFile(target); string(data) != "mine" {
		t.Error("approve wrote through the link")
	}
	if _, err := os.Stat(filepath.Join(rec, "record.jsonl")); err == nil {
		t.Error("a record line was written")
	}
}

// TestApproveAfterAnInterruptedApprove: version files without a record
// line (an approve that stopped between its files and its line) are not
// versions; the next approve says so and writes over them.
func TestApproveAfterAnInterruptedApprove(t *testing.T) {
	dir := t.TempDir()
	cfg := recordCity(t, dir)
	run := func(args ...string) result {
		return fundalloc(t, dir, nil, append(append([]string{}, args...), "--config", cfg, "--lang", "en")...)
	}
	run("budget", "-q")
	rec := filepath.Join(dir, "out", "record")
	os.MkdirAll(rec, 0o755)
	stale := filepath.Join(rec, "budget-2026-v1.json")
	os.WriteFile(stale, []byte("left by a crash"), 0o444)
	if r := run("versions"); r.code != 0 || !strings.Contains(r.stderr, "budget-2026-v1.json has no record line (an interrupted approve?); it is not a version of record") {
		t.Errorf("versions: exit %d: %s", r.code, r.stderr)
	}
	r := run("approve", "--doc-no", "D1")
	if r.code != 0 || !strings.Contains(r.stderr, "budget-2026-v1.json has no record line (an interrupted approve?); it is replaced") {
		t.Errorf("approve: exit %d: %s", r.code, r.stderr)
	}
	if r := run("versions"); r.code != 0 || strings.Contains(r.stderr, "no record line") {
		t.Errorf("versions after: exit %d: %s", r.code, r.stderr)
	}
}

// TestReconcileUsesTheVersionInForce: a month is reconciled against the
// version of record in force at its end (DESIGN §8.1, §10), so an old month
// re-reconciled after a revision gives the answer it gave before.
func TestReconcileUsesTheVersionInForce(t *testing.T) {
	dir := t.TempDir()
	cfg := recordCity(t, dir)
	edit(t, dir, "fundalloc.yaml", "fund_lines: [funds/*.csv]\n", "fund_lines: [funds/*.csv]\nledgers: [ledgers/*.csv]\n")
	writeFiles(t, dir, map[string]string{"ledgers/a.csv": "voucher,date,unit,category,amount\n" +
		"V1,2026-01-20,H,social_assistance,100.00\nV2,2026-03-02,S1,charity,2500.00\nV3,2026-07-01,S3,elderly_care,10.00\n"})
	run := func(args ...string) result {
		return fundalloc(t, dir, nil, append(append([]string{}, args...), "--config", cfg, "--lang", "en")...)
	}
	type recon struct {
		Budget         string
		BudgetOfRecord map[string]any `json:"budget_of_record"`
		Rows           []map[string]any
	}
	// The record is in the output folder: every run writes there.
	reconcile := func(month string, extra ...string) (recon, result) {
		t.Helper()
		r := run(append([]string{"reconcile", "--month", month, "--no-workbook"}, extra...)...)
		if r.code != 0 {
			t.Fatalf("reconcile %s: exit %d: %s", month, r.code, r.stderr)
		}
		var rc recon
		readJSON(t, filepath.Join(dir, "out", "reconcile-"+month+".json"), &rc)
		return rc, r
	}
	// No version yet: the recomputed draft, with a warning.
	rc, r := reconcile("2026-03")
	if rc.Budget != "recomputed" || rc.BudgetOfRecord != nil || !strings.Contains(r.stderr, "no version of record approved yet") {
		t.Errorf("draft: budget %q %v; %s", rc.Budget, rc.BudgetOfRecord, r.stderr)
	}
	if r := run("budget", "-q"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if r := run("approve", "--doc-no", "神财社〔2026〕1号", "--date", "2026-02-15"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	// January ended before v1 was approved: v1 applies, with a warning.
	rc, r = reconcile("2026-01")
	if rc.Budget != "v1" || !strings.Contains(r.stderr, "no version of record was approved by the end of 2026-01") {
		t.Errorf("January: budget %q; %s", rc.Budget, r.stderr)
	}
	march, r := reconcile("2026-03")
	if march.Budget != "v1" || march.BudgetOfRecord["version"] != "v1" || march.BudgetOfRecord["doc_no"] != "神财社〔2026〕1号" ||
		march.BudgetOfRecord["approved"] != "2026-02-15" || march.BudgetOfRecord["path"] != "record/budget-2026-v1.json" ||
		len(march.BudgetOfRecord["sha256"].(string)) != 64 || !strings.Contains(r.stdout, "budget: version of record v1 (神财社〔2026〕1号, approved 2026-02-15)") {
		t.Errorf("March: %+v\n%s", march.BudgetOfRecord, r.stdout)
	}
	// A revision, approved at the end of June.
	edit(t, dir, "fundalloc.yaml", `hub: {amount: "10000.00"}`, `hub: {amount: "12000.00"}`)
	if r := run("budget", "-q"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if r := run("approve", "--doc-no", "神财社〔2026〕12号", "--date", "2026-06-30"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	again, _ := reconcile("2026-03")
	if again.Budget != "v1" || !jsonEqualAny(again.Rows, march.Rows) {
		t.Errorf("March after the revision: budget %q, rows differ: %v", again.Budget, !jsonEqualAny(again.Rows, march.Rows))
	}
	july, _ := reconcile("2026-07")
	hubAnnual := func(rc recon) any {
		for _, row := range rc.Rows {
			if row["unit"] == "H" && row["category"] == "social_assistance" {
				return row["annual"]
			}
		}
		return nil
	}
	if july.Budget != "v2" || july.BudgetOfRecord["doc_no"] != "神财社〔2026〕12号" || hubAnnual(july) == hubAnnual(march) {
		t.Errorf("July: budget %q, hub %v (March %v)", july.Budget, hubAnnual(july), hubAnnual(march))
	}
	// The workbook's Summary names the version.
	if r := run("reconcile", "--month", "2026-07", "-q"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	book, err := excelize.OpenFile(filepath.Join(dir, "out", "reconcile-2026-07.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := book.GetCellValue("Summary", "B5"); v != "version of record v2 (神财社〔2026〕12号, approved 2026-06-30; its SHA-256 is on the Notes sheet)" {
		t.Errorf("Summary!B5 = %q", v)
	}
	book.Close()
	// --budget overrides the record.
	file, _ := reconcile("2026-07", "--budget", "out/record/budget-2026-v1.json")
	if file.Budget != "out/record/budget-2026-v1.json" || file.BudgetOfRecord != nil || hubAnnual(file) != hubAnnual(march) {
		t.Errorf("--budget: %q %v", file.Budget, file.BudgetOfRecord)
	}
}

// TestAVersionIsUsedOnlyWhenTheRecordUpToItVerifies: reconcile, notices and
// diff use a version of record only when the record up to it verifies as
// versions verifies it (DESIGN §10): an edited earlier version, or an
// edited record line, stops them with exit 2, naming the first version that
// no longer matches and sending the user to versions; a later version's
// problem does not stop a month an earlier version governs.
func TestAVersionIsUsedOnlyWhenTheRecordUpToItVerifies(t *testing.T) {
	dir := t.TempDir()
	cfg := recordCity(t, dir)
	edit(t, dir, "fundalloc.yaml", "fund_lines: [funds/*.csv]\n", "fund_lines: [funds/*.csv]\nledgers: [ledgers/*.csv]\n")
	writeFiles(t, dir, map[string]string{"ledgers/a.csv": "voucher,date,unit,category,amount\nV1,2026-03-02,S1,charity,2500.00\n"})
	run := func(args ...string) result {
		return fundalloc(t, dir, nil, append(append([]string{}, args...), "--config", cfg, "--lang", "en")...)
	}
	run("budget", "-q")
	if r := run("approve", "--doc-no", "D1", "--date", "2026-02-15"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	edit(t, dir, "fundalloc.yaml", `hub: {amount: "10000.00"}`, `hub: {amount: "12000.00"}`)
	run("budget", "-q")
	if r := run("approve", "--doc-no", "D2", "--date", "2026-06-30"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	rec := filepath.Join(dir, "out", "record")
	recordPath := filepath.Join(rec, "record.jsonl")
	reconcile := func(month string) result {
		return run("reconcile", "--month", month, "--no-workbook", "-q")
	}
	if r := reconcile("2026-07"); r.code != 0 {
		t.Fatalf("an untouched record: exit %d: %s", r.code, r.stderr)
	}
	// tampered changes a file of the record, checks who refuses, and puts
	// the file back.
	tampered := func(name, old, new string, check func()) {
		t.Helper()
		p := filepath.Join(rec, name)
		orig, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		st, _ := os.Stat(p)
		os.Chmod(p, 0o644)
		edit(t, dir, filepath.Join("out", "record", name), old, new)
		check()
		if err := os.WriteFile(p, orig, 0o644); err != nil {
			t.Fatal(err)
		}
		os.Chmod(p, st.Mode().Perm())
	}
	const hint = "; run fundalloc versions to see which versions still verify"

	// v1's JSON changed: July, under v2, is not reconciled; versions and
	// reconcile name the same version.
	tampered("budget-2026-v1.json", `"fiscal_year": 2026`, `"fiscal_year":2026`, func() {
		want := "version v1 of the 2026 budget no longer matches what was approved: " + filepath.Join(rec, "budget-2026-v1.json") + " hashes to "
		if v := run("versions"); v.code != 2 || !strings.Contains(v.stderr, want) {
			t.Errorf("versions: exit %d: %s", v.code, v.stderr)
		}
		r := reconcile("2026-07")
		if r.code != 2 || !strings.Contains(r.stderr, recordPath+":1: "+want) || !strings.Contains(r.stderr, hint) {
			t.Errorf("reconcile under v2 after v1 changed: exit %d: %s", r.code, r.stderr)
		}
		if r := run("notices", "--version", "v2", "-q"); r.code != 2 || !strings.Contains(r.stderr, want) || !strings.Contains(r.stderr, hint) {
			t.Errorf("notices --version v2 after v1 changed: exit %d: %s", r.code, r.stderr)
		}
		// In Chinese too.
		r = fundalloc(t, dir, nil, "reconcile", "--config", cfg, "--month", "2026-07", "--no-workbook", "-q")
		if r.code != 2 || !strings.Contains(r.stderr, recordPath+":1: 2026年度预算 v1 与批准时不符：") ||
			!strings.Contains(r.stderr, "；请运行 fundalloc versions 查看各版本的校验结果") {
			t.Errorf("zh: exit %d: %s", r.code, r.stderr)
		}
	})
	if r := reconcile("2026-07"); r.code != 0 {
		t.Fatalf("the record put back: exit %d: %s", r.code, r.stderr)
	}

	// v1's record line changed: v2's line no longer links to it. Both
	// v2's months and v1's are refused.
	tampered("record.jsonl", `"doc_no":"D1"`, `"doc_no":"D9"`, func() {
		want := recordPath + ":2: version v1 of the 2026 budget no longer matches what was approved: record line 2 has prev_record_sha256"
		for _, month := range []string{"2026-07", "2026-03"} {
			if r := reconcile(month); r.code != 2 || !strings.Contains(r.stderr, want) || !strings.Contains(r.stderr, hint) {
				t.Errorf("reconcile %s after v1's line changed: exit %d: %s", month, r.code, r.stderr)
			}
		}
		if r := run("diff", "v1", "draft", "--no-workbook"); r.code != 2 || !strings.Contains(r.stderr, want) {
			t.Errorf("diff v1 after v1's line changed: exit %d: %s", r.code, r.stderr)
		}
	})

	// v2's workbook changed: March, under v1, still reconciles; July does
	// not.
	p := filepath.Join(rec, "budget-2026-v2.xlsx")
	os.Chmod(p, 0o644)
	f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("x")
	f.Close()
	if r := reconcile("2026-03"); r.code != 0 {
		t.Errorf("March under v1 after v2's workbook changed: exit %d: %s", r.code, r.stderr)
	}
	if r := reconcile("2026-07"); r.code != 2 || !strings.Contains(r.stderr, recordPath+":2: version v2 of the 2026 budget no longer matches") {
		t.Errorf("July under v2 after v2's workbook changed: exit %d: %s", r.code, r.stderr)
	}
}

// TestReconcileBudgetNoteInTheReadersLanguage: the summary's title says
// which budget was used in the configured language, whether it is the
// version in force or a --budget file.
func TestReconcileBudgetNoteInTheReadersLanguage(t *testing.T) {
	dir := t.TempDir()
	cfg := recordCity(t, dir)
	edit(t, dir, "fundalloc.yaml", "fiscal_year: 2026\n", "fiscal_year: 2026\nlanguage: en\nledgers: [ledgers/*.csv]\n")
	writeFiles(t, dir, map[string]string{"ledgers/a.csv": "voucher,date,unit,category,amount\nV1,2026-03-02,S1,charity,2500.00\n"})
	run := func(args ...string) result {
		return fundalloc(t, dir, nil, append(append([]string{}, args...), "--config", cfg)...)
	}
	run("budget", "-q")
	if r := run("approve", "--doc-no", "D1", "--date", "2026-02-15"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	title := func(args ...string) string {
		t.Helper()
		r := run(append([]string{"reconcile", "--month", "2026-03", "--no-workbook"}, args...)...)
		if r.code != 0 {
			t.Fatalf("reconcile %v: exit %d: %s", args, r.code, r.stderr)
		}
		first, _, _ := strings.Cut(r.stdout, "\n")
		return first
	}
	han := func(s string) bool {
		return strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) })
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "fundalloc reconcile 2026-03 · budget: version of record v1 (D1, approved 2026-02-15)"},
		{[]string{"--budget", "out/record/budget-2026-v1.json"}, "fundalloc reconcile 2026-03 · budget: out/record/budget-2026-v1.json (sha256 "},
	} {
		if got := title(c.args...); han(got) || !strings.HasPrefix(got, c.want) {
			t.Errorf("%v: the title is %q, want %q… in English", c.args, got, c.want)
		}
	}
	// --lang zh, the same notes in Chinese.
	if got := title("--lang", "zh"); got != "fundalloc reconcile 2026-03 · 预算依据：预算版本 v1（D1，2026-02-15 批准）" {
		t.Errorf("zh: the title is %q", got)
	}
	if got := title("--lang", "zh", "--budget", "out/record/budget-2026-v1.json"); !strings.HasPrefix(got, "fundalloc reconcile 2026-03 · 预算依据：out/record/budget-2026-v1.json (sha256 ") {
		t.Errorf("zh --budget: the title is %q", got)
	}
}
