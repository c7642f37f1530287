package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"fundalloc/allocation"
	"fundalloc/config"
	"fundalloc/reports"
	"fundalloc/reports/msg"
	"fundalloc/reports/outdir"
	"fundalloc/sources"
)

// theBudget is the budget a month is reconciled against, with the table of
// unit codes its Unit indexes, the units file and the inputs' hashes.
type theBudget struct {
	budget []allocation.Budgeted
	codes  []string
	units  *sources.UnitTable
	hashes []allocation.FileHash
}

// budgetOfRecord finds the budget to reconcile against (DESIGN §8.1, §10):
// the file given with --budget; else the version of record in force at the
// end of the month; else, with no version yet, the draft recomputed from the
// configuration, with a warning. It fills in rc's year, categories and the
// budget's name. For a recomputed draft it calls unitsKnown once the units
// are read and rc's year and categories are set, before the allocation:
// what the ledgers need to be read.
func budgetOfRecord(ctx context.Context, g *globals, cfg *config.Config, file string, year, month int, rc *reports.Reconciliation, prog *progress, unitsKnown func(codes []string, units []allocation.Unit)) (*theBudget, error) {
	if file != "" {
		path := g.path(file)
		return readBudgetOfRecord(ctx, cfg, file, path, rc)
	}
	rec, err := readRecord(cfg)
	if err != nil {
		return nil, err
	}
	rc.Warnings = append(rc.Warnings, rec.warnings...)
	var approvals []allocation.Approval
	lines := rec.ofYear(year)
	for _, l := range lines {
		approvals = append(approvals, l.Approval())
	}
	v, early, ok := allocation.InForce(approvals, year, time.Month(month))
	if !ok {
		rc.Warnings = append(rc.Warnings, msg.RcBudgetDraftYet.With())
		return recomputedBudget(ctx, cfg, rc, prog, unitsKnown)
	}
	var l *sources.RecordLine
	for _, x := range lines {
		if x.N == v.Version {
			l = x
		}
	}
	// The record up to the version, not only the version's own file.
	if err := rec.verifyUse(l); err != nil {
		return nil, err
	}
	name := filepath.Join(recordDir, l.File(".json"))
	b, err := readBudgetOfRecord(ctx, cfg, name, rec.path(l.File(".json")), rc)
	if err != nil {
		return nil, err
	}
	if early {
		rc.Warnings = append(rc.Warnings, msg.RcBudgetEarly.With(rc.Month, l.Version, l.Approved))
	}
	rc.Budget = l.Version
	rc.BudgetNote = msg.RcBudgetVersion.With(l.Version, l.DocNo, l.Approved)
	rc.BudgetOfRecord = &reports.BudgetOfRecord{Version: l.Version, DocNo: l.DocNo, Approved: l.Approved, SHA256: l.SHA256,
		Path: filepath.ToSlash(name)}
	return b, nil
}

// readBudgetOfRecord reads a budget JSON (name as the user knows it, path
// where it is) and the units file, for their names and stations.
func readBudgetOfRecord(ctx context.Context, cfg *config.Config, name, path string, rc *reports.Reconciliation) (*theBudget, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &sources.Error{File: name, Err: msg.CmdRcBudgetFile.Wrap(err, msg.OSReason(err))}
	}
	// The file is hashed as it is read, not opened and read a second time:
	// the hash is of the bytes the budget came from.
	h := sha256.New()
	bf, err := sources.ReadBudgetFile(name, io.TeeReader(f, h), cfg.Limits.UnzipSize)
	if err == nil {
		_, err = io.Copy(h, f) // what follows the JSON, so that h is the whole file's
	}
	f.Close()
	if err != nil {
		return nil, err
	}
	sum := hex.EncodeToString(h.Sum(nil))
	b := &theBudget{budget: bf.Annual(), codes: bf.Codes()}
	rc.Year = bf.Year
	rc.Categories = categoriesFor(cfg, bf.Plan.Categories)
	rc.Budget = name
	rc.BudgetNote = msg.CmdRcBudgetWithSum.With(name, sum[:16])
	b.hashes = append(b.hashes, allocation.FileHash{Path: name, SHA256: sum})
	var p sources.Problems
	unitSrc, err := cfg.UnitsSource()
	if err != nil {
		return nil, &sources.Error{File: "units", Err: describe(err)}
	}
	b.units = sources.ReadUnits(unitSrc, cfg.UnitOptions(ctx), &p)
	if err := interrupted(ctx); err != nil {
		return nil, err
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	if sum, err = unitSrc.SHA256(); err != nil {
		return nil, err
	}
	b.hashes = append(b.hashes, allocation.FileHash{Path: unitSrc.Name, SHA256: sum})
	return b, nil
}

// recomputedBudget allocates the budget from the configuration's inputs:
// the draft. Once the inputs are read it calls unitsKnown with the codes the
// plan will list its units by (sorted, as the allocation sorts them) and
// the units.
func recomputedBudget(ctx context.Context, cfg *config.Config, rc *reports.Reconciliation, prog *progress, unitsKnown func(codes []string, units []allocation.Unit)) (*theBudget, error) {
	in, err := readInputs(ctx, cfg, prog)
	if err != nil {
		return nil, err
	}
	rc.Year, rc.Categories, rc.Budget = cfg.FiscalYear, cfg.Categories, "recomputed"
	codes := make([]string, len(in.units.Units))
	for i := range in.units.Units {
		codes[i] = in.units.Units[i].Code
	}
	if !slices.IsSorted(codes) {
		slices.Sort(codes)
	}
	unitsKnown(codes, in.units.Units)
	plan, err := in.allocate(ctx)
	if err != nil {
		return nil, err
	}
	b := &theBudget{budget: allocation.Annual(plan), units: in.units, hashes: in.hashes, codes: codes}
	for i := range plan.Units {
		if plan.Units[i].Code != codes[i] {
			b.codes = make([]string, len(plan.Units)) // not as foreseen: the plan's
			for i := range plan.Units {
				b.codes[i] = plan.Units[i].Code
			}
			break
		}
	}
	if w := compareWithWritten(cfg, in, plan); w.M != nil {
		rc.Warnings = append(rc.Warnings, w)
	}
	return b, nil
}

// categoriesFor names a budget file's categories from the config where it
// knows them.
func categoriesFor(cfg *config.Config, codes []string) []allocation.Category {
	out := make([]allocation.Category, len(codes))
	for i, code := range codes {
		out[i] = allocation.Category{Code: code, Zh: code, En: code}
		for _, c := range cfg.Categories {
			if c.Code == code {
				out[i] = c
			}
		}
	}
	return out
}

// compareWithWritten warns when a budget JSON already in the output folder
// differs from the budget just recomputed: the approved budget may be the
// one to reconcile against. The budget JSON is deterministic, so the two
// agree exactly when their bytes do: the recomputed one is rendered, never
// to disk, against the file's bytes as they are read, and the rendering
// stops at the first difference. Only when they differ, and the file is
// small enough to read quickly, are the amounts compared to say how many
// differ.
func compareWithWritten(cfg *config.Config, in *inputs, plan *allocation.Plan) msg.Text {
	path := filepath.Join(cfg.Out, fmt.Sprintf("budget-%d.json", cfg.FiscalYear))
	// Read back from the output folder like anything fundalloc wrote: a
	// link or a FIFO put in its place is not followed (it is not the budget).
	f, err := outdir.OpenRegular(path)
	if err != nil {
		return msg.Text{}
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return msg.Text{}
	}
	// The budget command writes the indicators last in the JSON; they are
	// worked out only if everything before them matched.
	indicators := func() (*allocation.IndicatorTable, error) { return in.indicators(plan, cfg) }
	same := sameAsFile(f, st.Size(), func(w io.Writer) error {
		return reports.WriteBudgetJSONAwaiting(w, budgetBook(cfg, in, plan, time.Time{}), indicators)
	})
	f.Close()
	if same {
		return msg.Text{}
	}
	if st.Size() > 64<<20 {
		return msg.CmdRcDiffers.With(path, path)
	}
	f, err = outdir.OpenRegular(path)
	if err != nil {
		return msg.Text{}
	}
	defer f.Close()
	bf, err := sources.ReadBudgetFile(path, f, cfg.Limits.UnzipSize)
	if err != nil {
		return msg.CmdRcUnreadable.With(path, firstProblem(err))
	}
	inFile := make(map[allocation.UnitCategory]allocation.Fen)
	for _, b := range bf.Annual() {
		inFile[allocation.UnitCategory{Unit: bf.Plan.Units[b.Unit].Code, Category: bf.Plan.Categories[b.Category]}] = b.Annual
	}
	recomputed := make(map[allocation.UnitCategory]allocation.Fen)
	for _, b := range allocation.Annual(plan) {
		recomputed[allocation.UnitCategory{Unit: plan.Units[b.Unit].Code, Category: cfg.Categories[b.Category].Code}] = b.Annual
	}
	differ := allocation.Differing(inFile, recomputed)
	if differ == 0 {
		return msg.CmdRcSameAmounts.With(path)
	}
	return msg.CmdRcDiffAmounts.With(path, thousands(differ), path)
}

// errDiffers stops a rendering that is not the file's bytes.
var errDiffers = errors.New("differs from the file")

// sameAsFile reports whether render writes exactly the bytes of f, which
// holds size bytes: it compares each write with the file's next bytes as
// they are read, and stops the rendering at the first difference or once
// it outgrows the file. A file that cannot be read is not the same.
func sameAsFile(f io.Reader, size int64, render func(io.Writer) error) bool {
	c := &fileComparer{r: f, left: size}
	if err := render(c); err != nil {
		return false
	}
	if c.left != 0 {
		return false
	}
	// Nothing follows, though the file may have grown since its size was
	// taken.
	var one [1]byte
	n, _ := io.ReadFull(f, one[:])
	return n == 0
}

// fileComparer is a writer that checks what is written against a reader's
// bytes.
type fileComparer struct {
	r    io.Reader
	left int64 // bytes of the file not compared yet
	buf  []byte
}

func (c *fileComparer) Write(p []byte) (int, error) {
	if int64(len(p)) > c.left {
		return 0, errDiffers
	}
	for done := 0; done < len(p); {
		n := min(len(p)-done, 256<<10)
		if cap(c.buf) < n {
			c.buf = make([]byte, n)
		}
		b := c.buf[:n]
		if _, err := io.ReadFull(c.r, b); err != nil || !bytes.Equal(b, p[done:done+n]) {
			return done, errDiffers
		}
		done += n
		c.left -= int64(n)
	}
	return len(p), nil
}

// firstProblem is the first of a list of input problems, or err itself.
func firstProblem(err error) error {
	var p *sources.ProblemsError
	if errors.As(err, &p) && len(p.Problems) > 0 {
		return p.Problems[0]
	}
	return err
}
