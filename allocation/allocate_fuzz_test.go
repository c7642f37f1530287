package allocation

import (
	"encoding/binary"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// byteSource is a rand.Source that reads its numbers from the fuzzer's
// bytes, eight at a time, so that a change the fuzzer makes to a few bytes
// changes a few choices of randomCity rather than all of them. When the
// bytes run out it goes on with a PCG seeded from them (a Source of zeros
// would keep rand's rejection sampling from ever finishing).
type byteSource struct {
	data []byte
	pcg  *rand.PCG
}

func newByteSource(data []byte) *byteSource {
	var seed [16]byte
	for i, b := range data {
		seed[i%16] = seed[i%16]*31 + b
	}
	return &byteSource{data: data, pcg: rand.NewPCG(binary.LittleEndian.Uint64(seed[:8]), binary.LittleEndian.Uint64(seed[8:]))}
}

func (s *byteSource) Uint64() uint64 {
	if len(s.data) == 0 {
		return s.pcg.Uint64()
	}
	var b [8]byte
	n := copy(b[:], s.data)
	s.data = s.data[n:]
	return binary.LittleEndian.Uint64(b[:])
}

// FuzzAllocate decodes the fuzzer's bytes into a random city (randomCity)
// and checks the allocation: every category's money conserved to the fen,
// no line of zero or less, two runs equal, and the same lines and
// unallocated amounts as refAllocate, DESIGN §4 transcribed with big.Rat.
func FuzzAllocate(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("shenmu"))
	f.Add(make([]byte, 64))
	seed := rand.New(rand.NewPCG(3, 5))
	for range 12 {
		b := make([]byte, 8*(8+seed.IntN(120)))
		for i := range b {
			b[i] = byte(seed.Uint32())
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		in, rules := randomCity(rand.New(newByteSource(data)))
		p, err := Allocate(in, rules)
		if err != nil {
			t.Fatalf("Allocate: %v", err)
		}
		total := make([]Fen, len(in.Categories))
		for _, fund := range in.Funds {
			total[fund.Category] += fund.Amount
		}
		got := make([]Fen, len(in.Categories))
		for _, l := range p.Lines {
			if l.Amount <= 0 {
				t.Fatalf("line %+v is not positive", l)
			}
			got[l.Category] += l.Amount
		}
		for c := range total {
			if p.Unallocated[c] < 0 || got[c]+p.Unallocated[c] != total[c] || p.Pool[c].Total != total[c] {
				t.Fatalf("category %d: lines %s + unallocated %s != pool %s (plan's pool %s)", c, got[c], p.Unallocated[c], total[c], p.Pool[c].Total)
			}
		}
		again, err := Allocate(in, rules)
		if err != nil || !reflect.DeepEqual(p, again) {
			t.Fatalf("a second run differs (err %v)", err)
		}
		want, unalloc := refAllocate(in, rules)
		if lines := lineStrings(p); !reflect.DeepEqual(lines, want) {
			t.Fatalf("lines:\n%s\nreference:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
		}
		if !reflect.DeepEqual(p.Unallocated, unalloc) {
			t.Fatalf("unallocated %v, reference %v", p.Unallocated, unalloc)
		}
	})
}
