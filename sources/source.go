package sources

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"fundalloc/reports/msg"
	"fundalloc/sources/xlsx"
)

// File is an open input file. *os.File and files of an embed.FS are Files.
type File interface {
	io.Reader
	io.ReaderAt
	io.Closer
	Stat() (fs.FileInfo, error)
}

// Source is one input file: the name shown in messages and in the budget
// JSON, and a way to open it (more than once if need be).
type Source struct {
	Name string
	Open func() (File, error)
}

// SHA256 returns the hex SHA-256 of the file's bytes.
func (s Source) SHA256() (string, error) {
	f, err := s.Open()
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Base is where relative input paths are resolved: a directory on disk, or a
// file system such as the embedded sample city.
type Base struct {
	Dir string // directory of the config file; "" means the working directory
	FS  fs.FS  // when set, paths are resolved inside it and Dir is ignored
}

// Resolve expands glob patterns relative to b and returns every file they
// match once, sorted by path (so ledgers named by period are read in
// order, whatever their format). A pattern without glob characters must
// name an existing file; a glob may match nothing.
func (b Base) Resolve(patterns []string) ([]Source, error) {
	var all []string
	for _, pat := range patterns {
		matches, err := b.glob(pat)
		if err != nil {
			return nil, err
		}
		if len(matches) == 0 && !hasMeta(pat) {
			return nil, &fs.PathError{Op: "open", Path: pat, Err: fs.ErrNotExist}
		}
		all = append(all, matches...)
	}
	slices.Sort(all)
	all = slices.Compact(all)
	out := make([]Source, len(all))
	for i, m := range all {
		out[i] = b.source(m)
	}
	return out, nil
}

func hasMeta(p string) bool { return strings.ContainsAny(p, `*?[\`) }

func (b Base) glob(pat string) ([]string, error) {
	if b.FS != nil {
		if !hasMeta(pat) {
			if _, err := fs.Stat(b.FS, path.Clean(pat)); err != nil {
				return nil, nil
			}
			return []string{path.Clean(pat)}, nil
		}
		return fs.Glob(b.FS, path.Clean(pat))
	}
	full := pat
	if !filepath.IsAbs(pat) {
		full = filepath.Join(b.Dir, pat)
	}
	if !hasMeta(pat) {
		if _, err := os.Stat(full); err != nil {
			if lst, lerr := os.Lstat(full); lerr == nil && lst.Mode()&fs.ModeSymlink != 0 {
				return nil, msg.SrcBrokenLink.Wrap(ErrUnreadable, b.name(full))
			}
			return nil, nil
		}
		return []string{full}, nil // opening it refuses anything but a regular file
	}
	m, err := filepath.Glob(full)
	if err != nil {
		return nil, msg.SrcBadPattern.Err(pat)
	}
	// A match that cannot be followed (a broken link, a link loop) is an
	// error: skipping it would drop its money without a word. Folders are
	// not what a glob of input files means, and are left out; devices and
	// FIFOs are kept, for opening them to refuse.
	var files []string
	for _, f := range m {
		st, err := os.Stat(f)
		switch {
		case err != nil:
			return nil, msg.SrcBrokenLink.Wrap(ErrUnreadable, b.name(f))
		case !st.IsDir():
			files = append(files, f)
		}
	}
	return files, nil
}

// source names a file relative to the base directory when it lies inside it.
func (b Base) source(p string) Source {
	if b.FS != nil {
		fsys := b.FS
		return Source{Name: p, Open: func() (File, error) { return openFS(fsys, p) }}
	}
	return Source{Name: b.name(p), Open: func() (File, error) { return OpenRegular(p) }}
}

// name is how a path on disk is shown: relative to the base directory when
// it lies inside it.
func (b Base) name(p string) string {
	if rel, err := filepath.Rel(orDot(b.Dir), p); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return p
}

// OpenRegular opens an input file for reading, refusing anything but a
// regular file (DESIGN §13) without blocking: a FIFO is never opened for
// reading without O_NONBLOCK (which would wait for a writer), and what was
// opened is checked again, in case the path changed in between. The
// refusal matches ErrNotRegular.
func OpenRegular(p string) (*os.File, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, notRegular(st.Mode())
	}
	f, err := os.OpenFile(p, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	if st, err = f.Stat(); err != nil || !st.Mode().IsRegular() {
		f.Close()
		if err != nil {
			return nil, err
		}
		return nil, notRegular(st.Mode())
	}
	return f, nil
}

// notRegular is the error for an input that is not a regular file.
func notRegular(m fs.FileMode) error {
	return msg.SrcNotRegular.Wrap(ErrNotRegular, msg.FileKind(m))
}

func orDot(d string) string {
	if d == "" {
		return "."
	}
	return d
}

func openFS(fsys fs.FS, p string) (File, error) {
	f, err := fsys.Open(p)
	if err != nil {
		return nil, err
	}
	if ff, ok := f.(File); ok {
		return ff, nil
	}
	f.Close()
	return nil, msg.SrcNoRandomAccess.Err(p)
}

// openTable opens a source as a table: a workbook's sheet (the named one, or
// the first) when the file is a workbook, as an *xlsxTable, else CSV.
func openTable(src Source, opt *Options) (Rows, error) {
	sheet, lim := opt.Sheet, opt.Limits
	f, err := src.Open()
	if err != nil {
		if errors.Is(err, ErrNotRegular) {
			return nil, err
		}
		return nil, msg.SrcCannotOpen.Wrap(ErrUnreadable, unwrapPath(err))
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, msg.SrcCannotRead.Wrap(ErrUnreadable, err)
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, notRegular(st.Mode())
	}
	if lim.MaxFileSize > 0 && st.Size() > lim.MaxFileSize {
		f.Close()
		return nil, msg.SrcTooBig.Wrap(ErrLimit, lim.MaxFileSize)
	}
	var head [8]byte
	n, _ := f.ReadAt(head[:], 0)
	ext := strings.ToLower(path.Ext(src.Name))
	workbook := ext == ".xlsx" || ext == ".xlsm" || ext == ".xls" || xlsx.Sniff(head[:n])
	if workbook {
		rows, err := openXLSX(opt.Ctx, f, st.Size(), sheet, lim)
		if err != nil {
			f.Close()
			return nil, err
		}
		return rows, nil
	}
	if st.Size() == 0 {
		f.Close()
		return nil, msg.SrcEmptyFile.Wrap(ErrUnreadable)
	}
	sniff := make([]byte, min(st.Size(), sniffBytes))
	n, _ = f.ReadAt(sniff, 0)
	if err := notText(sniff[:n]); err != nil {
		f.Close()
		return nil, err
	}
	if crOnly(sniff[:n]) {
		f.Close()
		return nil, msg.SrcCROnly.Wrap(ErrUnreadable)
	}
	f.Close()
	gb, lines, err := csvEncoding(opt.Ctx, func() (io.ReadCloser, error) { return src.Open() })
	if err != nil {
		var le *Error
		if errors.As(err, &le) || msg.Is(err, msg.SrcInterrupted) {
			return nil, err
		}
		return nil, msg.SrcCannotRead.Wrap(ErrUnreadable, unwrapPath(err))
	}
	if f, err = src.Open(); err != nil {
		return nil, msg.SrcCannotOpen.Wrap(ErrUnreadable, unwrapPath(err))
	}
	rows := OpenCSV(f, gb, lim).(*csvRows)
	rows.lines, rows.size = lines, st.Size()
	return rows, nil
}

// crOnly reports whether the start of a file ends its lines with a
// carriage return alone (classic Mac OS): encoding/csv would read the whole
// file as one line, and the message would be a misleading duplicate column.
func crOnly(head []byte) bool {
	return bytes.IndexByte(head, '\n') < 0 && bytes.Count(head, []byte{'\r'}) >= 2
}

// sniffBytes is how much of a CSV file notText looks at.
const sniffBytes = 64 << 10

// notText refuses the start of a file that cannot be CSV text, before it is
// decoded: a file that is not UTF-8 is read as GB18030, and binary data read
// so turns into mojibake and then into a confusing "missing column". Binary
// is a NUL byte, or more than one byte in 32 that is a control character
// other than tab, CR and LF; GB18030 text has neither. UTF-16 text (what
// Excel saves as "Unicode text") gets its own advice.
func notText(head []byte) error {
	if bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}) {
		return msg.SrcUTF16.Wrap(ErrUnreadable)
	}
	controls := 0
	for _, c := range head {
		switch {
		case c == 0:
			return errBinary
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r':
			controls++
		}
	}
	if controls > 1 && controls*32 > len(head) {
		return errBinary
	}
	return nil
}

var errBinary = msg.SrcBinary.Wrap(ErrUnreadable)

// xlsxTable is one worksheet read by the xlsx reader, with its workbook's
// date system, and the file it is read from, closed with it.
type xlsxTable struct {
	*xlsx.Rows
	date1904 bool
	f        io.Closer
}

// openXLSX opens a sheet of the workbook f, the named one or the first, to
// read it within lim; ctx, when set, interrupts reading the shared strings.
// Every error is an *Error (File left for the caller); f is left open then.
func openXLSX(ctx context.Context, f File, size int64, sheet string, lim Limits) (*xlsxTable, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	wb, err := xlsx.Open(f, size, lim.Limits)
	if err != nil {
		return nil, fromXLSX(err)
	}
	rows, err := wb.Rows(ctx, sheet)
	if err != nil {
		return nil, fromXLSX(err)
	}
	return &xlsxTable{Rows: rows, date1904: wb.Date1904(), f: f}, nil
}

// Err returns the error that stopped Next, as an *Error.
func (x *xlsxTable) Err() error { return fromXLSX(x.Rows.Err()) }

func (x *xlsxTable) Close() error {
	err := x.Rows.Close()
	if err2 := x.f.Close(); err == nil {
		err = err2
	}
	return err
}

// fromXLSX turns the xlsx reader's located error into an *Error, with the
// same location and cause; File is left for the caller.
func fromXLSX(err error) error {
	var xe *xlsx.Error
	if errors.As(err, &xe) {
		return &Error{Sheet: xe.Sheet, Row: xe.Row, Column: xe.Column, Err: xe.Err}
	}
	return err
}

// unwrapPath drops the path from a *fs.PathError: messages name the file already.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		if errors.Is(pe.Err, fs.ErrNotExist) {
			return msg.SrcNoSuchFile.Err()
		}
		return pe.Err
	}
	return err
}
