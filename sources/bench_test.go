package sources

import "testing"

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
