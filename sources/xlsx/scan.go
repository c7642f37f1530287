package xlsx

import (
	"bytes"
	"io"
	"strconv"
	"unicode/utf8"

	"fundalloc/reports/msg"
)

// The XML scanner. encoding/xml allocates for every token and every
// attribute, several times over per cell; this scanner reads the few shapes
// a worksheet uses with no allocation per token. It matches elements and
// attributes by local name (prefixes and namespaces are ignored, so
// <x:row> and Strict OOXML read the same), decodes the five predefined
// entities and character references, skips comments, processing
// instructions and DOCTYPE, and reads CDATA as text. It does not check that
// end tags match their start tags: it counts open elements.

type tokKind uint8

const (
	tokEOF tokKind = iota
	tokStart
	tokEnd
	tokText // only while keep is set
)

type xmlScanner struct {
	r       io.Reader
	part    string // the zip entry, for messages
	buf     []byte
	pos     int // next unread byte
	end     int // end of the bytes read into buf
	rerr    error
	started bool

	// The current token; the slices are valid until the next call to next.
	name  []byte // local name of a start or end tag
	raw   []byte // a start tag's attributes, undecoded
	self  bool   // the start tag closes itself: <x/>
	text  []byte // text with entities decoded (tokText)
	over  bool   // the text token exceeded textMax and was dropped
	open  int    // elements open after this token
	level int    // nesting of the current start or end tag; the root is 1

	keep    bool // report text tokens; else text is skipped unread
	textMax int  // longest text token kept, in raw bytes; 0: no limit
	scratch []byte
}

func newScanner(r io.Reader, part string) *xmlScanner {
	return &xmlScanner{r: r, part: part, buf: make([]byte, 64<<10)}
}

// damaged reports a part that is not well-formed; what says how (a
// msg.Text, or an error from a helper).
func (s *xmlScanner) damaged(what any) error {
	return msg.SrcDamaged.Wrap(ErrUnreadable, msg.Escape(s.part), what)
}

// more reads more input, first moving the unread bytes to the front of the
// buffer (and doubling it when they fill it); false at the end of input or
// on an error, which is in rerr.
func (s *xmlScanner) more() bool {
	if s.rerr != nil {
		return false
	}
	if s.pos > 0 {
		s.end = copy(s.buf, s.buf[s.pos:s.end])
		s.pos = 0
	}
	if s.end == len(s.buf) {
		nb := make([]byte, 2*len(s.buf))
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	for tries := 0; ; tries++ {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err != nil {
			s.rerr = err
		} else if tries > 100 {
			s.rerr = io.ErrNoProgress
		}
		if n > 0 {
			return true
		}
		if s.rerr != nil {
			return false
		}
	}
}

// eofErr is the error for input ending inside a construct.
func (s *xmlScanner) eofErr() error {
	if s.rerr == nil || s.rerr == io.EOF {
		return s.damaged(msg.SrcXMLEndsEarly.With())
	}
	return s.rerr
}

// ensure makes n unread bytes available, if the input has them.
func (s *xmlScanner) ensure(n int) bool {
	for s.end-s.pos < n {
		if !s.more() {
			return false
		}
	}
	return true
}

// next reads the next token. Text is skipped unless keep is set; comments,
// processing instructions and declarations are always skipped.
func (s *xmlScanner) next() (tokKind, error) {
	for {
		if s.pos >= s.end && !s.more() {
			if s.rerr == io.EOF {
				return tokEOF, nil
			}
			return tokEOF, s.rerr
		}
		if !s.started {
			s.started = true
			s.ensure(3)
			b := s.buf[s.pos:s.end]
			if len(b) >= 2 && (b[0] == 0xFF && b[1] == 0xFE || b[0] == 0xFE && b[1] == 0xFF) {
				return tokEOF, s.damaged(msg.SrcXMLUTF16.With())
			}
			if bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}) {
				s.pos += 3
			}
			continue
		}
		if s.buf[s.pos] != '<' {
			if s.keep {
				return s.readTextTok()
			}
			if err := s.skipText(); err != nil {
				return tokEOF, err
			}
			continue
		}
		if s.end-s.pos < 2 && !s.ensure(2) {
			return tokEOF, s.eofErr()
		}
		switch s.buf[s.pos+1] {
		case '/':
			tag, err := s.readTag(2)
			if err != nil {
				return tokEOF, err
			}
			name := trimXMLSpace(tag)
			if len(name) == 0 {
				return tokEOF, s.damaged(msg.SrcXMLEndNoName.With())
			}
			if s.open == 0 {
				return tokEOF, s.damaged(msg.SrcXMLEndNoStart.With())
			}
			s.name = localName(name)
			s.level = s.open
			s.open--
			return tokEnd, nil
		case '?':
			if err := s.skipPast(2, "?>"); err != nil {
				return tokEOF, err
			}
		case '!':
			s.ensure(9)
			b := s.buf[s.pos:s.end]
			switch {
			case bytes.HasPrefix(b, []byte("<!--")):
				if err := s.skipPast(4, "-->"); err != nil {
					return tokEOF, err
				}
			case bytes.HasPrefix(b, []byte("<![CDATA[")):
				if !s.keep {
					if err := s.skipPast(9, "]]>"); err != nil {
						return tokEOF, err
					}
					continue
				}
				return s.readCDATA()
			default:
				if err := s.skipDecl(); err != nil {
					return tokEOF, err
				}
			}
		default:
			tag, err := s.readTag(1)
			if err != nil {
				return tokEOF, err
			}
			s.self = len(tag) > 0 && tag[len(tag)-1] == '/'
			if s.self {
				tag = tag[:len(tag)-1]
			}
			i := 0
			for i < len(tag) && !isXMLSpace(tag[i]) {
				i++
			}
			if i == 0 {
				return tokEOF, s.damaged(msg.SrcXMLTagNoName.With())
			}
			s.name = localName(tag[:i])
			s.raw = tag[i:]
			s.level = s.open + 1
			if !s.self {
				s.open++
			}
			return tokStart, nil
		}
	}
}

func localName(b []byte) []byte {
	if i := bytes.LastIndexByte(b, ':'); i >= 0 {
		return b[i+1:]
	}
	return b
}

// is reports whether the current tag's local name is local.
func (s *xmlScanner) is(local string) bool { return string(s.name) == local }

// tagSpecial marks the bytes readTag stops at.
var tagSpecial = [256]bool{'"': true, '\'': true, '<': true, '>': true}

// readTag reads a tag from from bytes past pos up to its '>', skipping '>'
// inside quoted attribute values, and returns what lies between.
func (s *xmlScanner) readTag(from int) ([]byte, error) {
	i := s.pos + from
	var quote byte
	for {
		buf := s.buf[:s.end]
		for i < len(buf) {
			if quote != 0 {
				k := bytes.IndexByte(buf[i:], quote)
				if k < 0 {
					i = len(buf)
					break
				}
				i += k + 1
				quote = 0
				continue
			}
			c := buf[i]
			if !tagSpecial[c] {
				i++
				continue
			}
			switch c {
			case '"', '\'':
				quote = c
				i++
			case '>':
				tag := buf[s.pos+from : i]
				s.pos = i + 1
				return tag, nil
			default: // '<'
				return nil, s.damaged(msg.SrcXMLTagNotClosed.With())
			}
		}
		rel := i - s.pos
		if rel > maxTagSize {
			return nil, s.damaged(msg.SrcXMLTagTooLong.With())
		}
		if !s.more() {
			return nil, s.eofErr()
		}
		i = s.pos + rel
	}
}

// skipPast skips from bytes past pos to the end of the next term.
func (s *xmlScanner) skipPast(from int, term string) error {
	s.pos += from
	for {
		if i := bytes.Index(s.buf[s.pos:s.end], []byte(term)); i >= 0 {
			s.pos += i + len(term)
			return nil
		}
		if keep := len(term) - 1; s.end-s.pos > keep {
			s.pos = s.end - keep
		}
		if !s.more() {
			return s.eofErr()
		}
	}
}

// skipDecl skips a <!DOCTYPE …> or other declaration, with any internal
// subset in brackets, the way encoding/xml does. Entities it declares are
// not expanded: using one is an error, which also shuts out
// entity-expansion bombs.
func (s *xmlScanner) skipDecl() error {
	s.pos += 2
	if _, ok := s.getc(); !ok { // the first byte counts as plain text
		return s.eofErr()
	}
	depth := 0
	var quote byte
	for {
		c, ok := s.getc()
		if !ok {
			return s.eofErr()
		}
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '>':
			if depth == 0 {
				return nil
			}
			depth--
		case c == '"' || c == '\'':
			quote = c
		case c == '<':
			if s.ensure(3); bytes.HasPrefix(s.buf[s.pos:s.end], []byte("!--")) {
				if err := s.skipPast(3, "-->"); err != nil {
					return err
				}
				continue
			}
			depth++
		}
	}
}

// getc reads one byte.
func (s *xmlScanner) getc() (byte, bool) {
	if s.pos >= s.end && !s.more() {
		return 0, false
	}
	c := s.buf[s.pos]
	s.pos++
	return c, true
}

// skipText skips text up to the next '<'.
func (s *xmlScanner) skipText() error {
	for {
		if i := bytes.IndexByte(s.buf[s.pos:s.end], '<'); i >= 0 {
			s.pos += i
			return nil
		}
		s.pos = s.end
		if !s.more() {
			if s.rerr == io.EOF {
				return nil
			}
			return s.rerr
		}
	}
}

// readText reads text up to the next '<' (or the end of input) as a token.
func (s *xmlScanner) readTextTok() (tokKind, error) {
	s.over = false
	if i := bytes.IndexByte(s.buf[s.pos:s.end], '<'); i >= 0 {
		t := s.buf[s.pos : s.pos+i]
		s.pos += i
		if s.textMax > 0 && len(t) > s.textMax {
			s.over, s.text = true, nil
			return tokText, nil
		}
		return s.decoded(t)
	}
	s.scratch = s.scratch[:0]
	for {
		chunk := s.buf[s.pos:s.end]
		i := bytes.IndexByte(chunk, '<')
		if i >= 0 {
			chunk = chunk[:i]
		}
		if s.textMax > 0 && len(s.scratch)+len(chunk) > s.textMax {
			// Stop here: the rest of the text reads as a further token.
			s.over, s.text = true, nil
			return tokText, nil
		}
		s.scratch = append(s.scratch, chunk...)
		s.pos += len(chunk)
		if i >= 0 {
			break
		}
		if !s.more() {
			if s.rerr != io.EOF {
				return tokEOF, s.rerr
			}
			break
		}
	}
	return s.decoded(s.scratch)
}

func (s *xmlScanner) decoded(t []byte) (tokKind, error) {
	t, err := decodeText(t)
	if err != nil {
		return tokEOF, s.damaged(err)
	}
	s.text = t
	return tokText, nil
}

// readCDATA reads a CDATA section as a text token.
func (s *xmlScanner) readCDATA() (tokKind, error) {
	s.pos += 9
	s.over = false
	s.scratch = s.scratch[:0]
	for {
		b := s.buf[s.pos:s.end]
		i := bytes.Index(b, []byte("]]>"))
		n := i
		if i < 0 {
			n = max(len(b)-2, 0) // keep what may start "]]>"
		}
		if !s.over {
			if s.textMax > 0 && len(s.scratch)+n > s.textMax {
				s.over, s.scratch = true, s.scratch[:0]
			} else {
				s.scratch = append(s.scratch, b[:n]...)
			}
		}
		if i >= 0 {
			s.pos += i + 3
			break
		}
		s.pos += n
		if !s.more() {
			return tokEOF, s.eofErr()
		}
	}
	if s.over {
		s.text = nil
		return tokText, nil
	}
	s.text = normalizeNewlines(s.scratch)
	return tokText, nil
}

// decodeText decodes entities and character references and turns "\r\n"
// and "\r" into "\n", as XML requires, in place: the result is never longer.
func decodeText(b []byte) ([]byte, error) {
	b = normalizeNewlines(b)
	w := bytes.IndexByte(b, '&')
	if w < 0 {
		return b, nil
	}
	for r := w; r < len(b); {
		c := b[r]
		if c != '&' {
			b[w] = c
			w++
			r++
			continue
		}
		semi := bytes.IndexByte(b[r:], ';')
		if semi < 0 {
			return nil, msg.SrcXMLAmpersand.Err()
		}
		ent := b[r+1 : r+semi]
		r += semi + 1
		switch string(ent) {
		case "lt":
			b[w] = '<'
		case "gt":
			b[w] = '>'
		case "amp":
			b[w] = '&'
		case "apos":
			b[w] = '\''
		case "quot":
			b[w] = '"'
		default:
			v, ok := charRef(ent)
			if !ok {
				return nil, msg.SrcXMLEntity.Err(string(ent))
			}
			w += utf8.EncodeRune(b[w:], v)
			continue
		}
		w++
	}
	return b[:w], nil
}

// charRef reads "#123" or "#x7B" as a character XML allows.
func charRef(ent []byte) (rune, bool) {
	if len(ent) < 2 || ent[0] != '#' {
		return 0, false
	}
	var v int64
	var err error
	if ent[1] == 'x' {
		v, err = strconv.ParseInt(string(ent[2:]), 16, 32)
	} else {
		v, err = strconv.ParseInt(string(ent[1:]), 10, 32)
	}
	if err != nil || len(ent) > 2 && ent[1] == 'x' && (ent[2] == '+' || ent[2] == '-') || ent[1] == '+' || ent[1] == '-' {
		return 0, false
	}
	r := rune(v)
	ok := r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
	return r, ok
}

func normalizeNewlines(b []byte) []byte {
	i := bytes.IndexByte(b, '\r')
	if i < 0 {
		return b
	}
	w := i
	for r := i; r < len(b); r++ {
		if b[r] == '\r' {
			b[w] = '\n'
			w++
			if r+1 < len(b) && b[r+1] == '\n' {
				r++
			}
			continue
		}
		b[w] = b[r]
		w++
	}
	return b[:w]
}

// attrs calls fn with the local name and decoded value of each attribute
// of the current start tag. Namespace declarations are left out.
func (s *xmlScanner) attrs(fn func(local, val []byte)) error {
	b := s.raw
	for {
		for len(b) > 0 && isXMLSpace(b[0]) {
			b = b[1:]
		}
		if len(b) == 0 {
			return nil
		}
		eq := bytes.IndexByte(b, '=')
		if eq <= 0 {
			return s.damaged(msg.SrcXMLAttrNoValue.With())
		}
		name := trimXMLSpace(b[:eq])
		b = b[eq+1:]
		for len(b) > 0 && isXMLSpace(b[0]) {
			b = b[1:]
		}
		if len(b) == 0 || b[0] != '"' && b[0] != '\'' {
			return s.damaged(msg.SrcXMLAttrNotQuoted.With())
		}
		end := bytes.IndexByte(b[1:], b[0])
		if end < 0 {
			return s.damaged(msg.SrcXMLAttrNotClosed.With())
		}
		val := b[1 : 1+end]
		b = b[2+end:]
		if bytes.HasPrefix(name, []byte("xmlns")) && (len(name) == 5 || name[5] == ':') {
			continue
		}
		if bytes.IndexByte(val, '&') >= 0 || bytes.IndexByte(val, '\r') >= 0 {
			var err error
			if val, err = decodeText(append([]byte(nil), val...)); err != nil {
				return s.damaged(err)
			}
		}
		fn(localName(name), val)
	}
}

// attr returns the value of the current start tag's attribute local.
func (s *xmlScanner) attr(local string) (val []byte, ok bool, err error) {
	err = s.attrs(func(l, v []byte) {
		if !ok && string(l) == local {
			val, ok = v, true
		}
	})
	return val, ok, err
}

// rootAny reads up to the root element's start tag.
func (s *xmlScanner) rootAny() error {
	for {
		tok, err := s.next()
		if err != nil {
			return err
		}
		switch tok {
		case tokEOF:
			return s.damaged(msg.SrcXMLEmpty.With())
		case tokStart:
			return nil
		}
	}
}

// root reads up to the root element's start tag and checks its name.
func (s *xmlScanner) root(local string) error {
	if err := s.rootAny(); err != nil {
		return err
	}
	if !s.is(local) {
		return s.damaged(msg.SrcXMLWrongElement.With(msg.Escape(string(s.name)), local))
	}
	return nil
}

// walk calls fn for each start tag inside the root element just read, with
// its level (the root's children are level 2), until the root's end tag.
// fn may read on past the tag, for example through its end tag.
func (s *xmlScanner) walk(fn func(level int) error) error {
	if s.self {
		return nil
	}
	for {
		tok, err := s.next()
		if err != nil {
			return err
		}
		switch tok {
		case tokEOF:
			return s.damaged(msg.SrcXMLEndsEarly.With())
		case tokEnd:
			if s.open == 0 {
				return nil
			}
		case tokStart:
			if err := fn(s.level); err != nil {
				return err
			}
		}
	}
}

// skip reads past the end of the element whose start tag was just read.
func (s *xmlScanner) skip() error {
	if s.self {
		return nil
	}
	return s.skipOut(s.level)
}

// skipOut reads on until the element open at level has ended.
func (s *xmlScanner) skipOut(level int) error {
	keep := s.keep
	s.keep = false
	defer func() { s.keep = keep }()
	for s.open >= level {
		tok, err := s.next()
		if err != nil {
			return err
		}
		if tok == tokEOF {
			return s.eofErr()
		}
	}
	return nil
}

// textCap bounds the raw bytes kept for text whose decoded length must not
// pass max: an entity is at most 6 times longer than what it stands for.
func textCap(max int) int {
	if max <= 0 {
		return 0
	}
	return 6*max + 64
}

// readText appends the text of the element whose start tag was just read
// to dst and reads through its end tag; text in nested elements is
// ignored. It stops early with over set when dst[a:] grows past max bytes.
func (s *xmlScanner) readText(dst []byte, a, max int) ([]byte, bool, error) {
	level := s.level
	s.keep, s.textMax = true, textCap(max)
	dst, over, err := s.readTextLoop(dst, a, max, level)
	s.keep, s.textMax = false, 0
	return dst, over, err
}

func (s *xmlScanner) readTextLoop(dst []byte, a, max, level int) ([]byte, bool, error) {
	for {
		tok, err := s.next()
		if err != nil {
			return dst, false, err
		}
		switch tok {
		case tokEOF:
			return dst, false, s.eofErr()
		case tokText:
			if s.over || max > 0 && len(dst)-a+len(s.text) > max {
				return dst, true, nil
			}
			dst = append(dst, s.text...)
		case tokStart:
			if err := s.skip(); err != nil {
				return dst, false, err
			}
		case tokEnd:
			if s.open < level {
				return dst, false, nil
			}
		}
	}
}

// readStringItem appends the text of the <si> or <is> element whose start
// tag was just read to dst: its <t>, or the <t> of each rich-text run <r>.
// Phonetic runs (<rPh>, the pronunciation guide over CJK text) and
// formatting are left out. It reads through the end tag unless the text
// grows past max bytes, when it stops early with over set.
func (s *xmlScanner) readStringItem(dst []byte, max int) ([]byte, bool, error) {
	level := s.level
	a := len(dst)
	for {
		tok, err := s.next()
		if err != nil {
			return dst, false, err
		}
		switch tok {
		case tokEOF:
			return dst, false, s.eofErr()
		case tokEnd:
			if s.open < level {
				return dst, false, nil
			}
		case tokStart:
			switch {
			case s.is("t") && (s.level == level+1 || s.level == level+2):
				// level+2 is inside <r>: other children are skipped whole
				if s.self {
					continue
				}
				var over bool
				if dst, over, err = s.readText(dst, a, max); err != nil || over {
					return dst, over, err
				}
			case s.is("r") && s.level == level+1:
				// enter the run
			default:
				if err := s.skip(); err != nil {
					return dst, false, err
				}
			}
		}
	}
}

// trimXMLSpace trims XML's whitespace (space, tab, CR, LF) from both ends.
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
