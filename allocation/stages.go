package allocation

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
)

// Allocate consolidates the fund lines into the pool and runs the six stages
// of DESIGN §4.5 in order: directed, hub, baseline, pilot, demand, rooms. It
// checks the conservation invariant before returning; a failure there is
// ErrInvariant. Input is assumed validated by sources (unique codes, one hub,
// parents of the tier above); Allocate still refuses what it cannot compute.
func Allocate(in Input, r Rules) (*Plan, error) {
	return AllocateContext(context.Background(), in, r)
}

// AllocateContext is Allocate that stops soon after ctx is done (SIGINT or
// SIGTERM: a national allocation takes seconds) and returns ctx's error.
func AllocateContext(ctx context.Context, in Input, r Rules) (*Plan, error) {
	a, err := newAllocator(in, r)
	if err != nil {
		return nil, err
	}
	a.ctx = ctx
	// The rooms' lines are most of the array: the kernel faults it in on
	// the other core while the first stages run.
	defer prefault(a.plan.Lines)()
	steps := []func() error{a.directed, a.hub, a.baseline, a.pilot, a.demand, a.rooms}
	for _, step := range steps {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := step(); err != nil {
			return nil, err
		}
	}
	p := a.plan
	p.Unallocated = a.balance
	// Every stage but directed emits its lines in unit and category order;
	// directed lines follow the fund lines and are few.
	n := 0
	for n < len(p.Lines) && p.Lines[n].Stage == Directed {
		n++
	}
	slices.SortFunc(p.Lines[:n], func(x, y Line) int {
		return cmp.Or(cmp.Compare(x.Unit, y.Unit), cmp.Compare(x.Category, y.Category))
	})
	if !slices.IsSortedFunc(p.Lines, func(x, y Line) int {
		return cmp.Or(cmp.Compare(x.Stage, y.Stage), cmp.Compare(x.Unit, y.Unit), cmp.Compare(x.Category, y.Category))
	}) {
		return nil, fmt.Errorf("%w: lines are not in stage, unit and category order", ErrInvariant)
	}
	if err := Check(p); err != nil {
		return nil, err
	}
	return p, nil
}

type allocator struct {
	ctx      context.Context
	steps    int // loop steps taken, to look at ctx now and then
	plan     *Plan
	rules    Rules
	hubUnit  int32
	stations []int32   // by code
	roomsOf  [][]int32 // by station position in stations, rooms by code
	balance  []Fen     // pooled balance B[c]
	allCats  []int
	share    apportioner // the scratch of the stages' many small apportionments
	// demandLine[i][c] indexes station stations[i]'s demand line in category
	// c in plan.Lines, or is -1; the rooms stage reduces those lines.
	demandLine [][]int
}

func newAllocator(in Input, r Rules) (*allocator, error) {
	// The plan lists the units by code. A units file usually is in code
	// order already: then the plan shares the caller's units (nothing
	// changes them) rather than copying 600,000 of them.
	byCode := func(x, y Unit) int { return cmp.Compare(x.Code, y.Code) }
	units := in.Units
	if !slices.IsSortedFunc(units, byCode) {
		units = slices.Clone(units)
		slices.SortFunc(units, byCode)
	}
	nc := len(in.Categories)
	a := &allocator{
		plan: &Plan{
			Categories: in.Categories,
			Drivers:    in.Drivers,
			Units:      units,
			Funds:      in.Funds,
			Pool:       make([]PoolEntry, nc),
		},
		rules:   r,
		hubUnit: -1,
		balance: make([]Fen, nc),
		allCats: make([]int, nc),
	}
	for c := range a.allCats {
		a.allCats[c] = c
	}
	pos := make(map[string]int32, len(units)) // station code → position in a.stations
	pilots := 0
	for i := range units {
		u := &units[i]
		if i > 0 && units[i-1].Code == u.Code {
			return nil, fmt.Errorf("allocation: unit %s appears twice", u.Code)
		}
		if len(u.Drivers) != len(in.Drivers) {
			return nil, fmt.Errorf("allocation: unit %s has %d driver values for %d drivers", u.Code, len(u.Drivers), len(in.Drivers))
		}
		switch u.Tier {
		case Hub:
			if a.hubUnit >= 0 {
				return nil, fmt.Errorf("allocation: two hubs, %s and %s", units[a.hubUnit].Code, u.Code)
			}
			a.hubUnit = int32(i)
		case Station:
			pos[u.Code] = int32(len(a.stations))
			a.stations = append(a.stations, int32(i))
			if u.Pilot {
				pilots++
			}
		}
	}
	if a.hubUnit < 0 {
		return nil, errors.New("allocation: no hub")
	}
	a.roomsOf = make([][]int32, len(a.stations))
	for i := range units {
		u := &units[i]
		switch u.Tier {
		case Station:
			if u.Parent != units[a.hubUnit].Code {
				return nil, fmt.Errorf("allocation: station %s has parent %q, not the hub", u.Code, u.Parent)
			}
		case Room:
			s, ok := pos[u.Parent]
			if !ok {
				return nil, fmt.Errorf("allocation: room %s has parent %q, not a station", u.Code, u.Parent)
			}
			a.roomsOf[s] = append(a.roomsOf[s], int32(i))
		}
	}
	designated := 0 // fund lines earmarked for a unit: one directed line at most each
	for _, f := range in.Funds {
		if f.Category < 0 || f.Category >= nc || f.Amount <= 0 {
			return nil, fmt.Errorf("allocation: fund line %s: bad category or amount", f.ID)
		}
		e := &a.plan.Pool[f.Category]
		var err error
		if e.Total, err = e.Total.Add(f.Amount); err != nil {
			return nil, fmt.Errorf("category %s: the total of its fund lines %w", in.Categories[f.Category], ErrOverflow)
		}
		if f.Unit != "" {
			e.Designated += f.Amount // ≤ Total, cannot overflow
			designated++
		}
	}
	for c := range a.plan.Pool {
		e := &a.plan.Pool[c]
		e.Pooled = e.Total - e.Designated
		a.balance[c] = e.Pooled
	}
	// Reserve the lines once: copying millions of them as the slice grows
	// costs more than the whole demand stage. Every stage gives a unit at
	// most one line per category: the hub one stage, a station three
	// (baseline, demand, and pilot for the pilots), a room one. The sums
	// are reserved likewise: one per unit in a drawing stage, one per
	// category in demand, one per station and category in rooms.
	a.plan.Totals = make([]Sum, 0, 1+len(a.stations)+pilots+nc+len(a.stations)*nc)
	rooms := len(units) - len(a.stations) - 1
	a.plan.Lines = make([]Line, 0, designated+nc*(1+2*len(a.stations)+pilots+rooms))
	adviseHuge(a.plan.Lines)
	if len(r.Demand.Drivers) != nc {
		return nil, fmt.Errorf("allocation: %d demand drivers for %d categories", len(r.Demand.Drivers), nc)
	}
	return a, nil
}

// stopped returns ctx's error once it is done, looking every 1,024 calls: a
// long loop calls it once a unit.
func (a *allocator) stopped() error {
	if a.steps++; a.steps&1023 != 0 {
		return nil
	}
	return a.ctx.Err()
}

func (a *allocator) cats(list []int) []int {
	if len(list) == 0 {
		return a.allCats
	}
	return list
}

func (a *allocator) add(stage Stage, unit int32, cat int, amount Fen, b Basis) int {
	if amount == 0 {
		return -1
	}
	st := Allocated
	if a.plan.Units[unit].Reserved() {
		st = Reserved
	}
	a.plan.Lines = append(a.plan.Lines, Line{Stage: stage, Status: st, Category: int32(cat), Unit: unit, Amount: amount, Basis: b})
	return len(a.plan.Lines) - 1
}

// total records the sum of the weights of one apportionment and returns
// its index in Plan.Totals, for the Basis.Ref of the lines it produced.
func (a *allocator) total(s Sum) int32 {
	a.plan.Totals = append(a.plan.Totals, s)
	return int32(len(a.plan.Totals) - 1)
}

func (a *allocator) warn(w Warning) {
	a.plan.Warnings = append(a.plan.Warnings, w)
}

// directed gives every designated fund line to its unit in its own category;
// lines for the same unit and category are summed into one.
func (a *allocator) directed() error {
	p := a.plan
	type key struct {
		unit int32
		cat  int
	}
	index := make(map[key]int)
	for fi, f := range p.Funds {
		if f.Unit == "" {
			continue
		}
		// The units are in code order, each code once: a binary search
		// finds the unit without indexing 600,000 codes in a map.
		i, ok := slices.BinarySearchFunc(p.Units, f.Unit, func(u Unit, code string) int { return cmp.Compare(u.Code, code) })
		u := int32(i)
		if !ok {
			return fmt.Errorf("allocation: fund line %s is designated to unknown unit %s", f.ID, f.Unit)
		}
		k := key{u, f.Category}
		if li, ok := index[k]; ok {
			l := &p.Lines[li]
			l.Amount += f.Amount // the category total did not overflow
			p.Directed[l.Basis.Ref] = append(p.Directed[l.Basis.Ref], int32(fi))
			continue
		}
		p.Directed = append(p.Directed, []int32{int32(fi)})
		index[k] = a.add(Directed, u, f.Category, f.Amount, Basis{Ref: int32(len(p.Directed) - 1), Driver: -1, From: -1})
	}
	return nil
}

func (a *allocator) hub() error {
	return a.draw(HubProject, []int32{a.hubUnit}, []Fen{a.rules.Hub.Amount}, a.cats(a.rules.Hub.Categories))
}

// baseline gives each station its human cost: social_workers × per_worker +
// per_station. Grade factors do not scale it.
func (a *allocator) baseline() error {
	b := a.rules.Baseline
	needs := make([]Fen, len(a.stations))
	for i, s := range a.stations {
		u := &a.plan.Units[s]
		w, err := b.PerWorker.MulInt(u.SocialWorkers)
		if err == nil {
			needs[i], err = w.Add(b.PerStation)
		}
		if err != nil {
			return fmt.Errorf("baseline for station %s: %w", u.Code, ErrOverflow)
		}
	}
	return a.draw(Baseline, a.stations, needs, a.cats(b.Categories))
}

func (a *allocator) pilot() error {
	var units []int32
	var needs []Fen
	for _, s := range a.stations {
		if a.plan.Units[s].Pilot {
			units = append(units, s)
			needs = append(needs, a.rules.Pilot.Amount)
		}
	}
	return a.draw(Pilot, units, needs, a.cats(a.rules.Pilot.Categories))
}

// draw gives each unit its need, taken from the stage's categories in
// proportion to their current balances (DESIGN §4.4). When the needs exceed
// what the categories hold, every need is first scaled down pro rata and each
// shortfall is a warning.
func (a *allocator) draw(stage Stage, units []int32, needs []Fen, cats []int) error {
	var need, avail Fen
	var err error
	for _, n := range needs {
		if need, err = need.Add(n); err != nil {
			return fmt.Errorf("%s: the total need: %w", stage, ErrOverflow)
		}
	}
	for _, c := range cats {
		if avail, err = avail.Add(a.balance[c]); err != nil {
			return fmt.Errorf("%s: the available balance: %w", stage, ErrOverflow)
		}
	}
	if need == 0 {
		return nil
	}
	granted := needs
	if need > avail {
		if granted, err = ApportionFen(avail, needs); err != nil {
			return err
		}
		for k, u := range units {
			if granted[k] < needs[k] {
				a.warn(Warning{Kind: Shortfall, Stage: stage, Unit: int(u), Category: -1, Driver: -1,
					Need: needs[k], Got: granted[k], Available: avail, Total: need})
			}
		}
	}
	bal := make([]Fen, len(cats))
	for k, u := range units {
		if err := a.stopped(); err != nil {
			return err
		}
		if granted[k] == 0 {
			continue
		}
		for j, c := range cats {
			bal[j] = a.balance[c]
		}
		split, err := a.share.fen(granted[k], bal)
		if err != nil {
			return fmt.Errorf("allocation: %s draw for %s: %w", stage, a.plan.Units[u].Code, err)
		}
		ref := a.total(sumFen(bal)) // the balances sum to at most avail
		for j, c := range cats {
			a.balance[c] -= split[j]
			a.add(stage, u, c, split[j], Basis{Need: needs[k], Granted: granted[k], Driver: -1, From: -1, Ref: ref}.withRatios(Ratio{}, Ratio{}, Ratio{Num: uint64(bal[j])}))
		}
	}
	return nil
}

// demand splits share × the remaining balance of each category over all
// stations by driver × grade factor. Unqualified stations take part at
// factor 1 on reserved lines. Lines are emitted station by station, so the
// stage comes out in unit and category order without a sort.
func (a *allocator) demand() error {
	d := a.rules.Demand
	nc := len(a.plan.Categories)
	ns := len(a.stations)
	type pot struct {
		amount          Fen
		driver          int
		split           []Fen
		values, weights []Ratio
		total           int32 // index into Plan.Totals
	}
	pots := make([]*pot, nc)
	factors := make([]Ratio, ns)
	for i, s := range a.stations {
		u := &a.plan.Units[s]
		factors[i] = a.rules.Factors[u.Grade]
		if u.Grade == Unqualified {
			factors[i] = One
		}
	}
	for _, c := range a.cats(d.Categories) {
		amount, err := a.balance[c].MulFloor(d.Share)
		if err != nil {
			return err
		}
		if amount == 0 {
			continue
		}
		drv := a.rules.DriverIndex(c, a.plan.Drivers)
		if drv < 0 {
			return fmt.Errorf("allocation: category %s has no demand driver among %q", a.plan.Categories[c], a.plan.Drivers)
		}
		pt := &pot{amount: amount, driver: drv, values: make([]Ratio, ns), weights: make([]Ratio, ns)}
		for i, s := range a.stations {
			u := &a.plan.Units[s]
			pt.values[i] = u.Drivers[drv]
			if pt.weights[i], err = pt.values[i].Mul(factors[i]); err != nil {
				return fmt.Errorf("demand: weight of station %s: %w", u.Code, ErrOverflow)
			}
		}
		pt.split, err = Apportion(amount, pt.weights)
		if errors.Is(err, ErrNoWeight) {
			a.warn(Warning{Kind: NoWeight, Stage: Demand, Unit: -1, Category: c, Driver: drv, Need: amount})
			continue
		} else if err != nil {
			return err
		}
		a.balance[c] -= amount
		pt.total = a.total(SumOf(pt.weights))
		pots[c] = pt
	}
	a.demandLine = make([][]int, ns)
	for i, s := range a.stations {
		if err := a.stopped(); err != nil {
			return err
		}
		a.demandLine[i] = make([]int, nc)
		for c, pt := range pots {
			a.demandLine[i][c] = -1
			if pt != nil {
				a.demandLine[i][c] = a.add(Demand, s, c, pt.split[i], Basis{Pot: pt.amount, Granted: pt.split[i], Driver: int32(pt.driver),
					From: -1, Ref: pt.total}.withRatios(pt.values[i], factors[i], pt.weights[i]))
			}
		}
	}
	return nil
}

// rooms lets each station that is not reserved pass ⌊demand × share⌋ of each
// demand line down to its rooms, split by the rooms' own driver values; the
// station's demand line keeps the rest. The splits are worked out station by
// station, then the room lines are emitted in room code order, so the stage
// needs no sort.
func (a *allocator) rooms() error {
	share := a.rules.Rooms.Share
	if share.IsZero() {
		return nil
	}
	nc := len(a.plan.Categories)
	// got[r*nc+c] is room unit r's share in category c; passed[i*nc+c] what
	// station i passed down in c (the pot of its rooms' lines) and
	// totals[i*nc+c] the index of its rooms' summed weights in Plan.Totals.
	got := make([]Fen, len(a.plan.Units)*nc)
	adviseHuge(got)
	passed := make([]Fen, len(a.stations)*nc)
	totals := make([]int32, len(a.stations)*nc)
	station := make([]int32, len(a.plan.Units))
	var weights []Ratio
	for i, s := range a.stations {
		if err := a.stopped(); err != nil {
			return err
		}
		st := &a.plan.Units[s]
		for _, r := range a.roomsOf[i] {
			station[r] = int32(i)
		}
		if st.Reserved() || len(a.roomsOf[i]) == 0 {
			continue
		}
		for c, li := range a.demandLine[i] {
			if li < 0 {
				continue
			}
			line := &a.plan.Lines[li]
			pass, err := line.Amount.MulFloor(share)
			if err != nil {
				return err
			}
			if pass == 0 {
				continue
			}
			drv := line.Basis.Driver
			weights = weights[:0]
			for _, r := range a.roomsOf[i] {
				weights = append(weights, a.plan.Units[r].Drivers[drv])
			}
			split, err := a.share.ratios(pass, weights)
			if errors.Is(err, ErrNoWeight) {
				a.warn(Warning{Kind: NoWeight, Stage: Rooms, Unit: int(s), Category: c, Driver: int(drv), Need: pass})
				continue
			} else if err != nil {
				return err
			}
			line.Amount -= pass
			passed[i*nc+c] = pass
			totals[i*nc+c] = a.total(SumOf(weights))
			for k, r := range a.roomsOf[i] {
				got[int(r)*nc+c] = split[k]
			}
		}
	}
	for r := range a.plan.Units {
		if err := a.stopped(); err != nil {
			return err
		}
		u := &a.plan.Units[r]
		if u.Tier != Room {
			continue
		}
		i := int(station[r])
		for c := range nc {
			amount := got[r*nc+c]
			if amount == 0 {
				continue
			}
			drv := a.plan.Lines[a.demandLine[i][c]].Basis.Driver
			w := u.Drivers[drv]
			a.add(Rooms, int32(r), c, amount, Basis{Pot: passed[i*nc+c], Driver: drv, From: a.stations[i], Ref: totals[i*nc+c]}.withRatios(w, One, w))
		}
	}
	// A station that passed everything down keeps a zero demand line: drop it.
	a.plan.Lines = slices.DeleteFunc(a.plan.Lines, func(l Line) bool { return l.Amount == 0 })
	return nil
}

// Check verifies the plan's invariant: for every category, the lines
// (allocated and reserved) plus the unallocated balance equal the pool, to the
// fen, and no line or balance is negative or zero where it must not be.
func Check(p *Plan) error {
	nc := len(p.Categories)
	if len(p.Pool) != nc || len(p.Unallocated) != nc {
		return fmt.Errorf("%w: %d categories but %d pool entries and %d unallocated", ErrInvariant, nc, len(p.Pool), len(p.Unallocated))
	}
	sum := make([]Fen, nc)
	designated := make([]Fen, nc)
	for i, l := range p.Lines {
		if l.Amount <= 0 {
			return fmt.Errorf("%w: line %d (%s %s %s) has amount %s", ErrInvariant, i, l.Stage, p.Units[l.Unit].Code, p.Categories[l.Category], l.Amount)
		}
		var err error
		if sum[l.Category], err = sum[l.Category].Add(l.Amount); err != nil {
			return fmt.Errorf("%w: category %s lines overflow", ErrInvariant, p.Categories[l.Category])
		}
		if l.Stage == Directed {
			designated[l.Category] += l.Amount
		}
	}
	for c := range nc {
		e := p.Pool[c]
		if p.Unallocated[c] < 0 {
			return fmt.Errorf("%w: category %s: unallocated %s is negative", ErrInvariant, p.Categories[c], p.Unallocated[c])
		}
		if got := sum[c] + p.Unallocated[c]; got != e.Total {
			return fmt.Errorf("%w: category %s: lines %s + unallocated %s = %s, but the pool is %s",
				ErrInvariant, p.Categories[c], sum[c], p.Unallocated[c], got, e.Total)
		}
		if designated[c] != e.Designated || e.Pooled != e.Total-e.Designated {
			return fmt.Errorf("%w: category %s: directed lines %s, designated %s", ErrInvariant, p.Categories[c], designated[c], e.Designated)
		}
	}
	return nil
}
