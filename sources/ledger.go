package sources

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"fundalloc/allocation"
	"fundalloc/reports/msg"
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
	Message string   // Text in English
	Text    msg.Text // what is wrong, in the reader's language
}

// Kinds is a set of exception kinds.
type Kinds uint8

// kindNames are the exception kinds in the order a row's are listed.
var kindNames = [...]string{MissingVoucher, UnknownUnit, UnknownCategory, DuplicateVoucher, OutOfPeriod, BadAmount, BadDate}

func kindBit(kind string) Kinds {
	for i, n := range kindNames {
		if n == kind {
			return 1 << i
		}
	}
	panic("sources: unknown exception kind " + kind)
}

// String lists the kinds' names, separated by spaces.
func (k Kinds) String() string {
	var names []string
	for i, n := range kindNames {
		if k&(1<<i) != 0 {
			names = append(names, n)
		}
	}
	return strings.Join(names, " ")
}

// Entry is one voucher as kept after reading: what the reconciliation and
// its counts need. The voucher's texts are not kept (a national ledger has
// millions of them); List reads them again for the listing.
type Entry struct {
	Unit     int32 // the unit, as the index the caller's lookup gave; -1 when unknown
	Amount   allocation.Fen
	Category int16 // index into the categories, -1 when unknown
	Month    int8  // 1–12 when dated inside the fiscal year, else 0
	Flags    Kinds // its exceptions; none when counted
	File     int32
	Row      int32
}

// Listed is a voucher's texts as written, for the ledger listing.
type Listed struct {
	Voucher, Date, Unit, Category, Amount, Description string
}

// Ledger is every voucher of every ledger file.
type Ledger struct {
	Files      []string
	Sheets     []string
	Entries    []Entry
	Exceptions []Exception

	srcs  []Source // to read the files again for List
	sheet string
	lim   Limits
}

// Vouchers returns the counted vouchers for the core.
func (l *Ledger) Vouchers() []allocation.Voucher {
	out := make([]allocation.Voucher, 0, len(l.Entries))
	for i := range l.Entries {
		e := &l.Entries[i]
		if e.Flags == 0 {
			out = append(out, allocation.Voucher{Unit: e.Unit, Category: int(e.Category), Month: int(e.Month), Amount: e.Amount})
		}
	}
	return out
}

// ReadLedgers reads expenditure ledgers (DESIGN §3.3). File-level problems
// (missing file, missing column, unreadable) go to p and are fatal; row-level
// problems become exceptions: a voucher number missing or used before, an
// unknown unit or category, a bad amount or date, a date outside the fiscal
// year. unit returns a known unit's index in the caller's table of units,
// and whether it is known. Files are read in parallel; duplicates are then found in file and
// row order, and the exceptions come out in file, row and kind order.
func ReadLedgers(srcs []Source, sheet string, lim Limits, cats *Categories, unit func(string) (int32, bool), year int, p *Problems) *Ledger {
	l := &Ledger{Files: make([]string, len(srcs)), Sheets: make([]string, len(srcs)), srcs: srcs, sheet: sheet, lim: lim}
	entries := make([][]Entry, len(srcs))
	vouchers := make([][]string, len(srcs)) // by entry: the voucher number, for the duplicate check
	excs := make([][]Exception, len(srcs))
	probs := make([]Problems, len(srcs))
	eachParallel(len(srcs), func(fi int) {
		src := srcs[fi]
		l.Files[fi] = src.Name
		t, _ := scanTable(src, sheet, lim, ledgerColumns, &probs[fi], func(t *table, row int, cells []Cell) {
			e := Entry{File: int32(fi), Row: int32(row), Unit: -1, Category: -1}
			voucher := t.text(cells, lVoucher)
			flag := func(kind string, text msg.Text) {
				e.Flags |= kindBit(kind)
				excs[fi] = append(excs[fi], exception(strings.Clone(voucher), src.Name, t.sheet, row, kind, text))
			}
			code := t.text(cells, lUnit)
			catRaw := t.text(cells, lCategory)
			if voucher == "" {
				flag(MissingVoucher, msg.SrcNoVoucher.With(t.h.label(lVoucher)))
			}
			if u, ok := unit(code); ok {
				e.Unit = u
			} else if code == "" {
				flag(UnknownUnit, msg.SrcEmpty.With(t.h.label(lUnit)))
			} else {
				flag(UnknownUnit, msg.SrcLedgerUnit.With(t.h.label(lUnit), code, ""))
			}
			if e.Category = int16(cats.Lookup(catRaw)); e.Category < 0 {
				flag(UnknownCategory, msg.SrcNotCategory.With(t.h.label(lCategory), catRaw, cats.hint()))
			}
			date, text, dateErr := t.date(cells, lDate)
			if dateErr == nil {
				if date.Year() == year {
					e.Month = int8(date.Month())
				} else {
					flag(OutOfPeriod, msg.SrcOutOfPeriod.With(text, year))
				}
			}
			if c := t.h.cell(cells, lAmount); c.Kind == Blank {
				flag(BadAmount, msg.SrcEmpty.With(t.h.label(lAmount)))
			} else if v, err := tableAmount(c); err != nil {
				flag(BadAmount, msg.SrcBadValue.With(t.h.label(lAmount), strings.TrimSpace(c.Text), err))
			} else {
				e.Amount = v
			}
			if dateErr != nil {
				flag(BadDate, *dateErr)
			}
			entries[fi] = append(entries[fi], e)
			vouchers[fi] = append(vouchers[fi], voucher)
		})
		l.Sheets[fi] = t.sheet
	})
	for fi := range probs {
		p.Append(&probs[fi])
	}
	l.Entries = slices.Concat(entries...)
	entries = nil
	// A voucher number counts once: every occurrence after the first, in
	// file and row order, is a duplicate. And every sum of counted vouchers
	// the reconciliation shows stays within what an amount may be: a voucher
	// that would take their total (refunds counted as spending) beyond it
	// is not counted.
	first := make(map[string]int32, len(l.Entries))
	var total allocation.Fen
	k := 0
	for fi := range vouchers {
		for _, v := range vouchers[fi] {
			i := k
			k++
			e := &l.Entries[i]
			if prev, dup := first[v]; v != "" && !dup {
				first[v] = int32(i)
			} else if v != "" {
				pe := &l.Entries[prev]
				where := msg.SrcAtRow.With(pe.Row)
				if pe.File != e.File {
					where = msg.SrcAtFileRow.With(Escape(l.Files[pe.File]), pe.Row)
				}
				e.Flags |= kindBit(DuplicateVoucher)
				excs[e.File] = append(excs[e.File], exception(strings.Clone(v), l.Files[e.File], l.Sheets[e.File], int(e.Row),
					DuplicateVoucher, msg.SrcDupVoucher.With(v, where)))
			}
			if e.Flags != 0 {
				continue
			}
			if a := max(e.Amount, -e.Amount); total+a <= maxAmount {
				total += a
				continue
			}
			e.Flags |= kindBit(BadAmount)
			excs[e.File] = append(excs[e.File], exception(strings.Clone(v), l.Files[e.File], l.Sheets[e.File], int(e.Row),
				BadAmount, msg.SrcOverTotal.With(colLabel{zh: "金额", en: "amount"}, e.Amount, msg.SrcVouchersNoun)))
		}
	}
	for fi := range excs {
		slices.SortStableFunc(excs[fi], func(a, b Exception) int {
			return cmp.Or(cmp.Compare(a.Row, b.Row), cmp.Compare(kindBit(a.Flag), kindBit(b.Flag)))
		})
		l.Exceptions = append(l.Exceptions, excs[fi]...)
	}
	return l
}

// List reads the ledger files again and calls fn with every voucher's
// entry and texts, in file and row order. A file that changed since it was
// read is an error.
func (l *Ledger) List(fn func(e *Entry, v *Listed) error) error {
	k := 0
	for fi, src := range l.srcs {
		var p Problems
		var ferr error
		var v Listed
		scanTable(src, l.sheet, l.lim, ledgerColumns, &p, func(t *table, row int, cells []Cell) {
			if ferr != nil {
				return
			}
			if k >= len(l.Entries) || l.Entries[k].File != int32(fi) || l.Entries[k].Row != int32(row) {
				ferr = msg.SrcChangedWhile.Err(Escape(src.Name))
				return
			}
			v = Listed{Voucher: t.text(cells, lVoucher), Unit: t.text(cells, lUnit), Category: t.text(cells, lCategory),
				Amount: strings.TrimSpace(t.h.cell(cells, lAmount).Text), Description: t.text(cells, lDescription)}
			if _, text, err := t.date(cells, lDate); err == nil {
				v.Date = text
			} else {
				v.Date = t.text(cells, lDate)
			}
			e := &l.Entries[k]
			if e.Flags&kindBit(BadAmount) == 0 {
				v.Amount = ""
			}
			ferr = fn(e, &v)
			k++
		})
		if err := p.Err(); err != nil {
			return err
		}
		if ferr != nil {
			return ferr
		}
	}
	if k != len(l.Entries) {
		return msg.SrcLedgerChanged.Err()
	}
	return nil
}

// exception builds an exception; its Message is the text in English.
func exception(voucher, file, sheet string, row int, kind string, text msg.Text) Exception {
	return Exception{Voucher: voucher, File: file, Sheet: sheet, Row: row, Flag: kind, Message: text.Localize(msg.EN), Text: text}
}

// date reads a date cell: YYYY-MM-DD text, an ISO date cell, or a numeric
// spreadsheet date (a serial number, counted from 1900 or 1904 as the
// workbook says). It returns the date and its YYYY-MM-DD text.
func (t *table) date(cells []Cell, k int) (time.Time, string, *msg.Text) {
	c := t.h.cell(cells, k)
	raw := strings.TrimSpace(c.Text)
	bad := func() (time.Time, string, *msg.Text) {
		if raw == "" {
			m := msg.SrcEmpty.With(t.h.label(k))
			return time.Time{}, "", &m
		}
		m := msg.SrcNotDate.With(t.h.label(k), raw)
		return time.Time{}, "", &m
	}
	switch c.Kind {
	case Text, DateText:
		s := raw
		if c.Kind == DateText && len(s) > 10 && s[10] == 'T' {
			s = s[:10]
		}
		if !isISODate(s) {
			return bad()
		}
		d, err := time.Parse("2006-01-02", s)
		if err != nil {
			return bad()
		}
		return d, s, nil
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
		d = time.Date(y, m, day, 0, 0, 0, 0, time.UTC)
		return d, d.Format("2006-01-02"), nil
	}
	return bad()
}

// isISODate reports whether s has the shape YYYY-MM-DD.
func isISODate(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	for i := range 10 {
		if i != 4 && i != 7 && (s[i] < '0' || s[i] > '9') {
			return false
		}
	}
	return true
}
