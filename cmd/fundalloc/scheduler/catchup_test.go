package scheduler

import (
	"testing"
	"time"
)

func TestCatchUpDecisions(t *testing.T) {
	monthly, _ := Parse("0 6 1 * *")
	annual, _ := Parse("0 2 1 11 *")
	jobs := []Job{
		{Name: "monthly-reconciliation", Run: "reconcile", Schedule: monthly},
		{Name: "annual-budget", Run: "budget", Schedule: annual},
	}
	ok := func(job, scheduled string) Entry {
		return Entry{Job: job, Scheduled: at(scheduled), Start: at(scheduled), End: at(scheduled), Status: OK}
	}
	now := at("2026-11-26T10:00:00+08:00")
	for _, tc := range []struct {
		name    string
		entries []Entry
		want    map[string]string // job → scheduled time to run, "" for no run
	}{
		{"never ran", nil, map[string]string{"monthly-reconciliation": "", "annual-budget": ""}},
		{"ran last month", []Entry{ok("monthly-reconciliation", "2026-10-01T06:00:00+08:00"), ok("annual-budget", "2025-11-01T02:00:00+08:00")},
			map[string]string{"monthly-reconciliation": "2026-11-01T06:00:00+08:00", "annual-budget": "2026-11-01T02:00:00+08:00"}},
		{"ran this period", []Entry{ok("monthly-reconciliation", "2026-11-01T06:00:00+08:00"), ok("annual-budget", "2026-11-01T02:00:00+08:00")},
			map[string]string{"monthly-reconciliation": "", "annual-budget": ""}},
		{"missed several: only the latest is run", []Entry{ok("monthly-reconciliation", "2026-07-01T06:00:00+08:00")},
			map[string]string{"monthly-reconciliation": "2026-11-01T06:00:00+08:00", "annual-budget": ""}},
		{"failed and skipped runs are not ok runs", []Entry{
			ok("monthly-reconciliation", "2026-10-01T06:00:00+08:00"),
			{Job: "monthly-reconciliation", Scheduled: at("2026-11-01T06:00:00+08:00"), Status: Failed},
			{Job: "monthly-reconciliation", Scheduled: at("2026-11-01T06:00:00+08:00"), Status: Skipped},
			{Job: "annual-budget", Scheduled: at("2026-11-01T02:00:00+08:00"), Status: Failed}},
			map[string]string{"monthly-reconciliation": "2026-11-01T06:00:00+08:00", "annual-budget": ""}},
		{"the latest ok run counts, not the last line", []Entry{
			ok("monthly-reconciliation", "2026-11-01T06:00:00+08:00"), ok("monthly-reconciliation", "2026-10-01T06:00:00+08:00")},
			map[string]string{"monthly-reconciliation": "", "annual-budget": ""}},
		{"a --once run this month counts (its scheduled time is its start)", []Entry{ok("monthly-reconciliation", "2026-11-20T15:04:05+08:00")},
			map[string]string{"monthly-reconciliation": "", "annual-budget": ""}},
		{"journal times in another zone", []Entry{ok("monthly-reconciliation", "2026-09-30T22:00:00Z")}, // Oct 1 06:00 Shanghai
			map[string]string{"monthly-reconciliation": "2026-11-01T06:00:00+08:00", "annual-budget": ""}},
	} {
		got := CatchUp(jobs, tc.entries, now, shanghai)
		if len(got) != len(jobs) {
			t.Fatalf("%s: %d decisions", tc.name, len(got))
		}
		for _, d := range got {
			s := ""
			if d.Run {
				s = d.Scheduled.Format(time.RFC3339)
			}
			if s != tc.want[d.Job] || d.Reason.M == nil {
				t.Errorf("%s: %s: run %q (%s), want %q", tc.name, d.Job, s, d.Reason, tc.want[d.Job])
			}
		}
	}
}
