package xlsx

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
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

// testLimits are the xlsx part of sources.DefaultLimits.
func testLimits() Limits {
	return Limits{MaxCellsPerRow: 1024, MaxFieldBytes: 32 << 10, MaxRows: 10_000_000,
		UnzipSize: 1 << 30, UnzipXMLSize: 1 << 30, SharedStrings: 128 << 20}
}

// workbook is what a test looks at of the workbook a sheet was opened from.
type workbook struct {
	Sheet    string   // the sheet opened
	Sheets   []string // all of them
	Date1904 bool
}

// open opens data's sheet (the first for "") as sources does.
func open(t testing.TB, data []byte, sheet string, lim Limits) (*Rows, *workbook, error) {
	t.Helper()
	f, err := Open(bytes.NewReader(data), int64(len(data)), lim)
	if err != nil {
		return nil, nil, err
	}
	rows, err := f.Rows(context.Background(), sheet)
	if err != nil {
		return nil, nil, err
	}
	return rows, &workbook{Sheet: rows.Sheet(), Sheets: f.Sheets(), Date1904: f.Date1904()}, nil
}

// dump renders every row as "N|cell|cell…", a cell as kind letter ':' text
// (N number, T text, B bool, D date, E error) and a blank cell as "".
func dump(t testing.TB, rows *Rows) ([]string, error) {
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

func mustDump(t testing.TB, data []byte, sheet string) ([]string, *workbook) {
	t.Helper()
	rows, wb, err := open(t, data, sheet, testLimits())
	if err != nil {
		t.Fatalf("open: %v", err)
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

// wantErr checks that err is an *Error wrapping sentinel whose message holds
// want.
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
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}
}
