package parts_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"

	"counterpart/hooks/apptest"
	"counterpart/hooks/parts"
	"counterpart/internal/blob/blobtest"
	"counterpart/internal/config"
)

func mustJSON(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%v in %s", err, b)
	}
}

func counts(t testing.TB, rec interface{ UnmarshalJSONField(string, any) error }) parts.Counts {
	t.Helper()
	var c parts.Counts
	if err := rec.UnmarshalJSONField("counts", &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestLookupPriceFile imports a German Windows-1252 price list through the
// upload flow and asks for its parts the way counter staff type them.
func TestLookupPriceFile(t *testing.T) {
	e := newEnv(t)
	doc, imp := e.upload(t, e.token, "preisliste.csv", "price_list", win1252(t, germanPriceFile))
	if imp.GetString("status") != parts.ImportDone {
		t.Fatalf("import %s: %s", imp.GetString("status"), imp.GetString("message"))
	}
	if c := counts(t, imp); c.Rows != 11 || c.PartsAdded != 11 || c.Errors != 0 || c.SupersessionsAdded != 4 {
		t.Errorf("counts %+v", c)
	}
	member := apptest.Token(t, e.app, "member@smith.example")

	cases := []struct {
		q, number, brand, desc, listPrice string
	}{
		{"1K0 698 151 A", "1K0 698 151 A", "VW", "Bremsbelagsatz vorn", "89.5"},
		{"what does 1k0698151a cost?", "1K0 698 151 A", "VW", "Bremsbelagsatz vorn", "89.5"},
		{"1K0-698-151-A", "1K0 698 151 A", "VW", "", "89.5"},
		{"A 000 420 47 20", "", "MERCEDES", "Bremsbeläge hinten", "145"},
		{"0004204720", "", "MERCEDES", "Bremsbeläge hinten", "145"},
		{"Preis für 7501677 vom BMW?", "", "BMW", "Lichtmaschine AT", "480"},
		{"04152-yzza6", "", "TOYOTA", "Ölfilter", "12.4"},
		{"0 986 494 104", "", "BOSCH", "Bremsbelagsatz", "54.9"},
		{"n91014302", "", "VW", "Schraube Öl-Ablass", "2.35"},
	}
	for _, c := range cases {
		res := e.lookup(t, member, c.q)
		if len(res.Matches) != 1 {
			t.Errorf("%q: %d matches %+v, not found %v", c.q, len(res.Matches), res.Matches, res.NotFound)
			continue
		}
		m := res.Matches[0]
		if (c.number != "" && m.PartNumber != c.number) || m.Brand != c.brand || (c.desc != "" && m.Description != c.desc) ||
			fmt.Sprint(m.Prices["list"].Amount) != c.listPrice || m.Prices["list"].Currency != "EUR" {
			t.Errorf("%q: got %s %s %q list %v", c.q, m.PartNumber, m.Brand, m.Description, m.Prices["list"])
		}
		if m.Source.Document != doc || m.Source.Row < 3 || m.Source.Title == "" || m.Source.URL != "/api/documents/"+doc+"/download" {
			t.Errorf("%q: source %+v", c.q, m.Source)
		}
	}

	// superseded: the whole chain, and the current part's price
	res := e.lookup(t, member, "34116794300 is superseded — what do I order now and at what price?")
	if len(res.Matches) != 1 {
		t.Fatalf("superseded: %+v", res)
	}
	m := res.Matches[0]
	if m.Status != parts.StatusSuperseded || m.Current == nil || m.Current.Key != "34116858652" || m.Current.Prices["list"].Amount != 1234.56 ||
		len(m.Chain) != 2 || m.Current.PackQty == nil || *m.Current.PackQty != 2 {
		t.Errorf("superseded: status %s current %+v chain %v", m.Status, m.Current, m.Chain)
	}
	// core charge
	res = e.lookup(t, member, "Pfand auf 12317501677?")
	if len(res.Matches) != 1 || res.Matches[0].CoreCharge == nil || res.Matches[0].CoreCharge.Amount != 120 {
		t.Errorf("core charge: %+v", res.Matches)
	}
	// loop and dead end are reported, never followed forever or guessed
	res = e.lookup(t, member, "11111111111")
	if len(res.Matches) != 1 || res.Matches[0].ChainProblem != "loop" || res.Matches[0].Current != nil || res.Matches[0].ChainMessage == "" {
		t.Errorf("loop: %+v", res.Matches)
	}
	res = e.lookup(t, member, "33333333333")
	if len(res.Matches) != 1 || res.Matches[0].ChainProblem != "dead_end" || res.Matches[0].Current != nil ||
		!strings.Contains(res.Matches[0].ChainMessage, "none of your price files") {
		t.Errorf("dead end: %+v", res.Matches)
	}
	// a number in no file is not found, never the nearest other part
	res = e.lookup(t, member, "what does 1K0 698 151 B cost?")
	if len(res.Matches) != 0 || !slices.Contains(res.NotFound, "1K0698151B") {
		t.Errorf("unknown number: %+v", res)
	}
	// a found number and one in no file in the same question: both are said
	res = e.lookup(t, member, "1K0 698 151 A and 4711000815, what do they cost?")
	if len(res.Matches) != 1 || !slices.Equal(res.NotFound, []string{"4711000815"}) || !strings.Contains(res.Message, "not in them: 4711000815") {
		t.Errorf("mixed question: %+v", res)
	}
	// an OCR confusion is offered as "did you mean", not as a match
	res = e.lookup(t, member, "1KO 698 151 A")
	if len(res.Matches) != 0 || len(res.DidYouMean) != 1 || res.DidYouMean[0].Key != "1K0698151A" {
		t.Errorf("did you mean: %+v", res)
	}
	// another tenant's numbers are never visible
	jones := apptest.Token(t, e.app, "member@jones.example")
	if res := e.lookup(t, jones, "1K0 698 151 A 34116794300"); len(res.Matches) != 0 || len(res.DidYouMean) != 0 {
		t.Errorf("tenant B sees tenant A's parts: %+v", res)
	}
	// bad queries
	for _, q := range []string{"", strings.Repeat("1", 1001)} {
		if r := apptest.Do(t, e.srv, "GET", "/api/parts/lookup?q="+q, member, nil); r.Status != 400 || r.Message() == "" {
			t.Errorf("query of %d bytes: %d %s", len(q), r.Status, r.Body)
		}
	}
}

// TestReimportIsADelta uploads a newer price file of the same supplier:
// changed prices go to the history, missing parts are discontinued, and the
// report lists both.
func TestReimportIsADelta(t *testing.T) {
	e := newEnv(t)
	v1 := "Part Number,Description,List price,Net price\n" +
		"11427953129,Oil filter,10.00,7.00\n" +
		"11427953130,Oil filter XL,20.00,14.00\n" +
		"11427953131,Drain plug,3.00,2.00\n"
	doc1, imp := e.upload(t, e.token, "prices-2025.csv", "price_list", []byte(v1))
	if c := counts(t, imp); c.PartsAdded != 3 {
		t.Fatalf("first import %+v: %s", c, imp.GetString("message"))
	}
	v2 := "Part Number,Description,List price,Net price\n" +
		"11427953129,Oil filter,12.50,7.00\n" + // +25 %
		"11427953130,Oil filter XL,20.50,14.00\n" + // +2.5 %: history, not reported
		"11427953132,Oil filter XXL,30.00,21.00\n"
	_, imp = e.upload(t, e.token, "prices-2026.csv", "price_list", []byte(v2))
	c := counts(t, imp)
	if c.PartsAdded != 1 || c.PricesChanged != 2 || c.Discontinued != 1 {
		t.Errorf("delta counts %+v: %s", c, imp.GetString("message"))
	}
	var changes []parts.PriceChange
	_ = imp.UnmarshalJSONField("price_changes", &changes)
	if len(changes) != 1 || changes[0].Old != 10 || changes[0].New != 12.5 || changes[0].ChangePct != 25 {
		t.Errorf("reported price changes %+v", changes)
	}
	res := e.lookup(t, e.token, "11427953131")
	if len(res.Matches) != 1 || res.Matches[0].Status != parts.StatusDiscontinued {
		t.Errorf("missing part: %+v", res.Matches)
	}
	res = e.lookup(t, e.token, "11427953129")
	if len(res.Matches) != 1 || res.Matches[0].Prices["list"].Amount != 12.5 {
		t.Fatalf("changed part: %+v", res.Matches)
	}
	hist := apptest.Do(t, e.srv, "GET", "/api/collections/part_prices/records?filter="+urlQuery("part='"+res.Matches[0].ID+"'"), e.token, nil)
	items := hist.Items()
	if hist.Status != 200 || len(items) != 1 || items[0]["amount"] != 10.0 || items[0]["name"] != "list" || items[0]["valid_to"] == "" {
		t.Errorf("price history: %d %s", hist.Status, hist.Body)
	}
	// the same file again changes nothing
	_, imp = e.upload(t, e.token, "prices-2026-again.csv", "price_list", []byte(v2))
	if c := counts(t, imp); c.PartsAdded != 0 || c.PricesChanged != 0 || c.Discontinued != 0 {
		t.Errorf("re-import of the same rows %+v", c)
	}
	// deleting the first file removes only what still cites it
	if r := apptest.Do(t, e.srv, "DELETE", "/api/collections/documents/records/"+doc1, e.token, nil); r.Status != 204 {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	if n, _ := e.app.CountRecords(parts.Parts, dbx.HashExp{"document": doc1}); n != 0 {
		t.Errorf("%d parts of the deleted file remain", n)
	}
	if res := e.lookup(t, e.token, "11427953132"); len(res.Matches) != 1 {
		t.Errorf("parts of the newer file went with the old one: %+v", res)
	}
}

// TestNeedsMapping: a file without a recognisable part-number column stops
// with the headers it saw; the corrected mapping imports it and is
// remembered for the next file of the same supplier.
func TestNeedsMapping(t *testing.T) {
	e := newEnv(t)
	body := "Feld 1;Feld 2;Feld 3\nXS4Z-9G756-AA;Sensor;45,00\nXS4Z-9G756-AB;Sensor neu;47,50\n"
	doc, imp := e.upload(t, e.token, "lieferant.csv", "price_list", []byte(body))
	if imp.GetString("status") != parts.ImportNeedsMapping || !strings.Contains(imp.GetString("message"), "Feld 1") {
		t.Fatalf("import %s: %s", imp.GetString("status"), imp.GetString("message"))
	}
	mapping := map[string]any{"mapping": map[string]any{"columns": []map[string]any{
		{"index": 0, "header": "Feld 1", "field": "part_number"},
		{"index": 1, "header": "Feld 2", "field": "description"},
		{"index": 2, "header": "Feld 3", "field": "price_list"},
	}, "default_brand": "Ford", "currency": "EUR"}}
	member := apptest.Token(t, e.app, "member@smith.example")
	if r := apptest.Do(t, e.srv, "POST", "/api/documents/"+doc+"/parts/mapping", member, mapping); r.Status != 403 {
		t.Errorf("a member corrects the mapping: %d", r.Status)
	}
	bad := map[string]any{"mapping": map[string]any{"columns": []map[string]any{{"index": 1, "header": "Feld 2", "field": "description"}}}}
	if r := apptest.Do(t, e.srv, "POST", "/api/documents/"+doc+"/parts/mapping", e.token, bad); r.Status != 400 || r.Message() == "" {
		t.Errorf("a mapping without a part-number column: %d %s", r.Status, r.Body)
	}
	if r := apptest.Do(t, e.srv, "POST", "/api/documents/"+doc+"/parts/mapping", e.token, mapping); r.Status != 202 {
		t.Fatalf("mapping: %d %s", r.Status, r.Body)
	}
	imp = e.waitImport(t, doc, 1)
	if imp.GetString("status") != parts.ImportDone || counts(t, imp).PartsAdded != 2 {
		t.Fatalf("after mapping: %s %s", imp.GetString("status"), imp.GetString("message"))
	}
	if res := e.lookup(t, member, "XS4Z 9G756 AA"); len(res.Matches) != 1 || res.Matches[0].Prices["list"].Amount != 45 || res.Matches[0].Brand != "FORD" {
		t.Errorf("lookup after mapping: %+v", res)
	}
	// the next file of the same supplier is read with the remembered mapping
	_, imp = e.upload(t, e.token, "lieferant-2.csv", "price_list", []byte(body+"XS4Z-9G756-AC;Sensor 3;49,00\n"))
	if imp.GetString("status") != parts.ImportDone || counts(t, imp).PartsAdded != 1 {
		t.Errorf("second file: %s %s %+v", imp.GetString("status"), imp.GetString("message"), counts(t, imp))
	}
}

// TestLongChain follows a chain of 100 links to its end.
func TestLongChain(t *testing.T) {
	e := newEnv(t)
	_, imp := e.upload(t, e.token, "chain.csv", "catalog", chainFile(100))
	if imp.GetString("status") != parts.ImportDone {
		t.Fatalf("%s: %s", imp.GetString("status"), imp.GetString("message"))
	}
	res := e.lookup(t, e.token, fmt.Sprintf("%011d", 51100000000))
	if len(res.Matches) != 1 || len(res.Matches[0].Chain) != 101 || res.Matches[0].Current == nil || res.Matches[0].Current.Prices["list"].Amount != 200 {
		t.Fatalf("chain of 100: %+v", res.Matches)
	}
}

// TestBadRowsDuplicatesAndSets: duplicate numbers are reported and the last
// row wins; a row that cannot be read is reported with its line and does not
// discontinue its part on a re-import; a chain written in one cell and a set
// with quantities are followed.
func TestBadRowsDuplicatesAndSets(t *testing.T) {
	e := newEnv(t)
	v1 := "Part Number;Description;List price;Superseded by\n" +
		"11427953129;Oil filter;10,00;\n" +
		"11427953129;Oil filter;11,00;\n" + // duplicate: the last row wins
		"61217604808;Battery;-5,00;\n" + // negative: a row error
		"16117373814;Fuel pump;150,00;16117373815 → 16117373816 → 16117373817\n" +
		"16117373817;Fuel pump kit;170,00;\n" +
		"34216794300;Brake kit;99,00;2x 34216794301 + 34216794302\n" +
		"34216794301;Pad;20,00;\n" +
		"34216794302;Sensor;9,00;\n" +
		"61217604809;Battery 2;120,00;\n"
	_, imp := e.upload(t, e.token, "teile.csv", "price_list", []byte(v1))
	c := counts(t, imp)
	if c.Duplicates != 1 || c.Errors != 1 || c.PartsAdded != 7 {
		t.Errorf("counts %+v: %s", c, imp.GetString("message"))
	}
	var rowErrors []map[string]any
	_ = imp.UnmarshalJSONField("row_errors", &rowErrors)
	if len(rowErrors) != 1 || rowErrors[0]["line"] != 4.0 || rowErrors[0]["message"] == "" {
		t.Errorf("row errors %v", rowErrors)
	}
	var dupes []parts.Duplicate
	_ = imp.UnmarshalJSONField("duplicates", &dupes)
	if len(dupes) != 1 || !slices.Equal(dupes[0].Lines, []int{2, 3}) {
		t.Errorf("duplicates %+v", dupes)
	}
	if res := e.lookup(t, e.token, "11427953129"); len(res.Matches) != 1 || res.Matches[0].Prices["list"].Amount != 11 {
		t.Errorf("duplicate: the last row should win: %+v", res.Matches)
	}
	res := e.lookup(t, e.token, "16117373814")
	if len(res.Matches) != 1 || len(res.Matches[0].Chain) != 4 || res.Matches[0].Current == nil || res.Matches[0].Current.Key != "16117373817" {
		t.Errorf("chain in one cell: %+v", res.Matches)
	}
	res = e.lookup(t, e.token, "34216794300")
	if len(res.Matches) != 1 || res.Matches[0].ReplacedBy == nil || res.Matches[0].ReplacedBy.Kind != "all_of" || len(res.Matches[0].ReplacedBy.Parts) != 2 {
		t.Fatalf("set: %+v", res.Matches)
	}
	if q := res.Matches[0].ReplacedBy.Parts; q[0].Qty+q[1].Qty != 3 {
		t.Errorf("set quantities %v and %v, want 2 and 1", q[0].Qty, q[1].Qty)
	}
	// a newer file whose row of a known part cannot be read: reported, the part is not discontinued
	v2 := strings.Replace(v1, "61217604809;Battery 2;120,00;", "61217604809;Battery 2;=A1*2;", 1)
	_, imp = e.upload(t, e.token, "teile-neu.csv", "price_list", []byte(v2))
	if c := counts(t, imp); c.Discontinued != 0 || c.Errors != 2 {
		t.Errorf("re-import %+v: %s", c, imp.GetString("message"))
	}
	if res := e.lookup(t, e.token, "61217604809"); len(res.Matches) != 1 || res.Matches[0].Status != parts.StatusCurrent {
		t.Errorf("a part whose row could not be read: %+v", res.Matches)
	}
}

// TestImportThroughS3 runs the upload flow and the import against the S3
// API (versitygw): the importer reads the file back from the bucket.
func TestImportThroughS3(t *testing.T) {
	s := blobtest.StartS3(t)
	cfg := apptest.Config()
	cfg.Storage.Driver = "s3"
	cfg.Storage.S3 = config.S3{Endpoint: s.Endpoint, Bucket: s.Bucket, Region: s.Region, AccessKey: s.AccessKey,
		SecretKey: s.SecretKey, UseSSL: s.UseSSL, PathStyle: s.PathStyle}
	e := newEnvWith(t, cfg)
	_, imp := e.upload(t, e.token, "preisliste.csv", "price_list", win1252(t, germanPriceFile))
	if imp.GetString("status") != parts.ImportDone || counts(t, imp).PartsAdded != 11 {
		t.Fatalf("import through S3: %s %s", imp.GetString("status"), imp.GetString("message"))
	}
	res := e.lookup(t, e.token, "34116794300")
	if len(res.Matches) != 1 || res.Matches[0].Current == nil || res.Matches[0].Current.Prices["list"].Amount != 1234.56 {
		t.Errorf("lookup after an S3 import: %+v", res.Matches)
	}
}
