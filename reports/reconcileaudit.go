package reports

import (
	"cmp"
	"iter"
	"slices"
	"time"

	"fundalloc/allocation"
	"fundalloc/reports/msg"
	"fundalloc/sources"
)

// Ledger is what the reconciliation outputs show of the vouchers read: the
// files, the exceptions, and a listing of every voucher that the caller
// reads for them (reports never opens an input file).
type Ledger struct {
	Files, Sheets []string // per ledger file; LedgerVoucher.File indexes them
	Exceptions    []sources.Exception
	// List yields every voucher read, in the files' order, then an error
	// if the listing failed (a file changed since it was read). Each call
	// lists them again; the voucher yielded is reused for the next.
	List iter.Seq2[*LedgerVoucher, error]
}

// LedgerVoucher is one voucher of the Ledger sheet: its texts as written,
// where it was read, and what became of it.
type LedgerVoucher struct {
	Voucher, Date, Unit, Category, Description string
	Amount                                     allocation.Fen
	AmountText                                 string // the amount as written, when it is not an amount
	File, Row                                  int
	Exceptions                                 []string // its exception kinds; none when counted
	Month                                      int      // 1–12 in the fiscal year, 0 when outside it or undated
}

// BudgetOfRecord names the version of record a month was reconciled
// against (DESIGN §8.1, §10).
type BudgetOfRecord struct {
	Version  string // v2
	DocNo    string
	Approved string // YYYY-MM-DD
	SHA256   string // of the version's JSON
	Path     string // record/budget-2026-v2.json
}

// sortedVouchers lists the ledger by date, then voucher number (DESIGN
// §8.1). Vouchers without a readable date come last, by voucher number.
// It holds every voucher in memory: the caller uses it only while they fit
// one sheet.
func sortedVouchers(list iter.Seq2[*LedgerVoucher, error]) ([]LedgerVoucher, error) {
	var out []LedgerVoucher
	for v, err := range list {
		if err != nil {
			return nil, err
		}
		out = append(out, *v)
	}
	slices.SortStableFunc(out, func(a, b LedgerVoucher) int {
		_, aBad := dateSerial(a.Date)
		_, bBad := dateSerial(b.Date)
		return cmp.Or(compareBool(aBad, bBad), cmp.Compare(a.Date, b.Date), cmp.Compare(a.Voucher, b.Voucher))
	})
	return out, nil
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// dateSerial is a YYYY-MM-DD date as a spreadsheet's day number (days since
// 1899-12-30), or bad when the text is not such a date.
func dateSerial(s string) (serial int, bad bool) {
	if len(s) != 10 {
		return 0, true
	}
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		return 0, true
	}
	return int(d.Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)).Hours() / 24), false
}

// ProblemText is a problem's sentence (DESIGN §8.1): SM01 滨河新区街道社工站
// 养老服务：已支出 288,146.53 元，超过全年预算 221,651.19 元 66,495.34 元.
// unit is the unit's code and name, category the category's name.
func ProblemText(p allocation.Problem, r *allocation.Row, unit, category string) msg.Text {
	var t msg.Text
	switch p.Flag {
	case allocation.FlagOverspend:
		t = msg.RcProblemOverspend.With(unit, category, Yuan(r.Actual), Yuan(r.Annual), Yuan(p.Stake))
	case allocation.FlagMisuse:
		t = msg.RcProblemMisuse.With(unit, category, Yuan(r.Actual))
	case allocation.FlagAhead:
		t = msg.RcProblemAhead.With(unit, category, Yuan(r.Actual), Yuan(r.PlanToDate), Yuan(p.Stake))
	default:
		t = msg.RcProblemBehind.With(unit, category, Yuan(r.Actual), Yuan(r.PlanToDate), Yuan(p.Stake))
	}
	return t
}

// problemText renders the i-th problem of rc in l.
func (rc *Reconciliation) problemText(i int, l msg.Lang) string {
	p := rc.Problems[i]
	r := &rc.Rows[p.Row]
	x := rc.unitIndex()
	who := r.Unit
	if k, ok := x.byCode[r.Unit]; ok && x.units[k].Name != "" {
		who += " " + x.units[k].Name
	}
	cat := rc.Categories[r.Category]
	name := cat.Zh
	if l == msg.EN {
		name = cat.En
	}
	s := ProblemText(p, r, who, cmp.Or(name, cat.Code)).Localize(l)
	if r.Reserved {
		s += msg.RcProblemReserved.In(l)
	}
	return s
}

// ProblemLines renders the first n problems in l, for the command's summary.
func (rc *Reconciliation) ProblemLines(n int, l msg.Lang) []string {
	out := make([]string, 0, min(n, len(rc.Problems)))
	for i := range min(n, len(rc.Problems)) {
		out = append(out, rc.problemText(i, l))
	}
	return out
}

// rowStatus is a row's status in the JSON: "reserved" when its budget is
// reserved for re-procurement, else "allocated".
func rowStatus(r *allocation.Row) string {
	if r.Reserved {
		return "reserved"
	}
	return "allocated"
}
