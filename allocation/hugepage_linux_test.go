package allocation

import (
	"bufio"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// hugeAdvised sums the sizes of this process's mappings that carry the
// "hg" flag (madvise(MADV_HUGEPAGE)) in /proc/self/smaps.
func hugeAdvised(t *testing.T) int64 {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skip("no /proc/self/smaps:", err)
	}
	defer f.Close()
	var total, size int64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		switch {
		case len(fields) >= 2 && fields[0] == "Size:":
			kb, err := strconv.ParseInt(fields[1], 10, 64)
			if err != nil {
				t.Fatalf("smaps %q: %v", sc.Text(), err)
			}
			size = kb << 10
		case len(fields) >= 1 && fields[0] == "VmFlags:":
			for _, fl := range fields[1:] {
				if fl == "hg" {
					total += size
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return total
}

func TestHugeHeapAdvisesWhereItCan(t *testing.T) {
	can := sysfsHas("/sys/kernel/mm/transparent_hugepage/enabled", "[madvise]") &&
		!sysfsHas("/proc/sys/vm/overcommit_memory", "2")
	const n = 64 << 20
	before := hugeAdvised(t)
	if got := HugeHeap(n); got != can {
		t.Fatalf("HugeHeap(%d) = %v, want %v (THP madvise and no strict overcommit)", n, got, can)
	}
	if !can {
		t.Skip("transparent huge pages are not \"madvise\" here; nothing to advise")
	}
	if after := hugeAdvised(t); after-before < n-4<<20 {
		t.Errorf("advised for huge pages: %d bytes before, %d after; want at least %d more", before, after, n-4<<20)
	}
	if HugeHeap(1 << 20) {
		t.Error("HugeHeap(1 MB) = true; want false below 8 MB")
	}
}

func TestSysfsHas(t *testing.T) {
	p := filepath.Join(t.TempDir(), "enabled")
	if err := os.WriteFile(p, []byte("always [madvise] never\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path, word string
		want       bool
	}{
		{p, "[madvise]", true},
		{p, "[always]", false},
		{filepath.Join(t.TempDir(), "missing"), "[madvise]", false},
	} {
		if got := sysfsHas(c.path, c.word); got != c.want {
			t.Errorf("sysfsHas(%s, %q) = %v, want %v", c.path, c.word, got, c.want)
		}
	}
}

// resident counts the pages of b that are in memory (mincore).
func resident(t *testing.T, b []byte) (in, all int) {
	t.Helper()
	page := syscall.Getpagesize()
	vec := make([]byte, (len(b)+page-1)/page)
	_, _, e := syscall.Syscall(syscall.SYS_MINCORE, uintptr(unsafe.Pointer(unsafe.SliceData(b))), uintptr(len(b)), uintptr(unsafe.Pointer(unsafe.SliceData(vec))))
	if e != 0 {
		t.Skip("mincore:", e)
	}
	for _, v := range vec {
		if v&1 != 0 {
			in++
		}
	}
	return in, len(vec)
}

func TestPrefaultFaultsInAndKeepsWhatIsWritten(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("prefault does nothing on one core")
	}
	const n = 64 << 20
	// Mapped here, not by the Go heap, so that nothing else touches it.
	mem, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Skip("mmap:", err)
	}
	defer syscall.Munmap(mem)
	s := unsafe.Slice((*uint64)(unsafe.Pointer(&mem[0])), n/8)
	stop := prefault(s)
	// Written from the start while the kernel faults pages in from the end:
	// nothing written may be lost.
	for i := range s[:len(s)/2] {
		s[i] = uint64(i) * 0x9E3779B97F4A7C15
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		in, all := resident(t, mem)
		if in == all {
			break
		}
		if time.Now().After(deadline) {
			stop()
			t.Fatalf("%d of %d pages in memory 10 s after prefault; want all", in, all)
		}
		time.Sleep(10 * time.Millisecond)
	}
	stop()
	for i, v := range s {
		want := uint64(0)
		if i < len(s)/2 {
			want = uint64(i) * 0x9E3779B97F4A7C15
		}
		if v != want {
			t.Fatalf("s[%d] = %#x after prefault, want %#x", i, v, want)
		}
	}
	stop() // a second stop is harmless
}
