package reports

import (
	"io"

	"github.com/klauspost/compress/flate"
)

// A compressor and a sheet's two buffers took about 2.5 MB to make and
// clear, more than writing a small sheet costs: they were 40 of the 53 MB
// the sample city's budget allocated, and most of its time. Compressors are
// reused across sheets and workbooks, and the buffers start small and grow
// with what a sheet writes. The lists are small and fixed, not sync.Pools:
// a pool is emptied by every garbage collection, and a small run collects
// so often that its sheets made their compressors anew.
var (
	flates = freeList[*flate.Writer]{c: make(chan *flate.Writer, freeKept), new: func() *flate.Writer {
		zw, _ := flate.NewWriter(nil, flate.BestSpeed) // big sheets: speed over the last few per cent
		return zw
	}}
	// A sheet's rows and its compressed bytes: they grow with what a
	// sheet writes, to about sheetChunk and fileChunk.
	rowBufs  = freeList[[]byte]{c: make(chan []byte, freeKept), new: func() []byte { return make([]byte, 0, 4<<10) }}
	fileBufs = freeList[[]byte]{c: make(chan []byte, freeKept), new: func() []byte { return make([]byte, 0, 4<<10) }}
	// The buffer a workbook's parts are copied through into its zip.
	copyBufs = freeList[[]byte]{c: make(chan []byte, freeKept), new: func() []byte { return make([]byte, 128<<10) }}
)

// freeList keeps up to freeKept values for reuse.
type freeList[T any] struct {
	c   chan T
	new func() T
}

// freeKept is how many of each kind are kept: the sheets written at once
// (GOMAXPROCS of them on this machine's two cores) and the workbook's zip.
const freeKept = 4

// get returns a kept value, or a new one.
func (l *freeList[T]) get() T {
	select {
	case v := <-l.c:
		return v
	default:
		return l.new()
	}
}

// put keeps v if there is room; v must not be used again.
func (l *freeList[T]) put(v T) {
	select {
	case l.c <- v:
	default:
	}
}

// getFlate returns a compressor writing to w.
func getFlate(w io.Writer) *flate.Writer {
	zw := flates.get()
	zw.Reset(w)
	return zw
}

// putFlate gives zw back for the next sheet; nil is ignored.
func putFlate(zw *flate.Writer) {
	if zw != nil {
		zw.Reset(nil)
		flates.put(zw)
	}
}

// pooledFlate is a compressor for archive/zip that goes back to the list
// when zip closes it.
type pooledFlate struct{ *flate.Writer }

func (p pooledFlate) Close() error {
	err := p.Writer.Close()
	putFlate(p.Writer)
	return err
}
