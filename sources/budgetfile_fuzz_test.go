package sources

import (
	"bytes"
	"testing"

	"fundalloc/allocation"
)

// FuzzReadBudget feeds the budget JSON reader arbitrary bytes. It must
// never panic, and whatever it accepts must be a budget: categories unique,
// every line of a known unit and category with an amount above zero, and
// every category conserved (lines plus unallocated equal the pool).
func FuzzReadBudget(f *testing.F) {
	f.Add([]byte(goodBudget))
	f.Add([]byte(`{"fiscal_year": 2026, "categories": ["charity"], "lines": [{"unit": "S1", "category": "charity", "stage": "demand", "status": "allocated", "amount": "1.00"}]}`))
	f.Add([]byte(`{"fiscal_year": 2026, "categories": ["a", "a"], "lines": []}`))
	f.Add([]byte(`{"lines": [{"unit": "S1"}], "params": {"a": [[{"code": "x"}]]}}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		bf, err := ReadBudgetFile("b.json", bytes.NewReader(data), 1<<20)
		if err != nil {
			return
		}
		p := bf.Plan
		nc := len(p.Categories)
		seen := map[string]bool{}
		for _, c := range p.Categories {
			if seen[c] {
				t.Fatalf("category %q twice", c)
			}
			seen[c] = true
		}
		if len(p.Pool) != nc || len(p.Unallocated) != nc {
			t.Fatalf("%d categories, %d pool entries, %d unallocated", nc, len(p.Pool), len(p.Unallocated))
		}
		sums := make([]allocation.Fen, nc)
		for _, l := range p.Lines {
			if int(l.Category) >= nc || int(l.Unit) >= len(p.Units) || l.Amount <= 0 || l.Stage >= allocation.NumStages {
				t.Fatalf("line %+v of %d categories and %d units", l, nc, len(p.Units))
			}
			sums[l.Category] += l.Amount
		}
		for c := range nc {
			if sums[c]+p.Unallocated[c] != p.Pool[c].Total {
				t.Fatalf("category %s: lines %s + unallocated %s != pool %s", p.Categories[c], sums[c], p.Unallocated[c], p.Pool[c].Total)
			}
		}
		var total allocation.Fen
		for _, a := range bf.Annual() {
			total += a.Annual
		}
		var all allocation.Fen
		for _, s := range sums {
			all += s
		}
		if total != all {
			t.Fatalf("annual sums to %s, lines to %s", total, all)
		}
		if bf.Recorded && bf.Rules == nil {
			t.Fatal("recorded without rules")
		}
	})
}
