package reports

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"fundalloc/allocation"
)

// maxSheetRows is how many rows one sheet holds; a longer table continues on
// a numbered next sheet. A variable so tests can make continuation cheap.
var maxSheetRows = excelize.TotalRows

// maxExactFen is the largest amount a spreadsheet shows exactly: 15
// significant digits (10 trillion yuan).
const maxExactFen = 999_999_999_999_999

// money converts fen to the number a spreadsheet cell holds. This is the one
// place money meets float64, because an xlsx numeric cell is a double: for
// amounts of up to 15 significant digits, the double nearest to fen/100 is
// written by excelize with the shortest round-trip formatting, which is the
// exact decimal text (1234.56). Larger amounts are refused by checkMoney.
func money(f allocation.Fen) float64 { return float64(f) / 100 }

func checkMoney(f allocation.Fen) error {
	if f > maxExactFen || f < -maxExactFen {
		return fmt.Errorf("amount %s has more than 15 significant digits: a spreadsheet cannot show it exactly", f)
	}
	return nil
}

// ratio converts a weight, factor or driver value for display; these are
// not money.
func ratio(r allocation.Ratio) float64 {
	v, _ := strconv.ParseFloat(r.String(), 64)
	return v
}

// book is a workbook being written, with its styles and language.
type book struct {
	f     *excelize.File
	l     lang
	style struct {
		title, header, text, amount, int, decimal, bold, boldAmount, check, note, wrap, pct int
	}
}

func newBook(language string) (*book, error) {
	b := &book{f: excelize.NewFile(), l: langOf(language)}
	font := "Microsoft YaHei"
	border := []excelize.Border{{Type: "left", Color: "BFBFBF", Style: 1}, {Type: "right", Color: "BFBFBF", Style: 1},
		{Type: "top", Color: "BFBFBF", Style: 1}, {Type: "bottom", Color: "BFBFBF", Style: 1}}
	amountFmt := "#,##0.00"
	styles := []struct {
		id *int
		s  excelize.Style
	}{
		{&b.style.title, excelize.Style{Font: &excelize.Font{Family: font, Bold: true, Size: 14}}},
		{&b.style.header, excelize.Style{Font: &excelize.Font{Family: font, Bold: true, Size: 10}, Border: border,
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
			Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}}},
		{&b.style.text, excelize.Style{Font: &excelize.Font{Family: font, Size: 10}, Border: border}},
		{&b.style.amount, excelize.Style{Font: &excelize.Font{Family: font, Size: 10}, Border: border, CustomNumFmt: &amountFmt}},
		{&b.style.int, excelize.Style{Font: &excelize.Font{Family: font, Size: 10}, Border: border, NumFmt: 1}},
		{&b.style.decimal, excelize.Style{Font: &excelize.Font{Family: font, Size: 10}, Border: border, NumFmt: 0}},
		{&b.style.bold, excelize.Style{Font: &excelize.Font{Family: font, Bold: true, Size: 10}, Border: border}},
		{&b.style.boldAmount, excelize.Style{Font: &excelize.Font{Family: font, Bold: true, Size: 10}, Border: border, CustomNumFmt: &amountFmt}},
		{&b.style.check, excelize.Style{Font: &excelize.Font{Family: font, Bold: true, Size: 10, Color: "006100"}, Border: border,
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E2EFDA"}}, CustomNumFmt: &amountFmt}},
		{&b.style.note, excelize.Style{Font: &excelize.Font{Family: font, Italic: true, Size: 9, Color: "595959"}}},
		{&b.style.pct, excelize.Style{Font: &excelize.Font{Family: font, Size: 10}, Border: border, NumFmt: 10}},
		{&b.style.wrap, excelize.Style{Font: &excelize.Font{Family: font, Size: 10}, Border: border, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}},
	}
	for _, s := range styles {
		id, err := b.f.NewStyle(&s.s)
		if err != nil {
			return nil, err
		}
		*s.id = id
	}
	return b, nil
}

// quoteSheet quotes a sheet name for a formula reference.
func quoteSheet(name string) string { return "'" + strings.ReplaceAll(name, "'", "''") + "'" }

// cellRef returns e.g. 'Lines'!$M$2:$M$40.
func colRange(sheet string, col, first, last int) string {
	c := ColumnLetters(col)
	return fmt.Sprintf("%s!$%s$%d:$%s$%d", quoteSheet(sheet), c, first, c, last)
}

// ColumnLetters returns the letters of 1-based column n.
func ColumnLetters(n int) string {
	s, _ := excelize.ColumnNumberToName(n)
	return s
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

// fitAmount widens an amount column for f formatted with separators.
func (c *column) fitAmount(f allocation.Fen) {
	c.fit(Yuan(f))
}

// table streams a header and rows into one sheet, continuing on numbered
// sheets when the rows pass a sheet's limit. Sheets for the continuation
// must be reserved up front with reserveSheets so that tab order is kept.
type table struct {
	b           *book
	names       []string // sheet names, in order
	cols        []column
	sw          *excelize.StreamWriter
	sheet       int // index into names
	row         int // last row written on the current sheet
	rows        int // data rows written in all
	setup       func(sheet string) error
	last        []int // last data row of each sheet
	landsc      bool
	outline     bool
	end         int // when set, the last data row (rows below it are a footer)
	beforeFlush func(sheet string, last int) error
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
	landscape bool // print landscape, fitted to the page width
	outline   bool // rows grouped under the row above them (rooms under stations)
	// beforeFlush, when set, runs on each sheet before it is flushed, with
	// the sheet's last data row (e.g. to add conditional formats).
	beforeFlush func(sheet string, last int) error
}

func (b *book) newTable(names []string, cols []column, lay layout) (*table, error) {
	t := &table{b: b, names: names, cols: cols, sheet: -1, landsc: lay.landscape, outline: lay.outline, beforeFlush: lay.beforeFlush}
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
	name := t.names[t.sheet]
	f := t.b.f
	if t.landsc {
		orient, one, zero, fit := "landscape", 1, 0, true
		if err := f.SetPageLayout(name, &excelize.PageLayoutOptions{Orientation: &orient, FitToWidth: &one, FitToHeight: &zero}); err != nil {
			return err
		}
		if err := f.SetSheetProps(name, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
			return err
		}
	}
	if t.outline {
		below := false
		if err := f.SetSheetProps(name, &excelize.SheetPropsOptions{OutlineSummaryBelow: &below}); err != nil {
			return err
		}
	}
	if err := f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: quoteSheet(name) + "!$1:$1", Scope: name}); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	t.sw = sw
	for i, c := range t.cols {
		w := max(c.width, displayWidth(c.header)+2, 8)
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	hdr := make([]any, len(t.cols))
	for i, c := range t.cols {
		hdr[i] = excelize.Cell{StyleID: t.b.style.header, Value: c.header}
	}
	t.row = 1
	return sw.SetRow("A1", hdr, excelize.RowOpts{Height: 30})
}

// add writes one data row, moving to the next sheet when this one is full.
func (t *table) add(values []any, opts ...excelize.RowOpts) error {
	if t.row >= maxSheetRows {
		if err := t.next(); err != nil {
			return err
		}
	}
	t.row++
	t.rows++
	return t.sw.SetRow(cell(1, t.row), values, opts...)
}

// finish adds the filter and flushes the current sheet.
func (t *table) finish() error {
	if t.sw == nil {
		return nil
	}
	last := t.row
	if t.end > 0 {
		last = t.end
	}
	t.last = append(t.last, last)
	name := t.names[t.sheet]
	if last > 1 {
		ref := "A1:" + cell(len(t.cols), last)
		if err := t.b.f.AutoFilter(name, ref, nil); err != nil {
			return err
		}
	}
	if t.beforeFlush != nil {
		if err := t.beforeFlush(name, last); err != nil {
			return err
		}
	}
	err := t.sw.Flush()
	t.sw = nil
	return err
}

// sumIfs returns a formula summing column sumCol over every sheet of the
// table where each criteria column equals its value.
func (t *table) sumIfs(sumCol int, criteria ...any) string {
	var parts []string
	for i, name := range t.names {
		last := max(t.last[i], 2)
		var b strings.Builder
		fmt.Fprintf(&b, "SUMIFS(%s", colRange(name, sumCol, 2, last))
		for k := 0; k+1 < len(criteria); k += 2 {
			fmt.Fprintf(&b, ",%s,%s", colRange(name, criteria[k].(int), 2, last), formulaString(criteria[k+1].(string)))
		}
		b.WriteString(")")
		parts = append(parts, b.String())
	}
	return strings.Join(parts, "+")
}

// formulaString quotes text for use inside a formula.
func formulaString(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// text makes an input string safe to write: it is always written as a text
// cell (never a formula, whatever it starts with), and control characters an
// xlsx file cannot hold are dropped.
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

// streamGrid writes a small sheet collected in a grid, portrait and fitted
// to the page width, with the given column widths.
func (b *book) streamGrid(sheet string, g *grid, widths []float64) error {
	f := b.f
	orient, one, zero, fit := "portrait", 1, 0, true
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Orientation: &orient, FitToWidth: &one, FitToHeight: &zero}); err != nil {
		return err
	}
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	for i, w := range widths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	for i, r := range g.rows {
		if len(r) == 0 {
			continue
		}
		if err := sw.SetRow(cell(1, i+1), r); err != nil {
			return err
		}
	}
	return sw.Flush()
}
