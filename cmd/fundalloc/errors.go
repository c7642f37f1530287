package main

import (
	"errors"
	"fmt"
	"io"

	"fundalloc/allocation"
	"fundalloc/config"
	"fundalloc/reports/msg"
	"fundalloc/sources"
)

// Exit codes (DESIGN §6).
const (
	exitOK       = 0
	exitInternal = 1
	exitInput    = 2
	exitFlagged  = 3
)

// inputError marks an error as the user's input's fault: exit 2.
type inputError struct{ err error }

func (e inputError) Error() string { return e.err.Error() }
func (e inputError) Unwrap() error { return e.err }

func badInput(m *msg.Message, args ...any) error {
	return inputError{m.Err(args...)}
}

// exitCodeError carries an explicit exit code with an optional message.
type exitCodeError struct {
	code int
	msg  string
}

func (e exitCodeError) Error() string { return e.msg }

// exitCode maps an error to the process's exit code and prints it in lang.
func exitCode(err error, stderr io.Writer, lang msg.Lang) int {
	if err == nil {
		return exitOK
	}
	var (
		problems *sources.ProblemsError
		located  *sources.Error
		cfgErrs  *config.Errors
		inErr    inputError
		codeErr  exitCodeError
	)
	switch {
	case errors.As(err, &codeErr):
		if codeErr.msg != "" {
			fmt.Fprintln(stderr, codeErr.msg)
		}
		return codeErr.code
	case errors.As(err, &problems):
		fmt.Fprintln(stderr, msg.Localize(problems, lang))
		n := len(problems.Problems) + problems.Dropped
		fmt.Fprintln(stderr, plural(lang, n, msg.CmdProblemsOne, msg.CmdProblems))
		return exitInput
	case errors.As(err, &located):
		// One input problem on its own, such as a --budget file that
		// cannot be read.
		fmt.Fprintln(stderr, msg.Localize(located, lang))
		fmt.Fprintln(stderr, msg.CmdProblemsOne.In(lang))
		return exitInput
	case errors.As(err, &cfgErrs):
		fmt.Fprintln(stderr, msg.Localize(cfgErrs, lang))
		return exitInput
	case errors.As(err, &inErr), errors.Is(err, allocation.ErrOverflow):
		if errors.Is(err, allocation.ErrOverflow) {
			fmt.Fprintln(stderr, "fundalloc:", msg.CmdOverflow.In(lang, err))
		} else {
			fmt.Fprintln(stderr, "fundalloc:", msg.Localize(err, lang))
		}
		return exitInput
	case errors.Is(err, allocation.ErrInvariant):
		fmt.Fprintln(stderr, "fundalloc:", msg.CmdInternal.In(lang, err))
		return exitInternal
	default:
		fmt.Fprintln(stderr, "fundalloc:", msg.Localize(err, lang))
		return exitInternal
	}
}

// plural renders the message for n things: one, which takes no argument,
// or many, which takes n (with thousands separators).
func plural(l msg.Lang, n int, one, many *msg.Message) string {
	if n == 1 {
		return one.In(l)
	}
	return many.In(l, thousands(n))
}
