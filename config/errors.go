package config

import (
	"strings"

	"fundalloc/reports/msg"
)

// Errors lists every problem of a configuration, one per key.
type Errors struct {
	Source string // the config file, or SampleSource
	// Language is the configured language ("zh" or "en") when the
	// configuration could be read far enough to tell it, else "": the
	// caller then picks one (--lang, FUNDALLOC_LANGUAGE, zh).
	Language string
	List     []Problem
}

// Problem is one configuration problem: the key (as written in the YAML,
// "stages.hub.amount"; "" when the problem is the file's) and what is wrong.
type Problem struct {
	Key  string
	Text msg.Text
}

func (e *Errors) add(key string, m *msg.Message, args ...any) {
	e.List = append(e.List, Problem{Key: key, Text: m.With(args...)})
}

// addText adds a problem whose text was made elsewhere.
func (e *Errors) addText(key string, t msg.Text) { e.List = append(e.List, Problem{Key: key, Text: t}) }

// Len returns the number of problems.
func (e *Errors) Len() int { return len(e.List) }

func (e *Errors) err() error {
	if e.Len() == 0 {
		return nil
	}
	return e
}

// Error is the English form, for logs and tests.
func (e *Errors) Error() string { return e.Localize(msg.EN) }

// Localize renders every problem in l, one per line:
// "SOURCE: KEY: message". The source and the keys stay as they are.
func (e *Errors) Localize(l msg.Lang) string {
	var b strings.Builder
	for i, p := range e.List {
		if i > 0 {
			b.WriteByte('\n')
		}
		if e.Source != "" {
			b.WriteString(SourceName(e.Source, l))
			b.WriteString(": ")
		}
		if p.Key != "" {
			b.WriteString(p.Key)
			b.WriteString(": ")
		}
		b.WriteString(p.Text.Localize(l))
	}
	return b.String()
}

// SourceName is how a person is told where the configuration came from:
// the file's path, or the embedded sample city in words.
func SourceName(src string, l msg.Lang) string {
	if src == SampleSource {
		return msg.ConfigSample.In(l)
	}
	return src
}
