package sources

import (
	"strings"

	"fundalloc/allocation"
	"fundalloc/reports/msg"
)

// Indexes into fundColumns.
const (
	fID = iota
	fCategory
	fProvider
	fDescription
	fAmount
	fUnit
	fFundType
	fFundSource
	fDocumentNo
)

// fundTypeNames and fundSourceNames read the fund_type and fund_source
// columns: the code, or the Chinese name (normalised as headers are).
var (
	fundTypeNames = map[string]allocation.FundType{
		"general_budget": allocation.GeneralBudget, "一般公共预算资金": allocation.GeneralBudget, "一般公共预算": allocation.GeneralBudget,
		"gov_fund": allocation.GovFund, "政府性基金预算资金": allocation.GovFund, "政府性基金预算": allocation.GovFund, "政府性基金": allocation.GovFund,
		"state_capital": allocation.StateCapital, "国有资本经营预算资金": allocation.StateCapital, "国有资本经营预算": allocation.StateCapital,
		"special_account": allocation.SpecialAccount, "财政专户管理资金": allocation.SpecialAccount, "财政专户": allocation.SpecialAccount,
		"unit_funds": allocation.UnitFunds, "单位资金": allocation.UnitFunds,
		"donation": allocation.Donation, "社会捐赠资金(非财政)": allocation.Donation, "社会捐赠资金": allocation.Donation, "社会捐赠": allocation.Donation,
	}
	fundSourceNames = map[string]allocation.FundSource{
		"local": allocation.Local, "本级安排": allocation.Local, "本级": allocation.Local,
		"transfer": allocation.Transfer, "上级转移支付": allocation.Transfer, "转移支付": allocation.Transfer, "上级转移支付资金": allocation.Transfer,
	}
)

// fundTypeHint lists the fund types for a message.
const fundTypeHint = "general_budget, gov_fund, state_capital, special_account, unit_funds, donation (一般公共预算资金, 政府性基金预算资金, 国有资本经营预算资金, 财政专户管理资金, 单位资金, 社会捐赠资金)"

// Categories finds categories by code, Chinese or English name.
type Categories struct {
	list  []allocation.Category
	index map[string]int
}

// NewCategories indexes a category list; order is kept.
func NewCategories(list []allocation.Category) *Categories {
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
func (c *Categories) List() []allocation.Category { return c.list }

// Codes returns the category codes in order.
func (c *Categories) Codes() []string {
	out := make([]string, len(c.list))
	for i, cat := range c.list {
		out[i] = cat.Code
	}
	return out
}

// hint lists the categories a value may name, in the language of the
// message: in Chinese by their Chinese names (社会救助、养老服务), which
// a Chinese file writes, so that the message stays in one language; in
// English by code and Chinese name ("social_assistance 社会救助").
func (c *Categories) hint() msg.Localizer { return categoryHint(c.list) }

type categoryHint []allocation.Category

func (h categoryHint) Localize(l msg.Lang) string {
	parts := make([]string, len(h))
	for i, cat := range h {
		switch {
		case l == msg.ZH && cat.Zh != "":
			parts[i] = cat.Zh
		case cat.Zh != "":
			parts[i] = cat.Code + " " + cat.Zh
		default:
			parts[i] = cat.Code
		}
	}
	if l == msg.ZH {
		return strings.Join(parts, "、")
	}
	return strings.Join(parts, ", ")
}

// FundTable is every fund line of every fund file, as the core and the
// budget take them, with the columns of each file that the later checks
// locate their problems at.
type FundTable struct {
	allocation.FundRecords
	cols []fundFileCols
}

// ReadFunds reads and validates fund lines from every source (DESIGN §3.2):
// ids unique across all files, known categories, amounts > 0 with at most
// two decimals (six in a column in 万元), known fund types and sources
// (empty: general_budget, or donation in the charity category; local).
// Files are read in parallel; the problems come out in file, row and column
// order all the same. Designated units are checked against the units file
// afterwards, by CheckUnits.
func ReadFunds(srcs []Source, opt Options, cats *Categories, p *Problems) *FundTable {
	m := newMatcher(fundColumns, opt.Columns)
	ft := &FundTable{FundRecords: allocation.FundRecords{Files: make([]string, len(srcs)), Sheets: make([]string, len(srcs))},
		cols: make([]fundFileCols, len(srcs))}
	lines := make([]chunked[allocation.FundRecord], len(srcs))
	probs := make([]Problems, len(srcs))
	eachParallel(len(srcs), func(fi int) {
		src := srcs[fi]
		ft.Files[fi] = src.Name
		t, _ := scanTable(src, &opt, m, &probs[fi], func(t *table, row int, cells []Cell) {
			line := allocation.FundRecord{File: int32(fi), Row: int32(row)}
			line.ID, _ = t.required(row, cells, fID)
			if s, ok := t.required(row, cells, fCategory); ok {
				line.Category = cats.Lookup(s)
				if line.Category < 0 {
					t.bad(row, fCategory, msg.SrcNotCategory.Wrap(ErrUnknownCategory, t.h.label(fCategory), s, cats.hint()))
				}
			}
			line.Provider, _ = t.required(row, cells, fProvider)
			line.Description = t.text(cells, fDescription)
			if c := t.h.cell(cells, fAmount); c.Kind == Blank {
				t.bad(row, fAmount, msg.SrcEmpty.Wrap(ErrRequired, t.h.label(fAmount)))
			} else if v, err := t.amount(c, fAmount); err != nil {
				t.badValue(row, fAmount, c.Text, err)
			} else if v <= 0 {
				t.badValue(row, fAmount, c.Text, errNotPositive)
			} else {
				line.Amount = v
			}
			line.Unit = t.text(cells, fUnit)
			line.Source.Type = allocation.GeneralBudget
			if line.Category >= 0 && cats.list[line.Category].Code == "charity" {
				line.Source.Type = allocation.Donation
			}
			if s := t.text(cells, fFundType); s != "" {
				if ft, ok := fundTypeNames[normHeader(s)]; ok {
					line.Source.Type = ft
				} else {
					t.bad(row, fFundType, msg.SrcNotFundType.Wrap(ErrBadEnum, t.h.label(fFundType), s, fundTypeHint))
				}
			}
			line.Source.From = allocation.Local
			if s := t.text(cells, fFundSource); s != "" {
				if fs, ok := fundSourceNames[normHeader(s)]; ok {
					line.Source.From = fs
				} else {
					t.bad(row, fFundSource, msg.SrcNotFundSource.Wrap(ErrBadEnum, t.h.label(fFundSource), s))
				}
			}
			line.Source.Document = t.text(cells, fDocumentNo)
			lines[fi].add(line)
		})
		ft.Sheets[fi] = t.sheet
		if t.h != nil {
			ft.cols[fi] = fundFileCols{sheet: t.sheet, id: t.h.index[fID] + 1, idLabel: t.h.label(fID), unit: t.h.index[fUnit] + 1, unitLabel: t.h.label(fUnit),
				amount: t.h.index[fAmount] + 1, amountLabel: t.h.label(fAmount), document: t.h.index[fDocumentNo] + 1, docLabel: t.h.label(fDocumentNo)}
		}
	})
	ft.Lines = concatChunks(lines)
	// Ids are unique across all files: the first occurrence, in file and
	// row order, is the one that stands.
	first := make(map[string]int32, len(ft.Lines))
	for i := range ft.Lines {
		l := &ft.Lines[i]
		if l.ID == "" {
			continue
		}
		prev, dup := first[l.ID]
		if !dup {
			first[l.ID] = int32(i)
			continue
		}
		pl := &ft.Lines[prev]
		where := msg.SrcAtRow.With(pl.Row)
		if pl.File != l.File {
			where = msg.SrcAtFileRow.With(msg.Escape(ft.Files[pl.File]), pl.Row)
		}
		c := ft.cols[l.File]
		probs[l.File].Add(&Error{File: ft.Files[l.File], Sheet: c.sheet, Row: int(l.Row), Column: c.id,
			Err: msg.SrcDupID.Wrap(ErrDuplicate, c.idLabel, l.ID, where)})
	}
	// Every total the budget shows is at most the total of all lines: keep
	// that within what an amount may be. The line that first goes beyond
	// it, in file and row order, is the one reported.
	var total allocation.Fen
	for i := range ft.Lines {
		l := &ft.Lines[i]
		if total += l.Amount; total > maxAmount {
			c := ft.cols[l.File]
			probs[l.File].Add(&Error{File: ft.Files[l.File], Sheet: c.sheet, Row: int(l.Row), Column: c.amount,
				Err: msg.SrcOverTotal.Wrap(ErrBadAmount, c.amountLabel, l.Amount, msg.SrcFundLinesNoun)})
			break
		}
	}
	for fi := range probs {
		probs[fi].sortByPlace()
		p.Append(&probs[fi])
	}
	return ft
}

// fundFileCols locates the columns of one fund file that later checks name.
type fundFileCols struct {
	sheet                                     string
	id, unit, amount, document                int // spreadsheet columns; 0 when absent
	idLabel, unitLabel, amountLabel, docLabel colLabel
}

// CheckSources reports, in every category, the pooled fund line that brings
// its money's sources (fund type, fund source and document number, DESIGN
// §12) past max, at its document number; max ≤ 0 means no limit. Lines are
// taken in file and row order, so the line named is the first one too many.
func (ft *FundTable) CheckSources(cats *Categories, max int, p *Problems) {
	if max <= 0 {
		return
	}
	type source struct {
		cat int
		src allocation.Source
	}
	seen := map[source]bool{}
	count := map[int]int{} // by category
	for i := range ft.Lines {
		l := &ft.Lines[i]
		if l.Unit != "" {
			continue // designated money keeps its own source
		}
		s := source{l.Category, l.Source}
		if seen[s] {
			continue
		}
		seen[s] = true
		if count[l.Category]++; count[l.Category] == max+1 {
			c := ft.cols[l.File]
			p.Add(&Error{File: ft.Files[l.File], Sheet: c.sheet, Row: int(l.Row), Column: c.document,
				Err: msg.SrcTooManySources.Wrap(ErrLimit, cats.list[l.Category].Code, max)})
		}
	}
}

// CheckUnits reports designated units that are not in the units file.
// The codes are looked up in the index the units file's checks made, when
// they were made; the index by code folded to lower case, for the hint, is
// made only when a code is not found.
func (ft *FundTable) CheckUnits(units *UnitTable, p *Problems) {
	known := func(code string) bool {
		_, ok := units.byCode(code)
		return ok || units.clashed[code]
	}
	if units.folded == nil {
		codes := make(map[string]bool, len(units.Units))
		for _, u := range units.Units {
			codes[u.Code] = true
		}
		known = func(code string) bool { return codes[code] }
	}
	var folded map[string]string
	byFold := func(code string) (string, bool) {
		if folded == nil {
			folded = make(map[string]string, len(units.Units))
			for _, u := range units.Units {
				folded[strings.ToLower(u.Code)] = u.Code
			}
		}
		c, ok := folded[strings.ToLower(code)]
		return c, ok
	}
	for i := range ft.Lines {
		l := &ft.Lines[i]
		if l.Unit != "" && !known(l.Unit) {
			c := ft.cols[l.File]
			p.Add(&Error{File: ft.Files[l.File], Sheet: c.sheet, Row: int(l.Row), Column: c.unit,
				Err: msg.SrcDesignatedBad.Wrap(ErrUnknownUnit, c.unitLabel, l.Unit, msg.Escape(units.Source), caseHint(l.Unit, byFold))})
		}
	}
}
