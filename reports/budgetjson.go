package reports

import (
	"io"
	"strconv"
	"unicode/utf8"

	"fundalloc/allocation"
	"fundalloc/reports/msg"
)

// WriteBudgetJSON writes the budget JSON of DESIGN §6.1: fiscal year,
// categories, pool, lines (in the plan's order: stage, unit code, category),
// unallocated, warnings and inputs, then what it was computed from, so that
// a diff needs nothing else: params (values, never paths), units and fund
// lines. Amounts are strings with two decimals. The warnings are in words,
// in the budget's language. It streams: one object per line, so a national
// plan needs no second copy in memory.
func WriteBudgetJSON(w io.Writer, bb *Budget) error {
	return WriteBudgetJSONAwaiting(w, bb, nil)
}

// WriteBudgetJSONAwaiting is WriteBudgetJSON for a budget whose indicators
// are still being computed: indicators, when not nil, is called once the
// JSON reaches them (they come last) and gives them in place of
// bb.Indicators, or the error that ends the writing. A national budget's
// units, lines and fund lines are then formatted and on their way to the
// disk while its indicators are worked out.
func WriteBudgetJSONAwaiting(w io.Writer, bb *Budget, indicators func() (*allocation.IndicatorTable, error)) error {
	p := bb.Plan
	l := msg.Of(bb.Language)
	j := &jsonWriter{w: w, buf: make([]byte, 0, 64<<10)}
	j.raw("{\n  \"fiscal_year\": ")
	j.buf = strconv.AppendInt(j.buf, int64(bb.Year), 10)
	j.raw(",\n  \"categories\": [")
	for i, c := range p.Categories {
		if i > 0 {
			j.raw(", ")
		}
		j.str(c)
	}
	j.raw("],\n  \"pool\": [")
	for c, e := range p.Pool {
		j.sep(c)
		j.raw(`{"category": `)
		j.str(p.Categories[c])
		j.field("total", e.Total)
		j.field("designated", e.Designated)
		j.field("pooled", e.Pooled)
		j.raw("}")
	}
	j.end()
	j.raw(",\n  \"lines\": [")
	lt := newLineTexts(p)
	for i := range p.Lines {
		l := &p.Lines[i]
		j.sep(i)
		j.raw(`{"unit": `)
		j.buf = append(j.buf, lt.code(l.Unit)...)
		j.buf = append(j.buf, lt.tier[p.Units[l.Unit].Tier]...)
		j.buf = append(j.buf, lt.cats[l.Category]...)
		j.buf = append(j.buf, lt.stage[l.Stage][l.Status]...)
		j.field("amount", l.Amount)
		j.raw("}")
		if err := j.flushIfFull(); err != nil {
			return err
		}
	}
	j.end()
	j.raw(",\n  \"unallocated\": [")
	for c, a := range p.Unallocated {
		j.sep(c)
		j.raw(`{"category": `)
		j.str(p.Categories[c])
		j.field("amount", a)
		j.raw("}")
	}
	j.end()
	j.raw(",\n  \"warnings\": [")
	for i, wn := range p.Warnings {
		j.sep(i)
		j.str(WarningText(p, bb.Categories, wn).Localize(l))
	}
	j.end()
	j.raw(",\n  \"inputs\": [")
	for i, in := range bb.Inputs {
		j.sep(i)
		j.raw(`{"path": `)
		j.str(in.Path)
		j.raw(`, "sha256": `)
		j.str(in.SHA256)
		j.raw("}")
	}
	j.end()
	j.raw(",\n  \"params\": ")
	j.params(bb)
	j.raw(",\n  \"units\": [")
	for i := range p.Units {
		j.unit(p, i)
		if err := j.flushIfFull(); err != nil {
			return err
		}
	}
	j.end()
	j.raw(",\n  \"fund_lines\": [")
	if bb.Funds != nil {
		for i := range bb.Funds.Lines {
			j.fund(bb, i)
			if err := j.flushIfFull(); err != nil {
				return err
			}
		}
	}
	j.end()
	if indicators != nil {
		ind, err := indicators()
		if err != nil {
			return err
		}
		with := *bb
		with.Indicators = ind
		bb = &with
	}
	if bb.Indicators != nil { // nil: not computed (a budget always computes them)
		j.raw(",\n  \"indicators\": [")
		it := newIndicatorTexts(p, bb.Indicators)
		for i := range bb.Indicators.Rows {
			j.indicator(bb, lt, it, i)
			if err := j.flushIfFull(); err != nil {
				return err
			}
		}
		j.end()
	}
	j.raw("\n}\n")
	return j.flush()
}

// lineTexts are the texts the budget's lines repeat millions of times,
// escaped once: each unit's code, then from the tier on. Writing them
// escaped afresh for every line took most of a national budget JSON's
// formatting time.
type lineTexts struct {
	codes []byte  // every unit's code as a JSON string, back to back
	ends  []int32 // where each unit's ends in codes
	tier  [3][]byte
	cats  [][]byte
	stage [allocation.NumStages][2][]byte // by stage and status
}

func newLineTexts(p *allocation.Plan) *lineTexts {
	lt := &lineTexts{ends: make([]int32, len(p.Units)), cats: make([][]byte, len(p.Categories))}
	n := 0
	for i := range p.Units {
		n += len(p.Units[i].Code) + 2
	}
	lt.codes = make([]byte, 0, n)
	for i := range p.Units {
		lt.codes = AppendJSONString(lt.codes, p.Units[i].Code)
		lt.ends[i] = int32(len(lt.codes))
	}
	for t := range lt.tier {
		lt.tier[t] = AppendJSONString([]byte(`, "tier": `), allocation.Tier(t).String())
		lt.tier[t] = append(lt.tier[t], `, "category": `...)
	}
	for c, name := range p.Categories {
		lt.cats[c] = append(AppendJSONString(nil, name), `, "stage": `...)
	}
	for s := range lt.stage {
		for st := range lt.stage[s] {
			b := AppendJSONString(nil, allocation.Stage(s).String())
			b = append(b, `, "status": `...)
			lt.stage[s][st] = AppendJSONString(b, allocation.Status(st).String())
		}
	}
	return lt
}

// code is unit u's code as a JSON string.
func (lt *lineTexts) code(u int32) []byte {
	start := int32(0)
	if u > 0 {
		start = lt.ends[u-1]
	}
	return lt.codes[start:lt.ends[u]]
}

// indicator writes indicators[i] (DESIGN §12): a unit's money in a category
// from one source; a category's unallocated money of a source has no unit
// and the status unallocated. Its texts come escaped from lt and it.
func (j *jsonWriter) indicator(bb *Budget, lt *lineTexts, it *indicatorTexts, i int) {
	x := &bb.Indicators.Rows[i]
	j.sep(i)
	if x.Unit >= 0 {
		j.raw(`{"unit": `)
		j.buf = append(j.buf, lt.code(x.Unit)...)
		j.buf = append(j.buf, it.cats[x.Category]...)
		j.buf = append(j.buf, it.status[x.Status]...)
	} else {
		j.raw(`{"unit": ""`)
		j.buf = append(j.buf, it.cats[x.Category]...)
		j.buf = append(j.buf, it.unallocated...)
	}
	j.buf = append(j.buf, it.sources[x.Source]...)
	j.field("amount", x.Amount)
	j.raw("}")
}

// indicatorTexts are the texts the indicators repeat millions of times,
// escaped once: what follows the unit up to the status, the status, and
// what follows the status up to the amount.
type indicatorTexts struct {
	cats        [][]byte // `, "category": <code>, "status": ` by category
	status      [2][]byte
	unallocated []byte
	sources     [][]byte // `, "fund_type": …, "document_no": <no>` by source
}

func newIndicatorTexts(p *allocation.Plan, t *allocation.IndicatorTable) *indicatorTexts {
	it := &indicatorTexts{cats: make([][]byte, len(p.Categories)), sources: make([][]byte, len(t.Sources))}
	for c, code := range p.Categories {
		it.cats[c] = append(AppendJSONString([]byte(`, "category": `), code), `, "status": `...)
	}
	for st := range it.status {
		it.status[st] = AppendJSONString(nil, allocation.Status(st).String())
	}
	it.unallocated = AppendJSONString(nil, allocation.Unallocated)
	for k, src := range t.Sources {
		b := AppendJSONString([]byte(`, "fund_type": `), src.Type.String())
		b = AppendJSONString(append(b, `, "fund_source": `...), src.From.String())
		it.sources[k] = AppendJSONString(append(b, `, "document_no": `...), src.Document)
	}
	return it
}

// params writes the parameters the plan was computed with, nested as in
// the configuration (DESIGN §6.1); an empty category list means all.
func (j *jsonWriter) params(bb *Budget) {
	pr := &bb.Rules
	cats := func(list []int) {
		j.raw("[")
		for i, c := range list {
			if i > 0 {
				j.raw(", ")
			}
			j.str(bb.Categories[c].Code)
		}
		j.raw("]")
	}
	ratio := func(r allocation.Ratio) {
		j.buf = append(j.buf, '"')
		j.buf, _ = r.AppendText(j.buf)
		j.buf = append(j.buf, '"')
	}
	j.raw("{\"fiscal_year\": ")
	j.buf = strconv.AppendInt(j.buf, int64(bb.Year), 10)
	j.raw(",\n    \"categories\": [")
	for i, c := range bb.Categories {
		if i > 0 {
			j.raw(", ")
		}
		j.raw(`{"code": `)
		j.str(c.Code)
		j.raw(`, "zh": `)
		j.str(c.Zh)
		j.raw(`, "en": `)
		j.str(c.En)
		j.raw(`, "function_code": `)
		j.str(c.FunctionCode)
		j.raw(`, "economic_code": `)
		j.str(c.EconomicCode)
		j.raw(`, "gov_economic_code": `)
		j.str(c.GovEconomicCode)
		j.raw("}")
	}
	j.raw("],\n    \"grades\": {")
	for i, g := range []allocation.Grade{allocation.Excellent, allocation.Good, allocation.Qualified, allocation.New} {
		if i > 0 {
			j.raw(", ")
		}
		j.str(g.String())
		j.raw(": ")
		ratio(pr.Factors[g])
	}
	j.raw("},\n    \"stages\": {\"hub\": {")
	j.fieldFirst("amount", pr.Hub.Amount)
	j.raw(`, "categories": `)
	cats(pr.Hub.Categories)
	j.raw("},\n      \"baseline\": {")
	j.fieldFirst("per_worker", pr.Baseline.PerWorker)
	j.field("per_station", pr.Baseline.PerStation)
	j.raw(`, "categories": `)
	cats(pr.Baseline.Categories)
	j.raw("},\n      \"pilot\": {")
	j.fieldFirst("amount", pr.Pilot.Amount)
	j.raw(`, "categories": `)
	cats(pr.Pilot.Categories)
	j.raw("},\n      \"demand\": {\"share\": ")
	ratio(pr.Demand.Share)
	j.raw(`, "categories": `)
	cats(pr.Demand.Categories)
	j.raw(`, "drivers": {`)
	n := 0
	for c, d := range pr.Demand.Drivers {
		if d == "" {
			continue
		}
		if n > 0 {
			j.raw(", ")
		}
		n++
		j.str(bb.Categories[c].Code)
		j.raw(": ")
		j.str(d)
	}
	j.raw("}},\n      \"rooms\": {\"share\": ")
	ratio(pr.Rooms.Share)
	j.raw("}}}")
}

// unit writes units[i]: its own fields and its drivers by name (the
// social_workers driver is its own field).
func (j *jsonWriter) unit(p *allocation.Plan, i int) {
	u := &p.Units[i]
	j.sep(i)
	j.raw(`{"code": `)
	j.str(u.Code)
	j.raw(`, "name": `)
	j.str(u.Name)
	j.raw(`, "tier": `)
	j.str(u.Tier.String())
	j.raw(`, "parent": `)
	j.str(u.Parent)
	j.raw(`, "grade": `)
	j.str(u.Grade.String())
	j.raw(`, "social_workers": `)
	j.buf = strconv.AppendInt(j.buf, u.SocialWorkers, 10)
	j.raw(`, "pilot": `)
	j.buf = strconv.AppendBool(j.buf, u.Pilot)
	j.raw(`, "contract_year": `)
	j.buf = strconv.AppendInt(j.buf, int64(u.ContractYear), 10)
	j.raw(`, "operator": `)
	j.str(u.Operator)
	j.raw(`, "town": `)
	j.str(u.Town)
	j.raw(`, "drivers": {`)
	n := 0
	for d, name := range p.Drivers {
		if name == allocation.SocialWorkers || d >= len(u.Drivers) {
			continue
		}
		if n > 0 {
			j.raw(", ")
		}
		n++
		j.str(name)
		j.raw(`: "`)
		j.buf, _ = u.Drivers[d].AppendText(j.buf)
		j.raw(`"`)
	}
	j.raw("}}")
}

// fund writes fund_lines[i] with the file and row it was read from.
func (j *jsonWriter) fund(bb *Budget, i int) {
	f := &bb.Funds.Lines[i]
	j.sep(i)
	j.raw(`{"id": `)
	j.str(f.ID)
	j.raw(`, "category": `)
	j.str(bb.Categories[f.Category].Code)
	j.raw(`, "provider": `)
	j.str(f.Provider)
	j.raw(`, "description": `)
	j.str(f.Description)
	j.field("amount", f.Amount)
	j.raw(`, "designated_unit": `)
	j.str(f.Unit)
	j.raw(`, "fund_type": `)
	j.str(f.Source.Type.String())
	j.raw(`, "fund_source": `)
	j.str(f.Source.From.String())
	j.raw(`, "document_no": `)
	j.str(f.Source.Document)
	j.raw(`, "file": `)
	j.str(bb.Funds.Files[f.File])
	j.raw(`, "row": `)
	j.buf = strconv.AppendInt(j.buf, int64(f.Row), 10)
	j.raw("}")
}

// jsonWriter appends JSON text to a buffer and flushes it in large chunks.
type jsonWriter struct {
	w     io.Writer
	buf   []byte
	err   error
	items bool // the current array has items
}

func (j *jsonWriter) raw(s string) { j.buf = append(j.buf, s...) }

// sep starts array item i on its own line.
func (j *jsonWriter) sep(i int) {
	if i > 0 {
		j.buf = append(j.buf, ',')
	}
	j.buf = append(j.buf, "\n    "...)
	j.items = true
}

// end closes an array, on its own line when it had items.
func (j *jsonWriter) end() {
	if j.items {
		j.buf = append(j.buf, "\n  "...)
	}
	j.buf = append(j.buf, ']')
	j.items = false
}

func (j *jsonWriter) field(name string, v allocation.Fen) {
	j.buf = append(j.buf, ", "...)
	j.fieldFirst(name, v)
}

// fieldFirst writes "name": "amount" with no comma before it.
func (j *jsonWriter) fieldFirst(name string, v allocation.Fen) {
	j.buf = append(j.buf, '"')
	j.buf = append(j.buf, name...)
	j.buf = append(j.buf, "\": \""...)
	j.buf, _ = v.AppendText(j.buf)
	j.buf = append(j.buf, '"')
}

func (j *jsonWriter) str(s string) { j.buf = AppendJSONString(j.buf, s) }

func (j *jsonWriter) flushIfFull() error {
	if len(j.buf) >= 48<<10 {
		return j.flush()
	}
	return nil
}

func (j *jsonWriter) flush() error {
	if j.err == nil && len(j.buf) > 0 {
		_, j.err = j.w.Write(j.buf)
		j.buf = j.buf[:0]
	}
	return j.err
}

const hexDigits = "0123456789abcdef"

// AppendJSONString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD,
// as encoding/json does.
func AppendJSONString(b []byte, s string) []byte {
	return append(appendJSONEscaped(append(b, '"'), s), '"')
}

// appendJSONEscaped appends s escaped as AppendJSONString does, without the
// quotes. Escaping is rune by rune, so pieces of valid UTF-8 (or pieces
// whose next piece does not begin with a continuation byte) escaped one by
// one give what their concatenation gives.
func appendJSONEscaped(b []byte, s string) []byte {
	start := 0 // s[start:i] is plain and not yet appended
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonPlain[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			if r == utf8.RuneError {
				b = append(b, `\ufffd`...)
			} else {
				b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			}
			start = i + size
		}
		i += size
	}
	return append(b, s[start:]...)
}

// jsonPlain marks the ASCII bytes a JSON string holds as they are.
var jsonPlain = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()
