package reports

import (
	"context"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"math"
	"os"
	"strconv"
	"unicode/utf8"

	"github.com/klauspost/compress/flate"

	"github.com/xuri/excelize/v2"

	"fundalloc/allocation"
	"fundalloc/reports/msg"
	"fundalloc/reports/outdir"
)

// sheetXML writes one worksheet part of a workbook directly, row by row,
// into a temporary file that saveDeterministic puts in place of the empty
// sheet excelize made. excelize's StreamWriter spends about 1.8 µs on a cell;
// this writes the same markup in a small fraction of that, which is the
// difference between minutes and seconds for a national audit trail. It
// also writes money exactly: an allocation.Fen value becomes the decimal
// text "1234.56", never a float64.
//
// Cells are given as xcell values: a style, a formula and a typed value
// (text, an allocation.Fen in 元 or in 万元, an allocation.Ratio, an
// integer, a display-only float64, or none for a styled blank), so that no
// value is boxed into an interface on its way to the markup; a table
// reuses one row of them. Text is made safe here: invalid UTF-8 becomes
// U+FFFD, control characters XML cannot hold are dropped, and text that
// looks like an OOXML escape (_x0041_) is escaped so that it reads back as
// written. Text is always an inline string, never a formula, whatever it
// starts with.
//
// Once ctx is done, row stops writing and the sheet fails with ctx's error.
type sheetXML struct {
	num  [32]byte
	rnum [20]byte // the row being written's number, as cell references end
	ctx  context.Context
	rows int // rows written, to look at ctx now and then
	dir  *outdir.Dir
	file *os.File
	// buf collects rows until sheetChunk bytes are ready, then goes to
	// Write in one piece: the rows are copied once, into the compressor.
	buf  []byte
	cols []string // column letters
	tail sheetSetup
	err  error
	// A sheet without a drawing is compressed as it is written, on the
	// goroutine that writes it, so big sheets compress in parallel; the
	// part is later copied into the zip as it is.
	zw   *flate.Writer
	crc  hash.Hash32
	out  chunkWriter // the compressed bytes, on their way to file
	size int64       // uncompressed bytes
}

// release gives the sheet's compressor and buffers back for the next sheet.
func (s *sheetXML) release() {
	rowBufs.put(s.buf[:0])
	if s.out.buf != nil {
		fileBufs.put(s.out.buf[:0])
	}
	putFlate(s.zw)
	s.buf, s.out.buf, s.zw = nil, nil, nil
}

// part is a written worksheet part, compressed or not.
type part struct {
	name       string // in the book's temporary folder
	compressed bool
	crc        uint32
	size       int64 // uncompressed
}

// chunkWriter buffers what the compressor writes and hands it to w in
// pieces of fileChunk bytes: the compressor writes pieces of about 240
// bytes, a system call each without it. Its buffer grows with what a sheet
// writes, so a small sheet does not make and clear a big one.
type chunkWriter struct {
	w   io.Writer
	buf []byte
}

const fileChunk = 64 << 10

func (c *chunkWriter) Write(p []byte) (int, error) {
	c.buf = append(c.buf, p...)
	if len(c.buf) >= fileChunk {
		if err := c.flush(); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

func (c *chunkWriter) flush() error {
	if len(c.buf) == 0 {
		return nil
	}
	_, err := c.w.Write(c.buf)
	c.buf = c.buf[:0]
	return err
}

// Write feeds the sheet's markup to its file, compressing and checksumming
// it unless the sheet has a drawing.
func (s *sheetXML) Write(p []byte) (int, error) {
	s.size += int64(len(p))
	if s.zw == nil {
		return s.file.Write(p)
	}
	s.crc.Write(p)
	return s.zw.Write(p)
}

// sheetSetup describes a sheet's head and tail: column widths, a frozen
// header row, outline summary rows above their group, how it prints.
type sheetSetup struct {
	widths      []float64
	freezeRow   bool
	outline     bool
	page        page
	breaks      []int // rows a new printed page starts at
	drawing     bool  // the sheet carries a chart added through excelize
	autoFilter  string
	conditional []conditional
	merges      []string // merged ranges, e.g. A1:F1
}

// conditional is a formula-based conditional format.
type conditional struct {
	sqref, formula string
	dxf            int
}

// newSheetXML starts a sheet in the temporary file f, made in dir.
func newSheetXML(ctx context.Context, dir *outdir.Dir, f *os.File, setup sheetSetup) *sheetXML {
	s := &sheetXML{ctx: ctx, dir: dir, file: f, buf: rowBufs.get(), tail: setup}
	if !setup.drawing {
		s.out = chunkWriter{w: f, buf: fileBufs.get()}
		s.zw = getFlate(&s.out)
		s.crc = crc32.NewIEEE()
	}
	b := s.buf[:0]
	b = append(b, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">`...)
	// Every sheet prints fitted to the page width (sheetXML.close).
	b = append(b, "<sheetPr>"...)
	if setup.outline {
		b = append(b, `<outlinePr summaryBelow="0"/>`...)
	}
	b = append(b, `<pageSetUpPr fitToPage="1"/></sheetPr>`...)
	b = append(b, `<sheetViews><sheetView workbookViewId="0">`...)
	if setup.freezeRow {
		b = append(b, `<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/>`...)
	}
	b = append(b, `</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>`...)
	if len(setup.widths) > 0 {
		b = append(b, "<cols>"...)
		for i, w := range setup.widths {
			b = fmt.Appendf(b, `<col min="%d" max="%d" width="%s" customWidth="1"/>`, i+1, i+1, strconv.FormatFloat(w, 'f', 2, 64))
		}
		b = append(b, "</cols>"...)
	}
	b = append(b, "<sheetData>"...)
	s.buf = b
	return s
}

// row writes row r (1-based, ascending) with its cells from column A.
func (s *sheetXML) row(r int, cells []xcell, opts ...excelize.RowOpts) {
	if s.err != nil {
		return
	}
	if s.rows++; s.rows&1023 == 0 {
		if s.err = s.ctx.Err(); s.err != nil {
			return
		}
	}
	b := append(s.buf, `<row r="`...)
	b = strconv.AppendInt(b, int64(r), 10)
	b = append(b, '"')
	for _, o := range opts {
		if o.OutlineLevel > 0 {
			b = append(b, ` outlineLevel="`...)
			b = strconv.AppendInt(b, int64(o.OutlineLevel), 10)
			b = append(b, '"')
		}
		if o.Height > 0 {
			b = append(b, ` ht="`...)
			b = strconv.AppendFloat(b, o.Height, 'f', -1, 64)
			b = append(b, `" customHeight="1"`...)
		}
	}
	b = append(b, '>')
	rn := strconv.AppendInt(s.rnum[:0], int64(r), 10)
	for i := range cells {
		b = s.cell(b, i, rn, &cells[i])
	}
	b = append(b, "</row>"...)
	if len(b) >= sheetChunk {
		_, s.err = s.Write(b)
		b = b[:0]
	}
	s.buf = b
}

// sheetChunk is how many bytes of rows a sheet collects before handing them
// to the compressor.
const sheetChunk = 64 << 10

func (s *sheetXML) colName(i int) string {
	for len(s.cols) <= i {
		s.cols = append(s.cols, msg.ColumnName(len(s.cols)+1))
	}
	return s.cols[i]
}

// cell appends cell c of column col (0-based) of the row numbered rn.
func (s *sheetXML) cell(b []byte, col int, rn []byte, c *xcell) []byte {
	if c.kind == kindNone && c.formula == "" && c.style == 0 {
		return b
	}
	b = append(b, `<c r="`...)
	b = append(b, s.colName(col)...)
	b = append(b, rn...)
	b = append(b, '"')
	if c.style != 0 {
		b = append(b, ` s="`...)
		b = strconv.AppendInt(b, int64(c.style), 10)
		b = append(b, '"')
	}
	var num []byte
	switch c.kind {
	case kindNone:
	case kindFen:
		num, _ = allocation.Fen(c.n).AppendText(s.scratch())
	case kindRatio:
		num, _ = allocation.Ratio{Num: uint64(c.n), Scale: c.scale}.AppendText(s.scratch())
	case kindWan:
		num = appendWan(s.scratch(), allocation.Fen(c.n))
	case kindInt:
		num = strconv.AppendInt(s.scratch(), c.n, 10)
	case kindFloat:
		num = strconv.AppendFloat(s.scratch(), math.Float64frombits(uint64(c.n)), 'f', -1, 64)
	case kindText:
		v := c.text
		if c.formula != "" {
			b = append(b, ` t="str"><f>`...)
			b = appendXMLText(b, c.formula)
			b = append(b, "</f><v>"...)
			b = appendXMLText(b, v)
			return append(b, "</v></c>"...)
		}
		if v == "" {
			return append(b, "/>"...)
		}
		b = append(b, ` t="inlineStr"><is><t`...)
		if v[0] == ' ' || v[len(v)-1] == ' ' || v[0] == '\n' || v[len(v)-1] == '\n' {
			b = append(b, ` xml:space="preserve"`...)
		}
		b = append(b, '>')
		b = appendXMLText(b, v)
		return append(b, "</t></is></c>"...)
	}
	if c.formula == "" && num == nil {
		return append(b, "/>"...)
	}
	b = append(b, '>')
	if c.formula != "" {
		b = append(b, "<f>"...)
		b = appendXMLText(b, c.formula)
		b = append(b, "</f>"...)
	}
	if num != nil {
		b = append(b, "<v>"...)
		b = append(b, num...)
		b = append(b, "</v>"...)
	}
	return append(b, "</c>"...)
}

func (s *sheetXML) scratch() []byte { return s.num[:0] }

// appendXMLText escapes text for an element's content. Control characters
// XML 1.0 cannot hold are dropped; invalid UTF-8, U+FFFE and U+FFFF become
// U+FFFD. Text a spreadsheet would read as an escape of OOXML's string type
// (ST_Xstring: _x0041_ is "A") gets its underscore escaped (_x005F_x0041_),
// so that "_x0041_" in a name reads back as "_x0041_" (DESIGN §13). Every
// underscore that starts such an escape is, even when it ends another one:
// "_x005F_x0041_" becomes "_x005F_x005F_x005F_x0041_", which reads back as
// itself.
func appendXMLText(b []byte, s string) []byte {
	if !utf8.ValidString(s) {
		return appendXMLTextSlow(b, s)
	}
	// Valid UTF-8, the text of nearly every cell: only the bytes marked in
	// xmlSpecial need a look, and the only runes to replace are U+FFFE and
	// U+FFFF (EF BF BE, EF BF BF).
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !xmlSpecial[c] {
			continue
		}
		var esc string
		switch {
		case c == 0xEF:
			if i+2 >= len(s) || s[i+1] != 0xBF || s[i+2] < 0xBE {
				continue
			}
			esc = "\uFFFD"
			b = append(b, s[start:i]...)
			b = append(b, esc...)
			i += 2
			start = i + 1
			continue
		case c == '&':
			esc = "&amp;"
		case c == '<':
			esc = "&lt;"
		case c == '>':
			esc = "&gt;"
		case c == '\r':
			esc = "&#13;"
		case c == '_':
			if !isXEscape(s[i:]) {
				continue
			}
			esc = "_x005F_"
		}
		b = append(b, s[start:i]...)
		b = append(b, esc...)
		start = i + 1
	}
	return append(b, s[start:]...)
}

// xmlSpecial marks the bytes appendXMLText looks at in valid UTF-8: the
// characters XML escapes, the control characters it drops, the underscore
// of an OOXML escape and the lead byte of U+FFFE and U+FFFF.
var xmlSpecial = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = c != '\t' && c != '\n'
	}
	for _, c := range []byte{'&', '<', '>', '\r', '_', 0xEF} {
		t[c] = true
	}
	return t
}()

// appendXMLTextSlow is appendXMLText for text that is not valid UTF-8.
func appendXMLTextSlow(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 || r == 0xFFFE || r == 0xFFFF {
				b = append(b, s[start:i]...)
				b = append(b, "\uFFFD"...)
				i += size
				start = i
				continue
			}
			i += size
			continue
		}
		var esc string
		switch {
		case c == '&':
			esc = "&amp;"
		case c == '<':
			esc = "&lt;"
		case c == '>':
			esc = "&gt;"
		case c == '\r':
			esc = "&#13;"
		case c == '_' && isXEscape(s[i:]):
			esc = "_x005F_"
		case c < 0x20 && c != '\t' && c != '\n':
			esc = ""
		default:
			i++
			continue
		}
		b = append(b, s[start:i]...)
		b = append(b, esc...)
		i++
		start = i
	}
	return append(b, s[start:]...)
}

// isXEscape reports whether s starts with an ST_Xstring escape: _xHHHH_,
// H a hexadecimal digit of either case.
func isXEscape(s string) bool {
	if len(s) < 7 || s[0] != '_' || s[1] != 'x' || s[6] != '_' {
		return false
	}
	for _, c := range []byte(s[2:6]) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// appendPage appends a sheet's print setup (DESIGN §7.1): margins with room
// for the page header and footer, A4 (paper size 9) set explicitly,
// portrait or landscape, one page wide and as many pages long as the rows
// need, and the header and footer.
func appendPage(b []byte, p page) []byte {
	b = append(b, `<pageMargins left="0.5" right="0.5" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>`...)
	b = append(b, `<pageSetup paperSize="9" orientation="`...)
	if p.landscape {
		b = append(b, "landscape"...)
	} else {
		b = append(b, "portrait"...)
	}
	b = append(b, `" fitToWidth="1" fitToHeight="0"/>`...)
	if p.header == "" && p.footer == "" {
		return b
	}
	b = append(b, "<headerFooter>"...)
	if p.header != "" {
		b = append(b, "<oddHeader>"...)
		b = appendXMLText(b, p.header)
		b = append(b, "</oddHeader>"...)
	}
	if p.footer != "" {
		b = append(b, "<oddFooter>"...)
		b = appendXMLText(b, p.footer)
		b = append(b, "</oddFooter>"...)
	}
	return append(b, "</headerFooter>"...)
}

// close writes the sheet's tail and returns the written part. A sheet with
// a drawing leaves the closing </worksheet> to the copy, which inserts the
// drawing element first.
func (s *sheetXML) close() (part, error) {
	t := s.tail
	b := append(s.buf, "</sheetData>"...)
	if t.autoFilter != "" {
		b = append(b, `<autoFilter ref="`...)
		b = append(b, t.autoFilter...)
		b = append(b, `"/>`...)
	}
	if len(t.merges) > 0 {
		b = fmt.Appendf(b, `<mergeCells count="%d">`, len(t.merges))
		for _, m := range t.merges {
			b = append(b, `<mergeCell ref="`...)
			b = append(b, m...)
			b = append(b, `"/>`...)
		}
		b = append(b, "</mergeCells>"...)
	}
	for i, c := range t.conditional {
		b = fmt.Appendf(b, `<conditionalFormatting sqref="%s"><cfRule type="expression" dxfId="%d" priority="%d"><formula>`, c.sqref, c.dxf, i+1)
		b = appendXMLText(b, c.formula)
		b = append(b, "</formula></cfRule></conditionalFormatting>"...)
	}
	b = appendPage(b, t.page)
	if len(t.breaks) > 0 {
		b = fmt.Appendf(b, `<rowBreaks count="%d" manualBreakCount="%d">`, len(t.breaks), len(t.breaks))
		for _, r := range t.breaks {
			b = fmt.Appendf(b, `<brk id="%d" max="16383" man="1"/>`, r-1) // a break below row r-1
		}
		b = append(b, "</rowBreaks>"...)
	}
	if !t.drawing {
		b = append(b, "</worksheet>"...)
	}
	s.buf = b
	if s.err == nil {
		_, s.err = s.Write(b)
	}
	if s.err == nil && s.zw != nil {
		s.err = s.zw.Close()
	}
	if s.err == nil && s.zw != nil {
		s.err = s.out.flush()
	}
	pt := part{name: outdir.TempName(s.file), compressed: s.zw != nil, size: s.size}
	if s.crc != nil {
		pt.crc = s.crc.Sum32()
	}
	if err := s.file.Close(); s.err == nil {
		s.err = err
	}
	if s.err != nil {
		s.dir.Remove(pt.name)
	}
	s.release()
	return pt, s.err
}
