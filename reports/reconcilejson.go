package reports

import (
	"io"
	"strconv"
	"sync"

	"fundalloc/allocation"
	"fundalloc/reports/msg"
)

// WriteReconcileJSON writes the reconciliation JSON of DESIGN §8: fiscal
// year, month, the budget of record, one row per unit × category with a
// budget or spending, and every exception.
func WriteReconcileJSON(w io.Writer, rc *Reconciliation) error {
	j := &jsonWriter{w: w, buf: make([]byte, 0, 64<<10)}
	language := msg.Of(rc.Language)
	j.raw("{\n  \"fiscal_year\": ")
	j.buf = strconv.AppendInt(j.buf, int64(rc.Year), 10)
	j.raw(",\n  \"month\": ")
	j.str(rc.Month)
	j.raw(",\n  \"budget\": ")
	j.str(rc.Budget)
	j.raw(",\n  \"budget_of_record\": ")
	if v := rc.BudgetOfRecord; v != nil {
		j.raw(`{"version": `)
		j.str(v.Version)
		j.raw(`, "doc_no": `)
		j.str(v.DocNo)
		j.raw(`, "approved": `)
		j.str(v.Approved)
		j.raw(`, "sha256": `)
		j.str(v.SHA256)
		j.raw(`, "path": `)
		j.str(v.Path)
		j.raw("}")
	} else {
		j.raw("null")
	}
	j.raw(",\n  \"rows\": [")
	// A row's texts are a few: its unit's, which its next rows share, its
	// category's and its status'. Each is quoted once, not once a row.
	cats := make([]string, len(rc.Categories))
	for c := range rc.Categories {
		cats[c] = `, "category": ` + string(AppendJSONString(nil, rc.Categories[c].Code)) + `, "status": `
	}
	var status [2]string
	for k, reserved := range [2]bool{false, true} {
		status[k] = string(AppendJSONString(nil, rowStatus(&allocation.Row{Reserved: reserved})))
	}
	var unit []byte // `{"unit": "…"` of the unit of the row before
	unitOf := ""
	for i := range rc.Rows {
		r := &rc.Rows[i]
		j.sep(i)
		if unit == nil || r.Unit != unitOf {
			unit = AppendJSONString(append(unit[:0], `{"unit": `...), r.Unit)
			unitOf = r.Unit
		}
		j.buf = append(j.buf, unit...)
		j.raw(cats[r.Category])
		if r.Reserved {
			j.raw(status[1])
		} else {
			j.raw(status[0])
		}
		j.field("annual", r.Annual)
		j.field("plan_to_date", r.PlanToDate)
		j.field("actual_to_date", r.Actual)
		j.field("variance", r.Variance)
		j.field("remaining", r.Remaining())
		j.rate(r.Rate)
		j.raw(`, "flags": `)
		j.raw(flagsJSON[r.Flags&15])
		j.raw("}")
		if err := j.flushIfFull(); err != nil {
			return err
		}
	}
	j.end()
	j.raw(",\n  \"stations\": [")
	for i := range rc.Stations {
		s := &rc.Stations[i]
		j.sep(i)
		j.raw(`{"unit": `)
		j.str(s.Unit)
		j.field("annual", s.Annual)
		j.field("plan_to_date", s.PlanToDate)
		j.field("actual_to_date", s.Actual)
		j.field("remaining", s.Remaining())
		j.rate(s.Rate)
		j.raw(`, "worst_flag": `)
		if s.Worst != 0 {
			j.str(s.Worst.Name())
		} else {
			j.raw("null")
		}
		j.raw(`, "flagged_rows": `)
		j.buf = strconv.AppendInt(j.buf, int64(s.Flagged), 10)
		j.raw("}")
	}
	j.end()
	j.raw(",\n  \"problems\": [")
	words := newProblemWriter(rc, language)
	words.indexRows()
	for i, p := range rc.Problems {
		if i%prefetchBlock == 0 {
			words.prefetch(i, min(i+prefetchBlock, len(rc.Problems)))
		}
		r := &rc.Rows[p.Row]
		j.sep(i)
		j.raw(`{"severity": `)
		j.buf = strconv.AppendInt(j.buf, int64(p.Severity), 10)
		j.raw(`, "unit": `)
		j.str(r.Unit)
		j.raw(`, "category": `)
		j.str(rc.Categories[r.Category].Code)
		j.raw(`, "flag": `)
		j.str(p.Flag.Name())
		j.field("amount", p.Stake)
		j.raw(`, "message": `)
		j.buf = words.appendJSON(j.buf, i)
		j.raw("}")
		if err := j.flushIfFull(); err != nil {
			return err
		}
	}
	j.end()
	j.raw(",\n  \"exceptions\": [")
	for i, e := range rc.Ledger.Exceptions {
		j.sep(i)
		j.raw(`{"voucher": `)
		j.str(e.Voucher)
		j.raw(`, "file": `)
		j.str(e.File)
		j.raw(`, "row": `)
		j.buf = strconv.AppendInt(j.buf, int64(e.Row), 10)
		j.raw(`, "flag": `)
		j.str(e.Kind.Name())
		j.raw(`, "message": `)
		j.str(msg.Localize(e.Why, language)) // DESIGN §3.5: the message follows language, the flag stays a code
		j.raw("}")
		if err := j.flushIfFull(); err != nil {
			return err
		}
	}
	j.end()
	j.raw("\n}\n")
	return j.flush()
}

// flagsJSON holds the JSON list of every set of flags.
var flagsJSON = func() (t [16]string) {
	for f := range t {
		var b []byte
		b = append(b, '[')
		for k, name := range allocation.Flags(f).List() {
			if k > 0 {
				b = append(b, ", "...)
			}
			b = AppendJSONString(b, name)
		}
		t[f] = string(append(b, ']'))
	}
	return t
}()

// Reconciliation is everything the reconciliation outputs show.
type Reconciliation struct {
	Year     int
	Month    string // YYYY-MM
	MonthNum int    // 1–12
	RunDate  string // YYYY-MM-DD
	Language string
	Document Document // the city, the display unit, the signature lines
	Program  Program  // what wrote the workbook, for the notes sheet
	Budget   string   // the budget of record: a version (v2), a budget JSON's path, or "recomputed"
	// BudgetOfRecord is the version of record reconciled against, or nil
	// for a budget file or the recomputed draft.
	BudgetOfRecord *BudgetOfRecord
	BudgetNote     msg.Text // how the budget of record was found, for the command's summary, in its reader's language
	// Config is the configuration file's path, or "" for the embedded
	// sample city's configuration.
	Config     string
	Categories []allocation.Category
	Units      []allocation.Unit // the units file, for names and the station grouping
	Rows       []allocation.Row
	Stations   []allocation.Rollup  // the hub's and each station's roll-up
	Problems   []allocation.Problem // every flagged row, worst first
	Ledger     Ledger
	Counts     allocation.Counts // what became of the vouchers read
	Inputs     []allocation.FileHash
	Warnings   []msg.Text // in words, rendered in Language
	Tolerance  allocation.Ratio
	Behind     allocation.Ratio
	// Phasing holds the 12 monthly percentages the budget is phased by, or
	// nothing when it is phased evenly.
	Phasing []allocation.Ratio
	TempDir string // for temporary files: the output folder; "" for the system's
	// DetailCSV and LedgerCSV, when set, name companion CSV files that hold
	// the Detail and Ledger tables because they have more rows than a
	// worksheet; the workbook then points to them.
	DetailCSV, LedgerCSV string

	indexOnce sync.Once
	index     *unitIndex
}

// rate writes "execution_rate": "0.9300", or null without a plan.
func (j *jsonWriter) rate(r allocation.Rate) {
	j.raw(`, "execution_rate": `)
	if !r.Valid() {
		j.raw("null")
		return
	}
	j.buf = append(j.buf, '"')
	j.buf, _ = r.AppendText(j.buf)
	j.buf = append(j.buf, '"')
}
