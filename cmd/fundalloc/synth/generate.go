package synth

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"sync"

	"golang.org/x/sync/errgroup"

	"fundalloc/allocation"
)

// Sink receives the generated files.
type Sink interface {
	// Create writes the file called name (slash-separated, relative to the
	// data set's directory: "fundalloc.yaml", "data/units.csv", …) by
	// calling write once. It is called once per file, possibly from several
	// goroutines at once.
	Create(name string, write func(w io.Writer) error) error
}

// SinkFunc adapts a function to a Sink.
type SinkFunc func(name string, write func(w io.Writer) error) error

// Create calls f.
func (f SinkFunc) Create(name string, write func(w io.Writer) error) error { return f(name, write) }

// Summary describes a generated data set. The counts Params gives
// (Stations, FundLines, Vouchers) are the data set's; the fields add what
// Params does not say.
type Summary struct {
	Params
	Units, Rooms, Pilots int
	FundFiles            int
	Designated           int            // designated fund lines
	Pool                 allocation.Fen // all fund lines
	Directed             allocation.Fen // the designated lines: not pooled
	Need                 allocation.Fen // the hub, baseline and pilot stages together
	Refunds, Problems    int            // Problems: rows planted with an unknown unit or a bad date
	Files                []string       // as in Files
}

// DemandShare is the share of the pooled money the demand stage gets, in
// per mille, rounded down.
func (s *Summary) DemandShare() int64 {
	pooled := int64(s.Pool - s.Directed)
	if pooled <= 0 {
		return 0
	}
	return int64(mulDiv(uint64(pooled-int64(s.Need)), 1000, uint64(pooled)))
}

// fundFiles is how many fund files n lines are split into: at most
// 250,000 lines each, and at least two when there are two lines, so that a
// reader can read them in parallel.
func fundFiles(n int) int {
	f := (n + maxFundsPerFile - 1) / maxFundsPerFile
	if n >= 2 {
		f = max(f, 2)
	}
	return f
}

// Files lists the files a data set consists of, in the order Summary gives
// them: fundalloc.yaml, data/units.EXT, data/funds/funds-NN.EXT,
// data/ledgers/ledger-2026-MM.EXT.
func Files(p Params) []string {
	ext := "." + string(p.Format)
	files := []string{"fundalloc.yaml", "data/units" + ext}
	n := fundFiles(p.FundLines)
	width := max(2, len(strconv.Itoa(n)))
	for k := 1; k <= n; k++ {
		files = append(files, "data/funds/funds-"+string(appendPadded(nil, int64(k), width))+ext)
	}
	for month := 1; month <= ledgerMonths; month++ {
		files = append(files, fmt.Sprintf("data/ledgers/ledger-2026-%02d%s", month, ext))
	}
	return files
}

// Generate builds the data set p describes and hands its files to sink,
// several at once (p.Workers). The content of every file depends on p
// alone. It stops at the first error, which it returns.
func Generate(ctx context.Context, p Params, sink Sink) (*Summary, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	m := newModel(p)
	names := Files(p)
	plan := sync.OnceValue(m.planLedgers)
	nf := m.fundFiles
	stats := make([]fundStats, nf)

	// Jobs by index into names; the biggest first so the workers finish
	// together: units, then funds and ledgers, the config last.
	order := make([]int, 0, len(names))
	for i := 1; i < len(names); i++ {
		order = append(order, i)
	}
	order = append(order, 0)
	run := func(i int) error {
		return sink.Create(names[i], func(w io.Writer) error {
			switch {
			case i == 0:
				return m.writeConfig(w)
			case i == 1:
				return m.writeUnits(w)
			case i < 2+nf:
				var err error
				stats[i-2], err = m.writeFunds(w, i-2)
				return err
			default:
				return m.writeLedger(w, plan(), i-1-nf)
			}
		})
	}

	workers := p.Workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	for _, i := range order {
		g.Go(func() error {
			if gctx.Err() != nil {
				return nil // stopped, or another file failed: the error is that
			}
			if err := run(i); err != nil {
				return fmt.Errorf("%s: %w", names[i], err)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	lp := plan()
	s := &Summary{Params: p, Units: len(m.units), Rooms: p.Stations * p.RoomsPerStation, Pilots: m.pilots,
		FundFiles: nf, Need: allocation.Fen(m.need), Refunds: lp.refunds, Problems: lp.problems, Files: names}
	for _, st := range stats {
		s.Designated += st.designated
		s.Pool += allocation.Fen(st.total)
		s.Directed += allocation.Fen(st.directed)
	}
	return s, nil
}
