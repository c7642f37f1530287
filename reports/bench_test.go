package reports

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"fundalloc/allocation"
)

// benchPlan allocates a synthetic city of the given size.
func benchPlan(b *testing.B, stations, rooms, funds int) *Budget {
	b.Helper()
	rng := rand.New(rand.NewPCG(5, 5))
	in := allocation.Input{
		Categories: []string{"social_assistance", "elderly_care", "child_welfare", "community_governance", "social_affairs", "partner_org", "charity"},
		Drivers:    []string{"social_workers", "population"},
	}
	in.Units = append(in.Units, allocation.Unit{Code: "H", Name: "总站", Tier: allocation.Hub, Drivers: make([]allocation.Ratio, 2)})
	for s := range stations {
		code := fmt.Sprintf("S%05d", s)
		in.Units = append(in.Units, allocation.Unit{Code: code, Name: code + "社工站", Tier: allocation.Station, Parent: "H", SocialWorkers: 3,
			Drivers: []allocation.Ratio{allocation.Int(3), allocation.Int(uint64(5000 + rng.IntN(9000)))}})
		for r := range rooms {
			in.Units = append(in.Units, allocation.Unit{Code: fmt.Sprintf("%s-%02d", code, r), Name: "某某村", Tier: allocation.Room, Parent: code,
				Drivers: []allocation.Ratio{{}, allocation.Int(uint64(300 + rng.IntN(3000)))}})
		}
	}
	ft := &allocation.FundRecords{Files: []string{"funds.csv"}, Sheets: []string{""}}
	for f := range funds {
		fl := allocation.FundRecord{Fund: allocation.Fund{ID: fmt.Sprintf("F%07d", f), Category: f % 7, Amount: allocation.Fen(1_000_000 + rng.Int64N(100_000_000))},
			Provider: "神木市慈善协会", Description: "慈善一日捐", Row: int32(f + 2)}
		ft.Lines = append(ft.Lines, fl)
		in.Funds = append(in.Funds, fl.Fund)
	}
	var r allocation.Rules
	r.Factors = allocation.DefaultFactors()
	r.Demand.Share = allocation.One
	r.Demand.Drivers = slices.Repeat([]string{"population"}, 7)
	r.Rooms.Share = allocation.Ratio{Num: 3, Scale: 1}
	p, err := allocation.Allocate(in, r)
	if err != nil {
		b.Fatal(err)
	}
	cats := make([]allocation.Category, 7)
	for i, c := range in.Categories {
		cats[i] = allocation.Category{Code: c, Zh: c, En: c}
	}
	return &Budget{Year: 2026, RunDate: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Language: "zh", Plan: p, Categories: cats, Funds: ft,
		Rules: r}
}

func BenchmarkWriteBudgetJSON(b *testing.B) {
	bb := benchPlan(b, 1300, 15, 100_000)
	b.ReportMetric(float64(len(bb.Plan.Lines)), "lines")
	for b.Loop() {
		if err := WriteBudgetJSON(io.Discard, bb); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteBudgetWorkbook(b *testing.B) {
	bb := benchPlan(b, 1300, 15, 100_000)
	b.ReportMetric(float64(len(bb.Plan.Lines)), "lines")
	for b.Loop() {
		if err := WriteBudgetWorkbook(context.Background(), io.Discard, bb); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendJSONString(b *testing.B) {
	buf := make([]byte, 0, 256)
	for b.Loop() {
		for _, s := range []string{"S00001-01", "community_governance", "allocated", "神木市社工服务中心（社工总站）"} {
			buf = AppendJSONString(buf[:0], s)
		}
	}
}
