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
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/net/netutil"

	"fundalloc/allocation"
	"fundalloc/cmd/fundalloc/scheduler"
	"fundalloc/config"
	"fundalloc/reports/msg"
)

func newScheduleCmd(g *globals) *cobra.Command {
	var (
		once, listen, logFormat string
		shutdown                time.Duration
	)
	cmd := &cobra.Command{
		Use:   "schedule",
		Short: g.t(msg.CmdSchedShort),
		Long:  g.t(msg.CmdSchedLong),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if logFormat != "text" && logFormat != "json" {
				return usageError{msg.CmdSchedLogFormat.Err(logFormat)}
			}
			// The configuration's warnings go to the log, made once the
			// configuration says in which zone.
			var early []string
			g.warn = func(text string) { early = append(early, text) }
			cfg, err := g.loadConfig(cmd)
			if err != nil {
				return err
			}
			// The daemon logs in the bureau's time zone and language.
			log := newLogger(g.stderr, logFormat, g.quiet, cfg.Schedule.Location)
			g.warn = func(text string) { log.Warn(text) }
			for _, w := range early {
				log.Warn(w)
			}
			for _, w := range cfg.Schedule.Warnings {
				log.Warn(w.Localize(g.language))
			}
			if len(cfg.Schedule.Jobs) == 0 {
				return badInput(msg.CmdSchedNoJobs, config.SourceName(cfg.Source, g.language), config.EnvPrefix)
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
				return usageError{msg.CmdSchedNoSuchJob.Err(once, strings.Join(names, ", "))}
			}

			daemon, err := scheduler.Acquire(cmd.Context(), cfg.Out, scheduler.DaemonLock, g.holder(cfg.Schedule.Location, "fundalloc schedule"), 0, nil)
			if err != nil {
				return err
			}
			defer daemon.Release()
			if listen != "" {
				stop, err := serveHealth(listen, s, log, g.language)
				if err != nil {
					return err
				}
				defer stop()
			}
			return s.Run(cmd.Context())
		},
	}
	f := cmd.Flags()
	f.StringVar(&once, "once", "", g.t(msg.CmdSchedFlagOnce))
	f.StringVar(&listen, "listen", "", g.t(msg.CmdSchedFlagListen))
	f.StringVar(&logFormat, "log-format", "text", g.t(msg.CmdSchedFlagLog))
	f.DurationVar(&shutdown, "shutdown-timeout", scheduler.DefaultShutdownTimeout, g.t(msg.CmdSchedFlagShut))
	addLockWaitFlag(cmd, g)
	return cmd
}

// newLogger logs to w in format (text or json), with timestamps in loc.
func newLogger(w io.Writer, format string, quiet bool, loc *time.Location) *slog.Logger {
	opts := &slog.HandlerOptions{Level: slog.LevelInfo, ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey && len(groups) == 0 && a.Value.Kind() == slog.KindTime {
			a.Value = slog.TimeValue(a.Value.Time().In(loc))
		}
		return a
	}}
	if quiet {
		opts.Level = slog.LevelWarn
	}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// newScheduler wires the configuration read at start into a scheduler: the
// schedule is fixed for the daemon's life; each run reloads the rest.
func (g *globals) newScheduler(cmd *cobra.Command, start *config.Config, log *slog.Logger, shutdown time.Duration) *scheduler.Scheduler {
	s := &scheduler.Scheduler{
		Journal:         &scheduler.Journal{Path: filepath.Join(start.Out, scheduler.JournalName)},
		Location:        start.Schedule.Location,
		Language:        g.language,
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
			log.Warn(g.t(msg.CmdSchedOutChanged), "job", job.Name, "configured", cfg.Out, "using", start.Out)
			cfg.Out = start.Out
		}
		return cfg, nil
	}
	// run takes the output lock for the whole run and hashes what it wrote
	// before letting go, so the journal holds what this run wrote.
	run := func(ctx context.Context, do func(*config.Config) ([]allocation.FileHash, []string, error)) (in, out []allocation.FileHash, err error) {
		cfg, err := reload()
		if err != nil {
			return nil, nil, err
		}
		lock, err := g.lockOut(ctx, cfg, "fundalloc schedule, job "+job.Name, func(h scheduler.Holder) {
			log.Warn(g.t(msg.CmdSchedWaiting), "job", job.Name, "holder", h.Localize(g.language), "wait", g.lockWait.String())
		})
		if err != nil {
			return nil, nil, err
		}
		defer lock.Release()
		in, outputs, err := do(cfg)
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
		j.Func = func(ctx context.Context, _ string) ([]allocation.FileHash, []allocation.FileHash, error) {
			return run(ctx, func(cfg *config.Config) ([]allocation.FileHash, []string, error) {
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
		j.Func = func(ctx context.Context, period string) ([]allocation.FileHash, []allocation.FileHash, error) {
			return run(ctx, func(cfg *config.Config) ([]allocation.FileHash, []string, error) {
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

// The health listener's bounds (DESIGN §13): monitoring makes a request
// now and then, so a client that sends nothing, or keeps a connection idle,
// is cut off soon, and no more than healthConns connections are open at
// once: the rest wait in the kernel's queue, holding none of the daemon's
// file descriptors, which its jobs need.
const (
	healthConns       = 32
	healthHeaderWait  = 2 * time.Second
	healthReadWait    = 5 * time.Second
	healthWriteWait   = 10 * time.Second
	healthIdleWait    = 5 * time.Second
	healthHeaderBytes = 8 << 10
)

// serveHealth serves the scheduler's monitoring endpoints on addr; stop
// shuts the server down.
func serveHealth(addr string, s *scheduler.Scheduler, log *slog.Logger, l msg.Lang) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, msg.PathError.Err("--listen", err)
	}
	ln = netutil.LimitListener(ln, healthConns)
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: healthHeaderWait, ReadTimeout: healthReadWait,
		WriteTimeout: healthWriteWait, IdleTimeout: healthIdleWait, MaxHeaderBytes: healthHeaderBytes,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	log.Info(msg.CmdSchedListening.In(l), "addr", ln.Addr().String(), "paths", "/healthz /runs")
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error(msg.CmdSchedHealthErr.In(l), "error", err)
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
		Short: g.t(msg.CmdRunsShort),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if last < 0 {
				return usageError{msg.CmdRunsLast.Err(last)}
			}
			cfg, err := g.loadConfig(cmd)
			if err != nil {
				return err
			}
			j := &scheduler.Journal{Path: filepath.Join(cfg.Out, scheduler.JournalName)}
			var entries []scheduler.Entry
			var warnings []msg.Text
			if last > 0 {
				entries, warnings, err = j.Tail(last) // the end of the journal only
			} else {
				entries, warnings, err = j.Read()
			}
			for _, w := range warnings {
				fmt.Fprintln(g.stderr, g.t(msg.CmdWarning, w))
			}
			if err != nil {
				return err
			}
			if len(entries) == 0 {
				fmt.Fprintln(g.stdout, g.t(msg.CmdRunsNone, j.Path))
				return nil
			}
			printRuns(g.stdout, g.language, entries, cfg.Schedule.Location)
			return nil
		},
	}
	cmd.Flags().IntVar(&last, "last", 0, g.t(msg.CmdRunsFlagLast))
	return cmd
}

// printRuns prints journal entries as a table: job, period, start,
// duration, status, error (its first line).
func printRuns(w io.Writer, l msg.Lang, entries []scheduler.Entry, loc *time.Location) {
	rows := [][]string{{msg.CmdRunsJob.In(l), msg.CmdRunsPeriod.In(l), msg.CmdRunsStart.In(l), msg.CmdRunsDuration.In(l),
		msg.CmdRunsStatus.In(l), msg.CmdRunsError.In(l)}}
	for _, e := range entries {
		dur := "-"
		if e.Status != scheduler.Skipped {
			dur = formatDuration(e.End.Sub(e.Start))
		}
		text, rest, more := strings.Cut(e.Error, "\n")
		if r := []rune(text); len(r) > 100 {
			text = string(r[:100]) + "…"
		}
		if more {
			n := strings.Count(rest, "\n") + 1
			text += plural(l, n, msg.CmdRunsMoreLine, msg.CmdRunsMoreLines)
		}
		rows = append(rows, []string{e.Job, orDash(e.Period), e.Start.In(loc).Format("2006-01-02 15:04:05"), dur, statusName(l, e.Status), text})
	}
	printTable(w, "llllll", rows)
}

// statusName is a run's status in words.
func statusName(l msg.Lang, s scheduler.Status) string {
	switch s {
	case scheduler.OK:
		return msg.CmdRunsOK.In(l)
	case scheduler.Failed:
		return msg.CmdRunsFailed.In(l)
	case scheduler.Skipped:
		return msg.CmdRunsSkipped.In(l)
	}
	return string(s)
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
