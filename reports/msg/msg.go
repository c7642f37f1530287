// Package msg is the catalogue of every text a person reads: errors and
// warnings, command summaries, progress labels and workbook labels, each
// with a Chinese and an English form (DESIGN §3.5). A message is a typed
// value declared once (Def) with a stable key; a test walks the whole
// catalogue and checks that both forms exist, that the Chinese form is
// Chinese, and that both take the same arguments.
//
// Texts are rendered late: an error or warning carries its message and its
// arguments, and the edge that prints it (a command, a workbook, the
// journal) picks the language. Arguments that are themselves messages or
// localizable errors are rendered in the same language.
//
// The package imports nothing but the standard library, so every other
// package may use it.
package msg

import (
	"fmt"
	"strings"
)

// Lang is a language of the catalogue.
type Lang uint8

// The languages: Chinese first, the default (DESIGN §3.5).
const (
	ZH Lang = iota
	EN
)

// Parse returns the language named by s ("zh" or "en").
func Parse(s string) (Lang, bool) {
	switch s {
	case "zh":
		return ZH, true
	case "en":
		return EN, true
	}
	return ZH, false
}

// Of returns the language named by s, Chinese for anything but "en".
func Of(s string) Lang {
	l, _ := Parse(s)
	return l
}

func (l Lang) String() string {
	if l == EN {
		return "en"
	}
	return "zh"
}

// Message is one entry of the catalogue. Its forms are fmt formats; the
// Chinese one may reorder the arguments with explicit indexes (%[2]s).
type Message struct {
	Key     string
	zh, en  string
	neutral bool // the same text in both languages (a symbol, a format)
}

var catalogue = map[string]*Message{}

var order []*Message

// Def declares a message. Keys are unique; a second Def of a key panics at
// start-up, so a clash never reaches a user.
func Def(key, zh, en string) *Message {
	if _, dup := catalogue[key]; dup {
		panic("msg: a second message " + key)
	}
	m := &Message{Key: key, zh: zh, en: en}
	catalogue[key] = m
	order = append(order, m)
	return m
}

// Neutral declares a message whose text is the same in both languages,
// such as a number format or a technical name.
func Neutral(key, text string) *Message {
	m := Def(key, text, text)
	m.neutral = true
	return m
}

// All returns every message of the catalogue, in declaration order.
func All() []*Message { return order }

// Lookup returns the message with the given key.
func Lookup(key string) (*Message, bool) {
	m, ok := catalogue[key]
	return m, ok
}

// Form returns the message's format in l.
func (m *Message) Form(l Lang) string {
	if l == EN {
		return m.en
	}
	return m.zh
}

// IsNeutral reports whether the message is declared language-neutral.
func (m *Message) IsNeutral() bool { return m.neutral }

// In renders the message in l with args. Arguments that are Localizers
// (messages with arguments, localizable errors) are rendered in l first.
func (m *Message) In(l Lang, args ...any) string {
	f := m.Form(l)
	if len(args) == 0 {
		return f
	}
	return fmt.Sprintf(f, localizeArgs(l, args)...)
}

// With binds arguments to the message, for rendering later.
func (m *Message) With(args ...any) Text { return Text{M: m, Args: args} }

// Err returns an error carrying the message and its arguments.
func (m *Message) Err(args ...any) *Error { return &Error{Text: m.With(args...)} }

// Wrap returns an error carrying the message that also matches kind with
// errors.Is (a sentinel such as sources.ErrBadAmount).
func (m *Message) Wrap(kind error, args ...any) *Error {
	return &Error{Text: m.With(args...), Kind: kind}
}

// Localizer is anything that can render itself in a language.
type Localizer interface {
	Localize(Lang) string
}

// Text is a message with its arguments, rendered when a language is known.
type Text struct {
	M    *Message
	Args []any
}

// Localize renders the text in l.
func (t Text) Localize(l Lang) string {
	if t.M == nil {
		return ""
	}
	return t.M.In(l, t.Args...)
}

// String renders the text in English, for logs and debugging.
func (t Text) String() string { return t.Localize(EN) }

// Error is an error whose text comes from the catalogue. Error() is the
// English form, for logs and tests; Localize gives the user's language.
type Error struct {
	Text
	Kind error // matched by errors.Is; may be nil
}

func (e *Error) Error() string { return e.Localize(EN) }

// Unwrap returns the kind and every argument that is an error, so that
// errors.Is and errors.As see through the message.
func (e *Error) Unwrap() []error {
	var errs []error
	if e.Kind != nil {
		errs = append(errs, e.Kind)
	}
	for _, a := range e.Args {
		if err, ok := a.(error); ok {
			errs = append(errs, err)
		}
	}
	return errs
}

// Localize renders err in l. Errors that implement Localizer render
// themselves; an errors.Join is rendered line by line; any other error
// gives its Error text.
func Localize(err error, l Lang) string {
	if err == nil {
		return ""
	}
	if x, ok := err.(Localizer); ok {
		return x.Localize(l)
	}
	// A wrapper that adds no text of its own (an exit-code marker, say)
	// is seen through.
	if u, ok := err.(interface{ Unwrap() error }); ok {
		if in := u.Unwrap(); in != nil && in.Error() == err.Error() {
			return Localize(in, l)
		}
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs := j.Unwrap()
		parts := make([]string, 0, len(errs))
		for _, e := range errs {
			if e != nil {
				parts = append(parts, Localize(e, l))
			}
		}
		return strings.Join(parts, "\n")
	}
	return err.Error()
}

func localizeArgs(l Lang, args []any) []any {
	var out []any
	for i, a := range args {
		var s string
		switch x := a.(type) {
		case Localizer:
			s = x.Localize(l)
		case *Message:
			s = x.Form(l)
		case error:
			s = Localize(x, l)
		default:
			continue
		}
		if out == nil {
			out = append([]any(nil), args...)
		}
		out[i] = s
	}
	if out == nil {
		return args
	}
	return out
}

// Is reports whether err carries the message m anywhere in its tree.
func Is(err error, m *Message) bool {
	if err == nil {
		return false
	}
	if e, ok := err.(*Error); ok && e.M == m {
		return true
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		return Is(u.Unwrap(), m)
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			if Is(e, m) {
				return true
			}
		}
	}
	return false
}

// table declares a table of messages {key, zh, en}.
func table(rows [][3]string) bool {
	for _, r := range rows {
		Def(r[0], r[1], r[2])
	}
	return true
}

// Get returns the message with the given key. A missing key is a
// programming error, caught by the tests that render every workbook.
func Get(key string) *Message {
	m, ok := catalogue[key]
	if !ok {
		panic("msg: no message " + key)
	}
	return m
}
