// Package sources reads units, fund lines and expenditure ledgers from .csv
// and .xlsx files and validates them into the core's types. Every problem is
// located by file, sheet, row and column, and a reader keeps going after a
// problem so that one run reports all of them.
package sources

import (
	"cmp"
	"errors"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/sync/errgroup"

	"fundalloc/reports/msg"
	"fundalloc/sources/xlsx"
)

// Sentinel errors wrapped by Error, for errors.Is.
var (
	ErrUnreadable      = xlsx.ErrUnreadable // the same value, so that either name matches
	ErrMissingColumn   = errors.New("missing column")
	ErrDuplicateCol    = errors.New("duplicate column")
	ErrRequired        = errors.New("required value missing")
	ErrDuplicate       = errors.New("duplicate value")
	ErrBadAmount       = errors.New("bad amount")
	ErrBadNumber       = errors.New("bad number")
	ErrBadEnum         = errors.New("bad value")
	ErrUnknownUnit     = errors.New("unknown unit")
	ErrBadParent       = errors.New("bad parent")
	ErrHub             = errors.New("hub")
	ErrRaggedRow       = errors.New("ragged row")
	ErrLimit           = xlsx.ErrLimit
	ErrUnknownCategory = errors.New("unknown category")
	ErrWholeColumn     = errors.New("a column fails on every row")
	ErrNotRegular      = errors.New("not a regular file")
)

// Error is one located input problem. Row and Column are what a spreadsheet
// shows: the header is row 1 and column 1 is A; zero means "not located".
type Error struct {
	File   string
	Sheet  string // empty for CSV
	Row    int
	Column int
	Err    error
}

func (e *Error) Error() string { return e.Localize(msg.EN) }

// Localize renders the problem in l: the location prefix as it is (file
// and sheet names with their control characters escaped), then the message.
func (e *Error) Localize(l msg.Lang) string {
	var b strings.Builder
	b.WriteString(e.Where())
	b.WriteString(": ")
	b.WriteString(msg.Localize(e.Err, l))
	return b.String()
}

// Where is the location prefix FILE:SHEET:ROW:COLUMN, without the colon
// that follows it. Text from the input (a file or sheet name) is shown with
// its control characters escaped, so that it cannot drive a terminal.
func (e *Error) Where() string {
	var b strings.Builder
	b.WriteString(msg.Escape(e.File))
	if e.Sheet != "" {
		b.WriteString(":")
		b.WriteString(msg.Escape(e.Sheet))
	}
	if e.Row > 0 {
		b.WriteString(":")
		b.WriteString(strconv.Itoa(e.Row))
		if e.Column > 0 {
			b.WriteString(":")
			b.WriteString(msg.ColumnName(e.Column))
		}
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// MaxProblems caps how many problems are kept; the rest are only counted.
const MaxProblems = 1000

// Problems collects input problems across files. The zero value is ready.
type Problems struct {
	list    []*Error
	dropped int
	notes   []*Error // information, not problems: columns that were ignored
}

// Note records a piece of information about an input that is not a
// problem, such as a column that was not recognised and is ignored.
func (p *Problems) Note(e *Error) { p.notes = append(p.notes, e) }

// Notes returns the information recorded with Note, in the order found.
func (p *Problems) Notes() []*Error { return p.notes }

// Add records a problem. Past MaxProblems only a file that could not be
// read to its end (ErrUnreadable, ErrLimit) is still kept: it explains the
// problems before it, and a reader stops at it, so there is one per file.
func (p *Problems) Add(e *Error) {
	if len(p.list) >= MaxProblems && !errors.Is(e, ErrUnreadable) && !errors.Is(e, ErrLimit) {
		p.dropped++
		return
	}
	p.list = append(p.list, e)
}

// sortByPlace orders the problems by row, then column. A reader that
// checks some rules after reading a whole file (duplicates, parents) calls
// it, so that a file's report reads top to bottom.
func (p *Problems) sortByPlace() {
	slices.SortStableFunc(p.list, func(a, b *Error) int {
		return cmp.Or(cmp.Compare(a.Row, b.Row), cmp.Compare(a.Column, b.Column))
	})
}

// Append moves all of q's problems to the end of p.
func (p *Problems) Append(q *Problems) {
	for _, e := range q.list {
		p.Add(e)
	}
	p.dropped += q.dropped
	p.notes = append(p.notes, q.notes...)
	q.list, q.dropped, q.notes = nil, 0, nil
}

// eachParallel calls fn(0) … fn(n-1) on up to GOMAXPROCS goroutines, with
// the one fan-out the code base uses (errgroup); fn reports its problems
// itself.
func eachParallel(n int, fn func(i int)) {
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i := range n {
		g.Go(func() error { fn(i); return nil })
	}
	g.Wait()
}

// Len returns how many problems were found, kept or not.
func (p *Problems) Len() int { return len(p.list) + p.dropped }

// List returns the kept problems in the order they were found.
func (p *Problems) List() []*Error { return p.list }

// Err returns nil when there were no problems, else a *ProblemsError.
func (p *Problems) Err() error {
	if p.Len() == 0 {
		return nil
	}
	return &ProblemsError{Problems: p.list, Dropped: p.dropped}
}

// ProblemsError is every problem found in the inputs; its message has one
// problem per line.
type ProblemsError struct {
	Problems []*Error
	Dropped  int
}

func (e *ProblemsError) Error() string { return e.Localize(msg.EN) }

// Unwrap returns the problems, so that errors.Is and errors.As see them.
func (e *ProblemsError) Unwrap() []error {
	errs := make([]error, len(e.Problems))
	for i, p := range e.Problems {
		errs[i] = p
	}
	return errs
}

// Localize renders every problem in l, one per line.
func (e *ProblemsError) Localize(l msg.Lang) string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.Localize(l))
	}
	if e.Dropped > 0 {
		b.WriteByte('\n')
		b.WriteString(msg.SrcMoreProblems.In(l, e.Dropped))
	}
	return b.String()
}

// chunked collects values in chunks of a fixed size, so that a long table
// is copied once (by concatChunks) rather than at every doubling of one
// slice: for a million fund lines, most of the reading time went to
// growing the slice.
type chunked[T any] struct{ chunks [][]T }

const chunkLen = 4096

func (c *chunked[T]) add(v T) {
	n := len(c.chunks)
	if n == 0 || len(c.chunks[n-1]) == chunkLen {
		c.chunks = append(c.chunks, make([]T, 0, chunkLen))
		n++
	}
	c.chunks[n-1] = append(c.chunks[n-1], v)
}

// len returns how many values were added.
func (c *chunked[T]) len() int {
	if len(c.chunks) == 0 {
		return 0
	}
	return (len(c.chunks)-1)*chunkLen + len(c.chunks[len(c.chunks)-1])
}

// concatChunks returns every value of cs, in order, in one slice.
func concatChunks[T any](cs []chunked[T]) []T {
	n := 0
	for _, c := range cs {
		for _, ch := range c.chunks {
			n += len(ch)
		}
	}
	out := make([]T, 0, n)
	for _, c := range cs {
		for _, ch := range c.chunks {
			out = append(out, ch...)
		}
	}
	return out
}
