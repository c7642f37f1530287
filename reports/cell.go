package reports

import (
	"math"

	"fundalloc/allocation"
)

// cellKind says what value an xcell holds.
type cellKind uint8

const (
	kindNone  cellKind = iota // a styled blank, or a formula without a cached value
	kindText                  // text: an inline string, or a formula's cached text
	kindFen                   // an allocation.Fen written in 元
	kindWan                   // an allocation.Fen written in 万元 (appendWan)
	kindRatio                 // an allocation.Ratio (n, scale)
	kindInt                   // an integer
	kindFloat                 // a display-only float64, its bits in n
)

// xcell is one cell for sheetXML: a style, an optional formula and a value
// of one of a few types, kept unboxed. A zero xcell is no cell at all.
type xcell struct {
	style   int
	formula string
	text    string
	n       int64
	kind    cellKind
	scale   uint8 // of a ratio
}

// textCell is text in style: an inline string, whatever it starts with.
func textCell(style int, s string) xcell { return xcell{style: style, kind: kindText, text: s} }

// blankCell is an empty cell in style.
func blankCell(style int) xcell { return xcell{style: style} }

// intCell is an integer in style.
func intCell(style int, n int) xcell { return xcell{style: style, kind: kindInt, n: int64(n)} }

// fenCell is an amount in 元, written exactly.
func fenCell(style int, f allocation.Fen) xcell {
	return xcell{style: style, kind: kindFen, n: int64(f)}
}

// ratioCell is an exact decimal.
func ratioCell(style int, r allocation.Ratio) xcell {
	return xcell{style: style, kind: kindRatio, n: int64(r.Num), scale: r.Scale}
}

// floatCell is a display-only number (a rate), never money.
func floatCell(style int, f float64) xcell {
	return xcell{style: style, kind: kindFloat, n: int64(math.Float64bits(f))}
}

// moneyCell is an amount in the document's unit: 元, or 万元 as exact
// decimal text.
func (b *book) moneyCell(style int, f allocation.Fen) xcell {
	if b.doc.Unit == UnitWan {
		return xcell{style: style, kind: kindWan, n: int64(f)}
	}
	return fenCell(style, f)
}

// withFormula is c with the formula f; c's value is the formula's cached
// value.
func (c xcell) withFormula(f string) xcell {
	c.formula = f
	return c
}
