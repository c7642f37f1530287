package allocation

import (
	"errors"
	"slices"
)

// Tier is a unit's level in the three-tier network.
type Tier uint8

// The three tiers.
const (
	Hub     Tier = iota // 市社工服务中心（社工总站）
	Station             // 镇街社工站
	Room                // 村（社区）社工室
)

var tierNames = [...]string{"hub", "station", "room"}

func (t Tier) String() string { return tierNames[t] }

// Grade is an operator's yearly evaluation grade.
type Grade uint8

// The evaluation grades. New (新建) is the zero value: an operator without an
// evaluation yet.
const (
	New Grade = iota
	Excellent
	Good
	Qualified
	Unqualified
	numGrades
)

var gradeNames = [...]string{"new", "excellent", "good", "qualified", "unqualified"}

func (g Grade) String() string { return gradeNames[g] }

// Stage is one step of the allocation, in the order the stages run.
type Stage uint8

// The six stages of DESIGN §4.5, in order.
const (
	Directed Stage = iota
	HubProject
	Baseline
	Pilot
	Demand
	Rooms
	NumStages
)

var stageNames = [...]string{"directed", "hub", "baseline", "pilot", "demand", "rooms"}

func (s Stage) String() string { return stageNames[s] }

// Status says whether a line's money is paid to its unit or held for it.
type Status uint8

const (
	// Allocated money goes to the unit's operator.
	Allocated Status = iota
	// Reserved money is kept for the unit's service area while its
	// unqualified operator is re-procured.
	Reserved
)

func (s Status) String() string {
	if s == Reserved {
		return "reserved"
	}
	return "allocated"
}

// Unit is a hub, station or room as read from the units file.
type Unit struct {
	Code          string
	Name          string
	Tier          Tier
	Parent        string // the parent's code; empty for the hub
	SocialWorkers int64
	Pilot         bool
	Grade         Grade  // ignored for rooms
	ContractYear  int    // 1–3 within the three-year cycle; 0 when not given
	Operator      string // the contracted organisation (承接机构); optional
	Town          string // the town or street office of a station (所在镇街); optional
	Drivers       []Ratio
}

// Reserved reports whether every line of the unit is reserved: its operator
// is graded unqualified. Rooms have no operator of their own.
func (u *Unit) Reserved() bool { return u.Tier != Room && u.Grade == Unqualified }

// Fund is one fund line (资金来源).
type Fund struct {
	ID       string
	Category int    // index into Input.Categories
	Amount   Fen    // > 0
	Unit     string // designated unit's code; empty for pooled money
}

// FundRecord is a fund line as read (DESIGN §3.2): the core's Fund, where
// its money comes from, the texts a person reads, and the file and row it
// was read from, for the budget's list of fund lines.
type FundRecord struct {
	Fund
	Source      Source // 资金性质, 指标来源 and 指标文号
	Provider    string
	Description string
	File        int32 // index into FundRecords.Files
	Row         int32 // the spreadsheet's row number
}

// FundRecords is every fund line of every fund file, in file and row
// order, with the files' names and the sheet read from each ("" for CSV).
type FundRecords struct {
	Files  []string
	Sheets []string
	Lines  []FundRecord
}

// Funds returns the lines as the allocation's input takes them.
func (r *FundRecords) Funds() []Fund {
	out := make([]Fund, len(r.Lines))
	for i := range r.Lines {
		out[i] = r.Lines[i].Fund
	}
	return out
}

// Sources returns each line's source, as Indicators takes them.
func (r *FundRecords) Sources() []Source {
	out := make([]Source, len(r.Lines))
	for i := range r.Lines {
		out[i] = r.Lines[i].Source
	}
	return out
}

// Category is a fund category (DESIGN §5): its code, its names and its
// classification codes. The allocation knows a category by its index and
// its code; the names and codes are for what people read.
type Category struct {
	Code string
	Zh   string
	En   string
	// The classification codes of DESIGN §12, "" when not configured:
	// 支出功能分类 (7 digits), 部门预算支出经济分类 and 政府预算支出经济分类
	// (5 digits each).
	FunctionCode, EconomicCode, GovEconomicCode string
}

// Input is everything the allocation reads besides its rules.
type Input struct {
	Categories []string // category codes in configured order
	Drivers    []string // driver column names; every Unit.Drivers follows this order
	Units      []Unit
	Funds      []Fund
}

// SocialWorkers is the driver name of Unit.SocialWorkers (the units file's
// social_workers column), which the demand stage may use like any other
// driver.
const SocialWorkers = "social_workers"

// Rules are the stage parameters of DESIGN §4.5, declared once: the
// configuration fills them, the budget JSON records them and reads them
// back, and the workbooks show them. A category list holds indexes into the
// categories; an empty one means every category.
type Rules struct {
	Factors  [numGrades]Ratio // by Grade; the Unqualified entry is ignored (always 1)
	Hub      Draw
	Baseline struct {
		PerWorker, PerStation Fen
		Categories            []int
	}
	Pilot  Draw
	Demand struct {
		Share Ratio
		// Drivers names, by category index, the driver column the
		// category's demand share follows, as Input.Drivers names it; ""
		// for none. Allocate resolves the names (DriverIndex).
		Drivers    []string
		Categories []int
	}
	Rooms struct {
		Share Ratio
	}
}

// DriverIndex resolves category c's demand driver: its index in drivers,
// or -1 when the category names none or one drivers does not have.
func (r *Rules) DriverIndex(c int, drivers []string) int {
	if c >= len(r.Demand.Drivers) || r.Demand.Drivers[c] == "" {
		return -1
	}
	return slices.Index(drivers, r.Demand.Drivers[c])
}

// Draw is a stage that gives units a fixed amount drawn from the pool.
type Draw struct {
	Amount     Fen
	Categories []int
}

// DefaultFactors are the grade factors of DESIGN §4.3.
func DefaultFactors() [numGrades]Ratio {
	var f [numGrades]Ratio
	f[Excellent] = Ratio{Num: 11, Scale: 1}
	f[Good] = One
	f[Qualified] = Ratio{Num: 9, Scale: 1}
	f[New] = One
	f[Unqualified] = One
	return f
}

// Plan is the result of an allocation: the pool, every line with the basis
// that produced it, what is left unallocated and the warnings.
type Plan struct {
	Categories  []string
	Drivers     []string
	Units       []Unit // sorted by code; Line.Unit indexes this slice
	Funds       []Fund
	Pool        []PoolEntry // by category
	Lines       []Line      // by stage, unit code, category order
	Unallocated []Fen       // by category
	Warnings    []Warning
	// Directed lists, for each directed line's Basis.Ref, the indexes into
	// Funds of the fund lines it sums.
	Directed [][]int32
	// Totals holds, for every other line's Basis.Ref, the sum of the
	// weights its amount was apportioned by: lines of one apportionment
	// share one entry.
	Totals []Sum
}

// ByStatus sums the lines per category: what is allocated and what is
// reserved for re-procurement.
func (p *Plan) ByStatus() (allocated, reserved []Fen) {
	allocated = make([]Fen, len(p.Categories))
	reserved = make([]Fen, len(p.Categories))
	for _, l := range p.Lines {
		if l.Status == Reserved {
			reserved[l.Category] += l.Amount
		} else {
			allocated[l.Category] += l.Amount
		}
	}
	return allocated, reserved
}

// PoolEntry is one category's pool (DESIGN §4.2).
type PoolEntry struct {
	Total      Fen // Σ fund lines of the category
	Designated Fen // earmarked for their units
	Pooled     Fen // Total − Designated: what the stages draw on
}

// Line is one (stage, unit, category) with its status and amount, and why.
type Line struct {
	Stage    Stage
	Status   Status
	Category int32 // index into Plan.Categories
	Unit     int32 // index into Plan.Units
	Amount   Fen   // > 0
	Basis    Basis
}

// Basis records how a line's amount came about. Which fields are set depends
// on the stage:
//
//   - directed: Ref indexes Plan.Directed, the fund lines summed.
//   - hub, baseline, pilot: Need is the unit's need n_u, Granted what it got
//     after any pro-rata scaling, Weight the category's pooled balance (in
//     fen) the granted amount was apportioned by, and Plan.Totals[Ref] the
//     sum of the balances of the stage's categories at that moment (in
//     fen, Sum.Fen).
//   - demand: Pot is the category's demand amount D[c], Driver the driver
//     column, Value the station's driver value, Factor its grade factor,
//     Weight = Value × Factor and Plan.Totals[Ref] every station's weight
//     summed. Granted is the station's share of the pot; when the station
//     passed part of it down to its rooms, the line's Amount is what it
//     kept: Granted − ⌊Granted × rooms share⌋.
//   - rooms: Pot is what the station passed down in the category, From the
//     station, Driver and Value the room's driver (also its Weight), and
//     Plan.Totals[Ref] the weights of the station's rooms summed.
//
// Value, Factor and Weight are read with the methods of those names: the
// numerators and scales of the three ratios are stored apart, so that a
// Line is 88 bytes, not 112 (a Ratio alone is 16 bytes with 7 of padding;
// a national plan holds 4.5 million lines).
type Basis struct {
	Need, Granted, Pot    Fen
	value, factor, weight uint64 // numerators of Value, Factor and Weight
	Driver                int32
	From                  int32
	Ref                   int32
	valueScale            uint8
	factorScale           uint8
	weightScale           uint8
}

// Value is the driver value (demand, rooms).
func (b *Basis) Value() Ratio { return Ratio{Num: b.value, Scale: b.valueScale} }

// Factor is the grade factor (demand, rooms).
func (b *Basis) Factor() Ratio { return Ratio{Num: b.factor, Scale: b.factorScale} }

// Weight is the weight the line's amount was apportioned by.
func (b *Basis) Weight() Ratio { return Ratio{Num: b.weight, Scale: b.weightScale} }

// SetRatios sets Value, Factor and Weight.
func (b *Basis) SetRatios(value, factor, weight Ratio) {
	b.value, b.valueScale = value.Num, value.Scale
	b.factor, b.factorScale = factor.Num, factor.Scale
	b.weight, b.weightScale = weight.Num, weight.Scale
}

// withRatios returns b with Value, Factor and Weight set.
func (b Basis) withRatios(value, factor, weight Ratio) Basis {
	b.SetRatios(value, factor, weight)
	return b
}

// WarningKind classifies a warning.
type WarningKind uint8

const (
	// Shortfall: a unit's need in a drawing stage was scaled down because
	// the stage's categories did not hold enough.
	Shortfall WarningKind = iota
	// NoWeight: an amount could not be split because every weight was zero;
	// it stays where it was (unallocated, or with the station).
	NoWeight
)

// Warning is something an officer should look at; the plan is still valid.
// It carries data only: the edges put it in words (reports.WarningText).
//
//   - Shortfall: in Stage, Unit needed Need and got Got; the stage's
//     categories held Available for the needs of all its units, Total.
//   - NoWeight: Need could not be split by Driver because every weight was
//     zero: in Demand, Category's demand amount over the stations (Unit is
//     -1); in Rooms, what station Unit would pass down in Category.
type Warning struct {
	Kind      WarningKind
	Stage     Stage
	Unit      int // index into Plan.Units, or -1
	Category  int // index into Plan.Categories, or -1
	Driver    int // index into Plan.Drivers (NoWeight), or -1
	Need      Fen
	Got       Fen
	Available Fen // Shortfall: what the stage's categories held
	Total     Fen // Shortfall: every unit's need in the stage
}

// ErrInvariant reports that a plan failed the conservation check: a bug, not
// bad input.
var ErrInvariant = errors.New("conservation invariant failed")
