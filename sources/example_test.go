package sources_test

import (
	"fmt"

	"fundalloc/sources"
)

// Amounts as clerks type them: grouped thousands, a yuan sign, trailing zeros.
// An amount that would lose a fen, an exponent or a misplaced separator is
// refused rather than rounded.
func ExampleParseAmount() {
	for _, s := range []string{"1,234,567.8", " ￥300 ", "-12.300", "0.005", "1e3", "12,34"} {
		fen, err := sources.ParseAmount(s)
		if err != nil {
			fmt.Printf("%-14q refused\n", s)
			continue
		}
		fmt.Printf("%-14q %d fen\n", s, fen)
	}
	// Output:
	// "1,234,567.8"  123456780 fen
	// " ￥300 "       30000 fen
	// "-12.300"      -1230 fen
	// "0.005"        refused
	// "1e3"          refused
	// "12,34"        refused
}
