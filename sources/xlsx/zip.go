package xlsx

import (
	"archive/zip"
	"bufio"
	"compress/flate"
	"errors"
	"io"
	"strings"
	"sync"

	kflate "github.com/klauspost/compress/flate"

	"fundalloc/reports/msg"
)

// The zip under a workbook: its parts found by name, and each part inflated
// within the limits, even when the zip's directory lies about sizes.

// pkg is an opened zip: its parts by name and the limits on inflating them.
type pkg struct {
	files map[string]*zip.File
	fold  map[string]*zip.File // lower-cased, '\' as '/'; built on first need
	lim   Limits
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
			err = msg.SrcZipEntryCorrupt.Wrap(ErrUnreadable, msg.Escape(f.Name))
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
		return msg.SrcZipMethod.Wrap(ErrUnreadable, msg.Escape(name))
	case errors.Is(err, zip.ErrChecksum):
		return msg.SrcZipChecksum.Wrap(ErrUnreadable, msg.Escape(name))
	case errors.Is(err, zip.ErrFormat):
		return msg.SrcZipSize.Wrap(ErrUnreadable, msg.Escape(name))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return msg.SrcZipShort.Wrap(ErrUnreadable, msg.Escape(name))
	case errors.As(err, &ce):
		return msg.SrcZipData.Wrap(ErrUnreadable, msg.Escape(name))
	}
	return msg.SrcZipOther.Wrap(ErrUnreadable, msg.Escape(name), err)
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

// Parts are inflated by klauspost/compress/flate rather than compress/flate
// (archive/zip's own): the same format and the same errors
// (flate.CorruptInputError, io.ErrUnexpectedEOF), but it reads its input
// through a *bufio.Reader without an interface call a byte: a province's
// fund sheet (16 MB of XML) inflates in 40 ms instead of 55. The input is
// read 64 KB at a time rather than bufio's 4 KB: a read of the file each. Inflaters and
// their buffers are pooled, as archive/zip pools its own, so that a small
// workbook does not pay for allocating them; archive/zip still checks each
// part's CRC-32 and size.

// inflateBuffer is how many bytes of compressed input one read takes.
const inflateBuffer = 64 << 10

type inflater struct {
	br *bufio.Reader
	fr io.ReadCloser // a kflate.Resetter
}

var inflaters sync.Pool // of *inflater

// inflate is the zip.Decompressor for zip.Deflate.
func inflate(r io.Reader) io.ReadCloser {
	in, _ := inflaters.Get().(*inflater)
	if in == nil {
		br := bufio.NewReaderSize(r, inflateBuffer)
		in = &inflater{br: br, fr: kflate.NewReader(br)}
	} else {
		in.br.Reset(r)
		in.fr.(kflate.Resetter).Reset(in.br, nil)
	}
	return &pooledInflater{in: in}
}

// pooledInflater gives its inflater back to the pool when closed; it is
// read from one goroutine, but, as archive/zip's, it may be closed from
// another.
type pooledInflater struct {
	mu sync.Mutex
	in *inflater
}

var errReadAfterClose = errors.New("read after close")

func (p *pooledInflater) Read(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.in == nil {
		return 0, errReadAfterClose
	}
	return p.in.fr.Read(b)
}

func (p *pooledInflater) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.in == nil {
		return nil
	}
	err := p.in.fr.Close()
	p.in.br.Reset(nil) // drop the file
	inflaters.Put(p.in)
	p.in = nil
	return err
}
