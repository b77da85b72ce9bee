package partno

import "testing"

func TestLooksLikePartNumber(t *testing.T) {
	tests := []struct {
		token string
		want  bool
		why   string
	}{
		// VW / Audi
		{"8E0-615-301-AG", true, "VW/Audi with dashes"},
		{"8E0 615 301 AG", true, "VW/Audi with spaces"},
		{"1K0/615/301/AA", true, "VW with slashes"},
		{"8E0615301AG", true, "VW compact"},
		{"N10591501", true, "VW hardware N-number"},
		// Mercedes-Benz
		{"A 000 420 47 20", true, "Mercedes spaced"},
		{"A0004204720", true, "Mercedes compact"},
		// BMW
		{"11 42 7 953 129", true, "BMW spaced"},
		{"11427953129", true, "BMW compact"},
		{"11.42.7.953.129", true, "BMW dotted is not a thousands number"},
		// Toyota, Ford, Honda, Nissan, Bosch, GM
		{"04152-YZZA6", true, "Toyota oil filter"},
		{"XS4Z-9G756-AA", true, "Ford"},
		{"15400-PLM-A02", true, "Honda"},
		{"15208-65F0E", true, "Nissan"},
		{"0 986 494 525", true, "Bosch"},
		{"12345678", true, "GM 8 digits"},
		{"12345-ABC 01", true, "generic"},
		{"12345.ABC.01", true, "generic dotted"},
		{"(8E0-615-301-AG),", true, "surrounding punctuation"},
		{"#12345ABC", true, "leading hash"},
		{"8E0.615.301.AG.", true, "sentence dot"},
		{"4006381333931", true, "EAN-13 barcodes are kept"},

		// Too short or no digits.
		{"", false, "empty"},
		{"A4", false, "model code"},
		{"W204", false, "chassis code"},
		{"12345", false, "5 digits only"},
		{"Bremsscheibe", false, "word"},
		{"ABCDE", false, "letters only"},
		// Years, prices, dates.
		{"2024", false, "year"},
		{"19.99", false, "price"},
		{"1.234,56", false, "European price"},
		{"1,234.56", false, "US price"},
		{"1234.56", false, "decimal"},
		{"123456,00", false, "comma decimal"},
		{"1.234.567", false, "dotted thousands"},
		{"€19.99", false, "currency"},
		{"$1234567", false, "currency"},
		{"2024-01-15", false, "ISO date"},
		{"15.01.2024", false, "German date"},
		{"01/15/2024", false, "US date"},
		{"15.01.24", false, "short date"},
		{"15 01 2024", false, "spaced date"},
		{"2008-2015", false, "year range"},
		{"2008/09", false, "model year range"},
		{"12:30:45", false, "time"},
		// Phone numbers, e-mails, percentages.
		{"+49 89 1234567", false, "international phone"},
		{"+4989123456", false, "international phone"},
		{"parts@example.com", false, "e-mail"},
		{"12345%", false, "percentage"},
		// Words with digits, units, dimensions, viscosity.
		{"Euro6d", false, "one digit with letters"},
		{"Windows-1252", false, "word with number"},
		{"WVWZZZ1KZAW123456", false, "VIN: 6-letter run"},
		{"220mm", false, "unit"},
		{"100Ah", false, "unit"},
		{"1500W", false, "unit"},
		{"2000rpm", false, "unit"},
		{"320x30", false, "dimension"},
		{"320x30mm", false, "dimension with unit"},
		{"1200x800x600", false, "three dimensions"},
		{"4X5 854 838 A", true, "VW number with an X, not a dimension"},
		{"3x6064079", true, "VW base with an x"},
		{"10W-40", false, "viscosity"},
		{"0W20", false, "viscosity (short)"},
		{"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", false, "too long"},
		{"3f2a9c1e-7b4d-4e5f-8a6b-1c2d3e4f5a6b", false, "UUID is too long"},
	}
	for _, tt := range tests {
		if got := LooksLikePartNumber(tt.token); got != tt.want {
			t.Errorf("LooksLikePartNumber(%q) = %v, want %v (%s)", tt.token, got, tt.want, tt.why)
		}
	}
}

func TestLooksLikePartNumberNoAlloc(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { _ = LooksLikePartNumber("8E0 615 301 AG") }); n != 0 {
		t.Fatalf("LooksLikePartNumber allocated %v times", n)
	}
}
