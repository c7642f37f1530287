package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"fundalloc/config/sample"
	"fundalloc/sources"
)

// chineseHeader maps an English header of the sample files to Chinese.
func chineseHeader(h string) string {
	h = strings.TrimPrefix(h, "\ufeff")
	for _, cols := range [][]sources.Column{sources.UnitColumns(), sources.FundColumns(), sources.CommonDrivers()} {
		for _, c := range cols {
			if c.Name == h {
				return c.Zh
			}
		}
	}
	return h
}

// csvToXLSX rewrites a CSV file of the sample as a workbook with Chinese
// headers; amounts that are plain numbers become numeric cells, the others
// ("¥36,800.50", "1,250,000.00") stay text cells.
func csvToXLSX(t *testing.T, data []byte, path string) {
	t.Helper()
	records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetName("Sheet1", "数据")
	for r, rec := range records {
		for c, v := range rec {
			ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
			switch {
			case r == 0:
				f.SetCellValue("数据", ref, chineseHeader(v))
			case v == "":
			default:
				if n, err := strconv.ParseFloat(v, 64); err == nil && !strings.ContainsAny(v, "eE") {
					f.SetCellValue("数据", ref, n) // a numeric cell
				} else {
					f.SetCellStr("数据", ref, v)
				}
			}
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

// sampleIn writes the sample city to dir, converting each data file.
func sampleIn(t *testing.T, dir string, convert func(name string, data []byte) (string, []byte)) string {
	t.Helper()
	err := fs.WalkDir(sample.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, _ := fs.ReadFile(sample.FS, p)
		name := p
		if strings.HasSuffix(p, ".csv") {
			name, data = convert(p, data)
		}
		if data == nil {
			return nil // written by convert
		}
		target := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(target), 0o755)
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "fundalloc.yaml")
}

func budgetWithoutInputs(t *testing.T, dir, cfg string, extra ...string) map[string]any {
	t.Helper()
	r := fundalloc(t, dir, nil, append([]string{"budget", "--config", cfg, "--out", "o", "-q", "--no-workbook"}, extra...)...)
	if r.code != 0 {
		t.Fatalf("budget on %s: exit %d: %s", cfg, r.code, r.stderr)
	}
	data, err := os.ReadFile(filepath.Join(dir, "o", "budget-2026.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	delete(doc, "inputs") // paths and hashes differ by format, by design
	for _, f := range doc["fund_lines"].([]any) {
		delete(f.(map[string]any), "file") // likewise the file each line came from
	}
	return doc
}

// TestFormatsGiveTheSameBudget runs the sample city from CSV, from xlsx
// with Chinese headers and numeric and text amount cells, and from GB18030
// CSV: the budgets must be identical.
func TestFormatsGiveTheSameBudget(t *testing.T) {
	csvDir := t.TempDir()
	want := budgetWithoutInputs(t, csvDir, sampleIn(t, csvDir, func(n string, d []byte) (string, []byte) { return n, d }))

	xlsxDir := t.TempDir()
	cfg := sampleIn(t, xlsxDir, func(name string, data []byte) (string, []byte) {
		out := strings.TrimSuffix(name, ".csv") + ".xlsx"
		os.MkdirAll(filepath.Join(xlsxDir, filepath.Dir(out)), 0o755)
		csvToXLSX(t, data, filepath.Join(xlsxDir, out))
		return out, nil
	})
	body, _ := os.ReadFile(cfg)
	os.WriteFile(cfg, bytes.Replace(body, []byte("units: data/units.csv"), []byte("units: data/units.xlsx"), 1), 0o644)
	if got := budgetWithoutInputs(t, xlsxDir, cfg); !jsonEqual(got, want) {
		t.Error("the xlsx inputs give a different budget from the CSV inputs")
	}

	gbDir := t.TempDir()
	cfg = sampleIn(t, gbDir, func(name string, data []byte) (string, []byte) {
		gb, err := simplifiedchinese.GB18030.NewEncoder().Bytes(bytes.TrimPrefix(data, []byte("\ufeff")))
		if err != nil {
			t.Fatal(err)
		}
		return name, gb
	})
	if got := budgetWithoutInputs(t, gbDir, cfg); !jsonEqual(got, want) {
		t.Error("the GB18030 inputs give a different budget from the UTF-8 inputs")
	}
}

func jsonEqual(a, b map[string]any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}
