package reports

import (
	"bytes"
	"encoding/json"
	"testing"

	"fundalloc/allocation"
)

// TestBudgetJSONIndicatorsMatchTable reads the JSON's indicators back with
// encoding/json and compares each with the table it was written from: the
// texts written escaped once must say what escaping each row would.
func TestBudgetJSONIndicatorsMatchTable(t *testing.T) {
	bb := testBudget(t)
	p, ind := bb.Plan, bb.Indicators
	// A category's money left unallocated is an indicator without a unit
	// (the test city leaves none; the writer does not add up).
	ind.Rows = append(ind.Rows, allocation.Indicator{Unit: -1, Category: 1, Source: int32(len(ind.Sources) - 1), Amount: 12_345})
	var buf bytes.Buffer
	if err := WriteBudgetJSON(&buf, bb); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Indicators []map[string]string `json:"indicators"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if len(doc.Indicators) != ind.Len() {
		t.Fatalf("%d indicators in the JSON, %d in the table", len(doc.Indicators), ind.Len())
	}
	seen := map[string]bool{}
	for i, got := range doc.Indicators {
		x := &ind.Rows[i]
		src := ind.SourceOf(x)
		want := map[string]string{"unit": "", "category": p.Categories[x.Category], "status": allocation.Unallocated,
			"fund_type": src.Type.String(), "fund_source": src.From.String(), "document_no": src.Document, "amount": x.Amount.String()}
		if x.Unit >= 0 {
			want["unit"], want["status"] = p.Units[x.Unit].Code, x.Status.String()
		}
		if len(got) != len(want) {
			t.Errorf("indicators[%d] = %v, want %v", i, got, want)
			continue
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("indicators[%d].%s = %q, want %q", i, k, got[k], v)
			}
		}
		seen[want["status"]] = true
	}
	for _, st := range []string{"allocated", "reserved", allocation.Unallocated} {
		if !seen[st] {
			t.Errorf("no indicator %s in the test budget: the test covers less than it says", st)
		}
	}
}
