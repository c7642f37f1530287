package sources

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"fundalloc/allocation"
)

// Indexes into ledgerColumns.
const (
	lVoucher = iota
	lDate
	lUnit
	lCategory
	lAmount
	lDescription
)

// Exception kinds: row-level problems of a ledger (DESIGN §8). A voucher
// with an exception is reported and not counted; it never stops a run.
const (
	MissingVoucher   = "MISSING_VOUCHER"
	UnknownUnit      = "UNKNOWN_UNIT"
	UnknownCategory  = "UNKNOWN_CATEGORY"
	DuplicateVoucher = "DUPLICATE_VOUCHER"
	OutOfPeriod      = "OUT_OF_PERIOD"
	BadAmount        = "BAD_AMOUNT"
	BadDate          = "BAD_DATE"
)

// Exception is one row-level problem of a ledger.
type Exception struct {
	Voucher string
	File    string
	Sheet   string
	Row     int
	Flag    string
	Message string
}

// Entry is one voucher as read, counted or not.
type Entry struct {
	Voucher     string
	Date        string // YYYY-MM-DD when it could be read, else as written
	Unit        string
	Category    int    // index into the categories, -1 when unknown
	CategoryRaw string // as written
	Amount      allocation.Fen
	AmountRaw   string // as written, when it could not be read
	Description string
	Month       int // 1–12 when dated inside the fiscal year, else 0
	File        int32
	Row         int32
	Flags       []string // its exceptions; empty when counted
}

// Ledger is every voucher of every ledger file.
type Ledger struct {
	Files      []string
	Sheets     []string
	Entries    []Entry
	Exceptions []Exception
}

// Vouchers returns the counted vouchers for the core.
func (l *Ledger) Vouchers() []allocation.Voucher {
	out := make([]allocation.Voucher, 0, len(l.Entries))
	for i := range l.Entries {
		e := &l.Entries[i]
		if len(e.Flags) == 0 {
			out = append(out, allocation.Voucher{Unit: e.Unit, Category: e.Category, Month: e.Month, Amount: e.Amount})
		}
	}
	return out
}

var isoDate = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// ReadLedgers reads expenditure ledgers (DESIGN §3.3). File-level problems
// (missing file, missing column, unreadable) go to p and are fatal; row-level
// problems become exceptions: a voucher number missing or used before, an
// unknown unit or category, a bad amount or date, a date outside the fiscal
// year. known says whether a unit code exists.
func ReadLedgers(srcs []Source, sheet string, lim Limits, cats *Categories, known func(string) bool, year int, p *Problems) *Ledger {
	l := &Ledger{}
	type place struct {
		file int32
		row  int
	}
	first := map[string]place{}
	for fi, src := range srcs {
		file := int32(fi)
		l.Files = append(l.Files, src.Name)
		t, _ := scanTable(src, sheet, lim, ledgerColumns, p, func(t *table, row int, cells []Cell) {
			e := Entry{File: file, Row: int32(row), Category: -1}
			var flags []string
			var msgs []string
			flag := func(kind, format string, args ...any) {
				flags = append(flags, kind)
				msgs = append(msgs, fmt.Sprintf(format, args...))
			}
			e.Voucher = t.text(cells, lVoucher)
			e.Unit = t.text(cells, lUnit)
			e.CategoryRaw = t.text(cells, lCategory)
			e.Description = t.text(cells, lDescription)
			if e.Voucher == "" {
				flag(MissingVoucher, "%s is empty: a voucher without a number cannot be checked", t.h.label(lVoucher))
			}
			if !known(e.Unit) {
				if e.Unit == "" {
					flag(UnknownUnit, "%s is empty", t.h.label(lUnit))
				} else {
					flag(UnknownUnit, "%s %q is not a unit code of the budget or the units file", t.h.label(lUnit), e.Unit)
				}
			}
			if e.Category = cats.Lookup(e.CategoryRaw); e.Category < 0 {
				flag(UnknownCategory, "%s %q is not a category; use one of: %s", t.h.label(lCategory), e.CategoryRaw, cats.hint())
			}
			if e.Voucher != "" {
				if prev, dup := first[e.Voucher]; dup {
					where := fmt.Sprintf("row %d", prev.row)
					if prev.file != file {
						where = fmt.Sprintf("%s row %d", l.Files[prev.file], prev.row)
					}
					flag(DuplicateVoucher, "voucher %s already appears at %s; only the first is counted", e.Voucher, where)
				} else {
					first[e.Voucher] = place{file, row}
				}
			}
			date, dateErr := t.date(cells, lDate)
			if dateErr == nil {
				e.Date = date.Format("2006-01-02")
				if date.Year() == year {
					e.Month = int(date.Month())
				} else {
					flag(OutOfPeriod, "dated %s, outside the fiscal year %d", e.Date, year)
				}
			} else {
				e.Date = t.text(cells, lDate)
			}
			if c := t.h.cell(cells, lAmount); c.Kind == Blank {
				flag(BadAmount, "%s is empty", t.h.label(lAmount))
			} else if v, err := cellAmount(c); err != nil {
				e.AmountRaw = strings.TrimSpace(c.Text)
				flag(BadAmount, "%s %q %s", t.h.label(lAmount), e.AmountRaw, err)
			} else {
				e.Amount = v
			}
			if dateErr != nil {
				flag(BadDate, "%s", dateErr)
			}
			e.Flags = flags
			for i, f := range flags {
				l.Exceptions = append(l.Exceptions, Exception{Voucher: e.Voucher, File: src.Name, Sheet: t.sheet, Row: row, Flag: f, Message: msgs[i]})
			}
			l.Entries = append(l.Entries, e)
		})
		l.Sheets = append(l.Sheets, t.sheet)
	}
	return l
}

// date reads a date cell: YYYY-MM-DD text, an ISO date cell, or a numeric
// spreadsheet date (a serial number, counted from 1900 or 1904 as the
// workbook says).
func (t *table) date(cells []Cell, k int) (time.Time, error) {
	c := t.h.cell(cells, k)
	raw := strings.TrimSpace(c.Text)
	bad := func() (time.Time, error) {
		if raw == "" {
			return time.Time{}, fmt.Errorf("%s is empty", t.h.label(k))
		}
		return time.Time{}, fmt.Errorf("%s %q is not a date (YYYY-MM-DD)", t.h.label(k), raw)
	}
	switch c.Kind {
	case Text, DateText:
		s := raw
		if c.Kind == DateText && len(s) > 10 && s[10] == 'T' {
			s = s[:10]
		}
		if !isoDate.MatchString(s) {
			return bad()
		}
		d, err := time.Parse("2006-01-02", s)
		if err != nil {
			return bad()
		}
		return d, nil
	case Number:
		serial, err := strconv.ParseFloat(raw, 64) // a day count, not money
		if err != nil || serial < 1 || serial > 2958465 {
			return bad()
		}
		d, err := excelize.ExcelDateToTime(serial, t.date1904)
		if err != nil {
			return bad()
		}
		y, m, day := d.Date()
		return time.Date(y, m, day, 0, 0, 0, 0, time.UTC), nil
	}
	return bad()
}
