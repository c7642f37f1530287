package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"fundalloc/allocation"
	"fundalloc/config"
	"fundalloc/reports"
)

func newBudgetCmd(g *globals) *cobra.Command {
	var noWorkbook bool
	cmd := &cobra.Command{
		Use:   "budget",
		Short: "Consolidate and allocate the fund lines; write budget-<year>.json",
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := g.loadConfig(cmd)
			if err != nil {
				return err
			}
			lock, err := g.lockOut(cmd.Context(), cfg, "fundalloc budget", g.waitNotice)
			if err != nil {
				return err
			}
			defer lock.Release()
			g.showProgress = true
			res, err := budget(cmd.Context(), g, cfg, !noWorkbook)
			if err != nil {
				return err
			}
			if !g.quiet {
				printBudget(g.stdout, cfg, res.in, res.plan)
				for _, w := range res.plan.Warnings {
					fmt.Fprintln(g.stderr, "warning:", w.Message)
				}
				for _, p := range res.outputs {
					fmt.Fprintln(g.stdout, "wrote", p)
				}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&noWorkbook, "no-workbook", false, "write the JSON only")
	addLockWaitFlag(cmd, g)
	return cmd
}

// budgetResult is a finished budget run and what it wrote.
type budgetResult struct {
	in      *inputs
	plan    *allocation.Plan
	outputs []string
}

// budget reads the inputs, allocates and writes the outputs. Once ctx is
// done it stops at the next phase and writes nothing. The caller holds the
// output folder's lock.
func budget(ctx context.Context, g *globals, cfg *config.Config, workbook bool) (*budgetResult, error) {
	prog := newProgress(g)
	defer prog.done()
	in, err := readInputs(cfg, prog)
	if err != nil {
		return nil, err
	}
	g.timing.mark("read inputs")
	if err := interrupted(ctx); err != nil {
		return nil, err
	}
	prog.phase("allocating", -1)
	plan, err := in.allocate()
	if err != nil {
		return nil, err
	}
	g.timing.mark("allocate")
	if err := interrupted(ctx); err != nil {
		return nil, err
	}
	prog.phase("writing", -1)
	paths, err := writeBudget(ctx, cfg, in, plan, g.runDate(cfg), workbook, prog)
	if err != nil {
		return nil, err
	}
	g.timing.mark("write outputs")
	return &budgetResult{in: in, plan: plan, outputs: paths}, nil
}

// writeBudget writes the budget outputs all or nothing and returns their paths.
func writeBudget(ctx context.Context, cfg *config.Config, in *inputs, plan *allocation.Plan, runDate time.Time, workbook bool, prog *progress) ([]string, error) {
	if err := os.MkdirAll(cfg.Out, 0o755); err != nil {
		return nil, fmt.Errorf("output directory: %w", err)
	}
	if _, err := reports.CleanTemp(cfg.Out); err != nil {
		return nil, err
	}
	jsonPath := filepath.Join(cfg.Out, fmt.Sprintf("budget-%d.json", cfg.FiscalYear))
	var b reports.Batch
	err := b.Write(jsonPath, func(w io.Writer) error {
		return reports.WriteBudgetJSON(prog.writer(w), cfg.FiscalYear, plan, in.hashes)
	})
	if err != nil {
		b.Abort()
		return nil, err
	}
	paths := []string{jsonPath}
	if workbook {
		xlsxPath := filepath.Join(cfg.Out, fmt.Sprintf("budget-%d.xlsx", cfg.FiscalYear))
		err := b.Write(xlsxPath, func(w io.Writer) error {
			return reports.WriteBudgetWorkbook(prog.writer(w), budgetBook(cfg, in, plan, runDate))
		})
		if err != nil {
			b.Abort()
			return nil, fmt.Errorf("budget workbook: %w", err)
		}
		paths = append(paths, xlsxPath)
	}
	if err := interrupted(ctx); err != nil {
		b.Abort()
		return nil, err
	}
	if err := b.Commit(); err != nil {
		return nil, err
	}
	return paths, nil
}

// budgetBook gathers what the budget workbook shows.
func budgetBook(cfg *config.Config, in *inputs, plan *allocation.Plan, runDate time.Time) *reports.Budget {
	s := cfg.Stages
	return &reports.Budget{
		Year:       cfg.FiscalYear,
		RunDate:    runDate,
		Language:   cfg.Language,
		Config:     cfg.Source,
		Plan:       plan,
		Categories: cfg.Categories,
		Funds:      in.funds,
		Inputs:     in.hashes,
		TempDir:    cfg.Out,
		Params: reports.Params{
			HubAmount: s.Hub.Amount, PerWorker: s.Baseline.PerWorker, PerStation: s.Baseline.PerStation, PilotAmount: s.Pilot.Amount,
			HubCats: s.Hub.Categories, BaselineCats: s.Baseline.Categories, PilotCats: s.Pilot.Categories, DemandCats: s.Demand.Categories,
			DemandShare: s.Demand.Share, RoomsShare: s.Rooms.Share, Factors: cfg.Grades, Drivers: s.Demand.Drivers,
		},
	}
}

// printBudget prints the per-category summary: pool, allocated, reserved,
// unallocated, and the totals.
func printBudget(w io.Writer, cfg *config.Config, in *inputs, plan *allocation.Plan) {
	var hubs, stations, rooms int
	for _, u := range plan.Units {
		switch u.Tier {
		case allocation.Hub:
			hubs++
		case allocation.Station:
			stations++
		default:
			rooms++
		}
	}
	fmt.Fprintf(w, "fundalloc budget %d · %s\n", cfg.FiscalYear, cfg.Source)
	fmt.Fprintf(w, "%d units (%d hub, %d stations, %d rooms) · %d fund lines in %d files\n\n",
		len(plan.Units), hubs, stations, rooms, len(in.funds.Lines), len(in.funds.Files))
	alloc, reserved := plan.ByStatus()
	rows := [][]string{{"category", "pool", "allocated", "reserved", "unallocated", ""}}
	var pool, unalloc, allocTotal, reservedTotal allocation.Fen
	for c, code := range plan.Categories {
		rows = append(rows, []string{code, reports.Yuan(plan.Pool[c].Total), reports.Yuan(alloc[c]),
			reports.Yuan(reserved[c]), reports.Yuan(plan.Unallocated[c]), cfg.Categories[c].Zh})
		pool += plan.Pool[c].Total
		unalloc += plan.Unallocated[c]
		allocTotal += alloc[c]
		reservedTotal += reserved[c]
	}
	rows = append(rows, []string{"total", reports.Yuan(pool), reports.Yuan(allocTotal), reports.Yuan(reservedTotal), reports.Yuan(unalloc), "合计"})
	printTable(w, rows)
	if n := len(plan.Warnings); n > 0 {
		fmt.Fprintf(w, "\n%d %s (listed on stderr and in the JSON)\n", n, plural(n, "warning", "warnings"))
	}
}

// printTable prints rows in columns: the first left-aligned, the middle ones
// right-aligned (amounts), the last as is (it may hold Chinese text, whose
// width a terminal doubles).
func printTable(w io.Writer, rows [][]string) {
	width := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, cell := range r {
			width[i] = max(width[i], len(cell))
		}
	}
	for _, r := range rows {
		var b strings.Builder
		for i, cell := range r {
			switch {
			case i == 0:
				fmt.Fprintf(&b, "%-*s", width[i], cell)
			case i == len(r)-1:
				b.WriteString("  " + cell)
			default:
				fmt.Fprintf(&b, "  %*s", width[i], cell)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}
