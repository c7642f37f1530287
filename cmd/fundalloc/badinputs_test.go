package main

import (
	"archive/zip"
	"bytes"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// The catalogue of bad inputs: every kind of broken, huge or crafted input
// fundalloc has been tried on, with the exact message it prints. The test
// runs each against a small city and, with -update, writes the table to
// docs/bad-inputs.md; without -update it fails when the document differs
// from the table, so the catalogue cannot go stale.

const catalogue = "../../docs/bad-inputs.md"

// badCase is one case: the small city of writeCity (plus a ledger), with
// one thing broken.
type badCase struct {
	name string // the subtest's name
	kind string // what is wrong, for the catalogue
	// files to write over the city, by path relative to it: a string or
	// []byte is the content; a func writes the file itself.
	files map[string]any
	// config edits fundalloc.yaml's text; nil leaves it.
	config func(string) string
	// args after the program name; nil means budget.
	args []string
	// file is the input the message must name.
	file string
	// want is the exact first line of stderr, with the city's folder taken
	// out of paths (they are shown relative to it).
	want string
	// previous: a budget-2026.json from an earlier run is in the output
	// folder and must be left as it was.
	previous bool
}

var (
	reconcileOct = []string{"reconcile", "--month", "2026-10"}
	validate     = []string{"validate"}
)

// The small city: writeCity's configuration with these units, fund lines
// and ledger.
const (
	badCityUnits = "code,name,tier,parent,social_workers,pilot,grade,population\n" +
		"H,总站,hub,,2,,good,0\nS1,一站,station,H,2,yes,excellent,100\nS2,二站,station,H,1,,unqualified,50\nR1,一室,room,S1,,,,60\n"
	badCityFunds  = "id,category,provider,description,amount,designated_unit\nF1,charity,民政局,,1000.00,\nF2,elderly_care,民政局,,500.00,S1\n"
	badCityLedger = "voucher,date,unit,category,amount,description\nV1,2026-03-01,S1,charity,10.00,活动\n"
)

// replace returns a config edit that replaces old with new once.
func replace(old, new string) func(string) string {
	return func(s string) string {
		if !strings.Contains(s, old) {
			panic(fmt.Sprintf("config has no %q", old))
		}
		return strings.Replace(s, old, new, 1)
	}
}

// appendConfig returns a config edit that adds top-level keys.
func appendConfig(text string) func(string) string {
	return func(s string) string { return s + text }
}

// stage returns a config edit that adds text under stages:.
func stage(text string) func(string) string { return replace("stages:\n", "stages:\n"+text) }

// unitsWith returns the units file with row n (1 = header) replaced.
func unitsWith(n int, row string) string {
	lines := strings.SplitAfter(badCityUnits, "\n")
	lines[n-1] = row + "\n"
	return strings.Join(lines, "")
}

// demandLine is a line of a budget JSON: a station's demand line.
func demandLine(unit, category, amount string) string {
	return fmt.Sprintf(`{"unit": %q, "tier": "station", "category": %q, "stage": "demand", "status": "allocated", "amount": %q}`, unit, category, amount)
}

// fundsWith returns a fund file with the given rows.
func fundsWith(rows ...string) string {
	return "id,category,provider,description,amount,designated_unit\n" + strings.Join(rows, "\n") + "\n"
}

// ledgerWith returns a ledger file with the given header and rows.
func ledgerWith(header string, rows ...string) string {
	return header + "\n" + strings.Join(rows, "\n") + "\n"
}

// unitsWorkbook writes the city's units as an .xlsx with one sheet.
func unitsWorkbook(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for r, line := range strings.Split(strings.TrimSpace(badCityUnits), "\n") {
		for c, v := range strings.Split(line, ",") {
			ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
			if v != "" {
				f.SetCellStr("Sheet1", ref, v)
			}
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// ole2 is the header of a legacy compound document (.xls, or an encrypted
// .xlsx), padded to a sector; extra follows it.
func ole2(extra []byte) []byte {
	b := []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	b = append(b, make([]byte, 504)...)
	b = append(b, extra...)
	return append(b, make([]byte, 1024)...)
}

func utf16LE(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return b
}

// zipOf is a zip archive of the given files.
func zipOf(files map[string]string) []byte {
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	names := slices.Sorted(maps.Keys(files))
	for _, name := range names {
		f, _ := w.Create(name)
		f.Write([]byte(files[name]))
	}
	w.Close()
	return b.Bytes()
}

// garbage is deterministic random-looking bytes with NULs among them.
func garbage(n int) []byte {
	b := make([]byte, n)
	x := uint32(2463534242)
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	return b
}

// badInputs is the catalogue.
func badInputs() []badCase {
	return []badCase{
		// ——— Files that are not what they claim to be ———
		{name: "missing units file", kind: "the units file does not exist",
			want:   `units: nope.csv: no such file`,
			config: replace("units: units.csv", "units: nope.csv"), file: "nope.csv"},
		{name: "empty CSV", kind: "a zero-byte CSV file",
			want:  `units.csv: the file is empty`,
			files: map[string]any{"units.csv": ""}, file: "units.csv"},
		{name: "binary CSV", kind: "random binary bytes (with NULs) in a .csv",
			want:  `units.csv: binary data, not CSV text (is this the right file?)`,
			files: map[string]any{"units.csv": garbage(4096)}, file: "units.csv", previous: true},
		{name: "binary ledger", kind: "random binary bytes in a ledger .csv",
			want:  `ledgers/2026.csv: binary data, not CSV text (is this the right file?)`,
			files: map[string]any{"ledgers/2026.csv": garbage(1000)}, args: reconcileOct, file: "ledgers/2026.csv"},
		{name: "UTF-16 CSV", kind: "a CSV saved as UTF-16 (Excel's \"Unicode text\")",
			want:  `units.csv: UTF-16 text, not CSV: save it from Excel or WPS as "CSV UTF-8" or as .xlsx`,
			files: map[string]any{"units.csv": append([]byte{0xFF, 0xFE}, utf16LE(badCityUnits)...)}, file: "units.csv"},
		{name: "text named xlsx", kind: "a text file named .xlsx (not a zip)",
			want:  `units.xlsx: not an .xlsx workbook (the file is not a zip archive)`,
			files: map[string]any{"units.xlsx": badCityUnits}, config: replace("units.csv", "units.xlsx"), file: "units.xlsx"},
		{name: "truncated xlsx", kind: "a workbook cut short (half of a real .xlsx)",
			want: `units.xlsx: the workbook is damaged or incomplete: its zip directory is missing or corrupt (was the file copied or downloaded completely?)`,
			files: map[string]any{"units.xlsx": func(t *testing.T, p string) {
				b := unitsWorkbook(t)
				os.WriteFile(p, b[:len(b)/2], 0o644)
			}}, config: replace("units.csv", "units.xlsx"), file: "units.xlsx", previous: true},
		{name: "corrupt xlsx", kind: "a workbook with a byte flipped in its compressed data",
			want: `units.xlsx:Sheet1: the workbook is damaged or incomplete: xl/worksheets/sheet1.xml holds corrupt compressed data`,
			files: map[string]any{"units.xlsx": func(t *testing.T, p string) {
				b := unitsWorkbook(t)
				at := bytes.Index(b, []byte("xl/worksheets/sheet1.xml")) + len("xl/worksheets/sheet1.xml")
				for i := at + 8; i < at+40; i++ {
					b[i] ^= 0x55 // the sheet's compressed data
				}
				os.WriteFile(p, b, 0o644)
			}}, config: replace("units.csv", "units.xlsx"), file: "units.xlsx"},
		{name: "legacy xls", kind: "a legacy .xls workbook (OLE2)",
			want:  `units.xls: this is a legacy .xls workbook: open it in Excel or WPS and save it as .xlsx`,
			files: map[string]any{"units.xls": ole2(nil)}, config: replace("units.csv", "units.xls"), file: "units.xls"},
		{name: "password xlsx", kind: "a password-protected .xlsx (OLE2 with EncryptionInfo)",
			want:  `units.xlsx: the workbook is password-protected: remove the password in Excel or WPS and save it again`,
			files: map[string]any{"units.xlsx": ole2(utf16LE("EncryptionInfo"))}, config: replace("units.csv", "units.xlsx"), file: "units.xlsx"},
		{name: "empty xlsx", kind: "a zero-byte .xlsx",
			want:  `units.xlsx: the file is empty`,
			files: map[string]any{"units.xlsx": ""}, config: replace("units.csv", "units.xlsx"), file: "units.xlsx"},
		{name: "html named xls", kind: "an HTML table saved as .xls (what many web systems export)",
			want:   `funds/a.xls: not an .xlsx workbook (the file is not a zip archive)`,
			files:  map[string]any{"funds/a.xls": "<html><body><table><tr><td>id</td></tr></table></body></html>\n"},
			config: replace("[funds/*.csv]", "[funds/*.csv, funds/*.xls]"), file: "funds/a.xls"},
		{name: "missing sheet", kind: "sheets.units names a sheet the workbook does not have",
			want:  `units.xlsx: sheet "不存在" not found; the workbook has sheets: "Sheet1"`,
			files: map[string]any{"units.xlsx": func(t *testing.T, p string) { os.WriteFile(p, unitsWorkbook(t), 0o644) }},
			config: func(s string) string {
				return replace("units.csv", "units.xlsx")(s) + "sheets:\n  units: 不存在\n"
			}, file: "units.xlsx"},
		{name: "ragged row", kind: "a CSV row with an extra field",
			want:  `units.csv:4: the row has 9 cells but the header row has 8 (a stray comma or a missing quote?)`,
			files: map[string]any{"units.csv": unitsWith(4, "S2,二站,station,H,1,,unqualified,50,7")}, file: "units.csv"},
		{name: "unclosed quote", kind: "a CSV field with a quote that is never closed",
			want:  `funds/a.csv:2: not valid CSV: extraneous or missing " in quoted-field`,
			files: map[string]any{"funds/a.csv": fundsWith(`F1,charity,"民政局,,1000.00,`)}, file: "funds/a.csv"},
		{name: "8 MB field", kind: "a CSV field of 8 MB",
			want:  `units.csv:4:B: a cell of more than 32768 bytes; at most 32768 are accepted (limits.max_field_bytes)`,
			files: map[string]any{"units.csv": unitsWith(4, "S2,"+strings.Repeat("名", 8<<20/3)+"xx,station,H,1,,unqualified,50")},
			file:  "units.csv", previous: true},
		{name: "too many cells", kind: "a CSV row of 2,000 cells",
			want:  `funds/a.csv:2: more than 1024 cells in one row; at most 1024 are accepted (limits.max_cells_per_row)`,
			files: map[string]any{"funds/a.csv": fundsWith("F1,charity,p,,5," + strings.Repeat(",", 2000))}, file: "funds/a.csv"},
		{name: "ods named xlsx", kind: "an OpenDocument spreadsheet named .xlsx",
			want:   `units.xlsx: this is an OpenDocument (.ods) spreadsheet: open it in Excel or WPS and save it as .xlsx`,
			files:  map[string]any{"units.xlsx": zipOf(map[string]string{"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<office:document-content/>"})},
			config: replace("units.csv", "units.xlsx"), file: "units.xlsx"},
		{name: "xlsb named xlsx", kind: "a binary .xlsb workbook named .xlsx",
			want:   `units.xlsx: this is a binary .xlsb workbook: open it in Excel or WPS and save it as .xlsx`,
			files:  map[string]any{"units.xlsx": zipOf(map[string]string{"[Content_Types].xml": "<Types/>", "xl/workbook.bin": "\x83\x01\x00"})},
			config: replace("units.csv", "units.xlsx"), file: "units.xlsx"},
		{name: "zip not a workbook", kind: "a zip archive that is not a workbook, named .xlsx",
			want:   `units.xlsx: not an .xlsx workbook (no xl/workbook.xml)`,
			files:  map[string]any{"units.xlsx": zipOf(map[string]string{"readme.txt": "hello"})},
			config: replace("units.csv", "units.xlsx"), file: "units.xlsx"},
		{name: "zip bomb", kind: "a workbook that inflates beyond limits.unzip_size",
			want:  `units.xlsx: the workbook inflates to more than 4096 bytes (limits.unzip_size)`,
			files: map[string]any{"units.xlsx": func(t *testing.T, p string) { os.WriteFile(p, unitsWorkbook(t), 0o644) }},
			config: func(s string) string {
				return replace("units.csv", "units.xlsx")(s) + "limits:\n  unzip_size: 4096\n  unzip_xml_size: 4096\n"
			},
			file: "units.xlsx"},
		{name: "xlsx long cell", kind: "an .xlsx cell of 39,000 bytes",
			want: `units.xlsx:Sheet1:4:B: a cell of more than 32768 bytes; at most 32768 are accepted`,
			files: map[string]any{"units.xlsx": func(t *testing.T, p string) {
				f, err := excelize.OpenReader(bytes.NewReader(unitsWorkbook(t)))
				if err != nil {
					t.Fatal(err)
				}
				f.SetCellStr("Sheet1", "B4", strings.Repeat("名", 13000))
				if err := f.SaveAs(p); err != nil {
					t.Fatal(err)
				}
			}}, config: replace("units.csv", "units.xlsx"), file: "units.xlsx"},
		{name: "too many rows", kind: "more rows than limits.max_rows",
			want:   `units.csv:4: more than 3 rows (limits.max_rows)`,
			config: appendConfig("limits:\n  max_rows: 3\n"), file: "units.csv"},
		{name: "units glob", kind: "units: a glob that matches no file",
			want:   `units: units/*.csv matches no file`,
			config: replace("units: units.csv", "units: \"units/*.csv\""), file: "units/*.csv"},
		{name: "units two files", kind: "units: a glob that matches two files",
			want:   `units: units*.csv matches 2 files (units.csv, units2.csv); name one units file`,
			files:  map[string]any{"units2.csv": badCityUnits},
			config: replace("units: units.csv", "units: \"units*.csv\""), file: "units*.csv"},
		{name: "header only", kind: "a units file with a header and no rows",
			want:  `units.csv: no units: the file has a header but no rows`,
			files: map[string]any{"units.csv": "code,name,tier,parent\n"}, file: "units.csv"},
		{name: "blank file", kind: "a CSV of blank lines only",
			want:  `units.csv: no header row: the file has no data`,
			files: map[string]any{"units.csv": "\n\n \n"}, file: "units.csv"},

		{name: "GB18030 bad amount", kind: "a GB18030 (GBK) CSV with Chinese headers and a bad amount",
			want: `funds/a.csv:2:D: amount "1,0000.00" is not an amount (digits, an optional ¥ and , separators, at most 2 decimals)`,
			files: map[string]any{"funds/a.csv": func(t *testing.T, p string) {
				gb, err := simplifiedchinese.GB18030.NewEncoder().String("编号,类别,来源单位,金额\nF1,慈善资源,民政局,\"1,0000.00\"\n")
				if err != nil {
					t.Fatal(err)
				}
				os.WriteFile(p, []byte(gb), 0o644)
			}}, file: "funds/a.csv"},

		// ——— Units (DESIGN §3.1) ———
		{name: "units missing column", kind: "units: a required column (tier) is missing",
			want:  `units.csv:1: missing column tier (层级) (the header row must name code (编码), name (名称), tier (层级), parent (上级编码); rows looked at: 1–2)`,
			files: map[string]any{"units.csv": "code,name,parent\nH,总站,\n"}, file: "units.csv"},
		{name: "units duplicate column", kind: "units: the same column twice",
			want:  `units.csv:1:H: column name (名称) appears twice (also column B)`,
			files: map[string]any{"units.csv": strings.Replace(badCityUnits, "population", "name", 1)}, file: "units.csv"},
		{name: "units duplicate driver", kind: "units: one driver under two headers (population and 人口)",
			want:  `units.csv:1:I: column population (人口) appears twice (also column H)`,
			files: map[string]any{"units.csv": strings.Replace(strings.ReplaceAll(badCityUnits, "\n", ",1\n"), "population,1", "population,人口", 1)}, file: "units.csv"},
		{name: "units empty code", kind: "units: code empty",
			want:  `units.csv:3:A: code is empty`,
			files: map[string]any{"units.csv": unitsWith(3, ",一站,station,H,2,yes,excellent,100")}, file: "units.csv"},
		{name: "units duplicate code", kind: "units: the same code twice",
			want:  `units.csv:4:A: code "S1" appears twice (first at row 3)`,
			files: map[string]any{"units.csv": unitsWith(4, "S1,二站,station,H,1,,unqualified,50")}, file: "units.csv", previous: true},
		{name: "units empty name", kind: "units: name empty",
			want:  `units.csv:3:B: name is empty`,
			files: map[string]any{"units.csv": unitsWith(3, "S1,,station,H,2,yes,excellent,100")}, file: "units.csv"},
		{name: "units bad tier", kind: "units: tier not hub/station/room",
			want:  `units.csv:3:C: tier "town" is not a tier: use hub, station or room (总站, 社工站, 社工室)`,
			files: map[string]any{"units.csv": unitsWith(3, "S1,一站,town,H,2,yes,excellent,100")}, file: "units.csv"},
		{name: "units workers letters", kind: "units: social_workers in words",
			want:  `units.csv:3:E: social_workers "two" is not a number`,
			files: map[string]any{"units.csv": unitsWith(3, "S1,一站,station,H,two,yes,excellent,100")}, file: "units.csv"},
		{name: "units workers negative", kind: "units: social_workers negative",
			want:  `units.csv:3:E: social_workers "-1" must not be negative`,
			files: map[string]any{"units.csv": unitsWith(3, "S1,一站,station,H,-1,yes,excellent,100")}, file: "units.csv"},
		{name: "units workers fraction", kind: "units: social_workers not whole",
			want:  `units.csv:3:E: social_workers "1.5" is not a whole number`,
			files: map[string]any{"units.csv": unitsWith(3, "S1,一站,station,H,1.5,yes,excellent,100")}, file: "units.csv"},
		{name: "units workers huge", kind: "units: social_workers beyond any head count",
			want:  `units.csv:3:E: social_workers "99999999999" is too large`,
			files: map[string]any{"units.csv": unitsWith(3, "S1,一站,station,H,99999999999,yes,excellent,100")}, file: "units.csv"},
		{name: "units bad pilot", kind: "units: pilot not yes/no",
			want:  `units.csv:3:F: pilot "maybe" is not yes or no (是/否, true/false, 1/0)`,
			files: map[string]any{"units.csv": unitsWith(3, "S1,一站,station,H,2,maybe,excellent,100")}, file: "units.csv"},
		{name: "units bad grade", kind: "units: grade not a grade",
			want:  `units.csv:3:G: grade "great" is not a grade: use excellent, good, qualified, unqualified or new (优秀, 良好, 合格, 不合格, 新建)`,
			files: map[string]any{"units.csv": unitsWith(3, "S1,一站,station,H,2,yes,great,100")}, file: "units.csv"},
		{name: "units contract year", kind: "units: contract_year outside 1–3",
			want:  `units.csv:3:E: contract_year "4" is not 1, 2 or 3 (the year within the three-year cycle)`,
			files: map[string]any{"units.csv": "code,name,tier,parent,contract_year,population\nH,总站,hub,,,0\nS1,一站,station,H,4,100\n"},
			file:  "units.csv"},
		{name: "units driver negative", kind: "units: a driver value below 0",
			want:  `units.csv:3:H: driver population "-100" must not be negative (a driver column holds numbers ≥ 0)`,
			files: map[string]any{"units.csv": unitsWith(3, "S1,一站,station,H,2,yes,excellent,-100")}, file: "units.csv"},
		{name: "units driver letters", kind: "units: a driver value in words",
			want:  `units.csv:3:H: driver population "一百" is not a number (a driver column holds numbers ≥ 0)`,
			files: map[string]any{"units.csv": unitsWith(3, "S1,一站,station,H,2,yes,excellent,一百")}, file: "units.csv"},
		{name: "units driver precision", kind: "units: a driver value with more than 19 decimals",
			want:  `units.csv:3:H: driver population "1.00000000000000000001" has more decimal places than fundalloc keeps (19) (a driver column holds numbers ≥ 0)`,
			files: map[string]any{"units.csv": unitsWith(3, "S1,一站,station,H,2,yes,excellent,1.00000000000000000001")}, file: "units.csv"},
		{name: "units no hub", kind: "units: no hub",
			want:  `units.csv: no hub: exactly one unit must have tier hub (总站)`,
			files: map[string]any{"units.csv": unitsWith(2, "H,总站,station,,2,,good,0")}, file: "units.csv"},
		{name: "units two hubs", kind: "units: a second hub",
			want:  `units.csv:4:C: a second hub: "H" is the hub already (row 2); there is exactly one`,
			files: map[string]any{"units.csv": unitsWith(4, "S2,二站,hub,,1,,unqualified,50")}, file: "units.csv"},
		{name: "units hub parent", kind: "units: the hub has a parent",
			want:  `units.csv:2:D: parent "S1": the hub has no parent; leave it empty`,
			files: map[string]any{"units.csv": unitsWith(2, "H,总站,hub,S1,2,,good,0")}, file: "units.csv"},
		{name: "units no parent", kind: "units: a station without a parent",
			want:  `units.csv:3:D: parent is empty: a station's parent must be the hub`,
			files: map[string]any{"units.csv": unitsWith(3, "S1,一站,station,,2,yes,excellent,100")}, file: "units.csv"},
		{name: "units unknown parent", kind: "units: a parent code that is not in the file",
			want:  `units.csv:5:D: parent "S9" is not the code of any unit in this file`,
			files: map[string]any{"units.csv": unitsWith(5, "R1,一室,room,S9,,,,60")}, file: "units.csv"},
		{name: "units wrong parent tier", kind: "units: a room under the hub",
			want:  `units.csv:5:D: parent "H" is a hub: a room's parent must be a station`,
			files: map[string]any{"units.csv": unitsWith(5, "R1,一室,room,H,,,,60")}, file: "units.csv"},

		// ——— Fund lines (DESIGN §3.2) and amounts (§3.4) ———
		{name: "funds missing column", kind: "funds: the amount column is missing",
			want:  `funds/a.csv:1: missing column amount (金额) (the header row must name id (编号), category (类别), provider (来源单位), amount (金额); rows looked at: 1–2)`,
			files: map[string]any{"funds/a.csv": "id,category,provider\nF1,charity,p\n"}, file: "funds/a.csv"},
		{name: "funds empty id", kind: "funds: id empty",
			want:  `funds/a.csv:2:A: id is empty`,
			files: map[string]any{"funds/a.csv": fundsWith(",charity,p,,5,")}, file: "funds/a.csv"},
		{name: "funds duplicate id", kind: "funds: the same id in two files",
			want:  `funds/b.csv:2:A: id "F1" is used twice (first at funds/a.csv row 2); ids are unique across all fund files`,
			files: map[string]any{"funds/b.csv": fundsWith("F1,charity,p,,5,")}, file: "funds/b.csv", previous: true},
		{name: "funds unknown category", kind: "funds: a category that is not configured",
			want:  `funds/a.csv:2:B: category "救灾" is not a category; use one of: social_assistance 社会救助, elderly_care 养老服务, child_welfare 儿童福利, community_governance 社区治理, social_affairs 社会事务, partner_org 部门及群团组织资金, charity 慈善资源`,
			files: map[string]any{"funds/a.csv": fundsWith("F1,救灾,p,,5,")}, file: "funds/a.csv"},
		{name: "funds empty provider", kind: "funds: provider empty",
			want:  `funds/a.csv:2:C: provider is empty`,
			files: map[string]any{"funds/a.csv": fundsWith("F1,charity,,,5,")}, file: "funds/a.csv"},
		{name: "funds unknown unit", kind: "funds: designated_unit not in the units file",
			want:  `funds/a.csv:2:F: designated_unit "S9" is not a unit code in units.csv`,
			files: map[string]any{"funds/a.csv": fundsWith("F1,charity,p,,5,S9")}, file: "funds/a.csv"},
		{name: "amount empty", kind: "amount: empty",
			want:  `funds/a.csv:2:E: amount is empty`,
			files: map[string]any{"funds/a.csv": fundsWith("F1,charity,p,,,")}, file: "funds/a.csv"},
		{name: "amount letters", kind: "amount: letters",
			want:  `funds/a.csv:2:E: amount "abc" is not an amount (digits, an optional ¥ and , separators, at most 2 decimals)`,
			files: map[string]any{"funds/a.csv": fundsWith("F1,charity,p,,abc,")}, file: "funds/a.csv"},
		{name: "amount wan", kind: "amount: Chinese unit (45万)",
			want:  `funds/a.csv:2:E: amount "45万" is not an amount (digits, an optional ¥ and , separators, at most 2 decimals)`,
			files: map[string]any{"funds/a.csv": fundsWith("F1,charity,p,,45万,")}, file: "funds/a.csv"},
		{name: "amount exponent", kind: "amount: an exponent in text (1e5)",
			want:  `funds/a.csv:2:E: amount "1e5" is not an amount (digits, an optional ¥ and , separators, at most 2 decimals)`,
			files: map[string]any{"funds/a.csv": fundsWith("F1,charity,p,,1e5,")}, file: "funds/a.csv"},
		{name: "amount three decimals", kind: "amount: 3 decimals",
			want:  `funds/a.csv:2:E: amount "12.345" has more than 2 decimal places`,
			files: map[string]any{"funds/a.csv": fundsWith("F1,charity,p,,12.345,")}, file: "funds/a.csv", previous: true},
		{name: "amount bad grouping", kind: "amount: thousands separators in the wrong place (1,23)",
			want:  `funds/a.csv:2:E: amount "1,23" is not an amount (digits, an optional ¥ and , separators, at most 2 decimals)`,
			files: map[string]any{"funds/a.csv": fundsWith(`F1,charity,p,,"1,23",`)}, file: "funds/a.csv"},
		{name: "amount overflow", kind: "amount: more than the money type holds (20 digits)",
			want:  `funds/a.csv:2:E: amount "99999999999999999999" is too large: at most 9,999,999,999,999.99 yuan is accepted (15 digits, what a spreadsheet shows exactly)`,
			files: map[string]any{"funds/a.csv": fundsWith("F1,charity,p,,99999999999999999999,")}, file: "funds/a.csv"},
		{name: "amount beyond a spreadsheet", kind: "amount: more than a spreadsheet shows exactly (16 digits)",
			want:  `funds/a.csv:2:E: amount "99999999999999.99" is too large: at most 9,999,999,999,999.99 yuan is accepted (15 digits, what a spreadsheet shows exactly)`,
			files: map[string]any{"funds/a.csv": fundsWith("F1,charity,p,,99999999999999.99,")}, file: "funds/a.csv"},
		{name: "amount sum overflow", kind: "amount: lines each valid whose total is beyond what a spreadsheet shows",
			want:  `funds/b.csv:3:E: amount 1000000000000.00: with it the fund lines add up to more than 9,999,999,999,999.99 yuan, more than fundalloc accepts (15 digits, what a spreadsheet shows exactly)`,
			files: map[string]any{"funds/b.csv": fundsWith("F8,charity,p,,9000000000000.00,", "F9,elderly_care,p,,¥1000000000000.00,")}, file: "funds/b.csv"},
		{name: "amount xlsx overflow", kind: "amount: a numeric .xlsx cell of 1E+20",
			want: `funds/a.xlsx:Sheet1:2:D: amount "100000000000000000000" is too large: at most 9,999,999,999,999.99 yuan is accepted (15 digits, what a spreadsheet shows exactly)`,
			files: map[string]any{"funds/a.xlsx": func(t *testing.T, p string) {
				f := excelize.NewFile()
				defer f.Close()
				f.SetSheetRow("Sheet1", "A1", &[]any{"id", "category", "provider", "amount"})
				f.SetSheetRow("Sheet1", "A2", &[]any{"F9", "charity", "p", 1e20})
				if err := f.SaveAs(p); err != nil {
					t.Fatal(err)
				}
			}}, config: replace("[funds/*.csv]", "[funds/*.csv, funds/*.xlsx]"), file: "funds/a.xlsx"},
		{name: "amount zero", kind: "amount: zero",
			want:  `funds/a.csv:2:E: amount "0.00" must be greater than 0`,
			files: map[string]any{"funds/a.csv": fundsWith("F1,charity,p,,0.00,")}, file: "funds/a.csv"},
		{name: "amount negative", kind: "amount: negative",
			want:  `funds/a.csv:2:E: amount "-5" must be greater than 0`,
			files: map[string]any{"funds/a.csv": fundsWith("F1,charity,p,,-5,")}, file: "funds/a.csv"},
		{name: "fund file missing", kind: "fund_lines: a file named that does not exist",
			want:   `fund_lines: funds/2026年.csv: no such file`,
			config: replace("[funds/*.csv]", "[funds/a.csv, funds/2026年.csv]"), file: "funds/2026年.csv"},
		{name: "funds no match", kind: "fund_lines: the glob matches no file",
			want:   `fund_lines: [funds/*.xlsx] match no file`,
			config: replace("[funds/*.csv]", "[funds/*.xlsx]"), file: "fund_lines"},

		// ——— Ledgers: file-level problems stop reconcile (DESIGN §3.3) ———
		{name: "ledger missing column", kind: "ledger: the date column is missing",
			want:  `ledgers/2026.csv:1: missing column date (日期) (the header row must name voucher (凭证号), date (日期), unit (单位编码), category (类别), amount (金额); rows looked at: 1–2)`,
			files: map[string]any{"ledgers/2026.csv": ledgerWith("voucher,unit,category,amount", "V1,S1,charity,10")}, args: reconcileOct, file: "ledgers/2026.csv"},
		{name: "ledger empty", kind: "ledger: a zero-byte file",
			want:  `ledgers/2026.csv: the file is empty`,
			files: map[string]any{"ledgers/2026.csv": ""}, args: reconcileOct, file: "ledgers/2026.csv"},
		{name: "ledger ragged", kind: "ledger: a row with a stray comma",
			want:  `ledgers/2026.csv:2: the row has 7 cells but the header row has 6 (a stray comma or a missing quote?)`,
			files: map[string]any{"ledgers/2026.csv": ledgerWith("voucher,date,unit,category,amount,description", "V1,2026-03-01,S1,charity,1,234.00,x")},
			args:  reconcileOct, file: "ledgers/2026.csv", previous: true},
		{name: "ledger no match", kind: "ledgers: the glob matches no file",
			want:   `ledgers: [ledgers/*.xlsx] match no file; set ledgers: in the configuration`,
			config: replace("ledgers: [ledgers/*.csv]", "ledgers: [ledgers/*.xlsx]"), args: reconcileOct, file: "ledgers/*.xlsx"},
		{name: "ledger file missing", kind: "ledgers: a file named that does not exist",
			want:   `ledgers: ledgers/10月.csv: no such file`,
			config: replace("ledgers: [ledgers/*.csv]", "ledgers: [ledgers/2026.csv, ledgers/10月.csv]"), args: reconcileOct, file: "ledgers/10月.csv"},
		{name: "ledger not zip", kind: "ledger: a text file named .xlsx",
			want:  `ledgers/2026.xlsx: not an .xlsx workbook (the file is not a zip archive)`,
			files: map[string]any{"ledgers/2026.xlsx": badCityLedger}, config: replace("ledgers: [ledgers/*.csv]", "ledgers: [ledgers/*.xlsx]"),
			args: reconcileOct, file: "ledgers/2026.xlsx"},
		{name: "ledger duplicate column", kind: "ledger: the amount column twice",
			want:  `ledgers/2026.csv:1:F: column amount (金额) appears twice (also column E)`,
			files: map[string]any{"ledgers/2026.csv": ledgerWith("voucher,date,unit,category,amount,金额", "V1,2026-03-01,S1,charity,10.00,10.00")},
			args:  reconcileOct, file: "ledgers/2026.csv"},
		{name: "ledgers not set", kind: "ledgers: not set in the configuration",
			want:   `ledgers: not set: name the expenditure ledger files in the configuration, e.g. ledgers: [data/ledgers/*.xlsx]`,
			config: replace("ledgers: [ledgers/*.csv]\n", ""), args: reconcileOct, file: "ledgers"},
		{name: "budget file missing", kind: "reconcile --budget: a file that does not exist",
			want: `out/budget-2025.json: no such file (--budget)`,
			args: append(slices.Clone(reconcileOct), "--budget", "out/budget-2025.json"), file: "out/budget-2025.json"},
		{name: "budget file not json", kind: "reconcile --budget: a file that is not a budget JSON",
			want:  `old.json: not a budget JSON: it does not start with {`,
			files: map[string]any{"old.json": "budget,2026\n"}, args: append(slices.Clone(reconcileOct), "--budget", "old.json"), file: "old.json"},

		// ——— Configuration (DESIGN §5) ———
		{name: "budget file too large", kind: "reconcile --budget: a budget JSON whose lines add up beyond what a spreadsheet shows",
			want:  `old.json: lines[1]: with it the lines add up to more than 9,999,999,999,999.99 yuan, more than fundalloc accepts (15 digits, what a spreadsheet shows exactly)`,
			files: map[string]any{"old.json": `{"fiscal_year": 2026, "categories": ["charity"], "lines": [` + demandLine("S1", "charity", "9999999999999.99") + `, ` + demandLine("S2", "charity", "0.01") + `]}`},
			args:  append(slices.Clone(reconcileOct), "--budget", "old.json"), file: "old.json"},
		{name: "budget file category twice", kind: "a budget JSON read back that lists a category twice (it would be counted twice)",
			want:  `old.json: categories[1]: "charity" appears twice (first at categories[0])`,
			files: map[string]any{"old.json": `{"fiscal_year": 2026, "categories": ["charity", "charity"], "lines": [` + demandLine("S1", "charity", "10.00") + `]}`},
			args:  append(slices.Clone(reconcileOct), "--budget", "old.json"), file: "old.json"},
		{name: "budget file unknown category", kind: "a budget JSON read back with a line in a category it does not list",
			want:  `old.json: lines[0].category: category "救灾" is not in its categories`,
			files: map[string]any{"old.json": `{"fiscal_year": 2026, "categories": ["charity"], "lines": [` + demandLine("S1", "救灾", "10.00") + `]}`},
			args:  append(slices.Clone(reconcileOct), "--budget", "old.json"), file: "old.json"},
		{name: "budget file edited", kind: "a budget JSON read back whose lines no longer add up to its pool (an edited amount)",
			want: `old.json: pool[0]: the lines (11.00) and the unallocated money (0.00) add up to 11.00, not the pool's 10.00`,
			files: map[string]any{"old.json": `{"fiscal_year": 2026, "categories": ["charity"], "pool": [{"category": "charity", "total": "10.00", "designated": "0.00", "pooled": "10.00"}], ` +
				`"unallocated": [{"category": "charity", "amount": "0.00"}], "lines": [` + demandLine("S1", "charity", "11.00") + `]}`},
			args: append(slices.Clone(reconcileOct), "--budget", "old.json"), file: "old.json"},
		{name: "budget file line without stage", kind: "a budget JSON read back with a line that names no stage",
			want:  `old.json: lines[0].stage: missing`,
			files: map[string]any{"old.json": `{"fiscal_year": 2026, "categories": ["charity"], "lines": [{"unit": "S1", "category": "charity", "status": "allocated", "amount": "10.00"}]}`},
			args:  append(slices.Clone(reconcileOct), "--budget", "old.json"), file: "old.json"},
		{name: "config missing", kind: "--config names a file that does not exist",
			want: `nope.yaml: cannot read the configuration: no such file`,
			args: []string{"budget", "--config", "nope.yaml"}, file: "nope.yaml"},
		{name: "config not yaml", kind: "the configuration is not YAML",
			want:   `fundalloc.yaml: line 1 is not valid YAML: did not find expected ',' or ']'`,
			config: func(string) string { return "fiscal_year: [2026\n" }, file: "fundalloc.yaml"},
		{name: "config tab", kind: "the configuration is indented with a tab",
			want:   `fundalloc.yaml: line 5 has a tab character: YAML indents with spaces only; replace the tab with spaces`,
			config: replace("  demand:\n", "\tdemand:\n"), file: "fundalloc.yaml"},
		{name: "config value of the wrong type", kind: "a value of the wrong type",
			want:   `fundalloc.yaml: fiscal_year: "twenty" is not a whole number`,
			config: replace("fiscal_year: 2026", "fiscal_year: twenty"), file: "fundalloc.yaml"},
		{name: "config misspelt key", kind: "a misspelt key",
			want:   `fundalloc.yaml: stages.hub.amonut: unknown key (did you mean amount?)`,
			config: stage("  hub: {amonut: \"5\"}\n"), file: "fundalloc.yaml"},
		{name: "config unquoted amount", kind: "an amount written without quotes",
			want:   `fundalloc.yaml: stages.pilot.amount: 1.2000005e+06: write the value in quotes ("1.2000005e+06") so it is read exactly, not as a floating-point number`,
			config: stage("  pilot: {amount: 1200000.5}\n"), file: "fundalloc.yaml", previous: true},
		{name: "config bad amount", kind: "an amount that is not one (45万)",
			want:   `fundalloc.yaml: stages.hub.amount: "45万" is not an amount (digits, an optional ¥ and , separators, at most 2 decimals)`,
			config: stage("  hub: {amount: \"45万\"}\n"), file: "fundalloc.yaml"},
		{name: "config share range", kind: "a share above 1",
			want:   `fundalloc.yaml: stages.rooms.share: "1.5" must be between 0 and 1`,
			config: stage("  rooms: {share: \"1.5\"}\n"), file: "fundalloc.yaml"},
		{name: "config cron", kind: "a bad cron spec",
			want:   `fundalloc.yaml: schedule.jobs[0].spec: "0 6 1 *" is not a cron spec (5 fields, e.g. "0 6 1 * *", or @monthly, @every 1h): expected exactly 5 fields, found 4: [0 6 1 *]`,
			config: appendConfig("schedule:\n  jobs: [{name: m, spec: \"0 6 1 *\", run: reconcile}]\n"), file: "fundalloc.yaml"},
		{name: "config no year", kind: "fiscal_year missing",
			want:   `fundalloc.yaml: fiscal_year: missing: set the budget year, e.g. fiscal_year: 2026`,
			config: replace("fiscal_year: 2026\n", ""), file: "fundalloc.yaml"},
		{name: "config driver column", kind: "a demand driver column the units file lacks",
			want:   `fundalloc.yaml: stages.demand.drivers.charity: column "elderly" is not in the units file units.csv (its driver columns: "social_workers", "population")`,
			config: replace("charity: population", "charity: elderly"), file: "fundalloc.yaml"},
		{name: "config driver missing", kind: "a demand category without a driver",
			want:   `fundalloc.yaml: stages.demand.drivers.charity: missing: every demand category must name a driver column of the units file (e.g. population)`,
			config: replace("charity: population", "charity: \"\""), file: "fundalloc.yaml"},
		{name: "config category", kind: "a stage category that is not a category",
			want:   `fundalloc.yaml: stages.hub.categories[1]: "救灾" is not a category`,
			config: stage("  hub: {amount: \"1\", categories: [charity, 救灾]}\n"), args: validate, file: "fundalloc.yaml"},
		{name: "config phasing", kind: "phasing with 2 months, not 12",
			want:   `fundalloc.yaml: reconcile.phasing: has 2 values; give 12 monthly percentages (or even)`,
			config: appendConfig("reconcile:\n  phasing: [50, 50]\n"), args: reconcileOct, file: "fundalloc.yaml"},
		{name: "config limit", kind: "a limit of 0",
			want:   `fundalloc.yaml: limits.max_rows: 0: must be a positive number`,
			config: appendConfig("limits:\n  max_rows: 0\n"), file: "fundalloc.yaml"},

		// ——— Real files (issue 11) and files that are not files (issue 15) ———
		{name: "broken UTF-8", kind: "a UTF-8 CSV with one stray byte (not silently read as GB18030)",
			want:  `units.csv:4: the file is UTF-8 but byte 131 (0xFF) is not valid UTF-8 (the file may be cut or mix in text of another encoding): save it again as UTF-8`,
			files: map[string]any{"units.csv": strings.Replace(badCityUnits, "二站", "二\xff站", 1)}, file: "units.csv"},
		{name: "neither UTF-8 nor GB18030", kind: "a CSV that is neither UTF-8 nor GB18030",
			want:  `funds/a.csv:2: the file is neither valid UTF-8 nor valid GB18030: byte 69 (0x80) cannot be decoded; save it as "CSV UTF-8"`,
			files: map[string]any{"funds/a.csv": fundsWith("F1,charity,p\x80,,1.00,")}, file: "funds/a.csv"},
		{name: "CR-only CSV", kind: "a CSV whose lines end in a carriage return alone (classic Mac)",
			want:  `units.csv: the file ends its lines with a carriage return alone (old Mac style), so it reads as one line: save it again with Windows (CRLF) or Unix (LF) line ends`,
			files: map[string]any{"units.csv": strings.ReplaceAll(badCityUnits, "\n", "\r")}, file: "units.csv"},
		{name: "units FIFO", kind: "the units file is a FIFO (refused at once, never waited on)",
			want:  `units.csv: a named pipe (FIFO), not a regular file: an input must be a regular file`,
			files: map[string]any{"units.csv": func(t *testing.T, p string) { os.Remove(p); mkfifo(t, p) }}, file: "units.csv"},
		{name: "units folder", kind: "the units file is a folder",
			want:  `units.csv: a folder, not a regular file: an input must be a regular file`,
			files: map[string]any{"units.csv": func(t *testing.T, p string) { os.Remove(p); os.Mkdir(p, 0o755) }}, file: "units.csv"},
		{name: "units device", kind: "the units file is a device",
			want:   `/dev/zero: a device, not a regular file: an input must be a regular file`,
			config: replace("units: units.csv", "units: /dev/zero"), file: "/dev/zero"},
		{name: "fund glob broken link", kind: "fund_lines: the glob matches a broken symbolic link",
			want:  `fund_lines: "funds/b.csv" is a broken symbolic link or a link loop, and cannot be read`,
			files: map[string]any{"funds/b.csv": func(t *testing.T, p string) { os.Symlink("gone.csv", p) }}, file: "funds/b.csv"},
		{name: "fund glob link loop", kind: "fund_lines: the glob matches a link loop",
			want:  `fund_lines: "funds/b.csv" is a broken symbolic link or a link loop, and cannot be read`,
			files: map[string]any{"funds/b.csv": func(t *testing.T, p string) { os.Symlink("b.csv", p) }}, file: "funds/b.csv"},
		{name: "units case clash", kind: "units: two codes that differ only in case (S1, s1)",
			want:  `units.csv:6:A: code "s1" differs only in case from "S1" at row 3: codes must be unique ignoring case (spreadsheet lookups such as SUMIFS ignore it)`,
			files: map[string]any{"units.csv": badCityUnits + "s1,小写站,station,H,1,,good,10\n"}, file: "units.csv"},
		{name: "funds in 千元", kind: "funds: an amount column in 千元 (only 元 and 万元 are read)",
			want:  `funds/a.csv:1:E: header "金额（千元）" gives the amounts in "千元": an amount column must be in 元 (yuan) or 万元 (10,000 yuan); convert the amounts to one of them`,
			files: map[string]any{"funds/a.csv": "id,category,provider,description,金额（千元）\nF1,charity,p,,1\n"}, file: "funds/a.csv"},
		{name: "funds 万元 decimals", kind: "funds: 7 decimals in a column in 万元",
			want:  `funds/a.csv:2:E: amount "0.1234567" has more than 6 decimal places (a column in 万元 has at most 6, which is whole fen)`,
			files: map[string]any{"funds/a.csv": "id,category,provider,description,金额（万元）\nF1,charity,p,,0.1234567\n"}, file: "funds/a.csv"},
		{name: "funds header near miss", kind: "funds: no header row; a header one edit from amount's",
			want:  `funds/a.csv:2: missing column amount (金额) (the header row must name id (编号), category (类别), provider (来源单位), amount (金额); rows looked at: 1–3); row 2 has "金頟": is it amount (金额)?`,
			files: map[string]any{"funds/a.csv": "2026年资金来源表\n编号,类别,来源单位,金頟\nF1,charity,p,1\n"}, file: "funds/a.csv"},
		{name: "ledger every date day-first", kind: "ledger: every row's date is day-first (a file error, not a quarter of uncounted spending)",
			want:  `ledgers/2026.csv:2:B: every one of the 2 data rows fails on date: the column holds values such as "15/07/2026", "16/07/2026"; expected a year-first date such as 2026-07-15, 2026/7/15 or 2026年7月15日`,
			files: map[string]any{"ledgers/2026.csv": ledgerWith("voucher,date,unit,category,amount", "V1,15/07/2026,S1,charity,1", "V2,16/07/2026,S1,charity,2")},
			args:  reconcileOct, file: "ledgers/2026.csv"},
		{name: "driver too large", kind: "units: a driver value too large for the weight arithmetic",
			want:  `units.csv:3:H: driver population "12345678901234567890" has more than 15 significant digits (a driver has at most 15, what a spreadsheet shows exactly) (a driver column holds numbers ≥ 0)`,
			files: map[string]any{"units.csv": unitsWith(3, "S1,一站,station,H,2,yes,excellent,12345678901234567890")}, file: "units.csv"},
		{name: "amount huge with decimals", kind: "amount: a huge value with decimals (too large, not too many decimals)",
			want:  `funds/a.csv:2:E: amount "123456789012345678901.999" is too large: at most 9,999,999,999,999.99 yuan is accepted (15 digits, what a spreadsheet shows exactly)`,
			files: map[string]any{"funds/a.csv": fundsWith("F1,charity,p,,123456789012345678901.999,")}, file: "funds/a.csv"},
		{name: "funds bad fund type", kind: "funds: a fund type that is not one",
			want:  `funds/a.csv:2:F: fund_type "专项" is not a fund type: use general_budget, gov_fund, state_capital, special_account, unit_funds, donation (一般公共预算资金, 政府性基金预算资金, 国有资本经营预算资金, 财政专户管理资金, 单位资金, 社会捐赠资金)`,
			files: map[string]any{"funds/a.csv": "id,category,provider,amount,designated_unit,fund_type\nF1,charity,p,1.00,,专项\n"}, file: "funds/a.csv"},
		{name: "funds too many sources", kind: "funds: a category's pooled money from more documents than limits.max_sources",
			want:   `funds/a.csv:3:F: category charity's pooled money has more sources (fund type, fund source and document number) than limits.max_sources, 1, from this line on: check the document numbers`,
			files:  map[string]any{"funds/a.csv": "id,category,provider,amount,designated_unit,document_no\nF1,charity,p,1.00,,民财〔2026〕1号\nF2,charity,p,2.00,,民财〔2026〕2号\n"},
			config: appendConfig("limits:\n  max_sources: 1\n"), file: "funds/a.csv"},
		{name: "config bad function code", kind: "categories: a function classification code that is not 7 digits",
			want: `fundalloc.yaml: categories[0].function_code: "208100": must be exactly 7 digits (e.g. 2080208), as in the year's classification of government revenue and expenditure`,
			config: func(s string) string {
				return strings.Replace(s, "fiscal_year: 2026\n", "fiscal_year: 2026\ncategories:\n  - {code: elderly_care, zh: 养老服务, en: Elderly care, function_code: \"208100\", economic_code: \"3022７\"}\n  - {code: charity, zh: 慈善资源, en: Charity}\n", 1)
			},
			args: validate, file: "fundalloc.yaml"},
		{name: "config unknown column", kind: "columns: a column the table does not have",
			want:   `fundalloc.yaml: columns.ledgers.vouchr: "vouchr" is not a column of ledgers (its columns: voucher, date, unit, category, amount, description, debit, credit, entry)`,
			config: appendConfig("columns:\n  ledgers: {vouchr: 凭证字号}\n"), file: "fundalloc.yaml"},

		// ——— validate says the same ———
		{name: "validate binary", kind: "validate: random binary bytes in a fund file",
			want:  `funds/a.csv: binary data, not CSV text (is this the right file?)`,
			files: map[string]any{"funds/a.csv": garbage(3000)}, args: validate, file: "funds/a.csv"},
		{name: "validate three decimals", kind: "validate: an amount with 3 decimals",
			want:  `funds/a.csv:2:E: amount "0.001" has more than 2 decimal places`,
			files: map[string]any{"funds/a.csv": fundsWith("F1,charity,p,,0.001,")}, args: validate, file: "funds/a.csv"},
	}
}

// cityFor writes the small city with the case's changes and returns its
// directory.
func cityFor(t *testing.T, tc badCase) string {
	t.Helper()
	dir := t.TempDir()
	cfg := writeCity(t, dir, badCityFunds, "ledgers: [ledgers/*.csv]\n")
	os.WriteFile(filepath.Join(dir, "units.csv"), []byte(badCityUnits), 0o644)
	os.MkdirAll(filepath.Join(dir, "ledgers"), 0o755)
	os.WriteFile(filepath.Join(dir, "ledgers", "2026.csv"), []byte(badCityLedger), 0o644)
	if tc.config != nil {
		body, _ := os.ReadFile(cfg)
		os.WriteFile(cfg, []byte(tc.config(string(body))), 0o644)
	}
	for name, content := range tc.files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		var err error
		switch c := content.(type) {
		case string:
			err = os.WriteFile(p, []byte(c), 0o644)
		case []byte:
			err = os.WriteFile(p, c, 0o644)
		case func(*testing.T, string):
			c(t, p)
		default:
			t.Fatalf("files[%s]: %T", name, content)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if tc.previous {
		os.MkdirAll(filepath.Join(dir, "out"), 0o755)
		os.WriteFile(filepath.Join(dir, "out", "budget-2026.json"), []byte(previousBudget), 0o644)
	}
	return dir
}

const previousBudget = "{\"fiscal_year\": 2026, \"note\": \"the approved budget, from an earlier run\"}\n"

func TestBadInputCatalogue(t *testing.T) {
	cases := badInputs()
	names := map[string]bool{}
	for _, tc := range cases {
		if names[tc.name] || tc.kind == "" || tc.want == "" || tc.file == "" {
			t.Fatalf("case %q: a name used twice, or no kind, want or file", tc.name)
		}
		names[tc.name] = true
	}
	if len(cases) < 40 {
		t.Errorf("the catalogue has %d cases; it should try at least 40 kinds of bad input", len(cases))
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := cityFor(t, tc)
			r := fundalloc(t, dir, nil, tc.command()...)
			stderr := strings.ReplaceAll(r.stderr, dir+string(filepath.Separator), "")
			first, _, _ := strings.Cut(stderr, "\n")
			if r.code != exitInput {
				t.Errorf("exit %d, want %d\n%s", r.code, exitInput, r.stderr)
			}
			if first != tc.want {
				t.Errorf("first line of stderr:\n got %s\nwant %s", first, tc.want)
			}
			if !strings.Contains(first, tc.file) {
				t.Errorf("the message does not name %s: %s", tc.file, first)
			}
			if r.stdout != "" {
				t.Errorf("stdout: %q", r.stdout)
			}
			checkNothingWritten(t, filepath.Join(dir, "out"), tc.previous)
		})
	}
	if t.Failed() {
		return
	}
	doc := append(catalogueDoc(cases), trustDoc(trustCases())...)
	if *update {
		if err := os.MkdirAll(filepath.Dir(catalogue), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(catalogue, doc, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	have, err := os.ReadFile(catalogue)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/fundalloc -run TestBadInputCatalogue -update to write it)", err)
	}
	if !bytes.Equal(have, doc) {
		t.Errorf("docs/bad-inputs.md is not what the cases produce; if the change is intended, run go test ./cmd/fundalloc -run TestBadInputCatalogue -update")
	}
}

// command is the case's command line, after the program's name: in
// English, so that the messages are the ones the catalogue lists.
func (tc badCase) command() []string {
	args := tc.args
	if args == nil {
		args = []string{"budget"}
	}
	return append(slices.Clone(args), "--lang", "en")
}

// checkNothingWritten fails when the output folder holds anything but its
// lock file and, when previous, the earlier budget unchanged.
func checkNothingWritten(t *testing.T, out string, previous bool) {
	t.Helper()
	entries, err := os.ReadDir(out)
	if os.IsNotExist(err) && !previous {
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		switch e.Name() {
		case ".fundalloc.lock":
		case "budget-2026.json":
			if !previous {
				t.Errorf("wrote %s", e.Name())
				continue
			}
			if b, _ := os.ReadFile(filepath.Join(out, e.Name())); string(b) != previousBudget {
				t.Errorf("the earlier budget-2026.json was changed: %q", b)
			}
		default:
			t.Errorf("wrote %s", e.Name())
		}
	}
}

// catalogueDoc renders the catalogue as Markdown.
func catalogueDoc(cases []badCase) []byte {
	var b bytes.Buffer
	b.WriteString(`# Bad inputs

fundalloc reads files that arrive by e-mail from many offices, and any of them can be broken,
huge or crafted. This catalogue lists every kind of bad input fundalloc has been tried on, the
exact message it prints for it (the first line on stderr), and the case of
` + "`TestBadInputCatalogue`" + ` in ` + "`cmd/fundalloc/badinputs_test.go`" + ` that tries it.
The messages are listed in English (` + "`--lang en`" + `); by default fundalloc prints them in
Chinese (` + "`language: zh`" + `), with the same location prefix and configuration keys.

Each case is a small city (a hub, two stations, a room, two fund lines and one ledger) with one
thing wrong. In every case the command exits with code 2, the message names the file (or the
configuration key) and, where it can, the sheet, row and column, and nothing is written: an
output folder that held a ` + "`budget-2026.json`" + ` from an earlier run still holds it, unchanged. When
an input has several problems, every one is listed, one per line, and a last line counts them.
Paths are relative to the city's folder.

A problem in one row of an expenditure ledger (an unknown unit, a bad date or amount, a
duplicate voucher) is not a refusal: ` + "`reconcile`" + ` reports it as an exception and goes on. See
*Reconciliation* in the README.

This file is generated from the test's table. After changing a case or a message, run
` + "`go test ./cmd/fundalloc -run TestBadInputCatalogue -update`" + `; without ` + "`-update`" + ` the test fails
when this file differs from the table.

| # | kind of bad input | command | exact message | test case |
|---|---|---|---|---|
`)
	cell := func(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
	code := func(s string) string {
		if strings.Contains(s, "`") {
			return "`` " + cell(s) + " ``"
		}
		return "`" + cell(s) + "`"
	}
	for i, tc := range cases {
		fmt.Fprintf(&b, "| %d | %s | %s | %s | %s |\n", i+1, cell(tc.kind), code("fundalloc "+strings.Join(tc.command(), " ")),
			code(tc.want), code("TestBadInputCatalogue/"+strings.ReplaceAll(tc.name, " ", "_")))
	}
	return b.Bytes()
}

// TestHugeVouchersAreExceptions: a voucher beyond what a spreadsheet shows,
// or one that takes the vouchers' total beyond it, is a row of the ledger,
// so it is a BAD_AMOUNT exception and the reconciliation is written, not a
// failed run.
func TestHugeVouchersAreExceptions(t *testing.T) {
	dir := cityFor(t, badCase{files: map[string]any{"ledgers/2026.csv": "voucher,date,unit,category,amount\n" +
		"V1,2026-03-01,S1,charity,9000000000000.00\nV2,2026-03-02,S1,charity,9000000000000.00\n" +
		"V3,2026-03-03,S1,charity,90000000000000000.00\nV4,2026-03-04,S1,charity,10.00\n"}})
	r := fundalloc(t, dir, nil, "reconcile", "--month", "2026-10", "--lang", "en")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "4 vouchers in 1 files: 2 counted, 2 with exceptions") || !strings.Contains(r.stdout, "exceptions: BAD_AMOUNT 2") {
		t.Errorf("stdout:\n%s", r.stdout)
	}
	for _, f := range []string{"reconcile-2026-10.json", "reconcile-2026-10.xlsx"} {
		if _, err := os.Stat(filepath.Join(dir, "out", f)); err != nil {
			t.Error(err)
		}
	}
}

// mkfifo makes a FIFO at p, or skips the test where there are none.
func mkfifo(t *testing.T, p string) {
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Skip("no FIFOs here:", err)
	}
}

// TestFundProblemsInOrder: a fund file's designated unit that is not in the
// units file is listed before its category's too many sources, though the
// sources are counted while the units file is still being read.
func TestFundProblemsInOrder(t *testing.T) {
	tc := badCase{
		files: map[string]any{"funds/a.csv": "id,category,provider,amount,designated_unit,document_no\n" +
			"F1,charity,p,1.00,,民财〔2026〕1号\nF2,charity,p,2.00,,民财〔2026〕2号\nF3,charity,p,3.00,NOPE,\n"},
		config: appendConfig("limits:\n  max_sources: 1\n"),
	}
	dir := cityFor(t, tc)
	r := fundalloc(t, dir, nil, tc.command()...)
	stderr := strings.ReplaceAll(r.stderr, dir+string(filepath.Separator), "")
	lines := strings.Split(stderr, "\n")
	if r.code != exitInput || len(lines) < 2 {
		t.Fatalf("exit %d, want %d, with two problems:\n%s", r.code, exitInput, r.stderr)
	}
	if !strings.HasPrefix(lines[0], "funds/a.csv:4:E: ") || !strings.Contains(lines[0], `"NOPE"`) {
		t.Errorf("first problem %q, want the unknown designated unit on row 4", lines[0])
	}
	if !strings.HasPrefix(lines[1], "funds/a.csv:3:F: ") || !strings.Contains(lines[1], "limits.max_sources") {
		t.Errorf("second problem %q, want the sources past limits.max_sources from row 3", lines[1])
	}
}
