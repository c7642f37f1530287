package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"fundalloc/allocation"
	"fundalloc/config"
	"fundalloc/reports"
	"fundalloc/reports/msg"
	"fundalloc/sources"
)

func newBudgetCmd(g *globals) *cobra.Command {
	var noWorkbook bool
	cmd := &cobra.Command{
		Use:   "budget",
		Short: g.t(msg.CmdBudgetShort),
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, lock, err := g.configLocked(cmd)
			if err != nil {
				return err
			}
			defer lock.Release()
			defer collectLessIfSmall(cfg)()
			g.showProgress, g.soleJob = true, true
			res, err := budget(cmd.Context(), g, cfg, !noWorkbook)
			if err != nil {
				return err
			}
			if !g.quiet {
				printBudget(g.stdout, g.language, cfg, res.in, res.plan)
				for _, w := range res.plan.Warnings {
					fmt.Fprintln(g.stderr, g.t(msg.CmdWarning, reports.WarningText(res.plan, cfg.Categories, w)))
				}
				for _, p := range res.outputs {
					fmt.Fprintln(g.stdout, g.t(msg.CmdWrote, p))
				}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&noWorkbook, "no-workbook", false, g.t(msg.CmdFlagNoBook))
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
	collect := func() {}
	if g.soleJob {
		collect = pauseCollector()
	}
	in, err := readInputs(ctx, cfg, prog)
	collect()
	if err != nil {
		return nil, err
	}
	g.timing.mark("read inputs")
	if err := interrupted(ctx); err != nil {
		return nil, err
	}
	prog.phase(msg.CmdAllocating, -1)
	plan, err := in.allocate(ctx)
	if err != nil {
		return nil, err
	}
	g.timing.mark("allocate")
	if err := interrupted(ctx); err != nil {
		return nil, err
	}
	// The indicators are worked out while the budget JSON's lines, units
	// and fund lines are written: they come last in it, and the indicator
	// CSV waits for them.
	var ind *allocation.IndicatorTable
	var indErr error
	indDone := make(chan struct{})
	go func() {
		defer close(indDone)
		ind, indErr = in.indicators(plan, cfg)
	}()
	indicators := func() (*allocation.IndicatorTable, error) {
		<-indDone
		return ind, indErr
	}
	prog.phase(msg.CmdWriting, -1)
	paths, err := writeBudget(ctx, cfg, in, plan, indicators, g.runDate(cfg), workbook, prog)
	<-indDone // written or not, the indicators are done before budget returns
	if err != nil {
		return nil, err
	}
	g.timing.mark("write outputs")
	return &budgetResult{in: in, plan: plan, outputs: paths}, nil
}

// writeBudget writes the budget outputs all or nothing and returns their
// paths; indicators waits for the plan's indicators and gives them, or the
// error that writes nothing. Once ctx is done the writers stop, and nothing
// is written.
func writeBudget(ctx context.Context, cfg *config.Config, in *inputs, plan *allocation.Plan, indicators func() (*allocation.IndicatorTable, error), runDate time.Time, workbook bool, prog *progress) ([]string, error) {
	out, err := openOut(cfg.Out)
	if err != nil {
		return nil, err
	}
	defer out.Close()
	book := budgetBook(cfg, in, plan, runDate)
	b := reports.NewBatch(ctx)
	// The JSON, the indicator CSV and the workbook are independent: written
	// at the same time, one's formatting overlaps another's copying to the
	// disk, and the workbook's sheets use the core the others leave idle.
	// When several fail, the JSON's error wins, then the CSV's, then the
	// workbook's, as when they were written one after the other. The JSON
	// always waits for the indicators, so its success means they were
	// worked out without error.
	jsonName := fmt.Sprintf("budget-%d.json", cfg.FiscalYear)
	csvName := fmt.Sprintf("budget-%d-indicators.csv", cfg.FiscalYear)
	xlsxName := fmt.Sprintf("budget-%d.xlsx", cfg.FiscalYear)
	withIndicators := func() (*reports.Budget, error) {
		ind, err := indicators()
		if err != nil {
			return nil, err
		}
		with := *book
		with.Indicators = ind
		return &with, nil
	}
	csvDone := make(chan error, 1)
	go func() {
		csvDone <- b.WriteIn(out, csvName, func(w io.Writer) error {
			with, err := withIndicators()
			if err != nil {
				return err
			}
			return reports.WriteIndicatorsCSV(w, with)
		})
	}()
	xlsxDone := make(chan error, 1)
	if workbook {
		go func() {
			err := b.WriteIn(out, xlsxName, func(w io.Writer) error {
				with, err := withIndicators()
				if err != nil {
					return err
				}
				return reports.WriteBudgetWorkbook(ctx, prog.writer(w), with)
			})
			if err != nil {
				err = msg.CmdBudgetBook.Err(err)
			}
			xlsxDone <- err
		}()
	} else {
		xlsxDone <- nil
	}
	err = b.WriteIn(out, jsonName, func(w io.Writer) error {
		return reports.WriteBudgetJSONAwaiting(prog.writer(w), book, indicators)
	})
	csvErr, xlsxErr := <-csvDone, <-xlsxDone
	if err == nil {
		err = csvErr
	}
	if err == nil {
		err = xlsxErr
	}
	if err != nil {
		b.Abort()
		return nil, stopped(ctx, err)
	}
	paths := []string{out.Join(jsonName), out.Join(csvName)}
	if workbook {
		paths = append(paths, out.Join(xlsxName))
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
	var prior *allocation.Prior
	priorName := ""
	if in.prior != nil {
		prior = allocation.ComparePrior(plan, &in.prior.Budget)
		priorName = in.hashes[len(in.hashes)-1].Path // read last (readInputs)
	}
	return &reports.Budget{
		Prior:      prior,
		PriorName:  priorName,
		Year:       cfg.FiscalYear,
		RunDate:    runDate,
		Language:   cfg.Language,
		Document:   cfg.Document,
		Program:    reports.ThisProgram(),
		Config:     configPath(cfg),
		Plan:       plan,
		Categories: cfg.Categories,
		Funds:      &in.funds.FundRecords,
		Inputs:     in.hashes,
		TempDir:    cfg.Out,
		Rules:      cfg.Rules,
	}
}

// configPath is the configuration's path as the workbooks' notes sheet
// shows it: "" for the embedded sample city, which the sheet names in words.
func configPath(cfg *config.Config) string {
	if cfg.Source == config.SampleSource {
		return ""
	}
	return cfg.Source
}

// printBudget prints the per-category summary: pool, allocated, reserved,
// unallocated, and the totals.
func printBudget(w io.Writer, l msg.Lang, cfg *config.Config, in *inputs, plan *allocation.Plan) {
	fmt.Fprintln(w, msg.CmdBudgetTitle.In(l, cfg.FiscalYear, config.SourceName(cfg.Source, l)))
	fmt.Fprintf(w, "%s · %s\n\n", unitCounts(plan.Units).Localize(l), fundCounts(in.funds).Localize(l))
	alloc, reserved := plan.ByStatus()
	rows := [][]string{{msg.CmdColCategory.In(l), msg.CmdColCode.In(l), msg.CmdColPool.In(l), msg.CmdColAllocated.In(l),
		msg.CmdColReserved.In(l), msg.CmdColUnalloc.In(l)}}
	var pool, unalloc, allocTotal, reservedTotal allocation.Fen
	for c, code := range plan.Categories {
		name := cfg.Categories[c].Zh
		if l == msg.EN {
			name = cfg.Categories[c].En
		}
		rows = append(rows, []string{name, code, reports.Yuan(plan.Pool[c].Total), reports.Yuan(alloc[c]),
			reports.Yuan(reserved[c]), reports.Yuan(plan.Unallocated[c])})
		pool += plan.Pool[c].Total
		unalloc += plan.Unallocated[c]
		allocTotal += alloc[c]
		reservedTotal += reserved[c]
	}
	rows = append(rows, []string{msg.CmdTotal.In(l), "", reports.Yuan(pool), reports.Yuan(allocTotal), reports.Yuan(reservedTotal), reports.Yuan(unalloc)})
	printTable(w, "llrrrr", rows)
	if n := len(plan.Warnings); n > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, plural(l, n, msg.CmdWarningsOne, msg.CmdWarningsMany))
	}
}

// unitCounts says how many units there are of each tier.
func unitCounts(units []allocation.Unit) msg.Text {
	var tiers [3]int
	for _, u := range units {
		tiers[u.Tier]++
	}
	return msg.CmdUnits.With(thousands(len(units)), thousands(tiers[allocation.Hub]), thousands(tiers[allocation.Station]), thousands(tiers[allocation.Room]))
}

// fundCounts says how many fund lines were read from how many files.
func fundCounts(funds *sources.FundTable) msg.Text {
	return msg.CmdFundLines.With(thousands(len(funds.Lines)), thousands(len(funds.Files)))
}
