package allocation

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchCity builds a city of the given size in memory: a hub, stations with
// rooms, and fund lines, most of them small.
func benchCity(stations, rooms, funds int) (Input, Rules) {
	rng := rand.New(rand.NewPCG(1, 1))
	in := Input{
		Categories: []string{"social_assistance", "elderly_care", "child_welfare", "community_governance", "social_affairs", "partner_org", "charity"},
		Drivers:    []string{"social_workers", "population", "elderly", "children", "assistance"},
	}
	drv := func(pop uint64) []Ratio {
		return []Ratio{Int(uint64(rng.IntN(4))), Int(pop), Int(pop * 15 / 100), Int(pop / 5), Int(pop / 30)}
	}
	in.Units = append(in.Units, Unit{Code: "H", Tier: Hub, Drivers: drv(0)})
	for s := range stations {
		code := fmt.Sprintf("S%05d", s)
		in.Units = append(in.Units, Unit{Code: code, Tier: Station, Parent: "H", SocialWorkers: int64(2 + rng.IntN(3)),
			Pilot: rng.IntN(20) == 0, Grade: Grade(rng.IntN(int(numGrades))), Drivers: drv(uint64(5000 + rng.IntN(50000)))})
		for r := range rooms {
			in.Units = append(in.Units, Unit{Code: fmt.Sprintf("%s-%02d", code, r), Tier: Room, Parent: code, Drivers: drv(uint64(300 + rng.IntN(8000)))})
		}
	}
	for f := range funds {
		fund := Fund{ID: fmt.Sprintf("F%07d", f), Category: rng.IntN(7), Amount: Fen(100_000 + rng.Int64N(100_000_000))}
		if rng.IntN(100) == 0 {
			fund.Unit = in.Units[rng.IntN(len(in.Units))].Code
		}
		in.Funds = append(in.Funds, fund)
	}
	var r Rules
	r.Factors = DefaultFactors()
	r.Hub.Amount = 1_200_000_00
	r.Baseline.PerWorker = 9_000_000
	r.Baseline.PerStation = 3_000_000
	r.Pilot.Amount = 10_000_000
	r.Demand.Share = One
	r.Demand.Drivers = []string{"assistance", "elderly", "children", "population", "population", "population", "population"}
	r.Rooms.Share = Ratio{Num: 3, Scale: 1}
	return in, r
}

func BenchmarkApportion(b *testing.B) {
	for _, n := range []int{15, 1000, 38600} {
		weights := make([]Ratio, n)
		rng := rand.New(rand.NewPCG(2, 2))
		for i := range weights {
			weights[i] = Ratio{Num: uint64(rng.IntN(100000)), Scale: 2}
		}
		b.Run(fmt.Sprintf("items=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := Apportion(123_456_789_01, weights); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkAllocate(b *testing.B) {
	for _, size := range []struct {
		name                   string
		stations, rooms, funds int
	}{{"shenmu", 20, 15, 60}, {"province", 1300, 15, 100_000}, {"national", 38_600, 15, 1_000_000}} {
		in, r := benchCity(size.stations, size.rooms, size.funds)
		b.Run(size.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				p, err := Allocate(in, r)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(len(p.Lines)), "lines")
			}
		})
	}
}

func BenchmarkReconcile(b *testing.B) {
	in, r := benchCity(38_600, 15, 1000)
	p, err := Allocate(in, r)
	if err != nil {
		b.Fatal(err)
	}
	budget := Annual(p)
	codes := make([]string, len(p.Units))
	for i, u := range p.Units {
		codes[i] = u.Code
	}
	rng := rand.New(rand.NewPCG(3, 3))
	vouchers := make([]Voucher, 3_000_000)
	for i := range vouchers {
		bu := budget[rng.IntN(len(budget))]
		vouchers[i] = Voucher{Unit: bu.Unit, Category: bu.Category, Month: 1 + rng.IntN(10), Amount: Fen(rng.Int64N(1_000_000))}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Reconcile(codes, budget, vouchers, 10, Thresholds{Profile: EvenProfile(), Tolerance: Ratio{Num: 1, Scale: 1}, Behind: Ratio{Num: 8, Scale: 1}}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIndicators splits a province-sized plan by source: one source in
// most categories (as a city without documents has), three in the first.
func BenchmarkIndicators(b *testing.B) {
	in, r := benchCity(2000, 15, 20000)
	p, err := Allocate(in, r)
	if err != nil {
		b.Fatal(err)
	}
	src := make([]Source, len(p.Funds))
	for i, f := range p.Funds {
		if f.Category == 0 {
			src[i] = Source{Type: FundType(i % 2), From: FundSource(i % 3 / 2), Document: fmt.Sprintf("民财〔2026〕%d号", i%3)}
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Indicators(p, src, 200); err != nil {
			b.Fatal(err)
		}
	}
}
