//go:build unix

package scheduler

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"fundalloc/reports/msg"
	"fundalloc/reports/outdir"
)

// goodLine is a journal line as Append writes it, numbered by its period.
func goodLine(i int) string {
	return fmt.Sprintf(`{"job":"a","run":"budget","period":"p%07d","scheduled":"2026-11-01T02:00:00+08:00","start":"2026-11-01T02:00:00+08:00",`+
		`"end":"2026-11-01T02:00:01+08:00","status":"ok","inputs":[{"path":"data/units.csv","sha256":"%s"}],"outputs":[],"error":""}`,
		i, strings.Repeat("c", 64))
}

// TestTailAgreesWithRead reads the end of journals of every shape backwards
// and compares with reading them whole.
func TestTailAgreesWithRead(t *testing.T) {
	g := func(i int) string { return goodLine(i) + "\n" }
	long := `{"job":"x","error":"` + strings.Repeat("z", MaxLine) + `"}` + "\n"
	for _, tc := range []struct {
		name, text string
	}{
		{"empty", ""},
		{"one", g(1)},
		{"several", g(1) + g(2) + g(3) + g(4)},
		{"blank lines", g(1) + "\n\n" + g(2) + "\n"},
		{"torn last line", g(1) + g(2) + goodLine(3)[:50]},
		{"whole last line without newline", g(1) + goodLine(2)},
		{"garbage last line", g(1) + "{\"job\n"},
		{"bad line in the middle", g(1) + "not json\n" + g(3)},
		{"bad line first", "nope\n" + g(2) + g(3)},
		{"blocks", strings.Repeat(g(7), 3000)}, // past one 64 KiB block
		{"a line longer than MaxLine", g(1) + long + g(3)},
	} {
		path := filepath.Join(t.TempDir(), JournalName)
		os.WriteFile(path, []byte(tc.text), 0o644)
		j := &Journal{Path: path}
		all, _, err := j.Read()
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range []int{1, 2, 3, 100000} {
			got, warnings, err := j.Tail(n)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			want := all[max(0, len(all)-n):]
			if tc.name == "a line longer than MaxLine" && n > 1 {
				want = all[len(all)-1:] // the long line stops the walk back
			}
			if len(got) != len(want) || (len(got) > 0 && !reflect.DeepEqual(got, want)) {
				t.Errorf("%s: Tail(%d) gives %d entries, Read's last %d are %d", tc.name, n, len(got), n, len(want))
			}
			for _, w := range warnings {
				if !strings.HasPrefix(w.String(), JournalName) {
					t.Errorf("%s: warning %q", tc.name, w)
				}
			}
		}
	}
	// The torn last line is reported like Read reports it.
	path := filepath.Join(t.TempDir(), JournalName)
	os.WriteFile(path, []byte(goodLine(1)+"\n"+"{\"job\":\"b\",\"ru"), 0o644)
	if _, warnings, _ := (&Journal{Path: path}).Tail(5); len(warnings) != 1 ||
		warnings[0].String() != "runs.jsonl: the last line is incomplete (a crash while writing?); it is ignored" {
		t.Errorf("torn: %q", texts(warnings, msg.EN))
	}
	os.WriteFile(path, []byte(goodLine(1)+"\nnot json\n"+goodLine(3)+"\n"), 0o644)
	if _, warnings, _ := (&Journal{Path: path}).Tail(5); len(warnings) != 1 || !strings.HasPrefix(warnings[0].String(),
		fmt.Sprintf("runs.jsonl (at byte %d): not a journal entry (invalid character", len(goodLine(1))+1)) {
		t.Errorf("bad line: %q", texts(warnings, msg.EN))
	}
}

// hugeJournal writes a journal of about size bytes, of well-formed lines
// numbered from 0.
func hugeJournal(t *testing.T, size int) (*Journal, int) {
	t.Helper()
	path := filepath.Join(t.TempDir(), JournalName)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	n := 0
	for written := 0; written < size; {
		b.Reset()
		for b.Len() < 1<<20 {
			b.WriteString(goodLine(n))
			b.WriteByte('\n')
			n++
		}
		f.Write(b.Bytes())
		written += b.Len()
	}
	f.Close()
	return &Journal{Path: path}, n
}

// allocated runs fn and returns the bytes it allocated.
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestTailOfAHundredMegabyteJournal: /runs and `runs --last N` read the end
// of the journal, so what they cost does not grow with it. (Reading a 75 MB
// journal whole took 800 MB.)
func TestTailOfAHundredMegabyteJournal(t *testing.T) {
	j, n := hugeJournal(t, 100<<20)
	if st, _ := os.Stat(j.Path); st.Size() < 100<<20 {
		t.Fatalf("the journal is %d bytes", st.Size())
	}
	var got []Entry
	bytes := allocated(func() {
		var err error
		if got, _, err = j.Tail(1); err != nil {
			t.Fatal(err)
		}
	})
	if len(got) != 1 || got[0].Period != fmt.Sprintf("p%07d", n-1) {
		t.Fatalf("Tail(1) = %+v, want the last of %d entries", got, n)
	}
	t.Logf("Tail(1) of a %d-entry journal allocated %d bytes", n, bytes)
	if bytes > 1<<20 {
		t.Errorf("Tail(1) of a 100 MB journal allocated %d bytes", bytes)
	}

	s := &Scheduler{Journal: j}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	var body []byte
	bytes = allocated(func() {
		resp, err := http.Get(srv.URL + "/runs")
		if err != nil {
			t.Fatal(err)
		}
		body, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
	})
	if !strings.Contains(string(body), fmt.Sprintf(`"period": "p%07d"`, n-1)) || strings.Count(string(body), `"job"`) != HealthRuns {
		t.Errorf("/runs: %.300s", body)
	}
	t.Logf("GET /runs allocated %d bytes", bytes)
	if bytes > 4<<20 {
		t.Errorf("/runs on a 100 MB journal allocated %d bytes", bytes)
	}
}

// TestTheJournalAndTheLocksRefuseLinks: a hostile user with write access to
// the output folder puts links where the journal and the locks go, aimed at
// a file outside; nothing outside changes, and the error says why.
func TestTheJournalAndTheLocksRefuseLinks(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "precious")
	os.WriteFile(outside, []byte("keep"), 0o644)
	old := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	os.Chtimes(outside, old, old)
	dangling := filepath.Join(t.TempDir(), "would-be-created")
	for _, name := range []string{JournalName, OutputLock, DaemonLock} {
		for _, target := range []string{outside, dangling} {
			dir := filepath.Join(t.TempDir(), "out")
			os.Mkdir(dir, 0o755)
			os.Symlink(target, filepath.Join(dir, name))
			var err error
			if name == JournalName {
				err = (&Journal{Path: filepath.Join(dir, name)}).Append(Entry{Job: "j", Status: Failed})
				if _, _, rerr := (&Journal{Path: filepath.Join(dir, name)}).Tail(1); !errors.Is(rerr, outdir.ErrLink) {
					t.Errorf("Tail through a link: %v", rerr)
				}
			} else {
				var l *Lock
				l, err = Acquire(context.Background(), dir, name, Holder{PID: 1}, 0, nil)
				l.Release()
			}
			if !errors.Is(err, outdir.ErrLink) || !strings.Contains(err.Error(), filepath.Join(dir, name)+" is a symbolic link") {
				t.Errorf("%s → %s: %v", name, target, err)
			}
		}
	}
	if data, _ := os.ReadFile(outside); string(data) != "keep" {
		t.Errorf("the file outside was written: %q", data)
	}
	if st, _ := os.Stat(outside); !st.ModTime().Equal(old) {
		t.Errorf("the file outside was touched: %v", st.ModTime())
	}
	if _, err := os.Lstat(dangling); err == nil {
		t.Error("the dangling link's target was created")
	}
	// The output folder itself a link: refused too.
	real := t.TempDir()
	link := filepath.Join(t.TempDir(), "out")
	os.Symlink(real, link)
	if _, err := Acquire(context.Background(), link, OutputLock, Holder{}, 0, nil); !errors.Is(err, outdir.ErrLink) {
		t.Errorf("a linked output folder: %v", err)
	}
	if entries, _ := os.ReadDir(real); len(entries) != 0 {
		t.Errorf("written through the linked folder: %v", entries)
	}
}

// TestAppendMakesTheFolder: a run that failed before it wrote anything (so
// its output folder was never made, or removed again) is journaled.
func TestAppendMakesTheFolder(t *testing.T) {
	j := &Journal{Path: filepath.Join(t.TempDir(), "new", "out", JournalName)}
	if err := j.Append(Entry{Job: "once", Status: Failed, Error: "bad input"}); err != nil {
		t.Fatal(err)
	}
	if got, _, err := j.Read(); err != nil || len(got) != 1 || got[0].Error != "bad input" {
		t.Errorf("journal: %+v %v", got, err)
	}
}
