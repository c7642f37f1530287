package main

import (
	"errors"
	"fmt"
	"io"

	"fundalloc/allocation"
	"fundalloc/config"
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

func badInput(format string, args ...any) error {
	return inputError{fmt.Errorf(format, args...)}
}

// exitCodeError carries an explicit exit code with an optional message.
type exitCodeError struct {
	code int
	msg  string
}

func (e exitCodeError) Error() string { return e.msg }

// exitCode maps an error to the process's exit code and prints it.
func exitCode(err error, stderr io.Writer) int {
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
		fmt.Fprintln(stderr, problems.Error())
		n := len(problems.Problems) + problems.Dropped
		fmt.Fprintf(stderr, "%d %s in the inputs; nothing was written\n", n, plural(n, "problem", "problems"))
		return exitInput
	case errors.As(err, &located):
		// One input problem on its own, such as a --budget file that
		// cannot be read.
		fmt.Fprintln(stderr, located.Error())
		fmt.Fprintln(stderr, "1 problem in the inputs; nothing was written")
		return exitInput
	case errors.As(err, &cfgErrs):
		fmt.Fprintln(stderr, cfgErrs.Error())
		return exitInput
	case errors.As(err, &inErr), errors.Is(err, allocation.ErrOverflow):
		fmt.Fprintln(stderr, "fundalloc:", err)
		return exitInput
	case errors.Is(err, allocation.ErrInvariant):
		fmt.Fprintln(stderr, "fundalloc: internal error, nothing was written:", err)
		return exitInternal
	default:
		fmt.Fprintln(stderr, "fundalloc:", err)
		return exitInternal
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
