package synth

import (
	"math/rand/v2"
)

// Fund line providers and descriptions by category.
var (
	govProviders = [numCats][]string{
		{"市民政局", "市财政局", "省民政厅"},
		{"市民政局", "市财政局", "市卫生健康局"},
		{"市民政局", "市妇女联合会", "市教育和体育局"},
		{"市民政局", "市委社会工作部", "市财政局"},
		{"市民政局", "市财政局"},
		{"市妇女联合会", "共青团市委员会", "市残疾人联合会", "市总工会"},
		{"市慈善协会", "沙地公益基金会"},
	}
	govDescriptions = [numCats][]string{
		{"困难群众救助社会工作服务", "城乡低保对象入户核查与个案帮扶", "特困供养人员照料服务", "临时救助社工介入"},
		{"农村留守老人关爱服务", "特殊困难老年人探访关爱", "居家养老上门服务社工支持"},
		{"困境儿童与留守儿童关爱保护", "儿童督导员、儿童主任能力建设"},
		{"城乡社区治理社会工作服务", "社区“五社联动”项目", "社区社会组织培育"},
		{"社工站运营经费", "社会工作人才队伍建设", "婚姻家庭辅导服务"},
		{"妇女儿童之家服务", "青少年社会工作服务", "残疾人康复社工服务", "职工关爱服务"},
		{"慈善项目资助", "公益创投项目"},
	}
	charityProviders    = []string{"市慈善协会", "沙地公益基金会", "麟州能源有限公司", "大漠新材料有限公司", "驼峰山能源科技有限公司", "爱心人士", "市红十字会"}
	charityDescriptions = []string{"慈善一日捐", "爱心企业捐赠", "个人小额捐赠", "网络募捐", "慈善超市义卖收入", "春节送温暖募捐"}
	roundDonations      = []int64{50, 100, 200, 500, 1000, 2000, 5000}
)

// charityAvg estimates the mean charity donation in fen: round sums
// (mean about 1,264 yuan) 60 % of the time, else 10–3,000 yuan.
const charityAvg = 136_000

// fundLine is one generated fund line.
type fundLine struct {
	id         int    // 0-based over all files
	cat        int    // category index
	provider   string //
	desc       string
	amount     int64 // fen, > 0
	designated int   // unit index, -1 if none
}

// fundRange is the lines of fund file k: [lo, hi).
func (m *model) fundRange(k int) (lo, hi int) {
	n, f := m.p.FundLines, m.fundFiles
	return int(int64(k) * int64(n) / int64(f)), int(int64(k+1) * int64(n) / int64(f))
}

// govCats are the categories the large lines cycle through: the six
// government ones when there are charity donations too, else all seven.
func (m *model) govCats() int {
	if m.nGov == m.p.FundLines {
		return numCats
	}
	return numCats - 1
}

// govLine tells whether line i is a large government line, and which one:
// the nGov of them are spread evenly over the lines.
func (m *model) govLine(i int) (int, bool) {
	n, g := int64(m.p.FundLines), int64(m.nGov)
	a, b := int64(i)*g/n, int64(i+1)*g/n
	return int(a), b > a
}

// fundLines generates the lines of fund file k, calling each for every one.
func (m *model) fundLines(k int, each func(l *fundLine) error) error {
	r := m.rng(streamFunds + uint64(k))
	lo, hi := m.fundRange(k)
	var l fundLine
	for i := lo; i < hi; i++ {
		l = fundLine{id: i, designated: -1}
		if g, ok := m.govLine(i); ok {
			l.cat = g % m.govCats()
			l.amount = m.govAmount(g)
			l.provider = pick(r, govProviders[l.cat])
			l.desc = "2026年" + pick(r, govDescriptions[l.cat])
		} else {
			l.cat = charity
			if r.IntN(10) < 6 {
				l.amount = pick(r, roundDonations) * 100
			} else {
				l.amount = 1_000 + r.Int64N(300_000-1_000+1)
			}
			l.provider = pick(r, charityProviders)
			l.desc = pick(r, charityDescriptions)
			if r.IntN(100) == 0 {
				l.designated = r.IntN(len(m.units))
				l.desc = "定向捐赠"
			}
		}
		if err := each(&l); err != nil {
			return err
		}
	}
	return nil
}

// govAmount is the amount of government line g: 1.0–1.4 times the base,
// rounded up to 100 yuan, so that the lines together hold at least the
// target. It depends on the seed and g alone, so the pool can be known
// before the files are written.
func (m *model) govAmount(g int) int64 {
	x := m.p.Seed ^ uint64(g)*0x9E3779B97F4A7C15
	x = (x ^ x>>30) * 0xBF58476D1CE4E5B9 // splitmix64's finaliser
	x = (x ^ x>>27) * 0x94D049BB133111EB
	x ^= x >> 31
	v := m.govBase * int64(100+x%41) / 100
	return (v + 9_999) / 10_000 * 10_000
}

func pick[T any](r *rand.Rand, list []T) T { return list[r.IntN(len(list))] }

// pooledEstimate estimates each category's pooled balance in fen (designated
// lines left out) for weighting the vouchers: the government lines exactly,
// the charity donations by their count.
func (m *model) pooledEstimate() [numCats]uint64 {
	var b [numCats]uint64
	for g := range m.nGov {
		b[g%m.govCats()] += uint64(m.govAmount(g))
	}
	b[charity] += uint64(m.p.FundLines-m.nGov) * charityAvg * 99 / 100
	return b
}
