package allocation

import "strings"

// Exceptions is a set of exception kinds: the row-level problems of a
// ledger (DESIGN §8). A voucher with an exception is reported and not
// counted; it never stops a run.
type Exceptions uint8

// The exception kinds, in the order a row's are listed.
const (
	MissingVoucher Exceptions = 1 << iota
	UnknownUnit
	UnknownCategory
	DuplicateVoucher
	OutOfPeriod
	BadAmount
	BadDate
)

// ExceptionOrder lists every kind once, in the order their counts are
// listed: the reconciliation's Summary sheet and the command's summary.
// (A row's own kinds are listed in bit order, by List.)
var ExceptionOrder = [...]Exceptions{UnknownUnit, UnknownCategory, DuplicateVoucher, OutOfPeriod, BadAmount, BadDate, MissingVoucher}

var exceptionNames = [...]string{"MISSING_VOUCHER", "UNKNOWN_UNIT", "UNKNOWN_CATEGORY", "DUPLICATE_VOUCHER", "OUT_OF_PERIOD",
	"BAD_AMOUNT", "BAD_DATE"}

// Name is the name of a single kind ("BAD_DATE"), or "" for none or
// several.
func (e Exceptions) Name() string {
	for i, n := range exceptionNames {
		if e == 1<<i {
			return n
		}
	}
	return ""
}

// List returns the kinds' names, in listing order.
func (e Exceptions) List() []string {
	var out []string
	for i, n := range exceptionNames {
		if e&(1<<i) != 0 {
			out = append(out, n)
		}
	}
	return out
}

// String lists the kinds' names, separated by spaces.
func (e Exceptions) String() string { return strings.Join(e.List(), " ") }

// Exception is one row-level problem of a ledger: the voucher, where it was
// read, its kind, and what is wrong.
type Exception struct {
	Voucher     string
	File, Sheet string
	Row         int
	Kind        Exceptions // a single kind
	// Why says what is wrong with the row in words: an error whose text
	// the caller renders in the reader's language.
	Why error
}
