package pricefile

import (
	"reflect"
	"strings"
	"testing"

	"counterpart/internal/partno"
)

func TestParseSuccessors(t *testing.T) {
	tests := []struct {
		cell, self string
		want       successors
		err        string
	}{
		{"34116858652", "34116794300", successors{numbers: []string{"34116858652"}, qty: []float64{0}, kind: Single}, ""},
		{"34 11 6 858 652", "", successors{numbers: []string{"34 11 6 858 652"}, qty: []float64{0}, kind: Single}, ""},
		{"1K0698151B + 1K0698151C", "", successors{numbers: []string{"1K0698151B", "1K0698151C"}, qty: []float64{0, 0}, kind: AllOf}, ""},
		{"1K0 698 151 B und 1K0 698 151 C", "", successors{numbers: []string{"1K0 698 151 B", "1K0 698 151 C"}, qty: []float64{0, 0}, kind: AllOf}, ""},
		{"1K0698151B, 1K0698151C; 1K0698151D", "", successors{numbers: []string{"1K0698151B", "1K0698151C", "1K0698151D"}, qty: []float64{0, 0, 0}, kind: AllOf}, ""},
		{"1K0698151B\n1K0698151C", "", successors{numbers: []string{"1K0698151B", "1K0698151C"}, qty: []float64{0, 0}, kind: AllOf}, ""},
		{"1K0698151B / 1K0698151C", "", successors{numbers: []string{"1K0698151B", "1K0698151C"}, qty: []float64{0, 0}, kind: OneOf}, ""},
		{"1K0698151B/1K0698151C", "", successors{numbers: []string{"1K0698151B", "1K0698151C"}, qty: []float64{0, 0}, kind: OneOf}, ""},
		{"1K0698151B oder 1K0698151C", "", successors{numbers: []string{"1K0698151B", "1K0698151C"}, qty: []float64{0, 0}, kind: OneOf}, ""},
		{"1K0698151B or 1K0698151C", "", successors{numbers: []string{"1K0698151B", "1K0698151C"}, qty: []float64{0, 0}, kind: OneOf}, ""},
		{"1K0/698/151/B", "", successors{numbers: []string{"1K0/698/151/B"}, qty: []float64{0}, kind: Single}, ""},
		{"2x 123456", "", successors{numbers: []string{"123456"}, qty: []float64{2}, kind: Single}, ""},
		{"2 x 123456", "", successors{numbers: []string{"123456"}, qty: []float64{2}, kind: Single}, ""},
		{"123456 (2x)", "", successors{numbers: []string{"123456"}, qty: []float64{2}, kind: Single}, ""},
		{"2x 1K0698151B + 1x 1K0698151C", "", successors{numbers: []string{"1K0698151B", "1K0698151C"}, qty: []float64{2, 1}, kind: AllOf}, ""},
		{"A → B", "", successors{}, `"A" is not a part number`},
		{"34116794300 → 34116858652", "34116794300", successors{numbers: []string{"34116858652"}, qty: []float64{0}, kind: Single}, ""},
		{"34116794300 -> 34116858652 -> 34116860016", "11111111111", successors{numbers: []string{"34116794300"}, qty: []float64{0}, kind: Single,
			chain: []string{"34116858652", "34116860016"}}, ""},
		{"34116794300 => 34116858652", "34116858652", successors{}, ""},
		{"ersetzt durch 1K0698151B", "", successors{numbers: []string{"1K0698151B"}, qty: []float64{0}, kind: Single}, ""},
		{"siehe: 1K0698151B", "", successors{numbers: []string{"1K0698151B"}, qty: []float64{0}, kind: Single}, ""},
		{"entfällt ersatzlos", "", successors{discontinued: true}, ""},
		{"NLA", "", successors{discontinued: true}, ""},
		{"Discontinued, use 1K0698151B", "", successors{numbers: []string{"1K0698151B"}, qty: []float64{0}, kind: Single, discontinued: true}, ""},
		{"1K0698151A", "1K0 698 151 A", successors{}, ""},
		{"-", "", successors{}, ""},
		{"1K0698151B + 1K0698151C / 1K0698151D", "", successors{}, "mixes a set (A + B) with alternatives (A / B)"},
		{"1K0698151B → 1K0698151C + 1K0698151D", "", successors{}, "mixes a chain"},
		{"siehe Text", "", successors{}, "is not a part number"},
		{strings.Repeat("9", 50), "", successors{}, "50 characters long"},
	}
	for _, tt := range tests {
		got, err := parseSuccessors(tt.cell, tt.self)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("parseSuccessors(%q): err %v, want %q", tt.cell, err, tt.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parseSuccessors(%q, %q) = %+v, %v; want %+v", tt.cell, tt.self, got, err, tt.want)
		}
	}
}

func TestParsePredecessors(t *testing.T) {
	tests := []struct {
		cell, self string
		want       []string
	}{
		{"34116794300", "", []string{"34116794300"}},
		{"1K0698151 / 1K0698151A", "", []string{"1K0698151", "1K0698151A"}},
		{"1K0698151 → 1K0698151A", "1K0698151B", []string{"1K0698151", "1K0698151A"}},
		{"1K0698151, 1K0698151A, 1K0698151", "", []string{"1K0698151", "1K0698151A"}},
		{"1K0698151B", "1K0 698 151 B", nil},
		{"", "", nil},
	}
	for _, tt := range tests {
		got, err := parsePredecessors(tt.cell, tt.self)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parsePredecessors(%q) = %q, %v", tt.cell, got, err)
		}
	}
	if _, err := parsePredecessors("alte Nummer unbekannt", ""); err == nil {
		t.Error("text accepted as a number")
	}
}

func FuzzParseSuccessors(f *testing.F) {
	for _, s := range []string{"A → B", "2x 1K0698151B + 1x 1K0698151C", "1K0/698/151/B", "entfällt", "1 / 2 / 3", "(2x)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, cell string) {
		got, err := parseSuccessors(cell, "1K0698151A")
		if err != nil {
			return
		}
		if len(got.numbers) != len(got.qty) || len(got.numbers) > 0 && got.kind == "" || len(got.numbers) == 0 && (got.kind != "" || got.chain != nil) {
			t.Fatalf("%q: %+v", cell, got)
		}
		for _, n := range append(append([]string(nil), got.numbers...), got.chain...) {
			if err := checkPartNumber(n); err != nil {
				t.Fatalf("%q gave %q: %v", cell, n, err)
			}
		}
	})
}

func TestSameNumber(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{"1K0 698 151 A", "1k0-698-151a", true}, {"１Ｋ０", "1k0", true}, {"1K0", "1K0A", false}, {"", "--", true},
		{"Ö1", "1", true}, {"A1", "1", false},
	} {
		if got := sameNumber(tt.a, tt.b); got != tt.want {
			t.Errorf("sameNumber(%q, %q) = %v", tt.a, tt.b, got)
		}
		if got := partno.Normalize(tt.a) == partno.Normalize(tt.b); got != tt.want {
			t.Errorf("Normalize disagrees for %q, %q", tt.a, tt.b)
		}
	}
	for in, want := range map[string]bool{"34116858652": true, "2x 123456": true, "1K0 698 151": true, "1K0 698 151 A": false, "A 000 420 47 20": false,
		"NLA": false, "siehe 123": false, "1 + 2": false, "123/456": false, "1K0698151B und 1K0698151C": false, "": true} {
		if got := simpleCell(in); got != want {
			t.Errorf("simpleCell(%q) = %v", in, got)
		}
	}
}
