package reports

import "fundalloc/allocation"

// Yuan formats an amount with thousands separators: "1,234,567.89".
func Yuan(f allocation.Fen) string {
	s := f.String()
	neg := s[0] == '-'
	if neg {
		s = s[1:]
	}
	intPart, frac := s[:len(s)-3], s[len(s)-3:]
	var out []byte
	if neg {
		out = append(out, '-')
	}
	for i := range len(intPart) {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, intPart[i])
	}
	return string(append(out, frac...))
}
