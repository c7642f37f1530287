package allocation

import (
	"errors"
	"math/big"
	"math/bits"
	"slices"
)

// ErrNoWeight reports an apportionment of a positive total over weights that
// are all zero (or over no items at all).
var ErrNoWeight = errors.New("all weights are zero")

// Apportion splits total fen (≥ 0) over items with weights w_i ≥ 0 by largest
// remainder (DESIGN §4.1): item i first gets ⌊total×w_i/W⌋ fen, and the
// leftover fen go one each to the items with the largest fractional parts;
// ties go to the larger weight, then to the item earlier in the slice. The
// slice order is the apportionment's order. Every comparison is exact.
//
// The result always sums to total. A zero total gives all zeros whatever the
// weights; a positive total over all-zero weights is ErrNoWeight.
func Apportion(total Fen, weights []Ratio) ([]Fen, error) {
	if total < 0 {
		return nil, errors.New("allocation: apportion of a negative total")
	}
	out := make([]Fen, len(weights))
	if total == 0 {
		return out, nil
	}
	ws := make([]uint64, len(weights))
	if scale, ok := atCommonScale(weights, ws); !ok {
		return apportionBig(total, weights, scale, out)
	}
	return apportionUint(total, ws, out)
}

// atCommonScale writes each weight as an integer at the weights' common
// scale, w × 10^scale, into ws. It reports false when one of them needs more
// than 64 bits.
func atCommonScale(weights []Ratio, ws []uint64) (scale uint8, ok bool) {
	for _, w := range weights {
		scale = max(scale, w.Scale)
	}
	for i, w := range weights {
		hi, lo := bits.Mul64(w.Num, pow10[scale-w.Scale])
		if hi != 0 {
			return scale, false
		}
		ws[i] = lo
	}
	return scale, true
}

// ApportionFen is Apportion with whole-fen weights, as used when a need is
// drawn from category balances or needs are scaled to what is available.
func ApportionFen(total Fen, weights []Fen) ([]Fen, error) {
	// A fresh apportioner: its arrays, and so the result, are the caller's.
	return new(apportioner).fen(total, weights)
}

// apportionUint is the integer fast path: weights at one common scale, each
// product formed in 128 bits. It falls back to big integers when ΣW does not
// fit in 64 bits.
func apportionUint(total Fen, ws []uint64, out []Fen) ([]Fen, error) {
	var sum uint64
	for _, w := range ws {
		var carry uint64
		sum, carry = bits.Add64(sum, w, 0)
		if carry != 0 {
			bw := make([]*big.Int, len(ws))
			for i, w := range ws {
				bw[i] = new(big.Int).SetUint64(w)
			}
			return apportionBigInts(total, bw, out)
		}
	}
	if sum == 0 {
		return nil, ErrNoWeight
	}
	apportionSum(total, ws, sum, out, make([]uint64, len(ws)), make([]int32, 0, len(ws)))
	return out, nil
}

// apportioner is Apportion and ApportionFen for a stage that apportions
// hundreds of thousands of small amounts (a station's rooms in each
// category, a unit's need over the categories): it keeps the result and
// the scratch arrays from one call to the next, so those calls allocate
// nothing. A result is valid until the next call; the arithmetic, and so
// every fen, is Apportion's.
type apportioner struct {
	out     []Fen
	ws, rem []uint64
	idx     []int32
}

// ratios is Apportion(total, weights) into a's arrays.
func (a *apportioner) ratios(total Fen, weights []Ratio) ([]Fen, error) {
	if total < 0 {
		return nil, errors.New("allocation: apportion of a negative total")
	}
	out, ws := a.size(len(weights))
	if total == 0 {
		clear(out)
		return out, nil
	}
	if scale, ok := atCommonScale(weights, ws); !ok {
		return apportionBig(total, weights, scale, out)
	}
	return a.uints(total, ws, out)
}

// fen is ApportionFen(total, weights) into a's arrays.
func (a *apportioner) fen(total Fen, weights []Fen) ([]Fen, error) {
	out, ws := a.size(len(weights))
	for i, w := range weights {
		if w < 0 {
			return nil, errors.New("allocation: negative weight")
		}
		ws[i] = uint64(w)
	}
	if total < 0 {
		return nil, errors.New("allocation: apportion of a negative total")
	}
	if total == 0 {
		clear(out)
		return out, nil
	}
	return a.uints(total, ws, out)
}

// size returns the result and weight arrays for n items.
func (a *apportioner) size(n int) (out []Fen, ws []uint64) {
	if cap(a.out) < n {
		a.out, a.ws, a.rem, a.idx = make([]Fen, n), make([]uint64, n), make([]uint64, n), make([]int32, 0, n)
	}
	return a.out[:n], a.ws[:n]
}

// uints is apportionUint with a's scratch arrays.
func (a *apportioner) uints(total Fen, ws []uint64, out []Fen) ([]Fen, error) {
	var sum uint64
	for _, w := range ws {
		var carry uint64
		if sum, carry = bits.Add64(sum, w, 0); carry != 0 {
			return apportionUint(total, ws, out) // the big-integer path
		}
	}
	if sum == 0 {
		return nil, ErrNoWeight
	}
	apportionSum(total, ws, sum, out, a.rem[:len(ws)], a.idx)
	return out, nil
}

// apportionSum is the arithmetic of Apportion for weights ws at one common
// scale whose sum, sum > 0, fits in 64 bits. It writes the shares into out
// and uses rem and idx, as long as ws, for scratch: a caller that apportions
// many amounts over the same weights passes fixed arrays and allocates
// nothing.
func apportionSum(total Fen, ws []uint64, sum uint64, out []Fen, rem []uint64, idx []int32) {
	left := uint64(total)
	for i, w := range ws {
		hi, lo := bits.Mul64(uint64(total), w)
		q, r := bits.Div64(hi, lo, sum) // hi < sum because w ≤ sum and total < 2^64
		out[i] = Fen(q)
		rem[i] = r
		left -= q
	}
	if left == 0 {
		return
	}
	// Remainders share the denominator ΣW, so comparing them compares the
	// fractional parts exactly.
	idx = idx[:0]
	for i := range ws {
		if rem[i] != 0 {
			idx = append(idx, int32(i))
		}
	}
	slices.SortFunc(idx, func(a, b int32) int {
		if c := cmpU(rem[b], rem[a]); c != 0 {
			return c
		}
		if c := cmpU(ws[b], ws[a]); c != 0 {
			return c
		}
		return int(a - b)
	})
	for _, i := range idx[:left] {
		out[i]++
	}
}

func apportionBig(total Fen, weights []Ratio, scale uint8, out []Fen) ([]Fen, error) {
	bw := make([]*big.Int, len(weights))
	for i, w := range weights {
		bw[i] = new(big.Int).SetUint64(w.Num)
		bw[i].Mul(bw[i], new(big.Int).SetUint64(pow10[scale-w.Scale]))
	}
	return apportionBigInts(total, bw, out)
}

// apportionBigInts is the exact slow path for weights whose common-scale
// values or sum exceed 64 bits.
func apportionBigInts(total Fen, ws []*big.Int, out []Fen) ([]Fen, error) {
	sum := new(big.Int)
	for _, w := range ws {
		sum.Add(sum, w)
	}
	if sum.Sign() == 0 {
		return nil, ErrNoWeight
	}
	t := big.NewInt(int64(total))
	rem := make([]*big.Int, len(ws))
	left := int64(total)
	var p big.Int
	for i, w := range ws {
		p.Mul(t, w)
		q, r := new(big.Int).QuoRem(&p, sum, new(big.Int))
		out[i] = Fen(q.Int64())
		rem[i] = r
		left -= q.Int64()
	}
	if left == 0 {
		return out, nil
	}
	idx := candidates(len(ws), func(i int) bool { return rem[i].Sign() != 0 })
	slices.SortFunc(idx, func(a, b int32) int {
		if c := rem[b].Cmp(rem[a]); c != 0 {
			return c
		}
		if c := ws[b].Cmp(ws[a]); c != 0 {
			return c
		}
		return int(a - b)
	})
	for _, i := range idx[:left] {
		out[i]++
	}
	return out, nil
}

// candidates lists the indexes for which keep is true.
func candidates(n int, keep func(int) bool) []int32 {
	idx := make([]int32, 0, n)
	for i := range n {
		if keep(i) {
			idx = append(idx, int32(i))
		}
	}
	return idx
}
