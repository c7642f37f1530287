package msg

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"unicode"
)

// TestCatalogue walks every message: both forms present, the Chinese form
// Chinese (unless the message is declared neutral), and both forms taking
// the same arguments with the same verbs.
func TestCatalogue(t *testing.T) {
	if len(All()) == 0 {
		t.Fatal("the catalogue is empty")
	}
	for _, m := range All() {
		if m.Key == "" {
			t.Errorf("a message without a key: %q", m.en)
		}
		if m.zh == "" || m.en == "" {
			t.Errorf("%s: a form is missing (zh %q, en %q)", m.Key, m.zh, m.en)
			continue
		}
		if !m.neutral {
			if !chinese(m.zh) {
				t.Errorf("%s: the zh form is not Chinese: %q", m.Key, m.zh)
			}
			if m.zh == m.en {
				t.Errorf("%s: the zh form is the en form: %q", m.Key, m.zh)
			}
		}
		zv, err := Verbs(m.zh)
		if err != nil {
			t.Errorf("%s: zh: %v", m.Key, err)
			continue
		}
		ev, err := Verbs(m.en)
		if err != nil {
			t.Errorf("%s: en: %v", m.Key, err)
			continue
		}
		if !slices.Equal(zv, ev) {
			t.Errorf("%s: placeholders differ: zh %q has %v, en %q has %v", m.Key, m.zh, zv, m.en, ev)
		}
	}
}

// chinese reports whether s has a Han character or Chinese punctuation
// (、，（）：…), as a Chinese form must.
func chinese(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) || r >= 0x3000 && r <= 0x303f || r >= 0xff00 && r <= 0xffef {
			return true
		}
	}
	return false
}

func TestVerbs(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []Verb
	}{
		{"plain", nil},
		{"100%% sure", nil},
		{"%s %d", []Verb{{1, 's'}, {2, 'd'}}},
		{"%[2]s 的 %[1]q", []Verb{{1, 'q'}, {2, 's'}}},
		{"%-10s|%5.2f", []Verb{{1, 's'}, {2, 'f'}}},
		{"%*d", []Verb{{1, '*'}, {2, 'd'}}},
	} {
		got, err := Verbs(c.in)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("Verbs(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"ends in %", "%[x]s", "%[2s"} {
		if _, err := Verbs(bad); err == nil {
			t.Errorf("Verbs(%q) accepted", bad)
		}
	}
}

var (
	testInner = &Message{Key: "test.inner", zh: "第 %d 行", en: "row %d"}
	testOuter = &Message{Key: "test.outer", zh: "%[2]s：%[1]s", en: "%s at %s"}
)

func TestLocalizeNested(t *testing.T) {
	kind := errors.New("kind")
	err := testOuter.Wrap(kind, testInner.Err(7), "a.csv")
	if got, want := Localize(err, ZH), "a.csv：第 7 行"; got != want {
		t.Errorf("zh: %q, want %q", got, want)
	}
	if got, want := err.Error(), "row 7 at a.csv"; got != want {
		t.Errorf("en: %q, want %q", got, want)
	}
	if !errors.Is(err, kind) {
		t.Error("errors.Is does not see the kind")
	}
	if !Is(err, testInner) || !Is(err, testOuter) {
		t.Error("Is does not find the messages")
	}
	wrapped := fmt.Errorf("%w", err)
	if got := Localize(wrapped, ZH); got != "a.csv：第 7 行" {
		t.Errorf("a transparent wrapper: %q", got)
	}
	joined := errors.Join(testInner.Err(1), testInner.Err(2))
	if got := Localize(joined, ZH); got != "第 1 行\n第 2 行" {
		t.Errorf("joined: %q", got)
	}
}
