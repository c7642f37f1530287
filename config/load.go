package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // the bureau's zone must load on machines without zoneinfo

	"github.com/go-viper/mapstructure/v2"
	"github.com/robfig/cron/v3"
	"github.com/spf13/viper"

	"fundalloc/allocation"
	"fundalloc/config/sample"
	"fundalloc/reports/msg"
	"fundalloc/sources"
	"fundalloc/sources/xlsx"
)

// FileName is the config file looked for in the working directory.
const FileName = "fundalloc.yaml"

// EnvPrefix prefixes every environment variable fundalloc reads.
const EnvPrefix = "FUNDALLOC"

// Options say where to look for the configuration and what overrides it.
type Options struct {
	// Path is --config; when empty, FUNDALLOC_CONFIG, then ./fundalloc.yaml,
	// then the embedded sample city are tried in turn.
	Path string
	// Dir is the working directory; "" means the process's.
	Dir string
	// Getenv reads the environment; nil means os.Getenv. Environment
	// overrides of keys (FUNDALLOC_STAGES_HUB_AMOUNT …) go through it too.
	Getenv func(string) string
	// Set holds values from flags by key ("language" → "en"); they win over
	// everything else.
	Set map[string]any
	// Out, when set, is the output directory from --out, relative to Dir.
	Out string
	// Environ lists the environment, to warn of FUNDALLOC_ variables that
	// name no setting; nil means os.Environ when Getenv is nil too, and no
	// such warnings otherwise.
	Environ func() []string
}

// raw is the configuration as decoded, before validation. Its mapstructure
// tags are the keys; the `kind` tags say how a value must be written.
type raw struct {
	FiscalYear int      `mapstructure:"fiscal_year"`
	Units      string   `mapstructure:"units"`
	FundLines  []string `mapstructure:"fund_lines"`
	Ledgers    []string `mapstructure:"ledgers"`
	Prior      string   `mapstructure:"prior_budget"`
	Sheets     struct {
		Units     string `mapstructure:"units"`
		FundLines string `mapstructure:"fund_lines"`
		Ledgers   string `mapstructure:"ledgers"`
	} `mapstructure:"sheets"`
	Out             string         `mapstructure:"out"`
	Language        string         `mapstructure:"language"`
	City            string         `mapstructure:"city"`
	DisplayUnit     string         `mapstructure:"display_unit"`
	DisplayDecimals int            `mapstructure:"display_decimals"`
	Signatures      []string       `mapstructure:"signatures"`
	Columns         map[string]any `mapstructure:"columns"`
	Notices         struct {
		Title  string `mapstructure:"title"`
		Issuer any    `mapstructure:"issuer"`
		DocNo  string `mapstructure:"doc_no"`
	} `mapstructure:"notices"`
	Categories []struct {
		Code            string `mapstructure:"code"`
		Zh              string `mapstructure:"zh"`
		En              string `mapstructure:"en"`
		FunctionCode    string `mapstructure:"function_code"`
		EconomicCode    string `mapstructure:"economic_code"`
		GovEconomicCode string `mapstructure:"gov_economic_code"`
	} `mapstructure:"categories"`
	Grades struct {
		Excellent string `mapstructure:"excellent" kind:"decimal"`
		Good      string `mapstructure:"good" kind:"decimal"`
		Qualified string `mapstructure:"qualified" kind:"decimal"`
		New       string `mapstructure:"new" kind:"decimal"`
	} `mapstructure:"grades"`
	Stages struct {
		Hub struct {
			Amount     string   `mapstructure:"amount" kind:"amount"`
			Categories []string `mapstructure:"categories"`
		} `mapstructure:"hub"`
		Baseline struct {
			PerWorker  string   `mapstructure:"per_worker" kind:"amount"`
			PerStation string   `mapstructure:"per_station" kind:"amount"`
			Categories []string `mapstructure:"categories"`
		} `mapstructure:"baseline"`
		Pilot struct {
			Amount     string   `mapstructure:"amount" kind:"amount"`
			Categories []string `mapstructure:"categories"`
		} `mapstructure:"pilot"`
		Demand struct {
			Share      string            `mapstructure:"share" kind:"decimal"`
			Categories []string          `mapstructure:"categories"`
			Drivers    map[string]string `mapstructure:"drivers"`
		} `mapstructure:"demand"`
		Rooms struct {
			Share string `mapstructure:"share" kind:"decimal"`
		} `mapstructure:"rooms"`
	} `mapstructure:"stages"`
	Reconcile struct {
		Phasing   any    `mapstructure:"phasing"`
		Tolerance string `mapstructure:"tolerance" kind:"decimal"`
		Behind    string `mapstructure:"behind" kind:"decimal"`
	} `mapstructure:"reconcile"`
	Schedule struct {
		Timezone string `mapstructure:"timezone"`
		CatchUp  bool   `mapstructure:"catch_up"`
		Jobs     []struct {
			Name string `mapstructure:"name"`
			Spec string `mapstructure:"spec"`
			Run  string `mapstructure:"run"`
		} `mapstructure:"jobs"`
	} `mapstructure:"schedule"`
	Limits struct {
		UnzipSize      int64 `mapstructure:"unzip_size"`
		UnzipXMLSize   int64 `mapstructure:"unzip_xml_size"`
		MaxRows        int   `mapstructure:"max_rows"`
		MaxCellsPerRow int   `mapstructure:"max_cells_per_row"`
		MaxFieldBytes  int   `mapstructure:"max_field_bytes"`
		MaxSources     int   `mapstructure:"max_sources"`
		SharedStrings  int64 `mapstructure:"shared_strings_size"`
		MaxFileSize    int64 `mapstructure:"max_file_size"`
	} `mapstructure:"limits"`
}

// defaults gives every key its default, so that every key can also come
// from the environment (Load reads it for the keys viper knows).
func defaults(v *viper.Viper) {
	lim := sources.DefaultLimits()
	for key, val := range map[string]any{
		"fiscal_year":                 0,
		"units":                       "",
		"fund_lines":                  []string{},
		"ledgers":                     []string{},
		"prior_budget":                "",
		"sheets.units":                "",
		"sheets.fund_lines":           "",
		"sheets.ledgers":              "",
		"out":                         "out",
		"language":                    "zh",
		"city":                        "",
		"display_unit":                "yuan",
		"display_decimals":            2,
		"signatures":                  []string{},
		"notices.title":               "",
		"notices.issuer":              nil,
		"notices.doc_no":              "",
		"categories":                  []map[string]any{},
		"grades.excellent":            "1.10",
		"grades.good":                 "1.00",
		"grades.qualified":            "0.90",
		"grades.new":                  "1.00",
		"stages.hub.amount":           "0.00",
		"stages.hub.categories":       []string{},
		"stages.baseline.per_worker":  "0.00",
		"stages.baseline.per_station": "0.00",
		"stages.baseline.categories":  []string{},
		"stages.pilot.amount":         "0.00",
		"stages.pilot.categories":     []string{},
		"stages.demand.share":         "1.00",
		"stages.demand.categories":    []string{},
		"stages.rooms.share":          "0.00",
		"reconcile.phasing":           "even",
		"reconcile.tolerance":         "0.10",
		"reconcile.behind":            "0.80",
		"schedule.timezone":           "Asia/Shanghai",
		"schedule.catch_up":           false,
		"schedule.jobs":               []map[string]any{},
		"limits.unzip_size":           lim.UnzipSize,
		"limits.unzip_xml_size":       lim.UnzipXMLSize,
		"limits.max_rows":             lim.MaxRows,
		"limits.max_cells_per_row":    lim.MaxCellsPerRow,
		"limits.max_field_bytes":      lim.MaxFieldBytes,
		"limits.max_sources":          lim.MaxSources,
		"limits.shared_strings_size":  lim.SharedStrings,
		"limits.max_file_size":        lim.MaxFileSize,
	} {
		v.SetDefault(key, val)
	}
}

// Load finds, reads and validates the configuration (DESIGN §5). Errors
// about the configuration are *Errors naming each key.
func Load(opts Options) (*Config, error) {
	getenv, environ := opts.Getenv, opts.Environ
	if getenv == nil {
		getenv = os.Getenv
		if environ == nil {
			environ = os.Environ
		}
	}
	path := opts.Path
	if path == "" {
		path = getenv(EnvPrefix + "_CONFIG")
	}
	if path == "" {
		if p := filepath.Join(opts.Dir, FileName); fileExists(p) {
			path = p
		}
	}
	cfg := &Config{}
	var data []byte
	var err error
	if path == "" {
		cfg.Source = SampleSource
		cfg.Base = sources.Base{FS: sample.FS}
		data, err = fs.ReadFile(sample.FS, FileName)
	} else {
		if !filepath.IsAbs(path) {
			path = filepath.Join(opts.Dir, path)
		}
		cfg.Source = path
		cfg.Base = sources.Base{Dir: filepath.Dir(path)}
		data, err = readFile(path)
	}
	if m := (*msg.Error)(nil); errors.As(err, &m) {
		// Not a regular file, or too large: refused before it is read.
		errs := &Errors{Source: cfg.Source}
		errs.addText("", m.Text)
		return nil, errs
	}
	if err != nil {
		errs := &Errors{Source: cfg.Source}
		errs.add("", msg.ConfigUnreadable, msg.OSReason(err))
		return nil, errs
	}

	v := viper.New()
	defaults(v)
	v.SetConfigType("yaml")
	if err := v.ReadConfig(bytes.NewReader(data)); err != nil {
		errs := &Errors{Source: cfg.Source}
		errs.List = append(errs.List, Problem{Text: yamlProblem(data, err)})
		return nil, errs
	}
	// Every key can come from the environment (FUNDALLOC_STAGES_HUB_AMOUNT
	// …), read through getenv rather than viper's AutomaticEnv so that tests
	// can pass their own.
	knownEnv := map[string]bool{EnvPrefix + "_CONFIG": true, EnvPrefix + "_SCHEDULE_JOBS": true}
	fromEnv := func(key string) {
		name := EnvPrefix + "_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
		knownEnv[name] = true
		if val := getenv(name); val != "" {
			v.Set(key, val)
		}
	}
	for _, key := range v.AllKeys() {
		fromEnv(key)
	}
	// Drivers are keyed by category; let the environment name them too.
	for _, code := range categoryCodes(v) {
		fromEnv("stages.demand.drivers." + code)
	}
	if envKey, problem := columnsFromEnv(v, getenv); problem.M != nil {
		errs := &Errors{Language: language(v, opts.Set)}
		errs.List = append(errs.List, Problem{Key: envKey, Text: problem})
		return nil, errs
	}
	// Jobs are a list of mappings: the environment gives them as one YAML
	// (or JSON) flow list, which replaces the file's jobs.
	if val := strings.TrimSpace(getenv(EnvPrefix + "_SCHEDULE_JOBS")); val != "" {
		jobs, problem := envJobs(val)
		if problem.M != nil {
			errs := &Errors{Language: language(v, opts.Set)}
			errs.List = append(errs.List, Problem{Key: EnvPrefix + "_SCHEDULE_JOBS", Text: problem})
			return nil, errs
		}
		v.Set("schedule.jobs", jobs)
	}
	for key, val := range opts.Set {
		v.Set(key, val)
	}
	if environ != nil {
		cfg.Warnings = envWarnings(environ(), knownEnv)
	}

	errs := Errors{Source: cfg.Source, Language: language(v, nil)}
	checkKeys(v, &errs)
	if errs.Len() > 0 {
		return nil, &errs
	}
	var r raw
	dc := func(c *mapstructure.DecoderConfig) {
		c.DecodeHook = mapstructure.ComposeDecodeHookFunc(
			mapstructure.StringToTimeDurationHookFunc(),
			mapstructure.StringToSliceHookFunc(","),
		)
	}
	if err := v.UnmarshalExact(&r, dc); err != nil {
		decodeProblems(err, &errs)
		return nil, &errs
	}
	cfg.validate(&r, &errs)
	if errs.Len() > 0 {
		return nil, &errs
	}
	switch {
	case opts.Out != "":
		cfg.Out = opts.Out
		if !filepath.IsAbs(cfg.Out) {
			cfg.Out = filepath.Join(opts.Dir, cfg.Out)
		}
	case cfg.Base.FS != nil:
		cfg.Out = filepath.Join(opts.Dir, r.Out)
	case !filepath.IsAbs(r.Out):
		cfg.Out = filepath.Join(cfg.Base.Dir, r.Out)
	default:
		cfg.Out = r.Out
	}
	return cfg, nil
}

// envJobs reads FUNDALLOC_SCHEDULE_JOBS, e.g.
// [{name: quick, spec: "@every 5s", run: budget}]; the jobs are then
// validated like the file's.
func envJobs(val string) ([]any, msg.Text) {
	y := viper.New()
	y.SetConfigType("yaml")
	doc := "jobs:\n  " + strings.ReplaceAll(val, "\n", "\n  ") // a block list works too
	if err := y.ReadConfig(strings.NewReader(doc)); err != nil {
		return nil, msg.ConfigEnvJobsYAML.With(yamlDetail(err))
	}
	jobs, ok := y.Get("jobs").([]any)
	if !ok {
		return nil, msg.ConfigEnvJobsList.With(val)
	}
	return jobs, msg.Text{}
}

// language is the configured language ("zh" or "en"; set, a flag's value,
// wins over v's) when it is one, else "".
func language(v *viper.Viper, set map[string]any) string {
	s, ok := set["language"].(string)
	if !ok {
		s = v.GetString("language")
	}
	s = strings.ToLower(s)
	if _, ok := msg.Parse(s); !ok {
		return ""
	}
	return s
}

// yamlLine finds the line number in a YAML parser's error.
var yamlLine = regexp.MustCompile(`\bline (\d+)\b`)

// yamlProblem says what is wrong with a file the YAML parser refused. A tab
// in the indentation, the commonest slip (YAML indents with spaces only),
// is named as such; otherwise the parser's own words follow the line.
func yamlProblem(data []byte, err error) msg.Text {
	detail := yamlDetail(err)
	m := yamlLine.FindStringSubmatch(detail)
	if m == nil {
		if strings.Contains(detail, "tab character") {
			if n := firstTabLine(data); n > 0 {
				return msg.ConfigYAMLTab.With(n)
			}
		}
		return msg.ConfigYAML.With(detail)
	}
	n, _ := strconv.Atoi(m[1])
	lines := strings.Split(string(data), "\n")
	if n >= 1 && n <= len(lines) && strings.ContainsRune(indentation(lines[n-1]), '\t') || strings.Contains(detail, "tab character") {
		return msg.ConfigYAMLTab.With(n)
	}
	rest := strings.TrimSpace(strings.Replace(detail, m[0]+":", "", 1))
	return msg.ConfigYAMLLine.With(n, rest)
}

// yamlDetail is the YAML parser's error without viper's and the parser's
// prefixes.
func yamlDetail(err error) string {
	s := strings.Join(strings.Fields(err.Error()), " ") // one line
	s = strings.TrimPrefix(s, "While parsing config: ")
	s = strings.TrimPrefix(s, "yaml: ")
	return strings.TrimPrefix(s, "unmarshal errors: ")
}

// indentation is the leading blank of a line: spaces and tabs.
func indentation(line string) string {
	return line[:len(line)-len(strings.TrimLeft(line, " \t"))]
}

// firstTabLine is the number of the first line indented with a tab, or 0.
func firstTabLine(data []byte) int {
	for i, line := range strings.Split(string(data), "\n") {
		if strings.ContainsRune(indentation(line), '\t') {
			return i + 1
		}
	}
	return 0
}

// decodeProblems reports the values that do not decode into their keys'
// types (a word where a number goes), by key; anything else as one problem.
func decodeProblems(err error, errs *Errors) {
	before := errs.Len()
	var walk func(error)
	walk = func(err error) {
		var d *mapstructure.DecodeError
		if errors.As(err, &d) && !hasDecodeError(d.Unwrap()) {
			var val any
			var want reflect.Type
			var pe *mapstructure.ParseError
			var ue *mapstructure.UnconvertibleTypeError
			switch {
			case errors.As(d, &pe):
				val, want = pe.Value, pe.Expected.Type()
			case errors.As(d, &ue):
				val, want = ue.Value, ue.Expected.Type()
			default:
				errs.add(d.Name(), msg.ConfigDecode, d.Unwrap())
				return
			}
			errs.add(d.Name(), msg.ConfigNotType, fmt.Sprint(val), typeName(want))
			return
		}
		switch u := err.(type) {
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				walk(e)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	walk(err)
	if errs.Len() == before {
		errs.add("", msg.ConfigDecode, strings.ReplaceAll(err.Error(), "\n", "; "))
	}
}

func hasDecodeError(err error) bool {
	var d *mapstructure.DecodeError
	return errors.As(err, &d)
}

// typeName says in words what a key's type holds.
func typeName(t reflect.Type) *msg.Message {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return msg.ConfigTypeInt
	case reflect.Float32, reflect.Float64:
		return msg.ConfigTypeNum
	case reflect.Bool:
		return msg.ConfigTypeBool
	case reflect.Slice, reflect.Array:
		return msg.ConfigTypeList
	case reflect.Map, reflect.Struct:
		return msg.ConfigTypeMap
	}
	return msg.ConfigTypeText
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// categoryCodes lists the configured category codes (or the default ones).
func categoryCodes(v *viper.Viper) []string {
	var codes []string
	if list, ok := v.Get("categories").([]any); ok && len(list) > 0 {
		for _, item := range list {
			if m, ok := item.(map[string]any); ok {
				if code, ok := m["code"].(string); ok {
					codes = append(codes, strings.ToLower(code))
				}
			}
		}
		return codes
	}
	for _, c := range DefaultCategories() {
		codes = append(codes, c.Code)
	}
	return codes
}

// checkKeys reports keys the configuration does not know, with the nearest
// known key as a hint, and amounts or decimals written without quotes.
func checkKeys(v *viper.Viper, errs *Errors) {
	walk(v.AllSettings(), reflect.TypeOf(raw{}), "", errs)
}

func walk(settings map[string]any, t reflect.Type, prefix string, errs *Errors) {
	fields := map[string]reflect.StructField{}
	for i := range t.NumField() {
		f := t.Field(i)
		fields[f.Tag.Get("mapstructure")] = f
	}
	keys := make([]string, 0, len(settings))
	for k := range settings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		val := settings[k]
		key := prefix + k
		f, ok := fields[k]
		if !ok {
			m, arg := hint(k, fields)
			errs.add(key, m, arg...)
			continue
		}
		switch f.Tag.Get("kind") {
		case "amount", "decimal":
			if _, isString := val.(string); !isString && val != nil {
				errs.add(key, msg.ConfigQuote, val, fmt.Sprint(val))
			}
			continue
		}
		ft := f.Type
		switch {
		case ft.Kind() == reflect.Int || ft.Kind() == reflect.Int64:
			if fractional(val) {
				errs.add(key, msg.ConfigNotType, fmt.Sprint(val), msg.ConfigTypeInt)
			}
		case ft.Kind() == reflect.Struct:
			if m, ok := val.(map[string]any); ok {
				walk(m, ft, key+".", errs)
			} else if val != nil {
				errs.add(key, msg.ConfigMapping, val)
			}
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
			list, _ := val.([]any)
			for i, item := range list {
				if m, ok := item.(map[string]any); ok {
					walk(m, ft.Elem(), fmt.Sprintf("%s[%d].", key, i), errs)
				} else {
					errs.add(fmt.Sprintf("%s[%d]", key, i), msg.ConfigMapping, item)
				}
			}
		}
	}
}

// hint suggests the known key nearest to an unknown one: the message for
// an unknown key, and its arguments.
func hint(k string, fields map[string]reflect.StructField) (*msg.Message, []any) {
	best, dist := "", 3
	for name := range fields {
		if d := sources.EditDistance(k, name); d < dist || (d == dist && name < best) {
			best, dist = name, d
		}
	}
	if best == "" {
		names := make([]string, 0, len(fields))
		for name := range fields {
			names = append(names, name)
		}
		slices.Sort(names)
		return msg.ConfigUnknownKnown, []any{strings.Join(names, ", ")}
	}
	return msg.ConfigUnknownHint, []any{best}
}

// validate turns the decoded values into cfg, reporting every problem by key.
func (cfg *Config) validate(r *raw, errs *Errors) {
	cfg.FiscalYear = r.FiscalYear
	if r.FiscalYear < 2000 || r.FiscalYear > 2100 {
		if r.FiscalYear == 0 {
			errs.add("fiscal_year", msg.ConfigMissingYear)
		} else {
			errs.add("fiscal_year", msg.ConfigBadYear, r.FiscalYear)
		}
	}
	cfg.Units = r.Units
	if r.Units == "" {
		errs.add("units", msg.ConfigMissingUnits)
	}
	cfg.FundLines = nonEmpty(r.FundLines)
	if len(cfg.FundLines) == 0 {
		errs.add("fund_lines", msg.ConfigMissingFunds)
	}
	cfg.Ledgers = nonEmpty(r.Ledgers)
	cfg.PriorBudget = strings.TrimSpace(r.Prior)
	cfg.Sheets = Sheets{Units: r.Sheets.Units, FundLines: r.Sheets.FundLines, Ledgers: r.Sheets.Ledgers}
	cfg.Language = strings.ToLower(r.Language)
	if cfg.Language != "zh" && cfg.Language != "en" {
		errs.add("language", msg.ConfigLanguage, r.Language)
	}
	cfg.Document = document(r, errs)

	cfg.Categories = DefaultCategories()
	if len(r.Categories) > 0 {
		cfg.Categories = nil
		seen := map[string]bool{}
		for i, c := range r.Categories {
			key := fmt.Sprintf("categories[%d].code", i)
			code := strings.TrimSpace(c.Code)
			switch {
			case code == "":
				errs.add(key, msg.ConfigMissing)
			case !validCode(code):
				errs.add(key, msg.ConfigBadCode, code)
			case seen[code]:
				errs.add(key, msg.ConfigTwice, code)
			}
			seen[code] = true
			zh, en := c.Zh, c.En
			if zh == "" {
				zh = code
			}
			if en == "" {
				en = code
			}
			digits := func(field, s string, n int, example string) string {
				s = strings.TrimSpace(s)
				if s != "" && !allDigits(s, n) {
					errs.add(fmt.Sprintf("categories[%d].%s", i, field), msg.ConfigDigits, s, n, example)
				}
				return s
			}
			cfg.Categories = append(cfg.Categories, allocation.Category{Code: code, Zh: zh, En: en,
				FunctionCode:    digits("function_code", c.FunctionCode, 7, "2080208"),
				EconomicCode:    digits("economic_code", c.EconomicCode, 5, "30227"),
				GovEconomicCode: digits("gov_economic_code", c.GovEconomicCode, 5, "50205")})
		}
	}
	cats := sources.NewCategories(cfg.Categories)

	s := &cfg.Rules
	s.Factors = allocation.DefaultFactors()
	s.Factors[allocation.Excellent] = decimal(errs, "grades.excellent", r.Grades.Excellent, 0, 10)
	s.Factors[allocation.Good] = decimal(errs, "grades.good", r.Grades.Good, 0, 10)
	s.Factors[allocation.Qualified] = decimal(errs, "grades.qualified", r.Grades.Qualified, 0, 10)
	s.Factors[allocation.New] = decimal(errs, "grades.new", r.Grades.New, 0, 10)

	s.Hub.Amount = amount(errs, "stages.hub.amount", r.Stages.Hub.Amount)
	s.Hub.Categories = categoryList(errs, cats, "stages.hub.categories", r.Stages.Hub.Categories)
	s.Baseline.PerWorker = amount(errs, "stages.baseline.per_worker", r.Stages.Baseline.PerWorker)
	s.Baseline.PerStation = amount(errs, "stages.baseline.per_station", r.Stages.Baseline.PerStation)
	s.Baseline.Categories = categoryList(errs, cats, "stages.baseline.categories", r.Stages.Baseline.Categories)
	s.Pilot.Amount = amount(errs, "stages.pilot.amount", r.Stages.Pilot.Amount)
	s.Pilot.Categories = categoryList(errs, cats, "stages.pilot.categories", r.Stages.Pilot.Categories)
	s.Demand.Share = decimal(errs, "stages.demand.share", r.Stages.Demand.Share, 0, 1)
	s.Demand.Categories = categoryList(errs, cats, "stages.demand.categories", r.Stages.Demand.Categories)
	s.Demand.Drivers = make([]string, len(cfg.Categories))
	cfg.driverHeaders = make([]string, len(cfg.Categories))
	driverKeys := make([]string, 0, len(r.Stages.Demand.Drivers))
	for k := range r.Stages.Demand.Drivers {
		driverKeys = append(driverKeys, k)
	}
	sort.Strings(driverKeys)
	for _, k := range driverKeys {
		col := strings.TrimSpace(r.Stages.Demand.Drivers[k])
		if col == "" {
			continue
		}
		ci := cats.Lookup(k)
		if ci < 0 {
			errs.add("stages.demand.drivers."+k, msg.ConfigNotCategory, k)
			continue
		}
		cfg.driverHeaders[ci] = col
		s.Demand.Drivers[ci] = sources.DriverName(col)
	}
	reported := map[string]bool{}
	for _, ci := range cfg.demandCategories() {
		if code := cfg.Categories[ci].Code; s.Demand.Drivers[ci] == "" && !reported[code] {
			reported[code] = true
			errs.add("stages.demand.drivers."+cfg.Categories[ci].Code, msg.ConfigMissingDriver)
		}
	}
	s.Rooms.Share = decimal(errs, "stages.rooms.share", r.Stages.Rooms.Share, 0, 1)
	cfg.columns(r.Columns, errs)

	cfg.Reconcile.Even, cfg.Reconcile.Profile = phasing(errs, r.Reconcile.Phasing)
	cfg.Reconcile.Tolerance = decimal(errs, "reconcile.tolerance", r.Reconcile.Tolerance, 0, 10)
	cfg.Reconcile.Behind = decimal(errs, "reconcile.behind", r.Reconcile.Behind, 0, 1)

	loc, err := time.LoadLocation(r.Schedule.Timezone)
	if err != nil || r.Schedule.Timezone == "" {
		errs.add("schedule.timezone", msg.ConfigTimezone, r.Schedule.Timezone)
	}
	cfg.Schedule.Location = loc
	cfg.Schedule.CatchUp = r.Schedule.CatchUp
	names := map[string]bool{}
	for i, j := range r.Schedule.Jobs {
		key := fmt.Sprintf("schedule.jobs[%d]", i)
		if j.Name == "" {
			errs.add(key+".name", msg.ConfigMissing)
		} else if names[j.Name] {
			errs.add(key+".name", msg.ConfigTwice, j.Name)
		}
		names[j.Name] = true
		if spec, err := cron.ParseStandard(j.Spec); err != nil {
			errs.add(key+".spec", msg.ConfigCron, j.Spec, err)
		} else if warning, problem := checkSpec(j.Name, j.Spec, spec, r.Schedule.Timezone, loc); problem != nil {
			errs.addText(key+".spec", *problem)
		} else if warning != nil {
			cfg.Schedule.Warnings = append(cfg.Schedule.Warnings, *warning)
		}
		if j.Run != "budget" && j.Run != "reconcile" {
			errs.add(key+".run", msg.ConfigRun, j.Run)
		}
		cfg.Schedule.Jobs = append(cfg.Schedule.Jobs, Job{Name: j.Name, Spec: j.Spec, Run: j.Run})
	}

	l := r.Limits
	cfg.Limits = sources.Limits{Limits: xlsx.Limits{UnzipSize: l.UnzipSize, UnzipXMLSize: l.UnzipXMLSize, MaxRows: l.MaxRows,
		MaxCellsPerRow: l.MaxCellsPerRow, MaxFieldBytes: l.MaxFieldBytes, SharedStrings: l.SharedStrings},
		MaxFileSize: l.MaxFileSize, MaxSources: l.MaxSources}
	for _, lim := range []struct {
		key string
		n   int64
	}{{"limits.unzip_size", l.UnzipSize}, {"limits.unzip_xml_size", l.UnzipXMLSize}, {"limits.max_rows", int64(l.MaxRows)},
		{"limits.max_cells_per_row", int64(l.MaxCellsPerRow)}, {"limits.max_field_bytes", int64(l.MaxFieldBytes)},
		{"limits.shared_strings_size", l.SharedStrings}, {"limits.max_file_size", l.MaxFileSize},
		{"limits.max_sources", int64(l.MaxSources)}} {
		if lim.n <= 0 {
			errs.add(lim.key, msg.ConfigPositive, lim.n)
		}
	}
	if l.UnzipXMLSize > l.UnzipSize {
		errs.add("limits.unzip_xml_size", msg.ConfigUnzipLarger, l.UnzipXMLSize, l.UnzipSize)
	}
}

func nonEmpty(list []string) []string {
	var out []string
	for _, s := range list {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// allDigits reports whether s is exactly n ASCII digits: a classification
// code (DESIGN §12).
func allDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func validCode(s string) bool {
	for i, c := range s {
		if !(c >= 'a' && c <= 'z' || c == '_' || (i > 0 && c >= '0' && c <= '9')) {
			return false
		}
	}
	return s != ""
}

// amount reads a quoted amount ≥ 0 in yuan.
func amount(errs *Errors, key, s string) allocation.Fen {
	v, err := sources.ParseAmount(s)
	switch {
	case err != nil:
		errs.add(key, msg.ConfigAmount, s, err)
	case v < 0:
		errs.add(key, msg.ConfigNegative, s)
	}
	return v
}

// decimal reads a quoted decimal within [lo, hi].
func decimal(errs *Errors, key, s string, lo, hi uint64) allocation.Ratio {
	v, err := allocation.ParseRatio(strings.TrimSpace(s))
	if err != nil {
		errs.add(key, msg.ConfigDecimal, s)
		return v
	}
	if v.Cmp(allocation.Int(lo)) < 0 || v.Cmp(allocation.Int(hi)) > 0 {
		errs.add(key, msg.ConfigBetween, s, lo, hi)
	}
	return v
}

func categoryList(errs *Errors, cats *sources.Categories, key string, list []string) []int {
	var out []int
	seen := map[int]bool{}
	for i, name := range list {
		ci := cats.Lookup(name)
		switch {
		case ci < 0:
			errs.add(fmt.Sprintf("%s[%d]", key, i), msg.ConfigNotCategory, name)
		case seen[ci]:
			errs.add(fmt.Sprintf("%s[%d]", key, i), msg.ConfigTwice, name)
		default:
			seen[ci] = true
			out = append(out, ci)
		}
	}
	slices.Sort(out) // categories always go in configured order
	return out
}

// phasing reads reconcile.phasing: "even", or 12 monthly percentages (numbers
// or quoted decimals, or one comma-separated string from the environment)
// that are ≥ 0 and sum to exactly 100.
func phasing(errs *Errors, v any) (bool, [12]allocation.Ratio) {
	even := func() (bool, [12]allocation.Ratio) { return true, allocation.EvenProfile() }
	var items []string
	switch x := v.(type) {
	case nil:
		return even()
	case string:
		if strings.EqualFold(strings.TrimSpace(x), "even") {
			return even()
		}
		items = strings.Split(x, ",")
	case []any:
		for _, item := range x {
			switch n := item.(type) {
			case string:
				items = append(items, n)
			case int:
				items = append(items, strconv.Itoa(n))
			case float64:
				items = append(items, strconv.FormatFloat(n, 'f', -1, 64))
			default:
				items = append(items, fmt.Sprint(n))
			}
		}
	default:
		errs.add("reconcile.phasing", msg.ConfigPhasingKind)
		return even()
	}
	if len(items) != 12 {
		errs.add("reconcile.phasing", msg.ConfigPhasingCount, len(items))
		return even()
	}
	var p [12]allocation.Ratio
	var total allocation.Ratio
	parsed := true
	for i, s := range items {
		r, err := allocation.ParseRatio(strings.TrimSpace(s))
		if err != nil || r.Scale > 6 || r.Cmp(allocation.Int(100)) > 0 {
			errs.add(fmt.Sprintf("reconcile.phasing[%d]", i), msg.ConfigPercentage, strings.TrimSpace(s))
			parsed = false
			continue
		}
		p[i] = r
		total = addRatio(total, r)
	}
	if parsed && total.Cmp(allocation.Int(100)) != 0 {
		errs.add("reconcile.phasing", msg.ConfigPhasingSum, total)
	}
	return false, p
}

// addRatio adds two small decimals exactly (percentages).
func addRatio(a, b allocation.Ratio) allocation.Ratio {
	scale := max(a.Scale, b.Scale)
	an, bn := a.Num, b.Num
	for s := a.Scale; s < scale; s++ {
		an *= 10
	}
	for s := b.Scale; s < scale; s++ {
		bn *= 10
	}
	return allocation.Ratio{Num: an + bn, Scale: scale}
}

func joinQuoted(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}
