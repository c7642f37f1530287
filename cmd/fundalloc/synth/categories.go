package synth

import (
	"math/bits"

	"fundalloc/config"
)

// The seven default categories (DESIGN §1), in config order, with the
// driver column the generated config names for each in the demand stage.
var (
	catCodes   = [...]string{"social_assistance", "elderly_care", "child_welfare", "community_governance", "social_affairs", "partner_org", "charity"}
	catDriver  = [...]int{dAssistance, dElderly, dChildren, dPopulation, dPopulation, dPopulation, dPopulation}
	catZh      [len(catCodes)]string
	driverName = [numDrivers]string{"population", "elderly", "children", "assistance"}
)

const (
	numCats = len(catCodes)
	charity = numCats - 1
)

func init() {
	zh := map[string]string{}
	for _, c := range config.DefaultCategories() {
		zh[c.Code] = c.Zh
	}
	for i, c := range catCodes {
		if zh[c] == "" {
			panic("synth: category " + c + " is not a default category")
		}
		catZh[i] = zh[c]
	}
}

// mulDiv returns ⌊a × b / c⌋ for a result that fits in 64 bits; the product
// is formed in 128 bits.
func mulDiv(a, b, c uint64) uint64 {
	if c == 0 {
		return 0
	}
	hi, lo := bits.Mul64(a, b)
	if hi >= c {
		panic("synth: mulDiv overflow")
	}
	q, _ := bits.Div64(hi, lo, c)
	return q
}
