package scheduler

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"fundalloc/allocation"
	"fundalloc/reports/msg"
)

func sampleEntry() Entry {
	return Entry{Job: "monthly-reconciliation", Run: "reconcile", Period: "2026-10",
		Scheduled: at("2026-11-01T06:00:00+08:00"), Start: at("2026-11-01T06:00:00+08:00").Add(3 * time.Millisecond),
		End: at("2026-11-01T06:00:02+08:00").Add(250 * time.Millisecond), Status: OK,
		Inputs:  []allocation.FileHash{{Path: "data/units.csv", SHA256: strings.Repeat("a", 64)}},
		Outputs: []allocation.FileHash{{Path: "out/reconcile-2026-10.json", SHA256: strings.Repeat("b", 64)}}}
}

func TestJournalLineIsTheDesignShape(t *testing.T) {
	j := &Journal{Path: filepath.Join(t.TempDir(), JournalName)}
	e := sampleEntry()
	if err := j.Append(e); err != nil {
		t.Fatal(err)
	}
	skipped := Entry{Job: "quick", Run: "budget", Period: "2026", Scheduled: at("2026-11-01T06:00:05+08:00"),
		Start: at("2026-11-01T06:00:05+08:00"), End: at("2026-11-01T06:00:05+08:00"), Status: Skipped, Error: "still running since 2026-11-01 06:00:00"}
	if err := j.Append(skipped); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(j.Path)
	lines := strings.Split(string(data), "\n")
	want := `{"job":"monthly-reconciliation","run":"reconcile","period":"2026-10","scheduled":"2026-11-01T06:00:00+08:00",` +
		`"start":"2026-11-01T06:00:00.003+08:00","end":"2026-11-01T06:00:02.25+08:00","status":"ok",` +
		`"inputs":[{"path":"data/units.csv","sha256":"` + strings.Repeat("a", 64) + `"}],` +
		`"outputs":[{"path":"out/reconcile-2026-10.json","sha256":"` + strings.Repeat("b", 64) + `"}],"error":""}`
	if len(lines) != 3 || lines[0] != want || lines[2] != "" {
		t.Fatalf("journal:\n%s\nwant first line:\n%s", data, want)
	}
	if !strings.Contains(lines[1], `"inputs":[],"outputs":[]`) {
		t.Errorf("empty hash lists are not [] in %s", lines[1])
	}
	got, warnings, err := j.Read()
	if err != nil || len(warnings) != 0 || len(got) != 2 {
		t.Fatalf("read: %d entries, %v, %v", len(got), warnings, err)
	}
	if !got[0].Start.Equal(e.Start) || !got[0].Scheduled.Equal(e.Scheduled) || got[0].Start.Format(time.RFC3339) != "2026-11-01T06:00:00+08:00" ||
		!reflect.DeepEqual(got[0].Outputs, e.Outputs) || got[1].Status != Skipped || got[1].Error != skipped.Error {
		t.Errorf("round trip: %+v", got)
	}
}

func TestJournalToleratesATornLastLine(t *testing.T) {
	dir := t.TempDir()
	j := &Journal{Path: filepath.Join(dir, JournalName)}
	if err := j.Append(sampleEntry()); err != nil {
		t.Fatal(err)
	}
	// A crash in the middle of the second write.
	f, _ := os.OpenFile(j.Path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"job":"annual-budget","run":"budget","period":"2026","sched`)
	f.Close()
	entries, warnings, err := j.Read()
	if err != nil || len(entries) != 1 || entries[0].Job != "monthly-reconciliation" {
		t.Fatalf("torn: %+v, %v", entries, err)
	}
	if want := []string{"runs.jsonl: the last line is incomplete (a crash while writing?); it is ignored"}; !reflect.DeepEqual(texts(warnings, msg.EN), want) {
		t.Errorf("warnings %q", warnings)
	}
	if want := []string{"runs.jsonl：最后一行不完整（写入时崩溃？），已忽略"}; !reflect.DeepEqual(texts(warnings, msg.ZH), want) {
		t.Errorf("warnings in zh %q", texts(warnings, msg.ZH))
	}

	// The next append starts a new line: the torn one becomes a bad line in
	// the middle, reported by number, and the new entry is intact.
	next := sampleEntry()
	next.Period = "2026-11"
	if err := j.Append(next); err != nil {
		t.Fatal(err)
	}
	entries, warnings, err = j.Read()
	if err != nil || len(entries) != 2 || entries[1].Period != "2026-11" {
		t.Fatalf("after append: %+v, %v", entries, err)
	}
	if len(warnings) != 1 || !strings.HasPrefix(warnings[0].Localize(msg.EN), "runs.jsonl:2: not a journal entry") {
		t.Errorf("warnings %q", warnings)
	}
}

func TestReadJournalReportsBadLines(t *testing.T) {
	good := `{"job":"a","run":"budget","period":"2026","scheduled":"2026-11-01T02:00:00+08:00","start":"2026-11-01T02:00:00+08:00","end":"2026-11-01T02:00:01+08:00","status":"ok","inputs":[],"outputs":[],"error":""}`
	for _, tc := range []struct {
		name, text string
		entries    int
		warnings   []string
	}{
		{"empty", "", 0, nil},
		{"clean", good + "\n" + good + "\n", 2, nil},
		{"blank lines are not entries", good + "\n\n" + good + "\n", 2, nil},
		{"torn without newline", good + "\n" + good[:40], 1, []string{"runs.jsonl: the last line is incomplete (a crash while writing?); it is ignored"}},
		{"whole line but no newline", good + "\n" + good, 1, []string{"runs.jsonl: the last line is incomplete (a crash while writing?); it is ignored"}},
		{"garbage last line with newline", good + "\n" + "{\"job\n", 1, []string{"runs.jsonl: the last line is incomplete (a crash while writing?); it is ignored"}},
		{"bad line in the middle", good + "\n" + "not json\n" + good + "\n", 2, []string{"runs.jsonl:2: not a journal entry (invalid character 'o' in literal null (expecting 'u')); the line is skipped"}},
		{"bad status", good + "\n" + strings.Replace(good, `"ok"`, `"done"`, 1) + "\n" + good + "\n", 2,
			[]string{`runs.jsonl:2: not a journal entry (status "done" is not ok, failed or skipped); the line is skipped`}},
		{"bad time", strings.Replace(good, "2026-11-01T02:00:00+08:00", "yesterday", 1) + "\n" + good + "\n", 1,
			[]string{`runs.jsonl:1: not a journal entry (time "yesterday" is not RFC 3339); the line is skipped`}},
	} {
		entries, warnings, err := ReadJournal(strings.NewReader(tc.text), JournalName)
		if err != nil || len(entries) != tc.entries || !reflect.DeepEqual(texts(warnings, msg.EN), tc.warnings) {
			t.Errorf("%s: %d entries, warnings %q, %v", tc.name, len(entries), texts(warnings, msg.EN), err)
		}
	}
	_, warnings, _ := ReadJournal(strings.NewReader(strings.Replace(good, `"ok"`, `"done"`, 1)+"\n"+good+"\n"), JournalName)
	if got := texts(warnings, msg.ZH); len(got) != 1 || got[0] != `runs.jsonl:1：不是运行记录（状态 "done" 不是 ok、failed 或 skipped）；已跳过此行` {
		t.Errorf("zh: %q", got)
	}
}

// texts renders warnings in l; none gives nil.
func texts(ws []msg.Text, l msg.Lang) []string {
	var out []string
	for _, w := range ws {
		out = append(out, w.Localize(l))
	}
	return out
}

func TestReadingAMissingJournal(t *testing.T) {
	j := &Journal{Path: filepath.Join(t.TempDir(), "out", JournalName)}
	if entries, warnings, err := j.Read(); entries != nil || warnings != nil || err != nil {
		t.Errorf("missing journal: %v %v %v", entries, warnings, err)
	}
}
