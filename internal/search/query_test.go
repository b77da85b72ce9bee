package search

import (
	"slices"
	"strings"
	"testing"
)

func TestParseQuery(t *testing.T) {
	tests := []struct {
		name, query          string
		terms, parts, pieces []string
	}{
		{"empty", "", nil, nil, nil},
		{"only stopwords", "what is the of und die für", nil, nil, nil},
		{"only punctuation", `"*()^:-+ ,.;`, nil, nil, nil},
		{"question", "Do you have front brake pads for the Golf?", []string{"front", "brake", "pads", "golf"}, nil, nil},
		{"german", "Was kostet die Bremsscheibe für den Passat?", []string{"kostet", "bremsscheibe", "passat"}, nil, nil},
		{"duplicates and case", "Filter filter FILTER", []string{"filter"}, nil, nil},
		{"umlauts kept for the tokenizer, ß spelt ss", "Ölfilter Straße", []string{"ölfilter", "strasse"}, nil, nil},
		{"one-character words dropped", "a 7 x golf", []string{"golf"}, nil, nil},
		{"FTS syntax is only punctuation", `"tenant:x" AND (NEAR(a b) OR c*) NOT d^`, []string{"tenant", "near"}, nil, nil},
		{"part number with words", "what replaces 8E0 615 301 AG?", []string{"replaces"}, []string{"8E0615301AG"},
			[]string{"8e0", "615", "301", "ag"}},
		{"part number alone, dashed", "12345-ABC 01", nil, []string{"12345ABC01", "12345ABC"}, []string{"12345", "abc", "01"}},
		{"part number alone, compact", "12345abc01", nil, []string{"12345ABC01"}, []string{"12345abc01"}},
		{"part number alone, dotted", "12345.ABC.01", nil, []string{"12345ABC01"}, []string{"12345", "abc", "01"}},
		{"part number with spaces only", "12345 ABC 01", nil, []string{"12345ABC01"}, []string{"12345", "abc", "01"}},
		{"long words are not pieces", "Ölfilter 04152-YZZA6 Toyota", []string{"ölfilter", "toyota"}, []string{"04152YZZA6"},
			[]string{"04152", "yzza6"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := parseQuery(tt.query)
			if !slices.Equal(q.terms, tt.terms) || !slices.Equal(q.parts, tt.parts) || !slices.Equal(q.pieces, tt.pieces) {
				t.Errorf("parseQuery(%q)\n terms %q want %q\n parts %q want %q\npieces %q want %q",
					tt.query, q.terms, tt.terms, q.parts, tt.parts, q.pieces, tt.pieces)
			}
			if q.empty() != (tt.terms == nil && tt.parts == nil && tt.pieces == nil) {
				t.Errorf("empty() = %v", q.empty())
			}
		})
	}
}

func TestParseQueryBounds(t *testing.T) {
	var b strings.Builder
	for i := 0; b.Len() < 10_000; i++ {
		b.WriteString("word")
		b.WriteString(strings.Repeat("x", i%7))
		b.WriteByte(byte('a' + i%26))
		b.WriteString(" 1234567 ")
	}
	q := parseQuery(b.String())
	if len(q.terms) > maxTerms || len(q.parts) > maxParts || len(q.pieces) > maxTerms {
		t.Errorf("10 kB query: %d terms, %d parts, %d pieces", len(q.terms), len(q.parts), len(q.pieces))
	}
	long := strings.Repeat("a", maxTermLen+1)
	if q := parseQuery(long + " golf"); !slices.Equal(q.terms, []string{"golf"}) {
		t.Errorf("overlong word kept: %q", q.terms)
	}
}

func TestAnyOf(t *testing.T) {
	tests := []struct {
		words []string
		want  string
	}{
		{[]string{"golf"}, `"kxgolf"`},
		{[]string{"brake", "pads"}, `"kxbrake" OR "kxpads"`},
		{[]string{`a"b`}, `"kxa""b"`},
	}
	for _, tt := range tests {
		if got := anyOf("kx", tt.words); got != tt.want {
			t.Errorf("anyOf(%q) = %s, want %s", tt.words, got, tt.want)
		}
	}
}

func TestSplitWords(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"", nil},
		{"  ", nil},
		{"Brake-disc, 8E0.615/301_AG", []string{"Brake", "disc", "8E0", "615", "301", "AG"}},
		{"O\u0308lfilter für 部品番号", []string{"O\u0308lfilter", "für", "部品番号"}},
		{"a😀b", []string{"a", "b"}},
	}
	for _, tt := range tests {
		if got := splitWords(tt.text); !slices.Equal(got, tt.want) {
			t.Errorf("splitWords(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}
