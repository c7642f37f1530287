package allocation

import "time"

// Approval is a version of record as far as which one is in force matters:
// its number (1 for v1) and the day it was approved.
type Approval struct {
	Version  int
	Approved time.Time // a calendar day: only its year, month and day count
}

// InForce returns the version of record in force at the end of month
// (1–12) of year (DESIGN §10): the highest-numbered version approved on or
// before the month's last day. Before the first approval it is v1, and
// early is true (the caller warns). ok is false when there is no version
// at all. The approvals may come in any order.
func InForce(approvals []Approval, year int, month time.Month) (v Approval, early, ok bool) {
	if len(approvals) == 0 {
		return Approval{}, false, false
	}
	// The first day of the next month, as a calendar day to compare with.
	end := civil(time.Date(year, month+1, 1, 0, 0, 0, 0, time.UTC))
	first := approvals[0]
	for _, a := range approvals {
		if a.Version < first.Version {
			first = a
		}
		if civil(a.Approved) < end && (!ok || a.Version > v.Version) {
			v, ok = a, true
		}
	}
	if !ok {
		return first, true, true
	}
	return v, false, true
}

// civil is a day as one comparable number, in the zone it was given in.
func civil(t time.Time) int {
	y, m, d := t.Date()
	return y*10000 + int(m)*100 + d
}
