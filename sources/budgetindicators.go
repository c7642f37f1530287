package sources

import (
	"cmp"
	"fmt"
	"maps"
	"slices"

	"fundalloc/allocation"
	"fundalloc/reports/msg"
)

// rawIndicator is one indicator as read.
type rawIndicator struct {
	unit, category string
	status         allocation.Status
	unallocated    bool
	source         allocation.Source
	amount         allocation.Fen
	index          int
	bad            bool
}

// indicator reads indicators[i] (DESIGN §6.1, §12).
func (r *budgetReader) indicator(i int) error {
	var x struct {
		Unit       string `json:"unit"`
		Category   string `json:"category"`
		Status     string `json:"status"`
		FundType   string `json:"fund_type"`
		FundSource string `json:"fund_source"`
		DocumentNo string `json:"document_no"`
		Amount     string `json:"amount"`
	}
	bad, err := r.element("indicators", i, &x)
	if err != nil {
		return err
	}
	ri := rawIndicator{unit: x.Unit, category: x.Category, index: i, bad: bad}
	at := func(field string) string { return fmt.Sprintf("indicators[%d].%s", i, field) }
	var ok bool
	if x.Status == allocation.Unallocated {
		ri.unallocated = true
	} else if ri.status, ok = statusOf[x.Status]; !ok {
		r.enum(at("status"), x.Status, nameList(statusOf)+", "+allocation.Unallocated)
		ri.bad = true
	}
	ft, ok := fundTypeOf[x.FundType]
	if !ok {
		r.enum(at("fund_type"), x.FundType, nameList(fundTypeOf))
		ri.bad = true
	}
	fs, ok := fundSourceOf[x.FundSource]
	if !ok {
		r.enum(at("fund_source"), x.FundSource, nameList(fundSourceOf))
		ri.bad = true
	}
	ri.source = allocation.Source{Type: ft, From: fs, Document: x.DocumentNo}
	if ri.amount, ok = r.positive(at("amount"), x.Amount); !ok {
		ri.bad = true
	}
	if ri.unallocated != (x.Unit == "") {
		if x.Unit == "" {
			r.add(msg.BudgetMissing, ErrRequired, at("unit"))
		} else {
			r.add(msg.BudgetUnallocatedUnit, ErrBadEnum, at("unit"), x.Unit)
		}
		ri.bad = true
	}
	r.inds = append(r.inds, ri)
	return nil
}

// checkIndicators checks the indicators against the lines: per unit,
// category and status they sum to its lines, per category the unallocated
// ones to its unallocated money; every unit and category is the budget's.
func (r *budgetReader) checkIndicators(bf *BudgetFile, catIndex map[string]int, unitOf map[string]int32) {
	p := bf.Plan
	type key struct {
		unit, cat int32
		status    allocation.Status
	}
	lines, got := map[key]allocation.Fen{}, map[key]allocation.Fen{}
	for _, l := range p.Lines {
		lines[key{l.Unit, l.Category, l.Status}] += l.Amount // bounded by the checked total
	}
	unal := make([]allocation.Fen, len(p.Categories))
	out := make([]allocation.Indicator, 0, len(r.inds))
	srcs := make([]allocation.Source, 0, len(r.inds))
	for _, x := range r.inds {
		at := func(field string) string { return fmt.Sprintf("indicators[%d].%s", x.index, field) }
		c, ok := catIndex[x.category]
		if !ok {
			r.add(msg.BudgetCategory, ErrUnknownCategory, at("category"), x.category)
			x.bad = true
		}
		u := int32(-1)
		if !x.unallocated {
			if u, ok = unitOf[x.unit]; !ok {
				r.add(msg.BudgetUnit, ErrUnknownUnit, at("unit"), x.unit)
				x.bad = true
			}
		}
		if x.bad {
			continue
		}
		a := min(x.amount, maxAmount) // a sum past the pool is a mismatch, never an overflow
		if x.unallocated {
			unal[c] = min(unal[c]+a, maxAmount+1)
		} else {
			k := key{u, int32(c), x.status}
			got[k] = min(got[k]+a, maxAmount+1)
		}
		out = append(out, allocation.Indicator{Unit: u, Category: int32(c), Status: x.status, Amount: x.amount})
		srcs = append(srcs, x.source)
	}
	if r.p.Len() > 0 {
		return
	}
	keys := slices.SortedFunc(maps.Keys(lines), func(a, b key) int {
		return cmp.Or(cmp.Compare(a.unit, b.unit), cmp.Compare(a.cat, b.cat), cmp.Compare(a.status, b.status))
	})
	for _, k := range keys {
		if got[k] != lines[k] {
			r.add(msg.BudgetIndicatorsUnit, ErrBadAmount, "indicators", p.Units[k.unit].Code, p.Categories[k.cat], k.status.String(), got[k], lines[k])
		}
		delete(got, k)
	}
	for _, k := range slices.SortedFunc(maps.Keys(got), func(a, b key) int {
		return cmp.Or(cmp.Compare(a.unit, b.unit), cmp.Compare(a.cat, b.cat), cmp.Compare(a.status, b.status))
	}) {
		r.add(msg.BudgetIndicatorsUnit, ErrBadAmount, "indicators", p.Units[k.unit].Code, p.Categories[k.cat], k.status.String(), got[k], allocation.Fen(0))
	}
	for c := range unal {
		if unal[c] != p.Unallocated[c] {
			r.add(msg.BudgetIndicatorsUnal, ErrBadAmount, "indicators", p.Categories[c], unal[c], p.Unallocated[c])
		}
	}
	bf.Indicators = allocation.NewIndicatorTable(out, srcs)
}
