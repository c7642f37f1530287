// Package config loads and validates fundalloc's configuration: a YAML file,
// FUNDALLOC_* environment variables and command-line flags, over a default
// for every key. With no file at all it falls back to the embedded sample
// city. Validation names the key of every problem.
package config

import (
	"strings"
	"time"

	"fundalloc/allocation"
	"fundalloc/reports"
	"fundalloc/reports/msg"
	"fundalloc/sources"
)

// Config is a loaded, validated configuration.
type Config struct {
	// Source says where the configuration came from: the file's path, or
	// SampleSource for the embedded sample city.
	Source string
	// Base resolves the input paths: the config file's directory, or the
	// embedded sample's file system.
	Base sources.Base

	FiscalYear int
	Units      string
	FundLines  []string
	Ledgers    []string
	// PriorBudget is last year's approved budget JSON (prior_budget), for
	// the budget workbook's 上年预算 columns; "" for none.
	PriorBudget string
	Sheets      Sheets
	// Out is the output directory, resolved: relative to the config file's
	// directory when set in the file, to the working directory for the
	// embedded sample or a flag.
	Out      string
	Language string
	// Document is how the workbooks read as documents: city,
	// display_unit, display_decimals and signatures (DESIGN §5, §7.1).
	Document   reports.Document
	Categories []allocation.Category
	// Rules are the stage parameters (grades and stages, DESIGN §4.3,
	// §4.5). Their demand drivers are the units file's driver columns as
	// the reader names them (sources.DriverName).
	Rules allocation.Rules
	// driverHeaders are, by category, the driver headers as
	// stages.demand.drivers gives them: what the reader looks for.
	driverHeaders []string
	Reconcile     Reconcile
	Schedule      Schedule
	Limits        sources.Limits
	Columns       Columns // columns: the headers files use, per table (DESIGN §3.0)
	// Warnings are what loading found odd but not wrong: environment
	// variables that name no setting. The command shows them.
	Warnings []msg.Text
}

// SampleSource is Config.Source for the embedded sample city.
const SampleSource = "embedded sample city"

// Sheets names the sheet to read from .xlsx inputs; "" means the first sheet.
type Sheets struct {
	Units, FundLines, Ledgers string
}

// Reconcile holds the reconciliation parameters of DESIGN §8.
type Reconcile struct {
	Even      bool                 // phasing: even
	Profile   [12]allocation.Ratio // the monthly weights (all 1 when Even)
	Tolerance allocation.Ratio
	Behind    allocation.Ratio
}

// Schedule holds the scheduler's settings (DESIGN §9).
type Schedule struct {
	Location *time.Location // schedule.timezone
	CatchUp  bool
	Jobs     []Job
	// Warnings are for the scheduler to log at start: jobs that run more
	// often than once a minute.
	Warnings []msg.Text
}

// Job is one scheduled job.
type Job struct {
	Name string
	Spec string
	Run  string // "budget" or "reconcile"
}

// DefaultCategories are the seven fund categories of DESIGN §1.
func DefaultCategories() []allocation.Category {
	return []allocation.Category{
		{Code: "social_assistance", Zh: "社会救助", En: "Social assistance"},
		{Code: "elderly_care", Zh: "养老服务", En: "Elderly care"},
		{Code: "child_welfare", Zh: "儿童福利", En: "Child welfare"},
		{Code: "community_governance", Zh: "社区治理", En: "Community governance"},
		{Code: "social_affairs", Zh: "社会事务", En: "Social affairs"},
		{Code: "partner_org", Zh: "部门及群团组织资金", En: "Departments and mass organisations"},
		{Code: "charity", Zh: "慈善资源", En: "Charity"},
	}
}

// CheckDrivers checks the rules' demand drivers against the driver columns
// a units file has. A demand category whose driver the units file lacks is
// an error naming the key.
func (c *Config) CheckDrivers(drivers []string) error {
	var errs Errors
	for _, ci := range c.demandCategories() {
		key := "stages.demand.drivers." + c.Categories[ci].Code
		if c.Rules.Demand.Drivers[ci] == "" {
			continue // reported by validate
		}
		if c.Rules.DriverIndex(ci, drivers) < 0 {
			errs.add(key, msg.ConfigDriverColumn, c.driverHeaders[ci], c.Units, joinQuoted(drivers))
		}
	}
	errs.Source, errs.Language = c.Source, c.Language
	return errs.err()
}

func (c *Config) demandCategories() []int {
	if len(c.Rules.Demand.Categories) > 0 {
		return c.Rules.Demand.Categories
	}
	all := make([]int, len(c.Categories))
	for i := range all {
		all[i] = i
	}
	return all
}

// UnitsSource resolves the units file.
func (c *Config) UnitsSource() (sources.Source, error) {
	s, err := c.Base.Resolve([]string{c.Units})
	switch {
	case err != nil:
		return sources.Source{}, err
	case len(s) == 0:
		return sources.Source{}, msg.ConfigUnitsNone.Err(c.Units)
	case len(s) > 1:
		names := []string{s[0].Name, s[1].Name}
		if len(s) > 2 {
			names = append(names, "…")
		}
		return sources.Source{}, msg.ConfigUnitsMany.Err(c.Units, len(s), strings.Join(names, ", "))
	}
	return s[0], nil
}
