package sources

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// CellKind says how a cell was stored.
type CellKind uint8

// Cell kinds. CSV gives only Blank and Text.
const (
	Blank    CellKind = iota
	Text              // a string cell (shared, inline or a formula's string result)
	Number            // a numeric cell; Text is its stored text, e.g. "1234.5600000000001" or "8.00005E4"
	Bool              // a boolean cell; Text is "1" or "0"
	DateText          // an ISO 8601 date cell (t="d"); Text is the stored text
	ErrorVal          // an error cell; Text is the error, e.g. "#N/A"
)

// Cell is one cell as stored, never formatted for display.
type Cell struct {
	Kind CellKind
	Text string
}

// Rows streams the rows of one table: a CSV file or one worksheet.
type Rows interface {
	// Next advances to the next row that has at least one cell; it returns
	// false at the end or on an error.
	Next() bool
	// Row returns the current row's number as a spreadsheet shows it (the
	// first row is 1) and its cells by column (index 0 is column A).
	Row() (num int, cells []Cell)
	// Err returns the error that stopped Next, if any.
	Err() error
	Close() error
}

// Limits bound what a reader accepts, so a hostile file is refused early.
type Limits struct {
	MaxCellsPerRow int   // columns per row
	MaxFieldBytes  int   // bytes per cell
	MaxRows        int   // rows per table
	UnzipSize      int64 // bytes an .xlsx may inflate to in total
	UnzipXMLSize   int64 // bytes one part of an .xlsx may inflate to
}

// DefaultLimits fit a national data set (millions of rows) with room to spare.
func DefaultLimits() Limits {
	return Limits{
		MaxCellsPerRow: 1024,
		MaxFieldBytes:  32 << 10,
		MaxRows:        10_000_000,
		UnzipSize:      4 << 30,
		UnzipXMLSize:   4 << 30,
	}
}

// csvRows reads a CSV file row by row. Row numbers count records as a
// spreadsheet would show them: blank lines count, and a record with a quoted
// line break is still one row.
type csvRows struct {
	r      *csv.Reader
	lim    Limits
	row    int
	cells  []Cell
	err    error
	closer io.Closer
	extra  int // line breaks inside quoted fields so far
}

// OpenCSV reads CSV text from r: UTF-8 with an optional BOM, or GB18030 when
// gb18030 is set (the caller decides; see IsUTF8).
func OpenCSV(r io.Reader, gb18030 bool, lim Limits) Rows {
	br := bufio.NewReaderSize(r, 64<<10)
	var src io.Reader = br
	if gb18030 {
		src = transform.NewReader(br, simplifiedchinese.GB18030.NewDecoder())
	} else if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3)
	}
	cr := csv.NewReader(src)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	cr.LazyQuotes = false
	c := &csvRows{r: cr, lim: lim}
	if cl, ok := r.(io.Closer); ok {
		c.closer = cl
	}
	return c
}

func (c *csvRows) Next() bool {
	if c.err != nil {
		return false
	}
	for {
		rec, err := c.r.Read()
		if err == io.EOF {
			return false
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				c.err = &Error{Row: pe.StartLine - c.extra, Err: wrapf(ErrUnreadable, "not valid CSV: %v", pe.Err)}
			} else {
				c.err = wrapf(ErrUnreadable, "cannot read: %v", err)
			}
			return false
		}
		line, _ := c.r.FieldPos(0)
		c.row = line - c.extra
		if c.lim.MaxRows > 0 && c.row > c.lim.MaxRows {
			c.err = &Error{Row: c.row, Err: wrapf(ErrLimit, "more than %d rows", c.lim.MaxRows)}
			return false
		}
		if c.lim.MaxCellsPerRow > 0 && len(rec) > c.lim.MaxCellsPerRow {
			c.err = &Error{Row: c.row, Err: wrapf(ErrLimit, "%d cells in one row; at most %d are accepted", len(rec), c.lim.MaxCellsPerRow)}
			return false
		}
		c.cells = c.cells[:0]
		blank := true
		for i, f := range rec {
			if n := strings.Count(f, "\n"); n > 0 {
				c.extra += n
			}
			if c.lim.MaxFieldBytes > 0 && len(f) > c.lim.MaxFieldBytes {
				c.err = &Error{Row: c.row, Column: i + 1, Err: wrapf(ErrLimit, "a cell of %d bytes; at most %d are accepted", len(f), c.lim.MaxFieldBytes)}
				return false
			}
			k := Text
			if strings.TrimSpace(f) == "" {
				k = Blank
			} else {
				blank = false
			}
			c.cells = append(c.cells, Cell{Kind: k, Text: f})
		}
		if !blank {
			return true
		}
	}
}

func (c *csvRows) Row() (int, []Cell) { return c.row, c.cells }
func (c *csvRows) Err() error         { return c.err }
func (c *csvRows) Close() error {
	if c.closer != nil {
		return c.closer.Close()
	}
	return nil
}

// IsUTF8 reports whether everything r yields is valid UTF-8. It reads r to
// the end in fixed-size chunks, so it is cheap on large files.
func IsUTF8(r io.Reader) (bool, error) {
	buf := make([]byte, 64<<10)
	var carry int
	for {
		n, err := r.Read(buf[carry:])
		n += carry
		// Keep an incomplete rune at the end of the chunk for the next read.
		end := n
		for k := 1; k <= utf8.UTFMax-1 && end-k >= 0; k++ {
			if utf8.RuneStart(buf[end-k]) {
				if !utf8.FullRune(buf[end-k : end]) {
					end -= k
				}
				break
			}
		}
		if err == io.EOF {
			end = n
		}
		if !utf8.Valid(buf[:end]) {
			return false, nil
		}
		carry = copy(buf, buf[end:n])
		if err == io.EOF {
			return true, nil
		}
		if err != nil {
			return false, fmt.Errorf("cannot read: %w", err)
		}
	}
}
