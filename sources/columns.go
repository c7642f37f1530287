package sources

import (
	"slices"
	"strings"
	"unicode"

	"fundalloc/reports/msg"
)

// Column is a known column of an input table: its English name (the one
// messages use) and the Chinese header that may stand for it.
type Column struct {
	Name     string
	Zh       string
	Required bool
	aliases  []string // further accepted headers
}

// Label is the column's name for messages: the English name with the Chinese
// one beside it, e.g. `amount (金额)`.
func (c Column) Label() string { return c.Name + " (" + c.Zh + ")" }

// label names the column in full in either language: `amount (金额)` in
// English, `金额（amount）` in Chinese.
func (c Column) label() colLabel {
	return colLabel{en: c.Name + " (" + c.Zh + ")", zh: c.Zh + "（" + c.Name + "）"}
}

// colLabel is a column's name in a message, in the message's language.
type colLabel struct{ zh, en string }

// Localize gives the label in l.
func (c colLabel) Localize(l msg.Lang) string {
	if l == msg.EN {
		return c.en
	}
	return c.zh
}

// String is the English label.
func (c colLabel) String() string { return c.en }

// The header tables: every accepted header of every input, in one place.
var (
	unitColumns = []Column{
		{Name: "code", Zh: "编码", Required: true, aliases: []string{"单位编码"}},
		{Name: "name", Zh: "名称", Required: true, aliases: []string{"单位名称"}},
		{Name: "tier", Zh: "层级", Required: true},
		{Name: "parent", Zh: "上级编码", Required: true, aliases: []string{"上级"}},
		{Name: "social_workers", Zh: "社工人数"},
		{Name: "pilot", Zh: "五社联动试点", aliases: []string{"试点"}},
		{Name: "grade", Zh: "评估等级", aliases: []string{"等级"}},
		{Name: "contract_year", Zh: "合同年度"},
	}
	// driverAliases gives Chinese headers for the usual driver columns; any
	// other extra column is a driver under its own header.
	driverAliases = map[string]string{
		"人口": "population", "常住人口": "population", "户籍人口": "population",
		"老年人口": "elderly", "老年人": "elderly",
		"儿童": "children", "儿童人数": "children",
		"救助对象": "assistance", "救助人数": "assistance",
	}
	fundColumns = []Column{
		{Name: "id", Zh: "编号", Required: true},
		{Name: "category", Zh: "类别", Required: true, aliases: []string{"资金类别"}},
		{Name: "provider", Zh: "来源单位", Required: true},
		{Name: "description", Zh: "摘要"},
		{Name: "amount", Zh: "金额", Required: true},
		{Name: "designated_unit", Zh: "指定单位"},
	}
	ledgerColumns = []Column{
		{Name: "voucher", Zh: "凭证号", Required: true},
		{Name: "date", Zh: "日期", Required: true},
		{Name: "unit", Zh: "单位编码", Required: true},
		{Name: "category", Zh: "类别", Required: true, aliases: []string{"资金类别"}},
		{Name: "amount", Zh: "金额", Required: true},
		{Name: "description", Zh: "摘要"},
	}
)

// header maps a table's header row to known columns.
type header struct {
	cols   []Column
	index  []int    // by position in cols: the 0-based column in the file, or -1
	text   []string // by position in cols: the header as written
	extras []extra  // columns that match no known column, in file order
}

type extra struct {
	col  int
	name string // normalised: trimmed, lower case
	text string // as written
}

// normHeader trims a header and lower-cases it.
func normHeader(s string) string {
	return strings.ToLower(strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '\ufeff' }))
}

// headerParts splits a bilingual header such as "金额 amount", "amount (金额)"
// or "编码/code" into its parts.
func headerParts(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune("/()（）|｜:：", r)
	})
}

func (c Column) matches(h string) bool {
	if h == c.Name || h == c.Zh {
		return true
	}
	for _, a := range c.aliases {
		if h == a {
			return true
		}
	}
	return false
}

// matchHeader finds which known column a header names: the whole header, or
// else every part of a bilingual header naming the same column. It returns -1
// when the header names none.
func matchHeader(cols []Column, h string) int {
	for i, c := range cols {
		if c.matches(h) {
			return i
		}
	}
	found := -1
	for _, part := range headerParts(h) {
		k := -1
		for i, c := range cols {
			if c.matches(part) {
				k = i
				break
			}
		}
		if k < 0 || (found >= 0 && k != found) {
			return -1
		}
		found = k
	}
	return found
}

// readHeader maps cells to the known columns. It reports a duplicate known
// column and returns the names of required columns that are missing.
func readHeader(cols []Column, cells []Cell, dup func(col int, err error)) (*header, []Column) {
	h := &header{cols: cols, index: make([]int, len(cols)), text: make([]string, len(cols))}
	for i := range h.index {
		h.index[i] = -1
	}
	seenExtra := map[string]int{}
	for col, c := range cells {
		name := normHeader(c.Text)
		if name == "" {
			continue
		}
		k := matchHeader(cols, name)
		if k < 0 {
			if prev, ok := seenExtra[name]; ok {
				dup(col, msg.SrcDupHeader.Wrap(ErrDuplicateCol, strings.TrimSpace(c.Text), ColumnName(prev+1)))
				continue
			}
			seenExtra[name] = col
			h.extras = append(h.extras, extra{col: col, name: name, text: strings.TrimSpace(c.Text)})
			continue
		}
		if h.index[k] >= 0 {
			dup(col, msg.SrcDupColumn.Wrap(ErrDuplicateCol, cols[k].label(), ColumnName(h.index[k]+1)))
			continue
		}
		h.index[k] = col
		h.text[k] = strings.TrimSpace(c.Text)
	}
	var missing []Column
	for k, c := range cols {
		if c.Required && h.index[k] < 0 {
			missing = append(missing, c)
		}
	}
	return h, missing
}

// cell returns the cell of known column k in a row, Blank when absent.
func (h *header) cell(cells []Cell, k int) Cell {
	i := h.index[k]
	if i < 0 || i >= len(cells) {
		return Cell{}
	}
	return cells[i]
}

// label names known column k for a message: its Chinese header in Chinese,
// its English name in English (DESIGN §3.5: `金额 "12.345" 超过两位小数`,
// `amount "12.345" has more than 2 decimal places`).
func (h *header) label(k int) colLabel {
	c := h.cols[k]
	return colLabel{zh: c.Zh, en: c.Name}
}

// missingList names columns in full, separated by commas.
func missingList(cols []Column) colLabel {
	var zh, en []string
	for _, c := range cols {
		l := c.label()
		zh, en = append(zh, l.zh), append(en, l.en)
	}
	return colLabel{zh: strings.Join(zh, "、"), en: strings.Join(en, ", ")}
}

// UnitColumns, FundColumns and LedgerColumns return the known columns of
// each input table, in the order a template lists them.
func UnitColumns() []Column   { return slices.Clone(unitColumns) }
func FundColumns() []Column   { return slices.Clone(fundColumns) }
func LedgerColumns() []Column { return slices.Clone(ledgerColumns) }

// CommonDrivers are the usual driver columns of a units file, with the
// Chinese header each may go by.
func CommonDrivers() []Column {
	return []Column{
		{Name: "population", Zh: "人口"},
		{Name: "elderly", Zh: "老年人口"},
		{Name: "children", Zh: "儿童"},
		{Name: "assistance", Zh: "救助对象"},
	}
}
