package sources

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"math"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"fundalloc/reports/msg"
	"fundalloc/sources/xlsx"
)

// A table's cells are the xlsx reader's: a cell's kind and stored text.
type (
	CellKind = xlsx.CellKind
	Cell     = xlsx.Cell
)

// Cell kinds. CSV gives only Blank and Text.
const (
	Blank    = xlsx.Blank
	Text     = xlsx.Text
	Number   = xlsx.Number
	Bool     = xlsx.Bool
	DateText = xlsx.DateText
	ErrorVal = xlsx.ErrorVal
)

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
// The xlsx reader's limits are embedded: the CSV reader keeps to their
// MaxCellsPerRow, MaxFieldBytes and MaxRows (rows per table) too.
type Limits struct {
	xlsx.Limits
	MaxFileSize int64 // bytes an input file may have
	// MaxSources bounds the sources (fund type, fund source, document) of
	// one category's pooled money (DESIGN §12).
	MaxSources int
}

// DefaultLimits fit a national data set (millions of rows) with room to spare.
// A worksheet holds at most 1,048,576 rows: a national one, about 400 bytes
// a row, inflates to some 420 MB, and its shared strings (codes, names,
// voucher numbers, descriptions) take some 40 MB. What an .xlsx inflates to
// is what reading it costs in time, and in memory for what is kept, so the
// bounds stay within a few times that.
func DefaultLimits() Limits {
	return Limits{
		Limits: xlsx.Limits{
			MaxCellsPerRow: 1024,
			MaxFieldBytes:  32 << 10,
			MaxRows:        10_000_000,
			UnzipSize:      1 << 30,
			UnzipXMLSize:   1 << 30,
			SharedStrings:  128 << 20,
		},
		MaxFileSize: 4 << 30,
		MaxSources:  200,
	}
}

// csvRows reads a CSV file row by row. Row numbers count records as a
// spreadsheet would show them: blank lines count, and a record with a quoted
// line break is still one row.
type csvRows struct {
	r      *csvReader
	lim    Limits
	row    int
	cells  []Cell
	err    error
	closer io.Closer
	extra  int // line breaks inside quoted fields so far
	// lines and size are the file's lines and bytes when openTable knows
	// them (0 otherwise), for sizeHint.
	lines int
	size  int64
}

// sizeHint bounds the rows after row after of a table whose rows have width
// cells: a row is at most a line and has at least width-1 commas and a line
// break, so a file of blank lines or commas does not make a reader reserve
// more than its size allows. 0 means unknown.
func (c *csvRows) sizeHint(after, width int) int {
	if c.lines <= 0 || width <= 0 {
		return 0
	}
	return max(0, min(c.lines-after, int(c.size/int64(width))))
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
	c := &csvRows{r: newCSVReader(newCSVGuard(src, lim)), lim: lim}
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
		rec, line, newlines, err := c.r.Read()
		if err == io.EOF {
			return false
		}
		if err != nil {
			var pe *csv.ParseError
			var le *Error
			if errors.As(err, &le) {
				c.err = le // a limit the guard found, located
			} else if errors.As(err, &pe) {
				c.err = &Error{Row: pe.StartLine - c.extra, Err: msg.SrcNotValidCSV.Wrap(ErrUnreadable, pe.Err)}
			} else {
				c.err = msg.SrcCannotRead.Wrap(ErrUnreadable, err)
			}
			return false
		}
		c.row = line - c.extra
		if c.lim.MaxRows > 0 && c.row > c.lim.MaxRows {
			c.err = &Error{Row: c.row, Err: msg.SrcTooManyRows.Wrap(ErrLimit, c.lim.MaxRows)}
			return false
		}
		if c.lim.MaxCellsPerRow > 0 && len(rec) > c.lim.MaxCellsPerRow {
			c.err = &Error{Row: c.row, Err: tooManyCells(c.lim.MaxCellsPerRow)}
			return false
		}
		c.cells = c.cells[:0]
		c.extra += newlines
		blank := true
		for i, f := range rec {
			if c.lim.MaxFieldBytes > 0 && len(f) > c.lim.MaxFieldBytes {
				c.err = &Error{Row: c.row, Column: i + 1, Err: csvFieldTooLong(c.lim.MaxFieldBytes)}
				return false
			}
			k := Text
			// A printable ASCII first byte is not space: most cells need
			// no TrimSpace.
			if (f == "" || f[0] <= ' ' || f[0] >= utf8.RuneSelf) && strings.TrimSpace(f) == "" {
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

func tooManyCells(max int) error {
	return msg.SrcTooManyCells.Wrap(ErrLimit, max, max)
}

func csvFieldTooLong(max int) error {
	return msg.SrcFieldTooLong.Wrap(ErrLimit, max, max)
}

// csvGuard stands between a CSV file and encoding/csv and stops the stream
// at the first cell longer than MaxFieldBytes, or the first row with more
// than MaxCellsPerRow cells. encoding/csv reads a whole record before it
// returns one, so without the guard a hostile file's single 2 GB cell (or
// a line of ten million commas) would be held in memory, several times
// over, before the reader could look at it. The guard follows the quoting
// rules just far enough to know where cells and records end; what it
// passes on before a limit is unchanged, and then Read returns an *Error
// located like csvRows' rows.
//
// It counts a cell's bytes as encoding/csv will give them (a doubled quote
// is one byte), but counts a CR before a line feed too, so it allows one
// byte more than the limit: csvRows.Next checks the exact length.
type csvGuard struct {
	r     io.Reader
	lim   Limits
	limit int // bytes the guard lets a cell have
	cells int // cells the guard lets a record have
	err   error

	quoted bool // inside a quoted cell
	quote  bool // a quote inside a quoted cell: its end, or the first of a doubled pair
	start  bool // at the start of a cell
	field  int  // bytes in the current cell
	col    int  // 0-based index of the current cell in its record

	line     int // the physical line being read, 1-based
	recLine  int // the physical line the current record starts on
	breaks   int // line breaks inside quoted cells of earlier records
	inRecord int // line breaks inside quoted cells of the current record
}

func newCSVGuard(r io.Reader, lim Limits) *csvGuard {
	g := &csvGuard{r: r, lim: lim, limit: math.MaxInt, cells: math.MaxInt, start: true, line: 1, recLine: 1}
	if lim.MaxFieldBytes > 0 && lim.MaxFieldBytes < math.MaxInt {
		g.limit = lim.MaxFieldBytes + 1
	}
	if lim.MaxCellsPerRow > 0 {
		g.cells = lim.MaxCellsPerRow
	}
	return g
}

func (g *csvGuard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.r.Read(p)
	if k := g.scan(p[:n]); k < n {
		if k > 0 {
			return k, nil // the bytes before the limit; the error comes next
		}
		return 0, g.err
	}
	return n, err
}

// Bytes that do nothing but add to a cell, outside and inside quotes.
var plainUnquoted, plainQuoted = byteClass(",\n\""), byteClass("\n\"")

func byteClass(special string) (plain [256]bool) {
	for c := range plain {
		plain[c] = !strings.ContainsRune(special, rune(c))
	}
	return plain
}

// scan follows b and returns how many of its bytes come before a limit is
// exceeded: len(b) when none is. Runs of plain bytes are taken at once, and
// the state is kept in locals while it runs: this is on every byte of every
// CSV file.
func (g *csvGuard) scan(b []byte) int {
	quoted, quote, start, field, col := g.quoted, g.quote, g.start, g.field, g.col
	limit, cells := g.limit, g.cells
	i := 0
	for i < len(b) {
		c := b[i]
		if quote {
			quote = false
			if c == '"' { // a doubled quote: one byte of text
				if field++; field > limit {
					g.fail(col+1, csvFieldTooLong(g.lim.MaxFieldBytes))
					return i
				}
				i++
				continue
			}
			// The quoted cell ended; c is read as unquoted (a stray
			// character after the quote is encoding/csv's to refuse).
			quoted = false
		}
		plain := &plainUnquoted
		if quoted {
			plain = &plainQuoted
			switch c {
			case '"':
				quote = true
				i++
				continue
			case '\n':
				g.line++
				g.inRecord++
			}
		} else {
			switch c {
			case ',':
				col++
				field, start = 0, true
				if col >= cells {
					g.fail(0, tooManyCells(g.lim.MaxCellsPerRow))
					return i
				}
				i++
				continue
			case '\n':
				g.line++
				g.breaks += g.inRecord
				g.inRecord, g.recLine = 0, g.line
				col, field, start = 0, 0, true
				i++
				continue
			case '"':
				if start {
					quoted, start = true, false
					i++
					continue
				}
				// A stray quote: a byte of the cell for now.
			}
		}
		j := i + 1
		for j < len(b) && plain[b[j]] {
			j++
		}
		start = false
		if field += j - i; field > limit {
			g.fail(col+1, csvFieldTooLong(g.lim.MaxFieldBytes))
			return i
		}
		i = j
	}
	g.quoted, g.quote, g.start, g.field, g.col = quoted, quote, start, field, col
	return len(b)
}

func (g *csvGuard) fail(col int, err error) {
	g.err = &Error{Row: g.recLine - g.breaks, Column: col, Err: err}
}

func (c *csvRows) Row() (int, []Cell) { return c.row, c.cells }

// sizeHinter is a Rows that can bound how many rows are left.
type sizeHinter interface{ sizeHint(after, width int) int }

func (c *csvRows) Err() error { return c.err }
func (c *csvRows) Close() error {
	if c.closer != nil {
		return c.closer.Close()
	}
	return nil
}

// IsUTF8 reports whether everything r yields is valid UTF-8. It reads r to
// the end in fixed-size chunks, so it is cheap on large files.
func IsUTF8(r io.Reader) (bool, error) {
	bad, err := scanUTF8(nil, r)
	if err != nil {
		return false, msg.SrcCannotRead.Err(err)
	}
	return bad.offset < 0, nil
}
