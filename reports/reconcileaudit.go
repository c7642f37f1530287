package reports

import (
	"cmp"
	"iter"
	"slices"
	"strconv"
	"strings"
	"time"

	"fundalloc/allocation"
	"fundalloc/reports/msg"
)

// Ledger is what the reconciliation outputs show of the vouchers read: the
// files, the exceptions, and a listing of every voucher that the caller
// reads for them (reports never opens an input file).
type Ledger struct {
	Files, Sheets []string // per ledger file; LedgerVoucher.File indexes them
	Exceptions    []allocation.Exception
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
	Exceptions                                 allocation.Exceptions // its exception kinds; none when counted
	Month                                      int                   // 1–12 in the fiscal year, 0 when outside it or undated
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
	return string(newProblemWriter(rc, l).append(nil, i))
}

// problemWriter renders problem sentences as ProblemText does, without
// fmt: a national reconciliation has millions of problems. Each flag's
// form from the catalogue is split once at its %[n]s verbs and filled by
// appending; a test holds the two to the same text.
type problemWriter struct {
	rc       *Reconciliation
	units    *unitIndex
	forms    [len(allocation.BySeverity)]form // by severity − 1
	reserved string
	cats     [][]byte
	// For appendJSON: the same pieces escaped for a JSON string.
	jforms    [len(allocation.BySeverity)]form
	jreserved string
	jcats     [][]byte
	// rowUnit is, for each row, the index of its unit in units (-1 when
	// unknown), once indexRows has run: rows come sorted by unit, so the
	// units map is asked once per unit, not once per problem.
	rowUnit []int32
	sink    int // what prefetch read
}

// form is a message's text split at its verbs: lits[0] arg[0] lits[1] …
type form struct {
	lits []string
	args []int // 0-based argument numbers
}

func compileForm(s string) form {
	var f form
	next := 0
	for {
		i := strings.IndexByte(s, '%')
		if i < 0 {
			f.lits = append(f.lits, s)
			return f
		}
		f.lits = append(f.lits, s[:i])
		s = s[i+1:]
		n := next
		if strings.HasPrefix(s, "[") {
			j := strings.IndexByte(s, ']')
			n, _ = strconv.Atoi(s[1:j])
			n--
			s = s[j+1:]
		}
		s = s[1:] // the verb: s
		f.args = append(f.args, n)
		next = n + 1
	}
}

func newProblemWriter(rc *Reconciliation, l msg.Lang) *problemWriter {
	p := &problemWriter{rc: rc, units: rc.unitIndex(), reserved: msg.RcProblemReserved.In(l)}
	for i, m := range []*msg.Message{msg.RcProblemOverspend, msg.RcProblemMisuse, msg.RcProblemAhead, msg.RcProblemBehind} {
		p.forms[i] = compileForm(m.Form(l))
		p.jforms[i] = form{args: p.forms[i].args}
		for _, lit := range p.forms[i].lits {
			p.jforms[i].lits = append(p.jforms[i].lits, string(appendJSONEscaped(nil, lit)))
		}
	}
	p.jreserved = string(appendJSONEscaped(nil, p.reserved))
	for _, c := range rc.Categories {
		name := c.Zh
		if l == msg.EN {
			name = c.En
		}
		p.cats = append(p.cats, []byte(cmp.Or(name, c.Code)))
		p.jcats = append(p.jcats, appendJSONEscaped(nil, cmp.Or(name, c.Code)))
	}
	return p
}

// indexRows finds every row's unit once, for a writer that renders many
// problems.
func (p *problemWriter) indexRows() {
	p.rowUnit = make([]int32, len(p.rc.Rows))
	k, prev := int32(-1), ""
	for i := range p.rc.Rows {
		u := p.rc.Rows[i].Unit
		if i == 0 || u != prev {
			k, prev = -1, u
			if j, ok := p.units.byCode[u]; ok {
				k = int32(j)
			}
		}
		p.rowUnit[i] = k
	}
}

// prefetchBlock is how many problems prefetch reads ahead.
const prefetchBlock = 32

// prefetch reads what appendJSON and the problem's other fields will read
// of problems from to to, once indexRows has run: their rows, their units'
// codes and names. The problems come worst first, so their rows are all
// over a table of some 350 MB: each read misses the cache, and one after
// the other, between the formatting, they took half of a national
// reconciliation JSON's time. Here the reads of a block go out together,
// one level of the chain at a time (row, then code and unit, then name), so
// the processor waits for them about once.
func (p *problemWriter) prefetch(from, to int) {
	probs, rows := p.rc.Problems[from:to], p.rc.Rows
	var sum int
	for _, pr := range probs {
		r := &rows[pr.Row]
		sum += len(r.Unit) + int(r.Actual) + int(p.rowUnit[pr.Row])
	}
	for _, pr := range probs {
		if u := rows[pr.Row].Unit; u != "" {
			sum += int(u[0])
		}
		if k := p.rowUnit[pr.Row]; k >= 0 {
			sum += len(p.units.units[k].Name)
		}
	}
	for _, pr := range probs {
		if k := p.rowUnit[pr.Row]; k >= 0 {
			if name := p.units.units[k].Name; name != "" {
				sum += int(name[0])
			}
		}
	}
	p.sink = sum // kept, so that the reads are made
}

// unitName is the name of row's unit, "" when it has none or is unknown.
func (p *problemWriter) unitName(row int32, r *allocation.Row) string {
	if p.rowUnit != nil {
		if k := p.rowUnit[row]; k >= 0 {
			return p.units.units[k].Name
		}
		return ""
	}
	if k, ok := p.units.byCode[r.Unit]; ok {
		return p.units.units[k].Name
	}
	return ""
}

// appendJSON appends the i-th problem's sentence to b as a JSON string: what
// AppendJSONString makes of append's sentence, without building it first.
// The catalogue's pieces are escaped once; the unit's code and name are
// escaped here; amounts need no escaping.
func (p *problemWriter) appendJSON(b []byte, i int) []byte {
	pr := p.rc.Problems[i]
	r := &p.rc.Rows[pr.Row]
	var scratch [64]byte
	var args [5][]byte
	args[1] = p.jcats[r.Category]
	amountArgs(&args, scratch[:0], pr, r)
	b = append(b, '"')
	f := &p.jforms[pr.Severity-1]
	for k, lit := range f.lits {
		b = append(b, lit...)
		if k < len(f.args) {
			if a := f.args[k]; a == 0 {
				b = appendJSONEscaped(b, r.Unit)
				if name := p.unitName(pr.Row, r); name != "" {
					b = appendJSONEscaped(append(b, ' '), name)
				}
			} else {
				b = append(b, args[a]...)
			}
		}
	}
	if r.Reserved {
		b = append(b, p.jreserved...)
	}
	return append(b, '"')
}

// append appends the i-th problem's sentence to b.
func (p *problemWriter) append(b []byte, i int) []byte {
	pr := p.rc.Problems[i]
	r := &p.rc.Rows[pr.Row]
	var args [5][]byte
	var scratch [64]byte
	who := append(scratch[:0:0], r.Unit...)
	if name := p.unitName(pr.Row, r); name != "" {
		who = append(append(who, ' '), name...)
	}
	args[0], args[1] = who, p.cats[r.Category]
	amountArgs(&args, scratch[:0], pr, r)
	f := &p.forms[pr.Severity-1]
	for k, lit := range f.lits {
		b = append(b, lit...)
		if k < len(f.args) {
			b = append(b, args[f.args[k]]...)
		}
	}
	if r.Reserved {
		b = append(b, p.reserved...)
	}
	return b
}

// amountArgs fills a problem sentence's amounts, args[2:5], into buf: what
// was spent, what it is compared with (the year's budget for OVERSPEND, the
// plan to date otherwise) and the amount at stake.
func amountArgs(args *[5][]byte, buf []byte, pr allocation.Problem, r *allocation.Row) {
	args[2] = appendYuan(buf, r.Actual)
	ref := r.Annual
	if pr.Flag != allocation.FlagOverspend {
		ref = r.PlanToDate
	}
	args[3] = appendYuan(args[2][len(args[2]):], ref)
	args[4] = appendYuan(args[3][len(args[3]):], pr.Stake)
}

// appendYuan appends an amount as Yuan formats it.
func appendYuan(b []byte, f allocation.Fen) []byte {
	var tmp [24]byte
	s, _ := f.AppendText(tmp[:0]) // [-]digits.dd
	if s[0] == '-' {
		b = append(b, '-')
		s = s[1:]
	}
	intPart, frac := s[:len(s)-3], s[len(s)-3:]
	for i := range len(intPart) {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, intPart[i])
	}
	return append(b, frac...)
}

// ProblemLines renders the first n problems in l, for the command's summary.
func (rc *Reconciliation) ProblemLines(n int, l msg.Lang) []string {
	out := make([]string, 0, min(n, len(rc.Problems)))
	p := newProblemWriter(rc, l)
	for i := range min(n, len(rc.Problems)) {
		out = append(out, string(p.append(nil, i)))
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
