package pricefile

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// maxPartNumber is the longest part number after normalisation.
const maxPartNumber = 40

// maxCount bounds pack sizes, minimum orders and price units.
const maxCount = 1_000_000

// countWords may stand beside a pack size or order quantity: "VPE 10",
// "10 St.", "10 pcs", "10er".
var countWords = map[string]bool{
	"vpe": true, "ve": true, "pe": true, "st": true, "stk": true, "stck": true, "stuck": true, "stueck": true,
	"pcs": true, "pc": true, "pce": true, "pces": true, "piece": true, "pieces": true, "ea": true, "each": true,
	"x": true, "pack": true, "pk": true, "pkg": true, "set": true, "sets": true, "satz": true, "paar": true,
	"pair": true, "pairs": true, "er": true, "unit": true, "units": true, "box": true, "karton": true,
	"stück": true, "min": true, "mind": true, "je": true, "pro": true, "per": true,
}

// parseCount reads a pack size, minimum order or price unit: a whole
// number, with words such as "VPE", "St." or "pcs" around it. 0 means no
// value.
func parseCount(s string, conv byte) (int, error) {
	s = trimSpace(s)
	if noValue(s) {
		return 0, nil
	}
	if s[0] == '=' {
		return 0, formulaError(s)
	}
	num := s
	if !plainNumber(s) {
		var b strings.Builder
		for i := 0; i < len(s); {
			r, size := utf8.DecodeRuneInString(s[i:])
			switch {
			case r >= '0' && r <= '9', r == '.', r == ',', r == '-':
				b.WriteRune(r)
			case unicode.IsLetter(r):
				j := i
				for j < len(s) {
					r2, size2 := utf8.DecodeRuneInString(s[j:])
					if !unicode.IsLetter(r2) {
						break
					}
					j += size2
				}
				if !countWords[strings.ToLower(s[i:j])] {
					return 0, fmt.Errorf("%s is not a quantity", quote(s))
				}
				if j < len(s) && s[j] == '.' {
					j++ // an abbreviation: "St."
				}
				size = j - i
			case unicode.IsSpace(r), r == '.', r == ':', r == '×':
			default:
				return 0, fmt.Errorf("%s is not a quantity", quote(s))
			}
			i += size
		}
		num = b.String()
	}
	v, _, ok := parseNumber(num, conv)
	switch {
	case !ok:
		return 0, fmt.Errorf("%s is not a quantity", quote(s))
	case v < 0:
		return 0, fmt.Errorf("%s is negative", quote(s))
	case v != math.Trunc(v):
		return 0, fmt.Errorf("%s is not a whole number", quote(s))
	case v > maxCount:
		return 0, fmt.Errorf("%s is more than 1,000,000", quote(s))
	}
	return int(v), nil
}

// parseReturnable reads "ja/nein/yes/no/J/N/Y/1/0/x" and the like.
func parseReturnable(s string) (*bool, error) {
	s = trimSpace(s)
	if s == "" || s == "-" || s == "—" || s == "–" {
		return nil, nil
	}
	yes, no := true, false
	switch strings.ToLower(strings.TrimRight(s, ".!")) {
	case "ja", "j", "yes", "y", "1", "x", "true", "wahr", "ok", "returnable", "rückgabefähig", "rueckgabefaehig",
		"rücknahmefähig", "rücknahme möglich", "rückgabe möglich", "return", "r":
		return &yes, nil
	case "nein", "n", "no", "0", "false", "falsch", "non-returnable", "non returnable", "not returnable",
		"nicht rückgabefähig", "nicht rueckgabefaehig", "keine rückgabe", "keine rücknahme", "no return", "nr":
		return &no, nil
	}
	return nil, fmt.Errorf("%s is neither yes nor no", quote(s))
}

// weightUnits converts a weight unit to kilograms.
var weightUnits = map[string]float64{
	"kg": 1, "kgs": 1, "kilo": 1, "kilogramm": 1, "kilogram": 1, "kilograms": 1,
	"g": 0.001, "gr": 0.001, "gramm": 0.001, "gram": 0.001, "grams": 0.001,
	"lb": 0.45359237, "lbs": 0.45359237, "pound": 0.45359237, "pounds": 0.45359237, "oz": 0.028349523125,
	"t": 1000,
}

// headerWeightUnit returns the kilograms per unit a weight header names
// ("Gewicht (g)", "Weight lbs"), 1 when it names none.
func headerWeightUnit(h string) float64 {
	for _, t := range keyOf(h).tokens {
		if f, ok := weightUnits[t]; ok && t != "t" {
			return f
		}
	}
	return 1
}

// maxWeightKg bounds a part's weight.
const maxWeightKg = 100_000

// parseWeight reads "1,2 kg", "850 g", "2.5 lbs" or a bare number in the
// header's unit, as kilograms. 0 means no value.
func parseWeight(s string, unit float64, conv byte) (*float64, error) {
	s = trimSpace(s)
	if noValue(s) {
		return nil, nil
	}
	if s[0] == '=' {
		return nil, formulaError(s)
	}
	num := s
	if i := strings.IndexFunc(s, unicode.IsLetter); i >= 0 {
		u, ok := weightUnits[strings.ToLower(strings.TrimRight(trimSpace(s[i:]), "."))]
		if !ok {
			return nil, fmt.Errorf("%s is not a weight", quote(s))
		}
		num, unit = s[:i], u
	}
	v, _, ok := parseNumber(num, conv)
	switch {
	case !ok:
		return nil, fmt.Errorf("%s is not a weight", quote(s))
	case v < 0:
		return nil, fmt.Errorf("%s is negative", quote(s))
	case v == 0:
		return nil, nil
	}
	kg := v * unit
	if kg > maxWeightKg {
		return nil, fmt.Errorf("%s is more than 100 t", quote(s))
	}
	kg = math.Round(kg*1e6) / 1e6
	return &kg, nil
}

// parseRatio reads a quantity ratio: "2", "2x", "x2", "1:2" (one old for
// two new). 0 means no value.
func parseRatio(s string, conv byte) (float64, error) {
	s = trimSpace(s)
	if noValue(s) {
		return 0, nil
	}
	if s[0] == '=' {
		return 0, formulaError(s)
	}
	t := strings.Trim(strings.ToLower(s), "x× ")
	var v float64
	var ok bool
	if a, b, found := strings.Cut(t, ":"); found {
		va, _, okA := parseNumber(a, conv)
		vb, _, okB := parseNumber(b, conv)
		ok = okA && okB && va > 0
		if ok {
			v = vb / va
		}
	} else {
		v, _, ok = parseNumber(t, conv)
	}
	switch {
	case !ok:
		return 0, fmt.Errorf("%s is not a quantity ratio", quote(s))
	case v < 0:
		return 0, fmt.Errorf("%s is negative", quote(s))
	case v > 1000:
		return 0, fmt.Errorf("%s is more than 1,000", quote(s))
	}
	return v, nil
}

// Interchangeability, as Row.Interchange gives it.
const (
	OneWay = "one_way"
	TwoWay = "two_way"
)

// parseInterchange reads "one way", "einseitig", "→" as OneWay and "two
// way", "beidseitig", "↔", "ja" as TwoWay; "nein", "no" give "".
func parseInterchange(s string) (string, error) {
	s = trimSpace(s)
	if noValue(s) {
		return "", nil
	}
	k := strings.Join(keyOf(s).tokens, " ")
	switch {
	case s == "→" || s == "->" || s == "=>" || s == ">":
		return OneWay, nil
	case s == "↔" || s == "<->" || s == "<=>" || s == "<>":
		return TwoWay, nil
	}
	switch k {
	case "one way", "oneway", "1 way", "1", "einseitig", "einweg", "einseitig austauschbar", "vorwarts",
		"nur vorwarts", "forward", "forward only", "e", "o", "ow", "neu fur alt", "new for old":
		return OneWay, nil
	case "two way", "twoway", "2 way", "2", "beidseitig", "wechselseitig", "voll", "voll austauschbar",
		"beidseitig austauschbar", "ja", "j", "yes", "y", "b", "tw", "full", "fully", "both", "both ways",
		"interchangeable", "austauschbar":
		return TwoWay, nil
	case "nein", "n", "no", "none", "0", "nicht austauschbar", "not interchangeable", "keine":
		return "", nil
	}
	return "", fmt.Errorf("%s is not one-way or two-way", quote(s))
}

// excelEpoch is day 0 of Excel's 1900 date system (as it counts, with
// its phantom 29 February 1900).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// parseDate reads a date as YYYY-MM-DD: "2025-03-15", "15.03.2025",
// "15.3.25", "15/03/2025" (day first, unless the month would be over 12),
// "20250315", "2025-03-15 00:00:00", or an Excel serial day number of
// five digits (a date column exported without its format).
func parseDate(s string) (string, error) {
	s = trimSpace(s)
	if noValue(s) {
		return "", nil
	}
	bad := fmt.Errorf("%s is not a date", quote(s))
	if d, _, ok := strings.Cut(s, " "); ok && len(d) >= 8 {
		s = d // drop a time
	}
	if d, _, ok := strings.Cut(s, "T"); ok && len(d) == 10 {
		s = d
	}
	var y, m, d int
	switch {
	case len(s) == 8 && allDigits(s):
		y, _ = strconv.Atoi(s[:4])
		m, _ = strconv.Atoi(s[4:6])
		d, _ = strconv.Atoi(s[6:])
	case allDigits(s) && len(s) == 5: // Excel serial: 20000 is 1954-10-03
		n, _ := strconv.Atoi(s)
		if n < 20000 {
			return "", bad
		}
		return excelEpoch.AddDate(0, 0, n).Format(time.DateOnly), nil
	default:
		parts := strings.FieldsFunc(s, func(r rune) bool { return r == '.' || r == '-' || r == '/' })
		if len(parts) != 3 {
			return "", bad
		}
		n := [3]int{}
		for i, p := range parts {
			if !allDigits(p) || len(p) > 4 {
				return "", bad
			}
			n[i], _ = strconv.Atoi(p)
		}
		switch {
		case len(parts[0]) == 4:
			y, m, d = n[0], n[1], n[2]
		case strings.Contains(s, "/") && n[0] <= 12 && n[1] > 12:
			m, d, y = n[0], n[1], n[2] // US month first: 03/15/2025
		default:
			d, m, y = n[0], n[1], n[2]
		}
		if len(parts[2]) == 2 && len(parts[0]) != 4 {
			y += 2000
			if y > time.Now().Year()+20 {
				y -= 100
			}
		}
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if y < 1900 || y > 2200 || t.Day() != d || int(t.Month()) != m {
		return "", bad
	}
	return t.Format(time.DateOnly), nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// normalizedLen is len(partno.Normalize(s)) without building it, and
// whether the normalised form has a digit.
func normalizedLen(s string) (n int, digit bool) {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c >= '0' && c <= '9':
				n++
				digit = true
			case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z':
				n++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r >= '０' && r <= '９':
			n++
			digit = true
		case r >= 'Ａ' && r <= 'Ｚ', r >= 'ａ' && r <= 'ｚ':
			n++
		}
		i += size
	}
	return n, digit
}

// checkPartNumber returns an error for a cell that cannot be a part number:
// too long after normalisation, without a digit, or a number Excel wrote
// in scientific notation and so lost digits of.
func checkPartNumber(s string) error {
	n, digit := normalizedLen(s)
	switch {
	case n > maxPartNumber:
		return fmt.Errorf("the part number %s is %d characters long, more than %d: check that the column holds part numbers", quote(s), n, maxPartNumber)
	case scientific(s):
		return fmt.Errorf("the part number %s was saved in scientific notation and has lost its digits: format the column as text in the spreadsheet and export the file again", quote(s))
	case !digit:
		return fmt.Errorf("%s is not a part number: it has no digit", quote(s))
	}
	return nil
}

// scientific reports whether s reads like "3,41168E+10" or "1.2345e11".
func scientific(s string) bool {
	i := strings.IndexAny(s, "eE")
	if i <= 0 || i+2 > len(s) {
		return false
	}
	mant, exp := s[:i], strings.TrimPrefix(s[i+1:], "+")
	if !allDigits(exp) {
		return false
	}
	dot := strings.IndexAny(mant, ".,")
	return dot > 0 && allDigits(mant[:dot]) && allDigits(mant[dot+1:])
}

// cleanText trims a text cell and puts it on one line.
func cleanText(s string) string {
	s = trimSpace(s)
	if strings.ContainsAny(s, "\r\n\t") || strings.Contains(s, "  ") {
		s = strings.Join(strings.Fields(s), " ")
	}
	return s
}
