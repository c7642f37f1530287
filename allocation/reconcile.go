package allocation

import (
	"cmp"
	"fmt"
	"math/big"
	"math/bits"
	"slices"
)

// Phase splits an annual amount over the 12 months of the fiscal year by
// Apportion with the profile's weights, so the months always sum to the
// annual amount exactly. An all-zero profile is an error.
func Phase(annual Fen, profile [12]Ratio) ([12]Fen, error) {
	var out [12]Fen
	months, err := Apportion(annual, profile[:])
	if err != nil {
		return out, fmt.Errorf("phasing: %w", err)
	}
	copy(out[:], months)
	return out, nil
}

// EvenProfile weighs every month the same.
func EvenProfile() [12]Ratio {
	var p [12]Ratio
	for i := range p {
		p[i] = One
	}
	return p
}

// Budgeted is a unit's annual budget in one category: the sum of its lines,
// allocated and reserved.
type Budgeted struct {
	Unit     string
	Category int
	Annual   Fen
}

// Annual sums a plan's lines per unit and category.
func Annual(p *Plan) []Budgeted {
	type key struct {
		unit int32
		cat  int32
	}
	sums := map[key]Fen{}
	var keys []key
	for _, l := range p.Lines {
		k := key{l.Unit, l.Category}
		if _, ok := sums[k]; !ok {
			keys = append(keys, k)
		}
		sums[k] += l.Amount
	}
	slices.SortFunc(keys, func(a, b key) int { return cmp.Or(cmp.Compare(a.unit, b.unit), cmp.Compare(a.cat, b.cat)) })
	out := make([]Budgeted, len(keys))
	for i, k := range keys {
		out[i] = Budgeted{Unit: p.Units[k.unit].Code, Category: int(k.cat), Annual: sums[k]}
	}
	return out
}

// Voucher is one counted expenditure: its exceptions were already sorted
// out by the reader. Month is 1–12 within the fiscal year; a negative amount
// is a refund or reversal.
type Voucher struct {
	Unit     string
	Category int
	Month    int
	Amount   Fen
}

// Thresholds are the reconciliation parameters of DESIGN §8.
type Thresholds struct {
	Profile   [12]Ratio // monthly phasing weights
	Tolerance Ratio     // AHEAD when actual > plan × (1 + Tolerance)
	Behind    Ratio     // BEHIND when actual < plan × Behind
}

// The flags of a reconciliation row, in the order they are listed.
const (
	Overspend = "OVERSPEND"
	Ahead     = "AHEAD"
	Behind    = "BEHIND"
	Misuse    = "MISUSE"
)

// Row is one unit × category of a reconciliation.
type Row struct {
	Unit       string
	Category   int
	Annual     Fen
	PlanToDate Fen
	Actual     Fen // counted vouchers up to the end of the month
	Variance   Fen // Actual − PlanToDate
	// Rate is Actual ÷ PlanToDate rounded half away from zero to 4
	// decimals, as text ("0.9300"); "" when the plan to date is zero.
	Rate     string
	Flags    []string
	Vouchers int // counted vouchers up to the end of the month
}

// Reconcile compares each unit's spending up to the end of month (1–12)
// with its phased budget (DESIGN §8). There is a row for every unit ×
// category with a budget or with counted spending, sorted by unit code and
// category. Vouchers dated after the month are ignored here.
func Reconcile(budget []Budgeted, vouchers []Voucher, month int, t Thresholds) ([]Row, error) {
	if month < 1 || month > 12 {
		return nil, fmt.Errorf("reconcile: month %d is not 1–12", month)
	}
	type key struct {
		unit string
		cat  int
	}
	rows := map[key]*Row{}
	get := func(k key) *Row {
		r, ok := rows[k]
		if !ok {
			r = &Row{Unit: k.unit, Category: k.cat}
			rows[k] = r
		}
		return r
	}
	for _, b := range budget {
		if b.Annual < 0 {
			return nil, fmt.Errorf("reconcile: unit %s has a negative budget", b.Unit)
		}
		r := get(key{b.Unit, b.Category})
		var err error
		if r.Annual, err = r.Annual.Add(b.Annual); err != nil {
			return nil, err
		}
	}
	for _, v := range vouchers {
		if v.Month < 1 || v.Month > month {
			continue
		}
		r := get(key{v.Unit, v.Category})
		var err error
		if r.Actual, err = r.Actual.Add(v.Amount); err != nil {
			return nil, fmt.Errorf("reconcile: spending of %s: %w", v.Unit, err)
		}
		r.Vouchers++
	}
	out := make([]Row, 0, len(rows))
	ahead := onePlus(t.Tolerance)
	for _, r := range rows {
		months, err := Phase(r.Annual, t.Profile)
		if err != nil {
			return nil, err
		}
		for m := range month {
			r.PlanToDate += months[m]
		}
		if r.Variance, err = r.Actual.Add(-r.PlanToDate); err != nil {
			return nil, fmt.Errorf("reconcile: variance of %s: %w", r.Unit, err)
		}
		r.Rate = rate(r.Actual, r.PlanToDate)
		switch {
		case r.Annual == 0:
			// Rows without a budget exist only because of spending.
			r.Flags = []string{Misuse}
		default:
			if r.Actual > r.Annual {
				r.Flags = append(r.Flags, Overspend)
			}
			if cmpScaled(r.Actual, r.PlanToDate, ahead) > 0 {
				r.Flags = append(r.Flags, Ahead)
			}
			if cmpScaled(r.Actual, r.PlanToDate, t.Behind) < 0 {
				r.Flags = append(r.Flags, Behind)
			}
		}
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b Row) int { return cmp.Or(cmp.Compare(a.Unit, b.Unit), cmp.Compare(a.Category, b.Category)) })
	return out, nil
}

// onePlus returns 1 + r.
func onePlus(r Ratio) Ratio {
	return Ratio{Num: r.Num + pow10[r.Scale], Scale: r.Scale}
}

// cmpScaled compares a with b × r exactly, for b ≥ 0: -1, 0 or +1.
func cmpScaled(a, b Fen, r Ratio) int {
	rh, rl := bits.Mul64(uint64(b), r.Num) // b × r.Num ≥ 0
	if a < 0 {
		return -1
	}
	lh, ll := bits.Mul64(uint64(a), pow10[r.Scale])
	if lh != rh {
		return cmpU(lh, rh)
	}
	return cmpU(ll, rl)
}

// rate is a ÷ b rounded half away from zero to 4 decimals, for b ≥ 0; ""
// when b is zero.
func rate(a, b Fen) string {
	if b == 0 {
		return ""
	}
	neg := a < 0
	abs := uint64(a)
	if neg {
		abs = uint64(-(a + 1)) + 1
	}
	hi, lo := bits.Mul64(abs, 10000)
	var q *big.Int
	if hi < uint64(b) {
		qq, rem := bits.Div64(hi, lo, uint64(b))
		if 2*rem >= uint64(b) { // rem < b < 2^63: no overflow
			qq++
		}
		q = new(big.Int).SetUint64(qq)
	} else {
		n := new(big.Int).Mul(new(big.Int).SetUint64(abs), big.NewInt(10000))
		var rem big.Int
		q, _ = new(big.Int).QuoRem(n, big.NewInt(int64(b)), &rem)
		if rem.Lsh(&rem, 1).Cmp(big.NewInt(int64(b))) >= 0 {
			q.Add(q, big.NewInt(1))
		}
	}
	if q.Sign() == 0 {
		neg = false
	}
	s := q.String()
	for len(s) < 5 {
		s = "0" + s
	}
	s = s[:len(s)-4] + "." + s[len(s)-4:]
	if neg {
		s = "-" + s
	}
	return s
}
