package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"

	"fundalloc/config"
	"fundalloc/reports/msg"
	"fundalloc/reports/outdir"
	"fundalloc/sources"
)

// The budget of record (DESIGN §10) lives in <out>/record: the versions
// budget-<year>-vN.json and .xlsx, read-only, and record.jsonl, one line per
// approval. Only approve adds to it; nothing rewrites or deletes it.
const (
	recordDir  = "record"
	recordFile = "record.jsonl"
)

// theRecord is an output folder's record of versions as read.
type theRecord struct {
	dir      string // <out>/record
	lines    []sources.RecordLine
	warnings []msg.Text
	verified int // how many lines verifyUse has found in order
}

// readRecord reads <out>/record/record.jsonl; without one there are no
// versions yet.
func readRecord(cfg *config.Config) (*theRecord, error) {
	r := &theRecord{dir: filepath.Join(cfg.Out, recordDir)}
	path := filepath.Join(r.dir, recordFile)
	f, err := openRegular(path)
	if errors.Is(err, fs.ErrNotExist) {
		return r, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r.lines, r.warnings, err = sources.ReadRecord(path, f, cfg.Limits.UnzipSize)
	return r, err
}

// path is the path of a file in the record folder.
func (r *theRecord) path(name string) string { return filepath.Join(r.dir, name) }

// verify checks the chain of the record and that every version's files are
// those approved. The first version that no longer matches is a
// *sources.ChainError, an input error (exit 2). checked is told each line
// that verified.
func (r *theRecord) verify(checked func(i int)) error { return r.verifyTo(len(r.lines), checked) }

// verifyTo checks the record's first n lines as verify checks them all:
// their chain, then their versions' files. The line after them, if any,
// is checked only for its link to the last of them (prev_record_sha256),
// which is what fixes that line's own bytes; the rest of it is its own
// version's business.
func (r *theRecord) verifyTo(n int, checked func(i int)) error {
	lines := r.lines[:n]
	err := sources.VerifyChain(lines)
	if err == nil && n < len(r.lines) {
		if e := sources.VerifyChain(r.lines[:n+1]); msg.Is(e, msg.RecordPrevLine) {
			err = e
		}
	}
	if err != nil {
		// The versions before the one the chain names still have their
		// files checked, in order: an earlier changed file comes first.
		var ce *sources.ChainError
		if errors.As(err, &ce) {
			k := slices.IndexFunc(lines, func(l sources.RecordLine) bool { return l.Year == ce.Year && l.Version == ce.Version })
			if ferr := r.verifyFiles(lines[:max(k, 0)], checked); ferr != nil {
				return ferr
			}
		}
		return inputError{err}
	}
	return r.verifyFiles(lines, checked)
}

// verifyUse checks the record as far as a command that uses version l
// relies on it (DESIGN §10): the record up to and including l, with the one
// verification versions makes; with l nil, the whole record (approve, which
// appends to it). A record that no longer matches is an input error (exit
// 2) located in record.jsonl, naming the first version that no longer
// matches, as versions names it, and sending the user to versions.
func (r *theRecord) verifyUse(l *sources.RecordLine) error {
	n := len(r.lines)
	if l != nil {
		if k := slices.IndexFunc(r.lines, func(x sources.RecordLine) bool { return x.Line == l.Line }); k >= 0 {
			n = k + 1
		}
	}
	if n <= r.verified {
		return nil
	}
	err := r.verifyTo(n, nil)
	var ce *sources.ChainError
	if !errors.As(err, &ce) {
		if err == nil {
			r.verified = n
		}
		return err
	}
	row := ce.Line
	if row == 0 { // a file: the line that holds its hash
		if k := slices.IndexFunc(r.lines, func(x sources.RecordLine) bool { return x.Year == ce.Year && x.Version == ce.Version }); k >= 0 {
			row = r.lines[k].Line
		}
	}
	return &sources.Error{File: r.path(recordFile), Row: row, Err: msg.RecordUseBroken.Wrap(sources.ErrBadEnum, ce)}
}

func (r *theRecord) verifyFiles(lines []sources.RecordLine, checked func(i int)) error {
	for i := range lines {
		l := &lines[i]
		for _, f := range []struct{ ext, want string }{{".json", l.SHA256}, {".xlsx", l.XLSX}} {
			if err := r.checkFile(l, f.ext, f.want); err != nil {
				return err
			}
		}
		if checked != nil {
			checked(i)
		}
	}
	return nil
}

// checkFile compares a version's file with the hash its record line gives.
func (r *theRecord) checkFile(l *sources.RecordLine, ext, want string) error {
	path := r.path(l.File(ext))
	got, err := sha256File(path)
	fail := func(e *msg.Error) error {
		return inputError{&sources.ChainError{Version: l.Version, Year: l.Year, Err: e}}
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fail(msg.RecordGone.Wrap(sources.ErrUnreadable, path))
	case err != nil:
		return err
	case got != want:
		return fail(msg.RecordChanged.Wrap(sources.ErrBadEnum, path, got, want))
	}
	return nil
}

// ofYear returns the year's versions, oldest first.
func (r *theRecord) ofYear(year int) []*sources.RecordLine {
	var out []*sources.RecordLine
	for i := range r.lines {
		if r.lines[i].Year == year {
			out = append(out, &r.lines[i])
		}
	}
	return out
}

// latest returns the year's latest version, or nil.
func (r *theRecord) latest(year int) *sources.RecordLine {
	v := r.ofYear(year)
	if len(v) == 0 {
		return nil
	}
	return v[len(v)-1]
}

// find returns version n of the year, or an input error listing the
// versions there are.
func (r *theRecord) find(year int, name string) (*sources.RecordLine, error) {
	var names []string
	for _, l := range r.ofYear(year) {
		if l.Version == name {
			return l, nil
		}
		names = append(names, l.Version)
	}
	return nil, inputError{msg.VersionsNoSuch.Err(year, name, strings.Join(names, ", "))}
}

// newest is the hash of the record's last line, to quote in the approving
// document.
func (r *theRecord) newest() string {
	if len(r.lines) == 0 {
		return ""
	}
	return r.lines[len(r.lines)-1].Hash
}

// openRegular opens a file of the output folder for reading, refusing a
// link or a special file in its place (outdir.OpenRegular): the record and
// the drafts are files fundalloc wrote, in a folder others write to.
func openRegular(path string) (*os.File, error) { return outdir.OpenRegular(path) }

// sha256File returns the hex SHA-256 of a regular file's bytes.
func sha256File(path string) (string, error) {
	return sources.Source{Name: path, Open: func() (sources.File, error) { return openRegular(path) }}.SHA256()
}

// readBudget reads a budget JSON of the output folder (a draft, a version)
// through the one checked reader, and returns its SHA-256 too. A missing
// file is an input error naming it.
func readBudget(cfg *config.Config, path, name string) (*sources.BudgetFile, string, error) {
	return readBudgetWith(cfg, openRegular, path, name)
}

// readInputBudget reads a budget JSON named on the command line, opened as
// an input (sources.OpenRegular).
func readInputBudget(cfg *config.Config, path, name string) (*sources.BudgetFile, string, error) {
	return readBudgetWith(cfg, sources.OpenRegular, path, name)
}

func readBudgetWith(cfg *config.Config, open func(string) (*os.File, error), path, name string) (*sources.BudgetFile, string, error) {
	f, err := open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "", &sources.Error{File: name, Err: msg.RecordGone.Wrap(sources.ErrUnreadable, name)}
	}
	if err != nil {
		return nil, "", &sources.Error{File: name, Err: err}
	}
	defer f.Close()
	h := sha256.New()
	bf, err := sources.ReadBudgetFile(name, io.TeeReader(f, h), cfg.Limits.UnzipSize)
	if err != nil {
		return nil, "", err
	}
	return bf, hex.EncodeToString(h.Sum(nil)), nil
}

// draftPaths are the draft budget's files in the output folder.
func draftPaths(cfg *config.Config) (jsonPath, xlsxPath string) {
	base := filepath.Join(cfg.Out, fmt.Sprintf("budget-%d", cfg.FiscalYear))
	return base + ".json", base + ".xlsx"
}

// hashingWriter hashes what passes through it.
type hashingWriter struct {
	w io.Writer
	h hash.Hash
}

func newHashingWriter(w io.Writer) *hashingWriter { return &hashingWriter{w: w, h: sha256.New()} }

func (hw *hashingWriter) Write(p []byte) (int, error) {
	n, err := hw.w.Write(p)
	hw.h.Write(p[:n])
	return n, err
}

func (hw *hashingWriter) sum() string { return hex.EncodeToString(hw.h.Sum(nil)) }

// safeName makes a label safe in a file name: letters, digits, '.', '_'
// and '-' stay, anything else becomes '_'.
func safeName(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '_' || r == '-' {
			return r
		}
		return '_'
	}, s)
	return strings.Trim(s, ".")
}

// orphans lists the version files in the record folder that no record line
// names: what an approve interrupted between writing its files and
// appending its line leaves.
func (r *theRecord) orphans() []string {
	entries, err := os.ReadDir(r.dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, "budget-") || e.IsDir() {
			continue
		}
		if !slices.ContainsFunc(r.lines, func(l sources.RecordLine) bool {
			return name == l.File(".json") || name == l.File(".xlsx")
		}) {
			out = append(out, r.path(name))
		}
	}
	return out
}
