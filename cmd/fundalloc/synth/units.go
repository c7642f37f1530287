package synth

import (
	"math/rand/v2"
	"strconv"
)

// Driver columns of the units file, in file order.
const (
	dPopulation = iota
	dElderly
	dChildren
	dAssistance
	numDrivers
)

// grade is an operator's evaluation grade, indexing the grade tables.
type grade uint8

const (
	gNone grade = iota // rooms: not written
	gExcellent
	gGood
	gQualified
	gUnqualified
	gNew
)

var (
	gradeEn = [...]string{"", "excellent", "good", "qualified", "unqualified", "new"}
	gradeZh = [...]string{"", "优秀", "良好", "合格", "不合格", "新建"}
	// gradeFactor is the demand-stage factor in per cent (the config's
	// grades; unqualified counts at 1.00).
	gradeFactor = [...]uint64{100, 110, 100, 90, 100, 100}
)

type tier uint8

const (
	tHub tier = iota
	tStation
	tRoom
)

var (
	tierEn = [...]string{"hub", "station", "room"}
	tierZh = [...]string{"总站", "社工站", "社工室"}
)

// unit is one generated unit, kept compact: codes and names are derived
// from the numbers and name seeds when a file is written.
type unit struct {
	station  int32 // 1-based station number; 0 for the hub
	room     int32 // 1-based room number within the station; 0 for the hub and stations
	tier     tier
	grade    grade
	contract uint8 // contract year 1–3; 0 = not written
	pilot    bool
	workers  int32
	kind     uint8 // name kind: station: 1 = subdistrict; room: 1 = community
	n1, n2   uint8 // name seeds
	drivers  [numDrivers]uint64
}

// Name tables (fictional; northern-Shaanxi flavour).
var (
	townA       = []string{"麟", "神", "锦", "永", "兴", "大", "高", "孙", "花", "万", "马", "中", "沙", "贺", "店", "尔", "栏", "西", "东", "新"}
	townB       = []string{"州", "木", "界", "安", "盛", "柳", "家", "保", "石", "宁", "泉", "川", "峁", "塔", "堡", "林", "河", "平", "源", "丰"}
	communities = []string{"东山", "西山", "南山", "北山", "滨河", "新村", "北沙", "南沙", "麟州", "迎宾", "永兴", "东兴", "新华", "人民",
		"文化", "建设", "和平", "幸福", "团结", "光明", "阳光", "康乐", "锦绣", "华苑", "金沙", "银河", "碧水", "青云", "兴旺", "振兴"}
	surnames  = []string{"杨", "王", "李", "张", "刘", "高", "贺", "郝", "乔", "白", "折", "苏", "武", "柴", "任", "吕", "郭", "马", "陈", "康"}
	landforms = []string{"沟", "畔", "坪", "峁", "塔", "岔", "圪台", "渠", "湾", "梁", "庄", "寨", "塄", "焉", "墕"}
)

const hubCode = "HUB"
const hubName = "市社工服务中心（社工总站）"

// model is a data set's units and the numbers every file is derived from.
type model struct {
	p      Params
	units  []unit // hub, then each station followed by its rooms
	sw, rw int    // digits of station and room numbers in codes
	pilots int

	// Stage parameters written to the config, in fen.
	hubAmount, perWorker, perStation, pilotAmount int64
	need                                          int64 // hub + Σ baseline + pilot × pilots
	nGov                                          int   // government (large) fund lines; the rest are charity donations
	govBase                                       int64 // each government line holds at least this
	fundFiles                                     int
}

// Stage parameters (yuan) written to the generated config.
const (
	perWorkerYuan     = 90_000
	perStationYuan    = 30_000
	pilotYuan         = 100_000
	hubPerStationYuan = 60_000 // the hub's project grows with the network it serves
	maxFundsPerFile   = 250_000
	roomShare         = 30 // per cent of a station's demand passed to its rooms
)

// rng returns the random source of one stream of the data set. Each file
// has its own stream, so files can be written in any order or at once.
func (m *model) rng(stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(m.p.Seed, 0x9E3779B97F4A7C15^stream))
}

// Streams of the random source.
const (
	streamUnits   = 1
	streamVoucher = 2
	streamFunds   = 1 << 32 // + file number
)

func newModel(p Params) *model {
	m := &model{p: p,
		sw: max(5, len(strconv.Itoa(p.Stations))), rw: max(2, len(strconv.Itoa(p.RoomsPerStation))),
		perWorker: perWorkerYuan * 100, perStation: perStationYuan * 100, pilotAmount: pilotYuan * 100,
		hubAmount: int64(p.Stations) * hubPerStationYuan * 100,
	}
	m.buildUnits()
	m.need = m.hubAmount + int64(m.pilots)*m.pilotAmount
	for s := 1; s <= p.Stations; s++ {
		m.need += int64(m.units[m.stationIndex(s)].workers)*m.perWorker + m.perStation
	}
	// The stages before demand take at most 60 % of the pooled money, so at
	// least 40 % is left for demand whatever the charity lines add: the
	// government lines together hold at least target.
	target := (m.need*10 + 5) / 6
	n := p.FundLines
	switch {
	case n < 7:
		m.nGov = n
	default:
		m.nGov = min(max(n/4, 6), 20_000)
	}
	m.govBase = (target + int64(m.nGov) - 1) / int64(m.nGov)
	m.fundFiles = fundFiles(n)
	return m
}

// stationIndex is the index in units of station s (1-based).
func (m *model) stationIndex(s int) int { return 1 + (s-1)*(1+m.p.RoomsPerStation) }

func between(r *rand.Rand, lo, hi int) int { return lo + r.IntN(hi-lo+1) }

func (m *model) buildUnits() {
	p := m.p
	r := m.rng(streamUnits)
	m.units = make([]unit, 0, p.Units())
	m.units = append(m.units, unit{tier: tHub, grade: gExcellent, contract: 2, workers: 8})
	for s := 1; s <= p.Stations; s++ {
		st := unit{station: int32(s), tier: tStation, workers: int32(between(r, 2, 4)),
			n1: uint8(r.IntN(len(townA))), n2: uint8(r.IntN(len(townB)))}
		if r.IntN(10) < 3 {
			st.kind = 1 // subdistrict: its rooms are communities
		}
		st.pilot = r.IntN(100) < 5
		switch g := r.IntN(100); {
		case g < 2:
			st.grade = gUnqualified
		case g < 22:
			st.grade = gExcellent
		case g < 62:
			st.grade = gGood
		case g < 82:
			st.grade = gQualified
		default:
			st.grade = gNew
		}
		st.contract = uint8(1 + r.IntN(3))
		if st.grade == gNew {
			st.contract = 1
		}
		if st.pilot {
			m.pilots++
		}
		si := len(m.units)
		m.units = append(m.units, st)
		towns := 0 // a town's seat has a community or two
		if st.kind == 0 {
			towns = 1 + r.IntN(2)
		}
		for k := 1; k <= p.RoomsPerStation; k++ {
			rm := unit{station: int32(s), room: int32(k), tier: tRoom}
			if r.IntN(100) < 15 {
				rm.workers = 1
			}
			var pop int
			if st.kind == 1 || k <= towns {
				rm.kind = 1
				rm.n1 = uint8(r.IntN(len(communities)))
				pop = 3000 + min(r.IntN(5001), r.IntN(5001))
			} else {
				rm.n1, rm.n2 = uint8(r.IntN(len(surnames))), uint8(r.IntN(len(landforms)))
				pop = 300 + min(r.IntN(2201), r.IntN(2201))
			}
			rm.drivers = drivers(r, pop)
			for d := range rm.drivers {
				m.units[si].drivers[d] += rm.drivers[d]
			}
			m.units = append(m.units, rm)
		}
		if p.RoomsPerStation == 0 {
			// No rooms to sum over: the station's own service area.
			m.units[si].drivers = drivers(r, 20_000+r.IntN(40_001))
		}
	}
}

// drivers derives the four driver figures from a population.
func drivers(r *rand.Rand, pop int) [numDrivers]uint64 {
	perMille := func(lo, hi int) uint64 { return uint64((pop*between(r, lo, hi) + 500) / 1000) }
	return [numDrivers]uint64{uint64(pop), perMille(120, 200), perMille(150, 220), perMille(15, 50)}
}

// appendCode appends a unit's code: HUB, S00001, S00001-01.
func (m *model) appendCode(b []byte, u *unit) []byte {
	if u.tier == tHub {
		return append(b, hubCode...)
	}
	b = append(b, 'S')
	b = appendPadded(b, int64(u.station), m.sw)
	if u.tier == tRoom {
		b = append(b, '-')
		b = appendPadded(b, int64(u.room), m.rw)
	}
	return b
}

// appendParent appends the code of a unit's parent ("" for the hub).
func (m *model) appendParent(b []byte, u *unit) []byte {
	switch u.tier {
	case tStation:
		return append(b, hubCode...)
	case tRoom:
		return m.appendCode(b, &m.units[m.stationIndex(int(u.station))])
	}
	return b
}

func (m *model) appendName(b []byte, u *unit) []byte {
	switch u.tier {
	case tHub:
		return append(b, hubName...)
	case tStation:
		b = append(b, townA[u.n1]...)
		b = append(b, townB[u.n2]...)
		if u.kind == 1 {
			b = append(b, "街道"...)
		} else {
			b = append(b, "镇"...)
		}
		return append(b, "社工站"...)
	}
	if u.kind == 1 {
		b = append(b, communities[u.n1]...)
		b = append(b, "社区"...)
	} else {
		b = append(b, surnames[u.n1]...)
		b = append(b, "家"...)
		b = append(b, landforms[u.n2]...)
		b = append(b, "村"...)
	}
	return append(b, "社工室"...)
}

// appendPadded appends n in decimal, zero-padded to width digits.
func appendPadded(b []byte, n int64, width int) []byte {
	var tmp [20]byte
	d := strconv.AppendInt(tmp[:0], n, 10)
	for i := len(d); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, d...)
}
