package extract

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// extractAll runs Extract on data and collects the chunks.
func extractAll(t testing.TB, data []byte, contentType, name string) ([]Chunk, Stats, error) {
	t.Helper()
	var chunks []Chunk
	stats, err := Extract(context.Background(), bytes.NewReader(data), int64(len(data)), contentType, name,
		func(c Chunk) error {
			chunks = append(chunks, c)
			return nil
		})
	return chunks, stats, err
}

// extractStream is extractAll with a reader that is not an io.ReaderAt and
// an unknown size, so the streaming and spooling paths are used.
func extractStream(t testing.TB, x *Extractor, data []byte, contentType, name string) ([]Chunk, Stats, error) {
	t.Helper()
	var chunks []Chunk
	stats, err := x.Extract(context.Background(), struct{ *bytes.Reader }{bytes.NewReader(data)}, -1, contentType, name,
		func(c Chunk) error {
			chunks = append(chunks, c)
			return nil
		})
	return chunks, stats, err
}

func allText(chunks []Chunk) string {
	var b strings.Builder
	for _, c := range chunks {
		b.WriteString(c.Text)
		b.WriteString("\n")
	}
	return b.String()
}

// pdfPage is the content of one page of a generated PDF.
type pdfPage struct {
	Lines   []string // shown with Tj, one per line
	Content string   // raw content stream, used instead of Lines when set
}

// pdfOptions tweaks the generated PDF.
type pdfOptions struct {
	Version string // header version, "1.4" by default
	Trailer string // extra trailer entries, such as an /Encrypt reference
	Extra   []string
}

// makePDF writes a minimal valid PDF: a catalog, a page tree, the
// Helvetica font, and one content stream per page, with a correct
// cross-reference table. Extra objects are appended after the pages.
func makePDF(pages []pdfPage, opt pdfOptions) []byte {
	if opt.Version == "" {
		opt.Version = "1.4"
	}
	var objs []string
	kids := make([]string, len(pages))
	nPageObj := 4
	for i := range pages {
		kids[i] = fmt.Sprintf("%d 0 R", nPageObj+2*i)
	}
	objs = append(objs,
		"<< /Type /Catalog /Pages 2 0 R >>",
		fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(pages)),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
	)
	for i, p := range pages {
		content := p.Content
		if content == "" {
			var b strings.Builder
			b.WriteString("BT /F1 12 Tf 14 TL 72 720 Td\n")
			for j, line := range p.Lines {
				if j > 0 {
					b.WriteString("T*\n")
				}
				fmt.Fprintf(&b, "(%s) Tj\n", pdfEscape(line))
			}
			b.WriteString("ET")
			content = b.String()
		}
		objs = append(objs,
			fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>", nPageObj+2*i+1),
			fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content)+1, content),
		)
	}
	objs = append(objs, opt.Extra...)
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "%%PDF-%s\n%%\xe2\xe3\xcf\xd3\n", opt.Version)
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = buf.Len()
		fmt.Fprintf(&buf, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := buf.Len()
	fmt.Fprintf(&buf, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&buf, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&buf, "trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, opt.Trailer, xref)
	return buf.Bytes()
}

func pdfEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`).Replace(s)
}

// docxPart is a paragraph or table of a generated DOCX body, as raw XML.
func docxParagraph(runs ...string) string {
	var b strings.Builder
	b.WriteString("<w:p>")
	for _, r := range runs {
		b.WriteString(r)
	}
	b.WriteString("</w:p>")
	return b.String()
}

func docxRun(text string) string {
	return `<w:r><w:t xml:space="preserve">` + xmlEscape(text) + `</w:t></w:r>`
}

func docxTable(rows ...[]string) string {
	var b strings.Builder
	b.WriteString("<w:tbl><w:tblPr/>")
	for _, row := range rows {
		b.WriteString("<w:tr>")
		for _, cell := range row {
			b.WriteString("<w:tc><w:tcPr/>" + docxParagraph(docxRun(cell)) + "</w:tc>")
		}
		b.WriteString("</w:tr>")
	}
	b.WriteString("</w:tbl>")
	return b.String()
}

const docxPageBreak = `<w:p><w:r><w:br w:type="page"/></w:r></w:p>`

func xmlEscape(s string) string {
	var b bytes.Buffer
	_ = xmlEscapeText(&b, s)
	return b.String()
}

// makeDOCX writes a minimal DOCX package around body XML.
func makeDOCX(t testing.TB, body string) []byte {
	t.Helper()
	doc := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" ` +
		`xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><w:body>` +
		body + `<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>`
	return makeZip(t, map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
			`<Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
		"_rels/.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`,
		"word/document.xml": doc,
	}, "[Content_Types].xml", "_rels/.rels", "word/document.xml")
}

// makeZip writes files in the given order.
func makeZip(t testing.TB, files map[string]string, order ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range order {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(files[name])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// makeXLSX writes a workbook with excelize; sheets maps names to rows.
func makeXLSX(t testing.TB, sheets map[string][][]any, order ...string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, name := range order {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		for r, row := range sheets[name] {
			if row == nil {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			if err := f.SetSheetRow(name, cell, &row); err != nil {
				t.Fatal(err)
			}
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func xmlEscapeText(b *bytes.Buffer, s string) error {
	return xml.EscapeText(b, []byte(s))
}
