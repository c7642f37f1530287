package reports

import (
	"io"
	"strconv"
	"strings"

	"fundalloc/allocation"
)

// csvWriter writes CSV for spreadsheets: a UTF-8 byte-order mark, CRLF line
// ends, fields quoted when they need it, money as exact decimal text.
type csvWriter struct {
	w   io.Writer
	buf []byte
	err error
	// plain[i] is the last text in column i that needed neither quotes
	// nor a guard. An indicator CSV repeats the unit's name, its project
	// and the category's words on row after row: compared with it (the
	// same string compares by its pointer), they are not scanned again.
	plain []string
}

func newCSVWriter(w io.Writer) *csvWriter {
	c := &csvWriter{w: w, buf: make([]byte, 0, 64<<10)}
	c.buf = append(c.buf, "\ufeff"...)
	return c
}

// row writes one record. Fields may be strings, ints, allocation.Fen,
// allocation.Rate, or nil.
func (c *csvWriter) row(fields ...any) {
	if len(c.plain) < len(fields) {
		c.plain = append(c.plain, make([]string, len(fields)-len(c.plain))...)
	}
	for i, f := range fields {
		if i > 0 {
			c.buf = append(c.buf, ',')
		}
		switch v := f.(type) {
		case string:
			if v == c.plain[i] {
				c.buf = append(c.buf, v...)
			} else if c.field(v) {
				c.plain[i] = v
			}
		case allocation.Fen:
			c.buf, _ = v.AppendText(c.buf)
		case allocation.Rate:
			c.buf, _ = v.AppendText(c.buf)
		case int:
			c.buf = strconv.AppendInt(c.buf, int64(v), 10)
		case nil:
		default:
			panic("reports: csv field of an unexpected type")
		}
	}
	c.buf = append(c.buf, '\r', '\n')
	if len(c.buf) >= 60<<10 {
		c.flush()
	}
}

// field writes text, quoted when it holds a separator, a quote or a line
// break. A leading =, +, - or @ gets a ' so that a spreadsheet opening the
// file does not read it as a formula; so does a leading tab or carriage
// return, which a spreadsheet may strip before it looks (DESIGN §13).
// Numbers (refunds included) are not text and never get one.
//
// It looks the bytes up in a table and appends in place: a national
// reconciliation writes some 40 million fields, and strings.ContainsAny
// (which builds its set on every call) took two thirds of the time.
// It reports whether s went as it is.
func (c *csvWriter) field(s string) (plain bool) {
	guard := s != "" && strings.IndexByte("=+-@\t\r", s[0]) >= 0
	quote := false
	for i := 0; i < len(s); i++ {
		if csvQuoted[s[i]] {
			quote = true
			break
		}
	}
	if quote {
		c.buf = append(c.buf, '"')
	}
	if guard {
		c.buf = append(c.buf, '\'')
	}
	if !quote {
		c.buf = append(c.buf, s...)
		return !guard
	}
	for {
		i := strings.IndexByte(s, '"')
		if i < 0 {
			break
		}
		c.buf = append(c.buf, s[:i+1]...)
		c.buf = append(c.buf, '"')
		s = s[i+1:]
	}
	c.buf = append(c.buf, s...)
	c.buf = append(c.buf, '"')
	return false
}

// csvQuoted marks the bytes that make a field quoted.
var csvQuoted = [256]bool{',': true, '"': true, '\r': true, '\n': true}

func (c *csvWriter) flush() error {
	if c.err == nil && len(c.buf) > 0 {
		_, c.err = c.w.Write(c.buf)
		c.buf = c.buf[:0]
	}
	return c.err
}
