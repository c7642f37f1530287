package reports

import (
	"bytes"
	"errors"
	"testing"

	"fundalloc/allocation"
)

// A budget JSON whose indicators come late is the budget JSON; an error in
// place of the indicators ends the writing with it.
func TestBudgetJSONAwaitingIndicators(t *testing.T) {
	bb := testBudget(t)
	if bb.Indicators.Len() == 0 {
		t.Fatal("the test budget has no indicators")
	}
	var want, got bytes.Buffer
	if err := WriteBudgetJSON(&want, bb); err != nil {
		t.Fatal(err)
	}
	late := *bb
	ind := late.Indicators
	late.Indicators = nil
	calls := 0
	err := WriteBudgetJSONAwaiting(&got, &late, func() (*allocation.IndicatorTable, error) { calls++; return ind, nil })
	if err != nil || calls != 1 || !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Errorf("err %v, %d calls, same bytes %v", err, calls, bytes.Equal(got.Bytes(), want.Bytes()))
	}
	if late.Indicators != nil {
		t.Error("the budget was changed")
	}
	bad := errors.New("no indicators")
	if err := WriteBudgetJSONAwaiting(&got, &late, func() (*allocation.IndicatorTable, error) { return nil, bad }); !errors.Is(err, bad) {
		t.Errorf("err = %v", err)
	}
}
