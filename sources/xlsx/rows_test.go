package xlsx

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// ---- cells from raw XML ----------------------------------------------------

func TestOpenXLSXCells(t *testing.T) {
	sst := []string{
		`<si><t>plain</t></si>`,
		// rich text runs with a phonetic guide: the guide is not cell text
		`<si><r><rPr><b/><sz val="11"/></rPr><t>東京</t></r><r><t xml:space="preserve"> 都</t></r><rPh sb="0" eb="2"><t>トウキョウ</t></rPh><phoneticPr fontId="1"/></si>`,
		`<si><t>ruby</t><rPh sb="0" eb="1"><t>ルビ</t></rPh></si>`,
		`<si><t xml:space="preserve">  </t></si>`,
		`<si><t>a_x000D_b_x005F_x0041_</t></si>`,
		`<si><t>R&amp;D &lt;&#x4E2D;&#25991;&gt;</t></si>`,
		`<si/>`,
	}
	tests := []struct {
		name string
		rows string
		want []string
	}{
		{"noisy number and exponent",
			`<row r="1"><c r="A1"><v>300000.30000000005</v></c><c r="B1" t="n"><v>8.00005E4</v></c><c r="C1" s="2"><v>-5</v></c><c r="D1"><v>1234.5600000000001</v></c></row>`,
			[]string{"1|N:300000.30000000005|N:8.00005E4|N:-5|N:1234.5600000000001"}},
		{"shared strings: plain, rich text, phonetic, escapes, entities",
			`<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="s"><v>1</v></c><c r="C2" t="s"><v>2</v></c><c r="D2" t="s"><v>4</v></c><c r="E2" t="s"><v>5</v></c></row>`,
			[]string{"2|T:plain|T:東京 都|T:ruby|T:a\rb_x0041_|T:R&D <中文>"}},
		{"inline strings",
			`<row r="3"><c r="A3" t="inlineStr"><is><t>inline</t></is></c><c r="B3" t="inlineStr"><is><r><t>ri</t></r><r><rPr/><t>ch</t></r><rPh><t>x</t></rPh></is></c><c r="C3" t="inlineStr"><v>in v</v></c></row>`,
			[]string{"3|T:inline|T:rich|T:in v"}},
		{"formula results and other types",
			`<row r="4"><c r="A4" t="str"><f>CONCAT("a","b")</f><v>ab</v></c><c r="B4"><f>1+1</f><v>2</v></c><c r="C4" t="b"><v>1</v></c><c r="D4" t="b"><f>FALSE()</f><v>0</v></c><c r="E4" t="e"><f>NA()</f><v>#N/A</v></c><c r="F4" t="d"><v>2025-03-31T00:00:00Z</v></c></row>`,
			[]string{"4|T:ab|N:2|B:1|B:0|E:#N/A|D:2025-03-31T00:00:00Z"}},
		{"gaps: B blank between A and C",
			`<row r="5"><c r="A5"><v>1</v></c><c r="C5"><v>3</v></c></row>`,
			[]string{"5|N:1||N:3"}},
		{"cells and rows without r follow the previous one",
			`<row><c><v>1</v></c><c><v>2</v></c><c r="E1"><v>5</v></c><c><v>6</v></c></row><row><c t="inlineStr"><is><t>r2</t></is></c></row><row r="7"><c r="B7"><v>7</v></c></row><row><c><v>8</v></c></row>`,
			[]string{"1|N:1|N:2|||N:5|N:6", "2|T:r2", "7||N:7", "8|N:8"}},
		{"empty rows skipped, numbers kept",
			`<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"/><row r="3" spans="1:3" ht="20" customHeight="1"></row><row r="4"><c r="A4" s="3"/><c r="B4" t="s"><v>3</v></c><c r="C4" t="s"><v>6</v></c><c r="D4" t="str"><f>""</f><v></v></c><c r="E4"><f>A1</f></c></row><row r="5"><c r="C5" t="inlineStr"><is><t> </t></is></c><c r="D5"><v>9</v></c></row>`,
			[]string{"1|T:plain", "5|||_: |N:9"}},
		{"trailing blank cells dropped",
			`<row r="1"><c r="A1"><v>1</v></c><c r="B1" s="4"/><c r="C1" t="s"><v>3</v></c></row>`,
			[]string{"1|N:1"}},
		{"comments, CDATA, CRLF and odd spacing",
			"<row r=\"1\" ><!-- a comment --><c r=\"A1\" t = 'inlineStr' ><is><t><![CDATA[<not a tag> & ]]>x</t></is></c ><c r=\"B1\" t=\"str\"><v>l1\r\nl2</v></c><?pi x?></row >",
			[]string{"1|T:<not a tag> & x|T:l1\nl2"}},
		{"same column twice: the last wins",
			`<row r="1"><c r="A1"><v>1</v></c><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>0</v></c><c r="B1"><v>2</v></c></row>`,
			[]string{"1|T:plain|N:2"}},
		{"elements beside cells are ignored",
			`<row r="1"><c r="A1"><v>1</v><extLst><ext><v>99</v></ext></extLst></c><extLst><c r="C1"><v>9</v></c></extLst></row>`,
			[]string{"1|N:1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := mustDump(t, oneSheet(t, tt.rows, sst...), "")
			sameLines(t, got, tt.want)
		})
	}
}

func TestOpenXLSXTextsOutliveTheRow(t *testing.T) {
	// Strings handed out for one row must survive the next rows.
	data := oneSheet(t, `<row r="1"><c r="A1"><v>11</v></c><c r="B1" t="inlineStr"><is><t>one</t></is></c></row><row r="2"><c r="A2"><v>22</v></c><c r="B2" t="inlineStr"><is><t>two</t></is></c></row>`)
	rows, _, err := open(t, data, "", testLimits())
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var kept []string
	for rows.Next() {
		_, cells := rows.Row()
		for _, c := range cells {
			kept = append(kept, c.Text)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(kept, ","); got != "11,one,22,two" {
		t.Errorf("kept texts = %q", got)
	}
}

func TestOpenXLSXBadSharedStringOnlyWhenUsed(t *testing.T) {
	data := oneSheet(t, `<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="B2" t="s"><v>1</v></c></row>`,
		`<si><t>fine</t></si>`, "<si><t>GBK \xb1\xe0\xc2\xeb</t></si>")
	rows, _, err := open(t, data, "", testLimits())
	if err != nil {
		t.Fatal(err)
	}
	got, err := dump(t, rows)
	sameLines(t, got, []string{"1|T:fine"})
	wantErr(t, err, ErrUnreadable, "shared string 1 is not valid UTF-8")
	var e *Error
	if errors.As(err, &e) && (e.Row != 2 || e.Column != 2) {
		t.Errorf("located at %d:%d; want 2:2", e.Row, e.Column)
	}
}

func TestOpenXLSXUTF16Part(t *testing.T) {
	var utf16 []byte
	utf16 = append(utf16, 0xFF, 0xFE)
	for _, r := range `<worksheet><sheetData/></worksheet>` {
		utf16 = append(utf16, byte(r), 0)
	}
	data := book{names: []string{"S"}, sheets: []string{string(utf16)}}.zip(t)
	rows, _, err := open(t, data, "", testLimits())
	if err != nil {
		t.Fatal(err)
	}
	_, err = dump(t, rows)
	wantErr(t, err, ErrUnreadable, "UTF-16")
}

func TestOpenXLSXClose(t *testing.T) {
	data := oneSheet(t, `<row r="1"><c><v>1</v></c></row><row r="2"><c><v>2</v></c></row>`)
	rows, _, err := open(t, data, "", testLimits())
	if err != nil {
		t.Fatal(err)
	}
	if !rows.Next() {
		t.Fatal("no first row")
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	if rows.Next() {
		t.Error("Next after Close returned true")
	}
	if err := rows.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	x := rows
	if x.rc != nil || x.sc != nil || x.sst != nil || x.cells != nil {
		t.Error("Close kept the part or buffers")
	}
}

func TestOpenXLSXDamagedSheet(t *testing.T) {
	sst := []string{`<si><t>only</t></si>`}
	tests := []struct {
		name     string
		rows     string
		row, col int
		sentinel error
		want     string
	}{
		{"bad shared string index", `<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>1</v></c><c r="C2" t="s"><v>7</v></c></row>`, 2, 3, ErrUnreadable, `shared string "7"`},
		{"shared string index not a number", `<row r="4"><c r="B4" t="s"><v>x</v></c></row>`, 4, 2, ErrUnreadable, `shared string "x"`},
		{"unknown type", `<row r="2"><c r="D2" t="zz"><v>1</v></c></row>`, 2, 4, ErrUnreadable, `unknown cell type "zz"`},
		{"bad boolean", `<row r="2"><c r="A2" t="b"><v>yes</v></c></row>`, 2, 1, ErrUnreadable, `a boolean cell holds "yes"`},
		{"unknown entity", `<row r="3"><c r="A3" t="str"><v>&nbsp;</v></c></row>`, 3, 1, ErrUnreadable, "unknown entity &nbsp;"},
		{"cut inside a row", `<row r="3"><c r="A3"><v>1</v></c>`, 3, 0, ErrUnreadable, "damaged"},
		{"bad cell reference", `<row r="3"><c r="3A"><v>1</v></c></row>`, 3, 0, ErrUnreadable, `cell reference "3A"`},
		{"beyond XFD", `<row r="3"><c r="XFE3"><v>1</v></c></row>`, 3, 0, ErrUnreadable, "beyond column XFD"},
		{"bad row number", `<row r="1"><c><v>1</v></c></row><row r="-2"><c><v>1</v></c></row>`, 2, 0, ErrUnreadable, `row number "-2"`},
		{"entity bomb", `<row r="1"><c r="A1" t="str"><v>&lol9;</v></c></row>`, 1, 1, ErrUnreadable, "unknown entity &lol9;"},
		{"invalid UTF-8", "<row r=\"5\"><c r=\"A5\" t=\"str\"><v>\xff\xfe</v></c></row>", 5, 1, ErrUnreadable, "not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := oneSheet(t, tt.rows, sst...)
			switch tt.name {
			case "cut inside a row":
				data = book{names: []string{"Sheet1"}, sheets: []string{`<worksheet><sheetData>` + tt.rows}, sst: sstXML(sst...)}.zip(t)
			case "entity bomb": // billion laughs: declared entities are never expanded
				var dtd strings.Builder
				dtd.WriteString(`<!DOCTYPE worksheet [<!ENTITY lol "lol">`)
				for i := 1; i <= 9; i++ {
					fmt.Fprintf(&dtd, `<!ENTITY lol%d "%s">`, i, strings.Repeat(fmt.Sprintf("&lol%d;", i-1), 10))
				}
				dtd.WriteString(`]>`)
				data = book{names: []string{"Sheet1"}, sheets: []string{dtd.String() + `<worksheet><sheetData>` + tt.rows + `</sheetData></worksheet>`}}.zip(t)
			}
			rows, _, err := open(t, data, "", testLimits())
			if err != nil {
				t.Fatal(err)
			}
			_, err = dump(t, rows)
			wantErr(t, err, tt.sentinel, tt.want)
			var e *Error
			if errors.As(err, &e) && (e.Row != tt.row || e.Column != tt.col || e.Sheet != "Sheet1") {
				t.Errorf("located at %s:%d:%d; want Sheet1:%d:%d", e.Sheet, e.Row, e.Column, tt.row, tt.col)
			}
			if rows.Next() {
				t.Error("Next after an error returned true")
			}
		})
	}
}

// ---- limits ----------------------------------------------------------------

func TestOpenXLSXRowLimits(t *testing.T) {
	long := strings.Repeat("长", 20) // 60 bytes
	sst := []string{`<si><t>` + long + `</t></si>`, `<si><t>ok</t></si>`}
	tests := []struct {
		name     string
		lim      Limits
		rows     string
		row, col int
		want     string
		before   int // rows read before the error
	}{
		{"max rows", Limits{MaxRows: 3}, `<row r="1"><c><v>1</v></c></row><row r="3"><c><v>1</v></c></row><row r="9"/><row r="4"><c><v>1</v></c></row>`, 4, 0, "more than 3 rows", 2},
		{"max cells per row", Limits{MaxCellsPerRow: 3}, `<row r="1"><c r="A1"><v>1</v></c><c r="XFD1" s="1"/></row><row r="2"><c r="C2"><v>1</v></c><c r="D2"><v>1</v></c></row>`, 2, 4, "a cell in column D; at most 3 columns are accepted", 1},
		{"field bytes, inline", Limits{MaxFieldBytes: 50}, `<row r="1"><c t="inlineStr"><is><t>ok</t></is></c></row><row r="2"><c r="B2" t="inlineStr"><is><t>` + long + `</t></is></c></row>`, 2, 2, "a cell of more than 50 bytes", 1},
		{"field bytes, value", Limits{MaxFieldBytes: 50}, `<row r="2"><c r="C2" t="str"><v>` + long + `</v></c></row>`, 2, 3, "a cell of more than 50 bytes", 0},
		{"field bytes, entities count decoded", Limits{MaxFieldBytes: 50}, `<row r="2"><c r="A2" t="str"><v>` + strings.Repeat("&amp;", 50) + `</v></c><c r="B2" t="str"><v>` + strings.Repeat("&amp;", 51) + `</v></c></row>`, 2, 2, "a cell of more than 50 bytes", 0},
		{"field bytes, shared", Limits{MaxFieldBytes: 50}, `<row r="1"><c t="s"><v>1</v></c></row><row r="6"><c r="E6" t="s"><v>0</v></c></row>`, 6, 5, "a cell of more than 50 bytes", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, _, err := open(t, oneSheet(t, tt.rows, sst...), "", tt.lim)
			if err != nil {
				t.Fatal(err)
			}
			got, err := dump(t, rows)
			if len(got) != tt.before {
				t.Errorf("read %q before the error; want %d rows", got, tt.before)
			}
			wantErr(t, err, ErrLimit, tt.want)
			var e *Error
			if errors.As(err, &e) && (e.Row != tt.row || e.Column != tt.col) {
				t.Errorf("located at %d:%d; want %d:%d", e.Row, e.Column, tt.row, tt.col)
			}
		})
	}
	// Exactly at the limits passes.
	lim := Limits{MaxRows: 2, MaxCellsPerRow: 2, MaxFieldBytes: 60}
	rows, _, err := open(t, oneSheet(t, `<row r="2"><c r="B2" t="s"><v>0</v></c></row>`, sst...), "", lim)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := dump(t, rows); err != nil || len(got) != 1 {
		t.Errorf("at the limits: %q, %v", got, err)
	}
}

// deflateBomb returns a raw deflate stream that inflates to n MB of
// "<row><c><v>1</v></c></row>…" from about 2.5 kB per MB: after the first
// chunk, every flushed chunk of identical input compresses to identical
// bytes, so one is repeated.

func TestOpenXLSXRowsPastTheLastRow(t *testing.T) {
	for name, rows := range map[string]string{
		"numbered":  `<row r="1"><c><v>1</v></c></row><row r="1048577"><c><v>1</v></c></row>`,
		"blank run": `<row r="1048570"/>` + strings.Repeat(`<row/>`, 20),
	} {
		r, _, err := open(t, oneSheet(t, rows), "", Limits{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = dump(t, r)
		wantErr(t, err, ErrLimit, "row 1048577 is past the last row a worksheet has (1048576)")
		if name == "numbered" {
			var e *Error
			if errors.As(err, &e) && e.Row != 1048577 {
				t.Errorf("located at row %d", e.Row)
			}
		}
	}
	// The last row itself is fine.
	r, _, _ := open(t, oneSheet(t, `<row r="1048576"><c><v>1</v></c></row>`), "", Limits{})
	if got, err := dump(t, r); err != nil || len(got) != 1 {
		t.Errorf("row 1048576: %q, %v", got, err)
	}
}

func TestOpenXLSXSharedStringsLimit(t *testing.T) {
	// 1000 items of 10 bytes hold 1000×(10+8) = 18,000 bytes.
	items := make([]string, 1000)
	for i := range items {
		items[i] = `<si><t>0123456789</t></si>`
	}
	book := oneSheet(t, `<row r="1"><c t="s"><v>999</v></c></row>`, items...)
	for _, tc := range []struct {
		limit int64
		ok    bool
	}{{18_000, true}, {17_999, false}, {0, true}} {
		rows, _, err := open(t, book, "", Limits{SharedStrings: tc.limit})
		if tc.ok {
			if err != nil {
				t.Errorf("limit %d: %v", tc.limit, err)
				continue
			}
			if got, err := dump(t, rows); err != nil || len(got) != 1 {
				t.Errorf("limit %d: %q, %v", tc.limit, got, err)
			}
			continue
		}
		wantErr(t, err, ErrLimit, "the workbook's shared strings take more than 17999 bytes (limits.shared_strings_size)")
		var e *Error
		if !errors.As(err, &e) || e.Sheet != "Sheet1" {
			t.Errorf("limit %d: not located in the sheet: %v", tc.limit, err)
		}
	}
}
