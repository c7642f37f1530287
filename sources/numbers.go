package sources

import (
	"errors"
	"math"
	"math/big"
	"strings"
	"unicode"

	"github.com/shopspring/decimal"

	"fundalloc/allocation"
	"fundalloc/reports/msg"
)

// Reasons a value is refused. Callers put the column and the value in front:
// `amount "12.345" has more than 2 decimal places`.
var (
	errNotAmount   = msg.SrcNotAmount.Wrap(ErrBadAmount)
	errDecimals    = msg.SrcDecimals.Wrap(ErrBadAmount)
	errTooLarge    = msg.SrcTooLarge.Wrap(ErrBadAmount)
	errNotNumber   = msg.SrcNotNumber.Wrap(ErrBadNumber)
	errNegative    = msg.SrcNegative.Wrap(ErrBadNumber)
	errNotWhole    = msg.SrcNotWhole.Wrap(ErrBadNumber)
	errPrecision   = msg.SrcPrecision.Wrap(ErrBadNumber)
	errNotPositive = msg.SrcNotPositive.Wrap(ErrBadAmount)

	errNotAmountWan   = msg.SrcNotAmountWan.Wrap(ErrBadAmount)
	errDecimalsWan    = msg.SrcDecimalsWan.Wrap(ErrBadAmount)
	errDriverTooLarge = msg.SrcDriverTooLarge.Wrap(ErrBadNumber)
)

// maxAmount is the largest amount a table may hold, and the largest total
// of the fund lines (or of the vouchers, counted either way): what a
// spreadsheet cell holds exactly.
const maxAmount = allocation.MaxExactFen

// errAmountTooLarge is how a table's amount beyond maxAmount, or beyond
// the money type, is refused.
var errAmountTooLarge = msg.SrcAmountTooLarge.Wrap(ErrBadAmount)

// wan is the scale of an amount column in 万元 (DESIGN §3.4).
const wan = 10_000

// places returns how many decimals an amount in a column of the given
// scale may have: 2 in yuan (whole fen), 6 in 万元 (whole fen too).
func places(scale int64) int {
	if scale == wan {
		return 6
	}
	return 2
}

// tableAmount reads an amount cell of a table whose header gives the scale
// (1 in yuan, wan in 万元): cellAmount, then at most maxAmount either way.
func tableAmount(c Cell, scale int64) (allocation.Fen, error) {
	v, err := cellAmount(c, places(scale))
	if c.Kind == Text && err != nil && intDigits(c.Text) > maxIntDigits(scale) {
		return 0, errAmountTooLarge // too large, whatever else is wrong with it
	}
	if err == errTooLarge || err == nil && (v > maxAmount || v < -maxAmount) {
		return 0, errAmountTooLarge
	}
	return v, err
}

// maxIntDigits is how many integer digits an amount at most has: 13 in
// yuan (maxAmount), 9 in 万元.
func maxIntDigits(scale int64) int {
	if scale == wan {
		return 9
	}
	return 13
}

// intDigits counts the digits before the decimal point of an amount typed
// as text, leading zeros and separators aside.
func intDigits(s string) int {
	intPart, _, _ := strings.Cut(s, ".")
	n, lead := 0, true
	for i := 0; i < len(intPart); i++ {
		c := intPart[i]
		if c < '0' || c > '9' || lead && c == '0' {
			continue
		}
		lead = false
		n++
	}
	return n
}

// amountErrors are the reasons an amount is refused, by its places.
func amountErrors(places int) (notAmount, decimals error) {
	if places == 6 {
		return errNotAmountWan, errDecimalsWan
	}
	return errNotAmount, errDecimals
}

// ParseAmount reads money typed as text (DESIGN §3.4): surrounding spaces, an
// optional sign, an optional leading ¥ or ￥, digits with correctly grouped
// "," thousands separators, and at most 2 decimals (further zeros are
// allowed: "12.300" is 12.30). Anything else is an error, exponents included.
func ParseAmount(s string) (allocation.Fen, error) { return parseAmount(s, 2) }

// parseAmount reads an amount as ParseAmount does, with up to places
// decimals, and returns it in units of its last decimal: fen for yuan with
// 2 decimals, and fen too for 万元 with 6. A number too large is errTooLarge
// whatever its decimals.
func parseAmount(s string, places int) (allocation.Fen, error) {
	errNotAmount, errDecimals := amountErrors(places)
	t := strings.TrimFunc(s, unicode.IsSpace)
	neg := false
	if rest, ok := strings.CutPrefix(t, "-"); ok {
		neg, t = true, rest
	}
	for _, sym := range []string{"¥", "￥"} {
		if rest, ok := strings.CutPrefix(t, sym); ok {
			t = strings.TrimFunc(rest, unicode.IsSpace)
			break
		}
	}
	if rest, ok := strings.CutPrefix(t, "-"); ok && !neg {
		neg, t = true, rest
	}
	intPart, frac, hasDot := strings.Cut(t, ".")
	digits, ok := ungroup(intPart)
	if !ok || (hasDot && frac == "") || !allDigits(frac) {
		return 0, errNotAmount
	}
	frac = strings.TrimRight(frac, "0")
	if len(strings.TrimLeft(digits, "0"))+places > 19 { // past int64, whatever the decimals
		return 0, errTooLarge
	}
	if len(frac) > places {
		return 0, errDecimals
	}
	frac += strings.Repeat("0", places-len(frac))
	var v uint64
	for _, c := range digits + frac {
		d := uint64(c - '0')
		if v > (math.MaxInt64-d)/10 {
			return 0, errTooLarge
		}
		v = v*10 + d
	}
	if neg {
		return -allocation.Fen(v), nil
	}
	return allocation.Fen(v), nil
}

// ungroup checks the integer part of a number: plain digits, or digits in
// groups of three separated by commas ("1,234,567"); it returns the digits.
func ungroup(s string) (string, bool) {
	if s == "" {
		return "", false
	}
	if !strings.Contains(s, ",") {
		return s, allDigits(s)
	}
	groups := strings.Split(s, ",")
	for i, g := range groups {
		if !allDigits(g) || g == "" || len(g) > 3 || (i > 0 && len(g) != 3) {
			return "", false
		}
	}
	return strings.Join(groups, ""), true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// storedNumber reads the stored text of a numeric spreadsheet cell, which may
// carry an exponent ("8.00005E4") or binary noise ("1234.5600000000001"), and
// rounds it to 15 significant digits as Excel displays it.
func storedNumber(s string) (decimal.Decimal, error) {
	d, err := decimal.NewFromString(strings.TrimSpace(s))
	if err != nil {
		return decimal.Decimal{}, errNotNumber
	}
	if d.IsZero() {
		return d, nil
	}
	coef := new(big.Int).Abs(d.Coefficient())
	nd := int32(len(coef.String()))
	if nd > allocation.ExactDigits {
		// The leading digit sits at 10^(nd−1+exp); keep 15 digits from it.
		d = d.Round(allocation.ExactDigits - (nd + d.Exponent()))
	}
	return d, nil
}

// cellAmount reads an amount with up to places decimals from a cell, in
// units of its last decimal: a numeric cell by its stored text rounded to
// 15 significant digits, a text cell by parseAmount.
func cellAmount(c Cell, places int) (allocation.Fen, error) {
	errNotAmount, _ := amountErrors(places)
	switch c.Kind {
	case Text:
		return parseAmount(c.Text, places)
	case Number:
		if v, ok, err := plainAmount(c.Text, places); ok {
			return v, err
		}
		return storedAmount(c.Text, places)
	}
	return 0, errNotAmount
}

// storedAmount is cellAmount for a numeric cell, by storedNumber.
func storedAmount(s string, places int) (allocation.Fen, error) {
	errNotAmount, errDecimals := amountErrors(places)
	d, err := storedNumber(s)
	if err != nil {
		return 0, errNotAmount
	}
	f := d.Shift(int32(places))
	if !f.IsInteger() {
		return 0, errDecimals
	}
	b := f.BigInt()
	if !b.IsInt64() {
		return 0, errTooLarge
	}
	return allocation.Fen(b.Int64()), nil
}

// cellRatio reads a non-negative decimal (a driver value) from a cell: text
// with optional "," separators, or a numeric cell rounded to 15 significant
// digits.
func cellRatio(c Cell) (allocation.Ratio, error) {
	switch c.Kind {
	case Text:
		t := strings.TrimFunc(c.Text, unicode.IsSpace)
		if strings.HasPrefix(t, "-") {
			if _, err := cellRatio(Cell{Kind: Text, Text: t[1:]}); err == nil {
				return allocation.Ratio{}, errNegative
			}
			return allocation.Ratio{}, errNotNumber
		}
		intPart, frac, hasDot := strings.Cut(t, ".")
		digits, ok := ungroup(intPart)
		if !ok || (hasDot && frac == "") || !allDigits(frac) {
			return allocation.Ratio{}, errNotNumber
		}
		if len(strings.TrimLeft(digits, "0")) > maxDigits {
			return allocation.Ratio{}, errDriverTooLarge
		}
		if hasDot {
			digits += "." + frac
		}
		r, err := allocation.ParseRatio(digits)
		if errors.Is(err, allocation.ErrOverflow) {
			return allocation.Ratio{}, errPrecision
		}
		if err == nil && significant(r) > maxDigits {
			return allocation.Ratio{}, errDriverTooLarge
		}
		return r, err
	case Number:
		if r, ok, err := plainRatio(c.Text); ok {
			return r, err
		}
		return storedRatio(c.Text)
	}
	return allocation.Ratio{}, errNotNumber
}

// storedRatio is cellRatio for a numeric cell, by storedNumber.
func storedRatio(s string) (allocation.Ratio, error) {
	d, err := storedNumber(s)
	if err != nil {
		return allocation.Ratio{}, err
	}
	if d.Sign() < 0 {
		return allocation.Ratio{}, errNegative
	}
	if d.Exponent() >= 0 && len(d.Coefficient().String())+int(d.Exponent()) > maxDigits {
		return allocation.Ratio{}, errDriverTooLarge
	}
	r, err := allocation.ParseRatio(d.String())
	if err != nil {
		return allocation.Ratio{}, errPrecision
	}
	if significant(r) > maxDigits {
		return allocation.Ratio{}, errDriverTooLarge
	}
	return r, nil
}

// maxDigits is how many significant digits a driver value may have (DESIGN
// §3.1): what a spreadsheet shows exactly, and small enough that a weight
// (driver × grade factor) and the sum of the weights stay within the
// allocation's arithmetic.
const maxDigits = allocation.ExactDigits

// significant counts the digits of r's mantissa.
func significant(r allocation.Ratio) int {
	n := 1
	for v := r.Num; v >= 10; v /= 10 {
		n++
	}
	return n
}

// cellCount reads a whole number ≥ 0 (a head count) from a cell.
func cellCount(c Cell) (int64, error) {
	r, err := cellRatio(c)
	if err != nil {
		return 0, err
	}
	if r.Scale != 0 {
		return 0, errNotWhole
	}
	if r.Num > math.MaxInt32 {
		return 0, errTooLarge
	}
	return int64(r.Num), nil
}
