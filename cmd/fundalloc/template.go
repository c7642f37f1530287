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
	"fundalloc/reports/msg"
	"fundalloc/sources"
)

func newTemplateCmd(g *globals) *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "template",
		Short: g.t(msg.CmdTplShort),
		Long:  g.t(msg.CmdTplLong),
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := g.loadConfig(cmd)
			if err != nil {
				return err
			}
			tpl, err := templateFor(cfg, g.runDate(cfg))
			if err != nil {
				return err
			}
			dir := g.out
			if dir == "" {
				dir = "."
			}
			paths, err := writeTemplates(cmd.Context(), g, g.path(dir), tpl, force)
			if err != nil {
				return err
			}
			if !g.quiet {
				for _, p := range paths {
					fmt.Fprintln(g.stdout, g.t(msg.CmdWrote, p))
				}
				if len(tpl.UnitCodes) > 0 {
					fmt.Fprintln(g.stdout, g.t(msg.CmdTplCodes, thousands(len(tpl.UnitCodes)), tpl.UnitsFile, tpl.FiscalYear))
				} else {
					fmt.Fprintln(g.stdout, g.t(msg.CmdTplNoConfig))
				}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, g.t(msg.CmdFlagForce))
	addLockWaitFlag(cmd, g)
	return cmd
}

// templateFor gathers what the templates offer from the configuration: its
// categories always; its unit codes and fiscal year only when it is a real
// configuration, not the embedded sample city. A units file with problems
// is an input error: the templates would offer wrong codes.
func templateFor(cfg *config.Config, runDate time.Time) (*reports.Template, error) {
	tpl := &reports.Template{Language: cfg.Language, RunDate: runDate, Categories: cfg.Categories,
		UnitColumns: templateColumns(sources.UnitColumns()), Drivers: templateColumns(sources.CommonDrivers()),
		FundColumns: templateColumns(sources.FundColumns()), LedgerColumns: templateColumns(sources.LedgerColumns())}
	if cfg.Source == config.SampleSource {
		return tpl, nil
	}
	src, err := cfg.UnitsSource()
	if err != nil {
		return nil, badInput(msg.CmdTplUnits, describe(err))
	}
	var p sources.Problems
	units := sources.ReadUnits(src, cfg.UnitOptions(context.Background()), &p)
	if err := p.Err(); err != nil {
		return nil, err
	}
	for _, u := range units.Units {
		if u.Tier != allocation.Room {
			tpl.ParentCodes = append(tpl.ParentCodes, u.Code)
		}
		tpl.UnitCodes = append(tpl.UnitCodes, u.Code)
	}
	tpl.UnitsFile = src.Name
	tpl.FiscalYear = cfg.FiscalYear
	return tpl, nil
}

// templateColumns are the columns of an input table that the templates
// offer: all but those only accounting software's exports have (a ledger's
// debit, credit and entry: the template asks for the amount, a voucher a
// row).
func templateColumns(cols []sources.Column) []reports.TemplateColumn {
	var out []reports.TemplateColumn
	for _, c := range cols {
		if c.InTemplate() {
			out = append(out, reports.TemplateColumn{Name: c.Name, Zh: c.Zh, Required: c.Required})
		}
	}
	return out
}

// writeTemplates writes the three templates to dir all or nothing and
// returns their paths. It refuses to overwrite an existing file unless
// force is set. It holds dir's output lock while it writes.
func writeTemplates(ctx context.Context, g *globals, dir string, tpl *reports.Template, force bool) ([]string, error) {
	var paths, exists []string
	for _, kind := range reports.TemplateKinds() {
		p := filepath.Join(dir, kind.FileName())
		paths = append(paths, p)
		if _, err := os.Lstat(p); err == nil {
			exists = append(exists, p)
		}
	}
	if len(exists) > 0 && !force {
		m := msg.CmdTplExists
		if len(exists) == 1 {
			m = msg.CmdTplExistsOne
		}
		return nil, badInput(m, strings.Join(exists, ", "))
	}
	tpl.TempDir = dir
	err := g.writeSet(ctx, dir, "fundalloc template", func(sink *batchSink) error {
		for _, kind := range reports.TemplateKinds() {
			err := sink.Create(kind.FileName(), func(w io.Writer) error { return reports.WriteTemplate(w, kind, tpl) })
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return paths, nil
}
