package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"fundalloc/allocation"
	"fundalloc/config"
	"fundalloc/reports"
	"fundalloc/reports/msg"
	"fundalloc/sources"
)

func newDiffCmd(g *globals) *cobra.Command {
	var noWorkbook bool
	cmd := &cobra.Command{
		Use:   "diff A B",
		Short: g.t(msg.DiffShort),
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, lock, err := g.configLocked(cmd)
			if err != nil {
				return err
			}
			defer lock.Release()
			res, err := diffBudgets(cmd.Context(), g, cfg, args[0], args[1], !noWorkbook)
			if err != nil {
				return err
			}
			if !g.quiet {
				res.print(g.stdout)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&noWorkbook, "no-workbook", false, g.t(msg.CmdFlagNoBook))
	addLockWaitFlag(cmd, g)
	return cmd
}

// diffResult is a written diff.
type diffResult struct {
	report  *reports.DiffReport
	outputs []string
}

// diffBudgets reads two budgets (v1, v2 … of the configured year, draft,
// or a budget JSON's path), compares them (allocation.DiffBudgets) and
// writes diff-<A>-<B>.json and .xlsx in the output folder. A version is
// read only when the record up to it still verifies. The caller holds the
// output lock.
func diffBudgets(ctx context.Context, g *globals, cfg *config.Config, argA, argB string, workbook bool) (*diffResult, error) {
	rec, err := readRecord(cfg)
	if err != nil {
		return nil, err
	}
	var budgets [2]*sources.BudgetFile
	var labels [2]string
	for k, arg := range []string{argA, argB} {
		if budgets[k], labels[k], err = budgetArg(g, cfg, rec, arg); err != nil {
			return nil, err
		}
	}
	d := allocation.DiffBudgets(&budgets[0].Budget, &budgets[1].Budget)
	dr := &reports.DiffReport{A: labels[0], B: labels[1], Year: budgets[1].Year, Language: cfg.Language, Document: cfg.Document, Diff: d,
		Categories: cfg.Categories, RunDate: g.runDate(cfg), TempDir: cfg.Out}
	if err := interrupted(ctx); err != nil {
		return nil, err
	}
	out, err := openOut(cfg.Out)
	if err != nil {
		return nil, err
	}
	defer out.Close()
	base := "diff-" + safeName(labels[0]) + "-" + safeName(labels[1])
	type output struct {
		name  string
		write func(io.Writer) error
	}
	outs := []output{{base + ".json", func(w io.Writer) error { return reports.WriteDiffJSON(w, dr) }}}
	if workbook {
		outs = append(outs, output{base + ".xlsx", func(w io.Writer) error { return reports.WriteDiffWorkbook(ctx, w, dr) }})
	}
	res := &diffResult{report: dr}
	b := reports.NewBatch(ctx)
	for _, o := range outs {
		if err := b.WriteIn(out, o.name, o.write); err != nil {
			b.Abort()
			return nil, stopped(ctx, err)
		}
		res.outputs = append(res.outputs, out.Join(o.name))
	}
	if err := interrupted(ctx); err != nil {
		b.Abort()
		return nil, err
	}
	return res, b.Commit()
}

// budgetArg reads the budget an argument of diff names: vN (a version of
// the configured year, read only when the record up to it verifies:
// theRecord.verifyUse), draft (the
// output folder's budget-<year>.json), or the path of a budget JSON. It
// returns the budget and its label.
func budgetArg(g *globals, cfg *config.Config, rec *theRecord, arg string) (*sources.BudgetFile, string, error) {
	switch _, isVersion := sources.ParseVersion(arg); {
	case isVersion:
		v, err := rec.find(cfg.FiscalYear, arg)
		if err != nil {
			return nil, "", err
		}
		if err := rec.verifyUse(v); err != nil {
			return nil, "", err
		}
		path := rec.path(v.File(".json"))
		bf, sum, err := readBudget(cfg, path, path)
		if err != nil {
			return nil, "", err
		}
		if sum != v.SHA256 { // changed since it was verified
			return nil, "", inputError{&sources.ChainError{Version: v.Version, Year: v.Year,
				Err: msg.RecordChanged.Wrap(sources.ErrBadEnum, path, sum, v.SHA256)}}
		}
		return bf, arg, nil
	case arg == "draft":
		path, _ := draftPaths(cfg)
		bf, _, err := readBudget(cfg, path, path)
		return bf, arg, err
	default:
		bf, _, err := readInputBudget(cfg, g.path(arg), arg)
		return bf, strings.TrimSuffix(filepath.Base(arg), ".json"), err
	}
}

// topChanges is how many changes the summary lists.
const topChanges = 10

// topPoolReasons is how many pool-wide reasons the summary lists.
const topPoolReasons = 8

// print writes the short summary: the totals, the pool-wide reasons, and
// the largest changes with their main reason.
func (r *diffResult) print(w io.Writer) {
	dr := r.report
	d, l := dr.Diff, dr.Lang()
	fmt.Fprintln(w, msg.DiffHead.In(l, dr.A, dr.B, dr.Year))
	var before, after allocation.Fen
	for c := range d.Categories {
		before += d.Totals[0][c]
		after += d.Totals[1][c]
	}
	if d.Empty() {
		fmt.Fprintln(w, msg.DiffSame.In(l))
	} else {
		change := reports.Yuan(after - before)
		if after >= before {
			change = "+" + change
		}
		fmt.Fprintln(w, msg.DiffCounted.In(l, len(d.Rows), reports.Yuan(before), reports.Yuan(after), change))
	}
	for k, name := range []string{dr.A, dr.B} {
		if d.Unrecorded[k] {
			fmt.Fprintln(w, msg.DiffUnrecorded.In(l, name))
		}
	}
	if len(d.PoolReasons) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, msg.DiffPoolHead.In(l))
		for i := range d.PoolReasons[:min(len(d.PoolReasons), topPoolReasons)] {
			fmt.Fprintln(w, "  "+dr.Reason(&d.PoolReasons[i], l))
		}
		if n := len(d.PoolReasons) - topPoolReasons; n > 0 {
			fmt.Fprintln(w, "  "+msg.DiffMore.In(l, n))
		}
	}
	if len(d.Rows) > 0 {
		top := make([]int, len(d.Rows))
		for i := range top {
			top[i] = i
		}
		slices.SortStableFunc(top, func(a, b int) int {
			return cmp.Compare(absFen(d.Rows[b].Change()), absFen(d.Rows[a].Change()))
		})
		top = top[:min(len(top), topChanges)]
		fmt.Fprintln(w)
		fmt.Fprintln(w, msg.DiffTop.In(l, len(top)))
		rows := [][]string{strings.Split(msg.DiffTableHead.In(l), "|")}
		for _, i := range top {
			row := &d.Rows[i]
			rate := row.Rate.Percent()
			if rate == "" {
				rate = msg.DiffNone.In(l)
			}
			rows = append(rows, []string{row.Unit, dr.CategoryName(row.Category, l), reports.Yuan(row.Before), reports.Yuan(row.After),
				reports.Yuan(row.Change()), rate, dr.MainReason(row, l)})
		}
		printTable(w, "llrrrrl", rows)
	}
	fmt.Fprintln(w)
	for _, p := range r.outputs {
		fmt.Fprintln(w, msg.CmdWrote.In(l, p))
	}
}

func absFen(f allocation.Fen) allocation.Fen {
	if f < 0 {
		return -f
	}
	return f
}
