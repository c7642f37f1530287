package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"fundalloc/allocation"
	"fundalloc/cmd/fundalloc/scheduler"
	"fundalloc/config"
	"fundalloc/reports"
	"fundalloc/reports/msg"
	"fundalloc/sources"
)

func newApproveCmd(g *globals) *cobra.Command {
	var opts approveOptions
	cmd := &cobra.Command{
		Use:   "approve --doc-no TEXT [--note TEXT] [--date YYYY-MM-DD]",
		Short: g.t(msg.ApproveShort),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.docNo == "" {
				return usageError{msg.ApproveNeedDocNo.Err()}
			}
			cfg, lock, err := g.configLocked(cmd)
			if err != nil {
				return err
			}
			defer lock.Release()
			res, err := approve(cmd.Context(), g, cfg, opts)
			if err != nil {
				return err
			}
			for _, w := range res.warnings {
				fmt.Fprintln(g.stderr, g.t(msg.CmdWarning, w))
			}
			if !g.quiet {
				fmt.Fprintln(g.stdout, g.t(msg.ApproveDone, cfg.FiscalYear, res.line.Version, res.line.DocNo, res.line.Approved))
				for _, p := range res.outputs {
					fmt.Fprintln(g.stdout, g.t(msg.CmdWrote, p))
				}
				fmt.Fprintln(g.stdout, g.t(msg.ApproveLineHash, res.hash))
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.docNo, "doc-no", "", g.t(msg.ApproveFlagDocNo))
	f.StringVar(&opts.note, "note", "", g.t(msg.ApproveFlagNote))
	f.StringVar(&opts.date, "date", "", g.t(msg.ApproveFlagDate))
	addLockWaitFlag(cmd, g)
	return cmd
}

type approveOptions struct {
	docNo, note, date string
}

// approveResult is a recorded version.
type approveResult struct {
	line     sources.Record
	hash     string // of the new record line
	outputs  []string
	warnings []msg.Text
}

// approve records the draft budget-<year>.json and .xlsx as the next
// version of record (DESIGN §10): both checked, the JSON copied as it is,
// the workbook with its 说明 sheet stamped, both read-only, then one line
// appended to record.jsonl. It refuses a record that no longer verifies, a
// draft that gives the same money as the latest version, and a date
// earlier than the latest version's. The caller holds the output lock.
func approve(ctx context.Context, g *globals, cfg *config.Config, opts approveOptions) (*approveResult, error) {
	l := g.language
	res := &approveResult{}
	date := g.runDate(cfg)
	if opts.date != "" {
		d, err := time.Parse(time.DateOnly, opts.date)
		if err != nil {
			return nil, usageError{msg.ApproveBadDate.Err(opts.date)}
		}
		date = d
	}
	rec, err := readRecord(cfg)
	if err != nil {
		return nil, err
	}
	if len(rec.warnings) > 0 {
		// Appending after a torn line would leave it in the middle of the
		// record, where it could no longer be told from an edit.
		return nil, inputError{msg.ApproveTorn.Err(rec.path(recordFile))}
	}
	if err := rec.verifyUse(nil); err != nil {
		return nil, err
	}

	// The draft, checked.
	jsonPath, xlsxPath := draftPaths(cfg)
	for _, p := range []string{jsonPath, xlsxPath} {
		if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
			return nil, &sources.Error{File: p, Err: msg.ApproveNoDraft.Wrap(sources.ErrUnreadable, p)}
		}
	}
	draft, draftSHA, err := readBudget(cfg, jsonPath, jsonPath)
	if err != nil {
		return nil, err
	}
	if draft.Year != cfg.FiscalYear {
		return nil, &sources.Error{File: jsonPath, Err: msg.ApproveDraftYear.Wrap(sources.ErrBadNumber, jsonPath, draft.Year, cfg.FiscalYear)}
	}
	for _, in := range draft.Inputs {
		if !inputUnchanged(cfg, in) {
			res.warnings = append(res.warnings, msg.ApproveInput.With(in.Path))
		}
	}

	// The next version, unless nothing changed.
	n, parent, parentSHA := 1, "", ""
	if last := rec.latest(cfg.FiscalYear); last != nil {
		prev, _, err := readBudget(cfg, rec.path(last.File(".json")), rec.path(last.File(".json")))
		if err != nil {
			return nil, err
		}
		if prev.SameMoney(&draft.Budget) {
			return nil, inputError{msg.ApproveNoChange.Err(last.Version)}
		}
		if date.Before(last.Date) {
			return nil, inputError{msg.ApproveEarlier.Err(date.Format(time.DateOnly), last.Version, last.Approved)}
		}
		n, parent, parentSHA = last.N+1, last.Version, last.SHA256
	}
	line := sources.Record{Version: fmt.Sprintf("v%d", n), Year: cfg.FiscalYear, Approved: date.Format(time.DateOnly),
		Recorded: g.clock()().In(cfg.Schedule.Location).Format(time.RFC3339), DocNo: opts.docNo, Note: opts.note,
		SHA256: draftSHA, Inputs: draft.Inputs, Parent: parent, ParentSHA256: parentSHA, PrevRecordSHA256: rec.newest()}
	if line.Inputs == nil {
		line.Inputs = []allocation.FileHash{}
	}
	if err := interrupted(ctx); err != nil {
		return nil, err
	}

	// The version's files: written whole, read-only, then renamed in.
	out, err := openOut(cfg.Out)
	if err != nil {
		return nil, err
	}
	defer out.Close()
	dir, err := out.Sub(recordDir, true)
	if err != nil {
		return nil, err
	}
	defer dir.Close()
	if _, err := reports.CleanTempIn(dir); err != nil {
		return nil, err
	}
	for _, o := range rec.orphans() {
		m := msg.RecordOrphan
		if base := filepath.Base(o); base == line.File(".json") || base == line.File(".xlsx") {
			m = msg.ApproveOrphan // written over below
		}
		res.warnings = append(res.warnings, m.With(o))
	}
	b := reports.NewBatch(ctx)
	b.Mode = 0o444
	err = b.WriteIn(dir, line.File(".json"), func(w io.Writer) error {
		f, err := openRegular(jsonPath)
		if err != nil {
			return err
		}
		defer f.Close()
		hw := newHashingWriter(w)
		if _, err := io.Copy(hw, f); err != nil {
			return err
		}
		if hw.sum() != draftSHA {
			return &sources.Error{File: jsonPath, Err: msg.ApproveChanged.Wrap(sources.ErrUnreadable, jsonPath)}
		}
		return nil
	})
	if err == nil {
		err = b.WriteIn(dir, line.File(".xlsx"), func(w io.Writer) error {
			hw := newHashingWriter(w)
			if err := stampWorkbook(hw, xlsxPath, l, stamp(l, &line)); err != nil {
				return err
			}
			line.XLSX = hw.sum()
			return nil
		})
	}
	if err == nil {
		err = interrupted(ctx)
	}
	if err != nil {
		b.Abort()
		return nil, stopped(ctx, err)
	}
	if err := b.Commit(); err != nil {
		return nil, err
	}
	data, err := json.Marshal(line)
	if err != nil {
		return nil, err
	}
	if err := scheduler.AppendLine(dir, recordFile, data); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	res.line, res.hash = line, hex.EncodeToString(sum[:])
	res.outputs = []string{dir.Join(line.File(".json")), dir.Join(line.File(".xlsx")), dir.Join(recordFile)}
	return res, nil
}

// stampWorkbook copies the draft workbook to w with the approval stamped on
// its 说明 (Notes) sheet; a file that is not a workbook is an input error.
func stampWorkbook(w io.Writer, path string, l msg.Lang, st reports.Stamp) error {
	f, err := openRegular(path)
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	// The sheet in the run's language first: a workbook without one gets
	// it under that name.
	notes := msg.Get("sheet.notes")
	names := []string{notes.In(l), notes.In(1 - l)}
	if err := reports.StampNotes(w, f, info.Size(), names, st); err != nil {
		return &sources.Error{File: path, Err: msg.ApproveNotWorkbook.Wrap(sources.ErrUnreadable, err)}
	}
	return nil
}

// stamp is the approval as the 说明 sheet shows it. The version, document
// number and date go in the cells the workbook names for them (its
// approval block), the rest below.
func stamp(l msg.Lang, r *sources.Record) reports.Stamp {
	parent := msg.DiffNone.In(l)
	if r.Parent != "" {
		parent = msg.StampParentOf.In(l, r.Parent, r.ParentSHA256)
	}
	st := reports.Stamp{
		Title: msg.StampTitle.In(l),
		Fields: []reports.StampField{
			{Name: reports.ApprovalVersion, Label: msg.Get("notes.approval.version").In(l), Value: r.Version},
			{Name: reports.ApprovalDocNo, Label: msg.Get("notes.approval.docno").In(l), Value: r.DocNo},
			{Name: reports.ApprovalDate, Label: msg.Get("notes.approval.date").In(l), Value: r.Approved},
		},
		Rows: [][]string{
			{msg.StampParent.In(l), parent},
			{msg.StampJSON.In(l), r.SHA256},
			{msg.StampRecorded.In(l), r.Recorded},
		},
	}
	if r.Note != "" {
		st.Rows = append(st.Rows, []string{msg.StampNote.In(l), r.Note})
	}
	return st
}

// inputUnchanged reports whether an input the draft lists still has the
// hash the draft gives it.
func inputUnchanged(cfg *config.Config, in allocation.FileHash) bool {
	srcs, err := cfg.Base.Resolve([]string{filepath.FromSlash(in.Path)})
	if err != nil || len(srcs) != 1 {
		return false
	}
	sum, err := srcs[0].SHA256()
	return err == nil && sum == in.SHA256
}
