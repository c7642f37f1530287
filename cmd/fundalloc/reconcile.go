package main

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"fundalloc/allocation"
	"fundalloc/config"
	"fundalloc/reports"
	"fundalloc/reports/msg"
	"fundalloc/reports/outdir"
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
			cfg, err := g.loadConfig(cmd)
			if err != nil {
				return err
			}
			lock, err := g.lockOut(cmd.Context(), cfg, "fundalloc reconcile", g.waitNotice)
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
	budget   string // a budget JSON's path, or "" to recompute
	workbook bool
}

// reconcileResult is a finished reconciliation and what it wrote.
type reconcileResult struct {
	rc      *reports.Reconciliation
	outputs []string
	inputs  []allocation.FileHash
}

var monthPattern = regexp.MustCompile(`^(\d{4})-(\d{2})$`)

// reconcile runs a reconciliation and writes its outputs (DESIGN §8). Once
// ctx is done it stops at the next phase and writes nothing. The caller
// holds the output folder's lock.
func reconcile(ctx context.Context, g *globals, cfg *config.Config, opts reconcileOptions) (*reconcileResult, error) {
	m := monthPattern.FindStringSubmatch(opts.month)
	year, _ := strconv.Atoi(m1(m, 1))
	mon, _ := strconv.Atoi(m1(m, 2))
	if m == nil || mon < 1 || mon > 12 {
		return nil, usageError{msg.CmdRcBadMonth.Err(opts.month)}
	}
	rc := &reports.Reconciliation{Month: opts.month, MonthNum: mon, Language: cfg.Language, Document: cfg.Document,
		Program: reports.ThisProgram(), Config: configPath(cfg),
		RunDate: g.runDate(cfg).Format("2006-01-02"), Tolerance: cfg.Reconcile.Tolerance, Behind: cfg.Reconcile.Behind}
	if !cfg.Reconcile.Even {
		rc.Phasing = cfg.Reconcile.Profile[:]
	}

	prog := newProgress(g)
	defer prog.done()
	rc.TempDir = cfg.Out

	// The budget of record, with the table of unit codes its Unit indexes.
	var budget []allocation.Budgeted
	var codes []string
	var units *sources.UnitTable
	var hashes []allocation.FileHash
	if opts.budget != "" {
		path := g.path(opts.budget)
		f, err := os.Open(path)
		if err != nil {
			return nil, &sources.Error{File: opts.budget, Err: msg.CmdRcBudgetFile.Wrap(err, msg.OSReason(err))}
		}
		bf, err := sources.ReadBudgetFile(opts.budget, f, cfg.Limits.UnzipSize)
		f.Close()
		if err != nil {
			return nil, err
		}
		rc.Year, budget, codes = bf.Year, bf.Annual(), bf.Codes()
		rc.Categories = categoriesFor(cfg, bf.Plan.Categories)
		rc.Budget = opts.budget
		src := sources.Source{Name: opts.budget, Open: func() (sources.File, error) { return os.Open(path) }}
		sum, err := src.SHA256()
		if err != nil {
			return nil, err
		}
		rc.BudgetNote = fmt.Sprintf("%s (sha256 %s)", opts.budget, sum[:16])
		hashes = append(hashes, allocation.FileHash{Path: opts.budget, SHA256: sum})
		var p sources.Problems
		unitSrc, err := cfg.UnitsSource()
		if err != nil {
			return nil, &sources.Error{File: "units", Err: describe(err)}
		}
		units = sources.ReadUnits(unitSrc, cfg.UnitOptions(ctx), &p)
		if err := interrupted(ctx); err != nil {
			return nil, err
		}
		if err := p.Err(); err != nil {
			return nil, err
		}
		sum, err = unitSrc.SHA256()
		if err != nil {
			return nil, err
		}
		hashes = append(hashes, allocation.FileHash{Path: unitSrc.Name, SHA256: sum})
	} else {
		in, err := readInputs(ctx, cfg, prog)
		if err != nil {
			return nil, err
		}
		plan, err := in.allocate(ctx)
		if err != nil {
			return nil, err
		}
		rc.Year, budget, units, hashes = cfg.FiscalYear, allocation.Annual(plan), in.units, in.hashes
		codes = make([]string, len(plan.Units))
		for i := range plan.Units {
			codes[i] = plan.Units[i].Code
		}
		rc.Categories = cfg.Categories
		rc.Budget = "recomputed"
		if w := compareWithWritten(cfg, in, plan); w.M != nil {
			rc.Warnings = append(rc.Warnings, w)
		}
	}
	if year != rc.Year {
		return nil, badInput(msg.CmdRcOtherYear, opts.month, rc.Year)
	}
	rc.Units = units.Units
	// The plan and the fund lines behind a recomputed budget are gone now:
	// collect them before the ledgers come in, so that the two never share
	// the heap (a national plan is over a gigabyte).
	runtime.GC()
	g.timing.mark("budget of record")

	// The ledgers.
	ledgerSrcs, err := cfg.Base.Resolve(cfg.Ledgers)
	if err != nil {
		return nil, &sources.Error{File: "ledgers", Err: describe(err)}
	}
	switch {
	case len(cfg.Ledgers) == 0:
		return nil, &sources.Error{File: "ledgers", Err: msg.CmdRcNoLedgers.Err()}
	case len(ledgerSrcs) == 0:
		return nil, &sources.Error{File: "ledgers", Err: msg.CmdRcLedgersNone.Err(cfg.Ledgers)}
	}
	// Every unit the budget or the units file knows, indexed as in codes.
	known := sources.NewUnits(codes, units.Units)
	codes = known.Codes
	var p sources.Problems
	rc.Ledger = sources.ReadLedgers(prog.reading(ledgerSrcs), cfg.LedgerOptions(ctx), sources.NewCategories(rc.Categories), known, rc.Year, &p)
	if err := interrupted(ctx); err != nil {
		return nil, err
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	sums, err := hashSources(ledgerSrcs)
	if err != nil {
		return nil, err
	}
	hashes = append(hashes, sums...)
	rc.Inputs = hashes
	g.timing.mark("read ledgers")
	if err := interrupted(ctx); err != nil {
		return nil, err
	}
	for i := range rc.Ledger.Entries {
		if e := &rc.Ledger.Entries[i]; e.Flags == 0 && int(e.Month) > mon {
			rc.After++
		}
	}
	vouchers := rc.Ledger.Vouchers()
	rc.Rows, err = allocation.Reconcile(codes, budget, vouchers, mon, allocation.Thresholds{
		Profile: cfg.Reconcile.Profile, Tolerance: cfg.Reconcile.Tolerance, Behind: cfg.Reconcile.Behind})
	if err != nil {
		return nil, err
	}
	budget, vouchers = nil, nil // the rows are what the outputs need
	g.timing.mark("reconcile")

	if err := interrupted(ctx); err != nil {
		return nil, err
	}

	// The outputs, all or nothing.
	out, err := openOut(cfg.Out)
	if err != nil {
		return nil, err
	}
	defer out.Close()
	res := &reconcileResult{rc: rc, inputs: hashes}
	type output struct {
		name  string
		write func(context.Context, io.Writer, *reports.Reconciliation) error
	}
	outs := []output{{"reconcile-" + opts.month + ".json", ignoreContext(reports.WriteReconcileJSON)}}
	if opts.workbook {
		// A table longer than a worksheet goes to a companion CSV beside
		// the workbook, which points to it.
		if len(rc.Rows) > reports.SheetRows {
			rc.DetailCSV = "reconcile-" + opts.month + "-detail.csv"
			outs = append(outs, output{rc.DetailCSV, ignoreContext(reports.WriteReconcileDetailCSV)})
		}
		if len(rc.Ledger.Entries) > reports.SheetRows {
			rc.LedgerCSV = "reconcile-" + opts.month + "-ledger.csv"
			outs = append(outs, output{rc.LedgerCSV, ignoreContext(reports.WriteReconcileLedgerCSV)})
		}
		outs = append(outs, output{"reconcile-" + opts.month + ".xlsx", reports.WriteReconcileWorkbook})
	}
	// The outputs are independent: write them at the same time. The JSON
	// and the CSVs stop with the batch's writer once ctx is done; the
	// workbook, whose sheets are written elsewhere first, is told.
	prog.phase(msg.CmdWriting, -1)
	b := reports.NewBatch(ctx)
	errs := make([]error, len(outs))
	var wg sync.WaitGroup
	for i, o := range outs {
		res.outputs = append(res.outputs, out.Join(o.name))
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = b.WriteIn(out, o.name, func(w io.Writer) error { return o.write(ctx, prog.writer(w), rc) })
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		b.Abort()
		return nil, stopped(ctx, err)
	}
	if err := interrupted(ctx); err != nil {
		b.Abort()
		return nil, err
	}
	if err := b.Commit(); err != nil {
		return nil, err
	}
	g.timing.mark("write outputs")
	return res, nil
}

// ignoreContext adapts a writer that needs no context: it stops when the
// batch's writer fails.
func ignoreContext(write func(io.Writer, *reports.Reconciliation) error) func(context.Context, io.Writer, *reports.Reconciliation) error {
	return func(_ context.Context, w io.Writer, rc *reports.Reconciliation) error { return write(w, rc) }
}

func m1(m []string, i int) string {
	if m == nil {
		return ""
	}
	return m[i]
}

// categoriesFor names a budget file's categories from the config where it
// knows them.
func categoriesFor(cfg *config.Config, codes []string) []sources.Category {
	out := make([]sources.Category, len(codes))
	for i, code := range codes {
		out[i] = sources.Category{Code: code, Zh: code, En: code}
		for _, c := range cfg.Categories {
			if c.Code == code {
				out[i] = c
			}
		}
	}
	return out
}

// compareWithWritten warns when a budget JSON already in the output folder
// differs from the budget just recomputed: the approved budget may be the
// one to reconcile against. The budget JSON is deterministic, so the two
// agree exactly when their bytes do: the recomputed one is rendered into a
// hash, never to disk. Only when they differ, and the file is small enough
// to read quickly, are the amounts compared to say how many differ.
func compareWithWritten(cfg *config.Config, in *inputs, plan *allocation.Plan) msg.Text {
	path := filepath.Join(cfg.Out, fmt.Sprintf("budget-%d.json", cfg.FiscalYear))
	// Read back from the output folder like anything fundalloc wrote: a
	// link or a FIFO put in its place is not followed (it is not the budget).
	open := func() (sources.File, error) { return outdir.OpenRegular(path) }
	f, err := open()
	if err != nil {
		return msg.Text{}
	}
	st, err := f.Stat()
	f.Close()
	if err != nil {
		return msg.Text{}
	}
	written := make(chan []byte, 1)
	go func() {
		src := sources.Source{Name: path, Open: open}
		sum, _ := src.SHA256()
		written <- []byte(sum)
	}()
	h := sha256.New()
	if err := reports.WriteBudgetJSON(h, budgetBook(cfg, in, plan, time.Time{})); err != nil {
		return msg.Text{}
	}
	if hex.EncodeToString(h.Sum(nil)) == string(<-written) {
		return msg.Text{}
	}
	if st.Size() > 64<<20 {
		return msg.CmdRcDiffers.With(path, path)
	}
	f, err = outdir.OpenRegular(path)
	if err != nil {
		return msg.Text{}
	}
	defer f.Close()
	bf, err := sources.ReadBudgetFile(path, f, cfg.Limits.UnzipSize)
	if err != nil {
		return msg.CmdRcUnreadable.With(path, firstProblem(err))
	}
	type key struct{ unit, cat string }
	want := map[key]allocation.Fen{}
	for _, b := range bf.Annual() {
		want[key{bf.Plan.Units[b.Unit].Code, bf.Plan.Categories[b.Category]}] = b.Annual
	}
	differ := 0
	for _, b := range allocation.Annual(plan) {
		k := key{plan.Units[b.Unit].Code, cfg.Categories[b.Category].Code}
		if want[k] != b.Annual {
			differ++
		}
		delete(want, k)
	}
	differ += len(want)
	if differ == 0 {
		return msg.CmdRcSameAmounts.With(path)
	}
	return msg.CmdRcDiffAmounts.With(path, thousands(differ), path)
}

// firstProblem is the first of a list of input problems, or err itself.
func firstProblem(err error) error {
	var p *sources.ProblemsError
	if errors.As(err, &p) && len(p.Problems) > 0 {
		return p.Problems[0]
	}
	return err
}

// flagged reports whether anything needs attention: a flag or an exception.
func (r *reconcileResult) flagged() bool {
	if len(r.rc.Ledger.Exceptions) > 0 {
		return true
	}
	for _, row := range r.rc.Rows {
		if row.Flags != 0 {
			return true
		}
	}
	return false
}

func (r *reconcileResult) print(w io.Writer, l msg.Lang) {
	rc := r.rc
	note := rc.BudgetNote
	if rc.Budget == "recomputed" {
		note = msg.CmdRcRecomputed.In(l, config.SourceName(cmp.Or(rc.Config, config.SampleSource), l))
	}
	fmt.Fprintln(w, msg.CmdRcTitle.In(l, rc.Month, note))
	var annual, plan, actual allocation.Fen
	flags := map[string]int{}
	for _, row := range rc.Rows {
		annual += row.Annual
		plan += row.PlanToDate
		actual += row.Actual
		for _, f := range row.Flags.List() {
			flags[f]++
		}
	}
	counted := 0
	for i := range rc.Ledger.Entries {
		if e := &rc.Ledger.Entries[i]; e.Flags == 0 && int(e.Month) <= rc.MonthNum {
			counted++
		}
	}
	fmt.Fprintln(w, msg.CmdRcVouchers.In(l, thousands(len(rc.Ledger.Entries)), thousands(len(rc.Ledger.Files)), thousands(counted),
		thousands(len(rc.Ledger.Entries)-counted-rc.After), thousands(rc.After), rc.Month))
	fmt.Fprintln(w)
	rate := "-"
	if plan != 0 {
		rate = fmt.Sprintf("%.2f%%", float64(actual)/float64(plan)*100) // display only
	}
	printTable(w, "lrrrr", [][]string{
		{"", msg.CmdRcAnnual.In(l), msg.CmdRcPlan.In(l), msg.CmdRcActual.In(l), msg.CmdRcRate.In(l)},
		{msg.CmdTotal.In(l), reports.Yuan(annual), reports.Yuan(plan), reports.Yuan(actual), rate},
	})
	var fl []string
	for _, f := range []string{allocation.Overspend, allocation.Ahead, allocation.Behind, allocation.Misuse} {
		fl = append(fl, msg.CmdRcCount.In(l, codeName(l, "flag.", f), thousands(flags[f])))
	}
	sep := msg.Get("sep").In(l)
	fmt.Fprintln(w)
	fmt.Fprintln(w, msg.CmdRcRows.In(l, thousands(len(rc.Rows)), strings.Join(fl, sep)))
	exc := map[string]int{}
	for _, e := range rc.Ledger.Exceptions {
		exc[e.Flag]++
	}
	var parts []string
	for _, k := range []string{sources.UnknownUnit, sources.UnknownCategory, sources.DuplicateVoucher, sources.OutOfPeriod,
		sources.BadAmount, sources.BadDate, sources.MissingVoucher} {
		if exc[k] > 0 {
			parts = append(parts, msg.CmdRcCount.In(l, codeName(l, "exc.", k), thousands(exc[k])))
		}
	}
	if len(parts) == 0 {
		parts = []string{msg.CmdRcNone.In(l)}
	}
	fmt.Fprintln(w, msg.CmdRcExceptions.In(l, strings.Join(parts, sep)))
	for _, p := range r.outputs {
		fmt.Fprintln(w, msg.CmdWrote.In(l, p))
	}
}

// codeName is how a summary names a flag or exception code: the code in
// English, as the JSON has it; its label in Chinese, whose workbook shows
// the same words.
func codeName(l msg.Lang, prefix, code string) string {
	if l == msg.EN {
		return code
	}
	return msg.Get(prefix + code).In(l)
}
