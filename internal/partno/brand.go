package partno

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// textMode says when an alias counts as a brand named in free text (see
// [Mentions]). Brand columns ([BrandOf]) accept every alias in any case.
type textMode uint8

const (
	textAny    textMode = iota // any case: "benz", "Benz", "BENZ"
	textProper                 // capitals ("SEAT"), or capitalised and not first in a sentence: the word "seat" is common
	textUpper                  // capitals only and not right after a number: "MAN", "MB" ("4 MB"), "ATE"
	textNever                  // brand columns only: "DB" (decibel)
)

// brandTable lists the canonical brand codes and the names files and people
// write for them, separated by "|". A prefix marks how a name counts in free
// text: "~" textProper, "^" textUpper, "!" textNever; no prefix is textAny.
// Every code is itself one of its names, so BrandOf(code) == code.
var brandTable = [...]struct{ code, names string }{
	// Vehicle makes.
	{"MERCEDES", "Mercedes-Benz|Mercedes|Benz|Daimler|Daimler-Benz|Mercedes-AMG|AMG|Merc|^MB|!DB"},
	{"SMART", "~smart"},
	{"BMW", "BMW|Bayerische Motoren Werke|BMW Motorrad"},
	{"MINI", "~Mini|Mini Cooper"},
	{"ROLLS ROYCE", "Rolls-Royce"},
	{"VW", "VW|Volkswagen|VAG|VW Group|Volkswagen Group|VWN|VW Nutzfahrzeuge|Volkswagen Nutzfahrzeuge|Volkswagen Commercial Vehicles"},
	{"AUDI", "Audi"},
	{"SKODA", "Skoda|Škoda"},
	{"SEAT", "~Seat|Cupra"},
	{"PORSCHE", "Porsche"},
	{"BENTLEY", "Bentley"},
	{"FORD", "Ford|Ford Motor|Ford-Werke"},
	{"OPEL", "Opel|Vauxhall|Opel/Vauxhall"},
	{"GM", "^GM|General Motors"},
	{"CHEVROLET", "Chevrolet|Chevy"},
	{"TOYOTA", "Toyota"},
	{"LEXUS", "Lexus"},
	{"RENAULT", "Renault"},
	{"DACIA", "Dacia"},
	{"PEUGEOT", "Peugeot"},
	{"CITROEN", "Citroën"},
	{"DS", "^DS|DS Automobiles"},
	{"FIAT", "Fiat"},
	{"ALFA ROMEO", "Alfa Romeo|Alfa"},
	{"LANCIA", "Lancia"},
	{"JEEP", "Jeep"},
	{"HYUNDAI", "Hyundai"},
	{"KIA", "Kia"},
	{"VOLVO", "Volvo"},
	{"NISSAN", "Nissan"},
	{"HONDA", "Honda"},
	{"MAZDA", "Mazda"},
	{"MITSUBISHI", "Mitsubishi"},
	{"SUBARU", "Subaru"},
	{"SUZUKI", "Suzuki"},
	{"LAND ROVER", "Land Rover|Range Rover"},
	{"JAGUAR", "~Jaguar"},
	{"MG", "^MG|MG Motor"},
	{"TESLA", "Tesla"},
	{"IVECO", "Iveco"},
	{"MAN", "^MAN|MAN Truck & Bus"},
	{"SCANIA", "Scania"},
	{"DAF", "DAF"},
	// Parts makers whose names appear in brand columns.
	{"BOSCH", "Bosch|Robert Bosch"},
	{"MAHLE", "Mahle"},
	{"KNECHT", "Knecht"},
	{"MANN", "^Mann|Mann-Filter|Mann+Hummel"},
	{"HELLA", "~Hella"},
	{"VALEO", "Valeo"},
	{"CONTINENTAL", "~Continental"},
	{"CONTITECH", "ContiTech"},
	{"ZF", "ZF|ZF Friedrichshafen"},
	{"SACHS", "Sachs"},
	{"LEMFORDER", "Lemförder|Lemfoerder"},
	{"TRW", "TRW"},
	{"ATE", "^ATE"},
	{"BREMBO", "Brembo"},
	{"TEXTAR", "Textar"},
	{"FEBI", "febi|febi bilstein"},
	{"BILSTEIN", "Bilstein"},
	{"MEYLE", "Meyle"},
	{"ELRING", "Elring"},
	{"VICTOR REINZ", "Victor Reinz|Reinz"},
	{"NGK", "NGK"},
	{"DENSO", "Denso"},
	{"SKF", "SKF"},
	{"INA", "^INA"},
	{"LUK", "LuK"},
	{"GATES", "~Gates"},
	{"DAYCO", "Dayco"},
	{"MONROE", "~Monroe"},
	{"PIERBURG", "Pierburg"},
	{"BEHR", "Behr"},
	{"HENGST", "Hengst"},
	{"SWAG", "~SWAG"},
	{"TOPRAN", "Topran"},
	{"VAICO", "Vaico"},
	{"VEMO", "Vemo"},
	{"BERU", "Beru"},
	{"VARTA", "Varta"},
	{"DELPHI", "Delphi"},
	{"MAGNETI MARELLI", "Magneti Marelli|Marelli"},
	{"MOTORCRAFT", "Motorcraft"},
}

// legalWords are legal forms stripped from the end of a brand name
// ("Meyle AG", "Robert Bosch GmbH & Co. KG").
var legalWords = map[string]bool{
	"AG": true, "GMBH": true, "MBH": true, "SE": true, "KG": true, "KGAA": true, "OHG": true,
	"CO": true, "COMPANY": true, "CORP": true, "CORPORATION": true, "INC": true,
	"INCORPORATED": true, "LTD": true, "LIMITED": true, "LLC": true, "PLC": true, "SA": true,
	"SAS": true, "SPA": true, "SRL": true, "BV": true, "NV": true, "AB": true, "AS": true, "OY": true,
}

// lookupWords are only dropped while a name is matched against the brand
// table ("Toyota Motor Corporation", "BMW Original Teile"); an unknown name
// keeps them.
var lookupWords = map[string]bool{
	"MOTOR": true, "MOTORS": true, "AUTO": true, "AUTOMOBILE": true, "AUTOMOBILES": true, "AUTOMOTIVE": true,
	"CARS": true, "GROUP": true, "ORIGINAL": true, "ORIGINALTEILE": true, "TEILE": true,
	"PARTS": true, "GENUINE": true, "OE": true,
}

// textAlias is a brand as it may be named in free text.
type textAlias struct {
	code string
	mode textMode
}

var (
	// brandCodes maps the compact form of every name (upper case, letters and
	// digits only: "MERCEDESBENZ") to its code.
	brandCodes = map[string]string{}
	// textAliases maps the words of every name joined by single spaces
	// ("MERCEDES BENZ"), and the compact form of names of several words, to
	// the code and the way it counts in free text.
	textAliases = map[string]textAlias{}
	// maxAliasWords is the largest number of words in a name.
	maxAliasWords = 1
)

func init() {
	for _, b := range brandTable {
		for _, name := range strings.Split(b.names, "|") {
			mode := textAny
			switch name[0] {
			case '~':
				mode, name = textProper, name[1:]
			case '^':
				mode, name = textUpper, name[1:]
			case '!':
				mode, name = textNever, name[1:]
			}
			var words []string
			for _, w := range strings.FieldsFunc(name, func(r rune) bool { return classifyName(r) != nameAlnum }) {
				words = append(words, string(appendFolded(nil, w)))
			}
			addBrandName(b.code, strings.Join(words, ""))
			if mode == textNever {
				continue
			}
			addTextAlias(strings.Join(words, " "), textAlias{b.code, mode})
			if len(words) > 1 {
				addTextAlias(strings.Join(words, ""), textAlias{b.code, mode})
			}
			maxAliasWords = max(maxAliasWords, len(words))
		}
		if code, ok := brandCodes[string(appendFolded(nil, b.code))]; !ok || code != b.code {
			panic(fmt.Sprintf("partno: brand code %q is not one of its own names", b.code))
		}
	}
}

func addBrandName(code, compact string) {
	if old, ok := brandCodes[compact]; ok && old != code {
		panic(fmt.Sprintf("partno: brand name %q is both %s and %s", compact, old, code))
	}
	brandCodes[compact] = code
}

func addTextAlias(key string, a textAlias) {
	if old, ok := textAliases[key]; ok && old.code != a.code {
		panic(fmt.Sprintf("partno: brand name %q is both %s and %s", key, old.code, a.code))
	}
	textAliases[key] = a
}

const (
	// maxNameBytes is the longest compact name looked up in the brand table.
	maxNameBytes = 64
	// maxNameWords is the most words a looked-up name may have.
	maxNameWords = 12
)

// nameWords is a brand name split into words, folded and compacted.
type nameWords struct {
	buf   [maxNameBytes]byte // compact form: the words back to back
	ends  [maxNameWords]int  // end of each word in buf
	start [maxNameWords]int  // byte offset of each word in the name
	n     int                // number of words
	any   bool               // the name has a letter or digit
	long  bool               // too long to be looked up
}

// split fills w with the words of name without allocating.
func (w *nameWords) split(name string) {
	*w = nameWords{}
	size, inWord := 0, false
	for i, r := range name {
		switch classifyName(r) {
		case nameMark:
			continue // a combining accent belongs to its letter
		case nameAlnum:
		default:
			inWord = false
			continue
		}
		w.any = true
		if w.long {
			continue
		}
		if !inWord {
			if w.n == maxNameWords {
				w.long = true
				continue
			}
			w.start[w.n] = i
			w.n++
			inWord = true
		}
		if r < utf8.RuneSelf && size < maxNameBytes {
			w.buf[size] = normByte(byte(r))
			size++
			w.ends[w.n-1] = size
			continue
		}
		var tmp [utf8.UTFMax * 2]byte
		f := appendFoldedRune(tmp[:0], r)
		if size+len(f) > maxNameBytes {
			w.long = true
			continue
		}
		size += copy(w.buf[size:], f)
		w.ends[w.n-1] = size
	}
}

// code looks the name up in the brand table, dropping legal forms and words
// such as "Motor" or "Original" from its end one at a time.
func (w *nameWords) code() (string, bool) {
	if w.long || w.n == 0 {
		return "", false
	}
	for n := w.n; n > 0; {
		if code, ok := brandCodes[string(w.buf[:w.ends[n-1]])]; ok {
			return code, true
		}
		k, ok := w.trailing(n, true)
		if !ok {
			break
		}
		n = k
	}
	return "", false
}

// trailing returns the number of words left when the last word of the first
// n is dropped, if it is a legal form (or, with lookup, a word such as
// "Motor"). Single letters at the end are one word: "a.s.", "S.p.A.".
func (w *nameWords) trailing(n int, lookup bool) (int, bool) {
	k := n - 1
	for k > 0 && w.ends[k]-w.wordStart(k) == 1 && w.ends[k-1]-w.wordStart(k-1) == 1 {
		k--
	}
	if k == 0 {
		return 0, false // the whole name
	}
	last := string(w.buf[w.wordStart(k):w.ends[n-1]])
	if legalWords[last] || lookup && lookupWords[last] {
		return k, true
	}
	return 0, false
}

// wordStart returns the start of word k in buf.
func (w *nameWords) wordStart(k int) int {
	if k == 0 {
		return 0
	}
	return w.ends[k-1]
}

// legalCut returns the byte offset in the name where its trailing legal
// forms begin, or len(name).
func (w *nameWords) legalCut(name string) int {
	if w.long {
		return len(name)
	}
	n := w.n
	for {
		k, ok := w.trailing(n, false)
		if !ok {
			break
		}
		n = k
	}
	if n == w.n {
		return len(name)
	}
	return w.start[n]
}

// BrandOf returns the canonical code of a brand name as price files and
// people write it. Case, accents, spaces and punctuation do not matter, nor do
// legal forms and words such as "Motor" or "Original" at the end:
// "Mercedes-Benz", "Mercedes", "MB", "Daimler" and "Benz" give "MERCEDES";
// "VW", "Volkswagen" and "VAG" give "VW"; "Skoda" and "Škoda" give "SKODA";
// "Seat" and "Cupra" give "SEAT"; "Opel" and "Vauxhall" give "OPEL"; "Mini"
// stays "MINI" and "Lexus" "LEXUS". About 40 vehicle makes and 40 parts
// makers are known (see the package documentation).
//
// An unknown name is returned upper-cased, with Latin accents folded ("Ö" →
// "O", "ß" → "SS"), trailing legal forms removed, whitespace trimmed and
// inner runs of whitespace folded to one space ("Brück  & Söhne KG" →
// "BRUCK & SOHNE"). A name without letters or digits ("", "-", "—") gives "".
// BrandOf(BrandOf(s)) == BrandOf(s), and a known name or an already
// canonical one is returned without allocating.
func BrandOf(name string) string {
	var w nameWords
	w.split(name)
	if !w.any {
		return ""
	}
	if code, ok := w.code(); ok {
		return code
	}
	cut := w.legalCut(name)
	var stack [maxNameBytes]byte
	out := appendBrandText(stack[:0], name[:cut], cut < len(name))
	if string(out) == name {
		return name
	}
	return string(out)
}

// appendBrandText appends s upper-cased and accent-folded, with whitespace,
// control characters and invalid bytes folded to single spaces, combining
// accents dropped, and leading and trailing spaces removed. After a legal
// form was cut (cut true), separators left dangling at the end are removed
// too ("Meyle, AG", "Meyle (AG)").
func appendBrandText(dst []byte, s string, cut bool) []byte {
	start := len(dst)
	space := false
	for _, r := range s {
		switch classifyName(r) {
		case nameMark:
			continue
		case nameSpace:
			space = true
			continue
		}
		if space && len(dst) > start {
			dst = append(dst, ' ')
		}
		space = false
		if classifyName(r) == nameAlnum {
			dst = appendFoldedRune(dst, r)
		} else {
			dst = utf8.AppendRune(dst, r)
		}
	}
	for cut && len(dst) > start {
		r, size := utf8.DecodeLastRune(dst[start:])
		if !strings.ContainsRune(" ,;:.&+-/([{\u2013\u2014", r) {
			break
		}
		dst = dst[:len(dst)-size]
	}
	return dst
}

// Classes of the runes of a name.
const (
	nameOther = iota // punctuation and symbols: separate words, kept
	nameAlnum        // letters and digits
	nameMark         // combining accents: dropped
	nameSpace        // whitespace, control characters, invalid bytes
)

// classifyName returns the class of r in a brand name or free text.
func classifyName(r rune) int {
	switch {
	case r < utf8.RuneSelf:
		switch c := byte(r); {
		case normByte(c) != 0:
			return nameAlnum
		case c <= ' ' || c == 0x7f:
			return nameSpace
		}
		return nameOther
	case r == utf8.RuneError:
		return nameSpace
	case unicode.IsLetter(r) || unicode.IsDigit(r):
		return nameAlnum
	case unicode.Is(unicode.Mn, r):
		return nameMark
	case unicode.IsSpace(r) || unicode.IsControl(r):
		return nameSpace
	}
	return nameOther
}

// appendFolded appends the folded form of every letter and digit of s.
func appendFolded(dst []byte, s string) []byte {
	for _, r := range s {
		if classifyName(r) == nameAlnum {
			dst = appendFoldedRune(dst, r)
		}
	}
	return dst
}

// appendFoldedRune appends the letter or digit r upper-cased, with Latin
// accents and fullwidth forms folded to ASCII ("š" → "S", "ß" → "SS", "Ｂ" →
// "B"); other letters ("Ж") are upper-cased.
func appendFoldedRune(dst []byte, r rune) []byte {
	if r < utf8.RuneSelf {
		return append(dst, normByte(byte(r)))
	}
	if s := latinFold(r); s != "" {
		return append(dst, s...)
	}
	if b := foldWide(r); b != 0 {
		return append(dst, b)
	}
	u := unicode.ToUpper(r)
	if u < utf8.RuneSelf {
		if b := normByte(byte(u)); b != 0 {
			return append(dst, b)
		}
		return dst
	}
	return utf8.AppendRune(dst, u)
}

// latin1Fold and latinAFold give the ASCII base letter of U+00C0–U+00FF and
// U+0100–U+017F; "*" marks a ligature (latinLigatures), "#" a non-letter.
const (
	latin1Fold = "AAAAAA*CEEEEIIIIDNOOOOO#OUUUUY**AAAAAA*CEEEEIIIIDNOOOOO#OUUUUY*Y"
	latinAFold = "AAAAAACCCCCCCCDDDDEEEEEEEEEEGGGGGGGGHHHHIIIIIIIIII**JJKKKLLLLLLLLLLNNNNNNNNNOOOOOO**RRRRRRSSSSSSSSTTTTTTUUUUUUUUUUUUWWYYYZZZZZZS"
)

// latinLigatures are the Latin letters that fold to two ASCII letters.
var latinLigatures = map[rune]string{
	'Æ': "AE", 'æ': "AE", 'Þ': "TH", 'þ': "TH", 'ß': "SS",
	'Ĳ': "IJ", 'ĳ': "IJ", 'Œ': "OE", 'œ': "OE",
}

// latinFold returns the ASCII upper-case form of an accented Latin letter,
// or "".
func latinFold(r rune) string {
	var c byte
	switch {
	case r >= 0xC0 && r <= 0xFF:
		c = latin1Fold[r-0xC0]
	case r >= 0x100 && r <= 0x17F:
		c = latinAFold[r-0x100]
	case r == 'Ș' || r == 'ș':
		return "S"
	case r == 'Ț' || r == 'ț':
		return "T"
	case r == 'ẞ':
		return "SS"
	default:
		return ""
	}
	switch c {
	case '*':
		return latinLigatures[r]
	case '#':
		return ""
	}
	return asciiLetters[c-'A' : c-'A'+1]
}

const asciiLetters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

// family groups brands that number their parts the same way.
type family uint8

const (
	famOther    family = iota
	famBMW             // BMW, MINI: 11 digits, the last 7 identify the part
	famMercedes        // "A" + 10 digits
	famVW              // VW, Audi, Skoda, Seat: 3-3-3 + index + colour, "N" hardware
	famToyota          // Toyota, Lexus: 5-5(-2)
	famFord            // prefix-base-suffix
	famBosch           // 10 digits, 1-3-3-3
)

// familyOf returns the numbering family of a brand code or name without
// allocating.
func familyOf(brand string) family {
	switch brand {
	case "":
		return famOther
	case "BMW", "MINI":
		return famBMW
	case "MERCEDES":
		return famMercedes
	case "VW", "AUDI", "SKODA", "SEAT":
		return famVW
	case "TOYOTA", "LEXUS":
		return famToyota
	case "FORD":
		return famFord
	case "BOSCH":
		return famBosch
	}
	var w nameWords
	w.split(brand)
	code, ok := w.code()
	if !ok || code == brand {
		return famOther
	}
	return familyOf(code)
}
