package hooks_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/api"
	"counterpart/hooks/apptest"
	"counterpart/hooks/audit"
	"counterpart/hooks/chat"
	"counterpart/hooks/documents"
	"counterpart/hooks/tenancy"
	"counterpart/internal/blob"
	"counterpart/internal/search"
)

// The isolation matrix: every collection of the running app and every custom
// route is attacked from tenant B (admin and member) and by a guest, against
// records and resources of tenant A, and nothing may cross. A collection or a
// route that the matrix does not classify fails the test: a new feature must
// add its case here.

// collectionCase says how to attack one collection.
type collectionCase struct {
	// make creates a new record of the collection that belongs to tenant.
	make func(t *testing.T, app core.App, tenant *core.Record) *core.Record
	// createBody is what an attacker sends to create a record in tenant.
	createBody func(app core.App, tenant *core.Record) map[string]any
	// change is an update body the attacker tries; nil means updates are not possible at all.
	change map[string]any
	// touch changes a record through Go so that realtime subscribers hear of it; nil when nobody may edit it.
	touch func(app core.App, r *core.Record) error
	// reader is the role of tenant A that may view a record (the positive control), "" when none.
	reader string
}

// collectionMatrix classifies every collection. System collections are PocketBase's own.
var collectionMatrix = map[string]collectionCase{
	"tenants": {
		make: func(t *testing.T, app core.App, _ *core.Record) *core.Record {
			// a tenant "belongs" to itself: attack tenant A's own record
			r, err := tenancy.FindTenant(app, "smith")
			must(t, err)
			return r
		},
		createBody: func(app core.App, tenant *core.Record) map[string]any {
			return map[string]any{"name": "Forged", "slug": "forged", "status": "active"}
		},
		change: map[string]any{"system_prompt": "forged"},
		touch: func(app core.App, r *core.Record) error {
			r.Set("system_prompt", "touched "+time.Now().String())
			return app.Save(r)
		},
		reader: "member",
	},
	"users": {
		make: func(t *testing.T, app core.App, tenant *core.Record) *core.Record {
			u, err := tenancy.NewUser(app, tenant.Id, fmt.Sprintf("u%d@%s.example", time.Now().UnixNano(), tenant.GetString("slug")), "Target", "member", "target-password-1")
			must(t, err)
			return u
		},
		createBody: func(app core.App, tenant *core.Record) map[string]any {
			return map[string]any{"tenant": tenant.Id, "email": "forged@x.example", "password": "forged-password-1",
				"passwordConfirm": "forged-password-1", "role": "admin", "active": true}
		},
		change: map[string]any{"role": "admin", "name": "forged"},
		touch: func(app core.App, r *core.Record) error {
			r.Set("name", "touched")
			return app.Save(r)
		},
		reader: "member",
	},
	"audit_log": {
		make: func(t *testing.T, app core.App, tenant *core.Record) *core.Record {
			col, err := app.FindCollectionByNameOrId("audit_log")
			must(t, err)
			r := core.NewRecord(col)
			r.Set("tenant", tenant.Id)
			r.Set("action", "test.entry")
			must(t, app.Save(r))
			return r
		},
		createBody: func(app core.App, tenant *core.Record) map[string]any {
			return map[string]any{"tenant": tenant.Id, "action": "forged"}
		},
		change: map[string]any{"action": "forged"},
		reader: "admin",
	},
	"documents": {
		make: func(t *testing.T, app core.App, tenant *core.Record) *core.Record {
			return makeDocument(t, app, tenant)
		},
		createBody: func(app core.App, tenant *core.Record) map[string]any {
			return map[string]any{"tenant": tenant.Id, "filename": "forged.pdf", "status": "ready", "storage_key": "tenants/x/y"}
		},
		change: map[string]any{"title": "forged"},
		touch: func(app core.App, r *core.Record) error {
			r.Set("title", "touched "+time.Now().String())
			return app.Save(r)
		},
		reader: "member",
	},
	"chunks": {
		make: func(t *testing.T, app core.App, tenant *core.Record) *core.Record {
			doc := makeDocument(t, app, tenant)
			col, err := app.FindCollectionByNameOrId("chunks")
			must(t, err)
			r := core.NewRecord(col)
			r.Set("tenant", tenant.Id)
			r.Set("document", doc.Id)
			r.Set("text", "Oil filter 04152-YZZA6, 7.45 EUR")
			must(t, app.Save(r))
			return r
		},
		createBody: func(app core.App, tenant *core.Record) map[string]any {
			return map[string]any{"tenant": tenant.Id, "text": "forged"}
		},
		change: map[string]any{"text": "forged"},
	},
	"jobs": {
		// internal only: every rule is nil, no tenant user may read or write a job
		make: func(t *testing.T, app core.App, tenant *core.Record) *core.Record {
			col, err := app.FindCollectionByNameOrId("jobs")
			must(t, err)
			r := core.NewRecord(col)
			r.Set("tenant", tenant.Id)
			r.Set("kind", "test.matrix") // no handler: no worker touches it
			r.Set("subject", core.GenerateDefaultRandomId())
			r.Set("status", "failed")
			r.Set("payload", map[string]any{"note": "internal"})
			must(t, app.Save(r))
			return r
		},
		createBody: func(app core.App, tenant *core.Record) map[string]any {
			return map[string]any{"tenant": tenant.Id, "kind": "forged", "status": "queued"}
		},
		change: map[string]any{"status": "done"},
	},
	"conversations": {
		// owner-only: TestIsolationMatrixOwnerOnly also attacks from the same tenant
		make: func(t *testing.T, app core.App, tenant *core.Record) *core.Record {
			return makeConversation(t, app, tenant)
		},
		createBody: func(app core.App, tenant *core.Record) map[string]any {
			return map[string]any{"tenant": tenant.Id, "user": ownerOf(app, tenant).Id, "title": "forged"}
		},
		change: map[string]any{"title": "forged", "archived": true},
		touch: func(app core.App, r *core.Record) error {
			r.Set("title", "touched "+time.Now().String())
			return app.Save(r)
		},
		reader: "member",
	},
	"messages": {
		make: func(t *testing.T, app core.App, tenant *core.Record) *core.Record {
			q, _ := makeExchange(t, app, tenant)
			return q
		},
		createBody: func(app core.App, tenant *core.Record) map[string]any {
			return map[string]any{"tenant": tenant.Id, "user": ownerOf(app, tenant).Id, "role": "user", "status": "complete", "content": "forged"}
		},
		change: map[string]any{"content": "forged", "feedback": "down"},
		touch: func(app core.App, r *core.Record) error {
			r.Set("content", "touched "+time.Now().String())
			return app.Save(r)
		},
		reader: "member",
	},
	core.CollectionNameSuperusers: {make: makeSuperuser, createBody: func(core.App, *core.Record) map[string]any {
		return map[string]any{"email": "forged@x.example", "password": "forged-password-1", "passwordConfirm": "forged-password-1"}
	}, change: map[string]any{"email": "forged@x.example"}},
	core.CollectionNameMFAs: {make: systemRecord(core.CollectionNameMFAs, map[string]any{"method": "password"}),
		createBody: systemBody(map[string]any{"method": "password"}), change: map[string]any{"method": "otp"}},
	core.CollectionNameOTPs: {make: systemRecord(core.CollectionNameOTPs, map[string]any{"password": "123456", "sentTo": "a@b.example"}),
		createBody: systemBody(map[string]any{"password": "123456"}), change: map[string]any{"sentTo": "forged@x.example"}},
	core.CollectionNameExternalAuths: {make: systemRecord(core.CollectionNameExternalAuths, map[string]any{"provider": "google", "providerId": "x"}),
		createBody: systemBody(map[string]any{"provider": "google", "providerId": "y"}), change: map[string]any{"providerId": "z"}},
	core.CollectionNameAuthOrigins: {make: systemRecord(core.CollectionNameAuthOrigins, map[string]any{"fingerprint": "abc"}),
		createBody: systemBody(map[string]any{"fingerprint": "def"}), change: map[string]any{"fingerprint": "forged"}},
}

var systemRecordCalls atomic.Int64

// systemRecord makes a record of one of PocketBase's auth helper collections
// that belongs to tenant's member.
func systemRecord(collection string, fields map[string]any) func(*testing.T, core.App, *core.Record) *core.Record {
	return func(t *testing.T, app core.App, tenant *core.Record) *core.Record {
		// each call takes another user of the tenant: these collections are unique per user
		role := []string{"member", "manager", "admin"}[systemRecordCalls.Add(1)%3]
		member, err := app.FindAuthRecordByEmail("users", role+"@"+tenant.GetString("slug")+".example")
		must(t, err)
		col, err := app.FindCollectionByNameOrId(collection)
		must(t, err)
		r := core.NewRecord(col)
		r.Set("collectionRef", member.Collection().Id)
		r.Set("recordRef", member.Id)
		for k, v := range fields {
			if k == "providerId" {
				v = fmt.Sprint(v, member.Id)
			}
			r.Set(k, v)
		}
		must(t, app.Save(r))
		return r
	}
}

func systemBody(fields map[string]any) func(core.App, *core.Record) map[string]any {
	return func(app core.App, tenant *core.Record) map[string]any {
		member, _ := app.FindAuthRecordByEmail("users", "member@"+tenant.GetString("slug")+".example")
		body := map[string]any{"collectionRef": "_pb_users_auth_", "recordRef": member.Id}
		for k, v := range fields {
			body[k] = v
		}
		return body
	}
}

func makeSuperuser(t *testing.T, app core.App, _ *core.Record) *core.Record {
	r, err := app.FindAuthRecordByEmail(core.CollectionNameSuperusers, apptest.Superuser(t, app))
	must(t, err)
	return r
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// attacker is who attacks tenant A: tenant B's admin and member, and a guest.
type attacker struct {
	name  string
	email string // "" for a guest
}

var attackers = []attacker{{"B admin", "admin@jones.example"}, {"B member", "member@jones.example"}, {"guest", ""}}

func token(t *testing.T, app core.App, a attacker) string {
	if a.email == "" {
		return ""
	}
	return apptest.Token(t, app, a.email)
}

// refused reports whether a status means "not allowed" without a server error.
func refused(status int) bool {
	return slices.Contains([]int{400, 401, 403, 404}, status)
}

func TestIsolationMatrixCollections(t *testing.T) {
	app := apptest.New(t, nil)
	cols, err := app.FindAllCollections()
	must(t, err)
	for _, c := range cols {
		if _, ok := collectionMatrix[c.Name]; !ok {
			t.Errorf("collection %q is not in the isolation matrix: add a collectionCase for it in hooks/isolation_test.go", c.Name)
		}
	}
	for name := range collectionMatrix {
		if !slices.ContainsFunc(cols, func(c *core.Collection) bool { return c.Name == name }) {
			t.Errorf("the matrix names collection %q, which the app does not have", name)
		}
	}

	for _, c := range cols {
		if tenancy.HasTenant(c) && !slices.ContainsFunc(c.Indexes, func(idx string) bool { return strings.Contains(idx, "COALESCE(`tenant`, '')") }) {
			t.Errorf("collection %q has a tenant but no COALESCE(`tenant`, '') index: its rule-scoped lists would scan the table (use addTenantIndexes)", c.Name)
		}
	}

	for _, c := range cols {
		cc, ok := collectionMatrix[c.Name]
		if !ok {
			continue
		}
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			attackCollection(t, c.Name, cc)
		})
	}
}

func attackCollection(t *testing.T, name string, cc collectionCase) {
	app := apptest.New(t, nil)
	srv := apptest.Serve(t, app)
	a, err := tenancy.FindTenant(app, "smith")
	must(t, err)
	target := cc.make(t, app, a)
	base := "/api/collections/" + name + "/records"
	// leaks reports whether a listed item belongs to tenant A
	aUsers, _ := app.FindRecordsByFilter("users", "tenant = {:t}", "", 0, 0, map[string]any{"t": a.Id})
	leaks := func(item map[string]any) bool {
		if item["id"] == target.Id || item["tenant"] == a.Id || (name == "tenants" && item["id"] == a.Id) {
			return true
		}
		return slices.ContainsFunc(aUsers, func(u *core.Record) bool { return item["recordRef"] == u.Id })
	}
	snapshot := func() string {
		r, err := app.FindRecordById(name, target.Id)
		if err != nil {
			return "deleted"
		}
		return fmt.Sprint(r.FieldsData())
	}
	before := snapshot()
	count := func() int64 { n, _ := app.CountRecords(name); return n }
	countBefore := count()

	if cc.reader != "" {
		res := apptest.Do(t, srv, "GET", base+"/"+target.Id, apptest.Token(t, app, cc.reader+"@smith.example"), nil)
		if res.Status != 200 {
			t.Fatalf("positive control: A's %s cannot view the target: %d %s", cc.reader, res.Status, res.Body)
		}
	}

	// the rules alone, without the Go guards behind them, refuse every attacker
	col := target.Collection()
	for _, at := range attackers {
		info := &core.RequestInfo{Method: "GET", Body: cc.change}
		if at.email != "" {
			info.Auth, err = app.FindAuthRecordByEmail("users", at.email)
			must(t, err)
		}
		for action, rule := range map[string]*string{"list": col.ListRule, "view": col.ViewRule, "update": col.UpdateRule, "delete": col.DeleteRule} {
			if ok, err := app.CanAccessRecord(target, info, rule); ok || err != nil {
				t.Errorf("%s rule of %s lets %s reach tenant A's record (err %v)", action, name, at.name, err)
			}
		}
	}

	for _, at := range attackers {
		tok := token(t, app, at)
		lists := []string{
			base + "?perPage=500",
			base + "?perPage=500&filter=" + url.QueryEscape(fmt.Sprintf("id = %q", target.Id)),
			base + "?perPage=500&expand=tenant",
			base + "?perPage=500&filter=" + url.QueryEscape(fmt.Sprintf("tenant.slug = %q", "smith")),
			base + "?perPage=500&filter=" + url.QueryEscape(fmt.Sprintf("@collection.users.tenant = %q", a.Id)),
			base + "?perPage=500&filter=" + url.QueryEscape(fmt.Sprintf("@collection.tenants.id = %q", a.Id)),
		}
		if name == "tenants" {
			lists = append(lists, base+"?perPage=500&expand=users_via_tenant", base+"?perPage=500&expand=audit_log_via_tenant")
		}
		for _, p := range lists {
			res := apptest.Do(t, srv, "GET", p, tok, nil)
			if res.Status >= 500 {
				t.Errorf("%s GET %s: server error %d", at.name, p, res.Status)
			}
			for _, item := range res.Items() {
				if leaks(item) {
					t.Errorf("%s GET %s: sees tenant A's record %v", at.name, p, item["id"])
				}
				for key, exp := range expanded(item) {
					if leaks(exp) {
						t.Errorf("%s GET %s: expand %s reveals tenant A's record %v", at.name, p, key, exp["id"])
					}
				}
			}
		}
		if res := apptest.Do(t, srv, "GET", base+"/"+target.Id, tok, nil); !refused(res.Status) {
			t.Errorf("%s views tenant A's record: %d %s", at.name, res.Status, res.Body)
		}
		if res := apptest.Do(t, srv, "GET", base+"/"+target.Id+"?expand=tenant", tok, nil); !refused(res.Status) {
			t.Errorf("%s views tenant A's record with expand: %d", at.name, res.Status)
		}
		if res := apptest.Do(t, srv, "PATCH", base+"/"+target.Id, tok, cc.change); !refused(res.Status) {
			t.Errorf("%s updates tenant A's record: %d %s", at.name, res.Status, res.Body)
		}
		if res := apptest.Do(t, srv, "DELETE", base+"/"+target.Id, tok, nil); !refused(res.Status) {
			t.Errorf("%s deletes tenant A's record: %d %s", at.name, res.Status, res.Body)
		}
		if res := apptest.Do(t, srv, "POST", base, tok, cc.createBody(app, a)); !refused(res.Status) {
			t.Errorf("%s creates a record in tenant A: %d %s", at.name, res.Status, res.Body)
		}
		if res := apptest.Do(t, srv, "POST", "/api/batch", tok, map[string]any{"requests": []map[string]any{
			{"method": "POST", "url": base, "body": cc.createBody(app, a)},
			{"method": "PATCH", "url": base + "/" + target.Id, "body": cc.change},
			{"method": "DELETE", "url": base + "/" + target.Id},
		}}); !refused(res.Status) {
			t.Errorf("%s batch against tenant A: %d %s", at.name, res.Status, res.Body)
		}
	}
	if got := snapshot(); got != before {
		t.Errorf("tenant A's record changed under attack:\nbefore %s\nafter  %s", before, got)
	}
	if got := count(); got != countBefore {
		t.Errorf("record count changed under attack: %d → %d", countBefore, got)
	}

	attackRealtime(t, app, srv, name, cc, a, target)
}

// attackRealtime subscribes the attackers to the collection and to tenant A's
// record, changes tenant A's data, and checks that only tenant A hears of it.
func attackRealtime(t *testing.T, app core.App, srv *httptest.Server, name string, cc collectionCase, a, target *core.Record) {
	topics := []string{name + "/*", name + "/" + target.Id}
	var spies []*apptest.RealtimeClient
	for _, at := range attackers {
		c, status := apptest.Realtime(t, srv, token(t, app, at), topics...)
		if c == nil {
			if !refused(status) {
				t.Errorf("%s realtime subscription: %d", at.name, status)
			}
			continue
		}
		spies = append(spies, c)
	}
	var control *apptest.RealtimeClient
	if cc.reader != "" {
		control, _ = apptest.Realtime(t, srv, apptest.Token(t, app, cc.reader+"@smith.example"), topics...)
	}

	cc.make(t, app, a)
	if cc.touch != nil {
		must(t, cc.touch(app, target))
	}
	if control != nil {
		if _, ok := control.Next(5 * time.Second); !ok {
			t.Fatal("positive control: tenant A heard nothing on realtime")
		}
	} else {
		time.Sleep(300 * time.Millisecond)
	}
	for i, spy := range spies {
		if ev, ok := spy.Next(200 * time.Millisecond); ok {
			t.Errorf("%s heard tenant A's change on %s: %v", attackers[i].name, ev.Topic, ev.Data)
		}
	}
}

// expanded returns the records an item's "expand" holds, by relation name.
func expanded(item map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	exp, _ := item["expand"].(map[string]any)
	for k, v := range exp {
		switch x := v.(type) {
		case map[string]any:
			out[k] = x
		case []any:
			for i, e := range x {
				if m, ok := e.(map[string]any); ok {
					out[fmt.Sprintf("%s[%d]", k, i)] = m
				}
			}
		}
	}
	return out
}

// routeProbe attacks one custom route across tenants.
type routeProbe struct {
	// sample is a request tenant A's admin could legitimately make.
	sample func(app core.App, a *core.Record) (method, path string, body any)
	// crossTenant runs tenant B's attempts on tenant A through the route and checks A is untouched.
	crossTenant func(t *testing.T, app core.App, srv *httptest.Server, a, b *core.Record)
}

// routeMatrix classifies every custom route, keyed by "METHOD path".
var routeMatrix = map[string]routeProbe{
	"POST /api/documents/uploads": {
		sample: func(app core.App, a *core.Record) (string, string, any) {
			return "POST", "/api/documents/uploads", map[string]any{"name": "a.txt", "type": "text/plain", "size": 10}
		},
		crossTenant: func(t *testing.T, app core.App, srv *httptest.Server, a, b *core.Record) {
			before, _ := app.CountRecords("documents", dbx.HashExp{"tenant": a.Id})
			res := apptest.Do(t, srv, "POST", "/api/documents/uploads", apptest.Token(t, app, "admin@jones.example"),
				map[string]any{"name": "planted.txt", "type": "text/plain", "size": 10, "tenant": a.Id})
			if after, _ := app.CountRecords("documents", dbx.HashExp{"tenant": a.Id}); after != before {
				t.Errorf("B admin's upload landed in tenant A (%d)", res.Status)
			}
		},
	},
	"POST /api/documents/{id}/complete":  documentProbe("POST", "/complete"),
	"GET /api/documents/{id}/download":   documentProbe("GET", "/download"),
	"POST /api/documents/{id}/reprocess": documentProbe("POST", "/reprocess"),
	"PUT /api/blob/{path...}":            blobProbe("PUT"),
	"GET /api/blob/{path...}":            blobProbe("GET"),
	"POST /api/n8n/callback/documents/{id}": {
		sample: func(app core.App, a *core.Record) (string, string, any) {
			return "POST", "/api/n8n/callback/documents/x", map[string]any{"status": "ready"}
		},
		crossTenant: func(t *testing.T, app core.App, srv *httptest.Server, a, b *core.Record) {
			doc := makeDocument(t, app, a)
			doc.Set("status", "processing")
			must(t, app.Save(doc))
			// a signed-in user's token is no n8n token
			for _, who := range []string{"admin@jones.example", "admin@smith.example"} {
				res := apptest.Do(t, srv, "POST", "/api/n8n/callback/documents/"+doc.Id, apptest.Token(t, app, who),
					map[string]any{"status": "ready", "chunks": []map[string]any{{"text": "planted"}}})
				if res.Status < 400 || res.Status >= 500 {
					t.Errorf("%s posts a callback: %d", who, res.Status)
				}
			}
			if n, _ := app.CountRecords("chunks", dbx.HashExp{"document": doc.Id}); n != 0 {
				t.Error("a callback without an n8n token wrote chunks")
			}
		},
	},
	"POST /api/chat/conversations/{id}/messages": {
		sample: func(app core.App, a *core.Record) (string, string, any) {
			return "POST", "/api/chat/conversations/aaaaaaaaaaaaaaa/messages", map[string]any{"content": "hello"}
		},
		crossTenant: func(t *testing.T, app core.App, srv *httptest.Server, a, b *core.Record) {
			conv := makeConversation(t, app, a)
			before, _ := app.CountRecords("messages", dbx.HashExp{"conversation": conv.Id})
			// tenant B, and colleagues of the owner in tenant A: the conversation does not exist for them
			for _, who := range []string{"admin@jones.example", "member@jones.example", "admin@smith.example", "manager@smith.example"} {
				res := apptest.Do(t, srv, "POST", "/api/chat/conversations/"+conv.Id+"/messages", apptest.Token(t, app, who), map[string]any{"content": "planted"})
				if res.Status != 404 {
					t.Errorf("%s posts into tenant A's member's conversation: %d %s", who, res.Status, res.Body)
				}
			}
			if after, _ := app.CountRecords("messages", dbx.HashExp{"conversation": conv.Id}); after != before {
				t.Errorf("messages were planted (%d → %d)", before, after)
			}
			res := apptest.Do(t, srv, "POST", "/api/chat/conversations/"+conv.Id+"/messages", apptest.Token(t, app, "member@smith.example"), map[string]any{"content": "own question"})
			if res.Status != 200 {
				t.Errorf("positive control: the owner asks: %d %s", res.Status, res.Body)
			}
		},
	},
	"POST /api/chat/messages/{id}/stop":     chatMessageProbe("/stop", nil, 200),
	"POST /api/chat/messages/{id}/retry":    chatMessageProbe("/retry", nil, 409),
	"POST /api/chat/messages/{id}/feedback": chatMessageProbe("/feedback", map[string]any{"rating": "down", "comment": "planted"}, 200),
	"GET /api/search": {
		sample: func(app core.App, a *core.Record) (string, string, any) { return "GET", "/api/search?q=oil", nil },
		crossTenant: func(t *testing.T, app core.App, srv *httptest.Server, a, b *core.Record) {
			doc := makeIndexedDocument(t, app, a)
			for _, who := range []string{"admin@jones.example", "member@jones.example"} {
				res := apptest.Do(t, srv, "GET", "/api/search?q=04152-YZZA6", apptest.Token(t, app, who), nil)
				if res.Status != 200 || strings.Contains(string(res.Body), doc.Id) {
					t.Errorf("%s searches tenant A's passages: %d %s", who, res.Status, res.Body)
				}
			}
			if res := apptest.Do(t, srv, "GET", "/api/search?q=04152-YZZA6", apptest.Token(t, app, "member@smith.example"), nil); !strings.Contains(string(res.Body), doc.Id) {
				t.Errorf("positive control: A's member does not find A's passage: %s", res.Body)
			}
		},
	},
	"GET /api/n8n/search":  searchToolProbe("GET"),
	"POST /api/n8n/search": searchToolProbe("POST"),
	"POST /api/tenant/users/invite": {
		sample: func(app core.App, a *core.Record) (string, string, any) {
			return "POST", "/api/tenant/users/invite", map[string]any{"email": "new@smith.example", "role": "member"}
		},
		crossTenant: func(t *testing.T, app core.App, srv *httptest.Server, a, b *core.Record) {
			bAdmin := apptest.Token(t, app, "admin@jones.example")
			res := apptest.Do(t, srv, "POST", "/api/tenant/users/invite", bAdmin,
				map[string]any{"email": "planted@smith.example", "role": "admin", "tenant": a.Id})
			if res.Status != 403 {
				t.Errorf("B admin invites into tenant A: %d %s", res.Status, res.Body)
			}
			if _, err := app.FindAuthRecordByEmail("users", "planted@smith.example"); err == nil {
				t.Error("B admin planted a user")
			}
			res = apptest.Do(t, srv, "POST", "/api/tenant/users/invite", bAdmin, map[string]any{"email": "own@jones.example", "role": "member"})
			if res.Status != 201 {
				t.Fatalf("B admin invites into B: %d %s", res.Status, res.Body)
			}
			u, err := app.FindAuthRecordByEmail("users", "own@jones.example")
			if err != nil || u.GetString("tenant") != b.Id {
				t.Errorf("invited user landed in the wrong tenant: %v", err)
			}
		},
	},
}

func TestIsolationMatrixRoutes(t *testing.T) {
	app := apptest.New(t, nil)
	apptest.Serve(t, app) // binds the routes
	routes := api.Routes(app)
	if len(routes) == 0 {
		t.Fatal("no custom routes recorded: is api.Bind used?")
	}
	for _, r := range routes {
		if _, ok := routeMatrix[r.Key()]; !ok {
			t.Errorf("route %q (%s) is not in the isolation matrix: add a routeProbe for it in hooks/isolation_test.go", r.Key(), r.Access)
		}
	}
	for key := range routeMatrix {
		if !slices.ContainsFunc(routes, func(r api.Route) bool { return r.Key() == key }) {
			t.Errorf("the matrix names route %q, which the app does not have", key)
		}
	}
	for _, r := range routes {
		probe, ok := routeMatrix[r.Key()]
		if !ok {
			continue
		}
		t.Run(r.Key(), func(t *testing.T) {
			t.Parallel()
			attackRoute(t, r, probe)
		})
	}
}

func attackRoute(t *testing.T, r api.Route, probe routeProbe) {
	app := apptest.New(t, nil)
	srv := apptest.Serve(t, app)
	a, err := tenancy.FindTenant(app, "smith")
	must(t, err)
	b, err := tenancy.FindTenant(app, "jones")
	must(t, err)
	method, path, body := probe.sample(app, a)

	// who the access level refuses, and with which status
	type caller struct {
		name, email string
		want        int
	}
	var refusedCallers []caller
	switch r.Access {
	case api.Public, api.N8N:
	case api.Superuser:
		refusedCallers = []caller{{"guest", "", 401}, {"A admin", "admin@smith.example", 403}}
	default:
		refusedCallers = append(refusedCallers, caller{"guest", "", 401}, caller{"superuser", apptest.Superuser(t, app), 403})
		for _, role := range []string{"member", "manager", "admin"} {
			if !r.Access.Admits(role) {
				refusedCallers = append(refusedCallers, caller{"A " + role, role + "@smith.example", 403})
			}
		}
	}
	for _, c := range refusedCallers {
		tok := ""
		if c.email != "" {
			tok = apptest.Token(t, app, c.email)
		}
		if res := apptest.Do(t, srv, method, path, tok, body); res.Status != c.want {
			t.Errorf("%s calls %s: %d %s, want %d", c.name, r.Key(), res.Status, res.Body, c.want)
		}
	}
	if r.Access != api.Public && r.Access != api.N8N && r.Access != api.Superuser {
		// a suspended tenant's admin is refused before the handler runs
		must(t, tenancy.SetStatus(app, a, tenancy.StatusSuspended, audit.CLI))
		if res := apptest.Do(t, srv, method, path, apptest.Token(t, app, "admin@smith.example"), body); res.Status != 403 {
			t.Errorf("suspended tenant's admin calls %s: %d", r.Key(), res.Status)
		}
		must(t, tenancy.SetStatus(app, a, tenancy.StatusActive, audit.CLI))
	}
	probe.crossTenant(t, app, srv, a, b)
}

// makeDocument stores a small ready document of tenant, file included, with
// the fields given set before it is first saved.
func makeDocument(t *testing.T, app core.App, tenant *core.Record, fields ...map[string]any) *core.Record {
	col, err := app.FindCollectionByNameOrId("documents")
	must(t, err)
	doc := core.NewRecord(col)
	doc.Id = core.GenerateDefaultRandomId()
	key, err := blob.DocumentKey(tenant.Id, doc.Id, "parts.txt")
	must(t, err)
	body := "Oil filter 04152-YZZA6"
	must(t, documents.StoreOf(app).Put(t.Context(), key, strings.NewReader(body), int64(len(body)), "text/plain"))
	doc.Set("tenant", tenant.Id)
	doc.Set("filename", "parts.txt")
	doc.Set("title", "Parts")
	doc.Set("content_type", "text/plain")
	doc.Set("size", len(body))
	doc.Set("storage_key", key)
	doc.Set("status", "ready")
	for _, f := range fields {
		for k, v := range f {
			doc.Set(k, v)
		}
	}
	must(t, app.Save(doc))
	return doc
}

// documentProbe attacks a route on one document: tenant B must get 404 for tenant A's document, which stays as it was.
func documentProbe(method, suffix string) routeProbe {
	return routeProbe{
		sample: func(app core.App, a *core.Record) (string, string, any) {
			return method, "/api/documents/aaaaaaaaaaaaaaa" + suffix, nil
		},
		crossTenant: func(t *testing.T, app core.App, srv *httptest.Server, a, b *core.Record) {
			doc := makeDocument(t, app, a)
			before := fmt.Sprint(doc.FieldsData())
			for _, who := range []string{"admin@jones.example", "member@jones.example"} {
				res := apptest.Do(t, srv, method, "/api/documents/"+doc.Id+suffix, apptest.Token(t, app, who), nil)
				if res.Status != 404 || strings.Contains(string(res.Body), "http") {
					t.Errorf("%s %s on tenant A's document: %d %s", who, suffix, res.Status, res.Body)
				}
			}
			after, _ := app.FindRecordById("documents", doc.Id)
			if fmt.Sprint(after.FieldsData()) != before {
				t.Errorf("tenant A's document changed: %v", after.FieldsData())
			}
			// positive control: A's member gets an answer
			if res := apptest.Do(t, srv, method, "/api/documents/"+doc.Id+suffix, apptest.Token(t, app, "admin@smith.example"), nil); res.Status == 404 {
				t.Errorf("A's admin %s: 404", suffix)
			}
		},
	}
}

// blobProbe attacks the local store's presigned URLs: no signature, and tenant
// B's valid signature moved onto tenant A's object, are both refused.
func blobProbe(method string) routeProbe {
	return routeProbe{
		sample: func(app core.App, a *core.Record) (string, string, any) {
			return method, "/api/blob/tenants/x/documents/y/z.txt", nil
		},
		crossTenant: func(t *testing.T, app core.App, srv *httptest.Server, a, b *core.Record) {
			docA, docB := makeDocument(t, app, a), makeDocument(t, app, b)
			keyA := docA.GetString("storage_key")
			var urlB string
			var err error
			if method == "PUT" {
				urlB, err = documents.StoreOf(app).PresignPut(t.Context(), docB.GetString("storage_key"), time.Minute, "text/plain")
			} else {
				urlB, err = documents.StoreOf(app).PresignGet(t.Context(), docB.GetString("storage_key"), time.Minute, "parts.txt", blob.Attachment)
			}
			must(t, err)
			moved := strings.Replace(urlB, docB.GetString("storage_key"), keyA, 1)
			for _, u := range []string{srv.URL + "/api/blob/" + keyA, moved} {
				req, _ := http.NewRequest(method, u, strings.NewReader("planted"))
				req.Header.Set("Content-Type", "text/plain")
				res, err := http.DefaultClient.Do(req)
				must(t, err)
				res.Body.Close()
				if res.StatusCode != 403 {
					t.Errorf("%s %s: %d, want 403", method, u, res.StatusCode)
				}
			}
			rc, err := documents.StoreOf(app).Open(t.Context(), keyA)
			must(t, err)
			defer rc.Close()
			if b, _ := io.ReadAll(rc); string(b) != "Oil filter 04152-YZZA6" {
				t.Errorf("tenant A's file changed: %q", b)
			}
		},
	}
}

// ownerOf is the user of tenant that owns the chat records the matrix attacks: its member.
func ownerOf(app core.App, tenant *core.Record) *core.Record {
	u, _ := app.FindAuthRecordByEmail("users", "member@"+tenant.GetString("slug")+".example")
	return u
}

// makeConversation stores a conversation of tenant's member.
func makeConversation(t *testing.T, app core.App, tenant *core.Record) *core.Record {
	col, err := app.FindCollectionByNameOrId("conversations")
	must(t, err)
	r := core.NewRecord(col)
	r.Set("tenant", tenant.Id)
	r.Set("user", ownerOf(app, tenant).Id)
	r.Set("title", "Brake discs for the A4")
	must(t, app.Save(r))
	return r
}

// makeExchange stores a conversation of tenant's member with a question and its complete answer.
func makeExchange(t *testing.T, app core.App, tenant *core.Record) (question, answer *core.Record) {
	conv := makeConversation(t, app, tenant)
	col, err := app.FindCollectionByNameOrId("messages")
	must(t, err)
	msg := func(role, content, replyTo string) *core.Record {
		r := core.NewRecord(col)
		r.Set("tenant", tenant.Id)
		r.Set("conversation", conv.Id)
		r.Set("user", conv.GetString("user"))
		r.Set("role", role)
		r.Set("status", "complete")
		r.Set("content", content)
		r.Set("reply_to", replyTo)
		must(t, app.Save(r))
		return r
	}
	question = msg("user", "What replaces 8E0-615-301-AF?", "")
	return question, msg("assistant", "8E0-615-301-AG.", question.Id)
}

// chatMessageProbe attacks a route on one answer: tenant B, and the owner's
// colleagues in tenant A, get 404 and the answer stays as it was; the owner
// gets ownStatus.
func chatMessageProbe(suffix string, body map[string]any, ownStatus int) routeProbe {
	return routeProbe{
		sample: func(app core.App, a *core.Record) (string, string, any) {
			return "POST", "/api/chat/messages/aaaaaaaaaaaaaaa" + suffix, body
		},
		crossTenant: func(t *testing.T, app core.App, srv *httptest.Server, a, b *core.Record) {
			_, answer := makeExchange(t, app, a)
			before := fmt.Sprint(answer.FieldsData())
			for _, who := range []string{"admin@jones.example", "member@jones.example", "admin@smith.example", "manager@smith.example"} {
				res := apptest.Do(t, srv, "POST", "/api/chat/messages/"+answer.Id+suffix, apptest.Token(t, app, who), body)
				if res.Status != 404 {
					t.Errorf("%s %s on tenant A's member's answer: %d %s", who, suffix, res.Status, res.Body)
				}
			}
			after, _ := app.FindRecordById("messages", answer.Id)
			if fmt.Sprint(after.FieldsData()) != before {
				t.Errorf("the answer changed: %v", after.FieldsData())
			}
			if res := apptest.Do(t, srv, "POST", "/api/chat/messages/"+answer.Id+suffix, apptest.Token(t, app, "member@smith.example"), body); res.Status != ownStatus {
				t.Errorf("positive control: the owner %s: %d %s, want %d", suffix, res.Status, res.Body, ownStatus)
			}
		},
	}
}

// makeIndexedDocument stores a ready document of tenant with one searchable passage.
func makeIndexedDocument(t *testing.T, app core.App, tenant *core.Record) *core.Record {
	doc := makeDocument(t, app, tenant)
	must(t, app.RunInTransaction(func(tx core.App) error {
		res, err := tx.DB().Insert("chunks", dbx.Params{"id": core.GenerateDefaultRandomId(), "tenant": tenant.Id, "document": doc.Id,
			"ordinal": 0, "page": 1, "row": 0, "sheet": "", "text": "Oil filter 04152-YZZA6, 7.45 EUR",
			"created": time.Now().UTC().Format("2006-01-02 15:04:05.000Z")}).Execute()
		if err != nil {
			return err
		}
		rowid, _ := res.LastInsertId()
		return search.IndexChunks(tx.DB(), []search.Chunk{{RowID: rowid, Tenant: tenant.Id, Text: "Oil filter 04152-YZZA6, 7.45 EUR"}})
	}))
	return doc
}

// searchToolProbe attacks n8n's search tool: a token minted for tenant B
// never reads tenant A's passages, and sign-in tokens are no search tokens.
func searchToolProbe(method string) routeProbe {
	return toolProbe(method, chat.SearchToolPath, "query=04152-YZZA6", `{"query":"04152-YZZA6"}`,
		func(t *testing.T, app core.App, a *core.Record) string { return makeIndexedDocument(t, app, a).Id })
}

// toolProbe attacks a tool route of n8n agents: with a token minted for
// tenant B the call succeeds but never shows what plant stored in tenant A
// (identified by the id it returns); sign-in tokens and no token get 401;
// tenant A's own token finds it (positive control).
func toolProbe(method, path, query, body string, plant func(t *testing.T, app core.App, a *core.Record) string) routeProbe {
	call := func(t *testing.T, srv *httptest.Server, token string) (int, string) {
		return callTool(t, srv, method, path, query, body, token)
	}
	return routeProbe{
		sample: func(app core.App, a *core.Record) (string, string, any) { return method, path + "?" + query, nil },
		crossTenant: func(t *testing.T, app core.App, srv *httptest.Server, a, b *core.Record) {
			id := plant(t, app, a)
			bTok, err := chat.SearchToken(app, b.Id, ownerOf(app, b).Id, core.GenerateDefaultRandomId())
			must(t, err)
			if status, body := call(t, srv, "Bearer "+bTok); status != 200 || strings.Contains(body, id) {
				t.Errorf("tenant B's token reaches tenant A's %s on %s: %d %s", id, path, status, body)
			}
			for _, who := range []string{"admin@jones.example", "admin@smith.example"} {
				if status, body := call(t, srv, apptest.Token(t, app, who)); status != 401 || strings.Contains(body, id) {
					t.Errorf("%s's sign-in token on %s: %d", who, path, status)
				}
			}
			if status, _ := call(t, srv, ""); status != 401 {
				t.Errorf("no token on %s: %d", path, status)
			}
			aTok, _ := chat.SearchToken(app, a.Id, ownerOf(app, a).Id, core.GenerateDefaultRandomId())
			if _, body := call(t, srv, "Bearer "+aTok); !strings.Contains(body, id) {
				t.Errorf("positive control: tenant A's token does not find A's %s on %s: %s", id, path, body)
			}
		},
	}
}

// callTool calls an n8n tool route as n8n's HTTP Request tool does: GET
// with query, or POST with the JSON body, and token as the Authorization header.
func callTool(t *testing.T, srv *httptest.Server, method, path, query, body, token string) (int, string) {
	var rd io.Reader
	u := srv.URL + path + "?" + query
	if method == "POST" {
		u, rd = srv.URL+path, strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, u, rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := http.DefaultClient.Do(req)
	must(t, err)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestIsolationMatrixOwnerOnly attacks the owner-only collections from the
// owner's own tenant: the tenant admin and a manager see and change nothing
// of a member's conversations and messages, through the rules alone, the
// records API, batch and realtime.
func TestIsolationMatrixOwnerOnly(t *testing.T) {
	for _, name := range []string{"conversations", "messages"} {
		cc := collectionMatrix[name]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			attackFromColleagues(t, name, cc)
		})
	}
}

func attackFromColleagues(t *testing.T, name string, cc collectionCase) {
	app := apptest.New(t, nil)
	srv := apptest.Serve(t, app)
	a, err := tenancy.FindTenant(app, "smith")
	must(t, err)
	owner := ownerOf(app, a)
	target := cc.make(t, app, a)
	base := "/api/collections/" + name + "/records"
	colleagues := []attacker{{"A admin", "admin@smith.example"}, {"A manager", "manager@smith.example"}}
	snapshot := func() string {
		r, err := app.FindRecordById(name, target.Id)
		if err != nil {
			return "deleted"
		}
		return fmt.Sprint(r.FieldsData())
	}
	before := snapshot()
	countBefore, _ := app.CountRecords(name)

	col := target.Collection()
	for _, at := range colleagues {
		info := &core.RequestInfo{Method: "GET", Body: cc.change}
		info.Auth, err = app.FindAuthRecordByEmail("users", at.email)
		must(t, err)
		for action, rule := range map[string]*string{"list": col.ListRule, "view": col.ViewRule, "update": col.UpdateRule, "delete": col.DeleteRule} {
			if ok, err := app.CanAccessRecord(target, info, rule); ok || err != nil {
				t.Errorf("%s rule of %s lets %s reach the member's record (err %v)", action, name, at.name, err)
			}
		}
		tok := token(t, app, at)
		for _, p := range []string{
			base + "?perPage=500",
			base + "?perPage=500&filter=" + url.QueryEscape(fmt.Sprintf("id = %q", target.Id)),
			base + "?perPage=500&filter=" + url.QueryEscape(fmt.Sprintf("user = %q", owner.Id)),
			base + "?perPage=500&expand=user,tenant",
		} {
			res := apptest.Do(t, srv, "GET", p, tok, nil)
			if res.Status >= 500 {
				t.Errorf("%s GET %s: %d", at.name, p, res.Status)
			}
			for _, item := range res.Items() {
				if item["user"] == owner.Id {
					t.Errorf("%s GET %s: sees the member's record %v", at.name, p, item["id"])
				}
			}
		}
		if res := apptest.Do(t, srv, "GET", base+"/"+target.Id, tok, nil); !refused(res.Status) {
			t.Errorf("%s views the member's record: %d", at.name, res.Status)
		}
		if res := apptest.Do(t, srv, "PATCH", base+"/"+target.Id, tok, cc.change); !refused(res.Status) {
			t.Errorf("%s updates the member's record: %d", at.name, res.Status)
		}
		if res := apptest.Do(t, srv, "DELETE", base+"/"+target.Id, tok, nil); !refused(res.Status) {
			t.Errorf("%s deletes the member's record: %d", at.name, res.Status)
		}
		if res := apptest.Do(t, srv, "POST", base, tok, cc.createBody(app, a)); !refused(res.Status) {
			t.Errorf("%s creates a record owned by the member: %d %s", at.name, res.Status, res.Body)
		}
		if res := apptest.Do(t, srv, "POST", "/api/batch", tok, map[string]any{"requests": []map[string]any{
			{"method": "POST", "url": base, "body": cc.createBody(app, a)},
			{"method": "PATCH", "url": base + "/" + target.Id, "body": cc.change},
			{"method": "DELETE", "url": base + "/" + target.Id},
		}}); !refused(res.Status) {
			t.Errorf("%s batch against the member: %d", at.name, res.Status)
		}
	}
	if got := snapshot(); got != before {
		t.Errorf("the member's record changed:\nbefore %s\nafter  %s", before, got)
	}
	if n, _ := app.CountRecords(name); n != countBefore {
		t.Errorf("record count changed: %d → %d", countBefore, n)
	}

	topics := []string{name + "/*", name + "/" + target.Id}
	var spies []*apptest.RealtimeClient
	for _, at := range colleagues {
		if c, _ := apptest.Realtime(t, srv, token(t, app, at), topics...); c != nil {
			spies = append(spies, c)
		}
	}
	control, _ := apptest.Realtime(t, srv, apptest.Token(t, app, owner.Email()), topics...)
	must(t, cc.touch(app, target))
	if _, ok := control.Next(5 * time.Second); !ok {
		t.Fatal("positive control: the owner heard nothing on realtime")
	}
	for i, spy := range spies {
		if ev, ok := spy.Next(300 * time.Millisecond); ok {
			t.Errorf("%s heard the member's change on %s", colleagues[i].name, ev.Topic)
		}
	}
}
