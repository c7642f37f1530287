package reports

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"fundalloc/allocation"
	"fundalloc/reports/msg"
)

// TemplateRows is how many data rows of a template carry its drop-down
// lists and checks: rows 2 to TemplateRows+1. Number formats are column
// styles and cover every row.
const TemplateRows = 10000

// maxDropDown is the most values a spreadsheet's drop-down list shows; a
// longer list of unit codes gets no drop-down.
const maxDropDown = 32767

// TemplateKind is one of the blank input workbooks (DESIGN §3).
type TemplateKind int

// The templates, one per input table.
const (
	UnitsTemplate  TemplateKind = iota // units.xlsx, DESIGN §3.1
	FundsTemplate                      // funds.xlsx, DESIGN §3.2
	LedgerTemplate                     // ledger.xlsx, DESIGN §3.3
)

// TemplateKinds returns every template kind in the order they are written.
func TemplateKinds() []TemplateKind {
	return []TemplateKind{UnitsTemplate, FundsTemplate, LedgerTemplate}
}

func (k TemplateKind) String() string {
	switch k {
	case UnitsTemplate:
		return "units"
	case FundsTemplate:
		return "funds"
	case LedgerTemplate:
		return "ledger"
	}
	return fmt.Sprintf("TemplateKind(%d)", int(k))
}

// FileName is the template's file name: units.xlsx, funds.xlsx, ledger.xlsx.
func (k TemplateKind) FileName() string { return k.String() + ".xlsx" }

// Template is what the blank input workbooks offer beyond their headers.
type Template struct {
	Language   string    // zh or en: sheet names, notes and drop-down values
	RunDate    time.Time // the workbook's creation date, so a re-run gives the same bytes
	Categories []allocation.Category
	// FiscalYear bounds the ledger's dates to that calendar year; 0 accepts
	// any date.
	FiscalYear int
	// ParentCodes (the hub's and the stations' codes) and UnitCodes (every
	// unit's code) feed the unit-code drop-downs; nil means no drop-down.
	ParentCodes []string
	UnitCodes   []string
	// UnitsFile names the units file the codes came from, for the notes.
	UnitsFile string
	// TempDir is where temporary files go: the folder the templates are
	// written to; "" for the system's temporary folder.
	TempDir string
	// The input tables' columns in order, as the readers define them: the
	// caller takes them from the readers, so that a template offers what
	// its reader accepts. Drivers are the usual demand drivers, which the
	// units template offers after the units' own columns.
	UnitColumns, Drivers, FundColumns, LedgerColumns []TemplateColumn
}

// TemplateColumn is a column of an input table as a template offers it: its
// name (the one messages and the configuration's columns: use), its Chinese
// header, and whether the reader requires it.
type TemplateColumn struct {
	Name, Zh string
	Required bool
}

// field says how a template column is checked and formatted.
type field int

const (
	fText     field = iota // free text
	fCode                  // an identifier: a text cell, so leading zeros stay
	fEnum                  // a fixed drop-down list; other values are refused
	fCodes                 // a drop-down of unit codes; other values only warn
	fWhole                 // a whole number ≥ 0
	fYear                  // contract year: a whole number 1–3
	fNumber                // a driver: a number ≥ 0
	fPositive              // money > 0 with at most 2 decimals
	fNonZero               // money ≠ 0 with at most 2 decimals
	fDate                  // a date, inside the fiscal year when one is known
)

// tplColumn is one column of a template's data sheet.
type tplColumn struct {
	col    TemplateColumn
	field  field
	rule   string   // label key of the rule in words
	list   []string // drop-down values (fEnum, fCodes)
	also   []string // further accepted values, for the notes
	values string   // allowed values in words, for the notes
	width  float64
	source int // the lists sheet's column that holds list; set by writeTemplateLists
}

// header is the column's bilingual header, Chinese first: "编码 code".
func (c *tplColumn) header() string { return c.col.Zh + " " + c.col.Name }

// templateColumns lists the columns of a template with their checks.
func templateColumns(kind TemplateKind, t *Template, l lang) ([]tplColumn, error) {
	listOf := func(key string) (mine, other []string) {
		return strings.Split(l.t(key), "|"), strings.Split((1 - l).t(key), "|")
	}
	var catNames, catOther []string
	for _, c := range t.Categories {
		zhName := c.Zh
		if zhName == "" {
			zhName = c.Code
		}
		if l == zh {
			catNames = append(catNames, zhName)
			catOther = append(catOther, c.Code)
		} else {
			catNames = append(catNames, c.Code)
			catOther = append(catOther, zhName)
		}
	}
	units := text(t.UnitsFile)
	codes := func(list []string, key, none string) (field, []string, string) {
		switch {
		case len(list) == 0:
			return fCode, nil, l.t(none)
		case len(list) > maxDropDown:
			return fCode, nil, l.t("template.values.many", units, len(list))
		}
		return fCodes, list, l.t(key, units, len(list))
	}
	var cols []tplColumn
	add := func(c TemplateColumn, f field, rule string, list, also []string, values string, width float64) {
		cols = append(cols, tplColumn{col: c, field: f, rule: rule, list: list, also: also, values: values, width: width})
	}
	yearValues := l.t("template.values.date")
	if t.FiscalYear > 0 {
		yearValues = l.t("template.values.year", t.FiscalYear, t.FiscalYear)
	}
	switch kind {
	case UnitsTemplate:
		for _, c := range t.UnitColumns {
			rule := "template.rule.units." + c.Name
			switch c.Name {
			case "code":
				add(c, fCode, rule, nil, nil, "", 14)
			case "name":
				add(c, fText, rule, nil, nil, "", 28)
			case "tier":
				mine, other := listOf("template.list.tier")
				add(c, fEnum, rule, mine, other, "", 0)
			case "parent":
				f, list, values := codes(t.ParentCodes, "template.values.parent", "template.values.parents")
				add(c, f, rule, list, nil, values, 16)
			case "social_workers":
				add(c, fWhole, rule, nil, nil, l.t("template.values.whole0"), 0)
			case "pilot":
				mine, other := listOf("template.list.pilot")
				add(c, fEnum, rule, mine, other, "", 0)
			case "grade":
				mine, other := listOf("template.list.grade")
				add(c, fEnum, rule, mine, other, "", 0)
			case "contract_year":
				add(c, fYear, rule, nil, nil, l.t("template.values.years"), 0)
			case "operator", "town":
				add(c, fText, rule, nil, nil, "", 28)
			default:
				return nil, fmt.Errorf("reports: no template rule for units column %s", c.Name)
			}
		}
		for _, c := range t.Drivers {
			add(c, fNumber, "template.rule.driver", nil, nil, l.t("template.values.number"), 14)
		}
	case FundsTemplate:
		for _, c := range t.FundColumns {
			rule := "template.rule.funds." + c.Name
			switch c.Name {
			case "id":
				add(c, fCode, rule, nil, nil, "", 14)
			case "category":
				add(c, fEnum, rule, catNames, catOther, "", 0)
			case "provider":
				add(c, fText, rule, nil, nil, "", 24)
			case "description":
				add(c, fText, rule, nil, nil, "", 36)
			case "amount":
				add(c, fPositive, rule, nil, nil, l.t("template.values.pos"), 18)
			case "designated_unit":
				f, list, values := codes(t.UnitCodes, "template.values.units", "template.values.codes")
				add(c, f, rule, list, nil, values, 0)
			case "fund_type", "fund_source":
				mine, other := listOf("template.list." + c.Name)
				add(c, fEnum, rule, mine, other, "", 0)
			case "document_no":
				add(c, fText, rule, nil, nil, "", 24)
			default:
				return nil, fmt.Errorf("reports: no template rule for fund column %s", c.Name)
			}
		}
	case LedgerTemplate:
		for _, c := range t.LedgerColumns {
			rule := "template.rule.ledger." + c.Name
			switch c.Name {
			case "voucher":
				add(c, fCode, rule, nil, nil, "", 16)
			case "date":
				add(c, fDate, rule, nil, nil, yearValues, 14)
			case "unit":
				f, list, values := codes(t.UnitCodes, "template.values.units", "template.values.codes")
				add(c, f, rule, list, nil, values, 0)
			case "category":
				add(c, fEnum, rule, catNames, catOther, "", 0)
			case "amount":
				add(c, fNonZero, rule, nil, nil, l.t("template.values.nonzero"), 18)
			case "description":
				add(c, fText, rule, nil, nil, "", 36)
			default:
				return nil, fmt.Errorf("reports: no template rule for ledger column %s", c.Name)
			}
		}
	default:
		return nil, fmt.Errorf("reports: unknown template %v", kind)
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("reports: no columns for the %v template", kind)
	}
	for i := range cols {
		c := &cols[i]
		if c.field == fEnum && c.values == "" {
			c.values = strings.Join(c.list, l.t("sep")) + l.t("template.also", strings.Join(c.also, l.t("sep")))
		}
		c.width = max(c.width, displayWidth(c.header())+3, 10)
		for _, v := range c.list {
			c.width = max(c.width, min(displayWidth(v)+4, 40))
		}
	}
	return cols, nil
}

// tplStyles are the styles of a template workbook.
type tplStyles struct {
	required, optional           int // header cells
	text, code, whole, number    int // column styles
	amount, date                 int
	title, note, head, wrap, req int // the notes sheet
}

// templateStyles adds the templates' own styles to the book's.
func (b *book) templateStyles() (*tplStyles, error) {
	s := tplStyles{optional: b.style.header, title: b.style.title, head: b.style.header, wrap: b.style.wrap}
	plain := func() *excelize.Font { return &excelize.Font{Family: fontFamily, Size: 10} }
	amountFmt, dateFmt := amountFormat, "yyyy-mm-dd"
	styles := []struct {
		id *int
		s  excelize.Style
	}{
		{&s.required, headerStyle("F8CBAD")},
		{&s.text, excelize.Style{Font: plain()}},
		{&s.code, excelize.Style{Font: plain(), NumFmt: 49}}, // @: text
		{&s.whole, excelize.Style{Font: plain(), NumFmt: 1}}, // 0
		{&s.number, excelize.Style{Font: plain()}},
		{&s.amount, excelize.Style{Font: plain(), CustomNumFmt: &amountFmt}},
		{&s.date, excelize.Style{Font: plain(), CustomNumFmt: &dateFmt}},
		{&s.note, excelize.Style{Font: plain(), Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
		{&s.req, excelize.Style{Font: &excelize.Font{Family: fontFamily, Bold: true, Size: 10, Color: "C00000"}, Border: thinBorder,
			Alignment: &excelize.Alignment{Vertical: "top"}}},
	}
	for _, st := range styles {
		id, err := b.f.NewStyle(&st.s)
		if err != nil {
			return nil, err
		}
		*st.id = id
	}
	return &s, nil
}

// WriteTemplate writes one blank input workbook: a data sheet whose row 1
// holds the bilingual headers the readers in sources accept, with drop-down
// lists (fed from a hidden lists sheet), checks and number formats on the
// data rows; a notes sheet explaining every column; and the hidden lists
// sheet. The same Template gives the same bytes.
func WriteTemplate(w io.Writer, kind TemplateKind, t *Template) error {
	if len(t.Categories) == 0 {
		return errors.New("reports: a template needs the category list")
	}
	b, err := newBook(context.Background(), t.Language, t.TempDir, Document{}) // small: done in a moment
	if err != nil {
		return err
	}
	defer b.close()
	f, l := b.f, b.l
	cols, err := templateColumns(kind, t, l)
	if err != nil {
		return err
	}
	st, err := b.templateStyles()
	if err != nil {
		return err
	}
	data := l.t("template.sheet." + kind.String())
	notes := l.t("template.sheet.notes")
	lists := l.t("template.sheet.lists")
	if err := f.SetSheetName("Sheet1", data); err != nil {
		return err
	}
	for _, name := range []string{notes, lists} {
		if _, err := f.NewSheet(name); err != nil {
			return err
		}
	}
	if err := writeTemplateLists(f, lists, cols); err != nil {
		return err
	}
	if err := writeTemplateData(f, l, data, lists, cols, st, t); err != nil {
		return err
	}
	if err := writeTemplateNotes(f, l, notes, lists, kind, cols, st, t); err != nil {
		return err
	}
	if err := f.SetSheetVisible(lists, false); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	stamp := t.RunDate.UTC().Format(time.RFC3339)
	title := l.t("template.title." + kind.String())
	if err := f.SetDocProps(&excelize.DocProperties{
		Title:          title,
		Subject:        title,
		Creator:        "fundalloc",
		LastModifiedBy: "fundalloc",
		Created:        stamp,
		Modified:       stamp,
		Description:    "fundalloc input template: " + kind.String(),
		Language:       map[lang]string{zh: "zh-CN", en: "en"}[l],
		Keywords:       "fundalloc template " + kind.String(),
		Category:       "template",
		Version:        "1",
		Revision:       "1",
	}); err != nil {
		return err
	}
	return saveDeterministic(b, w)
}

// writeTemplateLists writes each drop-down list into its own column of the
// lists sheet: the data column's header in row 1, the values below.
func writeTemplateLists(f *excelize.File, sheet string, cols []tplColumn) error {
	n := 0
	for i := range cols {
		c := &cols[i]
		if len(c.list) == 0 {
			continue
		}
		n++
		c.source = n
		if err := f.SetCellStr(sheet, cell(n, 1), c.header()); err != nil {
			return err
		}
		width := displayWidth(c.header()) + 2
		for r, v := range c.list {
			if err := f.SetCellStr(sheet, cell(n, r+2), text(v)); err != nil {
				return err
			}
			width = max(width, min(displayWidth(v)+2, 40))
		}
		if err := f.SetColWidth(sheet, msg.ColumnName(n), msg.ColumnName(n), width); err != nil {
			return err
		}
	}
	return nil
}

// formulaXML escapes a formula for a data validation, which excelize writes
// into the sheet's XML as it is.
var formulaXML = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func writeTemplateData(f *excelize.File, l lang, sheet, lists string, cols []tplColumn, st *tplStyles, t *Template) error {
	last := TemplateRows + 1
	for i := range cols {
		c := &cols[i]
		col := msg.ColumnName(i + 1)
		style := st.text
		switch c.field {
		case fCode, fCodes:
			style = st.code
		case fWhole, fYear:
			style = st.whole
		case fNumber:
			style = st.number
		case fPositive, fNonZero:
			style = st.amount
		case fDate:
			style = st.date
		}
		if err := f.SetColStyle(sheet, col, style); err != nil {
			return err
		}
		if err := f.SetColWidth(sheet, col, col, c.width); err != nil {
			return err
		}
		hstyle := st.optional
		if c.col.Required {
			hstyle = st.required
		}
		ref := cell(i+1, 1)
		if err := f.SetCellStr(sheet, ref, c.header()); err != nil {
			return err
		}
		if err := f.SetCellStyle(sheet, ref, ref, hstyle); err != nil {
			return err
		}

		dv := excelize.NewDataValidation(true)
		dv.Sqref = fmt.Sprintf("%s2:%s%d", col, col, last)
		errStyle := excelize.DataValidationErrorStyleStop
		top := col + "2" // custom formulas are relative to the range's first cell
		switch c.field {
		case fText, fCode:
			continue
		case fEnum, fCodes:
			dv.SetSqrefDropList(colRange(lists, c.source, 2, len(c.list)+1))
			if c.field == fCodes {
				errStyle = excelize.DataValidationErrorStyleWarning
			}
		case fWhole:
			dv.Type, dv.Operator, dv.Formula1 = "whole", "greaterThanOrEqual", "0"
		case fYear:
			dv.Type, dv.Operator, dv.Formula1, dv.Formula2 = "whole", "between", "1", "3"
		case fNumber:
			dv.Type, dv.Operator, dv.Formula1 = "decimal", "greaterThanOrEqual", "0"
		case fPositive:
			dv.Type = "custom"
			dv.Formula1 = formulaXML.Replace(fmt.Sprintf("AND(ISNUMBER(%s),%s>0,ROUND(%s,2)=%s)", top, top, top, top))
		case fNonZero:
			dv.Type = "custom"
			dv.Formula1 = formulaXML.Replace(fmt.Sprintf("AND(ISNUMBER(%s),%s<>0,ROUND(%s,2)=%s)", top, top, top, top))
		case fDate:
			dv.Type = "date"
			if t.FiscalYear > 0 {
				dv.Operator = "between"
				dv.Formula1 = fmt.Sprintf("DATE(%d,1,1)", t.FiscalYear)
				dv.Formula2 = fmt.Sprintf("DATE(%d,12,31)", t.FiscalYear)
			} else {
				dv.Operator, dv.Formula1 = "greaterThanOrEqual", "DATE(1900,1,1)"
			}
		}
		rule := l.t(c.rule)
		dv.SetError(errStyle, c.header(), rule)
		dv.SetInput(c.header(), rule)
		if err := f.AddDataValidation(sheet, dv); err != nil {
			return err
		}
	}
	end := msg.ColumnName(len(cols))
	if err := f.AutoFilter(sheet, fmt.Sprintf("A1:%s%d", end, last), nil); err != nil {
		return err
	}
	// After AutoFilter, which replaces the sheet's properties.
	if err := fitToWidth(f, sheet); err != nil {
		return err
	}
	if err := f.SetRowHeight(sheet, 1, 30); err != nil {
		return err
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
		return err
	}
	return f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: quoteSheet(sheet) + "!$1:$1", Scope: sheet})
}

// notesWidths are the column widths of the notes sheet: header, required,
// rule, allowed values.
var notesWidths = []float64{26, 10, 60, 48}

// lineHeight is the height in points of one line of 10-point text.
const lineHeight = 14

// wrappedHeight estimates the height of a row whose cells wrap: neither
// Excel nor LibreOffice fits a row to wrapped text that was written with no
// height, so the notes set one.
func wrappedHeight(texts []string, widths []float64) float64 {
	lines := 1.0
	for i, s := range texts {
		if w := widths[i] - 1; w > 0 {
			lines = max(lines, float64(int((displayWidth(s)+w-0.01)/w)))
		}
	}
	return lines*lineHeight + 4
}

func writeTemplateNotes(f *excelize.File, l lang, sheet, lists string, kind TemplateKind, cols []tplColumn, st *tplStyles, t *Template) error {
	lines := []string{l.t("template.purpose." + kind.String())}
	if kind == UnitsTemplate {
		lines = append(lines, l.t("template.note.drivers"))
	} else {
		lines = append(lines, l.t("template.note.amounts"))
	}
	lines = append(lines, l.t("template.note.header"), l.t("template.note.extra"))
	lines = append(lines, l.t("template.note.required"), l.t("template.note.lists", lists, TemplateRows+1))
	if kind == LedgerTemplate && t.FiscalYear > 0 {
		lines = append(lines, l.t("template.note.year", t.FiscalYear, t.FiscalYear, t.FiscalYear))
	}
	switch {
	case kind == UnitsTemplate && len(t.ParentCodes) > 0, kind != UnitsTemplate && len(t.UnitCodes) > 0:
		lines = append(lines, l.t("template.note.codes", text(t.UnitsFile)))
	case kind != UnitsTemplate:
		lines = append(lines, l.t("template.note.nocodes"))
	}
	lines = append(lines, l.t("template.note.csv"))

	total := 0.0
	for _, w := range notesWidths {
		total += w
	}
	row := 1
	if err := f.SetCellStr(sheet, "A1", l.t("template.title."+kind.String())); err != nil {
		return err
	}
	if err := f.SetCellStyle(sheet, "A1", "A1", st.title); err != nil {
		return err
	}
	if err := f.SetRowHeight(sheet, 1, 24); err != nil {
		return err
	}
	// Each line spans the table's width and wraps there.
	for _, s := range lines {
		row++
		first, last := cell(1, row), cell(len(notesWidths), row)
		if err := f.SetCellStr(sheet, first, s); err != nil {
			return err
		}
		if err := f.MergeCell(sheet, first, last); err != nil {
			return err
		}
		if err := f.SetCellStyle(sheet, first, last, st.note); err != nil {
			return err
		}
		if err := f.SetRowHeight(sheet, row, wrappedHeight([]string{s}, []float64{total})); err != nil {
			return err
		}
	}
	row += 2 // a blank row before the table
	for i, h := range []string{l.t("template.col.column"), l.t("template.col.required"), l.t("template.col.rule"), l.t("template.col.values")} {
		if err := f.SetCellStr(sheet, cell(i+1, row), h); err != nil {
			return err
		}
	}
	if err := f.SetCellStyle(sheet, cell(1, row), cell(4, row), st.head); err != nil {
		return err
	}
	for i := range cols {
		c := &cols[i]
		row++
		req, reqStyle := l.t("template.optional"), st.wrap
		if c.col.Required {
			req, reqStyle = l.t("template.required"), st.req
		}
		texts := []string{c.header(), req, l.t(c.rule), c.values}
		for k, v := range texts {
			if v == "" {
				continue
			}
			if err := f.SetCellStr(sheet, cell(k+1, row), v); err != nil {
				return err
			}
		}
		if err := f.SetCellStyle(sheet, cell(1, row), cell(4, row), st.wrap); err != nil {
			return err
		}
		if err := f.SetCellStyle(sheet, cell(2, row), cell(2, row), reqStyle); err != nil {
			return err
		}
		if err := f.SetRowHeight(sheet, row, wrappedHeight(texts, notesWidths)); err != nil {
			return err
		}
	}
	for i, w := range notesWidths {
		col := msg.ColumnName(i + 1)
		if err := f.SetColWidth(sheet, col, col, w); err != nil {
			return err
		}
	}
	return fitToWidth(f, sheet)
}

// fitToWidth prints a sheet on A4 landscape, one page wide.
func fitToWidth(f *excelize.File, sheet string) error {
	orient, one, zero, fit, a4 := "landscape", 1, 0, true, 9
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &a4, Orientation: &orient, FitToWidth: &one, FitToHeight: &zero}); err != nil {
		return err
	}
	return f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit})
}
