package reports

import (
	"io"
	"strconv"
	"unicode/utf8"

	"fundalloc/allocation"
	"fundalloc/reports/msg"
	"fundalloc/sources"
)

// Input is one input file and its SHA-256, as listed in the outputs.
type Input struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

// WriteBudgetJSON writes the budget JSON of DESIGN §6.1: fiscal year,
// categories, pool, lines (in the plan's order: stage, unit code, category),
// unallocated, warnings and inputs. Amounts are strings with two decimals.
// The warnings are in words, in language ("zh" or "en"), naming categories
// by cats (in the plan's order). It streams: one object per line, so a
// national plan needs no second copy in memory.
func WriteBudgetJSON(w io.Writer, year int, p *allocation.Plan, inputs []Input, language string, cats []sources.Category) error {
	l := msg.Of(language)
	j := &jsonWriter{w: w, buf: make([]byte, 0, 64<<10)}
	j.raw("{\n  \"fiscal_year\": ")
	j.buf = strconv.AppendInt(j.buf, int64(year), 10)
	j.raw(",\n  \"categories\": [")
	for i, c := range p.Categories {
		if i > 0 {
			j.raw(", ")
		}
		j.str(c)
	}
	j.raw("],\n  \"pool\": [")
	for c, e := range p.Pool {
		j.sep(c)
		j.raw(`{"category": `)
		j.str(p.Categories[c])
		j.field("total", e.Total)
		j.field("designated", e.Designated)
		j.field("pooled", e.Pooled)
		j.raw("}")
	}
	j.end()
	j.raw(",\n  \"lines\": [")
	for i := range p.Lines {
		l := &p.Lines[i]
		u := &p.Units[l.Unit]
		j.sep(i)
		j.raw(`{"unit": `)
		j.str(u.Code)
		j.raw(`, "tier": `)
		j.str(u.Tier.String())
		j.raw(`, "category": `)
		j.str(p.Categories[l.Category])
		j.raw(`, "stage": `)
		j.str(l.Stage.String())
		j.raw(`, "status": `)
		j.str(l.Status.String())
		j.field("amount", l.Amount)
		j.raw("}")
		if err := j.flushIfFull(); err != nil {
			return err
		}
	}
	j.end()
	j.raw(",\n  \"unallocated\": [")
	for c, a := range p.Unallocated {
		j.sep(c)
		j.raw(`{"category": `)
		j.str(p.Categories[c])
		j.field("amount", a)
		j.raw("}")
	}
	j.end()
	j.raw(",\n  \"warnings\": [")
	for i, wn := range p.Warnings {
		j.sep(i)
		j.str(WarningText(p, cats, wn).Localize(l))
	}
	j.end()
	j.raw(",\n  \"inputs\": [")
	for i, in := range inputs {
		j.sep(i)
		j.raw(`{"path": `)
		j.str(in.Path)
		j.raw(`, "sha256": `)
		j.str(in.SHA256)
		j.raw("}")
	}
	j.end()
	j.raw("\n}\n")
	return j.flush()
}

// jsonWriter appends JSON text to a buffer and flushes it in large chunks.
type jsonWriter struct {
	w     io.Writer
	buf   []byte
	err   error
	items bool // the current array has items
}

func (j *jsonWriter) raw(s string) { j.buf = append(j.buf, s...) }

// sep starts array item i on its own line.
func (j *jsonWriter) sep(i int) {
	if i > 0 {
		j.buf = append(j.buf, ',')
	}
	j.buf = append(j.buf, "\n    "...)
	j.items = true
}

// end closes an array, on its own line when it had items.
func (j *jsonWriter) end() {
	if j.items {
		j.buf = append(j.buf, "\n  "...)
	}
	j.buf = append(j.buf, ']')
	j.items = false
}

func (j *jsonWriter) field(name string, v allocation.Fen) {
	j.buf = append(j.buf, ", \""...)
	j.buf = append(j.buf, name...)
	j.buf = append(j.buf, "\": \""...)
	j.buf, _ = v.AppendText(j.buf)
	j.buf = append(j.buf, '"')
}

func (j *jsonWriter) str(s string) { j.buf = AppendJSONString(j.buf, s) }

func (j *jsonWriter) flushIfFull() error {
	if len(j.buf) >= 48<<10 {
		return j.flush()
	}
	return nil
}

func (j *jsonWriter) flush() error {
	if j.err == nil && len(j.buf) > 0 {
		_, j.err = j.w.Write(j.buf)
		j.buf = j.buf[:0]
	}
	return j.err
}

const hexDigits = "0123456789abcdef"

// AppendJSONString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD,
// as encoding/json does.
func AppendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0 // s[start:i] is plain and not yet appended
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonPlain[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			if r == utf8.RuneError {
				b = append(b, `\ufffd`...)
			} else {
				b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			}
			start = i + size
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// jsonPlain marks the ASCII bytes a JSON string holds as they are.
var jsonPlain = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()
