package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"fundalloc/allocation"
)

func newValidateCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "validate",
		Short: "Check the configuration and every input; print every problem; write nothing",
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := g.loadConfig(cmd)
			if err != nil {
				return err
			}
			in, err := readInputs(cfg, nil)
			if err != nil {
				return err
			}
			var tiers [3]int
			for _, u := range in.units.Units {
				tiers[u.Tier]++
			}
			fmt.Fprintf(g.stdout, "ok: %d units (%d hub, %d stations, %d rooms), %d fund lines in %d files · %s\n",
				len(in.units.Units), tiers[allocation.Hub], tiers[allocation.Station], tiers[allocation.Room],
				len(in.funds.Lines), len(in.funds.Files), cfg.Source)
			return nil
		},
	}
}
