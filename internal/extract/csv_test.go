package extract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestDetectDelimiter(t *testing.T) {
	tests := []struct {
		name string
		head string
		want byte
	}{
		{"comma", "part,desc,price\n8E0615301AG,Brake disc,89.90\n04152-YZZA6,Oil filter,12.50\n", ','},
		{"semicolon with decimal commas", "Teilenummer;Bezeichnung;Preis;Rabatt\n8E0615301AG;Bremsscheibe;89,90;5,5\n04152-YZZA6;Ölfilter;12,50;0,0\n", ';'},
		{"tab", "part\tdesc\tprice\n8E0615301AG\tBrake disc, vented\t89.90\n", '\t'},
		{"pipe", "part|desc|price\n8E0615301AG|Brake disc|89.90\n", '|'},
		{"quoted delimiters ignored", "part;desc\n8E0615301AG;\"Disc, vented, front\"\n04152;\"a, b, c\"\n", ';'},
		{"single column", "8E0615301AG\n04152-YZZA6\n", ','},
		{"no trailing newline", "a;b;c", ';'},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := detectDelimiter([]byte(tt.head)); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestExtractCSV(t *testing.T) {
	data := "Preisliste 2024;;\n" + // title row above the header
		"\n" +
		"Teilenummer;Bezeichnung;Preis\n" +
		"8E0 615 301 AG;Bremsscheibe belüftet;89,90\n" +
		"04152-YZZA6;\"Ölfilter\nmit Dichtung\";12,50\n" + // multi-line cell
		"\n" + // blank line: an empty spreadsheet row
		"A 000 420 47 20;Filter;3,20;extra\n" + // ragged row
		"11 42 7 953 129;Bremsbeläge \"Satz\";45,00\n" // bare quotes (lazy)
	chunks, stats, err := extractAll(t, []byte(data), ContentTypeCSV, "preise.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(chunks) != 2 {
		t.Fatalf("got %d chunks: %q", len(chunks), allText(chunks))
	}
	if chunks[0].Row != 1 || chunks[0].Text != "Preisliste 2024" {
		t.Errorf("title chunk: %+v", chunks[0])
	}
	want := "Teilenummer: 8E0 615 301 AG | Bezeichnung: Bremsscheibe belüftet | Preis: 89,90\n" +
		"Teilenummer: 04152-YZZA6 | Bezeichnung: Ölfilter mit Dichtung | Preis: 12,50\n" +
		"\n" + // the blank row, so that line k of the chunk is its row + k
		"Teilenummer: A 000 420 47 20 | Bezeichnung: Filter | Preis: 3,20 | Column D: extra\n" +
		"Teilenummer: 11 42 7 953 129 | Bezeichnung: Bremsbeläge \"Satz\" | Preis: 45,00"
	if chunks[1].Text != want {
		t.Errorf("data chunk:\n%s\nwant:\n%s", chunks[1].Text, want)
	}
	// Rows as a spreadsheet shows them: title 1, blank 2, header 3, data 4.
	if chunks[1].Row != 4 {
		t.Errorf("data chunk starts at row %d, want 4", chunks[1].Row)
	}
	if stats.Rows != 4 || stats.Chunks != 2 || stats.Pages != 0 || stats.Bytes != int64(len(data)) {
		t.Errorf("stats %+v", stats)
	}
}

func TestExtractCSVRowNumbersAndGrouping(t *testing.T) {
	var b strings.Builder
	b.WriteString("Part number,Description,Price\n")
	for i := 1; i <= 45; i++ {
		if i == 10 {
			b.WriteString("\n\n") // two blank rows
		}
		if i == 30 {
			fmt.Fprintf(&b, "P%07d,\"two\nlines\",%d.99\n", i, i)
			continue
		}
		fmt.Fprintf(&b, "P%07d,Part %d,%d.99\n", i, i, i)
	}
	chunks, stats, err := extractAll(t, []byte(b.String()), "", "list.csv")
	if err != nil {
		t.Fatal(err)
	}
	if stats.Rows != 45 || len(chunks) != 3 {
		t.Fatalf("stats %+v, %d chunks", stats, len(chunks))
	}
	// Data row i is on spreadsheet row i+1, plus 2 from row 10 on (after the
	// blank rows); the multi-line record 30 is one row.
	wantRows := []int{2, 24, 44}
	for i, c := range chunks {
		if c.Row != wantRows[i] {
			t.Errorf("chunk %d starts at row %d, want %d", i, c.Row, wantRows[i])
		}
		if n := len(strings.Fields(strings.ReplaceAll(c.Text, " ", ""))); n > rowsPerChunk { // non-empty lines
			t.Errorf("chunk %d has %d rows", i, n)
		}
		if !strings.HasPrefix(c.Text, "Part number: P") {
			t.Errorf("chunk %d starts %q", i, c.Text[:20])
		}
	}
	// 20 rows in each chunk before the third.
	if !strings.HasPrefix(chunks[2].Text, "Part number: P0000041,") && !strings.HasPrefix(chunks[2].Text, "Part number: P0000041 ") {
		t.Errorf("third chunk starts %q", chunks[2].Text[:30])
	}
}

func TestExtractCSVNoHeader(t *testing.T) {
	data := "8E0615301AG,Bremsscheibe,89.90\n04152-YZZA6,Ölfilter,12.50\n"
	chunks, stats, err := extractAll(t, []byte(data), "text/csv", "a.csv")
	if err != nil {
		t.Fatal(err)
	}
	want := "8E0615301AG | Bremsscheibe | 89.90\n04152-YZZA6 | Ölfilter | 12.50"
	if len(chunks) != 1 || chunks[0].Text != want || chunks[0].Row != 1 || stats.Rows != 2 {
		t.Fatalf("got %+v %+v", chunks, stats)
	}
}

func TestExtractCSVSepDirectiveAndEncoding(t *testing.T) {
	// Excel's sep= line, Windows-1252 bytes.
	data := []byte("sep=;\r\nTeilenummer;Preis\r\n8E0615301AG;89,90 \x80\r\n")
	chunks, _, err := extractAll(t, data, ContentTypeMSExcel, "a.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(chunks) != 1 || chunks[0].Text != "Teilenummer: 8E0615301AG | Preis: 89,90 €" || chunks[0].Row != 2 {
		t.Fatalf("got %+v", chunks)
	}
}

func TestExtractCSVWideRow(t *testing.T) {
	long := strings.Repeat("very long description ", 200)
	data := "Part,Description\n8E0615301AG," + long + "\n04152-YZZA6,short\n"
	chunks, _, err := extractAll(t, []byte(data), "", "a.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(chunks) < 3 {
		t.Fatalf("got %d chunks", len(chunks))
	}
	for _, c := range chunks[:len(chunks)-1] {
		if c.Row != 2 || len(c.Text) > chunkMax {
			t.Errorf("wide row chunk: Row %d, %d bytes", c.Row, len(c.Text))
		}
	}
	if last := chunks[len(chunks)-1]; last.Row != 3 || last.Text != "Part: 04152-YZZA6 | Description: short" {
		t.Errorf("last chunk %+v", last)
	}
}

func TestExtractCSVEmptyAndHuge(t *testing.T) {
	if _, _, err := extractAll(t, []byte(";;;\n;;\n"), "text/csv", "a.csv"); !errors.Is(err, ErrNoText) {
		t.Errorf("empty cells: err = %v", err)
	}
	// One line longer than the line limit: not a CSV.
	huge := bytes.Repeat([]byte("x"), maxCSVLine+streamBufferSize)
	if _, _, err := extractAll(t, huge, "text/csv", "a.csv"); !errors.Is(err, ErrTooLarge) {
		t.Errorf("huge line: err = %v", err)
	}
}

func FuzzExtractCSV(f *testing.F) {
	f.Add([]byte("a;b\n1;2\n"))
	f.Add([]byte("sep=|\nx|y\n\"q\"\"|z\n"))
	f.Add([]byte("Part,Price\n\"8E0\n615\",1\n,,,\n"))
	f.Add([]byte("\xff\xfe;\x00a\x00"))
	f.Add([]byte("\"unterminated,1\n2,3"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var last Chunk
		n := 0
		stats, err := Extract(context.Background(), bytes.NewReader(data), int64(len(data)), ContentTypeCSV, "f.csv",
			func(c Chunk) error {
				if c.Ordinal != n || c.Row < 1 || c.Text == "" || (n > 0 && c.Row < last.Row) {
					t.Fatalf("bad chunk %+v after %+v", c, last)
				}
				last = c
				n++
				return nil
			})
		if err == nil && stats.Chunks == 0 {
			t.Fatalf("no error and no chunks")
		}
		if stats.Chunks != n {
			t.Fatalf("stats %+v, %d chunks", stats, n)
		}
	})
}

// priceList generates a CSV price list of n rows, about 100 bytes each,
// without holding it in memory.
type priceList struct {
	n, i int
	buf  []byte
}

func (p *priceList) Read(b []byte) (int, error) {
	for len(p.buf) < len(b) && p.i <= p.n {
		if p.i == 0 {
			p.buf = append(p.buf, "Teilenummer;Bezeichnung;Preis;Währung;Bestand;Lagerort;Ersatz für\n"...)
		} else {
			p.buf = fmt.Appendf(p.buf, "8E0 615 %03d %c%c;Bremsscheibe belüftet vorne links %d mm Audi A4;%d,%02d;EUR;%d;Regal %d-%d;8E0615%03dAF\n",
				p.i%1000, 'A'+p.i%26, 'A'+p.i/26%26, 280+p.i%60, 10+p.i%400, p.i%100, p.i%37, p.i%50, p.i%9, p.i%1000)
		}
		p.i++
	}
	if len(p.buf) == 0 {
		return 0, io.EOF
	}
	n := copy(b, p.buf)
	p.buf = p.buf[:copy(p.buf, p.buf[n:])]
	return n, nil
}

// BenchmarkExtractCSV extracts a generated 500,000-row (~50 MB) price list.
// The file is generated once into b.TempDir() and streamed from disk, so
// memory stays flat; the benchmark reports rows/s, MB/s and the peak heap
// in use above the baseline (sampled every 1,000 chunks).
//
//	go test -run x -bench ExtractCSV -benchtime 1x ./internal/extract/
func BenchmarkExtractCSV(b *testing.B) {
	const rows = 500_000
	path := filepath.Join(b.TempDir(), "preise.csv")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	size, err := io.Copy(f, &priceList{n: rows})
	if err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(size)
	b.ReportAllocs()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	peak := base
	var elapsed time.Duration
	for b.Loop() {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		chunks := 0
		start := time.Now()
		stats, err := Extract(context.Background(), f, size, ContentTypeCSV, "preise.csv",
			func(c Chunk) error {
				if chunks++; chunks%1000 == 0 {
					runtime.ReadMemStats(&ms)
					peak = max(peak, ms.HeapInuse)
				}
				return nil
			})
		elapsed += time.Since(start)
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
		if stats.Rows != rows || stats.Bytes != size {
			b.Fatalf("stats %+v", stats)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/elapsed.Seconds(), "rows/s")
	b.ReportMetric(float64(peak-base)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(size)/(1<<20), "input-MB")
}
