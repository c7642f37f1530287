package reports

import (
	"runtime/debug"
	"strconv"
	"strings"

	"fundalloc/allocation"
)

// Document says how a workbook reads as a document the bureau prints,
// signs and sends (DESIGN §7.1): the city in its titles, the unit its
// amounts are shown in, and the signature lines under its summary tables.
// The zero Document shows yuan, without a city, with the language's
// default signature lines.
type Document struct {
	City string // the city's name, in every title and page header; "" leaves it out
	Unit Unit   // the unit amounts are shown in
	// Decimals is how many decimals an amount in 万元 shows: 2, 4 or 6 (0
	// means 2). The cell's value is exact whatever it shows.
	Decimals int
	// Signatures are the signature lines (编制人, 审核人, 负责人); nil gives
	// the language's defaults.
	Signatures []string
	// Notices is how the funding notices read (notices).
	Notices NoticeText
}

// Unit is the unit a workbook shows its amounts in.
type Unit uint8

// The display units (DESIGN §5 display_unit).
const (
	UnitYuan Unit = iota // 元, to the fen
	UnitWan              // 万元: 10,000 yuan
)

// ParseUnit returns the unit named by a display_unit value.
func ParseUnit(s string) (Unit, bool) {
	switch s {
	case "yuan":
		return UnitYuan, true
	case "wan":
		return UnitWan, true
	}
	return UnitYuan, false
}

func (u Unit) String() string {
	if u == UnitWan {
		return "wan"
	}
	return "yuan"
}

// WanDecimals are the decimals an amount in 万元 may show.
var WanDecimals = []int{2, 4, 6}

// numFormat is the number format of an amount cell: thousands separators
// and two decimals for yuan, Decimals decimals for 万元.
func (d Document) numFormat() string {
	if d.Unit != UnitWan || d.Decimals <= 2 {
		return amountFormat
	}
	return "#,##0." + strings.Repeat("0", d.Decimals)
}

// checkDecimals is the precision a check cell rounds to: the fen, which is
// 2 decimals in yuan and 6 in 万元. Every amount is a whole number of fen,
// so the exact check is a multiple of it; rounding there removes the
// binary noise of a spreadsheet's floating-point sums and nothing else.
func (d Document) checkDecimals() int {
	if d.Unit == UnitWan {
		return 6
	}
	return 2
}

// appendWan appends f in 万元 as exact decimal text with six decimals.
func appendWan(b []byte, f allocation.Fen) []byte {
	u := uint64(f)
	if f < 0 {
		b = append(b, '-')
		u = uint64(-(f + 1)) + 1
	}
	b = strconv.AppendUint(b, u/1_000_000, 10)
	b = append(b, '.')
	frac := strconv.FormatUint(u%1_000_000, 10)
	for range 6 - len(frac) {
		b = append(b, '0')
	}
	return append(b, frac...)
}

// moneyText is an amount as the sheet shows it, for fitting a column.
func (b *book) moneyText(f allocation.Fen) string {
	if b.doc.Unit != UnitWan {
		return Yuan(f)
	}
	// The integer part in 万元 with separators, then the shown decimals.
	y := Yuan(f / 10_000) // f ÷ 10,000 fen is the amount in 万元 × 100
	return y + strings.Repeat("0", max(b.doc.Decimals, 2)-2)
}

// unitLabel is the unit as a header shows it: 元 or 万元.
func (b *book) unitLabel() string {
	if b.doc.Unit == UnitWan {
		return b.l.t("unit.wan")
	}
	return b.l.t("unit.yuan")
}

// amountHeader is the header of an amount column: its name and the unit,
// 金额（万元）.
func (b *book) amountHeader(name string) string { return b.l.t("unit.header", name, b.unitLabel()) }

// page says how a sheet prints (DESIGN §7.1): always on A4, one page wide,
// portrait or landscape, with a page header that names the document and a
// footer that numbers the pages.
type page struct {
	landscape bool
	header    string // header-footer codes: &L…&C…&R…
	footer    string
}

// headerFooterText escapes text for a page header or footer, where & starts
// a code.
func headerFooterText(s string) string { return strings.ReplaceAll(s, "&", "&&") }

// page returns the print setup of one of the book's sheets: landscape for
// wide tables; amounts says whether the sheet shows money, and so names
// its unit in the page header (and, in 万元, the rounding note in the
// footer).
func (b *book) page(landscape, amounts bool) page {
	p := page{landscape: landscape}
	p.header = "&L&A&C" + headerFooterText(b.title)
	if amounts {
		p.header += "&R" + headerFooterText(b.l.t("unit.page", b.unitLabel()))
	}
	if amounts && b.doc.Unit == UnitWan {
		p.footer = "&L" + headerFooterText(b.l.t("unit.rounding"))
	}
	p.footer += "&C" + b.l.t("print.footer")
	return p
}

// signatures returns the signature block (编制人：____ 审核人：____ 负责人：____
// 日期：____) as one text cell: it is printed under a summary table and
// runs across the empty cells to its right.
func (b *book) signatures() xcell {
	names := b.doc.Signatures
	if len(names) == 0 {
		names = []string{b.l.t("sign.prepared"), b.l.t("sign.reviewed"), b.l.t("sign.approved")}
	}
	parts := make([]string, 0, len(names)+1)
	for _, n := range names {
		parts = append(parts, b.l.t("sign.line", n))
	}
	parts = append(parts, b.l.t("sign.line", b.l.t("sign.date")))
	return textCell(b.style.sign, strings.Join(parts, "        "))
}

// Program is the program that wrote a workbook, as its 说明 sheet names it.
type Program struct {
	Version  string // the module version, "(devel)" for a build from a checkout
	Revision string // the version control revision, when the build recorded it
	Modified bool   // the checkout had changes that were not committed
}

// ThisProgram describes the running program from its build information.
func ThisProgram() Program {
	var p Program
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return p
	}
	p.Version = bi.Main.Version
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			p.Revision = s.Value
		case "vcs.modified":
			p.Modified = s.Value == "true"
		}
	}
	return p
}

// describe names the program in l: its version (a build from a checkout
// is a development build), its revision and whether it had uncommitted
// changes.
func (p Program) describe(l lang) string {
	v := p.Version
	if v == "" || v == "(devel)" {
		v = l.t("program.devel")
	}
	s := l.t("program.version", v)
	if p.Revision != "" {
		s += l.t("program.revision", p.Revision)
	}
	if p.Modified {
		s += l.t("program.modified")
	}
	return s
}
