package reports

import (
	"bufio"
	"io"
	"sync"

	"github.com/klauspost/compress/flate"
)

// A compressor and a sheet's two buffers take about 2.5 MB to make and
// clear, more than writing a small sheet costs: they were 40 of the 53 MB
// the sample city's budget allocated, and most of its time. They are
// reused across sheets and workbooks instead; a national sheet uses the
// same sizes, so nothing changes for big outputs.
var (
	flatePool = sync.Pool{New: func() any {
		zw, _ := flate.NewWriter(nil, flate.BestSpeed) // big sheets: speed over the last few per cent
		return zw
	}}
	sheetBufPool = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 1<<20) }}
	fileBufPool  = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 256<<10) }}
)

// getFlate returns a compressor writing to w.
func getFlate(w io.Writer) *flate.Writer {
	zw := flatePool.Get().(*flate.Writer)
	zw.Reset(w)
	return zw
}

// getBuffer returns a writer of pool's size buffering w.
func getBuffer(pool *sync.Pool, w io.Writer) *bufio.Writer {
	bw := pool.Get().(*bufio.Writer)
	bw.Reset(w)
	return bw
}

// putBuffer gives bw back to pool; bw must not be used again.
func putBuffer(pool *sync.Pool, bw *bufio.Writer) {
	if bw != nil {
		bw.Reset(nil)
		pool.Put(bw)
	}
}

// pooledFlate is a compressor for archive/zip that goes back to the pool
// when zip closes it.
type pooledFlate struct{ *flate.Writer }

func (p pooledFlate) Close() error {
	err := p.Writer.Close()
	p.Writer.Reset(nil)
	flatePool.Put(p.Writer)
	return err
}
