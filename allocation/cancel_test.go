package allocation

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

// countdown is a context whose Err turns to Canceled at its n-th call.
type countdown struct {
	context.Context
	n int
}

func (c *countdown) Err() error {
	if c.n--; c.n < 0 {
		return context.Canceled
	}
	return nil
}

// TestAllocationStopsWhenCancelled: a national allocation takes seconds, so
// SIGINT must reach its loops, not only the gaps between the stages.
func TestAllocationStopsWhenCancelled(t *testing.T) {
	in, rules := smallCity()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := AllocateContext(ctx, in, rules); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled before: %v", err)
	}
	// Many stations: the loops look at the context every 1,024 units.
	for i := range 5000 {
		code := fmt.Sprintf("T%04d", i)
		in.Units = append(in.Units, Unit{Code: code, Tier: Station, Parent: "H", Grade: Good, Drivers: rs("7")},
			Unit{Code: "Q" + code, Tier: Room, Parent: code, Drivers: rs("1")})
	}
	if _, err := AllocateContext(context.Background(), in, rules); err != nil {
		t.Fatal(err)
	}
	steps := 0
	for n := 1; ; n++ {
		c := &countdown{Context: context.Background(), n: n}
		_, err := AllocateContext(c, in, rules)
		if err == nil {
			break
		}
		if !errors.Is(err, context.Canceled) {
			t.Fatal(err)
		}
		steps = n
	}
	// Six stages, and within them the loops over 5,000 stations and
	// 10,000 units: more than the six gaps between stages.
	if steps < 12 {
		t.Errorf("the allocation looked at the context %d times; its loops do not", steps)
	}
}
