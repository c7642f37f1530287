package reports_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"fundalloc/allocation"
	"fundalloc/reports"
	"fundalloc/sources"
)

// TestBudgetJSONReadsBack writes a budget JSON and reads it back through
// the one reader: the same plan (but for the basis of its lines), units,
// fund lines and rules, so that a diff needs nothing but the file.
func TestBudgetJSONReadsBack(t *testing.T) {
	bb := reports.SampleBudget(t)
	bb.Inputs = []allocation.FileHash{{Path: "u.csv", SHA256: strings.Repeat("ab", 32)}}
	bb.Rules.Hub.Categories = []int{1}
	var buf bytes.Buffer
	if err := reports.WriteBudgetJSON(&buf, bb); err != nil {
		t.Fatal(err)
	}
	bf, err := sources.ReadBudgetFile("budget-2026.json", &buf, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	p, q := bb.Plan, bf.Plan
	if len(q.Lines) != len(p.Lines) {
		t.Fatalf("%d lines read back, %d written", len(q.Lines), len(p.Lines))
	}
	for i, l := range p.Lines {
		r := q.Lines[i]
		if r.Stage != l.Stage || r.Status != l.Status || r.Amount != l.Amount || q.Units[r.Unit].Code != p.Units[l.Unit].Code || r.Category != l.Category {
			t.Errorf("line %d: %+v read back as %+v", i, l, r)
		}
	}
	if !slices.Equal(q.Pool, p.Pool) || !slices.Equal(q.Unallocated, p.Unallocated) || !slices.Equal(q.Funds, p.Funds) {
		t.Errorf("pool %v unallocated %v funds %v", q.Pool, q.Unallocated, q.Funds)
	}
	for i, u := range p.Units {
		v := q.Units[i]
		if v.Code != u.Code || v.Name != u.Name || v.Tier != u.Tier || v.Parent != u.Parent || v.Grade != u.Grade ||
			v.SocialWorkers != u.SocialWorkers || v.Pilot != u.Pilot || v.ContractYear != u.ContractYear || v.Drivers[1] != u.Drivers[1] {
			t.Errorf("unit %+v read back as %+v", u, v)
		}
	}
	r := bf.Rules
	if !bf.Recorded || r.Hub.Amount != bb.Rules.Hub.Amount || !slices.Equal(r.Hub.Categories, []int{1}) || r.Factors != bb.Rules.Factors ||
		r.Rooms.Share != bb.Rules.Rooms.Share || !slices.Equal(r.Demand.Drivers, []string{"population", "population"}) || q.Drivers[1] != "population" {
		t.Errorf("rules %+v", r)
	}
	if bf.Year != 2026 || !slices.Equal(bf.Inputs, bb.Inputs) {
		t.Errorf("year %d inputs %v", bf.Year, bf.Inputs)
	}
}
