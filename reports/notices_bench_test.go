package reports

import (
	"context"
	"io"
	"testing"

	"fundalloc/allocation"
)

// BenchmarkNoticesProvince writes the province preset's notices (1,300
// stations with 15 rooms each: 1,301 notices and the index) to io.Discard,
// one after another: the work of `fundalloc notices` but the disk, on one
// processor.
func BenchmarkNoticesProvince(b *testing.B) {
	bb := benchPlan(b, 1300, 15, 100_000)
	ind, err := allocation.Indicators(bb.Plan, bb.Funds.Sources(), 0)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		n := &Notices{Year: 2026, RunDate: bb.RunDate, Language: "zh", Document: Document{City: "某省"}, Version: "v1",
			Plan: bb.Plan, Rules: &bb.Rules, Categories: bb.Categories, Indicators: ind}
		units, _ := n.Prepare()
		for k := range units {
			if err := n.WriteNotice(context.Background(), io.Discard, k); err != nil {
				b.Fatal(err)
			}
		}
		if err := n.WriteNoticeIndex(context.Background(), io.Discard); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(1301, "notices/op")
}
