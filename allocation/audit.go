package allocation

import (
	"cmp"
	"fmt"
	"slices"
)

// This file holds what an auditor sees first (DESIGN §8.1), worked out from
// the rows Reconcile returns: the vouchers counted up to the month, a
// roll-up per station and for the hub, and the problems worst first.

// Counts says what became of the vouchers read (DESIGN §8): counted up to
// the end of the month, set aside with an exception, or dated after the
// month and not counted yet.
type Counts struct {
	Read, Counted, Excepted, After int
}

// Add counts one voucher: excepted when it has an exception; else dated in
// voucherMonth (1–12) of the fiscal year, counted when it is not after
// month.
func (c *Counts) Add(excepted bool, voucherMonth, month int) {
	c.Read++
	switch {
	case excepted:
		c.Excepted++
	case voucherMonth > month:
		c.After++
	default:
		c.Counted++
	}
}

// Rollup sums the rows of a station and its rooms, or of the hub (DESIGN
// §8.1).
type Rollup struct {
	Unit       string // the station's or the hub's code
	Annual     Fen
	PlanToDate Fen
	Actual     Fen
	Rate       Rate  // Actual ÷ PlanToDate
	Worst      Flags // the worst flag of its rows, alone; 0 for none
	Flagged    int   // how many of its rows have a flag
}

// Remaining is annual − actual to date.
func (r *Rollup) Remaining() Fen { return r.Annual - r.Actual }

// Rollups sums rows per station (the station's own rows and its rooms') and
// for the hub: the hub first, then the stations by code. Every station and
// hub of units has one, with or without rows; rows of units that units does
// not know, or of rooms whose parent is not a station, belong to none.
func Rollups(rows []Row, units []Unit) ([]Rollup, error) {
	owner := make(map[string]string, len(units)) // unit code → its roll-up's code
	var heads []Unit
	for _, u := range units {
		if u.Tier == Hub || u.Tier == Station {
			owner[u.Code] = u.Code
			heads = append(heads, u)
		}
	}
	for _, u := range units {
		if u.Tier == Room {
			if p, ok := owner[u.Parent]; ok && p == u.Parent {
				owner[u.Code] = p
			}
		}
	}
	slices.SortFunc(heads, func(a, b Unit) int {
		return cmp.Or(cmp.Compare(a.Tier, b.Tier), cmp.Compare(a.Code, b.Code)) // Hub < Station
	})
	out := make([]Rollup, len(heads))
	at := make(map[string]int, len(heads))
	for i, h := range heads {
		out[i].Unit = h.Code
		at[h.Code] = i
	}
	var err error
	add := func(sum *Fen, v Fen, what string) {
		if err == nil {
			if *sum, err = sum.Add(v); err != nil {
				err = fmt.Errorf("roll-up: %s: %w", what, err)
			}
		}
	}
	last, k := "", -1
	for i := range rows {
		r := &rows[i]
		if r.Unit != last || i == 0 { // rows come unit by unit
			last, k = r.Unit, -1
			if o, ok := owner[r.Unit]; ok {
				k = at[o]
			}
		}
		if k < 0 {
			continue
		}
		s := &out[k]
		add(&s.Annual, r.Annual, s.Unit)
		add(&s.PlanToDate, r.PlanToDate, s.Unit)
		add(&s.Actual, r.Actual, s.Unit)
		if r.Flags != 0 {
			s.Flagged++
			if w := r.Flags.Worst(); s.Worst == 0 || w.Severity() < s.Worst.Severity() {
				s.Worst = w
			}
		}
	}
	if err != nil {
		return nil, err
	}
	for i := range out {
		s := &out[i]
		if _, err := s.Annual.Add(-s.Actual); err != nil {
			return nil, fmt.Errorf("roll-up: remaining of %s: %w", s.Unit, err)
		}
		s.Rate = rate(s.Actual, s.PlanToDate)
	}
	return out, nil
}

// Problem is one flagged row under its worst flag (DESIGN §8.1).
type Problem struct {
	Row      int32 // index into the rows
	Flag     Flags // the row's worst flag, alone
	Severity uint8 // 1 OVERSPEND, 2 MISUSE, 3 AHEAD, 4 BEHIND
	// Stake is the amount at stake, in fen: actual − annual for OVERSPEND,
	// actual for MISUSE, actual − plan for AHEAD, plan − actual for BEHIND.
	Stake Fen
}

// Problems lists every flagged row once, under its worst flag: by severity,
// then by the amount at stake (largest first), then in row order (unit code,
// then category), the order Reconcile returns rows in.
//
// A national reconciliation has millions: a Problem is 16 bytes, and the
// list is made at its size.
func Problems(rows []Row) []Problem {
	n := 0
	for i := range rows {
		if rows[i].Flags != 0 {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	out := make([]Problem, 0, n)
	for i := range rows {
		r := &rows[i]
		if r.Flags == 0 {
			continue
		}
		p := Problem{Row: int32(i), Flag: r.Flags.Worst(), Severity: uint8(r.Flags.Severity())}
		switch p.Flag {
		case FlagOverspend:
			p.Stake = r.Actual - r.Annual
		case FlagMisuse:
			p.Stake = r.Actual
		case FlagAhead:
			p.Stake = r.Actual - r.PlanToDate
		case FlagBehind:
			p.Stake = r.PlanToDate - r.Actual
		}
		out = append(out, p)
	}
	// By severity, then stake (largest first), then row: compared one key
	// after the other, not all three each time (cmp.Or's arguments are all
	// worked out), for a national reconciliation's 2.5 million problems.
	slices.SortFunc(out, func(a, b Problem) int {
		if a.Severity != b.Severity {
			return cmp.Compare(a.Severity, b.Severity)
		}
		if a.Stake != b.Stake {
			return cmp.Compare(b.Stake, a.Stake)
		}
		return cmp.Compare(a.Row, b.Row)
	})
	return out
}

// UnitCategory names a unit × category by codes, to compare budgets that
// index units and categories differently.
type UnitCategory struct{ Unit, Category string }

// Differing counts the unit × category amounts in which two budgets differ:
// an amount only one has counts as a difference.
func Differing(a, b map[UnitCategory]Fen) int {
	n := 0
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			n++
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			n++
		}
	}
	return n
}
