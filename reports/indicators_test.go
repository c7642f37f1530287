package reports

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"fundalloc/allocation"
)

// TestIndicatorsCSV: BOM, the header in the budget's language, one row per
// indicator with the category's codes, formula-looking text neutralised,
// donations marked, and the amounts summing to the pool.
func TestIndicatorsCSV(t *testing.T) {
	bb := testBudget(t)
	bb.Categories[0].FunctionCode, bb.Categories[0].EconomicCode, bb.Categories[0].GovEconomicCode = "2081002", "30227", "50205"
	bb.Document.City = "神木市"
	var buf bytes.Buffer
	if err := WriteIndicatorsCSV(&buf, bb); err != nil {
		t.Fatal(err)
	}
	recs := readCSV(t, buf.Bytes())
	checkNoFormulaFields(t, "indicators", recs)
	if strings.Join(recs[0], ",") != "单位编码,单位名称,项目名称,类别,支出功能分类科目,部门预算支出经济分类,政府预算支出经济分类,资金性质,指标来源,指标文号,状态,金额,备注" {
		t.Errorf("header %q", recs[0])
	}
	if len(recs) != 1+bb.Indicators.Len() {
		t.Fatalf("%d records for %d indicators", len(recs), bb.Indicators.Len())
	}
	var total, pool allocation.Fen
	for _, e := range bb.Plan.Pool {
		pool += e.Total
	}
	var s1, r1 bool
	for _, r := range recs[1:] {
		f, err := allocation.ParseFen(r[11])
		if err != nil {
			t.Fatalf("amount %q: %v", r[11], err)
		}
		total += f
		if r[0] == "S1" && r[3] == "养老服务" {
			s1 = r[2] == "神木市2026年度+1+1运营服务项目" && r[4] == "2081002" && r[5] == "30227" && r[6] == "50205" &&
				r[7] == "一般公共预算资金" && r[8] == "上级转移支付" && r[9] == `'=HYPERLINK("http://x")` && r[10] == "已分配"
		}
		if r[0] == "R1" && r[3] == "慈善资源" {
			r1 = r[7] == "社会捐赠资金（非财政）" && r[12] != "" && r[11] == "500.00"
		}
	}
	if !s1 || !r1 {
		t.Errorf("S1's elderly care row %v, R1's donation row %v:\n%q", s1, r1, recs)
	}
	if total != pool {
		t.Errorf("indicators total %s, pool %s", total, pool)
	}
}

// TestIndicatorsSheet: the 预算指标 sheet lists every indicator; its total
// is a live SUM and its check cell compares it with the Pool sheet's total.
func TestIndicatorsSheet(t *testing.T) {
	bb := testBudget(t)
	f, err := excelize.OpenReader(bytes.NewReader(writeBook(t, bb)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows := mustRows(t, f, "预算指标")
	n := bb.Indicators.Len()
	if len(rows) < n+4 || rows[n+1][1] != "合计" || rows[n+2][1] != "预算总额（资金池合计）" || !strings.HasPrefix(rows[n+3][1], "校验") {
		t.Fatalf("rows %q", rows)
	}
	sum, _ := f.GetCellFormula("预算指标", cell(12, n+2))
	pool, _ := f.GetCellFormula("预算指标", cell(12, n+3))
	check, _ := f.GetCellFormula("预算指标", cell(12, n+4))
	if sum != "SUM(L2:"+cell(12, n+1)+")" || pool != "'资金池'!C4" || !strings.HasPrefix(check, "ROUND(L") {
		t.Errorf("formulas %q %q %q", sum, pool, check)
	}
	if rows[n+1][11] != rows[n+2][11] || rows[n+3][11] != "0.00" {
		t.Errorf("cached total %q, pool %q, check %q", rows[n+1][11], rows[n+2][11], rows[n+3][11])
	}
}

// A unit's project, put together around its name, reads as the label
// formatted with it, in both languages and with or without a city.
func TestIndicatorProjectWords(t *testing.T) {
	bb := testBudget(t)
	for _, city := range []string{"", "神木市", "%d\x00"} {
		for _, l := range []lang{zh, en} {
			bb.Document.City = city
			w := newIndicatorWords(l, bb)
			n := 0
			for i := range bb.Indicators.Rows {
				x := &bb.Indicators.Rows[i]
				if x.Unit < 0 {
					continue
				}
				wc := city
				if l == en && wc != "" {
					wc = ", " + wc
				}
				want := l.t("project.unit", wc, bb.Year, strings.TrimPrefix(bb.Plan.Units[x.Unit].Name, city))
				if got := w.row(x).project; got != want {
					t.Errorf("city %q, %v: project %q, want %q", city, l, got, want)
				}
				n++
			}
			if n == 0 {
				t.Fatal("no unit's indicators")
			}
		}
	}
}
