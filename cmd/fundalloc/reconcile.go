package main

import (
	"context"
	"fmt"
	"regexp"
	"runtime"
	"strconv"

	"github.com/spf13/cobra"

	"fundalloc/allocation"
	"fundalloc/config"
	"fundalloc/reports"
	"fundalloc/reports/msg"
	"fundalloc/sources"
)

func newReconcileCmd(g *globals) *cobra.Command {
	var (
		month, budget      string
		strict, noWorkbook bool
	)
	cmd := &cobra.Command{
		Use:   "reconcile --month YYYY-MM",
		Short: g.t(msg.CmdRcShort),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if month == "" {
				return usageError{msg.CmdRcNeedsMonth.Err()}
			}
			cfg, lock, err := g.configLocked(cmd)
			if err != nil {
				return err
			}
			defer lock.Release()
			g.showProgress = true
			res, err := reconcile(cmd.Context(), g, cfg, reconcileOptions{month: month, budget: budget, workbook: !noWorkbook})
			if err != nil {
				return err
			}
			if !g.quiet {
				res.print(g.stdout, g.language)
				for _, w := range res.rc.Warnings {
					fmt.Fprintln(g.stderr, g.t(msg.CmdWarning, w))
				}
			}
			if strict && res.flagged() {
				return exitCodeError{code: exitFlagged}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&month, "month", "", g.t(msg.CmdRcFlagMonth))
	f.StringVar(&budget, "budget", "", g.t(msg.CmdRcFlagBudget))
	f.BoolVar(&strict, "strict", false, g.t(msg.CmdRcFlagStrict))
	f.BoolVar(&noWorkbook, "no-workbook", false, g.t(msg.CmdFlagNoBook))
	addLockWaitFlag(cmd, g)
	return cmd
}

type reconcileOptions struct {
	month    string // YYYY-MM
	budget   string // a budget JSON's path, or "" for the version of record in force
	workbook bool
}

// reconcileResult is a finished reconciliation and what it wrote.
type reconcileResult struct {
	rc      *reports.Reconciliation
	outputs []string
	inputs  []allocation.FileHash
	// olderBook is a workbook of the same month left in the output folder
	// by an earlier run, when this one wrote none.
	olderBook string
}

var monthPattern = regexp.MustCompile(`^(\d{4})-(\d{2})$`)

// reconcile runs a reconciliation and writes its outputs (DESIGN §8). Once
// ctx is done it stops at the next phase and writes nothing. The caller
// holds the output folder's lock. The decisions are allocation's: this
// reads the inputs, calls it and writes what it returns.
func reconcile(ctx context.Context, g *globals, cfg *config.Config, opts reconcileOptions) (*reconcileResult, error) {
	m := monthPattern.FindStringSubmatch(opts.month)
	if m == nil {
		return nil, usageError{msg.CmdRcBadMonth.Err(opts.month)}
	}
	year, _ := strconv.Atoi(m[1])
	mon, _ := strconv.Atoi(m[2])
	if mon < 1 || mon > 12 {
		return nil, usageError{msg.CmdRcBadMonth.Err(opts.month)}
	}
	rc := &reports.Reconciliation{Month: opts.month, MonthNum: mon, Language: cfg.Language, Document: cfg.Document,
		Program: reports.ThisProgram(), Config: configPath(cfg), TempDir: cfg.Out,
		RunDate: g.runDate(cfg).Format("2006-01-02"), Tolerance: cfg.Reconcile.Tolerance, Behind: cfg.Reconcile.Behind}
	if !cfg.Reconcile.Even {
		rc.Phasing = cfg.Reconcile.Profile[:]
	}
	prog := newProgress(g)
	defer prog.done()

	// A recomputed draft's units are known before it is allocated: its
	// ledgers are read meanwhile, on the other core (the allocation takes
	// one).
	var early *pendingLedgers
	defer func() {
		if early != nil {
			early.abandon()
		}
	}()
	bor, err := budgetOfRecord(ctx, g, cfg, opts.budget, year, mon, rc, prog, func(codes []string, units []allocation.Unit) {
		if year == rc.Year {
			early = startLedgers(ctx, cfg, prog, codes, units, rc)
		}
	})
	if err != nil {
		return nil, err
	}
	if year != rc.Year {
		return nil, badInput(msg.CmdRcOtherYear, opts.month, rc.Year)
	}
	rc.Units = bor.units.Units
	// The plan behind a recomputed budget is gone now: collect it before
	// the ledgers come in (a national plan is over a gigabyte).
	runtime.GC()
	g.timing.mark("budget of record")

	var (
		lg     *ledgerRead
		hashes []allocation.FileHash
	)
	if early != nil && early.readFor(bor.codes, bor.units.Units) {
		lg, hashes, err = early.wait()
	} else {
		if early != nil {
			early.abandon() // read against other units
		}
		lg, hashes, err = readLedgers(ctx, cfg, prog, sources.NewUnits(bor.codes, bor.units.Units), rc)
	}
	if err != nil {
		return nil, err
	}
	rc.Inputs = append(bor.hashes, hashes...)
	g.timing.mark("read ledgers")
	for i := range lg.Entries {
		e := &lg.Entries[i]
		rc.Counts.Add(e.Flags != 0, int(e.Month), mon)
	}
	rc.Ledger = reports.Ledger{Files: lg.Files, Sheets: lg.Sheets, Exceptions: lg.Exceptions, List: listing(lg)}
	// The ledger's listing needs none of what follows: it is written
	// meanwhile.
	compute := func() error {
		vouchers := lg.Vouchers()
		rows, err := allocation.Reconcile(lg.Units, bor.budget, vouchers, mon, allocation.Thresholds{
			Profile: cfg.Reconcile.Profile, Tolerance: cfg.Reconcile.Tolerance, Behind: cfg.Reconcile.Behind})
		if err != nil {
			return err
		}
		rc.Rows = rows
		bor.budget, vouchers = nil, nil // the rows are what the outputs need
		// The roll-ups and the problems are independent.
		var rollErr error
		done := make(chan struct{})
		go func() {
			defer close(done)
			rc.Stations, rollErr = allocation.Rollups(rc.Rows, rc.Units)
		}()
		rc.Problems = allocation.Problems(rc.Rows)
		<-done
		if rollErr != nil {
			return rollErr
		}
		g.timing.mark("reconcile")
		return interrupted(ctx)
	}
	res, err := writeReconciliation(ctx, cfg, opts, rc, prog, compute)
	if err != nil {
		return nil, err
	}
	res.inputs = rc.Inputs
	g.timing.mark("write outputs")
	return res, nil
}
