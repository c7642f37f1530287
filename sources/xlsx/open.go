// Package xlsx reads the cells of .xlsx workbooks as they are stored: each
// cell with its type and its stored text, never formatted for display.
//
// It reads the parts itself, with archive/zip and a small XML scanner,
// instead of through excelize: excelize's row iterator returns strings
// without the cell type, and DESIGN.md needs the stored text of a numeric
// cell (1234.5600000000001, 8.00005E4) told apart from a text cell. Reading
// the parts straight from the zip also bounds what a hostile file can make
// the reader inflate or hold (Limits).
//
// Open reads a workbook's directory and sheet list; File.Rows streams one
// sheet's rows of typed cells. Every error is an *Error, located in the
// sheet, row and column where known, wrapping ErrUnreadable or ErrLimit; the
// texts come from the catalogue (reports/msg).
package xlsx

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"strings"

	"fundalloc/reports/msg"
)

// Limits bound what the reader accepts, so that a hostile file is refused
// early. Zero means no limit.
type Limits struct {
	MaxCellsPerRow int   // columns per row
	MaxFieldBytes  int   // bytes per cell
	MaxRows        int   // rows per sheet
	UnzipSize      int64 // bytes the workbook may inflate to in total
	UnzipXMLSize   int64 // bytes one part of the workbook may inflate to
	// SharedStrings is the bytes the shared strings may take in memory
	// (their text, and 8 bytes an item): the one part held whole.
	SharedStrings int64
}

// File is an opened workbook: its sheet list and date system, and the zip
// its parts are read from. It is not safe for concurrent use.
type File struct {
	p        *pkg
	sheets   []sheetEntry
	names    []string
	rels     map[string]relationship
	date1904 bool
	sst      *sharedStrings // read by the first Rows that needs it
	sstRead  bool
}

const (
	// MaxColumns is the last column a worksheet has (XFD).
	MaxColumns   = 16384
	maxSheetRows = 1 << 20 // 1,048,576, the last row a worksheet has
	maxTagSize   = 1 << 20 // bytes in one XML tag; real tags are tiny
)

var (
	zipMagic       = []byte("PK\x03\x04")
	ole2Magic      = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	encryptionInfo = utf16le("EncryptionInfo")
)

// Sniff reports whether a file starting with head is a workbook to give to
// Open: a zip archive, or an OLE2 compound file (a legacy .xls, or a
// password-protected .xlsx), which Open refuses with advice.
func Sniff(head []byte) bool {
	return bytes.HasPrefix(head, zipMagic) || bytes.HasPrefix(head, ole2Magic)
}

// Open opens the .xlsx workbook r of size bytes: it checks what the file is,
// the sizes its zip directory declares, and reads the sheet list. Parts are
// inflated straight from r when read, never to temporary files.
func Open(r io.ReaderAt, size int64, lim Limits) (*File, error) {
	if size <= 0 {
		return nil, &Error{Err: msg.SrcEmptyFile.Wrap(ErrUnreadable)}
	}
	var head [8]byte
	n, _ := r.ReadAt(head[:], 0)
	if n == len(head) && bytes.Equal(head[:], ole2Magic) {
		if containsAt(r, size, encryptionInfo) {
			return nil, &Error{Err: msg.SrcPassword.Wrap(ErrUnreadable)}
		}
		return nil, &Error{Err: msg.SrcLegacyXLS.Wrap(ErrUnreadable)}
	}
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		if n >= 4 && head[0] == 'P' && head[1] == 'K' && (head[2] == 3 && head[3] == 4 || head[2] == 5 && head[3] == 6 || head[2] == 7 && head[3] == 8) {
			return nil, &Error{Err: msg.SrcZipDirectory.Wrap(ErrUnreadable)}
		}
		return nil, &Error{Err: msg.SrcNotZip.Wrap(ErrUnreadable)}
	}
	zr.RegisterDecompressor(zip.Deflate, inflate)
	p := &pkg{files: make(map[string]*zip.File, len(zr.File)), lim: lim}
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
		return nil, &Error{Err: msg.SrcInflates.Wrap(ErrLimit, lim.UnzipSize)}
	}

	wbFile := p.lookup("xl/workbook.xml")
	if wbFile == nil {
		switch {
		case p.lookup("xl/workbook.bin") != nil:
			return nil, &Error{Err: msg.SrcXLSB.Wrap(ErrUnreadable)}
		case p.lookup("content.xml") != nil && p.lookup("mimetype") != nil:
			return nil, &Error{Err: msg.SrcODS.Wrap(ErrUnreadable)}
		}
		return nil, &Error{Err: msg.SrcNoWorkbookXML.Wrap(ErrUnreadable)}
	}
	f := &File{p: p}
	if err := f.readWorkbook(wbFile); err != nil {
		return nil, err
	}
	if f.rels, err = p.readRels("xl/_rels/workbook.xml.rels", "xl"); err != nil {
		return nil, err
	}
	if len(f.sheets) == 0 {
		return nil, &Error{Err: msg.SrcNoSheets.Wrap(ErrUnreadable)}
	}
	return f, nil
}

// Sheets returns the names of all sheets, in workbook order.
func (f *File) Sheets() []string { return f.names }

// Date1904 reports whether serial dates count from 1904 (workbookPr
// date1904) rather than from 1900.
func (f *File) Date1904() bool { return f.date1904 }

// Rows opens one worksheet for streaming: the sheet named sheet, or the
// first sheet when sheet is "". ctx, when set, interrupts reading the shared
// strings, the one part read whole before the first row; between rows the
// caller looks at its context itself.
//
// A sheet name matches exactly, else case-insensitively as Excel does; the
// first sheet is the first worksheet not hidden, as Excel shows the tabs.
// Errors past the choice of the sheet are located in it.
func (f *File) Rows(ctx context.Context, sheet string) (*Rows, error) {
	chosen := chooseSheet(f.sheets, f.rels, sheet)
	if chosen < 0 {
		return nil, &Error{Err: msg.SrcSheetNotFound.Wrap(ErrUnreadable, sheet, quotedList(f.names))}
	}
	name := f.sheets[chosen].name
	fail := func(err error) (*Rows, error) {
		var e *Error
		if errors.As(err, &e) {
			e.Sheet = name
			return nil, e
		}
		return nil, &Error{Sheet: name, Err: err}
	}

	p := f.p
	rel, ok := f.rels[f.sheets[chosen].rid]
	if !ok {
		return fail(msg.SrcNoRelationship.Wrap(ErrUnreadable, f.sheets[chosen].rid))
	}
	if strings.HasSuffix(rel.typ, "/chartsheet") {
		return fail(msg.SrcChartSheet.Wrap(ErrUnreadable))
	}
	sheetFile := p.lookup(rel.target)
	if sheetFile == nil {
		return fail(msg.SrcPartMissing.Wrap(ErrUnreadable, msg.Escape(rel.target)))
	}

	if !f.sstRead {
		sst, err := f.loadSharedStrings(ctx)
		if err != nil {
			return fail(err)
		}
		f.sst, f.sstRead = sst, true
	}

	rc, err := p.open(sheetFile)
	if err != nil {
		return fail(err)
	}
	return &Rows{
		rc:    rc,
		sc:    newScanner(rc, sheetFile.Name),
		sheet: name,
		sst:   f.sst,
		lim:   p.lim,
	}, nil
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
