package allocation

import (
	"cmp"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// wideIndicator is an indicator with its source in place of the source's
// index: what the tests compare.
type wideIndicator struct {
	Unit     int32
	Category int32
	Status   Status
	Source   Source
	Amount   Fen
}

// indicatorsWide is Indicators with every indicator's source looked up in
// the table, checking the table on the way: its sources distinct and in
// Source order, every index within them.
func indicatorsWide(p *Plan, sources []Source, maxSources int) ([]wideIndicator, error) {
	tab, err := Indicators(p, sources, maxSources)
	if err != nil {
		return nil, err
	}
	for i := 1; i < len(tab.Sources); i++ {
		if tab.Sources[i-1].Compare(tab.Sources[i]) >= 0 {
			return nil, fmt.Errorf("sources %d and %d out of order: %v", i-1, i, tab.Sources)
		}
	}
	out := make([]wideIndicator, tab.Len())
	for i := range tab.Rows {
		x := &tab.Rows[i]
		if x.Source < 0 || int(x.Source) >= len(tab.Sources) {
			return nil, fmt.Errorf("indicator %d: source %d of %d", i, x.Source, len(tab.Sources))
		}
		out[i] = wideIndicator{x.Unit, x.Category, x.Status, tab.SourceOf(x), x.Amount}
	}
	return out, nil
}

// checkIndicators checks the invariants of DESIGN §12 independently of how
// Indicators computes them: every amount positive; per unit and category,
// per status, the indicators sum to the lines; per category and source, the
// indicators (unallocated included) sum to the fund lines of that source;
// designated money stays with its unit in its own source.
func checkIndicators(t *testing.T, name string, p *Plan, src []Source, ind []wideIndicator) {
	t.Helper()
	type us struct {
		unit, cat int32
		status    Status
	}
	lines, got := map[us]Fen{}, map[us]Fen{}
	for _, l := range p.Lines {
		lines[us{l.Unit, l.Category, l.Status}] += l.Amount
	}
	type cs struct {
		cat int32
		src Source
	}
	funds, bySrc := map[cs]Fen{}, map[cs]Fen{}
	for i, f := range p.Funds {
		funds[cs{int32(f.Category), src[i]}] += f.Amount
	}
	unal := make([]Fen, len(p.Categories))
	for _, x := range ind {
		if x.Amount <= 0 {
			t.Fatalf("%s: indicator %+v not positive", name, x)
		}
		bySrc[cs{x.Category, x.Source}] += x.Amount
		if x.Unit < 0 {
			unal[x.Category] += x.Amount
			continue
		}
		got[us{x.Unit, x.Category, x.Status}] += x.Amount
	}
	if len(lines) != len(got) {
		t.Fatalf("%s: %d unit×category×status with lines, %d with indicators", name, len(lines), len(got))
	}
	for k, v := range lines {
		if got[k] != v {
			t.Fatalf("%s: unit %s category %d: indicators %s, lines %s", name, p.Units[k.unit].Code, k.cat, got[k], v)
		}
	}
	for k, v := range funds {
		if bySrc[k] != v {
			t.Fatalf("%s: category %d source %+v: indicators %s, fund lines %s", name, k.cat, k.src, bySrc[k], v)
		}
	}
	for c := range unal {
		if unal[c] != p.Unallocated[c] {
			t.Fatalf("%s: category %d: unallocated indicators %s, plan %s", name, c, unal[c], p.Unallocated[c])
		}
	}
}

func TestIndicatorsSmallCity(t *testing.T) {
	in, rules := smallCity()
	p, err := Allocate(in, rules)
	if err != nil {
		t.Fatal(err)
	}
	gen := Source{Document: "神财社〔2026〕12号"}
	src := []Source{gen, {Type: 1, From: 1, Document: "陕财社〔2026〕8号"}, {Type: 5}, {Type: 2, Document: "X"}, {Type: 5}}
	ind, err := indicatorsWide(p, src, 0)
	if err != nil {
		t.Fatal(err)
	}
	checkIndicators(t, "small", p, src, ind)
	// The designated lines keep their own source: R1's directed 12,000 fen
	// are donations (F3 and F5), S3's 5,000 are of type 2 with document X,
	// reserved (S3 is unqualified).
	var r1, s3 bool
	for _, x := range ind {
		u := p.Units[max(x.Unit, 0)].Code
		if x.Unit >= 0 && u == "R1" && x.Source == (Source{Type: 5}) {
			r1 = x.Amount == 12_000 && x.Category == 0 && x.Status == Allocated
		}
		if x.Unit >= 0 && u == "S3" && x.Source.Document == "X" {
			s3 = x.Amount == 5_000 && x.Status == Reserved
		}
	}
	if !r1 || !s3 {
		t.Errorf("designated lines lost their source (R1 %v, S3 %v): %+v", r1, s3, ind)
	}
	// Sorted: unallocated last.
	for i := 1; i < len(ind); i++ {
		if ind[i-1].Unit < 0 && ind[i].Unit >= 0 {
			t.Fatalf("unallocated before a unit at %d", i)
		}
	}
	// Two pooled sources of category 0 over a limit of one: refused.
	src2 := append([]Source(nil), src...)
	p.Funds = append(p.Funds, Fund{ID: "F6", Category: 0, Amount: 1})
	p.Unallocated[0]++
	src2 = append(src2, Source{Document: "Y"})
	var tm *TooManySourcesError
	if _, err := indicatorsWide(p, src2, 1); !errors.As(err, &tm) || tm.Category != 0 || tm.Count != 2 {
		t.Errorf("limit: %v", err)
	}
	if ind, err := indicatorsWide(p, src2, 2); err != nil {
		t.Errorf("within the limit: %v", err)
	} else {
		checkIndicators(t, "small+F6", p, src2, ind)
	}
}

// TestIndicatorsRandomCities is the property test of DESIGN §12 on random
// cities with random sources.
func TestIndicatorsRandomCities(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 14))
	docs := []string{"", "A〔2026〕1号", "B〔2026〕2号", "C"}
	for i := range 2000 {
		in, rules := randomCity(rng)
		p, err := Allocate(in, rules)
		if err != nil {
			t.Fatalf("city %d: %v", i, err)
		}
		src := make([]Source, len(p.Funds))
		for j := range src {
			src[j] = Source{Type: FundType(rng.IntN(6)), From: FundSource(rng.IntN(2)), Document: docs[rng.IntN(len(docs))]}
		}
		ind, err := indicatorsWide(p, src, 0)
		if err != nil {
			t.Fatalf("city %d: %v", i, err)
		}
		checkIndicators(t, fmt.Sprintf("city %d", i), p, src, ind)
		want, err := indicatorsReference(p, src, 0)
		if err != nil {
			t.Fatalf("city %d: reference: %v", i, err)
		}
		if !slices.Equal(ind, want) {
			t.Fatalf("city %d: indicators differ from the reference:\n%v\n%v", i, ind, want)
		}
		// The same from the fund records, their sources read in place.
		recs := &FundRecords{Lines: make([]FundRecord, len(p.Funds))}
		for j := range p.Funds {
			recs.Lines[j] = FundRecord{Fund: p.Funds[j], Source: src[j]}
		}
		tab, err := RecordIndicators(p, recs, 0)
		if err != nil {
			t.Fatalf("city %d: from records: %v", i, err)
		}
		if tab2, _ := Indicators(p, src, 0); !slices.Equal(tab.Rows, tab2.Rows) || !slices.Equal(tab.Sources, tab2.Sources) {
			t.Fatalf("city %d: indicators from the records differ", i)
		}
		// Lines in another order draw on the pools in that order; the
		// runs of (unit, category) order are then many, down to single
		// lines when the order is reversed.
		q := *p
		q.Lines = slices.Clone(p.Lines)
		if i%2 == 0 {
			slices.Reverse(q.Lines)
		} else {
			k := rng.IntN(len(q.Lines) + 1)
			q.Lines = append(q.Lines[k:], q.Lines[:k]...)
		}
		ind, err = indicatorsWide(&q, src, 0)
		want, werr := indicatorsReference(&q, src, 0)
		if (err == nil) != (werr == nil) || !slices.Equal(ind, want) {
			t.Fatalf("city %d, lines reordered: indicators differ from the reference (%v, %v):\n%v\n%v", i, err, werr, ind, want)
		}
	}
}

func TestIndicatorsRefuseAMismatch(t *testing.T) {
	in, rules := smallCity()
	p, err := Allocate(in, rules)
	if err != nil {
		t.Fatal(err)
	}
	src := make([]Source, len(p.Funds))
	p.Funds = p.Funds[:4] // F5, designated to R1, gone: the directed line no longer matches
	if _, err := indicatorsWide(p, src[:4], 0); !errors.Is(err, ErrInvariant) {
		t.Errorf("err = %v, want ErrInvariant", err)
	}
}

// indicatorsReference is the first Indicators, written with maps: the plain
// statement of DESIGN §12 that the faster one must match exactly.
func indicatorsReference(p *Plan, sources []Source, maxSources int) ([]wideIndicator, error) {
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

	out := make([]wideIndicator, 0, len(sum))
	for k, a := range sum {
		out = append(out, wideIndicator{Unit: k.unit, Category: k.cat, Status: k.status, Source: k.src, Amount: a})
	}
	slices.SortFunc(out, func(a, b wideIndicator) int {
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
