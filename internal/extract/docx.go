package extract

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"io"
	"path"
	"strings"
	"unicode/utf8"
)

// maxRelsBytes bounds the package relationships part of a DOCX.
const maxRelsBytes = 1 << 20

// extractDOCX reads word/document.xml of a DOCX with archive/zip and
// encoding/xml: paragraphs (w:p) of runs (w:t, w:tab, w:br, w:cr), tables
// as rows of cells joined by " | ", and page breaks (w:br w:type="page",
// w:lastRenderedPageBreak, section breaks) that advance Page. Deleted text,
// field codes and the fallback copy of text boxes are skipped.
func (x *Extractor) extractDOCX(ra *randomAccess, em *emitter) error {
	zr, err := zip.NewReader(ra, ra.size)
	if err != nil {
		return newError(ErrUnreadable, err, "the Word document could not be read: it may be damaged or password-protected")
	}
	limit := x.unzipLimit(ra.size)
	main := mainDocumentPart(zr)
	if main == nil {
		return newError(ErrUnreadable, nil, "the file is not a Word document: word/document.xml is missing")
	}
	if main.UncompressedSize64 > uint64(limit) {
		return zipBomb("Word document", limit)
	}
	rc, err := main.Open()
	if err != nil {
		return newError(ErrUnreadable, err, "the Word document could not be read: it may be damaged")
	}
	defer rc.Close()
	w := &docxWalker{c: newChunker(em), page: 1}
	w.c.page = 1
	if err := w.walk(&limitReader{r: rc, limit: limit, what: "Word document"}); err != nil {
		return err
	}
	if err := w.c.flush(); err != nil {
		return err
	}
	em.stats.Pages = w.page
	if em.stats.Chunks == 0 {
		return newError(ErrNoText, nil, "no text found: the Word document has no text (images are not read)")
	}
	return nil
}

func zipBomb(what string, limit int64) error {
	return newError(ErrTooLarge, nil, "the %s expands to more than %d MB when unpacked: it may be a zip bomb", what, limit>>20)
}

// mainDocumentPart finds the main part through _rels/.rels, falling back
// to word/document.xml.
func mainDocumentPart(zr *zip.Reader) *zip.File {
	files := make(map[string]*zip.File, len(zr.File))
	for _, f := range zr.File {
		files[strings.ToLower(f.Name)] = f
	}
	if rels := files["_rels/.rels"]; rels != nil && rels.UncompressedSize64 <= maxRelsBytes {
		if rc, err := rels.Open(); err == nil {
			var doc struct {
				Rels []struct {
					Type   string `xml:"Type,attr"`
					Target string `xml:"Target,attr"`
				} `xml:"Relationship"`
			}
			err = xml.NewDecoder(io.LimitReader(rc, maxRelsBytes)).Decode(&doc)
			rc.Close()
			if err == nil {
				for _, r := range doc.Rels {
					if strings.HasSuffix(r.Type, "/officeDocument") {
						name := strings.ToLower(path.Clean(strings.TrimPrefix(r.Target, "/")))
						if f := files[name]; f != nil {
							return f
						}
					}
				}
			}
		}
	}
	return files["word/document.xml"]
}

// docxWalker turns WordprocessingML into chunker input.
type docxWalker struct {
	c           *chunker
	page        int
	pageHasText bool

	para     []byte // text of the current paragraph
	pDepth   int    // nesting of w:p (text boxes nest paragraphs)
	inText   bool   // inside w:t
	inRun    int    // nesting of w:r
	skip     int    // nesting of mc:Fallback
	tblDepth int
	cell     []byte   // text of the current outermost table cell
	row      []string // cells of the current outermost table row
	breakDue bool     // a page break seen inside a table

	inPPr, inSectPr bool
	sectType        string
	sectDue         bool // a section break ends the current paragraph
}

func (w *docxWalker) walk(r io.Reader) error {
	d := xml.NewDecoder(r)
	d.Strict = false
	for {
		tok, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			var de *docError
			if errors.As(err, &de) {
				return err
			}
			return newError(ErrUnreadable, err, "the Word document could not be read: it is damaged")
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if err := w.start(t); err != nil {
				return err
			}
		case xml.EndElement:
			if err := w.end(t.Name.Local); err != nil {
				return err
			}
		case xml.CharData:
			if w.inText && w.skip == 0 {
				w.para = append(w.para, t...)
			}
		}
	}
}

func (w *docxWalker) start(t xml.StartElement) error {
	name := t.Name.Local
	if w.skip > 0 {
		if name == "Fallback" {
			w.skip++
		}
		return nil
	}
	switch name {
	case "Fallback":
		w.skip++
	case "p":
		if w.pDepth > 0 {
			w.endParagraph() // a text box inside a paragraph
		}
		w.pDepth++
	case "r":
		w.inRun++
	case "t":
		w.inText = true
	case "tab":
		if w.inRun > 0 {
			w.para = append(w.para, '\t')
		}
	case "br":
		if attr(t, "type") == "page" {
			return w.pageBreak()
		}
		w.para = append(w.para, '\n')
	case "cr":
		w.para = append(w.para, '\n')
	case "noBreakHyphen":
		w.para = append(w.para, '-')
	case "lastRenderedPageBreak":
		return w.pageBreak()
	case "tbl":
		w.tblDepth++
	case "tr":
		if w.tblDepth == 1 {
			w.row = w.row[:0]
		}
	case "tc":
		if w.tblDepth == 1 {
			w.cell = w.cell[:0]
		}
	case "pPr":
		w.inPPr = true
	case "sectPr":
		if w.inPPr {
			w.inSectPr, w.sectType = true, "nextPage"
		}
	case "type":
		if w.inSectPr {
			w.sectType = attr(t, "val")
		}
	}
	return nil
}

func (w *docxWalker) end(name string) error {
	if w.skip > 0 {
		if name == "Fallback" {
			w.skip--
		}
		return nil
	}
	switch name {
	case "p":
		if err := w.endParagraph(); err != nil {
			return err
		}
		w.pDepth = max(w.pDepth-1, 0)
		if w.sectDue && w.pDepth == 0 {
			w.sectDue = false
			return w.pageBreak()
		}
	case "r":
		w.inRun = max(w.inRun-1, 0)
	case "t":
		w.inText = false
	case "tc":
		switch {
		case w.tblDepth == 1:
			w.row = append(w.row, strings.TrimSpace(string(w.cell)))
		case w.tblDepth > 1:
			w.cell = append(w.cell, ' ')
		}
	case "tr":
		if w.tblDepth == 1 {
			return w.endRow()
		}
	case "tbl":
		w.tblDepth = max(w.tblDepth-1, 0)
		if w.tblDepth == 0 {
			w.c.paragraph()
			if w.breakDue {
				w.breakDue = false
				return w.pageBreak()
			}
		}
	case "pPr":
		w.inPPr = false
	case "sectPr":
		if w.inSectPr {
			w.inSectPr = false
			w.sectDue = w.sectType != "continuous"
		}
	}
	return nil
}

// endParagraph writes the current paragraph to the table cell or the text.
func (w *docxWalker) endParagraph() error {
	p := w.para
	w.para = w.para[:0]
	if !utf8.Valid(p) {
		p = []byte(strings.ToValidUTF8(string(p), "\uFFFD"))
	}
	if w.tblDepth > 0 {
		if len(w.cell) > 0 && len(p) > 0 {
			w.cell = append(w.cell, ' ')
		}
		w.cell = append(w.cell, p...)
		return nil
	}
	if err := w.writeText(p); err != nil {
		return err
	}
	w.c.paragraph()
	return nil
}

// endRow writes a table row as its non-empty cells joined by " | ".
func (w *docxWalker) endRow() error {
	var line []byte
	for _, v := range w.row {
		if v == "" {
			continue
		}
		if len(line) > 0 {
			line = append(line, " | "...)
		}
		line = append(line, v...)
	}
	if err := w.writeText(line); err != nil {
		return err
	}
	w.c.newline(1)
	if w.breakDue {
		w.breakDue = false
		return w.pageBreak()
	}
	return nil
}

func (w *docxWalker) writeText(p []byte) error {
	if len(p) == 0 {
		return nil
	}
	for _, b := range p {
		if b > ' ' {
			w.pageHasText = true
			break
		}
	}
	return w.c.write(p)
}

// pageBreak starts a new page, unless the current page is still empty:
// Word often writes both an explicit break and a rendered-break marker
// for the same page.
func (w *docxWalker) pageBreak() error {
	if w.tblDepth > 0 {
		w.breakDue = true
		return nil
	}
	if len(w.para) > 0 {
		if err := w.writeText(w.para); err != nil {
			return err
		}
		w.para = w.para[:0]
	}
	if !w.pageHasText {
		return nil
	}
	w.page++
	w.pageHasText = false
	return w.c.setPage(w.page)
}

// attr returns the value of the attribute with the given local name.
func attr(t xml.StartElement, local string) string {
	for _, a := range t.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// limitReader fails with ErrTooLarge after limit bytes.
type limitReader struct {
	r     io.Reader
	n     int64
	limit int64
	what  string
}

func (l *limitReader) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	l.n += int64(n)
	if l.n > l.limit {
		return n, zipBomb(l.what, l.limit)
	}
	return n, err
}
