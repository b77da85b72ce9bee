package extract

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
)

// readRows runs Rows on data and collects copies of the rows.
func readRows(t testing.TB, x *Extractor, data []byte, contentType, name string) ([]Row, error) {
	t.Helper()
	var rows []Row
	err := x.Rows(context.Background(), bytes.NewReader(data), int64(len(data)), contentType, name, func(r Row) error {
		r.Cells = slices.Clone(r.Cells)
		rows = append(rows, r)
		return nil
	})
	return rows, err
}

// cells returns the cells of rows, for comparison.
func cells(rows []Row) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = r.Cells
	}
	return out
}

func lines(rows []Row) []int {
	out := make([]int, len(rows))
	for i, r := range rows {
		out[i] = r.Line
	}
	return out
}

func win1252(t testing.TB, s string) []byte {
	t.Helper()
	b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func utf16(s string, bigEndian bool) []byte {
	out := []byte{0xff, 0xfe}
	if bigEndian {
		out = []byte{0xfe, 0xff}
	}
	for _, r := range s { // the test strings are in the BMP
		if bigEndian {
			out = append(out, byte(r>>8), byte(r))
		} else {
			out = append(out, byte(r), byte(r>>8))
		}
	}
	return out
}

func TestRowsEncodingsAndDelimiters(t *testing.T) {
	const de = "Teilenummer;Bezeichnung;UPE\r\n1K0 698 151 A;Bremsbelagsatz, hinten — Öl;1.234,56 €\r\n"
	want := [][]string{{"Teilenummer", "Bezeichnung", "UPE"}, {"1K0 698 151 A", "Bremsbelagsatz, hinten — Öl", "1.234,56 €"}}
	tests := []struct {
		name  string
		data  []byte
		ctype string
		file  string
		want  [][]string
	}{
		{"utf-8", []byte(de), ContentTypeCSV, "p.csv", want},
		{"utf-8 bom", append([]byte("\xef\xbb\xbf"), de...), ContentTypeCSV, "p.csv", want},
		{"utf-16le bom", utf16(de, false), ContentTypeCSV, "p.csv", want},
		{"utf-16be bom", utf16(de, true), ContentTypeCSV, "p.csv", want},
		{"windows-1252", win1252(t, de), ContentTypeMSExcel, "p.csv", want},
		{"sep directive", append([]byte("sep=|\n"), strings.ReplaceAll(de, ";", "|")...), ContentTypeCSV, "p.csv", want},
		{"comma with quotes", []byte("Part Number,Description,List Price\n34116794300,\"Brake pads, rear\",\"1,234.56\"\n"),
			ContentTypeCSV, "p.csv", [][]string{{"Part Number", "Description", "List Price"}, {"34116794300", "Brake pads, rear", "1,234.56"}}},
		{"tab text file", []byte("Part\tPrice\n04152-YZZA6\t12.50\n"), ContentTypeText, "p.txt",
			[][]string{{"Part", "Price"}, {"04152-YZZA6", "12.50"}}},
		{"pipe", []byte("Part|Price\n04152-YZZA6|12.50\n"), "", "p.csv", [][]string{{"Part", "Price"}, {"04152-YZZA6", "12.50"}}},
		{"cr line ends", []byte("Part;Price\r8E0615301AG;89,90\r"), ContentTypeCSV, "p.csv", [][]string{{"Part", "Price"}, {"8E0615301AG", "89,90"}}},
		{"trailing empty cells kept", []byte("A;B;C;\n1;;;\n"), ContentTypeCSV, "p.csv", [][]string{{"A", "B", "C", ""}, {"1", "", "", ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := readRows(t, &Extractor{}, tt.data, tt.ctype, tt.file)
			if err != nil {
				t.Fatal(err)
			}
			if got := cells(rows); !slices.EqualFunc(got, tt.want, slices.Equal) {
				t.Fatalf("got %q\nwant %q", got, tt.want)
			}
		})
	}
}

// TestRowsMixedEncodings appends a block in the other encoding after the
// first 64 KB, where decodeText decides.
func TestRowsMixedEncodings(t *testing.T) {
	var utf bytes.Buffer
	utf.WriteString("Teilenummer;Bezeichnung\n")
	for i := 0; utf.Len() < 70<<10; i++ {
		fmt.Fprintf(&utf, "8E0615%03dA;Bremsscheibe für Audi Nr. %d\n", i%1000, i)
	}
	n := strings.Count(utf.String(), "\n")
	t.Run("windows-1252 after utf-8", func(t *testing.T) {
		data := append(bytes.Clone(utf.Bytes()), win1252(t, "1K0698151A;Bremsbelagsatz, hinten — Öl\n")...)
		rows, err := readRows(t, &Extractor{}, data, ContentTypeCSV, "p.csv")
		if err != nil {
			t.Fatal(err)
		}
		last := rows[len(rows)-1]
		if len(rows) != n+1 || last.Cells[1] != "Bremsbelagsatz, hinten — Öl" || last.Line != n+1 {
			t.Fatalf("%d rows, last %+v", len(rows), last)
		}
		if rows[1].Cells[1] != "Bremsscheibe für Audi Nr. 0" {
			t.Errorf("utf-8 row %q", rows[1].Cells[1])
		}
	})
	t.Run("utf-8 after windows-1252", func(t *testing.T) {
		data := append(win1252(t, utf.String()), "1K0698151A;Ölfilter für Golf\n"...)
		rows, err := readRows(t, &Extractor{}, data, ContentTypeCSV, "p.csv")
		if err != nil {
			t.Fatal(err)
		}
		if last := rows[len(rows)-1]; last.Cells[1] != "Ölfilter für Golf" {
			t.Fatalf("last %+v", last)
		}
		if rows[5].Cells[1] != "Bremsscheibe für Audi Nr. 4" {
			t.Errorf("windows-1252 row %q", rows[5].Cells[1])
		}
	})
	t.Run("stray byte in utf-8", func(t *testing.T) {
		data := []byte("Teil;Text\n1K0698151A;Gr\xf6\xdfe M für Golf\n")
		rows, err := readRows(t, &Extractor{}, append(bytes.Clone(utf.Bytes()), data[10:]...), ContentTypeCSV, "p.csv")
		if err != nil {
			t.Fatal(err)
		}
		if last := rows[len(rows)-1]; last.Cells[1] != "Größe M für Golf" {
			t.Fatalf("last %q", last.Cells[1])
		}
	})
}

func TestRowsLineNumbers(t *testing.T) {
	data := "sep=;\n" + // not a row
		"Preisliste 2025\n" + // 1
		"\n" + // 2: blank
		"Teilenummer;Bezeichnung;Preis\n" + // 3
		"8E0615301AG;\"Bremsscheibe\nbelüftet\";89,90\n" + // 4, two physical lines
		";;\n" + // 5: blank cells
		"04152-YZZA6;Ölfilter;12,50\n" // 6
	rows, err := readRows(t, &Extractor{}, []byte(data), ContentTypeCSV, "p.csv")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := lines(rows), []int{1, 3, 4, 6}; !slices.Equal(got, want) {
		t.Fatalf("lines %v, want %v", got, want)
	}
	if rows[2].Cells[1] != "Bremsscheibe\nbelüftet" {
		t.Errorf("multi-line cell %q", rows[2].Cells[1])
	}
	// The same rows as Extract numbers them.
	chunks, _, err := extractAll(t, []byte(data), ContentTypeCSV, "p.csv")
	if err != nil {
		t.Fatal(err)
	}
	if chunks[0].Row != 1 || chunks[1].Row != 4 {
		t.Errorf("Extract rows %d, %d", chunks[0].Row, chunks[1].Row)
	}
}

func TestRowsUnterminated(t *testing.T) {
	full := "Part;Description;Price\n8E0615301AG;Brake disc;89,90\n04152-YZZA6;Oil filter;12,50\n"
	tests := []struct {
		name      string
		data      string
		lastCells int
		cut       bool
	}{
		{"complete", full, 3, false},
		{"no final line break", strings.TrimSuffix(full, "\n"), 3, true},
		{"cut in the middle of a line", full[:len(full)-12], 2, true},
		{"crlf complete", strings.ReplaceAll(full, "\n", "\r\n"), 3, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, stream := range []bool{false, true} {
				var rows []Row
				x := &Extractor{}
				var r io.Reader = strings.NewReader(tt.data)
				if stream {
					r = iotestHalfReader{r}
				}
				err := x.Rows(context.Background(), r, -1, ContentTypeCSV, "p.csv", func(row Row) error {
					row.Cells = slices.Clone(row.Cells)
					rows = append(rows, row)
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				last := rows[len(rows)-1]
				if len(rows) != 3 || len(last.Cells) != tt.lastCells || last.Unterminated != tt.cut {
					t.Fatalf("stream %v: %d rows, last %+v", stream, len(rows), last)
				}
				for _, r := range rows[:2] {
					if r.Unterminated {
						t.Errorf("row %d is unterminated", r.Line)
					}
				}
			}
		})
	}
}

// iotestHalfReader returns at most half of what is asked, to exercise
// short reads.
type iotestHalfReader struct{ r io.Reader }

func (h iotestHalfReader) Read(p []byte) (int, error) { return h.r.Read(p[:(len(p)+1)/2]) }

func TestRowsFixedWidth(t *testing.T) {
	data := win1252(t, ""+
		"Teilenummer     Bezeichnung                 UPE\r\n"+
		"1K0 698 151 A   Bremsbelagsatz, hinten — Öl 89,50\r\n"+
		"\r\n"+
		"04152-YZZA6     Ölfilter                    12,30\r\n"+
		"A 000 420 47 20 Filterelement               7,10\r\n")
	rows, err := readRows(t, &Extractor{}, data, ContentTypeText, "preise.txt")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Teilenummer", "Bezeichnung", "UPE"},
		{"1K0 698 151 A", "Bremsbelagsatz, hinten — Öl", "89,50"},
		{"04152-YZZA6", "Ölfilter", "12,30"},
		{"A 000 420 47 20", "Filterelement", "7,10"},
	}
	if got := cells(rows); !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("got %q", got)
	}
	if got := lines(rows); !slices.Equal(got, []int{1, 2, 4, 5}) {
		t.Errorf("lines %v", got)
	}
	// A .csv name keeps the delimited reading: one cell per line.
	rows, err = readRows(t, &Extractor{}, data, ContentTypeCSV, "preise.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows[0].Cells) != 1 {
		t.Errorf("csv: %q", rows[0].Cells)
	}
}

// setCachedFormula gives cell a formula and the value Excel would have
// stored beside it.
func setCachedFormula(t testing.TB, f *excelize.File, sheet, cell, formula string, cached any) {
	t.Helper()
	if err := f.SetCellValue(sheet, cell, cached); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellFormula(sheet, cell, formula); err != nil {
		t.Fatal(err)
	}
}

// numericFormulas rewrites the workbook so formula cells carry a numeric
// cached value, as Excel writes them (excelize marks them t="str").
func numericFormulas(t testing.TB, data []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(f.Name, "xl/worksheets/") {
			b = bytes.ReplaceAll(b, []byte(` t="str"><f>`), []byte(`><f>`))
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func TestRowsXLSX(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetName("Sheet1", "BMW"))
	must(f.SetSheetRow("BMW", "A1", &[]any{"Preisliste BMW 2025"}))
	must(f.SetSheetRow("BMW", "A3", &[]any{"Teilenummer", "Bezeichnung", "Netto", "UPE", "Gültig ab"}))
	must(f.SetSheetRow("BMW", "A4", &[]any{"34116794300", "Bremsscheibe belüftet", 90}))
	setCachedFormula(t, f, "BMW", "D4", "=C4*1.19", 107.1)
	must(f.SetCellValue("BMW", "E4", 45731.0)) // 2025-03-15
	style, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	must(err)
	must(f.SetCellStyle("BMW", "E4", "E4", style))
	must(f.SetSheetRow("BMW", "A6", &[]any{"11427953129", "Ölfilter", nil, "=12"})) // text that looks like a formula
	must(f.SetCellFormula("BMW", "C6", "=D6/1.19"))                                 // no cached value
	_, err = f.NewSheet("Mercedes")
	must(err)
	must(f.SetSheetRow("Mercedes", "A1", &[]any{"Part Number", "Description", "List Price"}))
	must(f.SetSheetRow("Mercedes", "A2", &[]any{"A 000 420 47 20", "Filter", 7.1}))
	_, err = f.NewSheet("Leer")
	must(err)
	buf, err := f.WriteToBuffer()
	must(err)
	data := numericFormulas(t, buf.Bytes())

	for _, stream := range []bool{false, true} {
		var rows []Row
		var r io.Reader = bytes.NewReader(data)
		size := int64(len(data))
		if stream {
			r, size = struct{ io.Reader }{r}, -1
		}
		err := Rows(context.Background(), r, size, ContentTypeXLSX, "preise.xlsx", func(row Row) error {
			row.Cells = slices.Clone(row.Cells)
			rows = append(rows, row)
			return nil
		})
		must(err)
		type got struct {
			sheet string
			line  int
			cells []string
		}
		want := []got{
			{"BMW", 1, []string{"Preisliste BMW 2025"}},
			{"BMW", 3, []string{"Teilenummer", "Bezeichnung", "Netto", "UPE", "Gültig ab"}},
			{"BMW", 4, []string{"34116794300", "Bremsscheibe belüftet", "90", "107.1", "2025-03-15"}},
			{"BMW", 6, []string{"11427953129", "Ölfilter", "", "=12"}},
			{"Mercedes", 1, []string{"Part Number", "Description", "List Price"}},
			{"Mercedes", 2, []string{"A 000 420 47 20", "Filter", "7.1"}},
		}
		if len(rows) != len(want) {
			t.Fatalf("stream %v: got %d rows: %+v", stream, len(rows), rows)
		}
		for i, w := range want {
			g := rows[i]
			if g.Sheet != w.sheet || g.Line != w.line || !slices.Equal(g.Cells, w.cells) || g.Unterminated {
				t.Errorf("stream %v row %d: got %+v, want %+v", stream, i, g, w)
			}
		}
	}
}

func TestRowsErrors(t *testing.T) {
	pdf := makePDF([]pdfPage{{Lines: []string{"Teilenummer 1K0698151A 89,50"}}}, pdfOptions{})
	tests := []struct {
		name  string
		x     *Extractor
		data  []byte
		ctype string
		file  string
		kind  error
		msg   string
	}{
		{"pdf", &Extractor{}, pdf, ContentTypePDF, "p.pdf", ErrUnsupportedType, "rows can only be read from CSV, text and XLSX files"},
		{"empty", &Extractor{}, nil, ContentTypeCSV, "p.csv", ErrNoText, "the file is empty"},
		{"blank cells only", &Extractor{}, []byte(";;\n ; ;\n"), ContentTypeCSV, "p.csv", ErrNoText, "no rows with values"},
		{"huge line", &Extractor{}, bytes.Repeat([]byte("x"), maxCSVLine+streamBufferSize), ContentTypeCSV, "p.csv", ErrTooLarge, "longer than 4 MB"},
		{"huge fixed-width line", &Extractor{}, append([]byte("Teil      Preis\n1K0698151 89,50\n1K0698152 89,50\n"), bytes.Repeat([]byte("x"), maxCSVLine+1)...),
			ContentTypeText, "p.txt", ErrTooLarge, "longer than 4 MB"},
		{"input limit", &Extractor{MaxInputBytes: 1 << 10}, bytes.Repeat([]byte("1K0698151A;89,50\n"), 200), ContentTypeCSV, "p.csv", ErrTooLarge, "larger than"},
		{"truncated xlsx", &Extractor{}, makeXLSX(t, map[string][][]any{"S": {{"Part", "Price"}, {"8E0615301AG", 1}}}, "S")[:300],
			ContentTypeXLSX, "p.xlsx", ErrUnreadable, "could not be read"},
		{"legacy xls", &Extractor{}, append(bytes.Clone(magicOLE), make([]byte, 600)...), ContentTypeMSExcel, "p.xls", ErrUnsupportedType, "legacy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readRows(t, tt.x, tt.data, tt.ctype, tt.file)
			if !errors.Is(err, tt.kind) || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("err = %v, want %v with %q", err, tt.kind, tt.msg)
			}
		})
	}
}

func TestRowsCallerErrorAndCancel(t *testing.T) {
	var b strings.Builder
	b.WriteString("Part;Price\n")
	for i := range 5000 {
		fmt.Fprintf(&b, "8E0615%04d;%d,50\n", i, i)
	}
	data := []byte(b.String())
	stop := errors.New("stop")
	n := 0
	err := Rows(context.Background(), bytes.NewReader(data), int64(len(data)), ContentTypeCSV, "p.csv", func(Row) error {
		if n++; n == 3 {
			return stop
		}
		return nil
	})
	if err != stop || n != 3 {
		t.Fatalf("err = %v after %d rows", err, n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	n = 0
	err = Rows(ctx, bytes.NewReader(data), int64(len(data)), ContentTypeCSV, "p.csv", func(Row) error {
		if n++; n == 10 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || n >= 5000 {
		t.Fatalf("err = %v after %d rows", err, n)
	}
}

func TestHeaderRow(t *testing.T) {
	rows := [][]string{{"Preisliste 2025"}, {}, {"Teilenummer", "Bezeichnung", "Preis"}, {"8E0615301AG", "Bremsscheibe", "89,90"}}
	if got := HeaderRow(rows); got != 2 {
		t.Errorf("HeaderRow = %d, want 2", got)
	}
	if got := HeaderRow(rows[3:]); got != -1 {
		t.Errorf("no header: %d", got)
	}
}

func FuzzRows(f *testing.F) {
	f.Add([]byte("a;b\n1;2\n"), "p.csv")
	f.Add([]byte("sep=|\nx|y\n\"q\"\"|z"), "p.csv")
	f.Add([]byte("Teil      Preis\n1K0698151 89,50\n1K0698152 89,50\n"), "p.txt")
	f.Add([]byte("\xff\xfe;\x00a\x00"), "p.csv")
	f.Add([]byte("a\rb\r"), "p.txt")
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		last := 0
		_ = Rows(context.Background(), bytes.NewReader(data), int64(len(data)), "", name, func(r Row) error {
			if r.Line <= last && r.Sheet == "" {
				t.Fatalf("line %d after %d", r.Line, last)
			}
			last = r.Line
			for _, c := range r.Cells {
				if !utf8Valid(c) {
					t.Fatalf("invalid UTF-8 cell %q", c)
				}
			}
			return nil
		})
	})
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }
