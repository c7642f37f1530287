package reports

import (
	"fmt"
	"slices"
	"testing"

	"fundalloc/allocation"
)

// TestUnitOrder holds unitIndex.order to the map of stretches by code it
// replaced: the hub's rows, each station's then its rooms', then the rows
// of units the sheet order does not reach (a room of no station) and of
// codes the units file does not know, in row order.
func TestUnitOrder(t *testing.T) {
	units := []allocation.Unit{
		{Code: "S2", Tier: allocation.Station},
		{Code: "R2a", Tier: allocation.Room, Parent: "S2"},
		{Code: "HUB", Tier: allocation.Hub},
		{Code: "S1", Tier: allocation.Station},
		{Code: "R1b", Tier: allocation.Room, Parent: "S1"},
		{Code: "R1a", Tier: allocation.Room, Parent: "S1"},
		{Code: "R9", Tier: allocation.Room, Parent: "S9"}, // no such station
		{Code: "S3", Tier: allocation.Station},            // no rows
	}
	var rows []allocation.Row
	for _, code := range []string{"A0", "HUB", "R1a", "R1b", "R2a", "R9", "S1", "S2", "ZZ"} {
		for c := range 3 {
			if code == "R2a" && c > 0 {
				break
			}
			rows = append(rows, allocation.Row{Unit: code, Category: int32(c)})
		}
	}
	got := newUnitIndex(units).order(rows)
	want := orderByMap(units, rows)
	if !slices.Equal(got, want) {
		t.Fatalf("order = %v, want %v", got, want)
	}
	var codes []string
	for _, i := range got {
		if rows[i].Category == 0 {
			codes = append(codes, rows[i].Unit)
		}
	}
	if s := fmt.Sprint(codes); s != "[HUB S1 R1a R1b S2 R2a A0 R9 ZZ]" {
		t.Fatalf("units in the order %s", s)
	}
}

// orderByMap is unitIndex.order as it was.
func orderByMap(units []allocation.Unit, rows []allocation.Row) []int {
	type span struct{ from, to int }
	spans := map[string]span{}
	for i := 0; i < len(rows); {
		j := i + 1
		for j < len(rows) && rows[j].Unit == rows[i].Unit {
			j++
		}
		spans[rows[i].Unit] = span{i, j}
		i = j
	}
	var out []int
	for _, u := range sheetOrder(units) {
		code := units[u].Code
		if s, ok := spans[code]; ok {
			for i := s.from; i < s.to; i++ {
				out = append(out, i)
			}
			delete(spans, code)
		}
	}
	for i, r := range rows {
		if _, left := spans[r.Unit]; left {
			out = append(out, i)
		}
	}
	return out
}
