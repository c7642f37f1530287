package xlsx

import (
	"bytes"
	"errors"
	"io"
	"unicode/utf8"

	"fundalloc/reports/msg"
)

// Streaming a worksheet's rows: the <row> and <c> elements of sheetData,
// each cell typed by its t attribute and its text placed so that a row's
// texts cost one allocation.

// Rows streams the rows of one worksheet: each row with at least one
// non-blank cell, its cells up to the last non-blank one. A text cell
// holding only whitespace has Kind Blank and keeps its Text. A formula cell
// is read from its cached value; one without a cached value is Blank.
type Rows struct {
	rc    io.ReadCloser
	sc    *xmlScanner
	sheet string
	sst   *sharedStrings
	lim   Limits

	started bool // inside sheetData
	done    bool
	err     error

	row     int // the current row's number
	prevRow int // the number of the last <row> read, blank or not
	col     int // the current cell's column (1 is A) while reading a row
	cells   []Cell
	arena   []byte // the current row's non-shared cell texts, back to back
	spans   []span // where each of those texts sits in arena
}

// span places the text arena[a:b] in cells[idx] once the row is complete,
// so that a row's texts cost one allocation.
type span struct{ idx, a, b int }

// Next advances to the next row with a non-blank cell.
func (x *Rows) Next() bool {
	if x.err != nil || x.done || x.sc == nil {
		return false
	}
	if !x.started {
		if err := x.enterSheetData(); err != nil {
			x.fail(err)
			return false
		}
		if x.done {
			x.release()
			return false
		}
	}
	for {
		ok, err := x.readRow()
		if err != nil {
			x.fail(err)
			return false
		}
		if !ok {
			x.done = true
			x.release()
			return false
		}
		if len(x.cells) == 0 {
			continue
		}
		if x.lim.MaxRows > 0 && x.row > x.lim.MaxRows {
			x.fail(&Error{Row: x.row, Err: msg.SrcSheetRows.Wrap(ErrLimit, x.lim.MaxRows)})
			return false
		}
		return true
	}
}

// Row returns the current row's number as a spreadsheet shows it (the
// first row is 1) and its cells by column (index 0 is column A). The slice
// is only valid until the next call to Next; the strings in it stay valid.
func (x *Rows) Row() (int, []Cell) { return x.row, x.cells }

// Err returns the error that stopped Next, if any: an *Error located in the
// sheet.
func (x *Rows) Err() error { return x.err }

// Sheet returns the name of the sheet being read.
func (x *Rows) Sheet() string { return x.sheet }

// Close releases the sheet's part and buffers; it may be called at any time
// and more than once.
func (x *Rows) Close() error {
	x.release()
	x.cells, x.arena, x.spans, x.sst = nil, nil, nil, nil
	return nil
}

func (x *Rows) release() {
	if x.rc != nil {
		x.rc.Close()
		x.rc = nil
	}
	x.sc = nil
}

// fail records err, located in this sheet, and stops reading.
func (x *Rows) fail(err error) {
	var e *Error
	if !errors.As(err, &e) {
		e = &Error{Err: err}
	}
	e.Sheet = x.sheet
	x.err = e
	x.release()
}

// at locates err at the current row and, if col > 0, column.
func (x *Rows) at(col int, err error) error {
	return &Error{Row: x.row, Column: col, Err: err}
}

// enterSheetData reads up to the start of sheetData, or marks the sheet
// done when it has none.
func (x *Rows) enterSheetData() error {
	s := x.sc
	if err := s.rootAny(); err != nil {
		return err
	}
	if !s.is("worksheet") {
		return msg.SrcSheetKind.Wrap(ErrUnreadable, msg.Escape(string(s.name)))
	}
	if s.self {
		x.done = true
		return nil
	}
	for {
		tok, err := s.next()
		if err != nil {
			return err
		}
		switch tok {
		case tokStart:
			if s.is("sheetData") {
				x.started = true
				if s.self {
					x.done = true
				}
				return nil
			}
			if err := s.skip(); err != nil {
				return err
			}
		case tokEnd, tokEOF:
			x.done = true
			return nil
		}
	}
}

// readRow reads the next <row> element; false at the end of sheetData.
func (x *Rows) readRow() (bool, error) {
	s := x.sc
	for {
		if r, ok := x.plainRow(); ok {
			return true, x.rowCells(r)
		}
		tok, err := s.next()
		if err != nil {
			return false, x.at(0, err)
		}
		switch tok {
		case tokEOF:
			return false, x.at(0, s.damaged(msg.SrcXMLTableEnds.With()))
		case tokEnd:
			return false, nil // </sheetData>: what follows is not cells
		case tokStart:
			if !s.is("row") {
				if err := s.skip(); err != nil {
					return false, err
				}
				continue
			}
			return true, x.readCells()
		}
	}
}

// readCells reads the cells of the <row> just started.
func (x *Rows) readCells() error {
	r, ok, err := x.sc.attr("r")
	if err != nil {
		return x.at(0, err)
	}
	if !ok {
		r = nil
	}
	return x.rowCells(r)
}

// rowCells reads the cells of the <row> just started, whose r attribute
// is r (nil when it has none).
func (x *Rows) rowCells(r []byte) error {
	s := x.sc
	num := x.prevRow + 1
	if v := r; v != nil {
		n, valid := parseRowNum(v)
		if !valid {
			x.row = num
			return x.at(0, s.damaged(msg.SrcXMLRowNumber.With(v)))
		}
		num = n
	}
	if num > maxSheetRows {
		// No spreadsheet program writes such a row, blank or not: without
		// this, a few megabytes of repeated <row/> inflate to minutes of
		// reading blank rows, which max_rows does not count.
		x.row = num
		return x.at(0, msg.SrcPastLastRow.Wrap(ErrLimit, num, maxSheetRows))
	}
	x.row, x.prevRow, x.col = num, num, 0
	x.cells, x.arena, x.spans = x.cells[:0], x.arena[:0], x.spans[:0]
	if s.self {
		return nil
	}
	for {
		if ok, err := x.plainCell(); ok {
			if err != nil {
				return err
			}
			continue
		}
		if b := s.buf[s.pos:s.end]; len(b) >= 6 && string(b[:6]) == "</row>" && s.open > 0 {
			// The end tag, as next reads it.
			s.pos += 6
			s.name, s.level = b[2:5], s.open
			s.open--
			x.finishRow()
			return nil
		}
		tok, err := s.next()
		if err != nil {
			return x.at(x.col, err)
		}
		switch tok {
		case tokEOF:
			return x.at(0, s.damaged(msg.SrcXMLRowEnds.With()))
		case tokEnd:
			x.finishRow()
			return nil
		case tokStart:
			if !s.is("c") {
				if err := s.skip(); err != nil {
					return x.at(0, err)
				}
				continue
			}
			if err := x.readCell(); err != nil {
				return err
			}
		}
	}
}

// readCell reads the <c> element just started.
func (x *Rows) readCell() error {
	s := x.sc
	var typ []byte
	var ref []byte
	err := s.attrs(func(local, val []byte) {
		switch string(local) {
		case "r":
			ref = val
		case "t":
			typ = val
		}
	})
	if err != nil {
		return x.at(x.col+1, err)
	}
	col, kind, err := x.placeCell(ref, typ)
	if err != nil {
		return err
	}
	if s.self {
		return nil
	}

	max := x.lim.MaxFieldBytes
	a := len(x.arena)
	found := false // a <v> or <is>
	inline := false
	for {
		tok, err := s.next()
		if err != nil {
			return x.at(col, err)
		}
		if tok == tokEOF {
			return x.at(col, s.damaged(msg.SrcXMLCellEnds.With()))
		}
		if tok == tokEnd {
			break
		}
		if tok != tokStart {
			continue
		}
		if found || !s.is("v") && !s.is("is") { // only the first <v> or <is> is the value
			if err := s.skip(); err != nil {
				return x.at(col, err)
			}
			continue
		}
		found, inline = true, s.is("is")
		if s.self {
			continue
		}
		var over bool
		if inline {
			x.arena, over, err = s.readStringItem(x.arena, max)
		} else {
			x.arena, over, err = s.readText(x.arena, a, max)
		}
		if err != nil {
			return x.at(col, err)
		}
		if over {
			return x.at(col, fieldTooLong(max))
		}
	}
	if !found || len(x.arena) == a {
		x.arena = x.arena[:a]
		return nil
	}
	return x.setCell(col, kind, inline, a)
}

// placeCell reads the r and t attributes of a <c> tag (nil when absent):
// the cell's column, which becomes the current one, and its kind.
func (x *Rows) placeCell(ref, typ []byte) (int, CellKind, error) {
	s := x.sc
	col := x.col + 1
	if ref != nil {
		c, ok := parseColumn(ref)
		if !ok {
			return 0, 0, x.at(0, s.damaged(msg.SrcXMLCellRef.With(ref)))
		}
		col = c
	}
	if col > MaxColumns {
		return 0, 0, x.at(0, s.damaged(msg.SrcXMLBeyondColumn.With(msg.ColumnName(MaxColumns))))
	}
	x.col = col
	kind, err := cellKind(typ)
	if err != nil {
		return 0, 0, x.at(col, s.damaged(err))
	}
	return col, kind, nil
}

// plainCell reads the <c> element at the scanner's position when it has
// one of the plain shapes writers give nearly every cell, all of it in
// the buffer:
//
//	<c r="A1" s="1" t="…"/>
//	<c r="A1" t="…"></c>
//	<c r="A1" t="…"><v>text</v></c>
//	<c r="A1" t="inlineStr"><is><t>text</t></is></c>
//
// with double-quoted attributes of plain names, single spaces, and text
// without '&', '\r' or more than MaxFieldBytes bytes. It reads the cell as
// readCell would, without a token for each tag. ok is false, and the
// scanner where it was, for any other input (whitespace before a tag
// aside, which the scanner would skip): readCell takes it then, with its
// error when it has one.
func (x *Rows) plainCell() (ok bool, err error) {
	if noPlainCells {
		return false, nil
	}
	s := x.sc
	b := s.plainStart("c")
	if b == nil {
		return false, nil
	}
	var ref, typ []byte
	i := 2
	for b[i] == ' ' {
		name, val, next, ok := plainAttr(b, i)
		if !ok {
			return false, nil
		}
		switch string(name) {
		case "r":
			ref = val
		case "t":
			typ = val
		}
		i = next
	}
	i, self, ok := plainTagEnd(b, i)
	if !ok {
		return false, nil
	}
	// The content: none, <v>text</v> or <is><t>text</t></is>.
	var text []byte
	found, inline := false, false
	if !self {
		c := b[i:]
		var open, end string
		switch {
		case bytes.HasPrefix(c, []byte("</c>")):
			i += len("</c>")
		case bytes.HasPrefix(c, []byte("<v>")):
			found, open, end = true, "<v>", "</v></c>"
		case bytes.HasPrefix(c, []byte("<is><t>")):
			found, inline, open, end = true, true, "<is><t>", "</t></is></c>"
		default:
			return false, nil
		}
		if found {
			c = c[len(open):]
			k := bytes.IndexByte(c, '<')
			if k < 0 || !bytes.HasPrefix(c[k:], []byte(end)) {
				return false, nil
			}
			text = c[:k]
			if max := x.lim.MaxFieldBytes; max > 0 && len(text) > max ||
				bytes.IndexByte(text, '&') >= 0 || bytes.IndexByte(text, '\r') >= 0 {
				return false, nil
			}
			i += len(open) + k + len(end)
		}
	}
	// The whole cell is plain: it is read from here on.
	s.pos += i
	col, kind, err := x.placeCell(ref, typ)
	if err != nil || !found || len(text) == 0 {
		return true, err
	}
	a := len(x.arena)
	x.arena = append(x.arena, text...)
	return true, x.setCell(col, kind, inline, a)
}

// plainRow reads a <row> start tag at the scanner's position when it is
// plain, as plainCell's are, as next would: it returns its r attribute
// (nil when it has none). ok is false, and the scanner where it was, for
// any other input (whitespace before a tag aside).
func (x *Rows) plainRow() (r []byte, ok bool) {
	if noPlainCells {
		return nil, false
	}
	s := x.sc
	b := s.plainStart("row")
	if b == nil {
		return nil, false
	}
	i := 4
	for b[i] == ' ' {
		name, val, next, ok := plainAttr(b, i)
		if !ok {
			return nil, false
		}
		if r == nil && string(name) == "r" { // the first, as attr takes it
			r = val
		}
		i = next
	}
	i, self, ok := plainTagEnd(b, i)
	if !ok {
		return nil, false
	}
	s.pos += i
	s.name, s.raw, s.self, s.level = b[1:4], nil, self, s.open+1
	if !self {
		s.open++
	}
	return r, true
}

// plainStart skips whitespace, which the scanner would skip, and returns
// the unread bytes when they start with the start tag of the element
// local, unprefixed (at least one byte follows the name); else nil.
func (s *xmlScanner) plainStart(local string) []byte {
	for s.pos < s.end && isXMLSpace(s.buf[s.pos]) {
		s.pos++
	}
	b := s.buf[s.pos:s.end]
	n := 1 + len(local)
	if len(b) <= n || b[0] != '<' || string(b[1:n]) != local {
		return nil
	}
	return b
}

// plainAttr reads the attribute at b[i:], where b[i] is a space, when it
// is plain: a name of ASCII letters, '=', and a double-quoted value
// without '&' or '\r' (which the scanner would decode). next is where
// what follows it starts, within b; ok is false for anything else.
func plainAttr(b []byte, i int) (name, val []byte, next int, ok bool) {
	n := i + 1
	for n < len(b) && (b[n] >= 'a' && b[n] <= 'z' || b[n] >= 'A' && b[n] <= 'Z') {
		n++
	}
	if n == i+1 || n+1 >= len(b) || b[n] != '=' || b[n+1] != '"' {
		return nil, nil, 0, false
	}
	q := bytes.IndexByte(b[n+2:], '"')
	if q < 0 {
		return nil, nil, 0, false
	}
	val = b[n+2 : n+2+q]
	if bytes.IndexByte(val, '&') >= 0 || bytes.IndexByte(val, '\r') >= 0 {
		return nil, nil, 0, false
	}
	next = n + 3 + q
	if next >= len(b) {
		return nil, nil, 0, false
	}
	return b[i+1 : n], val, next, true
}

// plainTagEnd reads the end of a start tag at b[i:]: "/>" or ">". next is
// where what follows it starts.
func plainTagEnd(b []byte, i int) (next int, self, ok bool) {
	switch {
	case b[i] == '>':
		return i + 1, false, true
	case b[i] == '/' && i+1 < len(b) && b[i+1] == '>':
		return i + 2, true, true
	}
	return 0, false, false
}

// noPlainCells turns plainCell and plainRow off, for tests that compare
// their readings with the scanner's.
var noPlainCells = false

// setCell stores the value read into arena[a:] as the cell in column col,
// by its type.
func (x *Rows) setCell(col int, kind CellKind, inline bool, a int) error {
	s := x.sc
	val := x.arena[a:]
	var shared string // the text of a shared-string cell
	if inline && kind == Number {
		kind = Text // <is> without t="inlineStr"
	}
	switch kind {
	case Bool, ErrorVal, DateText, sharedText:
		if inline {
			return x.at(col, s.damaged(msg.SrcXMLInlineString.With()))
		}
	}
	switch kind {
	case Number, Bool, ErrorVal, DateText:
		val = trimXMLSpace(val)
		if len(val) == 0 {
			x.arena = x.arena[:a]
			return nil
		}
		if kind == Bool {
			switch string(val) {
			case "1", "true":
				val = val[:1]
				val[0] = '1'
			case "0", "false":
				val = val[:1]
				val[0] = '0'
			default:
				return x.at(col, s.damaged(msg.SrcXMLBoolean.With(val)))
			}
		}
	case sharedText:
		i, ok := parseIndex(trimXMLSpace(val))
		x.arena = x.arena[:a]
		if !ok || x.sst == nil || i >= x.sst.len() {
			return x.at(col, s.damaged(msg.SrcXMLNoSharedString.With(val)))
		}
		if err, bad := x.sst.bad[i]; bad {
			return x.at(col, err)
		}
		shared = x.sst.get(i)
		if shared == "" {
			return nil
		}
		if max := x.lim.MaxFieldBytes; max > 0 && len(shared) > max {
			return x.at(col, fieldTooLong(max))
		}
		kind = Text
		if isBlankString(shared) {
			kind = Blank
		}
	default: // an inline string (from <is>, or <v> as some writers do) or a formula's string result
		val = unescapeXstring(val)
		if !utf8.Valid(val) {
			return x.at(col, s.damaged(msg.SrcXMLCellUTF8.With()))
		}
		kind = Text
		if isBlankBytes(val) {
			kind = Blank
		}
	}
	if x.lim.MaxCellsPerRow > 0 && col > x.lim.MaxCellsPerRow {
		return x.at(col, msg.SrcTooManyColumns.Wrap(ErrLimit, msg.ColumnName(col), x.lim.MaxCellsPerRow))
	}

	idx := col - 1
	if idx < len(x.cells) {
		if x.cells[idx] != (Cell{}) { // the same column twice: the last one wins
			for i := range x.spans {
				if x.spans[i].idx == idx {
					x.spans[i].idx = -1
				}
			}
		}
	} else {
		x.cells = append(x.cells, make([]Cell, idx+1-len(x.cells))...)
	}
	if shared != "" {
		x.cells[idx] = Cell{Kind: kind, Text: shared}
		return nil
	}
	// val may sit inside arena[a:] after trimming or unescaping.
	n := copy(x.arena[a:], val)
	x.arena = x.arena[:a+n]
	x.cells[idx] = Cell{Kind: kind}
	x.spans = append(x.spans, span{idx: idx, a: a, b: a + n})
	return nil
}

// finishRow gives the row's texts their strings, in one allocation, and
// drops trailing blank cells.
func (x *Rows) finishRow() {
	end := len(x.cells)
	for end > 0 && x.cells[end-1].Kind == Blank {
		end--
	}
	x.cells = x.cells[:end]
	if end == 0 || len(x.spans) == 0 {
		return
	}
	str := string(x.arena)
	for _, sp := range x.spans {
		if sp.idx >= 0 && sp.idx < end {
			x.cells[sp.idx].Text = str[sp.a:sp.b]
		}
	}
}

func fieldTooLong(max int) error {
	return msg.SrcXLSXCellTooLong.Wrap(ErrLimit, max, max)
}

// Cell kinds while reading; sharedText and inlineText become Text.
const (
	sharedText CellKind = 100 + iota
	inlineText
)

// cellKind maps a <c t=".."> value to a kind.
func cellKind(t []byte) (CellKind, error) {
	switch string(t) {
	case "", "n":
		return Number, nil
	case "s":
		return sharedText, nil
	case "str":
		return Text, nil
	case "inlineStr":
		return inlineText, nil
	case "b":
		return Bool, nil
	case "e":
		return ErrorVal, nil
	case "d":
		return DateText, nil
	}
	return 0, msg.SrcXMLCellType.Err(string(t))
}

// parseColumn reads the column of a cell reference like "B2" (2); the row
// part is ignored, as the enclosing <row> decides.
func parseColumn(ref []byte) (int, bool) {
	col, i := 0, 0
	for ; i < len(ref); i++ {
		c := ref[i] | 0x20 // lower case
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a') + 1
		if col > MaxColumns {
			return MaxColumns + 1, true
		}
	}
	if i == 0 {
		return 0, false
	}
	for _, c := range ref[i:] {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	return col, true
}

// parseRowNum reads a row number ≥ 1.
func parseRowNum(b []byte) (int, bool) {
	b = trimXMLSpace(b)
	n, ok := parseIndex(b)
	return n, ok && n >= 1
}

// parseIndex reads a small non-negative decimal integer.
func parseIndex(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 10 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}
