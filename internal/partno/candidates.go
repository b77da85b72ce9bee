package partno

import (
	"sync"
	"unicode"
	"unicode/utf8"
)

// maxJoinedGroup is the longest group that may be joined across a space.
const maxJoinedGroup = 5

// segment is a whitespace-delimited token: groups of letters and digits
// linked by single "-", ".", "/" or "_" separators.
type segment struct {
	start, end    int  // byte offsets in the text
	n             int  // normalised length
	letters       int  // ASCII letters
	digits        int  // digits
	groups        int  // letter/digit groups
	foreign       bool // contains letters or digits that normalise to nothing
	spaceNext     bool // followed by exactly one space and another segment
	firstIsLetter bool // the segment starts with a letter
}

// shortGroup reports whether s may be appended to a join.
func (s *segment) shortGroup() bool {
	return s.groups == 1 && !s.foreign && s.n >= 1 && s.n <= maxJoinedGroup
}

// scratch holds reusable buffers for Candidates.
type scratch struct {
	segs []segment
	norm []byte
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// Candidates returns the part numbers found in text, normalised with
// [Normalize], without duplicates, in order of first appearance.
//
// Tokens are separated by whitespace and punctuation other than single
// "-", ".", "/" and "_". Short groups split by single spaces are joined
// greedily ("A 000 420 47 20" → "A0004204720", "8E0 615 301 AG" →
// "8E0615301AG"), and phone numbers introduced by "+" or by "Tel", "Fax",
// "Phone" and similar words are skipped; see the package documentation for
// the exact rule. Candidates is safe for concurrent use and allocates only
// the returned slice and its strings.
func Candidates(text string) []string {
	sc := scratchPool.Get().(*scratch)
	sc.segs = scanSegments(text, sc.segs[:0])
	var out []string
	add := func(raw string) {
		sc.norm = appendNormalized(sc.norm[:0], raw)
		for _, s := range out {
			if s == string(sc.norm) {
				return
			}
		}
		out = append(out, string(sc.norm))
	}
	segs := sc.segs
	for i := 0; i < len(segs); {
		s := &segs[i]
		if s.foreign {
			i++
			continue
		}
		best := -1
		if s.spaceNext && canStartJoin(segs, i) {
			total := s.n
			for j := i + 1; j < len(segs); j++ {
				t := &segs[j]
				if !t.shortGroup() {
					break
				}
				total += t.n
				if total > maxLen {
					break
				}
				lettersOnly := t.digits == 0
				if lettersOnly && (t.n > 2 || j-i < 2) {
					break // a letter suffix ("AG") ends a join of 3+ groups
				}
				loneDigit := t.n == 1 && !lettersOnly
				if !loneDigit && looksLike(text[s.start:t.end]) {
					best = j
				}
				if lettersOnly || !t.spaceNext {
					break
				}
			}
		}
		if best >= 0 {
			add(text[s.start:segs[best].end])
			if s.groups > 1 && looksLike(text[s.start:s.end]) {
				add(text[s.start:s.end])
			}
			i = best + 1
			continue
		}
		if looksLike(text[s.start:s.end]) {
			add(text[s.start:s.end])
		}
		i++
	}
	if cap(sc.segs) <= 4096 {
		scratchPool.Put(sc)
	}
	return out
}

// canStartJoin reports whether segs[i] may begin a join across spaces.
func canStartJoin(segs []segment, i int) bool {
	s := &segs[i]
	next := &segs[i+1]
	allDigitsNext := next.shortGroup() && next.letters == 0
	switch {
	case s.n == 1 && s.letters == 1:
		// Mercedes-Benz "A 000 420 47 20", VW "N 013 849 2".
		return allDigitsNext
	case s.n == 1:
		// Bosch "0 986 494 525"; a lone quantity ("2 8E0 ...") does not start.
		return allDigitsNext && next.n == 3
	case s.digits == 0:
		return false
	case s.letters > 0 && s.n <= 3 && s.groups == 1 && s.firstIsLetter:
		// Model codes such as "A4", "Q5", "E90" before a number.
		return false
	}
	return true
}

// scanSegments splits text into segments, skipping phone numbers.
func scanSegments(text string, segs []segment) []segment {
	var (
		cur     segment
		open    bool
		inGroup bool
	)
	closeSeg := func(spaceNext bool) {
		cur.spaceNext = spaceNext
		segs = append(segs, cur)
		open, inGroup = false, false
	}
	for i := 0; i < len(text); {
		r, size := rune(text[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(text[i:])
		}
		cls := classify(r)
		if cls == clsAlnum || cls == clsForeign {
			if !open {
				cur = segment{start: i}
				open = true
				cur.firstIsLetter = cls == clsAlnum && isLetterRune(r)
			}
			if !inGroup {
				cur.groups++
				inGroup = true
			}
			if cls == clsAlnum {
				cur.n++
				if isLetterRune(r) {
					cur.letters++
				} else {
					cur.digits++
				}
			} else {
				cur.foreign = true
			}
			i += size
			cur.end = i
			continue
		}
		if open {
			nextAlnum := false
			if j := i + size; j < len(text) {
				nr, _ := utf8.DecodeRuneInString(text[j:])
				nc := classify(nr)
				nextAlnum = nc == clsAlnum || nc == clsForeign
			}
			if cls == clsPunct && nextAlnum {
				inGroup = false
				i += size
				continue
			}
			closeSeg(cls == clsSpace && nextAlnum)
			if isPhoneKeyword(text[cur.start:cur.end]) {
				segs = segs[:len(segs)-1]
				i = skipPhone(text, i)
				continue
			}
		}
		if r == '+' && i+1 < len(text) && text[i+1] >= '0' && text[i+1] <= '9' {
			if n := len(segs); n > 0 {
				segs[n-1].spaceNext = false
			}
			i = skipPhone(text, i+1)
			continue
		}
		i += size
	}
	if open {
		closeSeg(false)
	}
	return segs
}

// Character classes used by scanSegments.
const (
	clsOther   = iota
	clsAlnum   // ASCII or fullwidth letter or digit
	clsForeign // any other letter or digit
	clsSpace   // single-space separators
	clsPunct   // "-", ".", "/", "_" and dashes
)

func classify(r rune) int {
	if r < utf8.RuneSelf {
		c := byte(r)
		switch {
		case normByte(c) != 0:
			return clsAlnum
		case c == ' ':
			return clsSpace
		case c == '-' || c == '.' || c == '/' || c == '_':
			return clsPunct
		}
		return clsOther
	}
	switch {
	case foldWide(r) != 0:
		return clsAlnum
	case spaceSep(r):
		return clsSpace
	case punctSep(r):
		return clsPunct
	case unicode.IsLetter(r) || unicode.IsDigit(r):
		return clsForeign
	}
	return clsOther
}

func isLetterRune(r rune) bool {
	return r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= 'Ａ' && r <= 'Ｚ' || r >= 'ａ' && r <= 'ｚ'
}

// phoneKeywords introduce a phone or fax number (upper case).
var phoneKeywords = [...]string{
	"TEL", "PHONE", "FAX", "MOBILE", "MOB", "CELL", "HOTLINE", "TELEFON",
	"TELEFAX", "TELEPHONE", "TELEFONE", "TELEFONO", "HANDY", "WHATSAPP",
}

// isPhoneKeyword reports whether word is one of phoneKeywords, ignoring case.
func isPhoneKeyword(word string) bool {
	if len(word) < 3 || len(word) > 9 {
		return false
	}
	for _, k := range phoneKeywords {
		if len(k) != len(word) {
			continue
		}
		match := true
		for i := 0; i < len(k); i++ {
			c := word[i]
			if c >= 'a' && c <= 'z' {
				c -= 'a' - 'A'
			}
			if c != k[i] {
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

// maxPhoneDigits is the longest phone number (E.164) that skipPhone skips.
const maxPhoneDigits = 15

// skipPhone returns the offset just after the phone number that starts at
// or after i: digit groups separated by spaces, ":", ".", "/", "-", "+" and
// brackets. It stops before a group that contains letters.
func skipPhone(text string, i int) int {
	digits := 0
	for i < len(text) {
		c := text[i]
		switch {
		case c == ' ' || c == ':' || c == '.' || c == '/' || c == '-' || c == '+' || c == '(' || c == ')':
			i++
		case c >= '0' && c <= '9':
			j := i
			for j < len(text) && text[j] >= '0' && text[j] <= '9' {
				j++
			}
			if j < len(text) && normByte(text[j]) != 0 {
				return i // "089 8E0..." : the group is not part of the number
			}
			if digits += j - i; digits > maxPhoneDigits {
				return i
			}
			i = j
		default:
			return i
		}
	}
	return i
}
