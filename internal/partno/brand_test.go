package partno

import (
	"strings"
	"testing"
)

func TestBrandOf(t *testing.T) {
	tests := []struct {
		name, want string
	}{
		{"", ""},
		{"   ", ""},
		{"-", ""},
		{"—", ""},
		// Mercedes-Benz as files and people write it.
		{"Mercedes-Benz", "MERCEDES"},
		{"MERCEDES-BENZ", "MERCEDES"},
		{"Mercedes Benz", "MERCEDES"},
		{"mercedes", "MERCEDES"},
		{"MB", "MERCEDES"},
		{"Daimler", "MERCEDES"},
		{"Daimler AG", "MERCEDES"},
		{"Benz", "MERCEDES"},
		{"DB", "MERCEDES"},
		{"Mercedes-Benz AG", "MERCEDES"},
		{"Mercedes-AMG", "MERCEDES"},
		// BMW and MINI stay apart.
		{"BMW", "BMW"},
		{"bmw", "BMW"},
		{"BMW AG", "BMW"},
		{"Bayerische Motoren Werke AG", "BMW"},
		{"BMW Original Teile", "BMW"},
		{"Mini", "MINI"},
		{"MINI", "MINI"},
		// VW group.
		{"VW", "VW"},
		{"Volkswagen", "VW"},
		{"Volkswagen AG", "VW"},
		{"VAG", "VW"},
		{"V.A.G.", "VW"},
		{"VW Nutzfahrzeuge", "VW"},
		{"Audi", "AUDI"},
		{"AUDI AG", "AUDI"},
		{"Skoda", "SKODA"},
		{"Škoda", "SKODA"},
		{"ŠKODA AUTO a.s.", "SKODA"},
		{"Fiat S.p.A.", "FIAT"},
		{"Meyle a.s.", "MEYLE"},
		{"A B C", "A B C"},
		{"S\u030ckoda", "SKODA"}, // decomposed Š
		{"Seat", "SEAT"},
		{"Cupra", "SEAT"},
		// Others the contract names.
		{"Ford", "FORD"},
		{"Ford-Werke GmbH", "FORD"},
		{"Ford Motor Company", "FORD"},
		{"Toyota", "TOYOTA"},
		{"Toyota Motor Corporation", "TOYOTA"},
		{"Lexus", "LEXUS"},
		{"Bosch", "BOSCH"},
		{"Robert Bosch GmbH", "BOSCH"},
		{"Robert Bosch GmbH & Co. KG", "BOSCH"},
		{"Opel", "OPEL"},
		{"Vauxhall", "OPEL"},
		{"Renault", "RENAULT"},
		{"Peugeot", "PEUGEOT"},
		{"Citroen", "CITROEN"},
		{"Citroën", "CITROEN"},
		{"Fiat", "FIAT"},
		{"Hyundai", "HYUNDAI"},
		{"Kia Motors", "KIA"},
		{"Volvo", "VOLVO"},
		{"Land Rover", "LAND ROVER"},
		{"Land-Rover", "LAND ROVER"},
		{"Range Rover", "LAND ROVER"},
		{"Alfa Romeo", "ALFA ROMEO"},
		{"Lemförder", "LEMFORDER"},
		{"Lemfoerder", "LEMFORDER"},
		{"LEMFÖRDER", "LEMFORDER"},
		{"febi bilstein", "FEBI"},
		{"Bilstein", "BILSTEIN"},
		{"MANN-FILTER", "MANN"},
		{"Mann+Hummel GmbH", "MANN"},
		{"ＢＭＷ", "BMW"}, // fullwidth
		{"  Meyle  ", "MEYLE"},
		// Unknown names: upper-cased, trimmed, spaces folded, accents folded,
		// legal forms dropped.
		{"Meyle AG", "MEYLE"},
		{"Meyle, AG", "MEYLE"},
		{"Meyle (AG)", "MEYLE"},
		{"Brück  &\tSöhne KG", "BRUCK & SOHNE"},
		{"Hans Pries (Topran)", "HANS PRIES (TOPRAN)"},
		{"Foo (Bar) GmbH", "FOO (BAR)"},
		{"Straßenteile", "STRASSENTEILE"},
		{"Tata Motors", "TATA MOTORS"},
		{"AG", "AG"},
		{"Лада", "ЛАДА"},
		{"Ford Лада", "FORD ЛАДА"}, // other letters count: not Ford
		{"ACME\u00a0\u00a0Parts\u200b", "ACME PARTS\u200b"},
	}
	for _, tt := range tests {
		if got := BrandOf(tt.name); got != tt.want {
			t.Errorf("BrandOf(%q) = %q, want %q", tt.name, got, tt.want)
		}
		if got := BrandOf(tt.want); got != tt.want {
			t.Errorf("BrandOf(%q) = %q, not idempotent", tt.want, got)
		}
	}
}

func TestBrandOfEveryCode(t *testing.T) {
	codes := map[string]bool{}
	for _, b := range brandTable {
		if codes[b.code] {
			t.Errorf("code %s listed twice", b.code)
		}
		codes[b.code] = true
		if got := BrandOf(b.code); got != b.code {
			t.Errorf("BrandOf(%q) = %q", b.code, got)
		}
		if got := BrandOf(strings.ToLower(b.code)); got != b.code {
			t.Errorf("BrandOf(%q) = %q", strings.ToLower(b.code), got)
		}
		for _, name := range strings.Split(b.names, "|") {
			name = strings.TrimLeft(name, "~^!")
			if got := BrandOf(name); got != b.code {
				t.Errorf("BrandOf(%q) = %q, want %q", name, got, b.code)
			}
		}
	}
}

func TestBrandOfNoAlloc(t *testing.T) {
	for _, name := range []string{"Mercedes-Benz", "Robert Bosch GmbH", "Škoda", "VW", "MEYLE", "FEBI BILSTEIN"} {
		if n := testing.AllocsPerRun(100, func() { _ = BrandOf(name) }); n != 0 {
			t.Errorf("BrandOf(%q) allocated %v times", name, n)
		}
	}
}

func TestFamilyOf(t *testing.T) {
	tests := []struct {
		brand string
		want  family
	}{
		{"BMW", famBMW}, {"MINI", famBMW}, {"Mini", famBMW}, {"bmw ag", famBMW},
		{"MERCEDES", famMercedes}, {"Mercedes-Benz", famMercedes}, {"Benz", famMercedes},
		{"VW", famVW}, {"Audi", famVW}, {"Škoda", famVW}, {"Cupra", famVW}, {"VAG", famVW},
		{"TOYOTA", famToyota}, {"Lexus", famToyota},
		{"Ford", famFord}, {"Bosch", famBosch},
		{"", famOther}, {"MEYLE", famOther}, {"Opel", famOther}, {"Porsche", famOther},
	}
	for _, tt := range tests {
		if got := familyOf(tt.brand); got != tt.want {
			t.Errorf("familyOf(%q) = %d, want %d", tt.brand, got, tt.want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { _ = familyOf("Mercedes-Benz") }); n != 0 {
		t.Errorf("familyOf allocated %v times", n)
	}
}

func BenchmarkBrandOf(b *testing.B) {
	names := []string{"Mercedes-Benz", "BMW", "VW", "Volkswagen AG", "Škoda", "Meyle", "febi bilstein", "Hans Pries (Topran)"}
	b.ReportAllocs()
	for b.Loop() {
		for _, n := range names {
			_ = BrandOf(n)
		}
	}
}
