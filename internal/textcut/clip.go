// Package textcut holds the one string operation several features need: cutting
// user-visible text to a byte budget without splitting a UTF-8 character.
package textcut

import "unicode/utf8"

// Truncate cuts s to at most n bytes on a rune boundary.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	if n < 0 {
		n = 0
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Clip is Truncate with "…" appended when s was cut.
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return Truncate(s, n) + "…"
}
