package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/robfig/cron/v3"

	"fundalloc/reports/msg"
)

// TestTheConfigurationFileIsBounded: a regular file of at most MaxFileSize
// bytes; a device or a folder is refused before it is read, in both
// languages.
func TestTheConfigurationFileIsBounded(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.yaml")
	os.WriteFile(big, []byte(strings.Repeat("#\n", MaxFileSize/2+1)), 0o644)
	for _, tc := range []struct{ path, en, zh string }{
		{"/dev/zero", "/dev/zero: the configuration is a device, not a regular file: give the path of a YAML file",
			"/dev/zero: 配置文件是设备文件，不是普通文件：请给出 YAML 文件的路径"},
		{dir, dir + ": the configuration is a folder, not a regular file: give the path of a YAML file",
			dir + ": 配置文件是文件夹，不是普通文件：请给出 YAML 文件的路径"},
		{big, big + ": the configuration is larger than 1048576 bytes (is this the right file?)",
			big + ": 配置文件超过 1048576 字节（是否选错了文件？）"},
	} {
		_, err := Load(Options{Path: tc.path, Getenv: func(string) string { return "" }})
		if msg.Localize(err, msg.EN) != tc.en || msg.Localize(err, msg.ZH) != tc.zh {
			t.Errorf("%s: %q / %q", tc.path, msg.Localize(err, msg.EN), msg.Localize(err, msg.ZH))
		}
	}
	ok := filepath.Join(dir, "ok.yaml")
	os.WriteFile(ok, []byte("fiscal_year: 2026\n"), 0o644)
	if data, err := readFile(ok); err != nil || string(data) != "fiscal_year: 2026\n" {
		t.Errorf("a regular file: %q %v", data, err)
	}
}

func TestFractionalNumbers(t *testing.T) {
	for v, want := range map[any]bool{2026: false, 2026.0: false, 2026.5: true, "2026": false, " 2026.5 ": true, "2026.0": false,
		"abc": false, true: false, nil: false, -0.25: true} {
		if fractional(v) != want {
			t.Errorf("fractional(%#v) = %v", v, !want)
		}
	}
}

func TestCheckSpec(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	for _, tc := range []struct {
		spec, warning, problem string
	}{
		{"0 6 1 * *", "", ""},
		{"@monthly", "", ""},
		{"0 0 29 2 *", "", ""},
		{"@every 1m", "", ""},
		{"@every 1s", `job "j" runs every 1s, more often than once a minute`, ""},
		{"@every 59s", `job "j" runs every 59s, more often than once a minute`, ""},
		{"@every 0s", "", `job "j": "@every 0s" is less than a second apart: the interval must be at least 1s`},
		{"@every 999ms", "", `job "j": "@every 999ms" is less than a second apart: the interval must be at least 1s`},
		{"0 0 31 2 *", "", `job "j": "0 0 31 2 *" never fires (no such date)`},
		{"0 0 31 4,6,9,11 *", "", `job "j": "0 0 31 4,6,9,11 *" never fires (no such date)`},
		{"0 0 30 2 1", "", ""}, // day of month or of week: every Monday in February
		{"CRON_TZ=Asia/Shanghai 0 6 1 * *", "", ""},
		{"TZ=UTC 0 6 1 * *", "", `job "j": "TZ=UTC 0 6 1 * *" sets the time zone UTC, not schedule.timezone Asia/Shanghai: the zone is set by schedule.timezone alone (remove the TZ= prefix)`},
	} {
		warning, problem := checkSpec("j", tc.spec, mustParse(t, tc.spec), "Asia/Shanghai", sh)
		var gotW, gotP string
		if warning != nil {
			gotW = warning.String()
		}
		if problem != nil {
			gotP = problem.String()
		}
		if gotW != tc.warning || gotP != tc.problem {
			t.Errorf("%s: warning %q, problem %q", tc.spec, gotW, gotP)
		}
	}
	_, problem := checkSpec("夜间", "0 0 31 2 *", mustParse(t, "0 0 31 2 *"), "Asia/Shanghai", sh)
	if got := problem.Localize(msg.ZH); got != `任务 "夜间" 的 "0 0 31 2 *" 永远不会触发（没有这样的日期）` {
		t.Errorf("Chinese: %s", got)
	}
}

func mustParse(t *testing.T, spec string) cron.Schedule {
	t.Helper()
	s, err := cron.ParseStandard(spec)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
