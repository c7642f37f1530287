package sources

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"fundalloc/allocation"
	"fundalloc/reports/msg"
)

// Files as real programs write them (issue 11): a clerk's tables saved by
// LibreOffice, an accounting export, a funds file in 万元, GB18030 and
// broken UTF-8 text, codes that differ in case. Each asserts the amounts
// to the fen or the exact located message, in English and in Chinese.

// diskBase writes files into a temporary folder and returns it as a Base.
func diskBase(t *testing.T, files map[string][]byte) Base {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return Base{Dir: dir}
}

// localized renders every problem in l.
func localized(p *Problems, l msg.Lang) []string {
	var out []string
	for _, e := range p.List() {
		out = append(out, msg.Localize(e, l))
	}
	return out
}

// wantProblems compares the problems in English and, when zh is given, in
// Chinese.
func wantProblems(t *testing.T, p *Problems, en, zh []string) {
	t.Helper()
	if got := localized(p, msg.EN); !reflect.DeepEqual(got, en) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(en, "\n"))
	}
	if zh == nil {
		return
	}
	if got := localized(p, msg.ZH); !reflect.DeepEqual(got, zh) {
		t.Errorf("problems (zh):\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(zh, "\n"))
	}
}

// libreOffice converts CSV files (UTF-8) to .xlsx with LibreOffice headless,
// as a clerk does who opens the CSV and saves it as a workbook, and returns
// the converted files' paths.
func libreOffice(t *testing.T, csvs ...string) []string {
	t.Helper()
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("soffice not installed (scripts/test.sh installs libreoffice-calc-nogui)")
	}
	profile, out := t.TempDir(), t.TempDir()
	args := []string{"-env:UserInstallation=file://" + profile, "--headless", "--norestore",
		"--infilter=CSV:44,34,76,1", "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", out}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, soffice, append(args, csvs...)...)
	cmd.Env = append(os.Environ(), "HOME="+profile)
	if output, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, output)
	}
	var paths []string
	for _, c := range csvs {
		p := filepath.Join(out, strings.TrimSuffix(filepath.Base(c), ".csv")+".xlsx")
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("soffice wrote no %s", p)
		}
		paths = append(paths, p)
	}
	return paths
}

// A clerk's tables: two title rows, bracketed headers, an operator and a
// remarks column, saved by LibreOffice. The header on row 3 is found, the
// amounts are exact, an error names the spreadsheet's own row, and the
// columns no table knows are noted, not read as drivers.
func TestClerksWorkbookSavedByLibreOffice(t *testing.T) {
	dir := t.TempDir()
	funds := "神木市2026年度社会工作服务资金来源表,,,,,,\n" +
		"填报单位：神木市民政局,,,,单位：元,,\n" +
		"编号,资金类别,来源单位,摘要,金额（元）,指定单位,备注\n" +
		"F1,养老服务,神木市民政局,居家养老,\"1,234,567.89\",,已到账\n" +
		"F2,慈善资源,市慈善总会,定向捐赠,50000,S1,\n" +
		"F3,养老服务,神木市财政局,补助,12.345,,\n"
	units := "神木市社会工作服务站点名册,,,,,,,,\n" +
		"（2026年1月）,,,,,,,,\n" +
		"单位编码,单位名称,层级,上级编码,社工人数（人）,评估等级,承接机构,人口（人）,备注\n" +
		"H,社工总站,总站,,3,良好,神木市社会工作协会,0,\n" +
		"S1,滨河新区街道社工站,社工站,H,4,优秀,神木市阳光社工事务所,43120,新建\n"
	for name, body := range map[string]string{"funds.csv": funds, "units.csv": units} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	xl := libreOffice(t, filepath.Join(dir, "funds.csv"), filepath.Join(dir, "units.csv"))
	base := Base{Dir: filepath.Dir(xl[0])}

	var p Problems
	ut := ReadUnits(src(t, base, "units.xlsx"), Options{Limits: DefaultLimits(), Drivers: []string{"population"}}, &p)
	ft := ReadFunds([]Source{src(t, base, "funds.xlsx")}, Options{Limits: DefaultLimits()}, testCats, &p)
	wantProblems(t, &p,
		[]string{`funds.xlsx:funds:6:E: amount "12.345" has more than 2 decimal places`},
		[]string{`funds.xlsx:funds:6:E: 金额 "12.345" 超过两位小数`})
	if len(ft.Lines) != 3 || ft.Lines[0].Amount != 123456789 || ft.Lines[1].Amount != 5000000 || ft.Lines[1].Unit != "S1" || ft.Lines[0].Row != 4 {
		t.Errorf("fund lines = %+v", ft.Lines)
	}
	if got := strings.Join(ut.Drivers, ","); got != "social_workers,population" {
		t.Errorf("drivers = %s; the remarks column must not be one", got)
	}
	if len(ut.Units) != 2 || ut.Units[1].Operator != "神木市阳光社工事务所" || ut.Units[1].Drivers[1] != allocation.Int(43120) || ut.Rows[0] != 4 {
		t.Errorf("units = %+v rows %v", ut.Units, ut.Rows)
	}
	var notes []string
	for _, n := range p.Notes() {
		notes = append(notes, msg.Localize(n, msg.EN))
	}
	want := []string{`units.xlsx:units:3:I: column "备注" is not recognised and is ignored`, `funds.xlsx:funds:3:G: column "备注" is not recognised and is ignored`}
	if !reflect.DeepEqual(notes, want) {
		t.Errorf("notes = %q, want %q", notes, want)
	}
}

// An accounting export: voucher word-numbers repeated on every entry line,
// debit and credit columns, dates as Excel and WPS write them, a unit
// given by its name, the unit column under a header the configuration
// maps.
func TestAccountingExportLedger(t *testing.T) {
	body := "\ufeff记账日期,凭证字号,分录号,摘要,核算单位,资金类别,借方金额,贷方金额\n" +
		"2026/7/15,记-0042,1,活动物资,S1,养老服务,\"1,200.00\",\n" +
		"2026年7月15日,记-0042,2,退回多付款,一站,养老服务,,200.00\n" +
		"2026/7/16 0:00:00,记-0042,1,重复录入,S1,养老服务,5.00,\n" +
		"2026-8-1,记-0042,1,八月同号凭证,S1,慈善资源,10.00,\n" +
		"15/7/2026,记-0043,1,日在前,S1,养老服务,1.00,\n" +
		"2026/2/30,记-0044,1,不存在的日期,S1,养老服务,1.00,\n" +
		"20260901,记-0045,1,无金额,S1,养老服务,,\n"
	b := fsWith(map[string]string{"export.csv": body})
	var p Problems
	units := NewUnits(nil, []allocation.Unit{{Code: "H", Name: "总站"}, {Code: "S1", Name: "一站"}})
	opt := Options{Limits: DefaultLimits(), Columns: map[string][]string{"unit": {"核算单位"}}}
	l := ReadLedgers([]Source{src(t, b, "export.csv")}, opt, testCats, units, 2026, &p)
	if p.Len() != 0 {
		t.Fatalf("problems: %v", localized(&p, msg.EN))
	}
	var got []string
	for _, e := range l.Entries {
		got = append(got, strings.Join([]string{itoa(int(e.Row)), itoa(int(e.Unit)), e.Amount.String(), itoa(int(e.Month)), e.Flags.String()}, " "))
	}
	want := []string{
		"2 1 1200.00 7 ",
		"3 1 -200.00 7 ",
		"4 1 5.00 7 DUPLICATE_VOUCHER",
		"5 1 10.00 8 ",
		"6 1 1.00 0 BAD_DATE",
		"7 1 1.00 0 BAD_DATE",
		"8 1 0.00 9 BAD_AMOUNT",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("entries:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	texts := map[string][2]string{}
	for _, e := range l.Exceptions {
		texts[itoa(e.Row)+e.Kind.Name()] = [2]string{msg.Localize(e.Why, msg.EN), msg.Localize(e.Why, msg.ZH)}
	}
	for key, want := range map[string][2]string{
		"4DUPLICATE_VOUCHER": {`voucher "记-0042" entry "1" (month 7) already appears at row 2; only the first is counted`, `凭证 "记-0042" 分录 "1"（7 月）已在第 2 行出现；只计第一次`},
		"6BAD_DATE":          {`date "15/7/2026" puts the day or the month first, so day and month cannot be told apart: write the year first, e.g. 2026-07-15`, `日期 "15/7/2026" 是日在前或月在前的日期，无法确定日和月：请写成年在前的格式，如 2026-07-15`},
		"7BAD_DATE":          {`date "2026/2/30" is not a real date`, `日期 "2026/2/30" 不是真实存在的日期`},
		"8BAD_AMOUNT":        {`debit and credit are both empty`, `借方金额 和 贷方金额 都为空`},
	} {
		if texts[key] != want {
			t.Errorf("%s: %q, want %q", key, texts[key], want)
		}
	}
}

// A ledger file whose every row fails on the same column is refused as a
// file, saying what the column holds and what was expected.
func TestLedgerWholeColumnFails(t *testing.T) {
	body := "凭证号,日期,单位编码,类别,金额\nV1,15/07/2026,S1,charity,1\nV2,16/07/2026,S1,charity,2\nV3,17/07/2026,S1,charity,3\nV4,18/07/2026,S1,charity,4\n"
	var p Problems
	ReadLedgers([]Source{src(t, fsWith(map[string]string{"q3.csv": body}), "q3.csv")}, Options{Limits: DefaultLimits()}, testCats, NewUnits([]string{"S1"}, nil), 2026, &p)
	wantProblems(t, &p,
		[]string{`q3.csv:2:B: every one of the 4 data rows fails on date: the column holds values such as "15/07/2026", "16/07/2026", "17/07/2026"; expected a year-first date such as 2026-07-15, 2026/7/15 or 2026年7月15日`},
		[]string{`q3.csv:2:B: 所有 4 个数据行的 日期 都无法使用：该列的值如 "15/07/2026", "16/07/2026", "17/07/2026"；应为年在前的日期，如 2026-07-15、2026/7/15 或 2026年7月15日`})
	if !errors.Is(p.Err(), ErrWholeColumn) {
		t.Errorf("not ErrWholeColumn: %v", p.Err())
	}
}

// A funds file in 万元 with 6 decimals reads to the fen; 7 decimals, and a
// column in 千元, are refused where they are.
func TestFundsInWan(t *testing.T) {
	body := "编号,类别,来源单位,金额（万元）\nF1,charity,p,91.449277\nF2,charity,p,\"1,200\"\nF3,charity,p,0.000001\nF4,charity,p,1.0000001\n"
	var p Problems
	ft := ReadFunds([]Source{src(t, fsWith(map[string]string{"f.csv": body}), "f.csv")}, Options{Limits: DefaultLimits()}, testCats, &p)
	wantProblems(t, &p,
		[]string{`f.csv:5:D: amount "1.0000001" has more than 6 decimal places (a column in 万元 has at most 6, which is whole fen)`},
		[]string{`f.csv:5:D: 金额 "1.0000001" 超过六位小数（万元列最多六位小数，即精确到分）`})
	var got []allocation.Fen
	for _, l := range ft.Lines {
		got = append(got, l.Amount)
	}
	if want := []allocation.Fen{91449277, 1200000000, 1, 0}; !reflect.DeepEqual(got, want) {
		t.Errorf("amounts = %v, want %v", got, want)
	}

	p = Problems{}
	ReadFunds([]Source{src(t, fsWith(map[string]string{"k.csv": "编号,类别,来源单位,金额(单位：千元)\nF1,charity,p,1\n"}), "k.csv")}, Options{Limits: DefaultLimits()}, testCats, &p)
	wantProblems(t, &p,
		[]string{`k.csv:1:D: header "金额(单位：千元)" gives the amounts in "单位:千元": an amount column must be in 元 (yuan) or 万元 (10,000 yuan); convert the amounts to one of them`},
		[]string{`k.csv:1:D: 表头 "金额(单位：千元)" 的金额单位 "单位:千元" 不受支持：金额列只能以元或万元为单位，请把金额换算成元或万元`})
}

// A GB18030 CSV as Chinese office software saves it reads as Chinese.
func TestGB18030Units(t *testing.T) {
	text := "编码,名称,层级,上级编码,社工人数,人口（人）\nH,社工总站,总站,,2,0\nS1,滨河新区街道社工站,社工站,H,4,43120\n"
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	var p Problems
	ut := ReadUnits(src(t, fsWith(map[string]string{"u.csv": gb}), "u.csv"), Options{Limits: DefaultLimits(), Drivers: []string{"人口"}}, &p)
	if p.Len() != 0 {
		t.Fatalf("problems: %v", localized(&p, msg.EN))
	}
	if u := ut.Units[1]; u.Name != "滨河新区街道社工站" || u.Tier != allocation.Station || u.Drivers[1] != allocation.Int(43120) {
		t.Errorf("unit = %+v", u)
	}
}

// One stray byte in a UTF-8 file is a located error on its row, not a
// file of mojibake.
func TestBrokenUTF8(t *testing.T) {
	text := "编码,名称,层级,上级编码\nH,社工总站,总站,\nS1,滨河\xff社工站,社工站,H\n"
	var p Problems
	ReadUnits(src(t, fsWith(map[string]string{"u.csv": text}), "u.csv"), Options{Limits: DefaultLimits()}, &p)
	wantProblems(t, &p,
		[]string{`u.csv:3: the file is UTF-8 but byte 67 (0xFF) is not valid UTF-8 (the file may be cut or mix in text of another encoding): save it again as UTF-8`},
		[]string{`u.csv:3: 文件是 UTF-8 编码，但第 67 字节 0xFF 不是有效的 UTF-8（文件可能被截断或混入了其他编码的文字）：请用 UTF-8 重新保存`})
	// Neither UTF-8 nor GB18030: a byte no GB18030 sequence has.
	p = Problems{}
	ReadUnits(src(t, fsWith(map[string]string{"x.csv": "code,name,tier,parent\nH,\x80x,hub,\n"}), "x.csv"), Options{Limits: DefaultLimits()}, &p)
	wantProblems(t, &p, []string{`x.csv:2: the file is neither valid UTF-8 nor valid GB18030: byte 25 (0x80) cannot be decoded; save it as "CSV UTF-8"`}, nil)
}

// Codes that differ only in case clash (a spreadsheet's SUMIFS cannot tell
// them apart); a parent or a designated unit still matches exactly, and
// says when only case differs.
func TestCaseClashingCodes(t *testing.T) {
	units := "code,name,tier,parent\nH,总站,hub,\nS1,一站,station,H\ns1,二站,station,H\nR1,一室,room,h\n"
	funds := "id,category,provider,amount,designated_unit\nF1,charity,p,1,h\n"
	b := fsWith(map[string]string{"units.csv": units, "funds.csv": funds})
	var p Problems
	ut := ReadUnits(src(t, b, "units.csv"), Options{Limits: DefaultLimits()}, &p)
	ReadFunds([]Source{src(t, b, "funds.csv")}, Options{Limits: DefaultLimits()}, testCats, &p).CheckUnits(ut, &p)
	wantProblems(t, &p, []string{
		`units.csv:4:A: code "s1" differs only in case from "S1" at row 3: codes must be unique ignoring case (spreadsheet lookups such as SUMIFS ignore it)`,
		`units.csv:5:D: parent "h" is not the code of any unit in this file ("H" differs only in case: codes match exactly as written)`,
		`funds.csv:2:E: designated_unit "h" is not a unit code in units.csv ("H" differs only in case: codes match exactly as written)`,
	}, []string{
		`units.csv:4:A: 编码 "s1" 与第 3 行的 "S1" 只有大小写不同：编码不区分大小写时必须唯一（SUMIFS 等表格函数不区分大小写）`,
		`units.csv:5:D: 上级编码 "h" 不是本文件中任何单位的编码（"H" 只有大小写不同：编码须按原样完全一致）`,
		`funds.csv:2:E: 指定单位 "h" 不是 units.csv 中的单位编码（"H" 只有大小写不同：编码须按原样完全一致）`,
	})
}

// Header variants: spaces inside (U+3000 too), brackets of either width,
// a note after 单位：, bilingual headers, and the configuration's names.
func TestHeaderVariants(t *testing.T) {
	m := newMatcher(fundColumns, map[string][]string{"provider": {"拨付单位（部门）"}})
	for text, want := range map[string][2]any{
		"金　额":           {"amount", int64(1)},
		"金额（元）":         {"amount", int64(1)},
		"金额(元)":         {"amount", int64(1)},
		"金额（单位：元）":      {"amount", int64(1)},
		"amount (yuan)": {"amount", int64(1)},
		"amount (金额)":   {"amount", int64(1)},
		"金额（万元）":        {"amount", int64(wan)},
		"Amount (万元)":   {"amount", int64(wan)},
		"拨付单位(部门)":      {"provider", int64(1)},
		"编号 id":         {"id", int64(1)},
		"金额（人民币元）":      {"amount", int64(1)},
		"金额（万）":         {"amount", int64(wan)},
		"资金类别/category": {"category", int64(1)},
	} {
		h, _ := m.readHeader([]Cell{{Kind: Text, Text: text}})
		k := slices.Index(h.index, 0)
		if k < 0 || fundColumns[k].Name != want[0] || h.scale[k] != want[1] {
			t.Errorf("%q: column %d scale %v, want %v", text, k, h.scale, want)
		}
	}
}

// Money units other than 元 and 万元 are refused on the header.
func TestOtherMoneyUnits(t *testing.T) {
	m := newMatcher(fundColumns, nil)
	for _, text := range []string{"金额（千元）", "金额(亿元)", "金额（百万元）", "金额（千）", "amount (thousand yuan)", "金额（单位：千元）"} {
		h, _ := m.readHeader([]Cell{{Kind: Text, Text: text}})
		if len(h.bad) != 1 {
			t.Errorf("%q: accepted", text)
		}
	}
}

// A mapped header wins over a built-in one for the same column.
func TestMappedHeaderWins(t *testing.T) {
	body := "凭证号,凭证字号,日期,单位编码,类别,金额\nA1,记-1,2026-01-02,S1,charity,1\nA2,记-1,2026-01-03,S1,charity,1\n"
	var p Problems
	l := ReadLedgers([]Source{src(t, fsWith(map[string]string{"l.csv": body}), "l.csv")},
		Options{Limits: DefaultLimits(), Columns: map[string][]string{"voucher": {"凭证字号"}}}, testCats, NewUnits([]string{"S1"}, nil), 2026, &p)
	if p.Len() != 0 || len(l.Exceptions) != 1 || l.Exceptions[0].Voucher != "记-1" || l.Exceptions[0].Kind != allocation.DuplicateVoucher {
		t.Errorf("problems %v, exceptions %+v", localized(&p, msg.EN), l.Exceptions)
	}
	if notes := p.Notes(); len(notes) != 1 || notes[0].Column != 1 {
		t.Errorf("notes = %v; the unmapped 凭证号 column is the one ignored", notes)
	}
}

// With no header row among the first ten, the error is on the row that came
// nearest, names the rows looked at and the nearest header per missing
// column.
func TestHeaderNotFound(t *testing.T) {
	body := "2026年资金来源表\n\n编号,类别,来源单位,金頟\nF1,charity,p,1\n"
	var p Problems
	ReadFunds([]Source{src(t, fsWith(map[string]string{"f.csv": body}), "f.csv")}, Options{Limits: DefaultLimits()}, testCats, &p)
	wantProblems(t, &p,
		[]string{`f.csv:3: missing column amount (金额) (the header row must name id (编号), category (类别), provider (来源单位), amount (金额); rows looked at: 1, 3–4); row 3 has "金頟": is it amount (金额)?`},
		[]string{`f.csv:3: 缺少列 金额（amount）（表头行必须包含 编号（id）、类别（category）、来源单位（provider）、金额（amount）；查看了第 1, 3–4 行）；第 3 行有 "金頟"，是否指 金额（amount）？`})
}

// Inputs must be regular files: a folder, a FIFO and a device are refused
// at once, never opened for reading (a FIFO would block).
func TestNotRegularFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "units.csv")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	if err := os.Mkdir(filepath.Join(dir, "folder.csv"), 0o755); err != nil {
		t.Fatal(err)
	}
	base := Base{Dir: dir}
	for _, c := range []struct{ path, want string }{
		{"units.csv", "units.csv: a named pipe (FIFO), not a regular file: an input must be a regular file"},
		{"folder.csv", "folder.csv: a folder, not a regular file: an input must be a regular file"},
		{"/dev/zero", "/dev/zero: a device, not a regular file: an input must be a regular file"},
	} {
		srcs, err := base.Resolve([]string{c.path})
		if err != nil || len(srcs) != 1 {
			t.Fatalf("%s: %v", c.path, err)
		}
		var p Problems
		done := make(chan struct{})
		go func() { ReadUnits(srcs[0], Options{Limits: DefaultLimits()}, &p); close(done) }()
		<-done // a read that blocked on the FIFO would never get here: the test would time out
		wantProblems(t, &p, []string{c.want}, nil)
		if !errors.Is(p.Err(), ErrNotRegular) {
			t.Errorf("%s: not ErrNotRegular", c.path)
		}
	}
}

// A glob that matches a broken link or a link loop is an error naming the
// path, not a silent skip of the file's money.
func TestGlobBrokenLinks(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.csv"), []byte("x"), 0o644)
	if err := os.Symlink(filepath.Join(dir, "gone.csv"), filepath.Join(dir, "b.csv")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	base := Base{Dir: dir}
	_, err := base.Resolve([]string{"*.csv"})
	if got := msg.Localize(err, msg.EN); got != `"b.csv" is a broken symbolic link or a link loop, and cannot be read` {
		t.Errorf("broken link: %q", got)
	}
	os.Remove(filepath.Join(dir, "b.csv"))
	os.Symlink("c.csv", filepath.Join(dir, "c.csv")) // a loop
	_, err = base.Resolve([]string{"*.csv"})
	if got := msg.Localize(err, msg.ZH); got != `"c.csv" 是一个失效或循环的符号链接，无法读取` {
		t.Errorf("link loop: %q", got)
	}
	_, err = base.Resolve([]string{"c.csv"})
	if err == nil || !errors.Is(err, ErrUnreadable) {
		t.Errorf("a named link loop: %v", err)
	}
}

// Text from a file shown in a message has its control characters escaped,
// in the location prefix too.
func TestControlCharactersEscaped(t *testing.T) {
	e := &Error{File: "evil\x1b[2Jname.csv", Sheet: "Sheet\u202e1", Row: 2, Column: 1, Err: msg.SrcSheetNotFound.Wrap(ErrUnreadable, "x\x07", strconv.Quote("a\x1bb"))}
	want := `evil\x1b[2Jname.csv:Sheet\u202e1:2:A: sheet "x\a" not found; the workbook has sheets: "a\x1bb"`
	if got := e.Error(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// A driver too large for the weight arithmetic is refused on its cell; a
// huge amount is too large, not "too many decimal places".
func TestHugeValues(t *testing.T) {
	units := "code,name,tier,parent,population\nH,h,hub,,1\nS1,s,station,H,12345678901234567890\nS2,t,station,H,1234567890.1234567\n"
	funds := "id,category,provider,amount\nF1,charity,p,123456789012345678901.999\nF2,charity,p,99999999999999.5\n"
	b := fsWith(map[string]string{"units.csv": units, "funds.csv": funds})
	var p Problems
	ReadUnits(src(t, b, "units.csv"), Options{Limits: DefaultLimits(), Drivers: []string{"population"}}, &p)
	ReadFunds([]Source{src(t, b, "funds.csv")}, Options{Limits: DefaultLimits()}, testCats, &p)
	wantProblems(t, &p, []string{
		`units.csv:3:E: driver population "12345678901234567890" has more than 15 significant digits (a driver has at most 15, what a spreadsheet shows exactly) (a driver column holds numbers ≥ 0)`,
		`units.csv:4:E: driver population "1234567890.1234567" has more than 15 significant digits (a driver has at most 15, what a spreadsheet shows exactly) (a driver column holds numbers ≥ 0)`,
		`funds.csv:2:D: amount "123456789012345678901.999" is too large: at most 9,999,999,999,999.99 yuan is accepted (15 digits, what a spreadsheet shows exactly)`,
		`funds.csv:3:D: amount "99999999999999.5" is too large: at most 9,999,999,999,999.99 yuan is accepted (15 digits, what a spreadsheet shows exactly)`,
	}, nil)
}

// A CSV whose lines end in CR alone says so.
func TestCROnlyCSV(t *testing.T) {
	var p Problems
	ReadUnits(src(t, fsWith(map[string]string{"u.csv": "code,name,tier,parent\rH,h,hub,\rS1,s,station,H\r"}), "u.csv"), Options{Limits: DefaultLimits()}, &p)
	wantProblems(t, &p, []string{"u.csv: the file ends its lines with a carriage return alone (old Mac style), so it reads as one line: save it again with Windows (CRLF) or Unix (LF) line ends"}, nil)
}

// A read stops once its context is cancelled, and says so.
func TestReadInterrupted(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("id,category,provider,amount\n")
	for i := range 3 * ctxRows {
		sb.WriteString("F" + itoa(i) + ",charity,p,1\n")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := src(t, fsWith(map[string]string{"f.csv": sb.String()}), "f.csv")
	open, opens := f.Open, 0
	f.Open = func() (File, error) {
		// The encoding scans open the file first; the rows' read comes
		// last: cancel as it starts.
		if opens++; opens == 4 {
			cancel()
		}
		return open()
	}
	var p Problems
	ft := ReadFunds([]Source{f}, Options{Ctx: ctx, Limits: DefaultLimits()}, testCats, &p)
	if len(ft.Lines) != ctxRows-1 || !errors.Is(p.Err(), context.Canceled) {
		t.Errorf("%d lines read after the cancel; problems %v", len(ft.Lines), localized(&p, msg.EN))
	}
}

// A sheet part in UTF-16 without a BOM is damaged; its message shows no
// raw NUL bytes (they would reach the terminal), and neither does a sheet
// name with control characters.
func TestUTF16SheetWithoutBOM(t *testing.T) {
	var utf16 []byte
	for _, c := range []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" + `<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData></worksheet>`) {
		utf16 = append(utf16, c, 0)
	}
	data := sheetBook(t, "Sheet\u202e1", string(utf16))
	var p Problems
	ReadUnits(src(t, fsWith(map[string]string{"u.xlsx": string(data)}), "u.xlsx"), Options{Limits: DefaultLimits()}, &p)
	if p.Len() != 1 {
		t.Fatalf("problems: %v", localized(&p, msg.EN))
	}
	for _, l := range []msg.Lang{msg.EN, msg.ZH} {
		got := localized(&p, l)[0]
		if strings.ContainsAny(got, "\x00\u202e") || !strings.HasPrefix(got, `u.xlsx:Sheet\u202e1: `) {
			t.Errorf("%v: %q", l, got)
		}
	}
}

// sheetBook is a workbook of one sheet, named name, whose part is sheet.
func sheetBook(t *testing.T, name, sheet string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range [][2]string{
		{"xl/workbook.xml", `<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="` + name + `" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`},
		{"xl/worksheets/sheet1.xml", sheet},
	} {
		w, err := zw.Create(p[0])
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, p[1])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A ledger's unit is a code as written, or a name exactly one unit has; a
// name two units share, and a code in the wrong case, say so.
func TestLedgerUnitByName(t *testing.T) {
	us := NewUnits([]string{"H"}, []allocation.Unit{{Code: "S1", Name: "一站"}, {Code: "S2", Name: "新站"}, {Code: "S3", Name: "新站"}})
	if got := strings.Join(us.Codes, ","); got != "H,S1,S2,S3" {
		t.Errorf("codes %s", got)
	}
	label := colLabel{zh: "单位编码", en: "unit"}
	for s, want := range map[string][2]string{
		"S1": {"1", ""},
		"一站": {"1", ""},
		"新站": {"-1", `unit "新站" is the name of 2 units; give the unit's code`},
		"s2": {"-1", `unit "s2" is not a unit code or name of the budget or the units file ("S2" differs only in case: codes match exactly as written)`},
		"S9": {"-1", `unit "S9" is not a unit code or name of the budget or the units file`},
	} {
		i, why := us.find(s, label)
		if got := [2]string{itoa(int(i)), why.Localize(msg.EN)}; got != want {
			t.Errorf("%s: %q, want %q", s, got, want)
		}
	}
	if _, why := us.find("新站", label); why.Localize(msg.ZH) != `单位编码 "新站" 是 2 个单位的名称；请填写单位编码` {
		t.Errorf("zh: %s", why.Localize(msg.ZH))
	}
}
