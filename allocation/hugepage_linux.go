package allocation

import (
	"bytes"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"syscall"
	"unsafe"
)

// adviseHuge asks the kernel to back the array of s (up to its capacity)
// with 2 MB pages, before anything touches it. A national plan's arrays
// are hundreds of megabytes, filled once from start to end: with 4 KB
// pages every page is a fault on first touch (some 100,000 for the lines
// alone). Arrays under 8 MB are left alone; failure changes nothing but
// the speed.
func adviseHuge[T any](s []T) {
	if b := arrayPages(s); len(b) >= 8<<20 {
		_ = syscall.Madvise(b, syscall.MADV_HUGEPAGE)
	}
}

// arrayPages is the whole pages of s's array (up to its capacity), as
// bytes, for madvise.
func arrayPages[T any](s []T) []byte {
	var zero T
	n := uintptr(cap(s)) * unsafe.Sizeof(zero)
	if n == 0 {
		return nil
	}
	p := unsafe.Pointer(unsafe.SliceData(s[:cap(s)]))
	page := uintptr(syscall.Getpagesize())
	start := uintptr(p)
	lo := (start + page - 1) &^ (page - 1)
	hi := (start + n) &^ (page - 1)
	if hi <= lo {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Add(p, lo-start)), hi-lo)
}

// madvPopulateWrite is MADV_POPULATE_WRITE (Linux 5.14): fault the pages
// in, writable, without changing what they hold.
const madvPopulateWrite = 23

// prefault has the kernel fault in the pages of s's array (up to its
// capacity) from its end backwards, on a goroutine of its own, while the
// caller fills the array from its start; stop ends it and waits for it.
// A national plan's lines are 400 MB that the single-threaded allocation
// writes once: on a VM, fresh memory faults in at about 0.5 GB/s, and the
// rooms stage spent most of its 0.95 s in the kernel zeroing pages while
// the other core was idle. The contents are never touched, so the caller
// may write the array meanwhile. Nothing is done on one core, for arrays
// under 8 MB, or where the kernel does not know the advice.
func prefault[T any](s []T) (stop func()) {
	b := arrayPages(s)
	if len(b) < 8<<20 || runtime.GOMAXPROCS(0) < 2 {
		return func() {}
	}
	const chunk = 4 << 20
	var stopped atomic.Bool
	var wg sync.WaitGroup
	wg.Go(func() {
		for end := len(b); end > 0 && !stopped.Load(); {
			from := max(0, end-chunk)
			if syscall.Madvise(b[from:end], madvPopulateWrite) != nil {
				return
			}
			end = from
		}
	})
	return func() {
		stopped.Store(true)
		wg.Wait()
	}
}

// HugeHeap reserves up to n bytes of heap address space advised for 2 MB
// pages and hands it straight back to the runtime, untouched. Go maps its
// heap with 4 KB pages where transparent huge pages are "madvise" (the
// Debian default): a national budget's heap took 145,000–170,000 page
// faults, a third of its CPU on a 2-core VM. The heap grows into address
// space it has already mapped and returned before it maps more, so the
// arrays and buffers of the run that follows land in the advised range and
// fault once per 2 MB. It reports whether it advised anything: nothing is
// done where huge pages are "always" (no need) or "never" (no use), where
// memory is strictly accounted (overcommit 2: the reservation would count),
// and n is capped at a quarter of the machine's memory.
func HugeHeap(n int) bool {
	if !sysfsHas("/sys/kernel/mm/transparent_hugepage/enabled", "[madvise]") ||
		sysfsHas("/proc/sys/vm/overcommit_memory", "2") {
		return false
	}
	var si syscall.Sysinfo_t
	if syscall.Sysinfo(&si) == nil {
		if total := uint64(si.Totalram) * uint64(si.Unit); uint64(n) > total/4 {
			n = int(total / 4)
		}
	}
	if n < 8<<20 {
		return false
	}
	adviseHuge(make([]byte, n))
	debug.FreeOSMemory()
	return true
}

// sysfsHas reports whether the small kernel file at path contains word.
func sysfsHas(path, word string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, 4096))
	return err == nil && bytes.Contains(b, []byte(word))
}
