package allocation

import (
	"cmp"
	"slices"
)

// Prior is a plan set against last year's budget (DESIGN §7.1), units and
// categories matched by code: what each unit and each category had last
// year, which units are new, and last year's units that are gone.
type Prior struct {
	// Unit is last year's total of each of the plan's units (by index into
	// Plan.Units); New marks the units last year did not have.
	Unit []Fen
	New  []bool
	// Category is last year's total of each of the plan's categories.
	Category []Fen
	// Closed are last year's units the plan no longer has, by code, with
	// what they had.
	Closed []ClosedUnit
	// Dropped is what last year's categories the plan no longer has held,
	// in total (by code, in last year's order).
	Dropped []DroppedCategory
}

// ClosedUnit is a unit of last year's budget that is gone (撤销).
type ClosedUnit struct {
	Unit  Unit // as last year's budget recorded it
	Total Fen
}

// DroppedCategory is a category of last year's budget that is gone.
type DroppedCategory struct {
	Code  string
	Total Fen
}

// ComparePrior sets plan against last year's budget. Totals are the sums
// of the lines, allocated and reserved.
func ComparePrior(plan *Plan, last *Budget) *Prior {
	lp := last.Plan
	pr := &Prior{Unit: make([]Fen, len(plan.Units)), New: make([]bool, len(plan.Units)), Category: make([]Fen, len(plan.Categories))}
	unitTotal := make([]Fen, len(lp.Units))
	catTotal := make([]Fen, len(lp.Categories))
	for _, l := range lp.Lines {
		unitTotal[l.Unit] += l.Amount // a budget's lines add up to its pools: no overflow
		catTotal[l.Category] += l.Amount
	}
	// Both unit lists are sorted by code: walk them together.
	i, j := 0, 0
	for i < len(plan.Units) || j < len(lp.Units) {
		switch {
		case j == len(lp.Units) || i < len(plan.Units) && plan.Units[i].Code < lp.Units[j].Code:
			pr.New[i] = true
			i++
		case i == len(plan.Units) || lp.Units[j].Code < plan.Units[i].Code:
			pr.Closed = append(pr.Closed, ClosedUnit{Unit: lp.Units[j], Total: unitTotal[j]})
			j++
		default:
			pr.Unit[i] = unitTotal[j]
			i++
			j++
		}
	}
	for c, code := range lp.Categories {
		if k := slices.Index(plan.Categories, code); k >= 0 {
			pr.Category[k] = catTotal[c]
		} else {
			pr.Dropped = append(pr.Dropped, DroppedCategory{Code: code, Total: catTotal[c]})
		}
	}
	slices.SortStableFunc(pr.Closed, func(a, b ClosedUnit) int { return cmp.Compare(a.Unit.Code, b.Unit.Code) })
	return pr
}
