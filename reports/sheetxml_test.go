package reports

import "testing"

// TestXMLTextFastIsSlow checks appendXMLText's path for valid UTF-8
// against the general one, on texts made of the pieces that matter.
func TestXMLTextFastIsSlow(t *testing.T) {
	pieces := []string{"a", "社", "&", "<", ">", "\r", "\n", "\t", "\x01", "\x1f", "_", "_x0041_", "_x005F_", "x", "\uFFFE", "\uFFFF", "\uFFFD",
		"\uEFBF", "\u00EF", "\U0001F600", " ", "\xEF\xBF", "\xEF"}
	rng := uint64(1)
	for range 20000 {
		var s string
		for range int(rng>>60) + 1 {
			rng = rng*6364136223846793005 + 1442695040888963407
			s += pieces[(rng>>33)%uint64(len(pieces))]
		}
		if got, want := string(appendXMLText(nil, s)), string(appendXMLTextSlow(nil, s)); got != want {
			t.Fatalf("appendXMLText(%q) = %q, want %q", s, got, want)
		}
	}
}

func TestPrintedWidthByRunes(t *testing.T) {
	for _, s := range []string{"", "abc", "社工站 1,234.56 × 权重", "\u10FF\u1100\u1000\u0FFF\u0800\u07FF\u0080", "\U0001F600é", "a\xffb\xE1\x84", "\uFFFE"} {
		want := 0.0
		for _, r := range s {
			if r < 0x1100 {
				want += 0.95
			} else {
				want += 1.9
			}
		}
		if got := printedWidth(s); got != want {
			t.Errorf("printedWidth(%q) = %v, want %v", s, got, want)
		}
	}
}
