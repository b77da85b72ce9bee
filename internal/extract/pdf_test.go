package extract

import (
	"bytes"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestExtractPDFPages(t *testing.T) {
	long := strings.Repeat("The caliper carrier bolts are tightened to 200 Nm and then turned a further 90 degrees. ", 40)
	data := makePDF([]pdfPage{
		{Lines: []string{"Service bulletin 24-017", "Brake disc 8E0 615 301 AG (front axle)"}},
		{}, // a page without text
		{Lines: []string{long[:1700], long[1700:]}},
	}, pdfOptions{})
	chunks, stats, err := extractAll(t, data, ContentTypePDF, "sb.pdf")
	if err != nil {
		t.Fatal(err)
	}
	if stats.Pages != 3 {
		t.Errorf("Pages = %d", stats.Pages)
	}
	if chunks[0].Page != 1 || chunks[0].Text != "Service bulletin 24-017\nBrake disc 8E0 615 301 AG (front axle)" {
		t.Errorf("page 1: %+v", chunks[0])
	}
	if len(chunks) < 4 {
		t.Fatalf("got %d chunks", len(chunks))
	}
	for _, c := range chunks[1:] {
		if c.Page != 3 || len(c.Text) > chunkMax {
			t.Errorf("chunk on page %d with %d bytes", c.Page, len(c.Text))
		}
	}
}

// TestExtractPDFLayout checks word and line reconstruction from positions:
// TJ kerning, separate Tj calls, Td moves, a Form XObject, a Type0 font
// with a ToUnicode CMap, and a compressed content stream.
func TestExtractPDFLayout(t *testing.T) {
	widths := strings.TrimSpace(strings.Repeat("500 ", 224))
	fontWidths := fmt.Sprintf("<< /Type /Font /Subtype /TrueType /BaseFont /Arial /FirstChar 32 /LastChar 255 /Widths [%s] /Encoding /WinAnsiEncoding >>", widths)
	cmap := "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Adobe-Identity-UCS def /CMapType 2 def\n" +
		"1 begincodespacerange <0000> <FFFF> endcodespacerange\n" +
		"3 beginbfchar <0001> <0048> <0002> <0069> <0003> <0021> endbfchar\n" +
		"endcmap CMapName currentdict /CMap defineresource pop end end"
	content := "BT /F2 10 Tf 72 700 Td [(Brake) -300 (disc) 12 (s)] TJ ET\n" + // kerning: a space, then none
		"BT /F2 10 Tf 72 680 Td (Part) Tj 30 0 Td (no) Tj ET\n" + // Td gap: a space
		"BT /F2 10 Tf 72 660 Td (8E0615301AG) Tj 300 0 Td (89,90 EUR) Tj ET\n" + // column gap: a tab
		"q 1 0 0 1 0 -100 cm /X1 Do Q\n" + // form with its own text
		"BT /F3 10 Tf 72 500 Td <000100020003> Tj ET" // Type0, 2-byte codes
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write([]byte(content))
	zw.Close()
	form := "BT /F2 10 Tf 72 700 Td (Form text) Tj ET"
	data := makePDF([]pdfPage{{Content: "PLACEHOLDER"}}, pdfOptions{Extra: []string{
		fontWidths, // 6
		fmt.Sprintf("<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /Font << /F2 6 0 R >> >> /Length %d >>\nstream\n%s\nendstream", len(form)+1, form), // 7
		"<< /Type /Font /Subtype /Type0 /BaseFont /Sub /Encoding /Identity-H /DescendantFonts [9 0 R] /ToUnicode 10 0 R >>",                                                // 8
		"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Sub /DW 600 /W [1 [700 300] 3 3 250] >>",                                                                         // 9
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(cmap)+1, cmap),                                                                                          // 10
		fmt.Sprintf("<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream", z.Len(), z.String()),                                                                   // 11
	}})
	// Point the page at the fonts, the form and the compressed stream.
	data = bytes.Replace(data, []byte("/Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R"),
		[]byte("/Resources << /Font << /F2 6 0 R /F3 8 0 R >> /XObject << /X1 7 0 R >> >> /Contents 11 0 R"), 1)
	data = fixXref(t, data)
	chunks, _, err := extractAll(t, data, ContentTypePDF, "layout.pdf")
	if err != nil {
		t.Fatal(err)
	}
	// Lines 20 units apart are lines; the form (60 below) and the Type0 text
	// (100 below) start paragraphs.
	want := "Brake discs\nPart no\n8E0615301AG\t89,90 EUR\n\nForm text\n\nHi!"
	if len(chunks) != 1 || chunks[0].Text != want {
		t.Fatalf("got %q\nwant %q", allText(chunks), want)
	}
}

// fixXref rewrites the cross-reference table of a PDF produced by makePDF
// after its objects were edited.
func fixXref(t *testing.T, data []byte) []byte {
	t.Helper()
	end := bytes.Index(data, []byte("xref\n"))
	body := data[:end]
	var offsets []int
	for i := 1; ; i++ {
		off := bytes.Index(body, []byte(fmt.Sprintf("\n%d 0 obj\n", i)))
		if off < 0 {
			break
		}
		offsets = append(offsets, off+1)
	}
	var buf bytes.Buffer
	buf.Write(body)
	fmt.Fprintf(&buf, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, off := range offsets {
		fmt.Fprintf(&buf, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&buf, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, end)
	return buf.Bytes()
}

func TestExtractPDFNoText(t *testing.T) {
	// A "scanned" page: graphics only.
	data := makePDF([]pdfPage{{Content: "q 612 0 0 792 0 0 cm 0 0 m 1 1 l S Q"}, {Content: " "}}, pdfOptions{})
	_, stats, err := extractAll(t, data, ContentTypePDF, "scan.pdf")
	if !errors.Is(err, ErrNoText) || !strings.Contains(err.Error(), "OCR is not supported") {
		t.Fatalf("err = %v, want ErrNoText", err)
	}
	if stats.Pages != 2 || stats.Chunks != 0 {
		t.Errorf("stats %+v", stats)
	}
}

func TestExtractPDFUnreadable(t *testing.T) {
	good := makePDF([]pdfPage{{Lines: []string{"hello"}}}, pdfOptions{})
	encrypted := makePDF([]pdfPage{{Lines: []string{"secret"}}}, pdfOptions{
		Trailer: "/Encrypt 6 0 R /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>] ",
		Extra:   []string{"<< /Filter /Standard /V 5 /R 6 /Length 256 /O <00> /U <00> /P -4 >>"},
	})
	cyclic := bytes.Replace(makePDF([]pdfPage{{Lines: []string{"loop"}}}, pdfOptions{}), []byte("/Kids [4 0 R]"), []byte("/Kids [2 0 R]"), 1)
	tests := []struct {
		name string
		data []byte
		msg  string
	}{
		{"truncated", good[:len(good)/2], "damaged"},
		{"no xref", bytes.Replace(good, []byte("xref"), []byte("xxxx"), 1), "damaged"},
		{"garbage", append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte{0xde, 0xad, 0xbe, 0xef}, 500)...), "damaged"},
		{"garbage with eof", append(append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("obj << >> ] [ endobj "), 50)...), "\nstartxref\n12\n%%EOF\n"...), "damaged"},
		{"encrypted", encrypted, "password-protected"},
		{"cyclic page tree", cyclic, "damaged"},
		{"header only", []byte("%PDF-1.4\n"), "damaged"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			done := make(chan struct{})
			var err error
			go func() {
				defer close(done)
				_, _, err = extractAll(t, tt.data, ContentTypePDF, "bad.pdf")
			}()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("extraction hangs")
			}
			if !errors.Is(err, ErrUnreadable) {
				t.Fatalf("err = %v, want ErrUnreadable", err)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("message %q lacks %q", err, tt.msg)
			}
		})
	}
}

func TestExtractPDFEmptyFile(t *testing.T) {
	if _, _, err := extractAll(t, nil, ContentTypePDF, "empty.pdf"); !errors.Is(err, ErrNoText) {
		t.Fatalf("err = %v", err)
	}
}

// TestExtractPDFTolerance covers files the parser rejects as they are: a
// PDF 2.0 header and bytes after the last %%EOF.
func TestExtractPDFTolerance(t *testing.T) {
	v2 := makePDF([]pdfPage{{Lines: []string{"version two"}}}, pdfOptions{Version: "2.0"})
	trailing := append(makePDF([]pdfPage{{Lines: []string{"trailing bytes"}}}, pdfOptions{}), bytes.Repeat([]byte("\x00junk"), 300)...)
	for _, tt := range []struct {
		data []byte
		want string
	}{{v2, "version two"}, {trailing, "trailing bytes"}} {
		chunks, _, err := extractAll(t, tt.data, ContentTypePDF, "a.pdf")
		if err != nil || len(chunks) != 1 || chunks[0].Text != tt.want {
			t.Errorf("%q: got %+v, %v", tt.want, chunks, err)
		}
	}
}

// TestExtractPDFBadContentKeepsText checks that a content stream the
// parser chokes on keeps the text read before, and other pages still count.
func TestExtractPDFBadContentKeepsText(t *testing.T) {
	data := makePDF([]pdfPage{
		{Content: "BT /F1 12 Tf 72 700 Td (before the damage) Tj ET BT ] ] >> >> (never) Tj"},
		{Lines: []string{"second page"}},
	}, pdfOptions{})
	chunks, _, err := extractAll(t, data, ContentTypePDF, "a.pdf")
	if err != nil {
		t.Fatal(err)
	}
	text := allText(chunks)
	if !strings.Contains(text, "before the damage") || !strings.Contains(text, "second page") {
		t.Fatalf("got %q", text)
	}
}

func TestExtractPDFLimits(t *testing.T) {
	var pages []pdfPage
	for i := range 5 {
		pages = append(pages, pdfPage{Lines: []string{fmt.Sprintf("page %d %s", i, strings.Repeat("text ", 100))}})
	}
	data := makePDF(pages, pdfOptions{})
	x := &Extractor{MaxPDFPages: 3}
	if _, _, err := extractStream(t, x, data, ContentTypePDF, "a.pdf"); !errors.Is(err, ErrTooLarge) {
		t.Errorf("pages: err = %v", err)
	}
	x = &Extractor{MaxTextBytes: 1000}
	if _, _, err := extractStream(t, x, data, ContentTypePDF, "a.pdf"); !errors.Is(err, ErrTooLarge) {
		t.Errorf("text: err = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Extract(ctx, bytes.NewReader(data), int64(len(data)), ContentTypePDF, "a.pdf", func(Chunk) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v", err)
	}
}

func FuzzExtractPDF(f *testing.F) {
	f.Add(makePDF([]pdfPage{{Lines: []string{"hello", "world"}}, {Content: "BT /F1 9 Tf [(a) -500 (b)] TJ ET"}}, pdfOptions{}))
	f.Add(makePDF([]pdfPage{{Content: "q 1 0 0 1 0 0 cm /X1 Do Q BT /F9 1 Tf (x) ' ET"}}, pdfOptions{Version: "2.0"}))
	f.Add([]byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 1 0 R >> endobj\ntrailer << /Root 1 0 R >>\nstartxref\n9\n%%EOF\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if Sniff(data[:min(len(data), sniffLen)], "f.pdf") != KindPDF {
			data = append([]byte("%PDF-1.4\n"), data...)
		}
		// Whatever the input, extraction ends: loops are cut by the read
		// budget, and the context is honoured.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		n := 0
		_, err := Extract(ctx, bytes.NewReader(data), int64(len(data)), ContentTypePDF, "f.pdf",
			func(c Chunk) error {
				if c.Ordinal != n || c.Page < 1 || c.Text == "" {
					t.Fatalf("bad chunk %+v", c)
				}
				n++
				return nil
			})
		if err != nil && !errors.Is(err, ErrUnreadable) && !errors.Is(err, ErrNoText) &&
			!errors.Is(err, ErrTooLarge) && !errors.Is(err, ErrUnsupportedType) {
			t.Fatalf("unexpected error %v", err)
		}
	})
}

// TestExtractPDFCyclicXref has a cross-reference table whose /Prev points
// to itself: the parser would follow it forever.
func TestExtractPDFCyclicXref(t *testing.T) {
	data := makePDF([]pdfPage{{Lines: []string{"loop"}}}, pdfOptions{})
	xref := bytes.Index(data, []byte("\nxref\n")) + 1
	data = bytes.Replace(data, []byte("/Root 1 0 R "), []byte(fmt.Sprintf("/Root 1 0 R /Prev %d ", xref)), 1)
	done := make(chan error, 1)
	go func() {
		_, _, err := extractAll(t, data, ContentTypePDF, "loop.pdf")
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, ErrUnreadable) {
			t.Fatalf("err = %v, want ErrUnreadable", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("extraction hangs")
	}
	// A deadline also stops it.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	x := &Extractor{}
	start := time.Now()
	_, err := x.Extract(ctx, bytes.NewReader(data), int64(len(data)), ContentTypePDF, "loop.pdf", func(Chunk) error { return nil })
	if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, ErrUnreadable) {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v after the deadline", d)
	}
}

func TestPDFFile(t *testing.T) {
	em := &emitter{ctx: context.Background(), stats: &Stats{}}
	data := []byte("%PDF-2.0 comment\nrest of the file")
	f := newPDFFile(bytes.NewReader(data), int64(len(data)), em)
	buf := make([]byte, 12)
	if _, err := f.ReadAt(buf, 0); err != nil || string(buf) != "%PDF-1.7\ncom" {
		t.Fatalf("header view %q, %v", buf, err)
	}
	if _, err := f.ReadAt(buf[:4], 5); err != nil || string(buf[:4]) != "1.7\n" {
		t.Fatalf("header view at 5: %q", buf[:4])
	}
	f.limit(10)
	defer func() {
		if p := recover(); p != errReadBudget {
			t.Fatalf("recovered %v, want errReadBudget", p)
		}
	}()
	_, _ = f.ReadAt(buf, 0)
	t.Fatal("no panic past the budget")
}
