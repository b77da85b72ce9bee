package pricefile

import (
	"slices"
	"testing"
)

func TestFindHeader(t *testing.T) {
	tests := []struct {
		name string
		rows [][]string
		want int
	}{
		{"first row", [][]string{{"Teilenummer", "Bezeichnung", "UPE"}, {"1K0698151A", "Bremsbelag", "89,50"}}, 0},
		{"below titles", [][]string{{"Autohaus Muster GmbH"}, {"Preisliste gültig ab 01.03.2025"}, {"", ""},
			{"Art.-Nr.", "Benennung", "Listenpreis", "Pfand"}, {"1K0698151A", "Bremsbelag", "89,50", ""}}, 3},
		{"title with two cells", [][]string{{"Preisliste", "März 2025"}, {"Part No.", "Description", "List price"}, {"1K0698151A", "Pads", "89.50"}}, 1},
		{"header with unknown columns", [][]string{{"Foo", "Teilenummer", "Bar", "Preis"}, {"x", "1K0698151A", "y", "1,00"}}, 0},
		{"unknown header words above numbers", [][]string{{"Kennung", "Text", "Betrag in Währung"}, {"1K0698151A", "Bremsbelag", "89,50"}}, 0},
		{"no header", [][]string{{"1K0698151A", "Bremsbelag", "89,50"}, {"1K0698151B", "Bremsbelag", "91,50"}}, -1},
		{"data with a currency cell", [][]string{{"1K0698151A", "EUR", "89,50"}, {"Teilenummer", "Währung", "UPE"}}, 1},
	}
	for _, tt := range tests {
		if got := findHeader(tt.rows); got != tt.want {
			t.Errorf("%s: findHeader = %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestGuessByValues(t *testing.T) {
	headers := []string{"Column A", "Column B", "Column C", "Column D", "Column E"}
	rows := [][]string{
		{"1", "34116794300", "Bremsscheibe belüftet", "89,50", "2"},
		{"2", "11427953129", "Ölfilter", "12,30", "1"},
		{"3", "1K0 698 151 A", "Bremsbelagsatz hinten", "1.234,56", "4"},
	}
	m := guessByValues(headers, rows)
	var got []Field
	for _, c := range m.Columns {
		got = append(got, c.Field)
	}
	if want := []Field{Ignore, PartNumber, Description, OtherPrice, Ignore}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if guessByValues(headers[:2], [][]string{{"Hinweis", "Alle Preise netto"}}).has(PartNumber) {
		t.Error("a part number found in notes")
	}
}
