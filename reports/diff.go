package reports

import (
	"io"
	"strconv"
	"strings"
	"time"

	"fundalloc/allocation"
	"fundalloc/reports/msg"
)

// DiffReport is what the outputs of `fundalloc diff` show (DESIGN §10):
// the diff the core computed, the names of the two budgets, and the names
// of the categories.
type DiffReport struct {
	A, B       string // the budgets compared: v1, v2, draft, or a file
	Year       int
	Language   string
	Document   Document // the city, the display unit, the signature lines
	Diff       *allocation.Diff
	Categories []allocation.Category // names for the diff's category codes, where known
	RunDate    time.Time
	TempDir    string // for temporary files: the output folder
}

// Lang is the report's language.
func (dr *DiffReport) Lang() msg.Lang { return msg.Of(dr.Language) }

// CategoryName is a category's name in l, or its code when unknown.
func (dr *DiffReport) CategoryName(code string, l msg.Lang) string {
	for _, c := range dr.Categories {
		if c.Code == code {
			if l == msg.EN {
				return c.En
			}
			return c.Zh
		}
	}
	return code
}

// Reason puts one reason in words, in l.
func (dr *DiffReport) Reason(r *allocation.Reason, l msg.Lang) string {
	var s string
	switch r.Kind {
	case allocation.UnitOpened:
		s = msg.DiffOpened.In(l)
	case allocation.UnitClosed:
		s = msg.DiffClosed.In(l)
	case allocation.UnitField:
		s = dr.unitField(r, l)
	case allocation.FundLine:
		s = dr.fundLine(r, l)
	case allocation.ParamChange:
		s = msg.DiffParam.In(l, r.Field, orNone(r.From, l), orNone(r.To, l))
	case allocation.PooledTotal:
		s = msg.DiffPooled.In(l, dr.CategoryName(r.Field, l), yuanText(r.From), yuanText(r.To))
	case allocation.DemandWeight:
		s = msg.DiffWeight.In(l, dr.CategoryName(r.Field, l), orNone(r.From, l), orNone(r.To, l))
	}
	if r.Unit != "" {
		s = msg.DiffOfUnit.In(l, r.Unit, s)
	}
	return s
}

// MainReason is a row's main reason in words, or the pointer to the
// pool-wide reasons.
func (dr *DiffReport) MainReason(row *allocation.DiffRow, l msg.Lang) string {
	if row.Main < 0 {
		return msg.DiffPoolWide.In(l)
	}
	return dr.Reason(&row.Reasons[row.Main], l)
}

func (dr *DiffReport) unitField(r *allocation.Reason, l msg.Lang) string {
	from, to := r.From, r.To
	var name string
	switch r.Field {
	case "grade":
		name, from, to = msg.DiffFieldGrade.In(l), msg.Get("grade."+from).In(l), msg.Get("grade."+to).In(l)
	case "tier":
		name, from, to = msg.DiffFieldTier.In(l), msg.Get("tier."+from).In(l), msg.Get("tier."+to).In(l)
	case "pilot":
		yes := func(v string) string {
			if v == "true" {
				return msg.DiffYes.In(l)
			}
			return msg.DiffNo.In(l)
		}
		name, from, to = msg.DiffFieldPilot.In(l), yes(from), yes(to)
	case "social_workers":
		name = msg.DiffFieldWorkers.In(l)
	case "parent":
		name = msg.DiffFieldParent.In(l)
	default:
		name = msg.DiffFieldDriver.In(l, strings.TrimPrefix(r.Field, "drivers."))
	}
	return msg.DiffField.In(l, name, orNone(from, l), orNone(to, l))
}

func (dr *DiffReport) fundLine(r *allocation.Reason, l msg.Lang) string {
	switch r.Change {
	case allocation.Added, allocation.Removed:
		m, to := msg.DiffFundAdded, msg.DiffFundAddedTo
		if r.Change == allocation.Removed {
			m, to = msg.DiffFundRemoved, msg.DiffFundRemovedTo
		}
		if r.Designated != "" {
			return to.In(l, r.ID, dr.CategoryName(r.Category, l), Yuan(r.Amount), r.Designated)
		}
		return m.In(l, r.ID, dr.CategoryName(r.Category, l), Yuan(r.Amount))
	}
	from, to := orNone(r.From, l), orNone(r.To, l)
	var field *msg.Message
	switch r.Field {
	case "amount":
		field, from, to = msg.DiffFundAmount, yuanText(r.From), yuanText(r.To)
	case "category":
		field, from, to = msg.DiffFundCategory, dr.CategoryName(r.From, l), dr.CategoryName(r.To, l)
	default:
		field = msg.DiffFundUnit
	}
	return msg.DiffFundChanged.In(l, r.ID, field.In(l), from, to)
}

func orNone(s string, l msg.Lang) string {
	if s == "" {
		return msg.DiffNone.In(l)
	}
	return s
}

// yuanText shows an amount as Fen.String writes it ("1234.50") with
// thousands separators; any other text as it is.
func yuanText(s string) string {
	if f, err := allocation.ParseFen(s); err == nil {
		return Yuan(f)
	}
	return s
}

// WriteDiffJSON writes diff-<A>-<B>.json (DESIGN §10): the two budgets, the
// pool-wide reasons, and a row per unit × category whose money changed,
// with its split by stage (only the stages that changed), its reasons and
// the index of its main reason (null when only the pool-wide reasons
// explain it). change_rate is a 4-decimal ratio, null when before is zero.
func WriteDiffJSON(w io.Writer, dr *DiffReport) error {
	d := dr.Diff
	j := &jsonWriter{w: w, buf: make([]byte, 0, 64<<10)}
	j.raw("{\n  \"a\": ")
	j.str(dr.A)
	j.raw(",\n  \"b\": ")
	j.str(dr.B)
	j.raw(",\n  \"fiscal_year\": ")
	j.buf = strconv.AppendInt(j.buf, int64(dr.Year), 10)
	j.raw(",\n  \"recorded\": {\"a\": ")
	j.buf = strconv.AppendBool(j.buf, !d.Unrecorded[0])
	j.raw(", \"b\": ")
	j.buf = strconv.AppendBool(j.buf, !d.Unrecorded[1])
	j.raw("},\n  \"pool_reasons\": [")
	for i := range d.PoolReasons {
		j.sep(i)
		j.reason(&d.PoolReasons[i])
	}
	j.end()
	j.raw(",\n  \"rows\": [")
	for i := range d.Rows {
		r := &d.Rows[i]
		j.sep(i)
		j.raw(`{"unit": `)
		j.str(r.Unit)
		j.raw(`, "name": `)
		j.str(r.Name)
		j.raw(`, "tier": `)
		j.str(r.Tier.String())
		j.raw(`, "category": `)
		j.str(r.Category)
		j.field("before", r.Before)
		j.field("after", r.After)
		j.field("change", r.Change())
		j.raw(`, "change_rate": `)
		if r.Rate.Valid() {
			j.buf = append(j.buf, '"')
			j.buf, _ = r.Rate.AppendText(j.buf)
			j.buf = append(j.buf, '"')
		} else {
			j.raw("null")
		}
		j.field("reserved_before", r.ReservedBefore)
		j.field("reserved_after", r.ReservedAfter)
		j.raw(`, "by_stage": {`)
		n := 0
		for s, v := range r.ByStage {
			if v == 0 {
				continue
			}
			if n > 0 {
				j.raw(", ")
			}
			n++
			j.fieldFirst(allocation.Stage(s).String(), v)
		}
		j.raw(`}, "reasons": [`)
		for k := range r.Reasons {
			if k > 0 {
				j.raw(", ")
			}
			j.reason(&r.Reasons[k])
		}
		j.raw(`], "main_reason": `)
		if r.Main >= 0 {
			j.buf = strconv.AppendInt(j.buf, int64(r.Main), 10)
		} else {
			j.raw("null")
		}
		j.raw("}")
		if err := j.flushIfFull(); err != nil {
			return err
		}
	}
	j.end()
	j.raw("\n}\n")
	return j.flush()
}

// reason writes one reason with the fields its kind has.
func (j *jsonWriter) reason(r *allocation.Reason) {
	j.raw(`{"kind": `)
	j.str(r.Kind.String())
	text := func(name, v string) {
		j.raw(`, "` + name + `": `)
		j.str(v)
	}
	if r.Unit != "" {
		text("unit", r.Unit)
	}
	switch r.Kind {
	case allocation.UnitField:
		text("field", r.Field)
		text("from", r.From)
		text("to", r.To)
	case allocation.FundLine:
		text("id", r.ID)
		text("change", r.Change)
		if r.Change == allocation.Changed {
			text("field", r.Field)
			text("from", r.From)
			text("to", r.To)
		} else {
			j.field("amount", r.Amount)
			text("category", r.Category)
			text("designated_unit", r.Designated)
		}
	case allocation.ParamChange:
		text("key", r.Field)
		text("from", r.From)
		text("to", r.To)
	case allocation.PooledTotal, allocation.DemandWeight:
		text("category", r.Field)
		text("from", r.From)
		text("to", r.To)
	}
	j.raw("}")
}
