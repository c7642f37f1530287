// Package scheduler runs fundalloc's jobs on their cron specs (DESIGN §9):
// robfig/cron/v3 for the ticks, in the bureau's time zone; a journal of
// every run (runs.jsonl); skip-on-overlap and panic recovery that journal
// what they did; catch-up of a run missed while the daemon was down; the
// lock that keeps two writers out of one output folder; health endpoints.
//
// It knows nothing of budgets or configuration files: the command line hands
// it jobs as functions.
package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/robfig/cron/v3"

	"fundalloc/allocation"
	"fundalloc/reports/msg"
)

// JobFunc does one run of a job for a period and returns the files it read
// and wrote with their SHA-256. It must stop soon after ctx is cancelled
// and, when it does, write nothing.
type JobFunc func(ctx context.Context, period string) (inputs, outputs []allocation.FileHash, err error)

// Job is a scheduled job.
type Job struct {
	Name     string
	Run      string        // what it runs, for the journal: budget or reconcile
	Schedule cron.Schedule // see Parse
	// Period names what a run scheduled at the given time covers; nil
	// means no period.
	Period func(scheduled time.Time) string
	Func   JobFunc
}

// DefaultShutdownTimeout bounds the wait for a running job at shutdown.
const DefaultShutdownTimeout = 30 * time.Second

// maxError bounds the error text journaled for a run, in bytes: a list of
// input problems can run to a thousand lines.
const maxError = 8 << 10

// Scheduler runs jobs. Set its fields before calling Run or RunOnce.
type Scheduler struct {
	Jobs     []Job
	Journal  *Journal
	Location *time.Location // the zone specs are read in and times written in; nil means time.Local
	// Language is that of the journal's error texts and of the log's
	// messages (DESIGN §3.5); the zero value is Chinese.
	Language msg.Lang
	// CatchUp runs, at start, the jobs that missed a run (see CatchUp).
	CatchUp bool
	// ShutdownTimeout bounds how long Run waits for a running job once its
	// context is done; 0 means DefaultShutdownTimeout.
	ShutdownTimeout time.Duration
	Now             func() time.Time // nil means time.Now
	Log             *slog.Logger     // nil means no logging

	running atomic.Bool
	once    sync.Once
	runners map[string]*runner
	// journalErr is set when a run could not be journaled, for RunOnce.
	journalErr atomic.Pointer[error]
}

// runner is one job's state: whether a run is in progress, and the times
// robfig has scheduled it for and not yet fired.
type runner struct {
	job Job

	mu      sync.Mutex
	running bool
	since   time.Time
	ticks   []time.Time
}

// tickSchedule records every time robfig computes for a job. robfig fires
// those times in the order it computed them, one run each, so the run it
// starts takes the oldest: the exact time it was scheduled for.
type tickSchedule struct {
	cron.Schedule
	r *runner
}

func (t tickSchedule) Next(now time.Time) time.Time {
	n := t.Schedule.Next(now)
	if !n.IsZero() {
		t.r.mu.Lock()
		t.r.ticks = append(t.r.ticks, n)
		if len(t.r.ticks) > 8 { // cannot happen; never grow without bound
			t.r.ticks = t.r.ticks[1:]
		}
		t.r.mu.Unlock()
	}
	return n
}

// popTick returns the time the tick firing now was scheduled for.
func (r *runner) popTick(now time.Time) time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.ticks) == 0 {
		return now
	}
	t := r.ticks[0]
	r.ticks = r.ticks[1:]
	return t
}

func (s *Scheduler) init() {
	s.once.Do(func() {
		s.runners = map[string]*runner{}
		for _, j := range s.Jobs {
			s.runners[j.Name] = &runner{job: j}
		}
		if s.Log == nil {
			s.Log = slog.New(slog.DiscardHandler)
		}
		if s.Location == nil {
			s.Location = time.Local
		}
	})
}

// t renders a message in the scheduler's language.
func (s *Scheduler) t(m *msg.Message, args ...any) string { return m.In(s.Language, args...) }

func (s *Scheduler) now() time.Time {
	if s.Now != nil {
		return s.Now().In(s.Location)
	}
	return time.Now().In(s.Location)
}

// Running reports whether Run is scheduling jobs: true from its start until
// its context is done.
func (s *Scheduler) Running() bool { return s.running.Load() }

// Run schedules the jobs until ctx is done, first catching up missed runs
// when CatchUp is set. When ctx is done it stops the ticks, cancels the
// running jobs' context and waits for them up to ShutdownTimeout. It returns
// nil after a clean stop, and an error when a job was still running when
// the wait ran out.
func (s *Scheduler) Run(ctx context.Context) error {
	s.init()
	if len(s.Jobs) == 0 {
		return msg.SchedNoJobs.Err()
	}
	if s.Journal == nil {
		return msg.SchedNoJournal.Err()
	}
	// The jobs' context outlives ctx: it is cancelled only after the ticks stop.
	jobCtx, cancelJobs := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelJobs()

	c := cron.New(cron.WithLocation(s.Location), cron.WithLogger(cronLogger{s.Log}))
	for _, j := range s.Jobs {
		r := s.runners[j.Name]
		c.Schedule(tickSchedule{j.Schedule, r}, cron.FuncJob(func() {
			// The job's own panics are recovered in call; this is the last
			// line of defence for the scheduler's code around it.
			defer func() {
				if v := recover(); v != nil {
					s.Log.Error(s.t(msg.SchedLogPanicked), "job", r.job.Name, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				}
			}()
			s.fire(jobCtx, r, r.popTick(s.now()))
		}))
	}
	c.Start()
	s.running.Store(true)
	now := s.now()
	s.Log.Info(s.t(msg.SchedLogStarted), "zone", s.Location.String(), "jobs", len(s.Jobs), "journal", s.Journal.Path, "catch_up", s.CatchUp)
	for _, j := range s.Jobs {
		s.Log.Info(s.t(msg.SchedLogScheduled), "job", j.Name, "run", j.Run, "next", Next(j.Schedule, now, s.Location).Format(time.RFC3339))
	}

	var catchUp sync.WaitGroup
	if s.CatchUp && ctx.Err() == nil {
		due := s.catchUpDecisions(now)
		catchUp.Go(func() {
			for _, d := range due {
				if jobCtx.Err() != nil {
					return
				}
				s.fire(jobCtx, s.runners[d.Job], d.Scheduled)
			}
		})
	}

	<-ctx.Done()
	s.running.Store(false)
	timeout := s.ShutdownTimeout
	if timeout <= 0 {
		timeout = DefaultShutdownTimeout
	}
	busy := s.busy()
	s.Log.Info(s.t(msg.SchedLogStopping), "running", strings.Join(busy, ", "), "wait", timeout.String())
	stopped := c.Stop()
	cancelJobs()
	done := make(chan struct{})
	go func() {
		<-stopped.Done()
		catchUp.Wait()
		close(done)
	}()
	select {
	case <-done:
		s.Log.Info(s.t(msg.SchedLogStopped))
		return nil
	case <-time.After(timeout):
		busy = s.busy()
		s.Log.Error(s.t(msg.SchedLogTimedOut), "running", strings.Join(busy, ", "), "wait", timeout.String())
		return msg.SchedShutdown.Err(strings.Join(busy, ", "), timeout)
	}
}

// catchUpDecisions reads the journal and logs what catch-up decided.
func (s *Scheduler) catchUpDecisions(now time.Time) []Decision {
	// Catch-up needs each job's last ok run only: the journal is scanned,
	// not held, however long it has grown.
	last := map[string]Entry{}
	warnings, err := s.Journal.Scan(func(e Entry) {
		if e.Status == OK && e.Scheduled.After(last[e.Job].Scheduled) {
			last[e.Job] = e
		}
	})
	entries := slices.Collect(maps.Values(last))
	for _, w := range warnings {
		s.Log.Warn(w.Localize(s.Language))
	}
	if err != nil {
		s.Log.Error(s.t(msg.SchedLogCatchUpSkip), "error", msg.Localize(err, s.Language))
		return nil
	}
	var due []Decision
	for _, d := range CatchUp(s.Jobs, entries, now, s.Location) {
		s.Log.Info(s.t(msg.SchedLogCatchUp), "job", d.Job, "run", d.Run, "decision", d.Reason.Localize(s.Language))
		if d.Run {
			due = append(due, d)
		}
	}
	return due
}

// busy lists the jobs with a run in progress.
func (s *Scheduler) busy() []string {
	var names []string
	for name, r := range s.runners {
		r.mu.Lock()
		if r.running {
			names = append(names, name)
		}
		r.mu.Unlock()
	}
	slices.Sort(names)
	return names
}

// RunOnce runs the named job now (its scheduled time is its start),
// journals the run and returns its entry and the job's own error, for the
// exit code; a run that could not be journaled fails with that error too.
func (s *Scheduler) RunOnce(ctx context.Context, name string) (Entry, error) {
	s.init()
	r, ok := s.runners[name]
	if !ok {
		return Entry{}, msg.SchedNoSuchJob.Err(name)
	}
	e, err := s.fire(ctx, r, s.now())
	if jerr := s.journalErr.Swap(nil); jerr != nil {
		err = errors.Join(err, *jerr)
	}
	return e, err
}

// fire makes the run of a tick scheduled at the given time: skipped and
// journaled as such when the job's previous run is still going, else run.
func (s *Scheduler) fire(ctx context.Context, r *runner, scheduled time.Time) (Entry, error) {
	now := s.now()
	r.mu.Lock()
	if r.running {
		since := r.since
		r.mu.Unlock()
		running := msg.SchedStillRunning.Err(since.Format("2006-01-02 15:04:05"))
		e := Entry{Job: r.job.Name, Run: r.job.Run, Scheduled: scheduled.In(s.Location), Start: now, End: now, Status: Skipped,
			Error: msg.Localize(running, s.Language)}
		e.Period = s.period(r.job, e.Scheduled)
		s.Log.Warn(s.t(msg.SchedLogSkipped), "job", e.Job, "period", e.Period,
			"scheduled", e.Scheduled.Format(time.RFC3339), "running_since", since.Format(time.RFC3339))
		s.append(e)
		return e, running
	}
	r.running, r.since = true, now
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		r.running = false
		r.mu.Unlock()
	}()
	return s.run(ctx, r.job, scheduled)
}

// run runs the job with panics recovered, then journals and logs the run.
func (s *Scheduler) run(ctx context.Context, job Job, scheduled time.Time) (Entry, error) {
	e := Entry{Job: job.Name, Run: job.Run, Scheduled: scheduled.In(s.Location), Start: s.now()}
	err := s.call(ctx, job, &e)
	e.End = s.now()
	e.Status = OK
	if err != nil {
		e.Status = Failed
		e.Error = msg.Localize(err, s.Language)
		if len(e.Error) > maxError {
			cut := maxError
			for cut > 0 && !utf8.RuneStart(e.Error[cut]) {
				cut-- // not in the middle of a character
			}
			e.Error = e.Error[:cut] + fmt.Sprintf("… (%d more bytes)", len(e.Error)-cut)
		}
	}
	s.append(e)
	attrs := []any{"job", e.Job, "period", e.Period, "status", string(e.Status), "duration", e.End.Sub(e.Start).Round(time.Millisecond).String()}
	var outs []string
	for _, o := range e.Outputs {
		outs = append(outs, o.Path)
	}
	attrs = append(attrs, "outputs", strings.Join(outs, " "))
	if err != nil {
		first, _, _ := strings.Cut(e.Error, "\n")
		s.Log.Error(s.t(msg.SchedLogFailed), append(attrs, "error", first)...)
	} else {
		s.Log.Info(s.t(msg.SchedLogFinished), attrs...)
	}
	return e, err
}

// call runs the job's period and function with any panic recovered: a
// panic becomes the run's error, and its stack goes to the log.
func (s *Scheduler) call(ctx context.Context, job Job, e *Entry) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = msg.SchedPanic.Err(fmt.Sprint(v))
			s.Log.Error(s.t(msg.SchedLogJobPanicked), "job", job.Name, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
		}
	}()
	if job.Period != nil {
		e.Period = job.Period(e.Scheduled)
	}
	s.Log.Info(s.t(msg.SchedLogJobStarted), "job", job.Name, "run", job.Run, "period", e.Period, "scheduled", e.Scheduled.Format(time.RFC3339))
	e.Inputs, e.Outputs, err = job.Func(ctx, e.Period)
	return err
}

// period names a skipped run's period; when Period panics, it is "".
func (s *Scheduler) period(job Job, scheduled time.Time) (p string) {
	defer func() { recover() }()
	if job.Period != nil {
		p = job.Period(scheduled)
	}
	return p
}

func (s *Scheduler) append(e Entry) {
	if s.Journal == nil {
		return
	}
	if err := s.Journal.Append(e); err != nil {
		s.Log.Error(s.t(msg.SchedLogNotJournaled), "job", e.Job, "status", string(e.Status), "error", msg.Localize(err, s.Language))
		s.journalErr.Store(&err)
	}
}

// cronLogger sends robfig's own messages to slog: its chatter at debug
// level, its errors as errors.
type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) { c.l.Debug("cron: "+msg, kv...) }
func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error("cron: "+msg, append(kv, "error", err)...)
}
