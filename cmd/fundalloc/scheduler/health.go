package scheduler

import (
	"encoding/json"
	"net/http"
)

// HealthRuns is how many journal entries /runs returns.
const HealthRuns = 20

// Handler serves the monitoring endpoints:
//
//	GET /healthz  200 "ok" while Run is scheduling jobs, 503 once it is stopping
//	GET /runs     the last HealthRuns journal entries, oldest first, as a JSON array
func (s *Scheduler) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if !s.Running() {
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte("stopping\n"))
			return
		}
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /runs", func(w http.ResponseWriter, _ *http.Request) {
		var entries []Entry
		if s.Journal != nil {
			var err error
			// From the end of the journal: a request costs the same
			// however long the journal has grown.
			if entries, _, err = s.Journal.Tail(HealthRuns); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
		}
		if entries == nil {
			entries = []Entry{}
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.Encode(entries)
	})
	return mux
}
