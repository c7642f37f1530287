package xlsx

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"
)

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
	rows, _, err := open(t, data, "", testLimits())
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
		{"lying zip directory", liar, testLimits(), ErrUnreadable, "the workbook is damaged or incomplete: xl/worksheets/sheet1.xml"},
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
	rows, _, err := open(t, data, "", testLimits())
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
