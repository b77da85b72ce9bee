package hooks_test

import (
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/apptest"
	"counterpart/hooks/usage"
)

// The usage tables have no client access at all (nil rules): only the
// analytics routes read them, for the caller's own tenant.
func init() {
	usageRow := func(collection string, fields map[string]any) func(*testing.T, core.App, *core.Record) *core.Record {
		return func(t *testing.T, app core.App, tenant *core.Record) *core.Record {
			col, err := app.FindCollectionByNameOrId(collection)
			must(t, err)
			r := core.NewRecord(col)
			r.Load(fields)
			r.Set("tenant", tenant.Id)
			if collection == usage.Events {
				r.Set("source", "matrix:"+core.GenerateDefaultRandomId())
			} else {
				// the rollup tables are unique per tenant and day: each call takes another day
				r.Set("day", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(matrixDays.Add(1))).Format(time.DateOnly))
			}
			must(t, app.Save(r))
			return r
		}
	}
	body := func(fields map[string]any) func(core.App, *core.Record) map[string]any {
		return func(_ core.App, tenant *core.Record) map[string]any {
			out := map[string]any{"tenant": tenant.Id}
			for k, v := range fields {
				out[k] = v
			}
			return out
		}
	}
	collectionMatrix[usage.Events] = collectionCase{
		make:       usageRow(usage.Events, map[string]any{"kind": usage.KindSignIn, "user": "someone"}),
		createBody: body(map[string]any{"kind": usage.KindSignIn, "source": "forged"}),
		change:     map[string]any{"kind": usage.KindExport, "rolled": true},
	}
	collectionMatrix[usage.Daily] = collectionCase{
		make:       usageRow(usage.Daily, map[string]any{"questions": 3, "model": "llama3.1:8b"}),
		createBody: body(map[string]any{"day": "2026-01-01", "questions": 999}),
		change:     map[string]any{"questions": 999},
	}
	collectionMatrix[usage.Latency] = collectionCase{
		make:       usageRow(usage.Latency, map[string]any{"bucket": 40, "answers": 3}),
		createBody: body(map[string]any{"day": "2026-01-01", "bucket": 1, "answers": 999}),
		change:     map[string]any{"answers": 999},
	}
	collectionMatrix[usage.Citations] = collectionCase{
		make:       usageRow(usage.Citations, map[string]any{"document": "doc", "citations": 3}),
		createBody: body(map[string]any{"day": "2026-01-01", "document": "x", "citations": 999}),
		change:     map[string]any{"citations": 999},
	}

	routeMatrix["GET /api/analytics"] = routeProbe{
		sample: func(core.App, *core.Record) (string, string, any) { return "GET", "/api/analytics", nil },
		crossTenant: func(t *testing.T, app core.App, srv *httptest.Server, a, b *core.Record) {
			plantUsage(t, app, a)
			for _, who := range []string{"admin@jones.example", "manager@jones.example"} {
				tok := apptest.Token(t, app, who)
				for _, q := range []string{"?tenant=" + a.Id, "?tenant=smith"} {
					if res := apptest.Do(t, srv, "GET", "/api/analytics"+q, tok, nil); res.Status != 400 {
						t.Errorf("%s asks for tenant A's analytics with %s: %d %s", who, q, res.Status, res.Body)
					}
				}
				res := apptest.Do(t, srv, "GET", "/api/analytics", tok, nil)
				if res.Status != 200 || strings.Contains(string(res.Body), a.Id) || strings.Contains(string(res.Body), plantedModel) {
					t.Errorf("%s's own analytics show tenant A: %d %s", who, res.Status, res.Body)
				}
				if tn, _ := res.JSON["tenant"].(map[string]any); tn["id"] != b.Id {
					t.Errorf("%s gets tenant %v, want B", who, tn)
				}
			}
			if res := apptest.Do(t, srv, "GET", "/api/analytics", apptest.Token(t, app, "manager@smith.example"), nil); !strings.Contains(string(res.Body), plantedModel) {
				t.Errorf("positive control: A's manager does not see A's usage: %s", res.Body)
			}
		},
	}
	routeMatrix["GET /api/admin/analytics"] = routeProbe{
		sample: func(core.App, *core.Record) (string, string, any) { return "GET", "/api/admin/analytics", nil },
		crossTenant: func(t *testing.T, app core.App, srv *httptest.Server, a, b *core.Record) {
			plantUsage(t, app, a)
			for _, who := range []string{"admin@jones.example", "manager@jones.example"} {
				res := apptest.Do(t, srv, "GET", "/api/admin/analytics?tenant="+a.Id, apptest.Token(t, app, who), nil)
				if res.Status != 403 || strings.Contains(string(res.Body), plantedModel) {
					t.Errorf("%s reads IT's analytics of tenant A: %d %s", who, res.Status, res.Body)
				}
			}
		},
	}
	routeMatrix["GET /api/analytics/export/usage.csv"] = routeProbe{
		sample: func(core.App, *core.Record) (string, string, any) {
			return "GET", "/api/analytics/export/usage.csv", nil
		},
		crossTenant: func(t *testing.T, app core.App, srv *httptest.Server, a, b *core.Record) {
			plantUsage(t, app, a)
			for _, who := range []string{"admin@jones.example", "manager@jones.example"} {
				tok := apptest.Token(t, app, who)
				if res := apptest.Do(t, srv, "GET", "/api/analytics/export/usage.csv?tenant="+a.Id, tok, nil); res.Status != 400 {
					t.Errorf("%s exports tenant A's usage: %d", who, res.Status)
				}
				if res := apptest.Do(t, srv, "GET", "/api/analytics/export/usage.csv", tok, nil); res.Status != 200 || strings.Contains(string(res.Body), plantedModel) {
					t.Errorf("%s's own export holds tenant A's rows: %d %s", who, res.Status, res.Body)
				}
			}
			if res := apptest.Do(t, srv, "GET", "/api/analytics/export/usage.csv", apptest.Token(t, app, "manager@smith.example"), nil); !strings.Contains(string(res.Body), plantedModel) {
				t.Errorf("positive control: A's export lacks A's usage: %s", res.Body)
			}
		},
	}
	routeMatrix["GET /api/analytics/export/conversations.csv"] = routeProbe{
		sample: func(core.App, *core.Record) (string, string, any) {
			return "GET", "/api/analytics/export/conversations.csv", nil
		},
		crossTenant: func(t *testing.T, app core.App, srv *httptest.Server, a, b *core.Record) {
			conv := makeConversation(t, app, a)
			conv.Set("title", "Planted title of tenant A")
			must(t, app.Save(conv))
			for _, who := range []string{"admin@jones.example", "manager@jones.example"} {
				tok := apptest.Token(t, app, who)
				if res := apptest.Do(t, srv, "GET", "/api/analytics/export/conversations.csv?tenant="+a.Id, tok, nil); res.Status != 400 {
					t.Errorf("%s exports tenant A's conversations: %d", who, res.Status)
				}
				if res := apptest.Do(t, srv, "GET", "/api/analytics/export/conversations.csv", tok, nil); res.Status != 200 || strings.Contains(string(res.Body), "Planted title") {
					t.Errorf("%s's own export holds tenant A's conversation: %d %s", who, res.Status, res.Body)
				}
			}
			if res := apptest.Do(t, srv, "GET", "/api/analytics/export/conversations.csv", apptest.Token(t, app, "manager@smith.example"), nil); !strings.Contains(string(res.Body), "Planted title") {
				t.Errorf("positive control: A's export lacks A's conversation: %s", res.Body)
			}
		},
	}
	routeMatrix["GET /api/admin/analytics/export/usage.csv"] = routeProbe{
		sample: func(core.App, *core.Record) (string, string, any) {
			return "GET", "/api/admin/analytics/export/usage.csv?tenant=smith", nil
		},
		crossTenant: func(t *testing.T, app core.App, srv *httptest.Server, a, b *core.Record) {
			plantUsage(t, app, a)
			res := apptest.Do(t, srv, "GET", "/api/admin/analytics/export/usage.csv?tenant="+a.Id, apptest.Token(t, app, "admin@jones.example"), nil)
			if res.Status != 403 || strings.Contains(string(res.Body), plantedModel) {
				t.Errorf("B's admin uses IT's export on tenant A: %d", res.Status)
			}
		},
	}
}

// plantedModel marks tenant A's usage in the analytics probes.
const plantedModel = "planted-model-of-tenant-a"

// plantUsage records and rolls up an answer of tenant A's member today.
func plantUsage(t *testing.T, app core.App, a *core.Record) {
	member, err := app.FindAuthRecordByEmail("users", "member@smith.example")
	must(t, err)
	must(t, usage.Record(app, usage.Event{Tenant: a.Id, Kind: usage.KindAnswerCompleted, User: member.Id, Model: plantedModel, LatencyMs: 100}))
	must(t, usage.Rollup(app))
}

// matrixDays numbers the days of rollup rows made for the matrix.
var matrixDays atomic.Int64
