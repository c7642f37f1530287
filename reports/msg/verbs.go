package msg

import (
	"fmt"
	"slices"
	"strconv"
)

// Verb is one formatting directive of a message form: the argument it
// takes (1-based) and its verb letter.
type Verb struct {
	Arg  int
	Verb rune
}

// Verbs returns the directives of a format, in the order of their
// arguments, resolving explicit indexes (%[2]s) as fmt does. %% is not a
// directive. An error reports a directive fmt would not accept.
func Verbs(format string) ([]Verb, error) {
	var out []Verb
	arg := 1
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		i++
		// flags
		for i < len(format) && isFlag(format[i]) {
			i++
		}
		// explicit index, width, precision, each possibly indexed
		for i < len(format) {
			if format[i] == '[' {
				j := i + 1
				for j < len(format) && format[j] != ']' {
					j++
				}
				if j == len(format) {
					return nil, fmt.Errorf("unclosed [ in %q", format)
				}
				n, err := strconv.Atoi(format[i+1 : j])
				if err != nil || n < 1 {
					return nil, fmt.Errorf("bad argument index in %q", format)
				}
				arg = n
				i = j + 1
				continue
			}
			if format[i] == '*' {
				out = append(out, Verb{Arg: arg, Verb: '*'})
				arg++
				i++
				continue
			}
			if format[i] >= '0' && format[i] <= '9' || format[i] == '.' {
				i++
				continue
			}
			break
		}
		if i == len(format) {
			return nil, fmt.Errorf("a %% without a verb at the end of %q", format)
		}
		if format[i] == '%' {
			continue
		}
		r := rune(format[i])
		if r >= 0x80 {
			return nil, fmt.Errorf("a %% followed by %q in %q", r, format)
		}
		out = append(out, Verb{Arg: arg, Verb: r})
		arg++
	}
	slices.SortStableFunc(out, func(a, b Verb) int { return a.Arg - b.Arg })
	return out, nil
}

func isFlag(c byte) bool {
	switch c {
	case '+', '-', '#', ' ', '0':
		return true
	}
	return false
}
