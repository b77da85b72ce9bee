package pricefile

import "testing"

func TestSignature(t *testing.T) {
	base := Signature([]string{"Teile-Nr.", "Bezeichnung", "UPE", "Währung"})
	same := [][]string{
		{"Teile-Nr.", "Bezeichnung", "UPE", "Währung"},
		{"TEILE NR", " bezeichnung ", "upe", "Waehrung"},
		{"TeileNr", "Bezeichnung", "U.P.E.", "Wahrung", "", ""},
	}
	for _, h := range same {
		if got := Signature(h); got != base {
			t.Errorf("Signature(%q) = %s, want %s", h, got, base)
		}
	}
	different := [][]string{
		{"Teile-Nr.", "Bezeichnung", "UPE"},
		{"Bezeichnung", "Teile-Nr.", "UPE", "Währung"},
		{"Teile-Nr.", "Bezeichnung", "Netto", "Währung"},
		{"Teile-Nr.", "", "Bezeichnung", "UPE", "Währung"},
		{"Teile-Nr.", "Bezeichnung", "UPE", "Währung", "Pfand"},
	}
	for _, h := range different {
		if got := Signature(h); got == base {
			t.Errorf("Signature(%q) equals the base", h)
		}
	}
	if len(base) != 32 {
		t.Errorf("signature %q", base)
	}
}
