//go:build race

package main

// raceEnabled is true when the tests run under the race detector, which
// makes the program several times slower.
const raceEnabled = true
