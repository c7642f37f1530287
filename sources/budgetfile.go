package sources

import (
	"bufio"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"

	"fundalloc/allocation"
)

// BudgetFile is a budget JSON written earlier (DESIGN §6.1), read back as
// the budget of record for a reconciliation: its year, its categories and
// each unit's annual amount per category.
type BudgetFile struct {
	FiscalYear int
	Categories []string
	Units      []string // the unit codes its lines name, sorted; Annual indexes them
	annual     []allocation.Budgeted
}

// Annual returns the file's lines summed per unit and category, sorted by
// unit code and category; Unit indexes Units.
func (b *BudgetFile) Annual() []allocation.Budgeted { return b.annual }

// ReadBudgetFile reads and checks a budget JSON: every amount exact with
// two decimals, every line's category among the file's categories. It
// streams the lines, summing them as it goes, so a national budget (four
// million lines) needs no copy of its lines in memory.
func ReadBudgetFile(name string, r io.Reader) (*BudgetFile, error) {
	dec := json.NewDecoder(bufio.NewReaderSize(r, 1<<20))
	bad := func(err error) error {
		return &Error{File: name, Err: wrapf(ErrUnreadable, "not a budget JSON: %v", err)}
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, bad(fmt.Errorf("it does not start with {"))
	}
	var (
		p     Problems
		year  *int
		cats  []string
		lines []budgetLine
		units = map[string]int32{}
		codes []string
		catOf = map[string]int16{}
		catNs []string
	)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, bad(err)
		}
		key, _ := tok.(string)
		switch key {
		case "fiscal_year":
			if err := dec.Decode(&year); err != nil {
				return nil, bad(err)
			}
		case "categories":
			if err := dec.Decode(&cats); err != nil {
				return nil, bad(err)
			}
		case "lines":
			if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
				return nil, bad(fmt.Errorf("lines is not a list"))
			}
			var l struct {
				Unit     string `json:"unit"`
				Category string `json:"category"`
				Amount   string `json:"amount"`
			}
			for i := 0; dec.More(); i++ {
				l.Unit, l.Category, l.Amount = "", "", ""
				if err := dec.Decode(&l); err != nil {
					return nil, bad(fmt.Errorf("lines[%d]: %v", i, err))
				}
				v, err := ParseAmount(l.Amount)
				switch {
				case err != nil:
					p.Add(&Error{File: name, Err: wrapf(ErrBadAmount, "lines[%d]: amount %q %v", i, l.Amount, err)})
				case v < 0:
					p.Add(&Error{File: name, Err: wrapf(ErrBadAmount, "lines[%d]: amount %q is negative", i, l.Amount)})
				}
				if l.Unit == "" {
					p.Add(&Error{File: name, Err: wrapf(ErrRequired, "lines[%d]: unit is empty", i)})
				}
				u, ok := units[l.Unit]
				if !ok {
					u = int32(len(codes))
					units[l.Unit] = u
					codes = append(codes, l.Unit)
				}
				c, ok := catOf[l.Category]
				if !ok {
					c = int16(len(catNs))
					catOf[l.Category] = c
					catNs = append(catNs, l.Category)
				}
				lines = append(lines, budgetLine{unit: u, cat: c, line: int32(i), amount: v})
			}
			if _, err := dec.Token(); err != nil {
				return nil, bad(err)
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, bad(err)
			}
		}
	}
	if year == nil || len(cats) == 0 {
		p.Add(&Error{File: name, Err: wrapf(ErrRequired, "not a budget JSON: fiscal_year and categories are required")})
		return nil, p.Err()
	}
	// Map the categories the lines name to the file's list.
	index := map[string]int{}
	for i, c := range cats {
		index[c] = i
	}
	catIdx := make([]int, len(catNs))
	for i, name := range catNs {
		k, ok := index[name]
		if !ok {
			k = -1
		}
		catIdx[i] = k
	}
	for _, l := range lines {
		if catIdx[l.cat] < 0 {
			p.Add(&Error{File: name, Err: wrapf(ErrUnknownCategory, "lines[%d]: category %q is not in its categories", l.line, catNs[l.cat])})
		}
	}
	// Every amount a reconciliation shows from the budget is at most the
	// total of its lines: keep that within what an amount may be.
	var total allocation.Fen
	for _, l := range lines {
		if l.amount < 0 {
			continue // reported
		}
		if l.amount > maxAmount-total {
			p.Add(&Error{File: name, Err: wrapf(ErrBadAmount, "lines[%d]: with it the lines add up to %s", l.line, overTotal)})
			break
		}
		total += l.amount
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	// Sum per unit and category, in unit code and category order.
	slices.SortFunc(lines, func(a, b budgetLine) int {
		return cmp.Or(cmp.Compare(codes[a.unit], codes[b.unit]), cmp.Compare(catIdx[a.cat], catIdx[b.cat]))
	})
	bf := &BudgetFile{FiscalYear: *year, Categories: cats}
	for i := 0; i < len(lines); {
		l := lines[i]
		var sum allocation.Fen // at most the total, checked above
		for ; i < len(lines) && lines[i].unit == l.unit && lines[i].cat == l.cat; i++ {
			sum += lines[i].amount
		}
		if n := len(bf.Units); n == 0 || bf.Units[n-1] != codes[l.unit] {
			bf.Units = append(bf.Units, codes[l.unit])
		}
		bf.annual = append(bf.annual, allocation.Budgeted{Unit: int32(len(bf.Units) - 1), Category: catIdx[l.cat], Annual: sum})
	}
	return bf, nil
}

// budgetLine is one line of a budget JSON as read: unit and category by
// index, the line's position for messages, and its amount.
type budgetLine struct {
	unit   int32
	cat    int16
	line   int32
	amount allocation.Fen
}
