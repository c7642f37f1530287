package reports

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"regexp"
	"strconv"
	"strings"

	"fundalloc/reports/msg"
)

// Stamp is what StampNotes writes on a workbook's notes sheet.
type Stamp struct {
	Title  string       // the heading of the rows added
	Fields []StampField // each in the cell the workbook names for it, else added as a row
	Rows   [][]string   // added after the fields that had no named cell
}

// StampField is a value the workbook may have reserved a cell for: a
// defined name (approval_version) on the notes sheet.
type StampField struct {
	Name, Label, Value string
}

// StampNotes copies the workbook in r (size bytes) to w with the stamp on
// its notes sheet: the first sheet named one of names (the 说明 sheet in
// either language). A field whose defined name points at a cell of that
// sheet fills that cell; the others, and the stamp's rows, are added at the
// end of the sheet under its title. A workbook without a notes sheet gets a
// new last sheet named names[0]. Every other part is copied as it is,
// without being inflated, so a national workbook is stamped in the time it
// takes to copy it. A file that is not a workbook is an error.
func StampNotes(w io.Writer, r io.ReaderAt, size int64, names []string, st Stamp) error {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return err
	}
	targets, err := sheetTargets(zr)
	if err != nil {
		return err
	}
	target, sheet := "", ""
	for _, n := range names {
		if t, ok := targets[n]; ok && findZipFile(zr, t) != nil {
			target, sheet = t, n
			break
		}
	}
	edit := map[string]func([]byte) ([]byte, error){}
	var added string
	if target != "" {
		cells, err := namedCells(zr, sheet)
		if err != nil {
			return err
		}
		edit[target] = func(data []byte) ([]byte, error) {
			var rows [][]string
			for _, f := range st.Fields {
				var filled bool
				if ref, ok := cells[f.Name]; ok {
					data, filled = setCell(data, ref, f.Value)
				}
				if !filled {
					rows = append(rows, []string{f.Label, f.Value})
				}
			}
			rows = append(rows, st.Rows...)
			if len(rows) == 0 {
				return data, nil
			}
			return appendRows(data, append([][]string{{st.Title}}, rows...))
		}
	} else {
		rows := [][]string{{st.Title}}
		for _, f := range st.Fields {
			rows = append(rows, []string{f.Label, f.Value})
		}
		rows = append(rows, st.Rows...)
		added = newSheetPart(zr)
		rel := "rIdNotes" + strconv.Itoa(len(zr.File))
		edit["xl/workbook.xml"] = func(data []byte) ([]byte, error) {
			sheet := fmt.Sprintf(`<sheet name="%s" sheetId="%d" r:id="%s"/>`, xmlAttr(names[0]), maxSheetID(data)+1, rel)
			return insertBefore(data, "</sheets>", sheet)
		}
		edit["xl/_rels/workbook.xml.rels"] = func(data []byte) ([]byte, error) {
			return insertBefore(data, "</Relationships>", fmt.Sprintf(`<Relationship Id="%s" Type="%s" Target="%s"/>`,
				rel, "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet", strings.TrimPrefix(added, "xl/")))
		}
		edit["[Content_Types].xml"] = func(data []byte) ([]byte, error) {
			return insertBefore(data, "</Types>", fmt.Sprintf(`<Override PartName="/%s" ContentType="%s"/>`,
				added, "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"))
		}
		st.Rows = rows
	}
	zw := zip.NewWriter(w)
	for _, zf := range zr.File {
		fn, ok := edit[zf.Name]
		if !ok {
			if err := zw.Copy(zf); err != nil {
				return err
			}
			continue
		}
		data, err := readZipFile(zf)
		if err != nil {
			return err
		}
		if data, err = fn(data); err != nil {
			return fmt.Errorf("%s: %w", zf.Name, err)
		}
		if err := writeZipPart(zw, zf.Name, data); err != nil {
			return err
		}
	}
	if added != "" {
		var b []byte
		b = append(b, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
			`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">`+
			`<cols><col min="1" max="1" width="24" customWidth="1"/><col min="2" max="2" width="70" customWidth="1"/></cols><sheetData>`...)
		b = rowsXML(b, 1, st.Rows)
		b = append(b, `</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>`+
			`<pageSetup paperSize="9" orientation="portrait"/></worksheet>`...)
		if err := writeZipPart(zw, added, b); err != nil {
			return err
		}
	}
	return zw.Close()
}

func writeZipPart(zw *zip.Writer, name string, data []byte) error {
	out, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
	if err != nil {
		return err
	}
	_, err = out.Write(data)
	return err
}

// namedCells maps the workbook's defined names that point at one cell of
// sheet to that cell (B12).
func namedCells(zr *zip.Reader, sheet string) (map[string]string, error) {
	zf := findZipFile(zr, "xl/workbook.xml")
	if zf == nil {
		return nil, fmt.Errorf("reports: the workbook has no xl/workbook.xml")
	}
	data, err := readZipFile(zf)
	if err != nil {
		return nil, err
	}
	var wb struct {
		Names []struct {
			Name  string `xml:"name,attr"`
			Value string `xml:",chardata"`
		} `xml:"definedNames>definedName"`
	}
	if err := xml.Unmarshal(data, &wb); err != nil {
		return nil, fmt.Errorf("reports: xl/workbook.xml: %w", err)
	}
	out := map[string]string{}
	for _, n := range wb.Names {
		ref, ok := strings.CutPrefix(n.Value, quoteSheet(sheet)+"!")
		if !ok {
			ref, ok = strings.CutPrefix(n.Value, sheet+"!")
		}
		if ref = strings.ReplaceAll(ref, "$", ""); ok && cellRef.MatchString(ref) {
			out[n.Name] = ref
		}
	}
	return out, nil
}

// setCell gives the cell ref of a worksheet part the text v, keeping its
// style; false when the part has no such cell.
func setCell(data []byte, ref, v string) ([]byte, bool) {
	re := regexp.MustCompile(`<c r="` + ref + `"([^>]*?)(/>|>.*?</c>)`)
	loc := re.FindSubmatchIndex(data)
	if loc == nil {
		return data, false
	}
	attrs := data[loc[2]:loc[3]]
	style := styleAttr.Find(attrs)
	var b []byte
	b = append(b, data[:loc[0]]...)
	b = append(b, `<c r="`+ref+`"`...)
	if style != nil {
		b = append(b, ' ')
		b = append(b, style...)
	}
	b = append(b, ` t="inlineStr"><is><t xml:space="preserve">`...)
	b = appendXMLText(b, v)
	b = append(b, `</t></is></c>`...)
	return append(b, data[loc[1]:]...), true
}

var (
	cellRef    = regexp.MustCompile(`^[A-Z]{1,3}[0-9]{1,7}$`)
	styleAttr  = regexp.MustCompile(`s="\d+"`)
	rowNumber  = regexp.MustCompile(`<row [^>]*?r="(\d+)"`)
	dimension  = regexp.MustCompile(`<dimension [^>]*/>`)
	sheetIDAtt = regexp.MustCompile(`sheetId="(\d+)"`)
)

// appendRows adds rows after the last row of a worksheet part, leaving a
// blank row between. The dimension element, which would be stale, is
// dropped: it is optional.
func appendRows(data []byte, rows [][]string) ([]byte, error) {
	next := 1
	if m := rowNumber.FindAllSubmatch(data, -1); len(m) > 0 {
		n, _ := strconv.Atoi(string(m[len(m)-1][1]))
		next = n + 2
	}
	data = dimension.ReplaceAll(data, nil)
	if bytes.Contains(data, []byte("<sheetData/>")) {
		data = bytes.Replace(data, []byte("<sheetData/>"), []byte("<sheetData></sheetData>"), 1)
	}
	return insertBefore(data, "</sheetData>", string(rowsXML(nil, next, rows)))
}

// rowsXML writes rows of inline-string cells from row first.
func rowsXML(b []byte, first int, rows [][]string) []byte {
	for i, r := range rows {
		n := strconv.Itoa(first + i)
		b = append(b, `<row r="`+n+`">`...)
		for j, v := range r {
			if v == "" {
				continue
			}
			b = append(b, `<c r="`+msg.ColumnName(j+1)+n+`" t="inlineStr"><is><t xml:space="preserve">`...)
			b = appendXMLText(b, v)
			b = append(b, `</t></is></c>`...)
		}
		b = append(b, `</row>`...)
	}
	return b
}

func insertBefore(data []byte, marker, insert string) ([]byte, error) {
	i := bytes.LastIndex(data, []byte(marker))
	if i < 0 {
		return nil, fmt.Errorf("no %s", marker)
	}
	out := make([]byte, 0, len(data)+len(insert))
	out = append(out, data[:i]...)
	out = append(out, insert...)
	return append(out, data[i:]...), nil
}

// newSheetPart names a worksheet part the workbook does not have yet.
func newSheetPart(zr *zip.Reader) string {
	for n := len(zr.File); ; n++ {
		name := path.Join("xl/worksheets", "sheet"+strconv.Itoa(n)+".xml")
		if findZipFile(zr, name) == nil {
			return name
		}
	}
}

func maxSheetID(workbook []byte) int {
	m := 0
	for _, s := range sheetIDAtt.FindAllSubmatch(workbook, -1) {
		n, _ := strconv.Atoi(string(s[1]))
		m = max(m, n)
	}
	return m
}

func xmlAttr(s string) string {
	r := strings.NewReplacer(`"`, "&quot;")
	return r.Replace(string(appendXMLText(nil, s)))
}
