package pricefile

import (
	"unicode"
	"unicode/utf8"

	"counterpart/internal/extract"
	"counterpart/internal/partno"
)

// findHeader returns the index of the header row among the first rows of
// a sheet, -1 when it has none: the row naming the most columns that Guess
// knows (at least two; the first such row on a tie), else the row
// extract.HeaderRow picks. Title rows ("Preisliste 2025", a supplier's
// address) above it are skipped either way.
func findHeader(rows [][]string) int {
	best, bestN := -1, 0
	for i, r := range rows {
		n := 0
		for _, c := range r {
			c = trimSpace(c)
			if c == "" || utf8.RuneCountInString(c) > 60 || isValue(c) {
				continue
			}
			if f, sc := guessField(c); f != "" && sc >= 1000 {
				n++
			}
		}
		if n > bestN {
			best, bestN = i, n
		}
	}
	if bestN >= 2 {
		return best
	}
	return extract.HeaderRow(rows)
}

// isValue reports whether a cell reads as data rather than a label: a
// number, an amount or a part number.
func isValue(c string) bool {
	if _, _, _, _, state, err := parseMoney(c, 0); err == nil && state == moneyOK {
		return true
	}
	return partno.LooksLikePartNumber(c)
}

// guessByValues maps the columns of a sheet without a header row by what
// they hold: the first column where most values look like part numbers is
// the part number, the text column with the longest values the
// description, and columns of amounts with decimals other prices.
func guessByValues(headers []string, rows [][]string) Mapping {
	type stats struct{ n, part, text, money, decimals, length int }
	st := make([]stats, len(headers))
	for _, r := range rows {
		for i, c := range r {
			if i >= len(st) {
				break
			}
			c = trimSpace(c)
			if c == "" {
				continue
			}
			s := &st[i]
			s.n++
			s.length += utf8.RuneCountInString(c)
			switch {
			case partno.LooksLikePartNumber(c):
				s.part++
			case hasLetters(c, 3):
				s.text++
			}
			if _, _, _, proved, state, err := parseMoney(c, 0); err == nil && state == moneyOK {
				s.money++
				if proved != 0 {
					s.decimals++
				}
			}
		}
	}
	m := Mapping{Columns: make([]Column, len(headers))}
	part, desc := -1, -1
	for i, s := range st {
		m.Columns[i] = Column{Index: i, Header: headers[i], Field: Ignore}
		if part < 0 && s.n > 0 && s.part*5 >= s.n*4 && s.n*2 >= len(rows) {
			part = i
		}
	}
	for i, s := range st {
		if i == part || s.n == 0 {
			continue
		}
		switch {
		case s.text*5 >= s.n*4 && (desc < 0 || s.length*st[desc].n > st[desc].length*s.n):
			desc = i
		case s.money*5 >= s.n*4 && s.decimals*2 >= s.n:
			m.Columns[i].Field = OtherPrice
		}
	}
	if part >= 0 {
		m.Columns[part].Field = PartNumber
	}
	if desc >= 0 {
		m.Columns[desc].Field = Description
	}
	return m
}

func hasLetters(s string, n int) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			if n--; n == 0 {
				return true
			}
		}
	}
	return false
}
