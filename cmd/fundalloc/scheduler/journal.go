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
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"fundalloc/reports/msg"
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

// Hash is a file a run read or wrote, with its SHA-256 in hex.
type Hash struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

// HashFile returns the SHA-256 of the file at path, recorded under name.
func HashFile(path, name string) (Hash, error) {
	f, err := os.Open(path)
	if err != nil {
		return Hash{}, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return Hash{}, msg.PathError.Err(name, err)
	}
	return Hash{Path: name, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
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
	Inputs    []Hash
	Outputs   []Hash
	Error     string
}

// line is an Entry as written; the field order is the journal's.
type line struct {
	Job       string `json:"job"`
	Run       string `json:"run"`
	Period    string `json:"period"`
	Scheduled string `json:"scheduled"`
	Start     string `json:"start"`
	End       string `json:"end"`
	Status    Status `json:"status"`
	Inputs    []Hash `json:"inputs"`
	Outputs   []Hash `json:"outputs"`
	Error     string `json:"error"`
}

func formatTime(t time.Time) string {
	return t.Truncate(time.Millisecond).Format(time.RFC3339Nano)
}

// MarshalJSON writes the entry as a journal line (without the newline).
func (e Entry) MarshalJSON() ([]byte, error) {
	l := line{Job: e.Job, Run: e.Run, Period: e.Period, Scheduled: formatTime(e.Scheduled), Start: formatTime(e.Start),
		End: formatTime(e.End), Status: e.Status, Inputs: e.Inputs, Outputs: e.Outputs, Error: e.Error}
	if l.Inputs == nil {
		l.Inputs = []Hash{}
	}
	if l.Outputs == nil {
		l.Outputs = []Hash{}
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
type Journal struct {
	Path string

	mu sync.Mutex
}

// Append writes one entry as a single write followed by fsync. When the file
// does not end in a newline (a crash tore the last line), the entry starts on
// a new line, so the torn line stays a separate, reportable line and the new
// entry is not lost with it.
func (j *Journal) Append(e Entry) error {
	data, err := json.Marshal(e)
	if err != nil {
		return err
	}
	data = append(data, '\n')
	j.mu.Lock()
	defer j.mu.Unlock()
	// O_RDWR rather than O_WRONLY: the last byte is read to check for a torn line.
	f, err := os.OpenFile(j.Path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return j.fail(err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return j.fail(err)
	}
	if size := st.Size(); size > 0 {
		var last [1]byte
		if _, err := f.ReadAt(last[:], size-1); err == nil && last[0] != '\n' {
			data = append([]byte{'\n'}, data...)
		}
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return j.fail(err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return j.fail(err)
	}
	if err := f.Close(); err != nil {
		return j.fail(err)
	}
	if st.Size() == 0 {
		// The file may be new: make its directory entry durable too.
		if d, err := os.Open(filepath.Dir(j.Path)); err == nil {
			d.Sync()
			d.Close()
		}
	}
	return nil
}

// fail is the error of a journal operation that failed with err.
func (j *Journal) fail(err error) error {
	return msg.SchedJournal.Wrap(err, j.Path, msg.OSReason(err))
}

// Read returns every entry in the journal, oldest first, and a warning for
// every line it skipped. A journal that does not exist yet has no entries.
func (j *Journal) Read() ([]Entry, []msg.Text, error) {
	f, err := os.Open(j.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, j.fail(err)
	}
	defer f.Close()
	return ReadJournal(f, filepath.Base(j.Path))
}

// ReadJournal reads journal lines from r; name is used in warnings. A last
// line without its newline, or that does not parse, is what a crash in the
// middle of a write leaves: it is ignored with a warning. A bad line before
// the last is skipped with a warning that gives its line number.
func ReadJournal(r io.Reader, name string) ([]Entry, []msg.Text, error) {
	var (
		entries  []Entry
		warnings []msg.Text
		pending  msg.Text // the warning for the previous bad line, if any
	)
	br := bufio.NewReader(r)
	for n := 1; ; n++ {
		data, err := br.ReadBytes('\n')
		if err != nil && err != io.EOF {
			return entries, warnings, msg.PathError.Err(name, err)
		}
		if len(data) == 0 {
			break
		}
		complete := data[len(data)-1] == '\n'
		text := bytes.TrimSpace(data)
		if len(text) == 0 {
			continue
		}
		if pending.M != nil {
			warnings = append(warnings, pending)
			pending = msg.Text{}
		}
		var e Entry
		perr := json.Unmarshal(text, &e)
		switch {
		case !complete:
			// Only the last line can lack its newline.
			warnings = append(warnings, msg.SchedTorn.With(name))
		case perr != nil:
			pending = msg.SchedBadLine.With(name, n, shortened{perr})
			continue
		default:
			entries = append(entries, e)
		}
		if err == io.EOF {
			break
		}
	}
	if pending.M != nil {
		// The last newline-terminated line did not parse: torn as well.
		warnings = append(warnings, msg.SchedTorn.With(name))
	}
	return entries, warnings, nil
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
