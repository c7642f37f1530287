package xlsx

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

// ---- the scanner against encoding/xml --------------------------------------

// scanTokens renders the tokens the scanner reads from doc, merging adjacent
// text, or returns its error.
func scanTokens(doc []byte) (string, error) {
	s := newScanner(bytes.NewReader(doc), "doc")
	s.keep = true
	var b strings.Builder
	var text []byte
	flush := func() {
		if len(text) > 0 {
			fmt.Fprintf(&b, "T%q\n", text)
			text = text[:0]
		}
	}
	for {
		tok, err := s.next()
		if err != nil {
			return "", err
		}
		switch tok {
		case tokEOF:
			if s.open != 0 {
				return "", errors.New("unclosed elements")
			}
			flush()
			return b.String(), nil
		case tokText:
			text = append(text, s.text...)
		case tokStart:
			flush()
			fmt.Fprintf(&b, "S%s", s.name)
			if err := s.attrs(func(l, v []byte) { fmt.Fprintf(&b, " %s=%q", l, v) }); err != nil {
				return "", err
			}
			b.WriteByte('\n')
			if s.self {
				fmt.Fprintf(&b, "E%s\n", s.name)
			}
		case tokEnd:
			flush()
			fmt.Fprintf(&b, "E%s\n", s.name)
		}
	}
}

// stdTokens renders what encoding/xml reads from doc in the same form.
// Token, unlike RawToken, checks that elements nest, as the scanner does.
func stdTokens(doc []byte) (string, error) {
	d := xml.NewDecoder(bytes.NewReader(doc))
	var b strings.Builder
	var text []byte
	flush := func() {
		if len(text) > 0 {
			fmt.Fprintf(&b, "T%q\n", text)
			text = text[:0]
		}
	}
	local := func(n xml.Name) string {
		s := n.Local
		if i := strings.LastIndexByte(s, ':'); i >= 0 {
			s = s[i+1:]
		}
		return s
	}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			flush()
			return b.String(), nil
		}
		if err != nil {
			return "", err
		}
		switch tok := tok.(type) {
		case xml.CharData:
			text = append(text, tok...)
		case xml.StartElement:
			flush()
			fmt.Fprintf(&b, "S%s", local(tok.Name))
			for _, a := range tok.Attr {
				if a.Name.Space == "xmlns" || a.Name.Space == "" && a.Name.Local == "xmlns" {
					continue
				}
				fmt.Fprintf(&b, " %s=%q", local(a.Name), a.Value)
			}
			b.WriteByte('\n')
		case xml.EndElement:
			flush()
			fmt.Fprintf(&b, "E%s\n", local(tok.Name))
		}
	}
}

var scannerSeeds = []string{
	sheetXML(`<row r="1"><c r="A1" t="s"><v>0</v></c></row>`),
	sstXML(`<si><r><t xml:space="preserve">a &amp; b</t></r><rPh><t>x</t></rPh></si>`),
	`<a x='1' y="2"/><!-- c --><?pi?>text&#x4E2D;&#65;<![CDATA[<&>]]>` + "\r\n" + `<b/>`,
	`<!DOCTYPE a [<!ENTITY e "x">]><a b="c&gt;d"><x:y xmlns:x="u" x:z="1">t</x:y></a>`,
	`<a>` + "\r" + `x` + "\r\r\n" + `</a>`,
	`<a b=">"/>`,
}

func TestScannerMatchesEncodingXML(t *testing.T) {
	for _, doc := range scannerSeeds {
		checkScanner(t, []byte(doc))
	}
}

func checkScanner(t *testing.T, doc []byte) {
	t.Helper()
	want, err := stdTokens(doc)
	if err != nil {
		return // only well-formed input is compared
	}
	got, err := scanTokens(doc)
	if err != nil {
		t.Fatalf("%q: scanner: %v\nencoding/xml:\n%s", doc, err, want)
	}
	if got != want {
		t.Fatalf("%q:\nscanner:\n%s\nencoding/xml:\n%s", doc, got, want)
	}
}

func FuzzScanner(f *testing.F) {
	for _, s := range scannerSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		checkScanner(t, doc)
	})
}
