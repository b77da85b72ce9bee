package partno

import (
	"slices"
	"testing"
)

func TestConfusions(t *testing.T) {
	tests := []struct {
		key  string
		max  int
		want []string
	}{
		// Mercedes typed with a letter O at the end.
		{"A000420472O", 3, []string{"A0004204720", "AO004204720", "AO00420472O"}},
		// VW with O for 0 in the type code, and B for 8.
		{"1KO698151A", 2, []string{"1K0698151A", "IKO698151A"}},
		{"1K069B151A", 1, []string{"1K0698151A"}},
		// BMW with I and l for 1 (Normalize upper-cases the l): both
		// changed beats one letter left among digits.
		{"34II6794300", 3, []string{"34116794300", "341I6794300", "34I16794300"}},
		{"34l16794300", 1, []string{"34116794300"}},
		// Toyota with O for 0, I for 1 and S for 5.
		{"O4I52YZZA6", 3, []string{"04152YZZA6", "O4152YZZA6", "04I52YZZA6"}},
		{"O4IS2YZZA6", 1, []string{"O4152YZZA6"}}, // three changes are too many: the best two
		// Bosch with O for 0.
		{"O986494104", 1, []string{"0986494104"}},
		// One change before two when nothing else decides.
		{"0O", 10, []string{"00", "OO", "O0"}},
		// Limits.
		{"1K0698151A", 0, nil},
		{"1K0698151A", -1, nil},
		{"XYW", 5, nil},
		{"", 5, nil},
		{"0123456789012345678901234", 5, nil}, // longer than a part number
		// Not normalised yet.
		{"a 000 420 47 2o", 1, []string{"A0004204720"}},
	}
	for _, tt := range tests {
		if got := Confusions(tt.key, tt.max); !slices.Equal(got, tt.want) {
			t.Errorf("Confusions(%q, %d) = %q, want %q", tt.key, tt.max, got, tt.want)
		}
	}
}

func TestConfusionsAll(t *testing.T) {
	// 3 changeable positions: 3 variants with one change and 3 with two, all
	// distinct, in the same order on every call.
	want := []string{"A058", "AOS8", "AO58", "A0SB", "A05B", "AOSB"}
	for range 10 {
		if got := Confusions("A0S8", 100); !slices.Equal(got, want) {
			t.Fatalf("Confusions(A0S8) = %q, want %q", got, want)
		}
	}
	// The longest key: every single and double change, each once.
	key := "012345678901234567890123"
	got := Confusions(key, 1000)
	n := 0
	for i := range key {
		if confusable[key[i]] != 0 {
			n++
		}
	}
	if len(got) != n+n*(n-1)/2 {
		t.Fatalf("Confusions(%q) gave %d, want %d", key, len(got), n+n*(n-1)/2)
	}
}

func BenchmarkConfusions(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = Confusions("A000420472O", 10)
	}
}
