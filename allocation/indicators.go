package allocation

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
)

// FundType is a fund line's fund type (资金性质, DESIGN §3.2 and §12). The
// zero value is GeneralBudget; the order is the one indicators list them
// in.
type FundType uint8

// The fund types.
const (
	GeneralBudget FundType = iota
	GovFund
	StateCapital
	SpecialAccount
	UnitFunds
	Donation
)

var fundTypeCodes = [...]string{"general_budget", "gov_fund", "state_capital", "special_account", "unit_funds", "donation"}

// String is the fund type's code, e.g. general_budget.
func (f FundType) String() string { return fundTypeCodes[f] }

// FundSource is where a fund line's money comes from (指标来源). The zero
// value is Local.
type FundSource uint8

// The fund sources.
const (
	Local    FundSource = iota // 本级安排
	Transfer                   // 上级转移支付
)

// String is the fund source's code, local or transfer.
func (f FundSource) String() string { return [...]string{"local", "transfer"}[f] }

// Source is where a category's money comes from (DESIGN §12): a fund type,
// a fund source and the document that granted it. Fund types and sources
// are numbered in the order DESIGN §3.2 lists them (general_budget to
// donation; local before transfer), so sources sort as §12 asks: by fund
// type, then fund source, then document number.
type Source struct {
	Type     FundType
	From     FundSource
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
//
// The source is an index into its IndicatorTable's Sources: a national
// budget has millions of indicators but a few hundred sources, and an
// indicator without a string is half the size and holds no pointer for
// the garbage collector to scan.
type Indicator struct {
	Unit     int32 // index into Plan.Units, or -1
	Category int32
	Status   Status
	Source   int32 // index into IndicatorTable.Sources
	Amount   Fen   // > 0
}

// IndicatorTable is a plan's indicators with the sources they name.
type IndicatorTable struct {
	Sources []Source // distinct, in Source order
	Rows    []Indicator
}

// Len is the number of indicators.
func (t *IndicatorTable) Len() int { return len(t.Rows) }

// SourceOf is the source of indicator x, one of t.Rows.
func (t *IndicatorTable) SourceOf(x *Indicator) Source { return t.Sources[x.Source] }

// NewIndicatorTable gathers indicators given with their sources into a
// table: sources[i] is the source of rows[i], whose Source field is set.
// The rows keep their order.
func NewIndicatorTable(rows []Indicator, sources []Source) *IndicatorTable {
	ranked := rankSources(len(sources), func(i int) Source { return sources[i] })
	for i := range rows {
		r, _ := slices.BinarySearchFunc(ranked, sources[i], Source.Compare)
		rows[i].Source = int32(r)
	}
	return &IndicatorTable{Sources: ranked, Rows: rows}
}

// rankSources is the distinct sources in Source order. A national budget
// has a million fund lines but a few hundred sources: they are gathered in
// a set, not by sorting a copy of the million.
func rankSources(n int, source func(i int) Source) []Source {
	seen := make(map[Source]struct{})
	for i := range n {
		seen[source(i)] = struct{}{}
	}
	ranked := make([]Source, 0, len(seen))
	for s := range seen {
		ranked = append(ranked, s)
	}
	slices.SortFunc(ranked, Source.Compare)
	return ranked
}

// Unallocated is the status of an indicator of a category's unallocated
// money (待分配), whose Unit is -1: what a budget JSON writes for it in
// place of its Status.
const Unallocated = "unallocated"

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
func Indicators(p *Plan, sources []Source, maxSources int) (*IndicatorTable, error) {
	if len(sources) != len(p.Funds) {
		return nil, errors.New("allocation: one source per fund line needed")
	}
	return indicators(p, func(i int) Source { return sources[i] }, maxSources)
}

// RecordIndicators is Indicators of a plan allocated from r.Funds(), with
// r's lines' sources: they are read in place, not copied out (a national
// budget's million sources are 40 MB).
func RecordIndicators(p *Plan, r *FundRecords, maxSources int) (*IndicatorTable, error) {
	if len(r.Lines) != len(p.Funds) {
		return nil, errors.New("allocation: one fund record per fund line needed")
	}
	return indicators(p, func(i int) Source { return r.Lines[i].Source }, maxSources)
}

// indicators is Indicators with the source of p.Funds[i] given by
// source(i).
func indicators(p *Plan, source func(i int) Source, maxSources int) (*IndicatorTable, error) {
	nc := len(p.Categories)
	// Every source gets its rank in Source order: indicators of one unit
	// and category are listed by rank, and name their source by it.
	ranked := rankSources(len(p.Funds), source)
	rank := func(s Source) uint64 {
		r, _ := slices.BinarySearchFunc(ranked, s, Source.Compare)
		return uint64(r)
	}
	// The pooled sources of each category in Source order, with their
	// ranks and balances, and the designated fund lines of each unit and
	// category.
	type pool struct {
		rank  []uint64
		bal   []Fen
		total Fen
	}
	pools := make([]pool, nc)
	type uc struct{ unit, cat int32 }
	designated := map[uc][]int{}
	for i, f := range p.Funds {
		if f.Category < 0 || f.Category >= nc {
			return nil, fmt.Errorf("allocation: fund line %s: %w", f.ID, ErrInvariant)
		}
		if f.Unit != "" {
			u, ok := slices.BinarySearchFunc(p.Units, f.Unit, func(u Unit, code string) int { return cmp.Compare(u.Code, code) })
			if !ok {
				return nil, fmt.Errorf("allocation: fund line %s names no unit: %w", f.ID, ErrInvariant)
			}
			k := uc{int32(u), int32(f.Category)}
			designated[k] = append(designated[k], i)
			continue
		}
		pl := &pools[f.Category]
		r := rank(source(i))
		j, found := slices.BinarySearch(pl.rank, r)
		if !found {
			pl.rank = slices.Insert(pl.rank, j, r)
			pl.bal = slices.Insert(pl.bal, j, 0)
		}
		var err error
		if pl.bal[j], err = pl.bal[j].Add(f.Amount); err != nil {
			return nil, err
		}
		if pl.total, err = pl.total.Add(f.Amount); err != nil {
			return nil, err
		}
	}
	most := 0
	for c := range pools {
		n := len(pools[c].rank)
		if maxSources > 0 && n > maxSources {
			return nil, &TooManySourcesError{Category: c, Count: n, Limit: maxSources}
		}
		most = max(most, n)
	}

	// The lines are taken in plan order to draw on the pools; a line of a
	// category with one pooled source draws its whole amount on it, and
	// only the draws of the others are kept, in plan order: a national
	// plan's 4.5 million lines are mostly of one source. The plan falls
	// into runs of lines in strictly increasing (unit, category) order
	// (one a stage, when the allocation made the plan); each run knows
	// where its draws start.
	type run struct{ next, end, draw int }
	var runs []run
	var draws []poolDraw
	entries := 0 // an upper bound on the indicators
	ws, dr, rem, idx := make([]uint64, most), make([]Fen, most), make([]uint64, most), make([]int32, 0, most)
	for li := range p.Lines {
		l := &p.Lines[li]
		if li == 0 || !lineBefore(&p.Lines[li-1], l) {
			if len(runs) > 0 {
				runs[len(runs)-1].end = li
			}
			runs = append(runs, run{next: li, draw: len(draws)})
		}
		if l.Stage == Directed {
			var got Fen
			d := designated[uc{l.Unit, l.Category}]
			for _, i := range d {
				got += p.Funds[i].Amount
			}
			if got != l.Amount {
				return nil, fmt.Errorf("allocation: directed line of %s: fund lines give %s, the line %s: %w",
					p.Units[l.Unit].Code, got, l.Amount, ErrInvariant)
			}
			entries += len(d)
			continue
		}
		pl := &pools[l.Category]
		if l.Amount > pl.total || l.Amount < 0 {
			return nil, fmt.Errorf("allocation: %s line of %s needs %s, its category holds %s: %w",
				l.Stage, p.Units[l.Unit].Code, l.Amount, pl.total, ErrInvariant)
		}
		pl.total -= l.Amount
		if len(pl.bal) == 1 { // one source: the line draws on it alone
			pl.bal[0] -= l.Amount
			entries++
			continue
		}
		// Apportion over the balances; their sum, the category's pooled
		// money left, fits in 64 bits.
		n := len(pl.bal)
		for j, b := range pl.bal {
			ws[j] = uint64(b)
		}
		apportionSum(l.Amount, ws[:n], uint64(pl.total+l.Amount), dr[:n], rem[:n], idx)
		first := len(draws)
		for j, d := range dr[:n] {
			if d > 0 {
				pl.bal[j] -= d // never below zero: a share of a balance is at most the balance
				draws = append(draws, poolDraw{j: int32(j), amount: d})
			}
		}
		if len(draws) > first { // none when the line is zero
			draws[len(draws)-1].last = true
		}
		entries += len(draws) - first
	}
	if len(runs) > 0 {
		runs[len(runs)-1].end = len(p.Lines)
	}
	for c := range pools {
		entries += len(pools[c].bal)
	}

	// The runs are merged by (unit, category) through a heap of run
	// indexes; the lines of one unit and category give their shares by
	// source and status, which are sorted and summed.
	head := func(r int) *Line { return &p.Lines[runs[r].next] }
	less := func(a, b int) bool { return lineBefore(head(a), head(b)) }
	heap := make([]int, len(runs))
	for i := range heap {
		heap[i] = i
	}
	down := func(i int) {
		for {
			m, l, r := i, 2*i+1, 2*i+2
			if l < len(heap) && less(heap[l], heap[m]) {
				m = l
			}
			if r < len(heap) && less(heap[r], heap[m]) {
				m = r
			}
			if m == i {
				return
			}
			heap[i], heap[m] = heap[m], heap[i]
			i = m
		}
	}
	for i := len(heap)/2 - 1; i >= 0; i-- {
		down(i)
	}
	out := make([]Indicator, 0, entries)
	adviseHuge(out)
	var group []share
	for len(heap) > 0 {
		unit, cat := head(heap[0]).Unit, head(heap[0]).Category
		group = group[:0]
		for len(heap) > 0 {
			r := &runs[heap[0]]
			l := &p.Lines[r.next]
			if l.Unit != unit || l.Category != cat {
				break
			}
			switch pl := &pools[l.Category]; {
			case l.Stage == Directed:
				for _, i := range designated[uc{l.Unit, l.Category}] {
					group = append(group, share{rank(source(i)), l.Status, p.Funds[i].Amount})
				}
			case len(pl.bal) == 1:
				group = append(group, share{pl.rank[0], l.Status, l.Amount})
			case l.Amount > 0:
				for {
					d := draws[r.draw]
					r.draw++
					group = append(group, share{pl.rank[d.j], l.Status, d.amount})
					if d.last {
						break
					}
				}
			}
			if r.next++; r.next < r.end {
				down(0)
			} else {
				heap[0] = heap[len(heap)-1]
				heap = heap[:len(heap)-1]
				down(0)
			}
		}
		slices.SortFunc(group, func(a, b share) int { return cmp.Or(cmp.Compare(a.rank, b.rank), cmp.Compare(a.status, b.status)) })
		for i := 0; i < len(group); {
			g, sum := group[i], Fen(0)
			for ; i < len(group) && group[i].rank == g.rank && group[i].status == g.status; i++ {
				sum += group[i].amount // bounded by the pool, which fits
			}
			if sum > 0 {
				out = append(out, Indicator{Unit: unit, Category: cat, Status: g.status, Source: int32(g.rank), Amount: sum})
			}
		}
	}
	// What each category's pooled sources keep: unit -1, listed last.
	for c := range pools {
		for j, b := range pools[c].bal {
			if b > 0 {
				out = append(out, Indicator{Unit: -1, Category: int32(c), Status: Allocated, Source: int32(pools[c].rank[j]), Amount: b})
			}
		}
	}
	return &IndicatorTable{Sources: ranked, Rows: out}, nil
}

// poolDraw is what a line of a category with several pooled sources draws
// on one of them: j is the source's position in the category's pool; last
// marks the line's last draw.
type poolDraw struct {
	j      int32
	last   bool
	amount Fen
}

// share is what one line of a unit and category gives one source, with
// the line's status.
type share struct {
	rank   uint64
	status Status
	amount Fen
}

// lineBefore orders lines by unit, then category.
func lineBefore(a, b *Line) bool {
	return a.Unit < b.Unit || a.Unit == b.Unit && a.Category < b.Category
}
