package extract

import (
	"errors"
	"strings"
	"testing"
)

func TestExtractXLSX(t *testing.T) {
	rows := [][]any{
		{"Preisliste Bremsen 2024"}, // title
		nil,                         // empty row 2
		{"Teilenummer", "Bezeichnung", "Preis", "Bestand"},
	}
	for i := range 25 {
		rows = append(rows, []any{"8E0 615 301 A" + string(rune('A'+i)), "Bremsscheibe " + string(rune('A'+i)), 89.5 + float64(i), i})
		if i == 4 {
			rows = append(rows, nil) // a gap: empty row
		}
	}
	data := makeXLSX(t, map[string][][]any{
		"Bremsen": rows,
		"Filter":  {{"Part number", "Description", "Price"}, {"04152-YZZA6", "Oil filter", 12.5}},
		"Leer":    {},
	}, "Bremsen", "Filter", "Leer")
	chunks, stats, err := extractAll(t, data, ContentTypeXLSX, "preise.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	if stats.Rows != 26 || stats.Chunks != len(chunks) {
		t.Fatalf("stats %+v", stats)
	}
	if len(chunks) != 4 {
		t.Fatalf("got %d chunks: %q", len(chunks), allText(chunks))
	}
	// Title, then rows up to 20 or 1,500 bytes, then the rest, then the
	// other sheet.
	if c := chunks[0]; c.Sheet != "Bremsen" || c.Row != 1 || c.Text != "Preisliste Bremsen 2024" {
		t.Errorf("title chunk %+v", c)
	}
	first := chunks[1]
	lines := strings.Count(first.Text, "\n") + 1
	k := lines - strings.Count(first.Text, "\n\n") // rows; the empty row 9 is an empty line
	if first.Sheet != "Bremsen" || first.Row != 4 || k > rowsPerChunk || len(first.Text) > chunkMax ||
		!strings.HasPrefix(first.Text, "Teilenummer: 8E0 615 301 AA | Bezeichnung: Bremsscheibe A | Preis: 89.5 | Bestand: 0\n") {
		t.Errorf("first data chunk %+v", first)
	}
	// The next chunk starts after those k rows and the empty row 9.
	if c := chunks[2]; k != lines-1 || c.Row != 4+k+1 || !strings.HasPrefix(c.Text, "Teilenummer: 8E0 615 301 A"+string(rune('A'+k))) {
		t.Errorf("second data chunk Row %d (want %d), %d rows on %d lines: %q", c.Row, 4+k+1, k, lines, c.Text[:40])
	}
	if c := chunks[3]; c.Sheet != "Filter" || c.Row != 2 || c.Text != "Part number: 04152-YZZA6 | Description: Oil filter | Price: 12.5" {
		t.Errorf("other sheet chunk %+v", c)
	}
	for i, c := range chunks {
		if c.Ordinal != i || c.Page != 0 {
			t.Errorf("chunk %d: Ordinal %d Page %d", i, c.Ordinal, c.Page)
		}
	}
}

func TestExtractXLSXErrors(t *testing.T) {
	// A ZIP that claims to be an XLSX.
	notXLSX := makeZip(t, map[string]string{"xl/hello.txt": "hi"}, "xl/hello.txt")
	if _, _, err := extractAll(t, notXLSX, ContentTypeXLSX, "a.xlsx"); !errors.Is(err, ErrUnreadable) && !errors.Is(err, ErrNoText) {
		t.Errorf("zip without workbook: err = %v", err)
	}
	// Truncated workbook.
	data := makeXLSX(t, map[string][][]any{"S": {{"Part", "Price"}, {"8E0615301AG", 1}}}, "S")
	if _, _, err := extractAll(t, data[:len(data)/2], ContentTypeXLSX, "a.xlsx"); !errors.Is(err, ErrUnreadable) {
		t.Errorf("truncated: err = %v", err)
	}
	// An empty workbook.
	empty := makeXLSX(t, map[string][][]any{"S": {}}, "S")
	if _, _, err := extractAll(t, empty, ContentTypeXLSX, "a.xlsx"); !errors.Is(err, ErrNoText) {
		t.Errorf("empty: err = %v", err)
	}
}

// TestExtractXLSXZipBomb builds a workbook whose sheet expands far beyond
// the limit: the declared sizes are checked before anything is unpacked.
func TestExtractXLSXZipBomb(t *testing.T) {
	x := &Extractor{MinUnzipBytes: 1 << 20, MaxUnzipRatio: 10}
	var rows [][]any
	for range 20000 {
		rows = append(rows, []any{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", 1})
	}
	data := makeXLSX(t, map[string][][]any{"S": rows}, "S")
	_, _, err := extractStream(t, x, data, ContentTypeXLSX, "a.xlsx")
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "zip bomb") {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
	// The same file passes with the default limits.
	if _, _, err := extractAll(t, data, ContentTypeXLSX, "a.xlsx"); err != nil {
		t.Fatalf("default limits: %v", err)
	}
}
