package reports

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"unsafe"
)

// The async writer writes exactly what it was given, whether its whole
// buffers go straight to the disk or through the page cache, for outputs
// smaller than a block, ending on a buffer's edge and ending mid-buffer,
// fed in pieces that straddle the buffers.
func TestAsyncWriterWritesEveryByte(t *testing.T) {
	sizes := []int{0, 1, directAlign - 1, asyncFirstBuf, asyncFirstBuf + 1, 3 * asyncFirstBuf, asyncFirstBuf + asyncBuf, asyncFirstBuf + 3*asyncBuf + 4097}
	for _, direct := range []bool{true, false} {
		for _, size := range sizes {
			want := make([]byte, size)
			r := rand.New(rand.NewPCG(uint64(size), 1))
			for i := range want {
				want[i] = byte(r.Uint32())
			}
			path := filepath.Join(t.TempDir(), "out")
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			w := newAsyncWriter(nil, f)
			if !direct {
				w.direct = directOff
			}
			for p := want; len(p) > 0; {
				k := min(len(p), 1+r.IntN(300_000))
				if n, err := w.Write(p[:k]); n != k || err != nil {
					t.Fatalf("Write = %d, %v", n, err)
				}
				p = p[k:]
			}
			if err := w.Close(); err != nil {
				t.Fatalf("direct %v, %d bytes: Close: %v", direct, size, err)
			}
			if err := f.Sync(); err != nil {
				t.Fatal(err)
			}
			f.Close()
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("direct %v, %d bytes: the file differs (%d bytes)", direct, size, len(got))
			}
		}
	}
}

// A buffer for a direct write starts on a page.
func TestAlignedBuf(t *testing.T) {
	for range 20 {
		b := alignedBuf(asyncFirstBuf)
		if cap(b) != asyncFirstBuf || len(b) != 0 {
			t.Fatalf("len %d cap %d", len(b), cap(b))
		}
		b = b[:1]
		if addr := uintptr(unsafe.Pointer(unsafe.SliceData(b))); addr%directAlign != 0 {
			t.Fatalf("buffer at %#x", addr)
		}
	}
}
