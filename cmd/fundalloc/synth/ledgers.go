package synth

// Voucher descriptions by category (as a finance officer would write them).
var (
	voucherDescriptions = [numCats][]string{
		{"低保对象入户核查交通补贴", "困难群众个案帮扶物资", "临时救助对象走访", "社会救助政策宣传资料印制", "特困人员关爱探访"},
		{"高龄老人探访服务", "老年人健康讲座场地", "居家养老上门服务", "老年人防诈骗宣传活动", "助餐服务补贴"},
		{"留守儿童课业辅导", "困境儿童心理疏导", "儿童之家活动物料", "暑期安全教育活动", "春蕾助学陪伴"},
		{"社区议事协商会", "志愿者培训", "五社联动协调会", "社区社会组织孵化", "居民公约宣传"},
		{"社工人员工资", "社工站办公用品", "社工站水电费", "督导培训费", "社工人员社会保险"},
		{"妇女儿童之家活动", "青少年志愿服务", "残疾人康复服务", "职工关爱活动", "巾帼志愿服务"},
		{"慈善一日捐帮扶", "爱心企业捐赠物资发放", "慈善项目执行", "公益微创投项目", "慈善超市物资"},
	}
	refundDescriptions = []string{"退回多拨活动经费", "冲销重复报销", "供应商退款"}
)

// Deliberate problems planted in a few vouchers.
const (
	flawNone        = iota
	flawUnknownUnit // the unit code does not exist: UNKNOWN_UNIT
	flawBadDate     // the date does not exist: BAD_DATE
)

const ledgerMonths = 10 // January–October 2026

// voucher is one generated voucher; the month is the ledger it is in.
type voucher struct {
	amount int64 // fen; negative for a refund
	unit   int32 // index into units
	day    uint8
	cat    uint8
	flaw   uint8
	desc   uint8 // index into the category's descriptions, or refundDescriptions for a refund
}

// ledgerPlan is every voucher, by month (index 0 is January), each month in
// date order.
type ledgerPlan struct {
	months   [ledgerMonths][]voucher
	refunds  int
	problems int
}

var daysIn = [...]int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31} // 2026

// expected calls each for every unit × category with an estimate of what the
// unit will receive in the category (fen, ≥ 0), in unit order then category
// order. The estimate follows the stages (DESIGN §4.5) on the estimated pool:
// the hub's project and the stations' baseline and pilot money drawn from
// every category in proportion to its balance, the rest split by driver ×
// grade factor, and rooms' share passed down by driver.
func (m *model) expected(each func(ui, cat int, fen uint64)) {
	pooled := m.pooledEstimate()
	var total uint64
	for _, b := range pooled {
		total += b
	}
	if total == 0 {
		return
	}
	need := min(uint64(m.need), total)
	var rest [numCats]uint64 // left for the demand stage
	for c, b := range pooled {
		rest[c] = b - mulDiv(b, need, total)
	}
	// Σ driver × factor over the stations, per driver column.
	var weight [numDrivers]uint64
	for s := 1; s <= m.p.Stations; s++ {
		st := &m.units[m.stationIndex(s)]
		for d, v := range st.drivers {
			weight[d] += v * gradeFactor[st.grade]
		}
	}
	for c := range numCats {
		each(0, c, mulDiv(uint64(m.hubAmount), pooled[c], total))
	}
	for s := 1; s <= m.p.Stations; s++ {
		si := m.stationIndex(s)
		st := &m.units[si]
		base := uint64(int64(st.workers)*m.perWorker + m.perStation)
		if st.pilot {
			base += uint64(m.pilotAmount)
		}
		var demand [numCats]uint64
		for c := range numCats {
			d := catDriver[c]
			if weight[d] > 0 {
				demand[c] = mulDiv(rest[c], st.drivers[d]*gradeFactor[st.grade], weight[d])
			}
			keep := demand[c]
			if st.grade != gUnqualified && m.p.RoomsPerStation > 0 {
				keep -= demand[c] * roomShare / 100
			}
			each(si, c, mulDiv(base, pooled[c], total)+keep)
		}
		for k := 1; k <= m.p.RoomsPerStation; k++ {
			rm := &m.units[si+k]
			for c := range numCats {
				var e uint64
				if d := catDriver[c]; st.grade != gUnqualified && st.drivers[d] > 0 {
					e = mulDiv(demand[c]*roomShare/100, rm.drivers[d], st.drivers[d])
				}
				each(si+k, c, e)
			}
		}
	}
}

// planLedgers spreads the vouchers over units and categories (systematic
// sampling: a pair of weight w out of W gets ⌊V·w/W⌋ or ⌈V·w/W⌉ vouchers).
// A pair's weight is what it can expect plus the mean expectation, so that
// half the vouchers follow the money and half are spread evenly, and small
// units get vouchers too. Each unit spends at its own pace; a pair's
// spending to date is split over its vouchers and months. A few refunds and
// deliberate problems are planted.
func (m *model) planLedgers() *ledgerPlan {
	lp := &ledgerPlan{}
	v := uint64(m.p.Vouchers)
	if v == 0 {
		return lp
	}
	var sumE, pairs uint64
	m.expected(func(_, _ int, e uint64) {
		if e > 0 {
			sumE += e
			pairs++
		}
	})
	if sumE == 0 {
		return lp
	}
	even := sumE / pairs
	total := sumE + even*pairs
	for i := range lp.months {
		lp.months[i] = make([]voucher, 0, m.p.Vouchers/ledgerMonths+16)
	}
	r := m.rng(streamVoucher)
	var cum, placed uint64
	pace, paceUnit := uint64(0), -1
	weights := make([]uint64, 0, 64)
	m.expected(func(ui, cat int, e uint64) {
		if ui != paceUnit {
			// Each unit spends at its own pace, in per cent of plan: most
			// near plan, some slow, a few fast, an unqualified operator
			// hardly at all.
			paceUnit = ui
			switch x := r.IntN(100); {
			case m.units[ui].grade == gUnqualified:
				pace = 15
			case x < 6:
				pace = uint64(between(r, 45, 70))
			case x < 9:
				pace = uint64(between(r, 115, 130))
			default:
				pace = uint64(between(r, 90, 106))
			}
		}
		if e == 0 {
			return
		}
		cum += e + even
		upto := mulDiv(cum, v, total)
		k := int(upto - placed)
		placed = upto
		if k == 0 {
			return
		}
		// Spending to date at the pace: ten twelfths of the year.
		spend := mulDiv(e, pace*ledgerMonths, 100*12)
		weights = weights[:0]
		var sum uint64
		for range k {
			w := uint64(between(r, 70, 130))
			weights = append(weights, w)
			sum += w
		}
		off := r.IntN(ledgerMonths)
		var given uint64
		for j, w := range weights {
			part := mulDiv(spend, w, sum)
			if j == k-1 {
				part = spend - given
			}
			given += part
			vc := voucher{unit: int32(ui), cat: uint8(cat), amount: max(int64(part), 1),
				desc: uint8(r.IntN(len(voucherDescriptions[cat])))}
			if r.IntN(500) == 0 {
				vc.amount = -max(vc.amount/10, 1)
				vc.desc = uint8(r.IntN(len(refundDescriptions)))
				lp.refunds++
			}
			month := (j*ledgerMonths + off) / k
			vc.day = uint8(1 + r.IntN(daysIn[month]))
			lp.months[month] = append(lp.months[month], vc)
		}
	})
	for i, vs := range lp.months {
		lp.months[i] = sortByDay(vs)
	}
	// Deliberate problems, evenly spaced over the year: about one in ten
	// thousand vouchers, at least two when there are two.
	n := max(min(m.p.Vouchers, 2), m.p.Vouchers/10_000)
	lp.problems = n
	for k := range n {
		pos := (2*k + 1) * m.p.Vouchers / (2 * n)
		for month := range lp.months {
			if pos < len(lp.months[month]) {
				lp.months[month][pos].flaw = uint8(flawUnknownUnit + k%2)
				break
			}
			pos -= len(lp.months[month])
		}
	}
	return lp
}

// sortByDay orders a month's vouchers by day, keeping the order within a day.
func sortByDay(vs []voucher) []voucher {
	var start [33]int
	for i := range vs {
		start[vs[i].day+1]++
	}
	for d := 1; d < len(start); d++ {
		start[d] += start[d-1]
	}
	out := make([]voucher, len(vs))
	for i := range vs {
		d := vs[i].day
		out[start[d]] = vs[i]
		start[d]++
	}
	return out
}
