// Package allocation is the pure core of fundalloc: money in fen, the
// largest-remainder apportionment, the pool, the six allocation stages and the
// reconciliation arithmetic. It does no file or network I/O and knows nothing
// of configuration files or spreadsheets; callers hand it typed values and get
// typed results back, each line carrying the basis that produced it.
package allocation

import (
	"errors"
	"math"
	"math/bits"
	"strconv"
)

// Fen is an amount of money in fen (1 yuan = 100 fen). All money in the core
// is Fen; text is parsed into it at the edges and printed from it with String.
type Fen int64

// ErrOverflow reports arithmetic on Fen or Ratio that would not fit in 64 bits.
var ErrOverflow = errors.New("amount out of range")

// MaxFen is the largest amount the core handles: about 92 quadrillion yuan.
const MaxFen = Fen(math.MaxInt64)

// ExactDigits is how many significant digits a spreadsheet cell, a binary
// double, holds exactly. MaxExactFen is the largest amount it holds exactly,
// 9,999,999,999,999.99 yuan: the most an input table may hold, and the most
// a workbook shows. It is far beyond what any city or province spends in a
// year, so an amount beyond it is a typing or export error.
const (
	ExactDigits     = 15
	MaxExactFen Fen = 999_999_999_999_999
)

// String formats f in yuan with exactly two decimals ("1234.50", "-0.05").
func (f Fen) String() string {
	var buf [24]byte
	return string(f.appendTo(buf[:0]))
}

// AppendText appends f formatted as by String.
func (f Fen) AppendText(b []byte) ([]byte, error) { return f.appendTo(b), nil }

func (f Fen) appendTo(b []byte) []byte {
	u := uint64(f)
	if f < 0 {
		b = append(b, '-')
		u = uint64(-(f + 1)) + 1 // safe for math.MinInt64
	}
	b = strconv.AppendUint(b, u/100, 10)
	c := u % 100
	return append(b, '.', byte('0'+c/10), byte('0'+c%10))
}

// errNotFen is ParseFen's answer to text String would not write.
var errNotFen = errors.New("not an amount in yuan with two decimals")

// ParseFen reads an amount as String writes it: an optional "-", digits, a
// point and exactly two decimals ("1234.50", "-0.05"). Money typed by
// people, with separators or a currency sign, is read at the edges.
func ParseFen(s string) (Fen, error) {
	t, neg := s, false
	if len(t) > 0 && t[0] == '-' {
		t, neg = t[1:], true
	}
	n := len(t)
	if n < 4 || t[n-3] != '.' {
		return 0, errNotFen
	}
	var v uint64
	for i := 0; i < n; i++ {
		if i == n-3 {
			continue
		}
		c := t[i]
		if c < '0' || c > '9' {
			return 0, errNotFen
		}
		d := uint64(c - '0')
		if v > (math.MaxInt64-d)/10 {
			return 0, ErrOverflow
		}
		v = v*10 + d
	}
	if neg {
		return -Fen(v), nil
	}
	return Fen(v), nil
}

// Add returns a+b, or ErrOverflow.
func (a Fen) Add(b Fen) (Fen, error) {
	s := a + b
	if (s > a) != (b > 0) {
		return 0, ErrOverflow
	}
	return s, nil
}

// MulInt returns a×n, or ErrOverflow.
func (a Fen) MulInt(n int64) (Fen, error) {
	if a == 0 || n == 0 {
		return 0, nil
	}
	p := a * Fen(n)
	if p/Fen(n) != a || (a == -1 && n == math.MinInt64) || (n == -1 && a == math.MinInt64) {
		return 0, ErrOverflow
	}
	return p, nil
}

// MulFloor returns ⌊a × r⌋ for a ≥ 0, or ErrOverflow when the result does not
// fit. It is exact: the product is formed in 128 bits.
func (a Fen) MulFloor(r Ratio) (Fen, error) {
	if a < 0 {
		return 0, errors.New("allocation: MulFloor of a negative amount")
	}
	hi, lo := bits.Mul64(uint64(a), r.Num)
	d := pow10[r.Scale]
	if hi >= d {
		return 0, ErrOverflow
	}
	q, _ := bits.Div64(hi, lo, d)
	if q > math.MaxInt64 {
		return 0, ErrOverflow
	}
	return Fen(q), nil
}

// Ratio is an exact non-negative decimal, Num × 10^-Scale: a weight, a driver
// value, a grade factor or a share. Scale is at most MaxScale.
type Ratio struct {
	Num   uint64
	Scale uint8
}

// MaxScale is the largest number of decimal places a Ratio carries.
const MaxScale = 19

var pow10 = func() [MaxScale + 1]uint64 {
	var p [MaxScale + 1]uint64
	p[0] = 1
	for i := 1; i <= MaxScale; i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

// One is the ratio 1.
var One = Ratio{Num: 1}

// Int returns the ratio n.
func Int(n uint64) Ratio { return Ratio{Num: n} }

// IsZero reports whether r is 0.
func (r Ratio) IsZero() bool { return r.Num == 0 }

// Mul returns r×s exactly, or ErrOverflow when the product needs more than 64
// bits of mantissa or more than MaxScale decimals even after trailing zeros
// are dropped.
func (r Ratio) Mul(s Ratio) (Ratio, error) {
	hi, lo := bits.Mul64(r.Num, s.Num)
	scale := int(r.Scale) + int(s.Scale)
	for (hi != 0 || scale > MaxScale) && scale > 0 {
		q, rem := bits.Div64(hi%10, lo, 10)
		if rem != 0 {
			break
		}
		hi, lo = hi/10, q
		scale--
	}
	if hi != 0 || scale > MaxScale {
		return Ratio{}, ErrOverflow
	}
	return Ratio{Num: lo, Scale: uint8(scale)}.normal(), nil
}

// normal drops trailing decimal zeros so that equal values compare equal.
func (r Ratio) normal() Ratio {
	for r.Scale > 0 && r.Num%10 == 0 {
		r.Num /= 10
		r.Scale--
	}
	if r.Num == 0 {
		r.Scale = 0
	}
	return r
}

// Cmp compares r and s exactly: -1, 0 or +1.
func (r Ratio) Cmp(s Ratio) int {
	// Compare r.Num × 10^(k−r.Scale) with s.Num × 10^(k−s.Scale) in 128 bits.
	ah, al := bits.Mul64(r.Num, pow10[MaxScale-r.Scale])
	bh, bl := bits.Mul64(s.Num, pow10[MaxScale-s.Scale])
	switch {
	case ah != bh:
		return cmpU(ah, bh)
	default:
		return cmpU(al, bl)
	}
}

func cmpU(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// String formats r as a plain decimal without trailing zeros ("1.1", "0.3", "42").
func (r Ratio) String() string {
	var buf [24]byte
	b, _ := r.AppendText(buf[:0])
	return string(b)
}

// AppendText appends r formatted as by String.
func (r Ratio) AppendText(b []byte) ([]byte, error) {
	r = r.normal()
	var digits [20]byte
	d := strconv.AppendUint(digits[:0], r.Num, 10)
	n := int(r.Scale)
	if n == 0 {
		return append(b, d...), nil
	}
	if len(d) <= n {
		b = append(b, '0', '.')
		for range n - len(d) {
			b = append(b, '0')
		}
		return append(b, d...), nil
	}
	b = append(b, d[:len(d)-n]...)
	b = append(b, '.')
	return append(b, d[len(d)-n:]...), nil
}

// ParseRatio reads a plain non-negative decimal ("1.10", "0.3", "42"): digits
// with an optional fraction, nothing else. Parsing of user text with signs,
// separators or exponents belongs to the caller.
func ParseRatio(s string) (Ratio, error) {
	if s == "" {
		return Ratio{}, errors.New("empty number")
	}
	var r Ratio
	seenDot, digits := false, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '.' && !seenDot:
			seenDot = true
		case c >= '0' && c <= '9':
			digits++
			hi, lo := bits.Mul64(r.Num, 10)
			lo, carry := bits.Add64(lo, uint64(c-'0'), 0)
			if hi != 0 || carry != 0 {
				return Ratio{}, ErrOverflow
			}
			r.Num = lo
			if seenDot {
				if r.Scale == MaxScale {
					return Ratio{}, ErrOverflow
				}
				r.Scale++
			}
		default:
			return Ratio{}, errors.New("not a plain decimal number")
		}
	}
	if digits == 0 {
		return Ratio{}, errors.New("not a plain decimal number")
	}
	return r.normal(), nil
}
