//go:build ignore

// This program generates the sample city's expenditure ledgers in
// data/ledgers/ from the sample budget: realistic vouchers for January to
// October 2026 (a few dated early November), in four files of three kinds
// (UTF-8 CSV, an .xlsx workbook with real date cells, a GB18030 CSV as
// Excel on Chinese Windows saves it), with a handful of deliberate problems
// so that `fundalloc reconcile --month 2026-10` shows every flag and every
// exception kind. Run it inside config/sample after gen.go:
//
//	go run genledgers.go
//
// It is deterministic (fixed seed, money in int64 fen), except that the
// bytes of the .xlsx file depend on excelize's part order.
package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"fundalloc/allocation"
	"fundalloc/config"
	"fundalloc/sources"
)

type voucher struct {
	no, date, unit, category, amount, desc string
	month                                  int
}

var descriptions = map[string][]string{
	"social_assistance":    {"低保对象入户核查交通补贴", "困难群众个案帮扶物资", "临时救助对象走访", "社会救助政策宣传资料印制", "特困人员关爱探访"},
	"elderly_care":         {"高龄老人探访服务", "老年人健康讲座场地", "居家养老上门服务", "老年人防诈骗宣传活动", "助餐服务补贴"},
	"child_welfare":        {"留守儿童课业辅导", "困境儿童心理疏导", "儿童之家活动物料", "暑期安全教育活动", "春蕾助学陪伴"},
	"community_governance": {"社区议事协商会", "志愿者培训", "五社联动协调会", "社区社会组织孵化", "居民公约宣传"},
	"social_affairs":       {"社工人员工资", "社工站办公用品", "社工站水电费", "督导培训费", "社工人员社会保险"},
	"partner_org":          {"妇女儿童之家活动", "青少年志愿服务", "残疾人康复服务", "职工关爱活动", "巾帼志愿服务"},
	"charity":              {"慈善一日捐帮扶", "爱心企业捐赠物资发放", "慈善项目执行", "公益微创投项目", "慈善超市物资"},
}

func main() {
	cfg, err := config.Load(config.Options{Path: "fundalloc.yaml", Getenv: func(string) string { return "" }})
	check(err)
	var p sources.Problems
	unitSrc, err := cfg.UnitsSource()
	check(err)
	units := sources.ReadUnits(unitSrc, cfg.UnitOptions(context.Background()), &p)
	fundSrcs, err := cfg.Base.Resolve(cfg.FundLines)
	check(err)
	cats := sources.NewCategories(cfg.Categories)
	funds := sources.ReadFunds(fundSrcs, cfg.FundOptions(context.Background()), cats, &p)
	funds.CheckUnits(units, &p)
	check(p.Err())
	check(cfg.CheckDrivers(units.Drivers))
	plan, err := allocation.Allocate(allocation.Input{Categories: cats.Codes(), Drivers: units.Drivers, Units: units.Units, Funds: funds.Funds()}, cfg.Rules)
	check(err)

	rng := rand.New(rand.NewPCG(2026, 1031))
	// Each unit spends at its own pace: most close to plan, a few slow (the
	// unqualified station hardly at all), a few fast.
	pace := map[string]int64{} // per cent of plan
	for _, u := range plan.Units {
		switch {
		case u.Grade == allocation.Unqualified && u.Tier != allocation.Room:
			pace[u.Code] = 15
		case u.Code == "SM05" || u.Code == "SM16":
			pace[u.Code] = 60 // new operator / slow start: BEHIND
		case u.Code == "SM10":
			pace[u.Code] = 116 // AHEAD of plan, not yet over the year
		default:
			pace[u.Code] = 92 + rng.Int64N(14)
		}
	}
	var vs []voucher
	seq := map[int]int{}
	add := func(month, day int, unit, cat string, fen int64, desc string) {
		seq[month]++
		vs = append(vs, voucher{no: fmt.Sprintf("PZ2026-%02d-%04d", month, seq[month]),
			date: fmt.Sprintf("2026-%02d-%02d", month, day), unit: unit, category: cat,
			amount: allocation.Fen(fen).String(), desc: desc, month: month})
	}
	var sm07 allocation.Fen // SM07's charity budget, overspent below
	for _, b := range allocation.Annual(plan) {
		u, cat := &plan.Units[b.Unit], plan.Categories[b.Category]
		code := u.Code
		if code == "SM07" && cat == "charity" {
			sm07 = b.Annual
		}
		monthly := int64(b.Annual) * pace[code] / 100 / 12
		every := 1 // rooms spend every other month, two months' money at once
		if u.Tier == allocation.Room {
			every = 2
		}
		for m := every; m <= 10; m += every {
			due := monthly * int64(every)
			if due <= 0 {
				continue
			}
			n := 1
			if u.Tier != allocation.Room {
				n = 1 + rng.IntN(3)
			}
			for k := range n {
				part := due / int64(n)
				if k == n-1 {
					part = due - part*int64(n-1)
				}
				part = part * (94 + rng.Int64N(13)) / 100
				if part <= 0 {
					continue
				}
				d := descriptions[cat]
				add(m, 1+rng.IntN(28), code, cat, part, d[rng.IntN(len(d))])
			}
		}
	}
	// Refunds and reversals.
	add(5, 20, "SM02", "elderly_care", -320000, "退回多拨活动经费")
	add(8, 12, "SM14-03", "community_governance", -15050, "冲销重复报销")
	// OVERSPEND: a station spends more than its whole year in one category.
	add(10, 26, "SM07", "charity", int64(sm07)+500000, "冬季慈善物资集中采购")
	// MISUSE: no budget in the category, spending anyway.
	add(9, 15, "SM06-08", "elderly_care", 200000, "老年人活动室设备（新建社区，未列预算）")
	add(7, 3, "SM00", "child_welfare", 88000, "儿童节活动（总站无儿童福利预算）")
	// Vouchers dated after the month: counted next time.
	add(11, 2, "SM01", "social_affairs", 1800000, "11月社工人员工资（预付）")
	add(11, 4, "SM03", "social_affairs", 1650000, "11月社工人员工资（预付）")
	add(11, 5, "SM09", "elderly_care", 96000, "冬季高龄老人探访")

	slices.SortStableFunc(vs, func(a, b voucher) int { return strings.Compare(a.date, b.date) })
	var q1, q2, q3, oct [][]string
	for _, v := range vs {
		row := []string{v.no, v.date, v.unit, v.category, v.amount, v.desc}
		switch {
		case v.month <= 3:
			q1 = append(q1, row)
		case v.month <= 6:
			q2 = append(q2, row)
		case v.month <= 9:
			q3 = append(q3, row)
		default:
			oct = append(oct, row)
		}
	}
	// The exceptions, one or two of each kind.
	q1 = append(q1,
		[]string{"PZ2025-12-0417", "2025-12-29", "SM04", "social_affairs", "12000.00", "2025年12月社工人员工资（跨年入账）"}, // OUT_OF_PERIOD
		[]string{"PZ2026-02-9001", "2026-02-30", "SM08", "elderly_care", "1500.00", "高龄老人探访"},                  // BAD_DATE
		[]string{"PZ2026-03-9002", "2026-03-18", "SM21", "social_affairs", "4800.00", "社工站办公用品"},               // UNKNOWN_UNIT
	)
	dup := q1[5]
	q2 = append(q2,
		[]string{dup[0], dup[1], dup[2], dup[3], dup[4], dup[5]},                                 // DUPLICATE_VOUCHER (entered again in Q2)
		[]string{"PZ2026-05-9003", "2026-05-09", "SM11", "救灾资金", "30000.00", "防汛物资"},             // UNKNOWN_CATEGORY
		[]string{"PZ2026-06-9004", "2026-06-21", "SM15", "child_welfare", "1,23.45", "儿童之家活动物料"}, // BAD_AMOUNT
	)
	q3 = append(q3,
		[]string{"PZ2026-08-9005", "2026-08-08", "SM18-02", "elderly_care", "260.125", "老年人防诈骗宣传活动"}, // BAD_AMOUNT
		[]string{"PZ2026-09-9006", "2026/13/01", "SM02", "charity", "900.00", "慈善超市物资"},              // BAD_DATE
	)

	dir := filepath.Join("data", "ledgers")
	check(os.MkdirAll(dir, 0o755))
	writeCSV(filepath.Join(dir, "2026-q1.csv"), []string{"voucher", "date", "unit", "category", "amount", "description"}, q1, false, false)
	writeXLSX(filepath.Join(dir, "2026-q2.xlsx"), q2)
	writeCSV(filepath.Join(dir, "2026-q3-gbk.csv"), []string{"凭证号", "日期", "单位编码", "类别", "金额", "摘要"}, q3, false, true)
	writeCSV(filepath.Join(dir, "2026-10.csv"), []string{"voucher", "date", "unit", "category", "amount", "description"}, oct, true, false)
	fmt.Printf("%d vouchers: Q1 %d, Q2 %d, Q3 %d, October %d\n", len(q1)+len(q2)+len(q3)+len(oct), len(q1), len(q2), len(q3), len(oct))
}

func writeCSV(path string, header []string, rows [][]string, bom, gb18030 bool) {
	var buf bytes.Buffer
	if bom {
		buf.WriteString("\ufeff")
	}
	w := csv.NewWriter(&buf)
	check(w.Write(header))
	for _, r := range rows {
		if gb18030 {
			r = slices.Clone(r)
			r[3] = chinese(r[3])
		}
		check(w.Write(r))
	}
	w.Flush()
	data := buf.Bytes()
	if gb18030 {
		var err error
		data, err = simplifiedchinese.GB18030.NewEncoder().Bytes(data)
		check(err)
	}
	check(os.WriteFile(path, data, 0o644))
}

// chinese gives a category code's Chinese name, as a GBK office would write it.
func chinese(code string) string {
	for _, c := range config.DefaultCategories() {
		if c.Code == code {
			return c.Zh
		}
	}
	return code
}

// writeXLSX writes a quarter as an office would: Chinese headers, real date
// cells, numeric amounts (text where the amount is malformed).
func writeXLSX(path string, rows [][]string) {
	f := excelize.NewFile()
	defer f.Close()
	sheet := "支出台账"
	check(f.SetSheetName("Sheet1", sheet))
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	check(err)
	amountFmt := "#,##0.00"
	amountStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &amountFmt})
	check(err)
	for i, h := range []string{"凭证号", "日期", "单位编码", "类别", "金额", "摘要"} {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		check(f.SetCellValue(sheet, cell, h))
	}
	for r, row := range rows {
		n := r + 2
		ref := func(c int) string { s, _ := excelize.CoordinatesToCellName(c, n); return s }
		check(f.SetCellValue(sheet, ref(1), row[0]))
		if d, err := time.Parse("2006-01-02", row[1]); err == nil {
			check(f.SetCellValue(sheet, ref(2), d))
			check(f.SetCellStyle(sheet, ref(2), ref(2), dateStyle))
		} else {
			check(f.SetCellValue(sheet, ref(2), row[1]))
		}
		check(f.SetCellValue(sheet, ref(3), row[2]))
		check(f.SetCellValue(sheet, ref(4), chinese(row[3])))
		if v, err := sources.ParseAmount(row[4]); err == nil {
			// A numeric cell, written from its exact decimal text.
			check(f.SetCellDefault(sheet, ref(5), v.String()))
			check(f.SetCellStyle(sheet, ref(5), ref(5), amountStyle))
		} else {
			check(f.SetCellStr(sheet, ref(5), row[4]))
		}
		check(f.SetCellValue(sheet, ref(6), row[5]))
	}
	check(f.SetColWidth(sheet, "A", "A", 18))
	check(f.SetColWidth(sheet, "B", "B", 12))
	check(f.SetColWidth(sheet, "F", "F", 36))
	check(f.SaveAs(path))
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
