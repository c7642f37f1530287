package allocation_test

import (
	"fmt"

	"fundalloc/allocation"
)

// Three rooms share an amount by population 2 : 1 : 1. Of 100.01 yuan the
// exact shares are 50.005, 25.0025 and 25.0025: each room first gets its
// share rounded down, and the one fen left goes to the largest fractional
// part, the first room's. Of 100.03 yuan the two fen left go to the two small
// rooms, whose parts (0.75 fen) are larger than the first room's (0.5 fen).
func ExampleApportion() {
	weights := []allocation.Ratio{allocation.Int(2), allocation.Int(1), allocation.Int(1)}
	for _, total := range []allocation.Fen{10000, 10001, 10003} {
		shares, err := allocation.Apportion(total, weights)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(total, "→", shares)
	}
	// Output:
	// 100.00 → [50.00 25.00 25.00]
	// 100.01 → [50.01 25.00 25.00]
	// 100.03 → [50.01 25.01 25.01]
}

// A hub, one station with two rooms, and 1,000,000.00 yuan of elderly-care
// money: 100,000 for the hub project, a baseline of 80,000 per social worker,
// the rest by population, of which a fifth passes down to the rooms. Every
// fen of the pool lands on a line.
func ExampleAllocate() {
	in := allocation.Input{
		Categories: []string{"elderly_care"},
		Drivers:    []string{"population"},
		Units: []allocation.Unit{
			{Code: "HUB", Name: "市社工总站", Tier: allocation.Hub, Drivers: []allocation.Ratio{{}}},
			{Code: "S1", Name: "城关镇社工站", Tier: allocation.Station, Parent: "HUB", SocialWorkers: 3,
				Grade: allocation.Good, Drivers: []allocation.Ratio{allocation.Int(12000)}},
			{Code: "R1", Name: "东街社区社工室", Tier: allocation.Room, Parent: "S1", Drivers: []allocation.Ratio{allocation.Int(2000)}},
			{Code: "R2", Name: "西街社区社工室", Tier: allocation.Room, Parent: "S1", Drivers: []allocation.Ratio{allocation.Int(1000)}},
		},
		Funds: []allocation.Fund{{ID: "F1", Category: 0, Amount: 100_000_000}},
	}
	var r allocation.Rules
	r.Factors = allocation.DefaultFactors()
	r.Hub.Amount = 10_000_000
	r.Baseline.PerWorker = 8_000_000
	r.Demand.Share = allocation.One
	r.Demand.Drivers = []string{"population"}
	r.Rooms.Share = allocation.Ratio{Num: 2, Scale: 1}

	plan, err := allocation.Allocate(in, r)
	if err != nil {
		fmt.Println(err)
		return
	}
	var sum allocation.Fen
	for _, l := range plan.Lines {
		fmt.Printf("%-8s %-3s %11s\n", l.Stage, plan.Units[l.Unit].Code, l.Amount)
		sum += l.Amount
	}
	fmt.Println("lines", sum, "+ unallocated", plan.Unallocated[0], "= pool", plan.Pool[0].Total)
	// Output:
	// hub      HUB   100000.00
	// baseline S1    240000.00
	// demand   S1    528000.00
	// rooms    R1     88000.00
	// rooms    R2     44000.00
	// lines 1000000.00 + unallocated 0.00 = pool 1000000.00
}
