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

// Three stations' elderly-care budgets checked at the end of October, phased
// evenly over the year. S1 is on plan; S2 has spent more than its whole
// year's budget; S3 is behind, but its operator was graded unqualified, so
// its money is reserved for re-procurement and it is not flagged BEHIND.
// Problems lists the flagged rows worst first, with the amount at stake.
func ExampleReconcile() {
	units := []string{"S1", "S2", "S3"}
	budget := []allocation.Budgeted{
		{Unit: 0, Category: 0, Annual: 12_000_000},
		{Unit: 1, Category: 0, Annual: 6_000_000},
		{Unit: 2, Category: 0, Annual: 6_000_000, Reserved: true},
	}
	vouchers := []allocation.Voucher{
		{Unit: 0, Category: 0, Month: 3, Amount: 9_800_000},
		{Unit: 1, Category: 0, Month: 9, Amount: 6_500_000},
		{Unit: 2, Category: 0, Month: 2, Amount: 100_000},
		{Unit: 0, Category: 0, Month: 11, Amount: 5_000_000}, // after October: not counted yet
	}
	t := allocation.Thresholds{
		Profile:   allocation.EvenProfile(),
		Tolerance: allocation.Ratio{Num: 1, Scale: 1}, // AHEAD past plan × 1.1
		Behind:    allocation.Ratio{Num: 5, Scale: 1}, // BEHIND under plan × 0.5
	}
	rows, err := allocation.Reconcile(units, budget, vouchers, 10, t)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range rows {
		fmt.Printf("%s annual %s plan %s actual %s remaining %s rate %s flags %v\n",
			r.Unit, r.Annual, r.PlanToDate, r.Actual, r.Remaining(), r.Rate, r.Flags.List())
	}
	for _, p := range allocation.Problems(rows) {
		fmt.Printf("severity %d %s %s at stake %s\n", p.Severity, rows[p.Row].Unit, p.Flag, p.Stake)
	}
	// Output:
	// S1 annual 120000.00 plan 100000.00 actual 98000.00 remaining 22000.00 rate 0.9800 flags []
	// S2 annual 60000.00 plan 50000.00 actual 65000.00 remaining -5000.00 rate 1.3000 flags [OVERSPEND AHEAD]
	// S3 annual 60000.00 plan 50000.00 actual 1000.00 remaining 59000.00 rate 0.0200 flags []
	// severity 1 S2 OVERSPEND at stake 5000.00
}
