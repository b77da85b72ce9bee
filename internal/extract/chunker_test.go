package extract

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// collect returns an emitter that appends chunks to *out.
func collect(out *[]Chunk) *emitter {
	return &emitter{
		ctx:     context.Background(),
		stats:   &Stats{},
		maxText: DefaultMaxTextBytes,
		emit: func(c Chunk) error {
			*out = append(*out, c)
			return nil
		},
	}
}

// prose returns n sentences of varied length.
func prose(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "Sentence %d explains how the brake disc %d is fitted to the front axle", i, i*7)
		b.WriteString(strings.Repeat(" and checked", i%5))
		b.WriteString(". ")
		if i%6 == 5 {
			b.WriteString("\n\n")
		}
	}
	return b.String()
}

func TestChunkerSizesAndOverlap(t *testing.T) {
	var chunks []Chunk
	c := newChunker(collect(&chunks))
	text := prose(300)
	if err := c.writeString(text); err != nil {
		t.Fatal(err)
	}
	if err := c.flush(); err != nil {
		t.Fatal(err)
	}
	if len(chunks) < 10 {
		t.Fatalf("got %d chunks for %d bytes", len(chunks), len(text))
	}
	words := map[string]bool{}
	for _, w := range strings.Fields(text) {
		words[w] = true
	}
	for i, ch := range chunks {
		if ch.Ordinal != i {
			t.Errorf("chunk %d has Ordinal %d", i, ch.Ordinal)
		}
		n := len(ch.Text)
		last := i == len(chunks)-1
		if n > chunkMax || !last && n < chunkMin-chunkOverlap {
			t.Errorf("chunk %d has %d bytes", i, n)
		}
		// Never split a word: every token of a chunk is a token of the text.
		for _, w := range strings.Fields(ch.Text) {
			if !words[w] {
				t.Fatalf("chunk %d contains a split word %q", i, w)
			}
		}
		if ch.Text != strings.TrimSpace(ch.Text) {
			t.Errorf("chunk %d is not trimmed", i)
		}
		if i > 0 {
			// The chunk starts with text repeated from the end of the previous one.
			prev := chunks[i-1].Text
			head := ch.Text[:min(40, len(ch.Text))]
			if !strings.Contains(prev[max(0, len(prev)-300):], head) {
				t.Errorf("chunk %d does not overlap the previous one: starts %q", i, head)
			}
		}
	}
	// All text is covered, in order.
	joined := strings.Join(strings.Fields(allText(chunks)), " ")
	for _, probe := range []string{"Sentence 0 ", "Sentence 150 ", "Sentence 299 "} {
		if !strings.Contains(joined, probe) {
			t.Errorf("text %q missing from chunks", probe)
		}
	}
}

func TestChunkerPrefersParagraphs(t *testing.T) {
	var chunks []Chunk
	c := newChunker(collect(&chunks))
	para := strings.Repeat("word ", 240) // 1,200 bytes
	_ = c.writeString(para + "\n\n" + para + "\n\n" + para)
	_ = c.flush()
	if len(chunks) < 3 {
		t.Fatalf("got %d chunks", len(chunks))
	}
	if got := len(chunks[0].Text); got != len(strings.TrimSpace(para)) {
		t.Errorf("first chunk has %d bytes, want the first paragraph (%d)", got, len(strings.TrimSpace(para)))
	}
}

func TestChunkerPages(t *testing.T) {
	var chunks []Chunk
	c := newChunker(collect(&chunks))
	for p := 1; p <= 3; p++ {
		_ = c.setPage(p)
		_ = c.writeString(fmt.Sprintf("Page %d. ", p) + prose(20))
	}
	_ = c.flush()
	seen := map[int]bool{}
	for _, ch := range chunks {
		seen[ch.Page] = true
		if !strings.Contains(ch.Text, "Page") && strings.HasPrefix(ch.Text, fmt.Sprintf("Page %d", ch.Page+1)) {
			t.Errorf("chunk on page %d spans pages", ch.Page)
		}
		for p := 1; p <= 3; p++ {
			if p != ch.Page && strings.Contains(ch.Text, fmt.Sprintf("Page %d.", p)) {
				t.Errorf("chunk on page %d contains the start of page %d", ch.Page, p)
			}
		}
	}
	if len(seen) != 3 {
		t.Errorf("pages seen: %v", seen)
	}
	// The first chunk of a page has no overlap from the previous page.
	for i, ch := range chunks {
		if i > 0 && chunks[i-1].Page != ch.Page && !strings.HasPrefix(ch.Text, fmt.Sprintf("Page %d.", ch.Page)) {
			t.Errorf("first chunk of page %d starts with %q", ch.Page, ch.Text[:30])
		}
	}
}

func TestChunkerNormalisesWhitespace(t *testing.T) {
	var chunks []Chunk
	c := newChunker(collect(&chunks))
	_ = c.writeString("  Hello   world\u00a0\u00a0again \r\n\r\n\r\n\r\nnext\tcol  \x00\x07line\u200b end\f new page-ish  \n")
	_ = c.flush()
	want := "Hello world again\n\nnext\tcol line end\n\nnew page-ish"
	if len(chunks) != 1 || chunks[0].Text != want {
		t.Fatalf("got %q, want %q", allText(chunks), want)
	}
}

func TestChunkerLongToken(t *testing.T) {
	var chunks []Chunk
	c := newChunker(collect(&chunks))
	token := strings.Repeat("ä", 5000) // 10,000 bytes without a space
	_ = c.writeString("start " + token + " end")
	_ = c.flush()
	total := 0
	for _, ch := range chunks {
		if !utf8.ValidString(ch.Text) {
			t.Fatalf("chunk is not valid UTF-8")
		}
		if len(ch.Text) > chunkHardMax {
			t.Errorf("chunk of %d bytes", len(ch.Text))
		}
		total += strings.Count(ch.Text, "ä")
	}
	if total < 5000 {
		t.Errorf("lost text: %d of 5000 runes", total)
	}
}

func TestChunkerEmptyInput(t *testing.T) {
	var chunks []Chunk
	c := newChunker(collect(&chunks))
	_ = c.writeString(" \n\n\t ")
	_ = c.flush()
	if len(chunks) != 0 {
		t.Fatalf("got %d chunks for blank input", len(chunks))
	}
}
