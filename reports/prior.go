package reports

import (
	"fmt"

	"fundalloc/allocation"
	"fundalloc/reports/msg"
)

// The budget workbook set against last year's budget (DESIGN §7.1): on the
// Allocation sheet, each unit's 上年预算, 增减额 and 增减率 beside its total,
// new units marked 新增 and last year's units that are gone listed as 撤销;
// on the Summary sheet, the same per category. 增减率 = 增减额 ÷ 上年预算, a
// percentage to 2 decimals, — on a zero base.

// priorColumns are the Allocation sheet's columns after the total.
func (b *book) priorColumns(pr *allocation.Prior) []column {
	if pr == nil {
		return nil
	}
	l, st := msg.Lang(b.l), b.style
	return []column{
		{header: b.amountHeader(msg.PriorLast.In(l)), style: st.amount, width: 16},
		{header: b.amountHeader(msg.PriorChange.In(l)), style: st.amount, width: 16},
		{header: msg.PriorRate.In(l), style: st.pct, width: 10},
		{header: msg.PriorNote.In(l), style: st.text, width: 10},
	}
}

// priorCells are a row's cells in those columns: last year's amount, the
// change from it to this year's total (in column total) as a formula, the
// rate, and 新增 or 撤销.
func (b *book) priorCells(row, total int, now, last allocation.Fen, isNew, closed bool, amt, txt int) []xcell {
	l := msg.Lang(b.l)
	note := ""
	switch {
	case isNew:
		note = msg.PriorNew.In(l)
	case closed:
		note = msg.PriorClosed.In(l)
	}
	change := cell(total+2, row)
	return []xcell{
		b.moneyCell(amt, last),
		b.moneyCell(amt, now-last).withFormula(fmt.Sprintf("%s-%s", cell(total, row), cell(total+1, row))),
		rateCell(b.style.pct, change, cell(total+1, row), allocation.ChangeRate(now-last, last), l),
		textCell(txt, note),
	}
}

// priorTotal are the total row's cells in those columns: last year's total
// (the formula sum), the change and the rate.
func (b *book) priorTotal(sum string, row, total int, now, last allocation.Fen) []xcell {
	st := b.style
	return []xcell{
		b.moneyCell(st.boldAmount, last).withFormula(sum),
		b.moneyCell(st.boldAmount, now-last).withFormula(fmt.Sprintf("%s-%s", cell(total, row), cell(total+1, row))),
		rateCell(st.pct, cell(total+2, row), cell(total+1, row), allocation.ChangeRate(now-last, last), msg.Lang(b.l)),
		blankCell(st.bold),
	}
}

// closedUnits adds last year's units that are gone to the Allocation
// sheet, after this year's: nothing this year, last year's total, 撤销.
func (b *book) closedUnits(t *table, pr *allocation.Prior, nc, total int) error {
	if pr == nil {
		return nil
	}
	l, st := b.l, b.style
	for _, c := range pr.Closed {
		u := &c.Unit
		r := t.row + 1
		if r > maxSheetRows {
			r = 2
		}
		row := []xcell{
			textCell(st.text, u.Code),
			textCell(st.text, u.Name),
			textCell(st.text, l.t("tier."+u.Tier.String())),
			blankCell(st.text),
		}
		for range nc {
			row = append(row, blankCell(st.amount))
		}
		row = append(row, b.moneyCell(st.amount, 0).withFormula(fmt.Sprintf("SUM(%s:%s)", cell(total-nc, r), cell(total-1, r))))
		row = append(row, b.priorCells(r, total, 0, c.Total, false, true, st.amount, st.text)...)
		if err := t.add(row); err != nil {
			return err
		}
	}
	return nil
}

// priorSummary adds the Summary sheet's table of this year against last
// year by category; this year's amount is the allocated and reserved
// cells of the totals table above (columns D and E, from row catFirst).
func (b *book) priorSummary(g *grid, bb *Budget, catFirst int, alloc, reserved []allocation.Fen) {
	l, st, pr := msg.Lang(b.l), b.style, bb.Prior
	txt := func(v string) xcell { return textCell(st.text, v) }
	head := func(v string) xcell { return textCell(st.header, v) }
	g.add(textCell(st.title, msg.PriorTitle.In(l, bb.PriorName)))
	g.add(head(b.l.t("col.category")), head(b.l.t("col.catcode")), head(b.amountHeader(msg.PriorThis.In(l))),
		head(b.amountHeader(msg.PriorLast.In(l))), head(b.amountHeader(msg.PriorChange.In(l))), head(msg.PriorRate.In(l)))
	first := g.next()
	var now, last allocation.Fen
	row := func(name, code string, thisYear xcell, v, lastYear allocation.Fen) {
		r := g.next()
		g.add(txt(name), txt(code), thisYear, b.moneyCell(st.amount, lastYear),
			b.moneyCell(st.amount, v-lastYear).withFormula(fmt.Sprintf("C%d-D%d", r, r)),
			rateCell(st.pct, fmt.Sprintf("E%d", r), fmt.Sprintf("D%d", r), allocation.ChangeRate(v-lastYear, lastYear), l))
		now += v
		last += lastYear
	}
	for c := range bb.Categories {
		v := alloc[c] + reserved[c]
		tr := catFirst + c
		row(b.catName(bb.Categories, c), bb.Categories[c].Code,
			b.moneyCell(st.amount, v).withFormula(fmt.Sprintf("D%d+E%d", tr, tr)), v, pr.Category[c])
	}
	for _, d := range pr.Dropped {
		row(d.Code+msg.PriorGone.In(l), d.Code, b.moneyCell(st.amount, 0), 0, d.Total)
	}
	end := g.next() - 1
	r := g.next()
	sum := func(col string, v allocation.Fen) xcell {
		return b.moneyCell(st.boldAmount, v).withFormula(fmt.Sprintf("SUM(%s%d:%s%d)", col, first, col, end))
	}
	g.add(textCell(st.bold, b.l.t("row.total")), blankCell(st.bold), sum("C", now), sum("D", last),
		b.moneyCell(st.boldAmount, now-last).withFormula(fmt.Sprintf("C%d-D%d", r, r)),
		rateCell(st.pct, fmt.Sprintf("E%d", r), fmt.Sprintf("D%d", r), allocation.ChangeRate(now-last, last), l))
}
