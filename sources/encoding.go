package sources

import (
	"bytes"
	"context"
	"io"
	"unicode/utf8"

	"fundalloc/reports/msg"
)

// The encoding of a CSV file (DESIGN §3.5). A file with a UTF-8 BOM is
// UTF-8; without one, a file that is valid UTF-8 is UTF-8. A file whose
// first invalid byte comes after at least two valid multi-byte UTF-8
// characters is broken UTF-8 (a stray byte, a file cut or pasted together):
// a located error, never a silent re-decoding of the whole file into
// mojibake. GB18030 text fails UTF-8 within its first characters, so
// otherwise the file is read as GB18030, when it is valid GB18030.
//
// The multi-byte characters counted are those of three or four bytes, what
// Chinese text in UTF-8 is made of: a GBK pair often happens to be a valid
// two-byte UTF-8 sequence (凭证号 in GBK, C6 BE D6 A4 BA C5, starts with two
// of them), and counting those would call real GBK files broken UTF-8.

// badByte is where a scan found the first byte that is not valid: its
// offset (-1 when none), its value, the line it is on, and how many valid
// multi-byte characters came before it. When every byte is valid, line is
// the number of lines (line feeds + 1).
type badByte struct {
	offset    int64
	value     byte
	line      int
	multibyte int
}

// scanChunk is how much of a file the encoding scans read at a time.
const scanChunk = 64 << 10

// scanUTF8 reads r to its end, or to its first byte that is not valid
// UTF-8, in chunks; ctx, when set, is looked at between chunks.
func scanUTF8(ctx context.Context, r io.Reader) (badByte, error) {
	buf := make([]byte, scanChunk)
	var carry int
	var off int64 // offset of buf[0] in the file
	line, multi := 1, 0
	for {
		if ctx != nil && ctx.Err() != nil {
			return badByte{}, msg.SrcInterrupted.Wrap(ctx.Err())
		}
		n, err := io.ReadFull(r, buf[carry:])
		n += carry
		eof := err == io.EOF || err == io.ErrUnexpectedEOF
		if err != nil && !eof {
			return badByte{}, err
		}
		// Keep an incomplete rune at the end of the chunk for the next read.
		end := n
		if !eof {
			for k := 1; k <= utf8.UTFMax-1 && end-k >= 0; k++ {
				if utf8.RuneStart(buf[end-k]) {
					if !utf8.FullRune(buf[end-k : end]) {
						end -= k
					}
					break
				}
			}
		}
		chunk := buf[:end]
		if utf8.Valid(chunk) {
			line += bytes.Count(chunk, []byte{'\n'})
			if multi < 2 { // all a broken file needs to know
				multi += wideRunes(chunk)
			}
		} else {
			for i := 0; i < len(chunk); {
				c := chunk[i]
				if c < utf8.RuneSelf {
					if c == '\n' {
						line++
					}
					i++
					continue
				}
				r, size := utf8.DecodeRune(chunk[i:])
				if r == utf8.RuneError && size == 1 {
					return badByte{offset: off + int64(i), value: c, line: line, multibyte: multi}, nil
				}
				if size >= 3 {
					multi++
				}
				i += size
			}
		}
		carry = copy(buf, buf[end:n])
		off += int64(end)
		if eof {
			return badByte{offset: -1, line: line}, nil
		}
	}
}

// wideRunes counts the characters of three or four bytes in valid UTF-8:
// their first bytes, E0–F4.
func wideRunes(b []byte) int {
	n := 0
	for _, c := range b {
		if c >= 0xE0 {
			n++
		}
	}
	return n
}

// scanGB18030 reads r to its end, or to its first byte that does not
// belong to a valid GB18030 sequence: one byte 00–7F; two bytes 81–FE then
// 40–7E or 80–FE; four bytes 81–FE, 30–39, 81–FE, 30–39.
func scanGB18030(ctx context.Context, r io.Reader) (badByte, error) {
	br := &countingReader{r: r}
	line := 1
	for {
		if br.off%scanChunk == 0 && ctx != nil && ctx.Err() != nil {
			return badByte{}, msg.SrcInterrupted.Wrap(ctx.Err())
		}
		start := br.off
		c, err := br.byte()
		if err == io.EOF {
			return badByte{offset: -1}, nil
		}
		if err != nil {
			return badByte{}, err
		}
		switch {
		case c < 0x80:
			if c == '\n' {
				line++
			}
			continue
		case c == 0x80 || c == 0xFF:
			return badByte{offset: start, value: c, line: line}, nil
		}
		c2, err := br.byte()
		if err != nil && err != io.EOF {
			return badByte{}, err
		}
		switch {
		case err == nil && (c2 >= 0x40 && c2 <= 0x7E || c2 >= 0x80 && c2 <= 0xFE):
			continue
		case err == nil && c2 >= 0x30 && c2 <= 0x39:
			c3, err3 := br.byte()
			c4, err4 := br.byte()
			if err3 == nil && err4 == nil && c3 >= 0x81 && c3 <= 0xFE && c4 >= 0x30 && c4 <= 0x39 {
				continue
			}
		}
		return badByte{offset: start, value: c, line: line}, nil
	}
}

// countingReader reads bytes one at a time through a buffer and counts them.
type countingReader struct {
	r        io.Reader
	buf      [scanChunk]byte
	pos, end int
	off      int64
}

func (c *countingReader) byte() (byte, error) {
	if c.pos == c.end {
		n, err := c.r.Read(c.buf[:])
		if n == 0 {
			if err == nil {
				err = io.ErrNoProgress
			}
			return 0, err
		}
		c.pos, c.end = 0, n
	}
	b := c.buf[c.pos]
	c.pos++
	c.off++
	return b, nil
}

// csvEncoding decides how a CSV file is decoded (DESIGN §3.5): it returns
// true for GB18030, false for UTF-8, or a located error for a file that is
// broken UTF-8 or neither encoding. open opens the file again from its start.
// For a UTF-8 file it also returns its number of lines (0 for GB18030): a
// bound on its rows, which a reader may size its tables by.
func csvEncoding(ctx context.Context, open func() (io.ReadCloser, error)) (bool, int, error) {
	f, err := open()
	if err != nil {
		return false, 0, err
	}
	var head [3]byte
	n, _ := io.ReadFull(f, head[:])
	f.Close()
	bom := n == 3 && head == [3]byte{0xEF, 0xBB, 0xBF}
	if f, err = open(); err != nil {
		return false, 0, err
	}
	bad, err := scanUTF8(ctx, f)
	f.Close()
	if err != nil {
		return false, 0, err
	}
	if bad.offset < 0 {
		return false, bad.line, nil
	}
	if bom || bad.multibyte >= 2 { // UTF-8 by its BOM or its text, with a bad byte
		return false, 0, &Error{Row: bad.line, Err: msg.SrcBrokenUTF8.Wrap(ErrUnreadable, bad.offset+1, bad.value)}
	}
	if f, err = open(); err != nil {
		return false, 0, err
	}
	bad, err = scanGB18030(ctx, f)
	f.Close()
	if err != nil {
		return false, 0, err
	}
	if bad.offset >= 0 {
		return false, 0, &Error{Row: bad.line, Err: msg.SrcNotGB18030.Wrap(ErrUnreadable, bad.offset+1, bad.value)}
	}
	return true, 0, nil
}
