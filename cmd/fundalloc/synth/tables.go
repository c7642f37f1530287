package synth

import (
	"fmt"
	"io"
	"strconv"

	"fundalloc/sources"
)

// header returns a table's header row: the English names for CSV, the
// Chinese ones for workbooks (both are accepted, sources/columns.go).
func header(cols []sources.Column, f Format) []string {
	h := make([]string, len(cols))
	for i, c := range cols {
		h[i] = c.Name
		if f == XLSX {
			h[i] = c.Zh
		}
	}
	return h
}

// rows starts a table of the given columns and rows (the header
// included), which a workbook records as its sheet's dimension.
func (m *model) rows(w io.Writer, sheet string, cols, rows int) (rowWriter, error) {
	if m.p.Format == XLSX {
		return newXLSX(w, sheet, cols, rows)
	}
	return newCSV(w), nil
}

func writeHeader(rw rowWriter, h []string, widths []float64) error {
	rw.setWidths(widths)
	for _, s := range h {
		rw.text(s)
	}
	return rw.end()
}

// catName names category c as the tables do: by its code in CSV, in
// Chinese in workbooks.
func (m *model) catName(c int) string {
	if m.p.Format == XLSX {
		return catZh[c]
	}
	return catCodes[c]
}

// columnsNamed returns the columns of cols with the given names, in that order:
// the columns the data set writes (the tables know more, all optional).
func columnsNamed(cols []sources.Column, names ...string) []sources.Column {
	out := make([]sources.Column, 0, len(names))
	for _, n := range names {
		for _, c := range cols {
			if c.Name == n {
				out = append(out, c)
			}
		}
	}
	return out
}

// The columns of the fund files and ledgers the data set writes.
var (
	fundColumns   = columnsNamed(sources.FundColumns(), "id", "category", "provider", "description", "amount", "designated_unit")
	ledgerColumns = columnsNamed(sources.LedgerColumns(), "voucher", "date", "unit", "category", "amount", "description")
)

// unitColumns are the units file's columns: the known ones it writes, then
// the four drivers.
func unitColumns() []sources.Column {
	cols := columnsNamed(sources.UnitColumns(), "code", "name", "tier", "parent", "social_workers", "pilot", "grade", "contract_year")
	zh := map[string]string{}
	for _, d := range sources.CommonDrivers() {
		zh[d.Name] = d.Zh
	}
	for _, name := range driverName {
		cols = append(cols, sources.Column{Name: name, Zh: zh[name]})
	}
	return cols
}

// writeUnits writes the units file (DESIGN §3.1).
func (m *model) writeUnits(w io.Writer) error {
	rw, err := m.rows(w, "单位", len(unitColumns()), len(m.units)+1)
	if err != nil {
		return err
	}
	xl := m.p.Format == XLSX
	tiers, grades, yes, no := tierEn, gradeEn, "yes", "no"
	if xl {
		tiers, grades, yes, no = tierZh, gradeZh, "是", "否"
	}
	if err := writeHeader(rw, header(unitColumns(), m.p.Format), []float64{14, 30, 8, 12, 9, 12, 9, 9, 10, 10, 10, 10}); err != nil {
		return err
	}
	var buf []byte
	for i := range m.units {
		u := &m.units[i]
		buf = m.appendCode(buf[:0], u)
		rw.textBytes(buf)
		buf = m.appendName(buf[:0], u)
		rw.textBytes(buf)
		rw.text(tiers[u.tier])
		if u.tier == tHub {
			rw.blank()
		} else {
			buf = m.appendParent(buf[:0], u)
			rw.textBytes(buf)
		}
		rw.count(int64(u.workers))
		switch {
		case u.tier == tRoom:
			rw.blank() // pilot, grade and contract are the station's
			rw.blank()
			rw.blank()
		default:
			if u.pilot {
				rw.text(yes)
			} else {
				rw.text(no)
			}
			rw.text(grades[u.grade])
			rw.count(int64(u.contract))
		}
		for _, v := range u.drivers {
			if u.tier == tHub {
				rw.blank() // the hub has no service area of its own
			} else {
				rw.count(int64(v))
			}
		}
		if err := rw.end(); err != nil {
			return err
		}
	}
	return rw.close()
}

// fundStats sums up one fund file.
type fundStats struct {
	designated      int
	total, directed int64 // fen
}

// writeFunds writes fund file k (DESIGN §3.2).
func (m *model) writeFunds(w io.Writer, k int) (fundStats, error) {
	var st fundStats
	lo, hi := m.fundRange(k)
	rw, err := m.rows(w, "资金来源", len(fundColumns), hi-lo+1)
	if err != nil {
		return st, err
	}
	if err := writeHeader(rw, header(fundColumns, m.p.Format), []float64{18, 14, 26, 36, 16, 14}); err != nil {
		return st, err
	}
	width := max(7, len(strconv.Itoa(m.p.FundLines)))
	var buf []byte
	err = m.fundLines(k, func(l *fundLine) error {
		buf = append(buf[:0], "FL2026-"...)
		buf = appendPadded(buf, int64(l.id+1), width)
		rw.textBytes(buf)
		rw.text(m.catName(l.cat))
		rw.text(l.provider)
		rw.text(l.desc)
		rw.money(l.amount)
		st.total += l.amount
		if l.designated >= 0 {
			buf = m.appendCode(buf[:0], &m.units[l.designated])
			rw.textBytes(buf)
			st.designated++
			st.directed += l.amount
		} else {
			rw.blank()
		}
		return rw.end()
	})
	if err != nil {
		return st, err
	}
	return st, rw.close()
}

// writeLedger writes the ledger of month (1–10) (DESIGN §3.3).
func (m *model) writeLedger(w io.Writer, lp *ledgerPlan, month int) error {
	vs := lp.months[month-1]
	rw, err := m.rows(w, "支出台账", len(ledgerColumns), len(vs)+1)
	if err != nil {
		return err
	}
	if err := writeHeader(rw, header(ledgerColumns, m.p.Format), []float64{20, 12, 14, 14, 14, 30}); err != nil {
		return err
	}
	width := max(6, len(strconv.Itoa(len(vs))))
	prefix := fmt.Sprintf("PZ2026-%02d-", month)
	var buf []byte
	for i := range vs {
		v := &vs[i]
		buf = append(buf[:0], prefix...)
		buf = appendPadded(buf, int64(i+1), width)
		rw.textBytes(buf)
		if v.flaw == flawBadDate {
			// The day after the month's last: no such date.
			buf = appendDate(buf[:0], month, daysIn[month-1]+1)
			rw.textBytes(buf)
		} else {
			rw.date(month, int(v.day))
		}
		buf = buf[:0]
		if v.flaw == flawUnknownUnit {
			buf = append(buf, 'X') // no unit code starts with X
		}
		buf = m.appendCode(buf, &m.units[v.unit])
		rw.textBytes(buf)
		rw.text(m.catName(int(v.cat)))
		rw.money(v.amount)
		if v.amount < 0 {
			rw.text(refundDescriptions[v.desc])
		} else {
			rw.text(voucherDescriptions[v.cat][v.desc])
		}
		if err := rw.end(); err != nil {
			return err
		}
	}
	return rw.close()
}
