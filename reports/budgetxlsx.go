package reports

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"fundalloc/allocation"
	"fundalloc/reports/msg"
)

// Budget is everything the budget workbook shows.
type Budget struct {
	Year     int
	RunDate  time.Time
	Language string   // zh or en
	Document Document // the city, the display unit, the signature lines
	Program  Program  // what wrote the workbook, for the notes sheet
	// Config is the configuration file's path, or "" for the embedded
	// sample city's configuration.
	Config     string
	Plan       *allocation.Plan
	Categories []allocation.Category
	Funds      *allocation.FundRecords
	Inputs     []allocation.FileHash
	Rules      allocation.Rules // the stage parameters the plan was computed with
	TempDir    string           // for temporary files: the output folder; "" for the system's
	// Prior sets the plan against last year's budget (prior_budget), named
	// PriorName: the Summary and Allocation sheets then show 上年预算,
	// 增减额 and 增减率. nil without one.
	Prior     *allocation.Prior
	PriorName string
	// Indicators are the plan's lines split by source (DESIGN §12), as
	// allocation.Indicators gives them; Funds' lines are their fund lines.
	Indicators *allocation.IndicatorTable
}

// Contract decisions (DESIGN §8).
const (
	FirstContract = "new" // 新签: a new operator, or one whose contract year is not known
	Renew         = "renew"
	Reprocure     = "re-procure"
)

var decisionLabel = map[string]string{FirstContract: "decision.new", Renew: "decision.renew", Reprocure: "decision.reprocure"}

// Decision returns the contract decision for an operator and the label key
// of its reason (DESIGN §8): unqualified → re-procure; contract year 3 → a
// new cycle is procured; a new grade or no contract year → a first
// contract (新签); otherwise renew.
func Decision(u *allocation.Unit) (decision, reason string) {
	switch {
	case u.Grade == allocation.Unqualified:
		return Reprocure, "reason.unqualified"
	case u.ContractYear == 3:
		return Reprocure, "reason.cycle"
	case u.Grade == allocation.New:
		return FirstContract, "reason.newgrade"
	case u.ContractYear == 0:
		return FirstContract, "reason.noyear"
	default:
		return Renew, "reason.renew"
	}
}

// budgetSheets are the sheets of the budget workbook, by key.
type budgetSheets struct {
	summary, notes, indicators                   string // indicators: "" when they do not fit a sheet
	sources, pool, alloc, lines, contr, warnings []string
}

// cityArg is the city as a title's first argument: it leads a Chinese
// title (神木市2026年度…) and ends an English one ("…, 神木市").
func (b *book) cityArg() string {
	switch {
	case b.doc.City == "":
		return ""
	case b.l == en:
		return ", " + b.doc.City
	}
	return b.doc.City
}

// WriteBudgetWorkbook writes budget-<year>.xlsx (DESIGN §7): Summary, Sources,
// Pool, Allocation, Lines, 预算指标 (Indicators), 政府购买服务 (Purchase of
// services), Warnings and Notes. Totals are live
// formulas that carry their cached values; check cells show 0 when the
// formulas agree with the pool. Every sheet prints on A4 with the title in
// its page header and numbered pages (DESIGN §7.1). The same inputs and
// run date give the same cell contents.
func WriteBudgetWorkbook(ctx context.Context, w io.Writer, bb *Budget) error {
	p := bb.Plan
	for _, l := range p.Lines {
		if err := checkMoney(l.Amount); err != nil {
			return err
		}
	}
	for _, e := range p.Pool {
		if err := checkMoney(e.Total); err != nil {
			return err
		}
	}
	b, err := newBook(ctx, bb.Language, bb.TempDir, bb.Document)
	if err != nil {
		return err
	}
	defer b.close()
	l := b.l
	b.title = l.t("title.budget", b.cityArg(), bb.Year)
	matrix := newMatrix(p)
	s := budgetSheets{summary: l.t("sheet.summary"), notes: l.t("sheet.notes")}
	s.sources = b.sheetsFor(l.t("sheet.sources"), len(bb.Funds.Lines))
	s.pool = []string{l.t("sheet.pool")}
	closed := 0
	if bb.Prior != nil {
		closed = len(bb.Prior.Closed)
	}
	s.alloc = b.sheetsFor(l.t("sheet.allocation"), len(p.Units)+closed+4)
	s.lines = b.sheetsFor(l.t("sheet.lines"), len(p.Lines))
	if bb.Indicators != nil && indicatorsFit(bb) {
		s.indicators = l.t("sheet.indicators")
	}
	s.contr = b.sheetsFor(l.t("sheet.contracts"), 1+len(matrix.stations))
	s.warnings = b.sheetsFor(l.t("sheet.warnings"), len(p.Warnings))
	if err := b.f.SetSheetName("Sheet1", s.summary); err != nil {
		return err
	}
	for _, group := range [][]string{s.sources, s.pool, s.alloc, s.lines, {s.indicators}, s.contr, s.warnings, {s.notes}} {
		for _, name := range group {
			if name == "" {
				continue
			}
			if _, err := b.f.NewSheet(name); err != nil {
				return err
			}
		}
	}
	// The big tables are written (and compressed) in parallel; the Pool
	// and Summary sheets refer to them, so they come after.
	var src, lines *table
	err = parallel(
		func() (err error) { lines, err = b.writeLines(bb, s.lines); return err },
		func() (err error) { src, err = b.writeSources(bb, s.sources); return err },
		func() error { return b.writeAllocation(bb, matrix, s.alloc, s.pool[0]) },
		func() error { return b.writeContracts(bb, matrix, s.contr) },
		func() error {
			if s.indicators == "" {
				return nil
			}
			return b.writeIndicators(bb, s.indicators, s.pool[0])
		},
		func() error { return b.writeWarnings(bb, s.warnings) },
		func() error { return b.writeBudgetNotes(bb, s.notes) },
	)
	if err != nil {
		return err
	}
	if err := b.writePool(bb, s.pool[0], src, lines); err != nil {
		return err
	}
	if err := b.writeSummary(bb, matrix, s, lines); err != nil {
		return err
	}
	stamp := bb.RunDate.UTC().Format(time.RFC3339)
	if err := b.f.SetDocProps(&excelize.DocProperties{
		Title:          b.title,
		Subject:        b.title,
		Creator:        "fundalloc",
		LastModifiedBy: "fundalloc",
		Created:        stamp,
		Modified:       stamp,
		Description:    "fundalloc budget; inputs: " + inputList(bb.Inputs),
		Language:       map[lang]string{zh: "zh-CN", en: "en"}[l],
		Keywords:       fmt.Sprintf("fundalloc budget %d", bb.Year),
		Category:       "budget",
		Version:        "1",
		Revision:       "1",
	}); err != nil {
		return err
	}
	return b.save(w)
}

func inputList(in []allocation.FileHash) string {
	var parts []string
	for _, i := range in {
		parts = append(parts, i.Path+" "+i.SHA256)
	}
	return strings.Join(parts, "; ")
}

// matrix is the unit × category view of a plan, with the row order of the
// Allocation sheet: the hub, then each station followed by its rooms.
type matrix struct {
	amount   [][]allocation.Fen // by unit index, category
	order    []int              // unit indexes in sheet order
	station  []int32            // by unit index: its station (itself for a station), -1 for the hub
	stations []int              // station unit indexes by code
	group    []allocation.Fen   // by unit index: for a station, its own lines plus its rooms'
	catTotal []allocation.Fen
}

func newMatrix(p *allocation.Plan) *matrix {
	nc := len(p.Categories)
	m := &matrix{amount: make([][]allocation.Fen, len(p.Units)), order: sheetOrder(p.Units), station: make([]int32, len(p.Units)),
		group: make([]allocation.Fen, len(p.Units)), catTotal: make([]allocation.Fen, nc)}
	flat := make([]allocation.Fen, len(p.Units)*nc)
	for i := range m.amount {
		m.amount[i] = flat[i*nc : (i+1)*nc]
	}
	// A plan has one hub and every room under a station: the order starts
	// with the hub, and each room follows its station.
	m.station[m.order[0]] = -1
	for _, i := range m.order[1:] {
		if p.Units[i].Tier == allocation.Station {
			m.stations = append(m.stations, i)
		}
		m.station[i] = int32(m.stations[len(m.stations)-1])
	}
	for _, l := range p.Lines {
		m.amount[l.Unit][l.Category] += l.Amount
		m.catTotal[l.Category] += l.Amount
		if s := m.station[l.Unit]; s >= 0 {
			m.group[s] += l.Amount
		} else {
			m.group[l.Unit] += l.Amount
		}
	}
	return m
}

func (m *matrix) unitTotal(u int) allocation.Fen {
	var t allocation.Fen
	for _, a := range m.amount[u] {
		t += a
	}
	return t
}

// sourcesCols are the columns of the Sources sheet.
const (
	srcID = iota + 1
	srcCatName
	srcCat
	srcProvider
	srcDesc
	srcAmount
	srcUnit
	srcFile
	srcSheet
	srcRow
)

func (b *book) catName(cats []allocation.Category, c int) string {
	if b.l == en {
		return cats[c].En
	}
	return cats[c].Zh
}

func (b *book) writeSources(bb *Budget, names []string) (*table, error) {
	l, st := b.l, b.style
	cols := []column{
		{header: l.t("col.id"), style: st.text}, {header: l.t("col.category"), style: st.text},
		{header: l.t("col.catcode"), style: st.text}, {header: l.t("col.provider"), style: st.text},
		{header: l.t("col.description"), style: st.text}, {header: b.amountHeader(l.t("col.amount")), style: st.amount},
		{header: l.t("col.designatedunit"), style: st.text}, {header: l.t("col.file"), style: st.text},
		{header: l.t("col.sheet"), style: st.text}, {header: l.t("col.row"), style: st.int},
	}
	ft := bb.Funds
	for i := range ft.Lines {
		fl := &ft.Lines[i]
		cols[0].fit(fl.ID)
		cols[3].fit(fl.Provider)
		cols[4].fit(fl.Description)
		cols[5].fitAmount(b, fl.Amount)
		cols[6].fit(fl.Unit)
		if i > 2000 {
			break // widths from a sample are enough
		}
	}
	for _, f := range ft.Files {
		cols[7].fit(f)
	}
	for c := range bb.Categories {
		cols[1].fit(b.catName(bb.Categories, c))
		cols[2].fit(bb.Categories[c].Code)
	}
	return b.writeTable(names, cols, layout{landscape: true}, len(ft.Lines), func(t *table, from, to int) error {
		row := make([]xcell, len(cols))
		for i := from; i < to; i++ {
			fl := &ft.Lines[i]
			row[0] = textCell(st.text, fl.ID)
			row[1] = textCell(st.text, b.catName(bb.Categories, fl.Category))
			row[2] = textCell(st.text, bb.Categories[fl.Category].Code)
			row[3] = textCell(st.text, fl.Provider)
			row[4] = textCell(st.text, fl.Description)
			row[5] = b.moneyCell(st.amount, fl.Amount)
			row[6] = textCell(st.text, fl.Unit)
			row[7] = textCell(st.text, ft.Files[fl.File])
			row[8] = textCell(st.text, ft.Sheets[fl.File])
			row[9] = intCell(st.int, int(fl.Row))
			if err := t.add(row); err != nil {
				return err
			}
		}
		return nil
	})
}

// linesCols are the columns of the Lines sheet.
const (
	lnStage = iota + 1
	lnUnit
	lnUnitName
	lnTier
	lnStation
	lnCatName
	lnCat
	lnStatus
	lnDriver
	lnValue
	lnFactor
	lnWeight
	lnBasis
	lnAmount
)

func (b *book) writeLines(bb *Budget, names []string) (*table, error) {
	l, st, p := b.l, b.style, bb.Plan
	cols := []column{
		{header: l.t("col.stage"), style: st.text}, {header: l.t("col.unit"), style: st.text},
		{header: l.t("col.unitname"), style: st.text}, {header: l.t("col.tier"), style: st.text},
		{header: l.t("col.station"), style: st.text}, {header: l.t("col.category"), style: st.text},
		{header: l.t("col.catcode"), style: st.text}, {header: l.t("col.status"), style: st.text},
		{header: l.t("col.driver"), style: st.text}, {header: l.t("col.value"), style: st.decimal},
		{header: l.t("col.factor"), style: st.decimal}, {header: l.t("col.weight"), style: st.decimal},
		{header: l.t("col.basis"), style: st.text}, {header: b.amountHeader(l.t("col.amount")), style: st.amount},
	}
	if b.doc.Unit == UnitWan { // the sentences reckon in yuan, to the fen
		cols[12].header = l.t("col.basisyuan")
	}
	drivers := b.driverNames(p.Drivers)
	station := func(i int32) string {
		u := &p.Units[i]
		switch u.Tier {
		case allocation.Station:
			return u.Code
		case allocation.Room:
			return u.Parent
		}
		return ""
	}
	bw := b.newBasisWriter(bb, drivers)
	for i := range p.Lines {
		if i > 5000 {
			break
		}
		ln := &p.Lines[i]
		u := &p.Units[ln.Unit]
		cols[0].fit(l.t("stage." + ln.Stage.String()))
		cols[1].fit(u.Code)
		cols[2].fit(u.Name)
		cols[4].fit(station(ln.Unit))
		cols[12].fit(bw.line(ln))
		switch ln.Stage {
		case allocation.HubProject, allocation.Baseline, allocation.Pilot:
			cols[11].fitAmount(b, allocation.Fen(ln.Basis.Weight().Num))
		case allocation.Demand, allocation.Rooms:
			cols[9].fit(ln.Basis.Value().String())
			cols[11].fit(ln.Basis.Weight().String())
		}
		cols[13].fitAmount(b, ln.Amount)
	}
	cols[12].width = 80 // the longest sentences wrap onto a second line
	for c := range bb.Categories {
		cols[5].fit(b.catName(bb.Categories, c))
		cols[6].fit(bb.Categories[c].Code)
	}
	for _, d := range drivers {
		cols[8].fit(d)
	}
	// Labels looked up once, not per line.
	var stage [allocation.NumStages]string
	for i := range stage {
		stage[i] = l.t("stage." + allocation.Stage(i).String())
	}
	tier := [3]string{l.t("tier.hub"), l.t("tier.station"), l.t("tier.room")}
	status := [2]string{l.t("status.allocated"), l.t("status.reserved")}
	return b.writeTable(names, cols, layout{landscape: true}, len(p.Lines), func(t *table, from, to int) error {
		row := make([]xcell, len(cols))
		bw := b.newBasisWriter(bb, drivers) // one a goroutine
		for i := from; i < to; i++ {
			ln := &p.Lines[i]
			u := &p.Units[ln.Unit]
			row[0] = textCell(st.text, stage[ln.Stage])
			row[1] = textCell(st.text, u.Code)
			row[2] = textCell(st.text, u.Name)
			row[3] = textCell(st.text, tier[u.Tier])
			row[4] = textCell(st.text, station(ln.Unit))
			row[5] = textCell(st.text, b.catName(bb.Categories, int(ln.Category)))
			row[6] = textCell(st.text, bb.Categories[ln.Category].Code)
			row[7] = textCell(st.text, status[ln.Status])
			for k := 8; k <= 11; k++ {
				row[k] = blankCell(st.text)
			}
			bs := &ln.Basis
			switch ln.Stage {
			case allocation.Demand, allocation.Rooms:
				row[8] = textCell(st.text, drivers[bs.Driver])
				row[9] = ratioCell(st.decimal, bs.Value())
				row[10] = ratioCell(st.decimal, bs.Factor())
				row[11] = ratioCell(st.decimal, bs.Weight())
			case allocation.HubProject, allocation.Baseline, allocation.Pilot:
				row[11] = b.moneyCell(st.amount, allocation.Fen(bs.Weight().Num))
			}
			basis := bw.line(ln)
			row[12] = textCell(st.wrap, basis)
			row[13] = b.moneyCell(st.amount, ln.Amount)
			if err := t.add(row, wrapped(basis, cols[12].width)); err != nil {
				return err
			}
		}
		return nil
	})
}

// driverName is a demand driver as a person reads it: a built-in driver
// in words (老年人口, not elderly), any other as its header names it.
type driverName string

func (d driverName) Localize(l msg.Lang) string {
	if m, ok := msg.Lookup("driver." + string(d)); ok {
		return m.In(l)
	}
	return string(d)
}

// driverNames names the driver columns in the workbook's language.
func (b *book) driverNames(drivers []string) []string {
	out := make([]string, len(drivers))
	for i, d := range drivers {
		out[i] = driverName(d).Localize(msg.Lang(b.l))
	}
	return out
}

// basis explains a line in a sentence that names every factor of its
// amount (DESIGN §7.1), from the basis the core recorded: a clerk can
// check it with a calculator. Amounts are in yuan, to the fen; weights and
// factors are exact.
func (b *book) basis(bb *Budget, drivers []string, ln *allocation.Line) string {
	p, bs, l := bb.Plan, &ln.Basis, b.l
	switch ln.Stage {
	case allocation.Directed:
		refs := p.Directed[bs.Ref]
		const shown = 8
		items := make([]string, 0, min(len(refs), shown))
		for i, fi := range refs {
			if i == shown {
				break
			}
			items = append(items, l.t("basis.fund", p.Funds[fi].ID, Yuan(p.Funds[fi].Amount)))
		}
		list := strings.Join(items, " + ")
		if len(refs) > shown {
			list = l.t("basis.more", list, len(refs)-shown, Yuan(ln.Amount))
		}
		return l.t("basis.directed", list)
	case allocation.HubProject, allocation.Baseline, allocation.Pilot:
		var need string
		switch ln.Stage {
		case allocation.HubProject:
			need = l.t("basis.hub", Yuan(bs.Need))
		case allocation.Baseline:
			pr := &bb.Rules
			need = l.t("basis.baseline", Yuan(bs.Need), p.Units[ln.Unit].SocialWorkers, Yuan(pr.Baseline.PerWorker), Yuan(pr.Baseline.PerStation))
		default:
			need = l.t("basis.pilot", Yuan(bs.Need))
		}
		if bs.Granted != bs.Need {
			need = l.t("basis.scaled", need, Yuan(bs.Granted))
		}
		total, _ := p.Totals[bs.Ref].Fen() // the balances of a draw, in fen
		return l.t("basis.draw", need, Yuan(allocation.Fen(bs.Weight().Num)), Yuan(total))
	case allocation.Demand:
		s := l.t("basis.demand", Yuan(bs.Pot), group(bs.Weight().String()), drivers[bs.Driver], group(bs.Value().String()),
			decimals(bs.Factor().String(), 2), group(p.Totals[bs.Ref].String()))
		if bs.Granted != ln.Amount { // part of it went down to the station's rooms
			s = l.t("basis.keep", s, decimals(bb.Rules.Rooms.Share.String(), 2))
		}
		return s
	case allocation.Rooms:
		return l.t("basis.rooms", p.Units[bs.From].Code, Yuan(bs.Pot), drivers[bs.Driver], group(bs.Value().String()), group(p.Totals[bs.Ref].String()))
	}
	return ""
}

// group puts thousands separators into the integer part of a plain
// decimal: 9906.8 → 9,906.8.
func group(s string) string {
	intPart, frac, _ := strings.Cut(s, ".")
	if len(intPart) <= 3 {
		return s
	}
	var b strings.Builder
	for i := range len(intPart) {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(intPart[i])
	}
	if frac != "" {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}

// decimals pads a plain decimal to at least n decimals: 1.1 → 1.10.
func decimals(s string, n int) string {
	_, frac, dot := strings.Cut(s, ".")
	if !dot {
		s += "."
	}
	return s + strings.Repeat("0", max(0, n-len(frac)))
}

// Pool sheet columns.
const (
	plName = iota + 1
	plCode
	plTotal
	plDesignated
	plPooled
	plDirected
	plHub
	plBaseline
	plPilot
	plDemand
	plRooms
	plUnallocated
	plCheck
)

func (b *book) writePool(bb *Budget, name string, src, lines *table) error {
	l, st, p := b.l, b.style, bb.Plan
	stages := []allocation.Stage{allocation.Directed, allocation.HubProject, allocation.Baseline, allocation.Pilot, allocation.Demand, allocation.Rooms}
	money := b.amountHeader
	cols := []column{
		{header: l.t("col.category"), style: st.text}, {header: l.t("col.catcode"), style: st.text},
		{header: money(l.t("col.pool")), style: st.amount}, {header: money(l.t("col.designated")), style: st.amount},
		{header: money(l.t("col.pooled")), style: st.amount},
	}
	for _, s := range stages {
		cols = append(cols, column{header: money(l.t("stage." + s.String())), style: st.amount})
	}
	cols = append(cols, column{header: money(l.t("col.unallocated")), style: st.amount}, column{header: l.t("col.check"), style: st.check})
	for c := range cols {
		if c >= 2 {
			cols[c].width = 15
		}
	}
	for c := range bb.Categories {
		cols[0].fit(b.catName(bb.Categories, c))
		cols[1].fit(bb.Categories[c].Code)
	}
	byStage := make([][]allocation.Fen, len(p.Categories))
	for c := range byStage {
		byStage[c] = make([]allocation.Fen, allocation.NumStages)
	}
	for _, ln := range p.Lines {
		byStage[ln.Category][ln.Stage] += ln.Amount
	}
	t, err := b.newTable([]string{name}, cols, layout{landscape: true})
	if err != nil {
		return err
	}
	n := len(p.Categories)
	for c, e := range p.Pool {
		r := c + 2
		code := bb.Categories[c].Code
		row := []xcell{
			textCell(st.text, b.catName(bb.Categories, c)),
			textCell(st.text, code),
			b.moneyCell(st.amount, e.Total).withFormula(src.sumIfs(srcAmount, srcCat, code)),
			b.moneyCell(st.amount, e.Designated).withFormula(src.sumIfs(srcAmount, srcCat, code, srcUnit, criterionOp("<>"))),
			b.moneyCell(st.amount, e.Pooled).withFormula(fmt.Sprintf("%s-%s", cell(plTotal, r), cell(plDesignated, r))),
		}
		for _, s := range stages {
			row = append(row, b.moneyCell(st.amount, byStage[c][s]).withFormula(lines.sumIfs(lnAmount, lnCat, code, lnStage, l.t("stage."+s.String()))))
		}
		row = append(row,
			b.moneyCell(st.amount, p.Unallocated[c]),
			intCell(st.check, 0).withFormula(b.check(fmt.Sprintf("SUM(%s:%s)-%s", cell(plDirected, r), cell(plUnallocated, r), cell(plTotal, r)))))
		if err := t.add(row); err != nil {
			return err
		}
	}
	total := []xcell{textCell(st.bold, l.t("row.total")), blankCell(st.bold)}
	sums := make([]allocation.Fen, plCheck+1)
	for c, e := range p.Pool {
		sums[plTotal] += e.Total
		sums[plDesignated] += e.Designated
		sums[plPooled] += e.Pooled
		for k, s := range stages {
			sums[plDirected+k] += byStage[c][s]
		}
		sums[plUnallocated] += p.Unallocated[c]
	}
	for col := plTotal; col <= plCheck; col++ {
		sum := fmt.Sprintf("SUM(%s:%s)", cell(col, 2), cell(col, n+1))
		c := b.moneyCell(st.boldAmount, sums[col]).withFormula(sum)
		if col == plCheck {
			c = intCell(st.check, 0).withFormula(b.check(sum))
		}
		total = append(total, c)
	}
	if err := t.add(total); err != nil {
		return err
	}
	t.end = n + 1
	t.sx.tail.conditional = append(t.sx.tail.conditional, b.checkRule(fmt.Sprintf("%s:%s", cell(plCheck, 2), cell(plCheck, n+2))))
	t.sign()
	return t.finish()
}

func (b *book) writeAllocation(bb *Budget, m *matrix, names []string, poolSheet string) error {
	l, st, p := b.l, b.style, bb.Plan
	nc := len(p.Categories)
	cols := []column{
		{header: l.t("col.code"), style: st.text}, {header: l.t("col.name"), style: st.text},
		{header: l.t("col.tier"), style: st.text}, {header: l.t("col.status"), style: st.text},
	}
	for c := range bb.Categories {
		cols = append(cols, column{header: b.amountHeader(b.catName(bb.Categories, c)), style: st.amount, width: 14})
	}
	cols = append(cols, column{header: b.amountHeader(l.t("col.total")), style: st.amount, width: 16})
	cols = append(cols, b.priorColumns(bb.Prior)...)
	for i := range p.Units {
		cols[0].fit(p.Units[i].Code)
		cols[1].fit(p.Units[i].Name)
		if i > 5000 {
			break
		}
	}
	cols[1].fit(l.t("row.unallocated"))
	first := 5 // first category column
	last := first + nc - 1
	t, err := b.newTable(names, cols, layout{landscape: true, outline: true})
	if err != nil {
		return err
	}
	// Labels and column letters looked up once, and one row reused.
	tier := [3]string{l.t("tier.hub"), l.t("tier.station"), l.t("tier.room")}
	reserved := l.t("status.reserved")
	firstCol, lastCol := msg.ColumnName(first), msg.ColumnName(last)
	var row []xcell
	var sum []byte
	for _, ui := range m.order {
		u := &p.Units[ui]
		status := ""
		if u.Reserved() {
			status = reserved
		}
		// The hub and the stations stand out from the rooms under them.
		txt, amt := st.bold, st.boldAmount
		if u.Tier == allocation.Room {
			txt, amt = st.text, st.amount
		}
		row = append(row[:0],
			textCell(txt, u.Code),
			textCell(txt, u.Name),
			textCell(txt, tier[u.Tier]),
			textCell(txt, status),
		)
		for c := range nc {
			row = append(row, b.moneyCell(amt, m.amount[ui][c]))
		}
		r := t.row + 1
		if r > maxSheetRows {
			r = 2
		}
		// SUM(E2:K2): the unit's categories.
		sum = append(append(append(sum[:0], "SUM("...), firstCol...), strconv.Itoa(r)...)
		sum = append(append(append(append(sum, ':'), lastCol...), strconv.Itoa(r)...), ')')
		row = append(row, b.moneyCell(amt, m.unitTotal(ui)).withFormula(string(sum)))
		if bb.Prior != nil {
			row = append(row, b.priorCells(r, last+1, m.unitTotal(ui), bb.Prior.Unit[ui], bb.Prior.New[ui], false, amt, txt)...)
		}
		var opts excelize.RowOpts
		if u.Tier == allocation.Room {
			opts.OutlineLevel = 1
		}
		if err := t.add(row, opts); err != nil {
			return err
		}
	}
	if err := b.closedUnits(t, bb.Prior, nc, last+1); err != nil {
		return err
	}
	// Footer rows on the last sheet: totals over every sheet, unallocated,
	// the pool from the Pool sheet and the check.
	t.end = t.row
	written := &table{names: t.names[:t.sheet+1], last: append(slices.Clone(t.last), t.row)} // the sheets so far, this one included
	var grand, unalloc, pool allocation.Fen
	totalRow := []xcell{blankCell(st.bold), textCell(st.bold, l.t("row.total")), blankCell(st.bold), blankCell(st.bold)}
	unallocRow := []xcell{blankCell(st.bold), textCell(st.bold, l.t("row.unallocated")), blankCell(st.bold), blankCell(st.bold)}
	poolRow := []xcell{blankCell(st.bold), textCell(st.bold, l.t("row.pool")), blankCell(st.bold), blankCell(st.bold)}
	checkRow := []xcell{blankCell(st.bold), textCell(st.bold, l.t("row.check")), blankCell(st.bold), blankCell(st.bold)}
	tr := t.row + 1
	for c := range nc {
		col := first + c
		grand += m.catTotal[c]
		unalloc += p.Unallocated[c]
		pool += p.Pool[c].Total
		totalRow = append(totalRow, b.moneyCell(st.boldAmount, m.catTotal[c]).withFormula(written.sum(col)))
		unallocRow = append(unallocRow, b.moneyCell(st.boldAmount, p.Unallocated[c]))
		poolRow = append(poolRow, b.moneyCell(st.boldAmount, p.Pool[c].Total).withFormula(fmt.Sprintf("%s!%s", quoteSheet(poolSheet), cell(plTotal, c+2))))
		checkRow = append(checkRow, intCell(st.check, 0).withFormula(b.check(fmt.Sprintf("%s+%s-%s", cell(col, tr), cell(col, tr+1), cell(col, tr+2)))))
	}
	totalRow = append(totalRow, b.moneyCell(st.boldAmount, grand).withFormula(fmt.Sprintf("SUM(%s:%s)", cell(first, tr), cell(last, tr))))
	if bb.Prior != nil {
		var lastYear allocation.Fen
		for _, v := range bb.Prior.Unit {
			lastYear += v
		}
		for _, c := range bb.Prior.Closed {
			lastYear += c.Total
		}
		totalRow = append(totalRow, b.priorTotal(written.sum(last+2), tr, last+1, grand, lastYear)...)
	}
	unallocRow = append(unallocRow, b.moneyCell(st.boldAmount, unalloc).withFormula(fmt.Sprintf("SUM(%s:%s)", cell(first, tr+1), cell(last, tr+1))))
	poolRow = append(poolRow, b.moneyCell(st.boldAmount, pool).withFormula(fmt.Sprintf("SUM(%s:%s)", cell(first, tr+2), cell(last, tr+2))))
	checkRow = append(checkRow, intCell(st.check, 0).withFormula(b.check(fmt.Sprintf("%s+%s-%s", cell(last+1, tr), cell(last+1, tr+1), cell(last+1, tr+2)))))
	for _, r := range [][]xcell{totalRow, unallocRow, poolRow, checkRow} {
		t.row++
		t.sx.row(t.row, r)
	}
	t.sx.tail.conditional = append(t.sx.tail.conditional, b.checkRule(fmt.Sprintf("%s:%s", cell(first, t.row), cell(last+1, t.row))))
	t.sign()
	return t.finish()
}

// writeContracts writes the 政府购买服务 sheet (DESIGN §12), in place of the
// first version's Contracts: the hub and each station with what is bought
// from whom — the operator, the service, its grade, the contract decision
// and its reason — and, beside the money, the operator again with the
// contract's year in its three-year cycle. The amount is the unit's and its
// rooms' lines; the total is every line of the budget.
func (b *book) writeContracts(bb *Budget, m *matrix, names []string) error {
	l, st, p := b.l, b.style, bb.Plan
	cols := []column{
		{header: l.t("col.code"), style: st.text}, {header: l.t("col.name"), style: st.text},
		{header: l.t("col.tier"), style: st.text}, {header: l.t("col.service"), style: st.text},
		{header: l.t("col.grade"), style: st.text}, {header: l.t("col.decision"), style: st.text},
		{header: l.t("col.reason"), style: st.text}, {header: l.t("col.operator"), style: st.text},
		{header: l.t("col.cycle"), style: st.center}, {header: b.amountHeader(l.t("col.contractamount")), style: st.amount, width: 18},
	}
	for i := range cols {
		cols[i].fit(cols[i].header)
	}
	cols[3].fit(l.t("service.socialwork"))
	ops := append([]int{m.order[0]}, m.stations...) // the hub and the stations
	for _, ui := range ops {
		u := &p.Units[ui]
		cols[0].fit(u.Code)
		cols[1].fit(u.Name)
		_, reason := Decision(u)
		cols[6].fit(b.reason(reason, u))
		cols[7].fit(u.Operator)
		cols[9].fitAmount(b, m.group[ui])
	}
	t, err := b.newTable(names, cols, layout{landscape: true})
	if err != nil {
		return err
	}
	for _, ui := range ops {
		u := &p.Units[ui]
		decision, reason := Decision(u)
		year := blankCell(st.center)
		if u.ContractYear > 0 {
			year = textCell(st.center, l.t("cycle.year", u.ContractYear))
		}
		row := []xcell{
			textCell(st.text, u.Code),
			textCell(st.text, u.Name),
			textCell(st.text, l.t("tier."+u.Tier.String())),
			textCell(st.text, l.t("service.socialwork")),
			textCell(st.text, l.t("grade."+u.Grade.String())),
			textCell(st.bold, l.t(decisionLabel[decision])),
			textCell(st.text, b.reason(reason, u)),
			textCell(st.text, u.Operator),
			year,
			b.moneyCell(st.amount, m.group[ui]),
		}
		if err := t.add(row); err != nil {
			return err
		}
	}
	// The total of the contracts: every line of the budget.
	t.end = t.row
	var total allocation.Fen
	for _, ui := range ops {
		total += m.group[ui]
	}
	totalRow := []xcell{blankCell(st.bold), textCell(st.bold, l.t("row.total"))}
	for range len(cols) - 3 {
		totalRow = append(totalRow, blankCell(st.bold))
	}
	t.row++
	t.sx.row(t.row, append(totalRow, b.moneyCell(st.boldAmount, total).withFormula(fmt.Sprintf("SUM(%s:%s)", cell(len(cols), 2), cell(len(cols), t.end)))))
	t.sign()
	return t.finish()
}

// reason explains a contract decision; a renewal names the grade.
func (b *book) reason(key string, u *allocation.Unit) string {
	if key == "reason.renew" {
		return b.l.t(key, b.l.t("grade."+u.Grade.String()))
	}
	return b.l.t(key)
}

func (b *book) writeWarnings(bb *Budget, names []string) error {
	l, st := b.l, b.style
	cols := []column{{header: l.t("col.no"), style: st.int, width: 6}, {header: l.t("col.message"), style: st.text, width: 100}}
	t, err := b.newTable(names, cols, layout{noMoney: true})
	if err != nil {
		return err
	}
	if len(bb.Plan.Warnings) == 0 {
		if err := t.add([]xcell{blankCell(st.int), textCell(st.text, l.t("warnings.none"))}); err != nil {
			return err
		}
	}
	for i, w := range bb.Plan.Warnings {
		text := WarningText(bb.Plan, bb.Categories, w).Localize(msg.Lang(l))
		if err := t.add([]xcell{intCell(st.int, i+1), textCell(st.text, text)}); err != nil {
			return err
		}
	}
	return t.finish()
}

// grid collects a small sheet's rows before they are streamed, so that its
// layout (where the charts point) is known before the first row is written.
type grid struct {
	rows        [][]xcell
	conditional []conditional
}

// add appends a row of cells and returns its row number.
func (g *grid) add(cells ...xcell) int {
	g.rows = append(g.rows, cells)
	return len(g.rows)
}

// skip leaves n blank rows.
func (g *grid) skip(n int) {
	for range n {
		g.rows = append(g.rows, nil)
	}
}

func (g *grid) next() int { return len(g.rows) + 1 }

// writeSummary writes the Summary sheet: the title, year, run date and
// unit; the totals by category with their check cells and the signature
// block; the parameters; the totals per station; and a chart of each of
// the first and last tables. Formula cells are streamed so that their
// cached values are numbers.
func (b *book) writeSummary(bb *Budget, m *matrix, s budgetSheets, lines *table) error {
	l, st, p := b.l, b.style, bb.Plan
	sh := s.summary
	var g grid
	txt := func(v string) xcell { return textCell(st.text, v) }
	bold := func(v string) xcell { return textCell(st.bold, v) }
	head := func(v string) xcell { return textCell(st.header, v) }
	amt := func(v allocation.Fen) xcell { return b.moneyCell(st.amount, v) }
	fx := func(style int, expr string, v allocation.Fen) xcell {
		return b.moneyCell(style, v).withFormula(expr)
	}
	money := b.amountHeader

	g.add(textCell(st.title, b.title))
	g.skip(1)
	g.add(bold(l.t("summary.year")), txt(strconv.Itoa(bb.Year)))
	g.add(bold(l.t("summary.rundate")), txt(bb.RunDate.Format("2006-01-02")))
	g.add(bold(l.t("summary.unit")), txt(b.unitNote()))
	g.skip(1)

	// Totals by category, by formula over Pool and Lines.
	g.add(textCell(st.title, l.t("summary.totals")))
	hdr := g.add(head(l.t("col.category")), head(l.t("col.catcode")), head(money(l.t("col.pool"))), head(money(l.t("col.allocated"))),
		head(money(l.t("col.reserved"))), head(money(l.t("col.unallocated"))), head(l.t("col.check")))
	nc := len(p.Categories)
	alloc, reserved := p.ByStatus()
	var pool, unalloc, allocTotal, reservedTotal allocation.Fen
	catFirst := g.next()
	for c := range nc {
		r := g.next()
		code := bb.Categories[c].Code
		g.add(txt(b.catName(bb.Categories, c)), txt(code),
			fx(st.amount, fmt.Sprintf("%s!%s", quoteSheet(s.pool[0]), cell(plTotal, c+2)), p.Pool[c].Total),
			fx(st.amount, lines.sumIfs(lnAmount, lnCat, code, lnStatus, l.t("status.allocated")), alloc[c]),
			fx(st.amount, lines.sumIfs(lnAmount, lnCat, code, lnStatus, l.t("status.reserved")), reserved[c]),
			amt(p.Unallocated[c]),
			fx(st.check, b.check(fmt.Sprintf("D%d+E%d+F%d-C%d", r, r, r, r)), 0))
		pool += p.Pool[c].Total
		allocTotal += alloc[c]
		reservedTotal += reserved[c]
		unalloc += p.Unallocated[c]
	}
	catLast := g.next() - 1
	sum := func(col int, style int, v allocation.Fen) xcell {
		return fx(style, fmt.Sprintf("SUM(%s:%s)", cell(col, catFirst), cell(col, catLast)), v)
	}
	totalRow := g.add(bold(l.t("row.total")), bold(""), sum(3, st.boldAmount, pool), sum(4, st.boldAmount, allocTotal),
		sum(5, st.boldAmount, reservedTotal), sum(6, st.boldAmount, unalloc),
		fx(st.check, b.check(fmt.Sprintf("SUM(%s:%s)", cell(7, catFirst), cell(7, catLast))), 0))
	g.conditional = append(g.conditional, b.checkRule(fmt.Sprintf("%s:%s", cell(7, catFirst), cell(7, totalRow))))
	g.add(textCell(st.note, l.t("summary.checknote")))
	if bb.Prior != nil {
		g.skip(1)
		b.priorSummary(&g, bb, catFirst, alloc, reserved)
	}
	if b.doc.Unit == UnitWan {
		g.add(textCell(st.note, l.t("unit.rounding")))
	}
	g.skip(1)
	g.add(b.signatures())
	g.skip(1)

	// Parameters.
	g.add(textCell(st.title, l.t("summary.params")))
	pr := &bb.Rules
	catsOf := func(list []int) string {
		if len(list) == 0 {
			return l.t("param.all")
		}
		var names []string
		for _, c := range list {
			names = append(names, b.catName(bb.Categories, c))
		}
		return strings.Join(names, l.t("sep"))
	}
	g.add(head(l.t("col.item")), head(l.t("col.settingunit", b.unitLabel())), head(l.t("col.drawnfrom")))
	g.add(txt(l.t("param.hub")), amt(pr.Hub.Amount), txt(catsOf(pr.Hub.Categories)))
	g.add(txt(l.t("param.perworker")), amt(pr.Baseline.PerWorker), txt(catsOf(pr.Baseline.Categories)))
	g.add(txt(l.t("param.perstation")), amt(pr.Baseline.PerStation), txt(catsOf(pr.Baseline.Categories)))
	g.add(txt(l.t("param.pilot")), amt(pr.Pilot.Amount), txt(catsOf(pr.Pilot.Categories)))
	g.add(txt(l.t("param.demandshare")), txt(decimals(pr.Demand.Share.String(), 2)), txt(catsOf(pr.Demand.Categories)))
	g.add(txt(l.t("param.roomsshare")), txt(decimals(pr.Rooms.Share.String(), 2)))
	for _, gr := range []allocation.Grade{allocation.Excellent, allocation.Good, allocation.Qualified, allocation.New} {
		g.add(txt(l.t("param.factor", l.t("grade."+gr.String()))), txt(decimals(pr.Factors[gr].String(), 2)))
	}
	g.add(txt(l.t("param.factor", l.t("grade.unqualified"))), txt(l.t("param.unqualified")))
	drivers := b.driverNames(pr.Demand.Drivers)
	for c, d := range drivers {
		if d != "" {
			g.add(txt(l.t("param.driver", b.catName(bb.Categories, c))), txt(d))
		}
	}
	g.skip(1)

	// Stations: own lines, rooms, total (the chart's data).
	g.add(textCell(st.title, l.t("summary.stations")))
	stHdr := g.add(head(l.t("col.name")), head(l.t("col.code")), head(money(l.t("col.own"))), head(money(l.t("col.rooms"))), head(money(l.t("col.total"))))
	// SUMIFS per station over millions of lines would stall a spreadsheet:
	// large plans get values here (the Lines sheet still proves the totals).
	useFormulas := len(p.Lines) <= 200_000
	stFirst := g.next()
	for _, si := range m.stations {
		r := g.next()
		u := &p.Units[si]
		own, group := m.unitTotal(si), m.group[si]
		ownCell, groupCell := amt(own), amt(group)
		if useFormulas {
			ownCell = fx(st.amount, lines.sumIfs(lnAmount, lnUnit, u.Code), own)
			groupCell = fx(st.amount, lines.sumIfs(lnAmount, lnStation, u.Code), group)
		}
		g.add(txt(u.Name), txt(u.Code), ownCell, fx(st.amount, fmt.Sprintf("E%d-C%d", r, r), group-own), groupCell)
	}
	stLast := g.next() - 1
	g.skip(1)

	// Charts below the tables, as wide as they are, so that the printed
	// page keeps its width.
	widths := []float64{34, 22, 16, 16, 16, 16, 12}
	width, err := b.gridWidths(sh, widths)
	if err != nil {
		return err
	}
	chartRow := g.next()
	axis := l.t("unit.header", l.t("col.amount"), b.unitLabel())
	if err := b.addChart(sh, cell(1, chartRow), chart{typ: excelize.Bar, title: l.t("chart.pool"), axis: axis, labels: "A", values: "C",
		valueFormat: b.moneyAxisFormat(), hdr: hdr, first: catFirst, last: catLast, width: width, height: 360}); err != nil {
		return err
	}
	if len(m.stations) > 0 {
		if err := b.addChart(sh, cell(1, chartRow+22), chart{typ: excelize.Col, title: l.t("chart.stations"), axis: axis, labels: "A", values: "E",
			valueFormat: b.moneyAxisFormat(), hdr: stHdr, first: stFirst, last: min(stLast, stFirst+99), width: width, height: 480}); err != nil {
			return err
		}
	}
	return b.writeGrid(sh, &g, sheetSetup{widths: widths, page: b.page(false, true), breaks: []int{chartRow}, drawing: true})
}

// unitNote says what unit the amounts are in: 元, or 万元 with the
// decimals shown.
func (b *book) unitNote() string {
	if b.doc.Unit == UnitWan {
		return b.l.t("unit.wandecimals", max(b.doc.Decimals, 2))
	}
	return b.unitLabel()
}

// Approval stamp names: the cells of the notes sheet that recording a
// version of record (DESIGN §10) fills in, as workbook-level defined names.
const (
	ApprovalVersion = "approval_version"
	ApprovalDocNo   = "approval_doc_no"
	ApprovalDate    = "approval_date"
)

// writeBudgetNotes writes the notes sheet (说明) at the end: what the
// document is, who wrote it with what, from which configuration and input
// files (with their SHA-256), and the empty approval stamp whose value
// cells carry the names ApprovalVersion, ApprovalDocNo and ApprovalDate.
func (b *book) writeBudgetNotes(bb *Budget, sheet string) error {
	l, st := b.l, b.style
	var g grid
	b.notesHead(&g, bb.RunDate.Format("2006-01-02"), bb.Program, bb.Config)
	b.notesInputs(&g, bb.Inputs)
	g.skip(1)
	g.add(textCell(st.title, l.t("notes.approval")))
	for _, a := range []struct{ label, name string }{
		{"notes.approval.version", ApprovalVersion}, {"notes.approval.docno", ApprovalDocNo}, {"notes.approval.date", ApprovalDate},
	} {
		r := g.add(textCell(st.bold, l.t(a.label)), blankCell(st.text))
		b.names = append(b.names, excelize.DefinedName{Name: a.name, RefersTo: fmt.Sprintf("%s!$B$%d", quoteSheet(sheet), r)})
	}
	return b.writeGrid(sheet, &g, sheetSetup{widths: []float64{22, 90}, page: b.page(false, false)})
}

// notesHead starts a notes sheet: the document's title, run date, program,
// configuration and unit.
func (b *book) notesHead(g *grid, runDate string, prog Program, config string) {
	l, st := b.l, b.style
	row := func(label string, v string) {
		g.add(textCell(st.bold, l.t(label)), textCell(st.wrap, v))
	}
	g.add(textCell(st.title, l.t("sheet.notes")))
	g.skip(1)
	row("notes.document", b.title)
	row("summary.rundate", runDate)
	row("notes.program", prog.describe(l))
	if config == "" {
		config = l.t("notes.config.embedded")
	}
	row("summary.config", config)
	row("summary.unit", b.unitNote())
	if b.doc.Unit == UnitWan {
		g.add(xcell{}, textCell(st.wrap, l.t("unit.rounding")))
	}
}

// notesInputs lists the input files with their SHA-256.
func (b *book) notesInputs(g *grid, inputs []allocation.FileHash) {
	l, st := b.l, b.style
	g.skip(1)
	g.add(textCell(st.title, l.t("summary.inputs")))
	g.add(textCell(st.header, l.t("col.path")), textCell(st.header, l.t("col.sha256")))
	for _, in := range inputs {
		g.add(textCell(st.wrap, in.Path), textCell(st.text, in.SHA256))
	}
}
