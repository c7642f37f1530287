package msg

// ColumnName returns the letters a spreadsheet shows for 1-based column n
// (1 → A, 27 → AA, 16384 → XFD): how a location names its column, and how
// the workbooks' formulas and ranges name theirs. It returns "" for n < 1.
func ColumnName(n int) string {
	var buf [8]byte
	i := len(buf)
	for n > 0 {
		n--
		i--
		buf[i] = byte('A' + n%26)
		n /= 26
	}
	return string(buf[i:])
}
