package main

import (
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/width"
)

// printTable prints rows in columns aligned on a terminal: align holds one
// letter per column, 'l' to align left (text) or 'r' right (amounts).
// Widths are display widths, so Chinese text lines up.
func printTable(w io.Writer, align string, rows [][]string) {
	widths := make([]int, len(align))
	for _, r := range rows {
		for i, cell := range r {
			widths[i] = max(widths[i], displayWidth(cell))
		}
	}
	for _, r := range rows {
		var b strings.Builder
		for i, cell := range r {
			if i > 0 {
				b.WriteString("  ")
			}
			pad := strings.Repeat(" ", widths[i]-displayWidth(cell))
			if align[i] == 'r' {
				b.WriteString(pad + cell)
			} else {
				b.WriteString(cell + pad)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}

// displayWidth is how many columns a terminal gives s: East Asian wide and
// full-width characters take two.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}
