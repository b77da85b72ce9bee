package partno

import (
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", ""},
		{"12345-ABC 01", "12345ABC01"},
		{"12345abc01", "12345ABC01"},
		{"12345.ABC.01", "12345ABC01"},
		{"8E0-615-301-AG", "8E0615301AG"},
		{"8E0 615 301 AG", "8E0615301AG"},
		{"A 000 420 47 20", "A0004204720"},
		{"1K0/615/301/AA", "1K0615301AA"},
		{"11 42 7 953 129", "11427953129"},
		{"04152-YZZA6", "04152YZZA6"},
		{"XS4Z-9G756-AA", "XS4Z9G756AA"},
		{"1k0_615_301\tAA", "1K0615301AA"},
		{"8E0\u00a0615\u00a0301\u00a0AG", "8E0615301AG"}, // no-break spaces
		{"8E0\u2013615\u2013301\u2014AG", "8E0615301AG"}, // en and em dashes
		{"8E0\u202f615\u2009301", "8E0615301"},           // narrow no-break and thin spaces
		{"１Ｋ０ ６１５ ３０１ ａａ", "1K0615301AA"},                // fullwidth forms
		{"Ölfilter Nr. 123", "LFILTERNR123"},             // non-ASCII letters are dropped
		{"ALREADY123", "ALREADY123"},
		{"#(12345)!", "12345"},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNormalizeNoAllocWhenNormalised(t *testing.T) {
	s := "8E0615301AG"
	if n := testing.AllocsPerRun(100, func() { _ = Normalize(s) }); n != 0 {
		t.Fatalf("Normalize of a normalised string allocated %v times", n)
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{
		"12345-ABC 01", "A 000 420 47 20", "8E0\u00a0615", "１Ｋ０", "Ölfilter", "\xff\xfe", "ß", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		for i := 0; i < len(n); i++ {
			if !isUpperOrDigit(n[i]) {
				t.Fatalf("Normalize(%q) = %q contains %q", s, n, n[i])
			}
		}
		if nn := Normalize(n); nn != n {
			t.Fatalf("not idempotent: Normalize(%q) = %q, Normalize(that) = %q", s, n, nn)
		}
		// The helpers must agree with Normalize and never panic.
		_ = LooksLikePartNumber(s)
		for _, c := range Candidates(s) {
			if Normalize(c) != c || c == "" {
				t.Fatalf("Candidates(%q) returned non-normalised %q", s, c)
			}
		}
	})
}
