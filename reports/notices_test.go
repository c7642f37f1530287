package reports

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"fundalloc/allocation"
)

func TestNoticeFileName(t *testing.T) {
	for _, c := range []struct{ code, name, want string }{
		{"SM01", "滨河新区街道社工站", "SM01-滨河新区街道社工站.xlsx"},
		{"S/2", `a\b:c*d?e"f<g>h|i`, "S_2-a_b_c_d_e_f_g_h_i.xlsx"},
		{"..x", "tab\there\n", "x-tab_here_.xlsx"},
		{"S3", strings.Repeat("站", 60), "S3-" + strings.Repeat("站", 39) + ".xlsx"},
	} {
		if got := NoticeFileName(&allocation.Unit{Code: c.code, Name: c.name}); got != c.want {
			t.Errorf("%q %q: %q, want %q", c.code, c.name, got, c.want)
		}
	}
}

// TestNoticesInEnglish: a notice in English holds no Chinese label, its
// table totals are the station's lines and its rooms', and the index
// totals every line.
func TestNoticesInEnglish(t *testing.T) {
	bb := testBudget(t)
	n := &Notices{Year: 2026, RunDate: bb.RunDate, Language: "en", Document: Document{City: "Shenmu"}, Version: "v1",
		Plan: bb.Plan, Categories: bb.Categories, Indicators: bb.Indicators}
	units, totals := n.Prepare()
	var all, sum allocation.Fen
	for _, l := range bb.Plan.Lines {
		all += l.Amount
	}
	for _, v := range totals {
		sum += v
	}
	if len(units) != 3 || sum != all || bb.Plan.Units[units[0]].Tier != allocation.Hub {
		t.Fatalf("units %v totals %v (sum %s, lines %s)", units, totals, sum, all)
	}
	for k := range units {
		var buf bytes.Buffer
		if err := n.WriteNotice(context.Background(), &buf, k); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		text := sheetText(t, f, f.GetSheetList()[0])
		for _, r := range text {
			if r >= 0x4e00 && r <= 0x9fff && !strings.ContainsRune(bb.Categories[0].Zh+bb.Categories[1].Zh, r) {
				t.Errorf("notice %d: Chinese in English: %q", k, text)
				break
			}
		}
		if !strings.Contains(text, "Notice of the social-work service funds for 2026") || !strings.Contains(text, Yuan(totals[k])) {
			t.Errorf("notice %d lacks its title or total %s:\n%s", k, Yuan(totals[k]), text)
		}
		f.Close()
	}
	var buf bytes.Buffer
	if err := n.WriteNoticeIndex(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
}
