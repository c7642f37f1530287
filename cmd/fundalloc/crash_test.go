package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fundalloc/allocation"
	"fundalloc/reports"
	"fundalloc/sources"
)

// TestMain lets a test start the real program as a child process: with
// FUNDALLOC_TEST_MAIN=1 the test binary is fundalloc, run on its
// arguments as main runs it (signals included), instead of the tests.
// FUNDALLOC_TEST_LIMITS sets resource limits first (see childLimits).
func TestMain(m *testing.M) {
	if os.Getenv("FUNDALLOC_TEST_MAIN") == "1" {
		// Not settings: fundalloc would warn of them.
		limits := os.Getenv("FUNDALLOC_TEST_LIMITS")
		os.Unsetenv("FUNDALLOC_TEST_MAIN")
		os.Unsetenv("FUNDALLOC_TEST_LIMITS")
		if err := setChildLimits(limits); err != nil {
			fmt.Fprintln(os.Stderr, "test limits:", err)
			os.Exit(99)
		}
		os.Exit(mainCode())
	}
	os.Exit(m.Run())
}

// child returns the test binary set up to run as fundalloc with args, in an
// environment cleared of FUNDALLOC_ settings but for env.
func child(t *testing.T, env []string, args ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "FUNDALLOC_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "FUNDALLOC_TEST_MAIN=1")
	cmd.Env = append(cmd.Env, env...)
	return cmd
}

// outState is what an output folder holds: the SHA-256 of each file under
// its final name, and the names of the temporary files.
type outState struct {
	final map[string]string
	temp  []string
}

func readOut(t *testing.T, dir string) outState {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	st := outState{final: map[string]string{}}
	for _, e := range entries {
		switch {
		case strings.HasPrefix(e.Name(), reports.TempPrefix):
			st.temp = append(st.temp, e.Name())
		case e.Name() == ".fundalloc.lock":
		default:
			data, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(data)
			st.final[e.Name()] = hex.EncodeToString(sum[:])
		}
	}
	return st
}

// crashScale is the data set of the crash test: big enough that writing the
// budget workbook takes a few seconds (a second or two under the race
// detector, which slows everything else more).
func crashScale() []string {
	if raceEnabled {
		return []string{"--stations", "300", "--rooms-per-station", "15", "--fund-lines", "15000"}
	}
	return []string{"--stations", "1500", "--rooms-per-station", "15", "--fund-lines", "100000"}
}

// crashSet generates crashScale's data set and runs a first budget on it:
// the outputs of record that an interrupted run must leave as they are.
func crashSet(t *testing.T) (cfg, out string, first outState, took time.Duration) {
	t.Helper()
	dir := t.TempDir()
	gen := append([]string{"generate", "--out", "set", "--vouchers", "10", "--quiet"}, crashScale()...)
	if r := fundalloc(t, dir, nil, gen...); r.code != 0 {
		t.Fatalf("generate: exit %d\n%s", r.code, r.stderr)
	}
	cfg = filepath.Join(dir, "set", "fundalloc.yaml")
	out = filepath.Join(dir, "set", "out")
	t0 := time.Now()
	if b, err := child(t, nil, "budget", "--config", cfg, "--quiet").CombinedOutput(); err != nil {
		t.Fatalf("first budget: %v\n%s", err, b)
	}
	took = time.Since(t0)
	first = readOut(t, out)
	if len(first.final) != 3 || len(first.temp) != 0 {
		t.Fatalf("after the first run: %v, temporary %v", first.final, first.temp)
	}
	return cfg, out, first, took
}

// sameFinals fails unless after holds the files of before under their
// final names, unchanged, and no others.
func sameFinals(t *testing.T, before, after outState) {
	t.Helper()
	for name, sum := range after.final {
		if before.final[name] != sum {
			t.Errorf("%s under its final name is not the previous run's (a partial or new file)", name)
		}
	}
	if len(after.final) != len(before.final) {
		t.Errorf("final files %v, want %v", after.final, before.final)
	}
}

// TestBudgetSurvivesSIGKILL kills a budget run with SIGKILL while it writes
// the budget workbook, then checks that the previous outputs are intact, no
// partial file stands under a final name, and the next run cleans up the
// temporary files and writes the new outputs (DESIGN §6).
func TestBudgetSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a large data set and runs the program three times")
	}
	start := time.Now()
	// 1. A finished run: the outputs of record.
	cfg, out, first, firstRun := crashSet(t)
	budgetArgs := []string{"budget", "--config", cfg, "--quiet"}

	// 2. Another hub amount makes every output differ; kill that run while
	// it writes the workbook's bytes to its temporary file.
	newHub := []string{"FUNDALLOC_STAGES_HUB_AMOUNT=80000000.00"}
	cmd := child(t, newHub, budgetArgs...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	workbookTemp := reports.TempPrefix + "budget-2026.xlsx-"
	var killedAt string
	var last int64 = -1
poll:
	for {
		select {
		case err := <-exited:
			t.Fatalf("the second run finished (%v) before it was caught writing the workbook: make the data set in crashScale bigger\n%s", err, stderr.String())
		default:
		}
		entries, _ := os.ReadDir(out)
		for _, e := range entries {
			if !strings.HasPrefix(e.Name(), workbookTemp) {
				continue
			}
			info, err := e.Info()
			if err != nil {
				continue
			}
			// Growing: the workbook is being written, neither before nor after.
			if size := info.Size(); size > 0 && last >= 0 && size > last {
				killedAt = fmt.Sprintf("%s at %d bytes", e.Name(), size)
				break poll
			} else {
				last = size
			}
		}
		time.Sleep(time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL: no deferred cleanup runs
		t.Fatal(err)
	}
	if err := <-exited; err == nil || !strings.Contains(err.Error(), "killed") {
		t.Fatalf("the second run was not killed: %v", err)
	}
	t.Logf("killed while writing %s", killedAt)

	after := readOut(t, out)
	if len(after.temp) == 0 {
		t.Errorf("no temporary file was left: the kill did not happen mid-write")
	}
	if !slices.ContainsFunc(after.temp, func(n string) bool { return strings.HasPrefix(n, workbookTemp) }) {
		t.Errorf("the workbook's temporary file is gone: %v", after.temp)
	}
	sameFinals(t, first, after)

	// 3. The next run cleans up and writes the new outputs.
	if b, err := child(t, newHub, budgetArgs...).CombinedOutput(); err != nil {
		t.Fatalf("third budget: %v\n%s", err, b)
	}
	third := readOut(t, out)
	if len(third.temp) != 0 {
		t.Errorf("temporary files left after a finished run: %v", third.temp)
	}
	for name, sum := range third.final {
		if first.final[name] == sum {
			t.Errorf("%s is still the first run's", name)
		}
	}
	if len(third.final) != 3 {
		t.Errorf("final files %v", third.final)
	}
	var doc struct {
		Lines []struct{ Stage, Amount string }
	}
	data, err := os.ReadFile(filepath.Join(out, "budget-2026.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	var hub allocation.Fen
	for _, l := range doc.Lines {
		if l.Stage == "hub" {
			f, err := sources.ParseAmount(l.Amount)
			if err != nil {
				t.Fatal(err)
			}
			hub += f
		}
	}
	if hub != 8_000_000_000 {
		t.Errorf("the new budget's hub lines sum to %s, want 80000000.00", hub)
	}
	t.Logf("first run %v; whole test %v", firstRun.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
}

// TestStaleTempFilesAreRemoved leaves temporary files as a crashed run would
// in every folder a command writes to, and checks that the next run of each
// command removes them and leaves none of its own.
func TestStaleTempFilesAreRemoved(t *testing.T) {
	dir := t.TempDir()
	stale := func(folders ...string) []string {
		var paths []string
		for _, f := range folders {
			if err := os.MkdirAll(f, 0o755); err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(f, reports.TempPrefix+"budget-2026.json-123")
			if err := os.WriteFile(p, []byte("half a fi"), 0o600); err != nil {
				t.Fatal(err)
			}
			paths = append(paths, p)
		}
		return paths
	}
	noTemps := func(command string, folders ...string) {
		t.Helper()
		for _, f := range folders {
			entries, err := os.ReadDir(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				if strings.HasPrefix(e.Name(), reports.TempPrefix) {
					t.Errorf("%s: %s left in %s", command, e.Name(), f)
				}
			}
		}
	}
	city := filepath.Join(dir, "city")
	folders := []string{city, filepath.Join(city, "data"), filepath.Join(city, "data", "funds"), filepath.Join(city, "data", "ledgers")}
	stale(folders...)
	if r := fundalloc(t, dir, nil, "init", "city", "-q"); r.code != 0 {
		t.Fatalf("init: exit %d\n%s", r.code, r.stderr)
	}
	noTemps("init", folders...)

	out := filepath.Join(city, "out")
	cfg := filepath.Join(city, "fundalloc.yaml")
	for _, args := range [][]string{{"budget"}, {"reconcile", "--month", "2026-10"}} {
		stale(out)
		if r := fundalloc(t, dir, nil, append(args, "--config", cfg, "-q")...); r.code != 0 {
			t.Fatalf("%s: exit %d\n%s", args[0], r.code, r.stderr)
		}
		noTemps(args[0], out)
	}

	tpl := filepath.Join(dir, "tpl")
	stale(tpl)
	if r := fundalloc(t, dir, nil, "template", "--out", tpl, "-q"); r.code != 0 {
		t.Fatalf("template: exit %d\n%s", r.code, r.stderr)
	}
	noTemps("template", tpl)

	set := filepath.Join(dir, "set")
	folders = []string{set, filepath.Join(set, "data"), filepath.Join(set, "data", "funds"), filepath.Join(set, "data", "ledgers")}
	stale(folders...)
	if r := fundalloc(t, dir, nil, "generate", "--out", set, "--stations", "2", "--vouchers", "10", "-q", "--force"); r.code != 0 {
		t.Fatalf("generate: exit %d\n%s", r.code, r.stderr)
	}
	noTemps("generate", folders...)
}
