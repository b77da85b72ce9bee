package partno

import "slices"

// confusable gives, for each character that is misread or mistyped for
// another, the one it is taken for: O and 0, I and 1, S and 5, B and 8, Z and
// 2 both ways, and L for 1 (a lower-case "l" typed or read for "1"; a "1"
// read as "L" is rare, so 1 turns into I only).
var confusable = [256]byte{
	'O': '0', '0': 'O',
	'I': '1', '1': 'I',
	'L': '1',
	'S': '5', '5': 'S',
	'B': '8', '8': 'B',
	'Z': '2', '2': 'Z',
}

// variant is one or two changes to a key.
type variant struct {
	a, b    int // changed positions, a < b; b is -1 for one change
	toDigit int // changes of a letter to a digit
	toAlpha int // changes of a digit to a letter
	mixed   int // places where a letter and a digit meet in the variant
}

// Confusions returns up to max variants of a normalised number in which one
// or two characters are replaced by the character they are commonly taken
// for (O↔0, I↔1, L→1, S↔5, B↔8, Z↔2), for a "did you mean" that is always
// labelled as such, never given as the answer.
//
// The order is deterministic, likeliest first: variants that only turn
// letters into digits (a letter O typed for a zero) before those that turn a
// digit into a letter; then those where letters and digits meet in fewer
// places ("34II6794300" → "34116794300" before "341I6794300"); then one
// change before two; then the leftmost change. key is normalised with
// [Normalize] first; a key longer than 24 characters (no part number), one
// with nothing to confuse, or max < 1 gives nil.
func Confusions(key string, max int) []string {
	key = Normalize(key)
	if max < 1 || len(key) > maxLen {
		return nil
	}
	var posStack [maxLen]int
	pos := posStack[:0]
	for i := 0; i < len(key); i++ {
		if confusable[key[i]] != 0 {
			pos = append(pos, i)
		}
	}
	if len(pos) == 0 {
		return nil
	}
	vs := make([]variant, 0, len(pos)*(len(pos)+1)/2)
	var work [maxLen]byte
	measure := func(v variant) variant {
		w := work[:len(key)]
		copy(w, key)
		for _, p := range [2]int{v.a, v.b} {
			if p < 0 {
				continue
			}
			w[p] = confusable[key[p]]
			if isDigit(w[p]) {
				v.toDigit++
			} else {
				v.toAlpha++
			}
		}
		for i := 1; i < len(w); i++ {
			if isDigit(w[i]) != isDigit(w[i-1]) {
				v.mixed++
			}
		}
		return v
	}
	for x, a := range pos {
		vs = append(vs, measure(variant{a: a, b: -1}))
		for _, b := range pos[x+1:] {
			vs = append(vs, measure(variant{a: a, b: b}))
		}
	}
	slices.SortFunc(vs, func(p, q variant) int {
		switch {
		case p.toAlpha != q.toAlpha:
			return p.toAlpha - q.toAlpha
		case p.mixed != q.mixed:
			return p.mixed - q.mixed
		case (p.b < 0) != (q.b < 0):
			if p.b < 0 {
				return -1
			}
			return 1
		case p.a != q.a:
			return p.a - q.a
		}
		return p.b - q.b
	})
	vs = vs[:min(max, len(vs))]
	buf := make([]byte, 0, len(vs)*len(key))
	for _, v := range vs {
		start := len(buf)
		buf = append(buf, key...)
		buf[start+v.a] = confusable[key[v.a]]
		if v.b >= 0 {
			buf[start+v.b] = confusable[key[v.b]]
		}
	}
	all := string(buf)
	out := make([]string, len(vs))
	for i := range out {
		out[i] = all[i*len(key) : (i+1)*len(key)]
	}
	return out
}
