package sources

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"fundalloc/reports/msg"
)

// Column is a known column of an input table: its English name (the one
// messages and the configuration's columns: use) and the Chinese header
// that may stand for it.
type Column struct {
	Name     string
	Zh       string
	Required bool
	aliases  []string // further accepted headers (DESIGN §3.0)
	// or names columns that stand in for this one when it is absent: a
	// ledger's debit and credit for its amount.
	or []string
	// money: an amount column, whose header may give its unit (元, 万元).
	money bool
	// export: a column of accounting software's exports, read when there,
	// which the input templates do not offer.
	export bool
}

// InTemplate reports whether the input templates offer the column.
func (c Column) InTemplate() bool { return !c.export }

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
// The aliases are what accounting software and clerks' tables call the
// columns (DESIGN §3.0); columns.<table>.<column> in the configuration adds
// a file's own names.
var (
	unitColumns = []Column{
		{Name: "code", Zh: "编码", Required: true, aliases: []string{"单位编码", "单位代码", "代码"}},
		{Name: "name", Zh: "名称", Required: true, aliases: []string{"单位名称"}},
		{Name: "tier", Zh: "层级", Required: true, aliases: []string{"单位层级"}},
		{Name: "parent", Zh: "上级编码", Required: true, aliases: []string{"上级", "上级单位编码", "上级代码"}},
		{Name: "social_workers", Zh: "社工人数", aliases: []string{"社工数", "社会工作者人数"}},
		{Name: "pilot", Zh: "五社联动试点", aliases: []string{"试点"}},
		{Name: "grade", Zh: "评估等级", aliases: []string{"等级", "考核等级"}},
		{Name: "contract_year", Zh: "合同年度", aliases: []string{"合同年"}},
		{Name: "operator", Zh: "承接机构", aliases: []string{"运营机构", "承接单位"}},
		{Name: "town", Zh: "所在镇街", aliases: []string{"镇街", "所属镇街"}},
	}
	// driverColumns are the usual demand drivers with the Chinese headers
	// each may go by; a driver the configuration names that is not here
	// goes by its own name.
	driverColumns = []Column{
		{Name: "population", Zh: "人口", aliases: []string{"常住人口", "户籍人口"}},
		{Name: "elderly", Zh: "老年人口", aliases: []string{"老年人"}},
		{Name: "children", Zh: "儿童", aliases: []string{"儿童人数"}},
		{Name: "assistance", Zh: "救助对象", aliases: []string{"救助人数"}},
	}
	fundColumns = []Column{
		{Name: "id", Zh: "编号", Required: true, aliases: []string{"资金编号"}},
		{Name: "category", Zh: "类别", Required: true, aliases: []string{"资金类别"}},
		{Name: "provider", Zh: "来源单位", Required: true, aliases: []string{"资金来源单位", "拨款单位"}},
		{Name: "description", Zh: "摘要"},
		{Name: "amount", Zh: "金额", Required: true, money: true, aliases: []string{"资金金额", "指标金额"}},
		{Name: "designated_unit", Zh: "指定单位", aliases: []string{"指定单位编码"}},
		{Name: "fund_type", Zh: "资金性质"},
		{Name: "fund_source", Zh: "指标来源"},
		{Name: "document_no", Zh: "指标文号", aliases: []string{"文号"}},
	}
	ledgerColumns = []Column{
		{Name: "voucher", Zh: "凭证号", Required: true, aliases: []string{"凭证字号", "凭证编号"}},
		{Name: "date", Zh: "日期", Required: true, aliases: []string{"记账日期", "支出日期", "凭证日期"}},
		{Name: "unit", Zh: "单位编码", Required: true, aliases: []string{"单位代码", "部门编码"}},
		{Name: "category", Zh: "类别", Required: true, aliases: []string{"资金类别"}},
		{Name: "amount", Zh: "金额", Required: true, money: true, or: []string{"debit", "credit"}, aliases: []string{"支出金额", "发生额"}},
		{Name: "description", Zh: "摘要"},
		{Name: "debit", Zh: "借方金额", money: true, export: true, aliases: []string{"借方"}},
		{Name: "credit", Zh: "贷方金额", money: true, export: true, aliases: []string{"贷方"}},
		{Name: "entry", Zh: "分录号", export: true, aliases: []string{"分录序号"}},
	}
)

// header maps a table's header row to known columns.
type header struct {
	cols    []Column
	index   []int      // by position in cols: the 0-based column in the file, or -1
	scale   []int64    // by position in cols: 10,000 for an amount column in 万元, else 1
	ignored []extra    // columns that match no known column, in file order
	bad     []badUnit  // amount columns whose header gives a unit other than 元 or 万元
	dups    []dupError // known columns given twice
}

type extra struct {
	col  int
	text string // as written, trimmed
}

type badUnit struct {
	col        int
	text, unit string
}

type dupError struct {
	col, first int
	label      colLabel
}

// matcher recognises the headers of one table: the configuration's names
// for its columns first, then the built-in names (DESIGN §3.0).
type matcher struct {
	cols   []Column
	mapped map[string]int // normalised header → column, from the configuration
	names  map[string]int // normalised header → column, built in
}

// newMatcher builds the matcher of a table. mapping gives, by column name,
// the headers a file uses for it (columns.<table> in the configuration).
func newMatcher(cols []Column, mapping map[string][]string) *matcher {
	m := &matcher{cols: cols, mapped: map[string]int{}, names: map[string]int{}}
	for k, c := range cols {
		for _, n := range append([]string{c.Name, c.Zh}, c.aliases...) {
			if n = normHeader(n); n != "" {
				if _, taken := m.names[n]; !taken {
					m.names[n] = k
				}
			}
		}
		for _, h := range mapping[c.Name] {
			if h = normHeader(h); h != "" {
				m.mapped[h] = k
			}
		}
	}
	return m
}

// normHeader trims a header, lower-cases it and removes the spaces inside
// it (U+3000 too: `金　额` is `金额`); full-width brackets and colons become
// half-width ones.
func normHeader(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case unicode.IsSpace(r) || r == '\ufeff':
		case r == '（':
			b.WriteByte('(')
		case r == '）':
			b.WriteByte(')')
		case r == '：':
			b.WriteByte(':')
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// lookup finds the column a normalised header names, and whether the
// configuration named it.
func (m *matcher) lookup(h string) (k int, mapped bool) {
	if k, ok := m.mapped[h]; ok {
		return k, true
	}
	if k, ok := m.names[h]; ok {
		return k, false
	}
	return -1, false
}

// match finds which known column a header cell names: the whole header;
// else the header without a trailing note in brackets (`金额（元）`,
// `amount (yuan)`, `金额(单位：万元)`), whose note may give an amount's unit;
// else every part of a bilingual header (`金额 amount`, `编码/code`)
// naming the same column. It returns -1 when the header names none.
func (m *matcher) match(text string) (k int, mapped bool, note string) {
	h := normHeader(text)
	if k, mapped := m.lookup(h); k >= 0 {
		return k, mapped, ""
	}
	if base, note, ok := cutNote(h); ok {
		if k, mapped := m.lookup(base); k >= 0 {
			return k, mapped, note
		}
	}
	found, foundMapped := -1, false
	for _, part := range headerParts(text) {
		k, mapped := m.lookup(normHeader(part))
		if k < 0 || (found >= 0 && k != found) {
			return -1, false, ""
		}
		found, foundMapped = k, foundMapped || mapped
	}
	return found, foundMapped, ""
}

// cutNote splits `金额(元)` into `金额` and `元`.
func cutNote(h string) (base, note string, ok bool) {
	if !strings.HasSuffix(h, ")") {
		return "", "", false
	}
	i := strings.LastIndexByte(h, '(')
	if i <= 0 {
		return "", "", false
	}
	return h[:i], h[i+1 : len(h)-1], true
}

// headerParts splits a bilingual header such as "金额 amount", "amount (金额)"
// or "编码/code" into its parts.
func headerParts(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune("/()（）|｜:：", r)
	})
}

// moneyScale reads the unit a bracketed note gives an amount column: 1 for
// 元 or yuan (also after 单位：), 10,000 for 万元; ok is false for any other
// money unit (千元, 亿元), and a note that is not a money unit (`amount
// (金额)`) leaves the amounts in yuan.
func moneyScale(note string) (scale int64, ok bool) {
	u := strings.TrimPrefix(strings.TrimPrefix(note, "单位:"), "unit:")
	switch u {
	case "元", "yuan", "人民币元", "rmb", "cny":
		return 1, true
	case "万元", "wanyuan", "万", "10kyuan", "10,000yuan", "tenthousandyuan":
		return 10_000, true
	}
	switch u {
	case "千", "十万", "百万", "千万", "亿", "thousand", "million", "k":
		return 0, false
	}
	if strings.HasSuffix(u, "元") || strings.HasSuffix(u, "yuan") {
		return 0, false
	}
	return 1, true
}

// readHeader maps a row's cells to the known columns. A column the
// configuration names wins over a built-in name for the same column; two
// cells naming one column the same way are a duplicate. It returns the
// required columns that are missing.
func (m *matcher) readHeader(cells []Cell) (*header, []Column) {
	h := &header{cols: m.cols, index: make([]int, len(m.cols)), scale: make([]int64, len(m.cols))}
	byMap := make([]bool, len(m.cols))
	for i := range h.index {
		h.index[i], h.scale[i] = -1, 1
	}
	for col, c := range cells {
		text := strings.TrimSpace(c.Text)
		if text == "" {
			continue
		}
		k, mapped, note := m.match(text)
		if k < 0 {
			h.ignored = append(h.ignored, extra{col: col, text: text})
			continue
		}
		if prev := h.index[k]; prev >= 0 {
			switch {
			case mapped && !byMap[k]: // the configuration's header wins
				h.ignored = append(h.ignored, extra{col: prev, text: strings.TrimSpace(cells[prev].Text)})
			case !mapped && byMap[k]:
				h.ignored = append(h.ignored, extra{col: col, text: text})
				continue
			default:
				h.dups = append(h.dups, dupError{col: col, first: prev, label: m.cols[k].label()})
				continue
			}
		}
		h.index[k], byMap[k], h.scale[k] = col, mapped, 1
		if m.cols[k].money && note != "" {
			scale, ok := moneyScale(note)
			if !ok {
				h.bad = append(h.bad, badUnit{col: col, text: text, unit: note})
			}
			h.scale[k] = max(scale, 1)
		}
	}
	slices.SortFunc(h.ignored, func(a, b extra) int { return a.col - b.col })
	return h, h.missing()
}

// missing returns the required columns the header lacks: a column with
// stand-ins (a ledger's amount) is missing only when they are too.
func (h *header) missing() []Column {
	var out []Column
	for k, c := range h.cols {
		if !c.Required || h.index[k] >= 0 {
			continue
		}
		stood := false
		for _, alt := range c.or {
			if i := colIndex(h.cols, alt); i >= 0 && h.index[i] >= 0 {
				stood = true
			}
		}
		if !stood {
			out = append(out, c)
		}
	}
	return out
}

// colIndex returns the position in cols of the column called name, or -1.
func colIndex(cols []Column, name string) int {
	return slices.IndexFunc(cols, func(c Column) bool { return c.Name == name })
}

// has reports whether the file has known column k.
func (h *header) has(k int) bool { return h.index[k] >= 0 }

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

// nearest finds, among the texts of the rows looked at, the one nearest to
// any name of column c within two edits (and fewer edits than the name
// has characters, so that 日期 is not "near" every two-letter header).
func (m *matcher) nearest(k int, rows []seenRow) (row int, text string, ok bool) {
	c := m.cols[k]
	names := append([]string{c.Name, c.Zh}, c.aliases...)
	for h, kk := range m.mapped {
		if kk == k {
			names = append(names, h)
		}
	}
	best := 3
	for _, r := range rows {
		for _, t := range r.texts {
			if kk, _, _ := m.match(t); kk >= 0 {
				continue
			}
			n := normHeader(t)
			if base, _, cut := cutNote(n); cut {
				n = base
			}
			for _, name := range names {
				name = normHeader(name)
				d := EditDistance(n, name)
				if d < best && d < utf8.RuneCountInString(name) {
					best, row, text, ok = d, r.num, t, true
				}
			}
		}
	}
	return row, text, ok
}

// seenRow is a row looked at for the header: its number and its texts.
type seenRow struct {
	num   int
	texts []string
}

// EditDistance counts the rune insertions, deletions and substitutions
// between a and b (Levenshtein), for "did you mean" hints.
func EditDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// UnitColumns, FundColumns and LedgerColumns return the known columns of
// each input table, in the order a template lists them.
func UnitColumns() []Column   { return slices.Clone(unitColumns) }
func FundColumns() []Column   { return slices.Clone(fundColumns) }
func LedgerColumns() []Column { return slices.Clone(ledgerColumns) }

// CommonDrivers are the usual driver columns of a units file, with the
// Chinese header each may go by.
func CommonDrivers() []Column { return slices.Clone(driverColumns) }

// DriverName is the name a driver goes by: the name of a usual driver
// (population, elderly, children, assistance) when the text is one of its
// headers (人口, 老年人口 …), social_workers for 社工人数, else the text
// trimmed and in lower case. A bilingual header ("人口 population",
// "population (人口)") goes by its known part, else by its ASCII part.
func DriverName(text string) string {
	m := driverMatcher()
	if k, _, _ := m.match(text); k >= 0 {
		return m.cols[k].Name
	}
	parts := headerParts(text)
	if len(parts) > 1 {
		for _, p := range parts {
			if isASCII(p) {
				return normHeader(p)
			}
		}
	}
	return normHeader(text)
}

// driverMatcher recognises the usual drivers and social_workers.
func driverMatcher() *matcher {
	return newMatcher(append(slices.Clip(driverColumns), unitColumns[uWorkers]), nil)
}

// driverColumn is the column a driver named by the configuration is read
// from: a usual driver's with its Chinese headers, else one under the
// driver's own name.
func driverColumn(name string) Column {
	for _, c := range driverColumns {
		if c.Name == name {
			return c
		}
	}
	return Column{Name: name, Zh: name}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// CommonDriverNames are the names of CommonDrivers.
func CommonDriverNames() []string {
	names := make([]string, len(driverColumns))
	for i, c := range driverColumns {
		names[i] = c.Name
	}
	return names
}
