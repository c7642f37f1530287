package config

import (
	"slices"
	"strings"
	"testing"

	"fundalloc/reports"
	"fundalloc/reports/msg"
)

func TestDocumentKeys(t *testing.T) {
	dir := t.TempDir()
	// Defaults: no city, yuan to the fen, the language's signature lines.
	c, err := Load(Options{Path: write(t, dir, "c.yaml", minimal), Getenv: env(nil)})
	if err != nil {
		t.Fatal(err)
	}
	if d := c.Document; d.City != "" || d.Unit != reports.UnitYuan || d.Decimals != 2 || d.Signatures != nil {
		t.Errorf("defaults: %+v", d)
	}
	// The sample city names itself.
	c, err = Load(Options{Dir: dir + "/nowhere", Getenv: env(nil)})
	if err != nil || c.Document.City != "神木市" {
		t.Fatalf("sample city: %+v, %v", c, err)
	}
	// From the file.
	p := write(t, dir, "c.yaml", minimal+"city: 神木市\ndisplay_unit: wan\ndisplay_decimals: 4\nsignatures: [编制人, 复核人, 局长]\n")
	c, err = Load(Options{Path: p, Getenv: env(nil)})
	if err != nil {
		t.Fatal(err)
	}
	if d := c.Document; d.City != "神木市" || d.Unit != reports.UnitWan || d.Decimals != 4 || !slices.Equal(d.Signatures, []string{"编制人", "复核人", "局长"}) {
		t.Errorf("from the file: %+v", d)
	}
	// From the environment, which wins.
	c, err = Load(Options{Path: p, Getenv: env(map[string]string{"FUNDALLOC_CITY": "府谷县", "FUNDALLOC_DISPLAY_DECIMALS": "6",
		"FUNDALLOC_SIGNATURES": "制表,审核"})})
	if err != nil {
		t.Fatal(err)
	}
	if d := c.Document; d.City != "府谷县" || d.Unit != reports.UnitWan || d.Decimals != 6 || !slices.Equal(d.Signatures, []string{"制表", "审核"}) {
		t.Errorf("from the environment: %+v", d)
	}
}

func TestDocumentKeysAreValidated(t *testing.T) {
	dir := t.TempDir()
	for body, want := range map[string][]string{
		"display_unit: thousand\n":                 {`display_unit: "thousand": use yuan or wan`},
		"display_unit: wan\ndisplay_decimals: 3\n": {"display_decimals: 3: amounts in 万元 show 2, 4 or 6 decimals"},
		"display_decimals: 4\n":                    {"display_decimals: 4 applies only with display_unit: wan"},
		"signatures: [编制人, \" \", 这个签字栏的名字实在是太长了以至于一行放不下它了吧]\n": {
			"signatures[1]: a signature line needs a name",
			`signatures[2]: "这个签字栏的名字实在是太长了以至于一行放不下它了吧" is longer than 20 characters`,
		},
		"signatures: [a, b, c, d, e, f, g]\n":     {"signatures: has 7 signature lines; one row holds at most 6"},
		"city: \"神木\\u0007市\"\n":                  {`city: "神木\a市" holds a control character`},
		"city: " + strings.Repeat("长", 41) + "\n": {`city: "` + strings.Repeat("长", 41) + `" is longer than 40 characters`},
	} {
		p := write(t, dir, "c.yaml", minimal+body)
		_, err := Load(Options{Path: p, Getenv: env(nil)})
		if err == nil {
			t.Errorf("%q: accepted", body)
			continue
		}
		for _, w := range want {
			if !strings.Contains(err.Error(), p+": "+w) {
				t.Errorf("%q: missing %q in:\n%v", body, w, err)
			}
		}
	}
	// Each message has its Chinese form in the catalogue.
	for m, want := range map[*msg.Message]string{
		msg.BadDisplayUnit:    `"thousand"：请填写 yuan（元）或 wan（万元）`,
		msg.BadDisplayDecimal: "3：万元金额只能显示 2、4 或 6 位小数",
		msg.DecimalsNeedWan:   "4：仅在 display_unit: wan 时可设置",
		msg.SignatureEmpty:    "签字栏名称为空",
	} {
		arg := map[*msg.Message][]any{msg.BadDisplayUnit: {"thousand"}, msg.BadDisplayDecimal: {3}, msg.DecimalsNeedWan: {4}}[m]
		if got := msg.Localize(m.Err(arg...), msg.ZH); !strings.HasPrefix(got, want) {
			t.Errorf("%s in Chinese: %q, want %q…", m.Key, got, want)
		}
	}
}
