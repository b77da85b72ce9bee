package pricefile

import "testing"

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in     string
		conv   byte
		want   float64
		proved byte
		ok     bool
	}{
		{"89,50", 0, 89.5, ',', true},
		{"89.50", 0, 89.5, '.', true},
		{"1.234,56", 0, 1234.56, ',', true},
		{"1,234.56", 0, 1234.56, '.', true},
		{"1.234.567,89", 0, 1234567.89, ',', true},
		{"1,234,567.89", 0, 1234567.89, '.', true},
		{"1.234.567", 0, 1234567, 0, true},
		{"1 234,56", 0, 1234.56, ',', true},
		{"1\u00a0234,56", 0, 1234.56, ',', true},
		{"1\u202f234,56", 0, 1234.56, ',', true},
		{"1'234.50", 0, 1234.5, '.', true},
		{"1’234.50", 0, 1234.5, '.', true},
		{"12", 0, 12, 0, true},
		{"  12  ", 0, 12, 0, true},
		{"0,125", 0, 0.125, ',', true},
		{"1234,567", 0, 1234.567, ',', true},
		{",50", 0, 0.5, ',', true},
		{"12,", 0, 12, 0, true},
		// A lone separator before three digits: the sheet decides.
		{"1,234", 0, 1234, 0, true},
		{"1.234", 0, 1234, 0, true},
		{"1,234", ',', 1.234, 0, true},
		{"1.234", '.', 1.234, 0, true},
		{"1.234", ',', 1234, 0, true},
		{"1,234", '.', 1234, 0, true},
		// Signs.
		{"-5,00", 0, -5, ',', true},
		{"−5,00", 0, -5, ',', true},
		{"+5", 0, 5, 0, true},
		{"5,00-", 0, -5, ',', true},
		{"(5.00)", 0, -5, '.', true},
		// Exponents as spreadsheets export them.
		{"1.5E+3", 0, 1500, 0, true},
		{"1,5E3", 0, 1500, 0, true},
		{"1E1000", 0, 0, 0, false},
		// Long numbers are read (and rejected as absurd by the caller).
		{"12345678901234567890123", 0, 1.2345678901234568e22, 0, true},
		// Not numbers.
		{"", 0, 0, 0, false},
		{"-", 0, 0, 0, false},
		{"1.23.45", 0, 0, 0, false},
		{"12 30", 0, 0, 0, false},
		{"1,2,3", 0, 0, 0, false},
		{"1.234.56,7", 0, 0, 0, false},
		{"12,50.3", 0, 0, 0, false},
		{"1,23,456", 0, 0, 0, false},
		{"abc", 0, 0, 0, false},
		{"12a", 0, 0, 0, false},
		{"1.2.3.4.5.6.7.8.9.0", 0, 0, 0, false},
	}
	for _, tt := range tests {
		v, proved, ok := parseNumber(tt.in, tt.conv)
		if ok != tt.ok || ok && (!near(v, tt.want) || proved != tt.proved) {
			t.Errorf("parseNumber(%q, %q) = %v, %q, %v; want %v, %q, %v", tt.in, tt.conv, v, proved, ok, tt.want, tt.proved, tt.ok)
		}
	}
}

func TestDecimalVotes(t *testing.T) {
	var d decimalVotes
	if d.conv() != 0 {
		t.Fatal("empty votes")
	}
	d.add(',')
	d.add(0)
	d.add(',')
	d.add('.')
	if d.conv() != ',' {
		t.Errorf("conv %q", d.conv())
	}
	d.add('.')
	d.add('.')
	if d.conv() != '.' {
		t.Errorf("conv %q", d.conv())
	}
}

func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"1.234,56", "(5.00)", "1'234", "1,5E3", "−5", "12,", "0,125", "1E1000", "1e-5000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, conv := range []byte{0, '.', ','} {
			v, proved, ok := parseNumber(s, conv)
			if !ok && (v != 0 || proved != 0) {
				t.Fatalf("%q: not ok but %v %q", s, v, proved)
			}
			if proved != 0 && proved != '.' && proved != ',' {
				t.Fatalf("%q: proved %q", s, proved)
			}
		}
	})
}
