package allocation

import (
	"bytes"
	"io"
	"os"
	"runtime/debug"
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
	var zero T
	n := uintptr(cap(s)) * unsafe.Sizeof(zero)
	if n < 8<<20 {
		return
	}
	p := unsafe.Pointer(unsafe.SliceData(s[:cap(s)]))
	page := uintptr(syscall.Getpagesize())
	start := uintptr(p)
	lo := (start + page - 1) &^ (page - 1)
	hi := (start + n) &^ (page - 1)
	_ = syscall.Madvise(unsafe.Slice((*byte)(unsafe.Add(p, lo-start)), hi-lo), syscall.MADV_HUGEPAGE)
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
