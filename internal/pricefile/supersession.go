package pricefile

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"counterpart/internal/supersession"
)

// Kinds of supersession a row states (Row.SupersedeKind): the supersession
// package's names.
const (
	// Single: one number replaces the part.
	Single = supersession.Single
	// AllOf: a set replaces the part; every member is ordered ("A + B",
	// "A und B", "A, B").
	AllOf = supersession.AllOf
	// OneOf: any one of several replaces the part ("A / B", "A oder B").
	OneOf = supersession.OneOf
)

// successors is what a superseded-by cell says.
type successors struct {
	numbers      []string  // as written, without quantities
	qty          []float64 // per number; 0 when the cell gives none
	kind         string
	chain        []string // numbers after numbers[0] in an "A → B → C" cell
	discontinued bool
}

// discontinuedPhrases say that a part has no successor.
var discontinuedPhrases = []string{
	"entfällt ersatzlos", "entfaellt ersatzlos", "ersatzlos", "entfällt", "entfaellt", "entfallen", "ohne ersatz",
	"kein ersatz", "keine nachfolge", "nicht mehr lieferbar", "nicht lieferbar", "ausgelaufen", "discontinued",
	"no replacement", "no longer available", "not available", "nla", "obsolete", "no successor",
}

// fillerPhrases may introduce a number in a supersession cell.
var fillerPhrases = []string{
	"ersetzt durch", "superseded by", "replaced by", "replacement", "successor", "siehe", "see", "use",
	"verwende", "verwenden", "nachfolger", "ersatz", "neu", "new", "neue nummer", "new number",
}

// Separators in supersession cells; word separators need spaces around them.
var (
	arrowSeps = []string{"-->", "==>", "->", "=>", "→", "⇒", "➔", "➜", "⟶", "»", ">"}
	allOfSeps = []string{" und ", " and ", " u. ", " plus ", " sowie ", "+", "&", ",", ";"}
	oneOfSeps = []string{" oder ", " or ", " bzw. ", " bzw ", " alternativ ", " alternatively ", " alt. ", "|"}
)

const (
	markAll = "\x01"
	markOne = "\x02"
	markArr = "\x03"
)

// parseSuccessors reads a superseded-by cell: "34116858652", "A → B",
// "1K0698151B + 1K0698151C" or "A und B" (a set), "A / B", "A oder B", "A or
// B" (alternatives), quantities "2x 123456", "123456 (2x)", and words
// such as "entfällt" or "NLA" (discontinued). self, the row's own part
// number, is dropped where a cell repeats it ("P → B").
func parseSuccessors(cell, self string) (successors, error) {
	var out successors
	if simpleCell(cell) {
		// One number, perhaps with a quantity: the usual cell.
		num, qty, err := numberPiece(cell, cell)
		if err != nil || num == "" || sameNumber(num, self) {
			return out, err
		}
		out.numbers, out.qty, out.kind = []string{num}, []float64{qty}, Single
		return out, nil
	}
	s, disc := stripDiscontinued(cell)
	out.discontinued = disc
	if noValue(trimSpace(s)) || !strings.ContainsAny(s, "0123456789") && disc {
		return out, nil
	}
	marked := markSeparators(s)
	if strings.Contains(marked, markArr) {
		if strings.ContainsAny(marked, markAll+markOne) {
			return out, fmt.Errorf("%s mixes a chain (→) with a set or alternatives: write one supersession per row", quote(cell))
		}
		var nums []string
		for _, seg := range strings.Split(marked, markArr) {
			num, _, err := numberPiece(seg, cell)
			if err != nil {
				return out, err
			}
			if num == "" {
				continue
			}
			if sameNumber(num, self) {
				nums = nums[:0] // the chain runs through this part: keep what follows it
				continue
			}
			nums = append(nums, num)
		}
		if len(nums) > 0 {
			out.numbers, out.qty, out.kind = nums[:1], []float64{0}, Single
			if len(nums) > 1 {
				out.chain = nums[1:]
			}
		}
		return out, nil
	}
	all, one := strings.Contains(marked, markAll), strings.Contains(marked, markOne)
	if all && one {
		return out, fmt.Errorf("%s mixes a set (A + B) with alternatives (A / B): write which it is", quote(cell))
	}
	kind := AllOf
	if one {
		kind = OneOf
	}
	for _, piece := range strings.FieldsFunc(marked, func(r rune) bool { return r == '\x01' || r == '\x02' }) {
		num, qty, err := numberPiece(piece, cell)
		if err != nil {
			return out, err
		}
		if num == "" || sameNumber(num, self) || containsKey(out.numbers, num) {
			continue
		}
		out.numbers = append(out.numbers, num)
		out.qty = append(out.qty, qty)
	}
	switch len(out.numbers) {
	case 0:
	case 1:
		out.kind = Single
	default:
		out.kind = kind
	}
	return out, nil
}

// parsePredecessors reads a supersedes cell: the old numbers, in the
// order written (for a chain "A → B", oldest first).
func parsePredecessors(cell, self string) ([]string, error) {
	s, _ := stripDiscontinued(cell)
	if noValue(trimSpace(s)) {
		return nil, nil
	}
	var out []string
	marked := markSeparators(s)
	for _, piece := range strings.FieldsFunc(marked, func(r rune) bool { return r <= '\x03' }) {
		num, _, err := numberPiece(piece, cell)
		if err != nil {
			return nil, err
		}
		if num != "" && !sameNumber(num, self) && !containsKey(out, num) {
			out = append(out, num)
		}
	}
	return out, nil
}

func containsKey(nums []string, num string) bool {
	for _, n := range nums {
		if sameNumber(n, num) {
			return true
		}
	}
	return false
}

// sameNumber reports whether partno.Normalize(a) == partno.Normalize(b).
func sameNumber(a, b string) bool {
	i, j := 0, 0
	for {
		var ca, cb byte
		ca, i = nextNormalized(a, i)
		cb, j = nextNormalized(b, j)
		if ca != cb {
			return false
		}
		if ca == 0 {
			return true
		}
	}
}

// nextNormalized returns the next byte of partno.Normalize(s) from byte i
// on, and where to go on; 0 at the end.
func nextNormalized(s string, i int) (byte, int) {
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
				return c, i
			case c >= 'a' && c <= 'z':
				return c - 'a' + 'A', i
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r >= '０' && r <= '９':
			return byte(r-'０') + '0', i
		case r >= 'Ａ' && r <= 'Ｚ':
			return byte(r-'Ａ') + 'A', i
		case r >= 'ａ' && r <= 'ｚ':
			return byte(r-'ａ') + 'A', i
		}
	}
	return 0, i
}

// simpleCell reports whether a supersession cell is one number, perhaps
// with a quantity: every word has a digit and no separator occurs.
func simpleCell(s string) bool {
	word, digit := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			word, digit = true, true
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c == '-', c == '.':
			word = true
		case c == ' ':
			if word && !digit {
				return false
			}
			word, digit = false, false
		default:
			return false // separators, brackets, non-ASCII, line breaks
		}
	}
	return !word || digit
}

// stripDiscontinued removes the words that say a part is discontinued.
func stripDiscontinued(cell string) (string, bool) {
	s := " " + strings.ReplaceAll(strings.ReplaceAll(cell, "\r", " "), "\n", " , ") + " "
	low := lowerASCII(s)
	found := false
	for _, p := range discontinuedPhrases {
		for {
			i := strings.Index(low, p)
			if i < 0 {
				break
			}
			end := i + len(p)
			if isWordByte(low[i-1]) || end < len(low) && isWordByte(low[end]) {
				break // inside a word or number
			}
			s, low = s[:i]+" "+s[end:], low[:i]+" "+low[end:]
			found = true
		}
	}
	return s, found
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// lowerASCII lower-cases ASCII letters only, so byte positions stay.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// markSeparators replaces the separators of a supersession cell with
// markAll, markOne or markArr. "/" separates alternatives only when every
// piece it leaves is a part number of its own, so "1K0/615/301/AA" stays
// one number.
func markSeparators(s string) string {
	s = " " + s + " "
	low := lowerASCII(s)
	replace := func(seps []string, mark string) {
		for _, sep := range seps {
			for {
				i := strings.Index(low, sep)
				if i < 0 {
					break
				}
				pad := strings.Repeat(" ", len(sep)-1)
				s = s[:i] + mark + pad + s[i+len(sep):]
				low = low[:i] + mark + pad + low[i+len(sep):]
			}
		}
	}
	replace(arrowSeps, markArr)
	replace(oneOfSeps, markOne)
	replace(allOfSeps, markAll)
	if strings.Contains(s, "/") {
		pieces := strings.Split(s, "/")
		own := true
		for _, p := range pieces {
			for _, q := range strings.FieldsFunc(p, func(r rune) bool { return r <= '\x03' }) {
				if n, digit := normalizedLen(q); (n < 5 || !digit) && trimSpace(q) != "" {
					own = false
				}
			}
		}
		if own {
			s = strings.ReplaceAll(s, "/", markOne)
		}
	}
	return s
}

// qtyWords follow a quantity: "2 x 123456", "2 St. 123456".
var qtyWords = map[string]bool{"x": true, "×": true, "*": true, "st": true, "st.": true, "stk": true,
	"stk.": true, "stück": true, "pcs": true, "pc": true, "mal": true}

// numberPiece reads one number of a supersession cell with an optional
// quantity ("2x 123456", "2 x 123456", "123456 (2x)", "123456 x2").
// An empty piece gives "".
func numberPiece(piece, cell string) (num string, qty float64, err error) {
	f := strings.Fields(stripFiller(piece))
	if len(f) == 0 {
		return "", 0, nil
	}
	if q, ok := leadingQty(f[0]); ok && len(f) > 1 {
		qty, f = q, f[1:]
	} else if q, ok := smallInt(f[0]); ok && len(f) > 2 && qtyWords[strings.ToLower(f[1])] {
		qty, f = q, f[2:]
	}
	if len(f) > 1 {
		last := strings.ToLower(f[len(f)-1])
		if q, ok := trailingQty(last); ok {
			qty, f = q, f[:len(f)-1]
		} else if len(f) > 2 && (last == "x" || last == "×") {
			if q, ok := smallInt(f[len(f)-2]); ok {
				qty, f = q, f[:len(f)-2]
			}
		}
	}
	num = strings.Trim(strings.Join(f, " "), ":()[] ")
	if num == "" {
		return "", 0, nil
	}
	if err := checkPartNumber(num); err != nil {
		return "", 0, fmt.Errorf("%s: %w", quote(cell), err)
	}
	return num, qty, nil
}

// stripFiller drops words such as "siehe" or "ersetzt durch:" before a
// number.
func stripFiller(s string) string {
	s = trimSpace(s)
	for changed := true; changed; {
		changed = false
		low := lowerASCII(s)
		for _, p := range fillerPhrases {
			if strings.HasPrefix(low, p) && (len(low) == len(p) || !isWordByte(low[len(p)])) {
				s = trimSpace(strings.TrimLeft(s[len(p):], ":. "))
				changed = true
				break
			}
		}
	}
	return s
}

// leadingQty reads "2x", "2×", "2*".
func leadingQty(t string) (float64, bool) {
	t = strings.ToLower(t)
	for _, suf := range []string{"x", "×", "*"} {
		if n, ok := strings.CutSuffix(t, suf); ok {
			return smallInt(n)
		}
	}
	return 0, false
}

// trailingQty reads "(2x)", "(2)", "x2", "×2", "2x".
func trailingQty(t string) (float64, bool) {
	if inner, ok := strings.CutPrefix(t, "("); ok {
		if inner, ok = strings.CutSuffix(inner, ")"); ok {
			if q, ok := leadingQty(inner); ok {
				return q, true
			}
			return smallInt(inner)
		}
		return 0, false
	}
	for _, pre := range []string{"x", "×"} {
		if n, ok := strings.CutPrefix(t, pre); ok {
			return smallInt(n)
		}
	}
	return leadingQty(t)
}

// smallInt reads a quantity of 1 to 999.
func smallInt(t string) (float64, bool) {
	if len(t) == 0 || len(t) > 3 || !allDigits(t) {
		return 0, false
	}
	n, _ := strconv.Atoi(t)
	return float64(n), n >= 1
}
