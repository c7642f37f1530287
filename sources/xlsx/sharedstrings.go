package xlsx

import (
	"archive/zip"
	"context"
	"strconv"
	"strings"
	"unicode/utf8"

	"fundalloc/reports/msg"
)

// The shared strings: the workbook's table of cell texts, the one part read
// whole, before the first row.

// ctxItems is how many shared strings are read between two looks at the
// context: a few milliseconds of work, so that an interrupt ends a read
// within a second.
const ctxItems = 4096

// loadSharedStrings reads the shared strings the workbook's relationships
// name, else xl/sharedStrings.xml; nil when there are none.
func (f *File) loadSharedStrings(ctx context.Context) (*sharedStrings, error) {
	p := f.p
	name := ""
	for _, rl := range f.rels {
		if strings.HasSuffix(rl.typ, "/sharedStrings") {
			name = rl.target
			break
		}
	}
	var part *zip.File
	if name != "" {
		part = p.lookup(name)
	}
	if part == nil {
		part = p.lookup("xl/sharedStrings.xml")
	}
	if part == nil {
		return nil, nil
	}
	return p.readSharedStrings(ctx, part)
}

// sharedStrings is the workbook's string table, kept lean: all the text in
// one string and where each item ends, 8 bytes an item on top of its text.
type sharedStrings struct {
	all  string
	ends []int
	bad  map[int]error // index → why a cell can't use it (too long, not UTF-8)
}

func (t *sharedStrings) len() int { return len(t.ends) }

// get returns item i, which must exist; slicing a string doesn't allocate.
func (t *sharedStrings) get(i int) string {
	start := 0
	if i > 0 {
		start = t.ends[i-1]
	}
	return t.all[start:t.ends[i]]
}

// readSharedStrings reads sharedStrings.xml. A string longer than
// lim.MaxFieldBytes is not kept, only noted, so that a hostile table costs
// little; the error comes when a cell uses it. The table is held whole, so
// it may take at most lim.SharedStrings bytes: without that bound a few
// megabytes of zip inflate to gigabytes of strings, or of empty <si/>
// items at 8 bytes each, held in memory before the first row is read.
func (p *pkg) readSharedStrings(ctx context.Context, f *zip.File) (*sharedStrings, error) {
	sst := &sharedStrings{}
	var all strings.Builder
	var ends []int
	var item []byte
	max := p.lim.MaxFieldBytes
	held := p.lim.SharedStrings
	err := p.readPart(f, func(s *xmlScanner) error {
		if err := s.root("sst"); err != nil {
			return err
		}
		if v, ok, err := s.attr("uniqueCount"); err == nil && ok {
			if n, err := strconv.Atoi(string(v)); err == nil && n > 0 {
				ends = make([]int, 0, min(n, 1<<20))
			}
		}
		return s.walk(func(level int) error {
			if level != 2 || !s.is("si") {
				return nil
			}
			i := len(ends)
			if i%ctxItems == ctxItems-1 && ctx != nil && ctx.Err() != nil {
				return msg.SrcInterrupted.Wrap(ctx.Err())
			}
			item = item[:0]
			if !s.self {
				var err error
				var over bool
				if item, over, err = s.readStringItem(item, max); err != nil {
					return err
				}
				if over {
					sst.note(i, fieldTooLong(max))
					item = item[:0]
					if err := s.skipOut(level); err != nil {
						return err
					}
				}
			}
			item = unescapeXstring(item) // never longer
			if !utf8.Valid(item) {
				sst.note(i, s.damaged(msg.SrcXMLSharedUTF8.With(i)))
				item = item[:0]
			}
			if held > 0 && int64(all.Len())+int64(len(item))+8*int64(len(ends)+1) > held {
				return msg.SrcSharedStrings.Wrap(ErrLimit, held)
			}
			all.Write(item)
			ends = append(ends, all.Len())
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	sst.all, sst.ends = all.String(), ends
	return sst, nil
}

func (t *sharedStrings) note(i int, err error) {
	if t.bad == nil {
		t.bad = make(map[int]error)
	}
	t.bad[i] = err
}
