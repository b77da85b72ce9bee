package pricefile

import (
	"testing"
)

func TestGuessHeaderNames(t *testing.T) {
	want := map[Field][]string{
		PartNumber: {"Part Number", "Part No.", "part no", "PART-NO", "Part #", "P/N", "Teilenummer", "Teile-Nr.", "TeileNr",
			"Art.-Nr.", "ArtNr", "Artikelnummer", "Artikel-Nr.", "Sachnummer", "Materialnummer", "Material", "OE-Nummer",
			"Ersatzteilnummer", "Herstellernummer", "Bestellnummer", "SKU", "Item no", "Nummer", "Teilenummer / Part number"},
		Description: {"Description", "Bezeichnung", "Benennung", "Artikelbezeichnung", "Beschreibung", "Kurztext", "Bezeichnung 2",
			"Part name", "Bez."},
		ListPrice: {"List price", "Listprice", "UPE", "UPE €", "UPE inkl. MwSt.", "Listenpreis", "Bruttopreis", "VK", "VK-Preis",
			"Verkaufspreis", "Retail price", "RRP", "UVP", "VK netto", "Listenpreis netto"},
		NetPrice: {"Net", "Net price", "Netto", "Nettopreis", "Preis netto", "HEK", "EK", "EK-Preis", "Einkaufspreis",
			"Händlerpreis", "Haendlerpreis", "Dealer price", "Cost"},
		OtherPrice: {"Werkstattpreis", "Aktionspreis", "Sonderpreis"},
		CoreCharge: {"Core", "Core charge", "Core value", "Deposit", "Pfand", "Altteilwert", "Altteilpfand", "Altteil-Pfand", "AT-Wert"},
		PackQty:    {"Pack", "Pack qty", "Pack size", "VPE", "VE", "Verpackungseinheit", "Menge je VPE", "Packing unit", "Gebinde"},
		MinOrder:   {"Min order", "Min. order qty", "Minimum order quantity", "MOQ", "Mindestmenge", "Mindestbestellmenge"},
		PriceGroup: {"Rabattgruppe", "Rabatt-Gr.", "Rabattcode", "Discount group", "Disc. grp", "Price code", "Price group",
			"Preisgruppe", "RG", "PG"},
		PriceUnit:  {"Preiseinheit", "PE", "Price unit"},
		Returnable: {"Returnable", "Rückgabe", "Rueckgabe", "Ruckgabe", "Rücknahme", "Rückgabefähig", "Retoure"},
		Weight:     {"Gewicht", "Weight", "Gewicht (kg)", "Weight [g]", "Nettogewicht", "Gew.", "kg"},
		SupersededBy: {"Superseded by", "Ersetzt durch", "Nachfolger", "Neue Nummer", "Neue Teilenummer", "Replaced by",
			"New part number", "Teilenummer neu", "Part number (new)", "Ersatz", "Ersatz-Nr.", "Replacement", "Successor"},
		Supersedes: {"Supersedes", "Ersetzt", "Vorgänger", "Vorgaenger", "Alte Nummer", "Alte Teilenummer", "Teilenummer alt",
			"Old part number", "Replaces", "Ersatz für", "Superseded part number"},
		QtyRatio:         {"Qty ratio", "Faktor", "Ersatzmenge", "Menge neu"},
		Interchange:      {"Interchangeability", "Austauschbarkeit", "Interchange"},
		SupersessionDate: {"Supersession date", "Ersetzt am", "Ersetzungsdatum"},
		Brand:            {"Brand", "Marke", "Hersteller", "Make", "Manufacturer", "Fabrikat", "Herstellername"},
		Currency:         {"Currency", "Währung", "Waehrung", "Wahrung", "Curr.", "WHG"},
		Ignore: {"EAN", "EAN-Nummer", "GTIN", "Pos.", "Lfd. Nr.", "Bestand", "Lagerbestand", "MwSt", "Rabatt", "Rabatt %",
			"Warengruppe", "Zolltarifnummer", "Menge", "Bemerkung", "Lieferant", "Mengeneinheit", "Nonsense Column"},
	}
	for field, headers := range want {
		for _, h := range headers {
			m := Guess([]string{h})
			if got := m.Columns[0].Field; got != field {
				// A lone generic price becomes the list price.
				t.Errorf("Guess(%q) = %s, want %s", h, got, field)
			}
		}
	}
	for _, h := range []string{"Preis", "Price", "Preis (EUR)", "Einzelpreis", "€", "Betrag", "Preis je VE"} {
		if got := Guess([]string{h}).Columns[0].Field; got != ListPrice {
			t.Errorf("Guess(%q) = %s, want the list price", h, got)
		}
	}
}

func TestGuessSheet(t *testing.T) {
	tests := []struct {
		headers []string
		want    []Field
	}{
		{[]string{"Teilenummer", "Bezeichnung", "Preis", "Nettopreis"}, []Field{PartNumber, Description, ListPrice, NetPrice}},
		{[]string{"Art.-Nr.", "Preis", "UPE"}, []Field{PartNumber, OtherPrice, ListPrice}},
		{[]string{"Preis EUR", "Teilenummer", "Preis CHF"}, []Field{ListPrice, PartNumber, OtherPrice}},
		{[]string{"Teilenummer", "Artikelnummer", "OE-Nummer"}, []Field{PartNumber, Ignore, Ignore}},
		{[]string{"Nummer", "Teilenummer"}, []Field{Ignore, PartNumber}}, // the better name wins
		{[]string{"UPE", "Listenpreis"}, []Field{ListPrice, OtherPrice}},
		{[]string{"Bezeichnung", "Zusatztext"}, []Field{Description, Description}},
		{[]string{"Teile-Nr.", "", "Netto", "Column D"}, []Field{PartNumber, Ignore, NetPrice, Ignore}},
		{[]string{"Pos", "Teilenummer", "Bezeichnung", "Menge", "Preis", "Rabatt", "Gesamt"}, []Field{Ignore, PartNumber, Description, Ignore, ListPrice, Ignore, Ignore}},
	}
	for _, tt := range tests {
		m := Guess(tt.headers)
		for i, c := range m.Columns {
			if c.Index != i || c.Header != tt.headers[i] || c.Field != tt.want[i] {
				t.Errorf("Guess(%q) column %d = %+v, want %s", tt.headers, i, c, tt.want[i])
			}
		}
		if m.Currency != "" || m.DefaultBrand != "" {
			t.Errorf("Guess(%q) = %+v", tt.headers, m)
		}
		if m.has(PartNumber) {
			if err := m.Validate(tt.headers); err != nil {
				t.Errorf("Guess(%q) does not validate: %v", tt.headers, err)
			}
		}
	}
}

func FuzzGuess(f *testing.F) {
	f.Add("Teilenummer", "UPE", "Preis")
	f.Add("Ersatz für", "", "€")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		headers := []string{a, b, c}
		m := Guess(headers)
		if len(m.Columns) != 3 {
			t.Fatalf("%d columns", len(m.Columns))
		}
		if m.has(PartNumber) {
			if err := m.Validate(headers); err != nil {
				t.Fatalf("Guess(%q) invalid: %v", headers, err)
			}
		}
	})
}
