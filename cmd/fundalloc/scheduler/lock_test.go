//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package scheduler

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fundalloc/reports/msg"
)

func TestLockExcludesAndNamesItsHolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	since := at("2026-11-01T06:00:03+08:00")
	holder := Holder{PID: 4242, Command: "fundalloc schedule, job annual-budget", Since: since}
	first, err := Acquire(context.Background(), dir, OutputLock, holder, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	// A second taker waits, is told by whom, and gives up with a clear message.
	var told Holder
	start := time.Now()
	_, err = Acquire(context.Background(), dir, OutputLock, Holder{PID: 1, Command: "fundalloc budget"}, 300*time.Millisecond, func(h Holder) { told = h })
	var locked *LockedError
	if !errors.As(err, &locked) || time.Since(start) < 300*time.Millisecond {
		t.Fatalf("second Acquire: %v after %s", err, time.Since(start))
	}
	want := filepath.Clean(dir) + "/ is being written by fundalloc schedule, job annual-budget (pid 4242, since 2026-11-01 06:00:03); try again when it has finished"
	if err.Error() != want || told.PID != 4242 {
		t.Errorf("message:\n%s\nwant:\n%s\n(told %+v)", err, want, told)
	}
	if got, want := msg.Localize(err, msg.ZH), filepath.Clean(dir)+"/ 正由 fundalloc schedule, job annual-budget（进程号 4242，自 2026-11-01 06:00:03 起）写入；请等它完成后再试"; got != want {
		t.Errorf("in zh:\n%s\nwant:\n%s", got, want)
	}
	// A waiting taker gets the lock as soon as the holder lets go.
	go func() {
		time.Sleep(200 * time.Millisecond)
		first.Release()
	}()
	second, err := Acquire(context.Background(), dir, OutputLock, Holder{PID: 2, Command: "fundalloc budget"}, 5*time.Second, nil)
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	if h := readHolder(filepath.Join(dir, OutputLock)); h.PID != 2 {
		t.Errorf("lock file says %+v", h)
	}
	// The wait ends with the context.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := Acquire(ctx, dir, OutputLock, Holder{}, time.Minute, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("cancelled wait: %v", err)
	}
	// The daemon lock is another file, with its own message.
	d1, err := Acquire(context.Background(), dir, DaemonLock, holder, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Acquire(context.Background(), dir, DaemonLock, Holder{}, 0, nil)
	if err == nil || err.Error() != "a scheduler is already running on "+filepath.Clean(dir)+"/: fundalloc schedule, job annual-budget (pid 4242, since 2026-11-01 06:00:03); stop it first, or give this one another output folder (--out)" {
		t.Errorf("daemon lock: %v", err)
	}
	d1.Release()
	second.Release()
}

func TestLockLeavesNoFolderWhenTheRunWroteNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	l, err := Acquire(context.Background(), dir, OutputLock, Holder{PID: 1}, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	l.Release()
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the folder Acquire made for a run that wrote nothing is still there: %v", err)
	}
	// A run that wrote something keeps its folder and the lock file.
	l, _ = Acquire(context.Background(), dir, OutputLock, Holder{PID: 1}, 0, nil)
	os.WriteFile(filepath.Join(dir, "budget-2026.json"), []byte("{}"), 0o644)
	l.Release()
	if _, err := os.Stat(filepath.Join(dir, OutputLock)); err != nil {
		t.Errorf("lock file: %v", err)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, OutputLock)); len(data) != 0 {
		t.Errorf("a released lock file still names a holder: %s", data)
	}
}

// TestLockSurvivesTheFolderBeingRemoved: a process waiting on a lock file
// that its holder removes (a run that wrote nothing) must not end up
// holding a lock on a file nobody else sees.
func TestLockSurvivesTheFolderBeingRemoved(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	first, err := Acquire(context.Background(), dir, OutputLock, Holder{PID: 1}, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan *Lock)
	go func() {
		l, err := Acquire(context.Background(), dir, OutputLock, Holder{PID: 2}, 5*time.Second, nil)
		if err != nil {
			t.Error(err)
		}
		got <- l
	}()
	time.Sleep(250 * time.Millisecond) // the second is waiting
	first.Release()                    // removes the lock file and the folder
	second := <-got
	defer second.Release()
	// The second holds the lock on the file now at the path: a third cannot take it.
	if _, err := Acquire(context.Background(), dir, OutputLock, Holder{PID: 3}, 0, nil); err == nil {
		t.Fatal("a third process took a held lock")
	}
	if h := readHolder(filepath.Join(dir, OutputLock)); h.PID != 2 {
		t.Errorf("lock file at the path says %+v", h)
	}
}
