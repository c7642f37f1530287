package sources

import (
	"os"
	"path/filepath"
	"testing"

	"fundalloc/allocation"
)

// The scale data sets come from `fundalloc generate`; set FUNDALLOC_BENCH_DATA
// to a generated folder (e.g. one made with --preset national) to run these.
func benchData(b *testing.B) Base {
	dir := os.Getenv("FUNDALLOC_BENCH_DATA")
	if dir == "" {
		b.Skip("set FUNDALLOC_BENCH_DATA to a folder written by fundalloc generate")
	}
	return Base{Dir: dir}
}

var benchCats = NewCategories([]allocation.Category{
	{Code: "social_assistance"}, {Code: "elderly_care"}, {Code: "child_welfare"}, {Code: "community_governance"},
	{Code: "social_affairs"}, {Code: "partner_org"}, {Code: "charity"},
})

func BenchmarkReadUnits(b *testing.B) {
	base := benchData(b)
	srcs, err := base.Resolve([]string{"data/units.*"})
	if err != nil || len(srcs) == 0 {
		b.Fatal(err)
	}
	for b.Loop() {
		var p Problems
		ut := ReadUnits(srcs[0], Options{Limits: DefaultLimits(), Drivers: CommonDriverNames()}, &p)
		if p.Len() > 0 {
			b.Fatal(p.Err())
		}
		b.ReportMetric(float64(len(ut.Units)), "units")
	}
}

func BenchmarkReadFunds(b *testing.B) {
	base := benchData(b)
	srcs, err := base.Resolve([]string{filepath.Join("data", "funds", "*")})
	if err != nil || len(srcs) == 0 {
		b.Fatal(err)
	}
	for b.Loop() {
		var p Problems
		ft := ReadFunds(srcs, Options{Limits: DefaultLimits()}, benchCats, &p)
		if p.Len() > 0 {
			b.Fatal(p.Err())
		}
		b.ReportMetric(float64(len(ft.Lines)), "lines")
	}
}

func BenchmarkParseAmount(b *testing.B) {
	for b.Loop() {
		for _, s := range []string{"1234.56", "¥1,234,567.89", " 12.300 ", "-5"} {
			if _, err := ParseAmount(s); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkNumericCellAmount(b *testing.B) {
	for b.Loop() {
		for _, s := range []string{"300000.30000000005", "8.00005E4", "1234.5"} {
			if _, err := cellAmount(Cell{Kind: Number, Text: s}, 2); err != nil {
				b.Fatal(err)
			}
		}
	}
}
