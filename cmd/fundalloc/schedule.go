package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"fundalloc/cmd/fundalloc/scheduler"
	"fundalloc/config"
	"fundalloc/reports"
)

func newScheduleCmd(g *globals) *cobra.Command {
	var (
		once, listen, logFormat string
		shutdown                time.Duration
	)
	cmd := &cobra.Command{
		Use:   "schedule",
		Short: "Run the configured jobs on their cron specs until stopped; journal every run in <out>/runs.jsonl",
		Long: `schedule runs the jobs of schedule.jobs (run: budget or run: reconcile) on their
cron specs in schedule.timezone, until SIGINT or SIGTERM. A reconcile job
reconciles the month that ended before its scheduled time. Every run is
journaled in <out>/runs.jsonl; 'fundalloc runs' prints the journal.

On SIGINT/SIGTERM no new run starts, the running job is told to stop (it
writes nothing unless it had already finished), and the process exits 0
once it has, or 1 if it is still running after --shutdown-timeout.

With --once JOB it runs that job now, journals it and exits with its exit code.`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log, err := newLogger(g.stderr, logFormat, g.quiet)
			if err != nil {
				return err
			}
			cfg, err := g.loadConfig(cmd)
			if err != nil {
				return err
			}
			if len(cfg.Schedule.Jobs) == 0 {
				return badInput("schedule.jobs is empty: nothing to schedule (add jobs to %s, or set %s_SCHEDULE_JOBS)", cfg.Source, config.EnvPrefix)
			}
			s := g.newScheduler(cmd, cfg, log, shutdown)
			if once != "" {
				var names []string
				for _, j := range cfg.Schedule.Jobs {
					if j.Name == once {
						_, err := s.RunOnce(cmd.Context(), once)
						return err
					}
					names = append(names, j.Name)
				}
				return usageError{fmt.Errorf("--once %q: no such job; the configured jobs are %s", once, strings.Join(names, ", "))}
			}

			daemon, err := scheduler.Acquire(cmd.Context(), cfg.Out, scheduler.DaemonLock, g.holder(cfg, "fundalloc schedule"), 0, nil)
			if err != nil {
				return err
			}
			defer daemon.Release()
			if listen != "" {
				stop, err := serveHealth(listen, s, log)
				if err != nil {
					return err
				}
				defer stop()
			}
			return s.Run(cmd.Context())
		},
	}
	f := cmd.Flags()
	f.StringVar(&once, "once", "", "run the job named JOB now, journal it and exit with its exit code")
	f.StringVar(&listen, "listen", "", "serve /healthz and /runs on this address, e.g. 127.0.0.1:8089 (default: off)")
	f.StringVar(&logFormat, "log-format", "text", "log format on stderr: text or json")
	f.DurationVar(&shutdown, "shutdown-timeout", scheduler.DefaultShutdownTimeout, "on SIGINT/SIGTERM, how long to wait for a running job")
	addLockWaitFlag(cmd, g)
	return cmd
}

func newLogger(w io.Writer, format string, quiet bool) (*slog.Logger, error) {
	opts := &slog.HandlerOptions{Level: slog.LevelInfo}
	if quiet {
		opts.Level = slog.LevelWarn
	}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, usageError{fmt.Errorf("--log-format %q: use text or json", format)}
}

// newScheduler wires the configuration read at start into a scheduler: the
// schedule is fixed for the daemon's life; each run reloads the rest.
func (g *globals) newScheduler(cmd *cobra.Command, start *config.Config, log *slog.Logger, shutdown time.Duration) *scheduler.Scheduler {
	s := &scheduler.Scheduler{
		Journal:         &scheduler.Journal{Path: filepath.Join(start.Out, scheduler.JournalName)},
		Location:        start.Schedule.Location,
		CatchUp:         start.Schedule.CatchUp,
		ShutdownTimeout: shutdown,
		Now:             g.clock(),
		Log:             log,
	}
	for _, j := range start.Schedule.Jobs {
		s.Jobs = append(s.Jobs, g.scheduledJob(cmd, start, j, log))
	}
	return s
}

// scheduledJob turns a configured job into a scheduler job. Each run
// reloads the configuration, so edited inputs and parameters take effect,
// but keeps the output folder the scheduler started with (its journal and
// locks are there).
func (g *globals) scheduledJob(cmd *cobra.Command, start *config.Config, job config.Job, log *slog.Logger) scheduler.Job {
	spec, err := scheduler.Parse(job.Spec)
	if err != nil {
		panic(err) // config.Load validated every spec
	}
	reload := func() (*config.Config, error) {
		cfg, err := g.loadConfig(cmd)
		if err != nil {
			return nil, err
		}
		if cfg.Out != start.Out {
			log.Warn("out changed in the configuration; the scheduler keeps writing to the folder it started with until it is restarted",
				"job", job.Name, "configured", cfg.Out, "using", start.Out)
			cfg.Out = start.Out
		}
		return cfg, nil
	}
	// run takes the output lock for the whole run and hashes what it wrote
	// before letting go, so the journal holds what this run wrote.
	run := func(ctx context.Context, do func(*config.Config) ([]reports.Input, []string, error)) (in, out []scheduler.Hash, err error) {
		cfg, err := reload()
		if err != nil {
			return nil, nil, err
		}
		lock, err := g.lockOut(ctx, cfg, "fundalloc schedule, job "+job.Name, func(h scheduler.Holder) {
			log.Warn("waiting for the output folder", "job", job.Name, "holder", h.String(), "wait", g.lockWait.String())
		})
		if err != nil {
			return nil, nil, err
		}
		defer lock.Release()
		inputs, outputs, err := do(cfg)
		for _, i := range inputs {
			in = append(in, scheduler.Hash{Path: i.Path, SHA256: i.SHA256})
		}
		for _, p := range outputs {
			h, herr := scheduler.HashFile(p, g.outputName(cfg, p))
			if herr != nil {
				return in, out, errors.Join(err, herr)
			}
			out = append(out, h)
		}
		return in, out, err
	}

	j := scheduler.Job{Name: job.Name, Run: job.Run, Schedule: spec}
	switch job.Run {
	case "budget":
		j.Period = func(time.Time) string {
			if cfg, err := g.loadConfig(cmd); err == nil {
				return strconv.Itoa(cfg.FiscalYear)
			}
			return strconv.Itoa(start.FiscalYear)
		}
		j.Func = func(ctx context.Context, _ string) ([]scheduler.Hash, []scheduler.Hash, error) {
			return run(ctx, func(cfg *config.Config) ([]reports.Input, []string, error) {
				res, err := budget(ctx, g, cfg, true)
				if err != nil {
					return nil, nil, err
				}
				return res.in.hashes, res.outputs, nil
			})
		}
	case "reconcile":
		loc := start.Schedule.Location
		j.Period = func(t time.Time) string { return scheduler.MonthBefore(t, loc) }
		j.Func = func(ctx context.Context, period string) ([]scheduler.Hash, []scheduler.Hash, error) {
			return run(ctx, func(cfg *config.Config) ([]reports.Input, []string, error) {
				res, err := reconcile(ctx, g, cfg, reconcileOptions{month: period, workbook: true})
				if err != nil {
					return nil, nil, err
				}
				return res.inputs, res.outputs, nil
			})
		}
	}
	return j
}

// outputName is how the journal names an output: relative to the config
// file's folder, like the inputs (to the working directory for the embedded
// sample city), or absolute when it lies outside that folder.
func (g *globals) outputName(cfg *config.Config, p string) string {
	base := cfg.Base.Dir
	if cfg.Base.FS != nil {
		base = g.dir
	}
	if base == "" {
		base = "."
	}
	absBase, err1 := filepath.Abs(base)
	absPath, err2 := filepath.Abs(p)
	if err1 != nil || err2 != nil {
		return p
	}
	rel, err := filepath.Rel(absBase, absPath)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return absPath
	}
	return filepath.ToSlash(rel)
}

// serveHealth serves the scheduler's monitoring endpoints on addr; stop
// shuts the server down.
func serveHealth(addr string, s *scheduler.Scheduler, log *slog.Logger) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--listen: %w", err)
	}
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 5 * time.Second}
	log.Info("health endpoints listening", "addr", ln.Addr().String(), "paths", "/healthz /runs")
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("health server", "error", err)
		}
	}()
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}, nil
}

func newRunsCmd(g *globals) *cobra.Command {
	var last int
	cmd := &cobra.Command{
		Use:   "runs",
		Short: "Print the scheduler's journal (<out>/runs.jsonl) as a table",
		RunE: func(cmd *cobra.Command, _ []string) error {
			if last < 0 {
				return usageError{fmt.Errorf("--last %d: give a number of runs ≥ 0", last)}
			}
			cfg, err := g.loadConfig(cmd)
			if err != nil {
				return err
			}
			j := &scheduler.Journal{Path: filepath.Join(cfg.Out, scheduler.JournalName)}
			entries, warnings, err := j.Read()
			for _, w := range warnings {
				fmt.Fprintln(g.stderr, "warning:", w)
			}
			if err != nil {
				return err
			}
			if len(entries) == 0 {
				fmt.Fprintf(g.stdout, "no runs journaled in %s yet\n", j.Path)
				return nil
			}
			if last > 0 && len(entries) > last {
				entries = entries[len(entries)-last:]
			}
			printRuns(g.stdout, entries, cfg.Schedule.Location)
			return nil
		},
	}
	cmd.Flags().IntVar(&last, "last", 0, "print only the last N runs (default: all)")
	return cmd
}

// printRuns prints journal entries as a table: job, period, start,
// duration, status, error (its first line).
func printRuns(w io.Writer, entries []scheduler.Entry, loc *time.Location) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "job\tperiod\tstart\tduration\tstatus\terror")
	for _, e := range entries {
		dur := "-"
		if e.Status != scheduler.Skipped {
			dur = formatDuration(e.End.Sub(e.Start))
		}
		msg, rest, more := strings.Cut(e.Error, "\n")
		if r := []rune(msg); len(r) > 100 {
			msg = string(r[:100]) + "…"
		}
		if more {
			n := strings.Count(rest, "\n") + 1
			msg += fmt.Sprintf(" (+%d more %s)", n, plural(n, "line", "lines"))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", e.Job, orDash(e.Period), e.Start.In(loc).Format("2006-01-02 15:04:05"), dur, e.Status, msg)
	}
	tw.Flush()
}

func formatDuration(d time.Duration) string {
	switch {
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	case d < time.Minute:
		return d.Round(100 * time.Millisecond).String()
	default:
		return d.Round(time.Second).String()
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
