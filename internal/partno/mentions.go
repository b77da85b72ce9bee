package partno

import "unicode"

// mentionToken is one word of free text, folded into Mentions' buffer.
type mentionToken struct {
	start, end int  // the folded word in the buffer
	digits     bool // contains a digit: a number or a code such as "W204"
	allDigits  bool // only digits: a number
	upper      bool // every letter was written in capitals ("SEAT")
	capital    bool // the first letter was a capital ("Seat")
	sentence   bool // first word of a sentence
	join       bool // only spaces, "-" or "+" separate it from the word before
	plural     bool // ends in a lower-case "s" ("BMWs", "Audis")
}

// Mentions returns the brand codes named in free text, in order of first
// mention and without duplicates: "what does the BMW 6794300 cost" gives
// ["BMW"], "beim Benz" and "Mercedes-Benz" ["MERCEDES"], "Škoda oder VW"
// ["SKODA", "VW"].
//
// Names of several words are matched first ("Land Rover", "Alfa Romeo",
// "Mann-Filter"), case and accents do not matter, and a plural or genitive
// "s" is allowed ("BMWs", "des Audis"). Names that are also ordinary words
// count only when they cannot be the word: "Seat", "Mini", "Smart",
// "Jaguar", "Gates", "Hella", "Continental" in capitals or capitalised
// within a sentence ("seat belt" and "Seat belt for a Golf" name no brand,
// "a Seat Leon" does); "MAN", "MB", "MG", "DS", "GM", "ATE", "INA" and "Mann"
// only in capitals and not right after a number ("4 MB"). Numbers and codes
// with digits ("A4", "W204") are never brands.
func Mentions(text string) []string {
	var (
		stack  [256]byte
		buf    = stack[:0]
		tstack [32]mentionToken
		toks   = tstack[:0]
	)
	// Split the text into folded words, one space apart in buf.
	cur := mentionToken{}
	open, sentence, join := false, true, false
	var last rune
	closeWord := func() {
		if !open {
			return
		}
		cur.end = len(buf)
		cur.plural = last == 's'
		toks = append(toks, cur)
		buf = append(buf, ' ')
		open = false
	}
	for _, r := range text {
		switch classifyName(r) {
		case nameMark:
			continue
		case nameAlnum:
			if !open {
				cur = mentionToken{start: len(buf), upper: true, allDigits: true,
					sentence: sentence, join: join && len(toks) > 0}
				cur.capital = unicode.IsUpper(r)
				open, sentence, join = true, false, true
			}
			if unicode.IsDigit(r) {
				cur.digits = true
			} else {
				cur.allDigits = false
				if !unicode.IsUpper(r) {
					cur.upper = false
				}
			}
			buf = appendFoldedRune(buf, r)
			last = r
			continue
		case nameSpace:
			if r == '\n' || r == '\r' {
				sentence = true
			}
		default:
			switch r {
			case '.', '!', '?', ':', ';', '¿', '¡', '•':
				sentence = true
				join = false
			case '-', '+', '\u2010', '\u2011', '\u2013':
			default:
				join = false
			}
		}
		closeWord()
	}
	closeWord()

	var out []string
	for i := 0; i < len(toks); {
		t := &toks[i]
		if t.digits {
			i++
			continue
		}
		code, words := "", 0
		for w := min(maxAliasWords, len(toks)-i); w >= 1 && code == ""; w-- {
			if !joined(toks[i : i+w]) {
				continue
			}
			a, ok := textAliases[string(buf[t.start:toks[i+w-1].end])]
			if !ok && w == 1 && t.plural && t.end-t.start >= 3 {
				if a, ok = textAliases[string(buf[t.start:t.end-1])]; ok && a.mode != textAny {
					ok = false
				}
			}
			if ok && counts(a.mode, toks, i) {
				code, words = a.code, w
			}
		}
		if code == "" {
			i++
			continue
		}
		if !containsString(out, code) {
			out = append(out, code)
		}
		i += words
	}
	return out
}

// joined reports whether the words form one name: none has digits and only
// spaces, "-" or "+" separate them.
func joined(toks []mentionToken) bool {
	for k := range toks {
		if toks[k].digits || k > 0 && !toks[k].join {
			return false
		}
	}
	return true
}

// counts reports whether a name starting at toks[i] counts as a brand in
// text, given how it may be written.
func counts(mode textMode, toks []mentionToken, i int) bool {
	t := &toks[i]
	switch mode {
	case textProper:
		return t.upper || t.capital && !t.sentence
	case textUpper:
		return t.upper && (i == 0 || !toks[i-1].allDigits)
	case textNever:
		return false
	}
	return true
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
