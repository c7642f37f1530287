package sources

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"fundalloc/allocation"
)

var testCats = NewCategories([]allocation.Category{
	{Code: "elderly_care", Zh: "养老服务", En: "Elderly care"},
	{Code: "charity", Zh: "慈善资源", En: "Charity"},
})

const goodUnits = `code,name,tier,parent,social_workers,pilot,grade,contract_year,population
H,总站,hub,,5,,good,,0
S1,一站,station,H,3,yes,excellent,2,100
S2,二站,社工站,H,2,否,不合格,3,200
R1,一室,社工室,S1,0,,,,40
`

func fsWith(files map[string]string) Base {
	m := fstest.MapFS{}
	for name, body := range files {
		m[name] = &fstest.MapFile{Data: []byte(body)}
	}
	return Base{FS: m}
}

func src(t *testing.T, b Base, name string) Source {
	t.Helper()
	s, err := b.Resolve([]string{name})
	if err != nil || len(s) != 1 {
		t.Fatalf("resolve %s: %v", name, err)
	}
	return s[0]
}

func problems(p *Problems) []string {
	var out []string
	for _, e := range p.List() {
		out = append(out, e.Error())
	}
	return out
}

func TestReadUnits(t *testing.T) {
	b := fsWith(map[string]string{"units.csv": goodUnits})
	var p Problems
	ut := ReadUnits(src(t, b, "units.csv"), Options{Limits: DefaultLimits(), Drivers: []string{"population"}}, &p)
	if p.Len() != 0 {
		t.Fatalf("problems: %v", problems(&p))
	}
	if got := strings.Join(ut.Drivers, ","); got != "social_workers,population" {
		t.Errorf("drivers = %s", got)
	}
	s2 := ut.Units[2]
	if s2.Tier != allocation.Station || s2.Grade != allocation.Unqualified || s2.Pilot || s2.ContractYear != 3 || s2.Drivers[1] != allocation.Int(200) || s2.Drivers[0] != allocation.Int(2) {
		t.Errorf("S2 = %+v", s2)
	}
	if !ut.Units[1].Pilot || ut.Units[1].Grade != allocation.Excellent || ut.Units[3].Tier != allocation.Room || ut.Rows[3] != 5 {
		t.Errorf("units = %+v rows %v", ut.Units, ut.Rows)
	}
}

func TestReadUnitsChineseHeaders(t *testing.T) {
	body := "编码,名称,层级,上级编码,社工人数,五社联动试点,评估等级,合同年度,人口,老年人口\n" +
		"H,总站,总站,,1,,优秀,,0,0\nS1,一站,社工站,H,2,是,良好,1,10,2\nR1,一室,社工室,S1,,,,,5,1.5\n"
	var p Problems
	ut := ReadUnits(src(t, fsWith(map[string]string{"u.csv": body}), "u.csv"), Options{Limits: DefaultLimits(), Drivers: []string{"elderly", "人口"}}, &p)
	if p.Len() != 0 {
		t.Fatalf("problems: %v", problems(&p))
	}
	if got := strings.Join(ut.Drivers, ","); got != "social_workers,population,elderly" {
		t.Errorf("drivers = %s", got)
	}
	if r := ut.Units[2].Drivers[2]; r != (allocation.Ratio{Num: 15, Scale: 1}) {
		t.Errorf("R1 elderly = %v", r)
	}
}

// Each input rule of DESIGN §3.1 and §3.2, with the exact located message.
func TestInputRules(t *testing.T) {
	const unitsHead = "code,name,tier,parent,social_workers,pilot,grade,contract_year,population\n"
	const hubAndStation = "H,总站,hub,,1,,,,0\nS1,一站,station,H,1,,,,10\n"
	tests := []struct {
		name  string
		units string
		funds string
		want  []string
		is    error
	}{
		{"missing column", "code,name,tier\nH,h,hub\n", "", []string{"units.csv:1: missing column parent (上级编码) (the header row must name code (编码), name (名称), tier (层级), parent (上级编码); rows looked at: 1–2)"}, ErrMissingColumn},
		{"empty units file", "", "", []string{"units.csv: the file is empty"}, ErrUnreadable},
		{"code required", unitsHead + hubAndStation + ",无码,room,S1,,,,,1\n", "", []string{"units.csv:4:A: code is empty"}, ErrRequired},
		{"code unique", unitsHead + hubAndStation + "S1,重复,station,H,1,,,,1\n", "", []string{`units.csv:4:A: code "S1" appears twice (first at row 3)`}, ErrDuplicate},
		{"name required", unitsHead + hubAndStation + "R1,,room,S1,,,,,1\n", "", []string{"units.csv:4:B: name is empty"}, ErrRequired},
		{"tier unknown", unitsHead + hubAndStation + "R1,r,村,S1,,,,,1\n", "", []string{`units.csv:4:C: tier "村" is not a tier: use hub, station or room (总站, 社工站, 社工室)`}, ErrBadEnum},
		{"no hub", unitsHead + "S1,一站,station,H,1,,,,10\n", "", []string{"units.csv: no hub: exactly one unit must have tier hub (总站)", `units.csv:2:D: parent "H" is not the code of any unit in this file`}, ErrHub},
		{"two hubs", unitsHead + hubAndStation + "H2,二号,hub,,1,,,,0\n", "", []string{"units.csv:4:C: a second hub: \"H\" is the hub already (row 2); there is exactly one"}, ErrHub},
		{"hub with parent", unitsHead + "H,总站,hub,S1,1,,,,0\nS1,一站,station,H,1,,,,10\n", "", []string{`units.csv:2:D: parent "S1": the hub has no parent; leave it empty`}, ErrBadParent},
		{"room under hub", unitsHead + hubAndStation + "R1,r,room,H,,,,,1\n", "", []string{`units.csv:4:D: parent "H" is a hub: a room's parent must be a station`}, ErrBadParent},
		{"station under station", unitsHead + hubAndStation + "S2,s,station,S1,,,,,1\n", "", []string{`units.csv:4:D: parent "S1" is a station: a station's parent must be the hub`}, ErrBadParent},
		{"parent missing", unitsHead + hubAndStation + "R1,r,room,,,,,,1\n", "", []string{"units.csv:4:D: parent is empty: a room's parent must be a station"}, ErrBadParent},
		{"social workers whole", unitsHead + hubAndStation + "S2,s,station,H,2.5,,,,1\n", "", []string{`units.csv:4:E: social_workers "2.5" is not a whole number`}, ErrBadNumber},
		{"social workers negative", unitsHead + hubAndStation + "S2,s,station,H,-1,,,,1\n", "", []string{`units.csv:4:E: social_workers "-1" must not be negative`}, ErrBadNumber},
		{"pilot yes/no", unitsHead + hubAndStation + "S2,s,station,H,1,maybe,,,1\n", "", []string{`units.csv:4:F: pilot "maybe" is not yes or no (是/否, true/false, 1/0)`}, ErrBadEnum},
		{"grade", unitsHead + hubAndStation + "S2,s,station,H,1,,较好,,1\n", "", []string{`units.csv:4:G: grade "较好" is not a grade: use excellent, good, qualified, unqualified or new (优秀, 良好, 合格, 不合格, 新建)`}, ErrBadEnum},
		{"room grade ignored", unitsHead + hubAndStation + "R1,r,room,S1,,,whatever,,1\n", "", nil, nil},
		{"contract year", unitsHead + hubAndStation + "S2,s,station,H,1,,,4,1\n", "", []string{`units.csv:4:H: contract_year "4" is not 1, 2 or 3 (the year within the three-year cycle)`}, ErrBadNumber},
		{"driver number", unitsHead + hubAndStation + "R1,r,room,S1,,,,,很多\n", "", []string{`units.csv:4:I: driver population "很多" is not a number (a driver column holds numbers ≥ 0)`}, ErrBadNumber},
		{"driver negative", unitsHead + hubAndStation + "R1,r,room,S1,,,,,-3\n", "", []string{`units.csv:4:I: driver population "-3" must not be negative (a driver column holds numbers ≥ 0)`}, ErrBadNumber},
		{"broken quote", unitsHead + hubAndStation + "R1,\"r,room\n", "", []string{`units.csv:4: not valid CSV: extraneous or missing " in quoted-field`}, ErrUnreadable},
		{"ragged csv row", unitsHead + hubAndStation + "R1,r,room,S1,,,,,1,extra\n", "", []string{`units.csv:4: the row has 10 cells but the header row has 9 (a stray comma or a missing quote?)`}, ErrRaggedRow},

		{"fund id required", "", "id,category,provider,amount\n,charity,某企业,100\n", []string{"funds.csv:2:A: id is empty"}, ErrRequired},
		{"fund id unique", "", "id,category,provider,amount\nF1,charity,某企业,100\nF1,charity,某企业,200\n", []string{`funds.csv:3:A: id "F1" is used twice (first at row 2); ids are unique across all fund files`}, ErrDuplicate},
		{"category", "", "id,category,provider,amount\nF1,救灾,某企业,100\n", []string{`funds.csv:2:B: category "救灾" is not a category; use one of: elderly_care 养老服务, charity 慈善资源`}, ErrUnknownCategory},
		{"provider required", "", "id,category,provider,amount\nF1,charity,,100\n", []string{"funds.csv:2:C: provider is empty"}, ErrRequired},
		{"amount decimals", "", "id,category,provider,description,amount\nF1,charity,p,d,12.345\n", []string{`funds.csv:2:E: amount "12.345" has more than 2 decimal places`}, ErrBadAmount},
		{"amount letters", "", "编号,类别,来源单位,金额\nF1,慈善资源,p,45万\n", []string{`funds.csv:2:D: amount "45万" is not an amount (digits, an optional ¥ and , separators, at most 2 decimals)`}, ErrBadAmount},
		{"amount exponent", "", "id,category,provider,amount\nF1,charity,p,1E5\n", []string{`funds.csv:2:D: amount "1E5" is not an amount (digits, an optional ¥ and , separators, at most 2 decimals)`}, ErrBadAmount},
		{"amount zero", "", "id,category,provider,amount\nF1,charity,p,0.00\n", []string{`funds.csv:2:D: amount "0.00" must be greater than 0`}, ErrBadAmount},
		{"amount negative", "", "id,category,provider,amount\nF1,charity,p,-5\n", []string{`funds.csv:2:D: amount "-5" must be greater than 0`}, ErrBadAmount},
		{"amount empty", "", "id,category,provider,amount\nF1,charity,p,\n", []string{"funds.csv:2:D: amount is empty"}, ErrRequired},
		{"amount too large", "", "id,category,provider,amount\nF1,charity,p,99999999999999999999\n", []string{`funds.csv:2:D: amount "99999999999999999999" is too large: at most 9,999,999,999,999.99 yuan is accepted (15 digits, what a spreadsheet shows exactly)`}, ErrBadAmount},
		{"amount beyond a spreadsheet", "", "id,category,provider,amount\nF1,charity,p,\"10,000,000,000,000.00\"\n", []string{`funds.csv:2:D: amount "10,000,000,000,000.00" is too large: at most 9,999,999,999,999.99 yuan is accepted (15 digits, what a spreadsheet shows exactly)`}, ErrBadAmount},
		{"fund lines add up too much", "", "id,category,provider,amount\nF1,charity,p,9999999999999.99\nF2,elderly_care,p,0.01\nF3,elderly_care,p,0.01\n", []string{`funds.csv:3:D: amount 0.01: with it the fund lines add up to more than 9,999,999,999,999.99 yuan, more than fundalloc accepts (15 digits, what a spreadsheet shows exactly)`}, ErrBadAmount},
		{"binary data", "\x7fELF\x02\x01\x01\x00code,name", "", []string{"units.csv: binary data, not CSV text (is this the right file?)"}, ErrUnreadable},
		{"control characters", "code,name\x01\x02\x03\x04\x05\n", "", []string{"units.csv: binary data, not CSV text (is this the right file?)"}, ErrUnreadable},
		{"UTF-16", "\xff\xfec\x00o\x00d\x00e\x00", "", []string{`units.csv: UTF-16 text, not CSV: save it from Excel or WPS as "CSV UTF-8" or as .xlsx`}, ErrUnreadable},
		{"cell too long", unitsHead + hubAndStation + "R1," + strings.Repeat("长", 11000) + ",room,S1,,,,,1\n", "", []string{"units.csv:4:B: a cell of more than 32768 bytes; at most 32768 are accepted (limits.max_field_bytes)"}, ErrLimit},
		{"too many cells", unitsHead + hubAndStation + "R1" + strings.Repeat(",", 1024) + "\n", "", []string{"units.csv:4: more than 1024 cells in one row; at most 1024 are accepted (limits.max_cells_per_row)"}, ErrLimit},
		{"designated unit", "", "id,category,provider,amount,designated_unit\nF1,charity,p,5,S9\n", []string{`funds.csv:2:E: designated_unit "S9" is not a unit code in units.csv`}, ErrUnknownUnit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{"units.csv": tt.units, "funds.csv": tt.funds}
			if tt.units == "" && tt.name != "empty units file" {
				files["units.csv"] = goodUnits
			}
			if tt.funds == "" {
				files["funds.csv"] = "id,category,provider,amount\nF0,charity,p,1\n"
			}
			b := fsWith(files)
			var p Problems
			ut := ReadUnits(src(t, b, "units.csv"), Options{Limits: DefaultLimits(), Drivers: []string{"population"}}, &p)
			ReadFunds([]Source{src(t, b, "funds.csv")}, Options{Limits: DefaultLimits()}, testCats, &p).CheckUnits(ut, &p)
			got := problems(&p)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			if tt.is != nil && (p.Len() == 0 || !errors.Is(p.List()[0], tt.is)) {
				t.Errorf("first problem does not wrap %v", tt.is)
			}
		})
	}
}

func TestAllProblemsAtOnce(t *testing.T) {
	b := fsWith(map[string]string{
		"units.csv": goodUnits,
		"a.csv":     "id,category,provider,amount\nF1,charity,p,1.001\nF2,nope,p,5\n",
		"b.csv":     "id,category,provider,amount\nF1,charity,,5\n",
	})
	var p Problems
	ut := ReadUnits(src(t, b, "units.csv"), Options{Limits: DefaultLimits(), Drivers: []string{"population"}}, &p)
	srcs, _ := b.Resolve([]string{"*.csv"})
	var funds []Source
	for _, s := range srcs {
		if s.Name != "units.csv" {
			funds = append(funds, s)
		}
	}
	ReadFunds(funds, Options{Limits: DefaultLimits()}, testCats, &p).CheckUnits(ut, &p)
	want := []string{
		`a.csv:2:D: amount "1.001" has more than 2 decimal places`,
		`a.csv:3:B: category "nope" is not a category; use one of: elderly_care 养老服务, charity 慈善资源`,
		`b.csv:2:A: id "F1" is used twice (first at a.csv row 2); ids are unique across all fund files`,
		`b.csv:2:C: provider is empty`,
	}
	if got := problems(&p); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestFundsFormatsAndEncodings(t *testing.T) {
	// "类别" values by Chinese name and English name, a title row above the
	// header, a BOM, ¥ and separators, blank lines.
	body := "\ufeff2026年资金来源表,,,,\n编号,类别,来源单位,摘要,金额\nA1,养老服务,民政局,,\"¥1,234.50\"\n\nA2,Charity,企业,捐赠, ￥7 \n"
	b := fsWith(map[string]string{"units.csv": goodUnits, "f.csv": body})
	var p Problems
	ut := ReadUnits(src(t, b, "units.csv"), Options{Limits: DefaultLimits(), Drivers: []string{"population"}}, &p)
	ft := ReadFunds([]Source{src(t, b, "f.csv")}, Options{Limits: DefaultLimits()}, testCats, &p)
	ft.CheckUnits(ut, &p)
	if p.Len() != 0 {
		t.Fatalf("problems: %v", problems(&p))
	}
	if len(ft.Lines) != 2 || ft.Lines[0].Amount != 123450 || ft.Lines[0].Category != 0 || ft.Lines[1].Amount != 700 || ft.Lines[1].Category != 1 || ft.Lines[1].Row != 5 {
		t.Errorf("lines = %+v", ft.Lines)
	}
}

func TestGB18030CSV(t *testing.T) {
	utf := "编号,类别,来源单位,摘要,金额\nG1,养老服务,神木市民政局,农村留守老人关爱服务,\"1,000.50\"\n"
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(utf)
	if err != nil {
		t.Fatal(err)
	}
	if utf8.ValidString(gb) {
		t.Fatal("the encoded text should not be valid UTF-8")
	}
	b := fsWith(map[string]string{"units.csv": goodUnits, "gb.csv": gb, "utf.csv": strings.Replace(utf, "G1", "U1", 1)})
	var p Problems
	ut := ReadUnits(src(t, b, "units.csv"), Options{Limits: DefaultLimits(), Drivers: []string{"population"}}, &p)
	ft := ReadFunds([]Source{src(t, b, "gb.csv"), src(t, b, "utf.csv")}, Options{Limits: DefaultLimits()}, testCats, &p)
	ft.CheckUnits(ut, &p)
	if p.Len() != 0 {
		t.Fatalf("problems: %v", problems(&p))
	}
	a, u := ft.Lines[0], ft.Lines[1]
	if a.Provider != "神木市民政局" || a.Description != u.Description || a.Amount != 100050 || a.Category != 0 {
		t.Errorf("GB18030 line = %+v, UTF-8 line = %+v", a, u)
	}
}

func TestIsUTF8AcrossChunks(t *testing.T) {
	// A multi-byte rune straddling the 64 KiB read boundary is still valid.
	s := strings.Repeat("a", 64<<10-1) + "养" + strings.Repeat("b", 10)
	if ok, err := IsUTF8(strings.NewReader(s)); !ok || err != nil {
		t.Errorf("IsUTF8 = %v, %v; want true", ok, err)
	}
	if ok, _ := IsUTF8(strings.NewReader(s + "\xff")); ok {
		t.Error("IsUTF8 accepted an invalid byte")
	}
}

func TestParseAmount(t *testing.T) {
	good := map[string]allocation.Fen{
		"0": 0, "12": 1200, "12.3": 1230, "12.300": 1230, " 1,234,567.89 ": 123456789, "¥5": 500, "￥ 1,000.00": 100000,
		"-¥3.5": -350, "¥-3.5": -350, "\u30007\u3000": 700,
	}
	for s, want := range good {
		if got, err := ParseAmount(s); err != nil || got != want {
			t.Errorf("ParseAmount(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	bad := map[string]error{
		"12.345": errDecimals, "1e5": errNotAmount, "45万": errNotAmount, "1,23": errNotAmount, "12,3456": errNotAmount,
		"": errNotAmount, "¥": errNotAmount, "12.": errNotAmount, ".5": errNotAmount, "--5": errNotAmount, "７": errNotAmount,
		"1.2.3": errNotAmount, "92233720368547758.08": errTooLarge, "0x10": errNotAmount, "+5": errNotAmount,
	}
	for s, want := range bad {
		if _, err := ParseAmount(s); err != want {
			t.Errorf("ParseAmount(%q) error = %v, want %v", s, err, want)
		}
	}
}

func TestNumericCellAmounts(t *testing.T) {
	good := map[string]allocation.Fen{
		"300000.30000000005": 30000030, "1234.5600000000001": 123456, "8.00005E4": 8000050, "0.30000000000000004": 30,
		"-5": -500, "1E3": 100000, "12.3": 1230,
		// 16 significant digits: Excel shows (and we read) 15.
		"99999999999999.99": 10000000000000000, "9999999999999.99": 999999999999999,
	}
	for s, want := range good {
		if got, err := cellAmount(Cell{Kind: Number, Text: s}, 2); err != nil || got != want {
			t.Errorf("numeric cell %q = %v, %v; want %v", s, got, err, want)
		}
	}
	for s, want := range map[string]error{"12.345": errDecimals, "1.0000001": errDecimals, "1E30": errTooLarge, "abc": errNotAmount} {
		if _, err := cellAmount(Cell{Kind: Number, Text: s}, 2); err != want {
			t.Errorf("numeric cell %q error = %v, want %v", s, err, want)
		}
	}
	// The same text in a text cell follows the text rules.
	if _, err := cellAmount(Cell{Kind: Text, Text: "8.00005E4"}, 2); err != errNotAmount {
		t.Errorf("a text cell with an exponent was accepted (err %v)", err)
	}
}

func TestDriverName(t *testing.T) {
	for h, want := range map[string]string{
		"population": "population", " Population ": "population", "人口": "population", "人口 population": "population",
		"elderly (老年人口)": "elderly", "老年人口/elderly": "elderly", "社工人数": "social_workers", "disabled 残疾人": "disabled", "残疾人": "残疾人",
	} {
		if got := DriverName(h); got != want {
			t.Errorf("DriverName(%q) = %q, want %q", h, got, want)
		}
	}
}

// byCode finds a unit by its code as written, never by the code in
// another case, ASCII or not, short or past its stack buffer.
func TestUnitByCode(t *testing.T) {
	long := strings.Repeat("Ab", 40)
	ut := &UnitTable{Units: []allocation.Unit{{Code: "HUB"}, {Code: "s1"}, {Code: "Ä1"}, {Code: long}}}
	ut.folded = map[string]int{}
	for i, u := range ut.Units {
		ut.folded[strings.ToLower(u.Code)] = i
	}
	for _, c := range []struct {
		code string
		i    int
		ok   bool
	}{{"HUB", 0, true}, {"hub", 0, false}, {"Hub", 0, false}, {"s1", 1, true}, {"S1", 0, false}, {"Ä1", 2, true}, {"ä1", 0, false},
		{long, 3, true}, {strings.ToLower(long), 0, false}, {"", 0, false}, {"x", 0, false}} {
		if i, ok := ut.byCode(c.code); ok != c.ok || ok && i != c.i {
			t.Errorf("byCode(%q) = %d, %v; want %d, %v", c.code, i, ok, c.i, c.ok)
		}
	}
}
