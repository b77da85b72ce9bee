package extract

import (
	"bytes"
	"encoding/binary"
	"mime"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// Kinds of document returned by [Sniff].
const (
	KindPDF      = "pdf"     // PDF document
	KindDOCX     = "docx"    // Word document (Office Open XML)
	KindXLSX     = "xlsx"    // Excel workbook (Office Open XML)
	KindCSV      = "csv"     // delimited text: CSV, TSV, ";"-separated lists
	KindTxt      = "txt"     // plain text
	KindMarkdown = "md"      // Markdown
	KindUnknown  = "unknown" // anything else: not supported
)

// Content types understood by [Extract] and [Matches]. Browsers on Windows
// often send ContentTypeMSExcel for .csv files; it is accepted as CSV (a
// real legacy .xls file is rejected by its bytes).
const (
	ContentTypePDF      = "application/pdf"
	ContentTypeText     = "text/plain"
	ContentTypeMarkdown = "text/markdown"
	ContentTypeCSV      = "text/csv"
	ContentTypeDOCX     = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	ContentTypeXLSX     = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	ContentTypeMSExcel  = "application/vnd.ms-excel"
)

// Magic numbers.
var (
	magicPDF = []byte("%PDF-")
	magicZip = []byte("PK\x03\x04")
	magicOLE = []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
)

// pdfHeaderWindow is how far into the file the PDF header may start.
const pdfHeaderWindow = 1024

// Sniff returns the kind of a document from its first bytes and its file
// name: one of [KindPDF], [KindDOCX], [KindXLSX], [KindCSV], [KindTxt],
// [KindMarkdown] or [KindUnknown]. head should hold the first 4 KB or more.
//
//   - "%PDF-" within the first 1 KB is a PDF.
//   - A ZIP archive ("PK\x03\x04") is a DOCX when its first entries are
//     under word/ and an XLSX when they are under xl/; when the entries in
//     head do not tell, the extension (.docx, .xlsx) decides. Any other
//     archive is unknown.
//   - Text is UTF-8 (or UTF-16 with a byte-order mark, or Windows-1252)
//     without NUL bytes and almost without control characters. It is a CSV
//     for .csv, .tsv and .tab names, Markdown for .md and .markdown, and
//     plain text otherwise.
//   - Everything else, including legacy Office files (.doc, .xls), images,
//     executables and RTF, is unknown.
func Sniff(head []byte, fileName string) string {
	ext := strings.ToLower(filepath.Ext(fileName))
	switch {
	case bytes.Contains(head[:min(len(head), pdfHeaderWindow+len(magicPDF))], magicPDF):
		return KindPDF
	case bytes.HasPrefix(head, magicZip):
		return ooxmlKind(head, ext)
	case looksLikeText(head):
		return textKind(ext)
	}
	return KindUnknown
}

// Matches reports whether the bytes and name of a file agree with its
// declared content type. It is false when the type is not supported, when
// the bytes are of no supported kind, and when they contradict the type: a
// "application/pdf" upload whose bytes are a ZIP archive, or an executable
// sent as "text/csv". Any text file matches any text type (text/plain,
// text/markdown, text/csv). An empty or "application/octet-stream" type
// matches any supported kind.
func Matches(declaredType string, head []byte, fileName string) bool {
	sniffed := Sniff(head, fileName)
	if sniffed == KindUnknown {
		return false
	}
	declared, known := kindOfType(declaredType)
	switch {
	case !known:
		return false
	case declared == "":
		return true
	case isTextKind(declared):
		return isTextKind(sniffed)
	}
	return declared == sniffed
}

// kindOfType maps a content type to a kind. known is false for unsupported
// types; kind is empty for types that say nothing (octet-stream).
func kindOfType(contentType string) (kind string, known bool) {
	t, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		t, _, _ = strings.Cut(contentType, ";")
		t = strings.ToLower(strings.TrimSpace(t))
	}
	switch t {
	case "", "application/octet-stream", "binary/octet-stream", "application/unknown":
		return "", true
	case ContentTypePDF, "application/x-pdf", "application/acrobat":
		return KindPDF, true
	case ContentTypeDOCX:
		return KindDOCX, true
	case ContentTypeXLSX:
		return KindXLSX, true
	case ContentTypeCSV, ContentTypeMSExcel, "application/csv", "text/x-csv", "application/x-csv",
		"text/comma-separated-values", "text/x-comma-separated-values", "text/tab-separated-values":
		return KindCSV, true
	case ContentTypeText:
		return KindTxt, true
	case ContentTypeMarkdown, "text/x-markdown":
		return KindMarkdown, true
	}
	return "", false
}

func isTextKind(kind string) bool {
	return kind == KindTxt || kind == KindCSV || kind == KindMarkdown
}

func textKind(ext string) string {
	switch ext {
	case ".csv", ".tsv", ".tab":
		return KindCSV
	case ".md", ".markdown", ".mdown", ".mkd":
		return KindMarkdown
	}
	return KindTxt
}

// ooxmlKind tells a DOCX from an XLSX by the entry names in the local file
// headers found in head, falling back to the extension. Headers are found
// by their signature because writers that stream (data descriptors) leave
// the sizes needed to skip from one header to the next at zero.
func ooxmlKind(head []byte, ext string) string {
	for p := head; ; {
		i := bytes.Index(p, magicZip)
		if i < 0 || len(p)-i < 30 {
			break
		}
		h := p[i:]
		nameLen := int(binary.LittleEndian.Uint16(h[26:]))
		if nameLen > 0 && 30+nameLen <= len(h) {
			name := h[30 : 30+nameLen]
			switch {
			case bytes.HasPrefix(name, []byte("word/")):
				return KindDOCX
			case bytes.HasPrefix(name, []byte("xl/")):
				return KindXLSX
			}
		}
		p = h[4:]
	}
	switch ext {
	case ".docx", ".docm", ".dotx", ".dotm":
		return KindDOCX
	case ".xlsx", ".xlsm", ".xltx", ".xltm":
		return KindXLSX
	}
	return KindUnknown
}

// looksLikeText reports whether head is text: UTF-16 with a byte-order
// mark, or bytes without NUL and with at most 1 control character in 200
// (valid UTF-8, or Windows-1252).
func looksLikeText(head []byte) bool {
	if bytes.HasPrefix(head, []byte{0xff, 0xfe}) || bytes.HasPrefix(head, []byte{0xfe, 0xff}) {
		return len(head)%2 == 0 || len(head) >= sniffLen
	}
	if bytes.HasPrefix(head, []byte(`{\rtf`)) || bytes.HasPrefix(head, []byte("%!PS")) {
		return false
	}
	controls := 0
	for _, c := range head {
		switch {
		case c == 0:
			return false
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f', c == 0x7f:
			controls++
		}
	}
	if controls*200 > len(head) {
		return false
	}
	// Valid UTF-8 is text; otherwise it is read as Windows-1252, which
	// decodes every byte but 5 unassigned ones.
	return true
}

// isUTF8Prefix reports whether b is valid UTF-8, allowing a rune cut off at
// the end.
func isUTF8Prefix(b []byte) bool {
	if utf8.Valid(b) {
		return true
	}
	i := len(b) - 1
	for i > 0 && len(b)-i < utf8.UTFMax && !utf8.RuneStart(b[i]) {
		i--
	}
	return i >= 0 && !utf8.FullRune(b[i:]) && utf8.Valid(b[:i])
}

// describeUnknown explains why a file is not supported.
func describeUnknown(head []byte, fileName string) string {
	switch {
	case bytes.HasPrefix(head, magicOLE):
		return "a legacy Microsoft Office file (.doc, .xls) or a password-protected document: save it as .docx or .xlsx without a password"
	case bytes.HasPrefix(head, magicZip):
		return "a ZIP archive that is not a Word (.docx) or Excel (.xlsx) document"
	case bytes.HasPrefix(head, []byte("\x89PNG")), bytes.HasPrefix(head, []byte("\xff\xd8\xff")),
		bytes.HasPrefix(head, []byte("GIF8")), bytes.HasPrefix(head, []byte("II*\x00")), bytes.HasPrefix(head, []byte("MM\x00*")):
		return "an image: OCR is not supported by the built-in processor"
	case bytes.HasPrefix(head, []byte(`{\rtf`)):
		return "a Rich Text Format file: save it as .docx"
	}
	return "the file is not a PDF, DOCX, XLSX, CSV, text or Markdown document"
}

// KindOfType maps a declared content type to a kind: known is false for
// unsupported types, and kind is empty for types that say nothing
// (application/octet-stream).
func KindOfType(contentType string) (kind string, known bool) { return kindOfType(contentType) }

// KindOfName maps a file name's extension to a kind, KindUnknown when it says nothing.
func KindOfName(fileName string) string {
	switch ext := strings.ToLower(filepath.Ext(fileName)); ext {
	case ".pdf":
		return KindPDF
	case ".docx":
		return KindDOCX
	case ".xlsx":
		return KindXLSX
	case ".csv", ".tsv", ".tab", ".md", ".markdown", ".mdown", ".mkd", ".txt", ".text":
		return textKind(ext)
	}
	return KindUnknown
}

// ContentTypeOf is the canonical content type of a kind.
func ContentTypeOf(kind string) string {
	switch kind {
	case KindPDF:
		return ContentTypePDF
	case KindDOCX:
		return ContentTypeDOCX
	case KindXLSX:
		return ContentTypeXLSX
	case KindCSV:
		return ContentTypeCSV
	case KindMarkdown:
		return ContentTypeMarkdown
	case KindTxt:
		return ContentTypeText
	}
	return "application/octet-stream"
}
