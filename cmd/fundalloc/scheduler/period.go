package scheduler

import (
	"time"

	"github.com/robfig/cron/v3"
)

// Parse reads a job's spec: five cron fields ("0 6 1 * *") or a descriptor
// (@monthly, @every 2s), as config.Load validates them.
func Parse(spec string) (cron.Schedule, error) {
	return cron.ParseStandard(spec)
}

// Next is the first time after t that s is due, reckoned in loc (a 5-field
// spec means wall-clock time in the bureau's zone, not the machine's).
func Next(s cron.Schedule, t time.Time, loc *time.Location) time.Time {
	return s.Next(t.In(loc))
}

// maxSteps bounds Latest's walk: a minutely spec over nineteen years.
const maxSteps = 10_000_000

// Latest is the most recent time in (after, now] that s was due, reckoned in
// loc, or the zero time when there is none. robfig's Schedule only knows
// Next, so Latest steps forward from after; pass the last known run (the
// scheduled time of the last ok run) to keep the walk short.
func Latest(s cron.Schedule, after, now time.Time, loc *time.Location) time.Time {
	now = now.In(loc)
	t := s.Next(after.In(loc))
	if t.IsZero() || t.After(now) {
		return time.Time{}
	}
	if every, ok := s.(cron.ConstantDelaySchedule); ok && every.Delay > 0 {
		return t.Add(now.Sub(t) / every.Delay * every.Delay)
	}
	for range maxSteps {
		n := s.Next(t)
		if n.IsZero() || n.After(now) {
			break
		}
		t = n
	}
	return t
}

// MonthBefore is the month, YYYY-MM, that ended before t in loc: the period
// a reconciliation scheduled at t reconciles. 2026-11-01T06:00+08:00 gives
// 2026-10, 2027-01-01T00:30+08:00 gives 2026-12.
func MonthBefore(t time.Time, loc *time.Location) string {
	y, m, _ := t.In(loc).Date()
	return time.Date(y, m-1, 1, 0, 0, 0, 0, loc).Format("2006-01")
}
