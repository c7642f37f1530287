package xlsx

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

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
				rows, _, err := open(b, bb.data, "", testLimits())
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
