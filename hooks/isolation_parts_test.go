package hooks_test

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/apptest"
	"counterpart/hooks/chat"
	"counterpart/hooks/parts"
)

// The parts feature's cases in the isolation matrix: tenant B never reads or
// writes tenant A's parts, supersessions, price history, import reports or
// remembered mappings, and B's lookups (as a user and through n8n's tool
// with B's token) never find A's numbers.
func init() {
	touchText := func(field string) func(core.App, *core.Record) error {
		return func(app core.App, r *core.Record) error {
			r.Set(field, "touched "+time.Now().String())
			return app.Save(r)
		}
	}
	collectionMatrix[parts.Parts] = collectionCase{
		make: func(t *testing.T, app core.App, tenant *core.Record) *core.Record {
			return makePart(t, app, tenant, fmt.Sprintf("1K0698151A%d", partCalls.Add(1)))
		},
		createBody: func(app core.App, tenant *core.Record) map[string]any {
			return map[string]any{"tenant": tenant.Id, "key": "FORGED1", "number": "FORGED1", "document": makeDocID(app, tenant)}
		},
		change: map[string]any{"prices": map[string]any{"list": map[string]any{"amount": 0.01, "currency": "EUR"}}},
		touch:  touchText("description"),
		reader: "member",
	}
	collectionMatrix[parts.Supersessions] = collectionCase{
		make: func(t *testing.T, app core.App, tenant *core.Record) *core.Record {
			p := makePart(t, app, tenant, fmt.Sprintf("34116794300%d", partCalls.Add(1)))
			return saveRecord(t, app, parts.Supersessions, map[string]any{"tenant": tenant.Id, "brand": "BMW", "from_key": "34116794300",
				"to_key": "34116858652", "kind": "single", "document": p.GetString("document")})
		},
		createBody: func(app core.App, tenant *core.Record) map[string]any {
			return map[string]any{"tenant": tenant.Id, "from_key": "1K0698151A", "to_key": "FORGED1", "kind": "single", "document": makeDocID(app, tenant)}
		},
		change: map[string]any{"to_key": "FORGED1"},
		touch:  touchText("to_number"),
		reader: "member",
	}
	collectionMatrix[parts.Prices] = collectionCase{
		make: func(t *testing.T, app core.App, tenant *core.Record) *core.Record {
			p := makePart(t, app, tenant, fmt.Sprintf("04152YZZA6%d", partCalls.Add(1)))
			return saveRecord(t, app, parts.Prices, map[string]any{"tenant": tenant.Id, "part": p.Id, "name": "list", "amount": 9.5, "currency": "EUR"})
		},
		createBody: func(app core.App, tenant *core.Record) map[string]any {
			return map[string]any{"tenant": tenant.Id, "name": "list", "amount": 0.01}
		},
		change: map[string]any{"amount": 0.01},
		touch:  touchText("label"),
		reader: "member",
	}
	collectionMatrix[parts.Imports] = collectionCase{
		make: func(t *testing.T, app core.App, tenant *core.Record) *core.Record {
			return saveRecord(t, app, parts.Imports, map[string]any{"tenant": tenant.Id, "document": makeDocument(t, app, tenant).Id,
				"status": "done", "message": "Imported: 3 rows read."})
		},
		createBody: func(app core.App, tenant *core.Record) map[string]any {
			return map[string]any{"tenant": tenant.Id, "document": makeDocID(app, tenant), "status": "done"}
		},
		change: map[string]any{"message": "forged"},
		touch:  touchText("message"),
		reader: "member",
	}
	collectionMatrix[parts.Mappings] = collectionCase{
		make: func(t *testing.T, app core.App, tenant *core.Record) *core.Record {
			return saveRecord(t, app, parts.Mappings, map[string]any{"tenant": tenant.Id, "signature": core.GenerateDefaultRandomId(),
				"mapping": map[string]any{"columns": []any{}}})
		},
		createBody: func(app core.App, tenant *core.Record) map[string]any {
			return map[string]any{"tenant": tenant.Id, "signature": "forged", "mapping": map[string]any{}}
		},
		change: map[string]any{"mapping": map[string]any{"columns": []any{}}},
		touch:  touchText("signature"),
		reader: "member",
	}

	routeMatrix["GET /api/parts/lookup"] = routeProbe{
		sample: func(app core.App, a *core.Record) (string, string, any) {
			return "GET", "/api/parts/lookup?q=1K0698151A", nil
		},
		crossTenant: func(t *testing.T, app core.App, srv *httptest.Server, a, b *core.Record) {
			p := makePart(t, app, a, "1K0698151A")
			for _, who := range []string{"admin@jones.example", "member@jones.example"} {
				res := apptest.Do(t, srv, "GET", "/api/parts/lookup?q=1K0+698+151+A", apptest.Token(t, app, who), nil)
				if res.Status != 200 || strings.Contains(string(res.Body), p.Id) || strings.Contains(string(res.Body), "did_you_mean\":[{") {
					t.Errorf("%s looks up tenant A's part: %d %s", who, res.Status, res.Body)
				}
			}
			if res := apptest.Do(t, srv, "GET", "/api/parts/lookup?q=1K0+698+151+A", apptest.Token(t, app, "member@smith.example"), nil); !strings.Contains(string(res.Body), p.Id) {
				t.Errorf("positive control: A's member does not find A's part: %s", res.Body)
			}
		},
	}
	routeMatrix["POST /api/documents/{id}/parts/mapping"] = routeProbe{
		sample: func(app core.App, a *core.Record) (string, string, any) {
			return "POST", "/api/documents/aaaaaaaaaaaaaaa/parts/mapping", map[string]any{"mapping": map[string]any{}}
		},
		crossTenant: func(t *testing.T, app core.App, srv *httptest.Server, a, b *core.Record) {
			doc := makeDocument(t, app, a, map[string]any{"category": "price_list"})
			saveRecord(t, app, parts.Imports, map[string]any{"tenant": a.Id, "document": doc.Id, "status": "needs_mapping",
				"headers": []map[string]any{{"sheet": "", "headers": []string{"Code", "Text"}}}})
			body := map[string]any{"mapping": map[string]any{"columns": []map[string]any{{"index": 0, "header": "Code", "field": "part_number"}}}}
			for _, who := range []string{"admin@jones.example", "manager@jones.example"} {
				if res := apptest.Do(t, srv, "POST", "/api/documents/"+doc.Id+"/parts/mapping", apptest.Token(t, app, who), body); res.Status != 404 {
					t.Errorf("%s maps tenant A's price file: %d %s", who, res.Status, res.Body)
				}
			}
			if n, _ := app.CountRecords(parts.Mappings, dbx.HashExp{"tenant": a.Id}); n != 0 {
				t.Errorf("tenant B planted %d mappings in tenant A", n)
			}
			if n, _ := app.CountRecords(parts.Mappings, dbx.HashExp{"tenant": b.Id}); n != 0 {
				t.Errorf("tenant B's attempt saved %d mappings", n)
			}
			if res := apptest.Do(t, srv, "POST", "/api/documents/"+doc.Id+"/parts/mapping", apptest.Token(t, app, "manager@smith.example"), body); res.Status != 202 {
				t.Errorf("positive control: A's manager maps A's price file: %d %s", res.Status, res.Body)
			}
		},
	}
	routeMatrix["GET "+chat.PartsToolPath] = partsToolProbe("GET")
	routeMatrix["POST "+chat.PartsToolPath] = partsToolProbe("POST")
}

// partsToolProbe attacks n8n's lookup_part tool: a token minted for tenant B
// never finds tenant A's parts, and sign-in tokens are no tool tokens.
func partsToolProbe(method string) routeProbe {
	return toolProbe(method, chat.PartsToolPath, "q=1K0698151A", `{"q":"1K0 698 151 A"}`,
		func(t *testing.T, app core.App, a *core.Record) string { return makePart(t, app, a, "1K0698151A").Id })
}

var partCalls atomic.Int64

// makePart stores a part of tenant (with its document) under key.
func makePart(t *testing.T, app core.App, tenant *core.Record, key string) *core.Record {
	doc := makeDocument(t, app, tenant)
	return saveRecord(t, app, parts.Parts, map[string]any{"tenant": tenant.Id, "brand": "VW", "key": key, "number": key,
		"display": key, "description": "Brake pads", "prices": map[string]any{"list": map[string]any{"amount": 89.5, "currency": "EUR"}},
		"document": doc.Id, "row": 2})
}

// makeDocID is the id of a new document of tenant, for create bodies.
func makeDocID(app core.App, tenant *core.Record) string {
	recs, err := app.FindRecordsByFilter("documents", "tenant = {:t}", "", 1, 0, dbx.Params{"t": tenant.Id})
	if err != nil || len(recs) == 0 {
		return "aaaaaaaaaaaaaaa"
	}
	return recs[0].Id
}

func saveRecord(t *testing.T, app core.App, collection string, fields map[string]any) *core.Record {
	col, err := app.FindCollectionByNameOrId(collection)
	must(t, err)
	r := core.NewRecord(col)
	for k, v := range fields {
		r.Set(k, v)
	}
	must(t, app.Save(r))
	return r
}
