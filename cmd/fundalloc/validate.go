package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"fundalloc/config"
	"fundalloc/reports/msg"
)

func newValidateCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "validate",
		Short: g.t(msg.CmdValidateShort),
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := g.loadConfig(cmd)
			if err != nil {
				return err
			}
			in, err := readInputs(cmd.Context(), cfg, nil)
			if err != nil {
				return err
			}
			// Columns no table knows are ignored: say so once each.
			for _, n := range in.notes {
				fmt.Fprintln(g.stdout, msg.Localize(n, g.language))
			}
			fmt.Fprintln(g.stdout, g.t(msg.CmdValidateOK, unitCounts(in.units.Units), fundCounts(in.funds), config.SourceName(cfg.Source, g.language)))
			return nil
		},
	}
}
