package tenancy_test

import (
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/apptest"
	"counterpart/hooks/tenancy"
)

func tenant(t *testing.T, app core.App, slug string) *core.Record {
	t.Helper()
	r, err := tenancy.FindTenant(app, slug)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func user(t *testing.T, app core.App, email string) *core.Record {
	t.Helper()
	r, err := app.FindAuthRecordByEmail("users", email)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func auditActions(t *testing.T, app core.App, tenantID string) []string {
	t.Helper()
	recs, err := app.FindRecordsByFilter("audit_log", "tenant = {:t}", "created", 0, 0, map[string]any{"t": tenantID})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, 0, len(recs))
	for _, r := range recs {
		out = append(out, r.GetString("action"))
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestTenantSettingsValidation(t *testing.T) {
	t.Parallel()
	app := apptest.New(t, nil)
	srv := apptest.Serve(t, app)
	smith := tenant(t, app, "smith")
	admin := apptest.Token(t, app, "admin@smith.example")
	path := "/api/collections/tenants/records/" + smith.Id

	many := make([]string, 21)
	for i := range many {
		many[i] = "r" + strings.Repeat("x", i) + "@smith.example"
	}
	cases := []struct {
		name  string
		body  map[string]any
		field string // the field the 400 names; "" means the change is accepted
	}{
		{"unknown timezone", map[string]any{"timezone": "Mars/Olympus"}, "timezone"},
		{"server-local timezone", map[string]any{"timezone": "Local"}, "timezone"},
		{"cron that does not parse", map[string]any{"report_schedule": "every monday"}, "report_schedule"},
		{"schedule every minute", map[string]any{"report_schedule": "* * * * *"}, "report_schedule"},
		{"recipient not an email", map[string]any{"report_recipients": []string{"parts manager"}}, "report_recipients"},
		{"too many recipients", map[string]any{"report_recipients": many}, "report_recipients"},
		{"recipients not a list", map[string]any{"report_recipients": map[string]any{"a": 1}}, "report_recipients"},
		{"upload limit too large", map[string]any{"max_upload_mb": 5000}, "max_upload_mb"},
		{"negative upload limit", map[string]any{"max_upload_mb": -5}, "max_upload_mb"},
		{"no upload limit", map[string]any{"max_upload_mb": 0}, "max_upload_mb"},
		{"file type not offered", map[string]any{"allowed_file_types": []string{"exe"}}, "allowed_file_types"},
		{"system prompt too long", map[string]any{"system_prompt": strings.Repeat("a", 8001)}, "system_prompt"},
		{"empty name", map[string]any{"name": ""}, "name"},
		{"valid settings", map[string]any{"timezone": "Europe/Berlin", "report_schedule": "0 7 * * 1",
			"report_recipients": []string{"boss@smith.example"}, "max_upload_mb": 50,
			"allowed_file_types": []string{"pdf", "csv"}, "system_prompt": "Answer briefly."}, ""},
	}
	for _, c := range cases {
		res := apptest.Do(t, srv, "PATCH", path, admin, c.body)
		if c.field == "" {
			if res.Status != 200 {
				t.Errorf("%s: status %d, want 200: %s", c.name, res.Status, res.Body)
			}
			continue
		}
		data, _ := res.JSON["data"].(map[string]any)
		if res.Status != 400 || data[c.field] == nil {
			t.Errorf("%s: status %d body %s, want 400 naming %s", c.name, res.Status, res.Body, c.field)
		}
	}
	got := tenant(t, app, "smith")
	if got.GetString("timezone") != "Europe/Berlin" || got.GetInt("max_upload_mb") != 50 {
		t.Errorf("valid settings not saved: %v", got.PublicExport())
	}
	if !contains(auditActions(t, app, smith.Id), "tenant.settings_changed") {
		t.Error("settings change not audited")
	}
}

func TestTenantFieldsOnlyITChanges(t *testing.T) {
	t.Parallel()
	app := apptest.New(t, nil)
	srv := apptest.Serve(t, app)
	smith := tenant(t, app, "smith")
	path := "/api/collections/tenants/records/" + smith.Id
	cases := []struct {
		who  string
		body map[string]any
	}{
		{"admin@smith.example", map[string]any{"status": "suspended"}},
		{"admin@smith.example", map[string]any{"slug": "smith2"}},
		{"admin@smith.example", map[string]any{"storage_quota_mb": 999999}},
		{"admin@smith.example", map[string]any{"monthly_message_quota": 999999}},
		{"manager@smith.example", map[string]any{"system_prompt": "x"}},
		{"member@smith.example", map[string]any{"system_prompt": "x"}},
		{"admin@jones.example", map[string]any{"system_prompt": "x"}},
	}
	for _, c := range cases {
		res := apptest.Do(t, srv, "PATCH", path, apptest.Token(t, app, c.who), c.body)
		if res.Status < 400 || res.Status >= 500 {
			t.Errorf("%s PATCH %v: status %d, want 4xx", c.who, c.body, res.Status)
		}
	}
	got := tenant(t, app, "smith")
	if got.GetString("status") != "active" || got.GetString("slug") != "smith" || got.GetString("system_prompt") != "" {
		t.Errorf("tenant changed: %v", got.PublicExport())
	}
	if res := apptest.Do(t, srv, "DELETE", path, apptest.Token(t, app, "admin@smith.example"), nil); res.Status < 400 {
		t.Errorf("tenant admin deleted own tenant: %d", res.Status)
	}
	if res := apptest.Do(t, srv, "POST", "/api/collections/tenants/records", apptest.Token(t, app, "admin@smith.example"),
		map[string]any{"name": "X", "slug": "xx", "status": "active"}); res.Status < 400 {
		t.Errorf("tenant admin created a tenant: %d", res.Status)
	}
}

func TestRoleChanges(t *testing.T) {
	t.Parallel()
	app := apptest.New(t, nil)
	srv := apptest.Serve(t, app)
	member := user(t, app, "member@smith.example")
	manager := user(t, app, "manager@smith.example")
	admin := user(t, app, "admin@smith.example")
	path := func(u *core.Record) string { return "/api/collections/users/records/" + u.Id }

	cases := []struct {
		name   string
		who    string
		target *core.Record
		body   map[string]any
		ok     bool
	}{
		{"member promotes self", "member@smith.example", member, map[string]any{"role": "admin"}, false},
		{"member moves self to another tenant", "member@smith.example", member, map[string]any{"tenant": tenant(t, app, "jones").Id}, false},
		{"member reactivates self", "member@smith.example", member, map[string]any{"active": true}, false},
		{"member renames self", "member@smith.example", member, map[string]any{"name": "Pat"}, true},
		{"manager promotes member", "manager@smith.example", member, map[string]any{"role": "manager"}, false},
		{"manager promotes self", "manager@smith.example", manager, map[string]any{"role": "admin"}, false},
		{"other tenant's admin changes role", "admin@jones.example", member, map[string]any{"role": "admin"}, false},
		{"admin demotes self", "admin@smith.example", admin, map[string]any{"role": "member"}, false},
		{"admin sets a bad role", "admin@smith.example", member, map[string]any{"role": "owner"}, false},
		{"admin moves user to another tenant", "admin@smith.example", member, map[string]any{"tenant": tenant(t, app, "jones").Id}, false},
		{"admin promotes member", "admin@smith.example", member, map[string]any{"role": "manager"}, true},
	}
	for _, c := range cases {
		res := apptest.Do(t, srv, "PATCH", path(c.target), apptest.Token(t, app, c.who), c.body)
		if c.ok && res.Status != 200 {
			t.Errorf("%s: status %d, want 200: %s", c.name, res.Status, res.Body)
		}
		if !c.ok && (res.Status < 400 || res.Status >= 500) {
			t.Errorf("%s: status %d, want 4xx: %s", c.name, res.Status, res.Body)
		}
	}
	got := user(t, app, "member@smith.example")
	if got.GetString("role") != "manager" || got.GetString("tenant") != member.GetString("tenant") || got.GetString("name") != "Pat" {
		t.Errorf("member after changes: %v", got.PublicExport())
	}
	if !contains(auditActions(t, app, member.GetString("tenant")), "user.role_changed") {
		t.Error("role change not audited")
	}
}

func TestLastAdminStays(t *testing.T) {
	t.Parallel()
	app := apptest.New(t, nil)
	srv := apptest.Serve(t, app)
	it := apptest.Token(t, app, apptest.Superuser(t, app))
	admin := user(t, app, "admin@smith.example")
	path := "/api/collections/users/records/" + admin.Id

	for _, body := range []map[string]any{{"role": "member"}, {"active": false}} {
		res := apptest.Do(t, srv, "PATCH", path, it, body)
		if res.Status != 400 || !strings.Contains(res.Message(), "last admin") {
			t.Errorf("demote last admin %v: %d %s", body, res.Status, res.Body)
		}
	}
	if res := apptest.Do(t, srv, "DELETE", path, it, nil); res.Status != 400 {
		t.Errorf("delete last admin: %d %s", res.Status, res.Body)
	}
	// with a second admin, the first may go
	manager := user(t, app, "manager@smith.example")
	if res := apptest.Do(t, srv, "PATCH", "/api/collections/users/records/"+manager.Id, apptest.Token(t, app, "admin@smith.example"),
		map[string]any{"role": "admin"}); res.Status != 200 {
		t.Fatalf("promote manager: %d %s", res.Status, res.Body)
	}
	if res := apptest.Do(t, srv, "PATCH", path, apptest.Token(t, app, "manager@smith.example"), map[string]any{"role": "member"}); res.Status != 200 {
		t.Errorf("demote one of two admins: %d %s", res.Status, res.Body)
	}
}

func TestDeactivatedUser(t *testing.T) {
	t.Parallel()
	app := apptest.New(t, nil)
	srv := apptest.Serve(t, app)
	member := user(t, app, "member@smith.example")
	oldToken := apptest.Token(t, app, "member@smith.example")

	res := apptest.Do(t, srv, "PATCH", "/api/collections/users/records/"+member.Id, apptest.Token(t, app, "admin@smith.example"),
		map[string]any{"active": false})
	if res.Status != 200 {
		t.Fatalf("deactivate: %d %s", res.Status, res.Body)
	}
	res = apptest.Do(t, srv, "POST", "/api/collections/users/auth-with-password", "",
		map[string]any{"identity": "member@smith.example", "password": "counterpart-demo"})
	if res.Status != 403 || !strings.Contains(res.Message(), "deactivated") {
		t.Errorf("sign-in of deactivated user: %d %s", res.Status, res.Body)
	}
	if _, ok := res.JSON["token"]; ok {
		t.Error("deactivated user received a token")
	}
	// the old session was revoked: the token no longer identifies anyone
	res = apptest.Do(t, srv, "GET", "/api/collections/users/records/"+member.Id, oldToken, nil)
	if res.Status != 404 {
		t.Errorf("old token after deactivation: %d %s", res.Status, res.Body)
	}
	if !contains(auditActions(t, app, member.GetString("tenant")), "user.deactivated") {
		t.Error("deactivation not audited")
	}
}

func TestSuspendedTenant(t *testing.T) {
	t.Parallel()
	app := apptest.New(t, nil)
	srv := apptest.Serve(t, app)
	it := apptest.Token(t, app, apptest.Superuser(t, app))
	smith := tenant(t, app, "smith")
	token := apptest.Token(t, app, "member@smith.example")

	res := apptest.Do(t, srv, "PATCH", "/api/collections/tenants/records/"+smith.Id, it, map[string]any{"status": "suspended"})
	if res.Status != 200 {
		t.Fatalf("suspend: %d %s", res.Status, res.Body)
	}
	res = apptest.Do(t, srv, "POST", "/api/collections/users/auth-with-password", "",
		map[string]any{"identity": "member@smith.example", "password": "counterpart-demo"})
	if res.Status != 403 || !strings.Contains(res.Message(), "Smith Motors is suspended") {
		t.Errorf("sign-in to suspended tenant: %d %s", res.Status, res.Body)
	}
	for _, p := range []string{"/api/collections/users/records", "/api/collections/tenants/records/" + smith.Id, "/api/collections/users/auth-refresh"} {
		method := "GET"
		if strings.HasSuffix(p, "auth-refresh") {
			method = "POST"
		}
		res = apptest.Do(t, srv, method, p, token, nil)
		if res.Status != 403 || !strings.Contains(res.Message(), "suspended") {
			t.Errorf("%s %s with a suspended tenant's token: %d %s", method, p, res.Status, res.Body)
		}
	}
	// the other tenant is untouched
	if res := apptest.Do(t, srv, "GET", "/api/collections/users/records", apptest.Token(t, app, "member@jones.example"), nil); res.Status != 200 || len(res.Items()) != 3 {
		t.Errorf("other tenant while smith is suspended: %d %d items", res.Status, len(res.Items()))
	}
	if !contains(auditActions(t, app, smith.Id), "tenant.suspended") {
		t.Error("suspension not audited")
	}
	apptest.Do(t, srv, "PATCH", "/api/collections/tenants/records/"+smith.Id, it, map[string]any{"status": "active"})
	if res := apptest.Do(t, srv, "GET", "/api/collections/users/records", token, nil); res.Status != 200 {
		t.Errorf("after reactivation: %d %s", res.Status, res.Body)
	}
}

func TestDeleteTenant(t *testing.T) {
	t.Parallel()
	app := apptest.New(t, nil)
	srv := apptest.Serve(t, app)
	it := apptest.Token(t, app, apptest.Superuser(t, app))
	smith, jones := tenant(t, app, "smith"), tenant(t, app, "jones")
	path := "/api/collections/tenants/records/" + smith.Id

	if res := apptest.Do(t, srv, "DELETE", path, it, nil); res.Status != 400 {
		t.Errorf("delete an active tenant: %d %s, want 400", res.Status, res.Body)
	}
	if n, _ := app.CountRecords("users", nil); n != 6 {
		t.Fatalf("users after refused delete: %d", n)
	}
	before := map[string]int64{}
	for _, c := range []string{"users", "audit_log"} {
		before[c], _ = app.CountRecords(c, dbxTenant(jones.Id))
	}
	apptest.Do(t, srv, "PATCH", path, it, map[string]any{"status": "suspended"})
	if res := apptest.Do(t, srv, "DELETE", path, it, nil); res.Status != 204 {
		t.Fatalf("delete a suspended tenant: %d %s", res.Status, res.Body)
	}
	for _, c := range []string{"users", "audit_log"} {
		if n, _ := app.CountRecords(c, dbxTenant(smith.Id)); n != 0 {
			t.Errorf("%s of the deleted tenant left: %d", c, n)
		}
		if n, _ := app.CountRecords(c, dbxTenant(jones.Id)); n != before[c] {
			t.Errorf("%s of the other tenant: %d, want %d", c, n, before[c])
		}
	}
	if n, _ := app.CountRecords("audit_log", dbxAction("tenant.deleted")); n != 1 {
		t.Errorf("tenant deletion audited %d times, want 1", n)
	}
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	t.Parallel()
	app := apptest.New(t, nil)
	srv := apptest.Serve(t, app)
	smith := tenant(t, app, "smith")
	entries, _ := app.FindRecordsByFilter("audit_log", "tenant = {:t}", "", 1, 0, map[string]any{"t": smith.Id})
	if len(entries) == 0 {
		t.Fatal("seed wrote no audit entries")
	}
	id := entries[0].Id
	for _, who := range []string{apptest.Superuser(t, app), "admin@smith.example"} {
		tok := apptest.Token(t, app, who)
		if res := apptest.Do(t, srv, "POST", "/api/collections/audit_log/records", tok, map[string]any{"tenant": smith.Id, "action": "forged"}); res.Status != 403 && res.Status != 400 {
			t.Errorf("%s created an audit entry: %d", who, res.Status)
		}
		if res := apptest.Do(t, srv, "PATCH", "/api/collections/audit_log/records/"+id, tok, map[string]any{"action": "forged"}); res.Status < 400 {
			t.Errorf("%s edited an audit entry: %d", who, res.Status)
		}
		if res := apptest.Do(t, srv, "DELETE", "/api/collections/audit_log/records/"+id, tok, nil); res.Status < 400 {
			t.Errorf("%s deleted an audit entry: %d", who, res.Status)
		}
	}
	if res := apptest.Do(t, srv, "GET", "/api/collections/audit_log/records", apptest.Token(t, app, "admin@smith.example"), nil); res.Status != 200 || len(res.Items()) == 0 {
		t.Errorf("tenant admin reads own log: %d, %d items", res.Status, len(res.Items()))
	} else {
		for _, it := range res.Items() {
			if it["tenant"] != smith.Id {
				t.Errorf("tenant admin saw another tenant's entry: %v", it)
			}
		}
	}
	if res := apptest.Do(t, srv, "GET", "/api/collections/audit_log/records", apptest.Token(t, app, "member@smith.example"), nil); len(res.Items()) != 0 {
		t.Errorf("member read the audit log: %d items", len(res.Items()))
	}
}
