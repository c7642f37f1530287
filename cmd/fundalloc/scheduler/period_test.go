package scheduler

import (
	"testing"
	"time"

	"github.com/robfig/cron/v3"
)

var shanghai = mustZone("Asia/Shanghai")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestNextInShanghaiAcrossMonthAndYearEnds(t *testing.T) {
	for _, tc := range []struct {
		spec, from, want string
	}{
		// Month end: the 1st at 06:00 Shanghai, whatever zone "from" is given in.
		{"0 6 1 * *", "2026-10-31T23:59:00+08:00", "2026-11-01T06:00:00+08:00"},
		{"0 6 1 * *", "2026-10-31T22:30:00Z", "2026-12-01T06:00:00+08:00"}, // already 06:30 on Nov 1 in Shanghai
		{"0 6 1 * *", "2026-10-31T21:59:00Z", "2026-11-01T06:00:00+08:00"}, // 05:59 in Shanghai
		{"0 6 1 * *", "2026-11-01T06:00:00+08:00", "2026-12-01T06:00:00+08:00"},
		// Year end.
		{"0 6 1 * *", "2026-12-15T12:00:00+08:00", "2027-01-01T06:00:00+08:00"},
		{"30 0 1 * *", "2026-12-31T16:00:00Z", "2027-01-01T00:30:00+08:00"}, // midnight Shanghai: still 2026 in UTC
		{"@monthly", "2026-12-31T15:59:59Z", "2027-01-01T00:00:00+08:00"},
		{"@yearly", "2026-06-01T00:00:00+08:00", "2027-01-01T00:00:00+08:00"},
		// February, and a day only some months have.
		{"0 2 29 * *", "2027-02-01T00:00:00+08:00", "2027-03-29T02:00:00+08:00"},
		{"0 2 1 11 *", "2026-11-26T10:00:00+08:00", "2027-11-01T02:00:00+08:00"},
	} {
		s, err := Parse(tc.spec)
		if err != nil {
			t.Fatal(err)
		}
		got := Next(s, at(tc.from), shanghai)
		if got.Format(time.RFC3339) != tc.want {
			t.Errorf("%s after %s = %s, want %s", tc.spec, tc.from, got.Format(time.RFC3339), tc.want)
		}
	}
}

func TestMonthBeforeIsTheReconciledPeriod(t *testing.T) {
	for _, tc := range []struct{ scheduled, want string }{
		{"2026-11-01T06:00:00+08:00", "2026-10"},
		{"2027-01-01T00:30:00+08:00", "2026-12"},
		{"2026-12-31T16:30:00Z", "2026-12"}, // 00:30 on Jan 1 in Shanghai
		{"2026-10-31T22:30:00Z", "2026-10"}, // 06:30 on Nov 1 in Shanghai (UTC would say 2026-09)
		{"2026-03-15T09:00:00+08:00", "2026-02"},
		{"2026-01-31T23:59:59+08:00", "2025-12"},
	} {
		if got := MonthBefore(at(tc.scheduled), shanghai); got != tc.want {
			t.Errorf("MonthBefore(%s) = %s, want %s", tc.scheduled, got, tc.want)
		}
	}
}

func TestLatest(t *testing.T) {
	monthly, _ := Parse("0 6 1 * *")
	every, _ := Parse("@every 5s")
	never, _ := Parse("0 0 30 2 *")
	for _, tc := range []struct {
		name       string
		s          cron.Schedule
		after, now string
		want       string // "" for none
	}{
		{"ran last month", monthly, "2026-10-01T06:00:00+08:00", "2026-11-26T10:00:00+08:00", "2026-11-01T06:00:00+08:00"},
		{"ran this period", monthly, "2026-11-01T06:00:00+08:00", "2026-11-26T10:00:00+08:00", ""},
		{"down for months, across the year end", monthly, "2026-09-01T06:00:00+08:00", "2027-02-10T00:00:00+08:00", "2027-02-01T06:00:00+08:00"},
		{"exactly at the tick", monthly, "2026-10-01T06:00:00+08:00", "2026-11-01T06:00:00+08:00", "2026-11-01T06:00:00+08:00"},
		{"every 5s", every, "2026-11-26T10:00:00+08:00", "2026-11-26T10:01:02+08:00", "2026-11-26T10:01:00+08:00"},
		{"every 5s, not yet", every, "2026-11-26T10:00:00+08:00", "2026-11-26T10:00:04+08:00", ""},
		{"never due", never, "2026-10-01T06:00:00+08:00", "2027-11-01T06:00:00+08:00", ""},
	} {
		got := Latest(tc.s, at(tc.after), at(tc.now), shanghai)
		gotS := ""
		if !got.IsZero() {
			gotS = got.Format(time.RFC3339)
		}
		if gotS != tc.want {
			t.Errorf("%s: Latest = %q, want %q", tc.name, gotS, tc.want)
		}
	}
}
