package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"fundalloc/config"
	"fundalloc/reports/msg"
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
	// soleJob is set by the command-line budget, whose run is the
	// process's only job: it may turn the garbage collector off while it
	// reads. Never by the scheduler.
	soleJob bool
	getenv  func(string) string
	// environ lists the environment for the warning about FUNDALLOC_
	// variables that name no setting; nil with getenv nil is os.Environ.
	environ func() []string
	// warn shows a warning; nil prints it on stderr (the scheduler logs it).
	warn   func(string)
	warned bool // the configuration's warnings were shown
	stdout io.Writer
	stderr io.Writer
	// lockWait is how long a run waits for the output folder's lock (--lock-wait).
	lockWait time.Duration

	// language is what the command prints in: --lang, else
	// FUNDALLOC_LANGUAGE, else zh, until the configuration is loaded; then
	// the configured language (which --lang overrides).
	language msg.Lang
}

// loadConfig loads the configuration with the flags applied. From then on
// the command prints in the configured language; when the configuration
// has errors, they are printed in its language if it could be read.
func (g *globals) loadConfig(cmd *cobra.Command) (*config.Config, error) {
	set := map[string]any{}
	if cmd.Flags().Changed("lang") {
		set["language"] = g.lang
	}
	cfg, err := config.Load(config.Options{Path: g.config, Dir: g.dir, Getenv: g.getenv, Environ: g.environ, Set: set, Out: g.out})
	var cfgErrs *config.Errors
	switch {
	case err == nil:
		g.language = msg.Of(cfg.Language)
	case errors.As(err, &cfgErrs) && cfgErrs.Language != "":
		g.language = msg.Of(cfgErrs.Language)
	}
	if err == nil && !g.warned {
		// Once: the scheduler loads the configuration again for every run.
		g.warned = true
		for _, w := range cfg.Warnings {
			g.warning(w.Localize(g.language))
		}
	}
	return cfg, err
}

// t renders a message in the command's language.
func (g *globals) t(m *msg.Message, args ...any) string { return m.In(g.language, args...) }

// startLanguage is the language of a command before its configuration is
// read, and of --help: --lang in args, else FUNDALLOC_LANGUAGE, else zh.
func startLanguage(args []string, getenv func(string) string) msg.Lang {
	for i, a := range args {
		if a == "--" {
			break
		}
		if v, ok := strings.CutPrefix(a, "--lang="); ok {
			return msg.Of(v)
		}
		if a == "--lang" && i+1 < len(args) {
			return msg.Of(args[i+1])
		}
	}
	if getenv == nil {
		getenv = os.Getenv
	}
	return msg.Of(strings.ToLower(getenv(config.EnvPrefix + "_LANGUAGE")))
}

// warning shows a warning: in the scheduler's log, or on stderr unless
// --quiet.
func (g *globals) warning(text string) {
	switch {
	case g.warn != nil:
		g.warn(text)
	case !g.quiet:
		fmt.Fprintln(g.stderr, g.t(msg.CmdWarning, text))
	}
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
	g.language = startLanguage(args, g.getenv)
	root := newRoot(g)
	root.SetArgs(args)
	root.SetOut(g.stdout)
	root.SetErr(g.stderr)
	err := root.ExecuteContext(ctx)
	if u, ok := asUsage(root, err); ok {
		root.PrintErrln("fundalloc:", msg.Localize(u, g.language))
		root.PrintErrln(g.t(msg.CmdSeeHelp))
		return exitInput
	}
	return exitCode(err, g.stderr, g.language)
}

// usageError marks errors in the command line itself.
type usageError struct{ error }

// unknownCommand is how cobra words an unknown command.
var unknownCommand = regexp.MustCompile(`^unknown command "(.*)" for "`)

// asUsage reports whether err is an error in the command line, and says it
// in the catalogue's words where cobra's would be English.
func asUsage(root *cobra.Command, err error) (error, bool) {
	if err == nil {
		return nil, false
	}
	if u, ok := err.(usageError); ok {
		return u.error, true
	}
	// cobra reports an unknown command as a plain error.
	if m := unknownCommand.FindStringSubmatch(err.Error()); m != nil {
		if s := root.SuggestionsFor(m[1]); len(s) > 0 {
			return msg.CmdDidYouMean.Err(m[1], strings.Join(s, ", ")), true
		}
		return msg.CmdUnknownCmd.Err(m[1]), true
	}
	return nil, false
}

// flagError says what is wrong with a flag in the catalogue's words.
func flagError(err error) error {
	var (
		notExist *pflag.NotExistError
		needs    *pflag.ValueRequiredError
		invalid  *pflag.InvalidValueError
		syntax   *pflag.InvalidSyntaxError
	)
	switch {
	case errors.As(err, &notExist):
		name := "--" + notExist.GetSpecifiedName()
		if s := notExist.GetSpecifiedShortnames(); s != "" {
			name = "-" + notExist.GetSpecifiedName()
		}
		return msg.CmdUnknownFlag.Err(name)
	case errors.As(err, &needs):
		return msg.CmdFlagNeeds.Err("--" + needs.GetFlag().Name)
	case errors.As(err, &invalid):
		f := invalid.GetFlag()
		kind := any(f.Value.Type())
		switch f.Value.Type() {
		case "int", "int64", "uint", "uint64":
			kind = msg.CmdTypeInt
		case "duration":
			kind = msg.CmdTypeDuration
		case "bool":
			kind = msg.CmdTypeBool
		}
		return msg.CmdFlagValue.Err("--"+f.Name, invalid.GetValue(), kind)
	case errors.As(err, &syntax):
		return msg.CmdFlagSyntax.Err(syntax.GetSpecifiedFlag())
	}
	return err
}

func newRoot(g *globals) *cobra.Command {
	root := &cobra.Command{
		Use:           "fundalloc",
		Short:         g.t(msg.CmdRootShort),
		Long:          g.t(msg.CmdRootLong),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{flagError(err)} })
	pf := root.PersistentFlags()
	pf.StringVar(&g.config, "config", "", g.t(msg.CmdFlagConfig))
	pf.StringVar(&g.out, "out", "", g.t(msg.CmdFlagOut))
	pf.StringVar(&g.lang, "lang", "zh", g.t(msg.CmdFlagLang))
	pf.BoolVarP(&g.quiet, "quiet", "q", false, g.t(msg.CmdFlagQuiet))
	g.localizeHelp(root)
	addProfiling(root, g)
	root.AddCommand(newBudgetCmd(g), newReconcileCmd(g), newValidateCmd(g), newInitCmd(g), newTemplateCmd(g),
		newScheduleCmd(g), newRunsCmd(g), newGenerateCmd(g), newApproveCmd(g), newVersionsCmd(g), newDiffCmd(g), newNoticesCmd(g))
	for _, c := range root.Commands() {
		c.Args = wrapArgs(c.Args)
	}
	return root
}

// wrapArgs makes argument-count errors usage errors (exit 2), in the
// catalogue's words.
func wrapArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	if check == nil {
		check = cobra.NoArgs
	}
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return usageError{msg.CmdArgs.Err(cmd.Name(), len(args), useLine{cmd})}
		}
		return nil
	}
}
