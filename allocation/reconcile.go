package allocation

import (
	"cmp"
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"slices"
	"strconv"
	"strings"
)

// EvenProfile weighs every month the same.
func EvenProfile() [12]Ratio {
	var p [12]Ratio
	for i := range p {
		p[i] = One
	}
	return p
}

// Budgeted is a unit's annual budget in one category: the sum of its lines,
// allocated and reserved. Unit indexes a table of unit codes: a plan's Units
// for Annual, the table given to Reconcile there.
type Budgeted struct {
	Unit int32
	// Reserved is true when every line is reserved (DESIGN §8.1: an
	// unqualified operator, the service under re-procurement).
	Reserved bool
	Category int
	Annual   Fen
}

// Annual sums a plan's lines per unit and category, in unit code and
// category order. A plan's units are sorted by code, so a dense table of
// units × categories gives the order without a map or a sort.
func Annual(p *Plan) []Budgeted {
	nc := len(p.Categories)
	sums := make([]Fen, len(p.Units)*nc)
	seen := make([]bool, len(sums))
	allocated := make([]bool, len(sums)) // some line is not reserved
	n := 0
	for _, l := range p.Lines {
		k := int(l.Unit)*nc + int(l.Category)
		sums[k] += l.Amount
		allocated[k] = allocated[k] || l.Status != Reserved
		if !seen[k] {
			seen[k] = true
			n++
		}
	}
	out := make([]Budgeted, 0, n)
	for k, ok := range seen {
		if ok {
			out = append(out, Budgeted{Unit: int32(k / nc), Category: k % nc, Annual: sums[k], Reserved: !allocated[k]})
		}
	}
	return out
}

// Voucher is one counted expenditure: its exceptions were already sorted
// out by the reader. Unit indexes the table of unit codes given to
// Reconcile; Month is 1–12 within the fiscal year; a negative amount is a
// refund or reversal.
type Voucher struct {
	Unit     int32
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

// The flags of a reconciliation row, by name.
const (
	Overspend = "OVERSPEND"
	Ahead     = "AHEAD"
	Behind    = "BEHIND"
	Misuse    = "MISUSE"
)

// Flags is the set of flags of a row.
type Flags uint8

// The flag bits.
const (
	FlagOverspend Flags = 1 << iota
	FlagAhead
	FlagBehind
	FlagMisuse
)

var flagNames = [...]string{Overspend, Ahead, Behind, Misuse}

// BySeverity lists the flags worst first (DESIGN §8.1): spent more than the
// whole year's budget, spent without a budget, ahead of plan, behind it.
var BySeverity = [...]Flags{FlagOverspend, FlagMisuse, FlagAhead, FlagBehind}

// List returns the flags' names, worst first.
func (f Flags) List() []string {
	var out []string
	for _, b := range BySeverity {
		if f&b != 0 {
			out = append(out, b.Name())
		}
	}
	return out
}

// Name is the name of a single flag ("OVERSPEND"), or "" for none or
// several.
func (f Flags) Name() string {
	for i, n := range flagNames {
		if f == 1<<i {
			return n
		}
	}
	return ""
}

// Worst returns the worst of the flags alone, or 0 for none.
func (f Flags) Worst() Flags {
	for _, b := range BySeverity {
		if f&b != 0 {
			return b
		}
	}
	return 0
}

// Severity is the rank of the worst of the flags: 1 for OVERSPEND, 2
// MISUSE, 3 AHEAD, 4 BEHIND; 0 for none.
func (f Flags) Severity() int {
	for i, b := range BySeverity {
		if f&b != 0 {
			return i + 1
		}
	}
	return 0
}

// Has reports whether the named flag is set.
func (f Flags) Has(name string) bool {
	for i, n := range flagNames {
		if n == name {
			return f&(1<<i) != 0
		}
	}
	return false
}

// String joins the flags' names with spaces, worst first.
func (f Flags) String() string { return flagStrings[f&15] }

// flagStrings holds String for every set of the four flags, so that writing
// millions of rows formats none.
var flagStrings = func() (t [16]string) {
	for f := range t {
		t[f] = strings.Join(Flags(f).List(), " ")
	}
	return t
}()

// Rate is an execution rate: actual ÷ plan rounded half away from zero to
// 4 decimals, kept exactly as a count of ten-thousandths.
type Rate struct {
	e4    int64   // the rate × 10,000
	big   *string // the text, when the rate does not fit e4
	valid bool    // false when the plan is zero
}

// Valid reports whether there is a rate (the plan is not zero).
func (r Rate) Valid() bool { return r.valid }

// String formats the rate with 4 decimals ("0.9300"), or "" without one.
func (r Rate) String() string {
	b, _ := r.AppendText(nil)
	return string(b)
}

// AppendText appends the rate formatted as by String.
func (r Rate) AppendText(b []byte) ([]byte, error) {
	switch {
	case !r.valid:
		return b, nil
	case r.big != nil:
		return append(b, *r.big...), nil
	}
	v := r.e4
	if v < 0 {
		b = append(b, '-')
		v = -v
	}
	b = strconv.AppendInt(b, v/10000, 10)
	f := v % 10000
	return append(b, '.', byte('0'+f/1000), byte('0'+f/100%10), byte('0'+f/10%10), byte('0'+f%10)), nil
}

// Percent formats the rate as a percentage with 2 decimals ("-12.34%"),
// or "" without one.
func (r Rate) Percent() string {
	if !r.valid {
		return ""
	}
	s := r.String() // [-]d+.dddd
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	digits := strings.TrimLeft(whole+frac[:2], "0")
	if digits == "" {
		digits = "0"
	}
	out := digits + "." + frac[2:] + "%"
	if neg && strings.Trim(whole+frac, "0") != "" {
		out = "-" + out
	}
	return out
}

// Row is one unit × category of a reconciliation.
type Row struct {
	Unit     string
	Category int32
	Flags    Flags
	// Reserved is true when the budget is reserved (待重新采购): never
	// BEHIND, since the money waits for the service to be re-procured.
	Reserved   bool
	Vouchers   int32 // counted vouchers up to the end of the month
	Annual     Fen
	PlanToDate Fen
	Actual     Fen // counted vouchers up to the end of the month
	Variance   Fen // Actual − PlanToDate
	Rate       Rate
}

// Remaining is the budget left for the rest of the year (预算余额): annual −
// actual to date, negative when more than the year's budget is spent.
// Reconcile has checked that it does not overflow.
func (r *Row) Remaining() Fen { return r.Annual - r.Actual }

// Reconcile compares each unit's spending up to the end of month (1–12)
// with its phased budget (DESIGN §8, §8.1). units is the table of unit codes
// that the budget's and the vouchers' Unit index. There is a row for every
// unit × category with a budget or with counted spending, sorted by unit code
// and category. Vouchers dated after the month are ignored here. A row whose
// budget is reserved is never BEHIND.
//
// It works on dense arrays indexed by unit and category, not on maps of
// rows: a national reconciliation has four million rows.
func Reconcile(units []string, budget []Budgeted, vouchers []Voucher, month int, t Thresholds) ([]Row, error) {
	if month < 1 || month > 12 {
		return nil, fmt.Errorf("reconcile: month %d is not 1–12", month)
	}
	nc := 0
	for _, b := range budget {
		nc = max(nc, b.Category+1)
	}
	for _, v := range vouchers {
		nc = max(nc, v.Category+1)
	}
	cells := len(units) * nc
	annual := make([]Fen, cells)
	actual := make([]Fen, cells)
	count := make([]int32, cells)
	present := make([]bool, cells)
	reserved := make([]bool, cells)
	var err error
	for _, b := range budget {
		if b.Annual < 0 {
			return nil, fmt.Errorf("reconcile: unit %s has a negative budget", units[b.Unit])
		}
		k := int(b.Unit)*nc + b.Category
		if annual[k], err = annual[k].Add(b.Annual); err != nil {
			return nil, err
		}
		present[k] = true
		reserved[k] = b.Reserved
	}
	for _, v := range vouchers {
		if v.Month < 1 || v.Month > month {
			continue
		}
		k := int(v.Unit)*nc + v.Category
		if actual[k], err = actual[k].Add(v.Amount); err != nil {
			return nil, fmt.Errorf("reconcile: spending of %s: %w", units[v.Unit], err)
		}
		count[k]++
		present[k] = true
	}
	order := make([]int32, len(units))
	for i := range order {
		order[i] = int32(i)
	}
	if !slices.IsSorted(units) {
		slices.SortFunc(order, func(a, b int32) int { return cmp.Compare(units[a], units[b]) })
	}
	ph, err := newPhaser(t.Profile, month)
	if err != nil {
		return nil, err
	}
	ahead := onePlus(t.Tolerance)
	n := 0
	for _, p := range present {
		if p {
			n++
		}
	}
	out := make([]Row, 0, n)
	for _, u := range order {
		for c := range nc {
			k := int(u)*nc + c
			if !present[k] {
				continue
			}
			r := Row{Unit: units[u], Category: int32(c), Annual: annual[k], Actual: actual[k], Vouchers: count[k],
				Reserved: reserved[k] && annual[k] != 0}
			r.PlanToDate = ph.toDate(r.Annual)
			if r.Variance, err = r.Actual.Add(-r.PlanToDate); err != nil {
				return nil, fmt.Errorf("reconcile: variance of %s: %w", r.Unit, err)
			}
			if _, err = r.Annual.Add(-r.Actual); err != nil {
				return nil, fmt.Errorf("reconcile: remaining of %s: %w", r.Unit, err)
			}
			r.Rate = rate(r.Actual, r.PlanToDate)
			switch {
			case r.Annual == 0:
				// Rows without a budget exist only because of spending.
				r.Flags = FlagMisuse
			default:
				if r.Actual > r.Annual {
					r.Flags |= FlagOverspend
				}
				if cmpScaled(r.Actual, r.PlanToDate, ahead) > 0 {
					r.Flags |= FlagAhead
				}
				if !r.Reserved && cmpScaled(r.Actual, r.PlanToDate, t.Behind) < 0 {
					r.Flags |= FlagBehind
				}
			}
			out = append(out, r)
		}
	}
	return out, nil
}

// phaser works out plans to date (DESIGN §8): an annual amount is split
// over the 12 months of the fiscal year by Apportion's own arithmetic over
// the profile's weights, so the months sum to it exactly. It does so without
// allocating: the profile is scaled once, and each amount's 12 months are
// apportioned in fixed arrays.
type phaser struct {
	w     [12]uint64
	sum   uint64
	month int
}

func newPhaser(profile [12]Ratio, month int) (*phaser, error) {
	p := &phaser{month: month}
	if _, ok := atCommonScale(profile[:], p.w[:]); !ok {
		return nil, fmt.Errorf("phasing: %w", ErrOverflow)
	}
	for _, w := range p.w {
		var carry uint64
		if p.sum, carry = bits.Add64(p.sum, w, 0); carry != 0 {
			return nil, fmt.Errorf("phasing: %w", ErrOverflow)
		}
	}
	if p.sum == 0 {
		return nil, fmt.Errorf("phasing: %w", ErrNoWeight)
	}
	return p, nil
}

// toDate returns the plan to date of an annual amount: the sum of its
// first months as Apportion splits them.
func (p *phaser) toDate(annual Fen) Fen {
	if annual == 0 {
		return 0
	}
	var share [12]Fen
	var rem [12]uint64
	var idx [12]int32
	apportionSum(annual, p.w[:], p.sum, share[:], rem[:], idx[:0])
	var sum Fen
	for m := range p.month {
		sum += share[m]
	}
	return sum
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

// rate is a ÷ b rounded half away from zero to 4 decimals, for b ≥ 0; not
// valid when b is zero.
func rate(a, b Fen) Rate {
	if b == 0 {
		return Rate{}
	}
	neg := a < 0
	abs := uint64(a)
	if neg {
		abs = uint64(-(a + 1)) + 1
	}
	hi, lo := bits.Mul64(abs, 10000)
	if hi < uint64(b) {
		q, rem := bits.Div64(hi, lo, uint64(b))
		if 2*rem >= uint64(b) { // rem < b < 2^63: no overflow
			q++
		}
		if q <= math.MaxInt64 {
			v := int64(q)
			if neg {
				v = -v
			}
			return Rate{e4: v, valid: true}
		}
	}
	n := new(big.Int).Mul(new(big.Int).SetUint64(abs), big.NewInt(10000))
	var r big.Int
	q, _ := new(big.Int).QuoRem(n, big.NewInt(int64(b)), &r)
	if r.Lsh(&r, 1).Cmp(big.NewInt(int64(b))) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	s := q.String()
	for len(s) < 5 {
		s = "0" + s
	}
	s = s[:len(s)-4] + "." + s[len(s)-4:]
	if neg && q.Sign() != 0 {
		s = "-" + s
	}
	return Rate{big: &s, valid: true}
}
