package sources

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"io"
	"net/url"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"

	"fundalloc/reports/msg"
)

// This file reads .xlsx workbooks itself, with archive/zip and a small XML
// scanner, instead of through excelize: excelize's row iterator returns
// strings without the cell type, and DESIGN.md needs the stored text of a
// numeric cell (1234.5600000000001, 8.00005E4) told apart from a text cell.
// Reading the parts straight from the zip also bounds what a hostile file
// can make us inflate or hold.

// Workbook describes the workbook a sheet was opened from.
type Workbook struct {
	Sheet    string   // the name of the sheet opened
	Sheets   []string // all sheet names, in workbook order
	Date1904 bool     // workbookPr date1904: serial dates count from 1904
}

const (
	maxColumns   = 16384   // XFD, the last column a worksheet has
	maxSheetRows = 1 << 20 // 1,048,576, the last row a worksheet has
	maxTagSize   = 1 << 20 // bytes in one XML tag; real tags are tiny
)

var (
	ole2Magic      = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	encryptionInfo = utf16le("EncryptionInfo")
)

// OpenXLSX opens one worksheet of an .xlsx workbook for streaming: the sheet
// named sheet, or the first sheet when sheet is "".
//
// A sheet name matches exactly, else case-insensitively as Excel does; the
// first sheet is the first worksheet not hidden, as Excel shows the tabs. Parts
// are inflated straight from r as rows are read, never to temporary files;
// only the shared strings are held in memory. Every error is an *Error
// (File left for the caller) wrapping ErrUnreadable or ErrLimit.
//
// The returned Rows gives, for each row with at least one non-blank cell,
// the cells up to the last non-blank one. A text cell holding only
// whitespace has Kind Blank and keeps its Text, as OpenCSV does. A formula
// cell is read from its cached value; one without a cached value is Blank.
func OpenXLSX(r io.ReaderAt, size int64, sheet string, lim Limits) (Rows, *Workbook, error) {
	return openXLSX(nil, r, size, sheet, lim)
}

// openXLSX is OpenXLSX that stops reading the shared strings (the one part
// read whole before the rows) soon after ctx, when set, is cancelled.
func openXLSX(ctx context.Context, r io.ReaderAt, size int64, sheet string, lim Limits) (Rows, *Workbook, error) {
	if size <= 0 {
		return nil, nil, &Error{Err: msg.SrcEmptyFile.Wrap(ErrUnreadable)}
	}
	var head [8]byte
	n, _ := r.ReadAt(head[:], 0)
	if n == len(head) && bytes.Equal(head[:], ole2Magic) {
		if containsAt(r, size, encryptionInfo) {
			return nil, nil, &Error{Err: msg.SrcPassword.Wrap(ErrUnreadable)}
		}
		return nil, nil, &Error{Err: msg.SrcLegacyXLS.Wrap(ErrUnreadable)}
	}
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		if n >= 4 && head[0] == 'P' && head[1] == 'K' && (head[2] == 3 && head[3] == 4 || head[2] == 5 && head[3] == 6 || head[2] == 7 && head[3] == 8) {
			return nil, nil, &Error{Err: msg.SrcZipDirectory.Wrap(ErrUnreadable)}
		}
		return nil, nil, &Error{Err: msg.SrcNotZip.Wrap(ErrUnreadable)}
	}
	p := &pkg{files: make(map[string]*zip.File, len(zr.File)), lim: lim, ctx: ctx}
	var total uint64
	for _, f := range zr.File {
		if _, dup := p.files[f.Name]; !dup {
			p.files[f.Name] = f
		}
		total += f.UncompressedSize64
		if total < f.UncompressedSize64 { // overflow: a lie, and far too big
			total = ^uint64(0)
		}
	}
	if lim.UnzipSize > 0 && total > uint64(lim.UnzipSize) {
		return nil, nil, &Error{Err: msg.SrcInflates.Wrap(ErrLimit, lim.UnzipSize)}
	}

	wbFile := p.lookup("xl/workbook.xml")
	if wbFile == nil {
		switch {
		case p.lookup("xl/workbook.bin") != nil:
			return nil, nil, &Error{Err: msg.SrcXLSB.Wrap(ErrUnreadable)}
		case p.lookup("content.xml") != nil && p.lookup("mimetype") != nil:
			return nil, nil, &Error{Err: msg.SrcODS.Wrap(ErrUnreadable)}
		}
		return nil, nil, &Error{Err: msg.SrcNoWorkbookXML.Wrap(ErrUnreadable)}
	}
	wb, sheets, err := p.readWorkbook(wbFile)
	if err != nil {
		return nil, nil, err
	}
	rels, err := p.readRels("xl/_rels/workbook.xml.rels", "xl")
	if err != nil {
		return nil, nil, err
	}
	if len(sheets) == 0 {
		return nil, nil, &Error{Err: msg.SrcNoSheets.Wrap(ErrUnreadable)}
	}

	chosen := chooseSheet(sheets, rels, sheet)
	if chosen < 0 {
		return nil, nil, &Error{Err: msg.SrcSheetNotFound.Wrap(ErrUnreadable, sheet, quotedList(wb.Sheets))}
	}
	wb.Sheet = sheets[chosen].name
	fail := func(err error) (Rows, *Workbook, error) {
		var e *Error
		if errors.As(err, &e) {
			e.Sheet = wb.Sheet
			return nil, nil, e
		}
		return nil, nil, &Error{Sheet: wb.Sheet, Err: err}
	}

	rel, ok := rels[sheets[chosen].rid]
	if !ok {
		return fail(msg.SrcNoRelationship.Wrap(ErrUnreadable, sheets[chosen].rid))
	}
	if strings.HasSuffix(rel.typ, "/chartsheet") {
		return fail(msg.SrcChartSheet.Wrap(ErrUnreadable))
	}
	sheetFile := p.lookup(rel.target)
	if sheetFile == nil {
		return fail(msg.SrcPartMissing.Wrap(ErrUnreadable, Escape(rel.target)))
	}

	var sst *sharedStrings
	sstName := ""
	for _, rl := range rels {
		if strings.HasSuffix(rl.typ, "/sharedStrings") {
			sstName = rl.target
			break
		}
	}
	var sstFile *zip.File
	if sstName != "" {
		sstFile = p.lookup(sstName)
	}
	if sstFile == nil {
		sstFile = p.lookup("xl/sharedStrings.xml")
	}
	if sstFile != nil {
		if sst, err = p.readSharedStrings(sstFile); err != nil {
			return fail(err)
		}
	}

	rc, err := p.open(sheetFile)
	if err != nil {
		return fail(err)
	}
	rows := &xlsxRows{
		rc:    rc,
		sc:    newScanner(rc, sheetFile.Name),
		sheet: wb.Sheet,
		sst:   sst,
		lim:   lim,
	}
	return rows, wb, nil
}

// chooseSheet returns the index of the sheet named name, matched exactly or
// else case-insensitively as Excel does, or -1. For "" it returns the first
// sheet a user sees: the first worksheet not hidden (hidden sheets hold
// drop-down lists and templates), else the first sheet.
func chooseSheet(sheets []sheetEntry, rels map[string]relationship, name string) int {
	if name == "" {
		for i, s := range sheets {
			if !s.hidden && strings.HasSuffix(rels[s.rid].typ, "/worksheet") {
				return i
			}
		}
		for i, s := range sheets {
			if !s.hidden {
				return i
			}
		}
		return 0
	}
	for i, s := range sheets {
		if s.name == name {
			return i
		}
	}
	for i, s := range sheets {
		if strings.EqualFold(s.name, name) {
			return i
		}
	}
	return -1
}

// utf16le returns s in UTF-16LE; s must be ASCII.
func utf16le(s string) []byte {
	b := make([]byte, 2*len(s))
	for i := 0; i < len(s); i++ {
		b[2*i] = s[i]
	}
	return b
}

// containsAt reports whether r holds pat anywhere in its first size bytes,
// reading in chunks that overlap by len(pat)-1.
func containsAt(r io.ReaderAt, size int64, pat []byte) bool {
	buf := make([]byte, 1<<20)
	for off := int64(0); off < size; {
		n, err := r.ReadAt(buf, off)
		if bytes.Contains(buf[:n], pat) {
			return true
		}
		if err != nil || n < len(pat) {
			return false
		}
		off += int64(n - len(pat) + 1)
	}
	return false
}

// pkg is an opened zip: its parts by name and the limits on inflating them.
type pkg struct {
	files map[string]*zip.File
	fold  map[string]*zip.File // lower-cased, '\' as '/'; built on first need
	lim   Limits
	ctx   context.Context // nil: never interrupted
}

// lookup finds a part by its exact name, else case-insensitively with '\'
// read as '/' (some generators write Windows paths into the zip).
func (p *pkg) lookup(name string) *zip.File {
	if f, ok := p.files[name]; ok {
		return f
	}
	if p.fold == nil {
		p.fold = make(map[string]*zip.File, len(p.files))
		for n, f := range p.files {
			k := strings.ToLower(strings.ReplaceAll(n, `\`, "/"))
			if _, dup := p.fold[k]; !dup {
				p.fold[k] = f
			}
		}
	}
	return p.fold[strings.ToLower(strings.ReplaceAll(name, `\`, "/"))]
}

// open opens a part for reading, refusing one that is declared or turns out
// to be bigger than lim.UnzipXMLSize.
func (p *pkg) open(f *zip.File) (io.ReadCloser, error) {
	max := p.lim.UnzipXMLSize
	if max > 0 && f.UncompressedSize64 > uint64(max) {
		return nil, &Error{Err: partTooBig(max)}
	}
	rc, err := f.Open()
	if err != nil {
		if errors.Is(err, zip.ErrFormat) {
			err = msg.SrcZipEntryCorrupt.Wrap(ErrUnreadable, Escape(f.Name))
		} else {
			err = zipError(f.Name, err)
		}
		return nil, &Error{Err: err}
	}
	return &partReader{rc: rc, name: f.Name, max: max}, nil
}

func partTooBig(max int64) error {
	return msg.SrcPartInflates.Wrap(ErrLimit, max)
}

// zipError says in plain words why a part could not be inflated.
func zipError(name string, err error) error {
	var ce flate.CorruptInputError
	switch {
	case errors.Is(err, zip.ErrAlgorithm):
		return msg.SrcZipMethod.Wrap(ErrUnreadable, Escape(name))
	case errors.Is(err, zip.ErrChecksum):
		return msg.SrcZipChecksum.Wrap(ErrUnreadable, Escape(name))
	case errors.Is(err, zip.ErrFormat):
		return msg.SrcZipSize.Wrap(ErrUnreadable, Escape(name))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return msg.SrcZipShort.Wrap(ErrUnreadable, Escape(name))
	case errors.As(err, &ce):
		return msg.SrcZipData.Wrap(ErrUnreadable, Escape(name))
	}
	return msg.SrcZipOther.Wrap(ErrUnreadable, Escape(name), err)
}

// partReader counts the bytes a part inflates to and stops past max, so the
// limit holds even against a zip whose directory lies about sizes.
type partReader struct {
	rc   io.ReadCloser
	name string
	n    int64
	max  int64 // 0: no limit
	err  error // sticky
}

func (p *partReader) Read(b []byte) (int, error) {
	if p.err != nil {
		return 0, p.err
	}
	if p.max > 0 && int64(len(b)) > p.max-p.n+1 {
		b = b[:p.max-p.n+1] // read at most one byte past the limit
	}
	n, err := p.rc.Read(b)
	p.n += int64(n)
	switch {
	case p.max > 0 && p.n > p.max:
		p.err = partTooBig(p.max)
		return 0, p.err
	case err == io.EOF:
		return n, io.EOF
	case err != nil:
		p.err = zipError(p.name, err)
	}
	return n, p.err
}

func (p *partReader) Close() error { return p.rc.Close() }

// readPart runs fn over a scanner of the part f, closing the part after.
func (p *pkg) readPart(f *zip.File, fn func(*xmlScanner) error) error {
	rc, err := p.open(f)
	if err != nil {
		return err
	}
	defer rc.Close()
	if err := fn(newScanner(rc, f.Name)); err != nil {
		var e *Error
		if errors.As(err, &e) {
			return e
		}
		return &Error{Err: err}
	}
	return nil
}

type sheetEntry struct {
	name, rid string
	hidden    bool // state="hidden" or "veryHidden"
}

// readWorkbook reads the sheet list and the date system from workbook.xml.
func (p *pkg) readWorkbook(f *zip.File) (*Workbook, []sheetEntry, error) {
	wb := &Workbook{}
	var sheets []sheetEntry
	err := p.readPart(f, func(s *xmlScanner) error {
		if err := s.root("workbook"); err != nil {
			return err
		}
		return s.walk(func(level int) error {
			switch {
			case level == 2 && s.is("workbookPr"):
				if v, ok, err := s.attr("date1904"); err != nil {
					return err
				} else if ok {
					wb.Date1904 = string(v) == "1" || string(v) == "true"
				}
			case level == 3 && s.is("sheet"):
				var e sheetEntry
				err := s.attrs(func(local, val []byte) {
					switch string(local) {
					case "name":
						e.name = string(val)
					case "id":
						e.rid = string(val)
					case "state":
						e.hidden = string(val) == "hidden" || string(val) == "veryHidden"
					}
				})
				if err != nil {
					return err
				}
				sheets = append(sheets, e)
				wb.Sheets = append(wb.Sheets, e.name)
			}
			return nil
		})
	})
	if err != nil {
		return nil, nil, err
	}
	return wb, sheets, nil
}

type relationship struct{ target, typ string }

// readRels reads a relationships part, resolving each internal target to a
// zip entry name; dir is the directory of the part the rels belong to. A
// missing rels part reads as none.
func (p *pkg) readRels(name, dir string) (map[string]relationship, error) {
	rels := make(map[string]relationship)
	f := p.lookup(name)
	if f == nil {
		return rels, nil
	}
	err := p.readPart(f, func(s *xmlScanner) error {
		if err := s.root("Relationships"); err != nil {
			return err
		}
		return s.walk(func(level int) error {
			if level != 2 || !s.is("Relationship") {
				return nil
			}
			var id, target, typ, mode string
			err := s.attrs(func(local, val []byte) {
				switch string(local) {
				case "Id":
					id = string(val)
				case "Target":
					target = string(val)
				case "Type":
					typ = string(val)
				case "TargetMode":
					mode = string(val)
				}
			})
			if err != nil || mode == "External" {
				return err
			}
			rels[id] = relationship{target: p.resolve(dir, target), typ: typ}
			return nil
		})
	})
	return rels, err
}

// resolve turns a relationship target into a zip entry name: absolute
// targets start at the package root, relative ones at dir.
func (p *pkg) resolve(dir, target string) string {
	t := strings.ReplaceAll(target, `\`, "/")
	if strings.HasPrefix(t, "/") {
		t = path.Clean(t)[1:]
	} else {
		t = path.Join(dir, t)
	}
	if p.lookup(t) == nil {
		if u, err := url.PathUnescape(t); err == nil && p.lookup(u) != nil {
			return u
		}
	}
	return t
}

// sharedStrings is the workbook's string table, kept lean: all the text in
// one string and where each item ends, 8 bytes an item on top of its text.
type sharedStrings struct {
	all  string
	ends []int
	bad  map[int]error // index → why a cell can't use it (too long, not UTF-8)
}

func (t *sharedStrings) len() int { return len(t.ends) }

// get returns item i, which must exist; slicing a string doesn't allocate.
func (t *sharedStrings) get(i int) string {
	start := 0
	if i > 0 {
		start = t.ends[i-1]
	}
	return t.all[start:t.ends[i]]
}

// readSharedStrings reads sharedStrings.xml. A string longer than
// lim.MaxFieldBytes is not kept, only noted, so that a hostile table costs
// little; the error comes when a cell uses it. The table is held whole, so
// it may take at most lim.SharedStrings bytes: without that bound a few
// megabytes of zip inflate to gigabytes of strings, or of empty <si/>
// items at 8 bytes each, held in memory before the first row is read.
func (p *pkg) readSharedStrings(f *zip.File) (*sharedStrings, error) {
	sst := &sharedStrings{}
	var all strings.Builder
	var ends []int
	var item []byte
	max := p.lim.MaxFieldBytes
	held := p.lim.SharedStrings
	err := p.readPart(f, func(s *xmlScanner) error {
		if err := s.root("sst"); err != nil {
			return err
		}
		if v, ok, err := s.attr("uniqueCount"); err == nil && ok {
			if n, err := strconv.Atoi(string(v)); err == nil && n > 0 {
				ends = make([]int, 0, min(n, 1<<20))
			}
		}
		return s.walk(func(level int) error {
			if level != 2 || !s.is("si") {
				return nil
			}
			i := len(ends)
			if i%ctxRows == ctxRows-1 && p.ctx != nil && p.ctx.Err() != nil {
				return msg.SrcInterrupted.Wrap(p.ctx.Err())
			}
			item = item[:0]
			if !s.self {
				var err error
				var over bool
				if item, over, err = s.readStringItem(item, max); err != nil {
					return err
				}
				if over {
					sst.note(i, fieldTooLong(max))
					item = item[:0]
					if err := s.skipOut(level); err != nil {
						return err
					}
				}
			}
			item = unescapeXstring(item) // never longer
			if !utf8.Valid(item) {
				sst.note(i, s.damaged(msg.SrcXMLSharedUTF8.With(i)))
				item = item[:0]
			}
			if held > 0 && int64(all.Len())+int64(len(item))+8*int64(len(ends)+1) > held {
				return msg.SrcSharedStrings.Wrap(ErrLimit, held)
			}
			all.Write(item)
			ends = append(ends, all.Len())
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	sst.all, sst.ends = all.String(), ends
	return sst, nil
}

func (t *sharedStrings) note(i int, err error) {
	if t.bad == nil {
		t.bad = make(map[int]error)
	}
	t.bad[i] = err
}

// xlsxRows streams the rows of one worksheet.
type xlsxRows struct {
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
func (x *xlsxRows) Next() bool {
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

// Row returns the current row's number and its cells. The slice is only
// valid until the next call to Next; the strings in it stay valid.
func (x *xlsxRows) Row() (int, []Cell) { return x.row, x.cells }

func (x *xlsxRows) Err() error { return x.err }

// Close releases the sheet's part and buffers; it may be called at any time
// and more than once.
func (x *xlsxRows) Close() error {
	x.release()
	x.cells, x.arena, x.spans, x.sst = nil, nil, nil, nil
	return nil
}

func (x *xlsxRows) release() {
	if x.rc != nil {
		x.rc.Close()
		x.rc = nil
	}
	x.sc = nil
}

// fail records err, located in this sheet, and stops reading.
func (x *xlsxRows) fail(err error) {
	var e *Error
	if !errors.As(err, &e) {
		e = &Error{Err: err}
	}
	e.Sheet = x.sheet
	x.err = e
	x.release()
}

// at locates err at the current row and, if col > 0, column.
func (x *xlsxRows) at(col int, err error) error {
	return &Error{Row: x.row, Column: col, Err: err}
}

// enterSheetData reads up to the start of sheetData, or marks the sheet
// done when it has none.
func (x *xlsxRows) enterSheetData() error {
	s := x.sc
	if err := s.rootAny(); err != nil {
		return err
	}
	if !s.is("worksheet") {
		return msg.SrcSheetKind.Wrap(ErrUnreadable, Escape(string(s.name)))
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
func (x *xlsxRows) readRow() (bool, error) {
	s := x.sc
	for {
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
func (x *xlsxRows) readCells() error {
	s := x.sc
	num := x.prevRow + 1
	if v, ok, err := s.attr("r"); err != nil {
		return x.at(0, err)
	} else if ok {
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
func (x *xlsxRows) readCell() error {
	s := x.sc
	col := x.col + 1
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
		return x.at(col, err)
	}
	if ref != nil {
		c, ok := parseColumn(ref)
		if !ok {
			return x.at(0, s.damaged(msg.SrcXMLCellRef.With(ref)))
		}
		col = c
	}
	if col > maxColumns {
		return x.at(0, s.damaged(msg.SrcXMLBeyondColumn.With(msg.ColumnName(maxColumns))))
	}
	x.col = col
	kind, err := cellKind(typ)
	if err != nil {
		return x.at(col, s.damaged(err))
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

// setCell stores the value read into arena[a:] as the cell in column col,
// by its type.
func (x *xlsxRows) setCell(col int, kind CellKind, inline bool, a int) error {
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
func (x *xlsxRows) finishRow() {
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
		if col > maxColumns {
			return maxColumns + 1, true
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

func trimXMLSpace(b []byte) []byte {
	for len(b) > 0 && isXMLSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isXMLSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// isBlankBytes reports whether b is empty or only whitespace, as
// strings.TrimSpace sees it, without allocating in the common case.
func isBlankBytes(b []byte) bool {
	if len(b) > 0 && b[0] > ' ' && b[0] < utf8.RuneSelf {
		return false
	}
	return len(bytes.TrimSpace(b)) == 0
}

func isBlankString(s string) bool {
	if len(s) > 0 && s[0] > ' ' && s[0] < utf8.RuneSelf {
		return false
	}
	return len(strings.TrimSpace(s)) == 0
}

// unescapeXstring decodes OOXML's _xHHHH_ escapes (ST_Xstring), in place:
// Excel writes characters XML cannot hold, such as a carriage return, as
// _x000D_, and a literal "_x" that would be misread as _x005F_x.
func unescapeXstring(b []byte) []byte {
	i := bytes.Index(b, []byte("_x"))
	if i < 0 {
		return b
	}
	w := i
	for r := i; r < len(b); {
		if b[r] == '_' && r+6 < len(b) && b[r+1] == 'x' && b[r+6] == '_' {
			if v, ok := hex4(b[r+2 : r+6]); ok && !(v >= 0xD800 && v <= 0xDFFF) {
				w += utf8.EncodeRune(b[w:], rune(v))
				r += 7
				continue
			}
		}
		b[w] = b[r]
		w++
		r++
	}
	return b[:w]
}

func hex4(b []byte) (int, bool) {
	v := 0
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			v = v<<4 | int(c-'0')
		case c >= 'a' && c <= 'f':
			v = v<<4 | int(c-'a'+10)
		case c >= 'A' && c <= 'F':
			v = v<<4 | int(c-'A'+10)
		default:
			return 0, false
		}
	}
	return v, true
}
