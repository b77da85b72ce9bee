//go:build race

package parts_test

// raceEnabled: the race detector slows the import about tenfold, so the
// question set runs over a smaller file under it.
const raceEnabled = true
