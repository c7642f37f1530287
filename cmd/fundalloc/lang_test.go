package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"

	"fundalloc/allocation"
	"fundalloc/reports/msg"
)

// TestChineseOutputHasNoEnglishSentences runs the commands a finance
// officer runs, in Chinese (the default), and fails if what they print
// holds two English words in a row: file names, configuration keys, codes
// (OVERSPEND), flags and the commands themselves aside.
func TestChineseOutputHasNoEnglishSentences(t *testing.T) {
	dir := t.TempDir()
	run := func(args ...string) {
		t.Helper()
		var out, errb bytes.Buffer
		// The sample city's monthly job, run on November 1st, reconciles October.
		g := &globals{stdout: &out, stderr: &errb, dir: dir, getenv: func(string) string { return "" },
			now: func() time.Time { return time.Date(2026, 11, 1, 6, 0, 0, 0, time.UTC) }}
		if code := runWith(context.Background(), g, args); code != 0 {
			t.Fatalf("%v: exit %d\n%s%s", args, code, out.String(), errb.String())
		}
		for name, text := range map[string]string{"stdout": out.String(), "stderr": errb.String()} {
			if s := englishSentence(text); s != "" {
				t.Errorf("%v: %s has an English sentence %q:\n%s", args, name, s, text)
			}
		}
		if out.Len()+errb.Len() == 0 {
			t.Errorf("%v printed nothing", args)
		}
	}
	run("budget")
	run("validate")
	run("reconcile", "--month", "2026-10")
	run("template", "--out", "tpl")
	run("schedule", "--once", "monthly-reconciliation")
	run("runs")
	run("--help")
	run("budget", "--help")
}

// englishSentence returns the first run of two or more English words in s,
// or "". A word is a token of letters, lower-case or capitalised; tokens
// with digits, dots, slashes, dashes, underscores or = (paths, keys, flags,
// log attributes) and upper-case codes are not words. Chinese text and
// punctuation end a run.
func englishSentence(s string) string {
	s = commandLine.ReplaceAllString(s, "")
	for _, seg := range strings.FieldsFunc(s, func(r rune) bool {
		return unicode.Is(unicode.Han, r) || r >= 0x3000 && r <= 0x303f || r >= 0xff00 && r <= 0xffef || r == '\n'
	}) {
		var run []string
		for _, tok := range strings.Fields(seg) {
			if englishWord.MatchString(strings.Trim(tok, `"'()[],;:.!?`)) {
				run = append(run, tok)
				if len(run) >= 2 {
					return strings.Join(run, " ")
				}
			} else {
				run = run[:0]
			}
		}
	}
	return ""
}

var (
	englishWord = regexp.MustCompile(`^[A-Za-z][a-z]+$`)
	commandLine = regexp.MustCompile(`fundalloc( [a-z]+)?`)
)

func TestEnglishSentence(t *testing.T) {
	for s, want := range map[string]string{
		"3 problems in the inputs; nothing was written": "problems in",
		"警告：the recomputed budget differs":              "the recomputed",
		"已写入 out/budget-2026.json":                      "",
		"单位 × 类别共 2 行 · 预警：超预算 1、OVERSPEND 1":           "",
		"fundalloc budget：2026 年度预算 · 内置示例城市":           "",
		"level=INFO msg=任务开始 job=monthly run=reconcile": "",
		"Sheet1 A2": "",
	} {
		if got := englishSentence(s); got != want {
			t.Errorf("englishSentence(%q) = %q, want %q", s, got, want)
		}
	}
}

// TestErrorsInChinese: one Chinese text per kind of problem the command
// line prints (config keys, input problems and locks are asserted where
// they are tested in English).
func TestErrorsInChinese(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"budget", "--bogus"}, "fundalloc: 没有 --bogus 这个参数\n运行 'fundalloc --help' 查看用法。\n"},
		{[]string{"budgt"}, "fundalloc: 没有 \"budgt\" 这个命令；是否想用 budget？\n运行 'fundalloc --help' 查看用法。\n"},
		{[]string{"init"}, "fundalloc: init 的参数个数不对（给了 0 个）；用法：fundalloc init DIR [参数]\n运行 'fundalloc --help' 查看用法。\n"},
		{[]string{"runs", "--last", "x"}, "fundalloc: --last 的值 \"x\" 不是整数\n运行 'fundalloc --help' 查看用法。\n"},
		{[]string{"reconcile", "--month", "2026-13"}, "fundalloc: --month \"2026-13\"：请写成 YYYY-MM，例如 2026-10\n运行 'fundalloc --help' 查看用法。\n"},
		{[]string{"reconcile"}, "fundalloc: reconcile 需要 --month YYYY-MM\n运行 'fundalloc --help' 查看用法。\n"},
		{[]string{"reconcile", "--month", "2025-10"}, "fundalloc: --month 2025-10 不在预算的年度 2026 内\n"},
	} {
		if r := fundalloc(t, dir, nil, tc.args...); r.code != exitInput || r.stderr != tc.want {
			t.Errorf("%v: exit %d:\n%s\nwant\n%s", tc.args, r.code, r.stderr, tc.want)
		}
	}
	// A located input problem: its location as it is, the count in words
	// (the located line's words are the sources package's).
	r := fundalloc(t, dir, nil, "reconcile", "--month", "2026-10", "--budget", "nope.json")
	if r.code != exitInput || !strings.HasPrefix(r.stderr, "nope.json: ") || !strings.HasSuffix(r.stderr, "\n输入文件中有 1 个问题，未写入任何文件\n") {
		t.Errorf("--budget nope.json: exit %d:\n%s", r.code, r.stderr)
	}
	// An internal error: the catalogue's words, then the technical detail.
	var b bytes.Buffer
	if code := exitCode(fmt.Errorf("check: %w", allocation.ErrInvariant), &b, msg.ZH); code != exitInternal ||
		b.String() != "fundalloc: 内部错误，未写入任何文件：check: conservation invariant failed\n" {
		t.Errorf("internal: exit %d: %q", code, b.String())
	}
	b.Reset()
	if code := exitCode(fmt.Errorf("check: %w", allocation.ErrInvariant), &b, msg.EN); code != exitInternal ||
		b.String() != "fundalloc: internal error, nothing was written: check: conservation invariant failed\n" {
		t.Errorf("internal in English: exit %d: %q", code, b.String())
	}
	b.Reset()
	if code := exitCode(errors.Join(msg.CmdRcNoLedgers.Err(), msg.CmdRcNeedsMonth.Err()), &b, msg.ZH); code != exitInternal ||
		!strings.Contains(b.String(), "未设置：请在配置中指定支出台账文件") {
		t.Errorf("joined: exit %d: %q", code, b.String())
	}
}

// TestWarningsFollowTheLanguage: the allocation's warnings carry data; the
// budget JSON, the command's stderr and the Warnings sheet put them in
// words in the configured language.
func TestWarningsFollowTheLanguage(t *testing.T) {
	dir := t.TempDir()
	// The hub needs 5,000.00 but the pool holds 1,000.00.
	cfg := writeCity(t, dir, "id,category,provider,amount\nF1,charity,p,1000.00\n", "")
	body, _ := os.ReadFile(cfg)
	os.WriteFile(cfg, []byte(strings.Replace(string(body), "stages:\n", "stages:\n  hub: {amount: \"5000.00\"}\n", 1)), 0o644)
	for _, tc := range []struct {
		lang, warning, stderr string
	}{
		{"zh", `总站项目：总站 H "总站" 需要 5,000.00 元，只分得 1,000.00 元（缺口 4,000.00 元）：本阶段各类别资金共 1,000.00 元，而各单位共需要 5,000.00 元`, "警告："},
		{"en", `hub: hub H "总站" needs 5,000.00 but gets 1,000.00 (shortfall 4,000.00): the stage's categories hold 1,000.00 for needs of 5,000.00`, "warning: "},
	} {
		out := filepath.Join(dir, tc.lang)
		r := fundalloc(t, dir, nil, "budget", "--config", cfg, "--lang", tc.lang, "--out", out)
		if r.code != 0 || r.stderr != tc.stderr+tc.warning+"\n" {
			t.Errorf("%s: exit %d, stderr %q", tc.lang, r.code, r.stderr)
		}
		var doc struct{ Warnings []string }
		readJSON(t, filepath.Join(out, "budget-2026.json"), &doc)
		if len(doc.Warnings) != 1 || doc.Warnings[0] != tc.warning {
			t.Errorf("%s: JSON warnings %q", tc.lang, doc.Warnings)
		}
		checkWorkbookText(t, filepath.Join(out, "budget-2026.xlsx"), []string{tc.warning})
	}
}
