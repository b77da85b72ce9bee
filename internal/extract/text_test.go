package extract

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestExtractTextEncodings(t *testing.T) {
	utf16le := []byte{0xff, 0xfe}
	for _, r := range "Bremsscheibe für Audi – 89,90 €" {
		utf16le = append(utf16le, byte(r), byte(r>>8))
	}
	utf16be := []byte{0xfe, 0xff}
	for _, r := range "Bremsscheibe für Audi – 89,90 €" {
		utf16be = append(utf16be, byte(r>>8), byte(r))
	}
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"utf-8", []byte("Bremsscheibe für Audi – 89,90 €"), "Bremsscheibe für Audi – 89,90 €"},
		{"utf-8 bom", []byte("\xef\xbb\xbfBremsscheibe für Audi"), "Bremsscheibe für Audi"},
		{"utf-16le bom", utf16le, "Bremsscheibe für Audi – 89,90 €"},
		{"utf-16be bom", utf16be, "Bremsscheibe für Audi – 89,90 €"},
		{"windows-1252", []byte("Bremsscheibe f\xfcr Audi \x96 89,90 \x80"), "Bremsscheibe für Audi – 89,90 €"},
		{"crlf", []byte("line one\r\nline two\r\n"), "line one\nline two"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, stream := range []bool{false, true} {
				var chunks []Chunk
				var err error
				if stream {
					chunks, _, err = extractStream(t, &Extractor{}, tt.data, "text/plain", "a.txt")
				} else {
					chunks, _, err = extractAll(t, tt.data, "text/plain", "a.txt")
				}
				if err != nil {
					t.Fatal(err)
				}
				if len(chunks) != 1 || chunks[0].Text != tt.want {
					t.Fatalf("got %q, want %q", allText(chunks), tt.want)
				}
				if chunks[0].Page != 0 || chunks[0].Row != 0 {
					t.Errorf("text chunk has Page %d Row %d", chunks[0].Page, chunks[0].Row)
				}
			}
		})
	}
}

func TestExtractTextInvalidBytesReplaced(t *testing.T) {
	// Valid UTF-8 at the start, an invalid byte far beyond the 64 KB sniff.
	data := []byte(strings.Repeat("Grüße aus der Werkstatt. ", 4000) + "bad \xff byte")
	chunks, _, err := extractAll(t, data, "text/plain", "a.txt")
	if err != nil {
		t.Fatal(err)
	}
	text := allText(chunks)
	if !utf8.ValidString(text) || !strings.Contains(text, "bad \uFFFD byte") {
		t.Fatalf("invalid byte not replaced: %q", text[len(text)-40:])
	}
	if strings.Count(text, "Grüße") < 4000 {
		t.Errorf("lost text across reads")
	}
}

func TestExtractTextMarkdown(t *testing.T) {
	md := "# Service bulletin 24-017\n\nReplace the brake disc **8E0 615 301 AG**.\n\n## Steps\n\n1. Remove the wheel.\n2. Remove the caliper.\n"
	chunks, stats, err := extractAll(t, []byte(md), "text/markdown", "sb.md")
	if err != nil {
		t.Fatal(err)
	}
	if stats.Chunks != 1 || !strings.Contains(chunks[0].Text, "## Steps\n\n1. Remove the wheel.\n2. Remove the caliper.") {
		t.Fatalf("got %q", allText(chunks))
	}
}

func TestExtractTextEmpty(t *testing.T) {
	for _, data := range [][]byte{nil, []byte(" \n\t\n")} {
		_, stats, err := extractAll(t, data, "text/plain", "a.txt")
		if !errors.Is(err, ErrNoText) {
			t.Errorf("%q: err = %v, want ErrNoText", data, err)
		}
		if stats.Chunks != 0 {
			t.Errorf("%q: %d chunks", data, stats.Chunks)
		}
	}
}

func TestExtractTextLong(t *testing.T) {
	data := []byte(prose(2000))
	chunks, stats, err := extractAll(t, data, "", "manual.txt")
	if err != nil {
		t.Fatal(err)
	}
	if stats.Bytes != int64(len(data)) || stats.Chunks != len(chunks) || len(chunks) < 50 {
		t.Fatalf("stats %+v for %d bytes, %d chunks", stats, len(data), len(chunks))
	}
}
