package pricefile

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Money is an amount in a currency.
type Money struct {
	// Amount is never negative.
	Amount float64 `json:"amount"`
	// Currency is an ISO 4217 code such as "EUR".
	Currency string `json:"currency"`
}

// maxAmount is the largest price that is not a mistake: a price above it
// is a row error (a part number or an EAN in the price column, a missing
// decimal separator).
const maxAmount = 10_000_000

// isoCurrencies are the codes recognised in cells and headers; any other
// three letters are accepted only in a currency column.
var isoCurrencies = map[string]bool{
	"EUR": true, "USD": true, "GBP": true, "CHF": true, "SEK": true, "NOK": true, "DKK": true, "ISK": true,
	"PLN": true, "CZK": true, "HUF": true, "RON": true, "BGN": true, "HRK": true, "RSD": true, "TRY": true,
	"RUB": true, "UAH": true, "JPY": true, "CNY": true, "HKD": true, "SGD": true, "KRW": true, "INR": true,
	"AUD": true, "NZD": true, "CAD": true, "MXN": true, "BRL": true, "ZAR": true, "AED": true, "SAR": true,
	"ILS": true, "THB": true, "MYR": true, "IDR": true, "PHP": true, "BAM": true, "MKD": true, "ALL": true,
}

// currencyWords are names and symbols of currencies as cells write them.
// "$" alone is the US dollar unless the row or file names another dollar
// (see resolveCurrency).
var currencyWords = map[string]string{
	"€": "EUR", "euro": "EUR", "euros": "EUR", "eur": "EUR",
	"dollar": "USD", "usd": "USD",
	"£": "GBP", "gbp": "GBP", "pound": "GBP",
	"fr": "CHF", "sfr": "CHF", "chf": "CHF", "franken": "CHF",
	"zł": "PLN", "zl": "PLN", "kč": "CZK", "kc": "CZK", "ft": "HUF", "lei": "RON", "лв": "BGN",
	"¥": "JPY", "yen": "JPY", "rmb": "CNY", "₺": "TRY", "tl": "TRY", "₽": "RUB", "₹": "INR", "₩": "KRW",
}

// dollarPrefixes name the dollar in "US$", "CA$", "A$".
var dollarPrefixes = map[string]string{
	"us": "USD", "ca": "CAD", "c": "CAD", "a": "AUD", "au": "AUD", "nz": "NZD", "s": "SGD", "hk": "HKD",
	"mx": "MXN", "r": "BRL",
}

// dollars are the currencies written with a plain "$".
var dollars = map[string]bool{"USD": true, "CAD": true, "AUD": true, "NZD": true, "SGD": true, "HKD": true, "MXN": true}

// priceWords may stand beside an amount without changing it: per-unit
// ("€/St."), tax notes ("netto", "zzgl. MwSt.") and "kr", whose currency
// (SEK, NOK, DKK) the row or file must give.
var priceWords = map[string]bool{
	"st": true, "stk": true, "stck": true, "stuck": true, "stueck": true, "pc": true, "pcs": true, "pce": true,
	"ea": true, "each": true, "je": true, "pro": true, "per": true, "piece": true, "set": true, "satz": true,
	"paar": true, "pair": true, "m": true, "l": true, "kg": true, "netto": true, "net": true, "brutto": true,
	"zzgl": true, "inkl": true, "exkl": true, "excl": true, "incl": true, "mwst": true, "ust": true, "vat": true,
	"kr": true, "unit": true,
}

// currencyCode returns the ISO code a currency cell or setting names:
// "EUR", "eur", "€", "Euro" → "EUR". Three ASCII letters that are no known
// code are taken as a code all the same.
func currencyCode(s string) (code string, ok bool) {
	s = trimSpace(s)
	if c, ok := currencyWords[strings.ToLower(s)]; ok {
		return c, true
	}
	if s == "$" {
		return "USD", true
	}
	u := strings.ToUpper(s)
	if isoCurrencies[u] {
		return u, true
	}
	if len(u) == 3 && strings.IndexFunc(u, func(r rune) bool { return r < 'A' || r > 'Z' }) < 0 {
		return u, true
	}
	return "", false
}

// headerCurrency returns the currency a header names ("Preis EUR", "UPE
// (€)", "Listenpreis in CHF"), "" when none.
func headerCurrency(h string) string {
	for _, sym := range [...]struct{ sym, code string }{{"€", "EUR"}, {"£", "GBP"}, {"$", "USD"}, {"¥", "JPY"}} {
		if strings.Contains(h, sym.sym) {
			return sym.code
		}
	}
	for _, t := range keyOf(h).tokens {
		if u := strings.ToUpper(t); isoCurrencies[u] {
			return u
		}
		if t == "euro" {
			return "EUR"
		}
	}
	return ""
}

// noValue reports whether a cell means "no value": empty, a dash, or a
// note such as "auf Anfrage", "n/a", "POA".
func noValue(s string) bool {
	if s != "" && (s[0] >= '0' && s[0] <= '9' || len(s) > len("auf anfrage")) {
		return false
	}
	for _, w := range noValueWords {
		if len(w) == len(s) && strings.EqualFold(w, s) {
			return true
		}
	}
	return false
}

var noValueWords = []string{"", "-", "--", "—", "–", "/", "?", "*", ".", "x", "n/a", "na", "n.a.", "k.a.", "k. a.",
	"ka", "auf anfrage", "a. a.", "a.a.", "anfrage", "on request", "poa", "p.o.a.", "tba", "tbd", "null", "none",
	"nil", "keine", "kein", "ohne", "entfällt", "nv", "n.v."}

// moneyState says what a price cell held.
type moneyState int

const (
	moneyNone moneyState = iota // no value
	moneyOK
)

// parseMoney reads a price cell: "1.234,56 €", "1,234.56", "89,50",
// "EUR 12.30", "12.30 EUR", "€12", "CHF 1'234.50", "12,50 €/St.". cur is
// the currency the cell names ("" when none; dollar reports a bare "$").
// A negative, absurd or unreadable amount, and a formula written as text,
// are errors whose message starts with the quoted cell.
func parseMoney(s string, conv byte) (amount float64, cur string, dollar bool, proved byte, state moneyState, err error) {
	s = trimSpace(s)
	if noValue(s) {
		return 0, "", false, 0, moneyNone, nil
	}
	if s[0] == '=' {
		return 0, "", false, 0, moneyNone, formulaError(s)
	}
	num := s
	if !plainNumber(s) {
		num, cur, dollar, err = splitAmount(s)
		if err != nil {
			return 0, "", false, 0, moneyNone, err
		}
	}
	v, proved, ok := parseNumber(num, conv)
	switch {
	case !ok:
		return 0, "", false, 0, moneyNone, fmt.Errorf("%s is not a price", quote(s))
	case v < 0:
		return 0, "", false, 0, moneyNone, fmt.Errorf("%s is negative", quote(s))
	case v > maxAmount:
		return 0, "", false, 0, moneyNone, fmt.Errorf("%s is more than 10,000,000: check that the column holds prices", quote(s))
	case v == 0:
		return 0, cur, dollar, proved, moneyNone, nil // 0.00: no price, not a free part
	}
	return v, cur, dollar, proved, moneyOK, nil
}

// plainNumber reports whether s has only the bytes of a number.
func plainNumber(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9', c == '.', c == ',', c == '-', c == ' ', c == '\'':
		default:
			return false
		}
	}
	return true
}

// splitAmount separates the number of a price cell from the currency and
// unit words around it: what is left must be one number.
func splitAmount(s string) (num, cur string, dollar bool, err error) {
	// The number is usually one run of s ("1.234,56 €", "EUR 12.30"): then
	// it is returned as a substring; otherwise it is put together in buf.
	start, end := -1, -1 // the run
	var buf []byte
	split := false // something other than space came between number bytes
	appendBuf := func(c byte) {
		if buf == nil {
			buf = append(make([]byte, 0, len(s)), s[start:end]...)
		}
		buf = append(buf, c)
	}
	addNum := func(i int, c byte, size int) {
		switch {
		case split:
			appendBuf(c)
		case start < 0:
			start = i
		}
		end = i + size
	}
	other := func() {
		if start >= 0 {
			split = true
		}
	}
	setCur := func(c string) error {
		if cur != "" && cur != c {
			return fmt.Errorf("%s names two currencies", quote(s))
		}
		cur = c
		return nil
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r >= '0' && r <= '9', r == '.', r == ',', r == '\'', r == '(', r == ')', r == '-', r == '+':
			addNum(i, byte(r), size)
		case r == ' ', r == '’', r == '\u00a0', r == '\u202f', r == '\u2009', r == '\t':
			if split {
				appendBuf(' ')
			}
		case r == '−':
			other()
			addNum(i, '-', size)
		case r == '*', r == '/':
			other() // footnote marks; "€/St."
		case r == '$':
			other()
			dollar = true
		case currencyWords[string(r)] != "":
			other()
			if err := setCur(currencyWords[string(r)]); err != nil {
				return "", "", false, err
			}
		case unicode.IsLetter(r):
			other()
			j := i
			for j < len(s) {
				r2, size2 := utf8.DecodeRuneInString(s[j:])
				if !unicode.IsLetter(r2) {
					break
				}
				j += size2
			}
			w := strings.ToLower(s[i:j])
			c, isCur := currencyWords[w]
			switch {
			case j < len(s) && s[j] == '$':
				c, isCur = dollarPrefixes[w]
				dollar = true
				j++
			case j < len(s) && s[j] == '.':
				j++ // an abbreviation: "St.", "Fr."
			}
			switch {
			case isCur:
				if err := setCur(c); err != nil {
					return "", "", false, err
				}
			case isoCurrencies[strings.ToUpper(w)]:
				if err := setCur(strings.ToUpper(w)); err != nil {
					return "", "", false, err
				}
			case !priceWords[w]:
				return "", "", false, fmt.Errorf("%s is not a price", quote(s))
			}
			size = j - i
		default:
			return "", "", false, fmt.Errorf("%s is not a price", quote(s))
		}
		i += size
	}
	switch {
	case buf != nil:
		return string(buf), cur, dollar, nil
	case start >= 0:
		return s[start:end], cur, dollar, nil
	}
	return "", cur, dollar, nil
}

// resolveCurrency settles a price's currency: the cell's, else the row's
// (a currency column), else the header's, else the mapping's; a bare "$"
// takes a dollar currency from those, else USD. "" means the file's
// majority decides later.
func resolveCurrency(cell string, dollar bool, row, header, mapping string) string {
	if cell != "" {
		return cell
	}
	for _, c := range []string{row, header, mapping} {
		if c != "" && (!dollar || dollars[c]) {
			return c
		}
	}
	if dollar {
		return "USD"
	}
	return ""
}

// formulaError reports a formula where a value was expected.
func formulaError(s string) error {
	return fmt.Errorf("%s is a formula, not a value: save the file with the calculated values (in Excel: Save As .xlsx, or copy and Paste Values) and upload it again", quote(s))
}

// quote quotes a cell for a message, shortened to 60 characters.
func quote(s string) string {
	if utf8.RuneCountInString(s) > 60 {
		r := []rune(s)
		s = string(r[:57]) + "…"
	}
	return fmt.Sprintf("%q", s)
}
