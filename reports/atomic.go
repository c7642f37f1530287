// Package reports writes fundalloc's outputs: the budget and reconciliation
// JSON and workbooks. It renders results the core produced; it never
// recomputes an allocation.
package reports

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// TempPrefix starts the name of every temporary output file, so that a run
// can clean up what a crashed run left behind.
const TempPrefix = ".fundalloc-tmp-"

// Batch writes a set of output files all or nothing: each file is written
// to a temporary file in its final directory and synced; Commit renames them
// all into place, Abort removes them. A crash leaves the previous files or
// the new ones, never a partial file under a final name.
type Batch struct {
	mu      sync.Mutex
	pending []pending
}

type pending struct{ tmp, path string }

// Write writes one file of the batch to its temporary file. Files may be
// written from several goroutines at once.
func (b *Batch) Write(path string, write func(w io.Writer) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), TempPrefix+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	aw := newAsyncWriter(tmp)
	err = write(aw)
	if cerr := aw.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	b.mu.Lock()
	b.pending = append(b.pending, pending{tmp: tmp.Name(), path: path})
	b.mu.Unlock()
	return nil
}

// Commit renames every written file into place.
func (b *Batch) Commit() error {
	var errs []error
	dirs := map[string]bool{}
	for _, p := range b.pending {
		if err := os.Rename(p.tmp, p.path); err != nil {
			errs = append(errs, err)
			os.Remove(p.tmp)
		}
		dirs[filepath.Dir(p.path)] = true
	}
	b.pending = nil
	for dir := range dirs {
		if d, err := os.Open(dir); err == nil {
			d.Sync() // make the renames durable; not every file system can
			d.Close()
		}
	}
	return errors.Join(errs...)
}

// Abort removes every written temporary file.
func (b *Batch) Abort() {
	for _, p := range b.pending {
		os.Remove(p.tmp)
	}
	b.pending = nil
}

// WriteFile writes one file atomically, as a batch of one.
func WriteFile(path string, write func(w io.Writer) error) error {
	var b Batch
	if err := b.Write(path, write); err != nil {
		return err
	}
	return b.Commit()
}

// CleanTemp removes temporary files that an interrupted run left in dir and
// returns their names.
func CleanTemp(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, nil
		}
		return nil, err
	}
	var removed []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), TempPrefix) && !e.IsDir() {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
				return removed, fmt.Errorf("remove stale %s: %w", e.Name(), err)
			}
			removed = append(removed, e.Name())
		}
	}
	return removed, nil
}
