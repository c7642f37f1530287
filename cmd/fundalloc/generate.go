package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"fundalloc/cmd/fundalloc/synth"
	"fundalloc/reports"
)

func newGenerateCmd(g *globals) *cobra.Command {
	var (
		preset, format                       string
		seed                                 uint64
		stations, rooms, fundLines, vouchers int
		force                                bool
	)
	cmd := &cobra.Command{
		Use:   "generate --preset shenmu|province|national --out DIR",
		Short: "Write a synthetic data set of a chosen size (for trials and benchmarks)",
		Long: `generate writes a deterministic synthetic data set to DIR: fundalloc.yaml,
data/units.EXT, data/funds/funds-NN.EXT (at most 250,000 lines a file) and
data/ledgers/ledger-2026-MM.EXT for January–October. The same flags and seed
give the same data. The fund lines are sized so that the budget has no
shortfall; about one voucher in ten thousand carries a deliberate problem
(an unknown unit or a date that does not exist) for reconcile to report.

Presets: shenmu 20 stations × 15 rooms, 60 fund lines, 10,000 vouchers;
province 1,300 × 15, 100,000, 300,000; national 38,600 × 15, 1,000,000,
3,000,000. --stations, --rooms-per-station, --fund-lines and --vouchers
override a preset's numbers (shenmu's without a preset).

An existing fundalloc.yaml or data file in DIR is not overwritten without
--force; with --force, fund and ledger files of an earlier data set that
the new one does not have are removed, so the config's globs read only the
new ones.`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if g.out == "" {
				return usageError{errors.New("generate needs --out DIR")}
			}
			name := preset
			if name == "" {
				name = "shenmu"
			}
			p, ok := synth.Preset(name)
			if !ok {
				return usageError{fmt.Errorf("--preset %q: use %s", preset, strings.Join(synth.PresetNames(), ", "))}
			}
			// The preset's name is kept only when its numbers are, or when
			// it was asked for by name.
			p.Preset = preset
			f := cmd.Flags()
			overridden := false
			for flag, v := range map[string]*int{"stations": &p.Stations, "rooms-per-station": &p.RoomsPerStation,
				"fund-lines": &p.FundLines, "vouchers": &p.Vouchers} {
				if f.Changed(flag) {
					*v, _ = f.GetInt(flag)
					overridden = true
				}
			}
			if !overridden {
				p.Preset = name
			}
			p.Format, p.Seed = synth.Format(format), seed
			if err := p.Validate(); err != nil {
				return usageError{err}
			}
			dir := g.path(g.out)
			files := synth.Files(p)
			existing, stale, err := existingFiles(dir, files)
			if err != nil {
				return err
			}
			if len(existing) > 0 && !force {
				more := ""
				if len(existing) > 3 {
					more = fmt.Sprintf(" and %d more", len(existing)-3)
					existing = existing[:3]
				}
				return badInput("generate: %s%s already exist in %s; nothing was written (use --force to overwrite)",
					strings.Join(existing, ", "), more, dir)
			}

			start := time.Now()
			sink := &batchSink{dir: dir}
			sum, err := synth.Generate(cmd.Context(), p, sink)
			if err != nil {
				sink.abort()
				return err
			}
			if err := sink.commit(); err != nil {
				return err
			}
			for _, s := range stale {
				if err := os.Remove(filepath.Join(dir, filepath.FromSlash(s))); err != nil {
					return err
				}
			}
			if !g.quiet {
				printGenerated(g.stdout, dir, sum, time.Since(start))
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&preset, "preset", "", "shenmu, province or national (default: shenmu's numbers)")
	fl.StringVar(&format, "format", "csv", "csv (English headers) or xlsx (Chinese headers)")
	fl.Uint64Var(&seed, "seed", 1, "seed of the random source")
	fl.IntVar(&stations, "stations", 0, "number of stations (overrides the preset)")
	fl.IntVar(&rooms, "rooms-per-station", 0, "rooms under each station (overrides the preset)")
	fl.IntVar(&fundLines, "fund-lines", 0, "number of fund lines (overrides the preset)")
	fl.IntVar(&vouchers, "vouchers", 0, "number of vouchers over January–October (overrides the preset)")
	fl.BoolVar(&force, "force", false, "overwrite an existing data set")
	return cmd
}

// existingFiles returns the files of the new data set that already exist in
// dir, and the files an earlier data set left that the new one lacks (fund
// and ledger files the config's globs would read, and a units file of the
// other format); the latter are listed in existing too.
func existingFiles(dir string, files []string) (existing, stale []string, err error) {
	for _, f := range files {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(f))); err == nil {
			existing = append(existing, f)
		}
	}
	for _, pat := range []string{"data/units.*", "data/funds/funds-*", "data/ledgers/ledger-2026-*"} {
		found, err := filepath.Glob(filepath.Join(dir, filepath.FromSlash(pat)))
		if err != nil {
			return nil, nil, err
		}
		for _, path := range found {
			rel, err := filepath.Rel(dir, path)
			if err != nil {
				return nil, nil, err
			}
			rel = filepath.ToSlash(rel)
			ext := filepath.Ext(rel)
			if (ext == ".csv" || ext == ".xlsx") && !slices.Contains(files, rel) {
				stale = append(stale, rel)
			}
		}
	}
	return append(existing, stale...), stale, nil
}

// batchSink writes a set of files under dir (a data set, the sample city)
// all or nothing: each to a temporary file beside its final name, in a
// folder first rid of the temporary files a crashed run left; commit
// renames them all into place, abort removes them.
type batchSink struct {
	dir     string
	b       reports.Batch
	mu      sync.Mutex
	cleaned map[string]bool // folders made and rid of a crashed run's temporary files
}

// Create writes the file name (slash-separated, relative to dir). Files may
// be created from several goroutines at once.
func (s *batchSink) Create(name string, write func(w io.Writer) error) error {
	path := filepath.Join(s.dir, filepath.FromSlash(name))
	if err := s.folder(filepath.Dir(path)); err != nil {
		return err
	}
	return s.b.Write(path, write)
}

// folder makes the folder d and removes a crashed run's temporary files
// from it, once.
func (s *batchSink) folder(d string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cleaned[d] {
		return nil
	}
	if err := os.MkdirAll(d, 0o755); err != nil {
		return err
	}
	if _, err := reports.CleanTemp(d); err != nil {
		return err
	}
	if s.cleaned == nil {
		s.cleaned = map[string]bool{}
	}
	s.cleaned[d] = true
	return nil
}

func (s *batchSink) commit() error { return s.b.Commit() }

func (s *batchSink) abort() { s.b.Abort() }

func printGenerated(w io.Writer, dir string, s *synth.Summary, took time.Duration) {
	name := s.Preset
	if name == "" {
		name = "custom"
	}
	share := s.DemandShare()
	fmt.Fprintf(w, "fundalloc generate · %s data set (seed %d, %s) in %s\n", name, s.Seed, s.Format, dir)
	fmt.Fprintf(w, "  units       %s: 1 hub, %s stations (%s pilot), %s rooms\n",
		thousands(s.Units), thousands(s.Stations), thousands(s.Pilots), thousands(s.Rooms))
	fmt.Fprintf(w, "  fund lines  %s in %d files, %s designated; pool %s yuan, of which hub, baseline and pilot need %s (%d.%d %% left for demand)\n",
		thousands(s.FundLines), s.FundFiles, thousands(s.Designated), reports.Yuan(s.Pool), reports.Yuan(s.Need), share/10, share%10)
	fmt.Fprintf(w, "  vouchers    %s in 10 monthly ledgers (January–October), %s refunds, %s with a deliberate problem\n",
		thousands(s.Vouchers), thousands(s.Refunds), thousands(s.Problems))
	fmt.Fprintf(w, "wrote %d files in %s\n", len(s.Files), took.Round(time.Millisecond))
	fmt.Fprintf(w, "next: fundalloc budget --config %s\n", filepath.Join(dir, "fundalloc.yaml"))
}

// thousands formats n with , between groups of three digits.
func thousands(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	var b []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, s[i])
	}
	return string(b)
}
