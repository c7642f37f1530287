package reports

import (
	"archive/zip"
	"bytes"
	"cmp"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"

	"fundalloc/reports/outdir"
)

// saveDeterministic writes the workbook to w. The worksheet parts of the
// sheets in parts (sheet name → a file written by sheetXML) replace the
// empty sheets excelize holds for them, keeping the drawing element that
// attaches a chart. Everything is put in a fixed order — [Content_Types].xml
// first, then the parts by name, and the image types of the content types
// sorted — because excelize writes both in map order: the same workbook
// always gives the same bytes.
func saveDeterministic(b *book, w io.Writer) error {
	f, parts := b.f, b.parts
	tmp, err := b.tempFile("book")
	if err != nil {
		return err
	}
	if _, err := f.WriteTo(tmp); err != nil {
		return err
	}
	size, err := tmp.Seek(0, io.SeekCurrent)
	if err != nil {
		return err
	}
	zr, err := zip.NewReader(tmp, size)
	if err != nil {
		return err
	}
	replace, err := sheetParts(zr, parts)
	if err != nil {
		return err
	}
	files := slices.Clone(zr.File)
	slices.SortFunc(files, func(a, b *zip.File) int {
		return cmp.Or(cmp.Compare(rank(a.Name), rank(b.Name)), cmp.Compare(a.Name, b.Name))
	})
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return pooledFlate{getFlate(out)}, nil
	})
	buf := copyBufs.get() // one copying buffer for every part, not one a part
	defer copyBufs.put(buf)
	for _, zf := range files {
		src, replaced := replace[zf.Name]
		switch {
		case replaced:
			if err := copySheet(zw, zf, b.tmp, src, buf); err != nil {
				return err
			}
		case zf.Name == "[Content_Types].xml":
			data, err := readZipFile(zf)
			if err != nil {
				return err
			}
			out, err := zw.CreateHeader(&zip.FileHeader{Name: zf.Name, Method: zip.Deflate})
			if err != nil {
				return err
			}
			if _, err := out.Write(sortDefaults(data)); err != nil {
				return err
			}
		default:
			if err := copyRaw(zw, zf, buf); err != nil {
				return err
			}
		}
	}
	return zw.Close()
}

// copyRaw is zip.Writer.Copy with the copying buffer buf.
func copyRaw(zw *zip.Writer, zf *zip.File, buf []byte) error {
	r, err := zf.OpenRaw()
	if err != nil {
		return err
	}
	fh := zf.FileHeader // a copy: zw must not hold on to zf's archive
	out, err := zw.CreateRaw(&fh)
	if err != nil {
		return err
	}
	_, err = io.CopyBuffer(out, r, buf)
	return err
}

func readZipFile(zf *zip.File) ([]byte, error) {
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

var drawingElem = regexp.MustCompile(`<drawing [^>]*r:id="[^"]*"[^>]*(/>|></drawing>)`)

// copySheet writes a sheetXML part in place of excelize's: a compressed
// part as it is, an uncompressed one closed with the drawing element
// excelize's version carries.
func copySheet(zw *zip.Writer, old *zip.File, dir *outdir.Dir, src part, buf []byte) error {
	f, err := dir.Open(src.name)
	if err != nil {
		return err
	}
	defer f.Close()
	if src.compressed {
		st, err := f.Stat()
		if err != nil {
			return err
		}
		out, err := zw.CreateRaw(&zip.FileHeader{Name: old.Name, Method: zip.Deflate, CRC32: src.crc,
			CompressedSize64: uint64(st.Size()), UncompressedSize64: uint64(src.size)})
		if err != nil {
			return err
		}
		_, err = io.CopyBuffer(out, struct{ io.Reader }{f}, buf)
		return err
	}
	orig, err := readZipFile(old)
	if err != nil {
		return err
	}
	out, err := zw.CreateHeader(&zip.FileHeader{Name: old.Name, Method: zip.Deflate})
	if err != nil {
		return err
	}
	if _, err := io.CopyBuffer(out, struct{ io.Reader }{f}, buf); err != nil {
		return err
	}
	if d := drawingElem.Find(orig); d != nil {
		if _, err := out.Write(d); err != nil {
			return err
		}
	}
	_, err = io.WriteString(out, "</worksheet>")
	return err
}

// sheetParts maps the zip part of each sheet in parts to its replacement.
func sheetParts(zr *zip.Reader, parts map[string]part) (map[string]part, error) {
	out := map[string]part{}
	if len(parts) == 0 {
		return out, nil
	}
	targets, err := sheetTargets(zr)
	if err != nil {
		return nil, err
	}
	for name, src := range parts {
		if t, ok := targets[name]; ok {
			out[t] = src
		}
	}
	if len(out) != len(parts) {
		return nil, fmt.Errorf("reports: %d of %d written sheets found in the workbook", len(out), len(parts))
	}
	return out, nil
}

// sheetTargets maps each sheet's name to its zip part, reading the sheet
// names and targets from the workbook and its relations.
func sheetTargets(zr *zip.Reader) (map[string]string, error) {
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			ID   string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	for name, v := range map[string]any{"xl/workbook.xml": &wb, "xl/_rels/workbook.xml.rels": &rels} {
		zf := findZipFile(zr, name)
		if zf == nil {
			return nil, fmt.Errorf("reports: the workbook has no %s", name)
		}
		data, err := readZipFile(zf)
		if err != nil {
			return nil, err
		}
		if err := xml.Unmarshal(data, v); err != nil {
			return nil, fmt.Errorf("reports: %s: %w", name, err)
		}
	}
	target := map[string]string{}
	for _, r := range rels.Rels {
		t := r.Target
		if !strings.HasPrefix(t, "/") {
			t = path.Join("xl", t)
		}
		target[r.ID] = strings.TrimPrefix(t, "/")
	}
	out := map[string]string{}
	for _, s := range wb.Sheets {
		out[s.Name] = target[s.ID]
	}
	return out, nil
}

func findZipFile(zr *zip.Reader, name string) *zip.File {
	for _, f := range zr.File {
		if f.Name == name {
			return f
		}
	}
	return nil
}

func rank(name string) int {
	if name == "[Content_Types].xml" {
		return 0
	}
	return 1
}

var defaultElem = regexp.MustCompile(`<Default [^>]*></Default>|<Default [^>]*/>`)

// sortDefaults sorts the <Default> elements of a content-types part.
func sortDefaults(data []byte) []byte {
	locs := defaultElem.FindAllIndex(data, -1)
	if len(locs) < 2 {
		return data
	}
	elems := make([][]byte, len(locs))
	for i, l := range locs {
		elems[i] = data[l[0]:l[1]]
	}
	sort.Slice(elems, func(i, j int) bool { return bytes.Compare(elems[i], elems[j]) < 0 })
	// The Defaults stand together at the start of the part.
	start, end := locs[0][0], locs[len(locs)-1][1]
	var b bytes.Buffer
	b.Write(data[:start])
	b.Write(bytes.Join(elems, nil))
	b.Write(data[end:])
	return b.Bytes()
}
