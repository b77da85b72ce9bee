package partno

// GuessBrand returns the brand that the shape of a normalised part number
// suggests, for a price file without a brand column, or "" when the shape
// says nothing. Only shapes that one make uses are guessed:
//
//   - 11 digits: "BMW" ("34116794300");
//   - "A" and 10 digits: "MERCEDES" ("A0004204720");
//   - 10 digits starting with a Bosch product group (0 986, 0 242, 0 280,
//     0 281, 0 258, 0 261, 0 450, 0 451, 1 987, 1 457, 3 397, 0 001, 0 124,
//     0 092): "BOSCH" ("0986494104");
//   - the VW group's 3 letters or digits, 6 digits, an index of up to 2
//     letters and an optional 3-character colour code, with a letter
//     somewhere ("1K0698151A", "5G0853601A2ZZ", "036115561B"), and the "N"
//     standard-hardware numbers of "N" and 7 or 8 digits ("N91014302"): "VW";
//   - 5 digits, 5 letters or digits with a digit, and a 2-character suffix
//     ("044653347179"), or 5 digits followed by Toyota's "YZZ" parts
//     ("04152YZZA6"): "TOYOTA";
//   - Ford's service numbers: a 4-character prefix ending in "Z" with a
//     letter and a digit before it, a base of 4 to 6 characters starting with
//     a digit, and a suffix of 1 to 3 letters ("XS4Z9G756AA"): "FORD".
//
// Shapes several makes share give "": 7 digits, 9 digits, 10 digits outside
// the Bosch groups (Mercedes without its "A", Toyota, Hyundai and Kia use
// them all), 5-5 numbers other than "YZZ". key is normalised with
// [Normalize] first; GuessBrand does not allocate for a normalised key.
func GuessBrand(key string) string {
	key = Normalize(key)
	n := len(key)
	switch {
	case n == 11 && isDigits(key):
		return "BMW"
	case n == 11 && key[0] == 'A' && isDigits(key[1:]):
		return "MERCEDES"
	case n == 10 && isDigits(key) && isBoschGroup(key[:4]):
		return "BOSCH"
	case isVWHardware(key):
		return "VW"
	}
	if idx, col, ok := parseVW(key); ok && (hasLetter(key[:3]) || idx > 0 || hasLetter(key[9+idx:9+idx+col])) {
		return "VW"
	}
	if n >= 10 && isDigits(key[:5]) {
		switch {
		case n == 12 && hasDigit(key[5:10]):
			return "TOYOTA"
		case n == 10 && key[5:8] == "YZZ":
			return "TOYOTA"
		}
	}
	if base, _, ok := parseFord(key); ok && key[3] == 'Z' && hasLetter(key[:3]) && hasDigit(key[:3]) && isDigit(key[4]) && base >= 4 {
		return "FORD"
	}
	return ""
}

// boschGroups are the first four digits of Bosch's 10-digit numbers that
// GuessBrand recognises.
var boschGroups = [...]string{
	"0986", "0242", "0280", "0281", "0258", "0261", "0450", "0451",
	"1987", "1457", "3397", "0001", "0124", "0092",
}

func isBoschGroup(s string) bool {
	for _, g := range boschGroups {
		if s == g {
			return true
		}
	}
	return false
}

// parseVW splits a normalised VW group number into its 9-character base
// (3 letters or digits and 6 digits), an index of up to 2 letters (idx
// characters) and a colour code of 0 or 3 letters or digits (col
// characters). The longest index that leaves a valid colour is taken:
// "5G0853601A2ZZ" is base "5G0853601", index "A", colour "2ZZ", and
// "1K0698151GRU" has no index and the colour "GRU".
func parseVW[T bytestring](key T) (idx, col int, ok bool) {
	if len(key) < 9 || len(key) > 14 || !isDigits(key[3:9]) {
		return 0, 0, false
	}
	rest := key[9:]
	for idx = min(2, len(rest)); idx >= 0; idx-- {
		if !isLetters(rest[:idx]) {
			continue
		}
		if col = len(rest) - idx; col == 0 || col == 3 {
			return idx, col, true
		}
	}
	return 0, 0, false
}

// isVWHardware reports whether key is a VW standard-hardware number: "N"
// and 7 or 8 digits ("N91014302", "N0138492").
func isVWHardware[T bytestring](key T) bool {
	return (len(key) == 8 || len(key) == 9) && key[0] == 'N' && isDigits(key[1:])
}

// parseFord splits a normalised Ford number into a 4-character prefix, a
// base of 3 to 6 characters with a digit (base characters) and a suffix of 1
// to 3 letters (suffix characters): "XS4Z9G756AA" is "XS4Z", "9G756", "AA".
func parseFord[T bytestring](key T) (base, suffix int, ok bool) {
	n := len(key)
	if n < 8 || n > 13 || !hasLetter(key[:4]) {
		return 0, 0, false
	}
	for suffix < n-4 && !isDigit(key[n-1-suffix]) {
		suffix++
	}
	base = n - 4 - suffix
	if suffix == 0 || suffix > 3 || base < 3 || base > 6 || !hasDigit(key[4:4+base]) {
		return 0, 0, false
	}
	return base, suffix, true
}

// bytestring is a normalised number as a string or in a buffer.
type bytestring interface{ ~string | ~[]byte }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// isDigits reports whether s is not empty and all digits.
func isDigits[T bytestring](s T) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return len(s) > 0
}

// isLetters reports whether s is all ASCII upper-case letters ("" is).
func isLetters[T bytestring](s T) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

func hasLetter[T bytestring](s T) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 'A' && s[i] <= 'Z' {
			return true
		}
	}
	return false
}

func hasDigit[T bytestring](s T) bool {
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			return true
		}
	}
	return false
}
