package sources

import "fmt"

// wrapf, msgError and overTotal are the English-only messages that
// budgetfile.go still uses; the rest of the package takes its messages
// from the catalogue (reports/msg/sources.go). The budget JSON read-back is
// being reworked on its own branch: it moves to the catalogue there, and
// this file goes with it.

// wrapf builds an error that wraps sentinel with a message.
func wrapf(sentinel error, format string, args ...any) error {
	return &msgError{msg: fmt.Sprintf(format, args...), sentinel: sentinel}
}

type msgError struct {
	msg      string
	sentinel error
}

func (e *msgError) Error() string { return e.msg }
func (e *msgError) Unwrap() error { return e.sentinel }

// overTotal ends the message for the line with which a total of the budget
// lines passes maxAmount.
const overTotal = "more than 9,999,999,999,999.99 yuan, more than fundalloc accepts (15 digits, what a spreadsheet shows exactly)"
