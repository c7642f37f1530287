// Package synth generates deterministic synthetic data sets for fundalloc:
// a units file, fund lines split over several files, ten monthly expenditure
// ledgers and a matching fundalloc.yaml, in the input formats of DESIGN §3.
// They are for trials and for the scale benchmarks.
//
// The same Params (seed included) always give the same data set: CSV files
// byte for byte, workbooks cell for cell, whatever order the files are
// written in. Money is int64 fen throughout; it meets float64 only where an
// xlsx numeric cell needs one (see cellMoney).
package synth

import (
	"errors"
	"slices"

	"fundalloc/reports/msg"
)

// Format is the file format of the generated tables.
type Format string

// The formats. CSV files carry the English headers, workbooks the Chinese
// ones, so that both header sets get exercised.
const (
	CSV  Format = "csv"
	XLSX Format = "xlsx"
)

// Params describe a data set.
type Params struct {
	Preset          string // informational: named in the config's comment
	Stations        int    // stations under the hub, ≥ 1
	RoomsPerStation int    // rooms under each station, ≥ 0
	FundLines       int    // fund lines over all fund files, ≥ 1
	Vouchers        int    // vouchers over the ten ledgers, ≥ 0
	Format          Format
	Seed            uint64
	// Workers is how many files are written at once; 0 means GOMAXPROCS.
	// It does not change the output.
	Workers int
}

// Limits on Params, so that every generated table stays within the readers'
// default limits (10 million rows a table) and the generator's memory stays
// reasonable.
const (
	MaxUnits     = 9_000_000
	MaxFundLines = 100_000_000
	MaxVouchers  = 50_000_000
)

var presets = map[string]Params{
	"shenmu":   {Preset: "shenmu", Stations: 20, RoomsPerStation: 15, FundLines: 60, Vouchers: 10_000},
	"province": {Preset: "province", Stations: 1_300, RoomsPerStation: 15, FundLines: 100_000, Vouchers: 300_000},
	"national": {Preset: "national", Stations: 38_600, RoomsPerStation: 15, FundLines: 1_000_000, Vouchers: 3_000_000},
}

// Preset returns the counts of a named preset (shenmu, province, national)
// with the CSV format and seed 1.
func Preset(name string) (Params, bool) {
	p, ok := presets[name]
	p.Format, p.Seed = CSV, 1
	return p, ok
}

// PresetNames lists the presets from the smallest.
func PresetNames() []string { return []string{"shenmu", "province", "national"} }

// Units is the number of units the data set has: the hub, the stations and
// their rooms.
func (p Params) Units() int { return 1 + p.Stations*(1+p.RoomsPerStation) }

// Validate checks the parameters; its error names the offending one.
func (p Params) Validate() error {
	var errs []error
	if p.Stations < 1 {
		errs = append(errs, msg.CmdGenStations.Err(p.Stations))
	}
	if p.RoomsPerStation < 0 {
		errs = append(errs, msg.CmdGenRooms.Err(p.RoomsPerStation))
	}
	if p.Stations >= 1 && p.RoomsPerStation >= 0 &&
		(p.Stations > MaxUnits || p.RoomsPerStation > MaxUnits || p.Units() > MaxUnits) {
		errs = append(errs, msg.CmdGenTooMany.Err(p.Stations, p.RoomsPerStation, MaxUnits))
	}
	if p.FundLines < 1 || p.FundLines > MaxFundLines {
		errs = append(errs, msg.CmdGenFundLines.Err(p.FundLines, MaxFundLines))
	}
	if p.Vouchers < 0 || p.Vouchers > MaxVouchers {
		errs = append(errs, msg.CmdGenVouchersBad.Err(p.Vouchers, MaxVouchers))
	}
	if !slices.Contains([]Format{CSV, XLSX}, p.Format) {
		errs = append(errs, msg.CmdGenFormat.Err(string(p.Format)))
	}
	if p.Workers < 0 {
		errs = append(errs, msg.CmdGenWorkers.Err(p.Workers))
	}
	return errors.Join(errs...)
}
