package xlsx

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

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
		_, _, err := open(t, data, "Three", testLimits())
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
		_, _, err := open(t, data, "Chart", testLimits())
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
		rows, _, err := open(t, data, "", testLimits())
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

// ---- refusals --------------------------------------------------------------

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
			rows, wb, err := open(t, tt.data, "", testLimits())
			if rows != nil || wb != nil {
				t.Errorf("got rows %v and workbook %v with the error", rows, wb)
			}
			wantErr(t, err, tt.sentinel, tt.want)
		})
	}
}
