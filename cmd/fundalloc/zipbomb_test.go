package main

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// writeZipBomb writes an .xlsx whose one worksheet inflates to mb MiB of
// "<row><c><v>1</v></c></row>…" after a header row, from about 2.5 kB per
// MiB, its size recorded honestly in the zip directory unless declared is
// set. With sst set, the bomb is the shared strings instead: mb MiB of
// empty items "<si/>". A deflate stream of identical flushed chunks repeats
// one compressed chunk, so the bomb costs a few megabytes of compressing to
// build.
func writeZipBomb(t testing.TB, path string, mb int, declared uint64, sst bool) (compressed, inflated int64) {
	t.Helper()
	row := "<row><c><v>1</v></c></row>"
	if sst {
		row = "<si/>"
	}
	chunk := bytes.Repeat([]byte(row), (1<<20)/len(row))
	var out bytes.Buffer
	w, err := flate.NewWriter(&out, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	var parts [][]byte
	for range 3 {
		start := out.Len()
		w.Write(chunk)
		w.Flush()
		parts = append(parts, bytes.Clone(out.Bytes()[start:]))
	}
	if !bytes.Equal(parts[1], parts[2]) {
		t.Fatal("flate output is not periodic; build the bomb another way")
	}
	// A real header, so that a reader goes on past it: every row then
	// lacks its name, tier and parent.
	head := `<worksheet><sheetData><row>`
	for _, h := range []string{"code", "name", "tier", "parent"} {
		head += `<c t="inlineStr"><is><t>` + h + `</t></is></c>`
	}
	head += `</row>`
	if sst {
		head = `<sst>`
	}
	var stream bytes.Buffer
	// A stored deflate block holding the head, then the repeated chunks.
	n := uint16(len(head))
	stream.Write([]byte{0x00, byte(n), byte(n >> 8), ^byte(n), ^byte(n >> 8)})
	stream.WriteString(head)
	stream.Write(parts[0])
	for i := 1; i < mb; i++ {
		stream.Write(parts[1])
	}
	stream.Write([]byte{0x03, 0x00}) // a final, empty fixed-Huffman block
	inflated = int64(len(head)) + int64(mb)*int64(len(chunk))

	if declared == 0 {
		declared = uint64(inflated)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range []struct{ name, body string }{
		{"xl/workbook.xml", `<workbook><sheets><sheet name="units" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>`},
	} {
		pw, _ := zw.Create(p.name)
		io.WriteString(pw, p.body)
	}
	name := "xl/worksheets/sheet1.xml"
	if sst {
		name = "xl/sharedStrings.xml"
		sw, _ := zw.Create("xl/worksheets/sheet1.xml")
		io.WriteString(sw, `<worksheet><sheetData><row><c t="s"><v>0</v></c></row></sheetData></worksheet>`)
	}
	pw, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate,
		CompressedSize64: uint64(stream.Len()), UncompressedSize64: declared, CRC32: 0x12345678})
	if err != nil {
		t.Fatal(err)
	}
	pw.Write(stream.Bytes())
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return int64(buf.Len()), inflated
}

// TestZipBombUnitsFile runs validate and budget on a sample city whose
// units file is a zip bomb: exit 2 within seconds, using little memory, the
// message naming the file and the limit, and nothing written.
func TestZipBombUnitsFile(t *testing.T) {
	dir := t.TempDir()
	if r := fundalloc(t, dir, nil, "init", "city", "--quiet"); r.code != 0 {
		t.Fatalf("init: exit %d\n%s", r.code, r.stderr)
	}
	city := filepath.Join(dir, "city")
	cfg := filepath.Join(city, "fundalloc.yaml")
	// 2 GiB from about 5 MB: past the default limits.unzip_size (1 GiB).
	size, inflated := writeZipBomb(t, filepath.Join(city, "data", "units.xlsx"), 2<<10, 0, false)
	t.Logf("units.xlsx: %d bytes inflating to %d", size, inflated)
	// The same bomb with a zip directory that claims 1 MB: archive/zip
	// stops at the recorded size.
	writeZipBomb(t, filepath.Join(city, "data", "liar.xlsx"), 2<<10, 1<<20, false)
	// 1000 MiB of empty shared strings, within the default size limits:
	// held in memory, they would take 1.6 GB.
	size, inflated = writeZipBomb(t, filepath.Join(city, "data", "sst.xlsx"), 1000, 0, true)
	t.Logf("sst.xlsx: %d bytes inflating to %d", size, inflated)

	for _, tc := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"a lying zip directory", map[string]string{"FUNDALLOC_UNITS": "data/liar.xlsx"},
			"the workbook is damaged or incomplete: xl/worksheets/sheet1.xml is not what the zip directory records"},
		{"default limits", nil, "data/units.xlsx: the workbook inflates to more than 1073741824 bytes (limits.unzip_size)"},
		// Up to 128 MiB are held before the limit is met; growing the table
		// to that allocates a few times as much along the way.
		{"shared strings", map[string]string{"FUNDALLOC_UNITS": "data/sst.xlsx"},
			"data/sst.xlsx:units: the workbook's shared strings take more than 134217728 bytes (limits.shared_strings_size)"},
		{"a smaller unzip_size", map[string]string{"FUNDALLOC_LIMITS_UNZIP_SIZE": "104857600", "FUNDALLOC_LIMITS_UNZIP_XML_SIZE": "104857600"},
			"data/units.xlsx: the workbook inflates to more than 104857600 bytes (limits.unzip_size)"},
		{"a smaller unzip_xml_size", map[string]string{"FUNDALLOC_LIMITS_UNZIP_SIZE": strconv.FormatInt(8<<30, 10), "FUNDALLOC_LIMITS_UNZIP_XML_SIZE": "104857600"},
			"data/units.xlsx:units: one part of the workbook inflates to more than 104857600 bytes (limits.unzip_xml_size)"},
	} {
		for _, command := range []string{"validate", "budget"} {
			t.Run(tc.name+"/"+command, func(t *testing.T) {
				env := map[string]string{"FUNDALLOC_UNITS": "data/units.xlsx"}
				for k, v := range tc.env {
					env[k] = v
				}
				want := tc.want
				if raceEnabled && strings.Contains(want, "shared_strings_size") {
					// The race detector makes reading 128 MiB of items take
					// half a minute: the same bound, met sooner.
					env["FUNDALLOC_LIMITS_SHARED_STRINGS_SIZE"] = "8388608"
					want = strings.Replace(want, "134217728", "8388608", 1)
				}
				runtime.GC()
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				start := time.Now()
				r := fundalloc(t, dir, env, command, "--config", cfg, "--out", filepath.Join(dir, "out"), "--lang", "en")
				took := time.Since(start)
				runtime.ReadMemStats(&after)
				if r.code != 2 {
					t.Fatalf("exit %d, want 2\n%s%s", r.code, r.stdout, r.stderr)
				}
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr does not say %q:\n%s", want, r.stderr)
				}
				maxAlloc := uint64(128 << 20)
				if strings.Contains(tc.want, "shared_strings_size") {
					maxAlloc = 1 << 30
				}
				if alloc := after.TotalAlloc - before.TotalAlloc; alloc > maxAlloc {
					t.Errorf("allocated %d MB", alloc>>20)
				}
				if _, err := os.Stat(filepath.Join(dir, "out", "budget-2026.json")); err == nil {
					t.Error("a budget was written")
				}
				t.Logf("%v: %s", took.Round(time.Millisecond), strings.TrimSpace(strings.SplitN(r.stderr, "\n", 2)[0]))
			})
		}
	}
}
