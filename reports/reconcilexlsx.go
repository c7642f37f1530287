package reports

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"fundalloc/allocation"
	"fundalloc/reports/msg"
)

// Detail sheet columns.
const (
	dtUnit = iota + 1
	dtName
	dtTier
	dtStation
	dtCatName
	dtCat
	dtAnnual
	dtPlan
	dtActual
	dtVariance
	dtRemaining
	dtRate
	dtFlags
	dtStatus
)

// Exceptions sheet columns.
const (
	exVoucher = iota + 1
	exFile
	exSheet
	exRow
	exFlag // the exception in words
	exMessage
)

// unitIndex finds units of the units file by code and their station.
type unitIndex struct {
	units   []allocation.Unit
	byCode  map[string]int
	station map[string]string // unit code → its station's code ("" for the hub)
}

func newUnitIndex(units []allocation.Unit) *unitIndex {
	x := &unitIndex{units: units, byCode: make(map[string]int, len(units)), station: make(map[string]string, len(units))}
	for i, u := range units {
		x.byCode[u.Code] = i
		switch u.Tier {
		case allocation.Station:
			x.station[u.Code] = u.Code
		case allocation.Room:
			x.station[u.Code] = u.Parent
		}
	}
	return x
}

// order returns the rows in sheet order: the hub's, then each station's
// followed by its rooms', then units the units file does not know.
//
// It keeps each unit's stretch of rows by the unit's index, not in a map by
// code, and takes the stretches left in their order: for a national
// reconciliation's 4 million rows, filling the map and asking it once per
// row for the rows left took 1.4 s.
func (x *unitIndex) order(rows []allocation.Row) []int {
	// Rows come sorted by unit: each unit's rows are one stretch.
	type stretch struct {
		from, to int
		done     bool
	}
	stretches := make([]stretch, 0, len(x.units))
	at := make([]int32, len(x.units)) // by the index its code has in byCode: 1 + its stretch, 0 for none
	for i := 0; i < len(rows); {
		j := i + 1
		for j < len(rows) && rows[j].Unit == rows[i].Unit {
			j++
		}
		if k, ok := x.byCode[rows[i].Unit]; ok {
			at[k] = int32(len(stretches) + 1)
		}
		stretches = append(stretches, stretch{from: i, to: j})
		i = j
	}
	out := make([]int, 0, len(rows))
	take := func(s *stretch) {
		for i := s.from; i < s.to; i++ {
			out = append(out, i)
		}
		s.done = true
	}
	for _, u := range sheetOrder(x.units) {
		if s := at[x.byCode[x.units[u].Code]]; s > 0 && !stretches[s-1].done {
			take(&stretches[s-1])
		}
	}
	for s := range stretches { // codes only the budget or a ledger knows
		if !stretches[s].done {
			take(&stretches[s])
		}
	}
	return out
}

// unitInfo is what a row shows of its unit.
type unitInfo struct {
	name, tier, station string
	room                bool
}

// unitCursor looks units up for rows that come unit by unit, remembering
// the last one: millions of rows, one lookup per unit.
type unitCursor struct {
	b     *book
	x     *unitIndex
	code  string
	info  unitInfo
	ok    bool
	tiers [len(tierNames) + 1]string // the tiers' labels, the last for unknown units; "" until looked up
}

// tierNames counts the tiers a unit may have.
var tierNames = [...]allocation.Tier{allocation.Hub, allocation.Station, allocation.Room}

// get is what the rows of unit code show of it: its name, its tier's label
// ("tier.unknown" for a code the units file does not know) and its
// station, with one lookup of the code and each tier's label looked up once.
func (c *unitCursor) get(code string) unitInfo {
	if c.ok && code == c.code {
		return c.info
	}
	c.code, c.ok = code, true
	c.info = unitInfo{station: c.x.station[code]}
	i, known := c.x.byCode[code]
	if !known {
		c.info.tier = c.tier(len(tierNames), func() string { return c.b.l.t("tier.unknown") })
		return c.info
	}
	u := &c.x.units[i]
	c.info.name, c.info.room = u.Name, u.Tier == allocation.Room
	if int(u.Tier) < len(tierNames) {
		c.info.tier = c.tier(int(u.Tier), func() string { return c.b.l.t("tier." + u.Tier.String()) })
	} else {
		c.info.tier = c.b.l.t("tier." + u.Tier.String())
	}
	return c.info
}

// tier is the label memoized at k, looked up the first time.
func (c *unitCursor) tier(k int, label func() string) string {
	if c.tiers[k] == "" {
		c.tiers[k] = label()
	}
	return c.tiers[k]
}

// WriteReconcileWorkbook writes reconcile-<YYYY-MM>.xlsx: Summary (totals,
// counts of each flag and exception, vouchers dated after the month, and a
// chart of the execution rate per station), Detail (unit × category with
// flagged rows highlighted, rooms grouped under their station), Exceptions,
// Ledger (every voucher read, with its file and row) and Notes (the
// program, the configuration, the input files with their SHA-256). Flags
// and exceptions are written in words; every sheet prints on A4 with the
// title in its page header (DESIGN §7.1).
func WriteReconcileWorkbook(ctx context.Context, w io.Writer, rc *Reconciliation) error {
	for _, r := range rc.Rows {
		for _, v := range []allocation.Fen{r.Annual, r.Actual, r.PlanToDate} {
			if err := checkMoney(v); err != nil {
				return err
			}
		}
	}
	b, err := newBook(ctx, rc.Language, rc.TempDir, rc.Document)
	if err != nil {
		return err
	}
	defer b.close()
	l := b.l
	b.title = l.t("rc.title", b.cityArg(), rc.Year, rc.MonthNum)
	summary, notes := l.t("sheet.summary"), l.t("sheet.notes")
	detail := b.sheetsFor(l.t("sheet.detail"), len(rc.Rows))
	excs := b.sheetsFor(l.t("sheet.exceptions"), len(rc.Ledger.Exceptions))
	ledger := b.sheetsFor(l.t("sheet.ledger"), rc.Counts.Read)
	if rc.DetailCSV != "" {
		detail = detail[:1]
	}
	if rc.LedgerCSV != "" {
		ledger = ledger[:1]
	}
	if err := b.f.SetSheetName("Sheet1", summary); err != nil {
		return err
	}
	for _, group := range [][]string{detail, excs, ledger, {notes}} {
		for _, name := range group {
			if _, err := b.f.NewSheet(name); err != nil {
				return err
			}
		}
	}
	units := rc.unitIndex()
	flagged, err := b.flagFills()
	if err != nil {
		return err
	}
	dateFmt := "yyyy-mm-dd"
	if b.dateStyle, err = b.f.NewStyle(&excelize.Style{Font: &excelize.Font{Family: fontFamily, Size: 10}, Border: thinBorder,
		CustomNumFmt: &dateFmt, Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "top"}}); err != nil {
		return err
	}
	var dt, ex, lt *table
	err = parallel(
		func() (err error) {
			if rc.DetailCSV != "" {
				dt = &table{}
				return b.writeNote(detail[0], l.t("rc.companion", len(rc.Rows), rc.DetailCSV))
			}
			dt, err = b.writeDetail(rc, units, detail, flagged)
			return err
		},
		func() (err error) {
			if rc.LedgerCSV != "" {
				return b.writeNote(ledger[0], l.t("rc.companion", rc.Counts.Read, rc.LedgerCSV))
			}
			lt, err = b.writeLedger(rc, ledger)
			return err
		},
		func() (err error) { ex, err = b.writeExceptions(rc, excs); return err },
		func() error { return b.writeReconcileNotes(rc, notes) },
	)
	if err != nil {
		return err
	}
	if err := b.writeReconcileSummary(rc, units, summary, dt, ex, lt); err != nil {
		return err
	}
	stamp := rc.RunDate + "T00:00:00Z"
	if _, err := time.Parse("2006-01-02", rc.RunDate); err != nil {
		return fmt.Errorf("reports: run date %q", rc.RunDate)
	}
	if err := b.f.SetDocProps(&excelize.DocProperties{
		Title: b.title, Subject: b.title,
		Creator: "fundalloc", LastModifiedBy: "fundalloc", Created: stamp, Modified: stamp,
		Description: "fundalloc reconcile " + rc.Month + "; budget: " + rc.Budget + "; inputs: " + inputList(rc.Inputs),
		Keywords:    "fundalloc reconcile " + rc.Month, Category: "reconciliation", Version: "1", Revision: "1",
	}); err != nil {
		return err
	}
	return b.save(w)
}

func (b *book) unitName(units *unitIndex, code string) string {
	if i, ok := units.byCode[code]; ok {
		return units.units[i].Name
	}
	return ""
}

// detailColumns are the columns of the Detail table, in the workbook and
// in its companion CSV.
func (b *book) detailColumns() []column {
	l, st := b.l, b.style
	money := b.amountHeader
	return []column{
		{header: l.t("col.unit"), style: st.text}, {header: l.t("col.unitname"), style: st.text},
		{header: l.t("col.tier"), style: st.text}, {header: l.t("col.station"), style: st.text},
		{header: l.t("col.category"), style: st.text}, {header: l.t("col.catcode"), style: st.text},
		{header: money(l.t("col.annual")), style: st.amount, width: 15}, {header: money(l.t("col.plan")), style: st.amount, width: 15},
		{header: money(l.t("col.actual")), style: st.amount, width: 15}, {header: money(l.t("col.variance")), style: st.amount, width: 15},
		{header: money(l.t("col.remaining")), style: st.amount, width: 15},
		{header: l.t("col.rate"), style: st.pct, width: 10}, {header: l.t("col.flags"), style: st.text, width: 22},
		{header: l.t("col.rcstatus"), style: st.text, width: 12},
	}
}

// ledgerColumns are the columns of the Ledger table, in the workbook and
// in its companion CSV.
func (b *book) ledgerColumns() []column {
	l, st := b.l, b.style
	return []column{
		{header: l.t("col.voucher"), style: st.text, width: 18}, {header: l.t("col.date"), style: b.dateStyle, width: 12},
		{header: l.t("col.unit"), style: st.text, width: 12}, {header: l.t("col.category"), style: st.text, width: 18},
		{header: b.amountHeader(l.t("col.amount")), style: st.amount, width: 14}, {header: l.t("col.description"), style: st.text, width: 30},
		{header: l.t("col.file"), style: st.text}, {header: l.t("col.sheet"), style: st.text},
		{header: l.t("col.row"), style: st.int}, {header: l.t("col.counted"), style: st.text},
	}
}

// headers returns the columns' headers, as a CSV record.
func headers(cols []column) []any {
	h := make([]any, len(cols))
	for i, c := range cols {
		h[i] = c.header
	}
	return h
}

func (b *book) writeDetail(rc *Reconciliation, units *unitIndex, names []string, fills [len(allocation.BySeverity)]int) (*table, error) {
	cols := b.detailColumns()
	for i, r := range rc.Rows {
		if i > 5000 {
			break
		}
		cols[0].fit(r.Unit)
		cols[1].fit(b.unitName(units, r.Unit))
	}
	for c := range rc.Categories {
		cols[4].fit(b.catName(rc.Categories, c))
		cols[5].fit(rc.Categories[c].Code)
	}
	for _, f := range []allocation.Flags{allocation.FlagOverspend | allocation.FlagAhead, allocation.FlagMisuse} {
		cols[dtFlags-1].fit(b.flagWords(f))
	}
	cols[dtStatus-1].fit(b.l.t("status.reprocure"))
	// A fill per flag (DESIGN §8.1): a row takes its worst flag's, which
	// its flags cell names first.
	highlight := func(last int) []conditional {
		var out []conditional
		for i, f := range allocation.BySeverity {
			word := b.l.t("flag." + f.Name())
			out = append(out, conditional{sqref: "A2:" + cell(dtStatus, last),
				formula: fmt.Sprintf(`LEFT($%s2,%d)="%s"`, msg.ColumnName(dtFlags), len([]rune(word)), word), dxf: fills[i]})
		}
		return out
	}
	order := units.order(rc.Rows)
	return b.writeTable(names, cols, layout{landscape: true, outline: true, conditional: highlight}, len(order), func(t *table, from, to int) error {
		return b.detailRows(t, rc, units, order[from:to])
	})
}

// detailRows writes the Detail rows of the given rows, by index.
func (b *book) detailRows(t *table, rc *Reconciliation, units *unitIndex, order []int) error {
	st := b.style
	row := make([]xcell, len(t.cols))
	cur := unitCursor{b: b, x: units}
	for _, i := range order {
		r := &rc.Rows[i]
		u := cur.get(r.Unit)
		n := t.row + 1
		rate := textCell(st.pct, "")
		if r.Rate.Valid() {
			v, _ := strconv.ParseFloat(r.Rate.String(), 64) // a ratio, not money
			rate = floatCell(st.pct, v)
		}
		rate = rate.withFormula(fmt.Sprintf(`IF(%s=0,"",%s/%s)`, cell(dtPlan, n), cell(dtActual, n), cell(dtPlan, n)))
		row[0] = textCell(st.text, r.Unit)
		row[1] = textCell(st.text, u.name)
		row[2] = textCell(st.text, u.tier)
		row[3] = textCell(st.text, u.station)
		row[4] = textCell(st.text, b.catName(rc.Categories, int(r.Category)))
		row[5] = textCell(st.text, rc.Categories[r.Category].Code)
		row[6] = b.moneyCell(st.amount, r.Annual)
		row[7] = b.moneyCell(st.amount, r.PlanToDate)
		row[8] = b.moneyCell(st.amount, r.Actual)
		row[9] = b.moneyCell(st.amount, r.Variance).withFormula(fmt.Sprintf("%s-%s", cell(dtActual, n), cell(dtPlan, n)))
		row[10] = b.moneyCell(st.amount, r.Remaining()).withFormula(fmt.Sprintf("%s-%s", cell(dtAnnual, n), cell(dtActual, n)))
		row[11] = rate
		row[12] = textCell(st.text, b.flagWords(r.Flags))
		row[13] = textCell(st.text, b.statusWord(r))
		var opts excelize.RowOpts
		if u.room {
			opts.OutlineLevel = 1
		}
		if err := t.add(row, opts); err != nil {
			return err
		}
	}
	return nil
}

func (b *book) writeExceptions(rc *Reconciliation, names []string) (*table, error) {
	l, st := b.l, b.style
	cols := []column{
		{header: l.t("col.voucher"), style: st.text}, {header: l.t("col.file"), style: st.text},
		{header: l.t("col.sheet"), style: st.text}, {header: l.t("col.row"), style: st.int},
		{header: l.t("col.flag"), style: st.text}, {header: l.t("col.message"), style: st.text},
	}
	for i := range rc.Ledger.Exceptions {
		if i > 5000 {
			break
		}
		e := &rc.Ledger.Exceptions[i]
		cols[0].fit(e.Voucher)
		cols[1].fit(e.File)
		cols[2].fit(e.Sheet)
		cols[4].fit(l.t("exc." + e.Kind.Name()))
		cols[5].fit(b.exceptionText(e))
	}
	cols[5].width = min(cols[5].width, 80)
	t, err := b.newTable(names, cols, layout{landscape: true, noMoney: true})
	if err != nil {
		return nil, err
	}
	for i := range rc.Ledger.Exceptions {
		e := &rc.Ledger.Exceptions[i]
		text := b.exceptionText(e)
		if err := t.add([]xcell{
			textCell(st.text, e.Voucher),
			textCell(st.text, e.File),
			textCell(st.text, e.Sheet),
			intCell(st.int, e.Row),
			textCell(st.text, l.t("exc."+e.Kind.Name())),
			textCell(st.wrap, text),
		}, wrapped(text, cols[5].width)); err != nil {
			return nil, err
		}
	}
	return t, t.finish()
}

// Ledger sheet columns: those the Summary's check refers to.
const (
	lgAmount = 5
	lgStatus = 10
)

// writeLedger lists every voucher read, with its file, row and whether it
// was counted, by date then voucher number (DESIGN §8.1), dates as date
// cells. The caller's listing reads the vouchers' texts.
func (b *book) writeLedger(rc *Reconciliation, names []string) (*table, error) {
	l, lg := b.l, rc.Ledger
	cols := b.ledgerColumns()
	for i, f := range lg.Files {
		cols[6].fit(f)
		cols[7].fit(lg.Sheets[i])
	}
	cols[9].fit(l.t("status.after"))
	vouchers, err := sortedVouchers(lg.List)
	if err != nil {
		return nil, err
	}
	t, err := b.newTable(names, cols, layout{landscape: true})
	if err != nil {
		return nil, err
	}
	row := make([]xcell, len(cols))
	for i := range vouchers {
		if err := t.add(b.ledgerRow(row, rc, &vouchers[i])); err != nil {
			return nil, err
		}
	}
	return t, t.finish()
}

// ledgerRow fills row with a voucher's Ledger cells.
func (b *book) ledgerRow(row []xcell, rc *Reconciliation, v *LedgerVoucher) []xcell {
	st, lg := b.style, rc.Ledger
	amount := b.moneyCell(st.amount, v.Amount)
	if v.AmountText != "" {
		amount = textCell(st.text, v.AmountText)
	}
	date := textCell(st.text, v.Date)
	if serial, bad := dateSerial(v.Date); !bad {
		date = intCell(b.dateStyle, serial)
	}
	row[0] = textCell(st.text, v.Voucher)
	row[1] = date
	row[2] = textCell(st.text, v.Unit)
	row[3] = textCell(st.text, v.Category)
	row[4] = amount
	row[5] = textCell(st.text, v.Description)
	row[6] = textCell(st.text, lg.Files[v.File])
	row[7] = textCell(st.text, lg.Sheets[v.File])
	row[8] = intCell(st.int, v.Row)
	row[9] = textCell(st.text, b.ledgerStatus(rc, v))
	return row
}

// ledgerStatus says whether a voucher was counted, and why not: its
// exceptions in words.
func (b *book) ledgerStatus(rc *Reconciliation, v *LedgerVoucher) string {
	switch {
	case v.Exceptions != 0:
		names := v.Exceptions.List()
		words := make([]string, len(names))
		for i, k := range names {
			words[i] = b.l.t("exc." + k)
		}
		return strings.Join(words, b.l.t("sep"))
	case v.Month > rc.MonthNum:
		return b.l.t("status.after")
	}
	return b.l.t("status.counted")
}

// statusWord is a Detail row's status: 待重新采购 for a reserved budget.
func (b *book) statusWord(r *allocation.Row) string {
	if r.Reserved {
		return b.l.t("status.reprocure")
	}
	return ""
}

// flagFills makes the Detail's fill per flag, in allocation.BySeverity
// order: red, purple, amber, blue, each with a darker font of its hue.
func (b *book) flagFills() (out [len(allocation.BySeverity)]int, err error) {
	colours := [...][2]string{{"F4B6B6", "9C0006"}, {"D9C3E9", "5B2C83"}, {"FFE699", "7F6000"}, {"BDD7EE", "1F4E79"}}
	for i, c := range colours {
		if out[i], err = b.f.NewConditionalStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{c[0]}},
			Font: &excelize.Font{Color: c[1]}}); err != nil {
			return out, err
		}
	}
	return out, nil
}

// flagWords names a row's flags in words, worst first: 超预算、超进度.
func (b *book) flagWords(f allocation.Flags) string {
	names := f.List()
	words := make([]string, len(names))
	for i, n := range names {
		words[i] = b.l.t("flag." + n)
	}
	return strings.Join(words, b.l.t("sep"))
}

// exceptionText is an exception's message as the workbook shows it.
func (b *book) exceptionText(e *allocation.Exception) string {
	return msg.Localize(e.Why, msg.Lang(b.l))
}

// phasing says how the annual budget is phased over the months: 平均分配,
// or the twelve monthly percentages.
func (b *book) phasing(profile []allocation.Ratio) string {
	if len(profile) == 0 {
		return b.l.t("phasing.even")
	}
	parts := make([]string, len(profile))
	for i, p := range profile {
		parts[i] = p.String()
	}
	return b.l.t("phasing.profile", strings.Join(parts, " / "))
}

func (b *book) writeReconcileSummary(rc *Reconciliation, units *unitIndex, sh string, dt, ex, lt *table) error {
	l, st := b.l, b.style
	var g grid
	txt := func(v string) xcell { return textCell(st.text, v) }
	bold := func(v string) xcell { return textCell(st.bold, v) }
	head := func(v string) xcell { return textCell(st.header, v) }
	title := func(v string) xcell { return textCell(st.title, v) }
	money := b.amountHeader
	g.add(title(b.title))
	g.skip(1)
	g.add(bold(l.t("summary.year")), intCell(st.text, rc.Year))
	g.add(bold(l.t("rc.month")), txt(rc.Month))
	note := l.t("rc.recomputed")
	switch v := rc.BudgetOfRecord; {
	case v != nil:
		note = l.t("rc.budgetversion", v.Version, v.DocNo, v.Approved)
	case rc.Budget != "recomputed":
		note = l.t("rc.budgetfile", rc.Budget)
	}
	g.add(bold(l.t("rc.budget")), txt(note))
	g.add(bold(l.t("summary.rundate")), txt(rc.RunDate))
	g.add(bold(l.t("summary.unit")), txt(b.unitNote()))
	g.add(bold(l.t("rc.phasing")), txt(b.phasing(rc.Phasing)))
	g.add(bold(l.t("rc.tolerance")), txt(decimals(rc.Tolerance.String(), 2)))
	g.add(bold(l.t("rc.behind")), txt(decimals(rc.Behind.String(), 2)))
	g.skip(1)

	// Totals, by formula over Detail.
	var annual, plan, actual allocation.Fen
	for _, r := range rc.Rows {
		annual += r.Annual
		plan += r.PlanToDate
		actual += r.Actual
	}
	// With the Detail in a companion CSV, dt has no sheets to sum over:
	// the totals and counts are values.
	g.add(title(l.t("rc.totals")))
	g.add(head(money(l.t("col.annual"))), head(money(l.t("col.plan"))), head(money(l.t("col.actual"))), head(money(l.t("col.variance"))), head(l.t("col.rate")))
	tr := g.next()
	rateCell := textCell(st.pct, "").withFormula(fmt.Sprintf(`IF(B%d=0,"",C%d/B%d)`, tr, tr, tr))
	if plan != 0 {
		rateCell = floatCell(st.pct, ratioFloat(actual, plan)).withFormula(rateCell.formula)
	}
	g.add(b.moneyCell(st.boldAmount, annual).withFormula(dt.sum(dtAnnual)),
		b.moneyCell(st.boldAmount, plan).withFormula(dt.sum(dtPlan)),
		b.moneyCell(st.boldAmount, actual).withFormula(dt.sum(dtActual)),
		b.moneyCell(st.boldAmount, actual-plan).withFormula(fmt.Sprintf("C%d-B%d", tr, tr)),
		rateCell)
	// The check: every counted voucher of the Ledger is in the actual to
	// date, and nothing else is.
	if lt != nil && len(dt.names) > 0 {
		r := g.add(textCell(st.bold, l.t("rc.check")), xcell{},
			intCell(st.check, 0).withFormula(b.check(fmt.Sprintf("C%d-(%s)", tr, lt.sumIfs(lgAmount, lgStatus, l.t("status.counted"))))))
		g.conditional = append(g.conditional, b.checkRule(cell(3, r)))
	}
	if b.doc.Unit == UnitWan {
		g.add(textCell(st.note, l.t("unit.rounding")))
	}
	g.skip(1)
	b.writeProblems(&g, rc)
	g.skip(1)
	g.add(b.signatures())
	g.skip(1)

	// Counts of flags and exceptions, each in words.
	g.add(title(l.t("rc.flags")))
	g.add(head(l.t("col.flag1")), head(l.t("rc.count")))
	for _, f := range allocation.BySeverity {
		flag := f.Name()
		n := 0
		for _, r := range rc.Rows {
			if r.Flags&f != 0 {
				n++
			}
		}
		word := l.t("flag." + flag)
		g.add(txt(word), intCell(st.int, n).withFormula(dt.countIf(dtFlags, "*"+word+"*")))
	}
	g.skip(1)
	g.add(title(l.t("rc.exceptions")))
	g.add(head(l.t("col.flag")), head(l.t("rc.count")))
	for _, kind := range allocation.ExceptionOrder {
		n := 0
		for _, e := range rc.Ledger.Exceptions {
			if e.Kind == kind {
				n++
			}
		}
		word := l.t("exc." + kind.Name())
		g.add(txt(word), intCell(st.int, n).withFormula(ex.countIf(exFlag, word)))
	}
	g.skip(1)
	c := rc.Counts
	g.add(title(l.t("rc.vouchers")))
	g.add(txt(l.t("rc.read")), intCell(st.int, c.Read))
	g.add(txt(l.t("rc.counted")), intCell(st.int, c.Counted))
	g.add(txt(l.t("rc.excepted")), intCell(st.int, c.Excepted))
	g.add(txt(l.t("rc.after")), intCell(st.int, c.After))
	if len(rc.Warnings) > 0 {
		g.skip(1)
		g.add(title(l.t("rc.warnings")))
		for _, w := range rc.Warnings {
			g.add(txt(w.Localize(msg.Lang(l))))
		}
	}
	g.skip(1)

	// A roll-up per station (its rows and its rooms') and for the hub.
	g.add(title(l.t("rc.stations")))
	hdr := g.add(head(l.t("col.name")), head(l.t("col.code")), head(money(l.t("col.annual"))), head(money(l.t("col.plan"))),
		head(money(l.t("col.actual"))), head(money(l.t("col.remaining"))), head(l.t("col.rate")), head(l.t("col.worst")), head(l.t("col.flagged")))
	useFormulas := len(rc.Rows) <= 200_000 && len(dt.names) > 0
	first := 0
	for _, s := range rc.Stations {
		r := g.next()
		annual := b.moneyCell(st.amount, s.Annual)
		plan := b.moneyCell(st.amount, s.PlanToDate)
		actual := b.moneyCell(st.amount, s.Actual)
		isHub := units.station[s.Unit] == ""
		if useFormulas && !isHub {
			annual.formula = dt.sumIfs(dtAnnual, dtStation, s.Unit)
			plan.formula = dt.sumIfs(dtPlan, dtStation, s.Unit)
			actual.formula = dt.sumIfs(dtActual, dtStation, s.Unit)
		}
		if !isHub && first == 0 {
			first = r
		}
		rate := textCell(st.pct, "").withFormula(fmt.Sprintf(`IF(D%d=0,"",E%d/D%d)`, r, r, r))
		if s.Rate.Valid() {
			v, _ := strconv.ParseFloat(s.Rate.String(), 64) // a ratio, not money
			rate = floatCell(st.pct, v).withFormula(rate.formula)
		}
		worst := ""
		if s.Worst != 0 {
			worst = l.t("flag." + s.Worst.Name())
		}
		g.add(txt(b.unitName(units, s.Unit)), txt(s.Unit), annual, plan, actual,
			b.moneyCell(st.amount, s.Remaining()).withFormula(fmt.Sprintf("C%d-E%d", r, r)),
			rate, txt(worst), intCell(st.int, s.Flagged))
	}
	last := g.next() - 1
	g.skip(1)
	widths := []float64{30, 16, 16, 16, 16, 16, 10, 14, 9}
	width, err := b.gridWidths(sh, widths)
	if err != nil {
		return err
	}
	chartRow := g.next()
	if first > 0 {
		if err := b.addChart(sh, cell(1, chartRow), chart{typ: excelize.Col, title: l.t("rc.chart"), axis: l.t("col.rate"), labels: "A", values: "G",
			valueFormat: "0%", hdr: hdr, first: first, last: min(last, first+99), width: width, height: 400}); err != nil {
			return err
		}
	}
	return b.writeGrid(sh, &g, sheetSetup{widths: widths, page: b.page(false, true), breaks: []int{chartRow}, drawing: first > 0})
}

// writeProblems writes the first 20 problems on the Summary, worst first,
// each under its flag in words and with its sentence (DESIGN §8.1).
func (b *book) writeProblems(g *grid, rc *Reconciliation) {
	l, st := b.l, b.style
	g.add(textCell(st.title, l.t("rc.problems", min(20, len(rc.Problems)), len(rc.Problems))))
	if len(rc.Problems) == 0 {
		g.add(textCell(st.text, l.t("rc.noproblems")))
		return
	}
	for i, p := range rc.Problems[:min(20, len(rc.Problems))] {
		g.add(textCell(st.bold, fmt.Sprintf("%d. %s", i+1, l.t("flag."+p.Flag.Name()))),
			textCell(0, rc.problemText(i, msg.Lang(l))))
	}
}

// writeReconcileNotes writes the notes sheet (说明) at the end: what the
// document is, who wrote it with what, from which configuration, budget of
// record and input files (with their SHA-256).
func (b *book) writeReconcileNotes(rc *Reconciliation, sheet string) error {
	var g grid
	b.notesHead(&g, rc.RunDate, rc.Program, rc.Config)
	budget := b.l.t("rc.recomputed")
	switch v := rc.BudgetOfRecord; {
	case v != nil:
		budget = b.l.t("rc.budgetversion", v.Version, v.DocNo, v.Approved) + " " + v.Path
	case rc.Budget != "recomputed":
		budget = rc.Budget
	}
	g.add(textCell(b.style.bold, b.l.t("notes.budget")), textCell(b.style.wrap, budget))
	b.notesInputs(&g, rc.Inputs)
	return b.writeGrid(sheet, &g, sheetSetup{widths: []float64{22, 90}, page: b.page(false, false)})
}

// ratioFloat is a ÷ b for display as a percentage; not money.
func ratioFloat(a, b allocation.Fen) float64 { return float64(a) / float64(b) }

// writeNote writes a sheet that holds one line of text.
func (b *book) writeNote(sheet, note string) error {
	var g grid
	g.add(textCell(b.style.title, note))
	return b.writeGrid(sheet, &g, sheetSetup{widths: []float64{120}, page: b.page(true, false)})
}

// SheetRows is how many data rows one sheet holds, below its header.
const SheetRows = excelize.TotalRows - 1

// WriteReconcileDetailCSV writes the Detail table as a CSV file (UTF-8 with
// a byte-order mark, which Excel and WPS need to read it as UTF-8), for when
// it has more rows than a worksheet holds; Reconciliation.DetailCSV then
// names it in the workbook.
func WriteReconcileDetailCSV(w io.Writer, rc *Reconciliation) error {
	b := &book{l: langOf(rc.Language)} // labels only
	units := rc.unitIndex()
	cw := newCSVWriter(w)
	cw.row(headers(b.detailColumns())...)
	cur := unitCursor{b: b, x: units}
	// Flags come in 16 sets: each set's words are looked up once, not once
	// for each of millions of rows.
	var flagWords [16]*string
	words := func(f allocation.Flags) string {
		if flagWords[f&15] == nil {
			w := b.flagWords(f & 15)
			flagWords[f&15] = &w
		}
		return *flagWords[f&15]
	}
	for _, i := range units.order(rc.Rows) {
		r := &rc.Rows[i]
		u := cur.get(r.Unit)
		cw.row(r.Unit, u.name, u.tier, u.station, b.catName(rc.Categories, int(r.Category)),
			rc.Categories[r.Category].Code, r.Annual, r.PlanToDate, r.Actual, r.Variance, r.Remaining(), r.Rate, words(r.Flags), b.statusWord(r))
		if cw.err != nil {
			return cw.err // the writer stopped: a full disk, an interruption
		}
	}
	return cw.flush()
}

// WriteReconcileLedgerCSV writes the Ledger table (every voucher read) as a
// CSV file, like WriteReconcileDetailCSV, in the files' order: sorting
// millions of vouchers would hold them all in memory (DESIGN §8.1).
func WriteReconcileLedgerCSV(w io.Writer, rc *Reconciliation) error {
	b, lg := &book{l: langOf(rc.Language)}, rc.Ledger // labels only
	cw := newCSVWriter(w)
	cw.row(headers(b.ledgerColumns())...)
	for v, err := range lg.List {
		if err != nil {
			return err
		}
		var amount any = v.Amount
		if v.AmountText != "" {
			amount = v.AmountText
		}
		cw.row(v.Voucher, v.Date, v.Unit, v.Category, amount, v.Description, lg.Files[v.File], lg.Sheets[v.File], v.Row, b.ledgerStatus(rc, v))
		if cw.err != nil {
			return cw.err
		}
	}
	return cw.flush()
}

// unitIndex indexes the units once for every output written from rc, even
// when they are written at the same time.
func (rc *Reconciliation) unitIndex() *unitIndex {
	rc.indexOnce.Do(func() { rc.index = newUnitIndex(rc.Units) })
	return rc.index
}
