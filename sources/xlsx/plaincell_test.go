package xlsx

import (
	"bytes"
	"strings"
	"testing"
)

// ---- plainCell against readCell ---------------------------------------------

// render reads data's first sheet within lim, with plainCell on or off, as
// rows and the error that stopped them, located.
func render(t testing.TB, data []byte, lim Limits, plain bool) string {
	t.Helper()
	defer func(was bool) { noPlainCells = was }(noPlainCells)
	noPlainCells = !plain
	rows, _, err := open(t, data, "", lim)
	if err != nil {
		return "open: " + err.Error()
	}
	got, err := dump(t, rows)
	out := strings.Join(got, "\n")
	if err != nil {
		out += "\nerror: " + err.Error()
	}
	return out
}

// plainCellRows are rows of cells in the shapes plainCell reads and in
// shapes it leaves to readCell, mixed.
var plainCellRows = []string{
	`<row r="1"><c r="A1" t="inlineStr"><is><t>编号</t></is></c><c r="B1" s="2"><v>98.65</v></c><c r="C1" t="s"><v>1</v></c><c r="D1"/><c r="E1" t="b"><v>true</v></c></row>`,
	`<row r="2"><c r="A2" t="inlineStr"><is><t xml:space="preserve"> a </t></is></c><c r="B2"><v>1</v></c><c r="C2" t="inlineStr"><is><t>R&amp;D</t></is></c><c r="D2" t="str"><v>l1` + "\r\n" + `l2</v></c></row>`,
	`<row><c><v>1</v></c><c></c><c r="E2"><v></v></c><c t="e"><v>#N/A</v></c><c t="d"><v>2025-03-31</v></c><c r="H2" t="inlineStr"><is><t>a_x000D_b</t></is></c></row>`,
	"<row r=\"3\">\n  <c r=\"A3\" t=\"inlineStr\"><is><t>x</t></is></c>\n  <c r=\"B3\"><v> 7 </v></c>\n</row>",
	`<row r="4"><c r="A4" t="s"><v>9</v></c></row>`,                                                // no such shared string
	`<row r="5"><c r="B5" t="inlineStr"><is><t>` + strings.Repeat("长", 10) + `</t></is></c></row>`, // past MaxFieldBytes
	`<row r="6"><c r="XFE6"><v>1</v></c></row>`,
	`<row r="7"><c r="7"><v>1</v></c></row>`,
	`<row r="8"><c r="A8" t="x"><v>1</v></c></row>`,
	`<row r="9"><c r="A9" t="b"><v>2</v></c></row>`,
	`<row r="10"><c r="A10" t="inlineStr"><is><t>` + "\xff" + `</t></is></c></row>`,
	`<row r="11"><c r="A11" t="b"><is><t>1</t></is></c></row>`,
	`<row r="12"><c r="J12"><v>1</v></c></row>`, // past MaxCellsPerRow
	`<row r="13"><c r="A13" t="s"><v>2</v></c><c r="A13"><v>5</v></c><c r="A13" t="inlineStr"><is><t>last</t></is></c></row>`,
	`<row r="14"><c r="A14" r="B14"><v>1</v></c><c r="A14" t="s" t="n"><v>2</v></c></row>`,
	`<row r="15"><c r="A15"><v>1</v><f>x</f></c><c r="B15" t='n'><v>2</v></c><x:c r="C15"><x:v>3</x:v></x:c><c r="D15" x:t="s"><v>0</v></c></row>`,
	`<row r="16"><c r="A16"><v>1</v></c`,
	`<row r="17" spans="1:3" ht="20"><c r="A17"><v>1</v></c></row><row r="18"/><row/><row><c><v>2</v></c></row>`,
	`<row r="20" r="30"><c><v>1</v></c></row><row r=""><c><v>1</v></c></row>`,
	`<row r="21"><c r="A21"><v>1</v></c></row ><row r="x"/>`,
	`<row r="22"><c r="A22"><v>1</v></c></x:row><x:row r="23"><c><v>1</v></c></x:row><row r='24'><c><v>1</v></c></row>`,
	`<row r="1048577"/><row r="25"></row>`,
	`</row><row r="26"><c><v>1</v></c></row>`,
	"<row r=\"27\">\n<c><v>1</v></c>\n</row>\n<row r=\"28\" >\n</row>",
}

// plainCellBook is a workbook of the rows in plainCellRows and its limits,
// small enough for the field and column limits to be met.
func plainCellBook(t testing.TB, rows string) ([]byte, Limits) {
	lim := testLimits()
	lim.MaxFieldBytes, lim.MaxCellsPerRow = 16, 8
	return oneSheet(t, rows, `<si><t>s0</t></si>`, `<si><t>s1</t></si>`, `<si><t>  </t></si>`), lim
}

func TestPlainCellReadsAsReadCell(t *testing.T) {
	for _, rows := range plainCellRows {
		data, lim := plainCellBook(t, rows)
		if got, want := render(t, data, lim, true), render(t, data, lim, false); got != want {
			t.Errorf("%s:\nplainCell:\n%s\nreadCell:\n%s", rows, got, want)
		}
	}
	// All of them, one after the other: every error stops the sheet.
	data, lim := plainCellBook(t, strings.Join(plainCellRows[:4], ""))
	got, want := render(t, data, lim, true), render(t, data, lim, false)
	if got != want || strings.Count(got, "\n") < 3 {
		t.Errorf("plainCell:\n%s\nreadCell:\n%s", got, want)
	}
}

// TestPlainCellShapes checks which cells plainCell takes itself, and that
// it leaves the others where they are.
func TestPlainCellShapes(t *testing.T) {
	for _, tt := range []struct {
		xml   string
		taken bool
		want  string // the row's cells as dump renders them, when taken
	}{
		{`<c r="B1" t="inlineStr"><is><t>名称</t></is></c>`, true, "||T:名称"},
		{`<c r="C1" s="2"><v>98.65</v></c>`, true, "|||N:98.65"},
		{`<c t="s"><v>0</v></c>`, true, "|T:s0"},
		{`<c r="A1" s="1"/>`, true, ""},
		{`<c r="A1"></c>`, true, ""},
		{`<c r="A1"><v></v></c>`, true, ""},
		{`<c r="A1" t="str"><v>ab</v></c>`, true, "|T:ab"},
		{`<c r="A1" t="inlineStr"><is><t xml:space="preserve"> a</t></is></c>`, false, ""},
		{`<c r="A1" t="inlineStr"><is><t>a&amp;b</t></is></c>`, false, ""},
		{`<c r="A1"><f>1+1</f><v>2</v></c>`, false, ""},
		{`<c r='A1'><v>2</v></c>`, false, ""},
		{`<c  r="A1"><v>2</v></c>`, false, ""},
		{`<c r="A1"><v>2</v></c >`, false, ""},
		{`<x:c r="A1"><x:v>2</x:v></x:c>`, false, ""},
		{`<col r="A1"/>`, false, ""},
		{`<c r="A1"><v>2</v>`, false, ""}, // its end is not in the buffer
	} {
		x := &Rows{sc: newScanner(bytes.NewReader([]byte(tt.xml)), "sheet"), lim: testLimits()}
		x.sc.started = true
		x.sc.more()
		sst := &sharedStrings{all: "s0", ends: []int{2}}
		x.sst = sst
		taken, err := x.plainCell()
		if err != nil || taken != tt.taken {
			t.Errorf("%s: taken %v, %v; want %v", tt.xml, taken, err, tt.taken)
			continue
		}
		if !taken {
			if x.sc.pos != 0 {
				t.Errorf("%s: not taken, but the scanner moved to %d", tt.xml, x.sc.pos)
			}
			continue
		}
		x.finishRow()
		var b strings.Builder
		for _, c := range x.cells {
			b.WriteByte('|')
			switch c.Kind {
			case Text:
				b.WriteString("T:")
			case Number:
				b.WriteString("N:")
			}
			b.WriteString(c.Text)
		}
		if b.String() != tt.want || x.sc.pos != len(tt.xml) {
			t.Errorf("%s: %q, at %d; want %q at the end", tt.xml, b.String(), x.sc.pos, tt.want)
		}
	}
}

// FuzzPlainCells reads arbitrary sheet rows with plainCell and without it:
// the rows, and the error that stops them, are the same.
func FuzzPlainCells(f *testing.F) {
	for _, rows := range plainCellRows {
		f.Add(rows)
	}
	f.Fuzz(func(t *testing.T, rows string) {
		data, lim := plainCellBook(t, rows)
		if got, want := render(t, data, lim, true), render(t, data, lim, false); got != want {
			t.Fatalf("plainCell:\n%s\nreadCell:\n%s", got, want)
		}
	})
}

// TestIsBlank checks the shortcut of isBlankBytes and isBlankString
// against strings.TrimSpace.
func TestIsBlank(t *testing.T) {
	for _, s := range []string{"", " ", "\t\n", "a", " a", "编号", "\u3000", "\u3000编", "\u00a0", "\u00a0x", "\u2028", "\u200b",
		"\u0085", "\xff", " \xff", "\xc2", "\u3000\u3000", "\ufeff", "ｘ", "\u1680", "\u205f"} {
		want := strings.TrimSpace(s) == ""
		if got := isBlankBytes([]byte(s)); got != want {
			t.Errorf("isBlankBytes(%q) = %v", s, got)
		}
		if got := isBlankString(s); got != want {
			t.Errorf("isBlankString(%q) = %v", s, got)
		}
	}
}

// TestPlainRowShapes checks which row tags plainRow takes itself, with the
// scanner left as next leaves it, and that it leaves the others where
// they are.
func TestPlainRowShapes(t *testing.T) {
	for _, tt := range []struct {
		xml   string
		taken bool
		r     string // the r attribute, "-" for none
		self  bool
	}{
		{`<row r="2" spans="1:3">`, true, "2", false},
		{`<row spans="1:3" r="7" r="8">`, true, "7", false},
		{`<row>`, true, "-", false},
		{`<row r="9"/>`, true, "9", true},
		{"\n <row r=\"3\">", true, "3", false},
		{`<row r='2'>`, false, "", false},
		{`<row r="2" >`, false, "", false},
		{`<x:row r="2">`, false, "", false},
		{`<rows r="2">`, false, "", false},
		{`<row r="2"`, false, "", false},
	} {
		s := newScanner(bytes.NewReader([]byte(tt.xml)), "sheet")
		s.started = true
		s.more()
		x := &Rows{sc: s}
		start := len(tt.xml) - len(strings.TrimLeft(tt.xml, " \n"))
		r, taken := x.plainRow()
		if taken != tt.taken {
			t.Errorf("%s: taken %v; want %v", tt.xml, taken, tt.taken)
			continue
		}
		if !taken {
			if s.pos != start {
				t.Errorf("%s: not taken, but the scanner moved to %d", tt.xml, s.pos)
			}
			continue
		}
		got := "-"
		if r != nil {
			got = string(r)
		}
		if got != tt.r || s.self != tt.self || string(s.name) != "row" || s.level != 1 || s.open != map[bool]int{true: 0, false: 1}[tt.self] || s.pos != len(tt.xml) {
			t.Errorf("%s: r %q, self %v, name %q, level %d, open %d, at %d", tt.xml, got, s.self, s.name, s.level, s.open, s.pos)
		}
	}
}
