package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/spf13/cobra"

	"fundalloc/reports/msg"
	"fundalloc/reports/outdir"
)

// addProfiling adds the hidden --cpuprofile, --memprofile and --timings
// flags, which profile a run (see scripts/bench.sh).
func addProfiling(root *cobra.Command, g *globals) {
	var cpu, mem string
	var timings bool
	var cpuFile *os.File
	pf := root.PersistentFlags()
	pf.StringVar(&cpu, "cpuprofile", "", g.t(msg.CmdFlagCPU))
	pf.StringVar(&mem, "memprofile", "", g.t(msg.CmdFlagMem))
	pf.BoolVar(&timings, "timings", false, g.t(msg.CmdFlagTimings))
	pf.MarkHidden("cpuprofile")
	pf.MarkHidden("memprofile")
	pf.MarkHidden("timings")
	root.PersistentPreRunE = func(*cobra.Command, []string) error {
		g.timing.begin(g.stderr, timings)
		if cpu == "" {
			return nil
		}
		f, err := outdir.Create(cpu)
		if err != nil {
			return msg.PathError.Err("--cpuprofile", err)
		}
		cpuFile = f
		return pprof.StartCPUProfile(f)
	}
	root.PersistentPostRunE = func(*cobra.Command, []string) error {
		if cpuFile != nil {
			pprof.StopCPUProfile()
			cpuFile.Close()
		}
		if mem != "" {
			f, err := outdir.Create(mem)
			if err != nil {
				return msg.PathError.Err("--memprofile", err)
			}
			defer f.Close()
			runtime.GC()
			return pprof.Lookup("allocs").WriteTo(f, 0)
		}
		return nil
	}
}

// phases times the phases of a run for --timings: read, allocate, write.
type phases struct {
	on    bool
	w     io.Writer
	start time.Time
	last  time.Time
}

func (p *phases) begin(w io.Writer, on bool) {
	p.on, p.w = on, w
	p.start = time.Now()
	p.last = p.start
}

// mark reports the time since the previous mark under name.
func (p *phases) mark(name string) {
	if !p.on {
		return
	}
	now := time.Now()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	fmt.Fprintf(p.w, "timing: %-16s %7.3f s  (total %7.3f s, heap %d MB)\n", name, now.Sub(p.last).Seconds(), now.Sub(p.start).Seconds(), m.HeapAlloc>>20)
	p.last = now
}
