package config

import (
	"testing"

	"fundalloc/sources"
	"fundalloc/sources/xlsx"
)

// TestLimitsKeys checks that every limits key reaches its field of
// sources.Limits, those of the embedded xlsx.Limits included, from the
// file and from the environment.
func TestLimitsKeys(t *testing.T) {
	want := sources.Limits{
		Limits: xlsx.Limits{MaxCellsPerRow: 11, MaxFieldBytes: 12, MaxRows: 13,
			UnzipSize: 14 << 20, UnzipXMLSize: 15 << 10, SharedStrings: 16},
		MaxFileSize: 17, MaxSources: 18,
	}
	file := minimal + `limits:
  max_cells_per_row: 11
  max_field_bytes: 12
  max_rows: 13
  unzip_size: 14680064
  unzip_xml_size: 15360
  shared_strings_size: 16
  max_file_size: 17
  max_sources: 18
`
	c, err := Load(Options{Path: write(t, t.TempDir(), "c.yaml", file), Getenv: env(nil)})
	if err != nil {
		t.Fatal(err)
	}
	if c.Limits != want {
		t.Errorf("from the file: %+v, want %+v", c.Limits, want)
	}
	c, err = Load(Options{Path: write(t, t.TempDir(), "c.yaml", minimal), Getenv: env(map[string]string{
		"FUNDALLOC_LIMITS_MAX_CELLS_PER_ROW":   "11",
		"FUNDALLOC_LIMITS_MAX_FIELD_BYTES":     "12",
		"FUNDALLOC_LIMITS_MAX_ROWS":            "13",
		"FUNDALLOC_LIMITS_UNZIP_SIZE":          "14680064",
		"FUNDALLOC_LIMITS_UNZIP_XML_SIZE":      "15360",
		"FUNDALLOC_LIMITS_SHARED_STRINGS_SIZE": "16",
		"FUNDALLOC_LIMITS_MAX_FILE_SIZE":       "17",
		"FUNDALLOC_LIMITS_MAX_SOURCES":         "18",
	})})
	if err != nil {
		t.Fatal(err)
	}
	if c.Limits != want {
		t.Errorf("from the environment: %+v, want %+v", c.Limits, want)
	}
	// Unset keys keep their defaults.
	if c, err = Load(Options{Path: write(t, t.TempDir(), "c.yaml", minimal), Getenv: env(nil)}); err != nil {
		t.Fatal(err)
	}
	if c.Limits != sources.DefaultLimits() {
		t.Errorf("defaults: %+v, want %+v", c.Limits, sources.DefaultLimits())
	}
}
