package search

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"counterpart/internal/extract"
)

func TestMatchingRow(t *testing.T) {
	tests := []struct {
		name          string
		first, offset int
		want          int
	}{
		{"first line", 406, 0, 406},
		{"deep in the chunk", 406, 12, 418},
		{"prose keeps no row", 0, 5, 0},
		{"no match: the first row", 3, -1, 3},
	}
	for _, tt := range tests {
		if got := MatchingRow(tt.first, tt.offset); got != tt.want {
			t.Errorf("%s: MatchingRow(%d, %d) = %d, want %d", tt.name, tt.first, tt.offset, got, tt.want)
		}
	}
}

func TestPassageSnippetRow(t *testing.T) {
	rows := brakeRows() // 20 rows, 1K0 698 151 A on line 7 (offset 6)
	tests := []struct {
		name         string
		text         string
		row          int
		terms, parts []string
		want         int
	}{
		{"part number deep in the chunk", rows, 406, nil, []string{"1K0698151A"}, 412},
		{"words", rows, 406, []string{"hinten", "passat"}, nil, 407},
		{"no match: the chunk's first row", rows, 406, []string{"wischer"}, nil, 406},
		{"a blank row between is an empty line", "Teilenummer: 1 | UPE: 2,00\n\n\nTeilenummer: 1K0 698 151 A | UPE: 89,50", 10, nil, []string{"1K0698151A"}, 13},
		{"table rows of a PDF have no row", rows, 0, nil, []string{"1K0698151A"}, 0},
		{"prose", "The thermostat housing cracked.", 0, []string{"thermostat"}, nil, 0},
	}
	for _, tt := range tests {
		s, got := passageSnippetRow(tt.text, tt.row, tt.terms, tt.parts)
		if got != tt.want {
			t.Errorf("%s: row %d, want %d (snippet %q)", tt.name, got, tt.want, s)
		}
		if s != passageSnippet(tt.text, tt.row, tt.terms, tt.parts) {
			t.Errorf("%s: the snippet differs from passageSnippet's", tt.name)
		}
	}
}

// dealerPriceList is a Windows-1252, semicolon-separated price list with a
// title row and a blank row above the header, comma decimals, a quoted
// description with a line break and a blank row among the data rows, as
// dealers export them. It returns the file and the spreadsheet row (as
// Excel shows it: the title is row 1) of the water pump 06H121026DD.
func dealerPriceList(t testing.TB) ([]byte, int) {
	t.Helper()
	var b strings.Builder
	b.WriteString("Preisliste Autohaus Müller, Stand 03/2026;;;\n") // row 1: title
	b.WriteString(";;;\n")                                          // row 2: blank
	b.WriteString("Teilenummer;Bezeichnung;UPE;Marke\n")            // row 3: header
	row, pump := 3, 0
	for i := 1; i <= 600; i++ {
		row++
		switch {
		case i == 300:
			fmt.Fprintf(&b, "5Q0%06d;\"Dichtung\nmit Schrauben\";%d,40;VW\n", i, i) // one row on two lines
		case i == 410:
			b.WriteString("\n") // a blank row in the chunk of the pump
			row++
			fallthrough
		default:
			if i == 418 {
				b.WriteString("06H121026DD;Kühlmittelpumpe mit Thermostat;389,90;VW\n")
				pump = row
				continue
			}
			fmt.Fprintf(&b, "5Q0%06d;Bremsbeläge Satz %d;%d,50;VW\n", i, i, i)
		}
	}
	data, err := charmap.Windows1252.NewEncoder().Bytes([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	return data, pump
}

// A price-list passage whose matching row is deep in its chunk cites that
// row, numbered as a spreadsheet shows it, whether found by its number or
// by a word; and the row read back from the file (as the source view reads
// it) is the pump's.
func TestSearchCitesTheMatchingRow(t *testing.T) {
	data, pump := dealerPriceList(t)
	db := openTestDB(t)
	var chunks []testChunk
	_, err := extract.Extract(context.Background(), bytes.NewReader(data), int64(len(data)), "text/csv", "preisliste.csv", func(c extract.Chunk) error {
		chunks = append(chunks, testChunk{tenant: "t1", document: "d1", text: c.Text, row: c.Row, sheet: c.Sheet})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	addChunks(t, db, chunks...)
	for _, q := range []string{"06H 121 026 DD", "Kühlmittelpumpe"} {
		ps, err := Search(context.Background(), db, "t1", q, 5)
		if err != nil || len(ps) == 0 {
			t.Fatalf("Search(%q): %v, %d passages", q, err, len(ps))
		}
		p := ps[0]
		if p.Row != pump {
			t.Errorf("%q: the passage cites row %d, want the pump's row %d; snippet:\n%s", q, p.Row, pump, p.Snippet)
		}
		if !strings.Contains(p.Snippet, MatchedRow+"Teilenummer: 06H121026DD | Bezeichnung: Kühlmittelpumpe") {
			t.Errorf("%q: the snippet does not mark the pump:\n%s", q, p.Snippet)
		}
		if first := chunkFirstRow(chunks, p.Snippet); first == 0 || first >= pump-5 {
			t.Errorf("%q: the pump's chunk starts at row %d: the test does not test a row deep in a passage", q, first)
		}
	}
	var cells []string
	err = extract.Rows(context.Background(), bytes.NewReader(data), int64(len(data)), "text/csv", "preisliste.csv", func(r extract.Row) error {
		if r.Line == pump {
			cells = slices.Clone(r.Cells)
		}
		return nil
	})
	if err != nil || len(cells) < 2 || cells[1] != "Kühlmittelpumpe mit Thermostat" {
		t.Errorf("row %d of the file is %q (%v), want the pump", pump, cells, err)
	}
}

// chunkFirstRow returns the first row of the chunk whose text has the
// snippet's marked line, 0 when none has.
func chunkFirstRow(chunks []testChunk, snippet string) int {
	marked := ""
	for line := range strings.SplitSeq(snippet, "\n") {
		if m, ok := strings.CutPrefix(line, MatchedRow); ok {
			marked = m
		}
	}
	for _, c := range chunks {
		if marked != "" && strings.Contains(c.text, marked) {
			return c.row
		}
	}
	return 0
}
