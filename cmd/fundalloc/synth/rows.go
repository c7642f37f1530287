package synth

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"fundalloc/allocation"
)

// rowWriter writes one table row by row, as CSV text or as workbook cells.
// Each row is a sequence of cell calls ended by end.
type rowWriter interface {
	text(s string)
	textBytes(b []byte)
	count(n int64)         // a whole number: a numeric cell
	money(fen int64)       // an amount: a numeric cell with two decimals
	date(month, day int)   // a date in 2026: a date cell
	blank()                // an empty cell
	end() error            // ends the row
	close() error          // ends the table
	setWidths(w []float64) // column widths; before the first row
}

// csvWriter writes RFC 4180 CSV through a bufio.Writer, a row at a time
// from one reused buffer: no allocation per row.
type csvWriter struct {
	w      *bufio.Writer
	row    []byte
	fields int // fields in the current row so far
}

func newCSV(w io.Writer) *csvWriter {
	return &csvWriter{w: bufio.NewWriterSize(w, 256<<10), row: make([]byte, 0, 512)}
}

func (c *csvWriter) sep() {
	if c.fields > 0 {
		c.row = append(c.row, ',')
	}
	c.fields++
}

// needsQuotes reports whether a CSV field must be quoted.
func needsQuotes[S string | []byte](s S) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ',', '"', '\n', '\r':
			return true
		}
	}
	return false
}

func appendField[S string | []byte](b []byte, s S) []byte {
	if !needsQuotes(s) {
		return append(b, s...)
	}
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}

func (c *csvWriter) text(s string)      { c.sep(); c.row = appendField(c.row, s) }
func (c *csvWriter) textBytes(b []byte) { c.sep(); c.row = appendField(c.row, b) }
func (c *csvWriter) count(n int64)      { c.sep(); c.row = strconv.AppendInt(c.row, n, 10) }
func (c *csvWriter) money(fen int64) {
	c.sep()
	c.row, _ = allocation.Fen(fen).AppendText(c.row)
}
func (c *csvWriter) date(month, day int) { c.sep(); c.row = appendDate(c.row, month, day) }
func (c *csvWriter) blank()              { c.sep() }

func (c *csvWriter) end() error {
	c.row = append(c.row, '\n')
	_, err := c.w.Write(c.row)
	c.row, c.fields = c.row[:0], 0
	return err
}

func (c *csvWriter) close() error        { return c.w.Flush() }
func (c *csvWriter) setWidths([]float64) {}

// appendDate appends a day of 2026 as YYYY-MM-DD, without checking that it
// exists.
func appendDate(b []byte, month, day int) []byte {
	b = append(b, "2026-"...)
	b = appendPadded(b, int64(month), 2)
	b = append(b, '-')
	return appendPadded(b, int64(day), 2)
}

// cellMoney converts fen to the float64 an xlsx numeric cell needs. This is
// the one place the generator lets money meet float64: the double nearest
// to fen/100 is written by excelize with the shortest round-trip
// formatting, which for up to 15 significant digits is the exact decimal
// text ("1234.56") that the readers parse back to the same fen. Larger
// amounts are refused.
func cellMoney(fen int64) (float64, error) {
	if f := allocation.Fen(fen); f > allocation.MaxExactFen || f < -allocation.MaxExactFen {
		return 0, fmt.Errorf("amount %s has more than 15 significant digits: a workbook cannot hold it exactly", allocation.Fen(fen))
	}
	return float64(fen) / 100, nil
}

// xlsxWriter writes one worksheet through excelize's StreamWriter.
type xlsxWriter struct {
	f      *excelize.File
	sw     *excelize.StreamWriter
	out    io.Writer
	row    int
	vals   []any
	err    error
	dateS  int
	moneyS int
	ref    []byte
}

// newXLSX starts a worksheet of cols columns and rows rows. The stream
// writer writes the sheet's <dimension> before its rows, so it is set
// first: readers that trust it (openpyxl in read-only mode) see the whole
// table, not one cell.
func newXLSX(w io.Writer, sheet string, cols, rows int) (*xlsxWriter, error) {
	f := excelize.NewFile()
	x := &xlsxWriter{f: f, out: w}
	err := f.SetSheetName("Sheet1", sheet)
	if err == nil {
		var last string
		if last, err = excelize.CoordinatesToCellName(max(cols, 1), max(rows, 1)); err == nil {
			err = f.SetSheetDimension(sheet, "A1:"+last)
		}
	}
	if err == nil {
		dateFmt, moneyFmt := "yyyy-mm-dd", "#,##0.00"
		x.dateS, err = f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
		if err == nil {
			x.moneyS, err = f.NewStyle(&excelize.Style{CustomNumFmt: &moneyFmt})
		}
	}
	if err == nil {
		x.sw, err = f.NewStreamWriter(sheet)
	}
	if err == nil {
		err = x.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return x, nil
}

func (x *xlsxWriter) text(s string)      { x.vals = append(x.vals, s) }
func (x *xlsxWriter) textBytes(b []byte) { x.vals = append(x.vals, string(b)) }
func (x *xlsxWriter) count(n int64)      { x.vals = append(x.vals, n) }
func (x *xlsxWriter) money(fen int64) {
	v, err := cellMoney(fen)
	if err != nil && x.err == nil {
		x.err = err
	}
	x.vals = append(x.vals, excelize.Cell{StyleID: x.moneyS, Value: v})
}
func (x *xlsxWriter) date(month, day int) {
	// A style on the cell keeps excelize from creating one per date.
	x.vals = append(x.vals, excelize.Cell{StyleID: x.dateS, Value: time.Date(2026, time.Month(month), day, 0, 0, 0, 0, time.UTC)})
}
func (x *xlsxWriter) blank() { x.vals = append(x.vals, nil) }

func (x *xlsxWriter) end() error {
	if x.err != nil {
		return x.err
	}
	x.row++
	x.ref = strconv.AppendInt(append(x.ref[:0], 'A'), int64(x.row), 10)
	err := x.sw.SetRow(string(x.ref), x.vals)
	clear(x.vals)
	x.vals = x.vals[:0]
	return err
}

func (x *xlsxWriter) setWidths(w []float64) {
	for i, v := range w {
		if err := x.sw.SetColWidth(i+1, i+1, v); err != nil && x.err == nil {
			x.err = err
		}
	}
}

func (x *xlsxWriter) close() error {
	defer x.f.Close()
	if x.err != nil {
		return x.err
	}
	if err := x.sw.Flush(); err != nil {
		return err
	}
	_, err := x.f.WriteTo(x.out)
	return err
}
