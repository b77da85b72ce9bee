//go:build !race

package parts_test

const raceEnabled = false
