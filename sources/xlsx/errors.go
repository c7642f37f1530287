package xlsx

import (
	"errors"
	"strconv"
	"strings"

	"fundalloc/reports/msg"
)

// Sentinel errors wrapped by Error, for errors.Is.
var (
	ErrUnreadable = errors.New("unreadable file")
	ErrLimit      = errors.New("limit exceeded")
)

// Error is a problem with a workbook, located where known. Row and Column
// are what a spreadsheet shows: the first row is 1 and column 1 is A; zero
// means "not located". Sheet is empty before a sheet was chosen.
type Error struct {
	Sheet  string
	Row    int
	Column int
	Err    error
}

func (e *Error) Error() string { return e.Localize(msg.EN) }

// Localize renders the problem in l after its location, SHEET:ROW:COLUMN
// (the sheet name with its control characters escaped).
func (e *Error) Localize(l msg.Lang) string {
	var b strings.Builder
	b.WriteString(msg.Escape(e.Sheet))
	if e.Row > 0 {
		b.WriteString(":")
		b.WriteString(strconv.Itoa(e.Row))
		if e.Column > 0 {
			b.WriteString(":")
			b.WriteString(msg.ColumnName(e.Column))
		}
	}
	b.WriteString(": ")
	b.WriteString(msg.Localize(e.Err, l))
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// quotedList quotes each item of a list from an input (sheet names, say)
// and joins them with commas.
func quotedList(items []string) string {
	parts := make([]string, len(items))
	for i, s := range items {
		parts[i] = strconv.Quote(s)
	}
	return strings.Join(parts, ", ")
}
