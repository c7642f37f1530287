package main

import (
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"fundalloc/reports/msg"
	"fundalloc/sources"
)

// progress shows the long phases of a run (reading, allocating, writing) as
// a bar on stderr, with counts and rates. It is silent with --quiet, when
// stderr is not a terminal (a log file, a pipe, the scheduler) and in tests;
// a nil *progress is silent too.
type progress struct {
	w    io.Writer
	lang msg.Lang // of the labels
	bar  *progressbar.ProgressBar
}

// newProgress returns a progress for g's stderr, or nil when it should be
// silent.
func newProgress(g *globals) *progress {
	if !g.showProgress || g.quiet || !isTerminal(g.stderr) {
		return nil
	}
	return &progress{w: g.stderr, lang: g.language}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// phase starts a new bar labelled label: total bytes when known (-1 for a
// spinner).
func (p *progress) phase(label *msg.Message, total int64) {
	if p == nil {
		return
	}
	p.done()
	p.bar = progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(p.w),
		progressbar.OptionSetDescription(label.In(p.lang)),
		progressbar.OptionShowBytes(true),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionShowElapsedTimeOnFinish(),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSpinnerType(14),
	)
}

// add counts n more bytes of the current phase.
func (p *progress) add(n int) {
	if p != nil && p.bar != nil {
		p.bar.Add(n)
	}
}

// done ends the current bar.
func (p *progress) done() {
	if p != nil && p.bar != nil {
		p.bar.Finish()
		p.bar = nil
	}
}

// reading starts the read phase over the given sources and returns them
// wrapped so that every byte read moves the bar.
func (p *progress) reading(srcs []sources.Source) []sources.Source {
	if p == nil {
		return srcs
	}
	var total int64
	out := make([]sources.Source, len(srcs))
	for i, s := range srcs {
		if f, err := s.Open(); err == nil {
			if st, err := f.Stat(); err == nil {
				// A CSV file is read twice: once to tell UTF-8 from GB18030.
				passes := int64(1)
				if strings.EqualFold(path.Ext(s.Name), ".csv") {
					passes = 2
				}
				total += passes * st.Size()
			}
			f.Close()
		}
		open := s.Open
		out[i] = sources.Source{Name: s.Name, Open: func() (sources.File, error) {
			f, err := open()
			if err != nil {
				return nil, err
			}
			return &countedFile{File: f, p: p}, nil
		}}
	}
	p.phase(msg.CmdReading, total)
	return out
}

// countedFile moves the bar as it is read.
type countedFile struct {
	sources.File
	p *progress
}

func (c *countedFile) Read(b []byte) (int, error) {
	n, err := c.File.Read(b)
	c.p.add(n)
	return n, err
}

func (c *countedFile) ReadAt(b []byte, off int64) (int, error) {
	n, err := c.File.ReadAt(b, off)
	c.p.add(n)
	return n, err
}

func (c *countedFile) Stat() (fs.FileInfo, error) { return c.File.Stat() }

// writer wraps an output writer so that the bytes written move the bar.
func (p *progress) writer(w io.Writer) io.Writer {
	if p == nil {
		return w
	}
	return io.MultiWriter(w, countWriter{p})
}

type countWriter struct{ p *progress }

func (c countWriter) Write(b []byte) (int, error) {
	c.p.add(len(b))
	return len(b), nil
}
