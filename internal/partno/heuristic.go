package partno

import "unicode/utf8"

const (
	// minLen and maxLen bound the normalised length of a part number.
	minLen = 5
	maxLen = 24
	// minAllDigits is how many digits an all-digit part number needs.
	minAllDigits = 6
	// minMixedDigits is how many digits a part number with letters needs.
	minMixedDigits = 2
	// maxLetterRun is the longest run of letters a part number may contain.
	maxLetterRun = 4
	// maxShapeGroups is how many digit groups the date/price checks look at.
	maxShapeGroups = 8
)

// LooksLikePartNumber reports whether token is plausibly a part number.
//
// Surrounding brackets, quotes, "#" and trailing sentence punctuation are
// ignored ("(8E0-615-301-AG)," is accepted). The token may contain single
// spaces, "-", ".", "/" and "_" between its groups. See the package
// documentation for the full rule: 5–24 letters and digits after
// [Normalize], at least 6 digits when there are no letters, otherwise at
// least 2 digits and no run of 5 letters, and not shaped like a price, date,
// year range, time, quantity with unit, viscosity or phone number.
func LooksLikePartNumber(token string) bool {
	return looksLike(trimPunct(token))
}

// trimPunct strips punctuation that surrounds a token in running text.
func trimPunct(s string) string {
	for len(s) > 0 && isEdgePunct(s[0], true) {
		s = s[1:]
	}
	for len(s) > 0 && isEdgePunct(s[len(s)-1], false) {
		s = s[:len(s)-1]
	}
	return s
}

func isEdgePunct(c byte, leading bool) bool {
	switch c {
	case '(', ')', '[', ']', '{', '}', '<', '>', '"', '\'', '`', ',', ';', ':', '!', '?', '*', ' ', '\t', '\r', '\n':
		return true
	case '#':
		return leading
	case '.':
		return !leading
	}
	return false
}

// shapeGroup describes one digit group of an all-digit token.
type shapeGroup struct {
	n   int  // number of digits
	v   int  // value, when n <= 4
	sep byte // separator before the group: 0, ' ', '-', '.', '/' or '_'
}

// looksLike applies the part-number rule to a token without surrounding
// punctuation. It does not allocate.
func looksLike(raw string) bool {
	var (
		norm    [maxLen]byte
		n       int
		letters int
		digits  int
		run     int
		maxRun  int
		groups  [maxShapeGroups]shapeGroup
		ng      int
		inGroup bool
		sep     byte
	)
	for i := 0; i < len(raw); {
		c := raw[i]
		var b byte
		size := 1
		if c < utf8.RuneSelf {
			b = normByte(c)
			if b == 0 {
				switch {
				case c == ' ' || c == '\t':
					sep = ' '
				case c == '-' || c == '.' || c == '/' || c == '_':
					sep = c
				default:
					return false // ':', ',', '@', '%', '+', '$', ...
				}
				inGroup, run = false, 0
				i++
				continue
			}
		} else {
			var r rune
			r, size = utf8.DecodeRuneInString(raw[i:])
			b = foldWide(r)
			if b == 0 {
				switch {
				case spaceSep(r):
					sep = ' '
				case punctSep(r):
					sep = '-'
				default:
					return false // other letters, currency signs, ...
				}
				inGroup, run = false, 0
				i += size
				continue
			}
		}
		i += size
		if n == maxLen {
			return false
		}
		norm[n] = b
		n++
		if !inGroup {
			inGroup = true
			if ng < maxShapeGroups {
				groups[ng] = shapeGroup{sep: sep}
			}
			ng++
			sep = 0
		}
		if b >= 'A' {
			letters++
			run++
			maxRun = max(maxRun, run)
			continue
		}
		digits++
		run = 0
		if ng <= maxShapeGroups {
			g := &groups[ng-1]
			g.n++
			if g.n <= 4 {
				g.v = g.v*10 + int(b-'0')
			}
		}
	}
	if n < minLen || digits == 0 {
		return false
	}
	if letters == 0 {
		if digits < minAllDigits {
			return false
		}
		if ng > maxShapeGroups {
			return true
		}
		return !numericShape(groups[:ng])
	}
	if digits < minMixedDigits || maxRun > maxLetterRun {
		return false
	}
	return !measureShape(norm[:n])
}

// numericShape reports whether the digit groups of an all-digit token form
// a price, a dotted thousands number, a date or a year range.
func numericShape(g []shapeGroup) bool {
	if len(g) < 2 {
		return false
	}
	last := g[len(g)-1]
	// Decimal part: "1234.56", "1 234.5" (the only dot, before 1-2 digits).
	if last.sep == '.' && last.n <= 2 {
		decimal := true
		for _, x := range g[:len(g)-1] {
			if x.sep == '.' {
				decimal = false
				break
			}
		}
		if decimal {
			return true
		}
	}
	// Dotted thousands: "1.234.567".
	if g[0].n <= 3 {
		thousands := true
		for _, x := range g[1:] {
			if x.sep != '.' || x.n != 3 {
				thousands = false
				break
			}
		}
		if thousands {
			return true
		}
	}
	switch len(g) {
	case 2:
		// Year ranges: "2008-2015", "2008/09".
		return isYear(g[0]) && (isYear(g[1]) || g[1].n == 2)
	case 3:
		a, b, c := g[0], g[1], g[2]
		// ISO date: 2024-01-15.
		if isYear(a) && b.n <= 2 && c.n <= 2 && isMonth(b.v) && isDay(c.v) {
			return true
		}
		// Day-month-year or month-day-year: 15.01.2024, 01/15/24.
		if a.n <= 2 && b.n <= 2 && (isYear(c) || c.n == 2) &&
			(isDay(a.v) && isMonth(b.v) || isMonth(a.v) && isDay(b.v)) {
			return true
		}
	}
	return false
}

func isYear(g shapeGroup) bool { return g.n == 4 && g.v >= 1900 && g.v <= 2099 }
func isMonth(v int) bool       { return v >= 1 && v <= 12 }
func isDay(v int) bool         { return v >= 1 && v <= 31 }

// units are suffixes that turn a number into a measured quantity.
var units = map[string]bool{
	"MM": true, "CM": true, "KM": true, "KG": true, "MG": true, "NM": true,
	"AH": true, "MAH": true, "KV": true, "KW": true, "KWH": true, "PS": true,
	"HP": true, "BHP": true, "RPM": true, "ML": true, "BAR": true, "PSI": true,
	"MPH": true, "KMH": true, "IN": true, "FT": true, "LB": true, "LBS": true,
	"OZ": true, "HZ": true, "KHZ": true, "MHZ": true, "GB": true, "MB": true,
	"TB": true, "DB": true, "PCS": true, "PC": true, "STK": true, "ST": true,
	"MS": true, "MIN": true, "QT": true, "GAL": true, "LM": true, "CC": true,
	"CCM": true, "TH": true, "ND": true, "RD": true,
	// Single letters only count after at most 4 digits ("1500W", "9000K").
	"V": true, "W": true, "A": true, "K": true, "L": true, "M": true,
	"G": true, "H": true, "S": true, "X": true,
}

// measureShape reports whether a normalised token with letters is a
// quantity with a unit ("220MM", "1500W"), a dimension ("320X30",
// "320X30MM") or an oil viscosity ("10W40").
func measureShape(n []byte) bool {
	d := 0
	for d < len(n) && n[d] <= '9' {
		d++
	}
	if d == 0 {
		return false
	}
	rest := n[d:]
	// Viscosity: 0W20 .. 25W60.
	if d <= 2 && len(rest) == 3 && rest[0] == 'W' && rest[1] <= '9' && rest[2] <= '9' {
		return true
	}
	// Dimension: digits X digits [X digits] [unit], each at most 4 digits
	// ("320X30", "1200X800X600"); a longer group is a part number with an X
	// (VW "4X5 854 838 A").
	if d <= 4 && len(rest) > 1 && rest[0] == 'X' && rest[1] <= '9' {
		rest = rest[1:]
		for range 2 {
			k := 0
			for k < len(rest) && rest[k] <= '9' {
				k++
			}
			if k > 4 {
				return false
			}
			rest = rest[k:]
			if len(rest) > 1 && rest[0] == 'X' && rest[1] <= '9' {
				rest = rest[1:]
				continue
			}
			break
		}
		return len(rest) == 0 || allLetters(rest) && units[string(rest)]
	}
	if d > 5 || !allLetters(rest) || !units[string(rest)] {
		return false
	}
	return len(rest) > 1 || d <= 4
}

func allLetters(b []byte) bool {
	for _, c := range b {
		if c < 'A' {
			return false
		}
	}
	return true
}
