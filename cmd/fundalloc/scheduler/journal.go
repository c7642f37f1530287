package scheduler

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"fundalloc/allocation"
	"fundalloc/reports/msg"
	"fundalloc/reports/outdir"
)

// JournalName is the journal's file name in the output folder.
const JournalName = "runs.jsonl"

// Status is how a run ended.
type Status string

// The statuses of DESIGN §9.
const (
	OK      Status = "ok"
	Failed  Status = "failed"
	Skipped Status = "skipped" // the job was still running when this tick came
)

// HashFile returns the SHA-256 of the file at path, recorded under name.
// The file is one fundalloc wrote: it is read back through outdir, so that
// a link or a FIFO put in its place meanwhile is refused, not read.
func HashFile(path, name string) (allocation.FileHash, error) {
	f, err := outdir.OpenRegular(path)
	if err != nil {
		return allocation.FileHash{}, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return allocation.FileHash{}, msg.PathError.Err(name, err)
	}
	return allocation.FileHash{Path: name, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// Entry is one run: one line of the journal, in the shape of DESIGN §9.
// Times are written in RFC 3339 in their own zone (the scheduler's), with
// milliseconds only where they are not zero.
type Entry struct {
	Job       string
	Run       string // budget or reconcile
	Period    string // "2026" for a budget, "2026-10" for a reconciliation
	Scheduled time.Time
	Start     time.Time
	End       time.Time
	Status    Status
	Inputs    []allocation.FileHash
	Outputs   []allocation.FileHash
	Error     string
}

// line is an Entry as written; the field order is the journal's.
type line struct {
	Job       string                `json:"job"`
	Run       string                `json:"run"`
	Period    string                `json:"period"`
	Scheduled string                `json:"scheduled"`
	Start     string                `json:"start"`
	End       string                `json:"end"`
	Status    Status                `json:"status"`
	Inputs    []allocation.FileHash `json:"inputs"`
	Outputs   []allocation.FileHash `json:"outputs"`
	Error     string                `json:"error"`
}

func formatTime(t time.Time) string {
	return t.Truncate(time.Millisecond).Format(time.RFC3339Nano)
}

// MarshalJSON writes the entry as a journal line (without the newline).
func (e Entry) MarshalJSON() ([]byte, error) {
	l := line{Job: e.Job, Run: e.Run, Period: e.Period, Scheduled: formatTime(e.Scheduled), Start: formatTime(e.Start),
		End: formatTime(e.End), Status: e.Status, Inputs: e.Inputs, Outputs: e.Outputs, Error: e.Error}
	if l.Inputs == nil {
		l.Inputs = []allocation.FileHash{}
	}
	if l.Outputs == nil {
		l.Outputs = []allocation.FileHash{}
	}
	return json.Marshal(l)
}

// UnmarshalJSON reads a journal line and checks that it is one.
func (e *Entry) UnmarshalJSON(data []byte) error {
	var l line
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&l); err != nil {
		return err
	}
	if l.Job == "" {
		return msg.SchedNoJob.Err()
	}
	switch l.Status {
	case OK, Failed, Skipped:
	default:
		return msg.SchedBadStatus.Err(string(l.Status))
	}
	var times [3]time.Time
	for i, s := range []string{l.Scheduled, l.Start, l.End} {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return msg.SchedBadTime.Err(s)
		}
		times[i] = t
	}
	*e = Entry{Job: l.Job, Run: l.Run, Period: l.Period, Scheduled: times[0], Start: times[1], End: times[2],
		Status: l.Status, Inputs: l.Inputs, Outputs: l.Outputs, Error: l.Error}
	return nil
}

// Journal is the append-only record of runs, <out>/runs.jsonl: one JSON
// line per run. It is safe for concurrent use within a process; across
// processes every append is a single write to a file opened O_APPEND.
//
// The journal is opened through outdir (DESIGN §13): a link or a special
// file in its place is refused, never written through or read from.
type Journal struct {
	Path string

	mu sync.Mutex
}

// Append writes one entry as a single write followed by fsync (AppendLine),
// making the output folder when it does not exist (a run that failed before
// it wrote anything is journaled too).
func (j *Journal) Append(e Entry) error {
	data, err := json.Marshal(e)
	if err != nil {
		return err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	d, _, err := outdir.Make(filepath.Dir(j.Path))
	if err != nil {
		return j.fail(err)
	}
	defer d.Close()
	if err := AppendLine(d, filepath.Base(j.Path), data); err != nil {
		return j.fail(err)
	}
	return nil
}

// AppendLine appends data and a newline to the file name in the folder d,
// creating it, as a single write followed by fsync; a link or a special
// file in its place is refused. When the file does not end in a newline (a
// crash tore the last line), the line starts on a new line, so the torn
// line stays a separate, reportable line and the new one is not lost with
// it. Across processes every append is a single write to a file opened
// O_APPEND.
func AppendLine(d *outdir.Dir, name string, data []byte) error {
	data = append(data[:len(data):len(data)], '\n')
	// O_RDWR rather than O_WRONLY: the last byte is read to check for a torn line.
	f, err := d.OpenFile(name, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return err
	}
	if size := st.Size(); size > 0 {
		var last [1]byte
		if _, err := f.ReadAt(last[:], size-1); err == nil && last[0] != '\n' {
			data = append([]byte{'\n'}, data...)
		}
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if st.Size() == 0 {
		d.Sync() // the file may be new: make its directory entry durable too
	}
	return nil
}

// fail is the error of a journal operation that failed with err. A link or
// a special file refused by outdir names itself, in its own words.
func (j *Journal) fail(err error) error {
	var m *msg.Error
	if errors.As(err, &m) {
		return err
	}
	return msg.SchedJournal.Wrap(err, j.Path, msg.OSReason(err))
}

// open opens the journal for reading; nil when it does not exist yet.
func (j *Journal) open() (*os.File, error) {
	f, err := outdir.OpenRegular(j.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, j.fail(err)
	}
	return f, nil
}

// Read returns every entry in the journal, oldest first, and a warning for
// every line it skipped. A journal that does not exist yet has no entries.
func (j *Journal) Read() ([]Entry, []msg.Text, error) {
	var entries []Entry
	warnings, err := j.Scan(func(e Entry) { entries = append(entries, e) })
	return entries, warnings, err
}

// Scan calls fn with every entry in the journal, oldest first, holding one
// line at a time, and returns a warning for every line it skipped.
func (j *Journal) Scan(fn func(Entry)) ([]msg.Text, error) {
	f, err := j.open()
	if f == nil || err != nil {
		return nil, err
	}
	defer f.Close()
	return scanJournal(f, filepath.Base(j.Path), fn)
}

// MaxLine bounds a journal line, in bytes: an entry is a few hundred bytes
// plus its error (at most maxError) and its files' hashes. A longer line is
// not an entry, and reading it whole would let a file of one line fill the
// memory.
const MaxLine = 4 << 20

// ReadJournal reads journal lines from r; name is used in warnings. A last
// line without its newline, or that does not parse, is what a crash in the
// middle of a write leaves: it is ignored with a warning. A bad line before
// the last is skipped with a warning that gives its line number.
func ReadJournal(r io.Reader, name string) ([]Entry, []msg.Text, error) {
	var entries []Entry
	warnings, err := scanJournal(r, name, func(e Entry) { entries = append(entries, e) })
	return entries, warnings, err
}

func scanJournal(r io.Reader, name string, fn func(Entry)) ([]msg.Text, error) {
	var (
		warnings []msg.Text
		pending  msg.Text // the warning for the previous bad line, if any
		line     []byte
	)
	br := bufio.NewReaderSize(r, 64<<10)
	for n := 1; ; n++ {
		line = line[:0]
		long := false
		var err error
		for {
			var chunk []byte
			chunk, err = br.ReadSlice('\n')
			if len(line)+len(chunk) > MaxLine {
				long = true
			} else {
				line = append(line, chunk...)
			}
			if err != bufio.ErrBufferFull {
				break
			}
		}
		if err != nil && err != io.EOF {
			return warnings, msg.PathError.Err(name, err)
		}
		if len(line) == 0 && !long {
			break
		}
		complete := err == nil
		text := bytes.TrimSpace(line)
		if len(text) == 0 && !long {
			if err == io.EOF {
				break
			}
			continue
		}
		if pending.M != nil {
			warnings = append(warnings, pending)
			pending = msg.Text{}
		}
		var e Entry
		var perr error
		if !long {
			perr = json.Unmarshal(text, &e)
		}
		switch {
		case !complete:
			// Only the last line can lack its newline.
			warnings = append(warnings, msg.SchedTorn.With(name))
		case long:
			pending = msg.JournalLongLineNo.With(name, n, MaxLine)
			continue
		case perr != nil:
			pending = msg.SchedBadLine.With(name, n, shortened{perr})
			continue
		default:
			fn(e)
		}
		if err == io.EOF {
			break
		}
	}
	if pending.M != nil {
		// The last newline-terminated line did not parse: torn as well.
		warnings = append(warnings, msg.SchedTorn.With(name))
	}
	return warnings, nil
}

// Tail returns the last n entries of the journal, oldest first, reading
// the file backwards from its end: the time and memory it takes depend on
// n, not on the journal's length (/runs and `runs --last N`). Warnings are
// as Read's, for the lines it went through.
func (j *Journal) Tail(n int) ([]Entry, []msg.Text, error) {
	f, err := j.open()
	if f == nil || err != nil || n <= 0 {
		if f != nil {
			f.Close()
		}
		return nil, nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	name := filepath.Base(j.Path)
	br := &backReader{r: f}
	var (
		entries  []Entry
		warnings []msg.Text // newest first, reversed at the end
	)
	end := st.Size() // the current line is [start, end)
	last := true
	for end > 0 && len(entries) < n {
		start, ok, err := br.lineStart(end)
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			// Not a journal line, and its start may be anywhere: what lies
			// before it is not read, so that one huge line cannot make
			// this read the whole file.
			warnings = append(warnings, msg.JournalLongLine.With(name, end, MaxLine))
			break
		}
		line := make([]byte, end-start)
		if _, err := f.ReadAt(line, start); err != nil {
			return nil, nil, err
		}
		complete := line[len(line)-1] == '\n'
		text := bytes.TrimSpace(line)
		end = start
		if len(text) == 0 {
			continue
		}
		var e Entry
		perr := json.Unmarshal(text, &e)
		switch {
		case last && (!complete || perr != nil):
			warnings = append(warnings, msg.SchedTorn.With(name))
		case perr != nil:
			warnings = append(warnings, msg.JournalBadLine.With(name, start, shortened{perr}))
		default:
			entries = append(entries, e)
		}
		last = false
	}
	slices.Reverse(entries)
	slices.Reverse(warnings)
	return entries, warnings, nil
}

// backReader finds line starts in a file read backwards, a block at a time.
type backReader struct {
	r   io.ReaderAt
	buf []byte
	off int64 // the file offset of buf[0]
}

const backBlock = 64 << 10

// lineStart returns the offset where the line ending at end (exclusive,
// its newline included) starts: just after the newline before it, or 0.
// It looks back no further than MaxLine bytes: ok is false for a longer
// line.
func (b *backReader) lineStart(end int64) (start int64, ok bool, err error) {
	lo := max(0, end-MaxLine-1) // where the newline before a line of MaxLine bytes is
	pos := end - 1              // the line's last byte, its own newline if it has one
	for pos > lo {
		if pos <= b.off || pos > b.off+int64(len(b.buf)) {
			if err := b.fill(pos); err != nil {
				return 0, false, err
			}
		}
		from := max(lo, b.off)
		if i := bytes.LastIndexByte(b.buf[from-b.off:pos-b.off], '\n'); i >= 0 {
			return from + int64(i) + 1, true, nil
		}
		pos = from
	}
	if lo == 0 {
		return 0, true, nil
	}
	return 0, false, nil
}

// fill reads the block of the file that ends at pos.
func (b *backReader) fill(pos int64) error {
	off := max(0, pos-backBlock)
	if cap(b.buf) < backBlock {
		b.buf = make([]byte, backBlock)
	}
	b.buf = b.buf[:pos-off]
	if _, err := b.r.ReadAt(b.buf, off); err != nil && err != io.EOF {
		return err
	}
	b.off = off
	return nil
}

// shortened is an error rendered at most 120 bytes long.
type shortened struct{ err error }

func (s shortened) Localize(l msg.Lang) string {
	t := msg.Localize(s.err, l)
	if len(t) > 120 {
		cut := 120
		for cut > 0 && !utf8.RuneStart(t[cut]) {
			cut-- // not in the middle of a character
		}
		return t[:cut] + "…"
	}
	return strings.TrimSpace(t)
}
