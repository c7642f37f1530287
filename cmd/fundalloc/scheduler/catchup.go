package scheduler

import (
	"time"

	"fundalloc/reports/msg"
)

// Decision is what catch-up decided for one job when the scheduler started.
type Decision struct {
	Job       string
	Run       bool      // run the job now, for Scheduled
	Scheduled time.Time // the missed scheduled time, when Run
	Reason    msg.Text  // in words, for the log
}

// CatchUp decides which jobs missed a run while the scheduler was down
// (DESIGN §9): a job whose most recent scheduled time at or before now is
// later than the scheduled time of its last ok run in the journal is run
// once, for that most recent time (older missed times are not run: the
// latest run covers them, and each reconciliation is cumulative). A job that
// never ran ok is not caught up: starting a new scheduler must not fire
// every job at once.
func CatchUp(jobs []Job, entries []Entry, now time.Time, loc *time.Location) []Decision {
	lastOK := map[string]time.Time{}
	for _, e := range entries {
		if e.Status == OK && e.Scheduled.After(lastOK[e.Job]) {
			lastOK[e.Job] = e.Scheduled
		}
	}
	out := make([]Decision, 0, len(jobs))
	for _, j := range jobs {
		d := Decision{Job: j.Name}
		last := lastOK[j.Name]
		if last.IsZero() {
			d.Reason = msg.SchedNeverRan.With()
		} else if latest := Latest(j.Schedule, last, now, loc); latest.IsZero() {
			d.Reason = msg.SchedUpToDate.With(last.In(loc).Format(time.RFC3339))
		} else {
			d.Run, d.Scheduled = true, latest
			d.Reason = msg.SchedMissed.With(latest.Format(time.RFC3339), last.In(loc).Format(time.RFC3339))
		}
		out = append(out, d)
	}
	return out
}
