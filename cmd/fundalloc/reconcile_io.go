package main

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"

	"golang.org/x/sync/errgroup"

	"fundalloc/allocation"
	"fundalloc/config"
	"fundalloc/reports"
	"fundalloc/reports/msg"
	"fundalloc/sources"
)

// The reconciliation's reading and writing: the ledgers in, the listing
// handed to reports, the outputs written all or nothing.

// ledgerRead is the ledgers as read, with the table of unit codes their
// entries index.
type ledgerRead struct {
	*sources.Ledger
	Units []string
}

// readLedgers reads the configured ledger files and hashes them.
func readLedgers(ctx context.Context, cfg *config.Config, prog *progress, known *sources.Units, rc *reports.Reconciliation) (*ledgerRead, []allocation.FileHash, error) {
	srcs, err := cfg.Base.Resolve(cfg.Ledgers)
	switch {
	case err != nil:
		return nil, nil, &sources.Error{File: "ledgers", Err: describe(err)}
	case len(cfg.Ledgers) == 0:
		return nil, nil, &sources.Error{File: "ledgers", Err: msg.CmdRcNoLedgers.Err()}
	case len(srcs) == 0:
		return nil, nil, &sources.Error{File: "ledgers", Err: msg.CmdRcLedgersNone.Err(cfg.Ledgers)}
	}
	var p sources.Problems
	lg := sources.ReadLedgers(prog.reading(srcs), cfg.LedgerOptions(ctx), sources.NewCategories(rc.Categories), known, rc.Year, &p)
	if err := interrupted(ctx); err != nil {
		return nil, nil, err
	}
	if err := p.Err(); err != nil {
		return nil, nil, err
	}
	sums, err := hashSources(srcs)
	if err != nil {
		return nil, nil, err
	}
	return &ledgerRead{Ledger: lg, Units: known.Codes}, sums, interrupted(ctx)
}

// pendingLedgers is a reading of the ledgers on another goroutine.
type pendingLedgers struct {
	codes  []string
	units  []allocation.Unit
	cancel context.CancelFunc
	done   chan struct{}
	lg     *ledgerRead
	hashes []allocation.FileHash
	err    error
}

// startLedgers starts reading the ledgers against the given units, as
// readLedgers does, and returns at once. rc's year and categories are set
// and stay so.
func startLedgers(ctx context.Context, cfg *config.Config, prog *progress, codes []string, units []allocation.Unit, rc *reports.Reconciliation) *pendingLedgers {
	ctx, cancel := context.WithCancel(ctx)
	p := &pendingLedgers{codes: codes, units: units, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(p.done)
		p.lg, p.hashes, p.err = readLedgers(ctx, cfg, prog, sources.NewUnits(codes, units), rc)
	}()
	return p
}

// readFor reports whether the reading was started against these codes and
// units.
func (p *pendingLedgers) readFor(codes []string, units []allocation.Unit) bool {
	return slices.Equal(p.codes, codes) && len(p.units) == len(units) && (len(units) == 0 || &p.units[0] == &units[0])
}

// wait returns what the reading found, once it is done.
func (p *pendingLedgers) wait() (*ledgerRead, []allocation.FileHash, error) {
	<-p.done
	return p.lg, p.hashes, p.err
}

// abandon stops the reading, if it is still going, and waits for it.
func (p *pendingLedgers) abandon() {
	p.cancel()
	<-p.done
}

// listing lists the ledger's vouchers again for the outputs, as reports
// takes them: it reads the files anew at each call.
func listing(lg *ledgerRead) func(yield func(*reports.LedgerVoucher, error) bool) {
	return func(yield func(*reports.LedgerVoucher, error) bool) {
		var v reports.LedgerVoucher
		stop := errors.New("stop")
		err := lg.List(func(e *sources.Entry, l *sources.Listed) error {
			v = reports.LedgerVoucher{Voucher: l.Voucher, Date: l.Date, Unit: l.Unit, Category: l.Category, Description: l.Description,
				Amount: e.Amount, AmountText: l.Amount, File: int(e.File), Row: int(e.Row), Month: int(e.Month)}
			v.Exceptions = e.Flags
			if !yield(&v, nil) {
				return stop
			}
			return nil
		})
		if err != nil && err != stop {
			yield(nil, err)
		}
	}
}

// writeReconciliation writes the JSON and, unless told not to, the
// workbook and its companion CSVs: all or nothing. compute fills in rc's
// rows, stations and problems: the ledger's listing, which needs none of
// them, is written while it runs.
func writeReconciliation(ctx context.Context, cfg *config.Config, opts reconcileOptions, rc *reports.Reconciliation, prog *progress, compute func() error) (*reconcileResult, error) {
	out, err := openOut(cfg.Out)
	if err != nil {
		return nil, err
	}
	defer out.Close()
	res := &reconcileResult{rc: rc}
	type output struct {
		name  string
		write func(context.Context, io.Writer, *reports.Reconciliation) error
	}
	// The outputs are independent: write them at the same time. The JSON
	// and the CSVs stop with the batch's writer once its context is done;
	// the workbook, whose sheets are written elsewhere first, is told.
	bctx, cancel := context.WithCancel(ctx)
	defer cancel()
	b := reports.NewBatch(bctx)
	var writers errgroup.Group
	start := func(o output) {
		writers.Go(func() error {
			return b.WriteIn(out, o.name, func(w io.Writer) error { return o.write(ctx, prog.writer(w), rc) })
		})
	}
	book := "reconcile-" + opts.month + ".xlsx"
	var ledger *output
	if opts.workbook && rc.Counts.Read > reports.SheetRows {
		// A table longer than a worksheet goes to a companion CSV beside
		// the workbook, which points to it.
		rc.LedgerCSV = "reconcile-" + opts.month + "-ledger.csv"
		ledger = &output{rc.LedgerCSV, ignoreContext(reports.WriteReconcileLedgerCSV)}
		prog.phase(msg.CmdWriting, -1)
		start(*ledger)
	}
	if err := compute(); err != nil {
		cancel()
		writers.Wait()
		b.Abort()
		return nil, err
	}
	outs := []output{{"reconcile-" + opts.month + ".json", ignoreContext(reports.WriteReconcileJSON)}}
	if opts.workbook {
		if len(rc.Rows) > reports.SheetRows {
			rc.DetailCSV = "reconcile-" + opts.month + "-detail.csv"
			outs = append(outs, output{rc.DetailCSV, ignoreContext(reports.WriteReconcileDetailCSV)})
		}
		if ledger != nil {
			outs = append(outs, *ledger)
		}
		outs = append(outs, output{book, reports.WriteReconcileWorkbook})
	} else if st, err := os.Lstat(filepath.Join(cfg.Out, book)); err == nil && st.Mode().IsRegular() {
		res.olderBook = out.Join(book) // removed by nothing, so the summary says so
	}
	if ledger == nil {
		prog.phase(msg.CmdWriting, -1)
	}
	for _, o := range outs {
		res.outputs = append(res.outputs, out.Join(o.name))
		if ledger == nil || o.name != ledger.name {
			start(o)
		}
	}
	if err := writers.Wait(); err != nil {
		b.Abort()
		return nil, stopped(ctx, err)
	}
	if err := interrupted(ctx); err != nil {
		b.Abort()
		return nil, err
	}
	return res, b.Commit()
}

// ignoreContext adapts a writer that needs no context: it stops when the
// batch's writer fails.
func ignoreContext(write func(io.Writer, *reports.Reconciliation) error) func(context.Context, io.Writer, *reports.Reconciliation) error {
	return func(_ context.Context, w io.Writer, rc *reports.Reconciliation) error { return write(w, rc) }
}
