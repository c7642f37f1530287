package sources

import (
	"hash/maphash"
	"strconv"
	"testing"
)

// TestFirstOccurrences holds firstOccurrences to a map of the keys seen, as
// ReadLedgers found duplicates before: with real sums, and with every sum
// the same, as if they all collided.
func TestFirstOccurrences(t *testing.T) {
	var files [3]chunked[voucherKey]
	var all []voucherKey
	seed := maphash.MakeSeed()
	for i := range 3 * chunkLen {
		k := voucherKey{voucher: "V" + strconv.Itoa(i%(chunkLen+7))}
		switch {
		case i%11 == 0:
			k.voucher = "" // never a duplicate
		case i%5 == 0:
			k.entry, k.hasEntry, k.month = strconv.Itoa(i%3), true, int32(202600+i%2)
		}
		all = append(all, k)
		files[i*len(files)/(3*chunkLen)].add(k) // 1/3 of the keys to each file, in order
	}
	want := make([]int32, len(all))
	first := map[voucherKey]int32{}
	for i, k := range all {
		want[i] = int32(i)
		if k.voucher == "" {
			continue
		}
		if prev, ok := first[k]; ok {
			want[i] = prev
		} else {
			first[k] = int32(i)
		}
	}
	for _, collide := range []bool{false, true} {
		var fs [3]chunked[voucherKey]
		n := 0
		for f := range files {
			for _, ch := range files[f].chunks {
				for _, k := range ch {
					if k = all[n]; k.voucher != "" && !collide {
						k.hash = k.sum(seed)
					}
					fs[f].add(k)
					n++
				}
			}
		}
		got := firstOccurrences(newKeyList(fs[:]))
		dups := 0
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("collide=%v: key %d (%+v): first %d, want %d", collide, i, all[i], got[i], want[i])
			}
			if got[i] != int32(i) {
				dups++
			}
		}
		if dups < len(all)/3 {
			t.Fatalf("only %d duplicates: the test tests little", dups)
		}
	}
}
