package scheduler

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"fundalloc/allocation"
)

func TestHealthEndpoints(t *testing.T) {
	s, _ := newTestScheduler(t, nil)
	for i := range 25 {
		e := sampleEntry()
		e.Period = fmt.Sprintf("run-%02d", i)
		s.Journal.Append(e)
	}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	get := func(path string) (int, string) {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	// Not running yet (or stopping): 503.
	if code, body := get("/healthz"); code != http.StatusServiceUnavailable || body != "stopping\n" {
		t.Errorf("/healthz before Run: %d %q", code, body)
	}
	s.running.Store(true)
	if code, body := get("/healthz"); code != http.StatusOK || body != "ok\n" {
		t.Errorf("/healthz: %d %q", code, body)
	}
	code, body := get("/runs")
	var entries []map[string]any
	if err := json.Unmarshal([]byte(body), &entries); code != http.StatusOK || err != nil {
		t.Fatalf("/runs: %d %v\n%s", code, err, body)
	}
	if len(entries) != HealthRuns || entries[0]["period"] != "run-05" || entries[19]["period"] != "run-24" ||
		entries[19]["scheduled"] != "2026-11-01T06:00:00+08:00" || len(entries[19]) != 10 {
		t.Errorf("/runs: %d entries, first %v, last %v", len(entries), entries[0], entries[19])
	}
	resp, _ := http.Post(srv.URL+"/healthz", "text/plain", nil)
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /healthz: %d", resp.StatusCode)
	}
	resp.Body.Close()
	if code, _ := get("/nope"); code != http.StatusNotFound {
		t.Errorf("/nope: %d", code)
	}
	// An empty journal is an empty array, not null.
	s2, _ := newTestScheduler(t, nil)
	srv2 := httptest.NewServer(s2.Handler())
	defer srv2.Close()
	resp, err := http.Get(srv2.URL + "/runs")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "[]\n" {
		t.Errorf("/runs on an empty journal: %q", b)
	}
	// /healthz follows Run: 200 while it schedules, 503 once its context is done.
	spec, _ := Parse("@yearly")
	s3, _ := newTestScheduler(t, nil, Job{Name: "y", Schedule: spec, Func: func(context.Context, string) ([]allocation.FileHash, []allocation.FileHash, error) {
		return nil, nil, nil
	}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- s3.Run(ctx) }()
	for !s3.Running() {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	<-done
	if s3.Running() {
		t.Error("running after Run returned")
	}
}
