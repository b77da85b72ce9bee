package partno

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestCandidates(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"empty", "", nil},
		{"no numbers", "Brake disc, front axle, ventilated", nil},
		{"VW spaced", "Bremsscheibe 8E0 615 301 AG vorne", []string{"8E0615301AG"}},
		{"VW dashed", "Brake disc 8E0-615-301-AG front", []string{"8E0615301AG"}},
		{"VW slashes", "see 1K0/615/301/AA.", []string{"1K0615301AA"}},
		{"VW single-letter index", "8E0 615 301 A is superseded", []string{"8E0615301A"}},
		{"Mercedes", "Ölfilter A 000 420 47 20 für W204", []string{"A0004204720"}},
		{"Mercedes after chassis code", "W204 A 000 420 47 20", []string{"A0004204720"}},
		{"BMW", "Bremsbeläge 11 42 7 953 129, Satz", []string{"11427953129"}},
		{"Bosch", "Bosch 0 986 494 525 pads", []string{"0986494525"}},
		{"Toyota", "Oil filter 04152-YZZA6 (Camry)", []string{"04152YZZA6"}},
		{"Ford", "Ford XS4Z-9G756-AA sensor", []string{"XS4Z9G756AA"}},
		{"Ford spaced", "Ford XS4Z 9G756 AA sensor", []string{"XS4Z9G756AA"}},
		{"generic compact", "12345abc01", []string{"12345ABC01"}},
		{"generic dotted", "12345.ABC.01", []string{"12345ABC01"}},
		{"generic mixed separators", "12345-ABC 01", []string{"12345ABC01", "12345ABC"}},
		{"no-break spaces", "8E0\u00a0615\u00a0301\u00a0AG", []string{"8E0615301AG"}},
		{"en dashes", "8E0\u2013615\u2013301\u2013AG", []string{"8E0615301AG"}},
		{"model code before number", "Audi A4 8E0 615 301 AG 2008-2015", []string{"8E0615301AG"}},
		{"single-digit quantity after", "11 42 7 953 129 2 pcs", []string{"11427953129"}},
		{"quantity before", "Qty 2 x 8E0 615 301 AG", []string{"8E0615301AG"}},
		{"longer quantity after is absorbed, token kept", "04152-YZZA6 10 pcs", []string{"04152YZZA610", "04152YZZA6"}},
		{"letters suffix needs 3 groups", "12345 AB", nil},
		{"dedup across spellings", "8E0615301AG or 8E0-615-301-AG or 8e0 615 301 ag", []string{"8E0615301AG"}},
		{"order kept", "04152-YZZA6 replaces 04152-31090", []string{"04152YZZA6", "0415231090"}},
		{"double space breaks", "8E0  615  301  AG", nil},
		{"newline breaks a join", "11 42 7\n953 129", []string{"953129"}},
		{"catalog line", "8E0 615 301 AG | Brake disc | 89,90 EUR | Audi A4 B8 | 2008-2015",
			[]string{"8E0615301AG"}},
		{"prices and dates", "Price 19.99 EUR, was 1.234,56 on 2024-01-15 (15.01.2024)", nil},
		{"international phone", "Call +49 89 1234567 for 8E0 615 301 AG", []string{"8E0615301AG"}},
		{"phone keyword", "Tel. 089 1234567, Fax: 089/1234568", nil},
		{"phone keyword then part", "Tel 089 123456 8E0615301AG", []string{"8E0615301AG"}},
		{"bare local phone is kept", "call 089 1234567", []string{"1234567"}},
		{"units", "disc 320x30mm, 1500W, 10W-40 oil, battery 100Ah", nil},
		{"a lower-case word after a spaced number", "is 21 02 7 332 366 in stock", []string{"21027332366"}},
		{"a lower-case word after a superseded number", "34 11 6 794 300 is superseded", []string{"34116794300"}},
		{"a lower-case index of a lower-case number", "1k0 698 151 a", []string{"1K0698151A"}},
		{"a lower-case word after a lower-case Mercedes number", "is a 587 700 21 79 in stock", []string{"A5877002179"}},
		{"an upper-case index", "1K0 698 151 AG please", []string{"1K0698151AG"}},
		{"VIN skipped", "VIN WVWZZZ1KZAW123456", nil},
		{"fullwidth", "部品番号 １Ｋ０６１５３０１ＡＡ", []string{"1K0615301AA"}},
		{"foreign letters", "Öl-12345678", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Candidates(tt.text)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Candidates(%q)\n got %q\nwant %q", tt.text, got, tt.want)
			}
		})
	}
}

// TestCandidatesQueryMatchesIndex checks that differently written numbers
// produce the same candidate at index and query time.
func TestCandidatesQueryMatchesIndex(t *testing.T) {
	index := Candidates("Bremsscheibe belüftet 8E0-615-301-AG, Audi A4")
	for _, q := range []string{
		"do you have 8e0615301ag?",
		"price of 8E0 615 301 AG",
		"8E0.615.301.AG in stock",
	} {
		got := Candidates(q)
		if len(got) == 0 || !slices.Contains(index, got[0]) {
			t.Errorf("query %q gave %q, index has %q", q, got, index)
		}
	}
}

// catalogLine is about 1 KB of a typical catalog or price list passage.
var catalogLine = strings.Repeat(
	"Part number: 8E0 615 301 AG | Description: Bremsscheibe belüftet 320x30mm vorne | "+
		"Price: 89,90 EUR | Fits: Audi A4 B8 2008-2015 | Supersedes: 8E0-615-301-AF | "+
		"Oil filter 04152-YZZA6 | BMW 11 42 7 953 129 | Qty: 2 | Tel. +49 89 1234567 | "+
		"Mercedes A 000 420 47 20 | Ford XS4Z-9G756-AA | Stand 15.01.2024\n", 4)

func BenchmarkCandidates(b *testing.B) {
	if n := len(catalogLine); n < 900 || n > 1300 {
		b.Fatalf("catalogLine is %d bytes, want about 1 KB", n)
	}
	b.SetBytes(int64(len(catalogLine)))
	b.ReportAllocs()
	for b.Loop() {
		_ = Candidates(catalogLine)
	}
}

func TestCandidatesManyDistinct(t *testing.T) {
	var b strings.Builder
	for i := range 500 {
		fmt.Fprintf(&b, "%d-ABC-%02d, ", 10000+i, i%100)
	}
	text := b.String() + b.String() // every candidate twice
	got := Candidates(text)
	if len(got) != 500 || got[0] != "10000ABC00" || got[499] != "10499ABC99" {
		t.Fatalf("got %d candidates: %q ... %q", len(got), got[0], got[len(got)-1])
	}
}
