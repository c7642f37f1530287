package main

import (
	"context"
	"errors"
	"io/fs"
	"runtime"

	"golang.org/x/sync/errgroup"

	"fundalloc/allocation"
	"fundalloc/config"
	"fundalloc/reports/msg"
	"fundalloc/sources"
)

// inputs are the validated inputs of a run.
type inputs struct {
	cfg    *config.Config
	cats   *sources.Categories
	units  *sources.UnitTable
	funds  *sources.FundTable
	hashes []allocation.FileHash // every input file read, with its SHA-256
	notes  []*sources.Error      // information about the inputs: columns ignored
	prior  *sources.BudgetFile   // last year's budget (prior_budget), or nil
	// priorName is prior_budget's file as the inputs name it.
	priorName string
	// fundLines are funds' lines as the allocation takes them.
	fundLines []allocation.Fund
}

// readInputs reads and validates the units and fund lines the config names.
// Every problem in every file is collected; any problem is an input error.
// The units file and the fund files are read at the same time (the fund
// files in parallel with each other too), and hashed likewise. Once ctx is
// done the reading stops within a second and readInputs reports the
// interruption.
func readInputs(ctx context.Context, cfg *config.Config, prog *progress) (*inputs, error) {
	in := &inputs{cfg: cfg, cats: sources.NewCategories(cfg.Categories)}
	var p, unitProblems sources.Problems
	unitSrc, err := cfg.UnitsSource()
	if err != nil {
		// Reported with the fund files' problems, which are still read.
		unitProblems.Add(&sources.Error{File: "units", Err: describe(err)})
	}
	fundSrcs, err := cfg.Base.Resolve(cfg.FundLines)
	switch {
	case err != nil:
		p.Add(&sources.Error{File: "fund_lines", Err: describe(err)})
	case len(fundSrcs) == 0:
		p.Add(&sources.Error{File: "fund_lines", Err: msg.CmdMatchNone.Err(cfg.FundLines)})
	}
	if unitProblems.Len() > 0 {
		var fundProblems sources.Problems
		sources.ReadFunds(prog.reading(fundSrcs), cfg.FundOptions(ctx), in.cats, &fundProblems)
		if err := interrupted(ctx); err != nil {
			return nil, err
		}
		unitProblems.Append(&p)
		unitProblems.Append(&fundProblems)
		return nil, unitProblems.Err()
	}
	read := prog.reading(append([]sources.Source{unitSrc}, fundSrcs...))
	done := make(chan struct{})
	go func() {
		defer close(done)
		in.units = sources.ReadUnits(read[0], cfg.UnitOptions(ctx), &unitProblems)
	}()
	var fundProblems, sourceProblems sources.Problems
	in.funds = sources.ReadFunds(read[1:], cfg.FundOptions(ctx), in.cats, &fundProblems)
	// The units file is read for longer than the fund files (a national
	// one 0.4 s more, with the other core idle): meanwhile the fund lines'
	// own work is done. Their sources' problems are listed after the
	// designated units', as when they were found after them.
	in.funds.CheckSources(in.cats, cfg.Limits.MaxSources, &sourceProblems)
	in.fundLines = in.funds.Funds()
	<-done
	if err := interrupted(ctx); err != nil {
		return nil, err
	}
	in.funds.CheckUnits(in.units, &fundProblems)
	fundProblems.Append(&sourceProblems)
	all := unitProblems
	all.Append(&p)
	all.Append(&fundProblems)
	in.notes = all.Notes()
	var priorSrc []sources.Source
	if cfg.PriorBudget != "" {
		if in.prior, priorSrc = readPrior(cfg, &all); in.prior != nil {
			in.priorName = priorSrc[0].Name
		}
	}
	if err := all.Err(); err != nil {
		return nil, err
	}
	if err := cfg.CheckDrivers(in.units.Drivers); err != nil {
		return nil, err
	}
	if in.hashes, err = hashSources(append(append([]sources.Source{unitSrc}, fundSrcs...), priorSrc...)); err != nil {
		return nil, err
	}
	return in, nil
}

// readPrior reads last year's budget (prior_budget) through the checked
// reader; it must be for the year before the configured one. Its problems
// join p.
func readPrior(cfg *config.Config, p *sources.Problems) (*sources.BudgetFile, []sources.Source) {
	srcs, err := cfg.Base.Resolve([]string{cfg.PriorBudget})
	switch {
	case err != nil:
		p.Add(&sources.Error{File: "prior_budget", Err: describe(err)})
		return nil, nil
	case len(srcs) != 1:
		p.Add(&sources.Error{File: "prior_budget", Err: msg.CmdMatchNone.Err([]string{cfg.PriorBudget})})
		return nil, nil
	}
	src := srcs[0]
	f, err := src.Open()
	if err != nil {
		p.Add(&sources.Error{File: src.Name, Err: describe(err)})
		return nil, nil
	}
	defer f.Close()
	bf, err := sources.ReadBudgetFile(src.Name, f, cfg.Limits.UnzipSize)
	var pe *sources.ProblemsError
	switch {
	case errors.As(err, &pe):
		for _, e := range pe.Problems {
			p.Add(e)
		}
		return nil, nil
	case err != nil:
		p.Add(&sources.Error{File: src.Name, Err: describe(err)})
		return nil, nil
	case bf.Year != cfg.FiscalYear-1:
		p.Add(&sources.Error{File: src.Name, Err: msg.PriorYear.Wrap(sources.ErrBadNumber, bf.Year, cfg.FiscalYear-1)})
		return nil, nil
	}
	return bf, srcs
}

// hashSources computes the SHA-256 of every source, in parallel.
func hashSources(srcs []sources.Source) ([]allocation.FileHash, error) {
	out := make([]allocation.FileHash, len(srcs))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, s := range srcs {
		g.Go(func() (err error) {
			out[i].Path = s.Name
			out[i].SHA256, err = s.SHA256()
			return err
		})
	}
	return out, g.Wait()
}

// describe says why a configured file could not be found: a missing file
// by its path, anything else as it is.
func describe(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) && errors.Is(err, fs.ErrNotExist) {
		return msg.CmdNoSuchFile.Err(pe.Path)
	}
	return err
}

// allocate runs the core on the inputs; once ctx is done it stops, with
// the interruption as its error.
func (in *inputs) allocate(ctx context.Context) (*allocation.Plan, error) {
	plan, err := allocation.AllocateContext(ctx, allocation.Input{
		Categories: in.cats.Codes(),
		Drivers:    in.units.Drivers,
		Units:      in.units.Units,
		Funds:      in.fundLines,
	}, in.cfg.Rules)
	return plan, stopped(ctx, err)
}

// indicators splits the plan's lines by source (DESIGN §12). Too many
// sources in a category is bad input naming the category.
func (in *inputs) indicators(plan *allocation.Plan, cfg *config.Config) (*allocation.IndicatorTable, error) {
	ind, err := allocation.RecordIndicators(plan, &in.funds.FundRecords, cfg.Limits.MaxSources)
	var tm *allocation.TooManySourcesError
	if errors.As(err, &tm) {
		return nil, badInput(msg.CmdTooManySources, plan.Categories[tm.Category], tm.Count, tm.Limit)
	}
	return ind, err
}
