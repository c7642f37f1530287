package msg

import (
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestColumnName agrees with excelize on every column a sheet can have, so
// a location and a formula name a column the same way.
func TestColumnName(t *testing.T) {
	for n := 1; n <= excelize.MaxColumns; n++ {
		want, err := excelize.ColumnNumberToName(n)
		if err != nil {
			t.Fatal(err)
		}
		if got := ColumnName(n); got != want {
			t.Fatalf("ColumnName(%d) = %q, want %q", n, got, want)
		}
	}
	if got := ColumnName(0); got != "" {
		t.Errorf("ColumnName(0) = %q", got)
	}
}
