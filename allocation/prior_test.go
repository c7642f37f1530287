package allocation

import (
	"slices"
	"testing"
)

// TestComparePrior sets the small city against a last year in which R2 did
// not exist, a room R9 did, and a category Z was funded.
func TestComparePrior(t *testing.T) {
	in, rules := smallCity()
	p, err := Allocate(in, rules)
	if err != nil {
		t.Fatal(err)
	}
	last := &Plan{
		Categories: []string{"B", "Z", "A"},
		Units:      []Unit{{Code: "H", Tier: Hub}, {Code: "R1", Tier: Room}, {Code: "R9", Tier: Room, Name: "旧室"}, {Code: "S1", Tier: Station}},
		Lines: []Line{
			{Stage: HubProject, Unit: 0, Category: 2, Amount: 500},
			{Stage: Rooms, Unit: 1, Category: 0, Amount: 70},
			{Stage: Rooms, Unit: 1, Category: 2, Amount: 30},
			{Stage: Rooms, Unit: 2, Category: 1, Amount: 9},
			{Stage: Demand, Unit: 3, Category: 2, Amount: 1000},
		},
	}
	pr := ComparePrior(p, &Budget{Plan: last})
	want := map[string]Fen{"H": 500, "R1": 100, "S1": 1000, "R2": 0, "S2": 0, "S3": 0, "R3": 0}
	for i, u := range p.Units {
		if pr.Unit[i] != want[u.Code] {
			t.Errorf("%s: last year %s, want %s", u.Code, pr.Unit[i], want[u.Code])
		}
		if isNew := u.Code == "R2" || u.Code == "S2" || u.Code == "S3" || u.Code == "R3"; pr.New[i] != isNew {
			t.Errorf("%s: new %v", u.Code, pr.New[i])
		}
	}
	if !slices.Equal(pr.Category, []Fen{1530, 70}) {
		t.Errorf("categories A, B: %v, want [1530 70]", pr.Category)
	}
	if len(pr.Closed) != 1 || pr.Closed[0].Unit.Name != "旧室" || pr.Closed[0].Total != 9 {
		t.Errorf("closed: %+v", pr.Closed)
	}
	if len(pr.Dropped) != 1 || pr.Dropped[0] != (DroppedCategory{"Z", 9}) {
		t.Errorf("dropped: %+v", pr.Dropped)
	}
}
