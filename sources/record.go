package sources

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"fundalloc/allocation"
	"fundalloc/reports/msg"
)

// Record is one line of the record of versions, record/record.jsonl
// (DESIGN §10): one approval of a budget, with the hashes that make the
// record tamper-evident. Fields are only ever added.
type Record struct {
	Version  string                `json:"version"`  // v1, v2 …, counted per year
	Year     int                   `json:"year"`     // the fiscal year
	Approved string                `json:"approved"` // the approval date, YYYY-MM-DD
	Recorded string                `json:"recorded"` // when fundalloc recorded it, RFC 3339
	DocNo    string                `json:"doc_no"`   // the approving document's number
	Note     string                `json:"note"`
	SHA256   string                `json:"sha256"`      // of budget-<year>-vN.json
	XLSX     string                `json:"xlsx_sha256"` // of budget-<year>-vN.xlsx, as stamped
	Inputs   []allocation.FileHash `json:"inputs"`      // the budget's inputs and their hashes
	Parent   string                `json:"parent"`      // the previous version of the year; "" for v1
	// ParentSHA256 is the parent's SHA256; PrevRecordSHA256 the SHA-256
	// of the record's previous line (any year), without its newline, so
	// that no line can be changed or removed unnoticed but the newest.
	ParentSHA256     string `json:"parent_sha256"`
	PrevRecordSHA256 string `json:"prev_record_sha256"`
}

// RecordLine is a record line as read: the record, its line number in the
// file, the SHA-256 of its bytes, and its version number and date.
type RecordLine struct {
	Record
	Line int
	Hash string
	N    int       // the version's number: 2 for v2
	Date time.Time // Approved, at midnight UTC
}

// Approval returns the line as the allocation core's Approval.
func (l *RecordLine) Approval() allocation.Approval {
	return allocation.Approval{Version: l.N, Approved: l.Date}
}

// File returns the name of the version's file with the given extension
// (".json" or ".xlsx") in the record folder: budget-2026-v2.json.
func (r *Record) File(ext string) string { return VersionFile(r.Year, r.Version, ext) }

// VersionFile names a version's file: budget-<year>-<version><ext>.
func VersionFile(year int, version, ext string) string {
	return fmt.Sprintf("budget-%d-%s%s", year, version, ext)
}

// ParseVersion reads "v3" as 3; anything else is 0, false.
func ParseVersion(s string) (int, bool) {
	digits, ok := strings.CutPrefix(s, "v")
	if !ok || digits == "" || digits[0] == '0' || !allDigits(digits) || len(digits) > 6 {
		return 0, false
	}
	n, _ := strconv.Atoi(digits)
	return n, true
}

// ReadRecord reads the record of versions, at most maxBytes long. Every
// line must be a valid record; a problem is located by its line number. A
// last line without its newline is what a crash while appending leaves:
// it is not a version, and is returned as a warning instead. A missing
// record (nil r) has no lines.
func ReadRecord(name string, r io.Reader, maxBytes int64) ([]RecordLine, []msg.Text, error) {
	var (
		lines    []RecordLine
		warnings []msg.Text
		p        Problems
	)
	br := bufio.NewReader(&capReader{r: r, left: maxBytes, max: maxBytes})
	for n := 1; ; n++ {
		data, err := br.ReadBytes('\n')
		if errors.Is(err, errTooBig) {
			p.Add(&Error{File: name, Err: msg.BudgetTooBig.Wrap(ErrLimit, maxBytes)})
			return nil, nil, p.Err()
		}
		if err != nil && err != io.EOF {
			p.Add(&Error{File: name, Err: msg.BudgetCannotRead.Wrap(ErrUnreadable, err)})
			return nil, nil, p.Err()
		}
		if len(data) == 0 {
			break
		}
		text := bytes.TrimSuffix(data, []byte("\n"))
		if err == io.EOF { // no newline: torn by a crash
			warnings = append(warnings, msg.RecordTorn.With(name, n))
			break
		}
		if len(bytes.TrimSpace(text)) == 0 {
			p.Add(&Error{File: name, Row: n, Err: msg.RecordBlank.Wrap(ErrUnreadable)})
			continue
		}
		l, problem := parseRecord(text)
		if problem != nil {
			p.Add(&Error{File: name, Row: n, Err: problem})
			continue
		}
		sum := sha256.Sum256(text)
		l.Line, l.Hash = n, hex.EncodeToString(sum[:])
		lines = append(lines, l)
	}
	if err := p.Err(); err != nil {
		return nil, nil, err
	}
	return lines, warnings, nil
}

func parseRecord(text []byte) (RecordLine, error) {
	var l RecordLine
	if err := json.Unmarshal(text, &l.Record); err != nil {
		return l, msg.RecordNotJSON.Wrap(ErrUnreadable)
	}
	var ok bool
	if l.N, ok = ParseVersion(l.Version); !ok {
		return l, msg.RecordField.Wrap(ErrBadEnum, "version", l.Version)
	}
	if l.Year < 2000 || l.Year > 2100 {
		return l, msg.RecordField.Wrap(ErrBadNumber, "year", strconv.Itoa(l.Year))
	}
	d, err := time.Parse(time.DateOnly, l.Approved)
	if err != nil {
		return l, msg.RecordField.Wrap(ErrBadEnum, "approved", l.Approved)
	}
	l.Date = d
	for _, h := range []struct{ key, v string }{{"sha256", l.SHA256}, {"xlsx_sha256", l.XLSX}} {
		if !isSHA256(h.v) {
			return l, msg.RecordField.Wrap(ErrBadEnum, h.key, h.v)
		}
	}
	for _, h := range []struct{ key, v string }{{"parent_sha256", l.ParentSHA256}, {"prev_record_sha256", l.PrevRecordSHA256}} {
		if h.v != "" && !isSHA256(h.v) {
			return l, msg.RecordField.Wrap(ErrBadEnum, h.key, h.v)
		}
	}
	return l, nil
}

// ChainError says where the record stops verifying: the version, and why.
type ChainError struct {
	Version string // e.g. v2
	Year    int
	Line    int // the record line, 0 when the problem is a file
	Err     *msg.Error
}

func (e *ChainError) Error() string { return e.Localize(msg.EN) }

// Localize renders the problem in l.
func (e *ChainError) Localize(l msg.Lang) string {
	return msg.RecordBroken.In(l, e.Year, e.Version, e.Err)
}

func (e *ChainError) Unwrap() error { return e.Err }

// VerifyChain checks the chain of the record's lines (DESIGN §10): each
// line names the SHA-256 of the line before it; within a year, versions
// are numbered v1, v2 … in order, each naming its parent and the parent's
// SHA-256, approved no earlier than its parent. It returns the first line
// that breaks the chain as a *ChainError. The files themselves are the
// caller's to hash.
func VerifyChain(lines []RecordLine) error {
	last := map[int]*RecordLine{} // by year: the latest version
	for i := range lines {
		l := &lines[i]
		fail := func(m *msg.Message, args ...any) error {
			return &ChainError{Version: l.Version, Year: l.Year, Line: l.Line, Err: m.Wrap(ErrBadEnum, args...)}
		}
		prev := ""
		if i > 0 {
			prev = lines[i-1].Hash
		}
		if l.PrevRecordSHA256 != prev {
			// Most likely the line before was edited: name its version.
			e := fail(msg.RecordPrevLine, l.Line, l.PrevRecordSHA256, prev).(*ChainError)
			if i > 0 {
				e.Version, e.Year = lines[i-1].Version, lines[i-1].Year
			}
			return e
		}
		p := last[l.Year]
		want, parent, parentSHA := 1, "", ""
		if p != nil {
			want, parent, parentSHA = p.N+1, p.Version, p.SHA256
		}
		switch {
		case l.N != want:
			return fail(msg.RecordNumber, l.Line, fmt.Sprintf("v%d", want))
		case l.Parent != parent || l.ParentSHA256 != parentSHA:
			return fail(msg.RecordParent, l.Line, l.Parent, parent)
		case p != nil && l.Date.Before(p.Date):
			return fail(msg.RecordEarlier, l.Line, l.Approved, p.Version, p.Approved)
		}
		last[l.Year] = l
	}
	return nil
}
