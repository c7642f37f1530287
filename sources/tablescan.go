package sources

import (
	"errors"
	"strconv"
	"strings"

	"fundalloc/reports/msg"
)

// headerSearchRows is how many non-blank rows may stand above the header row
// (a title such as "2026年资金来源表" often does).
const headerSearchRows = 10

// table reports problems located in one table and holds its header.
type table struct {
	file, sheet string
	p           *Problems
	h           *header
	headerRow   int
	date1904    bool // the workbook counts serial dates from 1904
	width       int  // cells in the header row
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

// sentinelFor maps a parse reason to the sentinel tests match with errors.Is.
func sentinelFor(reason error) error {
	var me *msgError
	if errors.As(reason, &me) {
		return me.sentinel
	}
	switch reason {
	case errNotAmount, errDecimals, errTooLarge, errAmountTooLarge, errNotPositive:
		return ErrBadAmount
	}
	return ErrBadNumber
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

// scanTable opens a table, finds its header among the first rows and calls
// each for every data row after it. File-level problems (unreadable, missing
// columns) are reported and end the scan; it returns false then.
func scanTable(src Source, sheet string, lim Limits, cols []Column, p *Problems, each func(t *table, row int, cells []Cell)) (*table, bool) {
	t := &table{file: src.Name, p: p}
	rows, wb, err := openTable(src, sheet, lim)
	if err != nil {
		t.addErr(err)
		return t, false
	}
	defer rows.Close()
	if wb != nil {
		t.sheet, t.date1904 = wb.Sheet, wb.Date1904
	}
	var first []Column // missing columns of the first non-blank row
	firstRow := 0
	for seen := 0; t.h == nil && seen < headerSearchRows && rows.Next(); seen++ {
		num, cells := rows.Row()
		h, missing := readHeader(cols, cells, func(int, error) {})
		if seen == 0 {
			first, firstRow = missing, num
		}
		if len(missing) == 0 {
			t.h, t.headerRow, t.width = h, num, len(cells)
			readHeader(cols, cells, func(col int, err error) { t.add(num, col+1, err) })
		}
	}
	if err := rows.Err(); err != nil {
		t.addErr(err)
		return t, false
	}
	if t.h == nil {
		switch {
		case firstRow == 0:
			t.add(0, 0, msg.SrcNoHeaderData.Wrap(ErrMissingColumn))
		default:
			t.add(firstRow, 0, msg.SrcMissingColumns.Wrap(ErrMissingColumn, missingList(first), missingList(requiredOf(cols)), strconv.Itoa(firstRow), ""))
		}
		return t, false
	}
	for rows.Next() {
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
