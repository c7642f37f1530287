package reports

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"fundalloc/allocation"
	"fundalloc/reports/msg"
	"fundalloc/reports/outdir"
)

// tempFiles lists the temporary files left in dir.
func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), TempPrefix) {
			names = append(names, e.Name())
		}
	}
	return names
}

// precious is a file outside the output folder that a link points at.
func precious(t *testing.T) (path string, check func()) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "precious")
	os.WriteFile(path, []byte("keep"), 0o644)
	old := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	os.Chtimes(path, old, old)
	return path, func() {
		t.Helper()
		st, err := os.Stat(path)
		data, _ := os.ReadFile(path)
		if err != nil || string(data) != "keep" || !st.ModTime().Equal(old) {
			t.Errorf("the file outside changed: %q %v", data, err)
		}
	}
}

func writeBytes(n int) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := w.Write(bytes.Repeat([]byte("x"), n))
		return err
	}
}

// TestBatchRefusesALinkAtAFinalName: an output and a companion CSV whose
// final names are links (one to a file outside, one dangling) are refused,
// nothing outside changes or appears, and no temporary file stays.
func TestBatchRefusesALinkAtAFinalName(t *testing.T) {
	dir := t.TempDir()
	target, unchanged := precious(t)
	dangling := filepath.Join(t.TempDir(), "would-be-created")
	os.Symlink(target, filepath.Join(dir, "budget-2026.json"))
	os.Symlink(dangling, filepath.Join(dir, "reconcile-2026-10-ledger.csv"))
	for _, name := range []string{"budget-2026.json", "reconcile-2026-10-ledger.csv"} {
		b := NewBatch(context.Background())
		err := b.Write(filepath.Join(dir, name), writeBytes(10))
		b.Abort()
		if !errors.Is(err, outdir.ErrLink) {
			t.Errorf("%s: %v", name, err)
		}
	}
	unchanged()
	if _, err := os.Lstat(dangling); err == nil {
		t.Error("the dangling link's target was created")
	}
	if left := tempFiles(t, dir); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
	// A link put in place after the file was written is refused at Commit,
	// and nothing of the batch is renamed.
	b := NewBatch(context.Background())
	if err := b.Write(filepath.Join(dir, "a.json"), writeBytes(10)); err != nil {
		t.Fatal(err)
	}
	if err := b.Write(filepath.Join(dir, "b.xlsx"), writeBytes(10)); err != nil {
		t.Fatal(err)
	}
	os.Symlink(target, filepath.Join(dir, "b.xlsx"))
	if err := b.Commit(); !errors.Is(err, outdir.ErrLink) {
		t.Errorf("Commit: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "a.json")); err == nil {
		t.Error("a.json was renamed into place though the batch was refused")
	}
	if left := tempFiles(t, dir); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
	unchanged()
}

// failAfter is a disk that fills after n bytes.
type failAfter struct{ n int }

func (f *failAfter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		k := f.n
		f.n = 0
		return k, syscall.ENOSPC
	}
	f.n -= len(p)
	return len(p), nil
}

// TestAFullDiskLeavesNoTemporaryFiles: the workbook's sheets are written to
// temporary files in the output folder, then copied into the workbook; a
// disk that fills at any point of the copy leaves none of them behind.
func TestAFullDiskLeavesNoTemporaryFiles(t *testing.T) {
	dir := t.TempDir()
	bb := testBudget(t)
	bb.TempDir = dir
	var whole bytes.Buffer
	if err := WriteBudgetWorkbook(context.Background(), &whole, bb); err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{0, 1000, whole.Len() / 3, whole.Len() - 10} {
		err := WriteBudgetWorkbook(context.Background(), &failAfter{n: n}, bb)
		if !errors.Is(err, syscall.ENOSPC) {
			t.Errorf("full after %d bytes: %v", n, err)
		}
		if left := tempFiles(t, dir); len(left) > 0 {
			t.Errorf("full after %d bytes: temporary files left: %v", n, left)
		}
	}
	// Through a batch, the message says what happened in words.
	b := NewBatch(context.Background())
	err := b.Write(filepath.Join(dir, "budget-2026.json"), func(w io.Writer) error {
		return &os.PathError{Op: "write", Path: "sheet", Err: syscall.ENOSPC} // as the file system says it
	})
	b.Abort()
	if !errors.Is(err, syscall.ENOSPC) || !msg.Is(err, msg.DiskFull) ||
		err.Error() != filepath.Join(dir, "budget-2026.json")+": the disk is full; nothing was written (free some space and run again)" {
		t.Errorf("batch: %v", err)
	}
	if left := tempFiles(t, dir); len(left) > 0 {
		t.Errorf("batch: temporary files left: %v", left)
	}
}

// TestAnInterruptedWriteLeavesNothing: once the context is done, a batch's
// writer fails at its next buffer and a workbook starts no more sheets;
// either way no temporary file stays.
func TestAnInterruptedWriteLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	b := NewBatch(ctx)
	err := b.Write(filepath.Join(dir, "budget-2026.json"), func(w io.Writer) error {
		for range 100 {
			if _, err := w.Write(bytes.Repeat([]byte("y"), 1<<20)); err != nil {
				return err
			}
		}
		t.Error("the writer went on writing after the context was done")
		return nil
	})
	b.Abort()
	if !errors.Is(err, context.Canceled) {
		t.Errorf("batch: %v", err)
	}
	bb := testBudget(t)
	bb.TempDir = dir
	if err := WriteBudgetWorkbook(ctx, io.Discard, bb); !errors.Is(err, context.Canceled) {
		t.Errorf("workbook: %v", err)
	}
	if left := tempFiles(t, dir); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
	if _, err := os.Stat(filepath.Join(dir, "budget-2026.json")); err == nil {
		t.Error("an interrupted output was put in place")
	}
}

// TestOOXMLEscapesAreEscaped: text that a spreadsheet would decode as an
// escape (_x0041_ is "A") is written with its underscore escaped, every
// underscore that starts one, so that it reads back as written.
func TestOOXMLEscapesAreEscaped(t *testing.T) {
	for in, want := range map[string]string{
		"_x0041_":       "_x005F_x0041_",
		"_x004a_":       "_x005F_x004a_",
		"a_x00E9_b":     "a_x005F_x00E9_b",
		"_x005F_":       "_x005F_x005F_",
		"_x005F_x0041_": "_x005F_x005F_x005F_x0041_",
		"_x0041":        "_x0041",
		"_X0041_":       "_X0041_",
		"_xZZZZ_":       "_xZZZZ_",
		"__x0041__":     "__x005F_x0041__",
		"单位_x0041_":     "单位_x005F_x0041_",
	} {
		if got := string(appendXMLText(nil, in)); got != want {
			t.Errorf("%q is written %q, want %q", in, got, want)
		}
	}
}

// TestEscapeLikeNamesReadBackAsWritten writes a budget workbook whose unit
// names and codes look like OOXML escapes and reads it back with excelize,
// which decodes escapes as Excel does.
func TestEscapeLikeNamesReadBackAsWritten(t *testing.T) {
	bb := testBudget(t)
	names := []string{"_x0041_", "_x005F_x0041_", "站_x000D_点", "_x0000_"}
	for i, n := range names {
		bb.Plan.Units[i].Name = n
	}
	f, err := excelize.OpenReader(bytes.NewReader(writeBook(t, bb)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	found := map[string]bool{}
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			for _, c := range r {
				found[c] = true
			}
		}
	}
	for _, n := range names {
		if !found[n] {
			t.Errorf("no cell reads back as %q", n)
		}
	}
	for _, decoded := range []string{"A", "站\r点"} {
		if found[decoded] {
			t.Errorf("a cell reads back as %q: an escape was decoded", decoded)
		}
	}
}

// TestCSVNeutralisesTabAndCarriageReturn: a text field that starts with a
// tab or a carriage return (which a spreadsheet may strip before it sees
// the =) gets its apostrophe too; refunds stay numbers.
func TestCSVNeutralisesTabAndCarriageReturn(t *testing.T) {
	var b bytes.Buffer
	cw := newCSVWriter(&b)
	cw.row("\t=1+1", "\r=HYPERLINK(\"http://x\")", "\t", "a\tb", allocation.Fen(-2050), "-", 3)
	if err := cw.flush(); err != nil {
		t.Fatal(err)
	}
	got := readCSV(t, b.Bytes())
	want := []string{"'\t=1+1", "'\r=HYPERLINK(\"http://x\")", "'\t", "a\tb", "-20.50", "'-", "3"}
	if len(got) != 1 || strings.Join(got[0], "|") != strings.Join(want, "|") {
		t.Errorf("fields %q\nwant %q", got, want)
	}
}

// flipCtx is a context whose Err turns to Canceled at its n-th call: a
// SIGTERM, or a disk that fills, at a chosen point in the middle of a sheet.
// The sheets are written in parallel, so the count is shared.
type flipCtx struct {
	context.Context
	n atomic.Int32
}

func (c *flipCtx) Err() error {
	if c.n.Add(-1) < 0 {
		return context.Canceled
	}
	return nil
}

// bigBudget is testBudget's city with n stations, each with a room: a
// Lines sheet of thousands of rows.
func bigBudget(t *testing.T, n int) *Budget {
	t.Helper()
	bb := testBudget(t)
	one := allocation.Int(1)
	in := allocation.Input{Categories: []string{"elderly_care", "charity"}, Drivers: []string{"population"},
		Units: []allocation.Unit{{Code: "H", Name: "总站", Tier: allocation.Hub, Drivers: []allocation.Ratio{one}}},
		Funds: []allocation.Fund{{ID: "F1", Category: 0, Amount: 100_000_000}, {ID: "F2", Category: 1, Amount: 100_000_000}}}
	for i := range n {
		s := allocation.Unit{Code: fmt.Sprintf("S%05d", i), Name: "站", Tier: allocation.Station, Parent: "H",
			Grade: allocation.Good, Drivers: []allocation.Ratio{allocation.Int(uint64(i + 1))}}
		in.Units = append(in.Units, s, allocation.Unit{Code: "R" + s.Code, Name: "室", Tier: allocation.Room, Parent: s.Code,
			Drivers: []allocation.Ratio{one}})
	}
	var r allocation.Rules
	r.Factors = allocation.DefaultFactors()
	r.Demand.Share = one
	r.Demand.Drivers = []string{"population", "population"}
	r.Rooms.Share = allocation.Ratio{Num: 5, Scale: 1}
	p, err := allocation.Allocate(in, r)
	if err != nil {
		t.Fatal(err)
	}
	bb.Plan = p
	bb.Funds.Lines = bb.Funds.Lines[:0]
	return bb
}

// TestASheetCutShortLeavesNothing stops the workbook in the middle of its
// sheets, at many points: a sheet abandoned half-written (by an
// interruption here, by a full disk in the field: the same path) leaves no
// temporary file in the output folder.
func TestASheetCutShortLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	bb := bigBudget(t, 3000)
	bb.TempDir = dir
	if len(bb.Plan.Lines) < 10_000 {
		t.Fatalf("only %d lines", len(bb.Plan.Lines))
	}
	stopped := 0
	for _, n := range []int32{0, 1, 2, 3, 5, 8, 12, 20} {
		ctx := &flipCtx{Context: context.Background()}
		ctx.n.Store(n)
		err := WriteBudgetWorkbook(ctx, io.Discard, bb)
		if errors.Is(err, context.Canceled) {
			stopped++
		} else if err != nil {
			t.Fatal(err)
		}
		if left := tempFiles(t, dir); len(left) > 0 {
			t.Errorf("stopped at the %d-th look at the context: temporary files left: %v", n, left)
			for _, name := range left {
				os.Remove(filepath.Join(dir, name))
			}
		}
	}
	if stopped < 5 {
		t.Errorf("only %d of 8 runs were stopped: the test does not cut sheets short", stopped)
	}
}
