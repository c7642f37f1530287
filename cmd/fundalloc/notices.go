package main

import (
	"context"
	"fmt"
	"io"
	"path"
	"runtime"

	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"

	"fundalloc/allocation"
	"fundalloc/config"
	"fundalloc/reports"
	"fundalloc/reports/msg"
	"fundalloc/sources"
)

func newNoticesCmd(g *globals) *cobra.Command {
	var version string
	cmd := &cobra.Command{
		Use:   "notices [--version vN]",
		Short: g.t(msg.NoticesShort),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, lock, err := g.configLocked(cmd)
			if err != nil {
				return err
			}
			defer lock.Release()
			res, err := notices(cmd.Context(), g, cfg, version)
			if err != nil {
				return err
			}
			if res.draft {
				fmt.Fprintln(g.stderr, g.t(msg.CmdWarning, msg.NoticesDraft.With(res.budget)))
			}
			if !g.quiet {
				fmt.Fprintln(g.stdout, g.t(msg.NoticesDone, res.count, res.budget, reports.Yuan(res.total)))
				fmt.Fprintln(g.stdout, g.t(msg.CmdWrote, res.dir))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&version, "version", "", g.t(msg.NoticesFlagVersion))
	addLockWaitFlag(cmd, g)
	return cmd
}

// noticesResult is what a notices run wrote.
type noticesResult struct {
	dir    string // the folder of the notices
	budget string // the budget they follow: v2, or the draft's path
	draft  bool
	count  int // notices, the index not counted
	total  allocation.Fen
}

// notices writes notices/<year>/<version>/ (DESIGN §11): one notice per
// station and for the hub, and index.xlsx, all or nothing, from the version
// named (default: the year's latest version of record; without one, the
// draft budget JSON, with a warning). The caller holds the output lock.
func notices(ctx context.Context, g *globals, cfg *config.Config, version string) (*noticesResult, error) {
	rec, err := readRecord(cfg)
	if err != nil {
		return nil, err
	}
	res := &noticesResult{}
	var bf *sources.BudgetFile
	docNo := cfg.Document.Notices.DocNo
	switch v := rec.latest(cfg.FiscalYear); {
	case version != "":
		if _, ok := sources.ParseVersion(version); !ok {
			return nil, usageError{msg.NoticesBadVersion.Err(version)}
		}
		if bf, _, err = budgetArg(g, cfg, rec, version); err != nil {
			return nil, err
		}
		line, _ := rec.find(cfg.FiscalYear, version)
		res.budget = version
		if docNo == "" {
			docNo = line.DocNo
		}
	case v != nil:
		if bf, _, err = budgetArg(g, cfg, rec, v.Version); err != nil {
			return nil, err
		}
		res.budget = v.Version
		if docNo == "" {
			docNo = v.DocNo
		}
	default:
		p, _ := draftPaths(cfg)
		if bf, _, err = readBudget(cfg, p, p); err != nil {
			return nil, err
		}
		res.budget, res.draft = "draft", true
	}
	ind := bf.Indicators
	if ind == nil && bf.Recorded {
		if ind, err = allocation.Indicators(bf.Plan, bf.Sources, 0); err != nil {
			return nil, err
		}
	}
	text := cfg.Document.Notices
	text.DocNo = docNo
	n := &reports.Notices{Year: bf.Year, RunDate: g.runDate(cfg), Language: cfg.Language, Document: cfg.Document, Text: text,
		Version: res.budget, Draft: res.draft, Plan: bf.Plan, Rules: bf.Rules, Categories: cfg.Categories, Indicators: ind, TempDir: cfg.Out}
	if len(cfg.Categories) != len(bf.Plan.Categories) {
		return nil, badInput(msg.NoticesCategories, res.budget, len(bf.Plan.Categories), len(cfg.Categories))
	}
	for i, c := range bf.Plan.Categories {
		if cfg.Categories[i].Code != c {
			return nil, badInput(msg.NoticesCategories, res.budget, len(bf.Plan.Categories), len(cfg.Categories))
		}
	}
	// From v2 on, a notice sets this version against the one before.
	if num, ok := sources.ParseVersion(res.budget); ok && num > 1 {
		prev, _, err := budgetArg(g, cfg, rec, fmt.Sprintf("v%d", num-1))
		if err != nil {
			return nil, err
		}
		n.Previous = prev.Plan
	}
	units, totals := n.Prepare()
	for _, t := range totals {
		res.total += t
	}
	res.count = len(units)

	out, err := openOut(cfg.Out)
	if err != nil {
		return nil, err
	}
	defer out.Close()
	rel := path.Join("notices", fmt.Sprint(bf.Year), res.budget)
	dir, err := out.Sub(rel, true)
	if err != nil {
		return nil, err
	}
	defer dir.Close()
	if _, err := reports.CleanTempIn(dir); err != nil {
		return nil, err
	}
	res.dir = dir.Path()
	b := reports.NewBatch(ctx)
	// Notices are small and many: one workbook per goroutine, as many as
	// there are processors.
	var writers errgroup.Group
	writers.SetLimit(runtime.GOMAXPROCS(0))
	for k := range units {
		if ctx.Err() != nil {
			break
		}
		writers.Go(func() error {
			name := reports.NoticeFileName(&bf.Plan.Units[units[k]])
			return b.WriteIn(dir, name, func(w io.Writer) error { return n.WriteNotice(ctx, w, k) })
		})
	}
	first := writers.Wait()
	if first == nil {
		first = b.WriteIn(dir, "index.xlsx", func(w io.Writer) error { return n.WriteNoticeIndex(ctx, w) })
	}
	if first == nil {
		first = interrupted(ctx)
	}
	if first != nil {
		b.Abort()
		return nil, stopped(ctx, first)
	}
	if err := b.Commit(); err != nil {
		return nil, err
	}
	return res, nil
}
