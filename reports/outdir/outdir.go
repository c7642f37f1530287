// Package outdir is how fundalloc touches the folders it writes to (DESIGN
// §13): the output folder, and the folders init, template and generate
// write. Every file operation goes through an *os.Root opened on the
// folder, so no path or link can lead outside it, and every file fundalloc
// creates, opens, renames over or reads back in it is refused when a
// symbolic link or a special file (a FIFO, a device) stands in its place:
// other people write to these folders, and fundalloc runs unattended.
//
// The folder itself must not be a link either: its path is what the
// configuration says, and a link put in its place would send the outputs
// elsewhere.
package outdir

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"fundalloc/reports/msg"
)

// The kinds of refusal, for errors.Is.
var (
	ErrLink       = errors.New("a symbolic link where fundalloc writes")
	ErrNotRegular = errors.New("not a regular file")
	ErrNotFolder  = errors.New("not a folder")
)

// Dir is a folder opened for writing.
type Dir struct {
	root *os.Root
	path string
}

// Open opens the folder at path, which must exist, be a folder and not be
// a symbolic link (the components above it are the configuration's and are
// followed).
func Open(path string) (*Dir, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if err := isFolder(path, fi); err != nil {
		return nil, err
	}
	r, err := os.OpenRoot(path)
	if err != nil {
		return nil, err
	}
	// The folder opened must be the one looked at: not a link swapped in
	// between.
	if st, err := r.Stat("."); err != nil || !os.SameFile(fi, st) {
		r.Close()
		return nil, msg.LinkRefused.Wrap(ErrLink, path)
	}
	return &Dir{root: r, path: path}, nil
}

// Make opens the folder at path like Open, first making it (and its
// parents) when it does not exist; created says whether it did.
func Make(path string) (d *Dir, created bool, err error) {
	if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(path, 0o755); err != nil {
			return nil, false, err
		}
		created = true
	}
	d, err = Open(path)
	return d, created, err
}

func isFolder(path string, fi fs.FileInfo) error {
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		return msg.LinkRefused.Wrap(ErrLink, path)
	case !fi.IsDir():
		return msg.NotFolder.Wrap(ErrNotFolder, path, msg.FileKind(fi.Mode()))
	}
	return nil
}

// Path is the folder's path, as given to Open.
func (d *Dir) Path() string { return d.path }

// Close lets go of the folder. Files opened in it stay open.
func (d *Dir) Close() error { return d.root.Close() }

// Join is the path of name in the folder, for messages and for callers
// that only know paths.
func (d *Dir) Join(name string) string { return filepath.Join(d.path, name) }

// Sub opens the folder rel (slash-separated, below d), each of its
// components a real folder, never a link; with create, the missing ones
// are made.
func (d *Dir) Sub(rel string, create bool) (*Dir, error) {
	cur := d.root
	path := d.path
	for _, name := range strings.Split(filepath.ToSlash(filepath.Clean(rel)), "/") {
		if name == "." || name == "" {
			continue
		}
		if name == ".." {
			return nil, &fs.PathError{Op: "open", Path: rel, Err: fs.ErrInvalid}
		}
		path = filepath.Join(path, name)
		fi, err := cur.Lstat(name)
		if errors.Is(err, fs.ErrNotExist) && create {
			if err = cur.Mkdir(name, 0o755); err == nil || errors.Is(err, fs.ErrExist) {
				fi, err = cur.Lstat(name)
			}
		}
		if err == nil {
			err = isFolder(path, fi)
		}
		var next *os.Root
		if err == nil {
			next, err = cur.OpenRoot(name)
		}
		if err == nil {
			if st, serr := next.Stat("."); serr != nil || !os.SameFile(fi, st) {
				next.Close()
				err = msg.LinkRefused.Wrap(ErrLink, path)
			}
		}
		if cur != d.root {
			cur.Close()
		}
		if err != nil {
			return nil, err
		}
		cur = next
	}
	if cur == d.root {
		r, err := d.root.OpenRoot(".")
		if err != nil {
			return nil, err
		}
		cur = r
	}
	return &Dir{root: cur, path: path}, nil
}

// CheckFile refuses a link or a special file at name; a name that does not
// exist, or a regular file, is fine.
func (d *Dir) CheckFile(name string) error {
	fi, err := d.root.Lstat(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return err
	case fi.Mode()&fs.ModeSymlink != 0:
		return msg.LinkRefused.Wrap(ErrLink, d.Join(name))
	case !fi.Mode().IsRegular():
		return msg.NotRegular.Wrap(ErrNotRegular, d.Join(name), msg.FileKind(fi.Mode()))
	}
	return nil
}

// OpenFile opens the regular file name (one component) in the folder with
// the flags of os.OpenFile. A link or a special file in its place is
// refused: never followed, never blocked on (a FIFO is opened without
// waiting for a writer, then refused).
func (d *Dir) OpenFile(name string, flag int, perm fs.FileMode) (*os.File, error) {
	if err := d.CheckFile(name); err != nil {
		return nil, err
	}
	f, err := d.root.OpenFile(name, flag|syscall.O_NONBLOCK, perm)
	if err != nil {
		return nil, err
	}
	// The file opened must be the regular file looked at, still in place:
	// the root keeps any link swapped in meanwhile inside the folder, and
	// this refuses it.
	st, err := f.Stat()
	if err == nil && !st.Mode().IsRegular() {
		err = msg.NotRegular.Wrap(ErrNotRegular, d.Join(name), msg.FileKind(st.Mode()))
	}
	if err == nil {
		if now, lerr := d.root.Lstat(name); lerr != nil || !os.SameFile(st, now) {
			err = msg.LinkRefused.Wrap(ErrLink, d.Join(name))
		}
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// Open opens the regular file name in the folder for reading.
func (d *Dir) Open(name string) (*os.File, error) { return d.OpenFile(name, os.O_RDONLY, 0) }

// CreateTemp creates a new file named prefix followed by random
// characters, readable and writable by its owner only. Its Name is its
// path; TempName gives its name in the folder.
func (d *Dir) CreateTemp(prefix string) (*os.File, error) {
	for range 1000 {
		var b [8]byte
		rand.Read(b[:])
		name := prefix + hex.EncodeToString(b[:])
		// O_EXCL: never through a link, never an existing file.
		f, err := d.root.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, err
	}
	return nil, &fs.PathError{Op: "createtemp", Path: d.Join(prefix + "*"), Err: fs.ErrExist}
}

// TempName is the name in its folder of a file made by CreateTemp.
func TempName(f *os.File) string { return filepath.Base(f.Name()) }

// Rename renames from to to, both in the folder, replacing to. A link or a
// special file standing at to is refused (rename itself never follows one).
func (d *Dir) Rename(from, to string) error {
	if err := d.CheckFile(to); err != nil {
		return err
	}
	return d.root.Rename(from, to)
}

// Remove removes name from the folder (a link itself, never its target).
func (d *Dir) Remove(name string) error { return d.root.Remove(name) }

// Lstat describes name without following a link.
func (d *Dir) Lstat(name string) (fs.FileInfo, error) { return d.root.Lstat(name) }

// ReadDir lists the folder.
func (d *Dir) ReadDir() ([]fs.DirEntry, error) {
	f, err := d.root.Open(".")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.ReadDir(-1)
}

// Sync makes the folder's entries durable (renames, new files); not every
// file system can.
func (d *Dir) Sync() {
	if f, err := d.root.Open("."); err == nil {
		f.Sync()
		f.Close()
	}
}

// Create creates or truncates the regular file at path for writing, like
// os.Create, with its folder opened like Open: a link or a special file in
// its place is refused.
func Create(path string) (*os.File, error) {
	d, err := Open(filepath.Dir(path))
	if err != nil {
		return nil, err
	}
	defer d.Close()
	return d.OpenFile(filepath.Base(path), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
}

// OpenRegular opens the regular file at path for reading: its folder is
// opened like Open, and the file like Dir.Open. For reading back a file
// fundalloc wrote (an output, to hash it), which another person may have
// replaced by a link or a FIFO since.
func OpenRegular(path string) (*os.File, error) {
	d, err := Open(filepath.Dir(path))
	if err != nil {
		return nil, err
	}
	defer d.Close()
	return d.Open(filepath.Base(path))
}
