package sources

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"fundalloc/allocation"
	"fundalloc/reports/msg"
)

// BudgetFile is a budget JSON written earlier (DESIGN §6.1) and read back:
// as the budget of record of a reconciliation, a version, last year's
// budget or one side of a diff. Everything in it was checked (§13).
type BudgetFile struct {
	allocation.Budget
	Inputs []allocation.FileHash
	// Warnings are the budget's warnings, in the words it was written in;
	// its plan has none.
	Warnings []string
	// Sources holds each of Plan.Funds' source (fund type, fund source,
	// document number), for allocation.Indicators.
	Sources []allocation.Source
	// Indicators are the budget's indicators (DESIGN §12), checked against
	// its lines and unallocated money; nil for a budget written before
	// them.
	Indicators *allocation.IndicatorTable
}

// Annual returns the file's lines summed per unit and category, sorted by
// unit code and category; Unit indexes Codes.
func (b *BudgetFile) Annual() []allocation.Budgeted { return allocation.Annual(b.Plan) }

// Codes returns the unit codes of the budget, sorted.
func (b *BudgetFile) Codes() []string {
	out := make([]string, len(b.Plan.Units))
	for i := range b.Plan.Units {
		out[i] = b.Plan.Units[i].Code
	}
	return out
}

// ReadBudgetFile reads a budget JSON and checks all of it (DESIGN §13): at
// most maxBytes long; fiscal_year, categories (unique) and lines required;
// every line's unit, category, stage, status and amount valid and
// consistent with its unit; no line twice; the pool and the unallocated
// money, when given, conserving every category to the fen; the units, fund
// lines and params, when given (all three together), valid and agreeing
// with the lines. Every problem is located by the JSON path of its value
// (lines[17].amount); a bad file gives all of them, never a panic. Fields
// it does not know are skipped: fields are only ever added.
//
// It streams the lines, keeping a few dozen bytes of each, so a national
// budget (four million lines) needs no copy of its text in memory.
func ReadBudgetFile(name string, r io.Reader, maxBytes int64) (*BudgetFile, error) {
	br := &budgetReader{name: name, src: &capReader{r: r, left: maxBytes, max: maxBytes}, seen: map[string]bool{}}
	br.dec = json.NewDecoder(br.src)
	br.dec.UseNumber()
	if err := br.read(); err != nil {
		br.fatal(err)
		return nil, br.p.Err()
	}
	bf := br.assemble()
	if err := br.p.Err(); err != nil {
		return nil, err
	}
	return bf, nil
}

// capReader refuses to read past max bytes.
type capReader struct {
	r         io.Reader
	left, max int64
}

var errTooBig = errors.New("budget file too big")

func (c *capReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		return 0, errTooBig
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}

// budgetReader holds a budget JSON as read, before it is checked as a
// whole.
type budgetReader struct {
	name string
	src  *capReader
	dec  *json.Decoder
	p    Problems
	seen map[string]bool // top-level keys

	year   json.RawMessage
	cats   []string
	lines  []rawLine
	codes  []string // unit codes the lines name; rawLine.unit indexes it
	codeOf map[string]int32
	lcats  []string // category codes the lines name; rawLine.cat indexes it
	lcatOf map[string]int32
	pool   []rawAmounts
	unal   []rawAmounts
	warns  []string
	inputs []allocation.FileHash
	params json.RawMessage
	units  []rawUnit
	funds  []rawFund
	inds   []rawIndicator
}

// rawLine is one line as read: unit and category by index into the codes
// the lines name, its position, and whether it read cleanly.
type rawLine struct {
	unit, cat int32
	index     int32
	stage     allocation.Stage
	status    allocation.Status
	tier      allocation.Tier
	amount    allocation.Fen
	bad       bool
}

// rawAmounts is one entry of pool or unallocated.
type rawAmounts struct {
	category                  string
	total, designated, pooled allocation.Fen // unallocated: total only
	bad                       bool
}

type rawUnit struct {
	allocation.Unit
	index   int
	drivers map[string]allocation.Ratio
	bad     bool
}

type rawFund struct {
	allocation.Fund
	source   allocation.Source
	category string
	index    int
	bad      bool
}

func (r *budgetReader) add(m *msg.Message, kind error, args ...any) {
	r.p.Add(&Error{File: r.name, Err: m.Wrap(kind, args...)})
}

// fatal reports an error that stops the reading.
func (r *budgetReader) fatal(err error) {
	var syn *json.SyntaxError
	switch {
	case errors.Is(err, errTooBig):
		r.add(msg.BudgetTooBig, ErrLimit, r.src.max)
	case errors.As(err, &syn):
		r.add(msg.BudgetNotJSON, ErrUnreadable, syn.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		r.add(msg.BudgetCut, ErrUnreadable, r.dec.InputOffset())
	case errors.Is(err, errNotObject):
		r.add(msg.BudgetNotObject, ErrUnreadable)
	case errors.Is(err, errTrailing):
		r.add(msg.BudgetTrailing, ErrUnreadable)
	case errors.Is(err, errTooDeep):
		r.add(msg.BudgetTooDeep, ErrLimit, "params", maxParamDepth)
	default:
		r.add(msg.BudgetCannotRead, ErrUnreadable, err)
	}
}

var (
	errNotObject = errors.New("not a JSON object")
	errTrailing  = errors.New("trailing data")
	errTooDeep   = errors.New("nested too deeply")
)

// read reads the top-level object, streaming its long lists.
func (r *budgetReader) read() error {
	tok, err := r.dec.Token()
	if err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) || errors.Is(err, io.EOF) {
			return errNotObject
		}
		return err
	}
	if tok != json.Delim('{') {
		return errNotObject
	}
	for r.dec.More() {
		tok, err := r.dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		if r.seen[key] {
			r.add(msg.BudgetTwice, ErrDuplicate, key, key, key)
		}
		r.seen[key] = true
		switch key {
		case "fiscal_year":
			err = r.value(key, &r.year)
		case "categories":
			err = r.value(key, &r.cats)
		case "lines":
			r.codeOf, r.lcatOf = map[string]int32{}, map[string]int32{}
			err = r.list(key, r.line)
		case "pool":
			err = r.list(key, func(i int) error { return r.amounts(key, i, &r.pool) })
		case "unallocated":
			err = r.list(key, func(i int) error { return r.amounts(key, i, &r.unal) })
		case "warnings":
			err = r.value(key, &r.warns)
		case "inputs":
			err = r.value(key, &r.inputs)
		case "params":
			err = r.value(key, &r.params)
		case "units":
			err = r.list(key, r.unit)
		case "fund_lines":
			err = r.list(key, r.fund)
		case "indicators":
			err = r.list(key, r.indicator)
		default:
			err = r.skip()
		}
		if err != nil {
			return err
		}
	}
	if _, err := r.dec.Token(); err != nil { // the closing }
		return err
	}
	if _, err := r.dec.Token(); err != io.EOF {
		if errors.Is(err, errTooBig) {
			return err
		}
		return errTrailing
	}
	return nil
}

// value decodes one value into v; a value of the wrong type is a located
// problem, and the reading goes on.
func (r *budgetReader) value(path string, v any) error {
	err := r.dec.Decode(v)
	var ute *json.UnmarshalTypeError
	if errors.As(err, &ute) {
		p := path
		if ute.Field != "" {
			p += "." + ute.Field
		}
		r.add(msg.BudgetType, ErrBadEnum, p, kindOf(ute.Type))
		return nil
	}
	return err
}

// typeProblem decodes an element into v and reports whether a field had
// the wrong type (already reported).
func (r *budgetReader) element(path string, i int, v any) (bad bool, err error) {
	err = r.dec.Decode(v)
	var ute *json.UnmarshalTypeError
	if errors.As(err, &ute) {
		p := fmt.Sprintf("%s[%d]", path, i)
		if ute.Field != "" {
			p += "." + ute.Field
		}
		r.add(msg.BudgetType, ErrBadEnum, p, kindOf(ute.Type))
		return true, nil
	}
	return false, err
}

func kindOf(t reflect.Type) *msg.Message {
	switch t.Kind() {
	case reflect.String:
		if t == reflect.TypeFor[json.Number]() {
			return msg.JSONNumber
		}
		return msg.JSONText
	case reflect.Bool:
		return msg.JSONBool
	case reflect.Slice, reflect.Array:
		return msg.JSONList
	case reflect.Int, reflect.Int32, reflect.Int64:
		return msg.JSONNumber
	}
	return msg.JSONObject
}

// list streams a list, calling each for every element.
func (r *budgetReader) list(path string, each func(i int) error) error {
	tok, err := r.dec.Token()
	if err != nil {
		return err
	}
	if tok != json.Delim('[') {
		r.add(msg.BudgetType, ErrBadEnum, path, msg.JSONList)
		if tok == json.Delim('{') {
			return r.skipRest(1)
		}
		return nil
	}
	for i := 0; r.dec.More(); i++ {
		if err := each(i); err != nil {
			return err
		}
	}
	_, err = r.dec.Token()
	return err
}

// skip skips one value without keeping it.
func (r *budgetReader) skip() error {
	tok, err := r.dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); ok && (d == '{' || d == '[') {
		return r.skipRest(1)
	}
	return nil
}

// skipRest skips to the end of depth open objects or lists.
func (r *budgetReader) skipRest(depth int) error {
	for depth > 0 {
		tok, err := r.dec.Token()
		if err != nil {
			return err
		}
		if d, ok := tok.(json.Delim); ok {
			if d == '{' || d == '[' {
				depth++
			} else {
				depth--
			}
		}
	}
	return nil
}

// The names a budget JSON uses, with their values.
var (
	stageOf      = names(allocation.NumStages)
	tierOf       = names(allocation.Room + 1)
	statusOf     = names(allocation.Reserved + 1)
	gradeOf      = names(allocation.Unqualified + 1)
	fundTypeOf   = names(allocation.Donation + 1)
	fundSourceOf = names(allocation.Transfer + 1)
)

// names maps the names of the values 0 … n−1 of an enumeration to them.
func names[T interface {
	~uint8
	String() string
}](n T) map[string]T {
	m := map[string]T{}
	for i := range n {
		m[i.String()] = i
	}
	return m
}

func nameList[T ~uint8](m map[string]T) string {
	out := make([]string, len(m))
	for k, v := range m {
		out[v] = k
	}
	return strings.Join(out, ", ")
}

// line reads lines[i].
func (r *budgetReader) line(i int) error {
	var l struct {
		Unit     string `json:"unit"`
		Tier     string `json:"tier"`
		Category string `json:"category"`
		Stage    string `json:"stage"`
		Status   string `json:"status"`
		Amount   string `json:"amount"`
	}
	bad, err := r.element("lines", i, &l)
	if err != nil {
		return err
	}
	rl := rawLine{index: int32(i), bad: bad}
	at := func(field string) string { return fmt.Sprintf("lines[%d].%s", i, field) }
	if l.Unit == "" {
		r.add(msg.BudgetMissing, ErrRequired, at("unit"))
		rl.bad = true
	}
	var ok bool
	if rl.stage, ok = stageOf[l.Stage]; !ok {
		r.enum(at("stage"), l.Stage, nameList(stageOf))
		rl.bad = true
	}
	if rl.status, ok = statusOf[l.Status]; !ok {
		r.enum(at("status"), l.Status, nameList(statusOf))
		rl.bad = true
	}
	if rl.tier, ok = tierOf[l.Tier]; !ok && l.Tier != "" {
		r.enum(at("tier"), l.Tier, nameList(tierOf))
		rl.bad = true
	} else if !ok {
		rl.tier = 255 // not given: the unit's
	}
	if rl.amount, ok = r.positive(at("amount"), l.Amount); !ok {
		rl.bad = true
	}
	rl.unit = intern(&r.codes, r.codeOf, l.Unit)
	rl.cat = intern(&r.lcats, r.lcatOf, l.Category)
	r.lines = append(r.lines, rl)
	return nil
}

func intern(list *[]string, index map[string]int32, s string) int32 {
	k, ok := index[s]
	if !ok {
		k = int32(len(*list))
		index[s] = k
		*list = append(*list, s)
	}
	return k
}

// enum reports a value that is not one of the allowed names; an empty
// one is missing.
func (r *budgetReader) enum(path, value, allowed string) {
	if value == "" {
		r.add(msg.BudgetMissing, ErrRequired, path)
		return
	}
	r.add(msg.BudgetOneOf, ErrBadEnum, path, value, allowed)
}

// money reads an amount as the budget JSON writes it: yuan with exactly
// two decimals ("1234.50"), or an integer; at most maxAmount either way.
func (r *budgetReader) money(path, s string) (allocation.Fen, bool) {
	v, ok := parseMoney(s)
	if !ok {
		if s == "" {
			r.add(msg.BudgetMissing, ErrRequired, path)
		} else {
			r.add(msg.BudgetAmount, ErrBadAmount, path, s)
		}
	}
	return v, ok
}

func (r *budgetReader) positive(path, s string) (allocation.Fen, bool) {
	v, ok := r.money(path, s)
	if ok && v <= 0 {
		r.add(msg.BudgetNotPositive, ErrBadAmount, path, s)
		ok = false
	}
	return v, ok
}

func (r *budgetReader) nonNegative(path, s string) (allocation.Fen, bool) {
	v, ok := r.money(path, s)
	if ok && v < 0 {
		r.add(msg.BudgetNegative, ErrBadAmount, path, s)
		ok = false
	}
	return v, ok
}

// parseMoney reads [-]digits[.dd], at most 13 whole digits: what String
// writes, or a whole number of yuan; no spaces, separators, symbols or
// exponents, which a budget JSON never has.
func parseMoney(s string) (allocation.Fen, bool) {
	t, _ := strings.CutPrefix(s, "-")
	whole, _, dot := strings.Cut(t, ".")
	if len(whole) > 13 {
		return 0, false
	}
	if !dot {
		s += ".00"
	}
	v, err := allocation.ParseFen(s)
	return v, err == nil
}

// amounts reads pool[i] or unallocated[i].
func (r *budgetReader) amounts(path string, i int, into *[]rawAmounts) error {
	var e struct {
		Category   string `json:"category"`
		Total      string `json:"total"`
		Designated string `json:"designated"`
		Pooled     string `json:"pooled"`
		Amount     string `json:"amount"`
	}
	bad, err := r.element(path, i, &e)
	if err != nil {
		return err
	}
	a := rawAmounts{category: e.Category, bad: bad}
	at := func(field string) string { return fmt.Sprintf("%s[%d].%s", path, i, field) }
	ok := true
	if e.Category == "" {
		r.add(msg.BudgetMissing, ErrRequired, at("category"))
		ok = false
	}
	if path == "pool" {
		var ok1, ok2, ok3 bool
		a.total, ok1 = r.nonNegative(at("total"), e.Total)
		a.designated, ok2 = r.nonNegative(at("designated"), e.Designated)
		a.pooled, ok3 = r.nonNegative(at("pooled"), e.Pooled)
		ok = ok && ok1 && ok2 && ok3
		if ok && a.total != a.designated+a.pooled {
			r.add(msg.BudgetPoolSum, ErrBadAmount, fmt.Sprintf("%s[%d]", path, i), a.total, a.designated, a.pooled)
			ok = false
		}
	} else {
		var ok1 bool
		a.total, ok1 = r.nonNegative(at("amount"), e.Amount)
		ok = ok && ok1
	}
	a.bad = a.bad || !ok
	*into = append(*into, a)
	return nil
}

// unit reads units[i].
func (r *budgetReader) unit(i int) error {
	var u struct {
		Code          string            `json:"code"`
		Name          string            `json:"name"`
		Tier          string            `json:"tier"`
		Parent        string            `json:"parent"`
		Grade         string            `json:"grade"`
		SocialWorkers json.RawMessage   `json:"social_workers"`
		Pilot         bool              `json:"pilot"`
		ContractYear  json.RawMessage   `json:"contract_year"`
		Operator      string            `json:"operator"`
		Town          string            `json:"town"`
		Drivers       map[string]string `json:"drivers"`
	}
	bad, err := r.element("units", i, &u)
	if err != nil {
		return err
	}
	ru := rawUnit{index: i, bad: bad, drivers: map[string]allocation.Ratio{}}
	ru.Code, ru.Name, ru.Parent, ru.Pilot, ru.Operator, ru.Town = u.Code, u.Name, u.Parent, u.Pilot, u.Operator, u.Town
	at := func(field string) string { return fmt.Sprintf("units[%d].%s", i, field) }
	if u.Code == "" {
		r.add(msg.BudgetMissing, ErrRequired, at("code"))
		ru.bad = true
	}
	var ok bool
	if ru.Tier, ok = tierOf[u.Tier]; !ok {
		r.enum(at("tier"), u.Tier, nameList(tierOf))
		ru.bad = true
	}
	if ru.Grade, ok = gradeOf[cmp.Or(u.Grade, "new")]; !ok {
		r.enum(at("grade"), u.Grade, nameList(gradeOf))
		ru.bad = true
	}
	if u.SocialWorkers != nil {
		n, ok := wholeNumber(u.SocialWorkers)
		if !ok || n < 0 {
			r.add(msg.BudgetCount, ErrBadNumber, at("social_workers"), string(u.SocialWorkers))
			ru.bad = true
		}
		ru.SocialWorkers = n
	}
	if u.ContractYear != nil {
		n, ok := wholeNumber(u.ContractYear)
		if !ok || n < 0 || n > 3 {
			r.add(msg.BudgetContractYear, ErrBadNumber, at("contract_year"), string(u.ContractYear))
			ru.bad = true
		}
		ru.ContractYear = int(n)
	}
	for _, d := range slices.Sorted(maps.Keys(u.Drivers)) {
		v, err := allocation.ParseRatio(u.Drivers[d])
		if err != nil || significant(v) > maxDigits {
			r.add(msg.BudgetDriver, ErrBadNumber, at("drivers."+d), u.Drivers[d])
			ru.bad = true
		}
		ru.drivers[d] = v
	}
	r.units = append(r.units, ru)
	return nil
}

// wholeNumber reads a JSON integer (not a string, not a fraction).
func wholeNumber(raw json.RawMessage) (int64, bool) {
	t := strings.TrimSpace(string(raw))
	if t == "" || !allDigits(strings.TrimPrefix(t, "-")) || t == "-" {
		return 0, false
	}
	n, err := strconv.ParseInt(t, 10, 64)
	return n, err == nil
}

// fund reads fund_lines[i].
func (r *budgetReader) fund(i int) error {
	var f struct {
		ID             string `json:"id"`
		Category       string `json:"category"`
		Amount         string `json:"amount"`
		DesignatedUnit string `json:"designated_unit"`
		FundType       string `json:"fund_type"`
		FundSource     string `json:"fund_source"`
		DocumentNo     string `json:"document_no"`
	}
	bad, err := r.element("fund_lines", i, &f)
	if err != nil {
		return err
	}
	rf := rawFund{index: i, bad: bad, category: f.Category}
	rf.ID, rf.Unit = f.ID, f.DesignatedUnit
	at := func(field string) string { return fmt.Sprintf("fund_lines[%d].%s", i, field) }
	if f.ID == "" {
		r.add(msg.BudgetMissing, ErrRequired, at("id"))
		rf.bad = true
	}
	var ok bool
	if rf.Amount, ok = r.positive(at("amount"), f.Amount); !ok {
		rf.bad = true
	}
	// Written since fund types were read; a budget from before has none.
	ft, ok := fundTypeOf[f.FundType]
	fs, ok2 := fundSourceOf[f.FundSource]
	rf.source = allocation.Source{Type: ft, From: fs, Document: f.DocumentNo}
	if !ok && f.FundType != "" {
		r.enum(at("fund_type"), f.FundType, nameList(fundTypeOf))
		rf.bad = true
	}
	if !ok2 && f.FundSource != "" {
		r.enum(at("fund_source"), f.FundSource, nameList(fundSourceOf))
		rf.bad = true
	}
	r.funds = append(r.funds, rf)
	return nil
}

// assemble checks the budget as a whole and builds it; nil when a problem
// was found.
func (r *budgetReader) assemble() *BudgetFile {
	bf := &BudgetFile{Inputs: r.inputs}
	bf.Plan = &allocation.Plan{}
	p := bf.Plan
	for _, key := range []string{"fiscal_year", "categories", "lines"} {
		if !r.seen[key] {
			r.add(msg.BudgetMissing, ErrRequired, key)
		}
	}
	if r.seen["fiscal_year"] {
		y, ok := wholeNumber(r.year)
		if !ok || y < 2000 || y > 2100 {
			r.add(msg.BudgetYear, ErrBadNumber, "fiscal_year", string(r.year))
		}
		bf.Year = int(y)
	}
	// Categories: unique, non-empty.
	catIndex := map[string]int{}
	for i, c := range r.cats {
		switch first, dup := catIndex[c]; {
		case c == "":
			r.add(msg.BudgetEmpty, ErrRequired, fmt.Sprintf("categories[%d]", i))
		case dup:
			r.add(msg.BudgetTwice, ErrDuplicate, fmt.Sprintf("categories[%d]", i), c, fmt.Sprintf("categories[%d]", first))
		default:
			catIndex[c] = i
		}
	}
	if r.seen["categories"] && len(r.cats) == 0 {
		r.add(msg.BudgetEmpty, ErrRequired, "categories")
	}
	p.Categories = r.cats
	nc := len(r.cats)
	for i, in := range r.inputs {
		if !isSHA256(in.SHA256) {
			r.add(msg.BudgetSHA, ErrBadEnum, fmt.Sprintf("inputs[%d].sha256", i), in.SHA256)
		}
	}

	// Units: the recorded ones, or those the lines name.
	recorded := []bool{r.seen["params"], r.seen["units"], r.seen["fund_lines"]}
	bf.Recorded = !slices.Contains(recorded, false)
	if !bf.Recorded && slices.Contains(recorded, true) {
		for k, key := range []string{"params", "units", "fund_lines"} {
			if !recorded[k] {
				r.add(msg.BudgetPartial, ErrRequired, key)
			}
		}
	}
	unitOf := map[string]int32{}
	if r.seen["units"] {
		p.Units, p.Drivers = r.checkUnits()
	} else {
		p.Units = r.unitsFromLines()
	}
	for i := range p.Units {
		unitOf[p.Units[i].Code] = int32(i)
	}

	// Lines.
	lineCat := make([]int32, len(r.lcats))
	for i, c := range r.lcats {
		k, ok := catIndex[c]
		if !ok {
			k = -1
		}
		lineCat[i] = int32(k)
	}
	lineUnit := make([]int32, len(r.codes))
	for i, c := range r.codes {
		u, ok := unitOf[c]
		if !ok {
			u = -1
		}
		lineUnit[i] = u
	}
	p.Lines = make([]allocation.Line, 0, len(r.lines))
	var total allocation.Fen
	overTotal := false
	for _, l := range r.lines {
		at := func(field string) string { return fmt.Sprintf("lines[%d].%s", l.index, field) }
		ok := !l.bad
		c, u := lineCat[l.cat], lineUnit[l.unit]
		if c < 0 {
			r.add(msg.BudgetCategory, ErrUnknownCategory, at("category"), r.lcats[l.cat])
			ok = false
		}
		if u < 0 && r.codes[l.unit] != "" {
			r.add(msg.BudgetUnit, ErrUnknownUnit, at("unit"), r.codes[l.unit])
			ok = false
		}
		if u >= 0 && !l.bad && r.seen["units"] {
			ok = r.checkLine(l, &p.Units[u]) && ok
		}
		if !l.bad && !overTotal {
			if l.amount > maxAmount-total {
				r.add(msg.BudgetOverTotal, ErrBadAmount, fmt.Sprintf("lines[%d]", l.index))
				overTotal = true
			} else {
				total += l.amount
			}
		}
		if ok {
			p.Lines = append(p.Lines, allocation.Line{Stage: l.stage, Status: l.status, Category: c, Unit: u, Amount: l.amount})
		}
	}
	if r.p.Len() > 0 {
		return nil
	}
	// No (stage, unit, category) twice; the lines in the plan's order.
	index := make([]int32, len(p.Lines))
	for i := range index {
		index[i] = int32(i)
	}
	order := func(x, y allocation.Line) int {
		return cmp.Or(cmp.Compare(x.Stage, y.Stage), cmp.Compare(x.Unit, y.Unit), cmp.Compare(x.Category, y.Category))
	}
	slices.SortStableFunc(index, func(a, b int32) int { return order(p.Lines[a], p.Lines[b]) })
	sorted := make([]allocation.Line, len(p.Lines))
	for k, i := range index {
		sorted[k] = p.Lines[i]
		if k > 0 && order(sorted[k-1], sorted[k]) == 0 {
			l := sorted[k]
			first, second := min(index[k-1], i), max(index[k-1], i)
			r.add(msg.BudgetLineTwice, ErrDuplicate, fmt.Sprintf("lines[%d]", r.lines[second].index), l.Stage.String(),
				p.Units[l.Unit].Code, p.Categories[l.Category], fmt.Sprintf("lines[%d]", r.lines[first].index))
		}
	}
	p.Lines = sorted
	bf.Warnings = r.warns

	// The pool and the unallocated money conserve every category.
	sums := make([]allocation.Fen, nc)
	directed := make([]allocation.Fen, nc)
	for _, l := range p.Lines {
		sums[l.Category] += l.Amount // at most the checked total
		if l.Stage == allocation.Directed {
			directed[l.Category] += l.Amount
		}
	}
	p.Pool = make([]allocation.PoolEntry, nc)
	p.Unallocated = make([]allocation.Fen, nc)
	poolAt := r.byCategory("pool", r.pool, catIndex, func(c int, a rawAmounts) {
		p.Pool[c] = allocation.PoolEntry{Total: a.total, Designated: a.designated, Pooled: a.pooled}
	})
	r.byCategory("unallocated", r.unal, catIndex, func(c int, a rawAmounts) { p.Unallocated[c] = a.total })
	if !r.seen["pool"] {
		for c := range nc {
			p.Pool[c] = allocation.PoolEntry{Total: sums[c], Designated: directed[c], Pooled: sums[c] - directed[c]}
		}
	}
	if r.p.Len() > 0 {
		return nil
	}
	for c := range nc {
		e := p.Pool[c]
		if got, err := sums[c].Add(p.Unallocated[c]); err != nil || got != e.Total {
			r.add(msg.BudgetUnbalanced, ErrBadAmount, poolAt[c], sums[c], p.Unallocated[c], got, e.Total)
		} else if directed[c] != e.Designated {
			r.add(msg.BudgetDirected, ErrBadAmount, poolAt[c], directed[c], e.Designated)
		}
	}

	if bf.Recorded {
		r.checkFunds(bf, catIndex, unitOf)
		r.checkParams(bf, catIndex)
	}
	if r.seen["indicators"] && r.p.Len() == 0 {
		r.checkIndicators(bf, catIndex, unitOf)
	}
	if r.p.Len() > 0 {
		return nil
	}
	return bf
}

// byCategory places the entries of pool or unallocated by category and
// returns each category's path; every category must have one entry.
func (r *budgetReader) byCategory(key string, list []rawAmounts, catIndex map[string]int, put func(c int, a rawAmounts)) []string {
	at := make([]string, len(catIndex))
	if !r.seen[key] {
		return at
	}
	for i, a := range list {
		path := fmt.Sprintf("%s[%d]", key, i)
		c, ok := catIndex[a.category]
		switch {
		case a.bad:
		case !ok:
			r.add(msg.BudgetCategory, ErrUnknownCategory, path+".category", a.category)
		case at[c] != "":
			r.add(msg.BudgetTwice, ErrDuplicate, path+".category", a.category, at[c])
		default:
			at[c] = path
			put(c, a)
		}
	}
	for code, c := range catIndex {
		if at[c] == "" && !slices.ContainsFunc(list, func(a rawAmounts) bool { return a.bad }) {
			r.add(msg.BudgetNoCategory, ErrRequired, key, code)
		}
	}
	return at
}

// stageTier is the tier each stage but directed gives to.
var stageTier = map[allocation.Stage]allocation.Tier{allocation.HubProject: allocation.Hub, allocation.Baseline: allocation.Station,
	allocation.Pilot: allocation.Station, allocation.Demand: allocation.Station, allocation.Rooms: allocation.Room}

// checkLine checks a line against its unit: the tier it names, the stage
// that gives to the unit's tier, the status its grade implies.
func (r *budgetReader) checkLine(l rawLine, u *allocation.Unit) bool {
	at := func(field string) string { return fmt.Sprintf("lines[%d].%s", l.index, field) }
	ok := true
	if l.tier != 255 && l.tier != u.Tier {
		r.add(msg.BudgetLineTier, ErrBadEnum, at("tier"), u.Code, u.Tier.String(), l.tier.String())
		ok = false
	}
	if t, fixed := stageTier[l.stage]; fixed && t != u.Tier {
		r.add(msg.BudgetStageTier, ErrBadEnum, at("stage"), l.stage.String(), u.Tier.String())
		ok = false
	}
	st := allocation.Allocated
	if u.Reserved() {
		st = allocation.Reserved
	}
	if l.status != st {
		r.add(msg.BudgetStatus, ErrBadEnum, at("status"), u.Code, u.Grade.String(), st.String(), l.status.String())
		ok = false
	}
	return ok
}

// unitsFromLines makes the units of a budget that does not record them:
// the codes its lines name, each with the tier its lines give.
func (r *budgetReader) unitsFromLines() []allocation.Unit {
	tier := make([]allocation.Tier, len(r.codes))
	given := make([]bool, len(r.codes))
	for i := range tier {
		tier[i] = allocation.Station
	}
	for _, l := range r.lines {
		if t, ok := stageTier[l.stage]; ok && l.tier == 255 && !given[l.unit] {
			tier[l.unit] = t // a line without a tier: the stage's
		}
		if l.tier != 255 && !given[l.unit] {
			tier[l.unit], given[l.unit] = l.tier, true
		} else if l.tier != 255 && tier[l.unit] != l.tier {
			r.add(msg.BudgetLineTier, ErrBadEnum, fmt.Sprintf("lines[%d].tier", l.index), r.codes[l.unit], tier[l.unit].String(), l.tier.String())
		}
	}
	units := make([]allocation.Unit, 0, len(r.codes))
	for i, c := range r.codes {
		if c != "" {
			units = append(units, allocation.Unit{Code: c, Tier: tier[i]})
		}
	}
	slices.SortFunc(units, func(a, b allocation.Unit) int { return cmp.Compare(a.Code, b.Code) })
	return units
}

// checkUnits checks the recorded units (codes unique, ignoring case too;
// one hub; every parent of the tier above) and returns them sorted by code
// with their driver names: social_workers, then the others by name.
func (r *budgetReader) checkUnits() ([]allocation.Unit, []string) {
	first := map[string]int{}
	drivers := []string{allocation.SocialWorkers}
	known := map[string]bool{allocation.SocialWorkers: true}
	hubs := 0
	for k := range r.units {
		u := &r.units[k]
		key := strings.ToLower(u.Code)
		if j, dup := first[key]; dup && u.Code != "" {
			r.add(msg.BudgetTwice, ErrDuplicate, fmt.Sprintf("units[%d].code", u.index), u.Code, fmt.Sprintf("units[%d].code", r.units[j].index))
			u.bad = true
		} else {
			first[key] = k
		}
		if u.Tier == allocation.Hub && !u.bad {
			hubs++
		}
		for d := range u.drivers {
			if !known[d] {
				known[d] = true
				drivers = append(drivers, d)
			}
		}
	}
	slices.Sort(drivers[1:])
	if hubs != 1 && !slices.ContainsFunc(r.units, func(u rawUnit) bool { return u.bad }) {
		r.add(msg.BudgetHubs, ErrHub, "units", hubs)
	}
	byCode := map[string]*rawUnit{}
	for k := range r.units {
		byCode[r.units[k].Code] = &r.units[k]
	}
	units := make([]allocation.Unit, 0, len(r.units))
	for k := range r.units {
		u := &r.units[k]
		at := fmt.Sprintf("units[%d].parent", u.index)
		switch parent := byCode[u.Parent]; {
		case u.bad:
			continue
		case u.Tier == allocation.Hub && u.Parent != "":
			r.add(msg.BudgetHubParent, ErrBadParent, at, u.Parent)
		case u.Tier != allocation.Hub && (parent == nil || parent.Tier != u.Tier-1):
			r.add(msg.BudgetParent, ErrBadParent, at, u.Parent, (u.Tier - 1).String())
		}
		u.Drivers = make([]allocation.Ratio, len(drivers))
		u.Drivers[0] = allocation.Int(uint64(u.SocialWorkers))
		for i, d := range drivers[1:] {
			u.Drivers[1+i] = u.drivers[d]
		}
		units = append(units, u.Unit)
	}
	slices.SortFunc(units, func(a, b allocation.Unit) int { return cmp.Compare(a.Code, b.Code) })
	return units, drivers
}

// checkFunds checks the recorded fund lines (ids unique, categories and
// designated units known) against the pool and the directed lines.
func (r *budgetReader) checkFunds(bf *BudgetFile, catIndex map[string]int, unitOf map[string]int32) {
	p := bf.Plan
	nc := len(p.Categories)
	first := map[string]int{}
	total := make([]allocation.Fen, nc)
	type key struct {
		unit int32
		cat  int
	}
	toUnit := map[key]allocation.Fen{}
	for k := range r.funds {
		f := &r.funds[k]
		at := func(field string) string { return fmt.Sprintf("fund_lines[%d].%s", f.index, field) }
		if j, dup := first[f.ID]; dup && f.ID != "" {
			r.add(msg.BudgetTwice, ErrDuplicate, at("id"), f.ID, fmt.Sprintf("fund_lines[%d].id", r.funds[j].index))
			f.bad = true
		} else {
			first[f.ID] = k
		}
		c, ok := catIndex[f.category]
		if !ok {
			r.add(msg.BudgetCategory, ErrUnknownCategory, at("category"), f.category)
			f.bad = true
		}
		u, known := unitOf[f.Unit]
		if f.Unit != "" && !known {
			r.add(msg.BudgetUnit, ErrUnknownUnit, at("designated_unit"), f.Unit)
			f.bad = true
		}
		if f.bad {
			continue
		}
		f.Category = c
		p.Funds = append(p.Funds, f.Fund)
		bf.Sources = append(bf.Sources, f.source)
		if total[c] += f.Amount; total[c] > maxAmount {
			total[c] = maxAmount + 1 // reported below as a mismatch, never an overflow
		}
		if f.Unit != "" {
			toUnit[key{u, c}] += min(f.Amount, maxAmount)
		}
	}
	if r.p.Len() > 0 {
		return
	}
	for c := range nc {
		if total[c] != p.Pool[c].Total {
			r.add(msg.BudgetFundsTotal, ErrBadAmount, "fund_lines", p.Categories[c], total[c], p.Pool[c].Total)
		}
	}
	for _, l := range p.Lines {
		if l.Stage != allocation.Directed {
			continue
		}
		k := key{l.Unit, int(l.Category)}
		if toUnit[k] != l.Amount {
			r.add(msg.BudgetFundsUnit, ErrBadAmount, "fund_lines", p.Units[l.Unit].Code, p.Categories[l.Category], toUnit[k], l.Amount)
		}
		delete(toUnit, k)
	}
	left := slices.SortedFunc(maps.Keys(toUnit), func(a, b key) int { return cmp.Or(cmp.Compare(a.unit, b.unit), cmp.Compare(a.cat, b.cat)) })
	for _, k := range left {
		r.add(msg.BudgetFundsUnit, ErrBadAmount, "fund_lines", p.Units[k.unit].Code, p.Categories[k.cat], toUnit[k], allocation.Fen(0))
	}
}

func isSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
