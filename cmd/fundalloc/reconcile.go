package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"fundalloc/allocation"
	"fundalloc/config"
	"fundalloc/reports"
	"fundalloc/sources"
)

func newReconcileCmd(g *globals) *cobra.Command {
	var (
		month, budget      string
		strict, noWorkbook bool
	)
	cmd := &cobra.Command{
		Use:   "reconcile --month YYYY-MM",
		Short: "Compare spending with the phased budget up to a month; write reconcile-<YYYY-MM>.json and .xlsx",
		RunE: func(cmd *cobra.Command, _ []string) error {
			if month == "" {
				return usageError{errors.New("reconcile needs --month YYYY-MM")}
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
				res.print(g.stdout)
				for _, w := range res.rc.Warnings {
					fmt.Fprintln(g.stderr, "warning:", w)
				}
			}
			if strict && res.flagged() {
				return exitCodeError{code: exitFlagged}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&month, "month", "", "the month to reconcile up to, YYYY-MM (required)")
	f.StringVar(&budget, "budget", "", "a budget JSON written earlier (the approved budget); default: recompute it from the config")
	f.BoolVar(&strict, "strict", false, "exit 3 when any flag or exception is found")
	f.BoolVar(&noWorkbook, "no-workbook", false, "write the JSON only")
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
	inputs  []reports.Input
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
		return nil, usageError{fmt.Errorf("--month %q: use YYYY-MM, e.g. 2026-10", opts.month)}
	}
	rc := &reports.Reconciliation{Month: opts.month, MonthNum: mon, Language: cfg.Language,
		RunDate: g.runDate(cfg).Format("2006-01-02"), Tolerance: cfg.Reconcile.Tolerance, Behind: cfg.Reconcile.Behind}
	rc.Phasing = "even"
	if !cfg.Reconcile.Even {
		var parts []string
		for _, p := range cfg.Reconcile.Profile {
			parts = append(parts, p.String())
		}
		rc.Phasing = strings.Join(parts, " / ") + " %"
	}

	prog := newProgress(g)
	defer prog.done()
	rc.TempDir = cfg.Out

	// The budget of record, with the table of unit codes its Unit indexes.
	var budget []allocation.Budgeted
	var codes []string
	var units *sources.UnitTable
	var hashes []reports.Input
	if opts.budget != "" {
		path := g.path(opts.budget)
		f, err := os.Open(path)
		if err != nil {
			reason := err
			if pe := (*fs.PathError)(nil); errors.As(err, &pe) {
				reason = pe.Err
			}
			if errors.Is(err, fs.ErrNotExist) {
				reason = errors.New("no such file")
			}
			return nil, &sources.Error{File: opts.budget, Err: fmt.Errorf("%v (--budget)", reason)}
		}
		bf, err := sources.ReadBudgetFile(opts.budget, f)
		f.Close()
		if err != nil {
			return nil, err
		}
		rc.Year, budget, codes = bf.FiscalYear, bf.Annual(), bf.Units
		rc.Categories = categoriesFor(cfg, bf.Categories)
		rc.Budget = opts.budget
		src := sources.Source{Name: opts.budget, Open: func() (sources.File, error) { return os.Open(path) }}
		sum, err := src.SHA256()
		if err != nil {
			return nil, err
		}
		rc.BudgetNote = fmt.Sprintf("%s (sha256 %s)", opts.budget, sum[:16])
		hashes = append(hashes, reports.Input{Path: opts.budget, SHA256: sum})
		var p sources.Problems
		unitSrc, err := cfg.UnitsSource()
		if err != nil {
			return nil, &sources.Error{File: "units", Err: errors.New(describe(err))}
		}
		units = sources.ReadUnits(unitSrc, cfg.Sheets.Units, cfg.Limits, &p)
		if err := p.Err(); err != nil {
			return nil, err
		}
		sum, err = unitSrc.SHA256()
		if err != nil {
			return nil, err
		}
		hashes = append(hashes, reports.Input{Path: unitSrc.Name, SHA256: sum})
	} else {
		in, err := readInputs(cfg, prog)
		if err != nil {
			return nil, err
		}
		plan, err := in.allocate()
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
		rc.BudgetNote = "recomputed from " + cfg.Source
		rc.Config = cfg.Source
		if w := compareWithWritten(cfg, plan, in.hashes); w != "" {
			rc.Warnings = append(rc.Warnings, w)
		}
	}
	if year != rc.Year {
		return nil, badInput("--month %s is not in the budget's fiscal year %d", opts.month, rc.Year)
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
		return nil, &sources.Error{File: "ledgers", Err: errors.New(describe(err))}
	}
	switch {
	case len(cfg.Ledgers) == 0:
		return nil, &sources.Error{File: "ledgers", Err: errors.New("not set: name the expenditure ledger files in the configuration, e.g. ledgers: [data/ledgers/*.xlsx]")}
	case len(ledgerSrcs) == 0:
		return nil, &sources.Error{File: "ledgers", Err: fmt.Errorf("%v match no file; set ledgers: in the configuration", cfg.Ledgers)}
	}
	// Every unit the budget or the units file knows, indexed as in codes.
	known := make(map[string]int32, max(len(codes), len(units.Units)))
	for i, c := range codes {
		known[c] = int32(i)
	}
	for _, u := range units.Units {
		if _, ok := known[u.Code]; !ok {
			known[u.Code] = int32(len(codes))
			codes = append(codes, u.Code)
		}
	}
	var p sources.Problems
	rc.Ledger = sources.ReadLedgers(prog.reading(ledgerSrcs), cfg.Sheets.Ledgers, cfg.Limits, sources.NewCategories(rc.Categories),
		func(code string) (int32, bool) { u, ok := known[code]; return u, ok }, rc.Year, &p)
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
	if err := os.MkdirAll(cfg.Out, 0o755); err != nil {
		return nil, fmt.Errorf("output directory: %w", err)
	}
	if _, err := reports.CleanTemp(cfg.Out); err != nil {
		return nil, err
	}
	res := &reconcileResult{rc: rc, inputs: hashes}
	type output struct {
		path  string
		write func(io.Writer, *reports.Reconciliation) error
	}
	outs := []output{{filepath.Join(cfg.Out, "reconcile-"+opts.month+".json"), reports.WriteReconcileJSON}}
	if opts.workbook {
		// A table longer than a worksheet goes to a companion CSV beside
		// the workbook, which points to it.
		if len(rc.Rows) > reports.SheetRows {
			rc.DetailCSV = "reconcile-" + opts.month + "-detail.csv"
			outs = append(outs, output{filepath.Join(cfg.Out, rc.DetailCSV), reports.WriteReconcileDetailCSV})
		}
		if len(rc.Ledger.Entries) > reports.SheetRows {
			rc.LedgerCSV = "reconcile-" + opts.month + "-ledger.csv"
			outs = append(outs, output{filepath.Join(cfg.Out, rc.LedgerCSV), reports.WriteReconcileLedgerCSV})
		}
		outs = append(outs, output{filepath.Join(cfg.Out, "reconcile-"+opts.month+".xlsx"), reports.WriteReconcileWorkbook})
	}
	// The outputs are independent: write them at the same time.
	prog.phase("writing", -1)
	var b reports.Batch
	errs := make([]error, len(outs))
	var wg sync.WaitGroup
	for i, o := range outs {
		res.outputs = append(res.outputs, o.path)
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = b.Write(o.path, func(w io.Writer) error { return o.write(prog.writer(w), rc) })
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		b.Abort()
		return nil, err
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
func compareWithWritten(cfg *config.Config, plan *allocation.Plan, hashes []reports.Input) string {
	path := filepath.Join(cfg.Out, fmt.Sprintf("budget-%d.json", cfg.FiscalYear))
	st, err := os.Stat(path)
	if err != nil {
		return ""
	}
	written := make(chan []byte, 1)
	go func() {
		src := sources.Source{Name: path, Open: func() (sources.File, error) { return os.Open(path) }}
		sum, _ := src.SHA256()
		written <- []byte(sum)
	}()
	h := sha256.New()
	if err := reports.WriteBudgetJSON(h, cfg.FiscalYear, plan, hashes); err != nil {
		return ""
	}
	if hex.EncodeToString(h.Sum(nil)) == string(<-written) {
		return ""
	}
	advice := fmt.Sprintf("pass --budget %s to reconcile against that budget", path)
	if st.Size() > 64<<20 {
		return fmt.Sprintf("the recomputed budget differs from %s; %s", path, advice)
	}
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	bf, err := sources.ReadBudgetFile(path, f)
	if err != nil {
		return fmt.Sprintf("%s cannot be read as a budget (%v); reconciling against the recomputed budget", path, firstLine(err))
	}
	type key struct{ unit, cat string }
	want := map[key]allocation.Fen{}
	for _, b := range bf.Annual() {
		want[key{bf.Units[b.Unit], bf.Categories[b.Category]}] = b.Annual
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
		return fmt.Sprintf("the recomputed budget differs from %s in its inputs or parameters, not in its amounts", path)
	}
	return fmt.Sprintf("the recomputed budget differs from %s in %d unit × category amounts; %s", path, differ, advice)
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
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

func (r *reconcileResult) print(w io.Writer) {
	rc := r.rc
	fmt.Fprintf(w, "fundalloc reconcile %s · budget: %s\n", rc.Month, rc.BudgetNote)
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
	fmt.Fprintf(w, "%d vouchers in %d files: %d counted, %d with exceptions, %d dated after %s\n\n",
		len(rc.Ledger.Entries), len(rc.Ledger.Files), counted, len(rc.Ledger.Entries)-counted-rc.After, rc.After, rc.Month)
	rate := "-"
	if plan != 0 {
		rate = fmt.Sprintf("%.2f%%", float64(actual)/float64(plan)*100) // display only
	}
	printTable(w, [][]string{
		{"", "annual", "plan to date", "actual to date", "rate", ""},
		{"total", reports.Yuan(annual), reports.Yuan(plan), reports.Yuan(actual), rate, ""},
	})
	fmt.Fprintf(w, "\n%d unit × category rows · flags: OVERSPEND %d, AHEAD %d, BEHIND %d, MISUSE %d\n",
		len(rc.Rows), flags[allocation.Overspend], flags[allocation.Ahead], flags[allocation.Behind], flags[allocation.Misuse])
	exc := map[string]int{}
	for _, e := range rc.Ledger.Exceptions {
		exc[e.Flag]++
	}
	var parts []string
	for _, k := range []string{sources.UnknownUnit, sources.UnknownCategory, sources.DuplicateVoucher, sources.OutOfPeriod,
		sources.BadAmount, sources.BadDate, sources.MissingVoucher} {
		if exc[k] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", k, exc[k]))
		}
	}
	if len(parts) == 0 {
		parts = []string{"none"}
	}
	fmt.Fprintf(w, "exceptions: %s\n", strings.Join(parts, ", "))
	for _, p := range r.outputs {
		fmt.Fprintln(w, "wrote", p)
	}
}
