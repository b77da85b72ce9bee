package pricefile

import (
	"strings"
	"testing"

	"counterpart/internal/partno"
)

func TestParseCount(t *testing.T) {
	tests := []struct {
		in   string
		want int
		err  string
	}{
		{"10", 10, ""}, {"VPE 10", 10, ""}, {"10 St.", 10, ""}, {"10 Stk", 10, ""}, {"10 pcs", 10, ""}, {"10er", 10, ""},
		{"St. 10", 10, ""}, {"10,00", 10, ""}, {"1.000", 1000, ""}, {"", 0, ""}, {"-", 0, ""}, {"0", 0, ""}, {"2 Paar", 2, ""},
		{"2,5", 0, "is not a whole number"}, {"-1", 0, "is negative"}, {"2000000", 0, "is more than 1,000,000"},
		{"zehn", 0, "is not a quantity"}, {"=A1", 0, "is a formula"}, {"10/20", 0, "is not a quantity"},
	}
	for _, tt := range tests {
		got, err := parseCount(tt.in, 0)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("parseCount(%q): err %v, want %q", tt.in, err, tt.err)
			}
		} else if err != nil || got != tt.want {
			t.Errorf("parseCount(%q) = %d, %v", tt.in, got, err)
		}
	}
}

func TestParseReturnable(t *testing.T) {
	for _, in := range []string{"ja", "Ja", "J", "yes", "Y", "1", "x", "X", "true", "rückgabefähig", "Returnable"} {
		if got, err := parseReturnable(in); err != nil || got == nil || !*got {
			t.Errorf("parseReturnable(%q) = %v, %v", in, got, err)
		}
	}
	for _, in := range []string{"nein", "N", "no", "0", "FALSE", "nicht rückgabefähig", "non-returnable"} {
		if got, err := parseReturnable(in); err != nil || got == nil || *got {
			t.Errorf("parseReturnable(%q) = %v, %v", in, got, err)
		}
	}
	for _, in := range []string{"", " ", "-"} {
		if got, err := parseReturnable(in); err != nil || got != nil {
			t.Errorf("parseReturnable(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := parseReturnable("vielleicht"); err == nil || !strings.Contains(err.Error(), "neither yes nor no") {
		t.Errorf("err %v", err)
	}
}

func TestParseWeight(t *testing.T) {
	tests := []struct {
		in     string
		unit   float64
		want   float64 // -1: nil
		errMsg string
	}{
		{"1,2 kg", 1, 1.2, ""}, {"1.2kg", 1, 1.2, ""}, {"850 g", 1, 0.85, ""}, {"850", 0.001, 0.85, ""}, {"2,5", 1, 2.5, ""},
		{"2 lbs", 1, 0.907185, ""}, {"0,125 kg", 1, 0.125, ""}, {"", 1, -1, ""}, {"0", 1, -1, ""},
		{"-1 kg", 1, 0, "is negative"}, {"ca. 1 kg", 1, 0, "is not a weight"}, {"1 Sack", 1, 0, "is not a weight"},
		{"200 t", 1, 0, "more than 100 t"}, {"=C2/1000", 1, 0, "is a formula"},
	}
	for _, tt := range tests {
		got, err := parseWeight(tt.in, tt.unit, 0)
		switch {
		case tt.errMsg != "":
			if err == nil || !strings.Contains(err.Error(), tt.errMsg) {
				t.Errorf("parseWeight(%q): err %v", tt.in, err)
			}
		case err != nil:
			t.Errorf("parseWeight(%q): %v", tt.in, err)
		case tt.want < 0 && got != nil, tt.want >= 0 && (got == nil || !near(*got, tt.want)):
			t.Errorf("parseWeight(%q) = %v", tt.in, got)
		}
	}
	for h, want := range map[string]float64{"Gewicht (g)": 0.001, "Weight [lbs]": 0.45359237, "Gewicht kg": 1, "Gewicht": 1} {
		if got := headerWeightUnit(h); got != want {
			t.Errorf("headerWeightUnit(%q) = %v", h, got)
		}
	}
}

func TestParseRatioAndInterchange(t *testing.T) {
	for in, want := range map[string]float64{"2": 2, "2x": 2, "x2": 2, "1:2": 2, "2:1": 0.5, "0,5": 0.5, "": 0} {
		if got, err := parseRatio(in, 0); err != nil || got != want {
			t.Errorf("parseRatio(%q) = %v, %v", in, got, err)
		}
	}
	for _, in := range []string{"-2", "zwei", "0:2", "5000"} {
		if _, err := parseRatio(in, 0); err == nil {
			t.Errorf("parseRatio(%q) accepted", in)
		}
	}
	for in, want := range map[string]string{"one way": OneWay, "One-Way": OneWay, "einseitig": OneWay, "→": OneWay,
		"two way": TwoWay, "beidseitig": TwoWay, "Ja": TwoWay, "↔": TwoWay, "nein": "", "": ""} {
		if got, err := parseInterchange(in); err != nil || got != want {
			t.Errorf("parseInterchange(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := parseInterchange("teilweise"); err == nil {
		t.Error("parseInterchange accepted teilweise")
	}
}

func TestParseDate(t *testing.T) {
	for in, want := range map[string]string{"2025-03-15": "2025-03-15", "15.03.2025": "2025-03-15", "15.3.25": "2025-03-15",
		"15/03/2025": "2025-03-15", "03/15/2025": "2025-03-15", "05/03/2025": "2025-03-05", "20250315": "2025-03-15",
		"2025-03-15 00:00:00": "2025-03-15", "2025-03-15T10:00:00Z": "2025-03-15", "45731": "2025-03-15", "": "", "2025/3/1": "2025-03-01"} {
		if got, err := parseDate(in); err != nil || got != want {
			t.Errorf("parseDate(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"31.02.2025", "2025", "gestern", "15.03", "1.1.1800", "13/13/2025"} {
		if got, err := parseDate(in); err == nil {
			t.Errorf("parseDate(%q) = %q", in, got)
		}
	}
}

func TestCheckPartNumber(t *testing.T) {
	for _, ok := range []string{"1K0 698 151 A", "34116794300", "A 000 420 47 20", "04152-YZZA6", "０９８６", strings.Repeat("1", 40)} {
		if err := checkPartNumber(ok); err != nil {
			t.Errorf("checkPartNumber(%q): %v", ok, err)
		}
	}
	for in, want := range map[string]string{
		strings.Repeat("1K0698151A", 20): "is 200 characters long, more than 40",
		strings.Repeat("1", 41):          "is 41 characters long",
		"3,41168E+10":                    "scientific notation",
		"1.2345e11":                      "scientific notation",
		"Summe":                          "has no digit",
	} {
		if err := checkPartNumber(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("checkPartNumber(%q) = %v, want %q", in, err, want)
		}
	}
	// The message quotes the cell shortened.
	if err := checkPartNumber(strings.Repeat("1K0698151A", 20)); len(err.Error()) > 200 {
		t.Errorf("long message %q", err)
	}
}

func TestNormalizedLenMatchesPartno(t *testing.T) {
	for _, s := range []string{"", "1K0 698 151 A", "a-b.c/d_e", "１２３ＡＢＣｘ", "Ölfilter 12", "A 000 420 47 20", "€€ 12 ß", "\xff12"} {
		n, digit := normalizedLen(s)
		norm := partno.Normalize(s)
		if n != len(norm) || digit != strings.ContainsAny(norm, "0123456789") {
			t.Errorf("normalizedLen(%q) = %d %v; Normalize gives %q", s, n, digit, norm)
		}
	}
}

func TestCleanText(t *testing.T) {
	for in, want := range map[string]string{"  Ölfilter ": "Ölfilter", "Brems-\nscheibe\tvorne": "Brems- scheibe vorne",
		"a  b": "a b", "\u00a0x\u00a0": "x"} {
		if got := cleanText(in); got != want {
			t.Errorf("cleanText(%q) = %q", in, got)
		}
	}
}
