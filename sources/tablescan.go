package sources

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"fundalloc/allocation"
	"fundalloc/reports/msg"
)

// headerSearchRows is how many non-blank rows are looked at for the header
// row (titles such as "2026年资金来源表" and "单位：元" often stand above it).
const headerSearchRows = 10

// ctxRows is how many rows a reader reads between two looks at its
// context: a few milliseconds of work, so that an interrupt ends a read
// within a second.
const ctxRows = 4096

// Options say how to read the tables of one kind.
type Options struct {
	// Ctx, when set, stops a read soon after it is cancelled: the read then
	// reports the interruption (SrcInterrupted, wrapping context.Canceled).
	Ctx    context.Context
	Sheet  string // the sheet to read from a workbook; "" for the first
	Limits Limits
	// Columns gives, by column name, the headers a file uses for it
	// (columns.<table> in the configuration); they are tried before the
	// built-in names.
	Columns map[string][]string
	// Drivers are the units file's driver columns the configuration names
	// (stages.demand.drivers); social_workers is always read.
	Drivers []string
}

// interrupted returns the error a cancelled read reports, or nil.
func (o *Options) interrupted() error {
	if o.Ctx == nil {
		return nil
	}
	if err := o.Ctx.Err(); err != nil {
		return msg.SrcInterrupted.Wrap(err)
	}
	return nil
}

// table reports problems located in one table and holds its header.
type table struct {
	file, sheet string
	p           *Problems
	h           *header
	headerRow   int
	date1904    bool // the workbook counts serial dates from 1904
	width       int  // cells in the header row
	// rowsHint is at most how many data rows the table has when the reader
	// knows (a UTF-8 CSV file), else 0: what a reader may reserve.
	rowsHint int
}

func (t *table) add(row, col int, err error) {
	t.p.Add(&Error{File: t.file, Sheet: t.sheet, Row: row, Column: col, Err: err})
}

// bad reports a problem with known column k in a row.
func (t *table) bad(row, k int, err error) {
	t.add(row, t.h.index[k]+1, err)
}

// badValue reports a value a column refuses: `amount "12.345" has more than 2 decimal places`.
func (t *table) badValue(row, k int, raw string, reason error) {
	t.bad(row, k, msg.SrcBadValue.Err(t.h.label(k), strings.TrimSpace(raw), reason))
}

// text returns a text value of column k, trimmed; numbers are given as
// stored ("12" for a numeric cell holding 12).
func (t *table) text(cells []Cell, k int) string {
	return strings.TrimSpace(t.h.cell(cells, k).Text)
}

// required returns the text of column k, reporting it when empty.
func (t *table) required(row int, cells []Cell, k int) (string, bool) {
	s := t.text(cells, k)
	if s == "" {
		t.bad(row, k, msg.SrcEmpty.Wrap(ErrRequired, t.h.label(k)))
		return "", false
	}
	return s, true
}

// amount reads an amount of column k, in yuan or in 万元 as its header says.
func (t *table) amount(c Cell, k int) (allocation.Fen, error) {
	return tableAmount(c, t.h.scale[k])
}

// scanTable opens a table, finds its header among the first rows and calls
// each for every data row after it. File-level problems (unreadable, missing
// columns, an amount column in an unknown unit) are reported and end the
// scan; it returns false then. Columns the header does not recognise are
// noted once (Problems.Notes), for validate to list.
func scanTable(src Source, opt *Options, m *matcher, p *Problems, each func(t *table, row int, cells []Cell)) (*table, bool) {
	t := &table{file: src.Name, p: p}
	if err := opt.interrupted(); err != nil {
		t.addErr(err)
		return t, false
	}
	rows, err := openTable(src, opt)
	if err != nil {
		t.addErr(err)
		return t, false
	}
	defer rows.Close()
	if x, ok := rows.(*xlsxTable); ok {
		t.sheet, t.date1904 = x.Sheet(), x.date1904
	}
	var seen []seenRow
	var best []Column // missing columns of the row that came nearest
	bestRow := 0
	for len(seen) < headerSearchRows && rows.Next() {
		num, cells := rows.Row()
		h, missing := m.readHeader(cells)
		texts := make([]string, 0, len(cells))
		for _, c := range cells {
			if s := strings.TrimSpace(c.Text); s != "" {
				texts = append(texts, s)
			}
		}
		seen = append(seen, seenRow{num: num, texts: texts})
		if bestRow == 0 || len(missing) < len(best) {
			best, bestRow = missing, num
		}
		if len(missing) == 0 {
			t.h, t.headerRow, t.width = h, num, len(cells)
			break
		}
	}
	if err := rows.Err(); err != nil {
		t.addErr(err)
		return t, false
	}
	if t.h == nil {
		if bestRow == 0 {
			t.add(0, 0, msg.SrcNoHeaderData.Wrap(ErrMissingColumn))
		} else {
			t.add(bestRow, 0, missingColumns(m, best, seen))
		}
		return t, false
	}
	for _, d := range t.h.dups {
		t.add(t.headerRow, d.col+1, msg.SrcDupColumn.Wrap(ErrDuplicateCol, d.label, msg.ColumnName(d.first+1)))
	}
	for _, b := range t.h.bad {
		t.add(t.headerRow, b.col+1, msg.SrcMoneyUnit.Wrap(ErrBadAmount, b.text, b.unit))
	}
	if len(t.h.bad) > 0 {
		return t, false
	}
	if sh, ok := rows.(sizeHinter); ok {
		t.rowsHint = sh.sizeHint(t.headerRow, t.width)
	}
	for _, x := range t.h.ignored {
		p.Note(&Error{File: t.file, Sheet: t.sheet, Row: t.headerRow, Column: x.col + 1, Err: msg.SrcIgnoredColumn.Err(x.text)})
	}
	for n := 0; rows.Next(); n++ {
		if n%ctxRows == ctxRows-1 {
			if err := opt.interrupted(); err != nil {
				t.addErr(err)
				return t, false
			}
		}
		num, cells := rows.Row()
		if t.sheet == "" && len(cells) != t.width {
			// A CSV row with more or fewer cells than the header has a stray
			// separator or a lost quote: its values cannot be trusted.
			t.add(num, 0, msg.SrcRaggedRow.Wrap(ErrRaggedRow, len(cells), t.width))
			continue
		}
		each(t, num, cells)
	}
	if err := rows.Err(); err != nil {
		t.addErr(err)
		return t, false
	}
	return t, true
}

// missingColumns is the error for a file whose header was not found: the
// columns missing from the row that came nearest, the rows looked at, and
// for each missing column the nearest header seen (DESIGN §3.0).
func missingColumns(m *matcher, missing []Column, seen []seenRow) error {
	var hints []any
	for _, c := range missing {
		k := colIndex(m.cols, c.Name)
		if row, text, ok := m.nearest(k, seen); ok {
			hints = append(hints, msg.SrcNearest.With(c.label(), row, text))
		}
	}
	return msg.SrcMissingColumns.Wrap(ErrMissingColumn, missingList(missing), missingList(requiredOf(m.cols)), rowRanges(seen), texts(hints))
}

// texts joins texts rendered in the message's language.
type texts []any

// Localize renders every text in l, one after the other.
func (ts texts) Localize(l msg.Lang) string {
	var b strings.Builder
	for _, t := range ts {
		if x, ok := t.(msg.Localizer); ok {
			b.WriteString(x.Localize(l))
		}
	}
	return b.String()
}

// rowRanges writes the numbers of the rows looked at as ranges: "1–3",
// "1–2, 4".
func rowRanges(rows []seenRow) string {
	var parts []string
	for i := 0; i < len(rows); {
		j := i
		for j+1 < len(rows) && rows[j+1].num == rows[j].num+1 {
			j++
		}
		part := strconv.Itoa(rows[i].num)
		if j > i {
			part += "–" + strconv.Itoa(rows[j].num)
		}
		parts = append(parts, part)
		i = j + 1
	}
	return strings.Join(parts, ", ")
}

// addErr reports an error from a reader, keeping its location when it has one.
func (t *table) addErr(err error) {
	var le *Error
	if errors.As(err, &le) {
		e := *le
		e.File = t.file
		if e.Sheet == "" {
			e.Sheet = t.sheet
		}
		t.p.Add(&e)
		return
	}
	t.add(0, 0, err)
}

func requiredOf(cols []Column) []Column {
	var out []Column
	for _, c := range cols {
		if c.Required {
			out = append(out, c)
		}
	}
	return out
}
