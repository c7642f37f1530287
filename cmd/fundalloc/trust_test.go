package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"fundalloc/cmd/fundalloc/scheduler"
	"fundalloc/reports"
)

// Files and trust (DESIGN §13): the output folder, the configuration and
// the environment set up as a hostile user with write access to them would.
// Every case is listed, with its message, in docs/bad-inputs.md (rendered
// by TestBadInputCatalogue from trustCases).

// hostile is what a case's setup aims at: files outside the city's folder
// that must come out of the run as they went in.
type hostile struct {
	t        *testing.T
	outside  string // a file outside the folder, with content and an old time
	dangling string // a path outside the folder that nothing may create
	oldTime  time.Time
}

func newHostile(t *testing.T) *hostile {
	t.Helper()
	h := &hostile{t: t, outside: filepath.Join(t.TempDir(), "precious.txt"),
		dangling: filepath.Join(t.TempDir(), "created-if-followed"), oldTime: time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)}
	if err := os.WriteFile(h.outside, []byte("not fundalloc's\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chtimes(h.outside, h.oldTime, h.oldTime)
	return h
}

// link makes a symbolic link at path (relative to dir) to target.
func (h *hostile) link(dir, path, target string) {
	h.t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(path))
	os.MkdirAll(filepath.Dir(p), 0o755)
	if err := os.Symlink(target, p); err != nil {
		h.t.Fatal(err)
	}
}

// untouched fails unless the files outside are as they were: the same
// content and modification time, and the dangling target still absent;
// and the folder outside a link pointed at still empty.
func (h *hostile) untouched(folders ...string) {
	h.t.Helper()
	st, err := os.Stat(h.outside)
	if err != nil {
		h.t.Fatalf("the file outside is gone: %v", err)
	}
	if data, _ := os.ReadFile(h.outside); string(data) != "not fundalloc's\n" || !st.ModTime().Equal(h.oldTime) {
		h.t.Errorf("the file outside changed: %q, modified %v", data, st.ModTime())
	}
	if _, err := os.Lstat(h.dangling); err == nil {
		h.t.Errorf("%s was created through a link", h.dangling)
	}
	for _, f := range folders {
		if entries, _ := os.ReadDir(f); len(entries) != 0 {
			h.t.Errorf("written in %s, outside: %v", f, entries)
		}
	}
}

// trustCase is one hostile setup, the command run on it and what it must
// print and exit with.
type trustCase struct {
	name, kind string
	// setup prepares the city's folder dir; the returned folders, outside
	// it, must stay empty.
	setup func(h *hostile, dir string) (emptyFolders []string)
	args  []string
	exit  int
	want  string // the last line of stderr, with the folder taken out of paths
}

const onceJobs = "schedule:\n  jobs:\n    - {name: annual, spec: \"0 2 1 11 *\", run: budget}\n"

func trustCases() []trustCase {
	none := func(*hostile, string) []string { return nil }
	linkTo := func(path string, dangling bool) func(h *hostile, dir string) []string {
		return func(h *hostile, dir string) []string {
			target := h.outside
			if dangling {
				target = h.dangling
			}
			h.link(dir, path, target)
			return nil
		}
	}
	folderLink := func(path string) func(h *hostile, dir string) []string {
		return func(h *hostile, dir string) []string {
			away := h.t.TempDir()
			h.link(dir, path, away)
			return []string{away}
		}
	}
	config := func(text string) func(h *hostile, dir string) []string {
		return func(h *hostile, dir string) []string {
			body, _ := os.ReadFile(filepath.Join(dir, "fundalloc.yaml"))
			os.WriteFile(filepath.Join(dir, "fundalloc.yaml"), []byte(text+string(body)), 0o644)
			return nil
		}
	}
	job := func(spec string) func(h *hostile, dir string) []string {
		return func(h *hostile, dir string) []string {
			f, _ := os.OpenFile(filepath.Join(dir, "fundalloc.yaml"), os.O_APPEND|os.O_WRONLY, 0)
			fmt.Fprintf(f, "schedule:\n  jobs:\n    - {name: nightly, spec: %q, run: budget}\n", spec)
			f.Close()
			return nil
		}
	}
	const link = " is a symbolic link: fundalloc never follows a link where it writes (remove the link, or point out at the real folder)"
	budget := []string{"budget"}
	approve := []string{"approve", "--doc-no", "D1"}
	// draft writes the budget an approve would record.
	draft := func(h *hostile, dir string) {
		if r := fundalloc(h.t, dir, nil, "budget", "-q"); r.code != 0 {
			h.t.Fatal(r.stderr)
		}
	}
	return []trustCase{
		{"lock link", "a link at out/.fundalloc.lock to a file outside", linkTo("out/.fundalloc.lock", false), budget, 1,
			"fundalloc: out/.fundalloc.lock" + link},
		{"lock dangling link", "a link at out/.fundalloc.lock to a file that does not exist", linkTo("out/.fundalloc.lock", true), budget, 1,
			"fundalloc: out/.fundalloc.lock" + link},
		{"output link", "a link at out/budget-2026.json to a file outside", linkTo("out/budget-2026.json", false), budget, 1,
			"fundalloc: out/budget-2026.json" + link},
		{"workbook dangling link", "a link at out/budget-2026.xlsx to a file that does not exist", linkTo("out/budget-2026.xlsx", true), budget, 1,
			"fundalloc: budget workbook: out/budget-2026.xlsx" + link},
		{"reconcile output link", "a link at out/reconcile-2026-10.xlsx to a file outside", linkTo("out/reconcile-2026-10.xlsx", false), reconcileOct, 1,
			"fundalloc: out/reconcile-2026-10.xlsx" + link},
		{"out is a link", "the output folder out is itself a link to a folder outside", folderLink("out"), budget, 1,
			"fundalloc: out" + link},
		{"journal link", "a link at out/runs.jsonl to a file outside (schedule --once)", func(h *hostile, dir string) []string {
			config(onceJobs)(h, dir)
			return linkTo("out/runs.jsonl", false)(h, dir)
		}, []string{"schedule", "--once", "annual", "--quiet"}, 1, "fundalloc: out/runs.jsonl" + link},
		{"daemon lock link", "a link at out/.fundalloc-daemon.lock to a file outside (schedule)", func(h *hostile, dir string) []string {
			config(onceJobs)(h, dir)
			return linkTo("out/.fundalloc-daemon.lock", false)(h, dir)
		}, []string{"schedule", "--quiet"}, 1, "fundalloc: out/.fundalloc-daemon.lock" + link},
		{"template link", "a link at a template's name to a file outside (template --force)", linkTo("tpl/ledger.xlsx", false),
			[]string{"template", "--out", "tpl", "--force"}, 1, "fundalloc: tpl/ledger.xlsx" + link},
		{"init folder link", "init DIR where DIR/data is a link to a folder outside", folderLink("city/data"),
			[]string{"init", "city"}, 1, "fundalloc: init: city/data/funds/charity.csv: city/data" + link},
		{"generate folder link", "generate --out DIR where DIR/data/funds is a link to a folder outside", folderLink("set/data/funds"),
			[]string{"generate", "--out", "set", "--stations", "2", "--vouchers", "10"}, 1, "fundalloc: data/funds/funds-01.csv: set/data/funds" + link},

		{"record folder link", "out/record is a link to a folder outside (approve)", func(h *hostile, dir string) []string {
			draft(h, dir)
			return folderLink("out/record")(h, dir)
		}, approve, 1, "fundalloc: out/record" + link},
		{"version link", "a link at out/record/budget-2026-v1.json to a file outside (approve)", func(h *hostile, dir string) []string {
			draft(h, dir)
			return linkTo("out/record/budget-2026-v1.json", false)(h, dir)
		}, approve, 1, "fundalloc: out/record/budget-2026-v1.json" + link},
		{"record link", "a link at out/record/record.jsonl to a file outside (versions)", linkTo("out/record/record.jsonl", false),
			[]string{"versions"}, 1, "fundalloc: out/record/record.jsonl" + link},

		{"config FIFO", "--config names a FIFO (nothing ever writes to it)", func(h *hostile, dir string) []string {
			mkfifo(h.t, filepath.Join(dir, "pipe.yaml"))
			return nil
		}, []string{"validate", "--config", "pipe.yaml"}, 2,
			"pipe.yaml: the configuration is a named pipe (FIFO), not a regular file: give the path of a YAML file"},
		{"config dev zero", "--config /dev/zero (endless zeros)", none, []string{"validate", "--config", "/dev/zero"}, 2,
			"/dev/zero: the configuration is a device, not a regular file: give the path of a YAML file"},
		{"config dev urandom", "--config /dev/urandom (endless noise)", none, []string{"budget", "--config", "/dev/urandom"}, 2,
			"/dev/urandom: the configuration is a device, not a regular file: give the path of a YAML file"},
		{"config folder", "--config names a folder", none, []string{"validate", "--config", "ledgers"}, 2,
			"ledgers: the configuration is a folder, not a regular file: give the path of a YAML file"},
		{"config link to a device", "fundalloc.yaml is a link to /dev/zero", func(h *hostile, dir string) []string {
			os.Remove(filepath.Join(dir, "fundalloc.yaml"))
			h.link(dir, "fundalloc.yaml", "/dev/zero")
			return nil
		}, []string{"validate", "--config", "fundalloc.yaml"}, 2,
			"fundalloc.yaml: the configuration is a device, not a regular file: give the path of a YAML file"},
		{"config too large", "a configuration of 2 MB", func(h *hostile, dir string) []string {
			f, _ := os.OpenFile(filepath.Join(dir, "fundalloc.yaml"), os.O_APPEND|os.O_WRONLY, 0)
			f.Write(bytes.Repeat([]byte("# padding\n"), 200_000))
			f.Close()
			return nil
		}, []string{"validate", "--config", "fundalloc.yaml"}, 2,
			"fundalloc.yaml: the configuration is larger than 1048576 bytes (is this the right file?)"},
		{"fiscal year fraction", "fiscal_year: 2026.5", func(h *hostile, dir string) []string {
			body, _ := os.ReadFile(filepath.Join(dir, "fundalloc.yaml"))
			os.WriteFile(filepath.Join(dir, "fundalloc.yaml"), bytes.Replace(body, []byte("fiscal_year: 2026"), []byte("fiscal_year: 2026.5"), 1), 0o644)
			return nil
		}, []string{"validate", "--config", "fundalloc.yaml"}, 2, `fundalloc.yaml: fiscal_year: "2026.5" is not a whole number`},

		{"cron never fires", "a job whose spec never fires (31 February)", job("0 0 31 2 *"), []string{"schedule", "--config", "fundalloc.yaml"}, 2,
			`fundalloc.yaml: schedule.jobs[0].spec: job "nightly": "0 0 31 2 *" never fires (no such date)`},
		{"cron every 0s", "@every 0s (robfig would fire it every second)", job("@every 0s"), []string{"schedule", "--config", "fundalloc.yaml"}, 2,
			`fundalloc.yaml: schedule.jobs[0].spec: job "nightly": "@every 0s" is less than a second apart: the interval must be at least 1s`},
		{"cron every 500ms", "@every 500ms", job("@every 500ms"), []string{"schedule", "--config", "fundalloc.yaml"}, 2,
			`fundalloc.yaml: schedule.jobs[0].spec: job "nightly": "@every 500ms" is less than a second apart: the interval must be at least 1s`},
		{"cron other zone", "a TZ= prefix naming another zone than schedule.timezone", job("TZ=Asia/Tokyo 0 6 1 * *"),
			[]string{"schedule", "--config", "fundalloc.yaml"}, 2,
			`fundalloc.yaml: schedule.jobs[0].spec: job "nightly": "TZ=Asia/Tokyo 0 6 1 * *" sets the time zone Asia/Tokyo, not schedule.timezone Asia/Shanghai: the zone is set by schedule.timezone alone (remove the TZ= prefix)`},
		{"cron bad zone", "a CRON_TZ= prefix naming no zone", job("CRON_TZ=Mars/Olympus 0 6 1 * *"), []string{"schedule", "--config", "fundalloc.yaml"}, 2,
			`fundalloc.yaml: schedule.jobs[0].spec: "CRON_TZ=Mars/Olympus 0 6 1 * *" is not a cron spec (5 fields, e.g. "0 6 1 * *", or @monthly, @every 1h): provided bad location Mars/Olympus: unknown time zone Mars/Olympus`},
	}
}

// TestFilesAndTrust runs every trustCase in a small city's folder.
func TestFilesAndTrust(t *testing.T) {
	for _, tc := range trustCases() {
		t.Run(tc.name, func(t *testing.T) {
			h := newHostile(t)
			dir := cityFor(t, badCase{})
			empty := tc.setup(h, dir)
			// ./fundalloc.yaml is the city's configuration.
			r := fundalloc(t, dir, nil, append(append([]string(nil), tc.args...), "--lang", "en")...)
			stderr := strings.ReplaceAll(r.stderr, dir+string(filepath.Separator), "")
			lines := strings.Split(strings.TrimSpace(stderr), "\n")
			if last := lines[len(lines)-1]; r.code != tc.exit || last != tc.want {
				t.Errorf("exit %d, want %d\n got %s\nwant %s", r.code, tc.exit, last, tc.want)
			}
			h.untouched(empty...)
			// No temporary file is left anywhere in the city's folder.
			filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
				if err == nil && strings.HasPrefix(d.Name(), reports.TempPrefix) {
					t.Errorf("temporary file left: %s", p)
				}
				return nil
			})
		})
	}
}

// TestTrustMessagesInChinese: the refusals follow the configured language,
// Chinese by default.
func TestTrustMessagesInChinese(t *testing.T) {
	h := newHostile(t)
	dir := cityFor(t, badCase{})
	h.link(dir, "out/.fundalloc.lock", h.outside)
	r := fundalloc(t, dir, nil, "budget")
	if want := "out/.fundalloc.lock 是符号链接：fundalloc 在其写入的位置从不跟随链接（请删除该链接，或把 out 指向真实的文件夹）"; r.code != 1 || !strings.Contains(r.stderr, want) {
		t.Errorf("link: exit %d: %s", r.code, r.stderr)
	}
	h.untouched()
	r = fundalloc(t, dir, nil, "validate", "--config", "/dev/zero")
	if want := "/dev/zero: 配置文件是设备文件，不是普通文件：请给出 YAML 文件的路径"; r.code != 2 || !strings.Contains(r.stderr, want) {
		t.Errorf("device: exit %d: %s", r.code, r.stderr)
	}
	f, _ := os.OpenFile(filepath.Join(dir, "fundalloc.yaml"), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("schedule:\n  jobs:\n    - {name: 夜间, spec: \"0 0 31 2 *\", run: budget}\n")
	f.Close()
	r = fundalloc(t, dir, nil, "schedule", "--once", "夜间")
	if want := `schedule.jobs[0].spec: 任务 "夜间" 的 "0 0 31 2 *" 永远不会触发（没有这样的日期）`; r.code != 2 || !strings.Contains(r.stderr, want) {
		t.Errorf("cron: exit %d: %s", r.code, r.stderr)
	}
}

// TestUnknownEnvironmentVariablesAreNamed: a FUNDALLOC_ variable that names
// no setting is not silently ignored; the warning names the nearest one.
func TestUnknownEnvironmentVariablesAreNamed(t *testing.T) {
	dir := cityFor(t, badCase{})
	env := map[string]string{"FUNDALLOC_STAGES_HUB_AMONUT": "100.00", "FUNDALLOC_CONFIG": "fundalloc.yaml", "FUNDALLOC_LANGAUGE": "en",
		"FUNDALLOC_STAGES_DEMAND_DRIVERS_CHARITY": "population"}
	r := fundalloc(t, dir, env, "validate", "--lang", "en")
	for _, want := range []string{
		"warning: environment variable FUNDALLOC_STAGES_HUB_AMONUT is not a fundalloc setting and is ignored (did you mean FUNDALLOC_STAGES_HUB_AMOUNT?)",
		"warning: environment variable FUNDALLOC_LANGAUGE is not a fundalloc setting and is ignored (did you mean FUNDALLOC_LANGUAGE?)",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if r.code != 0 || strings.Count(r.stderr, "warning:") != 2 {
		t.Errorf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	r = fundalloc(t, dir, env, "validate")
	if !strings.Contains(r.stderr, "环境变量 FUNDALLOC_STAGES_HUB_AMONUT 不是 fundalloc 的设置，已忽略（是否应为 FUNDALLOC_STAGES_HUB_AMOUNT？）") {
		t.Errorf("Chinese: %s", r.stderr)
	}
	if r := fundalloc(t, dir, env, "validate", "-q"); strings.Contains(r.stderr, "warning") {
		t.Errorf("--quiet: %s", r.stderr)
	}
}

// TestAFrequentJobIsAllowedWithAWarning: an interval under a minute is the
// scheduler's to warn of, in its log.
func TestAFrequentJobIsAllowedWithAWarning(t *testing.T) {
	dir := cityFor(t, badCase{})
	f, _ := os.OpenFile(filepath.Join(dir, "fundalloc.yaml"), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("schedule:\n  jobs:\n    - {name: quick, spec: \"@every 30s\", run: budget}\n")
	f.Close()
	r := fundalloc(t, dir, nil, "schedule", "--config", "fundalloc.yaml", "--once", "quick", "--lang", "en")
	if r.code != 0 || !strings.Contains(r.stderr, `level=WARN msg="job \"quick\" runs every 30s, more often than once a minute"`) {
		t.Errorf("exit %d: %s", r.code, r.stderr)
	}
	if r := fundalloc(t, dir, nil, "budget", "--config", "fundalloc.yaml", "-q", "--lang", "en"); r.code != 0 || r.stderr != "" {
		t.Errorf("budget warns of the schedule: %s", r.stderr)
	}
}

// TestFailedScheduledRunsAreJournaled: a scheduled run leaves a journal
// line however it fails: bad input on an output folder that does not exist
// yet (the failed run leaves no folder of its own), a link in place of the
// output lock.
func TestFailedScheduledRunsAreJournaled(t *testing.T) {
	dir := cityFor(t, badCase{files: map[string]any{"funds/a.csv": fundsWith("F1,charity,民政局,,12.345,")}})
	f, _ := os.OpenFile(filepath.Join(dir, "fundalloc.yaml"), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(onceJobs)
	f.Close()
	journal := &scheduler.Journal{Path: filepath.Join(dir, "out", scheduler.JournalName)}
	r := fundalloc(t, dir, nil, "schedule", "--config", "fundalloc.yaml", "--once", "annual", "--lang", "en", "-q")
	if r.code != 2 || !strings.Contains(r.stderr, `funds/a.csv:2:E: amount "12.345" has more than 2 decimal places`) {
		t.Errorf("bad input: exit %d: %s", r.code, r.stderr)
	}
	entries, _, err := journal.Read()
	if err != nil || len(entries) != 1 || entries[0].Status != scheduler.Failed || !strings.Contains(entries[0].Error, "12.345") {
		t.Fatalf("journal after a failed run on a new folder: %+v %v", entries, err)
	}
	// The output lock is a link: the run fails, and is journaled.
	h := newHostile(t)
	h.link(dir, "out/"+scheduler.OutputLock, h.outside)
	os.WriteFile(filepath.Join(dir, "funds", "a.csv"), []byte(badCityFunds), 0o644)
	r = fundalloc(t, dir, nil, "schedule", "--config", "fundalloc.yaml", "--once", "annual", "--lang", "en", "-q")
	if r.code != 1 || !strings.Contains(r.stderr, scheduler.OutputLock+" is a symbolic link") {
		t.Errorf("lock link: exit %d: %s", r.code, r.stderr)
	}
	entries, _, _ = journal.Read()
	if len(entries) != 2 || entries[1].Status != scheduler.Failed || !strings.Contains(entries[1].Error, "is a symbolic link") {
		t.Errorf("journal after the lock link: %+v", entries)
	}
	h.untouched()
}

// TestCleanupCommandsTakeTheLock: init, template and generate remove the
// temporary files they find in the folder they write to; while a budget
// writes to that folder (and holds its output lock) they wait for it, and
// give up without touching its files.
func TestCleanupCommandsTakeTheLock(t *testing.T) {
	for _, args := range [][]string{
		{"template", "--out", "folder"},
		{"init", "folder"},
		{"generate", "--out", "folder", "--stations", "2", "--vouchers", "10"},
	} {
		t.Run(args[0], func(t *testing.T) {
			dir := t.TempDir()
			folder := filepath.Join(dir, "folder")
			lock, err := scheduler.Acquire(context.Background(), folder, scheduler.OutputLock,
				scheduler.Holder{PID: 4242, Command: "fundalloc budget", Since: time.Date(2026, 11, 1, 6, 0, 0, 0, time.UTC)}, 0, nil)
			if err != nil {
				t.Fatal(err)
			}
			running := filepath.Join(folder, reports.TempPrefix+"budget-2026.xlsx-4242")
			os.WriteFile(running, []byte("a budget being written"), 0o600)
			r := fundalloc(t, dir, nil, append(args, "--lock-wait", "100ms", "--lang", "en")...)
			if r.code != 1 || !strings.Contains(r.stderr, "is being written by fundalloc budget (pid 4242") {
				t.Errorf("while locked: exit %d: %s", r.code, r.stderr)
			}
			if _, err := os.Stat(running); err != nil {
				t.Errorf("the running budget's temporary file was removed: %v", err)
			}
			lock.Release()
			// Once the budget is done, the next run cleans up after a crash.
			if r := fundalloc(t, dir, nil, append(args, "--lang", "en", "-q")...); r.code != 0 {
				t.Fatalf("after release: exit %d: %s", r.code, r.stderr)
			}
			if _, err := os.Stat(running); err == nil {
				t.Error("a crashed run's temporary file was not removed")
			}
		})
	}
}

// trustDoc renders the cases of TestFilesAndTrust, and the other tests of
// DESIGN §13, as the Files and trust section of docs/bad-inputs.md.
func trustDoc(cases []trustCase) []byte {
	var b bytes.Buffer
	b.WriteString(`
## Files and trust

fundalloc runs unattended, on folders other people write to (DESIGN §13). These cases set up the
output folder, the configuration and the environment as a hostile user with write access to them
would: real symbolic links in the output folder aimed at a file outside it (or at a path that does
not exist, which following the link would create), a FIFO or a device as the configuration. In
every case the file outside is unchanged (content, modification time) and the path that did not
exist still does not, no temporary file is left, and the command exits with the code shown. The
message is the last line on stderr (a refused link is an internal failure, exit 1: the inputs are
fine, the folder is not). Paths are relative to the city's folder. They are the cases of
` + "`TestFilesAndTrust`" + ` in ` + "`cmd/fundalloc/trust_test.go`" + `.

| # | hostile setup | command | exit | exact message | test case |
|---|---|---|---|---|---|
`)
	for i, tc := range cases {
		fmt.Fprintf(&b, "| %d | %s | %s | %d | %s | %s |\n", i+1, docCell(tc.kind), docCode("fundalloc "+strings.Join(tc.args, " ")),
			tc.exit, docCode(tc.want), docCode("TestFilesAndTrust/"+strings.ReplaceAll(tc.name, " ", "_")))
	}
	b.WriteString(`
The rest of DESIGN §13 is shown by tests of their own:

| what is tried | outcome | test |
|---|---|---|
| a FIFO as ./fundalloc.yaml, with a writer watching whether it is ever opened for reading | exit 2 at once; it is never opened | ` + "`TestAConfigFIFOIsNeverOpened`" + ` |
| ` + "`FUNDALLOC_STAGES_HUB_AMONUT=100.00`" + ` in the environment | the run goes on, with ` + "`warning: environment variable FUNDALLOC_STAGES_HUB_AMONUT is not a fundalloc setting and is ignored (did you mean FUNDALLOC_STAGES_HUB_AMOUNT?)`" + ` | ` + "`TestUnknownEnvironmentVariablesAreNamed`" + ` |
| a job ` + "`@every 30s`" + ` | allowed; the scheduler logs ` + "`job \"quick\" runs every 30s, more often than once a minute`" + ` | ` + "`TestAFrequentJobIsAllowedWithAWarning`" + ` |
| ` + "`schedule --once`" + ` with bad input and no output folder yet; then with a link at ` + "`out/.fundalloc.lock`" + ` | exit 2, then 1; each run leaves a ` + "`failed`" + ` line in ` + "`out/runs.jsonl`" + ` | ` + "`TestFailedScheduledRunsAreJournaled`" + ` |
| ` + "`template`" + `, ` + "`init`" + `, ` + "`generate`" + ` on a folder a budget is writing (it holds the output lock, its temporary file is there) | exit 1, ` + "`folder/ is being written by fundalloc budget (pid 4242, since 2026-11-01 06:00:00); try again when it has finished`" + `; the budget's temporary file is left alone | ` + "`TestCleanupCommandsTakeTheLock`" + ` |
| the output folder a 6 MB tmpfs: the disk fills in the middle of the workbook's sheets | exit 1, ` + "`out/budget-2026.xlsx: the disk is full; nothing was written (free some space and run again)`" + `; no temporary file left (the reports package also cuts the sheets short at every point: ` + "`TestASheetCutShortLeavesNothing`" + `) | ` + "`TestAFullDiskLeavesNoTemporaryFiles`" + ` |
| SIGTERM while a budget writes its workbook | exit 1, ` + "`fundalloc: interrupted (terminated signal received); nothing was written`" + `; no temporary file, the previous outputs unchanged | ` + "`TestSIGTERMStopsABudgetMidWrite`" + ` |
| 1,000 idle connections to ` + "`schedule --listen`" + ` (half after one keep-alive request), the daemon limited to 128 file descriptors | the jobs go on running and being journaled; the daemon holds at most 32 connections; ` + "`/healthz`" + ` answers once the clients go | ` + "`TestIdleClientsCannotStarveTheDaemon`" + ` |
| a 100 MB journal, then ` + "`GET /runs`" + ` and ` + "`runs --last 1`" + ` | read from the end: under 1 MB allocated (reading a 75 MB journal whole took 800 MB) | ` + "`TestTailOfAHundredMegabyteJournal`" + `, ` + "`TestRunsLastReadsTheEnd`" + ` |
| unit names ` + "`_x0041_`" + ` and ` + "`_x005F_x0041_`" + ` written to a workbook | they read back as written, not as ` + "`A`" + ` | ` + "`TestEscapeLikeNamesReadBackAsWritten`" + ` (reports) |
| CSV text starting with a tab or a carriage return, then ` + "`=`" + ` | written behind a ` + "`'`" + `; refunds stay numbers | ` + "`TestCSVNeutralisesTabAndCarriageReturn`" + ` (reports) |
`)
	return b.Bytes()
}

func docCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

func docCode(s string) string {
	if strings.Contains(s, "`") {
		return "`` " + docCell(s) + " ``"
	}
	return "`" + docCell(s) + "`"
}

// TestRunsLastReadsTheEnd: `runs --last 1` on a 100 MB journal reads its
// end only, so what it costs does not grow with the journal.
func TestRunsLastReadsTheEnd(t *testing.T) {
	dir := cityFor(t, badCase{})
	out := filepath.Join(dir, "out")
	os.Mkdir(out, 0o755)
	f, err := os.Create(filepath.Join(out, scheduler.JournalName))
	if err != nil {
		t.Fatal(err)
	}
	line := func(i int) string {
		return fmt.Sprintf(`{"job":"annual","run":"budget","period":"2026","scheduled":"2026-11-01T02:00:00+08:00","start":"2026-11-01T02:00:00+08:00",`+
			`"end":"2026-11-01T02:00:01+08:00","status":"failed","inputs":[],"outputs":[],"error":"run %d: %s"}`+"\n", i, strings.Repeat("e", 200))
	}
	var buf bytes.Buffer
	n := 0
	for size := 0; size < 100<<20; size += buf.Len() {
		buf.Reset()
		for buf.Len() < 1<<20 {
			buf.WriteString(line(n))
			n++
		}
		f.Write(buf.Bytes())
	}
	f.Close()
	var r result
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	r = fundalloc(t, dir, nil, "runs", "--config", "fundalloc.yaml", "--last", "1", "--lang", "en")
	runtime.ReadMemStats(&after)
	used := after.TotalAlloc - before.TotalAlloc
	t.Logf("runs --last 1 on a %d-run journal allocated %d bytes", n, used)
	if r.code != 0 || strings.Count(r.stdout, "\n") != 2 || !strings.Contains(r.stdout, fmt.Sprintf("run %d: eee", n-1)) {
		t.Errorf("exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	if used > 8<<20 {
		t.Errorf("runs --last 1 on a 100 MB journal allocated %d bytes", used)
	}
}
