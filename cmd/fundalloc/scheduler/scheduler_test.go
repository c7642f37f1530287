package scheduler

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"fundalloc/allocation"
	"fundalloc/reports/msg"
)

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// logBuffer collects log output from several goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func newTestScheduler(t *testing.T, now func() time.Time, jobs ...Job) (*Scheduler, *logBuffer) {
	t.Helper()
	var logs logBuffer
	return &Scheduler{
		Jobs:     jobs,
		Journal:  &Journal{Path: filepath.Join(t.TempDir(), JournalName)},
		Location: shanghai,
		Language: msg.EN,
		Now:      now,
		Log:      slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}, &logs
}

func readAll(t *testing.T, s *Scheduler) []Entry {
	t.Helper()
	entries, warnings, err := s.Journal.Read()
	if err != nil || len(warnings) > 0 {
		t.Fatalf("journal: %v %v", warnings, err)
	}
	return entries
}

func monthlyPeriod(t time.Time) string { return MonthBefore(t, shanghai) }

func TestOverlappingTickIsSkippedAndJournaled(t *testing.T) {
	clk := &clock{t: at("2026-11-01T06:00:00.004+08:00")}
	started, release := make(chan struct{}), make(chan struct{})
	spec, _ := Parse("@every 1m")
	job := Job{Name: "slow", Run: "reconcile", Schedule: spec, Period: monthlyPeriod,
		Func: func(ctx context.Context, period string) ([]allocation.FileHash, []allocation.FileHash, error) {
			close(started)
			<-release
			return []allocation.FileHash{{Path: "in.csv", SHA256: "x"}}, []allocation.FileHash{{Path: "out.json", SHA256: "y"}}, nil
		}}
	s, logs := newTestScheduler(t, clk.Now, job)
	s.init()
	r := s.runners["slow"]

	first := make(chan Entry)
	go func() {
		e, _ := s.fire(context.Background(), r, at("2026-11-01T06:00:00+08:00"))
		first <- e
	}()
	<-started
	clk.Set(at("2026-11-01T06:01:00.002+08:00"))
	e, err := s.fire(context.Background(), r, at("2026-11-01T06:01:00+08:00"))
	if err == nil || e.Status != Skipped || e.Error != "still running since 2026-11-01 06:00:00" || e.Period != "2026-10" ||
		!e.Start.Equal(e.End) || !e.Start.Equal(clk.Now()) || e.Scheduled.Format(time.RFC3339) != "2026-11-01T06:01:00+08:00" {
		t.Fatalf("second tick: %+v, %v", e, err)
	}
	clk.Set(at("2026-11-01T06:01:30+08:00"))
	close(release)
	if e := <-first; e.Status != OK || e.Period != "2026-10" || len(e.Outputs) != 1 || e.End.Sub(e.Start) != 90*time.Second-4*time.Millisecond {
		t.Fatalf("first run: %+v", e)
	}
	entries := readAll(t, s)
	if len(entries) != 2 || entries[0].Status != Skipped || entries[1].Status != OK {
		t.Fatalf("journal: %+v", entries)
	}
	if !strings.Contains(logs.String(), "job skipped") {
		t.Errorf("the skip was not logged:\n%s", logs)
	}
	// Once the run is over, the next tick runs.
	release = make(chan struct{})
	close(release)
	started = make(chan struct{})
	if e, err := s.fire(context.Background(), r, at("2026-11-01T06:02:00+08:00")); err != nil || e.Status != OK {
		t.Fatalf("third tick: %+v, %v", e, err)
	}
}

func TestPanicIsRecoveredJournaledAndLogged(t *testing.T) {
	clk := &clock{t: at("2026-11-01T06:00:00+08:00")}
	spec, _ := Parse("0 6 1 * *")
	calls := 0
	job := Job{Name: "monthly", Run: "reconcile", Schedule: spec, Period: monthlyPeriod,
		Func: func(ctx context.Context, period string) ([]allocation.FileHash, []allocation.FileHash, error) {
			calls++
			if calls == 1 {
				var m map[string]int
				m["boom"]++ // a nil map write: a runtime panic
			}
			return nil, nil, nil
		}}
	s, logs := newTestScheduler(t, clk.Now, job)
	s.init()
	e, err := s.fire(context.Background(), s.runners["monthly"], clk.Now())
	if err == nil || e.Status != Failed || e.Error != "panic: assignment to entry in nil map" || e.Period != "2026-10" {
		t.Fatalf("panicking run: %+v, %v", e, err)
	}
	if l := logs.String(); !strings.Contains(l, "job panicked") || !strings.Contains(l, "goroutine") || !strings.Contains(l, "scheduler_test.go") {
		t.Errorf("no stack in the log:\n%s", l)
	}
	// The job is not left "running": the next tick runs it.
	if e, err := s.fire(context.Background(), s.runners["monthly"], at("2026-12-01T06:00:00+08:00")); err != nil || e.Status != OK || e.Period != "2026-11" {
		t.Fatalf("next run: %+v, %v", e, err)
	}
	if entries := readAll(t, s); len(entries) != 2 || entries[0].Status != Failed || entries[1].Status != OK {
		t.Fatalf("journal: %+v", entries)
	}
	// A panic in Period is recovered too.
	job.Period = func(time.Time) string { panic("no period") }
	s2, _ := newTestScheduler(t, clk.Now, job)
	if e, err := s2.RunOnce(context.Background(), "monthly"); err == nil || e.Status != Failed || e.Error != "panic: no period" {
		t.Fatalf("period panic: %+v, %v", e, err)
	}
}

func TestRunOnceJournalsWithItsStartAsScheduled(t *testing.T) {
	clk := &clock{t: at("2026-11-26T22:05:03.5+08:00")}
	spec, _ := Parse("0 6 1 * *")
	bad := errors.New("2 problems in the inputs")
	s, _ := newTestScheduler(t, clk.Now,
		Job{Name: "monthly", Run: "reconcile", Schedule: spec, Period: monthlyPeriod,
			Func: func(ctx context.Context, period string) ([]allocation.FileHash, []allocation.FileHash, error) {
				return nil, nil, bad
			}})
	e, err := s.RunOnce(context.Background(), "monthly")
	if !errors.Is(err, bad) || e.Status != Failed || !e.Scheduled.Equal(e.Start) || e.Period != "2026-10" || e.Error != bad.Error() {
		t.Fatalf("once: %+v, %v", e, err)
	}
	if _, err := s.RunOnce(context.Background(), "nope"); err == nil {
		t.Error("an unknown job ran")
	}
	if entries := readAll(t, s); len(entries) != 1 {
		t.Fatalf("journal: %+v", entries)
	}
}

// TestRunStopsCleanly runs real ticks: an @every 1s job, its scheduled times
// exact to the second, and a shutdown that cancels the running job.
func TestRunStopsCleanly(t *testing.T) {
	spec, _ := Parse("@every 1s")
	var mu sync.Mutex
	runs := 0
	job := Job{Name: "quick", Run: "budget", Schedule: spec, Period: func(time.Time) string { return "2026" },
		Func: func(ctx context.Context, period string) ([]allocation.FileHash, []allocation.FileHash, error) {
			mu.Lock()
			runs++
			n := runs
			mu.Unlock()
			if n < 2 {
				return nil, nil, nil
			}
			<-ctx.Done() // the second run lasts until shutdown
			return nil, nil, ctx.Err()
		}}
	s, logs := newTestScheduler(t, nil, job)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- s.Run(ctx) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		n := runs
		mu.Unlock()
		if n >= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("two runs did not start in 10s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(1200 * time.Millisecond) // the third tick comes while the second run is still going
	if !s.Running() {
		t.Error("not running")
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return 5s after its context was cancelled")
	}
	if s.Running() {
		t.Error("still running after Run returned")
	}
	// Entries are journaled as runs end: the skipped tick's line comes before
	// the line of the run it found still going. Sorted, the scheduled times
	// are whole seconds one second apart, in the scheduler's zone.
	entries := readAll(t, s)
	var statuses []string
	var scheduled []time.Time
	for i, e := range entries {
		statuses = append(statuses, string(e.Status))
		if f := e.Scheduled.Format(time.RFC3339Nano); e.Scheduled.Nanosecond() != 0 || !strings.HasSuffix(f, "+08:00") || e.Period != "2026" {
			t.Errorf("entry %d: scheduled %s, period %s", i, f, e.Period)
		}
		scheduled = append(scheduled, e.Scheduled)
	}
	slices.SortFunc(scheduled, time.Time.Compare)
	for i := 1; i < len(scheduled); i++ {
		if d := scheduled[i].Sub(scheduled[i-1]); d != time.Second {
			t.Errorf("scheduled times %v are not one second apart", scheduled)
		}
	}
	last := entries[len(entries)-1]
	if entries[0].Status != OK || last.Status != Failed || !strings.Contains(last.Error, "context canceled") ||
		!strings.Contains(strings.Join(statuses, " "), "skipped") {
		t.Errorf("journal statuses: %s; last: %+v", statuses, last)
	}
	if l := logs.String(); !strings.Contains(l, "scheduler stopped") || !strings.Contains(l, "job started") || !strings.Contains(l, "job finished") {
		t.Errorf("log:\n%s", l)
	}
}

func TestShutdownTimesOutOnAJobThatIgnoresItsContext(t *testing.T) {
	spec, _ := Parse("@every 1s")
	started, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	job := Job{Name: "stubborn", Run: "budget", Schedule: spec,
		Func: func(ctx context.Context, period string) ([]allocation.FileHash, []allocation.FileHash, error) {
			once.Do(func() { close(started) })
			<-release
			return nil, nil, nil
		}}
	s, _ := newTestScheduler(t, nil, job)
	s.ShutdownTimeout = 100 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- s.Run(ctx) }()
	<-started
	cancel()
	err := <-done
	close(release)
	if err == nil || !strings.Contains(err.Error(), "stubborn still running 100ms after it was told to stop") {
		t.Errorf("err = %v", err)
	}
	// Let the abandoned run finish journaling before the test's folder goes.
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if entries, _, _ := s.Journal.Read(); len(entries) > 0 {
			break
		}
	}
}

func TestRunCatchesUpAMissedRunAtStart(t *testing.T) {
	clk := &clock{t: at("2026-11-26T10:00:00+08:00")}
	monthly, _ := Parse("0 6 1 * *")
	annual, _ := Parse("0 2 1 11 *")
	ran := make(chan string, 4)
	fn := func(ctx context.Context, period string) ([]allocation.FileHash, []allocation.FileHash, error) {
		ran <- period
		return nil, nil, nil
	}
	s, logs := newTestScheduler(t, clk.Now,
		Job{Name: "monthly", Run: "reconcile", Schedule: monthly, Period: monthlyPeriod, Func: fn},
		Job{Name: "annual", Run: "budget", Schedule: annual, Period: func(time.Time) string { return "2026" }, Func: fn})
	s.CatchUp = true
	// The monthly job last ran ok for October's 1st; the annual job never ran.
	s.Journal.Append(Entry{Job: "monthly", Run: "reconcile", Period: "2026-09", Scheduled: at("2026-10-01T06:00:00+08:00"),
		Start: at("2026-10-01T06:00:00+08:00"), End: at("2026-10-01T06:00:01+08:00"), Status: OK})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- s.Run(ctx) }()
	select {
	case p := <-ran:
		if p != "2026-10" {
			t.Errorf("caught up period %s, want 2026-10", p)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no catch-up run")
	}
	time.Sleep(100 * time.Millisecond)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if len(ran) != 0 {
		t.Errorf("the job that never ran was caught up too")
	}
	entries := readAll(t, s)
	if len(entries) != 2 || entries[1].Scheduled.Format(time.RFC3339) != "2026-11-01T06:00:00+08:00" || entries[1].Status != OK {
		t.Fatalf("journal: %+v", entries)
	}
	if l := logs.String(); !strings.Contains(l, "never ran ok; not caught up") || !strings.Contains(l, "missed the run scheduled 2026-11-01T06:00:00+08:00") {
		t.Errorf("log:\n%s", l)
	}
}

func TestALongErrorIsCutBetweenCharacters(t *testing.T) {
	spec, _ := Parse("@daily")
	long := "x" + strings.Repeat("金额", maxError) // 3-byte characters, misaligned by the x
	s, _ := newTestScheduler(t, nil, Job{Name: "j", Schedule: spec,
		Func: func(context.Context, string) ([]allocation.FileHash, []allocation.FileHash, error) {
			return nil, nil, errors.New(long)
		}})
	e, _ := s.RunOnce(context.Background(), "j")
	if len(e.Error) > maxError+40 || !utf8.ValidString(e.Error) || !strings.HasSuffix(e.Error, " more bytes)") {
		t.Errorf("error of %d bytes, valid UTF-8 %v, ends %q", len(e.Error), utf8.ValidString(e.Error), e.Error[len(e.Error)-30:])
	}
	if entries := readAll(t, s); len(entries) != 1 || entries[0].Error != e.Error {
		t.Error("the journal differs")
	}
}

// TestJournalAndLogFollowLanguage: in Chinese, the journal's error and the
// log's messages are Chinese; the log's keys stay ASCII.
func TestJournalAndLogFollowLanguage(t *testing.T) {
	clk := &clock{t: at("2026-11-26T22:05:03.5+08:00")}
	spec, _ := Parse("0 6 1 * *")
	s, logs := newTestScheduler(t, clk.Now,
		Job{Name: "monthly", Run: "reconcile", Schedule: spec, Period: monthlyPeriod,
			Func: func(ctx context.Context, period string) ([]allocation.FileHash, []allocation.FileHash, error) {
				return nil, nil, msg.SchedNoSuchJob.Err("x")
			}})
	s.Language = msg.ZH
	e, err := s.RunOnce(context.Background(), "monthly")
	if err == nil || e.Error != `没有名为 "x" 的任务` {
		t.Fatalf("journal error %q, %v", e.Error, err)
	}
	if entries := readAll(t, s); len(entries) != 1 || entries[0].Error != e.Error {
		t.Errorf("journaled: %+v", entries)
	}
	if l := logs.String(); !strings.Contains(l, "msg=任务开始 job=monthly") || !strings.Contains(l, "msg=任务失败 job=monthly") {
		t.Errorf("log:\n%s", l)
	}
}
