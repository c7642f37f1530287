// Command fundalloc consolidates a city's social-work fund lines into one
// pool per category, allocates them across the hub, the stations and the
// rooms exactly to the fen, writes the budget workbook and JSON, and
// reconciles spending against the budget every month.
package main

import (
	"context"
	"math"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"fundalloc/allocation"
	"fundalloc/config"
)

// smallInputs is the size of a budget's input files below which its run
// collects garbage at GOGC=200 instead of 50.
const smallInputs = 4 << 20

// collectLessIfSmall sets GOGC=200 for a command-line budget whose units
// and fund files come to less than smallInputs, and returns what puts the
// setting back. GOGC=50 is for national runs' memory; a small city's heap
// stays under 10 MB, and at 50 the collector's floor is 2 MB: the sample
// city collected 11 times, and took 0.19 s of CPU instead of 0.14 s
// (mean of 15 runs each, interleaved). GOGC in the environment still wins.
// The scheduler, which runs jobs side by side in one process, keeps 50.
func collectLessIfSmall(cfg *config.Config) (restore func()) {
	restore = func() {}
	if os.Getenv("GOGC") != "" {
		return restore
	}
	units, err := cfg.UnitsSource()
	if err != nil {
		return restore
	}
	funds, err := cfg.Base.Resolve(cfg.FundLines)
	if err != nil {
		return restore
	}
	var total int64
	for _, s := range append(funds, units) {
		f, err := s.Open()
		if err != nil {
			return restore
		}
		st, err := f.Stat()
		f.Close()
		if err != nil {
			return restore
		}
		if total += st.Size(); total >= smallInputs {
			return restore
		}
	}
	old := debug.SetGCPercent(200)
	return func() { debug.SetGCPercent(old) }
}

// pauseCollector turns the garbage collector off until restore is called,
// while a command-line budget reads its inputs. The readers keep most of
// what they allocate: a national budget's heap grew to 588 MB while it
// read, of which 438 MB was live, and the four collections on the way
// (at 93, 161, 227 and 427 MB) marked the growing heap again and again
// for 0.35 s of CPU, half of it in assists that slowed the readers. The
// memory limit still collects if the heap reaches it; where there is none
// (GOMEMLIMIT=off) or GOGC is set in the environment, nothing is paused.
// The scheduler, which runs jobs side by side in one process, never
// pauses.
func pauseCollector() (restore func()) {
	if os.Getenv("GOGC") != "" || debug.SetMemoryLimit(-1) == math.MaxInt64 {
		return func() {}
	}
	old := debug.SetGCPercent(-1)
	return func() { debug.SetGCPercent(old) }
}

func main() { os.Exit(mainCode()) }

// mainCode is the program as a process runs it: with its arguments, its
// standard streams, and SIGINT and SIGTERM cancelling the run's context.
func mainCode() int {
	// Where transparent huge pages are "madvise", Go's heap faults in 4 KB
	// at a time: a national budget took 145,000-170,000 faults and 2.7-4.4 s
	// of system CPU. With its first 1.5 GiB of address space advised for
	// 2 MB pages (the national peak heap fits), about 3,500 faults and
	// 0.3-0.9 s. Small runs never touch the rest; it costs no memory.
	allocation.HugeHeap(1536 << 20)
	// A national run holds about a gigabyte of plan and lines while it writes
	// gigabytes of output; with Go's default GOGC=100 the heap may grow to
	// twice what is live before a collection. At 50 the peak RSS of a
	// national budget with workbook fell from 2.18 GB to 1.65 GB and the run
	// was no slower (measured on the 2-core machine). GOGC in the
	// environment still wins.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(50)
	}
	// A national reconcile holds about 1.15 GB live while it reads the
	// ledgers; at GOGC=50 alone its peak RSS was 1.88-1.96 GB. A soft limit
	// of 1,400 MiB makes the collector work harder only near it: 1.45 GB,
	// for about 2 s more GC CPU time (gctrace, same binary: 9.0 s -> 10.8 s
	// of 43-50 s; at 1,250 MiB the whole run took 20% more CPU). The
	// national budget with its indicators reaches it too (1.55-1.70 GB
	// without, 1.41-1.43 GB with). A run whose live heap exceeds it still completes:
	// the runtime caps the collector at half the CPU. GOMEMLIMIT in the
	// environment wins.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(1400 << 20)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return run(ctx, os.Args[1:], os.Stdout, os.Stderr)
}
