package allocation

import (
	"slices"
	"testing"
)

// TestExceptionsNames: each kind has its name, a set lists its kinds in
// listing order, and a set or none has no single name.
func TestExceptionsNames(t *testing.T) {
	kinds := []Exceptions{MissingVoucher, UnknownUnit, UnknownCategory, DuplicateVoucher, OutOfPeriod, BadAmount, BadDate}
	names := []string{"MISSING_VOUCHER", "UNKNOWN_UNIT", "UNKNOWN_CATEGORY", "DUPLICATE_VOUCHER", "OUT_OF_PERIOD", "BAD_AMOUNT", "BAD_DATE"}
	for i, k := range kinds {
		if k.Name() != names[i] {
			t.Errorf("kind %d: Name() = %q, want %q", i, k.Name(), names[i])
		}
	}
	set := BadDate | UnknownUnit | BadAmount
	if got, want := set.List(), []string{"UNKNOWN_UNIT", "BAD_AMOUNT", "BAD_DATE"}; !slices.Equal(got, want) {
		t.Errorf("List() = %v, want %v", got, want)
	}
	if got := set.String(); got != "UNKNOWN_UNIT BAD_AMOUNT BAD_DATE" {
		t.Errorf("String() = %q", got)
	}
	if set.Name() != "" || Exceptions(0).Name() != "" || Exceptions(0).String() != "" {
		t.Errorf("a set or none has a name: %q, %q", set.Name(), Exceptions(0).Name())
	}
}

// TestExceptionOrder: the order counts are listed in names every kind
// exactly once, UNKNOWN_UNIT first and MISSING_VOUCHER last.
func TestExceptionOrder(t *testing.T) {
	var seen Exceptions
	for i, k := range ExceptionOrder {
		if k.Name() == "" || seen&k != 0 {
			t.Errorf("ExceptionOrder[%d] = %d: not a single kind, or listed twice", i, k)
		}
		seen |= k
	}
	if all := Exceptions(1<<len(exceptionNames) - 1); seen != all {
		t.Errorf("ExceptionOrder lists %v, want every kind %v", seen, all)
	}
	var names []string
	for _, k := range ExceptionOrder {
		names = append(names, k.Name())
	}
	want := []string{"UNKNOWN_UNIT", "UNKNOWN_CATEGORY", "DUPLICATE_VOUCHER", "OUT_OF_PERIOD", "BAD_AMOUNT", "BAD_DATE", "MISSING_VOUCHER"}
	if !slices.Equal(names, want) {
		t.Errorf("ExceptionOrder = %v, want %v", names, want)
	}
}
