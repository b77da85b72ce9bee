package ingest_test

import (
	"testing"

	"counterpart/hooks/apptest"
	"counterpart/internal/search"
)

func TestBuiltinIngestIsSearchable(t *testing.T) {
	t.Parallel()
	app := apptest.New(t, nil) // no n8n: the binary processes documents itself
	e := env{app: app, srv: apptest.Serve(t, app), token: apptest.Token(t, app, "member@smith.example")}
	csv := "Part number;Description;Price\n8E0-615-301-AG;Brake disc front;89.90\n04152-YZZA6;Oil filter;7.45\n"
	ids := []string{
		e.upload(t, "prices.csv", "text/csv", csv),
		e.upload(t, "bulletin.md", "text/markdown", "# Bulletin 42\n\n"+bulletin),
	}
	for _, id := range ids {
		if doc := e.wait(t, id, "ready", "failed"); doc.GetString("status") != "ready" {
			t.Fatalf("%s: %s", doc.GetString("filename"), doc.GetString("error"))
		}
	}
	smith, _ := app.FindFirstRecordByData("tenants", "slug", "smith")
	jones, _ := app.FindFirstRecordByData("tenants", "slug", "jones")
	for _, q := range []string{"8E0615301AG", "8e0 615 301 ag", "8E0.615.301.AG", "what does the front brake disc cost?"} {
		hits, err := search.Search(t.Context(), app.DB(), smith.Id, q, 5)
		if err != nil || len(hits) == 0 {
			t.Errorf("search %q: %v, %d hits", q, err, len(hits))
			continue
		}
		if hits[0].Document != ids[0] && hits[0].Document != ids[1] {
			t.Errorf("search %q: first hit from %s", q, hits[0].Document)
		}
		if other, _ := search.Search(t.Context(), app.DB(), jones.Id, q, 5); len(other) != 0 {
			t.Errorf("search %q in the other tenant found %d passages", q, len(other))
		}
	}
	hits, _ := search.Search(t.Context(), app.DB(), smith.Id, "04152-YZZA6", 5)
	if len(hits) == 0 || !hits[0].ExactPart || hits[0].Row == 0 {
		t.Errorf("part lookup: %+v", hits)
	}
	// deleting the document removes its passages from the index
	doc, _ := app.FindRecordById("documents", ids[0])
	if err := app.Delete(doc); err != nil {
		t.Fatal(err)
	}
	if hits, _ := search.Search(t.Context(), app.DB(), smith.Id, "8E0615301AG", 5); len(hits) != 0 && hits[0].Document == ids[0] {
		t.Errorf("deleted document still found: %+v", hits)
	}
}
