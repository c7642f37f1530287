package sources

import (
	"slices"
	"strings"
	"unicode/utf8"

	"fundalloc/allocation"
	"fundalloc/reports/msg"
)

// Indexes into unitColumns.
const (
	uCode = iota
	uName
	uTier
	uParent
	uWorkers
	uPilot
	uGrade
	uContractYear
	uOperator
	uTown
)

// UnitTable is a validated units file.
type UnitTable struct {
	Source  string
	Sheet   string
	Units   []allocation.Unit // in file order
	Rows    []int             // the spreadsheet row of each unit
	Drivers []string          // driver names: social_workers, then the driver columns named by the configuration, in file order
	// folded and clashed are checkTree's: the first unit of each code
	// folded to lower case (byCode looks a code up in it), and
	// the codes refused as differing from an earlier one only in case.
	// CheckUnits looks codes up in them rather than indexing the units again.
	folded  map[string]int
	clashed map[string]bool
}

var (
	tierNames = map[string]allocation.Tier{
		"hub": allocation.Hub, "总站": allocation.Hub, "社工总站": allocation.Hub,
		"station": allocation.Station, "社工站": allocation.Station, "镇街社工站": allocation.Station,
		"room": allocation.Room, "社工室": allocation.Room, "社工点": allocation.Room, "社工室（点）": allocation.Room, "社工室(点)": allocation.Room,
	}
	gradeNames = map[string]allocation.Grade{
		"excellent": allocation.Excellent, "优秀": allocation.Excellent,
		"good": allocation.Good, "良好": allocation.Good,
		"qualified": allocation.Qualified, "合格": allocation.Qualified,
		"unqualified": allocation.Unqualified, "不合格": allocation.Unqualified,
		"new": allocation.New, "新建": allocation.New,
	}
	boolNames = map[string]bool{
		"yes": true, "true": true, "1": true, "是": true, "y": true,
		"no": false, "false": false, "0": false, "否": false, "n": false,
	}
)

// ReadUnits reads and validates the units file (DESIGN §3.1). Problems go to
// p; the table returned holds the units that could be read. The drivers
// are social_workers and the columns opt.Drivers names; every other column
// the header does not know is ignored (and noted in p).
func ReadUnits(src Source, opt Options, p *Problems) *UnitTable {
	var lp Problems // this file's problems, put in row order at the end
	defer func() {
		lp.sortByPlace()
		p.Append(&lp)
	}()
	ut := &UnitTable{Source: src.Name}
	cols := slices.Clip(unitColumns)
	for _, d := range opt.Drivers {
		name := DriverName(d)
		if name != allocation.SocialWorkers && colIndex(cols, name) < 0 {
			cols = append(cols, driverColumn(name))
		}
	}
	var drivers []int           // the driver columns the file has, by position in cols, in file order
	var slab []allocation.Ratio // driver values, allocated many units at a time
	badTier := map[int]bool{}   // units whose tier could not be read
	// The units go straight into ut.Units when the reader bounds the rows
	// (a UTF-8 CSV file), else into chunks copied once at the end: growing
	// one slice of units (some 130 bytes each, with pointers) by doubling
	// took most of the time of reading a national units file.
	var units chunked[allocation.Unit]
	var rows chunked[int]
	n := 0 // units read so far
	t, ok := scanTable(src, &opt, newMatcher(cols, opt.Columns), &lp, func(t *table, row int, cells []Cell) {
		if ut.Drivers == nil { // the first row: name the driver columns
			ut.Drivers = []string{allocation.SocialWorkers}
			for k := len(unitColumns); k < len(cols); k++ {
				if t.h.has(k) {
					drivers = append(drivers, k)
				}
			}
			slices.SortFunc(drivers, func(a, b int) int { return t.h.index[a] - t.h.index[b] })
			for _, k := range drivers {
				ut.Drivers = append(ut.Drivers, cols[k].Name)
			}
			if t.rowsHint > 0 {
				ut.Units = make([]allocation.Unit, 0, t.rowsHint)
				ut.Rows = make([]int, 0, t.rowsHint)
			}
		}
		nd := 1 + len(drivers)
		if len(slab) < nd {
			slab = make([]allocation.Ratio, nd*1024)
		}
		u := allocation.Unit{Drivers: slab[:nd:nd]}
		slab = slab[nd:]
		u.Code, _ = t.required(row, cells, uCode)
		u.Name, _ = t.required(row, cells, uName)
		if s, ok := t.required(row, cells, uTier); ok {
			tier, known := tierNames[strings.ToLower(s)]
			if !known {
				t.bad(row, uTier, msg.SrcNotTier.Wrap(ErrBadEnum, t.h.label(uTier), s))
				badTier[n] = true
			}
			u.Tier = tier
		} else {
			badTier[n] = true
		}
		u.Parent = t.text(cells, uParent)
		if c := t.h.cell(cells, uWorkers); c.Kind != Blank {
			n, err := cellCount(c)
			if err != nil {
				t.badValue(row, uWorkers, c.Text, err)
			}
			u.SocialWorkers = n
			u.Drivers[0] = allocation.Int(uint64(n))
		}
		if s := t.text(cells, uPilot); s != "" {
			b, known := boolNames[strings.ToLower(s)]
			if !known {
				t.bad(row, uPilot, msg.SrcNotBool.Wrap(ErrBadEnum, t.h.label(uPilot), s))
			}
			u.Pilot = b
		}
		if s := t.text(cells, uGrade); s != "" && u.Tier != allocation.Room {
			g, known := gradeNames[strings.ToLower(s)]
			if !known {
				t.bad(row, uGrade, msg.SrcNotGrade.Wrap(ErrBadEnum, t.h.label(uGrade), s))
			}
			u.Grade = g
		}
		if c := t.h.cell(cells, uContractYear); c.Kind != Blank {
			n, err := cellCount(c)
			if err == nil && (n < 1 || n > 3) {
				err = msg.SrcContractYear.Wrap(ErrBadNumber)
			}
			if err != nil {
				t.badValue(row, uContractYear, c.Text, err)
			}
			u.ContractYear = int(n)
		}
		u.Operator = t.text(cells, uOperator)
		u.Town = t.text(cells, uTown)
		for i, k := range drivers {
			c := t.h.cell(cells, k)
			if c.Kind == Blank {
				continue
			}
			v, err := cellRatio(c)
			if err != nil {
				t.add(row, t.h.index[k]+1, msg.SrcDriverValue.Wrap(ErrBadNumber, t.h.label(k), strings.TrimSpace(c.Text), err))
			}
			u.Drivers[1+i] = v
		}
		if ut.Units != nil {
			ut.Units = append(ut.Units, u)
			ut.Rows = append(ut.Rows, row)
		} else {
			units.add(u)
			rows.add(row)
		}
		n++
	})
	if ut.Units == nil && n > 0 {
		ut.Units = concatChunks([]chunked[allocation.Unit]{units})
		ut.Rows = concatChunks([]chunked[int]{rows})
	}
	ut.Sheet = t.sheet
	if !ok {
		return ut
	}
	if len(ut.Units) == 0 {
		t.add(0, 0, msg.SrcNoUnits.Wrap(ErrRequired))
		return ut
	}
	checkTree(t, ut, badTier)
	return ut
}

// checkTree checks that codes are unique ignoring case (DESIGN §3.1:
// spreadsheet lookups such as SUMIFS do not tell S1 from s1), and the hub
// and the parents: exactly one hub without a parent, stations under the
// hub, rooms under a station. Parents match codes exactly as written.
// Units in skip have no valid tier and were reported already.
func checkTree(t *table, ut *UnitTable, skip map[int]bool) {
	hub := -1
	// One index, by code folded to lower case: a code is known as
	// written when its folded entry is a unit of that very code (a code
	// that clashed with an earlier one is never entered). A national units
	// file has 600,000 codes: a second index by code cost 0.3 s.
	folded := make(map[string]int, len(ut.Units))
	for i, u := range ut.Units {
		if u.Code != "" {
			low := strings.ToLower(u.Code)
			pf, seen := folded[low]
			switch {
			case seen && ut.Units[pf].Code == u.Code:
				t.bad(ut.Rows[i], uCode, msg.SrcDupCode.Wrap(ErrDuplicate, t.h.label(uCode), u.Code, ut.Rows[pf]))
			case seen:
				t.bad(ut.Rows[i], uCode, msg.SrcCaseClash.Wrap(ErrDuplicate, t.h.label(uCode), u.Code, ut.Units[pf].Code, ut.Rows[pf]))
				if ut.clashed == nil {
					ut.clashed = map[string]bool{}
				}
				ut.clashed[u.Code] = true
			default:
				folded[low] = i
			}
		}
		if u.Tier != allocation.Hub || skip[i] {
			continue
		}
		if hub >= 0 {
			t.bad(ut.Rows[i], uTier, msg.SrcSecondHub.Wrap(ErrHub, ut.Units[hub].Code, ut.Rows[hub]))
			continue
		}
		hub = i
	}
	if hub < 0 {
		t.add(0, 0, msg.SrcNoHub.Wrap(ErrHub))
	}
	ut.folded = folded
	for i, u := range ut.Units {
		if skip[i] {
			continue
		}
		row := ut.Rows[i]
		switch u.Tier {
		case allocation.Hub:
			if u.Parent != "" {
				t.bad(row, uParent, msg.SrcHubParent.Wrap(ErrBadParent, t.h.label(uParent), u.Parent))
			}
			continue
		}
		want := msg.SrcTheHub
		if u.Tier == allocation.Room {
			want = msg.SrcAStation
		}
		if u.Parent == "" {
			t.bad(row, uParent, msg.SrcParentEmpty.Wrap(ErrBadParent, t.h.label(uParent), tierWord(u.Tier), want))
			continue
		}
		pi, ok := ut.byCode(u.Parent)
		if !ok {
			t.bad(row, uParent, msg.SrcParentUnknown.Wrap(ErrBadParent, t.h.label(uParent), u.Parent, caseHint(u.Parent, func(code string) (string, bool) {
				i, ok := folded[strings.ToLower(code)]
				return ut.Units[i].Code, ok
			})))
			continue
		}
		pt := ut.Units[pi].Tier
		if (u.Tier == allocation.Station && pt != allocation.Hub) || (u.Tier == allocation.Room && pt != allocation.Station) {
			t.bad(row, uParent, msg.SrcParentTier.Wrap(ErrBadParent, t.h.label(uParent), u.Parent, tierWord(pt), tierWord(u.Tier), want))
		}
	}
}

// byCode is the index of the first unit of code, as checkTree indexed
// them. A code of ASCII letters is folded in a buffer on the stack: the
// lookup allocates nothing.
func (ut *UnitTable) byCode(code string) (int, bool) {
	var buf [64]byte
	k, i, ok := buf[:0], 0, false
	ascii := true
	for j := 0; j < len(code); j++ {
		c := code[j]
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		k = append(k, c)
	}
	if ascii {
		i, ok = ut.folded[string(k)]
	} else {
		i, ok = ut.folded[strings.ToLower(code)]
	}
	return i, ok && ut.Units[i].Code == code
}

// caseHint is the hint for a code that is not known as written: the code
// it differs from only in case, which byFold finds; "" when there is none.
func caseHint(code string, byFold func(string) (string, bool)) any {
	if known, ok := byFold(code); ok && known != code {
		return msg.SrcCaseHint.With(known)
	}
	return ""
}

// tierWord names a tier in a message.
func tierWord(t allocation.Tier) *msg.Message {
	switch t {
	case allocation.Hub:
		return msg.SrcWordHub
	case allocation.Station:
		return msg.SrcWordStation
	}
	return msg.SrcWordRoom
}
