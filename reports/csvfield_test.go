package reports

import (
	"strings"
	"testing"
)

// TestCSVFieldQuoting checks csvWriter.field against the rule it follows,
// written the plain way: a formula guard first, then quotes doubled and
// the field quoted when it holds a comma, a quote or a line break.
func TestCSVFieldQuoting(t *testing.T) {
	plain := func(s string) string {
		if s != "" && strings.IndexByte("=+-@\t\r", s[0]) >= 0 {
			s = "'" + s
		}
		if !strings.ContainsAny(s, ",\"\r\n") {
			return s
		}
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	for _, s := range []string{"", "a", "社工站", "a,b", `"`, `a""b"`, "x\ny", "\r", "=1+2", "-3.50", "@x,\"y\"", "\t\"", "+", `say "hi", then go`, "a\r\nb"} {
		c := &csvWriter{}
		c.field(s)
		if got, want := string(c.buf), plain(s); got != want {
			t.Errorf("field(%q) = %q, want %q", s, got, want)
		}
	}
}
