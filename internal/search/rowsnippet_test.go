package search

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// brakeRows is a price-list chunk of 20 rows like the issue's: the row
// before 1K0 698 151 A has another price.
func brakeRows() string {
	var rows []string
	for i := range 20 {
		suffix := []string{"", " A", " B", " C", " D"}[i%5]
		rows = append(rows, fmt.Sprintf("Teilenummer: 1K0 698 %03d%s | Bezeichnung: Bremsbelagsatz %s | Modell: %s | UPE: %d,50",
			150+i/5, suffix, []string{"vorne", "hinten"}[i%2], []string{"Golf", "Passat", "Touran", "Caddy"}[i%4], 800-40*i))
	}
	return strings.Join(rows, "\n")
}

func TestRowsSnippet(t *testing.T) {
	rows := brakeRows()
	wideRow := "Teilenummer: 34 11 6 794 300 | Bezeichnung: " + filler(50) + " | Marke: BMW | UPE: 112,40 | Netto: 80,10 | Pfand: 25,00 | VPE: 1 | " +
		"Rabattgruppe: 12 | Hinweis: " + filler(40)
	hugeCell := "Teilenummer: 1 | Bezeichnung: " + filler(60) + " Bremssattel " + filler(60) + " | UPE: 1,00"
	tests := []struct {
		name, text   string
		terms, parts []string
		marked       string // the marked row's text, "" for none
		contains     string // the snippet must contain this on one line
		cut          bool   // the shown row is cut
	}{
		{"part number", rows, nil, []string{"1K0698151A"}, "Teilenummer: 1K0 698 151 A | Bezeichnung: Bremsbelagsatz vorne | Modell: Touran | UPE: 560,50",
			"", false},
		{"part without suffix: whole token", rows, nil, []string{"1K0698152"}, "Teilenummer: 1K0 698 152 | Bezeichnung: Bremsbelagsatz vorne | Modell: Touran | UPE: 400,50",
			"", false},
		{"last row", rows, nil, []string{"1K0698153D"}, "Teilenummer: 1K0 698 153 D | Bezeichnung: Bremsbelagsatz hinten | Modell: Caddy | UPE: 40,50",
			"", false},
		{"most terms", rows, []string{"hinten", "passat"}, nil, "Teilenummer: 1K0 698 150 A | Bezeichnung: Bremsbelagsatz hinten | Modell: Passat | UPE: 760,50",
			"", false},
		{"no match: from the first row", rows, []string{"wischer"}, nil, "", "Teilenummer: 1K0 698 150 | Bezeichnung: Bremsbelagsatz vorne", false},
		{"one row is not marked", "Teilenummer: 1K0 698 151 A | UPE: 89,50", nil, []string{"1K0698151A"}, "", "Teilenummer: 1K0 698 151 A | UPE: 89,50", false},
		{"wide row cut to cells", "Teilenummer: 1 | UPE: 2\n" + wideRow + "\nTeilenummer: 3 | UPE: 4", nil, []string{"34116794300"}, "",
			"Teilenummer: 34 11 6 794 300 | Bezeichnung:", true},
		{"wide row keeps the cells after the match", wideRow, []string{"pfand"}, nil, "", "| UPE: 112,40 | Netto: 80,10 | Pfand: 25,00 | VPE: 1 |", true},
		{"a row cannot fake the mark", "▶ Teilenummer: 9 | UPE: 1,00\nTeilenummer: 1K0 698 151 A | UPE: 89,50", nil, []string{"1K0698151A"},
			"Teilenummer: 1K0 698 151 A | UPE: 89,50", "▷ Teilenummer: 9 | UPE: 1,00", false},
		{"huge cell cut to words", hugeCell, []string{"bremssattel"}, nil, "", "Bremssattel", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := rowsSnippet(tt.text, tt.terms, tt.parts)
			checkRowsSnippet(t, tt.text, got)
			if m := strings.TrimPrefix(markedLine(got), MatchedRow); m != tt.marked {
				t.Errorf("marked row %q, want %q, in\n%s", m, tt.marked, got)
			}
			if tt.contains != "" && !strings.Contains(got, tt.contains) {
				t.Errorf("snippet lacks %q:\n%s", tt.contains, got)
			}
			shown := strings.TrimSuffix(strings.TrimPrefix(got, ellipsis+"\n"), "\n"+ellipsis)
			if isCut := strings.Contains(shown, ellipsis); isCut != tt.cut {
				t.Errorf("row cut %v, want %v:\n%s", isCut, tt.cut, got)
			}
		})
	}
}

// TestRowsSnippetPrices checks the case: the price on the marked
// line is the price of the part asked for, not of the row before.
func TestRowsSnippetPrices(t *testing.T) {
	text := "Teilenummer: 1K0 698 151 | Bezeichnung: Bremsscheibe | UPE: 852,50\n" +
		"Teilenummer: 1K0 698 151 A | Bezeichnung: Bremsbelagsatz | UPE: 89,50\n" +
		"Teilenummer: 1K0 698 151 B | Bezeichnung: Bremsbelagsatz | UPE: 64,10"
	got := rowsSnippet(text, []string{"cost"}, []string{"1K0698151A"})
	want := "Teilenummer: 1K0 698 151 | Bezeichnung: Bremsscheibe | UPE: 852,50\n" +
		MatchedRow + "Teilenummer: 1K0 698 151 A | Bezeichnung: Bremsbelagsatz | UPE: 89,50\n" +
		"Teilenummer: 1K0 698 151 B | Bezeichnung: Bremsbelagsatz | UPE: 64,10"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	// The part asked for is the successor in an earlier row: its own row,
	// where the number is in the part-number column, is the match.
	text = "Teilenummer: 1K0 698 151 | UPE: 852,50 | Ersetzt durch: 1K0 698 151 A\n" +
		"Teilenummer: 1K0 698 151 A | UPE: 89,50"
	if m := markedLine(rowsSnippet(text, nil, []string{"1K0698151A"})); m != MatchedRow+"Teilenummer: 1K0 698 151 A | UPE: 89,50" {
		t.Errorf("successor: marked %q", m)
	}
	// A number without its index suffix is the row without one, not a
	// row whose number goes on.
	text2 := "Teilenummer: 1K0 698 151 A | UPE: 89,50\nTeilenummer: 1K0 698 151 | UPE: 852,50"
	if m := markedLine(rowsSnippet(text2, nil, []string{"1K0698151"})); m != MatchedRow+"Teilenummer: 1K0 698 151 | UPE: 852,50" {
		t.Errorf("without suffix: marked %q", m)
	}
	// Unless the earlier row also has the words of the question.
	if m := markedLine(rowsSnippet(text, []string{"ersetzt"}, []string{"1K0698151A"})); !strings.HasPrefix(m, MatchedRow+"Teilenummer: 1K0 698 151 | ") {
		t.Errorf("successor with words: marked %q", m)
	}
}

// TestRowsSnippetWindow checks that rows after and before the match are
// added in turn, up to tableSnippetLen characters.
func TestRowsSnippetWindow(t *testing.T) {
	var rows []string
	for i := range 20 {
		rows = append(rows, fmt.Sprintf("Teilenummer: 0 986 494 %03d | Bezeichnung: %s | UPE: %d,00", 100+i, filler(6), 10+i))
	}
	text := strings.Join(rows, "\n")
	got := rowsSnippet(text, nil, []string{"0986494110"})
	checkRowsSnippet(t, text, got)
	lines := strings.Split(got, "\n")
	if lines[0] != ellipsis || lines[len(lines)-1] != ellipsis {
		t.Errorf("rows left out on both sides, but not marked:\n%s", got)
	}
	k := 0
	for k < len(lines) && !strings.HasPrefix(lines[k], MatchedRow) {
		k++
	}
	before, after := k-1, len(lines)-2-k
	if d := after - before; d < 0 || d > 1 {
		t.Errorf("%d rows before the match, %d after:\n%s", before, after, got)
	}
	if n := utf8.RuneCountInString(got); n < tableSnippetLen-utf8.RuneCountInString(rows[0])-1 {
		t.Errorf("only %d characters:\n%s", n, got)
	}
}

func TestPassageSnippet(t *testing.T) {
	prose := filler(60) + " the thermostat housing | cracked " + filler(60)
	if got, want := passageSnippet(prose, 0, []string{"thermostat"}, nil), snippet(prose, []string{"thermostat"}, nil); got != want {
		t.Errorf("prose: %q, want %q", got, want)
	}
	rows := brakeRows()
	if got, want := passageSnippet(rows, 0, []string{"passat"}, nil), rowsSnippet(rows, []string{"passat"}, nil); got != want {
		t.Errorf("table rows: %q, want %q", got, want)
	}
	// A spreadsheet chunk without cells (titles) is shown line by line.
	titles := "Preisliste Frühjahr 2025\nHändler: Müller GmbH"
	if got := passageSnippet(titles, 1, []string{"muller"}, nil); got != "Preisliste Frühjahr 2025\n"+MatchedRow+"Händler: Müller GmbH" {
		t.Errorf("titles: %q", got)
	}
}

// checkRowsSnippet checks what every tabular snippet must be: lines, each
// a whole row of text (in the order of text, without gaps) or a line "…"
// first or last for rows left out; at most one marked row, and only when
// more than one row is shown; or a single row cut with "…"; and no more
// than tableSnippetLen characters of rows.
func checkRowsSnippet(t *testing.T, text, got string) {
	t.Helper()
	if !utf8.ValidString(got) {
		t.Fatalf("invalid UTF-8: %q", got)
	}
	rows := splitRows(text)
	lines := strings.Split(got, "\n")
	if len(rows) == 0 {
		if got != "" {
			t.Errorf("no rows, snippet %q", got)
		}
		return
	}
	leftOut := 0
	if lines[0] == ellipsis {
		lines, leftOut = lines[1:], leftOut+1
	}
	if len(lines) > 0 && lines[len(lines)-1] == ellipsis {
		lines, leftOut = lines[:len(lines)-1], leftOut+1
	}
	chars := len(lines) - 1
	marks := 0
	first := -1
	for i, line := range lines {
		if strings.HasPrefix(line, MatchedRow) {
			marks++
			line = strings.TrimPrefix(line, MatchedRow)
		}
		chars += utf8.RuneCountInString(line)
		k := -1
		for j, r := range rows {
			if r.shown == line && (first < 0 || j == first+i) {
				k = j
				break
			}
		}
		if k < 0 {
			if len(lines) == 1 && strings.Contains(line, ellipsis) {
				chars -= strings.Count(line, ellipsis)
				continue // one row, cut
			}
			t.Errorf("line %q is not a row of the text (or out of order) in\n%s", line, got)
			continue
		}
		if first < 0 {
			first = k
		}
	}
	if len(lines) == 1 && strings.HasPrefix(lines[0], markerTriangle) {
		t.Errorf("a single row shown marked: %q", lines[0])
	}
	if marks > 1 || marks == 1 && len(lines) < 2 {
		t.Errorf("%d marked rows of %d:\n%s", marks, len(lines), got)
	}
	if first >= 0 && leftOut == 0 && len(lines) != len(rows) {
		t.Errorf("rows left out without \"…\":\n%s", got)
	}
	if chars > tableSnippetLen {
		t.Errorf("%d characters of rows:\n%s", chars, got)
	}
}

func FuzzRowsSnippet(f *testing.F) {
	f.Add(brakeRows(), "passat hinten", "1K0 698 151 A")
	f.Add("Teilenummer: 1 | "+filler(200), "amet", "")
	f.Add("a | b\n\n\nc | d\r\n e  |  f ", "c", "")
	f.Add("|||\n | \n▶ x | y\n▶", "x", "y")
	f.Add("Ölfilter | 12345-ABC-01 | "+strings.Repeat("Ö", 500), "olfilter", "12345ABC01")
	f.Add("▶ "+filler(100)+" | UPE: 1", "lorem", "")
	f.Fuzz(func(t *testing.T, text, query, part string) {
		if !utf8.ValidString(text) {
			text = strings.ToValidUTF8(text, "?")
		}
		for _, r := range splitRows(text) {
			if r.shown == ellipsis {
				t.Skip("a row that reads like the line for rows left out")
			}
		}
		q := parseQuery(query + " " + part)
		checkRowsSnippet(t, text, rowsSnippet(text, q.terms, q.parts))
	})
}

// TestRowsSnippetRandom checks checkRowsSnippet's rules on generated
// tables: rows of random width, cells of random length, parts and words
// of the rows asked for.
func TestRowsSnippetRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	words := strings.Fields(filler(8) + " Golf Passat Bremsbelagsatz Ölfilter vorne hinten")
	for range 3000 {
		var rows, parts []string
		for range 1 + rng.IntN(25) {
			var cells []string
			for c := range 1 + rng.IntN(12) {
				switch c {
				case 0:
					p := fmt.Sprintf("%dK0 %03d %03d %c", rng.IntN(9), rng.IntN(1000), rng.IntN(1000), 'A'+rune(rng.IntN(26)))
					parts = append(parts, p)
					cells = append(cells, "Teilenummer: "+p)
				default:
					var w []string
					for range 1 + int(rng.ExpFloat64()*8) {
						w = append(w, words[rng.IntN(len(words))])
					}
					cells = append(cells, fmt.Sprintf("Spalte %d: %s", c, strings.Join(w, " ")))
				}
			}
			rows = append(rows, strings.Join(cells, " | "))
		}
		text := strings.Join(rows, "\n")
		query := words[rng.IntN(len(words))] + " " + words[rng.IntN(len(words))]
		if rng.IntN(2) == 0 {
			query += " " + parts[rng.IntN(len(parts))]
		}
		q := parseQuery(query)
		got := rowsSnippet(text, q.terms, q.parts)
		checkRowsSnippet(t, text, got)
		if t.Failed() {
			t.Fatalf("text:\n%s\nquery %q", text, query)
		}
		// A part asked for is on the marked row, or on the one row shown.
		if len(q.parts) > 0 {
			lines := strings.Split(strings.TrimSuffix(strings.TrimPrefix(got, ellipsis+"\n"), "\n"+ellipsis), "\n")
			row := markedLine(got)
			if len(lines) == 1 {
				row = lines[0]
			}
			if _, ok := findPart(row, q.parts[0]); !ok && !strings.Contains(row, ellipsis) {
				t.Fatalf("%q: part not on the matching row %q of\n%s", query, row, got)
			}
		}
	}
}
