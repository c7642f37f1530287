package scheduler

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"fundalloc/reports/msg"
	"fundalloc/reports/outdir"
)

// The lock files in the output folder.
const (
	// OutputLock is held for the whole of every run that writes to the
	// folder: budget, reconcile, and each scheduled run.
	OutputLock = ".fundalloc.lock"
	// DaemonLock is held by `fundalloc schedule` for its lifetime: one
	// scheduler per output folder.
	DaemonLock = ".fundalloc-daemon.lock"
)

// Holder says who holds a lock. It is written into the lock file so that a
// process kept waiting can say by whom.
type Holder struct {
	PID     int       `json:"pid"`
	Command string    `json:"command"`
	Since   time.Time `json:"since"`
}

func (h Holder) String() string { return h.Localize(msg.EN) }

// Localize names the holder in l.
func (h Holder) Localize(l msg.Lang) string {
	if h.PID == 0 {
		return msg.SchedHolderUnknown.In(l)
	}
	return msg.SchedHolder.In(l, h.Command, h.PID, h.Since.Format("2006-01-02 15:04:05"))
}

// LockedError reports a lock another process still held when the wait ran out.
type LockedError struct {
	Dir    string // the output folder
	Name   string // OutputLock or DaemonLock
	Holder Holder // zero when the lock file did not say
}

func (e *LockedError) Error() string { return e.Localize(msg.EN) }

// Localize says who holds the lock, in l.
func (e *LockedError) Localize(l msg.Lang) string {
	dir := filepath.Clean(e.Dir) + string(filepath.Separator)
	if e.Name == DaemonLock {
		return msg.SchedDaemonLocked.In(l, dir, e.Holder)
	}
	return msg.SchedOutputLocked.In(l, dir, e.Holder)
}

// Lock is a held lock file.
type Lock struct {
	f       *os.File
	path    string
	dir     string
	created bool // Acquire created dir
}

// pollInterval is how often a waiting Acquire tries again.
const pollInterval = 100 * time.Millisecond

// Acquire takes the lock file name in dir for h, creating dir when needed.
// When another process holds it, Acquire calls waiting (if not nil) once
// with that holder, then tries again until wait has passed or ctx is done,
// and returns a *LockedError. The lock is an flock(2) on the file, so it is
// let go when the process ends, however it ends.
//
// The folder and the lock file are opened through outdir: a link in the
// place of either is refused, never followed (DESIGN §13).
func Acquire(ctx context.Context, dir, name string, h Holder, wait time.Duration, waiting func(Holder)) (*Lock, error) {
	path := filepath.Join(dir, name)
	deadline := time.Now().Add(wait)
	created, told := false, false
	for attempt := 0; ; attempt++ {
		f, made, err := openLock(dir, name)
		created = created || made
		if errors.Is(err, fs.ErrNotExist) && attempt < 100 {
			continue // the folder was removed by a run that wrote nothing; make it again
		}
		if err != nil {
			var m *msg.Error
			if errors.As(err, &m) {
				return nil, err // a link or a special file refused, in outdir's words
			}
			return nil, msg.SchedLockFailed.Wrap(err, path, msg.OSReason(err))
		}
		ok, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, msg.SchedLockFailed.Err(path, err)
		}
		if ok {
			if !samePath(f, dir, name) {
				// The holder removed the file as it let go (see Release):
				// this lock is on a file nobody else will open.
				f.Close()
				continue
			}
			l := &Lock{f: f, path: path, dir: dir, created: created}
			if data, err := json.Marshal(h); err == nil {
				f.Truncate(0)
				f.WriteAt(append(data, '\n'), 0)
			}
			return l, nil
		}
		holder := holderIn(f)
		f.Close()
		if !told && waiting != nil && wait > 0 {
			waiting(holder)
			told = true
		}
		left := time.Until(deadline)
		if left <= 0 {
			return nil, &LockedError{Dir: dir, Name: name, Holder: holder}
		}
		select {
		case <-ctx.Done():
			return nil, msg.SchedLockWait.Wrap(context.Cause(ctx), path, context.Cause(ctx))
		case <-time.After(min(pollInterval, left)):
		}
	}
}

// openLock opens (creating) the lock file name in the folder dir, made when
// it does not exist (made says so).
func openLock(dir, name string) (f *os.File, made bool, err error) {
	d, made, err := outdir.Make(dir)
	if err != nil {
		if m := (*msg.Error)(nil); !errors.As(err, &m) {
			err = msg.SchedOutputDir.Wrap(err, dir, msg.OSReason(err))
		}
		return nil, made, err
	}
	defer d.Close()
	f, err = d.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o644)
	return f, made, err
}

// samePath reports whether f is still the file at name in dir.
func samePath(f *os.File, dir, name string) bool {
	a, err := f.Stat()
	if err != nil {
		return false
	}
	d, err := outdir.Open(dir)
	if err != nil {
		return false
	}
	defer d.Close()
	b, err := d.Lstat(name)
	return err == nil && os.SameFile(a, b)
}

// maxHolder bounds what is read of a lock file: a holder is a short line.
const maxHolder = 4 << 10

// holderIn reads the holder a lock file names.
func holderIn(f *os.File) Holder {
	var h Holder
	buf := make([]byte, maxHolder)
	n, _ := f.ReadAt(buf, 0)
	json.Unmarshal(bytes.TrimSpace(buf[:n]), &h)
	return h
}

// readHolder reads the holder the lock file at path names.
func readHolder(path string) Holder {
	f, err := outdir.OpenRegular(path)
	if err != nil {
		return Holder{}
	}
	defer f.Close()
	return holderIn(f)
}

// Drop lets go of the lock and removes the lock file: for a folder that is
// not an output folder (one init, template or generate wrote), where it
// would be clutter. Removing a held lock file is safe (see Acquire).
func (l *Lock) Drop() error {
	if l == nil || l.f == nil {
		return nil
	}
	if d, err := outdir.Open(l.dir); err == nil {
		// A folder Acquire made that holds nothing else: Release removes both.
		if entries, err := d.ReadDir(); err != nil || !l.created || len(entries) > 1 {
			d.Remove(filepath.Base(l.path))
		}
		d.Close()
	}
	return l.Release()
}

// Release lets go of the lock. When Acquire created the folder and the run
// left nothing in it but the lock file, both are removed, so a run that
// wrote nothing (bad input) leaves nothing behind.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	if l.created {
		if d, err := outdir.Open(l.dir); err == nil {
			if entries, err := d.ReadDir(); err == nil && len(entries) == 1 && entries[0].Name() == filepath.Base(l.path) {
				// Removed while still held: a process waiting on the old file
				// notices (samePath) and starts again.
				if d.Remove(filepath.Base(l.path)) == nil {
					os.Remove(l.dir) // only if it is still an empty folder
				}
			}
			d.Close()
		}
	}
	l.f.Truncate(0)
	err := l.f.Close()
	l.f = nil
	return err
}
