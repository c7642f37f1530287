package sources

import (
	"errors"
	"strings"
	"testing"

	"fundalloc/reports/msg"
	"fundalloc/sources/xlsx"
)

// The xlsx reader's errors reach the problems as *Errors located in the
// file, sheet, row and column, matching the sentinels of both packages.
func TestXLSXErrorsLocated(t *testing.T) {
	const head = `<row r="1"><c r="A1" t="inlineStr"><is><t>code</t></is></c></row>`
	for _, tc := range []struct {
		name, rows string
		lim        func(*Limits)
		sentinel   error
		want       string
	}{
		{"damaged cell", head + `<row r="3"><c r="C3" t="b"><v>yes</v></c></row>`, func(*Limits) {}, ErrUnreadable,
			`u.xlsx:Units:3:C: the workbook is damaged: xl/worksheets/sheet1.xml: a boolean cell holds "yes"`},
		{"limit", head + `<row r="3"><c r="C3"><v>1</v></c></row>`, func(l *Limits) { l.MaxCellsPerRow = 2 }, ErrLimit,
			`u.xlsx:Units:3:C: a cell in column C; at most 2 columns are accepted`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := sheetBook(t, "Units", `<worksheet><sheetData>`+tc.rows+`</sheetData></worksheet>`)
			lim := DefaultLimits()
			tc.lim(&lim)
			var p Problems
			ReadUnits(src(t, fsWith(map[string]string{"u.xlsx": string(data)}), "u.xlsx"), Options{Limits: lim}, &p)
			if len(p.List()) != 1 {
				t.Fatalf("problems: %v", localized(&p, msg.EN))
			}
			e := p.List()[0]
			if e.File != "u.xlsx" || e.Sheet != "Units" || e.Row != 3 || e.Column != 3 {
				t.Errorf("located at %s:%s:%d:%d", e.File, e.Sheet, e.Row, e.Column)
			}
			var xe *xlsx.Error
			if !errors.Is(e, tc.sentinel) || errors.As(e, &xe) {
				t.Errorf("%v: want %v, and no *xlsx.Error inside", e, tc.sentinel)
			}
			if got := e.Localize(msg.EN); !strings.HasPrefix(got, tc.want) {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}
