package sources

import (
	"errors"
	"io"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"fundalloc/sources/xlsx"
)

// readAllCSV reads CSV text with the given limits and returns the rows it
// gave and the error that stopped it.
func readAllCSV(r io.Reader, gb bool, lim Limits) ([]int, [][]string, error) {
	rows := OpenCSV(r, gb, lim)
	defer rows.Close()
	var nums []int
	var cells [][]string
	for rows.Next() {
		n, cs := rows.Row()
		nums = append(nums, n)
		var texts []string
		for _, c := range cs {
			texts = append(texts, c.Text)
		}
		cells = append(cells, texts)
	}
	return nums, cells, rows.Err()
}

// TestCSVGuardLimits checks where the guard stops a CSV stream: a cell one
// byte over the limit, counted as encoding/csv counts it, and located at
// the row a spreadsheet shows, line breaks inside quoted cells and blank
// lines notwithstanding.
func TestCSVGuardLimits(t *testing.T) {
	lim := Limits{Limits: xlsx.Limits{MaxFieldBytes: 8, MaxCellsPerRow: 3}}
	tests := []struct {
		name, text string
		rows       int // rows read before the stop
		want       string
	}{
		{"at the limit", "a,12345678\r\nb,\"1234\"\"567\"\r\n\"1234\r\n567\",x\r\n", 3, ""},
		{"over the limit", "a,b\nc,123456789\n", 1, "2:B: a cell of more than 8 bytes; at most 8 are accepted (limits.max_field_bytes)"},
		{"doubled quotes count once", "a,\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\n", 0, "1:B: a cell of more than 8 bytes; at most 8 are accepted (limits.max_field_bytes)"},
		{"line breaks in quotes", "\"x\ny\nz\",b\n\n\"1\n2\",123456789\n", 1, "3:B: a cell of more than 8 bytes; at most 8 are accepted (limits.max_field_bytes)"},
		{"a long quoted cell", "a,\"1234\n5678\",c\n", 0, "1:B: a cell of more than 8 bytes; at most 8 are accepted (limits.max_field_bytes)"},
		{"cells at the limit", "a,b,c\r\n", 1, ""},
		{"too many cells", "a,b,c\nd,e,f,\n", 1, "2: more than 3 cells in one row; at most 3 are accepted (limits.max_cells_per_row)"},
		{"commas in quotes are text", "\"a,b,c,d,e\",f\n", 0, "1:A: a cell of more than 8 bytes; at most 8 are accepted (limits.max_field_bytes)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nums, _, err := readAllCSV(strings.NewReader(tt.text), false, lim)
			if len(nums) != tt.rows {
				t.Errorf("read %d rows (%v) before the stop, want %d", len(nums), nums, tt.rows)
			}
			got := ""
			if err != nil {
				var e *Error
				if !errors.As(err, &e) || !errors.Is(err, ErrLimit) {
					t.Fatalf("error %v is not a located limit", err)
				}
				got = strings.TrimPrefix(e.Error(), ":")
			}
			if got != tt.want {
				t.Errorf("error %q, want %q", got, tt.want)
			}
		})
	}
}

// TestCSVGuardCountsDecodedBytes checks that a GB18030 cell is measured as
// the UTF-8 text it becomes, as the reader's own check measures it.
func TestCSVGuardCountsDecodedBytes(t *testing.T) {
	gb, err := simplifiedchinese.GB18030.NewEncoder().String("名称,说明\n一站,社工站社\n")
	if err != nil {
		t.Fatal(err)
	}
	// 社工站社 is 8 bytes of GB18030 but 12 of UTF-8.
	_, _, err = readAllCSV(strings.NewReader(gb), true, Limits{Limits: xlsx.Limits{MaxFieldBytes: 11}})
	if err == nil || !strings.Contains(err.Error(), "2:B: a cell of more than 11 bytes") {
		t.Errorf("GB18030 cell of 12 UTF-8 bytes, limit 11: %v", err)
	}
	if _, _, err = readAllCSV(strings.NewReader(gb), true, Limits{Limits: xlsx.Limits{MaxFieldBytes: 12}}); err != nil {
		t.Errorf("limit 12: %v", err)
	}
}

// endless is a reader of one CSV cell that never ends; it counts what it
// gave.
type endless struct{ n int64 }

func (e *endless) Read(p []byte) (int, error) {
	if e.n == 0 && len(p) > 0 {
		p[0] = '"'
		e.n++
		return 1, nil
	}
	for i := range p {
		p[i] = 'x'
	}
	e.n += int64(len(p))
	return len(p), nil
}

// TestCSVGuardBoundsMemory feeds a cell that never ends: the reader must
// refuse it having read little more than the limit, never the whole cell.
func TestCSVGuardBoundsMemory(t *testing.T) {
	for _, quoted := range []bool{false, true} {
		src := &endless{}
		if !quoted {
			src.n = 1 // skip the opening quote
		}
		lim := DefaultLimits()
		_, _, err := readAllCSV(src, false, lim)
		if err == nil || !errors.Is(err, ErrLimit) || !strings.HasPrefix(err.Error(), ":1:A: a cell of more than 32768 bytes") {
			t.Fatalf("quoted %v: %v", quoted, err)
		}
		if src.n > int64(lim.MaxFieldBytes)+256<<10 {
			t.Errorf("quoted %v: read %d bytes of an endless cell to refuse it", quoted, src.n)
		}
	}
}

// TestNotText checks the CSV sniffing: binary refused, text of every
// encoding fundalloc reads let through.
func TestNotText(t *testing.T) {
	gb, _ := simplifiedchinese.GB18030.NewEncoder().String("编码,名称,层级\nH,总站,hub\n")
	for _, s := range []string{"code,name\r\nH,总站\r\n", gb, "\ufeffcode\tname\n", "a,b\n\x1a", "a,\"b\fc\"\n" + strings.Repeat("x", 64)} {
		if err := notText([]byte(s)); err != nil {
			t.Errorf("notText(%q) = %v", s, err)
		}
	}
	for _, s := range []string{"a,b\x00\n", "PK\x03\x04\x14\x00", "\x01\x02\x03\x04a,b\n"} {
		if err := notText([]byte(s)); err == nil || !strings.Contains(err.Error(), "binary data") {
			t.Errorf("notText(%q) = %v, want binary data", s, err)
		}
	}
}
