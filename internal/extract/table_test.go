package extract

import "testing"

func TestDetectHeader(t *testing.T) {
	tests := []struct {
		name string
		rows [][]string
		want int
	}{
		{"plain header", [][]string{{"Part number", "Description", "Price"}, {"8E0615301AG", "Brake disc", "89.90"}}, 0},
		{"title rows above", [][]string{{"Price list 2024"}, {}, {"Teilenummer", "Bezeichnung", "Preis"}, {"8E0615301AG", "Bremsscheibe", "89,90"}}, 2},
		{"header word without data", [][]string{{"Part", "Notes"}}, 0},
		{"labels above numbers", [][]string{{"Foo", "Bar"}, {"alpha", "12"}}, 0},
		{"no header: data first", [][]string{{"8E0615301AG", "Brake disc", "89.90"}, {"04152-YZZA6", "Oil filter", "12.50"}}, -1},
		{"no header: text table", [][]string{{"Bremsscheibe", "Brake disc"}, {"Sattel", "Caliper"}}, -1},
		{"duplicate labels", [][]string{{"Price", "Price"}, {"1", "2"}}, -1},
		{"numeric first row", [][]string{{"2024", "Q1"}, {"Part", "Price"}}, -1},
		{"single column with word", [][]string{{"Part number"}, {"8E0615301AG"}}, 0},
		{"single column label over part numbers", [][]string{{"Hello"}, {"8E0615301AG"}}, 0},
		{"single column of words", [][]string{{"Hello"}, {"World"}}, -1},
		{"empty", nil, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := detectHeader(tt.rows); got != tt.want {
				t.Errorf("detectHeader = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestIsNumeric(t *testing.T) {
	for _, v := range []string{"89,90", "1.234,56", "EUR 12.50", "12,50 €", "15.01.2024", "-3", "5 %", "$1,299.00"} {
		if !isNumeric(v) {
			t.Errorf("isNumeric(%q) = false", v)
		}
	}
	for _, v := range []string{"", "EUR", "Brake disc", "8E0615301AG", "approx. 5"} {
		if isNumeric(v) {
			t.Errorf("isNumeric(%q) = true", v)
		}
	}
}

func TestAppendColumnName(t *testing.T) {
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 27: "AB", 701: "ZZ", 702: "AAA", 16383: "XFD"} {
		if got := string(appendColumnName(nil, i)); got != want {
			t.Errorf("column %d = %q, want %q", i, got, want)
		}
	}
}
