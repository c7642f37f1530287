package synth

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"maps"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/xuri/excelize/v2"

	"fundalloc/allocation"
	"fundalloc/config"
	"fundalloc/sources"
)

// memSink keeps the generated files in memory.
type memSink struct {
	mu    sync.Mutex
	files map[string][]byte
}

func (s *memSink) Create(name string, write func(w io.Writer) error) error {
	var b bytes.Buffer
	if err := write(&b); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.files[name]; dup {
		return fmt.Errorf("%s created twice", name)
	}
	s.files[name] = b.Bytes()
	return nil
}

func generate(t *testing.T, p Params) (*Summary, map[string][]byte) {
	t.Helper()
	s := &memSink{files: map[string][]byte{}}
	sum, err := Generate(context.Background(), p, s)
	if err != nil {
		t.Fatal(err)
	}
	return sum, s.files
}

func tiny(f Format) Params {
	return Params{Stations: 7, RoomsPerStation: 3, FundLines: 40, Vouchers: 600, Format: f, Seed: 42}
}

func readCSV(t *testing.T, data []byte) [][]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(data))
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func TestDeterministic(t *testing.T) {
	p := tiny(CSV)
	p.Workers = 1
	_, a := generate(t, p)
	p.Workers = 4 // other files at once, in another order
	_, b := generate(t, p)
	if !slices.Equal(slices.Sorted(maps.Keys(a)), slices.Sorted(maps.Keys(b))) {
		t.Fatalf("files differ: %v vs %v", slices.Sorted(maps.Keys(a)), slices.Sorted(maps.Keys(b)))
	}
	for name := range a {
		if !bytes.Equal(a[name], b[name]) {
			t.Errorf("%s differs between two runs", name)
		}
	}
	p.Seed++
	_, c := generate(t, p)
	if bytes.Equal(a["data/units.csv"], c["data/units.csv"]) || bytes.Equal(a["data/ledgers/ledger-2026-05.csv"], c["data/ledgers/ledger-2026-05.csv"]) {
		t.Error("another seed gave the same data")
	}
}

func TestFilesAndCounts(t *testing.T) {
	for _, tc := range []struct {
		p         Params
		fundFiles int
	}{
		{Params{Stations: 1, RoomsPerStation: 0, FundLines: 1, Vouchers: 0}, 1},
		{Params{Stations: 3, RoomsPerStation: 2, FundLines: 2, Vouchers: 1}, 2},
		{Params{Stations: 5, RoomsPerStation: 4, FundLines: 6, Vouchers: 50}, 2},
		{Params{Stations: 12, RoomsPerStation: 1, FundLines: 333, Vouchers: 25_001}, 2},
	} {
		p := tc.p
		p.Format, p.Seed = CSV, 7
		t.Run(fmt.Sprintf("%d×%d,%d,%d", p.Stations, p.RoomsPerStation, p.FundLines, p.Vouchers), func(t *testing.T) {
			sum, files := generate(t, p)
			if len(files) != 2+tc.fundFiles+10 || !slices.Equal(sum.Files, Files(p)) {
				t.Fatalf("files %v, want %v", slices.Sorted(maps.Keys(files)), Files(p))
			}
			for _, name := range sum.Files {
				if _, ok := files[name]; !ok {
					t.Errorf("%s not written", name)
				}
			}
			units := readCSV(t, files["data/units.csv"])
			if got, want := len(units)-1, 1+p.Stations*(1+p.RoomsPerStation); got != want || sum.Units != want {
				t.Errorf("%d units (summary %d), want %d", got, sum.Units, want)
			}
			// Ids unique across all files of a kind.
			ids := map[string]string{}
			unique := func(name string, recs [][]string) int {
				for _, rec := range recs[1:] {
					if prev, dup := ids[rec[0]]; dup {
						t.Errorf("%s: id %s also in %s", name, rec[0], prev)
					}
					ids[rec[0]] = name
				}
				return len(recs) - 1
			}
			unique("data/units.csv", units)
			lines, vouchers := 0, 0
			for name, data := range files {
				switch {
				case strings.HasPrefix(name, "data/funds/"):
					lines += unique(name, readCSV(t, data))
				case strings.HasPrefix(name, "data/ledgers/"):
					vouchers += unique(name, readCSV(t, data))
				}
			}
			if lines != p.FundLines || vouchers != p.Vouchers || sum.FundLines != lines || sum.Vouchers != vouchers {
				t.Errorf("%d fund lines, %d vouchers; want %d, %d", lines, vouchers, p.FundLines, p.Vouchers)
			}
			checkInputs(t, p, sum, files)
		})
	}
}

func TestFundFilesSplit(t *testing.T) {
	for n, want := range map[int]int{1: 1, 2: 2, 60: 2, 250_000: 2, 500_000: 2, 500_001: 3, 1_000_000: 4} {
		if got := fundFiles(n); got != want {
			t.Errorf("fundFiles(%d) = %d, want %d", n, got, want)
		}
	}
	m := &model{p: Params{FundLines: 1_000_000}, fundFiles: 4}
	next := 0
	for k := range 4 {
		lo, hi := m.fundRange(k)
		if lo != next || hi-lo > maxFundsPerFile {
			t.Errorf("file %d: [%d, %d)", k, lo, hi)
		}
		next = hi
	}
	if next != 1_000_000 {
		t.Errorf("files end at %d", next)
	}
}

func TestPresets(t *testing.T) {
	for _, name := range PresetNames() {
		p, ok := Preset(name)
		if !ok || p.Validate() != nil || p.Preset != name {
			t.Errorf("preset %s: %+v, %v", name, p, p.Validate())
		}
	}
	if p, _ := Preset("national"); p.Stations != 38_600 || p.RoomsPerStation != 15 || p.FundLines != 1_000_000 || p.Vouchers != 3_000_000 {
		t.Errorf("national: %+v", p)
	}
	if _, ok := Preset("moon"); ok {
		t.Error("unknown preset accepted")
	}
	bad := Params{Stations: 0, RoomsPerStation: -1, FundLines: 0, Vouchers: -1, Format: "ods"}
	err := bad.Validate()
	for _, want := range []string{"stations 0", "rooms per station -1", "fund lines 0", "vouchers -1", `format "ods"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate: %v; want it to mention %q", err, want)
		}
	}
}

// checkInputs reads the generated data set with the real readers and checks
// the data set's promises.
func checkInputs(t *testing.T, p Params, sum *Summary, files map[string][]byte) {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: data}
	}
	base := sources.Base{FS: fsys}
	ext := string(p.Format)
	var probs sources.Problems
	lim := sources.DefaultLimits()
	usrc, err := base.Resolve([]string{"data/units." + ext})
	if err != nil {
		t.Fatal(err)
	}
	ut := sources.ReadUnits(usrc[0], sources.Options{Limits: lim, Drivers: sources.CommonDriverNames()}, &probs)
	fsrc, err := base.Resolve([]string{"data/funds/funds-*." + ext})
	if err != nil {
		t.Fatal(err)
	}
	cats := sources.NewCategories(config.DefaultCategories())
	ft := sources.ReadFunds(fsrc, sources.Options{Limits: lim}, cats, &probs)
	ft.CheckUnits(ut, &probs)
	lsrc, err := base.Resolve([]string{"data/ledgers/ledger-2026-*." + ext})
	if err != nil {
		t.Fatal(err)
	}
	led := sources.ReadLedgers(lsrc, sources.Options{Limits: lim}, cats, sources.NewUnits(nil, ut.Units), 2026, &probs)
	if err := probs.Err(); err != nil {
		t.Fatalf("the readers refuse the data set: %v", err)
	}
	if len(ut.Units) != sum.Units || len(ft.Lines) != p.FundLines || len(led.Entries) != p.Vouchers {
		t.Fatalf("read %d units, %d lines, %d vouchers", len(ut.Units), len(ft.Lines), len(led.Entries))
	}
	if !slices.Equal(ut.Drivers, []string{"social_workers", "population", "elderly", "children", "assistance"}) {
		t.Errorf("drivers %v", ut.Drivers)
	}

	// The tree: every room's parent is a station; a station's drivers are
	// the sums of its rooms'.
	byCode := map[string]*allocation.Unit{}
	for i := range ut.Units {
		byCode[ut.Units[i].Code] = &ut.Units[i]
	}
	sums := map[string][]allocation.Ratio{}
	stations, pilots := 0, 0
	for _, u := range ut.Units {
		switch u.Tier {
		case allocation.Station:
			stations++
			if u.Pilot {
				pilots++
			}
			if u.SocialWorkers < 2 || u.SocialWorkers > 4 || u.ContractYear < 1 || u.ContractYear > 3 {
				t.Errorf("station %s: %d workers, contract year %d", u.Code, u.SocialWorkers, u.ContractYear)
			}
		case allocation.Room:
			parent := byCode[u.Parent]
			if parent == nil || parent.Tier != allocation.Station || !strings.HasPrefix(u.Code, u.Parent+"-") {
				t.Errorf("room %s: parent %q is not its station", u.Code, u.Parent)
			}
			if u.SocialWorkers > 1 {
				t.Errorf("room %s: %d workers", u.Code, u.SocialWorkers)
			}
			if pop := u.Drivers[1].String(); len(pop) < 3 || len(pop) > 4 {
				t.Errorf("room %s: population %s", u.Code, pop)
			}
			s := sums[u.Parent]
			if s == nil {
				s = make([]allocation.Ratio, len(u.Drivers))
			}
			for d := 1; d < len(u.Drivers); d++ {
				n, _ := strconv.ParseUint(u.Drivers[d].String(), 10, 64)
				m, _ := strconv.ParseUint(s[d].String(), 10, 64)
				s[d] = allocation.Int(n + m)
			}
			sums[u.Parent] = s
		}
	}
	if stations != p.Stations || pilots != sum.Pilots {
		t.Errorf("%d stations, %d pilots; want %d, %d", stations, pilots, p.Stations, sum.Pilots)
	}
	for code, s := range sums {
		st := byCode[code]
		for d := 1; d < len(s); d++ {
			if st.Drivers[d] != s[d] {
				t.Errorf("station %s: %s = %v, its rooms sum to %v", code, ut.Drivers[d], st.Drivers[d], s[d])
			}
		}
	}

	// Fund lines: all > 0 (the reader checks it and the ids' uniqueness);
	// pooled money covers the fixed stages with 30 % to spare.
	var pool, directed allocation.Fen
	seenCat := map[int]bool{}
	for _, l := range ft.Lines {
		if l.Amount <= 0 {
			t.Errorf("fund line %s: amount %s", l.ID, l.Amount)
		}
		pool += l.Amount
		if l.Unit != "" {
			directed += l.Amount
		}
		seenCat[l.Category] = true
	}
	if pool != sum.Pool || directed != sum.Directed {
		t.Errorf("pool %s, directed %s; summary says %s, %s", pool, directed, sum.Pool, sum.Directed)
	}
	if pooled := pool - directed; int64(pooled)*7 < int64(sum.Need)*10 {
		t.Errorf("pooled %s does not cover need %s / 0.7", pooled, sum.Need)
	}
	if p.FundLines >= 7 && len(seenCat) != 7 {
		t.Errorf("fund lines in %d categories, want all 7", len(seenCat))
	}

	// Vouchers: exceptions only where planted; amounts > 0 but for refunds.
	flags := map[allocation.Exceptions]int{}
	for _, e := range led.Exceptions {
		flags[e.Kind]++
	}
	if flags[allocation.UnknownUnit]+flags[allocation.BadDate] != sum.Problems || len(flags) > 2 ||
		(p.Vouchers >= 2 && (flags[allocation.UnknownUnit] == 0 || flags[allocation.BadDate] == 0)) {
		t.Errorf("exceptions %v, want %d planted (unknown unit, bad date)", flags, sum.Problems)
	}
	negative := 0
	for _, e := range led.Entries {
		if e.Amount < 0 {
			negative++
		} else if e.Amount == 0 {
			t.Errorf("%s row %d: zero amount", led.Files[e.File], e.Row)
		}
	}
	if negative != sum.Refunds {
		t.Errorf("%d negative vouchers, summary says %d refunds", negative, sum.Refunds)
	}
}

func TestXLSXReadsBackTheSame(t *testing.T) {
	sumC, csvFiles := generate(t, tiny(CSV))
	sumX, xlFiles := generate(t, tiny(XLSX))
	checkInputs(t, tiny(XLSX), sumX, xlFiles)
	if sumC.Pool != sumX.Pool || sumC.Refunds != sumX.Refunds {
		t.Errorf("csv and xlsx data sets differ: pool %s vs %s", sumC.Pool, sumX.Pool)
	}
	// Cell for cell the same table, in the other header language.
	f, err := excelize.OpenReader(bytes.NewReader(xlFiles["data/ledgers/ledger-2026-03.xlsx"]))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0), excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	want := readCSV(t, csvFiles["data/ledgers/ledger-2026-03.csv"])
	if len(rows) != len(want) || rows[0][0] != "凭证号" {
		t.Fatalf("%d rows, want %d; header %v", len(rows), len(want), rows[0])
	}
	for i := 1; i < len(rows); i++ {
		got, w := rows[i], want[i]
		amount, err := sources.ParseAmount(got[4])
		if err != nil || amount.String() != w[4] || got[0] != w[0] || got[2] != w[2] {
			t.Errorf("row %d: %v, want %v", i+1, got, w)
		}
	}
	// Twice the same workbook cells.
	_, again := generate(t, tiny(XLSX))
	for name, data := range xlFiles {
		if strings.HasSuffix(name, ".xlsx") && !sameCells(t, data, again[name]) {
			t.Errorf("%s: cells differ between two runs", name)
		}
	}
}

func sameCells(t *testing.T, a, b []byte) bool {
	t.Helper()
	var rows [2][][]string
	for i, data := range [][]byte{a, b} {
		f, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		rows[i], err = f.GetRows(f.GetSheetName(0), excelize.Options{RawCellValue: true})
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	return slices.EqualFunc(rows[0], rows[1], slices.Equal)
}

func TestCellMoneyIsExact(t *testing.T) {
	for _, fen := range []int64{1, 5, 10, 99, 123456, 1234560, 100000000, 999_999_999_999_999, -15050, 12_345_678_901_234} {
		v, err := cellMoney(fen)
		if err != nil {
			t.Fatal(err)
		}
		got, err := sources.ParseAmount(strconv.FormatFloat(v, 'f', -1, 64))
		if err != nil || int64(got) != fen {
			t.Errorf("cellMoney(%d) = %v, read back as %v (%v)", fen, v, got, err)
		}
	}
	if _, err := cellMoney(1_000_000_000_000_000); err == nil {
		t.Error("16 digits accepted")
	}
	if _, err := cellMoney(math.MinInt64); err == nil {
		t.Error("MinInt64 accepted")
	}
}

func TestCSVQuoting(t *testing.T) {
	var b bytes.Buffer
	c := newCSV(&b)
	c.text(`a,b`)
	c.blank()
	c.text(`say "hi"`)
	c.money(-5)
	c.count(12)
	c.date(2, 9)
	if err := c.end(); err != nil {
		t.Fatal(err)
	}
	c.blank()
	c.text("x")
	c.end()
	c.close()
	if got, want := b.String(), "\"a,b\",,\"say \"\"hi\"\"\",-0.05,12,2026-02-09\n,x\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestConfigNamesTheFiles(t *testing.T) {
	_, files := generate(t, tiny(XLSX))
	cfg := string(files["fundalloc.yaml"])
	for _, want := range []string{"fiscal_year: 2026", "units: data/units.xlsx", "fund_lines: [data/funds/funds-*.xlsx]",
		"ledgers: [data/ledgers/ledger-2026-*.xlsx]", "out: out", `per_worker: "90000.00"`, `amount: "420000.00"`,
		"social_assistance: assistance", "charity: population", `share: "0.30"`, "monthly-reconciliation"} {
		if !strings.Contains(cfg, want) {
			t.Errorf("fundalloc.yaml lacks %q:\n%s", want, cfg)
		}
	}
}

// TestXLSXDimension checks that every sheet written says its true extent
// in <dimension ref="A1:…">: a reader that trusts it (openpyxl in
// read-only mode) otherwise sees one cell.
func TestXLSXDimension(t *testing.T) {
	_, files := generate(t, tiny(XLSX))
	n := 0
	for name, data := range files {
		if !strings.HasSuffix(name, ".xlsx") {
			continue
		}
		n++
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		rc, err := zr.Open("xl/worksheets/sheet1.xml")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		sheet, _ := io.ReadAll(rc)
		rc.Close()
		m := regexp.MustCompile(`<dimension ref="([A-Z0-9:]+)"`).FindSubmatch(sheet)
		f, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows(f.GetSheetName(0))
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		width := 0
		for _, r := range rows {
			width = max(width, len(r))
		}
		last, _ := excelize.CoordinatesToCellName(width, len(rows))
		if m == nil || string(m[1]) != "A1:"+last {
			t.Errorf("%s: dimension %q, want A1:%s", name, m, last)
		}
	}
	if n == 0 {
		t.Fatal("no workbook written")
	}
}
