package reports

import (
	"io"
	"strconv"
	"sync"

	"fundalloc/allocation"
	"fundalloc/reports/msg"
	"fundalloc/sources"
)

// WriteReconcileJSON writes the reconciliation JSON of DESIGN §8: fiscal
// year, month, the budget of record, one row per unit × category with a
// budget or spending, and every exception.
func WriteReconcileJSON(w io.Writer, rc *Reconciliation) error {
	j := &jsonWriter{w: w, buf: make([]byte, 0, 64<<10)}
	j.raw("{\n  \"fiscal_year\": ")
	j.buf = strconv.AppendInt(j.buf, int64(rc.Year), 10)
	j.raw(",\n  \"month\": ")
	j.str(rc.Month)
	j.raw(",\n  \"budget\": ")
	j.str(rc.Budget)
	j.raw(",\n  \"rows\": [")
	for i := range rc.Rows {
		r := &rc.Rows[i]
		j.sep(i)
		j.raw(`{"unit": `)
		j.str(r.Unit)
		j.raw(`, "category": `)
		j.str(rc.Categories[r.Category].Code)
		j.field("annual", r.Annual)
		j.field("plan_to_date", r.PlanToDate)
		j.field("actual_to_date", r.Actual)
		j.field("variance", r.Variance)
		j.raw(`, "execution_rate": `)
		if r.Rate.Valid() {
			j.buf = append(j.buf, '"')
			j.buf, _ = r.Rate.AppendText(j.buf)
			j.buf = append(j.buf, '"')
		} else {
			j.raw("null")
		}
		j.raw(`, "flags": `)
		j.raw(flagsJSON[r.Flags&15])
		j.raw("}")
		if err := j.flushIfFull(); err != nil {
			return err
		}
	}
	j.end()
	j.raw(",\n  \"exceptions\": [")
	language := msg.Of(rc.Language)
	for i, e := range rc.Ledger.Exceptions {
		j.sep(i)
		j.raw(`{"voucher": `)
		j.str(e.Voucher)
		j.raw(`, "file": `)
		j.str(e.File)
		j.raw(`, "row": `)
		j.buf = strconv.AppendInt(j.buf, int64(e.Row), 10)
		j.raw(`, "flag": `)
		j.str(e.Flag)
		j.raw(`, "message": `)
		j.str(e.Text.Localize(language)) // DESIGN §3.5: the message follows language, the flag stays a code
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
	Year       int
	Month      string // YYYY-MM
	MonthNum   int    // 1–12
	RunDate    string // YYYY-MM-DD
	Language   string
	Document   Document // the city, the display unit, the signature lines
	Program    Program  // what wrote the workbook, for the notes sheet
	Budget     string   // the budget of record: a budget JSON's path, or "recomputed"
	BudgetNote string   // how the budget of record was found, for the command's summary
	// Config is the configuration file's path, or "" for the embedded
	// sample city's configuration.
	Config     string
	Categories []sources.Category
	Units      []allocation.Unit // the units file, for names and the station grouping
	Rows       []allocation.Row
	Ledger     *sources.Ledger
	After      int // counted-looking vouchers dated after the month
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
