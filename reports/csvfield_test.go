package reports

import (
	"strings"
	"testing"
)

// TestCSVFieldQuoting checks csvWriter.field against csvFieldPlain.
func TestCSVFieldQuoting(t *testing.T) {
	for _, s := range csvFieldCases {
		c := &csvWriter{}
		c.field(s)
		if got, want := string(c.buf), csvFieldPlain(s); got != want {
			t.Errorf("field(%q) = %q, want %q", s, got, want)
		}
	}
}

var csvFieldCases = []string{"", "a", "社工站", "a,b", `"`, `a""b"`, "x\ny", "\r", "=1+2", "-3.50", "@x,\"y\"", "\t\"", "+", `say "hi", then go`, "a\r\nb"}

// csvFieldPlain is the rule field follows, written the plain way: a formula
// guard first, then quotes doubled and the field quoted when it holds a
// comma, a quote or a line break.
func csvFieldPlain(s string) string {
	if s != "" && strings.IndexByte("=+-@\t\r", s[0]) >= 0 {
		s = "'" + s
	}
	if !strings.ContainsAny(s, ",\"\r\n") {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// TestCSVRowRepeats writes every case twice running in the same column, and
// between other texts, as an indicator CSV repeats a unit's words: a text
// seen before is written as the rule says, every time.
func TestCSVRowRepeats(t *testing.T) {
	var buf strings.Builder
	c := newCSVWriter(&buf)
	var want strings.Builder
	want.WriteString("\ufeff")
	for _, s := range csvFieldCases {
		for _, other := range []string{"x", s, "=y", s} {
			c.row(s, other, s)
			want.WriteString(csvFieldPlain(s) + "," + csvFieldPlain(other) + "," + csvFieldPlain(s) + "\r\n")
		}
	}
	if err := c.flush(); err != nil {
		t.Fatal(err)
	}
	if buf.String() != want.String() {
		t.Errorf("rows:\n%q\nwant\n%q", buf.String(), want.String())
	}
}
