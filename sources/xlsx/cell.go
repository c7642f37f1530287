package xlsx

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"
)

// CellKind says how a cell was stored.
type CellKind uint8

// Cell kinds. A CSV file gives only Blank and Text.
const (
	Blank    CellKind = iota
	Text              // a string cell (shared, inline or a formula's string result)
	Number            // a numeric cell; Text is its stored text, e.g. "1234.5600000000001" or "8.00005E4"
	Bool              // a boolean cell; Text is "1" or "0"
	DateText          // an ISO 8601 date cell (t="d"); Text is the stored text
	ErrorVal          // an error cell; Text is the error, e.g. "#N/A"
)

// Cell is one cell as stored, never formatted for display.
type Cell struct {
	Kind CellKind
	Text string
}

// isBlankBytes reports whether b is empty or only whitespace, as
// strings.TrimSpace sees it. Text that does not start with a space is not
// blank, which one look at its first character tells: a printable ASCII
// byte, or a rune such as 编 that unicode.IsSpace refuses.
func isBlankBytes(b []byte) bool {
	if len(b) > 0 {
		if b[0] > ' ' && b[0] < utf8.RuneSelf {
			return false
		}
		if r, _ := utf8.DecodeRune(b); !unicode.IsSpace(r) {
			return false
		}
	}
	return len(bytes.TrimSpace(b)) == 0
}

func isBlankString(s string) bool {
	if len(s) > 0 {
		if s[0] > ' ' && s[0] < utf8.RuneSelf {
			return false
		}
		if r, _ := utf8.DecodeRuneInString(s); !unicode.IsSpace(r) {
			return false
		}
	}
	return len(strings.TrimSpace(s)) == 0
}
