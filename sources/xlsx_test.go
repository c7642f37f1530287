package sources

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// ---- fixtures -------------------------------------------------------------

type part struct{ name, body string }

// zipParts builds a zip in memory from parts, in order.
func zipParts(t testing.TB, parts ...part) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		w, err := zw.Create(p.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, p.body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const (
	nsMain  = `http://schemas.openxmlformats.org/spreadsheetml/2006/main`
	nsRel   = `http://schemas.openxmlformats.org/officeDocument/2006/relationships`
	xmlDecl = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"
)

// sheetXML wraps row elements in a worksheet.
func sheetXML(rows string) string {
	return xmlDecl + `<worksheet xmlns="` + nsMain + `" xmlns:r="` + nsRel + `"><dimension ref="A1"/><sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetFormatPr defaultRowHeight="15"/><sheetData>` +
		rows + `</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>`
}

// sstXML wraps <si> elements in a shared string table.
func sstXML(items ...string) string {
	return xmlDecl + `<sst xmlns="` + nsMain + `" count="` + strconv.Itoa(len(items)) + `" uniqueCount="` + strconv.Itoa(len(items)) + `">` + strings.Join(items, "") + `</sst>`
}

// book describes a workbook fixture: sheets by name with their XML, an
// optional shared string table and workbookPr.
type book struct {
	names       []string
	sheets      []string
	sst         string // "" for none
	workbookPr  string
	absolute    bool // write rels targets as /xl/worksheets/…
	contentType bool
}

func (b book) zip(t testing.TB) []byte {
	t.Helper()
	var wbSheets, rels strings.Builder
	var parts []part
	parts = append(parts, part{"[Content_Types].xml", xmlDecl + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>`})
	parts = append(parts, part{"_rels/.rels", xmlDecl + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`})
	for i, n := range b.names {
		fmt.Fprintf(&wbSheets, `<sheet name="%s" sheetId="%d" r:id="rId%d"/>`, xmlEscape(n), i+1, i+1)
		target := fmt.Sprintf("worksheets/sheet%d.xml", i+1)
		if b.absolute {
			target = "/xl/" + target
		}
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="%s"/>`, i+1, target)
	}
	if b.sst != "" {
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`, len(b.names)+1)
	}
	parts = append(parts, part{"xl/workbook.xml", xmlDecl + `<workbook xmlns="` + nsMain + `" xmlns:r="` + nsRel + `">` + b.workbookPr + `<bookViews><workbookView/></bookViews><sheets>` + wbSheets.String() + `</sheets><calcPr calcId="191029"/></workbook>`})
	parts = append(parts, part{"xl/_rels/workbook.xml.rels", xmlDecl + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` + rels.String() + `</Relationships>`})
	for i, s := range b.sheets {
		parts = append(parts, part{fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1), s})
	}
	if b.sst != "" {
		parts = append(parts, part{"xl/sharedStrings.xml", b.sst})
	}
	return zipParts(t, parts...)
}

func xmlEscape(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// oneSheet is a workbook with one sheet "Sheet1" holding rows.
func oneSheet(t testing.TB, rows string, sst ...string) []byte {
	b := book{names: []string{"Sheet1"}, sheets: []string{sheetXML(rows)}}
	if len(sst) > 0 {
		b.sst = sstXML(sst...)
	}
	return b.zip(t)
}

func open(t testing.TB, data []byte, sheet string, lim Limits) (Rows, *Workbook, error) {
	t.Helper()
	return OpenXLSX(bytes.NewReader(data), int64(len(data)), sheet, lim)
}

// dump renders every row as "N|cell|cell…", a cell as kind letter ':' text
// (N number, T text, B bool, D date, E error) and a blank cell as "".
func dump(t testing.TB, rows Rows) ([]string, error) {
	t.Helper()
	var out []string
	for rows.Next() {
		n, cells := rows.Row()
		var b strings.Builder
		b.WriteString(strconv.Itoa(n))
		for _, c := range cells {
			b.WriteByte('|')
			switch c.Kind {
			case Blank:
				if c.Text != "" {
					b.WriteString("_:" + c.Text)
				}
			case Text:
				b.WriteString("T:" + c.Text)
			case Number:
				b.WriteString("N:" + c.Text)
			case Bool:
				b.WriteString("B:" + c.Text)
			case DateText:
				b.WriteString("D:" + c.Text)
			case ErrorVal:
				b.WriteString("E:" + c.Text)
			default:
				b.WriteString("?:" + c.Text)
			}
		}
		out = append(out, b.String())
	}
	err := rows.Err()
	if cerr := rows.Close(); cerr != nil {
		t.Errorf("Close: %v", cerr)
	}
	return out, err
}

func mustDump(t testing.TB, data []byte, sheet string) ([]string, *Workbook) {
	t.Helper()
	rows, wb, err := open(t, data, sheet, DefaultLimits())
	if err != nil {
		t.Fatalf("OpenXLSX: %v", err)
	}
	got, err := dump(t, rows)
	if err != nil {
		t.Fatalf("rows: %v", err)
	}
	return got, wb
}

func sameLines(t *testing.T, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows:\n got  %q\n want %q", got, want)
	}
}

// ---- round trip through excelize -------------------------------------------

func TestOpenXLSXExcelizeRoundTrip(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	day := time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC)
	set := func(cell string, v any) {
		if err := f.SetCellValue("Sheet1", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	set("A1", "编码")
	set("B1", "amount")
	set("C1", "pilot")
	set("D1", "date")
	set("E1", "note")
	set("A2", "U001")
	set("B2", 300000.3)
	set("C2", true)
	set("D2", day)
	set("E2", "  leading space")
	set("A4", "U002") // row 3 left empty
	set("B4", -5)
	set("C4", false)
	set("E4", "line one\nline two")
	set("A5", "   ") // only whitespace: the row is skipped
	if err := f.SetCellFormula("Sheet1", "B6", "SUM(B2:B4)"); err != nil {
		t.Fatal(err) // a formula without a cached value (excelize computes none)
	}
	set("A6", "U003")
	idx, err := f.NewSheet("Second")
	if err != nil {
		t.Fatal(err)
	}
	_ = idx
	sw, err := f.NewStreamWriter("Second")
	if err != nil {
		t.Fatal(err)
	}
	if err := sw.SetRow("A1", []any{"x", excelize.Cell{Formula: "1+2", Value: 3}, excelize.Cell{Formula: `"a"&"b"`, Value: "ab"}}); err != nil {
		t.Fatal(err)
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}

	got, wb := mustDump(t, buf.Bytes(), "")
	sameLines(t, got, []string{
		"1|T:编码|T:amount|T:pilot|T:date|T:note",
		"2|T:U001|N:300000.3|B:1|N:45747|T:  leading space",
		"4|T:U002|N:-5|B:0||T:line one\nline two",
		"6|T:U003",
	})
	if wb.Sheet != "Sheet1" || strings.Join(wb.Sheets, ",") != "Sheet1,Second" || wb.Date1904 {
		t.Errorf("workbook = %+v", wb)
	}
	// The serial really is the date, read the way the caller will.
	if d, err := excelize.ExcelDateToTime(45747, false); err != nil || !d.Equal(day) {
		t.Errorf("serial 45747 = %v, %v; want %v", d, err, day)
	}

	got, wb = mustDump(t, buf.Bytes(), "second") // case-insensitive, as Excel
	sameLines(t, got, []string{"1|T:x|N:3|T:ab"})
	if wb.Sheet != "Second" {
		t.Errorf("Sheet = %q", wb.Sheet)
	}
}

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
	rows, _, err := open(t, data, "", DefaultLimits())
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

func TestOpenXLSXPrefixedXML(t *testing.T) {
	// Prefixed elements and the Strict OOXML namespace, as some generators write.
	const strict = `http://purl.oclc.org/ooxml/spreadsheetml/main`
	const strictRel = `http://purl.oclc.org/ooxml/officeDocument/relationships`
	data := zipParts(t,
		part{"xl/workbook.xml", `<x:workbook xmlns:x="` + strict + `" xmlns:rel="` + strictRel + `"><x:workbookPr date1904="true"/><x:sheets><x:sheet name="Data" sheetId="1" rel:id="R1"/></x:sheets></x:workbook>`},
		part{"xl/_rels/workbook.xml.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="R1" Type="http://purl.oclc.org/ooxml/officeDocument/relationships/worksheet" Target="worksheets/data.xml"/><Relationship Id="R2" Type="http://purl.oclc.org/ooxml/officeDocument/relationships/sharedStrings" Target="strings.xml"/></Relationships>`},
		part{"xl/worksheets/data.xml", `<x:worksheet xmlns:x="` + strict + `"><x:sheetData><x:row x:r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1"><x:v>42</x:v></x:c></x:row></x:sheetData></x:worksheet>`},
		part{"xl/strings.xml", `<x:sst xmlns:x="` + strict + `"><x:si><x:t>hello</x:t></x:si></x:sst>`},
	)
	got, wb := mustDump(t, data, "")
	sameLines(t, got, []string{"1|T:hello|N:42"})
	if !wb.Date1904 || wb.Sheet != "Data" {
		t.Errorf("workbook = %+v", wb)
	}
}

func TestOpenXLSXWorkbookStructure(t *testing.T) {
	first := sheetXML(`<row r="1"><c r="A1"><v>1</v></c></row>`)
	second := sheetXML(`<row r="3"><c r="B3"><v>2</v></c></row>`)

	t.Run("absolute rels target", func(t *testing.T) {
		data := book{names: []string{"One"}, sheets: []string{first}, absolute: true}.zip(t)
		got, _ := mustDump(t, data, "")
		sameLines(t, got, []string{"1|N:1"})
	})
	t.Run("date1904", func(t *testing.T) {
		for pr, want := range map[string]bool{
			`<workbookPr date1904="1"/>`:     true,
			`<workbookPr date1904="true"/>`:  true,
			`<workbookPr date1904="false"/>`: false,
			`<workbookPr/>`:                  false,
			``:                               false,
		} {
			data := book{names: []string{"One"}, sheets: []string{first}, workbookPr: pr}.zip(t)
			_, wb := mustDump(t, data, "")
			if wb.Date1904 != want {
				t.Errorf("%s: Date1904 = %v", pr, wb.Date1904)
			}
		}
	})
	t.Run("second sheet by name", func(t *testing.T) {
		data := book{names: []string{"One", "R&D 二"}, sheets: []string{first, second}}.zip(t)
		got, wb := mustDump(t, data, "R&D 二")
		sameLines(t, got, []string{"3||N:2"})
		if wb.Sheet != "R&D 二" || strings.Join(wb.Sheets, "|") != "One|R&D 二" {
			t.Errorf("workbook = %+v", wb)
		}
	})
	t.Run("missing sheet lists the sheets", func(t *testing.T) {
		data := book{names: []string{"One", "Two"}, sheets: []string{first, second}}.zip(t)
		_, _, err := open(t, data, "Three", DefaultLimits())
		wantErr(t, err, ErrUnreadable, `sheet "Three" not found; the workbook has sheets: "One", "Two"`)
	})
	t.Run("entry names differ in case and slashes", func(t *testing.T) {
		data := zipParts(t,
			part{`XL\Workbook.xml`, `<workbook><sheets><sheet name="S" r:id="rId1" xmlns:r="` + nsRel + `"/></sheets></workbook>`},
			part{`xl\_rels\workbook.xml.rels`, `<Relationships><Relationship Id="rId1" Type="x/worksheet" Target="worksheets/Sheet1.xml"/></Relationships>`},
			part{`xl\worksheets\sheet1.xml`, sheetXML(`<row r="1"><c r="A1"><v>7</v></c></row>`)},
		)
		got, _ := mustDump(t, data, "")
		sameLines(t, got, []string{"1|N:7"})
	})
	t.Run("first sheet passes over hidden and chart sheets", func(t *testing.T) {
		const ws = `http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet`
		data := zipParts(t,
			part{"xl/workbook.xml", `<workbook xmlns:r="` + nsRel + `"><sheets><sheet name="Lists" state="hidden" r:id="rId1"/><sheet name="Chart" r:id="rId2"/><sheet name="Data" r:id="rId3"/></sheets></workbook>`},
			part{"xl/_rels/workbook.xml.rels", `<Relationships><Relationship Id="rId1" Type="` + ws + `" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/chartsheet" Target="chartsheets/sheet1.xml"/><Relationship Id="rId3" Type="` + ws + `" Target="worksheets/sheet2.xml"/></Relationships>`},
			part{"xl/worksheets/sheet1.xml", sheetXML(`<row r="1"><c r="A1" t="inlineStr"><is><t>list</t></is></c></row>`)},
			part{"xl/chartsheets/sheet1.xml", `<chartsheet/>`},
			part{"xl/worksheets/sheet2.xml", sheetXML(`<row r="1"><c r="A1" t="inlineStr"><is><t>data</t></is></c></row>`)},
		)
		got, wb := mustDump(t, data, "")
		sameLines(t, got, []string{"1|T:data"})
		if wb.Sheet != "Data" {
			t.Errorf("Sheet = %q", wb.Sheet)
		}
		got, _ = mustDump(t, data, "Lists") // named, a hidden sheet is read
		sameLines(t, got, []string{"1|T:list"})
		_, _, err := open(t, data, "Chart", DefaultLimits())
		wantErr(t, err, ErrUnreadable, "the sheet is a chart, not a table of cells")
	})
	t.Run("empty sheet", func(t *testing.T) {
		for _, s := range []string{sheetXML(""), `<worksheet><sheetData/></worksheet>`, `<worksheet/>`} {
			data := book{names: []string{"One"}, sheets: []string{s}}.zip(t)
			got, _ := mustDump(t, data, "")
			if len(got) != 0 {
				t.Errorf("%s: rows %q", s, got)
			}
		}
	})
	t.Run("chart sheet", func(t *testing.T) {
		data := book{names: []string{"Chart1"}, sheets: []string{`<chartsheet xmlns="` + nsMain + `"><drawing r:id="rId1"/></chartsheet>`}}.zip(t)
		rows, _, err := open(t, data, "", DefaultLimits())
		if err != nil {
			t.Fatal(err)
		}
		_, err = dump(t, rows)
		wantErr(t, err, ErrUnreadable, "not a table")
		var e *Error
		if errors.As(err, &e) && e.Sheet != "Chart1" {
			t.Errorf("Sheet = %q", e.Sheet)
		}
	})
}

func TestOpenXLSXBadSharedStringOnlyWhenUsed(t *testing.T) {
	data := oneSheet(t, `<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="B2" t="s"><v>1</v></c></row>`,
		`<si><t>fine</t></si>`, "<si><t>GBK \xb1\xe0\xc2\xeb</t></si>")
	rows, _, err := open(t, data, "", DefaultLimits())
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
	rows, _, err := open(t, data, "", DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	_, err = dump(t, rows)
	wantErr(t, err, ErrUnreadable, "UTF-16")
}

func TestOpenXLSXClose(t *testing.T) {
	data := oneSheet(t, `<row r="1"><c><v>1</v></c></row><row r="2"><c><v>2</v></c></row>`)
	rows, _, err := open(t, data, "", DefaultLimits())
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
	x := rows.(*xlsxRows)
	if x.rc != nil || x.sc != nil || x.sst != nil || x.cells != nil {
		t.Error("Close kept the part or buffers")
	}
}

// ---- refusals --------------------------------------------------------------

// wantErr checks that err is an *Error wrapping sentinel whose message holds
// want, with File left empty for the caller.
func wantErr(t *testing.T, err error, sentinel error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want %q", want)
	}
	if !errors.Is(err, sentinel) {
		t.Errorf("error %q does not wrap %v", err, sentinel)
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Errorf("error %q is %T, not *Error", err, err)
	} else if e.File != "" {
		t.Errorf("File = %q; the caller fills it", e.File)
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}
}

func TestOpenXLSXRefusals(t *testing.T) {
	valid := oneSheet(t, `<row r="1"><c r="A1"><v>1</v></c></row>`)
	ole := func(extra []byte) []byte {
		b := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 3000)...)
		return append(append(b, extra...), make([]byte, 600)...)
	}
	// "EncryptionInfo" as it sits in a CFB directory entry: UTF-16LE.
	var encName []byte
	for _, r := range "EncryptionInfo" {
		encName = append(encName, byte(r), 0)
	}
	// straddle the 1 MB read chunk, so the overlap is tested too
	bigOLE := append(append(ole(nil)[:8], make([]byte, 1<<20-9)...), encName...)
	docx := zipParts(t, part{"word/document.xml", "<document/>"})
	xlsb := zipParts(t, part{"xl/workbook.bin", "\x83\x01"})

	tests := []struct {
		name     string
		data     []byte
		sentinel error
		want     string
	}{
		{"empty", nil, ErrUnreadable, "the file is empty"},
		{"not a zip", []byte("编码,名称\nU1,hub\n"), ErrUnreadable, "not an .xlsx workbook (the file is not a zip archive)"},
		{"truncated", valid[:len(valid)/2], ErrUnreadable, "the workbook is damaged or incomplete: "},
		{"legacy xls", ole(nil), ErrUnreadable, "this is a legacy .xls workbook: open it in Excel or WPS and save it as .xlsx"},
		{"password", ole(encName), ErrUnreadable, "the workbook is password-protected: remove the password in Excel or WPS and save it again"},
		{"password past 1 MB", bigOLE, ErrUnreadable, "password-protected"},
		{"zip without workbook", docx, ErrUnreadable, "not an .xlsx workbook (no xl/workbook.xml)"},
		{"xlsb", xlsb, ErrUnreadable, ".xlsb"},
		{"damaged workbook.xml", zipParts(t, part{"xl/workbook.xml", `<workbook><sheets><sheet name="a`}), ErrUnreadable, "the workbook is damaged: xl/workbook.xml"},
		{"no sheets", zipParts(t, part{"xl/workbook.xml", `<workbook><sheets/></workbook>`}), ErrUnreadable, "lists no sheets"},
		{"sheet part missing", zipParts(t,
			part{"xl/workbook.xml", `<workbook><sheets><sheet name="S" r:id="rId1"/></sheets></workbook>`},
			part{"xl/_rels/workbook.xml.rels", `<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>`}),
			ErrUnreadable, "xl/worksheets/sheet1.xml is missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, wb, err := open(t, tt.data, "", DefaultLimits())
			if rows != nil || wb != nil {
				t.Errorf("got rows %v and workbook %v with the error", rows, wb)
			}
			wantErr(t, err, tt.sentinel, tt.want)
		})
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
			rows, _, err := open(t, data, "", DefaultLimits())
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
func deflateBomb(t testing.TB, mb int) (stream []byte, size int64) {
	t.Helper()
	row := "<row><c><v>1</v></c></row>"
	chunk := bytes.Repeat([]byte(row), (1<<20)/len(row))
	var out bytes.Buffer
	w, err := flate.NewWriter(&out, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	var parts [][]byte
	for i := 0; i < 3; i++ {
		start := out.Len()
		w.Write(chunk)
		w.Flush()
		parts = append(parts, bytes.Clone(out.Bytes()[start:]))
	}
	if !bytes.Equal(parts[1], parts[2]) {
		t.Fatal("flate output is not periodic; build the bomb another way")
	}
	var bomb bytes.Buffer
	bomb.Write(parts[0])
	for i := 1; i < mb; i++ {
		bomb.Write(parts[1])
	}
	bomb.Write([]byte{0x03, 0x00}) // a final, empty fixed-Huffman block
	return bomb.Bytes(), int64(mb) * int64(len(chunk))
}

// rawSheetBook is a workbook whose only sheet is the raw deflate stream
// sheet, written as is; hdr gives the sizes and CRC its zip entry declares.
func rawSheetBook(t testing.TB, sheet []byte, hdr zip.FileHeader) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range []part{
		{"xl/workbook.xml", `<workbook><sheets><sheet name="S" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>`},
	} {
		w, _ := zw.Create(p.name)
		io.WriteString(w, p.body)
	}
	hdr.Name, hdr.Method, hdr.CompressedSize64 = "xl/worksheets/sheet1.xml", zip.Deflate, uint64(len(sheet))
	w, err := zw.CreateRaw(&hdr)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(sheet)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// bombBook is a workbook whose only sheet is stream (raw deflate) with the
// given declared size.
func bombBook(t testing.TB, stream []byte, declared uint64) []byte {
	t.Helper()
	head := `<worksheet><sheetData>`
	// A stored header would need a second entry, so the stream is prefixed
	// with a stored deflate block holding head.
	var full bytes.Buffer
	full.Write([]byte{0x00, byte(len(head)), 0x00, ^byte(len(head)), 0xFF})
	full.WriteString(head)
	full.Write(stream)
	return rawSheetBook(t, full.Bytes(), zip.FileHeader{UncompressedSize64: declared, CRC32: 0x12345678})
}

func TestDeflateBombIsValid(t *testing.T) {
	stream, size := deflateBomb(t, 8)
	n, err := io.Copy(io.Discard, flate.NewReader(bytes.NewReader(stream)))
	if err != nil || n != size {
		t.Fatalf("bomb inflates to %d, %v; want %d", n, err, size)
	}
	data := bombBook(t, stream, uint64(size)+22)
	got := 0
	rows, _, err := open(t, data, "", DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		got++
	}
	rows.Close()
	// The CRC is made up, so the end of the part is refused as damaged; but
	// every row before it was read.
	if want := int(size) / 26; got != want || !errors.Is(rows.Err(), ErrUnreadable) {
		t.Errorf("read %d rows, then %v; want %d rows and a checksum error", got, rows.Err(), want)
	}
}

func TestOpenXLSXZipBomb(t *testing.T) {
	stream, size := deflateBomb(t, 2048) // 2 GB from ~5 MB
	t.Logf("bomb: %d bytes inflating to %d", len(stream), size)
	honest := bombBook(t, stream, uint64(size)+22)
	liar := bombBook(t, stream, 1000) // the zip directory claims 1000 bytes

	tests := []struct {
		name     string
		data     []byte
		lim      Limits
		sentinel error
		want     string
	}{
		{"total declared size", honest, Limits{UnzipSize: 1 << 30}, ErrLimit, "the workbook inflates to more than 1073741824 bytes (limits.unzip_size)"},
		{"one part's declared size", honest, Limits{UnzipSize: 4 << 30, UnzipXMLSize: 1 << 20}, ErrLimit, "one part of the workbook inflates to more than 1048576 bytes (limits.unzip_xml_size)"},
		{"lying zip directory", liar, DefaultLimits(), ErrUnreadable, "the workbook is damaged or incomplete: xl/worksheets/sheet1.xml"},
		{"within size limits, stopped by rows", honest, Limits{MaxRows: 1000}, ErrLimit, "more than 1000 rows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			rows, _, err := open(t, tt.data, "", tt.lim)
			n := 0
			if err == nil {
				for rows.Next() {
					n++
				}
				err = rows.Err()
				rows.Close()
			}
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)
			wantErr(t, err, tt.sentinel, tt.want)
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
				t.Errorf("allocated %d MB", alloc>>20)
			}
			t.Logf("%d rows, %v, %v", n, err, elapsed)
		})
	}
}

func TestOpenXLSXGiantCellBomb(t *testing.T) {
	// 64 MB of one cell's text: MaxFieldBytes stops it without holding it.
	var comp bytes.Buffer
	w, _ := flate.NewWriter(&comp, flate.BestCompression)
	var size int
	write := func(b []byte) {
		w.Write(b)
		size += len(b)
	}
	write([]byte(xmlDecl + `<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>`))
	chunk := bytes.Repeat([]byte("a&amp;"), 1<<16)
	for i := 0; i < 64<<20/len(chunk); i++ {
		write(chunk)
	}
	write([]byte(`</t></is></c></row></sheetData></worksheet>`))
	w.Close()
	data := rawSheetBook(t, comp.Bytes(), zip.FileHeader{UncompressedSize64: uint64(size)})

	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	rows, _, err := open(t, data, "", DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	_, err = dump(t, rows)
	runtime.ReadMemStats(&after)
	wantErr(t, err, ErrLimit, "a cell of more than 32768 bytes")
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16<<20 {
		t.Errorf("allocated %d MB", alloc>>20)
	}
}

func TestPartReaderCountsActualBytes(t *testing.T) {
	// archive/zip refuses a part longer than its recorded size; partReader
	// holds the limit on its own as well.
	p := &partReader{rc: io.NopCloser(strings.NewReader(strings.Repeat("x", 5000))), name: "p", max: 4096}
	n, err := io.Copy(io.Discard, p)
	if !errors.Is(err, ErrLimit) || n > 4096 {
		t.Errorf("read %d bytes, %v; want at most 4096 and ErrLimit", n, err)
	}
	p = &partReader{rc: io.NopCloser(strings.NewReader(strings.Repeat("x", 4096))), name: "p", max: 4096}
	if n, err := io.Copy(io.Discard, p); err != nil || n != 4096 {
		t.Errorf("at the limit: %d, %v", n, err)
	}
}

// ---- the scanner against encoding/xml --------------------------------------

// scanTokens renders the tokens the scanner reads from doc, merging adjacent
// text, or returns its error.
func scanTokens(doc []byte) (string, error) {
	s := newScanner(bytes.NewReader(doc), "doc")
	s.keep = true
	var b strings.Builder
	var text []byte
	flush := func() {
		if len(text) > 0 {
			fmt.Fprintf(&b, "T%q\n", text)
			text = text[:0]
		}
	}
	for {
		tok, err := s.next()
		if err != nil {
			return "", err
		}
		switch tok {
		case tokEOF:
			if s.open != 0 {
				return "", errors.New("unclosed elements")
			}
			flush()
			return b.String(), nil
		case tokText:
			text = append(text, s.text...)
		case tokStart:
			flush()
			fmt.Fprintf(&b, "S%s", s.name)
			if err := s.attrs(func(l, v []byte) { fmt.Fprintf(&b, " %s=%q", l, v) }); err != nil {
				return "", err
			}
			b.WriteByte('\n')
			if s.self {
				fmt.Fprintf(&b, "E%s\n", s.name)
			}
		case tokEnd:
			flush()
			fmt.Fprintf(&b, "E%s\n", s.name)
		}
	}
}

// stdTokens renders what encoding/xml reads from doc in the same form.
// Token, unlike RawToken, checks that elements nest, as the scanner does.
func stdTokens(doc []byte) (string, error) {
	d := xml.NewDecoder(bytes.NewReader(doc))
	var b strings.Builder
	var text []byte
	flush := func() {
		if len(text) > 0 {
			fmt.Fprintf(&b, "T%q\n", text)
			text = text[:0]
		}
	}
	local := func(n xml.Name) string {
		s := n.Local
		if i := strings.LastIndexByte(s, ':'); i >= 0 {
			s = s[i+1:]
		}
		return s
	}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			flush()
			return b.String(), nil
		}
		if err != nil {
			return "", err
		}
		switch tok := tok.(type) {
		case xml.CharData:
			text = append(text, tok...)
		case xml.StartElement:
			flush()
			fmt.Fprintf(&b, "S%s", local(tok.Name))
			for _, a := range tok.Attr {
				if a.Name.Space == "xmlns" || a.Name.Space == "" && a.Name.Local == "xmlns" {
					continue
				}
				fmt.Fprintf(&b, " %s=%q", local(a.Name), a.Value)
			}
			b.WriteByte('\n')
		case xml.EndElement:
			flush()
			fmt.Fprintf(&b, "E%s\n", local(tok.Name))
		}
	}
}

var scannerSeeds = []string{
	sheetXML(`<row r="1"><c r="A1" t="s"><v>0</v></c></row>`),
	sstXML(`<si><r><t xml:space="preserve">a &amp; b</t></r><rPh><t>x</t></rPh></si>`),
	`<a x='1' y="2"/><!-- c --><?pi?>text&#x4E2D;&#65;<![CDATA[<&>]]>` + "\r\n" + `<b/>`,
	`<!DOCTYPE a [<!ENTITY e "x">]><a b="c&gt;d"><x:y xmlns:x="u" x:z="1">t</x:y></a>`,
	`<a>` + "\r" + `x` + "\r\r\n" + `</a>`,
	`<a b=">"/>`,
}

func TestScannerMatchesEncodingXML(t *testing.T) {
	for _, doc := range scannerSeeds {
		checkScanner(t, []byte(doc))
	}
}

func checkScanner(t *testing.T, doc []byte) {
	t.Helper()
	want, err := stdTokens(doc)
	if err != nil {
		return // only well-formed input is compared
	}
	got, err := scanTokens(doc)
	if err != nil {
		t.Fatalf("%q: scanner: %v\nencoding/xml:\n%s", doc, err, want)
	}
	if got != want {
		t.Fatalf("%q:\nscanner:\n%s\nencoding/xml:\n%s", doc, got, want)
	}
}

func FuzzScanner(f *testing.F) {
	for _, s := range scannerSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		checkScanner(t, doc)
	})
}

// FuzzOpenXLSXSheet feeds arbitrary sheet XML through the reader: it must
// not panic, must keep to the limits and must locate every error.
func FuzzOpenXLSXSheet(f *testing.F) {
	f.Add(`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1"><v>1.5E3</v></c></row>`)
	f.Add(`<row><c t="inlineStr"><is><r><t>a</t></r><rPh><t>b</t></rPh></is></c></row><row r="9"/>`)
	f.Add(`<row r="2"><c r="B2" t="b"><v>1</v></c><c t="e"><v>#REF!</v></c><c t="d"><v>2025-01-01</v></c></row>`)
	lim := Limits{MaxCellsPerRow: 8, MaxFieldBytes: 16, MaxRows: 50, UnzipSize: 1 << 20, UnzipXMLSize: 1 << 20}
	f.Fuzz(func(t *testing.T, rows string) {
		data := oneSheet(t, rows, `<si><t>s0</t></si>`, `<si><t>s1 is longer than sixteen</t></si>`)
		r, _, err := open(t, data, "", lim)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		prev := 0
		for r.Next() {
			n, cells := r.Row()
			if n < 1 || n > lim.MaxRows || len(cells) == 0 || len(cells) > lim.MaxCellsPerRow {
				t.Fatalf("row %d with %d cells", n, len(cells))
			}
			if cells[len(cells)-1].Kind == Blank {
				t.Fatalf("row %d ends with a blank cell", n)
			}
			blank := true
			for _, c := range cells {
				if len(c.Text) > lim.MaxFieldBytes {
					t.Fatalf("row %d: cell of %d bytes", n, len(c.Text))
				}
				if c.Kind != Blank {
					blank = false
				}
			}
			if blank {
				t.Fatalf("row %d is blank", n)
			}
			prev = n
		}
		_ = prev
		if err := r.Err(); err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Sheet != "Sheet1" || !errors.Is(err, ErrUnreadable) && !errors.Is(err, ErrLimit) {
				t.Fatalf("error %v (%T) is not a located *Error", err, err)
			}
		}
	})
}

// ---- benchmark -------------------------------------------------------------

// benchBook returns a 100,000-row × 6-column workbook written by excelize's
// StreamWriter (numbers and inline strings), and the same table with Excel's
// layout: shared strings and cell references.
func benchBooks(b *testing.B) (stream, shared []byte) {
	const n = 100_000
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	var rows strings.Builder
	var strs []string
	for i := 1; i <= n; i++ {
		code := fmt.Sprintf("U%05d", i%5000)
		cat := []string{"运营经费", "人员经费", "项目经费"}[i%3]
		amount := float64(i)*1.01 + 0.3
		if err := sw.SetRow(fmt.Sprintf("A%d", i), []any{code, cat, amount, i * 7, "2025-03-31", float64(i) / 3}); err != nil {
			b.Fatal(err)
		}
		if i <= 5000 {
			strs = append(strs, `<si><t>`+code+`</t></si>`)
		}
		fmt.Fprintf(&rows, `<row r="%d" spans="1:6"><c r="A%d" s="1" t="s"><v>%d</v></c><c r="B%d" t="s"><v>%d</v></c><c r="C%d" s="2"><v>%s</v></c><c r="D%d"><v>%d</v></c><c r="E%d" t="s"><v>%d</v></c><c r="F%d"><v>%s</v></c></row>`,
			i, i, i%5000, i, 5000+i%3, i, strconv.FormatFloat(amount, 'g', 17, 64), i, i*7, i, 5003, i, strconv.FormatFloat(float64(i)/3, 'g', 17, 64))
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		b.Fatal(err)
	}
	strs = append(strs, `<si><t>运营经费</t></si>`, `<si><t>人员经费</t></si>`, `<si><t>项目经费</t></si>`, `<si><t>2025-03-31</t></si>`)
	shared = oneSheet(b, rows.String(), strs...)
	return buf.Bytes(), shared
}

func BenchmarkOpenXLSX(b *testing.B) {
	stream, shared := benchBooks(b)
	for _, bb := range []struct {
		name string
		data []byte
	}{{"excelize-stream", stream}, {"shared-strings", shared}} {
		b.Run(bb.name, func(b *testing.B) {
			var xmlSize int64
			zr, _ := zip.NewReader(bytes.NewReader(bb.data), int64(len(bb.data)))
			for _, f := range zr.File {
				if strings.HasPrefix(f.Name, "xl/worksheets/") || f.Name == "xl/sharedStrings.xml" {
					xmlSize += int64(f.UncompressedSize64)
				}
			}
			b.SetBytes(xmlSize)
			b.ReportAllocs()
			b.ResetTimer()
			var n, iters int
			for b.Loop() {
				iters++
				rows, _, err := OpenXLSX(bytes.NewReader(bb.data), int64(len(bb.data)), "", DefaultLimits())
				if err != nil {
					b.Fatal(err)
				}
				n = 0
				for rows.Next() {
					n++
				}
				if err := rows.Err(); err != nil {
					b.Fatal(err)
				}
				rows.Close()
			}
			if n != 100_000 {
				b.Fatalf("%d rows", n)
			}
			b.ReportMetric(float64(n)*float64(iters)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
