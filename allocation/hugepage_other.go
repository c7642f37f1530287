//go:build !linux

package allocation

// adviseHuge does nothing where madvise(MADV_HUGEPAGE) is not known.
func adviseHuge[T any]([]T) {}

// HugeHeap does nothing where madvise(MADV_HUGEPAGE) is not known.
func HugeHeap(int) bool { return false }

// prefault does nothing where madvise(MADV_POPULATE_WRITE) is not known.
func prefault[T any]([]T) (stop func()) { return func() {} }
