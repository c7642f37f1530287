package main

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"fundalloc/config"
)

// globals are the flags every command takes.
type globals struct {
	config string
	out    string
	lang   string
	quiet  bool
	dir    string // working directory; "" is the process's
	now    func() time.Time
	timing phases
	// showProgress allows a progress bar: set by the interactive commands,
	// never by the scheduler, whose stderr is its log.
	showProgress bool
	getenv       func(string) string
	stdout       io.Writer
	stderr       io.Writer
	// lockWait is how long a run waits for the output folder's lock (--lock-wait).
	lockWait time.Duration
}

// loadConfig loads the configuration with the flags applied.
func (g *globals) loadConfig(cmd *cobra.Command) (*config.Config, error) {
	set := map[string]any{}
	if cmd.Flags().Changed("lang") {
		set["language"] = g.lang
	}
	return config.Load(config.Options{Path: g.config, Dir: g.dir, Getenv: g.getenv, Set: set, Out: g.out})
}

// path resolves a path given on the command line against the working
// directory g.dir (the process's when it is "").
func (g *globals) path(p string) string {
	if g.dir != "" && !filepath.IsAbs(p) {
		return filepath.Join(g.dir, p)
	}
	return p
}

// runDate is the day a run is made on, at midnight in the bureau's time
// zone: outputs carry it, so re-running on the same day gives the same files.
func (g *globals) runDate(cfg *config.Config) time.Time {
	y, m, d := g.clock()().In(cfg.Schedule.Location).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, cfg.Schedule.Location)
}

// run is the whole program: it parses args, runs the command and returns the
// exit code. Tests call it in-process.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	g := &globals{stdout: stdout, stderr: stderr}
	return runWith(ctx, g, args)
}

func runWith(ctx context.Context, g *globals, args []string) int {
	root := newRoot(g)
	root.SetArgs(args)
	root.SetOut(g.stdout)
	root.SetErr(g.stderr)
	err := root.ExecuteContext(ctx)
	if err != nil && isUsage(err) {
		root.PrintErrln("fundalloc:", err)
		root.PrintErrln("Run 'fundalloc --help' for usage.")
		return exitInput
	}
	return exitCode(err, g.stderr)
}

// usageError marks errors in the command line itself.
type usageError struct{ error }

func isUsage(err error) bool {
	if _, ok := err.(usageError); ok {
		return true
	}
	// cobra reports an unknown command as a plain error.
	return strings.HasPrefix(err.Error(), "unknown command")
}

func newRoot(g *globals) *cobra.Command {
	root := &cobra.Command{
		Use:   "fundalloc",
		Short: "Allocate a city's social-work funds across hub, stations and rooms, exact to the fen",
		Long: `fundalloc consolidates the fund lines that providers send (social assistance,
elderly care, child welfare, community governance, social affairs, other
departments and mass organisations, charity) into one pool per category,
allocates it across the city hub, the town/street stations and the
village/community rooms exactly to the fen, and writes the budget JSON and
workbook. With no configuration it runs on the embedded sample city.

Exit codes: 0 success, 1 internal failure, 2 bad input, config or usage,
3 reconciliation found exceptions and --strict was given.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	pf := root.PersistentFlags()
	pf.StringVar(&g.config, "config", "", "configuration file (default: $FUNDALLOC_CONFIG, ./fundalloc.yaml, else the embedded sample city)")
	pf.StringVar(&g.out, "out", "", "output directory (default: the config's out)")
	pf.StringVar(&g.lang, "lang", "zh", "workbook labels: zh or en")
	pf.BoolVarP(&g.quiet, "quiet", "q", false, "print nothing but errors")
	addProfiling(root, g)
	root.AddCommand(newBudgetCmd(g), newReconcileCmd(g), newValidateCmd(g), newInitCmd(g), newTemplateCmd(g),
		newScheduleCmd(g), newRunsCmd(g), newGenerateCmd(g))
	for _, c := range root.Commands() {
		c.Args = wrapArgs(c.Args)
	}
	return root
}

// wrapArgs makes argument-count errors usage errors (exit 2).
func wrapArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	if check == nil {
		check = cobra.NoArgs
	}
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return usageError{err}
		}
		return nil
	}
}
