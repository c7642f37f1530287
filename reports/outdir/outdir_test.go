//go:build unix

package outdir

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"fundalloc/reports/msg"
)

// outside is a file outside the folder under test, as a hostile user would
// aim a link at: its content, time and existence must not change.
type outside struct {
	path string
	data []byte
	mod  time.Time
}

func newOutside(t *testing.T) outside {
	t.Helper()
	p := filepath.Join(t.TempDir(), "precious.txt")
	data := []byte("not yours to touch\n")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	old := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := os.Chtimes(p, old, old); err != nil {
		t.Fatal(err)
	}
	return outside{path: p, data: data, mod: old}
}

func (o outside) unchanged(t *testing.T) {
	t.Helper()
	st, err := os.Stat(o.path)
	if err != nil {
		t.Fatalf("the file outside is gone: %v", err)
	}
	if data, _ := os.ReadFile(o.path); !bytes.Equal(data, o.data) || !st.ModTime().Equal(o.mod) {
		t.Errorf("the file outside changed: %q, modified %v", data, st.ModTime())
	}
}

func TestALinkInPlaceIsRefused(t *testing.T) {
	o := newOutside(t)
	dir := t.TempDir()
	if err := os.Symlink(o.path, filepath.Join(dir, "runs.jsonl")); err != nil {
		t.Fatal(err)
	}
	dangling := filepath.Join(t.TempDir(), "created-if-followed")
	if err := os.Symlink(dangling, filepath.Join(dir, ".fundalloc.lock")); err != nil {
		t.Fatal(err)
	}
	d, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for _, name := range []string{"runs.jsonl", ".fundalloc.lock"} {
		for _, flag := range []int{os.O_RDWR | os.O_APPEND | os.O_CREATE, os.O_RDWR | os.O_CREATE | os.O_TRUNC, os.O_RDONLY} {
			f, err := d.OpenFile(name, flag, 0o644)
			if err == nil {
				f.Close()
				t.Fatalf("%s (flags %#x): opened through the link", name, flag)
			}
			if !errors.Is(err, ErrLink) || !msg.Is(err, msg.LinkRefused) {
				t.Errorf("%s: %v, want a refused link", name, err)
			}
		}
		if err := os.WriteFile(filepath.Join(dir, "new"), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := d.Rename("new", name); !errors.Is(err, ErrLink) {
			t.Errorf("rename over %s: %v", name, err)
		}
	}
	want := filepath.Join(dir, "runs.jsonl") + " is a symbolic link: fundalloc never follows a link where it writes (remove the link, or point out at the real folder)"
	if _, err := d.OpenFile("runs.jsonl", os.O_RDWR, 0); err == nil || err.Error() != want {
		t.Errorf("message %q\nwant %q", err, want)
	}
	if _, err := d.OpenFile("runs.jsonl", os.O_RDWR, 0); msg.Localize(err, msg.ZH) != filepath.Join(dir, "runs.jsonl")+" 是符号链接：fundalloc 在其写入的位置从不跟随链接（请删除该链接，或把 out 指向真实的文件夹）" {
		t.Errorf("Chinese: %q", msg.Localize(err, msg.ZH))
	}
	o.unchanged(t)
	if _, err := os.Lstat(dangling); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the dangling link's target was created: %v", err)
	}
}

func TestTheFolderItselfMustNotBeALink(t *testing.T) {
	real := t.TempDir()
	link := filepath.Join(t.TempDir(), "out")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(link); !errors.Is(err, ErrLink) {
		t.Errorf("Open through a link: %v", err)
	}
	if _, _, err := Make(link); !errors.Is(err, ErrLink) {
		t.Errorf("Make through a link: %v", err)
	}
	// A sub-folder that is a link, inside or outside, is refused too.
	d, err := Open(real)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := os.Mkdir(filepath.Join(real, "inside"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.Symlink(filepath.Join(real, "inside"), filepath.Join(real, "record"))
	os.Symlink(t.TempDir(), filepath.Join(real, "data"))
	for _, rel := range []string{"record", "data/funds", "record/2026"} {
		if _, err := d.Sub(rel, true); !errors.Is(err, ErrLink) {
			t.Errorf("Sub(%s): %v", rel, err)
		}
	}
	if _, err := d.Sub("../x", true); err == nil {
		t.Error("Sub(../x) left the folder")
	}
	sub, err := d.Sub("notices/2026/v1", true)
	if err != nil {
		t.Fatal(err)
	}
	sub.Close()
	if st, err := os.Lstat(filepath.Join(real, "notices", "2026", "v1")); err != nil || !st.IsDir() {
		t.Errorf("Sub did not make the folders: %v", err)
	}
}

func TestSpecialFilesAreRefusedWithoutBlocking(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "runs.jsonl")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	d, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	// Opening a FIFO for reading or writing would wait for the other end:
	// this returns at once.
	for _, flag := range []int{os.O_RDONLY, os.O_WRONLY | os.O_APPEND, os.O_RDWR | os.O_CREATE} {
		if _, err := d.OpenFile("runs.jsonl", flag, 0o644); !errors.Is(err, ErrNotRegular) {
			t.Errorf("FIFO (flags %#x): %v", flag, err)
		}
	}
	if _, err := OpenRegular(fifo); err == nil || err.Error() != fifo+" is a named pipe (FIFO), not a regular file: fundalloc reads and writes only regular files here (remove it)" {
		t.Errorf("OpenRegular: %v", err)
	}
	if _, err := Open(fifo); !errors.Is(err, ErrNotFolder) {
		t.Errorf("a FIFO as the folder: %v", err)
	}
}

func TestCreateTempIsNewAndPrivate(t *testing.T) {
	d, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	seen := map[string]bool{}
	for range 20 {
		f, err := d.CreateTemp(".fundalloc-tmp-x-")
		if err != nil {
			t.Fatal(err)
		}
		st, _ := f.Stat()
		if seen[TempName(f)] || st.Mode().Perm() != 0o600 || filepath.Dir(f.Name()) != d.Path() {
			t.Errorf("temporary file %s, mode %v", f.Name(), st.Mode())
		}
		seen[TempName(f)] = true
		f.Close()
	}
}
