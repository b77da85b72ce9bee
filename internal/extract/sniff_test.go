package extract

import (
	"bytes"
	"testing"
)

func TestSniff(t *testing.T) {
	pdfBytes := makePDF([]pdfPage{{Lines: []string{"x"}}}, pdfOptions{})
	docx := makeDOCX(t, docxParagraph(docxRun("hello")))
	xlsx := makeXLSX(t, map[string][][]any{"S": {{"a"}}}, "S")
	otherZip := makeZip(t, map[string]string{"readme.txt": "hi"}, "readme.txt")
	exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00"), bytes.Repeat([]byte{0}, 100)...)
	tests := []struct {
		name string
		head []byte
		file string
		want string
	}{
		{"pdf", pdfBytes, "a.pdf", KindPDF},
		{"pdf without extension", pdfBytes, "scan", KindPDF},
		{"pdf after junk", append([]byte("garbage\r\n"), pdfBytes...), "a.pdf", KindPDF},
		{"docx", docx, "a.docx", KindDOCX},
		{"docx named xlsx", docx, "a.xlsx", KindDOCX},
		{"docx named zip", docx, "a.zip", KindDOCX},
		{"xlsx", xlsx, "a.xlsx", KindXLSX},
		{"xlsx without extension", xlsx, "export", KindXLSX},
		{"other zip", otherZip, "a.zip", KindUnknown},
		{"other zip named docx", otherZip, "a.docx", KindDOCX},
		{"zip named pdf", otherZip, "a.pdf", KindUnknown},
		{"legacy xls", append([]byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), make([]byte, 100)...), "a.xls", KindUnknown},
		{"exe named csv", exe, "prices.csv", KindUnknown},
		{"png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "a.png", KindUnknown},
		{"rtf", []byte(`{\rtf1\ansi hello}`), "a.txt", KindUnknown},
		{"csv", []byte("a;b;c\n1;2;3\n"), "prices.CSV", KindCSV},
		{"tsv", []byte("a\tb\n1\t2\n"), "prices.tsv", KindCSV},
		{"markdown", []byte("# Title\n\ntext"), "notes.md", KindMarkdown},
		{"text", []byte("hello"), "notes.txt", KindTxt},
		{"text without name", []byte("hello"), "", KindTxt},
		{"windows-1252 text", []byte("Bremsscheibe f\xfcr Audi, 89,90 \x80"), "a.csv", KindCSV},
		{"utf-16 text", []byte("\xff\xfeh\x00i\x00"), "a.txt", KindTxt},
		{"utf-8 cut mid-rune", []byte("Gr\xc3\xb6\xc3"), "a.txt", KindTxt},
		{"binary with controls", bytes.Repeat([]byte{1, 2, 3, 'a'}, 50), "a.txt", KindUnknown},
		{"empty", nil, "a.txt", KindTxt},
		{"empty pdf", nil, "a.pdf", KindTxt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			head := tt.head[:min(len(tt.head), sniffLen)]
			if got := Sniff(head, tt.file); got != tt.want {
				t.Errorf("Sniff = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestMatches(t *testing.T) {
	pdfBytes := makePDF([]pdfPage{{Lines: []string{"x"}}}, pdfOptions{})
	docx := makeDOCX(t, docxParagraph(docxRun("hello")))
	xlsx := makeXLSX(t, map[string][][]any{"S": {{"a"}}}, "S")
	exe := append([]byte("MZ\x90\x00"), make([]byte, 64)...)
	csv := []byte("part;price\n8E0615301AG;89,90\n")
	tests := []struct {
		name     string
		declared string
		head     []byte
		file     string
		want     bool
	}{
		{"pdf", ContentTypePDF, pdfBytes, "a.pdf", true},
		{"pdf with parameters", "application/PDF; name=a.pdf", pdfBytes, "a.pdf", true},
		{"pdf whose bytes are a zip", ContentTypePDF, docx, "a.pdf", false},
		{"docx", ContentTypeDOCX, docx, "a.docx", true},
		{"docx declared but xlsx bytes", ContentTypeDOCX, xlsx, "a.docx", false},
		{"xlsx", ContentTypeXLSX, xlsx, "a.xlsx", true},
		{"xlsx declared but pdf", ContentTypeXLSX, pdfBytes, "a.xlsx", false},
		{"csv", ContentTypeCSV, csv, "a.csv", true},
		{"csv with charset", "text/csv; charset=utf-8", csv, "a.csv", true},
		{"csv from Windows browser", ContentTypeMSExcel, csv, "a.csv", true},
		{"real xls sent as ms-excel", ContentTypeMSExcel, append([]byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), make([]byte, 64)...), "a.xls", false},
		{"exe renamed csv", ContentTypeCSV, exe, "a.csv", false},
		{"text as csv", ContentTypeCSV, []byte("just text"), "a.txt", true},
		{"csv as text", ContentTypeText, csv, "a.csv", true},
		{"markdown", ContentTypeMarkdown, []byte("# hi"), "a.md", true},
		{"markdown but pdf", ContentTypeMarkdown, pdfBytes, "a.md", false},
		{"octet-stream pdf", "application/octet-stream", pdfBytes, "a.pdf", true},
		{"no type docx", "", docx, "a.docx", true},
		{"no type exe", "", exe, "a.exe", false},
		{"unsupported type", "image/png", []byte("\x89PNG\r\n\x1a\n\x00"), "a.png", false},
		{"unsupported type with text", "text/html", []byte("<p>hi</p>"), "a.html", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			head := tt.head[:min(len(tt.head), sniffLen)]
			if got := Matches(tt.declared, head, tt.file); got != tt.want {
				t.Errorf("Matches(%q, %q) = %v, want %v (sniffed %q)", tt.declared, tt.file, got, tt.want, Sniff(head, tt.file))
			}
		})
	}
}

func FuzzSniff(f *testing.F) {
	f.Add([]byte("%PDF-1.4\n"), "a.pdf", "application/pdf")
	f.Add([]byte("PK\x03\x04\x14\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x05\x00\x00\x00word/"), "a.docx", ContentTypeDOCX)
	f.Add([]byte("a;b\n1;2"), "a.csv", "text/csv; charset=utf-8")
	f.Add([]byte("\xff\xfeh\x00"), "", "")
	f.Add([]byte{}, "", "bad/;;")
	f.Fuzz(func(t *testing.T, head []byte, name, declared string) {
		kind := Sniff(head, name)
		switch kind {
		case KindPDF, KindDOCX, KindXLSX, KindCSV, KindTxt, KindMarkdown, KindUnknown:
		default:
			t.Fatalf("Sniff returned %q", kind)
		}
		if Matches(declared, head, name) && kind == KindUnknown {
			t.Fatalf("Matches is true for an unknown kind")
		}
	})
}
