//go:build ignore

// This program generates the sample city data set in data/: the unit roster
// (data/units.csv) and the fund lines (data/funds/*.csv) of a fictionalised
// Shenmu City, Shaanxi. Run it inside config/sample with "go generate" or
// "go run gen.go". The output is fully deterministic: the random source has a
// fixed seed and money is handled as int64 fen only.
package main

import (
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Seed of the random source. 610821 is Shenmu's administrative division code.
const seedHi, seedLo = 2026, 610821

// Target total population of the city (sum over rooms), before a small jitter.
const targetPopulation = 480000

const (
	tierHub     = "总站"
	tierStation = "社工站"
	tierRoom    = "社工室"
)

type unit struct {
	code, name, tier, parent string
	socialWorkers            int
	pilot, grade, contract   string
	operator, town           string // hub and stations: the contracted organisation; stations: the town office
	population, elderly      int64
	children, assistance     int64
}

type stationSpec struct {
	area        string   // 街道 or 镇 name, e.g. 麟州街道
	subdistrict bool     // 街道 (true) or 镇 (false)
	communities int      // subdistricts: number of communities
	townComms   []string // towns: names of the communities of the town seat
	villages    int      // towns: number of villages
	workers     int
	pilot       bool
	grade       string
	contract    string // "" means unknown
}

// Stations in code order: subdistricts first, then towns (2019 layout).
var stations = []stationSpec{
	{area: "滨河新区街道", subdistrict: true, communities: 10, workers: 3, grade: "优秀", contract: "3"},
	{area: "西沙街道", subdistrict: true, communities: 9, workers: 3, grade: "良好", contract: "2"},
	{area: "麟州街道", subdistrict: true, communities: 12, workers: 4, pilot: true, grade: "优秀", contract: "3"},
	{area: "迎宾路街道", subdistrict: true, communities: 9, workers: 3, grade: "良好", contract: "2"},
	{area: "永兴街道", subdistrict: true, communities: 8, workers: 2, grade: "新建", contract: "1"},
	{area: "东兴街道", subdistrict: true, communities: 8, workers: 2, grade: "新建"},
	{area: "店塔镇", townComms: []string{"店塔社区", "新街社区"}, villages: 19, workers: 3, grade: "良好", contract: "2"},
	{area: "孙家岔镇", townComms: []string{"孙家岔社区"}, villages: 16, workers: 3, grade: "良好", contract: "2"},
	{area: "大柳塔镇", townComms: []string{"大柳塔社区", "矿区社区", "前进社区"}, villages: 15, workers: 4, pilot: true, grade: "优秀", contract: "3"},
	{area: "花石崖镇", villages: 17, workers: 2, grade: "合格", contract: "1"},
	{area: "中鸡镇", townComms: []string{"中鸡社区"}, villages: 14, workers: 3, grade: "良好"},
	{area: "贺家川镇", villages: 21, workers: 2, grade: "不合格", contract: "1"},
	{area: "尔林兔镇", townComms: []string{"尔林兔社区"}, villages: 13, workers: 3, grade: "良好", contract: "2"},
	{area: "万镇", villages: 18, workers: 3, grade: "合格", contract: "2"},
	{area: "大保当镇", townComms: []string{"大保当社区"}, villages: 16, workers: 3, grade: "良好", contract: "2"},
	{area: "马镇", townComms: []string{"马镇社区"}, villages: 20, workers: 3, grade: "良好"},
	{area: "栏杆堡镇", villages: 17, workers: 3, grade: "良好", contract: "2"},
	{area: "沙峁镇", villages: 19, workers: 2, grade: "合格", contract: "1"},
	{area: "锦界镇", townComms: []string{"锦界社区", "园区社区"}, villages: 11, workers: 4, pilot: true, grade: "优秀", contract: "2"},
	{area: "高家堡镇", townComms: []string{"高家堡社区"}, villages: 20, workers: 4, grade: "良好", contract: "3"},
}

// Newly established rooms without census figures: all four drivers are 0.
var zeroRooms = map[string]bool{"SM06-08": true, "SM13-14": true}

// Community names used by the subdistricts (dealt out after a shuffle).
var communityNames = strings.Fields(`
东山 西山 南山 北山 滨河 新村 北沙 南沙 东沙 西沙 麟州 迎宾 永兴 东兴
新华 人民 文化 建设 和平 幸福 团结 光明 阳光 康乐 锦绣 华苑 金沙 银河
碧水 青云 兴旺 振兴 瑞丰 祥和 怡园 丽园 铧山 杨业 凤凰 东环 西环 站前
沿河 河畔 新城 古城 柳巷 二郎山 麟山 朝阳 向阳 永安 长安 安居 福园 惠民
民生 和谐 东风 北环 南环 滨湖 沙河 文昌 育才 学府 香山`)

// Surnames and landforms of northern-Shaanxi village names (surname+家+landform+村).
var (
	surnames  = strings.Fields("杨 王 李 张 刘 高 贺 郝 乔 白 折 苏 武 柴 任 吕 郭 马 陈 康 慕 雷")
	landforms = strings.Fields("沟 畔 坪 峁 塔 岔 圪台 渠 湾 梁 庄 寨 塄 焉 墕")
)

type roomKind int

const (
	subComm  roomKind = iota // subdistrict community
	townComm                 // community of a town seat
	village
)

type roomDraft struct {
	u                  *unit
	kind               roomKind
	raw                int64 // subdistrict communities: raw excess over the minimum
	elderlyPM, childPM int64 // per mille of population
	assistPM           int64 // per mille of population
}

func main() {
	rng := rand.New(rand.NewPCG(seedHi, seedLo))
	units := buildUnits(rng)
	writeUnits(filepath.Join("data", "units.csv"), units)
	writeFunds(filepath.Join("data", "funds"), units)
}

// operators are the fictional social-work organisations that run the
// stations, each running a few.
var operators = []string{"神木市阳光社会工作服务中心", "神木市同心社会工作服务中心", "榆林市启航社会工作服务中心",
	"神木市麟州社会工作服务社", "陕西博爱社会工作发展中心", "神木市沙海绿洲社会工作服务中心"}

func between(rng *rand.Rand, lo, hi int64) int64 { return lo + rng.Int64N(hi-lo+1) }

func buildUnits(rng *rand.Rand) []*unit {
	hub := &unit{code: "SM00", name: "神木市社工服务中心（社工总站）", tier: tierHub,
		socialWorkers: 6, pilot: "否", grade: "优秀", contract: "2", operator: "神木市社会工作协会"}
	units := []*unit{hub}

	comms := append([]string(nil), communityNames...)
	rng.Shuffle(len(comms), func(i, j int) { comms[i], comms[j] = comms[j], comms[i] })

	var drafts []*roomDraft
	var stationUnits []*unit
	stationRooms := map[*unit][]*roomDraft{}
	for i, s := range stations {
		st := &unit{
			code: fmt.Sprintf("SM%02d", i+1), name: s.area + "社工站", tier: tierStation,
			parent: hub.code, socialWorkers: s.workers, pilot: yesNo(s.pilot),
			grade: s.grade, contract: s.contract,
			operator: operators[i%len(operators)], town: s.area + map[bool]string{true: "办事处", false: "人民政府"}[s.subdistrict],
		}
		units = append(units, st)
		stationUnits = append(stationUnits, st)

		type named struct {
			name string
			kind roomKind
		}
		var rooms []named
		if s.subdistrict {
			for range s.communities {
				rooms = append(rooms, named{comms[0] + "社区", subComm})
				comms = comms[1:]
			}
		} else {
			for _, n := range s.townComms {
				rooms = append(rooms, named{n, townComm})
			}
			seen := map[string]bool{}
			for len(seen) < s.villages {
				n := surnames[rng.IntN(len(surnames))] + "家" + landforms[rng.IntN(len(landforms))] + "村"
				if seen[n] {
					continue
				}
				seen[n] = true
				rooms = append(rooms, named{n, village})
			}
		}
		for j, r := range rooms {
			u := &unit{code: fmt.Sprintf("%s-%02d", st.code, j+1), name: r.name, tier: tierRoom, parent: st.code}
			if rng.IntN(100) < 12 {
				u.socialWorkers = 1
			}
			d := &roomDraft{u: u, kind: r.kind}
			switch r.kind {
			case subComm:
				// Product of two uniforms: mostly modest, a few large new estates.
				d.raw = rng.Int64N(9001) * rng.Int64N(9001) / 9000
				d.elderlyPM, d.childPM, d.assistPM = between(rng, 121, 160), between(rng, 180, 219), between(rng, 16, 30)
			case townComm:
				u.population = 1500 + min(rng.Int64N(3001), rng.Int64N(3001))
				d.elderlyPM, d.childPM, d.assistPM = between(rng, 130, 170), between(rng, 170, 210), between(rng, 18, 35)
			case village:
				u.population = 300 + min(rng.Int64N(2201), rng.Int64N(2201), rng.Int64N(2201))
				d.elderlyPM, d.childPM, d.assistPM = between(rng, 160, 199), between(rng, 151, 190), between(rng, 25, 49)
			}
			if zeroRooms[u.code] {
				u.population, d.raw = 0, 0
			}
			drafts = append(drafts, d)
			stationRooms[st] = append(stationRooms[st], d)
			units = append(units, u)
		}
	}

	// Subdistrict communities (3,000 minimum each) take whatever population is
	// left so that the city total is about targetPopulation.
	target := targetPopulation + rng.Int64N(4001) - 2000
	var others, rawSum, nSub int64
	for _, d := range drafts {
		switch {
		case zeroRooms[d.u.code]:
		case d.kind == subComm:
			rawSum += d.raw
			nSub++
		default:
			others += d.u.population
		}
	}
	excess := target - others - 3000*nSub
	if excess <= 0 || rawSum == 0 {
		panic("population parameters leave no room for subdistrict communities")
	}
	for _, d := range drafts {
		if d.kind == subComm && !zeroRooms[d.u.code] {
			d.u.population = 3000 + d.raw*excess/rawSum
		}
	}

	for _, d := range drafts {
		u := d.u
		u.elderly = perMille(u.population, d.elderlyPM)
		u.children = perMille(u.population, d.childPM)
		u.assistance = perMille(u.population, d.assistPM)
		if zeroRooms[u.code] {
			u.socialWorkers = 0
			continue
		}
		lo, hi := int64(300), int64(2500)
		switch d.kind {
		case subComm:
			lo, hi = 3000, 12000
		case townComm:
			lo, hi = 1500, 4500
		}
		if u.population < lo || u.population > hi {
			panic(fmt.Sprintf("%s %s: population %d outside [%d, %d]", u.code, u.name, u.population, lo, hi))
		}
	}

	// A station's own driver figures are the sums over its rooms.
	for _, st := range stationUnits {
		for _, d := range stationRooms[st] {
			st.population += d.u.population
			st.elderly += d.u.elderly
			st.children += d.u.children
			st.assistance += d.u.assistance
		}
	}
	return units
}

// perMille returns n*pm/1000 rounded to the nearest whole person.
func perMille(n, pm int64) int64 { return (n*pm + 500) / 1000 }

func yesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func writeUnits(path string, units []*unit) {
	rows := [][]string{{"code", "name", "tier", "parent", "social_workers", "pilot", "grade",
		"contract_year", "operator", "town", "population", "elderly", "children", "assistance"}}
	for _, u := range units {
		rows = append(rows, []string{u.code, u.name, u.tier, u.parent, strconv.Itoa(u.socialWorkers),
			u.pilot, u.grade, u.contract, u.operator, u.town, itoa(u.population), itoa(u.elderly), itoa(u.children), itoa(u.assistance)})
	}
	writeCSV(path, false, rows)
}

func writeCSV(path string, bom bool, rows [][]string) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		panic(err)
	}
	var b strings.Builder
	if bom {
		b.WriteString("\uFEFF")
	}
	w := csv.NewWriter(&b)
	if err := w.WriteAll(rows); err != nil {
		panic(err)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		panic(err)
	}
}

// ---- Fund lines ----

// Category codes and their Chinese names.
var categoryNames = map[string]string{
	"social_assistance":    "社会救助",
	"elderly_care":         "养老服务",
	"child_welfare":        "儿童福利",
	"community_governance": "社区治理",
	"social_affairs":       "社会事务",
	"partner_org":          "部门及群团组织资金",
	"charity":              "慈善资源",
}

// How an amount is written in the CSV.
type amountFormat int

const (
	plain   amountFormat = iota // 850000.00
	integer                     // 120000 (whole yuan only)
	comma                       // 1,250,000.00 (quoted by encoding/csv)
	yen                         // ¥36,800.50
)

type fundLine struct {
	category string // category code
	provider string
	desc     string // may contain one %s, replaced by the designated unit's name
	fen      int64
	format   amountFormat
	unit     string // designated unit code, "" if none
}

type fundFile struct {
	name            string
	idPrefix        string
	chineseHeader   bool
	chineseCategory bool
	bom             bool
	lines           []fundLine
	// sources, when set, adds the fund_type, fund_source and document_no
	// columns (DESIGN §3.2): each line's by its index, else base.
	sources map[int][3]string
	base    [3]string
}

// yuan converts whole yuan to fen.
func yuan(n int64) int64 { return n * 100 }

const (
	mz   = "神木市民政局"
	cz   = "神木市财政局"
	fl   = "神木市妇女联合会"
	tw   = "共青团神木市委员会"
	cl   = "神木市残疾人联合会"
	zgh  = "神木市总工会"
	wj   = "神木市卫生健康局"
	jt   = "神木市教育和体育局"
	csxh = "神木市慈善协会"
	// Fictional enterprises and foundation.
	lzny = "神木市麟州能源有限公司"
	dmxc = "陕西大漠新材料有限公司"
	tfs  = "神木市驼峰山能源科技有限公司"
	sdjj = "榆林市沙地公益基金会"
)

var fundFiles = []fundFile{
	{
		name: "civil-affairs.csv", idPrefix: "MZ",
		lines: []fundLine{
			{"social_assistance", mz, "2026年困难群众救助社会工作服务", yuan(1250000), comma, ""},
			{"social_assistance", mz, "城乡低保对象入户核查与个案帮扶", yuan(620000), plain, ""},
			{"social_assistance", mz, "特困供养人员照料服务", yuan(520000), integer, ""},
			{"social_assistance", mz, "临时救助“救急难”社工介入", yuan(350000), comma, ""},
			{"social_assistance", mz, "防止返贫动态监测社工服务", yuan(276500), plain, ""},
			{"social_assistance", mz, "低收入人口动态监测与主动发现", yuan(120000), integer, ""},
			{"social_assistance", mz, "贺家川镇困难群众救助服务（整改提升）", yuan(85000), plain, "SM12"},
			{"elderly_care", mz, "农村留守老人关爱服务", yuan(900000), plain, ""},
			{"elderly_care", mz, "特殊困难老年人探访关爱", yuan(540000), integer, ""},
			{"elderly_care", mz, "居家养老上门服务社工支持", yuan(420000), comma, ""},
			{"elderly_care", mz, "老年助餐点运营督导", yuan(186000), plain, ""},
			{"child_welfare", mz, "困境儿童与留守儿童关爱保护", yuan(520000), plain, ""},
			{"child_welfare", mz, "儿童督导员、儿童主任能力建设", yuan(138000), comma, ""},
			{"community_governance", mz, "城乡社区治理社会工作服务", yuan(860000), plain, ""},
			{"community_governance", mz, "社区“五社联动”试点", yuan(450000), comma, ""},
			{"community_governance", mz, "村（居）民议事协商能力建设", yuan(230000), integer, ""},
			{"community_governance", mz, "社区工作者社会工作专业培训", yuan(78000), plain, ""},
			{"social_affairs", mz, "社工总站督导培训与人才培养", yuan(180000), plain, "SM00"},
			{"social_affairs", mz, "婚姻家庭辅导服务", yuan(320000), plain, ""},
			{"social_affairs", mz, "流浪乞讨人员救助寻亲服务", yuan(156000), plain, ""},
			{"social_affairs", mz, "社会工作人才队伍建设", yuan(600000), comma, ""},
			{"social_affairs", mz, "志愿服务站点运营", yuan(218000), integer, ""},
			{"social_affairs", mz, "婚姻登记颁证社工服务", yuan(64000), plain, ""},
		},
		// A provincial transfer for assistance and child welfare, the
		// welfare lottery fund (福彩公益金) for elderly care, the city's own
		// budget for the rest.
		base: [3]string{"general_budget", "local", "神财社〔2026〕12号"},
		sources: map[int][3]string{
			0:  {"general_budget", "transfer", "陕财社〔2026〕8号"},
			1:  {"general_budget", "transfer", "陕财社〔2026〕8号"},
			2:  {"general_budget", "transfer", "陕财社〔2026〕8号"},
			7:  {"gov_fund", "local", "神财社〔2026〕15号"},
			8:  {"gov_fund", "local", "神财社〔2026〕15号"},
			11: {"general_budget", "transfer", "陕财社〔2026〕21号"},
		},
	},
	{
		name: "departments.csv", idPrefix: "BM", chineseHeader: true, chineseCategory: true,
		lines: []fundLine{
			{"social_assistance", cz, "困难群众救助资金配套（社工服务部分）", 32745035, plain, ""},
			{"elderly_care", cz, "养老服务体系建设补助（社工部分）", yuan(400000), integer, ""},
			{"elderly_care", cz, "农村互助幸福院运营社工支持", yuan(110000), plain, ""},
			{"community_governance", cz, "村级社工室运营补助", yuan(600000), comma, ""},
			{"community_governance", cz, "社区社会组织孵化培育", yuan(245000), plain, ""},
			{"community_governance", cz, "城市社区网格化服务社工支持", 12050050, plain, ""},
			{"social_affairs", cz, "社会工作服务站点建设运维补助", yuan(500000), comma, ""},
			{"elderly_care", wj, "医养结合社工服务", yuan(350000), plain, ""},
			{"elderly_care", wj, "失能老人家庭照护培训", yuan(127800), plain, ""},
			{"child_welfare", wj, "0-3岁婴幼儿照护家庭支持", 8564020, plain, ""},
			{"partner_org", wj, "计生特殊家庭关爱服务", yuan(180000), integer, ""},
			{"child_welfare", jt, "农村学校留守儿童社工陪伴", yuan(300000), comma, ""},
			{"child_welfare", jt, "校园欺凌预防与心理支持", yuan(96500), plain, ""},
			{"child_welfare", jt, "特殊教育送教上门社工支持", yuan(48000), integer, ""},
			{"partner_org", jt, "家校社协同育人项目", 10530075, plain, ""},
		},
		base: [3]string{"一般公共预算资金", "本级安排", "神财社〔2026〕12号"},
	},
	{
		name: "mass-orgs.csv", idPrefix: "QT", chineseHeader: true,
		lines: []fundLine{
			{"child_welfare", fl, "春蕾助学社工陪伴项目", yuan(180000), plain, ""},
			{"partner_org", fl, "滨河新区街道妇女儿童之家社工项目", yuan(120000), plain, "SM01"},
			{"partner_org", fl, "家庭教育指导与反家暴社工服务", yuan(160000), comma, ""},
			{"child_welfare", tw, "青少年事务社工服务", yuan(150000), integer, ""},
			{"partner_org", tw, "迎宾路街道青少年社区服务", yuan(45000), plain, "SM04"},
			{"partner_org", tw, "青年志愿者与社工联动项目", yuan(88000), plain, ""},
			{"partner_org", cl, "%s残疾人社区康复社工服务", yuan(60000), plain, "SM03-04"},
			{"partner_org", cl, "残疾人家庭照护与就业支持", yuan(180000), comma, ""},
			{"partner_org", cl, "助残志愿服务", yuan(45000), integer, ""},
			{"partner_org", zgh, "店塔镇矿区职工家庭社工服务", yuan(80000), plain, "SM07"},
			{"partner_org", zgh, "困难职工帮扶社工服务", yuan(150000), comma, ""},
		},
	},
	{
		name: "charity.csv", idPrefix: "CS", chineseCategory: true, bom: true,
		lines: []fundLine{
			{"charity", csxh, "“慈善一日捐”困难群众社工服务", yuan(300000), yen, ""},
			{"charity", csxh, "%s慈善帮扶项目", 3680050, yen, "SM15-06"},
			{"charity", csxh, "助学助医慈善项目社工服务", yuan(186000), plain, ""},
			{"charity", csxh, "重大疾病家庭帮扶", 15327045, plain, ""},
			{"charity", csxh, "冬季送温暖慈善社工行动", yuan(62450), yen, ""},
			{"charity", lzny, "大柳塔镇矿区社区融合社工项目", yuan(200000), yen, "SM09"},
			{"charity", dmxc, "锦界镇工业园区职工家庭服务", yuan(150000), comma, "SM19"},
			{"charity", tfs, "乡村振兴与职工志愿服务", yuan(98500), yen, ""},
			{"charity", sdjj, "%s沙区留守老人关爱", yuan(50000), plain, "SM17-05"},
			{"charity", sdjj, "沙区生态移民村社区营造", yuan(128600), integer, ""},
		},
	},
}

func writeFunds(dir string, units []*unit) {
	byCode := map[string]*unit{}
	for _, u := range units {
		byCode[u.code] = u
	}
	for _, f := range fundFiles {
		header := []string{"id", "category", "provider", "description", "amount", "designated_unit"}
		if f.chineseHeader {
			header = []string{"编号", "类别", "来源单位", "摘要", "金额", "指定单位"}
		}
		withSources := f.base != [3]string{}
		if withSources && f.chineseHeader {
			header = append(header, "资金性质", "指标来源", "指标文号")
		} else if withSources {
			header = append(header, "fund_type", "fund_source", "document_no")
		}
		rows := [][]string{header}
		for i, l := range f.lines {
			cat, ok := categoryNames[l.category]
			if !ok {
				panic("unknown category " + l.category)
			}
			if !f.chineseCategory {
				cat = l.category
			}
			desc := l.desc
			if l.unit != "" {
				u, ok := byCode[l.unit]
				if !ok {
					panic("designated unit does not exist: " + l.unit)
				}
				if strings.Contains(desc, "%s") {
					desc = fmt.Sprintf(desc, u.name)
				}
			}
			row := []string{
				fmt.Sprintf("%s-2026-%03d", f.idPrefix, i+1), cat, l.provider, desc,
				formatAmount(l.fen, l.format), l.unit,
			}
			if withSources {
				src, ok := f.sources[i]
				if !ok {
					src = f.base
				}
				row = append(row, src[:]...)
			}
			rows = append(rows, row)
		}
		writeCSV(filepath.Join(dir, f.name), f.bom, rows)
	}
}

// formatAmount writes fen as yuan using integer arithmetic only.
func formatAmount(fen int64, f amountFormat) string {
	if fen <= 0 {
		panic("amount must be positive")
	}
	whole, cents := fen/100, fen%100
	switch f {
	case integer:
		if cents != 0 {
			panic("integer format needs whole yuan")
		}
		return itoa(whole)
	case comma:
		return fmt.Sprintf("%s.%02d", groupThousands(whole), cents)
	case yen:
		return fmt.Sprintf("¥%s.%02d", groupThousands(whole), cents)
	default:
		return fmt.Sprintf("%d.%02d", whole, cents)
	}
}

func groupThousands(n int64) string {
	s := itoa(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}
