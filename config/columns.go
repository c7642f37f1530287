package config

import (
	"context"
	"slices"
	"sort"
	"strings"

	"github.com/spf13/viper"

	"fundalloc/reports/msg"
	"fundalloc/sources"
)

// Columns names, per input table, the headers a file uses for a column
// (columns.<units|fund_lines|ledgers>.<column>, DESIGN §3.0): by column
// name, one header or several. A mapped header is tried before the
// built-in names.
type Columns struct {
	Units, FundLines, Ledgers map[string][]string
}

// columnTables are the tables of columns:, with their known columns.
var columnTables = []struct {
	key  string
	cols func() []sources.Column
}{
	{"units", func() []sources.Column { return append(sources.UnitColumns(), sources.CommonDrivers()...) }},
	{"fund_lines", sources.FundColumns},
	{"ledgers", sources.LedgerColumns},
}

// columnsFromEnv lets the environment map columns too:
// FUNDALLOC_COLUMNS_LEDGERS_VOUCHER=凭证字号, or a YAML list
// (FUNDALLOC_COLUMNS_LEDGERS_UNIT='[部门, 辅助核算]'). Only the known
// columns (and the configured drivers) can be set so. A problem names the
// variable.
func columnsFromEnv(v *viper.Viper, getenv func(string) string) (string, msg.Text) {
	for _, t := range columnTables {
		var names []string
		for _, c := range t.cols() {
			names = append(names, c.Name)
		}
		if t.key == "units" {
			if m, ok := v.Get("stages.demand.drivers").(map[string]any); ok {
				for _, d := range m {
					if s, ok := d.(string); ok {
						names = append(names, sources.DriverName(s))
					}
				}
			}
		}
		for _, name := range names {
			key := "columns." + t.key + "." + name
			envKey := EnvPrefix + "_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
			val := strings.TrimSpace(getenv(envKey))
			if val == "" {
				continue
			}
			if strings.HasPrefix(val, "[") {
				y := viper.New()
				y.SetConfigType("yaml")
				if err := y.ReadConfig(strings.NewReader("list: " + val)); err != nil {
					return envKey, msg.ColumnsEnvList.With(err.Error())
				}
				v.Set(key, y.Get("list"))
				continue
			}
			v.Set(key, val)
		}
	}
	return "", msg.Text{}
}

// columns validates columns: every table is one of units, fund_lines and
// ledgers, every column one the table has (or a driver the configuration
// names, for units), and every value a header or a list of headers.
func (cfg *Config) columns(raw map[string]any, errs *Errors) {
	cfg.Columns = Columns{Units: map[string][]string{}, FundLines: map[string][]string{}, Ledgers: map[string][]string{}}
	dest := map[string]map[string][]string{"units": cfg.Columns.Units, "fund_lines": cfg.Columns.FundLines, "ledgers": cfg.Columns.Ledgers}
	tables := make([]string, 0, len(raw))
	for k := range raw {
		tables = append(tables, k)
	}
	sort.Strings(tables)
	for _, table := range tables {
		key := "columns." + table
		i := slices.IndexFunc(columnTables, func(t struct {
			key  string
			cols func() []sources.Column
		}) bool {
			return t.key == table
		})
		if i < 0 {
			errs.add(key, msg.ColumnsTable)
			continue
		}
		m, ok := raw[table].(map[string]any)
		if !ok {
			if raw[table] != nil {
				errs.add(key, msg.ColumnsMapping)
			}
			continue
		}
		known := map[string]bool{}
		var names []string
		for _, c := range columnTables[i].cols() {
			known[c.Name] = true
			names = append(names, c.Name)
		}
		if table == "units" {
			for _, d := range cfg.Rules.Demand.Drivers {
				if d != "" {
					known[d] = true
				}
			}
		}
		cols := make([]string, 0, len(m))
		for c := range m {
			cols = append(cols, c)
		}
		sort.Strings(cols)
		for _, col := range cols {
			ckey := key + "." + col
			if !known[col] {
				errs.add(ckey, msg.ColumnsUnknown, col, table, strings.Join(names, ", "))
				continue
			}
			var headers []string
			switch x := m[col].(type) {
			case string:
				headers = []string{x}
			case []any:
				for _, h := range x {
					s, ok := h.(string)
					if !ok {
						errs.add(ckey, msg.ColumnsNotText, h)
						continue
					}
					headers = append(headers, s)
				}
			default:
				errs.add(ckey, msg.ColumnsNotHeader, x)
				continue
			}
			for _, h := range headers {
				if strings.TrimSpace(h) == "" {
					errs.add(ckey, msg.ColumnsEmpty)
					continue
				}
				dest[table][col] = append(dest[table][col], strings.TrimSpace(h))
			}
		}
	}
}

// driverColumns are the units file's driver columns that
// stages.demand.drivers names.
func (c *Config) driverColumns() []string {
	var out []string
	for _, d := range c.driverHeaders {
		if d != "" && !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	return out
}

// UnitOptions, FundOptions and LedgerOptions say how to read each input
// table: its sheet, the limits, the columns: mapping and, for units, the
// driver columns. ctx stops a read when cancelled.
func (c *Config) UnitOptions(ctx context.Context) sources.Options {
	return sources.Options{Ctx: ctx, Sheet: c.Sheets.Units, Limits: c.Limits, Columns: c.Columns.Units, Drivers: c.driverColumns()}
}

func (c *Config) FundOptions(ctx context.Context) sources.Options {
	return sources.Options{Ctx: ctx, Sheet: c.Sheets.FundLines, Limits: c.Limits, Columns: c.Columns.FundLines}
}

func (c *Config) LedgerOptions(ctx context.Context) sources.Options {
	return sources.Options{Ctx: ctx, Sheet: c.Sheets.Ledgers, Limits: c.Limits, Columns: c.Columns.Ledgers}
}
