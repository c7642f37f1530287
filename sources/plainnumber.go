package sources

import (
	"math"
	"strings"

	"fundalloc/allocation"
)

// The stored text of a numeric xlsx cell is nearly always plain ("526",
// "98.65", "0.3"): digits with an optional point and an optional minus, and
// few enough digits that storedNumber would not round it. Such a number is
// read here without a decimal.Decimal and its big.Int, which cost some
// twenty allocations a cell; anything else goes through storedNumber, and
// both readings give the same value and the same error.

// plainNumber splits the stored text s of a numeric cell into its sign,
// integer digits and fraction digits when it is -?DIGITS(.DIGITS)? with at
// most allocation.ExactDigits significant digits (trailing zeros count, as
// storedNumber counts them); ok is false for anything else.
func plainNumber(s string) (neg bool, intPart, frac string, ok bool) {
	if s != "" && s[0] == '-' {
		neg, s = true, s[1:]
	}
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 {
		return false, "", "", false
	}
	intPart = s[:i]
	if i < len(s) {
		if s[i] != '.' {
			return false, "", "", false
		}
		frac = s[i+1:]
		if frac == "" || !allDigits(frac) {
			return false, "", "", false
		}
	}
	// Significant digits: from the first non-zero digit to the end.
	sig := len(strings.TrimLeft(intPart, "0"))
	if sig == 0 {
		sig = len(strings.TrimLeft(frac, "0"))
	} else {
		sig += len(frac)
	}
	if sig > allocation.ExactDigits {
		return false, "", "", false
	}
	return neg, intPart, frac, true
}

// plainAmount is cellAmount for a numeric cell whose text plainNumber
// splits; ok is false when it does not.
func plainAmount(s string, places int) (v allocation.Fen, ok bool, err error) {
	neg, intPart, frac, ok := plainNumber(s)
	if !ok {
		return 0, false, nil
	}
	_, errDecimals := amountErrors(places)
	frac = strings.TrimRight(frac, "0")
	if len(frac) > places {
		return 0, true, errDecimals
	}
	var u uint64
	add := func(d uint64) bool {
		if u > (math.MaxInt64-d)/10 {
			return false
		}
		u = u*10 + d
		return true
	}
	for i := 0; i < len(intPart); i++ {
		if !add(uint64(intPart[i] - '0')) {
			return 0, true, errTooLarge
		}
	}
	for i := 0; i < places; i++ {
		d := uint64(0)
		if i < len(frac) {
			d = uint64(frac[i] - '0')
		}
		if !add(d) {
			return 0, true, errTooLarge
		}
	}
	if neg {
		return -allocation.Fen(u), true, nil
	}
	return allocation.Fen(u), true, nil
}

// plainRatio is cellRatio for a numeric cell whose text plainNumber splits
// and that is not negative; ok is false otherwise.
func plainRatio(s string) (r allocation.Ratio, ok bool, err error) {
	neg, intPart, frac, ok := plainNumber(s)
	if !ok || neg {
		return allocation.Ratio{}, false, nil
	}
	// storedNumber's decimal prints without the fraction's trailing zeros;
	// leading zeros read as nothing.
	t := s[:len(intPart)]
	if f := strings.TrimRight(frac, "0"); f != "" {
		t = s[:len(intPart)+1+len(f)]
	}
	r, err = allocation.ParseRatio(t)
	if err != nil {
		return allocation.Ratio{}, true, errPrecision
	}
	if significant(r) > maxDigits {
		return allocation.Ratio{}, true, errDriverTooLarge
	}
	return r, true, nil
}
