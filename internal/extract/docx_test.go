package extract

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"hash/crc32"
	"strings"
	"testing"
)

func TestExtractDOCX(t *testing.T) {
	body := docxParagraph(docxRun("Service bulletin "), docxRun("24-017")) +
		docxParagraph(docxRun("Part"), `<w:r><w:tab/></w:r>`, docxRun("8E0 615 301 AG"), `<w:r><w:br/></w:r>`, docxRun("second line")) +
		// Tab stops in paragraph properties are not text.
		`<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>` + docxRun("Fits Audi A4 & A5 <B8>") + `</w:p>` +
		docxTable([]string{"Part number", "Description", "Price"}, []string{"8E0615301AG", "Brake disc", "89,90"}, []string{"04152-YZZA6", "", "12,50"}) +
		// Deleted text, field codes and the fallback copy of a text box are skipped.
		`<w:p><w:del><w:r><w:delText>old text</w:delText></w:r></w:del>` +
		`<w:r><w:instrText> PAGE </w:instrText></w:r>` + docxRun("kept") +
		`<w:r><mc:AlternateContent><mc:Choice><w:txbxContent>` + docxParagraph(docxRun("box text")) + `</w:txbxContent></mc:Choice>` +
		`<mc:Fallback><w:txbxContent>` + docxParagraph(docxRun("box text")) + `</w:txbxContent></mc:Fallback></mc:AlternateContent></w:r></w:p>` +
		docxPageBreak +
		// Word writes a rendered-break marker for the same page: not a new page.
		`<w:p><w:r><w:lastRenderedPageBreak/><w:t>Page two text</w:t></w:r></w:p>` +
		// A section break (next page) ends page two.
		`<w:p><w:pPr><w:sectPr><w:type w:val="nextPage"/></w:sectPr></w:pPr>` + docxRun("end of section") + `</w:p>` +
		docxParagraph(docxRun("Page three")) +
		// A continuous section break does not.
		`<w:p><w:pPr><w:sectPr><w:type w:val="continuous"/></w:sectPr></w:pPr>` + docxRun("still three") + `</w:p>` +
		`<w:p><w:r><w:t>before</w:t><w:lastRenderedPageBreak/><w:t>after</w:t></w:r></w:p>`
	data := makeDOCX(t, body)
	chunks, stats, err := extractAll(t, data, ContentTypeDOCX, "sb.docx")
	if err != nil {
		t.Fatal(err)
	}
	if len(chunks) != 4 || stats.Pages != 4 {
		t.Fatalf("stats %+v, chunks %q", stats, allText(chunks))
	}
	want := []struct {
		page int
		text string
	}{
		{1, "Service bulletin 24-017\n\nPart\t8E0 615 301 AG\nsecond line\n\nFits Audi A4 & A5 <B8>\n\n" +
			"Part number | Description | Price\n8E0615301AG | Brake disc | 89,90\n04152-YZZA6 | 12,50\n\nkept\n\nbox text"},
		{2, "Page two text\n\nend of section"},
		{3, "Page three\n\nstill three\n\nbefore"},
		{4, "after"},
	}
	for i, w := range want {
		if chunks[i].Page != w.page || chunks[i].Text != w.text {
			t.Errorf("chunk %d: page %d %q\nwant page %d %q", i, chunks[i].Page, chunks[i].Text, w.page, w.text)
		}
	}
}

func TestExtractDOCXErrors(t *testing.T) {
	// No text at all.
	empty := makeDOCX(t, `<w:p/>`+docxPageBreak)
	if _, _, err := extractAll(t, empty, ContentTypeDOCX, "a.docx"); !errors.Is(err, ErrNoText) {
		t.Errorf("empty: err = %v", err)
	}
	// A ZIP without word/document.xml.
	noDoc := makeZip(t, map[string]string{"word/styles.xml": "<x/>"}, "word/styles.xml")
	if _, _, err := extractAll(t, noDoc, ContentTypeDOCX, "a.docx"); !errors.Is(err, ErrUnreadable) {
		t.Errorf("no document part: err = %v", err)
	}
	// Broken XML after some text.
	broken := makeZip(t, map[string]string{"word/document.xml": `<w:document><w:body><w:p><w:r><w:t>text</w:t></w:r></w:p><w:p><w:r>&bogus;<`}, "word/document.xml")
	if _, _, err := extractAll(t, broken, ContentTypeDOCX, "a.docx"); !errors.Is(err, ErrUnreadable) {
		t.Errorf("broken xml: err = %v", err)
	}
	// A truncated archive.
	data := makeDOCX(t, docxParagraph(docxRun("hello")))
	if _, _, err := extractAll(t, data[:len(data)-30], ContentTypeDOCX, "a.docx"); !errors.Is(err, ErrUnreadable) {
		t.Errorf("truncated: err = %v", err)
	}
}

// TestExtractDOCXZipBomb uses a document part that expands about 1000
// times: 32 MB of text from a few tens of kilobytes.
func TestExtractDOCXZipBomb(t *testing.T) {
	body := docxParagraph(docxRun(strings.Repeat("a", 32<<20)))
	data := makeDOCX(t, body)
	if len(data) > 1<<20 {
		t.Fatalf("bomb is %d bytes", len(data))
	}
	_, _, err := extractAll(t, data, ContentTypeDOCX, "bomb.docx")
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "zip bomb") {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
}

// TestExtractDOCXLyingSizes declares a small uncompressed size for a part
// that expands much more: reading stops at the declared size.
func TestExtractDOCXLyingSizes(t *testing.T) {
	doc := []byte(`<w:document><w:body>` + docxParagraph(docxRun(strings.Repeat("b", 40<<20))) + `</w:body></w:document>`)
	var comp bytes.Buffer
	fw, _ := flate.NewWriter(&comp, flate.BestCompression)
	_, _ = fw.Write(doc)
	_ = fw.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&zip.FileHeader{
		Name:               "word/document.xml",
		Method:             zip.Deflate,
		CRC32:              crc32.ChecksumIEEE(doc),
		CompressedSize64:   uint64(comp.Len()),
		UncompressedSize64: 1000, // a lie
	})
	if err != nil {
		t.Fatal(err)
	}
	_, _ = w.Write(comp.Bytes())
	_ = zw.Close()
	_, _, err = extractAll(t, buf.Bytes(), ContentTypeDOCX, "liar.docx")
	if !errors.Is(err, ErrUnreadable) && !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v", err)
	}
}

func FuzzExtractDOCX(f *testing.F) {
	f.Add([]byte(`<w:document><w:body><w:p><w:r><w:t>hi</w:t><w:br w:type="page"/><w:t>x</w:t></w:r></w:p></w:body></w:document>`))
	f.Add([]byte(`<w:tbl><w:tr><w:tc><w:p><w:r><w:t>a</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:t>b</w:t><w:lastRenderedPageBreak/></w:r></w:p></w:tc></w:tr></w:tbl></w:tc></w:tr></w:tbl>`))
	f.Add([]byte(`<w:p><w:pPr><w:sectPr><w:type w:val="continuous"/></w:sectPr></w:pPr><mc:Fallback><w:p>`))
	f.Add([]byte("<w:t>\xff</w:t>"))
	f.Fuzz(func(t *testing.T, doc []byte) {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, _ := zw.Create("word/document.xml")
		_, _ = w.Write(doc)
		_ = zw.Close()
		data := buf.Bytes()
		page := 0
		n := 0
		stats, err := Extract(context.Background(), bytes.NewReader(data), int64(len(data)), ContentTypeDOCX, "f.docx",
			func(c Chunk) error {
				if c.Ordinal != n || c.Page < 1 || c.Page < page || strings.TrimSpace(c.Text) == "" {
					t.Fatalf("bad chunk %+v after page %d", c, page)
				}
				page = c.Page
				n++
				return nil
			})
		if err == nil && (stats.Chunks == 0 || stats.Pages < page) {
			t.Fatalf("stats %+v, last page %d", stats, page)
		}
	})
}
