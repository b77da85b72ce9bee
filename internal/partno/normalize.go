package partno

import "unicode/utf8"

// Normalize returns s reduced to the characters that identify a part number:
// ASCII letters (upper-cased) and digits, in order. Everything else is
// dropped: spaces, tabs, "-", ".", "/", "_", no-break and thin spaces, en and
// em dashes and any other punctuation or symbol. Fullwidth digits and Latin
// letters ("１２３ＡＢＣ") are folded to ASCII; other letters ("Ä", "ß",
// Cyrillic) are dropped, since part numbers are written in ASCII.
//
// The result only contains [A-Z0-9] and Normalize(Normalize(s)) ==
// Normalize(s). When s is already normalised it is returned without
// allocating.
func Normalize(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isUpperOrDigit(c) {
			buf := make([]byte, i, len(s))
			copy(buf, s[:i])
			return string(appendNormalized(buf, s[i:]))
		}
	}
	return s
}

// appendNormalized appends the normalised form of s to dst.
func appendNormalized(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if n := normByte(c); n != 0 {
				dst = append(dst, n)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if n := foldWide(r); n != 0 {
			dst = append(dst, n)
		}
		i += size
	}
	return dst
}

// isUpperOrDigit reports whether c is already in normalised form.
func isUpperOrDigit(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// normByte returns the normalised form of the ASCII byte c, or 0 when c is
// dropped.
func normByte(c byte) byte {
	switch {
	case c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return c
	case c >= 'a' && c <= 'z':
		return c - 'a' + 'A'
	}
	return 0
}

// foldWide returns the ASCII letter or digit for a fullwidth form, or 0.
func foldWide(r rune) byte {
	switch {
	case r >= '０' && r <= '９':
		return byte(r-'０') + '0'
	case r >= 'Ａ' && r <= 'Ｚ':
		return byte(r-'Ａ') + 'A'
	case r >= 'ａ' && r <= 'ｚ':
		return byte(r-'ａ') + 'A'
	}
	return 0
}

// spaceSep reports whether r separates words the way a single space does.
func spaceSep(r rune) bool {
	switch r {
	case ' ', '\u00a0', '\u2007', '\u2009', '\u202f':
		return true
	}
	return false
}

// punctSep reports whether r is a separator used inside a written part
// number ("8E0-615-301-AG", "12345.ABC.01", "1K0/615/301/AA").
func punctSep(r rune) bool {
	switch r {
	case '-', '.', '/', '_', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2212':
		return true
	}
	return false
}
