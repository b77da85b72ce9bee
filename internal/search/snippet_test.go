package search

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// filler returns n words of neutral text.
func filler(n int) string {
	words := []string{"lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing", "elit"}
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[i%len(words)])
	}
	return b.String()
}

func TestSnippet(t *testing.T) {
	long := filler(60) + " the thermostat housing is cracked " + filler(60)
	tests := []struct {
		name, text   string
		terms, parts []string
		contains     string // the snippet must contain this
		start, end   bool   // cut at the start / end
	}{
		{"short text whole", "Brake  disc\n\tfront", []string{"disc"}, nil, "Brake disc front", false, false},
		{"term in the middle", long, []string{"thermostat"}, nil, "the thermostat housing is cracked", true, true},
		{"stemmed term", long, []string{"housings"}, nil, "thermostat housing is", true, true},
		{"no match: beginning", long, []string{"wiper"}, nil, "lorem ipsum", false, true},
		{"term at the end", filler(80) + " thermostat", []string{"thermostat"}, nil, "elit thermostat", true, false},
		{"term at the start", "thermostat " + filler(80), []string{"thermostat"}, nil, "thermostat lorem", false, true},
		{"part as written", filler(60) + " Teilenummer: 8E0-615-301-AG Bremsscheibe " + filler(60),
			[]string{"bremsscheibe"}, []string{"8E0615301AG"}, "8E0-615-301-AG", true, true},
		{"part before terms", "thermostat " + filler(80) + " 12345.abc.01 " + filler(40),
			[]string{"thermostat"}, []string{"12345ABC01"}, "12345.abc.01", true, true},
		{"umlauts", filler(60) + " Ölfilter Einsatz " + filler(60), []string{"olfilter"}, nil, "Ölfilter Einsatz", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := snippet(tt.text, tt.terms, tt.parts)
			if !strings.Contains(got, tt.contains) {
				t.Errorf("snippet %q lacks %q", got, tt.contains)
			}
			if strings.HasPrefix(got, ellipsis) != tt.start || strings.HasSuffix(got, ellipsis) != tt.end {
				t.Errorf("snippet %q: cut at start %v, end %v; want %v, %v", got, strings.HasPrefix(got, ellipsis),
					strings.HasSuffix(got, ellipsis), tt.start, tt.end)
			}
			body := strings.TrimSuffix(strings.TrimPrefix(got, ellipsis), ellipsis)
			if n := utf8.RuneCountInString(body); n > snippetLen {
				t.Errorf("snippet has %d characters: %q", n, got)
			}
			if tt.start || tt.end {
				if n := utf8.RuneCountInString(body); n < snippetLen-30 {
					t.Errorf("snippet has only %d characters: %q", n, got)
				}
			}
			// Cut on word boundaries: the snippet's first and last words
			// are whole words of the text.
			words := strings.Fields(body)
			textWords := strings.Fields(tt.text)
			if len(words) > 0 && !containsString(textWords, words[0]) || len(words) > 1 && !containsString(textWords, words[len(words)-1]) {
				t.Errorf("snippet %q cuts a word", got)
			}
		})
	}
}

func TestSnippetCentred(t *testing.T) {
	text := filler(100) + " thermostat " + filler(100)
	got := snippet(text, []string{"thermostat"}, nil)
	body := strings.TrimSuffix(strings.TrimPrefix(got, ellipsis), ellipsis)
	i := strings.Index(body, "thermostat")
	before := utf8.RuneCountInString(body[:i])
	after := utf8.RuneCountInString(body[i+len("thermostat"):])
	if d := before - after; d < -20 || d > 20 {
		t.Errorf("not centred: %d characters before, %d after: %q", before, after, got)
	}
}

func TestSnippetBestWindow(t *testing.T) {
	// One "thermostat" early, then "thermostat" and "gasket" together.
	text := "thermostat " + filler(80) + " new thermostat gasket here " + filler(80)
	got := snippet(text, []string{"thermostat", "gasket"}, nil)
	if !strings.Contains(got, "thermostat gasket") {
		t.Errorf("snippet %q misses the window with both terms", got)
	}
}

func TestFindPart(t *testing.T) {
	tests := []struct {
		text, part string
		want       string // the text found, "" for none
	}{
		{"Teilenummer 12345-ABC 01 Ölfilter", "12345ABC01", "12345-ABC 01"},
		{"see 12345.abc.01.", "12345ABC01", "12345.abc.01"},
		{"8E0 615 301 AG, vorne", "8E0615301AG", "8E0 615 301 AG"},
		{"８Ｅ０６１５３０１ＡＧ", "8E0615301AG", "８Ｅ０６１５３０１ＡＧ"},
		{"X12345ABC01", "12345ABC01", ""},
		{"12345ABC012", "12345ABC01", ""},
		{"12345ABC|01", "12345ABC01", ""},
		{"12345ABC\n01", "12345ABC01", ""},
		{"Ö12345ABC01", "12345ABC01", ""},
		{"12345ABC01ö", "12345ABC01", ""},
		{"Öl 12345ABC01", "12345ABC01", "12345ABC01"},
		{"X12345ABC01 and 12345-ABC-01", "12345ABC01", "12345-ABC-01"},
		{"", "12345ABC01", ""},
		{"abc", "", ""},
	}
	for _, tt := range tests {
		sp, ok := findPart(tt.text, tt.part)
		got := ""
		if ok {
			got = tt.text[sp.start:sp.end]
		}
		if got != tt.want {
			t.Errorf("findPart(%q, %q) = %q, want %q", tt.text, tt.part, got, tt.want)
		}
	}
}

func TestFoldAndStem(t *testing.T) {
	tests := []struct{ in, fold, stem string }{
		{"Ölfilter", "olfilter", "olfilter"},
		{"O\u0308lfilter", "olfilter", "olfilter"},
		{"STRASSE", "strasse", "strass"},
		{"Straße", "strasse", "strass"},
		{"Łódź", "lodz", "lodz"},
		{"pads", "pads", "pad"},
		{"bearings", "bearings", "bear"},
		{"batteries", "batteries", "battery"},
		{"brakes", "brakes", "brak"},
		{"brake", "brake", "brak"},
		{"leaking", "leaking", "leak"},
		{"replaced", "replaced", "replac"},
		{"ring", "ring", "ring"},
		{"glass", "glass", "glass"},
	}
	for _, tt := range tests {
		if got := fold(tt.in); got != tt.fold {
			t.Errorf("fold(%q) = %q, want %q", tt.in, got, tt.fold)
		}
		if got := stem(fold(tt.in)); got != tt.stem {
			t.Errorf("stem(%q) = %q, want %q", fold(tt.in), got, tt.stem)
		}
	}
}
