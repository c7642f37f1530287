package synth

import (
	"bufio"
	"fmt"
	"io"

	"fundalloc/allocation"
)

// writeConfig writes fundalloc.yaml for the data set: paths relative to
// it, the stage parameters the fund lines were sized for, drivers for all
// seven categories, and reconcile and schedule sections like the sample
// city's. No stage is limited to some categories, so every stage can draw
// on the whole pool.
func (m *model) writeConfig(w io.Writer) error {
	p := m.p
	ext := string(p.Format)
	preset := ""
	if p.Preset != "" {
		preset = "--preset " + p.Preset + " "
	}
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, `# fundalloc configuration for a synthetic data set written by
#   fundalloc generate %s--seed %d --format %s \
#     --stations %d --rooms-per-station %d --fund-lines %d --vouchers %d
# %d units (1 hub, %d stations, %d rooms), %d fund lines in %d files, %d vouchers
# in ten monthly ledgers (January–October). The data are fictional.
#
# Paths are relative to this file. Amounts are yuan in quotes so they are
# read exactly. The fund lines were sized for the stage parameters below:
# the hub, baseline and pilot stages need %s yuan, and the pooled money
# leaves at least 30 %% of itself for the demand stage.
`, preset, p.Seed, ext, p.Stations, p.RoomsPerStation, p.FundLines, p.Vouchers,
		p.Units(), p.Stations, p.Stations*p.RoomsPerStation, p.FundLines, m.fundFiles, p.Vouchers,
		allocation.Fen(m.need))
	fmt.Fprintf(bw, `
fiscal_year: 2026
units: data/units.%s
fund_lines: [data/funds/funds-*.%s]
ledgers: [data/ledgers/ledger-2026-*.%s]
out: out
language: zh
`, ext, ext, ext)
	fmt.Fprintf(bw, `
grades:
  excellent: "1.10"
  good: "1.00"
  qualified: "0.90"
  new: "1.00"

stages:
  hub:
    amount: "%s"
  baseline:
    per_worker: "%s"
    per_station: "%s"
  pilot:
    amount: "%s"
  demand:
    share: "1.00"
    drivers:
`, allocation.Fen(m.hubAmount), allocation.Fen(m.perWorker), allocation.Fen(m.perStation), allocation.Fen(m.pilotAmount))
	for c, code := range catCodes {
		fmt.Fprintf(bw, "      %s: %s\n", code, driverName[catDriver[c]])
	}
	fmt.Fprintf(bw, `  rooms:
    share: "0.%02d"

reconcile:
  phasing: even
  tolerance: "0.10"
  behind: "0.80"

schedule:
  timezone: Asia/Shanghai
  catch_up: true
  jobs:
    - {name: monthly-reconciliation, spec: "0 6 1 * *", run: reconcile}
    - {name: annual-budget, spec: "0 2 1 11 *", run: budget}
`, roomShare)
	return bw.Flush()
}
