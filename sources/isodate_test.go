package sources

import "testing"

// FuzzISODate holds isoDate to parseDate: whatever isoDate reads, parseDate
// reads as the same date, which formats back to the text; and every
// YYYY-MM-DD date that parseDate reads, isoDate reads too.
func FuzzISODate(f *testing.F) {
	for _, s := range []string{"2026-07-15", "2026-02-29", "2024-02-29", "2026-13-01", "2026-00-10", "2026-01-00",
		"2026-04-31", "0000-01-01", "9999-12-31", "2026-7-15", "2026/07/15", "2026-07-1a", "2026-07-15 00:00",
		"20260715", "+026-07-15", "2026--7-15", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := isoDate(s)
		want, why := parseDate(s)
		if ok {
			if why != nil || !d.Equal(want) || d.Location() != want.Location() {
				t.Fatalf("isoDate(%q) = %v; parseDate = %v, %v", s, d, want, why)
			}
			if got := d.Format("2006-01-02"); got != s {
				t.Fatalf("isoDate(%q) formats as %q", s, got)
			}
			return
		}
		if why == nil && want.Format("2006-01-02") == s {
			t.Fatalf("isoDate(%q) not ok; parseDate reads %v", s, want)
		}
	})
}
