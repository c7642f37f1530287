package sample

import "embed"

// FS holds fundalloc.yaml and the data files it names, as `fundalloc init`
// writes them.
//
//go:embed fundalloc.yaml data
var FS embed.FS
