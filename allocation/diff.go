package allocation

import (
	"cmp"
	"math/big"
	"slices"
	"strconv"
	"strings"
)

// Diff is what changed between two budgets, A (before) and B (after), and
// why (DESIGN §10): one row per unit × category whose amount changed, with
// the change split exactly by stage and the input differences that touch
// the unit; then the reasons that concern the whole pool, listed once.
// Reasons are listed, not priced: only the split by stage is exact.
type Diff struct {
	// Categories are the category codes of both budgets: B's in order,
	// then any A alone had.
	Categories []string
	// PoolReasons concern every unit drawing on the pool: a category's
	// pooled total or total demand weight, a changed parameter, a pooled
	// fund line added, removed or changed.
	PoolReasons []Reason
	// Rows are sorted by unit code, then category.
	Rows []DiffRow
	// Totals are each budget's lines summed per category (A's, then B's),
	// by Categories.
	Totals [2][]Fen
	// Unrecorded says, for A and B, that the budget does not record its
	// inputs (units, fund lines, params): the diff then gives no reasons
	// beyond the pool's totals.
	Unrecorded [2]bool
}

// Empty reports whether nothing changed.
func (d *Diff) Empty() bool { return len(d.Rows) == 0 && len(d.PoolReasons) == 0 }

// DiffRow is one unit × category whose money changed.
type DiffRow struct {
	Unit     string
	Name     string // B's name for the unit, else A's
	Tier     Tier
	Category string
	// Before and After sum every line, allocated and reserved; the
	// reserved amounts are also given on their own.
	Before, After                 Fen
	ReservedBefore, ReservedAfter Fen
	// ByStage is After − Before stage by stage; it sums to Change exactly.
	ByStage [NumStages]Fen
	// Rate is Change ÷ Before to 4 decimals, half away from zero; not valid
	// when Before is zero.
	Rate    Rate
	Reasons []Reason
	// Main indexes the reason that acts on the stage with the largest
	// change, or is -1 when only the pool-wide reasons explain the row.
	Main int
}

// Change is After − Before.
func (r *DiffRow) Change() Fen { return r.After - r.Before }

// ReasonKind classifies a reason.
type ReasonKind uint8

// The kinds of reasons, with their names in the diff JSON.
const (
	UnitOpened   ReasonKind = iota // unit_opened: the unit is new in B
	UnitClosed                     // unit_closed: the unit is gone from B
	UnitField                      // unit_field: one of the unit's own fields changed
	FundLine                       // fund_line: a fund line added, removed or changed, by id
	ParamChange                    // param: a configuration value changed
	PooledTotal                    // pooled_total: a category's pooled money changed
	DemandWeight                   // demand_weight: a category's total demand weight changed
)

var reasonKindNames = [...]string{"unit_opened", "unit_closed", "unit_field", "fund_line", "param", "pooled_total", "demand_weight"}

func (k ReasonKind) String() string { return reasonKindNames[k] }

// How a fund line changed.
const (
	Added   = "added"
	Removed = "removed"
	Changed = "changed"
)

// Reason is one input difference.
//
//   - unit_opened, unit_closed: Unit is set when the unit is not the row's
//     own (a room's station).
//   - unit_field: Field is grade, social_workers, pilot, parent, tier or
//     drivers.<name>; From and To its values; Unit as above.
//   - fund_line: ID and Change; for added and removed, Amount, Category
//     and Designated describe the line; for changed, Field is amount,
//     category or designated_unit, with From and To.
//   - param: Field is the configuration key, From and To its values ("" when
//     absent).
//   - pooled_total, demand_weight: Field is the category code.
type Reason struct {
	Kind       ReasonKind
	Unit       string
	Field      string
	ID         string
	Change     string
	From, To   string
	Amount     Fen
	Category   string
	Designated string
	stages     uint8 // a bit per Stage it acts on
}

const allStages = 1<<NumStages - 1

func stageBits(s ...Stage) uint8 {
	var b uint8
	for _, x := range s {
		b |= 1 << x
	}
	return b
}

// DiffBudgets compares budget a (before) with b (after). It needs nothing
// but the two budgets: their lines give the split by stage; their recorded
// units, fund lines and params give the reasons. A budget compared with
// itself gives an empty diff.
func DiffBudgets(a, b *Budget) *Diff {
	d := &Diff{Unrecorded: [2]bool{!a.Recorded, !b.Recorded}}
	d.Categories = slices.Clone(b.Plan.Categories)
	for _, c := range a.Plan.Categories {
		if !slices.Contains(d.Categories, c) {
			d.Categories = append(d.Categories, c)
		}
	}
	catIndex := make(map[string]int, len(d.Categories))
	for i, c := range d.Categories {
		catIndex[c] = i
	}
	sa, sb := newStageSums(a.Plan, catIndex), newStageSums(b.Plan, catIndex)
	for k, s := range []*stageSums{sa, sb} {
		d.Totals[k] = make([]Fen, len(d.Categories))
		for _, c := range s.cells {
			d.Totals[k][c.cat] += c.total()
		}
	}
	recorded := a.Recorded && b.Recorded

	// Pool-wide reasons first: they do not depend on rows.
	d.poolTotals(a, b)
	if a.Rules != nil && b.Rules != nil {
		wa, wb := demandWeights(a), demandWeights(b)
		for _, c := range d.Categories {
			if wa[c] != wb[c] {
				d.PoolReasons = append(d.PoolReasons, Reason{Kind: DemandWeight, Field: c, From: wa[c], To: wb[c], stages: stageBits(Demand, Rooms)})
			}
		}
	}
	var params []Reason
	var funds map[fundKey][]Reason
	if recorded {
		params = paramReasons(a.Params, b.Params)
		d.PoolReasons = append(d.PoolReasons, params...)
		var pooled []Reason
		funds, pooled = fundReasons(a.Plan, b.Plan)
		d.PoolReasons = append(d.PoolReasons, pooled...)
	}

	// Walk the units of both budgets in code order.
	ua, ub := a.Plan.Units, b.Plan.Units
	ctx := &reasonContext{units: map[string][]Reason{}, funds: funds, params: params}
	if recorded {
		ctx.before, ctx.after = unitsByCode(a.Plan), unitsByCode(b.Plan)
		for i, j := 0, 0; i < len(ua) || j < len(ub); {
			var x, y *Unit
			switch {
			case j == len(ub) || i < len(ua) && ua[i].Code < ub[j].Code:
				x = &ua[i]
				i++
			case i == len(ua) || ub[j].Code < ua[i].Code:
				y = &ub[j]
				j++
			default:
				x, y = &ua[i], &ub[j]
				i++
				j++
			}
			if rs := unitFieldReasons(a.Plan, b.Plan, x, y); len(rs) > 0 {
				ctx.units[cmp.Or(code(x), code(y))] = rs
			}
		}
	}
	nc := len(d.Categories)
	for i, j := 0, 0; i < len(ua) || j < len(ub); {
		ia, ib := -1, -1
		switch {
		case j == len(ub) || i < len(ua) && ua[i].Code < ub[j].Code:
			ia = i
			i++
		case i == len(ua) || ub[j].Code < ua[i].Code:
			ib = j
			j++
		default:
			ia, ib = i, j
			i++
			j++
		}
		var x, y *Unit
		if ia >= 0 {
			x = &ua[ia]
		}
		if ib >= 0 {
			y = &ub[ib]
		}
		for c := range nc {
			ca, cb := sa.at(ia, c), sb.at(ib, c)
			if ca.total() == cb.total() && ca.reserved == cb.reserved {
				continue
			}
			row := DiffRow{Unit: cmp.Or(code(y), code(x)), Category: d.Categories[c], Main: -1,
				Before: ca.total(), After: cb.total(), ReservedBefore: ca.reserved, ReservedAfter: cb.reserved}
			if y != nil {
				row.Name, row.Tier = y.Name, y.Tier
			} else {
				row.Name, row.Tier = x.Name, x.Tier
			}
			var changed uint8
			for s := range NumStages {
				row.ByStage[s] = cb.stage[s] - ca.stage[s]
				if row.ByStage[s] != 0 {
					changed |= 1 << s
				}
			}
			row.Rate = ChangeRate(row.Change(), row.Before)
			if recorded {
				row.Reasons = ctx.reasons(&row, x, y, changed)
				row.Main = mainReason(&row)
			}
			d.Rows = append(d.Rows, row)
		}
	}
	return d
}

// ChangeRate is change ÷ before (before ≥ 0) to 4 decimals, half away from
// zero; not valid when before is zero.
func ChangeRate(change, before Fen) Rate { return rate(change, before) }

func code(u *Unit) string {
	if u == nil {
		return ""
	}
	return u.Code
}

// cellSums is one unit × category of a budget: its lines by stage and how
// much of them is reserved.
type cellSums struct {
	stage    [NumStages]Fen
	reserved Fen
	cat      int
}

func (c cellSums) total() Fen {
	var t Fen
	for _, v := range c.stage {
		t += v
	}
	return t
}

// stageSums holds a budget's cells, indexed by its unit and the diff's
// category: a dense index, since most units have lines in most categories.
type stageSums struct {
	nc    int
	index []int32 // unit × category → cells, or -1
	cells []cellSums
}

func newStageSums(p *Plan, catIndex map[string]int) *stageSums {
	nc := len(catIndex)
	s := &stageSums{nc: nc, index: make([]int32, len(p.Units)*nc)}
	for i := range s.index {
		s.index[i] = -1
	}
	cat := make([]int, len(p.Categories))
	for i, c := range p.Categories {
		cat[i] = catIndex[c]
	}
	for _, l := range p.Lines {
		k := int(l.Unit)*nc + cat[l.Category]
		if s.index[k] < 0 {
			s.index[k] = int32(len(s.cells))
			s.cells = append(s.cells, cellSums{cat: cat[l.Category]})
		}
		c := &s.cells[s.index[k]]
		c.stage[l.Stage] += l.Amount // a category's lines sum to its pool: no overflow
		if l.Status == Reserved {
			c.reserved += l.Amount
		}
	}
	return s
}

func (s *stageSums) at(unit, cat int) cellSums {
	if unit < 0 {
		return cellSums{}
	}
	if k := s.index[unit*s.nc+cat]; k >= 0 {
		return s.cells[k]
	}
	return cellSums{}
}

// poolTotals lists each category whose pooled money changed.
func (d *Diff) poolTotals(a, b *Budget) {
	pooled := func(p *Plan, c string) Fen {
		if i := slices.Index(p.Categories, c); i >= 0 && i < len(p.Pool) {
			return p.Pool[i].Pooled
		}
		return 0
	}
	for _, c := range d.Categories {
		if x, y := pooled(a.Plan, c), pooled(b.Plan, c); x != y {
			d.PoolReasons = append(d.PoolReasons, Reason{Kind: PooledTotal, Field: c, From: x.String(), To: y.String(),
				stages: allStages &^ stageBits(Directed)})
		}
	}
}

// demandWeights returns each demand category's total weight, Σ over the
// stations of driver × grade factor (1 for an unqualified station), as
// exact decimal text.
func demandWeights(b *Budget) map[string]string {
	p, r := b.Plan, b.Rules
	out := map[string]string{}
	cats := r.Demand.Categories
	if len(cats) == 0 {
		cats = make([]int, len(p.Categories))
		for i := range cats {
			cats[i] = i
		}
	}
	for _, c := range cats {
		drv := r.DriverIndex(c, p.Drivers)
		if drv < 0 {
			continue
		}
		sum := new(big.Rat)
		for i := range p.Units {
			u := &p.Units[i]
			if u.Tier != Station || drv >= len(u.Drivers) {
				continue
			}
			f := r.Factors[u.Grade]
			if u.Grade == Unqualified {
				f = One
			}
			w := ratioRat(u.Drivers[drv])
			sum.Add(sum, w.Mul(w, ratioRat(f)))
		}
		out[p.Categories[c]] = ratText(sum)
	}
	return out
}

func ratioRat(r Ratio) *big.Rat {
	den := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(r.Scale)), nil)
	return new(big.Rat).SetFrac(new(big.Int).SetUint64(r.Num), den)
}

// ratText writes a rational whose denominator divides a power of ten as an
// exact decimal without trailing zeros.
func ratText(x *big.Rat) string {
	s := x.FloatString(2 * MaxScale)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// paramReasons lists the parameters whose values differ, in B's order then
// A's.
func paramReasons(a, b []Param) []Reason {
	av := make(map[string]string, len(a))
	for _, p := range a {
		av[p.Key] = p.Value
	}
	bv := make(map[string]string, len(b))
	var out []Reason
	for _, p := range b {
		bv[p.Key] = p.Value
		if old, ok := av[p.Key]; !ok || old != p.Value {
			out = append(out, Reason{Kind: ParamChange, Field: p.Key, From: old, To: p.Value, stages: paramStages(p.Key)})
		}
	}
	for _, p := range a {
		if _, ok := bv[p.Key]; !ok {
			out = append(out, Reason{Kind: ParamChange, Field: p.Key, From: p.Value, stages: paramStages(p.Key)})
		}
	}
	return out
}

// paramStages says which stages a configuration key governs.
func paramStages(key string) uint8 {
	switch {
	case strings.HasPrefix(key, "stages.hub."):
		return stageBits(HubProject)
	case strings.HasPrefix(key, "stages.baseline."):
		return stageBits(Baseline)
	case strings.HasPrefix(key, "stages.pilot."):
		return stageBits(Pilot)
	case strings.HasPrefix(key, "stages.demand."):
		return stageBits(Demand, Rooms)
	case strings.HasPrefix(key, "stages.rooms."):
		return stageBits(Demand, Rooms) // a station's demand line keeps what it does not pass down
	case strings.HasPrefix(key, "grades."):
		return stageBits(Demand, Rooms)
	}
	return 0
}

// fundKey is a unit × category a designated fund line goes to.
type fundKey struct{ unit, cat string }

// fundReasons compares the fund lines by id. A designated line is a reason
// for its unit's row in its category (before and after); a pooled one is a
// reason for the whole pool.
func fundReasons(a, b *Plan) (rows map[fundKey][]Reason, pooled []Reason) {
	rows = map[fundKey][]Reason{}
	byID := make(map[string]*Fund, len(a.Funds))
	for i := range a.Funds {
		byID[a.Funds[i].ID] = &a.Funds[i]
	}
	cat := func(p *Plan, f *Fund) string { return p.Categories[f.Category] }
	add := func(r Reason, sides ...*Fund) {
		inPool := false
		for k, f := range sides {
			if f == nil {
				continue
			}
			p := a
			if k == 1 {
				p = b
			}
			if f.Unit == "" {
				inPool = true
				continue
			}
			key := fundKey{f.Unit, cat(p, f)}
			if n := len(rows[key]); n > 0 && rows[key][n-1].ID == r.ID && rows[key][n-1].Field == r.Field {
				continue // the same line before and after
			}
			rr := r
			rr.stages = stageBits(Directed)
			rows[key] = append(rows[key], rr)
		}
		if inPool {
			r.stages = allStages &^ stageBits(Directed)
			pooled = append(pooled, r)
		}
	}
	seen := make(map[string]bool, len(b.Funds))
	for i := range b.Funds {
		y := &b.Funds[i]
		seen[y.ID] = true
		x := byID[y.ID]
		if x == nil {
			add(Reason{Kind: FundLine, ID: y.ID, Change: Added, Amount: y.Amount, Category: cat(b, y), Designated: y.Unit}, nil, y)
			continue
		}
		if x.Amount != y.Amount {
			add(Reason{Kind: FundLine, ID: y.ID, Change: Changed, Field: "amount", From: x.Amount.String(), To: y.Amount.String()}, x, y)
		}
		if cat(a, x) != cat(b, y) {
			add(Reason{Kind: FundLine, ID: y.ID, Change: Changed, Field: "category", From: cat(a, x), To: cat(b, y)}, x, y)
		}
		if x.Unit != y.Unit {
			add(Reason{Kind: FundLine, ID: y.ID, Change: Changed, Field: "designated_unit", From: x.Unit, To: y.Unit}, x, y)
		}
	}
	for i := range a.Funds {
		if x := &a.Funds[i]; !seen[x.ID] {
			add(Reason{Kind: FundLine, ID: x.ID, Change: Removed, Amount: x.Amount, Category: cat(a, x), Designated: x.Unit}, x, nil)
		}
	}
	return rows, pooled
}

// unitFieldReasons compares a unit in A (x) with the same code in B (y);
// either may be nil (closed, opened).
func unitFieldReasons(a, b *Plan, x, y *Unit) []Reason {
	switch {
	case x == nil:
		return []Reason{{Kind: UnitOpened, stages: allStages}}
	case y == nil:
		return []Reason{{Kind: UnitClosed, stages: allStages}}
	}
	var out []Reason
	field := func(name, from, to string, stages uint8) {
		if from != to {
			out = append(out, Reason{Kind: UnitField, Field: name, From: from, To: to, stages: stages})
		}
	}
	field("tier", x.Tier.String(), y.Tier.String(), allStages)
	field("parent", x.Parent, y.Parent, allStages)
	if x.Tier != Room || y.Tier != Room {
		gradeStages := stageBits(Demand, Rooms)
		if x.Grade == Unqualified || y.Grade == Unqualified {
			gradeStages = allStages // every line changes status
		}
		field("grade", x.Grade.String(), y.Grade.String(), gradeStages)
	}
	field("social_workers", strconv.FormatInt(x.SocialWorkers, 10), strconv.FormatInt(y.SocialWorkers, 10), stageBits(Baseline, Demand, Rooms))
	field("pilot", strconv.FormatBool(x.Pilot), strconv.FormatBool(y.Pilot), stageBits(Pilot))
	value := func(p *Plan, u *Unit, name string) string {
		if i := slices.Index(p.Drivers, name); i >= 0 && i < len(u.Drivers) {
			return u.Drivers[i].String()
		}
		return "0"
	}
	names := slices.Clone(b.Drivers)
	for _, n := range a.Drivers {
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	for _, n := range names {
		field("drivers."+n, value(a, x, n), value(b, y, n), stageBits(Demand, Rooms))
	}
	return out
}

// reasonContext is what a row's reasons are drawn from.
type reasonContext struct {
	units         map[string][]Reason // by unit code: its own changes
	funds         map[fundKey][]Reason
	params        []Reason
	before, after map[string]*Unit
}

func unitsByCode(p *Plan) map[string]*Unit {
	m := make(map[string]*Unit, len(p.Units))
	for i := range p.Units {
		m[p.Units[i].Code] = &p.Units[i]
	}
	return m
}

// reasons gathers what touches one row: the unit's own changes, its
// station's (for a room, those that act on what it passes down), its
// designated fund lines in the category, and the parameters that govern a
// stage in which the row changed (a grade's factor only for the units of
// that grade, or rooms of a station of that grade).
func (ctx *reasonContext) reasons(row *DiffRow, x, y *Unit, changed uint8) []Reason {
	var out []Reason
	out = append(out, ctx.units[row.Unit]...)
	graded := []*Unit{x, y}
	if row.Tier == Room {
		graded = graded[:0]
		parent := ""
		for _, u := range []*Unit{y, x} {
			if u != nil && parent == "" {
				parent = u.Parent
			}
		}
		graded = append(graded, ctx.before[parent], ctx.after[parent])
		for _, r := range ctx.units[parent] {
			if r.stages &= stageBits(Rooms); r.stages != 0 {
				r.Unit = parent
				out = append(out, r)
			}
		}
	}
	out = append(out, ctx.funds[fundKey{row.Unit, row.Category}]...)
	for _, p := range ctx.params {
		if p.stages&changed == 0 {
			continue
		}
		if strings.HasPrefix(p.Field, "grades.") && !slices.ContainsFunc(graded, func(u *Unit) bool {
			return u != nil && "grades."+u.Grade.String() == p.Field
		}) {
			continue // another grade's factor: pool-wide only
		}
		out = append(out, p)
	}
	return out
}

// mainReason picks the reason acting on the stage whose change is largest
// (the earlier stage on a tie), else -1.
func mainReason(row *DiffRow) int {
	best := -1
	for s := range NumStages {
		v := abs(row.ByStage[s])
		if v != 0 && (best < 0 || v > abs(row.ByStage[best])) {
			best = int(s)
		}
	}
	if best < 0 {
		return -1
	}
	for i, r := range row.Reasons {
		if r.stages&(1<<best) != 0 {
			return i
		}
	}
	return -1
}

func abs(f Fen) Fen {
	if f < 0 {
		return -f
	}
	return f
}
