package sources

import (
	"encoding/json"
	"io"

	"fundalloc/allocation"
)

// BudgetFile is a budget JSON written earlier (DESIGN §6.1), read back as
// the budget of record for a reconciliation.
type BudgetFile struct {
	FiscalYear int
	Categories []string
	Lines      []BudgetLine
}

// BudgetLine is one line of a budget JSON.
type BudgetLine struct {
	Unit, Tier, Category, Stage, Status string
	Amount                              allocation.Fen
}

// ReadBudgetFile reads and checks a budget JSON: every amount exact with
// two decimals, every line's category among the file's categories.
func ReadBudgetFile(name string, r io.Reader) (*BudgetFile, error) {
	var doc struct {
		FiscalYear *int     `json:"fiscal_year"`
		Categories []string `json:"categories"`
		Lines      []struct {
			Unit     string `json:"unit"`
			Tier     string `json:"tier"`
			Category string `json:"category"`
			Stage    string `json:"stage"`
			Status   string `json:"status"`
			Amount   string `json:"amount"`
		} `json:"lines"`
	}
	dec := json.NewDecoder(r)
	if err := dec.Decode(&doc); err != nil {
		return nil, &Error{File: name, Err: wrapf(ErrUnreadable, "not a budget JSON: %v", err)}
	}
	var p Problems
	if doc.FiscalYear == nil || len(doc.Categories) == 0 {
		p.Add(&Error{File: name, Err: wrapf(ErrRequired, "not a budget JSON: fiscal_year and categories are required")})
		return nil, p.Err()
	}
	cats := map[string]bool{}
	for _, c := range doc.Categories {
		cats[c] = true
	}
	bf := &BudgetFile{FiscalYear: *doc.FiscalYear, Categories: doc.Categories}
	for i, l := range doc.Lines {
		v, err := ParseAmount(l.Amount)
		switch {
		case err != nil:
			p.Add(&Error{File: name, Err: wrapf(ErrBadAmount, "lines[%d]: amount %q %v", i, l.Amount, err)})
		case v < 0:
			p.Add(&Error{File: name, Err: wrapf(ErrBadAmount, "lines[%d]: amount %q is negative", i, l.Amount)})
		}
		if !cats[l.Category] {
			p.Add(&Error{File: name, Err: wrapf(ErrUnknownCategory, "lines[%d]: category %q is not in its categories", i, l.Category)})
		}
		if l.Unit == "" {
			p.Add(&Error{File: name, Err: wrapf(ErrRequired, "lines[%d]: unit is empty", i)})
		}
		bf.Lines = append(bf.Lines, BudgetLine{Unit: l.Unit, Tier: l.Tier, Category: l.Category, Stage: l.Stage, Status: l.Status, Amount: v})
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return bf, nil
}

// Annual sums the file's lines per unit and category, for the core.
func (b *BudgetFile) Annual() []allocation.Budgeted {
	index := map[string]int{}
	for i, c := range b.Categories {
		index[c] = i
	}
	type key struct {
		unit string
		cat  int
	}
	sums := map[key]allocation.Fen{}
	var order []key
	for _, l := range b.Lines {
		k := key{l.Unit, index[l.Category]}
		if _, ok := sums[k]; !ok {
			order = append(order, k)
		}
		sums[k] += l.Amount
	}
	out := make([]allocation.Budgeted, len(order))
	for i, k := range order {
		out[i] = allocation.Budgeted{Unit: k.unit, Category: k.cat, Annual: sums[k]}
	}
	return out
}
