package sources

import (
	"cmp"
	"hash/maphash"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/xuri/excelize/v2"

	"fundalloc/allocation"
	"fundalloc/reports/msg"
)

// Indexes into ledgerColumns.
const (
	lVoucher = iota
	lDate
	lUnit
	lCategory
	lAmount
	lDescription
	lDebit
	lCredit
	lEntry
)

// Entry is one voucher as kept after reading: what the reconciliation and
// its counts need. The voucher's texts are not kept (a national ledger has
// millions of them); List reads them again for the listing.
type Entry struct {
	Unit     int32 // the unit, as the index the caller's lookup gave; -1 when unknown
	Amount   allocation.Fen
	Category int16                 // index into the categories, -1 when unknown
	Month    int8                  // 1–12 when dated inside the fiscal year, else 0
	Flags    allocation.Exceptions // its exceptions; none when counted
	File     int32
	Row      int32
}

// Listed is a voucher's texts as written, for the ledger listing.
type Listed struct {
	Voucher, Date, Unit, Category, Amount, Description string
}

// Ledger is every voucher of every ledger file.
type Ledger struct {
	Files      []string
	Sheets     []string
	Entries    []Entry
	Exceptions []allocation.Exception

	srcs []Source // to read the files again for List
	opt  Options
}

// Vouchers returns the counted vouchers for the core.
func (l *Ledger) Vouchers() []allocation.Voucher {
	out := make([]allocation.Voucher, 0, len(l.Entries))
	for i := range l.Entries {
		e := &l.Entries[i]
		if e.Flags == 0 {
			out = append(out, allocation.Voucher{Unit: e.Unit, Category: int(e.Category), Month: int(e.Month), Amount: e.Amount})
		}
	}
	return out
}

// Units finds a ledger row's unit (DESIGN §3.0): by its code as written,
// or else by a name that exactly one unit has.
type Units struct {
	Codes []string // every unit's code; a ledger row's Unit indexes it
	// sorted is true when Codes is in increasing order: then a code is
	// found by a search that starts from the row before's unit, and byCode
	// is not made. A ledger lists its vouchers by date, and each day's by
	// unit more often than not: the next code is near the last one, where a
	// map of 600,000 codes misses the cache on every row.
	sorted bool
	keys   []codeKey        // when sorted, each code's key
	byCode map[string]int32 // code → index, when not sorted

	// The indexes for a row whose unit is not a code, made when the first
	// such row comes (most ledgers have none; a national units file takes
	// half a second to index so, on one core before the ledgers are read).
	units  []allocation.Unit
	others sync.Once
	byName map[string]int32 // name → index; -n when n units share the name
	folded map[string]int32 // lower-case code → index, for hints
}

// NewUnits indexes the units a ledger may name: codes (a budget's units, in
// its order), then the units of the units file whose codes are not among
// them. It may keep codes.
func NewUnits(codes []string, units []allocation.Unit) *Units {
	us := &Units{units: units}
	if sortedCodes(codes, units) {
		us.Codes, us.sorted = codes, true
		us.keys = make([]codeKey, len(codes))
		for i, c := range codes {
			us.keys[i] = keyOf(c)
		}
		return us
	}
	us.byCode = make(map[string]int32, len(codes)+len(units))
	add := func(code string) {
		if _, ok := us.byCode[code]; !ok {
			us.byCode[code] = int32(len(us.Codes))
			us.Codes = append(us.Codes, code)
		}
	}
	for _, c := range codes {
		add(c)
	}
	for _, u := range units {
		add(u.Code)
	}
	return us
}

// sortedCodes reports whether codes are in strictly increasing order and
// hold the code of every unit, which are in order too: a budget's codes and
// its own units file's, as a reconciliation has them. Then the table of
// codes is codes alone.
func sortedCodes(codes []string, units []allocation.Unit) bool {
	for i := 1; i < len(codes); i++ {
		if codes[i-1] >= codes[i] {
			return false
		}
	}
	j := 0
	for i := range units {
		code := units[i].Code
		if i > 0 && code < units[i-1].Code {
			return false
		}
		for j < len(codes) && codes[j] < code {
			j++
		}
		if j == len(codes) || codes[j] != code {
			return false
		}
	}
	return true
}

// index returns the index of the unit whose code is s. near is where the
// last code was found (-1 for none), and is moved to where this one is.
func (us *Units) index(s string, near *int32) (int32, bool) {
	if !us.sorted {
		i, ok := us.byCode[s]
		return i, ok
	}
	keys, k := us.keys, keyOf(s)
	// at compares the code at i with s by their keys, kept side by side,
	// and by the codes themselves only when the keys cannot tell.
	at := func(i int) int {
		x := &keys[i]
		if x.a != k.a {
			return cmp.Compare(x.a, k.a)
		}
		if x.b>>8 != k.b>>8 {
			return cmp.Compare(x.b>>8, k.b>>8)
		}
		if x.b&0xff <= 15 && k.b&0xff <= 15 {
			return cmp.Compare(x.b&0xff, k.b&0xff) // the same bytes, but for how many
		}
		return strings.Compare(us.Codes[i], s)
	}
	lo, hi := 0, len(keys) // s is in [lo, hi) if anywhere
	if p := int(*near); p >= 0 && p < len(keys) {
		// Gallop from p towards s, then search what the last two steps
		// bracket.
		switch c := at(p); {
		case c == 0:
			return int32(p), true
		case c < 0:
			lo = p + 1
			for step := 1; p+step < len(keys); step <<= 1 {
				if at(p+step) >= 0 {
					hi = p + step + 1
					break
				}
				lo = p + step + 1
			}
		default:
			hi = p
			for step := 1; p-step >= 0; step <<= 1 {
				if at(p-step) <= 0 {
					lo = p - step
					break
				}
				hi = p - step
			}
		}
	}
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		switch c := at(m); {
		case c == 0:
			*near = int32(m)
			return int32(m), true
		case c < 0:
			lo = m + 1
		default:
			hi = m
		}
	}
	return -1, false
}

// codeKey orders short codes as their strings do, without reading them:
// a holds the first 8 bytes, b the next 7 and then the length (at most
// 255), each padded with zeros. Codes of up to 15 bytes compare by their
// keys alone.
type codeKey struct{ a, b uint64 }

func keyOf(s string) codeKey {
	var k codeKey
	for i := range 15 {
		var c uint64
		if i < len(s) {
			c = uint64(s[i])
		}
		if i < 8 {
			k.a = k.a<<8 | c
		} else {
			k.b = k.b<<8 | c
		}
	}
	k.b = k.b<<8 | uint64(min(len(s), 255))
	return k
}

// indexOthers makes the indexes by name and by folded code.
func (us *Units) indexOthers() {
	us.folded = make(map[string]int32, len(us.Codes))
	for i, code := range us.Codes {
		us.folded[strings.ToLower(code)] = int32(i)
	}
	us.byName = make(map[string]int32, len(us.units))
	near := int32(-1)
	for _, u := range us.units {
		i, _ := us.index(u.Code, &near)
		if u.Name == "" {
			continue
		}
		switch prev, ok := us.byName[u.Name]; {
		case !ok:
			us.byName[u.Name] = i
		case prev >= 0 && prev != i:
			us.byName[u.Name] = -2
		case prev < 0:
			us.byName[u.Name] = prev - 1
		}
	}
}

// find returns the index of the unit s names, or -1 and why not.
func (us *Units) find(s string, label colLabel) (int32, msg.Text) {
	near := int32(-1)
	return us.findNear(s, label, &near)
}

// findNear is find that starts looking for a code where the last one was
// found, *near (-1 for none), and moves near to the unit it finds by code.
func (us *Units) findNear(s string, label colLabel, near *int32) (int32, msg.Text) {
	if i, ok := us.index(s, near); ok {
		return i, msg.Text{}
	}
	us.others.Do(us.indexOthers)
	if i, ok := us.byName[s]; ok {
		if i >= 0 {
			return i, msg.Text{}
		}
		return -1, msg.SrcLedgerUnitNames.With(label, s, int(-i))
	}
	hint := caseHint(s, func(code string) (string, bool) {
		i, ok := us.folded[strings.ToLower(code)]
		if !ok {
			return "", false
		}
		return us.Codes[i], true
	})
	return -1, msg.SrcLedgerUnit.With(label, s, hint)
}

// wholeColumn are the exception kinds that say a column cannot be read,
// with the column: when every data row of a file has one, the file is
// refused (DESIGN §3.3).
var wholeColumn = [...]struct {
	kind allocation.Exceptions
	col  int
}{{allocation.BadDate, lDate}, {allocation.UnknownUnit, lUnit}, {allocation.UnknownCategory, lCategory}, {allocation.BadAmount, lAmount}}

// ReadLedgers reads expenditure ledgers (DESIGN §3.3). File-level problems
// (missing file, missing column, unreadable, a column that fails on every
// row of a file) go to p and are fatal; row-level problems become
// exceptions: a voucher number missing or used before, an unknown unit or
// category, a bad amount or date, a date outside the fiscal year. A row's
// unit is found in units. Files are read in parallel; duplicates are then
// found in file and row order, and the exceptions come out in file, row and
// kind order.
//
// A ledger may give debit and credit columns instead of amount (amount =
// debit − credit; amount wins when both are given), and an entry column
// (分录号): then a voucher number counts once per month and entry.
func ReadLedgers(srcs []Source, opt Options, cats *Categories, units *Units, year int, p *Problems) *Ledger {
	l := &Ledger{Files: make([]string, len(srcs)), Sheets: make([]string, len(srcs)), srcs: srcs, opt: opt}
	m := newMatcher(ledgerColumns, opt.Columns)
	entries := make([]chunked[Entry], len(srcs))
	keys := make([]chunked[voucherKey], len(srcs)) // by entry: the duplicate key
	seed := maphash.MakeSeed()
	excs := make([][]allocation.Exception, len(srcs))
	probs := make([]Problems, len(srcs))
	eachParallel(len(srcs), func(fi int) {
		src := srcs[fi]
		l.Files[fi] = src.Name
		var failed [len(wholeColumn)]int // rows with each whole-column kind
		var sample [len(wholeColumn)][]string
		near := int32(-1) // the unit found last in this file
		t, ok := scanTable(src, &opt, m, &probs[fi], func(t *table, row int, cells []Cell) {
			e := Entry{File: int32(fi), Row: int32(row), Unit: -1, Category: -1}
			voucher := t.text(cells, lVoucher)
			flag := func(kind allocation.Exceptions, text msg.Text) {
				e.Flags |= kind
				excs[fi] = append(excs[fi], exception(strings.Clone(voucher), src.Name, t.sheet, row, kind, text))
			}
			code := t.text(cells, lUnit)
			catRaw := t.text(cells, lCategory)
			if voucher == "" {
				flag(allocation.MissingVoucher, msg.SrcNoVoucher.With(t.h.label(lVoucher)))
			}
			if code == "" {
				flag(allocation.UnknownUnit, msg.SrcEmpty.With(t.h.label(lUnit)))
			} else if u, why := units.findNear(code, t.h.label(lUnit), &near); u >= 0 {
				e.Unit = u
			} else {
				flag(allocation.UnknownUnit, why)
			}
			if e.Category = int16(cats.Lookup(catRaw)); e.Category < 0 {
				flag(allocation.UnknownCategory, msg.SrcNotCategory.With(t.h.label(lCategory), catRaw, cats.hint()))
			}
			date, text, dateErr := t.date(cells, lDate)
			// The key outlives the row: its texts are copied, so that it
			// does not keep the batch of rows they were cut from.
			key := voucherKey{voucher: strings.Clone(voucher)}
			if dateErr == nil {
				if date.Year() == year {
					e.Month = int8(date.Month())
				} else {
					flag(allocation.OutOfPeriod, msg.SrcOutOfPeriod.With(strings.Clone(text), year))
				}
				if t.h.has(lEntry) {
					key.month = int32(date.Year()*100 + int(date.Month()))
				}
			}
			if t.h.has(lEntry) {
				key.entry, key.hasEntry = strings.Clone(t.text(cells, lEntry)), true
			}
			if v, why := t.ledgerAmount(cells); why != nil {
				flag(allocation.BadAmount, *why)
			} else {
				e.Amount = v
			}
			if dateErr != nil {
				flag(allocation.BadDate, *dateErr)
			}
			for i, w := range wholeColumn {
				if e.Flags&w.kind != 0 {
					if failed[i]++; len(sample[i]) < 3 {
						sample[i] = append(sample[i], strconv.Quote(t.text(cells, t.failedColumn(w.col))))
					}
				}
			}
			if key.voucher != "" {
				key.hash = key.sum(seed)
			}
			entries[fi].add(e)
			keys[fi].add(key)
		})
		l.Sheets[fi] = t.sheet
		if n := entries[fi].len(); ok && n >= 2 {
			for i, w := range wholeColumn {
				if failed[i] == n {
					k := t.failedColumn(w.col)
					probs[fi].Add(&Error{File: src.Name, Sheet: t.sheet, Row: t.headerRow + 1, Column: t.h.index[k] + 1,
						Err: msg.SrcWholeColumn.Wrap(ErrWholeColumn, n, t.h.label(k), strings.Join(sample[i], ", "), expected(w.kind, cats, units))})
				}
			}
		}
	})
	for fi := range probs {
		p.Append(&probs[fi])
	}
	if l.Entries = concatChunks(entries); len(l.Entries) == 0 {
		l.Entries = nil // as slices.Concat left it
	}
	entries = nil
	// A voucher number counts once (once per month and entry when the file
	// has entries): every occurrence after the first, in file and row
	// order, is a duplicate. And every sum of counted vouchers the
	// reconciliation shows stays within what an amount may be: a voucher
	// that would take their total (refunds counted as spending) beyond it
	// is not counted.
	all := newKeyList(keys)
	keys = nil
	first := firstOccurrences(all)
	var total allocation.Fen
	for i := range l.Entries {
		e := &l.Entries[i]
		if prev := first[i]; prev != int32(i) {
			v := all.at(int32(i))
			pe := &l.Entries[prev]
			where := msg.SrcAtRow.With(pe.Row)
			if pe.File != e.File {
				where = msg.SrcAtFileRow.With(msg.Escape(l.Files[pe.File]), pe.Row)
			}
			text := msg.SrcDupVoucher.With(v.voucher, where)
			if v.hasEntry {
				text = msg.SrcDupEntry.With(v.voucher, v.entry, int(v.month%100), where)
			}
			e.Flags |= allocation.DuplicateVoucher
			excs[e.File] = append(excs[e.File], exception(strings.Clone(v.voucher), l.Files[e.File], l.Sheets[e.File], int(e.Row), allocation.DuplicateVoucher, text))
		}
		if e.Flags != 0 {
			continue
		}
		if a := max(e.Amount, -e.Amount); total+a <= maxAmount {
			total += a
			continue
		}
		e.Flags |= allocation.BadAmount
		excs[e.File] = append(excs[e.File], exception(strings.Clone(all.at(int32(i)).voucher), l.Files[e.File], l.Sheets[e.File], int(e.Row),
			allocation.BadAmount, msg.SrcOverTotal.With(colLabel{zh: "金额", en: "amount"}, e.Amount, msg.SrcVouchersNoun)))
	}
	for fi := range excs {
		slices.SortStableFunc(excs[fi], func(a, b allocation.Exception) int {
			return cmp.Or(cmp.Compare(a.Row, b.Row), cmp.Compare(a.Kind, b.Kind))
		})
		l.Exceptions = append(l.Exceptions, excs[fi]...)
	}
	return l
}

// voucherKey is what makes a voucher unique: its number, or with an entry
// column its number, month (year × 100 + month; 0 when undated) and entry.
type voucherKey struct {
	voucher  string
	entry    string
	month    int32
	hasEntry bool
	hash     uint64 // sum's, for a key with a voucher number
}

// sum hashes the key: keys that are the same have the same sum.
func (k *voucherKey) sum(seed maphash.Seed) uint64 {
	h := maphash.String(seed, k.voucher)
	if k.hasEntry {
		h = h*31 + maphash.String(seed, k.entry)
		h = h*31 + uint64(uint32(k.month))
	}
	return h
}

// same reports whether two keys name the same voucher.
func (k *voucherKey) same(o *voucherKey) bool {
	return k.voucher == o.voucher && k.entry == o.entry && k.month == o.month && k.hasEntry == o.hasEntry
}

// keyList is the keys of every file, in file and row order, in the
// chunks they were read into.
type keyList struct {
	chunks [][]voucherKey
	start  []int // the index of each chunk's first key
	n      int
}

func newKeyList(files []chunked[voucherKey]) *keyList {
	l := &keyList{}
	for _, f := range files {
		for _, ch := range f.chunks {
			l.chunks = append(l.chunks, ch)
			l.start = append(l.start, l.n)
			l.n += len(ch)
		}
	}
	return l
}

// at returns the i-th key.
func (l *keyList) at(i int32) *voucherKey {
	c, found := slices.BinarySearch(l.start, int(i))
	if !found {
		c--
	}
	return &l.chunks[c][int(i)-l.start[c]]
}

// firstOccurrences returns, for each key, the index of the first key that
// is the same, itself when it is the first; a key without a voucher number
// is always its own first. It sorts the keys' sums with their indexes
// instead of filling a map of millions of keys: a national ledger's 3
// million vouchers took 2 s in a map, one core while the other waited.
func firstOccurrences(keys *keyList) []int32 {
	first := make([]int32, keys.n)
	shift := uint(bits.Len(uint(keys.n)))
	mask := uint64(1)<<shift - 1
	sorted := make([]uint64, 0, keys.n)
	i := 0
	for _, ch := range keys.chunks {
		for k := range ch {
			first[i] = int32(i)
			if ch[k].voucher != "" {
				sorted = append(sorted, ch[k].hash<<shift|uint64(i))
			}
			i++
		}
	}
	slices.Sort(sorted)  // by sum (less its top bits), then index
	var distinct []int32 // the first of each different key in a run
	for a := 0; a < len(sorted); {
		b := a + 1
		for b < len(sorted) && sorted[b]>>shift == sorted[a]>>shift {
			b++
		}
		if b-a > 1 {
			distinct = distinct[:0]
			for _, x := range sorted[a:b] {
				i := int32(x & mask)
				k := keys.at(i)
				for _, d := range distinct {
					if k.same(keys.at(d)) {
						first[i] = d
						break
					}
				}
				if first[i] == i {
					distinct = append(distinct, i)
				}
			}
		}
		a = b
	}
	return first
}

// failedColumn is the column a whole-column kind is about: the amount, or
// the debit when the file gives debit and credit instead.
func (t *table) failedColumn(k int) int {
	if k == lAmount && !t.h.has(lAmount) {
		if t.h.has(lDebit) {
			return lDebit
		}
		return lCredit
	}
	return k
}

// expected says what a whole-column kind's column should hold.
func expected(kind allocation.Exceptions, cats *Categories, units *Units) msg.Text {
	switch kind {
	case allocation.BadDate:
		return msg.SrcExpectDate.With()
	case allocation.UnknownUnit:
		ex := ""
		if len(units.Codes) > 0 {
			ex = strconv.Quote(units.Codes[0])
		}
		return msg.SrcExpectUnit.With(ex)
	case allocation.UnknownCategory:
		return msg.SrcExpectCategory.With(cats.hint())
	}
	return msg.SrcExpectAmount.With()
}

// ledgerAmount reads a row's amount: the amount column when the file has
// one, else debit − credit, a blank side counting 0. It returns why not.
func (t *table) ledgerAmount(cells []Cell) (allocation.Fen, *msg.Text) {
	side := func(k int) (allocation.Fen, bool, *msg.Text) {
		c := t.h.cell(cells, k)
		if c.Kind == Blank {
			return 0, false, nil
		}
		v, err := t.amount(c, k)
		if err != nil {
			m := msg.SrcBadValue.With(t.h.label(k), strings.TrimSpace(c.Text), err)
			return 0, true, &m
		}
		return v, true, nil
	}
	if t.h.has(lAmount) {
		v, given, why := side(lAmount)
		if why == nil && !given {
			m := msg.SrcEmpty.With(t.h.label(lAmount))
			return 0, &m
		}
		return v, why
	}
	debit, dGiven, why := side(lDebit)
	if why != nil {
		return 0, why
	}
	credit, cGiven, why := side(lCredit)
	if why != nil {
		return 0, why
	}
	if !dGiven && !cGiven {
		m := msg.SrcBothSidesEmpty.With(colLabel{zh: "借方金额", en: "debit"}, colLabel{zh: "贷方金额", en: "credit"})
		return 0, &m
	}
	return debit - credit, nil
}

// List reads the ledger files again and calls fn with every voucher's
// entry and texts, in file and row order. A file that changed since it was
// read is an error.
func (l *Ledger) List(fn func(e *Entry, v *Listed) error) error {
	k := 0
	m := newMatcher(ledgerColumns, l.opt.Columns)
	for fi, src := range l.srcs {
		var p Problems
		var ferr error
		var v Listed
		scanTable(src, &l.opt, m, &p, func(t *table, row int, cells []Cell) {
			if ferr != nil {
				return
			}
			if k >= len(l.Entries) || l.Entries[k].File != int32(fi) || l.Entries[k].Row != int32(row) {
				ferr = msg.SrcChangedWhile.Err(msg.Escape(src.Name))
				return
			}
			v = Listed{Voucher: t.text(cells, lVoucher), Unit: t.text(cells, lUnit), Category: t.text(cells, lCategory),
				Amount: t.text(cells, lAmount), Description: t.text(cells, lDescription)}
			if !t.h.has(lAmount) {
				if v.Amount = t.text(cells, lDebit); v.Amount == "" {
					v.Amount = t.text(cells, lCredit)
				}
			}
			if _, text, err := t.date(cells, lDate); err == nil {
				v.Date = text
			} else {
				v.Date = t.text(cells, lDate)
			}
			e := &l.Entries[k]
			if e.Flags&allocation.BadAmount == 0 {
				v.Amount = ""
			}
			ferr = fn(e, &v)
			k++
		})
		if err := p.Err(); err != nil {
			return err
		}
		if ferr != nil {
			return ferr
		}
	}
	if k != len(l.Entries) {
		return msg.SrcLedgerChanged.Err()
	}
	return nil
}

// exception builds an exception; text says what is wrong.
func exception(voucher, file, sheet string, row int, kind allocation.Exceptions, text msg.Text) allocation.Exception {
	return allocation.Exception{Voucher: voucher, File: file, Sheet: sheet, Row: row, Kind: kind, Why: &msg.Error{Text: text}}
}

// date reads a date cell (DESIGN §3.6): a numeric spreadsheet date (a
// serial number, counted from 1900 or 1904 as the workbook says), an ISO
// date cell, or text in a year-first form (parseDate). It returns the date
// and its YYYY-MM-DD text, or why it is not a date.
func (t *table) date(cells []Cell, k int) (time.Time, string, *msg.Text) {
	c := t.h.cell(cells, k)
	raw := strings.TrimSpace(c.Text)
	fail := func(m *msg.Message) (time.Time, string, *msg.Text) {
		text := m.With(t.h.label(k), raw)
		return time.Time{}, "", &text
	}
	switch c.Kind {
	case Text, DateText:
		s := raw
		if c.Kind == DateText && len(s) > 10 && s[10] == 'T' {
			s = s[:10] // a date cell's time of day, as for a serial date
		}
		if d, ok := isoDate(s); ok {
			return d, s, nil
		}
		d, why := parseDate(s)
		if why != nil {
			return fail(why)
		}
		return d, d.Format("2006-01-02"), nil
	case Number:
		serial, err := strconv.ParseFloat(raw, 64) // a day count, not money
		if err != nil || serial < 1 || serial > 2958465 {
			return fail(msg.SrcNotDate)
		}
		d, err := excelize.ExcelDateToTime(serial, t.date1904)
		if err != nil {
			return fail(msg.SrcNotDate)
		}
		y, m, day := d.Date()
		d = time.Date(y, m, day, 0, 0, 0, 0, time.UTC)
		return d, d.Format("2006-01-02"), nil
	case Blank:
		text := msg.SrcEmpty.With(t.h.label(k))
		return time.Time{}, "", &text
	}
	return fail(msg.SrcNotDate)
}

// isoDate reads a date written YYYY-MM-DD that exists, as parseDate does,
// without its allocations: most ledgers write their dates so, and a national
// reconciliation reads 3 million of them twice. Anything else is not ok,
// for parseDate to read or say why not.
func isoDate(s string) (time.Time, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return time.Time{}, false
	}
	n := [3]int{}
	for k, part := range [3]string{s[:4], s[5:7], s[8:]} {
		for i := 0; i < len(part); i++ {
			c := part[i]
			if c < '0' || c > '9' {
				return time.Time{}, false
			}
			n[k] = n[k]*10 + int(c-'0')
		}
	}
	y, m, d := n[0], n[1], n[2]
	if m < 1 || m > 12 || d < 1 {
		return time.Time{}, false
	}
	date := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if date.Day() != d {
		return time.Time{}, false
	}
	return date, true
}

// parseDate reads a date written year first: 2026-07-15, 2026-7-15,
// 2026/7/15, 2026.7.15, 2026年7月15日 or 20260715, optionally followed by a
// time of 00:00:00 (00:00, 0:00:00 …). It returns the message that says
// why not: a day-first or month-first date (15/7/2026), a date that does
// not exist (2026-02-30), a time other than midnight, or no date at all.
func parseDate(s string) (time.Time, *msg.Message) {
	day, clock, hasClock := strings.Cut(s, " ")
	if !hasClock {
		day, clock, hasClock = strings.Cut(s, "T")
	}
	if hasClock {
		clock = strings.TrimSpace(clock)
		if !isClock(clock) {
			return time.Time{}, msg.SrcNotDate
		}
		if strings.Trim(clock, "0:.") != "" {
			return time.Time{}, msg.SrcDateTime
		}
	}
	var parts []string
	switch {
	case strings.HasSuffix(day, "日") && strings.Contains(day, "年") && strings.Contains(day, "月"):
		y, rest, _ := strings.Cut(strings.TrimSuffix(day, "日"), "年")
		m, d, _ := strings.Cut(rest, "月")
		parts = []string{y, m, d}
	case len(day) == 8 && allDigits(day):
		parts = []string{day[:4], day[4:6], day[6:]}
	default:
		for _, sep := range []string{"-", "/", "."} {
			if strings.Count(day, sep) == 2 {
				parts = strings.Split(day, sep)
				break
			}
		}
	}
	if len(parts) != 3 {
		return time.Time{}, msg.SrcNotDate
	}
	for _, p := range parts {
		if p == "" || !allDigits(p) {
			return time.Time{}, msg.SrcNotDate
		}
	}
	if len(parts[0]) != 4 {
		if len(parts[2]) == 4 && len(parts[0]) <= 2 && len(parts[1]) <= 2 {
			return time.Time{}, msg.SrcDayFirst
		}
		return time.Time{}, msg.SrcNotDate
	}
	if len(parts[1]) > 2 || len(parts[2]) > 2 {
		return time.Time{}, msg.SrcNotDate
	}
	y, _ := strconv.Atoi(parts[0])
	m, _ := strconv.Atoi(parts[1])
	d, _ := strconv.Atoi(parts[2])
	date := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if m < 1 || m > 12 || d < 1 || date.Day() != d {
		return time.Time{}, msg.SrcNoSuchDate
	}
	return date, nil
}

// isClock reports whether s looks like a time of day: h:mm or h:mm:ss,
// with an optional fraction of a second.
func isClock(s string) bool {
	s, _, _ = strings.Cut(s, ".")
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return false
	}
	for _, p := range parts {
		if p == "" || len(p) > 2 || !allDigits(p) {
			return false
		}
	}
	return true
}
