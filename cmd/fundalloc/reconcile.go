package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

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

	// The budget of record.
	var budget []allocation.Budgeted
	var units *sources.UnitTable
	var hashes []reports.Input
	if opts.budget != "" {
		path := opts.budget
		if g.dir != "" && !filepath.IsAbs(path) {
			path = filepath.Join(g.dir, path)
		}
		f, err := os.Open(path)
		if err != nil {
			return nil, badInput("--budget %s: %v", opts.budget, describe(err))
		}
		bf, err := sources.ReadBudgetFile(opts.budget, f)
		f.Close()
		if err != nil {
			return nil, err
		}
		rc.Year, budget = bf.FiscalYear, bf.Annual()
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
			return nil, badInput("units: %s: %v", cfg.Units, describe(err))
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
		rc.Categories = cfg.Categories
		rc.Budget = "recomputed"
		rc.BudgetNote = "recomputed from " + cfg.Source
		if w := compareWithWritten(cfg, budget); w != "" {
			rc.Warnings = append(rc.Warnings, w)
		}
	}
	if year != rc.Year {
		return nil, badInput("--month %s is not in the budget's fiscal year %d", opts.month, rc.Year)
	}
	rc.Units = units.Units

	// The ledgers.
	ledgerSrcs, err := cfg.Base.Resolve(cfg.Ledgers)
	if err != nil {
		return nil, badInput("ledgers: %v", describe(err))
	}
	if len(ledgerSrcs) == 0 {
		return nil, badInput("ledgers: %s match no file; set ledgers: in the configuration", strings.Join(cfg.Ledgers, ", "))
	}
	known := map[string]bool{}
	for _, u := range units.Units {
		known[u.Code] = true
	}
	for _, b := range budget {
		known[b.Unit] = true
	}
	var p sources.Problems
	rc.Ledger = sources.ReadLedgers(prog.reading(ledgerSrcs), cfg.Sheets.Ledgers, cfg.Limits, sources.NewCategories(rc.Categories),
		func(code string) bool { return known[code] }, rc.Year, &p)
	if err := p.Err(); err != nil {
		return nil, err
	}
	for _, s := range ledgerSrcs {
		sum, err := s.SHA256()
		if err != nil {
			return nil, err
		}
		hashes = append(hashes, reports.Input{Path: s.Name, SHA256: sum})
	}
	rc.Inputs = hashes
	if err := interrupted(ctx); err != nil {
		return nil, err
	}
	for i := range rc.Ledger.Entries {
		if e := &rc.Ledger.Entries[i]; len(e.Flags) == 0 && e.Month > mon {
			rc.After++
		}
	}
	rc.Rows, err = allocation.Reconcile(budget, rc.Ledger.Vouchers(), mon, allocation.Thresholds{
		Profile: cfg.Reconcile.Profile, Tolerance: cfg.Reconcile.Tolerance, Behind: cfg.Reconcile.Behind})
	if err != nil {
		return nil, err
	}

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
	var b reports.Batch
	jsonPath := filepath.Join(cfg.Out, "reconcile-"+opts.month+".json")
	prog.phase("writing", -1)
	if err := b.Write(jsonPath, func(w io.Writer) error { return reports.WriteReconcileJSON(prog.writer(w), rc) }); err != nil {
		b.Abort()
		return nil, err
	}
	res.outputs = append(res.outputs, jsonPath)
	if opts.workbook {
		xlsxPath := filepath.Join(cfg.Out, "reconcile-"+opts.month+".xlsx")
		if err := b.Write(xlsxPath, func(w io.Writer) error { return reports.WriteReconcileWorkbook(prog.writer(w), rc) }); err != nil {
			b.Abort()
			return nil, fmt.Errorf("reconciliation workbook: %w", err)
		}
		res.outputs = append(res.outputs, xlsxPath)
	}
	if err := interrupted(ctx); err != nil {
		b.Abort()
		return nil, err
	}
	if err := b.Commit(); err != nil {
		return nil, err
	}
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
// one to reconcile against.
func compareWithWritten(cfg *config.Config, budget []allocation.Budgeted) string {
	path := filepath.Join(cfg.Out, fmt.Sprintf("budget-%d.json", cfg.FiscalYear))
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	bf, err := sources.ReadBudgetFile(path, f)
	if err != nil {
		return fmt.Sprintf("%s cannot be read as a budget (%v); reconciling against the recomputed budget", path, firstLine(err))
	}
	want := map[string]allocation.Fen{}
	for _, b := range bf.Annual() {
		want[b.Unit+"\x00"+bf.Categories[b.Category]] += b.Annual
	}
	differ := 0
	for _, b := range budget {
		k := b.Unit + "\x00" + cfg.Categories[b.Category].Code
		if want[k] != b.Annual {
			differ++
		}
		delete(want, k)
	}
	differ += len(want)
	if differ == 0 {
		return ""
	}
	return fmt.Sprintf("the recomputed budget differs from %s in %d unit × category amounts; pass --budget %s to reconcile against that budget", path, differ, path)
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
		if len(row.Flags) > 0 {
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
		for _, f := range row.Flags {
			flags[f]++
		}
	}
	counted := 0
	for i := range rc.Ledger.Entries {
		if e := &rc.Ledger.Entries[i]; len(e.Flags) == 0 && e.Month <= rc.MonthNum {
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
