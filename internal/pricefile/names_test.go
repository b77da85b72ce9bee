package pricefile

import "testing"

func TestKeyOf(t *testing.T) {
	for in, want := range map[string]string{"Teile-Nr.": "teilenr", "Teile Nr": "teilenr", "TeileNr": "teilenr", "Währung": "wahrung",
		"Waehrung": "wahrung", "Größe": "grosse", "Bezeichnung1": "bezeichnung1", "Désignation": "designation", "  ": ""} {
		if got := keyOf(in).compact; got != want {
			t.Errorf("keyOf(%q) = %q, want %q", in, got, want)
		}
	}
	if got := keyOf("Bezeichnung2 (lang)").tokens; len(got) != 3 || got[1] != "2" {
		t.Errorf("tokens %q", got)
	}
}

func TestColumnName(t *testing.T) {
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 701: "ZZ", 702: "AAA"} {
		if got := columnName(i); got != want {
			t.Errorf("columnName(%d) = %q, want %q", i, got, want)
		}
	}
}
