package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"fundalloc/allocation"
	"fundalloc/config"
	"fundalloc/reports"
	"fundalloc/reports/msg"
)

func newVersionsCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "versions",
		Short: g.t(msg.VersionsShort),
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := g.loadConfig(cmd)
			if err != nil {
				return err
			}
			l := g.language
			rec, err := readRecord(cfg)
			if err != nil {
				return err
			}
			for _, w := range rec.warnings {
				fmt.Fprintln(g.stderr, g.t(msg.CmdWarning, w))
			}
			for _, o := range rec.orphans() {
				fmt.Fprintln(g.stderr, g.t(msg.CmdWarning, msg.RecordOrphan.With(o)))
			}
			if len(rec.lines) == 0 {
				if !g.quiet {
					fmt.Fprintln(g.stdout, msg.VersionsNone.In(l, rec.path(recordFile)))
				}
				return nil
			}
			ok := make([]bool, len(rec.lines))
			verr := rec.verify(func(i int) { ok[i] = true })
			if !g.quiet {
				printVersions(g, cfg, rec, ok, verr, l)
				if verr == nil {
					fmt.Fprintln(g.stdout, msg.VersionsVerified.In(l, len(rec.lines), rec.newest()))
				}
			}
			return verr
		},
	}
}

// printVersions lists the versions: number, year, date, document, total,
// hash, parent and whether its files and its place in the chain verified.
func printVersions(g *globals, cfg *config.Config, rec *theRecord, ok []bool, verr error, l msg.Lang) {
	rows := [][]string{strings.Split(msg.VersionsHead.In(l), "|")}
	broken := false
	for i := range rec.lines {
		v := &rec.lines[i]
		status := msg.VersionsOK.In(l)
		total := msg.DiffNone.In(l)
		switch {
		case ok[i]:
			if bf, _, err := readBudget(cfg, rec.path(v.File(".json")), rec.path(v.File(".json"))); err == nil {
				var t allocation.Fen
				for _, e := range bf.Plan.Pool {
					t += e.Total
				}
				total = reports.Yuan(t)
			}
		case !broken && verr != nil:
			status, broken = msg.VersionsBad.In(l), true
		default:
			status = msg.VersionsUnseen.In(l)
		}
		parent := v.Parent
		if parent == "" {
			parent = msg.DiffNone.In(l)
		}
		rows = append(rows, []string{v.Version, strconv.Itoa(v.Year), v.Approved, v.DocNo, total, v.SHA256[:16] + "…", parent, status})
	}
	printTable(g.stdout, "llllrlll", rows)
}
