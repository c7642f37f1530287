package reports

import (
	"fmt"
	"testing"

	"fundalloc/allocation"
)

func TestSentenceIsTheMessage(t *testing.T) {
	for _, l := range []lang{zh, en} {
		for key, n := range map[string]int{"basis.demand": 6, "basis.keep": 2, "basis.rooms": 5, "basis.scaled": 2, "basis.fund": 2} {
			s := newSentence(l, key, n)
			if !s.ok {
				t.Errorf("%s (%d): %s not split", key, l, key)
				continue
			}
			args := make([]string, n)
			anys := make([]any, n)
			for i := range args {
				args[i] = fmt.Sprintf("<%d%%>", i+1)
				anys[i] = args[i]
			}
			if got, want := string(s.appendTo(nil, args...)), l.t(key, anys...); got != want {
				t.Errorf("%s (%d) = %q, want %q", key, l, got, want)
			}
		}
		// Forms it cannot split, or arguments they do not use.
		for key, n := range map[string]int{"basis.baseline": 4, "basis.more": 3, "basis.keep": 3} {
			if newSentence(l, key, n).ok {
				t.Errorf("%s (%d) with %d arguments was split", key, l, n)
			}
		}
	}
}

func TestBasisWriterIsBasis(t *testing.T) {
	bb := testBudget(t)
	stages := map[allocation.Stage]int{}
	kept := 0
	for _, language := range []string{"zh", "en"} {
		b := &book{l: langOf(language)}
		drivers := b.driverNames(bb.Plan.Drivers)
		w := b.newBasisWriter(bb, drivers)
		for i := range bb.Plan.Lines {
			ln := &bb.Plan.Lines[i]
			if got, want := w.line(ln), b.basis(bb, drivers, ln); got != want {
				t.Errorf("%s line %d: %q, want %q", language, i, got, want)
			}
			stages[ln.Stage]++
			if ln.Stage == allocation.Demand && ln.Basis.Granted != ln.Amount {
				kept++
			}
		}
	}
	if stages[allocation.Demand] == 0 || stages[allocation.Rooms] == 0 || kept == 0 {
		t.Errorf("the budget has no demand, rooms or kept lines to compare: %v, %d kept", stages, kept)
	}
}
