package pricefile

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// part is one generated catalog entry, the truth a read is checked
// against.
type part struct {
	brand       string
	number      string // as written in the file
	descDE      string
	descEN      string
	list, net   float64
	core        float64 // 0: none
	pack        int
	group       string
	returnable  bool
	weightKg    float64
	supersedeBy []string
	kind        string
}

var (
	descsDE = []string{"Bremsbelagsatz, hinten — Öl", "Ölfilter", "Zündkerze", "Stoßdämpfer vorne", "Kühlmittelpumpe",
		"Lichtmaschine (Austauschteil)", "Querlenker rechts", "Bremsscheibe belüftet", "Luftfilter", "Wischerblatt \"Aero\""}
	descsEN = []string{"Brake pad set, rear", "Oil filter", "Spark plug", "Shock absorber, front", "Water pump",
		"Alternator (exchange)", "Control arm, right", "Brake disc, vented", "Air filter", "Wiper blade \"Aero\""}
)

// genNumber writes the i-th number of a brand the way that brand's files
// print it.
func genNumber(brand string, i int) string {
	switch brand {
	case "BMW":
		return fmt.Sprintf("%02d %02d %d %03d %03d", 11+i%60, i%100, i%10, (i/10)%1000, i%1000)
	case "Mercedes-Benz":
		return fmt.Sprintf("A %03d %03d %02d %02d", i%1000, (i/7)%1000, i%100, (i/3)%100)
	case "VW":
		return fmt.Sprintf("%dK0 %03d %03d %c", i%9+1, i%1000, (i/1000)%1000, 'A'+i%26)
	case "Toyota":
		return fmt.Sprintf("%05d-%c%c%c%c%d", 4000+i%5000, 'A'+i%26, 'A'+i/26%26, 'Z', 'Z', i%10)
	case "Bosch":
		return fmt.Sprintf("0 986 %03d %03d", i%1000, (i/1000)%1000)
	}
	return fmt.Sprintf("XS4Z-%d%c%03d-%c%c", i%10, 'A'+i%26, i%1000, 'A'+i%26, 'A'+i/26%26)
}

var brands = []string{"BMW", "Mercedes-Benz", "VW", "Toyota", "Bosch", "Ford"}

// genParts returns n distinct parts over several brands; every 7th is
// superseded (single, every 21st by a set of two, every 35th by one of
// two alternatives).
func genParts(n int) []part {
	out := make([]part, n)
	for i := range out {
		b := brands[i%len(brands)]
		p := part{
			brand:      b,
			number:     genNumber(b, i),
			descDE:     descsDE[i%len(descsDE)],
			descEN:     descsEN[i%len(descsEN)],
			list:       math.Round(float64(1000+i*137%500000)) / 100,
			pack:       1 + i%3*4,
			group:      fmt.Sprintf("R%02d", i%17),
			returnable: i%4 != 0,
			weightKg:   float64(50+i%4000) / 1000,
		}
		p.net = math.Round(p.list*0.72*100) / 100
		if i%5 == 0 {
			p.core = float64(20 + i%8*10)
		}
		if i%3 == 0 {
			p.list += 1000 // thousands separators
			p.net = math.Round(p.list*0.72*100) / 100
		}
		switch {
		case i%35 == 0 && i > 0:
			p.supersedeBy, p.kind = []string{genNumber(b, i+1), genNumber(b, i+2)}, OneOf
		case i%21 == 0 && i > 0:
			p.supersedeBy, p.kind = []string{genNumber(b, i+1), genNumber(b, i+2)}, AllOf
		case i%7 == 0 && i > 0:
			p.supersedeBy, p.kind = []string{genNumber(b, i+1)}, Single
		}
		out[i] = p
	}
	return out
}

// layout is how a generated text file is written.
type layout struct {
	german   bool
	delim    byte
	encoding string // "utf-8", "bom", "windows-1252", "utf-16"
	symbols  bool   // "€" after amounts
	titles   bool   // title rows above the header
	crlf     bool
}

// formatAmount writes an amount the way the layout's language does.
func formatAmount(v float64, german bool) string {
	s := fmt.Sprintf("%.2f", v)
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			if german {
				b.WriteByte('.')
			} else {
				b.WriteByte(',')
			}
		}
		b.WriteRune(c)
	}
	if german {
		return b.String() + "," + frac
	}
	return b.String() + "." + frac
}

func csvQuote(s string, delim byte) string {
	if strings.ContainsAny(s, string(delim)+"\"\n") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

// writeCSV writes parts in the layout.
func writeCSV(t testing.TB, parts []part, l layout) []byte {
	t.Helper()
	var b strings.Builder
	nl := "\n"
	if l.crlf {
		nl = "\r\n"
	}
	d := string(l.delim)
	if l.titles {
		if l.german {
			b.WriteString("Preisliste Teile 2025" + strings.Repeat(d, 3) + nl + "Gültig ab 01.03.2025" + nl + nl)
		} else {
			b.WriteString("Parts price list 2025" + nl + nl)
		}
	}
	if l.german {
		b.WriteString(strings.Join([]string{"Teile-Nr.", "Bezeichnung", "Marke", "UPE", "Netto", "Altteilwert", "VPE",
			"Rabattgruppe", "Rückgabe", "Gewicht", "Ersetzt durch"}, d) + nl)
	} else {
		b.WriteString(strings.Join([]string{"Part No.", "Description", "Make", "List Price", "Net Price", "Core Charge",
			"Pack Qty", "Price Code", "Returnable", "Weight (kg)", "Superseded By"}, d) + nl)
	}
	for _, p := range parts {
		desc, amount := p.descEN, func(v float64) string { return csvQuote(formatAmount(v, false), l.delim) }
		yes, no, sep := "Y", "N", map[string]string{Single: "", AllOf: " + ", OneOf: " / "}[p.kind]
		if l.german {
			desc, yes, no = p.descDE, "ja", "nein"
			amount = func(v float64) string { return csvQuote(formatAmount(v, true), l.delim) }
			sep = map[string]string{Single: "", AllOf: " und ", OneOf: " oder "}[p.kind]
		}
		sym := ""
		if l.symbols {
			sym = " €"
		}
		core := ""
		if p.core > 0 {
			core = amount(p.core) + sym
		}
		ret := no
		if p.returnable {
			ret = yes
		}
		weight := formatAmount(p.weightKg, l.german)
		weight = strings.TrimRight(strings.TrimRight(weight, "0"), ".,") + " kg"
		cells := []string{p.number, csvQuote(desc, l.delim), p.brand, amount(p.list) + sym, amount(p.net) + sym, core,
			fmt.Sprint(p.pack), p.group, ret, csvQuote(weight, l.delim), strings.Join(p.supersedeBy, sep)}
		b.WriteString(strings.Join(cells, d) + nl)
	}
	return encode(t, b.String(), l.encoding)
}

// encode writes text in an encoding.
func encode(t testing.TB, s, encoding string) []byte {
	t.Helper()
	switch encoding {
	case "bom":
		return append([]byte("\xef\xbb\xbf"), s...)
	case "windows-1252":
		b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	case "utf-16":
		b, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	return []byte(s)
}

// writeXLSX writes parts to sheets of a workbook, one sheet per brand
// group, with numbers as numeric cells and the net price as a formula
// with its cached value.
func writeXLSX(t testing.TB, sheets map[string][]part, order []string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for si, name := range order {
		if si == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		set := func(cell string, row []any) {
			if err := f.SetSheetRow(name, cell, &row); err != nil {
				t.Fatal(err)
			}
		}
		set("A1", []any{"Preisliste " + name})
		set("A3", []any{"Teilenummer", "Benennung", "Hersteller", "Listenpreis", "HEK", "Pfand", "Verpackungseinheit", "Superseded by"})
		for i, p := range sheets[name] {
			r := i + 4
			row := []any{p.number, p.descDE, p.brand, p.list, nil, nil, p.pack, strings.Join(p.supersedeBy, " + ")}
			if p.kind == OneOf {
				row[7] = strings.Join(p.supersedeBy, " / ")
			}
			if p.core > 0 {
				row[5] = p.core
			}
			set(fmt.Sprintf("A%d", r), row)
			cell := fmt.Sprintf("E%d", r)
			if err := f.SetCellValue(name, cell, p.net); err != nil {
				t.Fatal(err)
			}
			if err := f.SetCellFormula(name, cell, fmt.Sprintf("=ROUND(D%d*0.72,2)", r)); err != nil {
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

// collected is what a Read passed on.
type collected struct {
	rows   []Row
	errs   []RowError
	result Result
	err    error
}

// readAll reads data with Read and collects everything.
func readAll(t testing.TB, data []byte, contentType, name string, remembered func(string, []string) (Mapping, bool)) collected {
	t.Helper()
	var c collected
	c.result, c.err = Read(context.Background(), bytes.NewReader(data), int64(len(data)), contentType, name, remembered,
		func(r Row) error {
			c.rows = append(c.rows, r)
			return nil
		},
		func(e RowError) { c.errs = append(c.errs, e) })
	return c
}

// near compares amounts.
func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// price returns the amount of the named price of r, -1 when missing.
func price(r Row, name string) (float64, string) {
	for _, p := range r.Prices {
		if p.Name == name {
			return p.Amount, p.Currency
		}
	}
	return -1, ""
}

// checkPart compares a read row with the generated part.
func checkPart(t testing.TB, r Row, p part, german bool, currency string) {
	t.Helper()
	desc := p.descEN
	if german {
		desc = p.descDE
	}
	var problems []string
	if r.PartNumber != p.number {
		problems = append(problems, fmt.Sprintf("part number %q", r.PartNumber))
	}
	if r.Brand != p.brand {
		problems = append(problems, fmt.Sprintf("brand %q", r.Brand))
	}
	if r.Description != desc {
		problems = append(problems, fmt.Sprintf("description %q", r.Description))
	}
	if a, cur := price(r, PriceList); !near(a, p.list) || cur != currency {
		problems = append(problems, fmt.Sprintf("list %v %s, want %v %s", a, cur, p.list, currency))
	}
	if a, cur := price(r, PriceNet); !near(a, p.net) || cur != currency {
		problems = append(problems, fmt.Sprintf("net %v %s, want %v", a, cur, p.net))
	}
	switch {
	case p.core == 0 && r.Core != nil, p.core > 0 && (r.Core == nil || !near(r.Core.Amount, p.core) || r.Core.Currency != currency):
		problems = append(problems, fmt.Sprintf("core %+v, want %v", r.Core, p.core))
	}
	if r.PackQty != p.pack {
		problems = append(problems, fmt.Sprintf("pack %d", r.PackQty))
	}
	if fmt.Sprint(r.SupersededBy) != fmt.Sprint(p.supersedeBy) || r.SupersedeKind != p.kind {
		problems = append(problems, fmt.Sprintf("superseded by %q %q, want %q %q", r.SupersededBy, r.SupersedeKind, p.supersedeBy, p.kind))
	}
	if len(problems) > 0 {
		t.Errorf("row %d (%s): %s", r.Line, p.number, strings.Join(problems, "; "))
	}
}

// addSheetFront adds a sheet of rows before the first sheet of a workbook.
func addSheetFront(t testing.TB, data []byte, name string, rows [][]any) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	first := f.GetSheetList()[0]
	if _, err := f.NewSheet(name); err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		if err := f.SetSheetRow(name, fmt.Sprintf("A%d", i+1), &r); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.MoveSheet(name, first); err != nil {
		t.Fatal(err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
