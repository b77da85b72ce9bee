package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"counterpart/internal/partno"
)

const (
	// snippetLen is the length of a snippet in characters, not counting
	// the "…" added where the text is cut.
	snippetLen = 240
	// ellipsis marks where a snippet cuts the chunk text.
	ellipsis = "…"
	// partBreak stands in the normalised text for a character that cannot
	// occur inside a written part number.
	partBreak = '|'
)

// span is a byte range [start, end) of a text.
type span struct{ start, end int }

// termMatch is a word of the text that matches query term number term.
type termMatch struct {
	span
	term int
}

// snippet returns about snippetLen characters of text, cut on word
// boundaries, around the best match: the first of parts as written in the
// text if there is one, otherwise the part of the text with the most
// different query terms, otherwise its beginning. Runs of white space are
// shown as one space and "…" marks each cut. The snippet is plain text.
func snippet(text string, terms, parts []string) string {
	focus, ok := span{}, false
	for _, p := range parts {
		if focus, ok = findPart(text, p); ok {
			break
		}
	}
	if !ok {
		focus, ok = bestTermsSpan(text, terms)
	}
	if !ok {
		focus = span{}
	}
	return cutAround(text, focus)
}

// findPart returns where the normalised part number part is written in
// text, in any spelling: "12345-ABC 01", "12345.abc.01" and "12345ABC01"
// all match "12345ABC01". It normalises the text the way [partno.Normalize]
// does, keeping the byte offset of every letter or digit, and looks for part
// as a whole token: the match may not start or end inside a run of letters
// and digits, and only the separators a part number is written with
// (spaces, "-", ".", "/", "_" and dashes) may occur inside it.
func findPart(text, part string) (span, bool) {
	if part == "" {
		return span{}, false
	}
	norm := make([]byte, 0, len(text))
	starts := make([]int, 0, len(text)) // byte offset of each norm byte
	// joined[k] reports whether norm byte k directly follows a letter or
	// digit, so that no token can start at it.
	joined := make([]bool, 0, len(text))
	prevEnd := -1 // end of the last letter or digit
	for i, r := range text {
		size := utf8.RuneLen(r)
		if size < 0 {
			size = 1
		}
		var c byte
		switch {
		case 'a' <= r && r <= 'z':
			c = byte(r - 'a' + 'A')
		case 'A' <= r && r <= 'Z', '0' <= r && r <= '9':
			c = byte(r)
		case r < utf8.RuneSelf:
			// punctuation, space or control: c stays 0
		case unicode.IsLetter(r) || unicode.IsNumber(r):
			if n := partno.Normalize(string(r)); n != "" {
				c = n[0] // fullwidth forms
			} else {
				c = partBreak // "Ö", Cyrillic: part of a word, never of a part number
			}
		}
		switch {
		case c != 0:
			norm = append(norm, c)
			starts = append(starts, i)
			joined = append(joined, prevEnd == i)
			prevEnd = i + size
		case isPartSeparator(r):
			// skipped: "12345-ABC" is "12345ABC"
		default:
			norm = append(norm, partBreak)
			starts = append(starts, i)
			joined = append(joined, false)
			prevEnd = -1
		}
	}
	for from := 0; from+len(part) <= len(norm); {
		k := strings.Index(string(norm[from:]), part)
		if k < 0 {
			break
		}
		i := from + k
		j := i + len(part)
		if !joined[i] && (j == len(norm) || !joined[j]) {
			end := starts[j-1]
			_, size := utf8.DecodeRuneInString(text[end:])
			return span{starts[i], end + size}, true
		}
		from = i + 1
	}
	return span{}, false
}

// isPartSeparator reports whether r may separate the groups of a written
// part number.
func isPartSeparator(r rune) bool {
	switch r {
	case ' ', '-', '.', '/', '_', '\u00a0', '\u2007', '\u2009', '\u202f',
		'\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2212':
		return true
	}
	return false
}

// bestTermsSpan returns the span from the first to the last matching word
// of the snippet-sized stretch of text that contains the most different
// terms (and then the most matches).
func bestTermsSpan(text string, terms []string) (span, bool) {
	matches := matchTerms(text, terms)
	if len(matches) == 0 {
		return span{}, false
	}
	var (
		best      span
		bestScore = -1
		seen      = make([]int, len(terms)) // matches per term in the window
		distinct  = 0
		j         = 0
	)
	// Sliding window over the matches, at most snippetLen bytes wide.
	for i := range matches {
		for j < len(matches) && matches[j].end-matches[i].start <= snippetLen {
			if seen[matches[j].term] == 0 {
				distinct++
			}
			seen[matches[j].term]++
			j++
		}
		if score := distinct*1000 + (j - i); score > bestScore {
			bestScore, best = score, span{matches[i].start, matches[j-1].end}
		}
		seen[matches[i].term]--
		if seen[matches[i].term] == 0 {
			distinct--
		}
	}
	return best, true
}

// matchTerms returns the words of text that match one of terms, in order.
// A word matches a term when both are equal after folding case and
// diacritics and removing common English endings (see stem), roughly what
// the porter tokenizer matched.
func matchTerms(text string, terms []string) []termMatch {
	if len(terms) == 0 {
		return nil
	}
	stems := make([]string, len(terms))
	for i, t := range terms {
		stems[i] = stem(fold(t))
	}
	var out []termMatch
	for _, w := range wordSpans(text) {
		s := stem(fold(text[w.start:w.end]))
		for i, t := range stems {
			if s == t {
				out = append(out, termMatch{w, i})
				break
			}
		}
	}
	return out
}

// countTerms returns how many different terms occur in text (matched as
// in matchTerms).
func countTerms(text string, terms []string) int {
	if len(terms) == 0 {
		return 0
	}
	seen := make([]bool, len(terms))
	n := 0
	for _, m := range matchTerms(text, terms) {
		if !seen[m.term] {
			seen[m.term] = true
			n++
		}
	}
	return n
}

// wordSpans returns the spans of the words of text (see splitWords).
func wordSpans(text string) []span {
	var out []span
	start := -1
	for i, r := range text {
		if isWordRune(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			out = append(out, span{start, i})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, span{start, len(text)})
	}
	return out
}

// cutAround returns about snippetLen characters of text around focus, cut
// on word boundaries, with white space collapsed and "…" where cut.
func cutAround(text string, focus span) string { return cutAroundN(text, focus, snippetLen) }

// cutAroundN is cutAround for n characters.
func cutAroundN(text string, focus span, n int) string {
	if utf8.RuneCountInString(text) <= n {
		return collapseSpace(text)
	}
	// Centre the window on the focus, in characters.
	focusLen := utf8.RuneCountInString(text[focus.start:focus.end])
	start := focus.start
	if focusLen < n {
		start = backRunes(text, focus.start, (n-focusLen)/2)
	}
	end := forwardRunes(text, start, n)
	if end == len(text) {
		// Near the end: use the whole window before it.
		start = backRunes(text, len(text), n)
	}
	// Move inwards to word boundaries, unless that would cut the focus.
	if start > 0 && inWord(text, start) {
		if s := nextWordStart(text, start); s <= focus.start {
			start = s
		}
	}
	if end < len(text) && inWord(text, end) {
		if e := prevWordEnd(text, end); e >= focus.end && e > start {
			end = e
		}
	}
	out := collapseSpace(text[start:end])
	if start > 0 {
		out = ellipsis + out
	}
	if end < len(text) {
		out += ellipsis
	}
	return out
}

// backRunes returns the offset n characters before i (or 0).
func backRunes(text string, i, n int) int {
	for ; n > 0 && i > 0; n-- {
		_, size := utf8.DecodeLastRuneInString(text[:i])
		i -= size
	}
	return i
}

// forwardRunes returns the offset n characters after i (or len(text)).
func forwardRunes(text string, i, n int) int {
	for ; n > 0 && i < len(text); n-- {
		_, size := utf8.DecodeRuneInString(text[i:])
		i += size
	}
	return i
}

// inWord reports whether offset i (0 < i < len(text)) is between two
// characters of one word.
func inWord(text string, i int) bool {
	before, _ := utf8.DecodeLastRuneInString(text[:i])
	after, _ := utf8.DecodeRuneInString(text[i:])
	return !unicode.IsSpace(before) && !unicode.IsSpace(after)
}

// nextWordStart returns the offset of the first character after the white
// space that follows i, or len(text).
func nextWordStart(text string, i int) int {
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if unicode.IsSpace(r) {
			break
		}
		i += size
	}
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !unicode.IsSpace(r) {
			break
		}
		i += size
	}
	return i
}

// prevWordEnd returns the offset just after the last word that ends before
// i, or 0.
func prevWordEnd(text string, i int) int {
	for i > 0 {
		r, size := utf8.DecodeLastRuneInString(text[:i])
		if unicode.IsSpace(r) {
			break
		}
		i -= size
	}
	for i > 0 {
		r, size := utf8.DecodeLastRuneInString(text[:i])
		if !unicode.IsSpace(r) {
			break
		}
		i -= size
	}
	return i
}

// collapseSpace trims s and replaces each run of white space with one space.
func collapseSpace(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// fold lower-cases s, removes diacritics from Latin letters ("Ölfilter" →
// "olfilter") and spells "ß" as "ss", like the index does.
func fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if unicode.IsMark(r) {
			continue // decomposed diacritics
		}
		r = unicode.ToLower(r)
		switch {
		case r == 'ß':
			b.WriteString("ss")
			continue
		case r >= 0xe0 && r < 0x180:
			if base, ok := latinBase[r]; ok {
				r = base
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}

// latinBase maps lower-case Latin-1 and Latin Extended-A letters with
// diacritics to their base letter.
var latinBase = func() map[rune]rune {
	groups := map[rune]string{
		'a': "àáâãäåāăą", 'c': "çćĉċč", 'd': "ďđ", 'e': "èéêëēĕėęě",
		'g': "ĝğġģ", 'h': "ĥħ", 'i': "ìíîïĩīĭįı", 'j': "ĵ", 'k': "ķ",
		'l': "ĺļľŀł", 'n': "ñńņňŉ", 'o': "òóôõöøōŏő", 'r': "ŕŗř",
		's': "śŝşšſ", 't': "ţťŧ", 'u': "ùúûüũūŭůűų", 'w': "ŵ",
		'y': "ýÿŷ", 'z': "źżž",
	}
	m := make(map[rune]rune)
	for base, letters := range groups {
		for _, r := range letters {
			m[r] = base
		}
	}
	return m
}()

// stem removes the English endings the porter stemmer removes most often
// ("pads" → "pad", "bearings" → "bear", "leaking" → "leak"), so a
// snippet centres on the word the index matched. It is only used to find
// words in a chunk, never to query the index.
func stem(w string) string {
	n := len(w)
	switch {
	case n > 4 && strings.HasSuffix(w, "ies"):
		w = w[:n-3] + "y"
	case n > 4 && strings.HasSuffix(w, "sses"):
		w = w[:n-2]
	case n > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us"):
		w = w[:n-1]
	}
	n = len(w)
	switch {
	case n > 5 && strings.HasSuffix(w, "ing"):
		w = w[:n-3]
	case n > 4 && strings.HasSuffix(w, "ed"):
		w = w[:n-2]
	}
	if n = len(w); n > 4 && w[n-1] == 'e' {
		w = w[:n-1]
	}
	return w
}
