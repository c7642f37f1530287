package xlsx

import (
	"bytes"
	"unicode/utf8"
)

// unescapeXstring decodes OOXML's _xHHHH_ escapes (ST_Xstring), in place:
// Excel writes characters XML cannot hold, such as a carriage return, as
// _x000D_, and a literal "_x" that would be misread as _x005F_x.
func unescapeXstring(b []byte) []byte {
	if bytes.IndexByte(b, '_') < 0 { // most texts: no need to look for "_x"
		return b
	}
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
