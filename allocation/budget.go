package allocation

import "slices"

// Budget is a budget as its JSON records it (DESIGN §6.1) and as a diff,
// a revision or a reconciliation reads it back: the plan, and what it was
// computed from. Its lines carry no Basis and its plan no Directed: the JSON
// does not keep them.
type Budget struct {
	Year int
	// Plan holds the categories, the units (sorted by code), the fund lines,
	// the pool, the lines and the unallocated money. A budget written
	// before units were recorded has only the units its lines name, with
	// their code and tier.
	Plan *Plan
	// Rules are the stage parameters, nil when the budget does not record
	// them. Category indexes refer to Plan.
	Rules *Rules
	// Params are the recorded parameters flattened to keys and values in the
	// file's order ("stages.hub.amount" → "1200000.00"), for listing what
	// changed; values are never paths.
	Params []Param
	// Recorded says whether the budget records its inputs (units, fund lines
	// and params); without them a diff can split changes by stage but not
	// give their reasons.
	Recorded bool
}

// FileHash is a file a run read or wrote, with its SHA-256 in hex: the
// inputs a budget JSON and the record of versions list, and the files a
// journal line names.
type FileHash struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

// Param is one recorded parameter: its configuration key and its value as
// text.
type Param struct {
	Key, Value string
}

// SameMoney reports whether two budgets give the same money: the same
// categories, the same lines (stage, unit, category, status and amount),
// pool and unallocated money (DESIGN §10: approving such a draft again is
// refused). Units, fund lines and params may differ: what they changed
// did not move a fen. (Indicators join the comparison when budgets carry
// them.)
func (b *Budget) SameMoney(o *Budget) bool {
	p, q := b.Plan, o.Plan
	if !slices.Equal(p.Categories, q.Categories) || !slices.Equal(p.Pool, q.Pool) ||
		!slices.Equal(p.Unallocated, q.Unallocated) || len(p.Lines) != len(q.Lines) {
		return false
	}
	for i, l := range p.Lines {
		m := q.Lines[i]
		if l.Stage != m.Stage || l.Status != m.Status || l.Category != m.Category || l.Amount != m.Amount ||
			p.Units[l.Unit].Code != q.Units[m.Unit].Code {
			return false
		}
	}
	return true
}
