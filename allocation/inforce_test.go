package allocation

import (
	"testing"
	"time"
)

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestInForce(t *testing.T) {
	approvals := []Approval{{1, day("2025-12-20")}, {2, day("2026-06-30")}, {3, day("2026-07-01")}, {4, day("2026-07-01")}}
	for _, c := range []struct {
		year  int
		month time.Month
		want  int
		early bool
	}{
		{2025, 11, 1, true},  // before the first approval: v1, with a warning
		{2025, 12, 1, false}, // approved on the 20th: in force at the end of December
		{2026, 1, 1, false},
		{2026, 5, 1, false},
		{2026, 6, 2, false}, // approved on the month's last day
		{2026, 7, 4, false}, // two approvals on one day: the higher number
		{2026, 12, 4, false},
	} {
		v, early, ok := InForce(approvals, c.year, c.month)
		if !ok || v.Version != c.want || early != c.early {
			t.Errorf("%d-%02d: v%d early %v ok %v, want v%d early %v", c.year, c.month, v.Version, early, ok, c.want, c.early)
		}
	}
	// The order of the list does not matter.
	rev := []Approval{approvals[3], approvals[1], approvals[0], approvals[2]}
	if v, _, _ := InForce(rev, 2026, 6); v.Version != 2 {
		t.Errorf("reversed list, 2026-06: v%d, want v2", v.Version)
	}
	if v, early, _ := InForce(rev, 2025, 1); v.Version != 1 || !early {
		t.Errorf("reversed list, before the first: v%d early %v, want v1 early", v.Version, early)
	}
	if _, _, ok := InForce(nil, 2026, 1); ok {
		t.Error("no approvals: ok")
	}
	// A day in another zone counts as that zone's calendar day.
	sh := time.FixedZone("CST", 8*3600)
	late := []Approval{{1, time.Date(2026, 3, 31, 23, 30, 0, 0, sh)}}
	if _, early, _ := InForce(late, 2026, 3); early {
		t.Error("approved 2026-03-31 23:30 +08:00 is not in force at the end of March")
	}
}
