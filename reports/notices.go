package reports

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"fundalloc/allocation"
	"fundalloc/reports/msg"
)

// NoticeText is how the funding notices read (DESIGN §5 notices): the
// title ({year} stands for the budget year; "" gives the catalogue's), the
// issuer or issuers of a joint notice, and the document number.
type NoticeText struct {
	Title   string
	Issuers []string
	DocNo   string
}

// Notices is a budget as its funding notices show it (DESIGN §11): one
// notice for the hub and each station, covering its own lines and its
// rooms'.
type Notices struct {
	Year     int
	RunDate  time.Time
	Language string
	Document Document
	Text     NoticeText
	// Version names the budget: v1, v2 … or draft. A draft's notices are
	// marked 草稿（未经批准） on every page.
	Version    string
	Draft      bool
	Plan       *allocation.Plan
	Rules      *allocation.Rules // nil when the budget does not record them
	Categories []allocation.Category
	Indicators *allocation.IndicatorTable
	TempDir    string
	// Previous is the version before this one (v1 for v2), nil for v1 or a
	// draft: its notices then show, per line, 已下达 (the previous
	// version), 本次调整 (the change) and 调整后 (this version), so that no
	// money is booked twice (DESIGN §11).
	Previous *allocation.Plan

	groups []noticeGroup
	index  []int // unit index → its group
}

// noticeGroup is what one notice covers.
type noticeGroup struct {
	unit  int     // the hub or the station
	lines []int32 // into Plan.Lines: the unit's, then its rooms' by room code
	ind   []int32 // into Indicators
	total allocation.Fen
}

// Prepare groups the lines and indicators by notice: the hub's own, and
// each station's with its rooms'. It returns the notices' units in order
// (the hub, then the stations by code) and their totals, which sum to every
// line of the budget.
func (n *Notices) Prepare() (units []int, totals []allocation.Fen) {
	p := n.Plan
	n.index = make([]int, len(p.Units))
	byCode := make(map[string]int, len(p.Units))
	for i := range p.Units {
		byCode[p.Units[i].Code] = i
		n.index[i] = -1
	}
	for i := range p.Units {
		if p.Units[i].Tier == allocation.Hub {
			n.index[i] = len(n.groups)
			n.groups = append(n.groups, noticeGroup{unit: i})
		}
	}
	for i := range p.Units {
		if p.Units[i].Tier == allocation.Station {
			n.index[i] = len(n.groups)
			n.groups = append(n.groups, noticeGroup{unit: i})
		}
	}
	groupOf := func(u int32) int {
		if g := n.index[u]; g >= 0 {
			return g
		}
		if parent, ok := byCode[p.Units[u].Parent]; ok {
			return n.index[parent]
		}
		return -1
	}
	// Own lines first, then the rooms' (units are sorted by code, lines by
	// stage first: two passes keep a notice's table readable).
	for pass := range 2 {
		for i, l := range p.Lines {
			if own := n.index[l.Unit] >= 0; own != (pass == 0) {
				continue
			}
			if g := groupOf(l.Unit); g >= 0 {
				n.groups[g].lines = append(n.groups[g].lines, int32(i))
				n.groups[g].total += l.Amount
			}
		}
	}
	var ind []allocation.Indicator
	if n.Indicators != nil {
		ind = n.Indicators.Rows
	}
	for i, x := range ind {
		if x.Unit < 0 {
			continue
		}
		if g := groupOf(x.Unit); g >= 0 {
			n.groups[g].ind = append(n.groups[g].ind, int32(i))
		}
	}
	for _, g := range n.groups {
		units = append(units, g.unit)
		totals = append(totals, g.total)
	}
	return units, totals
}

// NoticeFileName is a notice's file name, <code>-<name>.xlsx, with the
// characters a file system forbids (/ \ : * ? " < > |, control characters)
// made _, leading dots and spaces dropped, and at most 120 bytes before
// the extension. The document itself keeps the name as it is.
func NoticeFileName(u *allocation.Unit) string {
	s := strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || strings.ContainsRune(`/\:*?"<>|`, r) || r == utf8.RuneError {
			return '_'
		}
		return r
	}, u.Code+"-"+u.Name)
	s = strings.TrimLeft(s, ". ")
	for len(s) > 120 {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	s = strings.TrimRight(s, ". ")
	if s == "" {
		s = "_"
	}
	return s + ".xlsx"
}

// title is the notices' title with the year put in.
func (n *Notices) title(l lang) string {
	t := n.Text.Title
	if t == "" {
		t = l.t("notice.title")
	}
	return strings.ReplaceAll(t, "{year}", fmt.Sprint(n.Year))
}

func (n *Notices) issuers(l lang) []string {
	if len(n.Text.Issuers) > 0 {
		return n.Text.Issuers
	}
	if n.Document.City != "" {
		return []string{n.Document.City}
	}
	return []string{l.t("notice.issuer")}
}

// addressee is whom a notice is sent to (主送): a station's town, else the
// station; the hub's operator, else the hub.
func addressee(u *allocation.Unit) string {
	switch {
	case u.Tier == allocation.Station && u.Town != "":
		return u.Town
	case u.Tier == allocation.Hub && u.Operator != "":
		return u.Operator
	}
	return u.Name
}

// noticeBook starts a one-sheet workbook for a notice or the index, with
// the styles a document needs beyond the book's.
type noticeStyles struct{ heading, center, body, right, section int }

func (n *Notices) newBook(ctx context.Context, title string) (*book, noticeStyles, error) {
	b, err := newBook(ctx, n.Language, n.TempDir, n.Document)
	if err != nil {
		return nil, noticeStyles{}, err
	}
	b.title = title
	var ns noticeStyles
	for _, s := range []struct {
		id *int
		s  excelize.Style
	}{
		{&ns.heading, excelize.Style{Font: &excelize.Font{Family: fontFamily, Bold: true, Size: 16},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}},
		{&ns.center, excelize.Style{Font: &excelize.Font{Family: fontFamily, Size: 11}, Alignment: &excelize.Alignment{Horizontal: "center"}}},
		{&ns.body, excelize.Style{Font: &excelize.Font{Family: fontFamily, Size: 11}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}},
		{&ns.right, excelize.Style{Font: &excelize.Font{Family: fontFamily, Size: 11}, Alignment: &excelize.Alignment{Horizontal: "right"}}},
		{&ns.section, excelize.Style{Font: &excelize.Font{Family: fontFamily, Bold: true, Size: 11}}},
	} {
		if *s.id, err = b.f.NewStyle(&s.s); err != nil {
			b.close()
			return nil, ns, err
		}
	}
	return b, ns, nil
}

// pageSetup is a notice's print setup: A4 portrait, one page wide, the
// title in the page header, a draft marked on every page.
func (n *Notices) pageSetup(b *book) page {
	pg := b.page(false, true)
	if n.Draft {
		pg.header = "&L" + headerFooterText(b.l.t("notice.draft")) + strings.TrimPrefix(pg.header, "&L&A")
	}
	return pg
}

// WriteNotice writes the notice of units[k] (as Prepare returned them): the
// title, the document number, the addressee, a short body, the table of its
// lines and its rooms' (category, stage, what the amount rests on) with a
// live total, the money's sources (fund type, source, document, the
// category's codes) with a live total and a check cell that shows 0 when
// the two tables agree, the contract, the signature block, the issuers, the
// date and （盖章）. Every text comes from the catalogue in the budget's
// language.
func (n *Notices) WriteNotice(ctx context.Context, w io.Writer, k int) error {
	g := &n.groups[k]
	p := n.Plan
	u := &p.Units[g.unit]
	l := langOf(n.Language)
	title := n.title(l)
	b, ns, err := n.newBook(ctx, title)
	if err != nil {
		return err
	}
	defer b.close()
	st := b.style
	sheet := l.t("sheet.notice")
	if err := b.f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	ncol := 6
	revision := n.Previous != nil
	if revision {
		ncol = 8
	}
	prev := n.previous(g)
	var rows [][]xcell
	var heights []float64
	var merges []string
	put := func(h float64, cells ...xcell) int {
		rows = append(rows, cells)
		heights = append(heights, h)
		return len(rows)
	}
	merged := func(h float64, style int, text string) int {
		r := put(h, textCell(style, text))
		merges = append(merges, fmt.Sprintf("A%d:%s", r, cell(ncol, r)))
		return r
	}
	merged(48, ns.heading, title)
	docNo := n.Text.DocNo
	if n.Draft {
		docNo = strings.TrimSpace(docNo + "  " + l.t("notice.draft"))
	}
	merged(20, ns.center, docNo)
	put(8)
	merged(20, ns.body, l.t("notice.to", addressee(u)))
	city := n.Document.City
	version := n.Version
	if n.Draft {
		version = l.t("notice.draftname")
	}
	body := l.t("notice.body", city, n.Year, u.Name, b.moneyText(g.total), b.unitLabel(), version)
	if revision {
		body += l.t("notice.body.revision", b.moneyText(prev.total), b.moneyText(g.total-prev.total), b.unitLabel())
	}
	if u.Reserved() {
		body += l.t("notice.body.reserved")
	}
	merged(rowHeight(body, 80)+4, ns.body, body)
	put(8)

	// Table 1: the lines.
	merged(20, ns.section, l.t("notice.table1"))
	hdr := func(labels ...string) {
		cells := make([]xcell, len(labels))
		for i, s := range labels {
			cells[i] = textCell(st.header, s)
		}
		put(30, cells...)
	}
	if revision {
		hdr(l.t("col.no"), l.t("col.unitname"), l.t("col.category"), l.t("col.stage"), l.t("col.basisnote"),
			b.amountHeader(l.t("col.issued")), b.amountHeader(l.t("col.change")), b.amountHeader(l.t("col.adjusted")))
	} else {
		hdr(l.t("col.no"), l.t("col.unitname"), l.t("col.category"), l.t("col.stage"), l.t("col.basisnote"), b.amountHeader(l.t("col.amount")))
	}
	first := len(rows) + 1
	// amounts are a row's amount cells: this version's, or with a
	// previous version, what it issued, the change (a formula) and this
	// version's.
	amounts := func(before, now allocation.Fen) []xcell {
		if !revision {
			return []xcell{b.moneyCell(st.amount, now)}
		}
		r := len(rows) + 1
		return []xcell{b.moneyCell(st.amount, before),
			b.moneyCell(st.amount, now-before).withFormula(fmt.Sprintf("H%d-F%d", r, r)),
			b.moneyCell(st.amount, now)}
	}
	seen := map[lineKey]bool{}
	// The unit's own lines one by one; each room's summed on one row, its
	// categories named, so that a station with many rooms still reads on a
	// page or two.
	no := 0
	for j := 0; j < len(g.lines); {
		line := &p.Lines[g.lines[j]]
		lu := &p.Units[line.Unit]
		no++
		if lu.Tier != allocation.Room {
			stage := l.t("stage." + line.Stage.String())
			if line.Status == allocation.Reserved {
				stage += l.t("notice.reserved")
			}
			basis := n.basis(l, b, line)
			k := lineKey{lu.Code, p.Categories[line.Category], line.Stage}
			seen[k] = true
			put(rowHeight(basis, 48), append([]xcell{intCell(st.int, no), textCell(st.wrap, lu.Name),
				textCell(st.wrap, catName(l, n.Categories[line.Category])), textCell(st.wrap, stage),
				textCell(st.wrap, basis)}, amounts(prev.lines[k], line.Amount)...)...)
			j++
			continue
		}
		var sum allocation.Fen
		ncat := 0
		for ; j < len(g.lines) && p.Lines[g.lines[j]].Unit == line.Unit; j++ {
			sum += p.Lines[g.lines[j]].Amount
			ncat++
		}
		basis := l.t("notice.basis.room")
		k := lineKey{unit: lu.Code}
		seen[k] = true
		put(rowHeight(basis, 48), append([]xcell{intCell(st.int, no), textCell(st.wrap, lu.Name),
			textCell(st.wrap, l.t("notice.roomcats", ncat)), textCell(st.wrap, l.t("stage.rooms")),
			textCell(st.wrap, basis)}, amounts(prev.lines[k], sum)...)...)
	}
	// What the previous version gave and this one no longer does.
	for _, k := range prev.order {
		if seen[k] {
			continue
		}
		no++
		cat, stage := l.t("notice.roomcats", 0), l.t("stage.rooms")
		if k.cat != "" {
			cat, stage = k.cat, l.t("stage."+k.stage.String())
			if c := slices.IndexFunc(n.Categories, func(c allocation.Category) bool { return c.Code == k.cat }); c >= 0 {
				cat = catName(l, n.Categories[c])
			}
		}
		put(16, append([]xcell{intCell(st.int, no), textCell(st.wrap, prev.names[k.unit]),
			textCell(st.wrap, cat), textCell(st.wrap, stage),
			textCell(st.wrap, l.t("notice.gone"))}, amounts(prev.lines[k], 0)...)...)
	}
	last := max(len(rows), first)
	totalCells := []xcell{blankCell(st.bold), textCell(st.bold, l.t("row.total")), blankCell(st.bold),
		blankCell(st.bold), blankCell(st.bold)}
	amountCol := "F"
	if revision {
		amountCol = "H"
		totalCells = append(totalCells, b.moneyCell(st.boldAmount, prev.total).withFormula(fmt.Sprintf("SUM(F%d:F%d)", first, last)),
			b.moneyCell(st.boldAmount, g.total-prev.total).withFormula(fmt.Sprintf("SUM(G%d:G%d)", first, last)))
	}
	total1 := put(20, append(totalCells,
		b.moneyCell(st.boldAmount, g.total).withFormula(fmt.Sprintf("SUM(%s%d:%s%d)", amountCol, first, amountCol, last)))...)
	put(8)

	// Table 2: where the money comes from.
	merged(20, ns.section, l.t("notice.table2"))
	hdr(l.t("col.no"), l.t("col.fund_type"), l.t("col.fund_source"), l.t("col.document_no"), l.t("col.codes"), b.amountHeader(l.t("col.amount")))
	type key struct {
		cat    int32
		status allocation.Status
		src    allocation.Source
	}
	sums := map[key]allocation.Fen{}
	var order []key
	for _, xi := range g.ind {
		x := &n.Indicators.Rows[xi]
		k := key{x.Category, x.Status, n.Indicators.SourceOf(x)}
		if _, seen := sums[k]; !seen {
			order = append(order, k)
		}
		sums[k] += x.Amount
	}
	first2 := len(rows) + 1
	var total2 allocation.Fen
	for i, k := range order {
		cat := n.Categories[k.cat]
		codes := catName(l, cat)
		if cat.FunctionCode != "" || cat.EconomicCode != "" {
			codes += l.t("notice.codes", cat.FunctionCode, cat.EconomicCode)
		}
		ft := l.t("fundtype." + k.src.Type.String())
		if k.status == allocation.Reserved {
			ft += l.t("notice.reserved")
		}
		put(rowHeight(codes, 48), intCell(st.int, i+1), textCell(st.wrap, ft),
			textCell(st.wrap, l.t("fundsource."+k.src.From.String())),
			textCell(st.wrap, k.src.Document), textCell(st.wrap, codes),
			b.moneyCell(st.amount, sums[k]))
		total2 += sums[k]
	}
	last2 := max(len(rows), first2)
	total2Row := put(20, blankCell(st.bold), textCell(st.bold, l.t("row.total")), blankCell(st.bold),
		blankCell(st.bold), blankCell(st.bold),
		b.moneyCell(st.boldAmount, total2).withFormula(fmt.Sprintf("SUM(F%d:F%d)", first2, last2)))
	checkRow := put(20, blankCell(st.bold), textCell(st.bold, l.t("row.check")), blankCell(st.bold),
		blankCell(st.bold), textCell(st.bold, l.t("notice.checknote")),
		intCell(st.check, 0).withFormula(b.check(fmt.Sprintf("%s%d-F%d", amountCol, total1, total2Row))))
	put(8)

	// The contract.
	if u.Tier != allocation.Room {
		decision, reason := Decision(u)
		op := u.Operator
		if op == "" {
			op = l.t("notice.nooperator")
		}
		cycle := l.t("notice.nocycle")
		if u.ContractYear > 0 {
			cycle = l.t("cycle.year", u.ContractYear)
		}
		text := l.t("notice.contract", op, cycle, l.t("grade."+u.Grade.String()), l.t(decisionLabel[decision]), b.reason(reason, u))
		merged(rowHeight(text, 90), ns.body, text)
		put(8)
	}
	put(36, b.signatures())
	put(16)
	for _, iss := range n.issuers(l) {
		merged(20, ns.right, iss)
	}
	merged(20, ns.right, l.t("notice.date", n.RunDate.Year(), int(n.RunDate.Month()), n.RunDate.Day()))
	merged(20, ns.right, l.t("notice.seal"))

	widths := []float64{6, 22, 14, 18, 40, 16}
	if revision {
		widths = []float64{6, 20, 13, 16, 34, 14, 14, 14}
	}
	sx, err := b.newSheet(sheetSetup{widths: widths, page: n.pageSetup(b), merges: merges,
		conditional: []conditional{b.checkRule(cell(ncol, checkRow))}})
	if err != nil {
		return err
	}
	for i, r := range rows {
		if len(r) > 0 {
			sx.row(i+1, r, excelize.RowOpts{Height: heights[i]})
		}
	}
	pt, err := sx.close()
	if err != nil {
		return err
	}
	b.parts[sheet] = pt
	if err := b.f.SetDocProps(n.docProps(b, title+" "+u.Code)); err != nil {
		return err
	}
	return b.save(w)
}

// lineKey is a notice's row across versions: a unit's own line by unit
// code, category code and stage; a room's row by its code alone.
type lineKey struct {
	unit, cat string
	stage     allocation.Stage
}

// previousGroup is what the previous version gave a notice's rows.
type previousGroup struct {
	lines map[lineKey]allocation.Fen
	order []lineKey         // in the previous version's order
	names map[string]string // unit code → name, for rows gone
	total allocation.Fen
}

// previous sums the previous version's lines of the notice's unit and its
// rooms (a room is its station's if it was then); empty without one.
func (n *Notices) previous(g *noticeGroup) previousGroup {
	pg := previousGroup{lines: map[lineKey]allocation.Fen{}, names: map[string]string{}}
	q := n.Previous
	if q == nil {
		return pg
	}
	code := n.Plan.Units[g.unit].Code
	for _, l := range q.Lines {
		u := &q.Units[l.Unit]
		var k lineKey
		switch {
		case u.Code == code:
			k = lineKey{u.Code, q.Categories[l.Category], l.Stage}
		case u.Tier == allocation.Room && u.Parent == code:
			k = lineKey{unit: u.Code}
		default:
			continue
		}
		if _, ok := pg.lines[k]; !ok {
			pg.order = append(pg.order, k)
		}
		pg.lines[k] += l.Amount
		pg.names[u.Code] = u.Name
		pg.total += l.Amount
	}
	return pg
}

func (n *Notices) docProps(b *book, subject string) *excelize.DocProperties {
	stamp := n.RunDate.UTC().Format(time.RFC3339)
	return &excelize.DocProperties{Title: b.title, Subject: subject, Creator: "fundalloc", LastModifiedBy: "fundalloc",
		Created: stamp, Modified: stamp, Category: "notice", Version: "1", Revision: "1",
		Language: map[lang]string{zh: "zh-CN", en: "en"}[b.l]}
}

// rowHeight is the height of a row whose text wraps in a column about
// width characters wide.
func rowHeight(text string, width int) float64 {
	lines := (int(displayWidth(text)) + width - 1) / width
	return 15 * float64(max(lines, 1))
}

// basis says what a line's amount rests on, in words, from the budget's
// recorded rules and the unit's own figures (DESIGN §7.1); a budget that
// does not record its rules gives the stage alone.
func (n *Notices) basis(l lang, b *book, line *allocation.Line) string {
	p, r := n.Plan, n.Rules
	u := &p.Units[line.Unit]
	switch line.Stage {
	case allocation.Directed:
		return l.t("notice.basis.directed")
	case allocation.HubProject:
		if r != nil {
			return l.t("notice.basis.hub", b.moneyText(r.Hub.Amount))
		}
	case allocation.Baseline:
		if r != nil {
			return l.t("notice.basis.baseline", u.SocialWorkers, b.moneyText(r.Baseline.PerWorker), b.moneyText(r.Baseline.PerStation))
		}
	case allocation.Pilot:
		if r != nil {
			return l.t("notice.basis.pilot", b.moneyText(r.Pilot.Amount))
		}
	case allocation.Demand, allocation.Rooms:
		if r != nil {
			if d := r.DriverIndex(int(line.Category), p.Drivers); d >= 0 && d < len(u.Drivers) {
				name := driverName(p.Drivers[d]).Localize(msg.Lang(l))
				if line.Stage == allocation.Rooms {
					return l.t("notice.basis.rooms", name, u.Drivers[d].String())
				}
				return l.t("notice.basis.demand", name, u.Drivers[d].String(), r.Factors[u.Grade].String())
			}
		}
	}
	return l.t("stage." + line.Stage.String())
}

// WriteNoticeIndex writes index.xlsx: every notice with its addressee, its
// file and its total; the total is a live SUM, set against the budget's
// total (every line) by a check cell.
func (n *Notices) WriteNoticeIndex(ctx context.Context, w io.Writer) error {
	l := langOf(n.Language)
	title := l.t("notice.indextitle", n.title(l), n.Version)
	b, _, err := n.newBook(ctx, title)
	if err != nil {
		return err
	}
	defer b.close()
	st := b.style
	sheet := l.t("sheet.noticeindex")
	if err := b.f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	cols := []column{{header: l.t("col.no"), style: st.int, width: 6}, {header: l.t("col.code"), style: st.text},
		{header: l.t("col.name"), style: st.text}, {header: l.t("col.addressee"), style: st.text},
		{header: l.t("col.operator"), style: st.text}, {header: l.t("col.file"), style: st.text},
		{header: b.amountHeader(l.t("col.amount")), style: st.amount, width: 18}}
	var total allocation.Fen
	for _, g := range n.groups {
		u := &n.Plan.Units[g.unit]
		cols[1].fit(u.Code)
		cols[2].fit(u.Name)
		cols[3].fit(addressee(u))
		cols[4].fit(u.Operator)
		cols[5].fit(NoticeFileName(u))
		total += g.total
	}
	t, err := b.newTable([]string{sheet}, cols, layout{})
	if err != nil {
		return err
	}
	for i, g := range n.groups {
		u := &n.Plan.Units[g.unit]
		if err := t.add([]xcell{intCell(st.int, i+1), textCell(st.text, u.Code),
			textCell(st.text, u.Name), textCell(st.text, addressee(u)),
			textCell(st.text, u.Operator), textCell(st.text, NoticeFileName(u)),
			b.moneyCell(st.amount, g.total)}); err != nil {
			return err
		}
	}
	t.end = t.row
	var budget allocation.Fen
	for _, line := range n.Plan.Lines {
		budget += line.Amount
	}
	pad := func(label string) []xcell {
		return []xcell{blankCell(st.bold), textCell(st.bold, label), blankCell(st.bold),
			blankCell(st.bold), blankCell(st.bold), blankCell(st.bold)}
	}
	tr := t.row + 1
	for _, r := range [][]xcell{
		append(pad(l.t("row.total")), b.moneyCell(st.boldAmount, total).withFormula(fmt.Sprintf("SUM(G2:G%d)", max(t.end, 2)))),
		append(pad(l.t("notice.budgettotal")), b.moneyCell(st.boldAmount, budget)),
		append(pad(l.t("row.check")), intCell(st.check, 0).withFormula(b.check(fmt.Sprintf("G%d-G%d", tr, tr+1)))),
	} {
		t.row++
		t.sx.row(t.row, r)
	}
	t.sx.tail.conditional = append(t.sx.tail.conditional, b.checkRule(cell(7, t.row)))
	t.sx.tail.page = n.pageSetup(b)
	t.sign()
	if err := t.finish(); err != nil {
		return err
	}
	if err := b.f.SetDocProps(n.docProps(b, title)); err != nil {
		return err
	}
	return b.save(w)
}
