package extract

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
)

func TestExtractUnsupported(t *testing.T) {
	tests := []struct {
		name, ct, file string
		data           []byte
		hint           string
	}{
		{"image type", "image/png", "a.png", []byte("\x89PNG\r\n\x1a\n\x00\x00"), "OCR"},
		{"html type", "text/html", "a.html", []byte("<p>hello</p>"), "text/html"},
		{"legacy xls", ContentTypeMSExcel, "a.xls", append([]byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), make([]byte, 512)...), ".xlsx"},
		{"exe as csv", ContentTypeCSV, "a.csv", append([]byte("MZ\x90\x00"), make([]byte, 512)...), "not a PDF"},
		{"plain zip", "", "a.zip", makeZip(t, map[string]string{"a.txt": "x"}, "a.txt"), "ZIP"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := extractAll(t, tt.data, tt.ct, tt.file)
			if !errors.Is(err, ErrUnsupportedType) {
				t.Fatalf("err = %v, want ErrUnsupportedType", err)
			}
			if !strings.Contains(err.Error(), tt.hint) {
				t.Errorf("message %q lacks %q", err, tt.hint)
			}
		})
	}
}

func TestExtractChoosesKind(t *testing.T) {
	csvData := []byte("Part;Price\n8E0615301AG;89,90\n")
	// text/plain for a .csv file: the extension says CSV.
	chunks, _, err := extractAll(t, csvData, "text/plain", "prices.csv")
	if err != nil || !strings.Contains(allText(chunks), "Part: 8E0615301AG | Price: 89,90") {
		t.Fatalf("csv by extension: %q, %v", allText(chunks), err)
	}
	// text/csv for a .txt file: the declared type says CSV.
	chunks, _, err = extractAll(t, csvData, "text/csv", "prices.txt")
	if err != nil || chunks[0].Row != 2 {
		t.Fatalf("csv by type: %+v, %v", chunks, err)
	}
	// A PDF declared as DOCX is read as what its bytes are.
	pdfData := makePDF([]pdfPage{{Lines: []string{"Bulletin text"}}}, pdfOptions{})
	chunks, _, err = extractAll(t, pdfData, ContentTypeDOCX, "a.docx")
	if err != nil || chunks[0].Page != 1 {
		t.Fatalf("pdf bytes: %+v, %v", chunks, err)
	}
}

func TestExtractEmitErrorReturnedAsIs(t *testing.T) {
	stop := errors.New("stop here")
	calls := 0
	data := []byte(prose(500))
	stats, err := Extract(context.Background(), bytes.NewReader(data), int64(len(data)), "text/plain", "a.txt",
		func(Chunk) error {
			calls++
			if calls == 2 {
				return stop
			}
			return nil
		})
	if err != stop {
		t.Fatalf("err = %v, want the emit error itself", err)
	}
	if stats.Chunks != 1 || calls != 2 {
		t.Errorf("stats %+v after %d calls", stats, calls)
	}
}

func TestExtractContextCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	data := []byte(prose(2000))
	calls := 0
	_, err := Extract(ctx, bytes.NewReader(data), int64(len(data)), "", "a.txt", func(Chunk) error {
		if calls++; calls == 3 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || calls != 3 {
		t.Fatalf("err = %v after %d chunks", err, calls)
	}
	_, err = Extract(ctx, bytes.NewReader(data), int64(len(data)), "", "a.txt", func(Chunk) error { return nil })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v for a cancelled context", err)
	}
}

func TestExtractMaxText(t *testing.T) {
	x := &Extractor{MaxTextBytes: 10 << 10}
	data := []byte(prose(1000))
	_, stats, err := extractStream(t, x, data, "text/plain", "a.txt")
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
	if stats.Chunks == 0 || stats.Chunks > 10 {
		t.Errorf("stats %+v", stats)
	}
}

func TestExtractMaxInput(t *testing.T) {
	x := &Extractor{MaxInputBytes: 1000}
	data := []byte(prose(100))
	if _, _, err := extractStream(t, x, data, "text/plain", "a.txt"); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("streamed: err = %v, want ErrTooLarge", err)
	}
	_, err := x.Extract(context.Background(), bytes.NewReader(data), int64(len(data)), "text/plain", "a.txt", func(Chunk) error { return nil })
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("sized: err = %v, want ErrTooLarge", err)
	}
}

// TestExtractSpoolsToTempFile reads PDF, DOCX and XLSX from a plain reader
// with a tiny memory buffer, so they are spooled to a temporary file that
// is removed afterwards.
func TestExtractSpoolsToTempFile(t *testing.T) {
	dir := t.TempDir()
	x := &Extractor{MemoryBufferBytes: 64, TempDir: dir}
	docs := []struct {
		name string
		data []byte
		want string
	}{
		{"a.pdf", makePDF([]pdfPage{{Lines: []string{"Spooled PDF text"}}}, pdfOptions{}), "Spooled PDF text"},
		{"a.docx", makeDOCX(t, docxParagraph(docxRun("Spooled DOCX text"))), "Spooled DOCX text"},
		{"a.xlsx", makeXLSX(t, map[string][][]any{"S": {{"Part", "Price"}, {"8E0615301AG", 1.5}}}, "S"), "Part: 8E0615301AG"},
	}
	for _, d := range docs {
		chunks, stats, err := extractStream(t, x, d.data, "", d.name)
		if err != nil {
			t.Fatalf("%s: %v", d.name, err)
		}
		if !strings.Contains(allText(chunks), d.want) {
			t.Errorf("%s: got %q", d.name, allText(chunks))
		}
		if stats.Bytes != int64(len(d.data)) {
			t.Errorf("%s: Bytes = %d, want %d", d.name, stats.Bytes, len(d.data))
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("temporary files left: %v", entries)
	}
}

// TestExtractReaderAtIgnoresPosition checks the documented io.ReaderAt rule.
func TestExtractReaderAtIgnoresPosition(t *testing.T) {
	data := makePDF([]pdfPage{{Lines: []string{"From offset zero"}}}, pdfOptions{})
	r := bytes.NewReader(data)
	_, _ = r.Seek(100, io.SeekStart)
	var got []Chunk
	_, err := Extract(context.Background(), r, int64(len(data)), ContentTypePDF, "a.pdf", func(c Chunk) error {
		got = append(got, c)
		return nil
	})
	if err != nil || len(got) != 1 || got[0].Text != "From offset zero" {
		t.Fatalf("got %+v, %v", got, err)
	}
}

func TestErrorMessages(t *testing.T) {
	err := newError(ErrUnreadable, errors.New("xref broken"), "the PDF could not be read")
	if !errors.Is(err, ErrUnreadable) || err.Error() != "the PDF could not be read (xref broken)" {
		t.Fatalf("got %q", err)
	}
	if errors.Is(err, ErrNoText) {
		t.Fatal("wrong sentinel")
	}
}

func TestUnzipLimit(t *testing.T) {
	var x Extractor
	for _, tt := range []struct{ size, want int64 }{
		{1 << 10, DefaultMinUnzipBytes},
		{1 << 20, 100 << 20},
		{100 << 20, DefaultMaxUnzipBytes},
		{1 << 62, DefaultMaxUnzipBytes},
	} {
		if got := x.unzipLimit(tt.size); got != tt.want {
			t.Errorf("unzipLimit(%d) = %d, want %d", tt.size, got, tt.want)
		}
	}
}
