package reports

import (
	"strconv"
	"strings"

	"fundalloc/allocation"
	"fundalloc/reports/msg"
)

// sentence is a message whose form has only %s and %[n]s verbs, split
// once into its text and the arguments between, so that a sentence written
// for every line of a national budget is put together by appending strings
// rather than by fmt.Sprintf, which boxes every argument. It gives what
// l.t gives for string arguments that are not Localizers; a form with any
// other verb, or one that does not use every argument, is not split (ok is
// false) and the caller uses l.t.
type sentence struct {
	lit []string // lit[i] comes before argument arg[i]; the last one after the last
	arg []int
	ok  bool
}

func newSentence(l lang, key string, nargs int) sentence {
	f := msg.Get(key).Form(msg.Lang(l))
	var s sentence
	used := make([]bool, nargs)
	next, start := 0, 0
	for i := 0; i < len(f); i++ {
		if f[i] != '%' {
			continue
		}
		j, n := i+1, next
		if j < len(f) && f[j] == '[' {
			k := strings.IndexByte(f[j:], ']')
			if k < 0 {
				return sentence{}
			}
			v, err := strconv.Atoi(f[j+1 : j+k])
			if err != nil || v < 1 || v > nargs {
				return sentence{}
			}
			n, j = v-1, j+k+1
		}
		if j >= len(f) || f[j] != 's' || n >= nargs {
			return sentence{}
		}
		s.lit = append(s.lit, f[start:i])
		s.arg = append(s.arg, n)
		used[n] = true
		next, start, i = n+1, j+1, j
	}
	for _, u := range used {
		if !u {
			return sentence{}
		}
	}
	s.lit = append(s.lit, f[start:])
	s.ok = true
	return s
}

// appendTo appends the sentence with args to b.
func (s *sentence) appendTo(b []byte, args ...string) []byte {
	for i, n := range s.arg {
		b = append(b, s.lit[i]...)
		b = append(b, args[n]...)
	}
	return append(b, s.lit[len(s.lit)-1]...)
}

// basisWriter writes the basis of lines (book.basis) for the Lines sheet:
// the sentences of the demand and rooms stages, nearly every line of a
// big plan, from split sentences and with the texts that many lines share
// (a pot, a total weight, the rooms share) made once; every other line
// through book.basis. It gives what book.basis gives.
type basisWriter struct {
	b                   *book
	bb                  *Budget
	drivers             []string
	demand, keep, rooms sentence
	share               string    // the rooms share, as basis.keep shows it
	totals              []string  // by Basis.Ref: the total weight grouped, "" until needed
	pots                []potText // by Basis.Ref: the pot last seen, in yuan
	buf                 []byte
}

type potText struct {
	pot  allocation.Fen
	text string // Yuan(pot), "" until needed
}

func (b *book) newBasisWriter(bb *Budget, drivers []string) *basisWriter {
	return &basisWriter{b: b, bb: bb, drivers: drivers,
		demand: newSentence(b.l, "basis.demand", 6), keep: newSentence(b.l, "basis.keep", 2), rooms: newSentence(b.l, "basis.rooms", 5),
		share: decimals(bb.Rules.Rooms.Share.String(), 2), totals: make([]string, len(bb.Plan.Totals)), pots: make([]potText, len(bb.Plan.Totals))}
}

func (w *basisWriter) total(ref int) string {
	if w.totals[ref] == "" {
		w.totals[ref] = group(w.bb.Plan.Totals[ref].String())
	}
	return w.totals[ref]
}

// yuanPot is Yuan(f) for the pot of a line with reference ref: the lines
// of one reference share their pot.
func (w *basisWriter) yuanPot(ref int32, f allocation.Fen) string {
	p := &w.pots[ref]
	if p.text == "" || p.pot != f {
		p.pot, p.text = f, Yuan(f)
	}
	return p.text
}

// line returns ln's basis.
func (w *basisWriter) line(ln *allocation.Line) string {
	bs := &ln.Basis
	switch {
	case ln.Stage == allocation.Demand && w.demand.ok && w.keep.ok:
		w.buf = w.demand.appendTo(w.buf[:0], w.yuanPot(bs.Ref, bs.Pot), group(bs.Weight().String()), w.drivers[bs.Driver],
			group(bs.Value().String()), decimals(bs.Factor().String(), 2), w.total(int(bs.Ref)))
		if bs.Granted != ln.Amount {
			w.buf = w.keep.appendTo(w.buf[:0], string(w.buf), w.share)
		}
		return string(w.buf)
	case ln.Stage == allocation.Rooms && w.rooms.ok:
		w.buf = w.rooms.appendTo(w.buf[:0], w.bb.Plan.Units[bs.From].Code, w.yuanPot(bs.Ref, bs.Pot), w.drivers[bs.Driver],
			group(bs.Value().String()), w.total(int(bs.Ref)))
		return string(w.buf)
	}
	return w.b.basis(w.bb, w.drivers, ln)
}
