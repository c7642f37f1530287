package reports

import (
	"bytes"
	"context"
	"iter"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"fundalloc/allocation"
	"fundalloc/reports/msg"
)

func openBook(t *testing.T, bb *Budget) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(writeBook(t, bb)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// sheetText joins every cell of a sheet, one row a line.
func sheetText(t *testing.T, f *excelize.File, sheet string) string {
	t.Helper()
	var b strings.Builder
	for _, r := range mustRows(t, f, sheet) {
		b.WriteString(strings.Join(r, "\t"))
		b.WriteByte('\n')
	}
	return b.String()
}

// TestWorkbookPrintsAsADocument: every sheet prints on A4, one page wide,
// with the title and the city in its page header and the page numbers in
// its footer; tables repeat their header row; summary tables carry the
// signature block; the notes sheet comes last, with the provenance the
// first page no longer shows and the approval stamp's named cells.
func TestWorkbookPrintsAsADocument(t *testing.T) {
	bb := testBudget(t)
	bb.Document = Document{City: "神木市"}
	f := openBook(t, bb)
	sheets := f.GetSheetList()
	if want := []string{"汇总", "资金来源", "资金池", "分配表", "分配明细", "预算指标", "政府购买服务", "警告", "说明"}; !slices.Equal(sheets, want) {
		t.Fatalf("sheets = %v, want %v", sheets, want)
	}
	title := "神木市2026年度社会工作服务资金分配预算"
	landscape := map[string]bool{"资金来源": true, "资金池": true, "分配表": true, "分配明细": true, "预算指标": true, "政府购买服务": true}
	for _, sheet := range sheets {
		pl, err := f.GetPageLayout(sheet)
		if err != nil {
			t.Fatal(err)
		}
		orient := "portrait"
		if landscape[sheet] {
			orient = "landscape"
		}
		if pl.Size == nil || *pl.Size != 9 || pl.Orientation == nil || *pl.Orientation != orient || pl.FitToWidth == nil || *pl.FitToWidth != 1 ||
			pl.FitToHeight == nil || *pl.FitToHeight != 0 {
			t.Errorf("%s: page layout %+v, want A4 (9) %s, one page wide", sheet, pl, orient)
		}
		if props, err := f.GetSheetProps(sheet); err != nil || props.FitToPage == nil || !*props.FitToPage {
			t.Errorf("%s: not fitted to the page: %+v, %v", sheet, props, err)
		}
		hf, err := f.GetHeaderFooter(sheet)
		if err != nil || !strings.Contains(hf.OddHeader, "&C"+title) || !strings.HasSuffix(hf.OddFooter, "&C第 &P 页 共 &N 页") {
			t.Errorf("%s: header %q, footer %q (%v)", sheet, hf.OddHeader, hf.OddFooter, err)
		}
		money := sheet != "警告" && sheet != "说明"
		if got := strings.Contains(hf.OddHeader, "&R单位：元"); got != money {
			t.Errorf("%s: header %q names the unit: %v, want %v", sheet, hf.OddHeader, got, money)
		}
	}
	for _, sheet := range []string{"资金来源", "资金池", "分配表", "分配明细", "预算指标", "政府购买服务", "警告"} {
		dn, ok := definedName(f, "_xlnm.Print_Titles", sheet)
		if !ok || dn != "'"+sheet+"'!$1:$1" {
			t.Errorf("%s: print titles %q", sheet, dn)
		}
	}
	if v, _ := f.GetCellValue("汇总", "A1"); v != title {
		t.Errorf("汇总!A1 = %q, want %q", v, title)
	}
	sign := "编制人：__________        审核人：__________        负责人：__________        日期：__________"
	for _, sheet := range []string{"汇总", "资金池", "分配表", "预算指标", "政府购买服务"} {
		if !strings.Contains(sheetText(t, f, sheet), sign) {
			t.Errorf("%s has no signature block", sheet)
		}
	}
	// Provenance is on the notes sheet, not the first page.
	summary, notes := sheetText(t, f, "汇总"), sheetText(t, f, "说明")
	for _, s := range []string{"u.csv", "c.yaml"} {
		if strings.Contains(summary, s) || !strings.Contains(notes, s) {
			t.Errorf("%q should be on 说明, not on 汇总", s)
		}
	}
	if !strings.Contains(notes, "社会工作服务资金分配程序") {
		t.Errorf("说明 does not name the program:\n%s", notes)
	}
	for _, name := range []string{ApprovalVersion, ApprovalDocNo, ApprovalDate} {
		ref, ok := definedName(f, name, "")
		if !ok || !strings.HasPrefix(ref, "'说明'!$B$") {
			t.Errorf("approval stamp %s refers to %q", name, ref)
			continue
		}
		label, _ := f.GetCellValue("说明", "A"+strings.TrimPrefix(ref, "'说明'!$B$"))
		if !strings.HasPrefix(label, "批准") {
			t.Errorf("approval stamp %s at %s is labelled %q", name, ref, label)
		}
	}

	// English, with the bureau's own signature lines and no city.
	bb = testBudget(t)
	bb.Language = "en"
	bb.Document = Document{Signatures: []string{"Drawn up by", "Checked by"}}
	f = openBook(t, bb)
	hf, _ := f.GetHeaderFooter("Lines")
	if !strings.Contains(hf.OddHeader, "&CSocial-work fund budget 2026&R") || !strings.HasSuffix(hf.OddFooter, "&CPage &P of &N") {
		t.Errorf("en header %q, footer %q", hf.OddHeader, hf.OddFooter)
	}
	if s := sheetText(t, f, "Summary"); !strings.Contains(s, "Drawn up by: __________        Checked by: __________        Date: __________") {
		t.Errorf("en signature block missing:\n%s", s)
	}
}

func definedName(f *excelize.File, name, scope string) (string, bool) {
	for _, dn := range f.GetDefinedName() {
		if dn.Name == name && (scope == "" || dn.Scope == scope) {
			return dn.RefersTo, true
		}
	}
	return "", false
}

// TestWanShowsExactValues: in 万元 every amount cell holds yuan ÷ 10,000 as
// exact decimal text, formatted to display_decimals; headers name the
// unit; the rounding note is printed; checks round to the fen (6 decimals
// in 万元).
func TestWanShowsExactValues(t *testing.T) {
	bb := testBudget(t)
	bb.Document = Document{Unit: UnitWan, Decimals: 4}
	data := writeBook(t, bb)
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows := mustRows(t, f, "分配明细")
	amountCol := slices.Index(rows[0], "金额（万元）")
	if amountCol < 0 {
		t.Fatalf("分配明细 header %q has no 金额（万元）", rows[0])
	}
	raw, _ := f.GetRows("分配明细", excelize.Options{RawCellValue: true})
	p := bb.Plan
	for i, ln := range p.Lines {
		ref := cell(amountCol+1, i+2)
		want := string(appendWan(nil, ln.Amount))
		if got := raw[i+1][amountCol]; got != want {
			t.Errorf("分配明细!%s = %q, want %q (%s yuan)", ref, got, want, ln.Amount)
		}
		style, _ := f.GetCellStyle("分配明细", ref)
		st, _ := f.GetStyle(style)
		if st.CustomNumFmt == nil || *st.CustomNumFmt != "#,##0.0000" {
			t.Errorf("分配明细!%s number format %v", ref, st.CustomNumFmt)
		}
	}
	for fen, want := range map[allocation.Fen]string{50_000: "0.050000", 1: "0.000001", -123_456_789: "-123.456789", 100_000_000: "100.000000"} {
		if got := string(appendWan(nil, fen)); got != want {
			t.Errorf("appendWan(%d) = %q, want %q", fen, got, want)
		}
	}
	summary := sheetText(t, f, "汇总")
	for _, s := range []string{"因四舍五入，合计数可能存在尾差", "资金池（万元）", "万元（显示 4 位小数"} {
		if !strings.Contains(summary, s) {
			t.Errorf("汇总 lacks %q", s)
		}
	}
	hf, _ := f.GetHeaderFooter("分配表")
	if !strings.Contains(hf.OddHeader, "&R单位：万元") || !strings.Contains(hf.OddFooter, "&L因四舍五入，合计数可能存在尾差") {
		t.Errorf("分配表 header %q, footer %q", hf.OddHeader, hf.OddFooter)
	}
	checks := 0
	for _, sheet := range []string{"汇总", "资金池", "分配表"} {
		for r, row := range mustRows(t, f, sheet) {
			for c := range row {
				fm, _ := f.GetCellFormula(sheet, cell(c+1, r+1))
				if strings.HasPrefix(fm, "ROUND(") {
					checks++
					if !strings.HasSuffix(fm, ",6)") {
						t.Errorf("%s!%s check %q does not round to the fen in 万元", sheet, cell(c+1, r+1), fm)
					}
				}
			}
		}
	}
	if checks == 0 {
		t.Error("no check cells")
	}
	// The check cells turn red when their rounded value is not 0.
	if cf, _ := f.GetConditionalFormats("资金池"); len(cf) == 0 {
		t.Error("资金池 has no conditional format on its checks")
	} else {
		for ref, opts := range cf {
			if len(opts) == 0 || !strings.HasPrefix(opts[0].Criteria, "ROUND(") || !strings.HasSuffix(opts[0].Criteria, ",6)<>0") {
				t.Errorf("资金池 %s conditional format %+v does not test the rounded value", ref, opts)
			}
		}
	}
}

func TestDecision(t *testing.T) {
	for _, c := range []struct {
		grade    allocation.Grade
		year     int
		decision string
		reason   string
	}{
		{allocation.Unqualified, 1, Reprocure, "reason.unqualified"},
		{allocation.Unqualified, 0, Reprocure, "reason.unqualified"},
		{allocation.Good, 3, Reprocure, "reason.cycle"},
		{allocation.New, 0, FirstContract, "reason.newgrade"},
		{allocation.New, 1, FirstContract, "reason.newgrade"},
		{allocation.Excellent, 0, FirstContract, "reason.noyear"},
		{allocation.Qualified, 2, Renew, "reason.renew"},
	} {
		u := allocation.Unit{Tier: allocation.Station, Grade: c.grade, ContractYear: c.year}
		if d, r := Decision(&u); d != c.decision || r != c.reason {
			t.Errorf("%s in year %d: %s (%s), want %s (%s)", c.grade, c.year, d, r, c.decision, c.reason)
		}
	}
}

// testReconciliation is a small reconciliation: two stations, a ledger
// with a counted voucher, one dated after the month and one with a bad
// date, listed out of date order.
func testReconciliation(t *testing.T) *Reconciliation {
	t.Helper()
	cats := []allocation.Category{{Code: "elderly_care", Zh: "养老服务", En: "Elderly care"}}
	lg := Ledger{Files: []string{"ledgers/oct.csv"}, Sheets: []string{""},
		Exceptions: []allocation.Exception{{Voucher: "V3", File: "ledgers/oct.csv", Row: 4, Kind: allocation.BadDate,
			Why: msg.SrcNotDate.Err("日期", "2026-13-01")}},
		List: listOf([]LedgerVoucher{
			{Voucher: "V2", Date: "2026-11-02", Unit: "S1", Category: "elderly_care", Amount: 20_00, Description: "活动", Row: 3, Month: 11},
			{Voucher: "V1", Date: "2026-03-01", Unit: "S1", Category: "elderly_care", Amount: 300_50, Description: "活动", Row: 2, Month: 3},
			{Voucher: "V3", Date: "2026-13-01", Unit: "S2", Category: "elderly_care", Amount: 5_00, Description: "活动", Row: 4,
				Exceptions: allocation.BadDate},
		})}
	return &Reconciliation{Year: 2026, Month: "2026-10", MonthNum: 10, RunDate: "2026-11-01", Language: "zh", Budget: "recomputed",
		Document: Document{City: "神木市"}, Categories: cats, Ledger: lg, Inputs: []allocation.FileHash{{Path: "ledgers/oct.csv", SHA256: "cd"}},
		Counts: allocation.Counts{Read: 3, Counted: 1, Excepted: 1, After: 1},
		Units: []allocation.Unit{
			{Code: "H", Name: "总站", Tier: allocation.Hub},
			{Code: "S1", Name: "一站", Tier: allocation.Station, Parent: "H"},
			{Code: "S2", Name: "二站", Tier: allocation.Station, Parent: "H"},
		},
		Rows: []allocation.Row{
			{Unit: "S1", Category: 0, Annual: 200_00, PlanToDate: 160_00, Actual: 300_50, Variance: 140_50, Flags: allocation.FlagOverspend | allocation.FlagAhead},
			{Unit: "S2", Category: 0, Annual: 100_00, PlanToDate: 80_00},
		}}
}

func TestReconcileWorkbookIsADocument(t *testing.T) {
	rc := testReconciliation(t)
	var buf bytes.Buffer
	if err := WriteReconcileWorkbook(context.Background(), &buf, rc); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if want := []string{"汇总", "执行明细", "异常", "支出台账", "说明"}; !slices.Equal(sheets, want) {
		t.Fatalf("sheets = %v, want %v", sheets, want)
	}
	for _, sheet := range sheets {
		pl, _ := f.GetPageLayout(sheet)
		hf, _ := f.GetHeaderFooter(sheet)
		if pl.Size == nil || *pl.Size != 9 || !strings.Contains(hf.OddHeader, "&C神木市2026年10月预算执行对账") || !strings.HasSuffix(hf.OddFooter, "第 &P 页 共 &N 页") {
			t.Errorf("%s: page %+v, header %q, footer %q", sheet, pl, hf.OddHeader, hf.OddFooter)
		}
	}
	summary := sheetText(t, f, "汇总")
	for _, s := range []string{"神木市2026年10月预算执行对账", "平均分配（每月相同）", "按当前配置重新计算", "超预算\t1", "超进度\t1", "日期错误\t1",
		"编制人：__________"} {
		if !strings.Contains(summary, s) {
			t.Errorf("汇总 lacks %q:\n%s", s, summary)
		}
	}
	for _, s := range []string{"OVERSPEND", "BAD_DATE", "even", "cd"} {
		if strings.Contains(summary, s) {
			t.Errorf("汇总 holds %q", s)
		}
	}
	if detail := sheetText(t, f, "执行明细"); !strings.Contains(detail, "养老服务\telderly_care") || !strings.Contains(detail, "超预算、超进度") {
		t.Errorf("执行明细:\n%s", detail)
	}
	ledger := sheetText(t, f, "支出台账")
	for _, s := range []string{"计入", "晚于对账月份", "日期错误"} {
		if !strings.Contains(ledger, s) {
			t.Errorf("支出台账 lacks %q:\n%s", s, ledger)
		}
	}
	if notes := sheetText(t, f, "说明"); !strings.Contains(notes, "ledgers/oct.csv\tcd") || !strings.Contains(notes, "内置示例城市配置") {
		t.Errorf("说明:\n%s", notes)
	}
	// The check: the counted vouchers of the Ledger are the actual to date.
	found := false
	for r, row := range mustRows(t, f, "汇总") {
		if len(row) > 0 && strings.HasPrefix(row[0], "校验") {
			fm, _ := f.GetCellFormula("汇总", cell(3, r+1))
			if !strings.HasPrefix(fm, "ROUND(C") || !strings.Contains(fm, `"=计入"`) {
				t.Errorf("汇总!C%d check = %q", r+1, fm)
			}
			found = true
		}
	}
	if !found {
		t.Error("汇总 has no check")
	}
	// A tranche phasing reads as its percentages.
	rc = testReconciliation(t)
	rc.Phasing = []allocation.Ratio{allocation.Int(40), {}, {}, {}, {}, {}, allocation.Int(30), {}, {}, {}, {}, allocation.Int(30)}
	buf.Reset()
	if err := WriteReconcileWorkbook(context.Background(), &buf, rc); err != nil {
		t.Fatal(err)
	}
	f2, _ := excelize.OpenReader(&buf)
	defer f2.Close()
	if s := sheetText(t, f2, "汇总"); !strings.Contains(s, "按月比例（%）：40 / 0 / 0 / 0 / 0 / 0 / 30 / 0 / 0 / 0 / 0 / 30") {
		t.Errorf("tranche phasing:\n%s", s)
	}
}

// A warning names a built-in driver in words, in either language.
func TestWarningNamesTheDriverInWords(t *testing.T) {
	in := allocation.Input{
		Categories: []string{"elderly_care"},
		Drivers:    []string{"elderly"},
		Units: []allocation.Unit{
			{Code: "H", Tier: allocation.Hub, Drivers: []allocation.Ratio{{}}},
			{Code: "S1", Tier: allocation.Station, Parent: "H", Drivers: []allocation.Ratio{{}}},
		},
		Funds: []allocation.Fund{{ID: "F1", Category: 0, Amount: 100_00}},
	}
	var r allocation.Rules
	r.Factors = allocation.DefaultFactors()
	r.Demand.Share = allocation.One
	r.Demand.Drivers = []string{"elderly"}
	p, err := allocation.Allocate(in, r)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Warnings) != 1 {
		t.Fatalf("warnings: %+v", p.Warnings)
	}
	text := WarningText(p, []allocation.Category{{Code: "elderly_care", Zh: "养老服务", En: "Elderly care"}}, p.Warnings[0])
	if zh := text.Localize(msg.ZH); !strings.Contains(zh, `"老年人口"`) || strings.Contains(zh, "elderly") {
		t.Errorf("zh: %s", zh)
	}
	if en := text.Localize(msg.EN); !strings.Contains(en, `"elderly people"`) {
		t.Errorf("en: %s", en)
	}
}

// listOf lists vouchers as a caller's listing does.
func listOf(vs []LedgerVoucher) iter.Seq2[*LedgerVoucher, error] {
	return func(yield func(*LedgerVoucher, error) bool) {
		for i := range vs {
			if !yield(&vs[i], nil) {
				return
			}
		}
	}
}

// TestReconcileWorkbookForAnAuditor: the Ledger by date then voucher with
// date cells, a fill per flag in severity order, the remaining column, the
// roll-ups and the problems on the Summary (DESIGN §8.1).
func TestReconcileWorkbookForAnAuditor(t *testing.T) {
	rc := testReconciliation(t)
	rc.Rows[1].Flags = allocation.FlagBehind
	rc.Rows = append(rc.Rows, allocation.Row{Unit: "S2", Category: 0, Annual: 50_00, PlanToDate: 40_00, Reserved: true})
	var err error
	if rc.Stations, err = allocation.Rollups(rc.Rows, rc.Units); err != nil {
		t.Fatal(err)
	}
	rc.Problems = allocation.Problems(rc.Rows)
	var buf bytes.Buffer
	if err := WriteReconcileWorkbook(context.Background(), &buf, rc); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// The Ledger: V1 (March), V2 (November), then V3 whose date is bad.
	rows := mustRows(t, f, "支出台账")
	var order []string
	for _, r := range rows[1:] {
		order = append(order, r[0])
	}
	if !slices.Equal(order, []string{"V1", "V2", "V3"}) {
		t.Errorf("ledger order %v", order)
	}
	if typ, _ := f.GetCellType("支出台账", "B2"); typ == excelize.CellTypeInlineString || typ == excelize.CellTypeSharedString {
		t.Errorf("B2 is text, not a date cell")
	}
	if v, _ := f.GetCellValue("支出台账", "B2"); v != "2026-03-01" {
		t.Errorf("B2 shows %q", v)
	}
	if v, _ := f.GetCellValue("支出台账", "B4"); v != "2026-13-01" {
		t.Errorf("the bad date shows %q", v)
	}
	// The Detail: remaining and status; one fill per flag, in severity order.
	detail := sheetText(t, f, "执行明细")
	for _, s := range []string{"预算余额", "-100.5", "待重新采购"} {
		if !strings.Contains(detail, s) {
			t.Errorf("执行明细 lacks %q:\n%s", s, detail)
		}
	}
	cf, err := f.GetConditionalFormats("执行明细")
	if err != nil {
		t.Fatal(err)
	}
	var fills []string
	for _, opts := range cf {
		for _, o := range opts {
			fills = append(fills, o.Criteria)
		}
	}
	if len(fills) != 4 {
		t.Errorf("%d conditional formats on the Detail, want 4 (one per flag): %v", len(fills), cf)
	}
	// The Summary: the roll-ups and the problems.
	summary := sheetText(t, f, "汇总")
	for _, s := range []string{"总站及各社工站汇总", "一站\tS1\t200.00\t160.00\t300.50\t-100.50\t187.81%\t超预算\t1", "超预算\t1",
		"1. 超预算\tS1 一站 养老服务：已支出 300.50 元，超过全年预算 200.00 元 100.50 元",
		"2. 进度滞后\tS2 二站 养老服务：已支出 0.00 元，低于截至本月计划 80.00 元 80.00 元"} {
		if !strings.Contains(summary, s) {
			t.Errorf("汇总 lacks %q:\n%s", s, summary)
		}
	}
	if strings.Contains(summary, "3. ") {
		t.Errorf("the reserved row is a problem:\n%s", summary)
	}
}

// The problem writer's sentences are the catalogue's, in both languages,
// for every flag, a reserved row, a unit without a name and large amounts.
func TestProblemWriterMatchesTheCatalogue(t *testing.T) {
	rc := testReconciliation(t)
	rc.Units = append(rc.Units, allocation.Unit{Code: "S9", Tier: allocation.Station, Parent: "H"})
	rc.Rows = []allocation.Row{
		{Unit: "S1", Flags: allocation.FlagOverspend | allocation.FlagAhead, Annual: 221_651_19, PlanToDate: 200_000_00, Actual: 288_146_53},
		{Unit: "S2", Flags: allocation.FlagMisuse, Actual: -5},
		{Unit: "S9", Flags: allocation.FlagAhead, Annual: 1_000_000_000_00, PlanToDate: 1_00, Actual: 123_456_789_012_34, Reserved: true},
		{Unit: "X", Flags: allocation.FlagBehind, Annual: 100, PlanToDate: 99, Actual: 0},
	}
	rc.Problems = allocation.Problems(rc.Rows)
	for _, l := range []msg.Lang{msg.ZH, msg.EN} {
		w := newProblemWriter(rc, l)
		for i, p := range rc.Problems {
			r := &rc.Rows[p.Row]
			who := r.Unit
			for _, u := range rc.Units {
				if u.Code == r.Unit && u.Name != "" {
					who += " " + u.Name
				}
			}
			cat := "养老服务"
			if l == msg.EN {
				cat = "Elderly care"
			}
			want := ProblemText(p, r, who, cat).Localize(l)
			if r.Reserved {
				want += msg.RcProblemReserved.In(l)
			}
			if got := string(w.append(nil, i)); got != want {
				t.Errorf("%v problem %d:\n got %s\nwant %s", l, i, got, want)
			}
		}
	}
	if got := rc.ProblemLines(10, msg.ZH)[0]; got != "S1 一站 养老服务：已支出 288,146.53 元，超过全年预算 221,651.19 元 66,495.34 元" {
		t.Errorf("DESIGN's example: %s", got)
	}
}

// The problem writer's JSON sentences are AppendJSONString of its plain
// ones, with and without the row index, for units whose codes and names
// need escaping or are not valid UTF-8.
func TestProblemWriterJSONMatchesAppendJSONString(t *testing.T) {
	rc := testReconciliation(t)
	odd := []allocation.Unit{
		{Code: `Q"1`, Name: "引号\"<b>&\u2028\n\t名", Tier: allocation.Station, Parent: "H"},
		{Code: "Q2\xe4\xb8", Name: "\xb8\xe4坏", Tier: allocation.Station, Parent: "H"},
		{Code: "Q3\\", Name: "名\x01\xe4", Tier: allocation.Station, Parent: "H"},
	}
	rc.Units = append(rc.Units, odd...)
	rc.Rows = []allocation.Row{
		{Unit: "Q\"1", Flags: allocation.FlagOverspend | allocation.FlagAhead, Annual: 221_651_19, PlanToDate: 200_000_00, Actual: 288_146_53},
		{Unit: "Q2\xe4\xb8", Flags: allocation.FlagMisuse, Actual: -5},
		{Unit: "Q3\\", Flags: allocation.FlagAhead, Annual: 1_000_000_000_00, PlanToDate: 1_00, Actual: 123_456_789_012_34, Reserved: true},
		{Unit: "Q3\\", Category: 0, Flags: allocation.FlagBehind, Annual: 100, PlanToDate: 99, Actual: 0, Reserved: true},
		{Unit: "S1", Flags: allocation.FlagBehind, Annual: 100, PlanToDate: 99, Actual: 0},
		{Unit: "X\u2029", Flags: allocation.FlagOverspend, Annual: 100, PlanToDate: 99, Actual: 200},
	}
	rc.Problems = allocation.Problems(rc.Rows)
	if len(rc.Problems) < len(rc.Rows) {
		t.Fatalf("%d problems for %d rows", len(rc.Problems), len(rc.Rows))
	}
	for _, l := range []msg.Lang{msg.ZH, msg.EN} {
		for _, indexed := range []bool{false, true} {
			w := newProblemWriter(rc, l)
			if indexed {
				w.indexRows()
			}
			for i := range rc.Problems {
				want := string(AppendJSONString(nil, string(w.append(nil, i))))
				if got := string(w.appendJSON([]byte("x"), i)); got != "x"+want {
					t.Errorf("%v indexed %v problem %d:\n got %s\nwant x%s", l, indexed, i, got, want)
				}
			}
		}
	}
}
