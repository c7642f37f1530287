package main

import (
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
	"fundalloc/reports/msg"
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
		Short: g.t(msg.CmdGenShort),
		Long:  g.t(msg.CmdGenLong),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if g.out == "" {
				return usageError{msg.CmdGenNeedsOut.Err()}
			}
			name := preset
			if name == "" {
				name = "shenmu"
			}
			p, ok := synth.Preset(name)
			if !ok {
				return usageError{msg.CmdGenPreset.Err(preset, strings.Join(synth.PresetNames(), ", "))}
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
				more := any("")
				if len(existing) > 3 {
					more = msg.CmdGenMore.With(len(existing) - 3)
					existing = existing[:3]
				}
				return badInput(msg.CmdGenExists, strings.Join(existing, ", "), more, dir)
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
				printGenerated(g.stdout, g.language, dir, sum, time.Since(start))
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&preset, "preset", "", g.t(msg.CmdGenFlagPreset))
	fl.StringVar(&format, "format", "csv", g.t(msg.CmdGenFlagFormat))
	fl.Uint64Var(&seed, "seed", 1, g.t(msg.CmdGenFlagSeed))
	fl.IntVar(&stations, "stations", 0, g.t(msg.CmdGenFlagSt))
	fl.IntVar(&rooms, "rooms-per-station", 0, g.t(msg.CmdGenFlagRooms))
	fl.IntVar(&fundLines, "fund-lines", 0, g.t(msg.CmdGenFlagFunds))
	fl.IntVar(&vouchers, "vouchers", 0, g.t(msg.CmdGenFlagVouch))
	fl.BoolVar(&force, "force", false, g.t(msg.CmdGenFlagForce))
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

func printGenerated(w io.Writer, l msg.Lang, dir string, s *synth.Summary, took time.Duration) {
	name := any(s.Preset)
	if s.Preset == "" {
		name = msg.CmdGenCustom
	}
	share := s.DemandShare()
	fmt.Fprintln(w, msg.CmdGenTitle.In(l, name, s.Seed, s.Format, dir))
	fmt.Fprintln(w, msg.CmdGenUnits.In(l, thousands(s.Units), thousands(s.Stations), thousands(s.Pilots), thousands(s.Rooms)))
	fmt.Fprintln(w, msg.CmdGenFunds.In(l, thousands(s.FundLines), s.FundFiles, thousands(s.Designated), reports.Yuan(s.Pool), reports.Yuan(s.Need), share/10, share%10))
	fmt.Fprintln(w, msg.CmdGenVouchers.In(l, thousands(s.Vouchers), thousands(s.Refunds), thousands(s.Problems)))
	fmt.Fprintln(w, msg.CmdGenWrote.In(l, len(s.Files), took.Round(time.Millisecond)))
	fmt.Fprintln(w, msg.CmdGenNext.In(l, filepath.Join(dir, "fundalloc.yaml")))
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
