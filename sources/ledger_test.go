package sources

import (
	"bytes"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"fundalloc/allocation"
	"fundalloc/reports/msg"
)

func readLedgers(t *testing.T, files map[string]string, names ...string) (*Ledger, *Problems) {
	t.Helper()
	b := fsWith(files)
	var srcs []Source
	for _, n := range names {
		srcs = append(srcs, src(t, b, n))
	}
	knownCodes := []string{"S1", "R1"}
	var p Problems
	l := ReadLedgers(srcs, Options{Limits: DefaultLimits()}, testCats, NewUnits(knownCodes, nil), 2026, &p)
	return l, &p
}

func TestLedgerExceptions(t *testing.T) {
	body := "voucher,date,unit,category,amount,description\n" +
		"V1,2026-01-05,S1,elderly_care,100.00,ok\n" +
		"V2,2026-02-01,S9,elderly_care,5,unknown unit\n" +
		"V3,2026-02-02,S1,救灾,5,unknown category\n" +
		"V1,2026-03-01,S1,elderly_care,7,duplicate\n" +
		"V4,2025-12-31,S1,charity,8,last year\n" +
		"V5,2026-04-01,R1,charity,12.345,bad amount\n" +
		"V6,2026-02-30,R1,charity,9,bad date\n" +
		",2026-05-01,R1,charity,9,no number\n" +
		"V7,2026-06-01,R1,慈善资源,-20.50,refund\n" +
		"V8,26/7/1,,,x,everything wrong\n"
	l, p := readLedgers(t, map[string]string{"oct.csv": body}, "oct.csv")
	if p.Len() != 0 {
		t.Fatalf("file problems: %v", problems(p))
	}
	var got []string
	for _, e := range l.Exceptions {
		got = append(got, strings.Join([]string{e.Voucher, e.File, itoa(e.Row), e.Kind.Name()}, " "))
	}
	want := []string{
		"V2 oct.csv 3 UNKNOWN_UNIT",
		"V3 oct.csv 4 UNKNOWN_CATEGORY",
		"V1 oct.csv 5 DUPLICATE_VOUCHER",
		"V4 oct.csv 6 OUT_OF_PERIOD",
		"V5 oct.csv 7 BAD_AMOUNT",
		"V6 oct.csv 8 BAD_DATE",
		" oct.csv 9 MISSING_VOUCHER",
		"V8 oct.csv 11 UNKNOWN_UNIT",
		"V8 oct.csv 11 UNKNOWN_CATEGORY",
		"V8 oct.csv 11 BAD_AMOUNT",
		"V8 oct.csv 11 BAD_DATE",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("exceptions:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	msgs := map[string]string{}
	for _, e := range l.Exceptions {
		msgs[e.Voucher+e.Kind.Name()] = msg.Localize(e.Why, msg.EN)
	}
	for key, want := range map[string]string{
		"V1DUPLICATE_VOUCHER": `voucher "V1" already appears at row 2; only the first is counted`,
		"V4OUT_OF_PERIOD":     "dated 2025-12-31, outside the fiscal year 2026",
		"V5BAD_AMOUNT":        `amount "12.345" has more than 2 decimal places`,
		"V6BAD_DATE":          `date "2026-02-30" is not a real date`,
		"V2UNKNOWN_UNIT":      `unit "S9" is not a unit code or name of the budget or the units file`,
	} {
		if msgs[key] != want {
			t.Errorf("%s message = %q, want %q", key, msgs[key], want)
		}
	}
	vs := l.Vouchers()
	wantV := []allocation.Voucher{{Unit: 0, Category: 0, Month: 1, Amount: 10000}, {Unit: 1, Category: 1, Month: 6, Amount: -2050}}
	if !reflect.DeepEqual(vs, wantV) {
		t.Errorf("counted vouchers = %+v, want %+v", vs, wantV)
	}
	if len(l.Entries) != 10 {
		t.Errorf("%d entries read, want all 10", len(l.Entries))
	}
}

func TestLedgerDuplicateAcrossFiles(t *testing.T) {
	head := "voucher,date,unit,category,amount\n"
	l, _ := readLedgers(t, map[string]string{
		"a.csv": head + "V1,2026-01-01,S1,charity,1\n",
		"b.csv": head + "V1,2026-02-01,S1,charity,1\n",
	}, "a.csv", "b.csv")
	if len(l.Exceptions) != 1 || l.Exceptions[0].File != "b.csv" || !strings.Contains(msg.Localize(l.Exceptions[0].Why, msg.EN), "a.csv row 2") {
		t.Errorf("exceptions = %+v", l.Exceptions)
	}
}

func TestLedgerFileProblemsAreFatal(t *testing.T) {
	_, p := readLedgers(t, map[string]string{"a.csv": "voucher,date,unit,amount\nV1,2026-01-01,S1,1\n"}, "a.csv")
	if p.Len() != 1 || !strings.Contains(problems(p)[0], "missing column category (类别)") {
		t.Errorf("problems = %v", problems(p))
	}
}

func TestLedgerXLSXDates(t *testing.T) {
	for _, date1904 := range []bool{false, true} {
		f := excelize.NewFile()
		if date1904 {
			yes := true
			if err := f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}); err != nil {
				t.Fatal(err)
			}
		}
		for i, h := range []string{"凭证号", "日期", "单位编码", "类别", "金额"} {
			cell, _ := excelize.CoordinatesToCellName(i+1, 1)
			f.SetCellValue("Sheet1", cell, h)
		}
		f.SetCellValue("Sheet1", "A2", "X1")
		f.SetCellValue("Sheet1", "B2", time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC))
		f.SetCellValue("Sheet1", "C2", "S1")
		f.SetCellValue("Sheet1", "D2", "养老服务")
		f.SetCellValue("Sheet1", "E2", 1234.5)
		f.SetCellValue("Sheet1", "A3", "X2")
		f.SetCellStr("Sheet1", "B3", "2026-03-04")
		f.SetCellValue("Sheet1", "C3", "R1")
		f.SetCellValue("Sheet1", "D3", "charity")
		f.SetCellStr("Sheet1", "E3", "¥-1,000.00")
		var buf bytes.Buffer
		if _, err := f.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		l, p := readLedgers(t, map[string]string{"q.xlsx": buf.String()}, "q.xlsx")
		if p.Len() != 0 || len(l.Exceptions) != 0 {
			t.Fatalf("date1904=%v: problems %v, exceptions %+v", date1904, problems(p), l.Exceptions)
		}
		listed := listing(t, l)
		if e := l.Entries[0]; listed[0].Date != "2026-10-31" || e.Month != 10 || e.Amount != 123450 {
			t.Errorf("date1904=%v: entry %+v, %+v", date1904, e, listed[0])
		}
		if e := l.Entries[1]; listed[1].Date != "2026-03-04" || e.Month != 3 || e.Amount != -100000 {
			t.Errorf("date1904=%v: entry %+v, %+v", date1904, e, listed[1])
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// listing reads a ledger's texts again through List.
func listing(t *testing.T, l *Ledger) []Listed {
	t.Helper()
	var out []Listed
	if err := l.List(func(e *Entry, v *Listed) error { out = append(out, *v); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(out) != len(l.Entries) {
		t.Fatalf("List gave %d vouchers for %d entries", len(out), len(l.Entries))
	}
	return out
}

func TestLedgerListing(t *testing.T) {
	body := "voucher,date,unit,category,amount,description\nV1,2026-01-05,S1,elderly_care,100.00,ok\nV2,2026/1/5,S1,charity,1.234,bad\n"
	l, _ := readLedgers(t, map[string]string{"a.csv": body}, "a.csv")
	got := listing(t, l)
	want := []Listed{
		{Voucher: "V1", Date: "2026-01-05", Unit: "S1", Category: "elderly_care", Description: "ok"},
		{Voucher: "V2", Date: "2026-01-05", Unit: "S1", Category: "charity", Amount: "1.234", Description: "bad"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("listing %+v, want %+v", got, want)
	}
	// A file that changes between the reading and the listing is refused.
	l.srcs = []Source{src(t, fsWith(map[string]string{"a.csv": "voucher,date,unit,category,amount\nV1,2026-01-05,S1,charity,1\n"}), "a.csv")}
	if err := l.List(func(*Entry, *Listed) error { return nil }); err == nil || !strings.Contains(err.Error(), "changed") {
		t.Errorf("List on a changed file: %v", err)
	}
}

// TestLedgerAmountsASpreadsheetShows checks that no voucher, and no sum of
// counted vouchers, goes beyond what a workbook cell shows exactly: such a
// voucher is a BAD_AMOUNT exception, never a failed run.
func TestLedgerAmountsASpreadsheetShows(t *testing.T) {
	body := "voucher,date,unit,category,amount\n" +
		"V1,2026-01-05,S1,charity,10000000000000.00\n" +
		"V2,2026-01-06,S1,charity,90000000000000000000\n" +
		"V3,2026-01-07,S1,charity,9000000000000.00\n" +
		"V4,2026-01-08,S1,charity,-999999999999.99\n" +
		"V5,2026-01-09,S1,charity,-0.01\n" +
		"V6,2026-01-10,S1,charity,5.00\n"
	l, p := readLedgers(t, map[string]string{"a.csv": body}, "a.csv")
	if p.Len() != 0 {
		t.Fatalf("file problems: %v", problems(p))
	}
	var got []string
	for _, e := range l.Exceptions {
		got = append(got, e.Voucher+" "+e.Kind.Name()+": "+msg.Localize(e.Why, msg.EN))
	}
	const limit = "at most 9,999,999,999,999.99 yuan is accepted (15 digits, what a spreadsheet shows exactly)"
	const sum = "with it the vouchers add up to more than 9,999,999,999,999.99 yuan, more than fundalloc accepts (15 digits, what a spreadsheet shows exactly)"
	want := []string{
		`V1 BAD_AMOUNT: amount "10000000000000.00" is too large: ` + limit,
		`V2 BAD_AMOUNT: amount "90000000000000000000" is too large: ` + limit,
		"V5 BAD_AMOUNT: amount -0.01: " + sum,
		"V6 BAD_AMOUNT: amount 5.00: " + sum,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("exceptions:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if vs := l.Vouchers(); len(vs) != 2 || vs[0].Amount+vs[1].Amount != 8000000000000_01 {
		t.Errorf("counted %v", vs)
	}
}

// The categories a value may name are listed in the message's language:
// by Chinese name in Chinese, so that the message reads in one language;
// by code and name in English.
func TestCategoryHintFollowsTheLanguage(t *testing.T) {
	cats := NewCategories([]allocation.Category{{Code: "elderly_care", Zh: "养老服务", En: "Elderly care"}, {Code: "charity", Zh: "慈善资源"}, {Code: "misc"}})
	if got, want := cats.hint().Localize(msg.ZH), "养老服务、慈善资源、misc"; got != want {
		t.Errorf("zh: %q, want %q", got, want)
	}
	if got, want := cats.hint().Localize(msg.EN), "elderly_care 养老服务, charity 慈善资源, misc"; got != want {
		t.Errorf("en: %q, want %q", got, want)
	}
}
