package reports

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/sync/errgroup"

	"fundalloc/allocation"
	"fundalloc/reports/msg"
	"fundalloc/reports/outdir"
)

// maxSheetRows is how many rows one sheet holds; a longer table continues on
// a numbered next sheet. A variable so tests can make continuation cheap.
var maxSheetRows = excelize.TotalRows

// checkMoney refuses amounts a spreadsheet cannot show exactly: a cell is
// a binary double, exact to 15 significant digits.
func checkMoney(f allocation.Fen) error {
	if f > allocation.MaxExactFen || f < -allocation.MaxExactFen {
		return fmt.Errorf("amount %s has more than 15 significant digits: a spreadsheet cannot show it exactly", f)
	}
	return nil
}

// book is a workbook being written, with its styles and language. excelize
// holds the workbook (styles, names, charts); the sheets' rows are written
// by sheetXML into parts that replace excelize's empty sheets on saving.
type book struct {
	f     *excelize.File
	l     lang
	ctx   context.Context // the sheets stop writing once it is done
	doc   Document
	title string // the document's title, with the city: in every page header
	// tmp is where temporary parts go: the output folder, so a crashed
	// run's are cleaned up.
	tmp    *outdir.Dir
	mu     sync.Mutex
	temps  []*os.File      // every temporary file made, removed by close
	parts  map[string]part // sheet name → its worksheet part, written by sheetXML
	titles []string        // sheets whose first row is printed on every page
	names  []excelize.DefinedName
	// dateStyle shows a day number as yyyy-mm-dd; the books that show dates
	// make it.
	dateStyle int
	style     struct {
		title, header, text, amount, int, center, decimal, bold, boldAmount, check, note, wrap, pct, sign int
		bad                                                                                               int // a conditional format: a check that is not 0
	}
}

// The look the reports and the templates share.
const (
	fontFamily   = "Microsoft YaHei"
	amountFormat = "#,##0.00"
)

var thinBorder = []excelize.Border{{Type: "left", Color: "BFBFBF", Style: 1}, {Type: "right", Color: "BFBFBF", Style: 1},
	{Type: "top", Color: "BFBFBF", Style: 1}, {Type: "bottom", Color: "BFBFBF", Style: 1}}

// headerStyle is a table header: bold, bordered, wrapped, on a fill.
func headerStyle(fill string) excelize.Style {
	return excelize.Style{Font: &excelize.Font{Family: fontFamily, Bold: true, Size: 10}, Border: thinBorder,
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{fill}},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}}
}

// newBook starts a workbook in a language, presented as doc says, whose
// temporary files go to tmpDir (the system's temporary folder when it is
// "").
func newBook(ctx context.Context, language, tmpDir string, doc Document) (*book, error) {
	if tmpDir == "" {
		tmpDir = os.TempDir()
	}
	tmp, err := outdir.Open(tmpDir)
	if err != nil {
		return nil, err
	}
	b := &book{f: excelize.NewFile(), l: langOf(language), ctx: ctx, doc: doc, parts: map[string]part{}, tmp: tmp}
	amountFmt := doc.numFormat()
	top := &excelize.Alignment{Vertical: "top"} // rows whose basis wraps read from the top
	styles := []struct {
		id *int
		s  excelize.Style
	}{
		{&b.style.title, excelize.Style{Font: &excelize.Font{Family: fontFamily, Bold: true, Size: 14}}},
		{&b.style.header, headerStyle("DDEBF7")},
		{&b.style.text, excelize.Style{Font: &excelize.Font{Family: fontFamily, Size: 10}, Border: thinBorder, Alignment: top}},
		{&b.style.amount, excelize.Style{Font: &excelize.Font{Family: fontFamily, Size: 10}, Border: thinBorder, CustomNumFmt: &amountFmt, Alignment: top}},
		{&b.style.int, excelize.Style{Font: &excelize.Font{Family: fontFamily, Size: 10}, Border: thinBorder, NumFmt: 1, Alignment: top}},
		{&b.style.center, excelize.Style{Font: &excelize.Font{Family: fontFamily, Size: 10}, Border: thinBorder, NumFmt: 1,
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "top"}}},
		{&b.style.decimal, excelize.Style{Font: &excelize.Font{Family: fontFamily, Size: 10}, Border: thinBorder, NumFmt: 0, Alignment: top}},
		{&b.style.bold, excelize.Style{Font: &excelize.Font{Family: fontFamily, Bold: true, Size: 10}, Border: thinBorder}},
		{&b.style.boldAmount, excelize.Style{Font: &excelize.Font{Family: fontFamily, Bold: true, Size: 10}, Border: thinBorder, CustomNumFmt: &amountFmt}},
		{&b.style.check, excelize.Style{Font: &excelize.Font{Family: fontFamily, Bold: true, Size: 10, Color: "006100"}, Border: thinBorder,
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E2EFDA"}}, CustomNumFmt: &amountFmt}},
		{&b.style.note, excelize.Style{Font: &excelize.Font{Family: fontFamily, Italic: true, Size: 9, Color: "595959"}}},
		{&b.style.pct, excelize.Style{Font: &excelize.Font{Family: fontFamily, Size: 10}, Border: thinBorder, NumFmt: 10}},
		{&b.style.wrap, excelize.Style{Font: &excelize.Font{Family: fontFamily, Size: 10}, Border: thinBorder, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}},
		{&b.style.sign, excelize.Style{Font: &excelize.Font{Family: fontFamily, Size: 11}, Alignment: &excelize.Alignment{Vertical: "bottom"}}},
	}
	for _, s := range styles {
		id, err := b.f.NewStyle(&s.s)
		if err != nil {
			b.close()
			return nil, err
		}
		*s.id = id
	}
	bad, err := b.f.NewConditionalStyle(&excelize.Style{Font: &excelize.Font{Color: "9C0006", Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFC7CE"}}})
	if err != nil {
		return nil, err
	}
	b.style.bad = bad
	return b, nil
}

// tempFile makes a temporary file in b.tmp, which close removes whatever
// became of it: a sheet abandoned half-written (a full disk, an
// interruption) leaves nothing behind.
func (b *book) tempFile(kind string) (*os.File, error) {
	f, err := b.tmp.CreateTemp(TempPrefix + kind + "-")
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	b.temps = append(b.temps, f)
	b.mu.Unlock()
	return f, nil
}

// newSheet starts a worksheet part in a temporary file, unless ctx is done.
func (b *book) newSheet(setup sheetSetup) (*sheetXML, error) {
	if err := b.ctx.Err(); err != nil {
		return nil, err
	}
	f, err := b.tempFile("sheet")
	if err != nil {
		return nil, err
	}
	return newSheetXML(b.ctx, b.tmp, f, setup), nil
}

// check wraps the formula of a check cell: its value rounded to the fen,
// so that a spreadsheet's binary floating-point sums show exactly 0 when
// the totals agree (DESIGN §7.1).
func (b *book) check(expr string) string {
	return fmt.Sprintf("ROUND(%s,%d)", expr, b.doc.checkDecimals())
}

// checkRule colours the check cells in sqref (a range such as M2:M9) red
// when their value, rounded to the fen, is not 0.
func (b *book) checkRule(sqref string) conditional {
	first, _, _ := strings.Cut(sqref, ":")
	return conditional{sqref: sqref, formula: fmt.Sprintf("ROUND(%s,%d)<>0", first, b.doc.checkDecimals()), dxf: b.style.bad}
}

// sheetOrder returns the indexes of units in the order the sheets list
// them: the hub, then each station by code followed by its rooms by code.
// A room whose parent is not a station is left out.
func sheetOrder(units []allocation.Unit) []int {
	byCode := make([]int, len(units))
	for i := range byCode {
		byCode[i] = i
	}
	slices.SortFunc(byCode, func(a, b int) int { return strings.Compare(units[a].Code, units[b].Code) })
	rooms := map[string][]int{}
	var out []int
	for _, i := range byCode {
		switch units[i].Tier {
		case allocation.Hub:
			out = append(out, i)
		case allocation.Room:
			rooms[units[i].Parent] = append(rooms[units[i].Parent], i)
		}
	}
	for _, i := range byCode {
		if units[i].Tier == allocation.Station {
			out = append(out, i)
			out = append(out, rooms[units[i].Code]...)
		}
	}
	return out
}

// quoteSheet quotes a sheet name for a formula reference.
func quoteSheet(name string) string { return "'" + strings.ReplaceAll(name, "'", "''") + "'" }

// colRange returns e.g. 'Lines'!$M$2:$M$40.
func colRange(sheet string, col, first, last int) string {
	c := msg.ColumnName(col)
	return fmt.Sprintf("%s!$%s$%d:$%s$%d", quoteSheet(sheet), c, first, c, last)
}

func cell(col, row int) string {
	s, _ := excelize.CoordinatesToCellName(col, row)
	return s
}

// displayWidth estimates a column width for text: CJK characters count twice.
func displayWidth(s string) float64 {
	w := 0.0
	for _, r := range s {
		switch {
		case r >= 0x1100 && (r <= 0x115F || (r >= 0x2E80 && r <= 0xA4CF) || (r >= 0xAC00 && r <= 0xD7A3) ||
			(r >= 0xF900 && r <= 0xFAFF) || (r >= 0xFE30 && r <= 0xFE4F) || (r >= 0xFF00 && r <= 0xFF60) || (r >= 0xFFE0 && r <= 0xFFE6)):
			w += 2.1
		default:
			w += 1.1
		}
	}
	return w
}

// headerWidth is the width a header needs: headers wrap onto a second
// line, so a long one needs about half its length, and never more than a
// column of numbers does (16).
func headerWidth(h string) float64 {
	w := displayWidth(h) + 2
	if w <= 16 {
		return w
	}
	return max(16, w/2+2)
}

// wrapped gives a row the height its text needs when the text wraps in a
// column of the given width: spreadsheets do not all fit a row's height to
// wrapped text by themselves, and a cut-off sentence cannot be checked.
func wrapped(text string, width float64) excelize.RowOpts {
	// Printed widths, in widths of a digit: a CJK character takes about
	// two, a letter or a digit about one (displayWidth overestimates both,
	// which suits fitting a column but doubles rows of English).
	w := printedWidth(text)
	lines := math.Ceil(w / max(width-2, 1))
	if lines <= 1 {
		return excelize.RowOpts{}
	}
	return excelize.RowOpts{Height: 13.5 * lines}
}

// printedWidth adds up text's printed width for wrapped: 0.95 for a rune
// below U+1100, 1.9 for any other (an invalid byte reads as U+FFFD), rune
// by rune. Valid UTF-8 is measured by its lead bytes, without decoding.
func printedWidth(text string) float64 {
	w := 0.0
	if !utf8.ValidString(text) {
		for _, r := range text {
			if r < 0x1100 {
				w += 0.95
			} else {
				w += 1.9
			}
		}
		return w
	}
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case c < 0x80:
			w += 0.95
		case c < 0xC0: // a continuation byte
		case c < 0xE1: // U+0080 to U+0FFF
			w += 0.95
		case c == 0xE1: // U+1000 to U+1FFF: below U+1100 when the next byte is 0x80 to 0x83
			if text[i+1] < 0x84 {
				w += 0.95
			} else {
				w += 1.9
			}
		default:
			w += 1.9
		}
	}
	return w
}

// column describes one column of a streamed table.
type column struct {
	header string
	style  int
	width  float64 // grows to fit the content written through fit
}

func (c *column) fit(s string) {
	if w := displayWidth(s) + 2; w > c.width {
		c.width = min(w, 60)
	}
}

// fitAmount widens an amount column for f as the book shows it.
func (c *column) fitAmount(b *book, f allocation.Fen) {
	c.fit(b.moneyText(f))
}

// table streams a header and rows into one sheet, continuing on numbered
// sheets when the rows pass a sheet's limit. The sheets for the
// continuation are named by sheetsFor and created up front, so that the tab
// order is kept.
type table struct {
	b     *book
	names []string // sheet names, in order
	cols  []column
	lay   layout
	sx    *sheetXML
	sheet int   // index into names
	row   int   // last row written on the current sheet
	last  []int // last data row of each sheet
	end   int   // when set, the last data row (rows below it are a footer)
}

// sheetsFor returns the sheet names a table of n data rows needs.
func (b *book) sheetsFor(base string, n int) []string {
	per := maxSheetRows - 1
	count := max(1, (n+per-1)/per)
	names := []string{base}
	for i := 2; i <= count; i++ {
		names = append(names, b.l.t("sheet.continued", base, i))
	}
	return names
}

// layout says how a table's sheets are set up.
type layout struct {
	landscape bool // print landscape (always fitted to the page width)
	noMoney   bool // the table shows no amounts: its pages do not name a unit
	outline   bool // rows grouped under the row above them (rooms under stations)
	// conditional, when set, gives each sheet's conditional formats from
	// its last data row.
	conditional func(last int) []conditional
}

func (b *book) newTable(names []string, cols []column, lay layout) (*table, error) {
	t := &table{b: b, names: names, cols: cols, lay: lay, sheet: -1}
	return t, t.next()
}

// next finishes the current sheet and starts the next one with its header.
func (t *table) next() error {
	if err := t.finish(); err != nil {
		return err
	}
	t.sheet++
	if t.sheet >= len(t.names) {
		return fmt.Errorf("reports: table %s needs more sheets than reserved", t.names[0])
	}
	t.b.mu.Lock()
	t.b.titles = append(t.b.titles, t.names[t.sheet])
	t.b.mu.Unlock()
	widths := make([]float64, len(t.cols))
	for i, c := range t.cols {
		widths[i] = max(c.width, headerWidth(c.header), 8)
	}
	sx, err := t.b.newSheet(sheetSetup{widths: widths, freezeRow: true, outline: t.lay.outline, page: t.b.page(t.lay.landscape, !t.lay.noMoney)})
	if err != nil {
		return err
	}
	t.sx = sx
	hdr := make([]xcell, len(t.cols))
	for i, c := range t.cols {
		hdr[i] = textCell(t.b.style.header, c.header)
	}
	t.row = 1
	sx.row(1, hdr, excelize.RowOpts{Height: 30})
	return nil
}

// add writes one data row, moving to the next sheet when this one is full.
func (t *table) add(values []xcell, opts ...excelize.RowOpts) error {
	if t.row >= maxSheetRows {
		if err := t.next(); err != nil {
			return err
		}
	}
	t.row++
	t.sx.row(t.row, values, opts...)
	return t.sx.err
}

// sign writes the signature block (Document.Signatures and the date) below
// the rows written so far, after a blank row. Rows written after it are
// not data: set t.end first.
func (t *table) sign() {
	t.row += 2
	t.sx.row(t.row, []xcell{t.b.signatures()}, excelize.RowOpts{Height: 36})
}

// finish adds the filter and closes the current sheet.
func (t *table) finish() error {
	if t.sx == nil {
		return nil
	}
	last := t.row
	if t.end > 0 {
		last = t.end
	}
	t.last = append(t.last, last)
	name := t.names[t.sheet]
	if last > 1 {
		t.sx.tail.autoFilter = "A1:" + cell(len(t.cols), last)
	}
	if t.lay.conditional != nil && last > 1 {
		t.sx.tail.conditional = append(t.lay.conditional(last), t.sx.tail.conditional...)
	}
	pt, err := t.sx.close()
	t.sx = nil
	if err != nil {
		return err
	}
	t.b.mu.Lock()
	t.b.parts[name] = pt
	t.b.mu.Unlock()
	return nil
}

// writeTable writes n rows over the table's sheets (names, from sheetsFor),
// each sheet on its own goroutine; fill writes rows from to to-1 of a
// sheet's share through t.add. The returned table knows every sheet's last
// row, for formulas that refer to it.
func (b *book) writeTable(names []string, cols []column, lay layout, n int, fill func(t *table, from, to int) error) (*table, error) {
	per := maxSheetRows - 1
	last := make([]int, len(names))
	jobs := make([]func() error, len(names))
	for k := range names {
		jobs[k] = func() error {
			t, err := b.newTable(names[k:k+1], cols, lay)
			if err != nil {
				return err
			}
			if err := fill(t, min(n, k*per), min(n, (k+1)*per)); err != nil {
				return err
			}
			if err := t.finish(); err != nil {
				return err
			}
			last[k] = t.last[0]
			return nil
		}
	}
	if err := parallel(jobs...); err != nil {
		return nil, err
	}
	return &table{b: b, names: names, cols: cols, last: last}, nil
}

// acrossSheets returns a formula over every sheet of the table: f of each
// sheet's name and last data row, joined by "+".
func (t *table) acrossSheets(f func(sheet string, last int) string) string {
	parts := make([]string, len(t.names))
	for i, name := range t.names {
		parts[i] = f(name, max(t.last[i], 2))
	}
	return strings.Join(parts, "+")
}

// sum returns a formula summing column col over every sheet of the table.
func (t *table) sum(col int) string {
	return t.acrossSheets(func(sheet string, last int) string {
		return "SUM(" + colRange(sheet, col, 2, last) + ")"
	})
}

// countIf returns a formula counting the cells of column col that match
// the criterion crit over every sheet of the table.
func (t *table) countIf(col int, crit string) string {
	return t.acrossSheets(func(sheet string, last int) string {
		return "COUNTIF(" + colRange(sheet, col, 2, last) + "," + formulaString(crit) + ")"
	})
}

// sumIfs returns a formula summing column sumCol over every sheet of the
// table where each criteria column equals its value: a string matches that
// text exactly (see exactCriterion), a criterionOp is used as it is.
func (t *table) sumIfs(sumCol int, criteria ...any) string {
	return t.acrossSheets(func(sheet string, last int) string {
		var b strings.Builder
		fmt.Fprintf(&b, "SUMIFS(%s", colRange(sheet, sumCol, 2, last))
		for k := 0; k+1 < len(criteria); k += 2 {
			var crit string
			switch c := criteria[k+1].(type) {
			case criterionOp:
				crit = string(c)
			case string:
				crit = exactCriterion(c)
			}
			fmt.Fprintf(&b, ",%s,%s", colRange(sheet, criteria[k].(int), 2, last), formulaString(crit))
		}
		b.WriteString(")")
		return b.String()
	})
}

// criterionOp is a SUMIFS criterion written as it is, operator and all,
// such as "<>" (not blank).
type criterionOp string

// exactCriterion is a SUMIFS criterion that matches the text s and nothing
// else. Unit codes come from the input files, and a spreadsheet reads a
// criterion as an operator and a pattern: "=S1" would match "S1", and "S*"
// every code starting with S, when the workbook is recalculated. The
// leading "=" makes the rest a literal, whatever it starts with, and ~
// escapes the wildcards * and ? (and itself).
func exactCriterion(s string) string { return "=" + criterionEscaper.Replace(s) }

var criterionEscaper = strings.NewReplacer("~", "~~", "*", "~*", "?", "~?")

// formulaString quotes text for use inside a formula.
func formulaString(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// text makes an input string safe to write through excelize's own API (the
// templates): control characters an xlsx file cannot hold are dropped.
// Sheets written by sheetXML are made safe there.
func text(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' {
			return -1
		}
		if r == 0xFFFE || r == 0xFFFF {
			return -1
		}
		return r
	}, s)
}

// writeGrid writes a small sheet collected in a grid, with the column
// widths, print setup and drawing of setup and the grid's conditional
// formats. A chart added to the sheet through excelize stays attached.
func (b *book) writeGrid(sheet string, g *grid, setup sheetSetup) error {
	setup.conditional = append(setup.conditional, g.conditional...)
	sx, err := b.newSheet(setup)
	if err != nil {
		return err
	}
	for i, r := range g.rows {
		if len(r) > 0 {
			sx.row(i+1, r)
		}
	}
	pt, err := sx.close()
	if err != nil {
		return err
	}
	b.mu.Lock()
	b.parts[sheet] = pt
	b.mu.Unlock()
	return nil
}

// chart is a one-series chart without a legend on a grid sheet: the
// series is named by the header in row hdr of column values (a letter),
// its categories are column labels and its values column values, rows
// first to last. Its value axis shows numbers with thousands separators
// in the format valueFormat, under the title axis (which names the unit).
type chart struct {
	typ                         excelize.ChartType
	title, axis                 string
	labels, values, valueFormat string
	hdr, first, last            int
	width, height               uint
}

// gridWidths gives excelize the column widths of a grid sheet, so that the
// charts it anchors there span the columns they are drawn over, and
// returns that span in pixels (excelize's conversion: 7 pixels a
// character and 5 of padding).
func (b *book) gridWidths(sheet string, widths []float64) (uint, error) {
	px := 0.0
	for i, w := range widths {
		col := msg.ColumnName(i + 1)
		if err := b.f.SetColWidth(sheet, col, col, w); err != nil {
			return 0, err
		}
		px += math.Ceil(w*7 + 0.5 + 5)
	}
	return uint(px), nil
}

// addChart adds c at cell at of a grid sheet.
func (b *book) addChart(sheet, at string, c chart) error {
	q := quoteSheet(sheet)
	font := excelize.Font{Family: fontFamily, Size: 9, Color: "404040"}
	valueAxis := excelize.ChartAxis{NumFmt: excelize.ChartNumFmt{CustomNumFmt: c.valueFormat}, MajorGridLines: true, Font: font,
		Title: excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: c.axis, Font: &excelize.Font{Family: fontFamily, Size: 9, Color: "404040"}}}}}
	return b.f.AddChart(sheet, at, &excelize.Chart{
		Type: c.typ,
		Series: []excelize.ChartSeries{{Name: fmt.Sprintf("%s!$%s$%d", q, c.values, c.hdr),
			Categories: fmt.Sprintf("%s!$%s$%d:$%s$%d", q, c.labels, c.first, c.labels, c.last),
			Values:     fmt.Sprintf("%s!$%s$%d:$%s$%d", q, c.values, c.first, c.values, c.last)}},
		Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: c.title, Font: &excelize.Font{Family: fontFamily, Size: 12, Bold: true}}}},
		Legend:    excelize.ChartLegend{Position: "none"},
		XAxis:     excelize.ChartAxis{Font: font},
		YAxis:     valueAxis,
		Dimension: excelize.ChartDimension{Width: c.width, Height: c.height},
	})
}

// moneyAxisFormat is the number format of a chart's money axis: whole
// yuan, or 万元 to two decimals, with thousands separators.
func (b *book) moneyAxisFormat() string {
	if b.doc.Unit == UnitWan {
		return "#,##0.00"
	}
	return "#,##0"
}

// save defines the print titles and the book's names and writes the
// workbook to w.
func (b *book) save(w io.Writer) error {
	slices.Sort(b.titles)
	for _, name := range b.titles {
		if err := b.f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: quoteSheet(name) + "!$1:$1", Scope: name}); err != nil {
			return err
		}
	}
	for _, n := range b.names {
		if err := b.f.SetDefinedName(&n); err != nil {
			return err
		}
	}
	return saveDeterministic(b, w)
}

// close removes the book's temporary files and releases it.
func (b *book) close() {
	for _, f := range b.temps {
		f.Close()
		b.tmp.Remove(outdir.TempName(f))
	}
	b.temps = nil
	b.tmp.Close()
	b.f.Close()
}

// parallel runs the functions on up to GOMAXPROCS goroutines and returns
// the first error. The sheet writers it runs share nothing but b.parts.
func parallel(fns ...func() error) error {
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for _, fn := range fns {
		g.Go(fn)
	}
	return g.Wait()
}
