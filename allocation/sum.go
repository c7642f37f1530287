package allocation

import (
	"math/big"
	"math/bits"
	"strings"
)

// Sum is an exact non-negative decimal that may need more than 64 bits: the
// total of the weights an amount was apportioned by, kept so that a line's
// share (amount × weight ÷ total) can be shown and checked. Weights at a
// common scale may pass 64 bits, as Apportion's slow path allows; the rare
// sum that does is kept as a big integer.
type Sum struct {
	r     Ratio    // the value, when big is nil
	big   *big.Int // the value × 10^scale, when it does not fit a Ratio
	scale uint8
}

// SumOf adds weights exactly.
func SumOf(weights []Ratio) Sum {
	var scale uint8
	for _, w := range weights {
		scale = max(scale, w.Scale)
	}
	var sum uint64
	for _, w := range weights {
		hi, lo := bits.Mul64(w.Num, pow10[scale-w.Scale])
		var carry uint64
		sum, carry = bits.Add64(sum, lo, 0)
		if hi != 0 || carry != 0 {
			return sumBig(weights, scale)
		}
	}
	return Sum{r: Ratio{Num: sum, Scale: scale}.normal()}
}

func sumBig(weights []Ratio, scale uint8) Sum {
	s := new(big.Int)
	var w big.Int
	for _, x := range weights {
		w.SetUint64(x.Num)
		s.Add(s, w.Mul(&w, new(big.Int).SetUint64(pow10[scale-x.Scale])))
	}
	return Sum{big: s, scale: scale}
}

// sumFen is the sum of amounts as a Sum; the caller knows it does not
// overflow.
func sumFen(amounts []Fen) Sum {
	var s Fen
	for _, a := range amounts {
		s += a
	}
	return Sum{r: Ratio{Num: uint64(s)}}
}

// Fen returns a sum of amounts (a draw's balances, DESIGN §4.4) as an
// amount; ok is false for a sum that is not a whole number of fen that
// fits one.
func (s Sum) Fen() (f Fen, ok bool) {
	if s.big != nil || s.r.Scale != 0 || s.r.Num > uint64(MaxFen) {
		return 0, false
	}
	return Fen(s.r.Num), true
}

// Rat returns the sum as an exact rational.
func (s Sum) Rat() *big.Rat {
	if s.big == nil {
		return new(big.Rat).SetFrac(new(big.Int).SetUint64(s.r.Num), new(big.Int).SetUint64(pow10[s.r.Scale]))
	}
	return new(big.Rat).SetFrac(s.big, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(s.scale)), nil))
}

// String formats the sum as a plain decimal without trailing zeros, like
// Ratio.String.
func (s Sum) String() string {
	if s.big == nil {
		return s.r.String()
	}
	d := s.big.String()
	n := int(s.scale)
	if n == 0 {
		return d
	}
	if len(d) <= n {
		d = strings.Repeat("0", n-len(d)+1) + d
	}
	out := d[:len(d)-n] + "." + d[len(d)-n:]
	return strings.TrimSuffix(strings.TrimRight(out, "0"), ".")
}
