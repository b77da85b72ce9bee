package partno

import (
	"sync"
	"unicode"
	"unicode/utf8"
)

const (
	// maxJoinedGroup is the longest group that may be joined across a space.
	maxJoinedGroup = 5
	// maxLinearDedup is how many candidates are deduplicated by a linear
	// scan before a map takes over.
	maxLinearDedup = 64
)

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

// plausible is a cheap pre-check before looksLike.
func (s *segment) plausible() bool {
	return s.n >= minLen && s.n <= maxLen && s.digits > 0
}

// scratch holds reusable buffers for Candidates.
type scratch struct {
	segs []segment
	norm []byte // normalised candidates, back to back
	ends []int  // end offset of each candidate in norm
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
// the returned slice and one string that backs its elements.
func Candidates(text string) []string {
	sc := scratchPool.Get().(*scratch)
	sc.segs = scanSegments(text, sc.segs[:0])
	// All candidates are collected in one buffer and returned as substrings
	// of a single string, so a call allocates twice however many it finds.
	buf, ends := sc.norm[:0], sc.ends[:0]
	var seen map[string]bool // for long texts with many candidates
	add := func(raw string) {
		start := len(buf)
		buf = appendNormalized(buf, raw)
		if seen != nil {
			if seen[string(buf[start:])] {
				buf = buf[:start]
				return
			}
			seen[string(buf[start:])] = true
			ends = append(ends, len(buf))
			return
		}
		prev := 0
		for _, end := range ends {
			if string(buf[prev:end]) == string(buf[start:]) {
				buf = buf[:start]
				return
			}
			prev = end
		}
		ends = append(ends, len(buf))
		if len(ends) == maxLinearDedup {
			seen = make(map[string]bool, 2*maxLinearDedup)
			prev = 0
			for _, end := range ends {
				seen[string(buf[prev:end])] = true
				prev = end
			}
		}
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
			total, digits := s.n, s.digits
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
				if lettersOnly && hasLower(text[t.start:t.end]) && !hasLower(text[lowerFrom(segs, i):segs[j-1].end]) {
					break // "34 11 6 794 300 is …": a lower-case word after a number written without lower case
				}
				digits += t.digits
				loneDigit := t.n == 1 && !lettersOnly
				if !loneDigit && total >= minLen && digits > 0 && looksLike(text[s.start:t.end]) {
					best = j
				}
				if lettersOnly || !t.spaceNext {
					break
				}
			}
		}
		if best >= 0 {
			add(text[s.start:segs[best].end])
			if s.plausible() && looksLike(text[s.start:s.end]) {
				add(text[s.start:s.end])
			}
			i = best + 1
			continue
		}
		if s.plausible() && looksLike(text[s.start:s.end]) {
			add(text[s.start:s.end])
		}
		i++
	}
	var out []string
	if len(ends) > 0 {
		all := string(buf)
		out = make([]string, len(ends))
		prev := 0
		for k, end := range ends {
			out[k] = all[prev:end]
			prev = end
		}
	}
	if cap(sc.segs) <= 4096 && cap(buf) <= 1<<16 {
		sc.norm, sc.ends = buf, ends
		scratchPool.Put(sc)
	}
	return out
}

// lowerFrom is where a join starting at segs[i] is looked at for lower
// case: after a leading single letter ("a 000 420 47 20 in stock" has no
// lower case of its own), else at its start.
func lowerFrom(segs []segment, i int) int {
	if segs[i].n == 1 && segs[i].letters == 1 && i+1 < len(segs) {
		return segs[i+1].start
	}
	return segs[i].start
}

// hasLower reports whether s contains an ASCII lower-case letter.
func hasLower(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 'a' && s[i] <= 'z' {
			return true
		}
	}
	return false
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

// scanSegments splits text into segments, skipping phone numbers. Words of
// three or more letters and tokens with foreign letters can never be part
// of a candidate; they are not kept, and the segment before them is marked
// as not joinable.
func scanSegments(text string, segs []segment) []segment {
	var (
		cur     segment
		open    bool
		inGroup bool
	)
	for i := 0; i < len(text); {
		r, size := rune(text[i]), 1
		var cls uint8
		if r < utf8.RuneSelf {
			cls = asciiClass[r]
		} else {
			r, size = utf8.DecodeRuneInString(text[i:])
			cls = classifyWide(r)
		}
		if cls&(clsAlnum|clsForeign) != 0 {
			if !open {
				cur = segment{start: i, firstIsLetter: cls == clsLetter}
				open = true
			}
			if !inGroup {
				cur.groups++
				inGroup = true
			}
			if size == 1 {
				// Fast path: consume the whole ASCII run of letters and digits.
				letters, digits := 0, 0
				j := i
				for ; j < len(text); j++ {
					c := asciiClass[text[j]&0x7f]
					if text[j] >= utf8.RuneSelf || c&clsAlnum == 0 {
						break
					}
					if c == clsLetter {
						letters++
					} else {
						digits++
					}
				}
				cur.n += letters + digits
				cur.letters += letters
				cur.digits += digits
				i = j
				cur.end = i
				continue
			}
			switch cls {
			case clsLetter:
				cur.n++
				cur.letters++
			case clsDigit:
				cur.n++
				cur.digits++
			default:
				cur.foreign = true
			}
			i += size
			cur.end = i
			continue
		}
		if open {
			nextAlnum := false
			if j := i + size; j < len(text) {
				if c := text[j]; c < utf8.RuneSelf {
					nextAlnum = asciiClass[c]&clsAlnum != 0
				} else {
					nr, _ := utf8.DecodeRuneInString(text[j:])
					nextAlnum = classifyWide(nr)&(clsAlnum|clsForeign) != 0
				}
			}
			if cls == clsPunct && nextAlnum {
				inGroup = false
				i += size
				continue
			}
			word := cur.digits == 0 && cur.groups == 1 && !cur.foreign
			segs = closeSegment(segs, &cur, cls == clsSpace && nextAlnum)
			open, inGroup = false, false
			if word && isPhoneKeyword(text[cur.start:cur.end]) {
				if n := len(segs); n > 0 && segs[n-1].start == cur.start {
					segs = segs[:n-1]
				}
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
		segs = closeSegment(segs, &cur, false)
	}
	return segs
}

// closeSegment appends cur to segs unless it can never be part of a
// candidate, in which case the previous segment is marked as not joinable.
func closeSegment(segs []segment, cur *segment, spaceNext bool) []segment {
	if cur.foreign || cur.digits == 0 && cur.n > 2 {
		if n := len(segs); n > 0 {
			segs[n-1].spaceNext = false
		}
		return segs
	}
	cur.spaceNext = spaceNext
	return append(segs, *cur)
}

// Character classes used by scanSegments (bit flags).
const (
	clsOther   uint8 = 0
	clsLetter  uint8 = 1 << iota // ASCII or fullwidth Latin letter
	clsDigit                     // ASCII or fullwidth digit
	clsForeign                   // any other letter or digit
	clsSpace                     // single-space separators
	clsPunct                     // "-", ".", "/", "_" and dashes

	clsAlnum = clsLetter | clsDigit
)

// asciiClass is the class of each ASCII byte.
var asciiClass = func() (t [utf8.RuneSelf]uint8) {
	for c := range t {
		switch b := byte(c); {
		case b >= '0' && b <= '9':
			t[c] = clsDigit
		case normByte(b) != 0:
			t[c] = clsLetter
		case b == ' ':
			t[c] = clsSpace
		case b == '-' || b == '.' || b == '/' || b == '_':
			t[c] = clsPunct
		}
	}
	return t
}()

// classifyWide returns the class of a non-ASCII rune.
func classifyWide(r rune) uint8 {
	switch b := foldWide(r); {
	case b >= '0' && b <= '9':
		return clsDigit
	case b != 0:
		return clsLetter
	case spaceSep(r):
		return clsSpace
	case punctSep(r):
		return clsPunct
	case unicode.IsLetter(r) || unicode.IsDigit(r):
		return clsForeign
	}
	return clsOther
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
