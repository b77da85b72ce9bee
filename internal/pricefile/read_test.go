package pricefile

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"

	"counterpart/internal/extract"
)

// TestReadGeneratedFiles reads the same generated catalog written the
// ways dealers' files are: both languages, both delimiters, every
// encoding, with and without currency symbols and title rows.
func TestReadGeneratedFiles(t *testing.T) {
	parts := genParts(420)
	layouts := []struct {
		name string
		l    layout
	}{
		{"german semicolon windows-1252 euro signs titles", layout{german: true, delim: ';', encoding: "windows-1252", symbols: true, titles: true, crlf: true}},
		{"german semicolon utf-8", layout{german: true, delim: ';', encoding: "utf-8"}},
		{"german semicolon utf-8 bom", layout{german: true, delim: ';', encoding: "bom", symbols: true}},
		{"german tab utf-16", layout{german: true, delim: '\t', encoding: "utf-16", titles: true}},
		{"english comma utf-8", layout{delim: ',', encoding: "utf-8"}},
		{"english comma bom titles crlf", layout{delim: ',', encoding: "bom", titles: true, crlf: true}},
		{"english semicolon windows-1252", layout{delim: ';', encoding: "windows-1252", symbols: true}},
		{"german comma (quoted decimals)", layout{german: true, delim: ',', encoding: "utf-8"}},
		{"english pipe", layout{delim: '|', encoding: "utf-8"}},
	}
	for _, tt := range layouts {
		t.Run(tt.name, func(t *testing.T) {
			data := writeCSV(t, parts, tt.l)
			c := readAll(t, data, "text/csv", "preise.csv", nil)
			if c.err != nil {
				t.Fatal(c.err)
			}
			if len(c.errs) > 0 {
				t.Fatalf("%d row errors, first %+v", len(c.errs), c.errs[0])
			}
			if len(c.rows) != len(parts) || c.result.Rows != len(parts) || c.result.Bad != 0 {
				t.Fatalf("%d rows, result %+v", len(c.rows), c.result)
			}
			header := 1
			if tt.l.titles {
				header = 4
				if !tt.l.german {
					header = 3
				}
			}
			sh := c.result.Sheets[0]
			if sh.HeaderLine != header || sh.Currency != "EUR" || sh.Remembered || len(sh.Warnings) > 0 {
				t.Errorf("sheet %+v", sh)
			}
			for i, r := range c.rows {
				if r.Line != header+1+i {
					t.Fatalf("row %d has line %d", i, r.Line)
				}
				checkPart(t, r, parts[i], tt.l.german, "EUR")
			}
		})
	}
}

func TestReadXLSXSheetsAndFormulas(t *testing.T) {
	parts := genParts(60)
	data := writeXLSX(t, map[string][]part{"BMW und Mercedes": parts[:30], "Übrige": parts[30:]}, []string{"BMW und Mercedes", "Übrige"})
	c := readAll(t, data, extract.ContentTypeXLSX, "preise.xlsx", nil)
	if c.err != nil || len(c.errs) > 0 {
		t.Fatalf("err %v, row errors %+v", c.err, c.errs)
	}
	if len(c.rows) != 60 || len(c.result.Sheets) != 2 {
		t.Fatalf("%d rows, %+v", len(c.rows), c.result)
	}
	for i, r := range c.rows {
		wantSheet, line := "BMW und Mercedes", i+4
		if i >= 30 {
			wantSheet, line = "Übrige", i-30+4
		}
		if r.Sheet != wantSheet || r.Line != line {
			t.Fatalf("row %d at %q line %d", i, r.Sheet, r.Line)
		}
		checkPart(t, r, parts[i], true, "EUR")
	}
	for _, s := range c.result.Sheets {
		if s.HeaderLine != 3 || s.Mapping.Columns[4].Field != NetPrice || s.Signature != c.result.Sheets[0].Signature {
			t.Errorf("sheet %+v", s)
		}
	}
}

// TestReadBadRows checks that every kind of unreadable row is reported
// with its line and reason while the rows around it are read.
func TestReadBadRows(t *testing.T) {
	long := strings.Repeat("1K0698151A", 20)                          // 200 characters
	data := "Teilenummer;Bezeichnung;UPE;Netto;VPE;Ersetzt durch\n" + // 1
		"1K0 698 151 A;Bremsbelagsatz;89,50;64,44;1;\n" + // 2 good
		"1K0 698 151 B;Bremsbelagsatz;-5,00;3,00;1;\n" + // 3 negative
		"1K0 698 151 C;Bremsbelagsatz;12.000.000,00;3,00;1;\n" + // 4 absurd
		long + ";Zu lang;1,00;1,00;1;\n" + // 5 200 characters
		"1K0 698 151 D;Formel;=B2*1,19;3,00;1;\n" + // 6 formula text in a price
		"1K0 698 151 Z;=Sonderteil laut Liste;1,00;;;\n" + // 7 "=" text outside number columns is kept
		"1K0 698 151 E;Menge;1,00;1,00;2,5;\n" + // 8 pack not whole
		"1K0 698 151 F;Ersatz;1,00;1,00;1;1K0698151B + 1K0698151C / 1K0698151D\n" + // 9 set and alternatives mixed
		";Bremsbelagsatz ohne Nummer;1,00;1,00;1;\n" + // 10 no part number
		"Bremsen\n" + // 11 a section heading: ignored
		"3,41168E+10;Exponent;1,00;1,00;1;\n" + // 12 Excel scientific notation
		"Teilenummer;Bezeichnung;UPE;Netto;VPE;Ersetzt durch\n" + // 13 repeated header: ignored
		"1K0 698 151 G;Gut;1.234,56 €;888,00 €;VPE 10;1K0 698 151 H\n" + // 14 good
		"1K0 698 151 A;Doppelt;91,00;65,00;1;\n" // 15 duplicate: passed on, the importer decides
	c := readAll(t, []byte(data), "text/csv", "p.csv", nil)
	if c.err != nil {
		t.Fatal(c.err)
	}
	wantBad := map[int]string{
		3:  `"UPE" (column C): "-5,00" is negative`,
		4:  `"UPE" (column C): "12.000.000,00" is more than 10,000,000`,
		5:  `is 200 characters long, more than 40`,
		6:  `"UPE" (column C): "=B2*1,19" is a formula, not a value`,
		8:  `"VPE" (column E): "2,5" is not a whole number`,
		9:  `mixes a set (A + B) with alternatives (A / B)`,
		10: `no part number in "Teilenummer" (column A)`,
		12: `scientific notation`,
	}
	got := map[int]string{}
	for _, e := range c.errs {
		got[e.Line] = e.Message
		if e.Sheet != "" {
			t.Errorf("sheet %q", e.Sheet)
		}
	}
	for line, want := range wantBad {
		if !strings.Contains(got[line], want) {
			t.Errorf("line %d: got %q, want %q", line, got[line], want)
		}
	}
	if len(got) != len(wantBad) {
		t.Errorf("row errors %v", got)
	}
	if e := c.errs[0]; e.PartNumber != "1K0 698 151 B" {
		t.Errorf("row error part number %q", e.PartNumber)
	}
	var lines []int
	for _, r := range c.rows {
		lines = append(lines, r.Line)
	}
	if !slices.Equal(lines, []int{2, 7, 14, 15}) {
		t.Fatalf("good rows at lines %v", lines)
	}
	r := c.rows[2]
	if a, cur := price(r, PriceList); !near(a, 1234.56) || cur != "EUR" || r.PackQty != 10 || r.SupersedeKind != Single ||
		!slices.Equal(r.SupersededBy, []string{"1K0 698 151 H"}) || r.QtyRatio != 1 {
		t.Errorf("line 14: %+v", r)
	}
	if c.rows[1].Description != "=Sonderteil laut Liste" {
		t.Errorf("line 7: %+v", c.rows[1])
	}
	if c.rows[3].PartNumber != c.rows[0].PartNumber || c.rows[3].Description != "Doppelt" {
		t.Errorf("duplicate %+v", c.rows[3])
	}
	sh := c.result.Sheets[0]
	if sh.Rows != 4 || sh.Bad != 8 || sh.Ignored != 2 || c.result.Bad != 8 {
		t.Errorf("counts %+v", sh)
	}
}

func TestReadCutFile(t *testing.T) {
	full := writeCSV(t, genParts(50), layout{german: true, delim: ';', encoding: "windows-1252"})
	// Cut in the middle of the last line, then in the middle of a line
	// further up.
	lastLine := bytes.LastIndexByte(full[:len(full)-1], '\n')
	for _, cut := range []int{lastLine + 20, len(full) / 2} {
		data := full[:cut]
		c := readAll(t, data, "text/csv", "p.csv", nil)
		if c.err != nil {
			t.Fatal(c.err)
		}
		wantLine := bytes.Count(data, []byte("\n")) + 1
		if len(c.errs) != 1 || c.errs[0].Line != wantLine || !strings.Contains(c.errs[0].Message, "the file seems to be cut off") {
			t.Fatalf("cut at %d: row errors %+v", cut, c.errs)
		}
		if len(c.rows) != wantLine-2 {
			t.Errorf("cut at %d: %d rows, want %d", cut, len(c.rows), wantLine-2)
		}
	}
	// The complete file without its final line break is fine.
	c := readAll(t, bytes.TrimSuffix(full, []byte("\n")), "text/csv", "p.csv", nil)
	if c.err != nil || len(c.errs) != 0 || len(c.rows) != 50 {
		t.Fatalf("no final line break: %v %+v, %d rows", c.err, c.errs, len(c.rows))
	}
}

func TestReadMixedEncodings(t *testing.T) {
	parts := genParts(800) // more than the 64 KB that decide the encoding
	data := writeCSV(t, parts, layout{german: true, delim: ';', encoding: "utf-8"})
	tail := encode(t, "1K0 698 999 Z;Bremsbelagsatz, hinten — Öl;VW;1.234,56;888,88;;1;R01;ja;1 kg;\n", "windows-1252")
	c := readAll(t, append(data, tail...), "text/csv", "p.csv", nil)
	if c.err != nil || len(c.errs) > 0 {
		t.Fatalf("%v %+v", c.err, c.errs)
	}
	last := c.rows[len(c.rows)-1]
	if last.Description != "Bremsbelagsatz, hinten — Öl" || last.PartNumber != "1K0 698 999 Z" {
		t.Fatalf("last row %+v", last)
	}
	checkPart(t, c.rows[0], parts[0], true, "EUR")
}

func TestReadNoPartColumn(t *testing.T) {
	data := "Pos;Bezeichnung;Preis;Menge\n1;Bremsscheibe;89,50;2\n2;Ölfilter;12,30;1\n"
	c := readAll(t, []byte(data), "text/csv", "p.csv", nil)
	var npe *NoPartColumnError
	if !errors.As(c.err, &npe) {
		t.Fatalf("err = %v", c.err)
	}
	want := `No part-number column found. Columns seen: "Pos", "Bezeichnung", "Preis", "Menge". Choose the part-number column in the mapping.`
	if c.err.Error() != want {
		t.Errorf("message %q", c.err.Error())
	}
	if len(c.rows) != 0 || len(c.result.Sheets) != 1 || !c.result.Sheets[0].Skipped || c.result.Sheets[0].Mapping.Columns[2].Field != ListPrice {
		t.Errorf("result %+v", c.result)
	}
	// The mapping the person chose is remembered for the signature and
	// the file is read.
	sig := c.result.Sheets[0].Signature
	m := c.result.Sheets[0].Mapping
	m.Columns[0].Field = PartNumber
	m.Currency = "CHF"
	var asked []string
	c = readAll(t, []byte(data), "text/csv", "p.csv", func(s string, headers []string) (Mapping, bool) {
		asked = headers
		return m, s == sig
	})
	if c.err != nil || len(c.rows) != 2 || !c.result.Sheets[0].Remembered {
		t.Fatalf("remembered: %v %+v", c.err, c.result)
	}
	if !slices.Equal(asked, []string{"Pos", "Bezeichnung", "Preis", "Menge"}) {
		t.Errorf("headers %q", asked)
	}
	if a, cur := price(c.rows[1], PriceList); c.rows[1].PartNumber != "2" && !near(a, 12.3) || cur != "CHF" {
		t.Errorf("row %+v", c.rows[1])
	}
}

func TestReadRememberedMappingThatNoLongerFits(t *testing.T) {
	data := "Teilenummer;Preis\n8E0615301AG;89,50\n"
	c := readAll(t, []byte(data), "text/csv", "p.csv", func(string, []string) (Mapping, bool) {
		return Mapping{Columns: []Column{{Index: 5, Field: PartNumber}}}, true
	})
	if c.err != nil || len(c.rows) != 1 || c.result.Sheets[0].Remembered || !strings.Contains(strings.Join(c.result.Sheets[0].Warnings, " "), "does not fit") {
		t.Fatalf("%v %+v", c.err, c.result)
	}
}

func TestReadWithoutHeaderRow(t *testing.T) {
	data := "34116794300;Bremsscheibe belüftet;89,50\n11427953129;Ölfilter;12,30\n1K0698151A;Bremsbelagsatz;64,00\n"
	c := readAll(t, []byte(data), "text/csv", "p.csv", nil)
	if c.err != nil || len(c.errs) > 0 || len(c.rows) != 3 {
		t.Fatalf("%v %+v %+v", c.err, c.errs, c.rows)
	}
	sh := c.result.Sheets[0]
	if sh.HeaderLine != 0 || !slices.Equal(sh.Headers, []string{"Column A", "Column B", "Column C"}) || len(sh.Warnings) != 1 {
		t.Errorf("sheet %+v", sh)
	}
	r := c.rows[0]
	if r.Line != 1 || r.PartNumber != "34116794300" || r.Description != "Bremsscheibe belüftet" || len(r.Prices) != 1 ||
		r.Prices[0].Name != "Column C" || !near(r.Prices[0].Amount, 89.5) {
		t.Errorf("row %+v", r)
	}
}

func TestReadXLSXSkipsSheetWithoutParts(t *testing.T) {
	data := writeXLSX(t, map[string][]part{"Teile": genParts(3)}, []string{"Teile"})
	// Add a cover sheet of notes in front.
	data = addSheetFront(t, data, "Hinweise", [][]any{{"Alle Preise in Euro zzgl. MwSt."}, {"Stand: März 2025"}})
	c := readAll(t, data, extract.ContentTypeXLSX, "p.xlsx", nil)
	if c.err != nil || len(c.rows) != 3 {
		t.Fatalf("%v %d rows", c.err, len(c.rows))
	}
	if s := c.result.Sheets[0]; s.Name != "Hinweise" || !s.Skipped || len(s.Warnings) == 0 {
		t.Errorf("cover sheet %+v", s)
	}
}

func TestReadCurrencies(t *testing.T) {
	tests := []struct {
		name string
		data string
		m    *Mapping
		want []string // currency of each row's first price
	}{
		{"cell", "Part No.,List price\n1K0698151A,USD 12.50\n1K0698151B,€ 3.00\n1K0698151C,£4\n", nil, []string{"USD", "EUR", "GBP"}},
		{"currency column beats majority", "Part No.;UPE;Währung\n1K0698151A;12,50;CHF\n1K0698151B;3,00;\n1K0698151C;4,00 €;EUR\n", nil, []string{"CHF", "EUR", "EUR"}},
		{"header", "Part No.;Preis CHF;UPE (€)\n1K0698151A;12,50;13,00\n", nil, []string{"CHF"}},
		{"mapping", "Part No.;UPE\n1K0698151A;12,50\n", &Mapping{Columns: []Column{{0, "Part No.", PartNumber}, {1, "UPE", ListPrice}}, Currency: "sek"}, []string{"SEK"}},
		{"majority of the file", "Part No.;UPE\n1K0698151A;12,50\n1K0698151B;3,00 CHF\n1K0698151C;CHF 4\n1K0698151D;5 €\n", nil, []string{"CHF", "CHF", "CHF", "EUR"}},
		{"dollar with the row's dollar", "Part No.,List price,Currency\n1K0698151A,$12.50,CAD\n1K0698151B,$3.00,\n", nil, []string{"CAD", "USD"}},
		{"none: EUR", "Part No.;UPE\n1K0698151A;12,50\n", nil, []string{"EUR"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rem func(string, []string) (Mapping, bool)
			if tt.m != nil {
				rem = func(string, []string) (Mapping, bool) { return *tt.m, true }
			}
			c := readAll(t, []byte(tt.data), "text/csv", "p.csv", rem)
			if c.err != nil || len(c.errs) > 0 {
				t.Fatalf("%v %+v", c.err, c.errs)
			}
			var got []string
			for _, r := range c.rows {
				got = append(got, r.Prices[0].Currency)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestReadDecimalConvention checks that a lone separator before three
// digits follows the sheet's other numbers.
func TestReadDecimalConvention(t *testing.T) {
	german := "Teilenummer;UPE\n1K0698151A;1.234\n1K0698151B;12,50\n1K0698151C;0,125\n"
	english := "Part No.,List price\n1K0698151A,1.234\n1K0698151B,12.50\n1K0698151C,\"1,234\"\n"
	for _, tt := range []struct {
		data string
		want []float64
	}{
		{german, []float64{1234, 12.5, 0.125}},
		{english, []float64{1.234, 12.5, 1234}},
	} {
		c := readAll(t, []byte(tt.data), "text/csv", "p.csv", nil)
		if c.err != nil || len(c.rows) != 3 {
			t.Fatalf("%v %+v", c.err, c.errs)
		}
		for i, r := range c.rows {
			if !near(r.Prices[0].Amount, tt.want[i]) {
				t.Errorf("row %d: %v, want %v", i, r.Prices[0].Amount, tt.want[i])
			}
		}
	}
}

func TestReadAllFields(t *testing.T) {
	data := "Preisliste\n" +
		"Art.-Nr.;Bezeichnung;Zusatztext;Hersteller;UPE;HEK;Aktionspreis;Pfand;VPE;Mindestmenge;RG;PE;Rücknahme;Gewicht (g);Nachfolger;Vorgänger;Faktor;Austauschbarkeit;Ersetzt am;EAN\n" +
		"0 986 494 104;Bremsbelagsatz;hinten;Bosch;8.950,00;6.444,00;7.900,00;25,00;2 St.;10;B7;100;ja;850;0 986 494 105 (2x);0 986 494 100 → 0 986 494 101;2;beidseitig;15.03.2025;4047024000000\n"
	c := readAll(t, []byte(data), "text/csv", "p.csv", nil)
	if c.err != nil || len(c.errs) > 0 || len(c.rows) != 1 {
		t.Fatalf("%v %+v", c.err, c.errs)
	}
	r := c.rows[0]
	yes, kg := true, 0.85
	want := Row{
		Line: 3, PartNumber: "0 986 494 104", Brand: "Bosch", Description: "Bremsbelagsatz hinten",
		Prices: []Price{{PriceList, "UPE", Money{89.5, "EUR"}}, {PriceNet, "HEK", Money{64.44, "EUR"}},
			{"Aktionspreis", "Aktionspreis", Money{79, "EUR"}}},
		Core: &Money{25, "EUR"}, PackQty: 2, MinOrder: 10, PriceGroup: "B7", PriceUnit: 100, Returnable: &yes, WeightKg: &kg,
		SupersededBy: []string{"0 986 494 105"}, SupersedeKind: Single, SupersededQty: []float64{2},
		Supersedes: []string{"0 986 494 100", "0 986 494 101"}, QtyRatio: 2, Interchange: TwoWay, SupersessionDate: "2025-03-15",
	}
	if !reflect.DeepEqual(r, want) {
		t.Errorf("got  %s\nwant %s", asJSON(r), asJSON(want))
	}
	if f := c.result.Sheets[0].Mapping.Columns[19].Field; f != Ignore {
		t.Errorf("EAN mapped to %s", f)
	}
}

func TestReadWarnsAboutEmptyColumns(t *testing.T) {
	data := "Teilenummer;UPE;Netto\n1K0698151A;12,50;\n1K0698151B;3,00;\n"
	c := readAll(t, []byte(data), "text/csv", "p.csv", nil)
	if c.err != nil || len(c.result.Sheets[0].Warnings) != 1 || !strings.Contains(c.result.Sheets[0].Warnings[0], `C ("Netto"), mapped to Net price, is empty in every row`) {
		t.Fatalf("%v %+v", c.err, c.result.Sheets[0].Warnings)
	}
}

func TestReadCallerError(t *testing.T) {
	data := writeCSV(t, genParts(3000), layout{german: true, delim: ';', encoding: "utf-8"})
	stop := errors.New("database is gone")
	n := 0
	_, err := Read(context.Background(), bytes.NewReader(data), int64(len(data)), "text/csv", "p.csv", nil,
		func(Row) error {
			if n++; n == 1500 {
				return stop
			}
			return nil
		}, nil)
	if err != stop || n != 1500 {
		t.Fatalf("err = %v after %d rows", err, n)
	}
	// An error in the window's rows, delivered at the end of the file.
	n = 0
	_, err = Read(context.Background(), bytes.NewReader(data[:2000]), 2000, "text/csv", "p.csv", nil,
		func(Row) error { n++; return stop }, nil)
	if err != stop || n != 1 {
		t.Fatalf("err = %v after %d rows", err, n)
	}
}

func TestReadFileErrors(t *testing.T) {
	tests := []struct {
		name string
		rd   Reader
		data []byte
		kind error
	}{
		{"empty", Reader{}, nil, extract.ErrNoText},
		{"pdf", Reader{}, []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"), extract.ErrUnsupportedType},
		{"too large", Reader{Limits: extract.Extractor{MaxInputBytes: 64 << 10}}, writeCSV(t, genParts(2000), layout{german: true, delim: ';'}), extract.ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.rd.Read(context.Background(), bytes.NewReader(tt.data), -1, "", "p.csv", nil, func(Row) error { return nil }, nil)
			if !errors.Is(err, tt.kind) {
				t.Fatalf("err = %v, want %v", err, tt.kind)
			}
		})
	}
}

// TestRead300MB streams a generated 300 MB price file: it is read whole,
// row by row, in flat memory.
func TestRead300MB(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 300 MB")
	}
	const size = 300 << 20
	src := &genReader{limit: size}
	rows := 0
	res, err := Read(context.Background(), src, -1, "text/csv", "gross.csv", nil, func(Row) error {
		rows++
		return nil
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rows != src.rows || res.Bad != 0 || rows < 2_500_000 {
		t.Fatalf("%d rows of %d, %+v", rows, src.rows, res)
	}
}

// genReader generates a German price list of about limit bytes, whole
// lines only. Lines repeat after genLines distinct ones, so generating
// costs little beside reading.
type genReader struct {
	limit, n int64
	rows     int
	buf      []byte
}

const genLines = 10007

var genCache [][]byte

func genLine(i int) []byte {
	if genCache == nil {
		genCache = make([][]byte, genLines)
		for j := range genCache {
			genCache[j] = fmt.Appendf(nil, "%s;%s;%s;%s €;%s €;%s;%d;R%02d;%s\n", genNumber(brands[j%6], j), descsDE[j%10], brands[j%6],
				formatAmount(float64(1000+j*37%500000)/100*3, true), formatAmount(float64(1000+j*37%500000)/100*2, true),
				map[bool]string{true: "25,00", false: ""}[j%5 == 0], 1+j%3, j%17, map[bool]string{true: genNumber(brands[j%6], j+1), false: ""}[j%7 == 0])
		}
	}
	return genCache[i%genLines]
}

func (g *genReader) Read(p []byte) (int, error) {
	for len(g.buf) < len(p) && g.n < g.limit {
		start := len(g.buf)
		if g.n == 0 {
			g.buf = append(g.buf, "Teilenummer;Bezeichnung;Marke;UPE;Netto;Pfand;VPE;Rabattgruppe;Ersetzt durch\n"...)
		} else {
			g.buf = append(g.buf, genLine(g.rows)...)
			g.rows++
		}
		g.n += int64(len(g.buf) - start)
	}
	if len(g.buf) == 0 {
		return 0, io.EOF
	}
	n := copy(p, g.buf)
	g.buf = g.buf[:copy(g.buf, g.buf[n:])]
	return n, nil
}

func asJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func FuzzRead(f *testing.F) {
	f.Add([]byte("Teilenummer;UPE;Ersetzt durch\n1K0698151A;89,50 €;1K0698151B + 1K0698151C\n"))
	f.Add([]byte("Part No.,List price,Currency,Pack\n34116794300,\"1,234.56\",CAD,VPE 10\n34116794301,$5,,2x\n"))
	f.Add([]byte("Preisliste\n\nArt.-Nr.;Pfand;Gewicht (g);Faktor\n1K0698151A;-5;850;1:2\n;;\n"))
	f.Add([]byte("34116794300;Bremsscheibe;89,50\n11427953129;Ölfilter;12,30\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		n, bad := 0, 0
		res, err := Read(context.Background(), bytes.NewReader(data), int64(len(data)), "text/csv", "f.csv", nil,
			func(r Row) error {
				n++
				if err := checkPartNumber(r.PartNumber); err != nil {
					t.Fatalf("row %+v: %v", r, err)
				}
				for _, p := range r.Prices {
					if p.Amount <= 0 || p.Amount > maxAmount || p.Currency == "" || p.Name == "" {
						t.Fatalf("price %+v", p)
					}
				}
				if len(r.SupersededBy) != len(r.SupersededQty) {
					t.Fatalf("supersession %+v", r)
				}
				return nil
			}, func(e RowError) {
				bad++
				if e.Message == "" || e.Line < 1 {
					t.Fatalf("row error %+v", e)
				}
			})
		if res.Rows != n || res.Bad != bad {
			t.Fatalf("result %+v, %d rows, %d bad (err %v)", res, n, bad, err)
		}
	})
}
