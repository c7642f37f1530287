package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"fundalloc/allocation"
	"fundalloc/reports"
	"fundalloc/sources"
)

// noticeTotal reads a notice's table 1 total (its first 合计 row) and the
// check cell (the 校验 row), as cached values, or as recalculated ones in a
// converted copy.
func noticeTotal(t *testing.T, f *excelize.File) (total, check decimal.Decimal) {
	t.Helper()
	return noticeColumn(t, f, 5)
}

// noticeColumn is noticeTotal in column col (0-based) of table 1: with a
// previous version, 5 is 已下达 and 7 调整后.
func noticeColumn(t *testing.T, f *excelize.File, col int) (total, check decimal.Decimal) {
	t.Helper()
	sheet := f.GetSheetList()[0]
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, r := range rows {
		if len(r) < 6 {
			continue
		}
		switch {
		case r[1] == "合计" && found == 0:
			total, err = decimal.NewFromString(r[col])
			found++
		case strings.HasPrefix(r[1], "校验"):
			check, err = decimal.NewFromString(r[5])
			found++
		}
		if err != nil {
			t.Fatalf("%q: %v", r, err)
		}
	}
	if found != 2 {
		t.Fatalf("no total or check row in %q", rows)
	}
	return total, check
}

// groupTotals sums a budget's lines per notice: the hub's own, each
// station's with its rooms', by unit code.
func groupTotals(t *testing.T, bf *sources.BudgetFile) (map[string]allocation.Fen, allocation.Fen) {
	p := bf.Plan
	out := map[string]allocation.Fen{}
	var all allocation.Fen
	for _, l := range p.Lines {
		u := &p.Units[l.Unit]
		code := u.Code
		if u.Tier == allocation.Room {
			code = u.Parent
		}
		out[code] += l.Amount
		all += l.Amount
	}
	return out, all
}

// TestNoticesSampleCity: one notice per station and for the hub, each
// totalling its own lines and its rooms', the index totalling the
// budget's; a draft is marked and warned about; after approval the notices
// follow the version, unmarked.
func TestNoticesSampleCity(t *testing.T) {
	dir := t.TempDir()
	if r := fundalloc(t, dir, nil, "notices"); r.code != 2 || !strings.Contains(r.stderr, "budget-2026.json") {
		t.Errorf("notices before a budget: exit %d, %s", r.code, r.stderr)
	}
	if r := fundalloc(t, dir, nil, "budget", "-q"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	r := fundalloc(t, dir, nil, "notices")
	if r.code != 0 || !strings.Contains(r.stderr, "警告：本年度尚无批准版本") || !strings.Contains(r.stdout, "已写出 21 份资金下达通知") {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	bf := readDraft(t, dir)
	want, all := groupTotals(t, bf)
	check := func(folder string, draft bool) {
		t.Helper()
		entries, err := os.ReadDir(folder)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		if len(names) != len(want)+1 || !slices.Contains(names, "index.xlsx") {
			t.Fatalf("%s: %d files for %d notices: %v", folder, len(names), len(want), names)
		}
		for i := range bf.Plan.Units {
			u := &bf.Plan.Units[i]
			if u.Tier == allocation.Room {
				continue
			}
			f, err := excelize.OpenFile(filepath.Join(folder, reports.NoticeFileName(u)))
			if err != nil {
				t.Fatal(err)
			}
			total, chk := noticeTotal(t, f)
			if !total.Equal(decimal.New(int64(want[u.Code]), -2)) || !chk.IsZero() {
				t.Errorf("%s: total %s check %s, want %s", u.Code, total, chk, want[u.Code])
			}
			hf, _ := f.GetHeaderFooter(f.GetSheetList()[0])
			if pl, _ := f.GetPageLayout(f.GetSheetList()[0]); pl.Size == nil || *pl.Size != 9 || *pl.Orientation != "portrait" {
				t.Errorf("%s: page %+v", u.Code, pl)
			}
			if strings.Contains(hf.OddHeader, "草稿（未经批准）") != draft {
				t.Errorf("%s: header %q, draft %v", u.Code, hf.OddHeader, draft)
			}
			// An unqualified operator's station is told its money is held
			// for re-procurement, not paid to it; no other is.
			rows, _ := f.GetRows(f.GetSheetList()[0])
			var text strings.Builder
			for _, row := range rows {
				text.WriteString(strings.Join(row, " "))
			}
			if held := strings.Contains(text.String(), "本站资金暂予保留"); held != u.Reserved() {
				t.Errorf("%s (grade %s): the notice says the money is held: %v", u.Code, u.Grade, held)
			}
			f.Close()
		}
		f, err := excelize.OpenFile(filepath.Join(folder, "index.xlsx"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, _ := f.GetRows(f.GetSheetList()[0], excelize.Options{RawCellValue: true})
		var sum, budget decimal.Decimal
		for _, r := range rows {
			switch {
			case len(r) > 6 && r[1] == "合计":
				sum, _ = decimal.NewFromString(r[6])
			case len(r) > 6 && strings.HasPrefix(r[1], "预算总额"):
				budget, _ = decimal.NewFromString(r[6])
			}
		}
		if w := decimal.New(int64(all), -2); !sum.Equal(w) || !budget.Equal(w) {
			t.Errorf("index total %s, budget %s, want %s", sum, budget, w)
		}
	}
	check(filepath.Join(dir, "out", "notices", "2026", "draft"), true)

	if r := fundalloc(t, dir, nil, "approve", "--doc-no", "神财社〔2026〕15号", "--date", "2026-01-05", "-q"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if r := fundalloc(t, dir, nil, "notices", "-q"); r.code != 0 || r.stderr != "" {
		t.Fatalf("after approval: exit %d %s", r.code, r.stderr)
	}
	check(filepath.Join(dir, "out", "notices", "2026", "v1"), false)
	// v2: another hub amount; the hub's notice sets v2 against v1.
	if r := fundalloc(t, dir, map[string]string{"FUNDALLOC_STAGES_HUB_AMOUNT": "1500000.00"}, "budget", "-q"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if r := fundalloc(t, dir, nil, "approve", "--doc-no", "神财社〔2026〕40号", "--date", "2026-06-05", "-q"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if r := fundalloc(t, dir, nil, "notices", "-q"); r.code != 0 || r.stderr != "" {
		t.Fatalf("v2: exit %d %s", r.code, r.stderr)
	}
	bf2 := readDraft(t, dir)
	want2, _ := groupTotals(t, bf2)
	if want2["SM00"] == want["SM00"] {
		t.Fatal("the hub's money did not change")
	}
	hub := &bf2.Plan.Units[slices.IndexFunc(bf2.Plan.Units, func(u allocation.Unit) bool { return u.Code == "SM00" })]
	f, err := excelize.OpenFile(filepath.Join(dir, "out", "notices", "2026", "v2", reports.NoticeFileName(hub)))
	if err != nil {
		t.Fatal(err)
	}
	issued, _ := noticeColumn(t, f, 5)
	change, _ := noticeColumn(t, f, 6)
	adjusted, chk := noticeColumn(t, f, 7)
	f.Close()
	if !issued.Equal(decimal.New(int64(want["SM00"]), -2)) || !adjusted.Equal(decimal.New(int64(want2["SM00"]), -2)) ||
		!change.Equal(adjusted.Sub(issued)) || !chk.IsZero() {
		t.Errorf("v2 hub notice: issued %s change %s adjusted %s check %s; want %s → %s", issued, change, adjusted, chk, want["SM00"], want2["SM00"])
	}
	if r := fundalloc(t, dir, nil, "notices", "--version", "v7", "-q"); r.code != 2 {
		t.Errorf("--version v7: exit %d %s", r.code, r.stderr)
	}
	if r := fundalloc(t, dir, nil, "notices", "--version", "x", "-q"); r.code != 2 {
		t.Errorf("--version x: exit %d %s", r.code, r.stderr)
	}
}

// TestNoticeAndIndicatorsRecalculate opens a notice and the budget
// workbook's 预算指标 sheet in LibreOffice, recalculating on load: the
// notice's check cell is 0 and its total its unit's lines and rooms'; the
// indicator sheet's total is the budget's pool and its check 0.
func TestNoticeAndIndicatorsRecalculate(t *testing.T) {
	if testing.Short() {
		t.Skip("runs LibreOffice")
	}
	dir := t.TempDir()
	if r := fundalloc(t, dir, nil, "budget", "-q"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if r := fundalloc(t, dir, nil, "notices", "-q"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	bf := readDraft(t, dir)
	want, _ := groupTotals(t, bf)
	var pool allocation.Fen
	for _, e := range bf.Plan.Pool {
		pool += e.Total
	}
	var station *allocation.Unit
	for i := range bf.Plan.Units {
		if u := &bf.Plan.Units[i]; u.Code == "SM01" {
			station = u
		}
	}
	// Spoil the cached total: only a recalculation gives it back.
	path := filepath.Join(dir, "out", "notices", "2026", "draft", reports.NoticeFileName(station))
	orig, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rows0, _ := orig.GetRows(orig.GetSheetList()[0])
	orig.Close()
	totalRow := slices.IndexFunc(rows0, func(r []string) bool { return len(r) > 1 && r[1] == "合计" }) + 1
	spoilCachedValue(t, path, "xl/worksheets/sheet1.xml", cell(6, totalRow), "1")
	got, err := excelize.OpenFile(recalculate(t, path))
	if err != nil {
		t.Fatal(err)
	}
	total, chk := noticeTotal(t, got)
	got.Close()
	if !total.Round(2).Equal(decimal.New(int64(want["SM01"]), -2)) || !chk.IsZero() {
		t.Errorf("LibreOffice: SM01 total %s check %s, want %s", total, chk, want["SM01"])
	}

	book, err := excelize.OpenFile(recalculate(t, filepath.Join(dir, "out", "budget-2026.xlsx")))
	if err != nil {
		t.Fatal(err)
	}
	defer book.Close()
	rows, err := book.GetRows("预算指标", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	var sum, budget, check string
	for _, r := range rows {
		if len(r) < 12 {
			continue
		}
		switch {
		case r[1] == "合计":
			sum = r[11]
		case strings.HasPrefix(r[1], "预算总额"):
			budget = r[11]
		case strings.HasPrefix(r[1], "校验"):
			check = r[11]
		}
	}
	s, err1 := decimal.NewFromString(sum)
	b, err2 := decimal.NewFromString(budget)
	c, err3 := decimal.NewFromString(check)
	if err1 != nil || err2 != nil || err3 != nil || !s.Round(2).Equal(decimal.New(int64(pool), -2)) || !b.Round(2).Equal(s.Round(2)) || !c.IsZero() {
		t.Errorf("LibreOffice 预算指标: total %q, budget %q, check %q; want %s", sum, budget, check, pool)
	}
}

// readDraft reads the draft budget JSON in dir's output folder through the
// checked reader.
func readDraft(t *testing.T, dir string) *sources.BudgetFile {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "out", "budget-2026.json"))
	if err != nil {
		t.Fatal(err)
	}
	bf, err := sources.ReadBudgetFile("budget-2026.json", bytes.NewReader(data), 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	return bf
}
