package sources

import (
	"errors"
	"strings"
	"testing"
)

func TestOpenXLSXRowsPastTheLastRow(t *testing.T) {
	for name, rows := range map[string]string{
		"numbered":  `<row r="1"><c><v>1</v></c></row><row r="1048577"><c><v>1</v></c></row>`,
		"blank run": `<row r="1048570"/>` + strings.Repeat(`<row/>`, 20),
	} {
		r, _, err := open(t, oneSheet(t, rows), "", Limits{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = dump(t, r)
		wantErr(t, err, ErrLimit, "row 1048577 is past the last row a worksheet has (1048576)")
		if name == "numbered" {
			var e *Error
			if errors.As(err, &e) && e.Row != 1048577 {
				t.Errorf("located at row %d", e.Row)
			}
		}
	}
	// The last row itself is fine.
	r, _, _ := open(t, oneSheet(t, `<row r="1048576"><c><v>1</v></c></row>`), "", Limits{})
	if got, err := dump(t, r); err != nil || len(got) != 1 {
		t.Errorf("row 1048576: %q, %v", got, err)
	}
}

func TestOpenXLSXSharedStringsLimit(t *testing.T) {
	// 1000 items of 10 bytes hold 1000×(10+8) = 18,000 bytes.
	items := make([]string, 1000)
	for i := range items {
		items[i] = `<si><t>0123456789</t></si>`
	}
	book := oneSheet(t, `<row r="1"><c t="s"><v>999</v></c></row>`, items...)
	for _, tc := range []struct {
		limit int64
		ok    bool
	}{{18_000, true}, {17_999, false}, {0, true}} {
		rows, _, err := open(t, book, "", Limits{SharedStrings: tc.limit})
		if tc.ok {
			if err != nil {
				t.Errorf("limit %d: %v", tc.limit, err)
				continue
			}
			if got, err := dump(t, rows); err != nil || len(got) != 1 {
				t.Errorf("limit %d: %q, %v", tc.limit, got, err)
			}
			continue
		}
		wantErr(t, err, ErrLimit, "the workbook's shared strings take more than 17999 bytes (limits.shared_strings_size)")
		var e *Error
		if !errors.As(err, &e) || e.Sheet != "Sheet1" {
			t.Errorf("limit %d: not located in the sheet: %v", tc.limit, err)
		}
	}
}
