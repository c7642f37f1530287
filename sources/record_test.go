package sources

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"fundalloc/allocation"
	"fundalloc/reports/msg"
)

// chain builds a record of versions of 2026 approved on the given days,
// hashed and linked as approve links them.
func chain(t *testing.T, days ...string) []byte {
	t.Helper()
	var out []byte
	prevLine, parentSHA := "", ""
	for i, d := range days {
		r := Record{Version: "v" + string(rune('1'+i)), Year: 2026, Approved: d, DocNo: "D", SHA256: strings.Repeat(string(rune('a'+i)), 64),
			XLSX: strings.Repeat("f", 64), Inputs: []allocation.FileHash{}, PrevRecordSHA256: prevLine, ParentSHA256: parentSHA}
		if i > 0 {
			r.Parent = "v" + string(rune('0'+i))
		}
		line, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(line)
		prevLine, parentSHA = hex.EncodeToString(sum[:]), r.SHA256
		out = append(append(out, line...), '\n')
	}
	return out
}

func readChain(t *testing.T, data []byte) ([]RecordLine, []msg.Text, error) {
	t.Helper()
	return ReadRecord("record.jsonl", strings.NewReader(string(data)), 1<<20)
}

func TestRecordChain(t *testing.T) {
	data := chain(t, "2026-01-05", "2026-06-30", "2026-06-30")
	lines, warns, err := readChain(t, data)
	if err != nil || len(warns) != 0 || len(lines) != 3 || lines[2].N != 3 || lines[1].Line != 2 {
		t.Fatalf("lines %+v warnings %v err %v", lines, warns, err)
	}
	if err := VerifyChain(lines); err != nil {
		t.Fatal(err)
	}
	if a := lines[1].Approval(); a.Version != 2 || a.Approved.Format("2006-01-02") != "2026-06-30" {
		t.Errorf("approval %+v", a)
	}
	// A torn last line is a warning, not a version.
	_, warns, err = readChain(t, append(data, `{"version": "v4", "ye`...))
	if err != nil || len(warns) != 1 || warns[0].Localize(msg.EN) != "record.jsonl: line 4 is incomplete (a crash while appending?); it is ignored" {
		t.Errorf("torn: %v %v", warns, err)
	}
	// Edits anywhere but the last line break the chain at the edited line.
	edited := strings.Replace(string(data), `"doc_no":"D"`, `"doc_no":"E"`, 1)
	lines, _, _ = readChain(t, []byte(edited))
	var ce *ChainError
	if err := VerifyChain(lines); !errors.As(err, &ce) || ce.Version != "v1" || !strings.Contains(err.Error(), "record line 2 has prev_record_sha256") {
		t.Errorf("edited first line: %v", err)
	}
	if got := msg.Localize(ce, msg.ZH); !strings.HasPrefix(got, "2026年度预算 v1 与批准时不符：记录第 2 行") {
		t.Errorf("zh: %s", got)
	}
	// A removed line, versions out of order, an earlier date.
	ls := strings.SplitAfter(string(data), "\n")
	lines, _, _ = readChain(t, []byte(ls[0]+ls[2]))
	if err := VerifyChain(lines); err == nil {
		t.Error("a removed line verifies")
	}
	lines, _, _ = readChain(t, chain(t, "2026-06-30", "2026-01-05"))
	if err := VerifyChain(lines); !errors.As(err, &ce) || ce.Version != "v2" || !strings.Contains(err.Error(), "before v1") {
		t.Errorf("earlier date: %v", err)
	}
	for _, bad := range []string{"{}\n", "not json\n", "\n", `{"version": "v1", "year": 2026, "approved": "2026-13-01"}` + "\n"} {
		if _, _, err := readChain(t, []byte(bad)); err == nil {
			t.Errorf("%q read as a record", bad)
		}
	}
	if _, _, err := ReadRecord("r", strings.NewReader(string(data)), 100); err == nil || !strings.Contains(err.Error(), "larger than 100 bytes") {
		t.Errorf("size bound: %v", err)
	}
}
