package xlsx

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"fundalloc/config/sample"
)

// Seeds for the xlsx fuzz targets from real workbooks: the sample city's
// ledger (written by gen.go through excelize) and a workbook excelize
// writes here with every kind of cell. Both are cut to their first rows,
// so that a seed stays small and the fuzzer quick.

// excelizeSeedBook is a small workbook written by excelize: shared and
// inline strings, numbers, a date, a bool, a formula with a cached value.
func excelizeSeedBook(tb testing.TB) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for cell, v := range map[string]any{
		"A1": "code", "B1": "金额", "C1": "pilot", "D1": "date", "E1": "note",
		"A2": "SM01", "B2": 300000.3, "C2": true, "D2": time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC), "E2": " 备注 ",
		"A4": "SM02", "B4": "¥1,234.50", "C4": false, "E4": 8.00005e4,
	} {
		if err := f.SetCellValue("Sheet1", cell, v); err != nil {
			tb.Fatal(err)
		}
	}
	if err := f.SetCellFormula("Sheet1", "B5", "SUM(B2:B4)"); err != nil {
		tb.Fatal(err)
	}
	if _, err := f.NewSheet("隐藏"); err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// firstRows cuts a worksheet part to its first n rows, keeping what comes
// before and after sheetData.
func firstRows(sheet string, n int) string {
	start := strings.Index(sheet, "<sheetData>")
	end := strings.Index(sheet, "</sheetData>")
	if start < 0 || end < 0 {
		return sheet
	}
	body := sheet[start+len("<sheetData>") : end]
	k := 0
	for range n {
		i := strings.Index(body[k:], "</row>")
		if i < 0 {
			break
		}
		k += i + len("</row>")
	}
	return sheet[:start+len("<sheetData>")] + body[:k] + sheet[end:]
}

var sstItem = regexp.MustCompile(`(?s)<si>.*?</si>`)

// smallCopy rewrites a workbook with its worksheets cut to their first
// rows and its shared strings to the first 40, every part stored
// uncompressed and without a checksum: a fuzzer that changes a byte of the
// copy changes the XML the reader sees, instead of corrupting a deflate
// stream or failing a CRC.
func smallCopy(tb testing.TB, data []byte) []byte {
	tb.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		if strings.HasPrefix(f.Name, "docProps/") || strings.HasPrefix(f.Name, "xl/theme/") || f.Name == "xl/styles.xml" {
			continue // the reader never opens them
		}
		rc, err := f.Open()
		if err != nil {
			tb.Fatal(err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			tb.Fatal(err)
		}
		s := string(body)
		switch {
		case strings.HasPrefix(f.Name, "xl/worksheets/"):
			s = firstRows(s, 6)
		case f.Name == "xl/sharedStrings.xml":
			items := sstItem.FindAllString(s, 40)
			i := strings.Index(s, "<si>")
			s = s[:i] + strings.Join(items, "") + "</sst>"
		}
		w, err := zw.CreateRaw(&zip.FileHeader{Name: f.Name, Method: zip.Store,
			CompressedSize64: uint64(len(s)), UncompressedSize64: uint64(len(s))})
		if err != nil {
			tb.Fatal(err)
		}
		io.WriteString(w, s)
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// sampleLedgerBook is the sample city's xlsx ledger, cut by smallCopy.
func sampleLedgerBook(tb testing.TB) []byte {
	tb.Helper()
	data, err := fs.ReadFile(sample.FS, "data/ledgers/2026-q2.xlsx")
	if err != nil {
		tb.Fatal(err)
	}
	return smallCopy(tb, data)
}

// sheetRows returns the row elements of a workbook's first worksheet, the
// input FuzzOpenXLSXSheet takes.
func sheetRows(tb testing.TB, data []byte) string {
	tb.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		tb.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == "xl/worksheets/sheet1.xml" {
			rc, _ := f.Open()
			body, _ := io.ReadAll(rc)
			rc.Close()
			s := string(body)
			start, end := strings.Index(s, "<sheetData>"), strings.Index(s, "</sheetData>")
			if start >= 0 && end > start {
				return s[start+len("<sheetData>") : end]
			}
		}
	}
	tb.Fatal("no xl/worksheets/sheet1.xml")
	return ""
}

func TestXLSXSeedsAreRealWorkbooks(t *testing.T) {
	for name, data := range map[string][]byte{"sample ledger": sampleLedgerBook(t), "excelize": smallCopy(t, excelizeSeedBook(t))} {
		rows, _, err := open(t, data, "", testLimits())
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, err := dump(t, rows)
		if err != nil || len(got) < 3 {
			t.Errorf("%s: %q, %v", name, got, err)
		}
		if rows := sheetRows(t, data); !strings.HasPrefix(rows, "<row") {
			t.Errorf("%s: sheet rows %.40q", name, rows)
		}
	}
}

// FuzzOpenXLSX feeds arbitrary bytes to Open as a whole file, starting
// from real workbooks: no panic, the limits hold, every error is a located
// *Error, and the same bytes read the same twice.
func FuzzOpenXLSX(f *testing.F) {
	f.Add(sampleLedgerBook(f))
	f.Add(smallCopy(f, excelizeSeedBook(f)))
	f.Add(oneSheet(f, `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>1.5E3</v></c></row>`, `<si><t>s0</t></si>`))
	f.Add([]byte("PK\x05\x06" + strings.Repeat("\x00", 18)))
	lim := Limits{MaxCellsPerRow: 64, MaxFieldBytes: 256, MaxRows: 200, UnzipSize: 1 << 20, UnzipXMLSize: 512 << 10}
	read := func(t *testing.T, data []byte) string {
		rows, wb, err := open(t, data, "", lim)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || !errors.Is(err, ErrUnreadable) && !errors.Is(err, ErrLimit) {
				t.Fatalf("open: %v (%T) is not a located *Error", err, err)
			}
			return "open: " + err.Error()
		}
		defer rows.Close()
		var out strings.Builder
		out.WriteString(wb.Sheet + "|" + strings.Join(wb.Sheets, ",") + "\n")
		if !slices.Contains(wb.Sheets, wb.Sheet) {
			t.Fatalf("sheet %q is not one of %q", wb.Sheet, wb.Sheets)
		}
		for rows.Next() {
			n, cells := rows.Row()
			if n < 1 || n > lim.MaxRows || len(cells) == 0 || len(cells) > lim.MaxCellsPerRow {
				t.Fatalf("row %d with %d cells", n, len(cells))
			}
			for _, c := range cells {
				if len(c.Text) > lim.MaxFieldBytes {
					t.Fatalf("row %d: a cell of %d bytes", n, len(c.Text))
				}
				out.WriteString(string(rune('0'+c.Kind)) + c.Text + "|")
			}
			out.WriteString("\n")
		}
		if err := rows.Err(); err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Sheet != wb.Sheet || !errors.Is(err, ErrUnreadable) && !errors.Is(err, ErrLimit) {
				t.Fatalf("error %v (%T) is not a located *Error", err, err)
			}
			out.WriteString(err.Error())
		}
		return out.String()
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if got, again := read(t, data), read(t, data); got != again {
			t.Fatalf("two readings differ:\n%s\n---\n%s", got, again)
		}
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
