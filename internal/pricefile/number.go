package pricefile

import (
	"math"
	"strconv"
	"strings"
)

// pow10 holds the exact powers of ten a float64 can divide by.
var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// maxSeps bounds the separators of one number ("1.234.567.890,12" has 4).
const maxSeps = 8

// parseNumber parses a number as people write it in price files:
// "1.234,56", "1,234.56", "89,50", "12.30", "1 234,56", "1'234.50", "-5",
// "5-" (SAP's trailing minus), "(5.00)" (accounting), "1,5E+3". s holds the
// number only; spaces around it are allowed.
//
// When a single "." or "," is followed by exactly three digits ("1.234",
// "1,234") the number alone does not say whether it is a thousands or a
// decimal separator: conv, the decimal separator the file has shown so
// far ('.' or ','; 0 when unknown), decides, and without it the separator
// is read as thousands, the usual meaning in prices. Leading "0" ("0,125")
// and longer integer parts ("1234,567") are decimals.
//
// proved is the decimal separator the number shows unambiguously ('.' or
// ','), 0 when it shows none; the caller counts these to learn conv.
func parseNumber(s string, conv byte) (v float64, proved byte, ok bool) {
	s = trimSpace(s)
	neg := false
	switch {
	case len(s) >= 2 && s[0] == '(' && s[len(s)-1] == ')':
		neg, s = true, trimSpace(s[1:len(s)-1])
	case strings.HasPrefix(s, "−"): // U+2212 minus sign
		neg, s = true, trimSpace(s[len("−"):])
	case len(s) > 0 && s[0] == '-':
		neg, s = true, trimSpace(s[1:])
	case len(s) > 0 && s[0] == '+':
		s = trimSpace(s[1:])
	}
	if !neg && len(s) > 1 && s[len(s)-1] == '-' {
		neg, s = true, trimSpace(s[:len(s)-1])
	}
	if s == "" {
		return 0, 0, false
	}
	if strings.ContainsAny(s, "eE") {
		v, ok = parseExponent(s)
		if neg {
			v = -v
		}
		return v, 0, ok
	}

	type sep struct {
		kind   byte // '.', ',' or 'g' (space or apostrophe: always grouping)
		before int  // digits before it
	}
	var seps [maxSeps]sep
	nsep := 0
	var mant uint64
	digits := 0
	first := byte(0) // the first digit
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if digits == 0 {
				first = c
			}
			if digits < 19 {
				mant = mant*10 + uint64(c-'0')
			}
			digits++
			continue
		case c == '.' || c == ',' || c == '\'' || c == ' ':
		case c == 0xc2 && i+1 < len(s) && s[i+1] == 0xa0: // no-break space
			i++
			c = ' '
		case c == 0xe2 && i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0xaf || s[i+2] == 0x89 || s[i+2] == 0x99):
			i += 2 // narrow no-break space, thin space, ’
			c = ' '
		default:
			return 0, 0, false
		}
		if nsep == maxSeps {
			return 0, 0, false
		}
		if c == ' ' || c == '\'' {
			c = 'g'
		}
		seps[nsep] = sep{c, digits}
		nsep++
	}
	if digits == 0 {
		return 0, 0, false
	}
	if digits > 19 {
		return parseLong(s, neg)
	}

	// Find the decimal separator.
	dec := -1 // index into seps
	nDot, nComma, lastDot, lastComma := 0, 0, -1, -1
	for i := range nsep {
		switch seps[i].kind {
		case '.':
			nDot, lastDot = nDot+1, i
		case ',':
			nComma, lastComma = nComma+1, i
		}
	}
	switch {
	case nDot > 0 && nComma > 0:
		dec = max(lastDot, lastComma)
		if seps[dec].kind == '.' && nDot > 1 || seps[dec].kind == ',' && nComma > 1 {
			return 0, 0, false // "1.234.56,7"
		}
		proved = seps[dec].kind
	case nDot+nComma == 1:
		i := max(lastDot, lastComma)
		k, before := seps[i].kind, seps[i].before
		after := digits - before
		if i < nsep-1 {
			after = seps[i+1].before - before
		}
		switch {
		case after != 3 || before == 0 || before > 3 || first == '0' && before == 1:
			dec = i
			if after > 0 && (after != 3 || before > 0) {
				proved = k
			}
		case conv == k:
			dec = i // ambiguous, and the file writes decimals this way
		}
	}
	if dec >= 0 && dec != nsep-1 {
		return 0, 0, false // a separator after the decimal one
	}

	// Grouping separators must split off groups of exactly three digits.
	groupEnd := digits
	if dec >= 0 {
		groupEnd = seps[dec].before
	}
	prev := -1
	for i := range nsep {
		if i == dec {
			break
		}
		b := seps[i].before
		if prev < 0 && (b < 1 || b > 3) || prev >= 0 && b-prev != 3 {
			return 0, 0, false
		}
		prev = b
	}
	if prev >= 0 && groupEnd-prev != 3 {
		return 0, 0, false
	}

	frac := 0
	if dec >= 0 {
		frac = digits - seps[dec].before
	}
	if mant >= 1<<53 || frac >= len(pow10) {
		return parseLong(s, neg)
	}
	v = float64(mant) / pow10[frac]
	if neg {
		v = -v
	}
	return v, proved, true
}

// parseExponent reads "1.5E+3" or "1,5E3", as spreadsheets export large
// or small numbers.
func parseExponent(s string) (float64, bool) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9', c == '.', c == ',', c == 'e', c == 'E', c == '+', c == '-':
		default:
			return 0, false
		}
	}
	v, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, false
	}
	return v, true
}

// parseLong reads a number with more digits than a uint64 holds exactly;
// such numbers are only ever rejected as absurd, so the digits before any
// separator are enough.
func parseLong(s string, neg bool) (float64, byte, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= '0' && c <= '9' {
			b.WriteByte(c)
		} else if c == '.' || c == ',' {
			break
		}
	}
	v, err := strconv.ParseFloat(b.String(), 64)
	if err != nil || math.IsInf(v, 0) {
		return 0, 0, false
	}
	if neg {
		v = -v
	}
	return v, 0, true
}

// trimSpace trims ASCII white space and no-break spaces.
func trimSpace(s string) string {
	for {
		switch {
		case s == "":
			return s
		case s[0] == ' ' || s[0] == '\t' || s[0] == '\r' || s[0] == '\n':
			s = s[1:]
		case s[len(s)-1] == ' ' || s[len(s)-1] == '\t' || s[len(s)-1] == '\r' || s[len(s)-1] == '\n':
			s = s[:len(s)-1]
		case strings.HasPrefix(s, "\u00a0"):
			s = s[2:]
		case strings.HasSuffix(s, "\u00a0"):
			s = s[:len(s)-2]
		case strings.HasPrefix(s, "\u202f"):
			s = s[3:]
		case strings.HasSuffix(s, "\u202f"):
			s = s[:len(s)-3]
		default:
			return s
		}
	}
}

// decimalVotes learns a sheet's decimal separator from the numbers that
// show it.
type decimalVotes struct{ dot, comma int }

func (d *decimalVotes) add(proved byte) {
	switch proved {
	case '.':
		d.dot++
	case ',':
		d.comma++
	}
}

// conv returns the separator most numbers showed, 0 when none did.
func (d *decimalVotes) conv() byte {
	switch {
	case d.comma > d.dot:
		return ','
	case d.dot > d.comma:
		return '.'
	}
	return 0
}
