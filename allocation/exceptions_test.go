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
