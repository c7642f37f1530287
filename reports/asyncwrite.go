package reports

import (
	"context"
	"errors"
	"os"
	"sync/atomic"
	"syscall"
	"unsafe"
)

// asyncWriter writes to a file on its own goroutine, so that formatting an
// output and the kernel's copying of it overlap.
//
// Where the file system allows it (Linux, O_DIRECT), whole buffers go
// straight from the buffer to the disk, not through the page cache: copying
// 2.5 GB of national outputs into the page cache and writing it back cost
// some 4 s of system CPU on the 2-core machine, a direct write a tenth of
// that, and the disk is no slower for it. The last, partial buffer is
// written through the page cache (a direct write must be a whole number of
// blocks), and the caller's final sync makes it durable with the rest.
// Elsewhere, or when a direct write is refused, the writer asks the kernel
// to start writing each stretch to disk as soon as it is written, so that
// the final sync has little left to wait for.
//
// Once the file cannot be written (a full disk) or ctx is done, Write fails
// with that error at the next buffer, so the caller stops formatting the
// rest of an output nobody will keep.
type asyncWriter struct {
	f       *os.File
	ctx     context.Context // nil: never stopped
	cur     []byte
	full    chan []byte
	free    chan []byte
	done    chan error
	failed  atomic.Pointer[error] // the first write error, for Write
	started int64                 // bytes handed to writeback
	made    int                   // buffers made so far, at most asyncBufs
	size    int                   // the size of the next buffer: doubles to asyncBuf
	// direct says how the loop writes: directUntried before the first
	// whole buffer, then directOn or directOff for good.
	direct int8
}

const (
	asyncFirstBuf  = 128 << 10 // the first buffer; each next one is twice as big
	asyncBuf       = 4 << 20   // the biggest buffer; 4 MB direct writes keep the disk busy
	asyncBufs      = 4         // one being filled, the rest queued or being written
	asyncWriteback = 32 << 20  // without direct writes, start writeback every 32 MB
	// directAlign is what a direct write's memory, length and file offset
	// must be multiples of: a page, which covers every block size.
	directAlign = 4096
)

const (
	directUntried int8 = iota
	directOn
	directOff
)

func newAsyncWriter(ctx context.Context, f *os.File) *asyncWriter {
	w := &asyncWriter{f: f, ctx: ctx, full: make(chan []byte, asyncBufs-1), free: make(chan []byte, asyncBufs), done: make(chan error, 1)}
	w.cur, w.made, w.size = alignedBuf(asyncFirstBuf), 1, asyncFirstBuf
	go w.loop()
	return w
}

// alignedBuf returns an empty buffer of capacity n (a multiple of
// directAlign) whose memory starts at a multiple of directAlign, as a
// direct write needs.
func alignedBuf(n int) []byte {
	b := make([]byte, n+directAlign)
	off := 0
	if r := int(uintptr(unsafe.Pointer(unsafe.SliceData(b))) & (directAlign - 1)); r != 0 {
		off = directAlign - r
	}
	return b[off : off : off+n]
}

func (w *asyncWriter) loop() {
	var err error
	var off int64
	for buf := range w.full {
		if err == nil {
			var n int64
			n, err = w.write(buf, off)
			off += n
			if err != nil {
				w.failed.Store(&err)
			}
		}
		w.free <- buf[:0]
	}
	w.done <- err
}

// write writes buf at offset off, the bytes written so far, and returns
// how many it wrote. Every buffer but the last is full, so off stays a
// multiple of directAlign until the last one.
func (w *asyncWriter) write(buf []byte, off int64) (int64, error) {
	var done int64
	if w.direct == directUntried && len(buf) >= directAlign {
		w.direct = directOff
		if setDirect(w.f, true) == nil {
			w.direct = directOn
		}
	}
	if w.direct == directOn {
		whole := len(buf) &^ (directAlign - 1)
		n, err := w.f.Write(buf[:whole])
		done, buf = int64(n), buf[n:]
		switch {
		case errors.Is(err, syscall.EINVAL):
			// The file system refused the direct write after all: the rest
			// goes through the page cache.
			w.direct = directOff
			if err := setDirect(w.f, false); err != nil {
				return done, err
			}
			w.started = off + done
		case err != nil:
			return done, err
		case len(buf) > 0:
			// The last, partial buffer; nothing follows it.
			w.direct = directOff
			if err := setDirect(w.f, false); err != nil {
				return done, err
			}
			w.started = off + done
		}
	}
	if len(buf) == 0 {
		return done, nil
	}
	n, err := w.f.Write(buf)
	done += int64(n)
	if end := off + done; err == nil && w.direct == directOff && end-w.started >= asyncWriteback {
		startWriteback(w.f, w.started, end-w.started)
		w.started = end
	}
	return done, err
}

func (w *asyncWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		k := copy(w.cur[len(w.cur):cap(w.cur)], p)
		w.cur = w.cur[:len(w.cur)+k]
		p = p[k:]
		if len(w.cur) == cap(w.cur) {
			if err := w.stopped(); err != nil {
				return n - len(p), err
			}
			w.full <- w.cur
			w.cur = w.next()
		}
	}
	return n, nil
}

// next returns a free buffer, making one while fewer than asyncBufs exist.
// Buffers double in size up to asyncBuf, and a free one smaller than that is
// replaced by a bigger one: the sample city's 1 MB outputs never make and
// clear the 4 MB buffers a national one keeps busy (they cost it some 5 ms
// of its 0.1 s).
func (w *asyncWriter) next() []byte {
	w.size = min(2*w.size, asyncBuf)
	select {
	case buf := <-w.free:
		return w.fit(buf)
	default:
	}
	if w.made < asyncBufs {
		w.made++
		return alignedBuf(w.size)
	}
	return w.fit(<-w.free)
}

// fit returns buf, or a new buffer of the current size in its place when
// buf is smaller.
func (w *asyncWriter) fit(buf []byte) []byte {
	if cap(buf) < w.size {
		return alignedBuf(w.size)
	}
	return buf
}

// stopped returns why writing should stop, if it should.
func (w *asyncWriter) stopped() error {
	if err := w.failed.Load(); err != nil {
		return *err
	}
	if w.ctx != nil {
		return w.ctx.Err()
	}
	return nil
}

// Close writes what is buffered and waits for the writer; it does not
// close or sync the file.
func (w *asyncWriter) Close() error {
	stop := w.stopped()
	if len(w.cur) > 0 && stop == nil {
		w.full <- w.cur
	}
	close(w.full)
	if err := <-w.done; err != nil {
		return err
	}
	return stop
}
