package reports

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"fundalloc/allocation"
	"fundalloc/reports/msg"
)

// The columns of the Changes sheet.
const (
	dcCode = iota
	dcName
	dcTier
	dcCategory
	dcBefore
	dcAfter
	dcChange
	dcRate
	dcStages // NumStages columns, one per stage
	dcMain   = dcStages + int(allocation.NumStages)
	dcAll    = dcMain + 1
	dcCheck  = dcAll + 1
)

// WriteDiffWorkbook writes diff-<A>-<B>.xlsx in the report's language: a
// Summary (the change by category as formulas, the pool-wide reasons) and
// the Changes sheet (a row per unit × category, its split by stage, its
// reasons, and a check cell that the stages add up to the change).
func WriteDiffWorkbook(ctx context.Context, w io.Writer, dr *DiffReport) error {
	b, err := newBook(ctx, dr.Language, dr.TempDir, dr.Document)
	if err != nil {
		return err
	}
	defer b.close()
	l := msg.Lang(b.l)
	b.title = msg.DiffTitle.In(l, b.cityArg(), dr.Year, dr.A, dr.B)
	summary := msg.DiffSheetSum.In(l)
	rows := b.sheetsFor(msg.DiffSheetRows.In(l), len(dr.Diff.Rows))
	if err := b.f.SetSheetName("Sheet1", summary); err != nil {
		return err
	}
	for _, name := range rows {
		if _, err := b.f.NewSheet(name); err != nil {
			return err
		}
	}
	if err := b.writeDiffRows(dr, rows); err != nil {
		return err
	}
	if err := b.writeDiffSummary(dr, summary); err != nil {
		return err
	}
	stamp := dr.RunDate.UTC().Format("2006-01-02T15:04:05Z")
	if err := b.f.SetDocProps(&excelize.DocProperties{Title: b.title, Subject: b.title, Creator: "fundalloc", LastModifiedBy: "fundalloc",
		Created: stamp, Modified: stamp, Category: "diff"}); err != nil {
		return err
	}
	return b.save(w)
}

func (b *book) writeDiffRows(dr *DiffReport, names []string) error {
	l, st := msg.Lang(b.l), b.style
	d := dr.Diff
	cols := []column{
		{header: b.l.t("col.code"), style: st.text}, {header: b.l.t("col.name"), style: st.text},
		{header: b.l.t("col.tier"), style: st.text}, {header: b.l.t("col.category"), style: st.text},
		{header: b.amountHeader(msg.DiffBefore.In(l)), style: st.amount}, {header: b.amountHeader(msg.DiffAfter.In(l)), style: st.amount},
		{header: b.amountHeader(msg.DiffChange.In(l)), style: st.amount}, {header: msg.DiffRate.In(l), style: st.pct, width: 10},
	}
	for s := range allocation.NumStages {
		cols = append(cols, column{header: b.amountHeader(b.l.t("stage." + s.String())), style: st.amount})
	}
	cols = append(cols, column{header: msg.DiffMain.In(l), style: st.text}, column{header: msg.DiffReasons.In(l), style: st.text},
		column{header: b.l.t("col.check"), style: st.check, width: 10})
	main := make([]string, len(d.Rows))
	all := make([]string, len(d.Rows))
	for i := range d.Rows {
		r := &d.Rows[i]
		cols[dcCode].fit(r.Unit)
		cols[dcName].fit(r.Name)
		cols[dcCategory].fit(dr.CategoryName(r.Category, l))
		for _, v := range []allocation.Fen{r.Before, r.After, r.Change()} {
			cols[dcBefore].fitAmount(b, v)
		}
		main[i] = dr.MainReason(r, l)
		parts := make([]string, len(r.Reasons))
		for k := range r.Reasons {
			parts[k] = dr.Reason(&r.Reasons[k], l)
		}
		all[i] = strings.Join(parts, b.l.t("sep"))
		cols[dcMain].fit(main[i])
		cols[dcAll].fit(all[i])
	}
	for c := dcAfter; c < dcMain; c++ {
		if c != dcRate {
			cols[c].width = cols[dcBefore].width
		}
	}
	lay := layout{landscape: true, conditional: func(last int) []conditional {
		return []conditional{b.checkRule(fmt.Sprintf("%s:%s", cell(dcCheck+1, 2), cell(dcCheck+1, last)))}
	}}
	_, err := b.writeTable(names, cols, lay, len(d.Rows), func(t *table, from, to int) error {
		row := make([]xcell, len(cols)) // one row, cleared and filled for each
		for i := from; i < to; i++ {
			r := &d.Rows[i]
			n := t.row + 1
			clear(row)
			row[dcCode] = textCell(st.text, r.Unit)
			row[dcName] = textCell(st.text, r.Name)
			row[dcTier] = textCell(st.text, b.l.t("tier."+r.Tier.String()))
			row[dcCategory] = textCell(st.text, dr.CategoryName(r.Category, l))
			row[dcBefore] = b.moneyCell(st.amount, r.Before)
			row[dcAfter] = b.moneyCell(st.amount, r.After)
			row[dcChange] = b.moneyCell(st.amount, r.Change()).withFormula(fmt.Sprintf("%s-%s", cell(dcAfter+1, n), cell(dcBefore+1, n)))
			row[dcRate] = rateCell(st.pct, cell(dcChange+1, n), cell(dcBefore+1, n), r.Rate, l)
			for s := range allocation.NumStages {
				row[dcStages+int(s)] = b.moneyCell(st.amount, r.ByStage[s])
			}
			row[dcMain] = textCell(st.text, main[i])
			row[dcAll] = textCell(st.text, all[i])
			row[dcCheck] = intCell(st.check, 0).withFormula(b.check(fmt.Sprintf("%s-SUM(%s:%s)", cell(dcChange+1, n),
				cell(dcStages+1, n), cell(dcMain, n))))
			if err := t.add(row); err != nil {
				return err
			}
		}
		return nil
	})
	return err
}

// rateCell is change ÷ before as a live formula, — on a zero base, with
// the core's 4-decimal rate as its cached value.
func rateCell(style int, change, before string, r allocation.Rate, l msg.Lang) xcell {
	none := msg.DiffNone.In(l)
	c := textCell(style, none).withFormula(fmt.Sprintf(`IF(%s=0,%s,%s/%s)`, before, formulaString(none), change, before))
	if r.Valid() {
		v, _ := strconv.ParseFloat(r.String(), 64) // display only: the cell's format rounds it
		c = floatCell(style, v).withFormula(c.formula)
	}
	return c
}

func (b *book) writeDiffSummary(dr *DiffReport, sheet string) error {
	l, st := msg.Lang(b.l), b.style
	d := dr.Diff
	var g grid
	txt := func(v string) xcell { return textCell(st.text, v) }
	head := func(v string) xcell { return textCell(st.header, v) }
	g.add(textCell(st.title, b.title))
	g.skip(1)
	g.add(textCell(st.bold, msg.DiffCompared.In(l)), txt(dr.A+" → "+dr.B))
	g.add(textCell(st.note, msg.DiffNote.In(l)))
	for k, name := range []string{dr.A, dr.B} {
		if d.Unrecorded[k] {
			g.add(textCell(st.note, msg.DiffUnrecorded.In(l, name)))
		}
	}
	g.skip(1)
	g.add(textCell(st.bold, msg.DiffByCategory.In(l)))
	g.add(head(b.l.t("col.category")), head(b.amountHeader(msg.DiffBefore.In(l))), head(b.amountHeader(msg.DiffAfter.In(l))),
		head(b.amountHeader(msg.DiffChange.In(l))), head(msg.DiffRate.In(l)))
	first := g.next()
	var before, after allocation.Fen
	for c, code := range d.Categories {
		x, y := d.Totals[0][c], d.Totals[1][c]
		before += x
		after += y
		n := g.next()
		g.add(txt(dr.CategoryName(code, l)), b.moneyCell(st.amount, x), b.moneyCell(st.amount, y),
			b.moneyCell(st.amount, y-x).withFormula(fmt.Sprintf("C%d-B%d", n, n)),
			rateCell(st.pct, fmt.Sprintf("D%d", n), fmt.Sprintf("B%d", n), allocation.ChangeRate(y-x, x), l))
	}
	last := g.next() - 1
	n := g.next()
	sum := func(col string, v allocation.Fen) xcell {
		return b.moneyCell(st.boldAmount, v).withFormula(fmt.Sprintf("SUM(%s%d:%s%d)", col, first, col, max(last, first)))
	}
	g.add(textCell(st.bold, b.l.t("row.total")), sum("B", before), sum("C", after), sum("D", after-before),
		rateCell(st.pct, fmt.Sprintf("D%d", n), fmt.Sprintf("B%d", n), allocation.ChangeRate(after-before, before), l))
	if b.doc.Unit == UnitWan {
		g.add(textCell(st.note, b.l.t("unit.rounding")))
	}
	g.skip(1)
	g.add(b.signatures())
	g.skip(1)
	g.add(textCell(st.bold, msg.DiffRowsCount.In(l, len(d.Rows))))
	g.skip(1)
	g.add(textCell(st.bold, msg.DiffPoolReasons.In(l)))
	if len(d.PoolReasons) == 0 {
		g.add(txt(msg.DiffNoPool.In(l)))
	}
	for i := range d.PoolReasons {
		g.add(txt(dr.Reason(&d.PoolReasons[i], l)))
	}
	return b.writeGrid(sheet, &g, sheetSetup{widths: []float64{28, 18, 18, 18, 12}, page: b.page(false, true)})
}
