package sources

import (
	"fmt"
	"strings"

	"fundalloc/allocation"
)

// Indexes into fundColumns.
const (
	fID = iota
	fCategory
	fProvider
	fDescription
	fAmount
	fUnit
)

// Category is a fund category: its code and its names.
type Category struct {
	Code string
	Zh   string
	En   string
}

// Categories finds categories by code, Chinese or English name.
type Categories struct {
	list  []Category
	index map[string]int
}

// NewCategories indexes a category list; order is kept.
func NewCategories(list []Category) *Categories {
	c := &Categories{list: list, index: map[string]int{}}
	for i, cat := range list {
		for _, k := range []string{cat.Code, cat.Zh, cat.En} {
			if k = strings.ToLower(strings.TrimSpace(k)); k != "" {
				if _, dup := c.index[k]; !dup {
					c.index[k] = i
				}
			}
		}
	}
	return c
}

// Lookup returns the index of the category a cell names, or -1.
func (c *Categories) Lookup(s string) int {
	if i, ok := c.index[strings.ToLower(strings.TrimSpace(s))]; ok {
		return i
	}
	return -1
}

// List returns the categories in order.
func (c *Categories) List() []Category { return c.list }

// Codes returns the category codes in order.
func (c *Categories) Codes() []string {
	out := make([]string, len(c.list))
	for i, cat := range c.list {
		out[i] = cat.Code
	}
	return out
}

func (c *Categories) hint() string {
	parts := make([]string, len(c.list))
	for i, cat := range c.list {
		parts[i] = cat.Code
		if cat.Zh != "" {
			parts[i] += " " + cat.Zh
		}
	}
	return strings.Join(parts, ", ")
}

// FundLine is a fund line with where it came from.
type FundLine struct {
	allocation.Fund
	Provider    string
	Description string
	File        int32 // index into FundTable.Files
	Row         int32
}

// FundTable is every fund line of every fund file.
type FundTable struct {
	Files  []string // source names
	Sheets []string // the sheet read from each file ("" for CSV)
	Lines  []FundLine
}

// Funds returns the lines as the core's fund lines.
func (t *FundTable) Funds() []allocation.Fund {
	out := make([]allocation.Fund, len(t.Lines))
	for i := range t.Lines {
		out[i] = t.Lines[i].Fund
	}
	return out
}

// ReadFunds reads and validates fund lines from every source (DESIGN §3.2):
// ids unique across all files, known categories, amounts > 0 with at most
// two decimals, and designated units that exist in units.
func ReadFunds(srcs []Source, sheet string, lim Limits, cats *Categories, units *UnitTable, p *Problems) *FundTable {
	ft := &FundTable{}
	type place struct {
		file int32
		row  int
	}
	ids := map[string]place{}
	codes := make(map[string]bool, len(units.Units))
	for _, u := range units.Units {
		codes[u.Code] = true
	}
	for fi, src := range srcs {
		file := int32(fi)
		ft.Files = append(ft.Files, src.Name)
		t, _ := scanTable(src, sheet, lim, fundColumns, p, func(t *table, row int, cells []Cell) {
			line := FundLine{File: file, Row: int32(row)}
			line.ID, _ = t.required(row, cells, fID)
			if line.ID != "" {
				if prev, dup := ids[line.ID]; dup {
					where := fmt.Sprintf("row %d", prev.row)
					if prev.file != file {
						where = fmt.Sprintf("%s row %d", ft.Files[prev.file], prev.row)
					}
					t.bad(row, fID, wrapf(ErrDuplicate, "%s %q is used twice (first at %s); ids are unique across all fund files", t.h.label(fID), line.ID, where))
				} else {
					ids[line.ID] = place{file, row}
				}
			}
			if s, ok := t.required(row, cells, fCategory); ok {
				line.Category = cats.Lookup(s)
				if line.Category < 0 {
					t.bad(row, fCategory, wrapf(ErrUnknownCategory, "%s %q is not a category; use one of: %s", t.h.label(fCategory), s, cats.hint()))
				}
			}
			line.Provider, _ = t.required(row, cells, fProvider)
			line.Description = t.text(cells, fDescription)
			if c := t.h.cell(cells, fAmount); c.Kind == Blank {
				t.bad(row, fAmount, wrapf(ErrRequired, "%s is empty", t.h.label(fAmount)))
			} else if v, err := cellAmount(c); err != nil {
				t.badValue(row, fAmount, c.Text, err)
			} else if v <= 0 {
				t.badValue(row, fAmount, c.Text, errNotPositive)
			} else {
				line.Amount = v
			}
			if s := t.text(cells, fUnit); s != "" {
				line.Unit = s
				if !codes[s] {
					t.bad(row, fUnit, wrapf(ErrUnknownUnit, "%s %q is not a unit code in %s", t.h.label(fUnit), s, units.Source))
				}
			}
			ft.Lines = append(ft.Lines, line)
		})
		ft.Sheets = append(ft.Sheets, t.sheet)
	}
	return ft
}
