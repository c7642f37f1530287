package config

import (
	"fmt"
	"strings"
)

// Errors lists every problem of a configuration, one per key.
type Errors struct {
	Source string // the config file, or SampleSource
	List   []string
}

func (e *Errors) add(key, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if key != "" {
		msg = key + ": " + msg
	}
	e.List = append(e.List, msg)
}

// Len returns the number of problems.
func (e *Errors) Len() int { return len(e.List) }

func (e *Errors) err() error {
	if e.Len() == 0 {
		return nil
	}
	return e
}

func (e *Errors) withSource(src string) *Errors {
	e.Source = src
	return e
}

func (e *Errors) Error() string {
	var b strings.Builder
	for i, m := range e.List {
		if i > 0 {
			b.WriteByte('\n')
		}
		if e.Source != "" {
			b.WriteString(e.Source)
			b.WriteString(": ")
		}
		b.WriteString(m)
	}
	return b.String()
}
