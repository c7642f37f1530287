package scheduler

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"fundalloc/reports/msg"
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
func Acquire(ctx context.Context, dir, name string, h Holder, wait time.Duration, waiting func(Holder)) (*Lock, error) {
	path := filepath.Join(dir, name)
	deadline := time.Now().Add(wait)
	created, told := false, false
	for attempt := 0; ; attempt++ {
		if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, msg.SchedOutputDir.Wrap(err, dir, msg.OSReason(err))
			}
			created = true
		}
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
		if errors.Is(err, fs.ErrNotExist) && attempt < 100 {
			continue // the folder was removed by a run that wrote nothing; make it again
		}
		if err != nil {
			return nil, msg.SchedLockFailed.Wrap(err, path, msg.OSReason(err))
		}
		ok, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, msg.SchedLockFailed.Err(path, err)
		}
		if ok {
			if !samePath(f, path) {
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
		f.Close()
		holder := readHolder(path)
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

func samePath(f *os.File, path string) bool {
	a, err := f.Stat()
	if err != nil {
		return false
	}
	b, err := os.Stat(path)
	return err == nil && os.SameFile(a, b)
}

func readHolder(path string) Holder {
	var h Holder
	if data, err := os.ReadFile(path); err == nil {
		json.Unmarshal(data, &h)
	}
	return h
}

// Release lets go of the lock. When Acquire created the folder and the run
// left nothing in it but the lock file, both are removed, so a run that
// wrote nothing (bad input) leaves nothing behind.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	if l.created {
		if entries, err := os.ReadDir(l.dir); err == nil && len(entries) == 1 && entries[0].Name() == filepath.Base(l.path) {
			// Removed while still held: a process waiting on the old file
			// notices (samePath) and starts again.
			if os.Remove(l.path) == nil {
				os.Remove(l.dir)
			}
		}
	}
	l.f.Truncate(0)
	err := l.f.Close()
	l.f = nil
	return err
}
