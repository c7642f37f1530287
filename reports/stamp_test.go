package reports

import (
	"bytes"
	"context"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestStampNotes stamps a budget workbook: its 说明 sheet's approval cells
// are filled, the rest is added below them, and the other sheets are as
// they were. A workbook without a 说明 sheet gets one.
func TestStampNotes(t *testing.T) {
	bb := testBudget(t)
	var src bytes.Buffer
	if err := WriteBudgetWorkbook(context.Background(), &src, bb); err != nil {
		t.Fatal(err)
	}
	stamp := func(in []byte, st Stamp) *excelize.File {
		var out bytes.Buffer
		if err := StampNotes(&out, bytes.NewReader(in), int64(len(in)), []string{"说明", "Notes"}, st); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&out)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	st := Stamp{Title: "审批记录", Fields: []StampField{{ApprovalVersion, "版本", "v1"}, {ApprovalDocNo, "文号", "神财社〔2026〕12号 & <x>"}, {ApprovalDate, "日期", "2026-06-30"}},
		Rows: [][]string{{"备注", "调整"}}}
	f := stamp(src.Bytes(), st)
	orig, _ := excelize.OpenReader(bytes.NewReader(src.Bytes()))
	defer orig.Close()
	if got, want := f.GetSheetList(), orig.GetSheetList(); !slices.Equal(got, want) {
		t.Errorf("sheets %v, want %v", got, want)
	}
	rows, err := f.GetRows("说明")
	if err != nil {
		t.Fatal(err)
	}
	before, _ := orig.GetRows("说明")
	for _, want := range [][]string{{"批准版本", "v1"}, {"批准文号", "神财社〔2026〕12号 & <x>"}, {"批准日期", "2026-06-30"}} {
		if !slices.ContainsFunc(rows, func(r []string) bool { return slices.Equal(r, want) }) {
			t.Errorf("no row %q in %q", want, rows)
		}
	}
	if tail := rows[len(before):]; len(tail) != 3 || !slices.Equal(tail[1], []string{"审批记录"}) || !slices.Equal(tail[2], []string{"备注", "调整"}) {
		t.Errorf("rows added: %q", tail)
	}
	for _, sheet := range orig.GetSheetList()[:len(orig.GetSheetList())-1] {
		a, _ := orig.GetRows(sheet)
		b, _ := f.GetRows(sheet)
		if !slices.EqualFunc(a, b, slices.Equal) {
			t.Errorf("sheet %s changed", sheet)
		}
	}

	// A workbook without a notes sheet.
	plain := excelize.NewFile()
	var pb bytes.Buffer
	plain.WriteTo(&pb)
	g := stamp(pb.Bytes(), st)
	if got := g.GetSheetList(); !slices.Equal(got, []string{"Sheet1", "说明"}) {
		t.Errorf("sheets %v", got)
	}
	rows, _ = g.GetRows("说明")
	want := [][]string{{"审批记录"}, {"版本", "v1"}, {"文号", "神财社〔2026〕12号 & <x>"}, {"日期", "2026-06-30"}, {"备注", "调整"}}
	if len(rows) != len(want) {
		t.Fatalf("rows %q", rows)
	}
	for i := range want {
		if !slices.Equal(rows[i], want[i]) {
			t.Errorf("row %d = %q, want %q", i+1, rows[i], want[i])
		}
	}
	if err := StampNotes(&bytes.Buffer{}, bytes.NewReader([]byte("not a zip")), 9, []string{"说明"}, Stamp{}); err == nil {
		t.Error("stamped a file that is not a workbook")
	}
}

// TestStampNamedCells fills the cells a workbook names for the approval,
// keeping their style, and adds only what has no cell.
func TestStampNamedCells(t *testing.T) {
	f := excelize.NewFile()
	f.SetSheetName("Sheet1", "说明")
	style, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	f.SetCellValue("说明", "A1", "批准版本")
	f.SetCellStyle("说明", "B1", "B1", style)
	f.SetCellValue("说明", "A2", "批准文号")
	f.SetCellStyle("说明", "B2", "B2", style)
	f.SetDefinedName(&excelize.DefinedName{Name: "approval_version", RefersTo: "'说明'!$B$1"})
	f.SetDefinedName(&excelize.DefinedName{Name: "approval_doc_no", RefersTo: "'说明'!$B$2"})
	var src bytes.Buffer
	f.WriteTo(&src)
	var out bytes.Buffer
	st := Stamp{Title: "审批记录", Fields: []StampField{{"approval_version", "批准版本", "v2"}, {"approval_doc_no", "批准文号", "神财社〔2026〕12号"},
		{"approval_date", "批准日期", "2026-06-30"}}, Rows: [][]string{{"备注", "调整"}}}
	if err := StampNotes(&out, bytes.NewReader(src.Bytes()), int64(src.Len()), []string{"说明"}, st); err != nil {
		t.Fatal(err)
	}
	g, err := excelize.OpenReader(&out)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	rows, _ := g.GetRows("说明")
	want := [][]string{{"批准版本", "v2"}, {"批准文号", "神财社〔2026〕12号"}, nil, {"审批记录"}, {"批准日期", "2026-06-30"}, {"备注", "调整"}}
	if len(rows) != len(want) {
		t.Fatalf("rows %q", rows)
	}
	for i := range want {
		if !slices.Equal(rows[i], want[i]) {
			t.Errorf("row %d = %q, want %q", i+1, rows[i], want[i])
		}
	}
	if s, _ := g.GetCellStyle("说明", "B2"); s != style {
		t.Errorf("B2 style %d, want %d", s, style)
	}
}
