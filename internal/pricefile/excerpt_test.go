package pricefile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"counterpart/internal/extract"
)

// excerptCSV is a German dealer export: a title row and a blank row above
// the header, semicolons, comma decimals, a description with a line break
// inside quotes, and a blank row among the data rows. Spreadsheet rows:
// title 1, blank 2, header 3, data from 4; the quoted record is row 6 (one
// row on two lines), the blank row 8, the water pump row 9.
const excerptCSV = "Preisliste Autohaus Müller 03/2026;;;\n" +
	";;;\n" +
	"Teilenummer;Bezeichnung;UPE;Marke\n" +
	"1K0 698 151 A;Bremsbelagsatz vorn;89,50;VW\n" +
	"1K0 698 451 J;Bremsbelagsatz hinten;94,20;VW\n" +
	"5Q0 121 251 EL;\"Kühlerschlauch\noben\";1.234,56;VW\n" +
	"04E 115 561 H;Ölfilter;12,40;VW\n" +
	"\n" +
	"06H 121 026 DD;Kühlmittelpumpe;389,90;VW\n" +
	"8E0 615 301 AG;Bremsscheibe belüftet;112,00;Audi\n"

func excerptXLSX(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "Bremsen"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.NewSheet("Kühlung"); err != nil {
		t.Fatal(err)
	}
	rows := map[string][][]any{
		"Bremsen": {{"Teilenummer", "Bezeichnung", "UPE"}, {"1K0 698 151 A", "Bremsbelagsatz vorn", 89.5}},
		"Kühlung": {{"Katalog Kühlung"}, nil, {"Teilenummer", "Bezeichnung", "UPE"}, {"06H 121 026 DD", "Kühlmittelpumpe", 389.9},
			{"5Q0 121 251 EL", "Kühlerschlauch", 24.1}},
	}
	for sheet, rs := range rows {
		for i, r := range rs {
			if r == nil {
				continue
			}
			if err := f.SetSheetRow(sheet, fmt.Sprintf("A%d", i+1), &r); err != nil {
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

func TestReadExcerpt(t *testing.T) {
	xlsx := excerptXLSX(t)
	tests := []struct {
		name        string
		data        []byte
		contentType string
		file        string
		opt         ExcerptOptions
		// want
		sheet      string
		headerRow  int
		header     string // joined with "|"
		titles     string // title rows' first cells, joined with "|"
		rows       string // "row:cells" joined with " / "
		found      bool
		before     bool
		after      bool
		errIs      error
		errMessage string
	}{
		{name: "Windows-1252, semicolons, title rows, a blank row", data: encode(t, excerptCSV, "windows-1252"), contentType: "text/csv", file: "preise.csv",
			opt: ExcerptOptions{Row: 8, Context: 1}, headerRow: 3, header: "Teilenummer|Bezeichnung|UPE|Marke", titles: "Preisliste Autohaus Müller 03/2026",
			rows: "7:04E 115 561 H|Ölfilter|12,40|VW / 9:06H 121 026 DD|Kühlmittelpumpe|389,90|VW", found: false, before: true, after: true},
		{name: "the row itself, comma decimals kept as written", data: encode(t, excerptCSV, "windows-1252"), contentType: "text/csv", file: "preise.csv",
			opt: ExcerptOptions{Row: 9, Context: 2}, headerRow: 3, header: "Teilenummer|Bezeichnung|UPE|Marke", titles: "Preisliste Autohaus Müller 03/2026",
			rows:  "7:04E 115 561 H|Ölfilter|12,40|VW / 9:06H 121 026 DD|Kühlmittelpumpe|389,90|VW / 10:8E0 615 301 AG|Bremsscheibe belüftet|112,00|Audi",
			found: true, before: true},
		{name: "a quoted cell with a line break is one row", data: []byte(excerptCSV), contentType: "text/csv", file: "preise.csv",
			opt: ExcerptOptions{Row: 6, Context: 1}, headerRow: 3, header: "Teilenummer|Bezeichnung|UPE|Marke", titles: "Preisliste Autohaus Müller 03/2026",
			rows:  "5:1K0 698 451 J|Bremsbelagsatz hinten|94,20|VW / 6:5Q0 121 251 EL|Kühlerschlauch\noben|1.234,56|VW / 7:04E 115 561 H|Ölfilter|12,40|VW",
			found: true, before: true, after: true},
		{name: "UTF-8 with a byte-order mark, first data row", data: encode(t, excerptCSV, "bom"), contentType: "text/csv", file: "preise.csv",
			opt: ExcerptOptions{Row: 4, Context: 1}, headerRow: 3, header: "Teilenummer|Bezeichnung|UPE|Marke", titles: "Preisliste Autohaus Müller 03/2026",
			rows: "4:1K0 698 151 A|Bremsbelagsatz vorn|89,50|VW / 5:1K0 698 451 J|Bremsbelagsatz hinten|94,20|VW", found: true, after: true},
		{name: "the header row is no data row", data: []byte(excerptCSV), contentType: "text/csv", file: "preise.csv",
			opt: ExcerptOptions{Row: 3, Context: 1}, headerRow: 3, header: "Teilenummer|Bezeichnung|UPE|Marke", titles: "Preisliste Autohaus Müller 03/2026",
			rows: "4:1K0 698 151 A|Bremsbelagsatz vorn|89,50|VW", after: true},
		{name: "XLSX: the sheet asked for, title rows", data: xlsx, contentType: extract.ContentTypeXLSX, file: "katalog.xlsx",
			opt: ExcerptOptions{Row: 4, Sheet: "Kühlung"}, sheet: "Kühlung", headerRow: 3, header: "Teilenummer|Bezeichnung|UPE", titles: "Katalog Kühlung",
			rows: "4:06H 121 026 DD|Kühlmittelpumpe|389.9 / 5:5Q0 121 251 EL|Kühlerschlauch|24.1", found: true},
		{name: "XLSX: no sheet named, the first", data: xlsx, contentType: extract.ContentTypeXLSX, file: "katalog.xlsx",
			opt: ExcerptOptions{Row: 2}, sheet: "Bremsen", headerRow: 1, header: "Teilenummer|Bezeichnung|UPE",
			rows: "2:1K0 698 151 A|Bremsbelagsatz vorn|89.5", found: true},
		{name: "XLSX: a sheet it lacks", data: xlsx, contentType: extract.ContentTypeXLSX, file: "katalog.xlsx",
			opt: ExcerptOptions{Row: 2, Sheet: "Filter"}, errIs: ErrNoSheet, errMessage: `The workbook has no sheet named "Filter"`},
		{name: "XLSX: past the sheet's end", data: xlsx, contentType: extract.ContentTypeXLSX, file: "katalog.xlsx",
			opt: ExcerptOptions{Row: 9, Sheet: "Bremsen"}, errIs: ErrBadRow, errMessage: "Row 9 is past the end of the sheet Bremsen: its last row is 2."},
		{name: "row 0", data: []byte(excerptCSV), contentType: "text/csv", file: "preise.csv",
			opt: ExcerptOptions{Row: 0}, errIs: ErrBadRow, errMessage: "rows are numbered from 1"},
		{name: "past the end", data: []byte(excerptCSV), contentType: "text/csv", file: "preise.csv",
			opt: ExcerptOptions{Row: 406}, errIs: ErrBadRow, errMessage: "Row 406 is past the end of the file: its last row is 10."},
		{name: "a PDF is no table", data: []byte("%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n"), contentType: "application/pdf", file: "bulletin.pdf",
			opt: ExcerptOptions{Row: 1}, errIs: extract.ErrUnsupportedType, errMessage: "rows can only be read from CSV, text and XLSX files"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadExcerpt(context.Background(), bytes.NewReader(tt.data), int64(len(tt.data)), tt.contentType, tt.file, tt.opt)
			if tt.errIs != nil {
				if !errors.Is(err, tt.errIs) || !strings.Contains(err.Error(), tt.errMessage) {
					t.Fatalf("error %v, want %v saying %q", err, tt.errIs, tt.errMessage)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var titles, rows []string
			for _, r := range got.Titles {
				titles = append(titles, r.Cells[0])
			}
			for _, r := range got.Rows {
				rows = append(rows, fmt.Sprintf("%d:%s", r.Row, strings.Join(r.Cells, "|")))
			}
			checks := []struct {
				what      string
				got, want any
			}{
				{"sheet", got.Sheet, tt.sheet},
				{"header row", got.HeaderRow, tt.headerRow},
				{"header", strings.Join(got.Header, "|"), tt.header},
				{"titles", strings.Join(titles, "|"), tt.titles},
				{"rows", strings.Join(rows, " / "), tt.rows},
				{"found", got.Found, tt.found},
				{"more before", got.MoreBefore, tt.before},
				{"more after", got.MoreAfter, tt.after},
				{"row", got.Row, tt.opt.Row},
			}
			for _, c := range checks {
				if c.got != c.want {
					t.Errorf("%s: %q, want %q", c.what, c.got, c.want)
				}
			}
		})
	}
}

// A file without a header row names its columns by letter; cells and
// columns are bounded and the window is at most MaxExcerptContext rows on
// either side.
func TestReadExcerptBounds(t *testing.T) {
	var b strings.Builder
	for i := 1; i <= 300; i++ {
		cells := []string{fmt.Sprintf("P%05d", i), strings.Repeat("x", 2000)}
		for range 100 {
			cells = append(cells, "1")
		}
		b.WriteString(strings.Join(cells, ";") + "\n")
	}
	data := []byte(b.String())
	got, err := ReadExcerpt(context.Background(), bytes.NewReader(data), int64(len(data)), "text/csv", "wide.csv", ExcerptOptions{Row: 150, Context: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Rows) != 2*MaxExcerptContext+1 || got.Rows[0].Row != 100 || got.Rows[len(got.Rows)-1].Row != 200 || !got.Found {
		t.Errorf("%d rows from %d to %d", len(got.Rows), got.Rows[0].Row, got.Rows[len(got.Rows)-1].Row)
	}
	if !got.Truncated || len(got.Rows[0].Cells) != maxExcerptCells || len([]rune(got.Rows[0].Cells[1])) != maxExcerptCellRunes+1 {
		t.Errorf("not bounded: truncated %v, %d cells, a cell of %d characters", got.Truncated, len(got.Rows[0].Cells), len([]rune(got.Rows[0].Cells[1])))
	}
	if got.HeaderRow != 0 || got.Header[0] != "Column A" || len(got.Header) != got.Columns {
		t.Errorf("header row %d, header %q (%d columns)", got.HeaderRow, got.Header[:2], got.Columns)
	}
}

// Reading stops after the window: a row near the top of a file of 100 MB
// reads a few kilobytes of it, not the whole file.
func TestReadExcerptStreams(t *testing.T) {
	const size = 100 << 20
	header := "Teilenummer;Bezeichnung;UPE\n"
	rows := &countingReader{r: io.MultiReader(strings.NewReader(header), &endlessRows{})}
	got, err := ReadExcerpt(context.Background(), io.LimitReader(rows, size), size, "text/csv", "gross.csv", ExcerptOptions{Row: 40, Context: 5})
	if err != nil {
		t.Fatal(err)
	}
	if !got.Found || got.Rows[0].Row != 35 || !got.MoreAfter {
		t.Errorf("rows %+v", got.Rows)
	}
	if rows.n > 1<<20 {
		t.Errorf("read %d bytes of a 100 MB file for row 40", rows.n)
	}
	if os.Getenv("EXCERPT_SHOW_READ") != "" {
		t.Logf("read %d bytes of %d for row 40", rows.n, size)
	}
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// endlessRows writes price rows forever.
type endlessRows struct {
	i   int
	buf []byte
}

func (e *endlessRows) Read(p []byte) (int, error) {
	for len(e.buf) < len(p) {
		e.i++
		e.buf = fmt.Appendf(e.buf, "P%07d;Teil %d;%d,50\n", e.i, e.i, e.i)
	}
	n := copy(p, e.buf)
	e.buf = e.buf[n:]
	return n, nil
}
