// Package reports writes fundalloc's outputs: the budget and reconciliation
// JSON and workbooks. It renders results the core produced; it never
// recomputes an allocation.
package reports

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"

	"fundalloc/reports/msg"
	"fundalloc/reports/outdir"
)

// TempPrefix starts the name of every temporary output file, so that a run
// can clean up what a crashed run left behind.
const TempPrefix = ".fundalloc-tmp-"

// Batch writes a set of output files all or nothing: each file is written
// to a temporary file in its final folder and synced; Commit renames them
// all into place, Abort removes them. A crash leaves the previous files or
// the new ones, never a partial file under a final name.
//
// Every file goes through outdir (DESIGN §13): the folder must not be a
// link, the temporary file is created new (never through a link), and a
// link or special file standing at a final name is refused, not replaced or
// followed. A full disk or an interruption removes every temporary file.
type Batch struct {
	// Mode is the files' permissions; zero means 0644. The budget of
	// record's versions are 0444.
	Mode fs.FileMode

	ctx     context.Context
	mu      sync.Mutex
	dirs    map[string]*outdir.Dir // folders opened by Write, by path
	pending []pending
}

type pending struct {
	dir       *outdir.Dir
	tmp, name string // in dir
}

// NewBatch returns a batch whose writers stop once ctx is done: every write
// then fails with ctx's error, so a long output ends at its next buffer.
// The zero Batch is never stopped.
func NewBatch(ctx context.Context) *Batch { return &Batch{ctx: ctx} }

// Write writes the file at path to a temporary file in its folder, which
// must exist. Files may be written from several goroutines at once.
func (b *Batch) Write(path string, write func(w io.Writer) error) error {
	d, err := b.folder(filepath.Dir(path))
	if err != nil {
		return err
	}
	return b.WriteIn(d, filepath.Base(path), write)
}

func (b *Batch) folder(path string) (*outdir.Dir, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if d := b.dirs[path]; d != nil {
		return d, nil
	}
	d, err := outdir.Open(path)
	if err != nil {
		return nil, err
	}
	if b.dirs == nil {
		b.dirs = map[string]*outdir.Dir{}
	}
	b.dirs[path] = d
	return d, nil
}

// WriteIn writes the file name in the folder d (which the caller opened,
// and keeps open until Commit or Abort) to a temporary file there.
func (b *Batch) WriteIn(d *outdir.Dir, name string, write func(w io.Writer) error) (err error) {
	// Refused now rather than at Commit, before the work of writing it.
	if err := d.CheckFile(name); err != nil {
		return err
	}
	tmp, err := d.CreateTemp(TempPrefix + name + "-")
	if err != nil {
		return diskFull(d.Join(name), err)
	}
	tmpName := outdir.TempName(tmp)
	defer func() {
		if err != nil {
			tmp.Close()
			d.Remove(tmpName)
			err = diskFull(d.Join(name), err)
		}
	}()
	aw := newAsyncWriter(b.ctx, tmp)
	err = write(aw)
	if cerr := aw.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	mode := b.Mode
	if mode == 0 {
		mode = 0o644
	}
	if err = tmp.Chmod(mode); err != nil {
		return err
	}
	if b.ctx != nil {
		if err = b.ctx.Err(); err != nil {
			return err // interrupted: not worth a sync that cannot be cut short
		}
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	b.mu.Lock()
	b.pending = append(b.pending, pending{dir: d, tmp: tmpName, name: name})
	b.mu.Unlock()
	return nil
}

// Commit renames every written file into place. A link or a special file
// at any final name refuses the whole batch before anything is renamed.
func (b *Batch) Commit() error {
	defer b.close()
	for _, p := range b.pending {
		if err := p.dir.CheckFile(p.name); err != nil {
			b.abort()
			return err
		}
	}
	var errs []error
	var dirs []*outdir.Dir
	for _, p := range b.pending {
		if err := p.dir.Rename(p.tmp, p.name); err != nil {
			errs = append(errs, err)
			p.dir.Remove(p.tmp)
		}
		if !slices.Contains(dirs, p.dir) {
			dirs = append(dirs, p.dir)
		}
	}
	b.pending = nil
	for _, d := range dirs {
		d.Sync() // make the renames durable
	}
	return errors.Join(errs...)
}

// Abort removes every written temporary file.
func (b *Batch) Abort() {
	b.abort()
	b.close()
}

func (b *Batch) abort() {
	for _, p := range b.pending {
		p.dir.Remove(p.tmp)
	}
	b.pending = nil
}

// close lets go of the folders Write opened.
func (b *Batch) close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, d := range b.dirs {
		d.Close()
	}
	b.dirs = nil
}

// WriteFile writes one file atomically, as a batch of one.
func WriteFile(path string, write func(w io.Writer) error) error {
	var b Batch
	if err := b.Write(path, write); err != nil {
		b.Abort()
		return err
	}
	return b.Commit()
}

// diskFull names a full disk in words; other errors are returned as they are.
func diskFull(path string, err error) error {
	if errors.Is(err, syscall.ENOSPC) && !msg.Is(err, msg.DiskFull) {
		return msg.DiskFull.Wrap(err, path)
	}
	return err
}

// CleanTemp removes temporary files that an interrupted run left in dir and
// returns their names. The caller holds the folder's output lock, so no
// running fundalloc owns them.
func CleanTemp(dir string) ([]string, error) {
	d, err := outdir.Open(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer d.Close()
	return CleanTempIn(d)
}

// CleanTempIn is CleanTemp for an open folder.
func CleanTempIn(d *outdir.Dir) ([]string, error) {
	entries, err := d.ReadDir()
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), TempPrefix) && !e.IsDir() {
			if err := d.Remove(e.Name()); err != nil {
				return removed, err
			}
			removed = append(removed, e.Name())
		}
	}
	return removed, nil
}
