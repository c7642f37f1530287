package sources_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"fundalloc/config"
	"fundalloc/sources"
)

// The scale data sets come from `fundalloc generate`; set FUNDALLOC_BENCH_DATA
// to a generated folder (e.g. one made with --preset national) to run these.
// The tables are read as fundalloc reads them: with the folder's
// fundalloc.yaml, its categories (the workbooks name them in Chinese), its
// limits and its driver columns.
func benchData(b *testing.B) *config.Config {
	dir := os.Getenv("FUNDALLOC_BENCH_DATA")
	if dir == "" {
		b.Skip("set FUNDALLOC_BENCH_DATA to a folder written by fundalloc generate")
	}
	cfg, err := config.Load(config.Options{Path: filepath.Join(dir, config.FileName), Getenv: func(string) string { return "" }})
	if err != nil {
		b.Fatal(err)
	}
	return cfg
}

func BenchmarkReadUnits(b *testing.B) {
	cfg := benchData(b)
	srcs, err := cfg.Base.Resolve([]string{cfg.Units})
	if err != nil || len(srcs) == 0 {
		b.Fatal(err)
	}
	for b.Loop() {
		var p sources.Problems
		ut := sources.ReadUnits(srcs[0], cfg.UnitOptions(context.Background()), &p)
		if p.Len() > 0 {
			b.Fatal(p.Err())
		}
		b.ReportMetric(float64(len(ut.Units)), "units")
	}
}

func BenchmarkReadFunds(b *testing.B) {
	cfg := benchData(b)
	srcs, err := cfg.Base.Resolve(cfg.FundLines)
	if err != nil || len(srcs) == 0 {
		b.Fatal(err)
	}
	cats := sources.NewCategories(cfg.Categories)
	for b.Loop() {
		var p sources.Problems
		ft := sources.ReadFunds(srcs, cfg.FundOptions(context.Background()), cats, &p)
		if p.Len() > 0 {
			b.Fatal(p.Err())
		}
		b.ReportMetric(float64(len(ft.Lines)), "lines")
	}
}
