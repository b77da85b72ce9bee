package partno

import (
	"slices"
	"testing"
)

func TestMentions(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"", nil},
		{"what does 1k0698151a cost?", nil},
		{"what does the BMW 6794300 cost", []string{"BMW"}},
		{"beim Benz 000 420 47 20", []string{"MERCEDES"}},
		{"Mercedes-Benz A 000 420 47 20", []string{"MERCEDES"}},
		{"Mercedes Benz or a Daimler, MB", []string{"MERCEDES"}},
		{"Was kostet das beim Mercedes?", []string{"MERCEDES"}},
		{"Škoda oder VW", []string{"SKODA", "VW"}},
		{"SKODA octavia", []string{"SKODA"}},
		{"Audi A4 and a Golf", []string{"AUDI"}},
		{"VW-Teile für den Audi", []string{"VW", "AUDI"}},
		{"BMWs und Audis", []string{"BMW", "AUDI"}},
		{"des Opels", []string{"OPEL"}},
		{"Land Rover Defender", []string{"LAND ROVER"}},
		{"Range Rover Sport", []string{"LAND ROVER"}},
		{"Alfa Romeo Giulia", []string{"ALFA ROMEO"}},
		{"Citroën C3 und Peugeot 208", []string{"CITROEN", "PEUGEOT"}},
		{"toyota corolla", []string{"TOYOTA"}},
		{"Bosch 0 986 494 104 for a Ford", []string{"BOSCH", "FORD"}},
		{"MANN-FILTER W 712/95", []string{"MANN"}},
		{"Mann+Hummel", []string{"MANN"}},
		{"febi bilstein 12345", []string{"FEBI"}},
		{"Bilstein B4", []string{"BILSTEIN"}},
		{"Cupra Born", []string{"SEAT"}},
		{"Vauxhall Astra", []string{"OPEL"}},
		{"Lexus RX", []string{"LEXUS"}},
		// Ordinary words are not brands.
		{"seat belt buckle", nil},
		{"Seat belt buckle for a Golf", nil},
		{"I drive a Seat Leon", []string{"SEAT"}},
		{"SEAT Leon", []string{"SEAT"}},
		{"a mini cooler", nil},
		{"Mini Cooper S", []string{"MINI"}},
		{"the man at the counter", nil},
		{"MAN TGX", []string{"MAN"}},
		{"Mann, oh Mann", nil},
		{"a 4 MB file", nil},
		{"ate lunch", nil},
		{"ATE brake fluid", []string{"ATE"}},
		{"smart move. Smart fortwo", nil},
		{"the smart and the Smart fortwo", []string{"SMART"}},
		{"jaguar in the zoo", nil},
		// Codes with digits are never brands.
		{"W204 A4 E90 MB100", nil},
		// Each brand once, in order of first mention.
		{"Ford, VW, Ford and vw", []string{"FORD", "VW"}},
		// Punctuation ends a name of several words.
		{"Land. Rover", nil},
	}
	for _, tt := range tests {
		if got := Mentions(tt.text); !slices.Equal(got, tt.want) {
			t.Errorf("Mentions(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestMentionsAllocs(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { _ = Mentions("what does 1k0698151a cost for a Golf?") }); n != 0 {
		t.Errorf("Mentions without a brand allocated %v times", n)
	}
}

func BenchmarkMentions(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = Mentions("what does the BMW 34 11 6 794 300 cost, and is there a Mercedes-Benz A 000 420 47 20?")
	}
}
