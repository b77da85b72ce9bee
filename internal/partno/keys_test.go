package partno

import (
	"slices"
	"strings"
	"testing"
)

func TestKeys(t *testing.T) {
	tests := []struct {
		brand, raw string
		key        string
		alt        []string
	}{
		// BMW: the last 7 digits of 11.
		{"BMW", "34 11 6 794 300", "34116794300", []string{"6794300"}},
		{"BMW", "11428575211", "11428575211", []string{"8575211"}},
		{"bmw", "64 11 9 237 555", "64119237555", []string{"9237555"}},
		{"MINI", "11 42 7 512 446", "11427512446", []string{"7512446"}},
		{"BMW", "6 794 300", "6794300", nil},
		{"BMW", "5-7-1", "571", nil},
		// Mercedes-Benz: without the leading A.
		{"MERCEDES", "A 000 420 47 20", "A0004204720", []string{"0004204720"}},
		{"Mercedes-Benz", "A6511800009", "A6511800009", []string{"6511800009"}},
		{"Benz", "a 204 421 10 12", "A2044211012", []string{"2044211012"}},
		{"MERCEDES", "000 420 47 20", "0004204720", nil},
		{"MERCEDES", "A 169 880 01 40 9744", "A16988001409744", nil}, // with colour code: only A + 10 digits
		{"MERCEDES", "B66958200", "B66958200", nil},
		// VW group: the base without index and colour.
		{"VW", "1K0 698 151 A", "1K0698151A", []string{"1K0698151"}},
		{"AUDI", "8E0-615-301-AG", "8E0615301AG", []string{"8E0615301"}},
		{"Škoda", "5E0 615 301", "5E0615301", nil},
		{"SEAT", "06A 115 561 B", "06A115561B", []string{"06A115561"}},
		{"VW", "5G0 853 601 A 2ZZ", "5G0853601A2ZZ", []string{"5G0853601", "5G0853601A"}},
		{"VW", "1K0 853 675 GRU", "1K0853675GRU", []string{"1K0853675"}},
		{"VW", "N 910 143 02", "N91014302", nil},
		{"VW", "N 013 849 2", "N0138492", nil},
		{"VAG", "03L115562", "03L115562", nil},
		// Toyota and Lexus: the 10-character base of 5-5-2.
		{"TOYOTA", "04465-33471-79", "044653347179", []string{"0446533471"}},
		{"Lexus", "04152-YZZA6", "04152YZZA6", nil},
		{"TOYOTA", "90915-YZZD4", "90915YZZD4", nil},
		// Other brands: none.
		{"FORD", "XS4Z-9G756-AA", "XS4Z9G756AA", nil},
		{"BOSCH", "0 986 494 104", "0986494104", nil},
		{"MEYLE", "34116794300", "34116794300", nil},
		{"", "34116794300", "34116794300", nil},
		{"OPEL", "A0004204720", "A0004204720", nil},
		{"VW", "", "", nil},
	}
	for _, tt := range tests {
		key, alt := Keys(tt.brand, tt.raw)
		if key != tt.key || !slices.Equal(alt, tt.alt) {
			t.Errorf("Keys(%q, %q) = %q, %q, want %q, %q", tt.brand, tt.raw, key, alt, tt.key, tt.alt)
		}
	}
}

func TestKeysAllocs(t *testing.T) {
	tests := []struct {
		brand, raw string
		allocs     float64
	}{
		{"BMW", "34116794300", 1},     // the alt slice
		{"BMW", "34 11 6 794 300", 2}, // the normalised key and the alt slice
		{"Mercedes-Benz", "A0004204720", 1},
		{"FORD", "XS4Z9G756AA", 0},
		{"MEYLE", "12345678", 0},
	}
	for _, tt := range tests {
		if n := testing.AllocsPerRun(100, func() { _, _ = Keys(tt.brand, tt.raw) }); n != tt.allocs {
			t.Errorf("Keys(%q, %q) allocated %v times, want %v", tt.brand, tt.raw, n, tt.allocs)
		}
	}
}

// importRows are part numbers as price files of several makes write them.
var importRows = []struct{ brand, raw string }{
	{"BMW", "34 11 6 794 300"},
	{"BMW", "11428575211"},
	{"MERCEDES", "A 000 420 47 20"},
	{"MERCEDES", "A6511800009"},
	{"VW", "1K0 698 151 A"},
	{"VW", "5G0853601A2ZZ"},
	{"VW", "N 910 143 02"},
	{"FORD", "XS4Z-9G756-AA"},
	{"TOYOTA", "04465-33471-79"},
	{"TOYOTA", "04152YZZA6"},
	{"BOSCH", "0 986 494 104"},
	{"MEYLE", "100 407 0001"},
}

func BenchmarkKeys(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		for _, r := range importRows {
			_, _ = Keys(r.brand, r.raw)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(importRows)), "ns/row")
}

// FuzzKeys checks Keys, Probes, Display, GuessBrand, BrandOf, Mentions and
// Confusions on any input: they never panic, keys are only [A-Z0-9], a part
// stored under Keys is found by Probes of each of its keys, and Display
// normalises back to the number.
func FuzzKeys(f *testing.F) {
	for _, r := range importRows {
		f.Add(r.brand, r.raw)
	}
	for _, s := range [][2]string{
		{"Mercedes-Benz", "a 000 420 47 20"}, {"VAG", "1k0-698-151-a"}, {"Lexus", "04465 33471 79"},
		{"Škoda", "5E0 615 301 AB 9B9"}, {"", "６７９４３００"}, {"BMW", "\xff34116794300"},
		{"Meyle (AG)", "  12  34\t56 "}, {"S\u030ckoda", "N 013 849 2"}, {"MB", "A"}, {"x", ""},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, brand, raw string) {
		key, alt := Keys(brand, raw)
		if key != Normalize(raw) {
			t.Fatalf("Keys(%q, %q) key %q, Normalize gives %q", brand, raw, key, Normalize(raw))
		}
		checkKey(t, "key", key, true)
		if len(Probes(key)) == 0 && key != "" || len(Probes(key)) > 0 && Probes(key)[0] != (Probe{key, false, MatchExact}) {
			t.Fatalf("Probes(%q) = %v, want the exact probe first", key, Probes(key))
		}
		if len(alt) > 2 {
			t.Fatalf("Keys(%q, %q) gave %d secondary keys, want at most 2", brand, raw, len(alt))
		}
		for _, a := range alt {
			checkKey(t, "alt key", a, false)
			if len(a) >= len(key) || !strings.Contains(key, a) {
				t.Fatalf("Keys(%q, %q) alt %q is not part of %q", brand, raw, a, key)
			}
			if !slices.ContainsFunc(Probes(a), func(p Probe) bool { return p.Key == a && p.Alt }) {
				t.Fatalf("Keys(%q, %q) alt %q: Probes(%q) = %v has no secondary-key probe", brand, raw, a, a, Probes(a))
			}
		}
		seen := map[Probe]bool{}
		for _, p := range Probes(raw) {
			checkKey(t, "probe", p.Key, false)
			if p.Kind != MatchExact && p.Kind != MatchShort && p.Kind != MatchBase {
				t.Fatalf("Probes(%q) kind %q", raw, p.Kind)
			}
			q := Probe{Key: p.Key, Alt: p.Alt}
			if seen[q] {
				t.Fatalf("Probes(%q) = %v repeats %v", raw, Probes(raw), q)
			}
			seen[q] = true
		}
		for _, b := range []string{brand, BrandOf(brand), GuessBrand(key)} {
			if d := Display(b, raw); Normalize(d) != key {
				t.Fatalf("Display(%q, %q) = %q normalises to %q, want %q", b, raw, d, Normalize(d), key)
			}
			if d := Display(b, key); Normalize(d) != key {
				t.Fatalf("Display(%q, %q) = %q normalises to %q", b, key, d, Normalize(d))
			}
		}
		if g := GuessBrand(key); g != "" && BrandOf(g) != g {
			t.Fatalf("GuessBrand(%q) = %q is no brand code", key, g)
		}
		code := BrandOf(brand)
		if BrandOf(code) != code {
			t.Fatalf("BrandOf(%q) = %q, BrandOf of that = %q", brand, code, BrandOf(code))
		}
		for _, text := range []string{brand, raw, brand + " " + raw} {
			for _, m := range Mentions(text) {
				if BrandOf(m) != m {
					t.Fatalf("Mentions(%q) gave %q, not a brand code", text, m)
				}
			}
		}
		conf := Confusions(key, 12)
		if len(conf) > 12 {
			t.Fatalf("Confusions(%q, 12) gave %d", key, len(conf))
		}
		for i, c := range conf {
			checkKey(t, "confusion", c, false)
			if len(c) != len(key) || c == key || slices.Contains(conf[:i], c) {
				t.Fatalf("Confusions(%q) = %q", key, conf)
			}
			diff := 0
			for j := range c {
				if c[j] != key[j] {
					diff++
				}
			}
			if diff < 1 || diff > 2 {
				t.Fatalf("Confusions(%q): %q differs in %d positions", key, c, diff)
			}
		}
	})
}

// checkKey fails unless k is made of [A-Z0-9] (and not empty, unless
// allowed).
func checkKey(t *testing.T, what, k string, emptyOK bool) {
	t.Helper()
	if k == "" && !emptyOK {
		t.Fatalf("empty %s", what)
	}
	for i := 0; i < len(k); i++ {
		if !isUpperOrDigit(k[i]) {
			t.Fatalf("%s %q contains %q", what, k, k[i])
		}
	}
}
