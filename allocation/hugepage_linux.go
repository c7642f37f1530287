package allocation

import (
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
