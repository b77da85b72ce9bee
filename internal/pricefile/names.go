package pricefile

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// nameKey is a header (or synonym) reduced for matching.
type nameKey struct {
	// tokens are the words: lower case, accents dropped, umlauts folded
	// ("Rückgabe", "Rueckgabe" and "Ruckgabe" all give "ruckgabe"), split
	// at anything but letters and digits and between letters and digits.
	tokens []string
	// compact is the tokens joined without spaces: "Teile-Nr.", "Teile
	// Nr" and "TeileNr" all give "teilenr".
	compact string
}

// keyOf reduces a header or synonym for matching.
func keyOf(s string) nameKey {
	var tokens []string
	var cur []rune
	lastDigit := false
	flush := func() {
		if len(cur) > 0 {
			tokens = append(tokens, foldDigraphs(string(cur)))
			cur = cur[:0]
		}
	}
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue // a combining accent or umlaut dots
		}
		r = unicode.ToLower(r)
		var repl string
		switch r {
		case 'ß':
			repl = "ss"
		case 'ø':
			repl = "o"
		case 'æ':
			repl = "ae"
		case 'œ':
			repl = "oe"
		case 'ł':
			repl = "l"
		case 'đ':
			repl = "d"
		}
		switch {
		case repl != "":
			if lastDigit {
				flush()
			}
			cur = append(cur, []rune(repl)...)
			lastDigit = false
		case unicode.IsLetter(r):
			if lastDigit {
				flush()
			}
			cur = append(cur, r)
			lastDigit = false
		case unicode.IsDigit(r):
			if !lastDigit {
				flush()
			}
			cur = append(cur, r)
			lastDigit = true
		default:
			flush()
			lastDigit = false
		}
	}
	flush()
	return nameKey{tokens: tokens, compact: strings.Join(tokens, "")}
}

// foldDigraphs writes German umlauts spelt out the way they are written
// without them: "ae" → "a", "oe" → "o", "ue" → "u". Applied to headers and
// synonyms alike, it makes "Waehrung", "Währung" and "Wahrung" one word.
func foldDigraphs(w string) string {
	if !strings.Contains(w, "e") {
		return w
	}
	var b strings.Builder
	for i := 0; i < len(w); i++ {
		c := w[i]
		if (c == 'a' || c == 'o' || c == 'u') && i+1 < len(w) && w[i+1] == 'e' {
			b.WriteByte(c)
			i++
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// hasSeq reports whether want occurs in tokens as a contiguous run.
func hasSeq(tokens, want []string) bool {
	if len(want) == 0 {
		return false
	}
	for i := 0; i+len(want) <= len(tokens); i++ {
		match := true
		for j, w := range want {
			if tokens[i+j] != w {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

// columnName returns the spreadsheet name of column i (0 → "A").
func columnName(i int) string {
	var tmp [8]byte
	n := len(tmp)
	for i++; i > 0 && n > 0; i = (i - 1) / 26 {
		n--
		tmp[n] = byte('A' + (i-1)%26)
	}
	return string(tmp[n:])
}
