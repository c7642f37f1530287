package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path"
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
	"fundalloc/reports/outdir"
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
			var sum *synth.Summary
			err = g.writeSet(cmd.Context(), dir, "fundalloc generate", func(sink *batchSink) (err error) {
				sink.stale = stale
				sum, err = synth.Generate(cmd.Context(), p, sink)
				return err
			})
			if err != nil {
				return err
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
	addLockWaitFlag(cmd, g)
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

// writeSet writes a set of files to the folder dir (a data set, the sample
// city, the templates) all or nothing, holding the folder's output lock:
// write creates them in the sink; when it fails, or ctx is done, nothing is
// written.
func (g *globals) writeSet(ctx context.Context, dir, command string, write func(*batchSink) error) error {
	lock, err := g.lockFolder(ctx, dir, command)
	if err != nil {
		return err
	}
	defer lock.Drop()
	sink, err := newBatchSink(ctx, dir)
	if err != nil {
		return err
	}
	defer sink.close()
	if err := write(sink); err != nil {
		sink.abort()
		return stopped(ctx, err)
	}
	return sink.commit()
}

// batchSink writes a set of files under a folder through one reports.Batch:
// each to a temporary file beside its final name, in a folder first rid of
// the temporary files a crashed run left (the caller holds the folder's
// output lock); commit renames them all into place, then removes the stale
// files, abort removes the temporary ones. Folders are opened and made
// through outdir, never through a link.
type batchSink struct {
	root  *outdir.Dir
	b     *reports.Batch
	mu    sync.Mutex
	dirs  map[string]*outdir.Dir // folders made and rid of a crashed run's temporary files, by slash path
	stale []string               // files (slash paths) an earlier set left that commit removes
}

// newBatchSink opens (making it if needed) the folder dir to write a set of
// files in; once ctx is done the writes stop.
func newBatchSink(ctx context.Context, dir string) (*batchSink, error) {
	root, _, err := outdir.Make(dir)
	if err != nil {
		return nil, err
	}
	return &batchSink{root: root, b: reports.NewBatch(ctx), dirs: map[string]*outdir.Dir{}}, nil
}

// Create writes the file name (slash-separated, relative to the folder).
// Files may be created from several goroutines at once.
func (s *batchSink) Create(name string, write func(w io.Writer) error) error {
	d, err := s.folder(path.Dir(name))
	if err != nil {
		return err
	}
	return s.b.WriteIn(d, path.Base(name), write)
}

// folder opens (making it) the folder rel and removes a crashed run's
// temporary files from it, once.
func (s *batchSink) folder(rel string) (*outdir.Dir, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d := s.dirs[rel]; d != nil {
		return d, nil
	}
	d, err := s.root.Sub(rel, true)
	if err != nil {
		return nil, err
	}
	if _, err := reports.CleanTempIn(d); err != nil {
		d.Close()
		return nil, err
	}
	s.dirs[rel] = d
	return d, nil
}

// remove removes the file name (slash-separated) from the folder.
func (s *batchSink) remove(name string) error {
	d, err := s.folder(path.Dir(name))
	if err != nil {
		return err
	}
	return d.Remove(path.Base(name))
}

func (s *batchSink) commit() error {
	if err := s.b.Commit(); err != nil {
		return err
	}
	for _, name := range s.stale {
		if err := s.remove(name); err != nil {
			return err
		}
	}
	return nil
}

func (s *batchSink) abort() { s.b.Abort() }

// close lets go of the folders; the last thing done with a sink.
func (s *batchSink) close() {
	for _, d := range s.dirs {
		d.Close()
	}
	s.dirs = map[string]*outdir.Dir{}
	s.root.Close()
}

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
