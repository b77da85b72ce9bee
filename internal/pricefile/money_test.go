package pricefile

import (
	"strings"
	"testing"
)

func TestParseMoney(t *testing.T) {
	tests := []struct {
		in     string
		amount float64
		cur    string
		dollar bool
		state  moneyState
		err    string
	}{
		{"1.234,56 €", 1234.56, "EUR", false, moneyOK, ""},
		{"1,234.56", 1234.56, "", false, moneyOK, ""},
		{"89,50", 89.5, "", false, moneyOK, ""},
		{"EUR 12.30", 12.3, "EUR", false, moneyOK, ""},
		{"12.30 EUR", 12.3, "EUR", false, moneyOK, ""},
		{"12,30 Euro", 12.3, "EUR", false, moneyOK, ""},
		{"€12", 12, "EUR", false, moneyOK, ""},
		{"€ 1 234,56", 1234.56, "EUR", false, moneyOK, ""},
		{"CHF 1'234.50", 1234.5, "CHF", false, moneyOK, ""},
		{"Fr. 12.50", 12.5, "CHF", false, moneyOK, ""},
		{"£4", 4, "GBP", false, moneyOK, ""},
		{"US$ 5", 5, "USD", true, moneyOK, ""},
		{"CA$5.25", 5.25, "CAD", true, moneyOK, ""},
		{"$5", 5, "", true, moneyOK, ""},
		{"12,50 €/St.", 12.5, "EUR", false, moneyOK, ""},
		{"12,50 € netto", 12.5, "EUR", false, moneyOK, ""},
		{"12,50*", 12.5, "", false, moneyOK, ""},
		{"(€12.50)", 0, "", false, moneyNone, "is negative"},
		{"150 kr", 150, "", false, moneyOK, ""},
		{"SEK 150", 150, "SEK", false, moneyOK, ""},
		{"0,00", 0, "", false, moneyNone, ""},
		{"0,00 €", 0, "EUR", false, moneyNone, ""},
		{"", 0, "", false, moneyNone, ""},
		{"—", 0, "", false, moneyNone, ""},
		{"auf Anfrage", 0, "", false, moneyNone, ""},
		{"On Request", 0, "", false, moneyNone, ""},
		{"n/a", 0, "", false, moneyNone, ""},
		{"-5,00", 0, "", false, moneyNone, `"-5,00" is negative`},
		{"5,00-", 0, "", false, moneyNone, "is negative"},
		{"12.000.000,00", 0, "", false, moneyNone, "is more than 10,000,000"},
		{"4047024000000", 0, "", false, moneyNone, "is more than 10,000,000"},
		{"=B2*1,19", 0, "", false, moneyNone, "is a formula, not a value"},
		{"ca. 12", 0, "", false, moneyNone, `"ca. 12" is not a price`},
		{"12,50 / 10,00", 0, "", false, moneyNone, "is not a price"},
		{"12 EUR CHF", 0, "", false, moneyNone, "names two currencies"},
		{"siehe Liste", 0, "", false, moneyNone, "is not a price"},
		{"€", 0, "", false, moneyNone, "is not a price"},
	}
	for _, tt := range tests {
		amount, cur, dollar, _, state, err := parseMoney(tt.in, 0)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("parseMoney(%q): err %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || !near(amount, tt.amount) || cur != tt.cur || dollar != tt.dollar || state != tt.state {
			t.Errorf("parseMoney(%q) = %v %q %v %v %v", tt.in, amount, cur, dollar, state, err)
		}
	}
}

func TestCurrencies(t *testing.T) {
	for in, want := range map[string]string{"EUR": "EUR", "eur": "EUR", "€": "EUR", "Euro": "EUR", " CHF ": "CHF", "$": "USD",
		"sek": "SEK", "XAF": "XAF", "zł": "PLN"} {
		if got, ok := currencyCode(in); !ok || got != want {
			t.Errorf("currencyCode(%q) = %q, %v", in, got, ok)
		}
	}
	for _, in := range []string{"", "Dollars and cents", "E", "12"} {
		if got, ok := currencyCode(in); ok {
			t.Errorf("currencyCode(%q) = %q", in, got)
		}
	}
	for in, want := range map[string]string{"Preis EUR": "EUR", "UPE (€)": "EUR", "Listenpreis in CHF": "CHF", "Price $": "USD",
		"List price GBP": "GBP", "UPE": "", "Preis": "", "Europa-Preis": ""} {
		if got := headerCurrency(in); got != want {
			t.Errorf("headerCurrency(%q) = %q, want %q", in, got, want)
		}
	}
	tests := []struct {
		cell                 string
		dollar               bool
		row, header, mapping string
		want                 string
	}{
		{"GBP", false, "EUR", "CHF", "SEK", "GBP"},
		{"", false, "EUR", "CHF", "SEK", "EUR"},
		{"", false, "", "CHF", "SEK", "CHF"},
		{"", false, "", "", "SEK", "SEK"},
		{"", false, "", "", "", ""},
		{"", true, "CAD", "", "", "CAD"},
		{"", true, "EUR", "", "AUD", "AUD"},
		{"", true, "EUR", "", "", "USD"},
	}
	for _, tt := range tests {
		if got := resolveCurrency(tt.cell, tt.dollar, tt.row, tt.header, tt.mapping); got != tt.want {
			t.Errorf("resolveCurrency%+v = %q", tt, got)
		}
	}
}

func TestMajority(t *testing.T) {
	for _, tt := range []struct {
		counts map[string]int
		want   string
	}{
		{nil, "EUR"},
		{map[string]int{"CHF": 3, "EUR": 1}, "CHF"},
		{map[string]int{"CHF": 2, "EUR": 2}, "EUR"},
		{map[string]int{"SEK": 2, "CHF": 2}, "CHF"},
	} {
		if got := majority(tt.counts); got != tt.want {
			t.Errorf("majority(%v) = %q", tt.counts, got)
		}
	}
}
