package reports

import (
	"fmt"
	"io"
	"strings"

	"fundalloc/allocation"
)

// indicatorRow is one row of the indicator table (DESIGN §12) in words: the
// same for the CSV and the 预算指标 sheet.
type indicatorRow struct {
	code, name, project, category   string
	function, economic, govEconomic string
	fundType, fundSource, document  string
	status, note                    string
	amount                          allocation.Fen
}

// indicatorHeaders are the indicator table's column labels.
func indicatorHeaders(l lang) []string {
	return []string{l.t("col.unit"), l.t("col.unitname"), l.t("col.project"), l.t("col.category"),
		l.t("col.function_code"), l.t("col.economic_code"), l.t("col.gov_economic_code"),
		l.t("col.fund_type"), l.t("col.fund_source"), l.t("col.document_no"), l.t("col.status"),
		l.t("col.amount"), l.t("col.note")}
}

// indicatorWords puts indicators in words, remembering what it looked up:
// a national budget has 4.5 million indicators over a handful of fund types,
// sources and statuses, about seven to a unit, and looking the labels up
// and formatting the project's name afresh for each took two thirds of the
// indicator CSV's time.
type indicatorWords struct {
	l    lang
	bb   *Budget
	city string
	// Labels by fund type, fund source and status; "" until looked up.
	fundType, fundSource, status [256]string
	unallocated, nonfiscal       string
	// The project of the last unit (or unallocated category) put in words.
	unit, cat int32
	project   string
	// A unit's project is projectPre + its name + projectPost when the
	// name's place in the words is known (ok): one string a unit, not a
	// formatting's boxed arguments and result (50 MB of a national
	// budget's garbage, made while nothing else is collected).
	projectPre, projectPost string
	projectOK               bool
}

// projectMark stands for a unit's name while its project's words are
// split around it; no label holds it.
const projectMark = "\x00"

func newIndicatorWords(l lang, bb *Budget) *indicatorWords {
	city := bb.Document.City
	if l == en && city != "" {
		city = ", " + city
	}
	w := &indicatorWords{l: l, bb: bb, city: city, unit: -1, cat: -1,
		unallocated: l.t("status.unallocated"), nonfiscal: l.t("note.nonfiscal")}
	if s := l.t("project.unit", city, bb.Year, projectMark); strings.Count(s, projectMark) == 1 {
		w.projectPre, w.projectPost, _ = strings.Cut(s, projectMark)
		w.projectOK = !strings.Contains(city, projectMark)
	}
	return w
}

// label is l.t(prefix + name), looked up once per value v.
func (w *indicatorWords) label(memo *[256]string, v uint8, prefix, name string) string {
	if memo[v] == "" {
		memo[v] = w.l.t(prefix + name)
	}
	return memo[v]
}

// row puts indicator x in words. A unit's project is named after it
// (神木市2026年度滨河新区街道社工站运营服务项目); a category's unallocated
// money is 待分配. Donations are marked as not fiscal money: they are
// tracked, but they are no indicators of the integrated budget system.
func (w *indicatorWords) row(x *allocation.Indicator) indicatorRow {
	l, bb := w.l, w.bb
	cat := bb.Categories[x.Category]
	src := bb.Indicators.SourceOf(x)
	r := indicatorRow{
		category: catName(l, cat), function: cat.FunctionCode, economic: cat.EconomicCode, govEconomic: cat.GovEconomicCode,
		fundType:   w.label(&w.fundType, uint8(src.Type), "fundtype.", src.Type.String()),
		fundSource: w.label(&w.fundSource, uint8(src.From), "fundsource.", src.From.String()),
		document:   src.Document, amount: x.Amount,
	}
	if x.Unit >= 0 {
		u := &bb.Plan.Units[x.Unit]
		r.code, r.name = u.Code, u.Name
		if w.unit != x.Unit || w.cat != -1 {
			// A unit named after its city (神木市社工服务中心) does not repeat it.
			w.unit, w.cat = x.Unit, -1
			if name := strings.TrimPrefix(u.Name, bb.Document.City); w.projectOK {
				w.project = w.projectPre + name + w.projectPost
			} else {
				w.project = l.t("project.unit", w.city, bb.Year, name)
			}
		}
		r.project = w.project
		r.status = w.label(&w.status, uint8(x.Status), "status.", x.Status.String())
	} else {
		r.name = w.unallocated
		if w.unit != -1 || w.cat != x.Category {
			w.unit, w.cat = -1, x.Category
			w.project = l.t("project.unallocated", w.city, bb.Year, r.category)
		}
		r.project = w.project
		r.status = r.name
	}
	if src.Type == allocation.Donation {
		r.note = w.nonfiscal
	}
	return r
}

func catName(l lang, c allocation.Category) string {
	if l == en {
		return c.En
	}
	return c.Zh
}

// WriteIndicatorsCSV writes budget-<year>-indicators.csv (DESIGN §12): one
// row per unit × category × source × status, then the categories'
// unallocated money (待分配), in the budget's language; UTF-8 with a BOM,
// amounts in yuan as exact decimal text, text that a spreadsheet would take
// for a formula neutralised. It holds every indicator, however many: a
// table past one sheet's rows is in the CSV alone.
func WriteIndicatorsCSV(w io.Writer, bb *Budget) error {
	l := langOf(bb.Language)
	cw := newCSVWriter(w)
	h := indicatorHeaders(l)
	row := make([]any, len(h))
	for i, s := range h {
		row[i] = s
	}
	cw.row(row...)
	words := newIndicatorWords(l, bb)
	for i := range bb.Indicators.Rows {
		r := words.row(&bb.Indicators.Rows[i])
		cw.row(r.code, r.name, r.project, r.category, r.function, r.economic, r.govEconomic,
			r.fundType, r.fundSource, r.document, r.status, r.amount, r.note)
		if cw.err != nil {
			return cw.err
		}
	}
	return cw.flush()
}

// indicatorsFit reports whether the indicators fit on one sheet with the
// total and check rows below them.
func indicatorsFit(bb *Budget) bool { return bb.Indicators.Len()+8 < maxSheetRows }

// writeIndicators writes the 预算指标 sheet: the indicator table with a
// total (a live SUM), the budget's total (the Pool sheet's) and a check
// cell that shows 0 when they agree.
func (b *book) writeIndicators(bb *Budget, name, poolSheet string) error {
	l, st, p := b.l, b.style, bb.Plan
	h := indicatorHeaders(l)
	styles := []int{st.text, st.text, st.text, st.text, st.center, st.center, st.center, st.text, st.text, st.text, st.text, st.amount, st.text}
	cols := make([]column, len(h))
	for i := range h {
		cols[i] = column{header: h[i], style: styles[i]} // headers wrap: the content sets the width
	}
	rows := make([]indicatorRow, bb.Indicators.Len())
	var total allocation.Fen
	words := newIndicatorWords(l, bb)
	for i := range bb.Indicators.Rows {
		r := words.row(&bb.Indicators.Rows[i])
		rows[i] = r
		for k, s := range []string{r.code, r.name, r.project, r.category, r.function, r.economic, r.govEconomic, r.fundType, r.fundSource, r.document, r.status, "", r.note} {
			cols[k].fit(s)
		}
		cols[11].fitAmount(b, r.amount)
		total += r.amount
	}
	cols[11].header = b.amountHeader(h[11])
	cols[11].fit(cols[11].header)
	t, err := b.newTable([]string{name}, cols, layout{landscape: true})
	if err != nil {
		return err
	}
	txt := func(s string) xcell { return textCell(st.text, s) }
	for _, r := range rows {
		if err := t.add([]xcell{txt(r.code), txt(r.name), txt(r.project), txt(r.category),
			textCell(st.center, r.function), textCell(st.center, r.economic),
			textCell(st.center, r.govEconomic), txt(r.fundType), txt(r.fundSource), txt(r.document),
			txt(r.status), b.moneyCell(st.amount, r.amount), txt(r.note)}); err != nil {
			return err
		}
	}
	t.end = t.row
	var pool allocation.Fen
	for _, e := range p.Pool {
		pool += e.Total
	}
	amountCol := 12
	blank := func(label string) []xcell {
		r := []xcell{blankCell(st.bold), textCell(st.bold, label)}
		for range amountCol - 3 {
			r = append(r, blankCell(st.bold))
		}
		return r
	}
	tr := t.row + 1
	last := max(t.end, 2)
	// The Pool sheet's total row is below its categories.
	poolTotal := fmt.Sprintf("%s!%s", quoteSheet(poolSheet), cell(plTotal, len(p.Categories)+2))
	for _, r := range [][]xcell{
		append(blank(b.l.t("row.total")), b.moneyCell(st.boldAmount, total).withFormula(fmt.Sprintf("SUM(%s:%s)", cell(amountCol, 2), cell(amountCol, last)))),
		append(blank(b.l.t("row.budgettotal")), b.moneyCell(st.boldAmount, pool).withFormula(poolTotal)),
		append(blank(b.l.t("row.check")), intCell(st.check, 0).withFormula(b.check(fmt.Sprintf("%s-%s", cell(amountCol, tr), cell(amountCol, tr+1))))),
	} {
		t.row++
		t.sx.row(t.row, r)
	}
	t.sx.tail.conditional = append(t.sx.tail.conditional, b.checkRule(cell(amountCol, t.row)))
	t.sign()
	return t.finish()
}
