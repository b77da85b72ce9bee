package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"counterpart/internal/partno"
)

const (
	// maxTerms is how many distinct free-text words of a question are
	// searched; the rest of a long question is ignored.
	maxTerms = 20
	// maxParts is how many part numbers of a question are looked up.
	maxParts = 8
	// maxTermLen is the longest word searched, in bytes.
	maxTermLen = 64
	// maxWholePart is the longest question that is also tried as a whole
	// as one part number ("12345 ABC 01"), in bytes.
	maxWholePart = 40
)

// parsedQuery is a question reduced to what is searched.
type parsedQuery struct {
	// terms are the free-text words: lower-cased, without stopwords,
	// one-character words and pieces of part numbers, distinct, in order.
	terms []string
	// parts are the normalised part numbers of the question.
	parts []string
	// pieces are the words left out of terms because they are pieces of a
	// part number ("8E0", "615", "AG" of "8E0 615 301 AG"). They are
	// searched as free text only when no part number is found.
	pieces []string
}

// empty reports whether nothing is left to search.
func (q *parsedQuery) empty() bool {
	return len(q.terms) == 0 && len(q.parts) == 0 && len(q.pieces) == 0
}

// parseQuery splits a question into free-text words and part numbers.
//
// User text never reaches MATCH as written: words are runs of letters,
// digits and combining marks, everything else (quotes, "*", ":", "(",
// "^", "-", ...) separates words, and each word is later quoted as an FTS5
// string, so operators (AND, OR, NOT, NEAR), column filters ("tenant:x")
// and prefix queries cannot be expressed.
func parseQuery(s string) parsedQuery {
	var q parsedQuery
	q.parts = queryParts(s)
	for _, w := range splitWords(indexText(s)) {
		if len(w) > maxTermLen || shortWord(w) {
			continue
		}
		if isPiece(w, q.parts) {
			if lw := strings.ToLower(w); !containsString(q.pieces, lw) && len(q.pieces) < maxTerms {
				q.pieces = append(q.pieces, lw)
			}
			continue
		}
		f := fold(w)
		if stopwords[f] {
			continue
		}
		lw := strings.ToLower(w)
		if !containsString(q.terms, lw) {
			q.terms = append(q.terms, lw)
			if len(q.terms) == maxTerms {
				break
			}
		}
	}
	return q
}

// queryParts returns the normalised part numbers of a question: what
// [partno.Candidates] finds, every whitespace token that
// [partno.LooksLikePartNumber] accepts, and the whole question when it is
// short and looks like one part number written with spaces
// ("12345 ABC 01", which is not joined by Candidates).
func queryParts(s string) []string {
	parts := partno.Candidates(s)
	if len(parts) > maxParts {
		parts = parts[:maxParts]
	}
	add := func(raw string) {
		if len(parts) >= maxParts {
			return
		}
		if n := partno.Normalize(raw); n != "" && !containsString(parts, n) {
			parts = append(parts, n)
		}
	}
	for _, tok := range strings.Fields(s) {
		if partno.LooksLikePartNumber(tok) {
			add(tok)
		}
	}
	if t := strings.TrimSpace(s); len(t) <= maxWholePart && partno.LooksLikePartNumber(t) {
		add(t)
	}
	return parts
}

// isPiece reports whether the word w is part of one of the part numbers:
// its normalised form occurs in one, and it contains a digit or is at most
// three characters long ("AG", "ABC").
func isPiece(w string, parts []string) bool {
	if len(parts) == 0 {
		return false
	}
	n := partno.Normalize(w)
	if n == "" || len(n) > 3 && strings.IndexFunc(n, isDigit) < 0 {
		return false
	}
	for _, p := range parts {
		if strings.Contains(p, n) {
			return true
		}
	}
	return false
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// splitWords returns the words of s (see forEachWord).
func splitWords(s string) []string {
	var words []string
	forEachWord(s, func(w string) { words = append(words, w) })
	return words
}

// forEachWord calls f with each word of s: each maximal run of letters,
// digits and combining marks. Index and query split text with it, so a
// word of the question is a token of the index.
func forEachWord(s string, f func(w string)) {
	start := -1
	for i, r := range s {
		if isWordRune(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			f(s[start:i])
			start = -1
		}
	}
	if start >= 0 {
		f(s[start:])
	}
}

// shortWord reports whether w has fewer than two characters. Such words
// are neither indexed nor searched.
func shortWord(w string) bool {
	return len(w) < 2*utf8.UTFMax && utf8.RuneCountInString(w) < 2
}

// isWordRune reports whether r belongs to a word.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r)
}

// anyOf returns the MATCH expression for any of words in the tenant with
// key: each word with the key in front, quoted, joined with OR.
func anyOf(key string, words []string) string {
	var b strings.Builder
	for i, w := range words {
		if i > 0 {
			b.WriteString(" OR ")
		}
		b.WriteString(quoteTerm(key + w))
	}
	return b.String()
}

// stopwords are frequent English and German words that say nothing about
// a part, in folded form (see fold).
var stopwords = func() map[string]bool {
	const list = `
about all also am an and any are as at be been but by can could did do does
for from get give got had has have having he her here his how if in into is
it its just let me more most much my need no not of off on one or our out
please she should show so some tell than that thats the their them then
there these they this those to too us want was we were what whats when
where which who whom why will with would yes you your
aber alle als am an auch auf aus bei beim bin bis bitte brauche da das dass
dem den denn der des die dies diese diesem diesen dieser dir doch du ein
eine einem einen einer eines er es fur gibt hab habe haben hast hat ich ihr
im in ist ja kann kannst konnen man mir mit nach nicht noch nur ob oder
sie sind so soll suche um und uns vom von vor war was welche welchem
welchen welcher welches wer wie wir wird wo zu zum zur uber`
	m := make(map[string]bool)
	for _, w := range strings.Fields(list) {
		m[w] = true
	}
	return m
}()
