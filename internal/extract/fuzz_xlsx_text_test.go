package extract

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzExtractXLSX fuzzes the worksheet and shared-strings XML of a workbook
// that is otherwise valid: the parts an uploader controls cell by cell.
func FuzzExtractXLSX(f *testing.F) {
	seed := makeXLSX(f, map[string][][]any{"Prices": {{"Part number", "Price"}, {"04152-YZZA6", 12.5}, {"=1+1", "<b>x</b>"}}}, "Prices")
	parts := unzipParts(f, seed)
	f.Add([]byte(parts["xl/worksheets/sheet1.xml"]), []byte(parts["xl/sharedStrings.xml"]))
	f.Add([]byte(`<worksheet><sheetData><row r="1048576"><c r="XFD1048576" t="s"><v>99999999</v></c></row></sheetData></worksheet>`), []byte(`<sst><si><t>x</t></si></sst>`))
	f.Add([]byte(`<worksheet><sheetData><row><c t="inlineStr"><is><t>`+strings.Repeat("a", 5000)+`</t></is></c></row></sheetData></worksheet>`), []byte(``))
	f.Add([]byte(`<worksheet><sheetData><row r="-1"><c r="A0"><v>1e308</v></c></row></sheetData>`), []byte("\xff<sst>"))
	f.Fuzz(func(t *testing.T, sheet, shared []byte) {
		files := map[string]string{}
		for k, v := range parts {
			files[k] = v
		}
		files["xl/worksheets/sheet1.xml"] = string(sheet)
		files["xl/sharedStrings.xml"] = string(shared)
		data := rezip(t, files)
		n := 0
		stats, err := Extract(context.Background(), bytes.NewReader(data), int64(len(data)), ContentTypeXLSX, "f.xlsx",
			func(c Chunk) error {
				if c.Ordinal != n || strings.TrimSpace(c.Text) == "" || !utf8.ValidString(c.Text) {
					t.Fatalf("bad chunk %+v", c)
				}
				n++
				return nil
			})
		if err == nil && stats.Chunks != n {
			t.Fatalf("stats %+v after %d chunks", stats, n)
		}
	})
}

// FuzzExtractText fuzzes plain text, the built-in extractor's simplest and
// most common input.
func FuzzExtractText(f *testing.F) {
	for _, s := range []string{"Oil filter 04152-YZZA6\n\nBrake disc 8E0-615-301-AG", "\xef\xbb\xbfBOM", "\xff\xfe\x00a\x00b", "a\r\n\r\nb", strings.Repeat("x", 10000), "\x00\x01\x02"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		n := 0
		stats, err := Extract(context.Background(), bytes.NewReader(data), int64(len(data)), ContentTypeText, "f.txt",
			func(c Chunk) error {
				if c.Ordinal != n || strings.TrimSpace(c.Text) == "" || !utf8.ValidString(c.Text) {
					t.Fatalf("bad chunk %+v", c)
				}
				n++
				return nil
			})
		if err == nil && stats.Chunks != n {
			t.Fatalf("stats %+v after %d chunks", stats, n)
		}
	})
}

func unzipParts(t testing.TB, data []byte) map[string]string {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		out[f.Name] = string(b)
	}
	return out
}

func rezip(t testing.TB, files map[string]string) []byte {
	order := make([]string, 0, len(files))
	order = append(order, "[Content_Types].xml")
	for k := range files {
		if k != "[Content_Types].xml" {
			order = append(order, k)
		}
	}
	return makeZip(t, files, order...)
}
