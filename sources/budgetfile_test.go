package sources

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"fundalloc/allocation"
	"fundalloc/reports/msg"
)

const testLimit = 1 << 20

// goodBudget is a whole budget JSON as fundalloc writes it, small enough to
// check by hand: a hub, two stations (S2 unqualified, so reserved) and a
// room with a designated charity line.
const goodBudget = `{
  "fiscal_year": 2026,
  "categories": ["elderly_care", "charity"],
  "pool": [
    {"category": "elderly_care", "total": "1000.00", "designated": "0.00", "pooled": "1000.00"},
    {"category": "charity", "total": "500.00", "designated": "500.00", "pooled": "0.00"}
  ],
  "lines": [
    {"unit": "R1", "tier": "room", "category": "charity", "stage": "directed", "status": "allocated", "amount": "500.00"},
    {"unit": "H", "tier": "hub", "category": "elderly_care", "stage": "hub", "status": "allocated", "amount": "100.00"},
    {"unit": "S1", "tier": "station", "category": "elderly_care", "stage": "demand", "status": "allocated", "amount": "550.00"},
    {"unit": "S2", "tier": "station", "category": "elderly_care", "stage": "demand", "status": "reserved", "amount": "300.00"}
  ],
  "unallocated": [{"category": "elderly_care", "amount": "50.00"}, {"category": "charity", "amount": "0.00"}],
  "warnings": ["a warning"],
  "inputs": [{"path": "data/units.csv", "sha256": "0000000000000000000000000000000000000000000000000000000000000000"}],
  "params": {"fiscal_year": 2026,
    "categories": [{"code": "elderly_care", "zh": "养老服务", "en": "Elderly care"}, {"code": "charity", "zh": "慈善资源", "en": "Charity"}],
    "grades": {"excellent": "1.1", "good": "1", "qualified": "0.9", "new": "1"},
    "stages": {"hub": {"amount": "100.00", "categories": ["elderly_care"]},
      "baseline": {"per_worker": "0.00", "per_station": "0.00", "categories": []},
      "pilot": {"amount": "0.00", "categories": []},
      "demand": {"share": "0.95", "categories": [], "drivers": {"elderly_care": "elderly", "charity": "elderly"}},
      "rooms": {"share": "0"}}},
  "units": [
    {"code": "H", "name": "总站", "tier": "hub", "parent": "", "grade": "good", "social_workers": 3, "pilot": false, "contract_year": 1, "drivers": {"elderly": "0"}},
    {"code": "S1", "name": "一站", "tier": "station", "parent": "H", "grade": "excellent", "social_workers": 2, "pilot": true, "contract_year": 2, "drivers": {"elderly": "500"}},
    {"code": "S2", "name": "二站", "tier": "station", "parent": "H", "grade": "unqualified", "social_workers": 0, "pilot": false, "contract_year": 0, "drivers": {"elderly": "300"}},
    {"code": "R1", "name": "一室", "tier": "room", "parent": "S1", "grade": "new", "social_workers": 0, "pilot": false, "contract_year": 0, "drivers": {"elderly": "12.5"}}
  ],
  "fund_lines": [
    {"id": "F1", "category": "elderly_care", "provider": "民政局", "description": "", "amount": "1000.00", "designated_unit": "", "file": "funds.csv", "row": 2},
    {"id": "F2", "category": "charity", "provider": "慈善总会", "description": "", "amount": "500.00", "designated_unit": "R1", "fund_type": "donation", "fund_source": "local", "document_no": "", "file": "funds.csv", "row": 3}
  ],
  "indicators": [
    {"unit": "H", "category": "elderly_care", "status": "allocated", "fund_type": "general_budget", "fund_source": "local", "document_no": "", "amount": "100.00"},
    {"unit": "R1", "category": "charity", "status": "allocated", "fund_type": "donation", "fund_source": "local", "document_no": "", "amount": "500.00"},
    {"unit": "S1", "category": "elderly_care", "status": "allocated", "fund_type": "general_budget", "fund_source": "local", "document_no": "", "amount": "550.00"},
    {"unit": "S2", "category": "elderly_care", "status": "reserved", "fund_type": "general_budget", "fund_source": "local", "document_no": "", "amount": "300.00"},
    {"unit": "", "category": "elderly_care", "status": "unallocated", "fund_type": "general_budget", "fund_source": "local", "document_no": "", "amount": "50.00"}
  ],
  "a_later_field": [{"unit": "S1", "amount": "1.00"}]
}`

func read(t *testing.T, s string) (*BudgetFile, error) {
	t.Helper()
	return ReadBudgetFile("budget-2026.json", strings.NewReader(s), testLimit)
}

func TestReadBudgetFileWhole(t *testing.T) {
	bf, err := read(t, goodBudget)
	if err != nil {
		t.Fatal(err)
	}
	p := bf.Plan
	if bf.Year != 2026 || !bf.Recorded || len(p.Units) != 4 || p.Units[0].Code != "H" || p.Units[3].Code != "S2" {
		t.Fatalf("year %d recorded %v units %+v", bf.Year, bf.Recorded, p.Units)
	}
	if len(p.Lines) != 4 || p.Lines[0].Stage != allocation.Directed || p.Units[p.Lines[3].Unit].Code != "S2" || p.Lines[3].Status != allocation.Reserved {
		t.Errorf("lines %+v", p.Lines)
	}
	if p.Pool[1] != (allocation.PoolEntry{Total: 500_00, Designated: 500_00}) || p.Unallocated[0] != 50_00 {
		t.Errorf("pool %+v unallocated %v", p.Pool, p.Unallocated)
	}
	if len(p.Funds) != 2 || p.Funds[1] != (allocation.Fund{ID: "F2", Category: 1, Amount: 500_00, Unit: "R1"}) {
		t.Errorf("funds %+v", p.Funds)
	}
	if fmt.Sprint(p.Drivers) != "[social_workers elderly]" || p.Units[1].Drivers[1].String() != "12.5" || p.Units[2].Drivers[0] != allocation.Int(2) {
		t.Errorf("drivers %v, R1 %v, S1 %v", p.Drivers, p.Units[1].Drivers, p.Units[2].Drivers)
	}
	r := bf.Rules
	if r.Hub.Amount != 100_00 || fmt.Sprint(r.Hub.Categories) != "[0]" || r.Factors[allocation.Excellent].String() != "1.1" ||
		r.Demand.Share.String() != "0.95" || fmt.Sprint(r.Demand.Drivers) != "[elderly elderly]" || r.Demand.Categories != nil {
		t.Errorf("rules %+v", r)
	}
	params := map[string]string{}
	for _, p := range bf.Params {
		params[p.Key] = p.Value
	}
	for k, v := range map[string]string{"fiscal_year": "2026", "categories": "elderly_care, charity", "categories.charity.zh": "慈善资源",
		"stages.hub.categories": "elderly_care", "stages.pilot.categories": "", "stages.demand.drivers.charity": "elderly", "grades.qualified": "0.9"} {
		if params[k] != v {
			t.Errorf("param %s = %q, want %q", k, params[k], v)
		}
	}
	if bf.Params[0].Key != "fiscal_year" || bf.Params[1].Key != "categories" {
		t.Errorf("params out of the file's order: %v", bf.Params[:2])
	}
	if len(bf.Inputs) != 1 || len(bf.Warnings) != 1 || bf.Warnings[0] != "a warning" {
		t.Errorf("inputs %v warnings %v", bf.Inputs, bf.Warnings)
	}
	if a := bf.Annual(); len(a) != 4 || bf.Codes()[a[0].Unit] != "H" || a[0].Annual != 100_00 {
		t.Errorf("annual %+v", a)
	}
	if bf.Indicators.Len() != 5 || bf.Indicators.Rows[4].Unit != -1 || bf.Indicators.SourceOf(&bf.Indicators.Rows[1]).Type != allocation.Donation ||
		p.Units[bf.Indicators.Rows[3].Unit].Code != "S2" || bf.Indicators.Rows[3].Status != allocation.Reserved {
		t.Errorf("indicators %+v", bf.Indicators)
	}
	if len(bf.Sources) != 2 || bf.Sources[1] != (allocation.Source{Type: allocation.Donation}) {
		t.Errorf("sources %+v", bf.Sources)
	}
}

// TestReadBudgetFileMinimal reads a budget JSON with only what the first
// version wrote, or less: no pool, no units; the units come from the lines.
func TestReadBudgetFileMinimal(t *testing.T) {
	const head = `{"fiscal_year": 2026, "categories": ["charity", "elderly_care"], "lines": [`
	bf, err := read(t, head+`{"unit": "S1", "category": "charity", "amount": "10.00", "stage": "demand", "status": "allocated"},
		{"unit": "H", "category": "elderly_care", "amount": "1.50", "stage": "hub", "status": "allocated"},
		{"unit": "S1", "category": "charity", "amount": "0.05", "stage": "baseline", "status": "allocated"}]}`)
	if err != nil {
		t.Fatal(err)
	}
	if a := bf.Annual(); len(a) != 2 || bf.Codes()[a[1].Unit] != "S1" || a[1].Annual != 10_05 || a[0].Annual != 1_50 {
		t.Errorf("annual = %+v of %v", a, bf.Codes())
	}
	if bf.Recorded || bf.Rules != nil || bf.Plan.Pool[0].Total != 10_05 {
		t.Errorf("recorded %v rules %v pool %v", bf.Recorded, bf.Rules, bf.Plan.Pool)
	}
}

func TestReadBudgetFileProblems(t *testing.T) {
	const head = `{"fiscal_year": 2026, "categories": ["charity", "elderly_care"], "lines": [`
	line := func(unit, cat, stage, status, amount string) string {
		return fmt.Sprintf(`{"unit": %q, "category": %q, "stage": %q, "status": %q, "amount": %q}`, unit, cat, stage, status, amount)
	}
	demand := func(unit, amount string) string { return line(unit, "charity", "demand", "allocated", amount) }
	replace := func(old, new string) string {
		if !strings.Contains(goodBudget, old) {
			t.Fatalf("goodBudget has no %q", old)
		}
		return strings.Replace(goodBudget, old, new, 1)
	}
	for _, c := range []struct{ name, body, want string }{
		{"indicator off by a fen", replace(`"status": "allocated", "fund_type": "general_budget", "fund_source": "local", "document_no": "", "amount": "550.00"`,
			`"status": "allocated", "fund_type": "general_budget", "fund_source": "local", "document_no": "", "amount": "549.99"`),
			"budget-2026.json: indicators: the indicators of unit S1 in elderly_care (allocated) add up to 549.99, not its lines' 550.00"},
		{"unallocated indicator off", replace(`"status": "unallocated", "fund_type": "general_budget", "fund_source": "local", "document_no": "", "amount": "50.00"`,
			`"status": "unallocated", "fund_type": "general_budget", "fund_source": "local", "document_no": "", "amount": "51.00"`),
			"budget-2026.json: indicators: the unallocated indicators of elderly_care add up to 51.00, not the unallocated money 50.00"},
		{"indicator fund type", replace(`"fund_type": "donation", "fund_source": "local", "document_no": "", "amount": "500.00"}`,
			`"fund_type": "lottery", "fund_source": "local", "document_no": "", "amount": "500.00"}`),
			`budget-2026.json: indicators[1].fund_type: "lottery" is not one of general_budget, gov_fund`},
		{"indicator unit", replace(`{"unit": "R1", "category": "charity", "status": "allocated"`, `{"unit": "R9", "category": "charity", "status": "allocated"`),
			`budget-2026.json: indicators[1].unit: unit "R9" is not in its units`},
		{"over total", head + demand("S1", "9999999999999.99") + "," + demand("S2", "0.01") + "]}",
			"budget-2026.json: lines[1]: with it the lines add up to more than 9,999,999,999,999.99 yuan"},
		{"huge amount", head + demand("S1", "92233720368547758.07") + "]}", `budget-2026.json: lines[0].amount: "92233720368547758.07" is not an amount`},
		{"negative", head + demand("S1", "-1.00") + "]}", `budget-2026.json: lines[0].amount: the amount -1.00 should be more than 0`},
		{"zero", head + demand("S1", "0.00") + "]}", `budget-2026.json: lines[0].amount: the amount 0.00 should be more than 0`},
		{"exponent", head + demand("S1", "1e5") + "]}", `budget-2026.json: lines[0].amount: "1e5" is not an amount (yuan with two decimals, e.g. "1234.50")`},
		{"one decimal", head + demand("S1", "1.5") + "]}", `lines[0].amount: "1.5" is not an amount`},
		{"number amount", head + `{"unit": "S1", "category": "charity", "stage": "demand", "status": "allocated", "amount": 12.5}]}`,
			`budget-2026.json: lines[0].amount: should be text`},
		{"unknown category", head + line("S1", "救灾", "demand", "allocated", "1.00") + "]}", `budget-2026.json: lines[0].category: category "救灾" is not in its categories`},
		{"category twice", `{"fiscal_year": 2026, "categories": ["charity", "charity"], "lines": [` + demand("S1", "1.00") + "]}",
			`budget-2026.json: categories[1]: "charity" appears twice (first at categories[0])`},
		{"no categories", `{"fiscal_year": 2026, "categories": [], "lines": []}`, "budget-2026.json: categories: is empty"},
		{"bad stage", head + line("S1", "charity", "bonus", "allocated", "1.00") + "]}",
			`budget-2026.json: lines[0].stage: "bonus" is not one of directed, hub, baseline, pilot, demand, rooms`},
		{"line twice", head + demand("S1", "1.00") + "," + demand("S1", "2.00") + "]}",
			`budget-2026.json: lines[1]: a second line for stage demand, unit S1, category charity (the first is lines[0])`},
		{"no unit", head + demand("", "1.00") + "]}", `budget-2026.json: lines[0].unit: missing`},
		{"no lines", `{"fiscal_year": 2026, "categories": ["charity"]}`, "budget-2026.json: lines: missing"},
		{"lines not a list", `{"fiscal_year": 2026, "categories": ["charity"], "lines": {"a": 1}}`, "budget-2026.json: lines: should be a list"},
		{"year", `{"fiscal_year": 1999, "categories": ["charity"], "lines": []}`, "budget-2026.json: fiscal_year: 1999 is not a plausible budget year"},
		{"year text", `{"fiscal_year": "x", "categories": ["charity"], "lines": []}`, `budget-2026.json: fiscal_year: "x" is not a plausible budget year`},
		{"not json", "budget,2026\n", "budget-2026.json: not a budget JSON: it does not start with {"},
		{"empty", "", "budget-2026.json: not a budget JSON: it does not start with {"},
		{"broken", head + "{]}", "budget-2026.json: not a budget JSON: it is not valid JSON at byte"},
		{"cut", head + demand("S1", "1.00"), "budget-2026.json: not a whole budget JSON: it ends at byte"},
		{"trailing", `{"fiscal_year": 2026, "categories": ["charity"], "lines": []} {}`, "budget-2026.json: not a budget JSON: there is more after its closing }"},
		{"key twice", `{"fiscal_year": 2026, "fiscal_year": 2027, "categories": ["charity"], "lines": []}`, `budget-2026.json: fiscal_year: "fiscal_year" appears twice`},
		{"too big", head + strings.Repeat(demand("S1", "1.00")+",", 20000) + demand("S1", "1.00") + "]}", "budget-2026.json: the file is larger than 1048576 bytes (limits.unzip_size)"},
		// A whole budget made inconsistent in one place.
		{"tier", replace(`{"unit": "H", "tier": "hub"`, `{"unit": "H", "tier": "station"`), "budget-2026.json: lines[1].tier: unit H is a hub, not a station"},
		{"stage tier", replace(`"unit": "S1", "tier": "station", "category": "elderly_care", "stage": "demand"`, `"unit": "S1", "tier": "station", "category": "elderly_care", "stage": "rooms"`),
			"budget-2026.json: lines[2].stage: the rooms stage gives nothing to a station"},
		{"status", replace(`"stage": "demand", "status": "reserved"`, `"stage": "demand", "status": "allocated"`),
			"budget-2026.json: lines[3].status: unit S2 is graded unqualified, so its lines are reserved, not allocated"},
		{"unknown unit", replace(`{"unit": "S1", "tier": "station"`, `{"unit": "S9", "tier": "station"`), `budget-2026.json: lines[2].unit: unit "S9" is not in its units`},
		{"edited amount", replace(`"demand", "status": "allocated", "amount": "550.00"`, `"demand", "status": "allocated", "amount": "650.00"`),
			"budget-2026.json: pool[0]: the lines (1050.00) and the unallocated money (50.00) add up to 1100.00, not the pool's 1000.00"},
		{"pool sum", replace(`"total": "1000.00", "designated": "0.00"`, `"total": "1000.00", "designated": "1.00"`),
			"budget-2026.json: pool[0]: the total 1000.00 is not the designated 1.00 plus the pooled 1000.00"},
		{"pool lacks", replace(`,
    {"category": "charity", "total": "500.00", "designated": "500.00", "pooled": "0.00"}`, ""), `budget-2026.json: pool: category "charity" is missing`},
		{"fund total", replace(`"amount": "1000.00", "designated_unit": ""`, `"amount": "999.00", "designated_unit": ""`),
			"budget-2026.json: fund_lines: the fund lines of elderly_care add up to 999.00, not the pool's 1000.00"},
		{"fund unit", replace(`"designated_unit": "R1"`, `"designated_unit": "S1"`),
			"budget-2026.json: fund_lines: the fund lines designated to S1 in charity add up to 500.00, but its directed lines to 0.00"},
		{"fund id twice", replace(`{"id": "F2"`, `{"id": "F1"`), `budget-2026.json: fund_lines[1].id: "F1" appears twice (first at fund_lines[0].id)`},
		{"unit twice", replace(`{"code": "R1"`, `{"code": "s1"`), `budget-2026.json: units[3].code: "s1" appears twice (first at units[1].code)`},
		{"parent", replace(`"tier": "room", "parent": "S1"`, `"tier": "room", "parent": "H"`), `budget-2026.json: units[3].parent: the parent "H" is not a station`},
		{"grade", replace(`"grade": "excellent"`, `"grade": "great"`), `budget-2026.json: units[1].grade: "great" is not one of new, excellent, good, qualified, unqualified`},
		{"workers", replace(`"social_workers": 2`, `"social_workers": 2.5`), `budget-2026.json: units[1].social_workers: 2.5 is not a whole number ≥ 0`},
		{"driver", replace(`"drivers": {"elderly": "500"}`, `"drivers": {"elderly": "-5"}`), `budget-2026.json: units[1].drivers.elderly: "-5" is not a number ≥ 0`},
		{"sha", replace(`"sha256": "0000`, `"sha256": "x000`), `budget-2026.json: inputs[0].sha256: "x000`},
		{"partial", replace(`"units": [`, `"units_": [`), "budget-2026.json: units: missing; params, units and fund_lines come together"},
		{"fund type", replace(`"fund_type": "donation"`, `"fund_type": "gift"`),
			`budget-2026.json: fund_lines[1].fund_type: "gift" is not one of general_budget, gov_fund, state_capital, special_account, unit_funds, donation`},
		{"param year", replace(`"params": {"fiscal_year": 2026`, `"params": {"fiscal_year": 2025`), `budget-2026.json: params.fiscal_year: "2025" does not match fiscal_year "2026"`},
		{"param amount", replace(`"hub": {"amount": "100.00"`, `"hub": {"amount": "1e2"`), `budget-2026.json: params.stages.hub.amount: "1e2" is not an amount`},
		{"param share", replace(`"share": "0.95"`, `"share": "1.5"`), `budget-2026.json: params.stages.demand.share: "1.5" is not a decimal from 0 to 1`},
		{"param category", replace(`"categories": ["elderly_care"]}`, `"categories": ["elder"]}`), `budget-2026.json: params.stages.hub.categories: category "elder" is not in its categories`},
		{"param driver", replace(`"charity": "elderly"}`, `"charity": "kids"}`), `budget-2026.json: params.stages.demand.drivers.charity: "kids" is not a driver of its units (they have: social_workers, elderly)`},
		{"param missing", replace(`"rooms": {"share": "0"}`, `"rooms": {}`), "budget-2026.json: params.stages.rooms.share: missing"},
		{"params deep", replace(`"rooms": {"share": "0"}`, `"rooms": {"a": {"b": {"c": {"d": {"e": {"f": {"g": 1}}}}}}}`), "budget-2026.json: params: nested more than 8 levels deep"},
	} {
		_, err := read(t, c.body)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error\n%v\nwant it to contain\n%s", c.name, err, c.want)
		}
	}
}

// TestReadBudgetFileCategories: a category listed twice is refused rather
// than counted twice, and lines naming thousands of distinct categories are
// errors, not a panic (the reader once indexed them in 16 bits).
func TestReadBudgetFileCategories(t *testing.T) {
	const head = `{"fiscal_year": 2026, "categories": ["charity", "charity"], "lines": [`
	_, err := read(t, head+`{"unit": "S1", "category": "charity", "stage": "demand", "status": "allocated", "amount": "1.00"}]}`)
	var pe *ProblemsError
	if !errors.As(err, &pe) || len(pe.Problems) != 1 || !errors.Is(pe.Problems[0], ErrDuplicate) {
		t.Errorf("a category listed twice: %v", err)
	}
	var b strings.Builder
	b.WriteString(`{"fiscal_year": 2026, "categories": ["c0"], "lines": [`)
	for i := range 40_000 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"unit":"S","category":"c%d","stage":"demand","status":"allocated","amount":"1.00"}`, i)
	}
	b.WriteString("]}")
	_, err = ReadBudgetFile("b.json", strings.NewReader(b.String()), 16<<20)
	if !errors.As(err, &pe) || pe.Dropped+len(pe.Problems) != 39_999 || !errors.Is(pe.Problems[0], ErrUnknownCategory) {
		t.Errorf("40,000 categories: %v", err)
	}
}

// TestReadBudgetFileChinese shows a problem in Chinese.
func TestReadBudgetFileChinese(t *testing.T) {
	_, err := read(t, strings.Replace(goodBudget, `"amount": "550.00"`, `"amount": "550"`, 1)+"x")
	if err == nil {
		t.Fatal("no error")
	}
	var pe *ProblemsError
	if !errors.As(err, &pe) {
		t.Fatalf("%T %v", err, err)
	}
	if got := msg.Localize(pe.Problems[0].Err, msg.ZH); got != "不是预算 JSON：结尾的 } 之后还有内容" {
		t.Errorf("zh: %s", got)
	}
	_, err = read(t, strings.Replace(goodBudget, `"amount": "550.00"`, `"amount": "5.5.0"`, 1))
	errors.As(err, &pe)
	if got := msg.Localize(pe.Problems[0].Err, msg.ZH); got != `lines[2].amount："5.5.0" 不是金额（应为两位小数的元，如 "1234.50"）` {
		t.Errorf("zh: %s", got)
	}
}
