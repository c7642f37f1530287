package main

import (
	"math"
	"runtime/debug"
	"testing"
)

// Not parallel: the collector's settings are the process's.
func TestPauseCollector(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(77))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(1 << 30))

	t.Setenv("GOGC", "")
	restore := pauseCollector()
	if got := debug.SetGCPercent(-1); got != -1 {
		t.Errorf("GC percent %d while paused, want -1 (off)", got)
	}
	debug.SetGCPercent(-1)
	restore()
	if got := debug.SetGCPercent(77); got != 77 {
		t.Errorf("GC percent %d after restore, want 77", got)
	}

	t.Setenv("GOGC", "50")
	pauseCollector()()
	if got := debug.SetGCPercent(77); got != 77 {
		t.Errorf("with GOGC set, GC percent %d, want 77 untouched", got)
	}

	t.Setenv("GOGC", "")
	debug.SetMemoryLimit(math.MaxInt64)
	restore = pauseCollector()
	if got := debug.SetGCPercent(77); got != 77 {
		t.Errorf("with no memory limit, GC percent %d while paused, want 77: nothing would stop the heap", got)
	}
	restore()
}
