package allocation

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
)

// Source is where a category's money comes from (DESIGN §12): a fund type,
// a fund source and the document that granted it. Type and From are the
// edges' codes in the order DESIGN §3.2 lists them (fund types from
// general_budget to donation; local before transfer), so sources sort as
// §12 asks: by fund type, then fund source, then document number.
type Source struct {
	Type     uint8
	From     uint8
	Document string // 指标文号; "" when the fund line names none
}

// Compare orders sources by fund type, fund source, then document number
// (byte order).
func (s Source) Compare(t Source) int {
	if c := cmp.Compare(s.Type, t.Type); c != 0 {
		return c
	}
	if c := cmp.Compare(s.From, t.From); c != 0 {
		return c
	}
	return cmp.Compare(s.Document, t.Document)
}

// Indicator is one budget indicator (预算指标): what one unit holds in one
// category from one source, with one status. Unit -1 is the category's
// unallocated money of that source (待分配).
type Indicator struct {
	Unit     int32 // index into Plan.Units, or -1
	Category int32
	Status   Status
	Source   Source
	Amount   Fen // > 0
}

// TooManySourcesError reports a category whose pooled money comes from more
// sources than the limit (DESIGN §12, limits.max_sources).
type TooManySourcesError struct {
	Category int // index into Plan.Categories
	Count    int
	Limit    int
}

func (e *TooManySourcesError) Error() string {
	return fmt.Sprintf("category %d has %d sources, more than %d", e.Category, e.Count, e.Limit)
}

// Indicators splits every line of the plan by source (DESIGN §12).
// sources[i] is the source of p.Funds[i]. A directed line's indicators are
// its designated fund lines (those of its unit and category), each with its
// own source. Every other line draws its amount from its category's pooled
// sources, taken in plan order (stage, unit, category), by Apportion over
// their remaining balances; what each source keeps at the end is an
// indicator of unit -1. Indicators of one unit, category, source and status
// are summed. The result is sorted by unit (unallocated last), category,
// source and status; every amount is whole fen, a unit's indicators of a
// category sum to its lines of that category, and a category's to its pool.
//
// maxSources > 0 bounds the number of pooled sources of a category: more is
// a *TooManySourcesError. A plan whose lines do not match its fund lines (a
// directed line without its fund lines, pooled lines beyond the pooled
// money) is ErrInvariant.
func Indicators(p *Plan, sources []Source, maxSources int) ([]Indicator, error) {
	if len(sources) != len(p.Funds) {
		return nil, errors.New("allocation: one source per fund line needed")
	}
	nc := len(p.Categories)
	unitOf := make(map[string]int32, len(p.Units))
	for i := range p.Units {
		unitOf[p.Units[i].Code] = int32(i)
	}
	// The pooled sources of each category, sorted, with their balances.
	type pool struct {
		src []Source
		bal []Fen
	}
	pools := make([]pool, nc)
	type uc struct{ unit, cat int32 }
	designated := map[uc][]int{}
	for i, f := range p.Funds {
		if f.Category < 0 || f.Category >= nc {
			return nil, fmt.Errorf("allocation: fund line %s: %w", f.ID, ErrInvariant)
		}
		if f.Unit != "" {
			u, ok := unitOf[f.Unit]
			if !ok {
				return nil, fmt.Errorf("allocation: fund line %s names no unit: %w", f.ID, ErrInvariant)
			}
			k := uc{u, int32(f.Category)}
			designated[k] = append(designated[k], i)
			continue
		}
		pl := &pools[f.Category]
		j, found := slices.BinarySearchFunc(pl.src, sources[i], Source.Compare)
		if !found {
			pl.src = slices.Insert(pl.src, j, sources[i])
			pl.bal = slices.Insert(pl.bal, j, 0)
		}
		var err error
		if pl.bal[j], err = pl.bal[j].Add(f.Amount); err != nil {
			return nil, err
		}
	}
	if maxSources > 0 {
		for c := range pools {
			if n := len(pools[c].src); n > maxSources {
				return nil, &TooManySourcesError{Category: c, Count: n, Limit: maxSources}
			}
		}
	}

	type key struct {
		unit, cat int32
		status    Status
		src       Source
	}
	sum := map[key]Fen{}
	add := func(k key, a Fen) {
		if a > 0 {
			sum[k] += a // bounded by the pool, which fits
		}
	}
	for _, l := range p.Lines {
		if l.Stage == Directed {
			var got Fen
			for _, i := range designated[uc{l.Unit, l.Category}] {
				add(key{l.Unit, l.Category, l.Status, sources[i]}, p.Funds[i].Amount)
				got += p.Funds[i].Amount
			}
			if got != l.Amount {
				return nil, fmt.Errorf("allocation: directed line of %s: fund lines give %s, the line %s: %w",
					p.Units[l.Unit].Code, got, l.Amount, ErrInvariant)
			}
			continue
		}
		pl := &pools[l.Category]
		var avail Fen
		for _, b := range pl.bal {
			avail += b
		}
		if l.Amount > avail {
			return nil, fmt.Errorf("allocation: %s line of %s needs %s, its category holds %s: %w",
				l.Stage, p.Units[l.Unit].Code, l.Amount, avail, ErrInvariant)
		}
		draw, err := ApportionFen(l.Amount, pl.bal)
		if err != nil {
			return nil, err
		}
		for j, d := range draw {
			pl.bal[j] -= d // never below zero: a share of a balance is at most the balance
			add(key{l.Unit, l.Category, l.Status, pl.src[j]}, d)
		}
	}
	for c := range pools {
		for j, b := range pools[c].bal {
			add(key{-1, int32(c), Allocated, pools[c].src[j]}, b)
		}
	}

	out := make([]Indicator, 0, len(sum))
	for k, a := range sum {
		out = append(out, Indicator{Unit: k.unit, Category: k.cat, Status: k.status, Source: k.src, Amount: a})
	}
	slices.SortFunc(out, func(a, b Indicator) int {
		if c := cmp.Compare(uint32(a.Unit), uint32(b.Unit)); c != 0 { // -1 sorts last
			return c
		}
		if c := cmp.Compare(a.Category, b.Category); c != 0 {
			return c
		}
		if c := a.Source.Compare(b.Source); c != 0 {
			return c
		}
		return cmp.Compare(a.Status, b.Status)
	})
	return out, nil
}
