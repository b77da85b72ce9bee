package partno

import "testing"

func TestGuessBrand(t *testing.T) {
	tests := []struct {
		key, want, why string
	}{
		{"34116794300", "BMW", "BMW brake disc, 11 digits"},
		{"11428575211", "BMW", "BMW oil filter"},
		{"A0004204720", "MERCEDES", "Mercedes with A"},
		{"A6511800009", "MERCEDES", "Mercedes oil filter"},
		{"0986494104", "BOSCH", "Bosch 0 986 aftermarket"},
		{"0242236565", "BOSCH", "Bosch spark plug"},
		{"0451103336", "BOSCH", "Bosch oil filter"},
		{"1987302200", "BOSCH", "Bosch 1 987"},
		{"1K0698151A", "VW", "VW with index"},
		{"8E0615301AG", "VW", "Audi with 2-letter index"},
		{"5G0853601A2ZZ", "VW", "VW with index and colour"},
		{"1K0698151GRU", "VW", "VW with colour only"},
		{"06A115561B", "VW", "VW engine part, letter in the type"},
		{"036115561B", "VW", "all-digit type with index"},
		{"03L115562", "VW", "base only with a letter in the type"},
		{"N91014302", "VW", "VW hardware N + 8"},
		{"N0138492", "VW", "VW hardware N + 7"},
		{"044653347179", "TOYOTA", "Toyota 5-5-2"},
		{"04152YZZA6", "TOYOTA", "Toyota YZZ"},
		{"90915YZZD4", "TOYOTA", "Toyota YZZ oil filter"},
		{"XS4Z9G756AA", "FORD", "Ford service number"},
		{"F5TZ1104A", "FORD", "Ford, 4-digit base, 1-letter suffix"},
		{"xs4z-9g756-aa", "FORD", "not normalised yet"},
		// Shapes several makes share.
		{"6794300", "", "7 digits: BMW short or anything"},
		{"0004204720", "", "10 digits: Mercedes without A, Toyota, Hyundai"},
		{"0415231090", "", "Toyota 5-5 without YZZ"},
		{"036115561", "", "9 digits"},
		{"BV612M008AC", "", "Ford engineering number without Z"},
		{"1520865F0E", "", "Nissan 5-5"},
		{"15400PLMA02", "", "Honda 5-3-3"},
		{"12345ABC01", "", "generic"},
		{"123456789012", "TOYOTA", "12 digits are taken for Toyota 5-5-2"},
		{"", "", "empty"},
		{"A", "", "one letter"},
	}
	for _, tt := range tests {
		if got := GuessBrand(tt.key); got != tt.want {
			t.Errorf("GuessBrand(%q) = %q, want %q (%s)", tt.key, got, tt.want, tt.why)
		}
	}
}

func TestParseVW(t *testing.T) {
	tests := []struct {
		key      string
		idx, col int
		ok       bool
	}{
		{"1K0698151", 0, 0, true},
		{"1K0698151A", 1, 0, true},
		{"8E0615301AG", 2, 0, true},
		{"5G0853601A2ZZ", 1, 3, true},
		{"1K0698151GRU", 0, 3, true},
		{"1K0698151AG9B9", 2, 3, true},
		{"1K0698151ABC", 0, 3, true}, // 3 letters: a colour, not an index
		{"1K069815", 0, 0, false},
		{"1K0698151A2", 0, 0, false},
		{"1K0698151AB12", 1, 3, true}, // index "A", colour "B12"
		{"1K0698151A1", 0, 0, false},
		{"1K0698151AGGRUX", 0, 0, false},
		{"1K069X151A", 0, 0, false},
	}
	for _, tt := range tests {
		idx, col, ok := parseVW(tt.key)
		if idx != tt.idx || col != tt.col || ok != tt.ok {
			t.Errorf("parseVW(%q) = %d, %d, %v, want %d, %d, %v", tt.key, idx, col, ok, tt.idx, tt.col, tt.ok)
		}
	}
}

func TestParseFord(t *testing.T) {
	tests := []struct {
		key          string
		base, suffix int
		ok           bool
	}{
		{"XS4Z9G756AA", 5, 2, true},
		{"F5TZ1104A", 4, 1, true},
		{"BV612M008AC", 5, 2, true},
		{"1L2Z7A095AAA", 5, 3, true},
		{"XS4Z9G756", 0, 0, false},     // no suffix
		{"XS4Z9G756AAAA", 0, 0, false}, // suffix too long
		{"12349G756AA", 0, 0, false},   // prefix without a letter
		{"XS4ZAA", 0, 0, false},
	}
	for _, tt := range tests {
		base, suffix, ok := parseFord(tt.key)
		if base != tt.base || suffix != tt.suffix || ok != tt.ok {
			t.Errorf("parseFord(%q) = %d, %d, %v, want %d, %d, %v", tt.key, base, suffix, ok, tt.base, tt.suffix, tt.ok)
		}
	}
}

func TestGuessBrandNoAlloc(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { _ = GuessBrand("5G0853601A2ZZ") }); n != 0 {
		t.Fatalf("GuessBrand allocated %v times", n)
	}
}
