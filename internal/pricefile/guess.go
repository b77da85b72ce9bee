package pricefile

import (
	"strings"
)

// genericPrice marks a header that only says "price": it becomes the list
// price when the sheet has none, another price otherwise.
const genericPrice Field = "price?"

// Strength of a synonym: a specific name, a name that says the column is
// not wanted, or a word that is only a hint.
const (
	strong = iota
	ignoreTier
	weak
)

// synonyms are the header names of each field, in English and German,
// as price files write them. They are reduced with keyOf, so case,
// punctuation, accents and umlaut spellings do not matter.
var synonymText = []struct {
	field Field
	tier  int
	names []string
}{
	{PartNumber, strong, []string{
		"part number", "part no", "part nr", "part num", "partnumber", "part id", "part code", "pn", "p/n",
		"oe number", "oe no", "oe nr", "oe nummer", "oem number", "oem no", "oem nr", "oem part number",
		"original number", "originalnummer", "teilenummer", "teile nr", "teil nr", "teilnummer", "tnr", "t nr",
		"ersatzteilnummer", "ersatzteil nr", "et nr", "art nr", "art no", "artikelnummer", "artikel nr",
		"article number", "article no", "item number", "item no", "item nr", "sachnummer", "sach nr",
		"materialnummer", "material nr", "mat nr", "material number", "material no", "herstellernummer",
		"hersteller nr", "herst nr", "herstellerteilenummer", "hersteller artikelnummer", "hersteller teilenummer",
		"manufacturer part number", "mfr part number", "mfg part number", "mpn", "sku", "stock number",
		"stock code", "order number", "order no", "bestellnummer", "bestell nr", "best nr", "catalog number",
		"catalogue number", "cat no", "katalognummer", "referenz", "reference", "ref", "ref no",
		"referenznummer", "identnummer", "ident nr", "numero de piece", "reference piece", "codice articolo",
	}},
	{PartNumber, weak, []string{"part", "teil", "artikel", "article", "item", "nummer", "number", "nr", "no", "num",
		"code", "material", "oe", "oem"}},
	{Brand, strong, []string{"brand", "brand name", "brand code", "marke", "markenname", "make", "manufacturer",
		"mfr", "mfg", "hersteller", "herstellername", "hersteller name", "fabrikat", "fahrzeugmarke",
		"vehicle make", "marque", "marca", "oem brand", "herstellercode"}},
	{Description, strong, []string{"description", "desc", "descr", "bezeichnung", "benennung", "artikelbezeichnung",
		"teilebezeichnung", "beschreibung", "artikelbeschreibung", "artikeltext", "kurztext", "langtext",
		"materialkurztext", "materialbezeichnung", "part description", "part name", "item description",
		"product description", "product name", "artikelname", "teilename", "designation", "descrizione",
		"zusatzbezeichnung", "zusatztext"}},
	{Description, weak, []string{"name", "text", "bez", "produkt", "product", "titel", "title"}},
	{ListPrice, strong, []string{"list price", "listprice", "list", "listenpreis", "liste", "upe", "uvp",
		"bruttopreis", "brutto", "brutto preis", "preis brutto", "vk", "vk preis", "vk netto", "verkaufspreis",
		"endkundenpreis", "retail", "retail price", "rrp", "msrp", "srp", "empfohlener vk", "publikumspreis",
		"katalogpreis", "catalog price", "catalogue price", "prix public", "ladenpreis", "upe netto",
		"list price net", "listenpreis netto", "netto listenpreis", "preisliste"}},
	{NetPrice, strong, []string{"net", "net price", "netprice", "nett", "netto", "nettopreis", "netto preis",
		"preis netto", "hek", "hek preis", "ek", "ek preis", "ek netto", "einkaufspreis", "einkauf",
		"handlerpreis", "handler netto", "handlereinkaufspreis", "nettoeinkaufspreis", "dealer price",
		"dealer net", "dealer cost", "trade price", "trade", "cost", "cost price", "your price", "ihr preis"}},
	{OtherPrice, strong, []string{"sonderpreis", "aktionspreis", "promo price", "special price", "sale price",
		"angebotspreis", "staffelpreis", "export price", "exportpreis", "werkstattpreis", "garage price",
		"wholesale", "wholesale price", "grosshandelspreis"}},
	{genericPrice, weak, []string{"price", "preis", "prices", "preise", "betrag", "amount", "unit price",
		"einzelpreis", "stuckpreis", "eur", "euro", "usd", "chf", "gbp"}},
	{Currency, strong, []string{"currency", "curr", "cur", "ccy", "wahrung", "whg", "whrg", "wahrungscode",
		"currency code", "devise", "valuta", "iso currency", "monnaie"}},
	{CoreCharge, strong, []string{"core", "core charge", "core price", "core value", "core deposit", "core credit",
		"core surcharge", "deposit", "pfand", "pfandwert", "pfandbetrag", "altteilwert", "altteilpfand",
		"altteil pfand", "altteil", "at wert", "atw", "austauschpfand", "austauschteilwert", "altteilgutschrift",
		"exchange deposit", "consigne"}},
	{PackQty, strong, []string{"pack", "pack qty", "pack quantity", "pack size", "pack unit", "package qty",
		"package quantity", "packaging unit", "packing unit", "pkg qty", "units per pack", "qty per pack", "pu",
		"vpe", "ve", "verpackungseinheit", "verpackungsmenge", "packungseinheit", "packungsgrosse", "gebinde",
		"gebindegrosse", "inhalt", "menge je vpe", "menge pro vpe", "standard pack", "std pack", "spq",
		"box qty", "case qty"}},
	{MinOrder, strong, []string{"min order", "minimum order", "min order qty", "minimum order quantity", "moq",
		"min qty", "minimum quantity", "mindestmenge", "mindestbestellmenge", "mindestabnahme",
		"mindestabnahmemenge", "min bestellmenge", "min menge", "mbm"}},
	{PriceGroup, strong, []string{"rabattgruppe", "rabatt gruppe", "rabatt gr", "rabattgr", "rabattcode",
		"rabatt code", "rabattschlussel", "rabattklasse", "rabattkennzeichen", "rabatt kz", "rg",
		"discount group", "discount code", "discount class", "disc group", "disc grp", "disc code",
		"price group", "price code", "pricing group", "preisgruppe", "preis gruppe", "preiscode",
		"preiskennzeichen", "preisklasse", "pg", "teilerabattgruppe"}},
	{PriceUnit, strong, []string{"preiseinheit", "pe", "price unit", "price per qty", "preismenge"}},
	{Returnable, strong, []string{"returnable", "return", "returns", "returnability", "return code",
		"return allowed", "ruckgabe", "ruckgabefahig", "ruckgabe moglich", "ruckgaberecht", "rucknahme",
		"rucknahmefahig", "rucksendung", "retoure", "retourenfahig", "retournierbar"}},
	{Weight, strong, []string{"weight", "wt", "gewicht", "gew", "nettogewicht", "bruttogewicht", "net weight",
		"gross weight", "weight kg", "gewicht kg", "kg"}},
	{SupersededBy, strong, []string{"superseded by", "superseded", "supersession", "replaced by", "replacement",
		"replacement part", "replacement number", "new part number", "new part no", "new number", "new no",
		"new pn", "successor", "use instead", "ersetzt durch", "ersatz", "ersatz nr", "ersatznummer",
		"nachfolger", "nachfolgenummer", "nachfolgernummer", "nachfolgeteil", "nachfolgeartikel",
		"neue nummer", "neue teilenummer", "neue nr", "neue artikelnummer", "neue tnr", "neu", "ersatzartikel",
		"austausch durch", "ersetzt von"}},
	{Supersedes, strong, []string{"supersedes", "replaces", "replacement for", "old number", "old part number",
		"old no", "old pn", "previous number", "former number", "predecessor", "superseded part number",
		"superseded number", "superseded part", "ersetzt", "ersatz fur", "vorganger", "vorgangernummer",
		"vorgangerteil", "alte nummer", "alte teilenummer", "alte nr", "alte artikelnummer", "alt nr", "alt",
		"fruhere nummer", "bisherige nummer", "ersetzte nummer", "ersetzt nummer"}},
	{QtyRatio, strong, []string{"qty ratio", "quantity ratio", "ratio", "factor", "faktor", "ersatzmenge",
		"ersatz menge", "ersatzfaktor", "mengenverhaltnis", "menge neu", "qty new", "replacement qty",
		"replacement quantity", "anzahl neu", "umrechnungsfaktor"}},
	{Interchange, strong, []string{"interchange", "interchangeable", "interchangeability", "interchange code",
		"austauschbar", "austauschbarkeit", "tauschbar", "one way two way"}},
	{SupersessionDate, strong, []string{"supersession date", "superseded date", "date superseded", "superseded on",
		"replacement date", "ersetzt am", "ersetzt seit", "ersetzungsdatum", "ersatzdatum", "umstellungsdatum",
		"umstelldatum", "datum ersatz"}},
	{Ignore, ignoreTier, []string{"ean", "ean code", "ean nummer", "gtin", "upc", "barcode", "strichcode", "pos",
		"position", "lfd nr", "lfd", "laufende nummer", "zeile", "row", "line", "line no", "stock", "bestand",
		"lagerbestand", "lager", "lagerort", "location", "bin", "on hand", "available", "verfugbar",
		"verfugbarkeit", "availability", "mwst", "mwst satz", "vat", "vat rate", "ust", "steuer", "tax",
		"rabatt", "discount", "nachlass", "marge", "margin", "menge", "qty", "quantity", "anzahl",
		"zolltarif", "zolltarifnummer", "hs code", "customs tariff", "tariff code", "intrastat",
		"warengruppe", "produktgruppe", "product group", "category", "kategorie", "hauptgruppe",
		"untergruppe", "lieferant", "supplier", "vendor", "datum", "date", "gultig ab", "valid from",
		"gultig bis", "valid to", "bild", "image", "url", "link", "bemerkung", "remarks", "notes", "notiz",
		"hinweis", "comment", "kommentar", "fahrzeug", "vehicle", "modell", "model", "baujahr", "year",
		"einheit", "unit", "me", "mengeneinheit", "uom", "lange", "breite", "hohe", "volumen", "volume",
		"land", "country", "ursprungsland", "origin", "country of origin", "status"}},
}

// synonym is one reduced header name of a field.
type synonym struct {
	field Field
	tier  int
	key   nameKey
}

var synonyms = func() []synonym {
	var out []synonym
	for _, g := range synonymText {
		for _, n := range g.names {
			out = append(out, synonym{g.field, g.tier, keyOf(n)})
		}
	}
	return out
}()

// Modifiers that turn a part-number header into the new or the old number
// ("Teilenummer neu", "Alte Artikelnummer").
var (
	newWords = map[string]bool{"neu": true, "neur": true, "neus": true, "new": true, "nachfolger": true,
		"nachfolge": true, "replacement": true, "successor": true, "ersatz": true, "current": true, "aktuell": true}
	oldWords = map[string]bool{"alt": true, "alte": true, "alter": true, "altes": true, "old": true,
		"vorganger": true, "previous": true, "former": true, "fruher": true, "fruhere": true,
		"bisherige": true, "bisher": true, "ehemalige": true, "superseded": true}
)

// score says how well key matches syn, 0 when not at all: the whole
// header, then a run of its words, then the end of a compound word
// ("Werkstattpreis" ends in "preis"), each a tier lower for names that
// only hint. Names of up to 3 letters ("VK", "UPE", "VE") only match the
// whole header or its first word, so "Preis je VE" is not a pack size.
// suffix reports the last kind of match.
func score(key nameKey, syn synonym) (s int, suffix bool) {
	c := syn.key.compact
	switch {
	case c == "":
		return 0, false
	case key.compact == c:
		s = 3000
	case len(c) <= 3:
		if len(key.tokens) == 0 || key.tokens[0] != c || len(syn.key.tokens) != 1 {
			return 0, false
		}
		s = 2000
	case hasSeq(key.tokens, syn.key.tokens):
		s = 2000
	case len(syn.key.tokens) == 1 && len(c) >= 4 && hasSuffix(key.tokens, c):
		s, suffix = 1000, true
	default:
		return 0, false
	}
	return s - 250*syn.tier + len(c), suffix
}

func hasSuffix(tokens []string, suffix string) bool {
	for _, t := range tokens {
		if len(t) > len(suffix) && strings.HasSuffix(t, suffix) {
			return true
		}
	}
	return false
}

// guessField returns the field a header names and how sure that is
// (0: no idea).
func guessField(header string) (Field, int) {
	key := keyOf(header)
	best, bestScore, bestSuffix := Field(""), 0, false
	for _, syn := range synonyms {
		if s, suffix := score(key, syn); s > bestScore {
			best, bestScore, bestSuffix = syn.field, s, suffix
		}
	}
	switch {
	case best == "" && headerCurrency(header) != "":
		return genericPrice, 1 // "€", "in EUR"
	case best == PartNumber:
		for _, t := range key.tokens {
			switch {
			case newWords[t]:
				return SupersededBy, bestScore
			case oldWords[t]:
				return Supersedes, bestScore
			}
		}
	case best == genericPrice && bestSuffix:
		// A compound such as "Werkstattpreis" is a price, but which one
		// only its name says.
		return OtherPrice, bestScore
	}
	return best, bestScore
}

// Guess maps headers to fields by their names, in English and German:
// "Teilenummer", "Teile-Nr.", "Art.-Nr.", "Part No." for the part number,
// "UPE", "Listenpreis", "VK" for the list price, "Netto", "HEK" for the
// net price, "Pfand", "Altteilwert" for the core charge, "VPE" for the
// pack, "Ersetzt durch", "Nachfolger", "Neue Nummer" for the new number
// and many more; case, punctuation, accents and umlaut spellings ("ae",
// "oe", "ue") do not matter.
//
// The mapping has a Column for every header, Ignore when nothing fits.
// When several columns name the same single field, the best named (then
// the leftmost) keeps it and the others become OtherPrice (for prices) or
// Ignore. A header that only says "Preis" or "Price" is the list price
// when no column names one, another price otherwise. DefaultBrand and
// Currency are left empty: the data decides the currency (see [Read]).
func Guess(headers []string) Mapping {
	type pick struct {
		field Field
		score int
	}
	picks := make([]pick, len(headers))
	for i, h := range headers {
		f, s := guessField(h)
		if f == "" {
			f = Ignore
		}
		picks[i] = pick{f, s}
	}
	// One column per single field: the best scored, then the leftmost.
	for _, fi := range fieldInfos {
		if fi.Multiple {
			continue
		}
		win := -1
		for i, p := range picks {
			// Compare how a header matched, not the length of the name it
			// matched: "UPE" and "Listenpreis" are equally sure.
			if p.field == fi.Field && (win < 0 || p.score/100 > picks[win].score/100) {
				win = i
			}
		}
		for i, p := range picks {
			if i == win || p.field != fi.Field {
				continue
			}
			if fi.Field == ListPrice || fi.Field == NetPrice {
				picks[i].field = OtherPrice
			} else {
				picks[i].field = Ignore
			}
		}
	}
	hasList := false
	for _, p := range picks {
		hasList = hasList || p.field == ListPrice
	}
	m := Mapping{Columns: make([]Column, len(headers))}
	for i, h := range headers {
		f := picks[i].field
		if f == genericPrice {
			if hasList {
				f = OtherPrice
			} else {
				f, hasList = ListPrice, true
			}
		}
		m.Columns[i] = Column{Index: i, Header: h, Field: f}
	}
	return m
}
