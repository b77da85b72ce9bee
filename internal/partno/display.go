package partno

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Display formats a part number the way its brand prints it, from the
// normalised number, so "1k0698151a" of brand "VW" shows as
// "1K0 698 151 A":
//
//   - BMW and MINI, 11 digits: "34 11 6 794 300"; the last 7: "6 794 300";
//   - Mercedes-Benz, "A" and 10 digits: "A 000 420 47 20" (further digits,
//     such as a colour code, follow as one group); 10 digits: "000 420 47 20";
//   - VW, Audi, Skoda and Seat: "1K0 698 151 A", "5G0 853 601 A 2ZZ",
//     "1K0 698 151"; hardware "N 910 143 02", "N 013 849 2";
//   - Bosch, 10 characters: "0 986 494 104", "F 026 407 006";
//   - Toyota and Lexus: "04152-YZZA6", "04465-33471-79";
//   - Ford: "XS4Z-9G756-AA".
//
// Any other brand or shape gives raw as written, trimmed, with inner runs of
// whitespace folded to one space. brand is a code from [BrandOf] or a name
// it knows. Normalize(Display(brand, raw)) == Normalize(raw) always.
func Display(brand, raw string) string {
	fam := familyOf(brand)
	if fam == famOther {
		return foldSpace(raw)
	}
	var kb [maxLen]byte
	key := appendNormalized(kb[:0], raw)
	var ob [48]byte
	if b := appendDisplay(ob[:0], fam, key); len(b) > 0 {
		return string(b)
	}
	return foldSpace(raw)
}

// appendDisplay appends the normalised key formatted the way brands of fam
// print it, or nothing when the key does not have the family's shape.
func appendDisplay(b []byte, fam family, key []byte) []byte {
	n := len(key)
	switch fam {
	case famBMW:
		switch {
		case n == 11 && isDigits(key):
			return appendGroups(b, key, ' ', 2, 2, 1, 3, 3)
		case n == 7 && isDigits(key):
			return appendGroups(b, key, ' ', 1, 3, 3)
		}
	case famMercedes:
		switch {
		case n >= 11 && n <= maxLen && key[0] == 'A' && isDigits(key[1:]):
			b = append(b, 'A', ' ')
			return appendGroups(b, key[1:], ' ', 3, 3, 2, 2)
		case n == 10 && isDigits(key):
			return appendGroups(b, key, ' ', 3, 3, 2, 2)
		}
	case famVW:
		if isVWHardware(key) {
			b = append(b, 'N', ' ')
			return appendGroups(b, key[1:], ' ', 3, 3)
		}
		if idx, col, ok := parseVW(key); ok {
			return appendGroups(b, key, ' ', 3, 3, 3, idx, col)
		}
	case famBosch:
		if n == 10 {
			return appendGroups(b, key, ' ', 1, 3, 3)
		}
	case famToyota:
		if (n == 10 || n == 12) && isDigits(key[:5]) {
			return appendGroups(b, key, '-', 5, 5)
		}
	case famFord:
		if base, _, ok := parseFord(key); ok {
			return appendGroups(b, key, '-', 4, base)
		}
	}
	return b
}

// appendGroups appends key cut into groups of the given sizes, separated by
// sep; sizes of 0 are skipped and what is left of key after them is the last
// group.
func appendGroups(b []byte, key []byte, sep byte, sizes ...int) []byte {
	first := true
	group := func(g []byte) {
		if !first {
			b = append(b, sep)
		}
		b = append(b, g...)
		first = false
	}
	for _, size := range sizes {
		if size = min(size, len(key)); size > 0 {
			group(key[:size])
			key = key[size:]
		}
	}
	if len(key) > 0 {
		group(key)
	}
	return b
}

// foldSpace returns s trimmed, with inner runs of whitespace folded to one
// space, without allocating when s has none to fold.
func foldSpace(s string) string {
	s = strings.TrimSpace(s)
	clean, prevSpace := true, false
	for _, r := range s {
		space := unicode.IsSpace(r)
		if space && (r != ' ' || prevSpace) {
			clean = false
			break
		}
		prevSpace = space
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	prevSpace = false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			if !prevSpace {
				b.WriteByte(' ')
			}
			prevSpace = true
		} else {
			b.WriteString(s[i : i+size])
			prevSpace = false
		}
		i += size
	}
	return b.String()
}
