package hooks_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/apptest"
	"counterpart/hooks/audit"
	"counterpart/hooks/tenancy"
)

// The mail and set-password-link routes in the isolation matrix: tenant B's
// admin never gets a link for a person of tenant A, and the mail status
// carries nothing of any tenant.
func init() {
	routeMatrix["POST /api/tenant/users/{id}/set-password-link"] = routeProbe{
		sample: func(app core.App, a *core.Record) (string, string, any) {
			return "POST", "/api/tenant/users/" + invitedUser(nil, app, a).Id + "/set-password-link", nil
		},
		crossTenant: func(t *testing.T, app core.App, srv *httptest.Server, a, b *core.Record) {
			u := invitedUser(t, app, a)
			path := "/api/tenant/users/" + u.Id + "/set-password-link"
			res := apptest.Do(t, srv, "POST", path, apptest.Token(t, app, "admin@jones.example"), nil)
			if res.Status != 404 || strings.Contains(string(res.Body), "token=") {
				t.Errorf("B admin gets a link for A's invitee: %d %s", res.Status, res.Body)
			}
			for _, tenantID := range []string{a.Id, b.Id} {
				if n, _ := app.CountRecords(audit.Collection, dbx.HashExp{"tenant": tenantID, "action": tenancy.ActionInviteLinkCreated}); n != 0 {
					t.Errorf("B admin's refused attempt left %d link entries in the audit log of %s", n, tenantID)
				}
			}
			if res := apptest.Do(t, srv, "POST", path, apptest.Token(t, app, "admin@smith.example"), nil); res.Status != 200 || !strings.Contains(string(res.Body), "token=") {
				t.Errorf("positive control: A admin gets a link for A's invitee: %d %s", res.Status, res.Body)
			}
		},
	}
	routeMatrix["GET /api/tenant/mail"] = routeProbe{
		sample: func(app core.App, a *core.Record) (string, string, any) { return "GET", "/api/tenant/mail", nil },
		crossTenant: func(t *testing.T, app core.App, srv *httptest.Server, a, b *core.Record) {
			ra := apptest.Do(t, srv, "GET", "/api/tenant/mail", apptest.Token(t, app, "member@smith.example"), nil)
			rb := apptest.Do(t, srv, "GET", "/api/tenant/mail", apptest.Token(t, app, "member@jones.example"), nil)
			if ra.Status != 200 || rb.Status != 200 || string(ra.Body) != string(rb.Body) || len(ra.JSON) != 1 {
				t.Errorf("the mail status differs by tenant or says more than whether mail is set up: %s / %s", ra.Body, rb.Body)
			}
		},
	}
}

// invitedUser is a person of tenant invited but without a password of their
// own yet (created once per app); t may be nil inside a probe's sample.
func invitedUser(t *testing.T, app core.App, tenant *core.Record) *core.Record {
	email := "invitee@" + tenant.GetString("slug") + ".example"
	if u, err := app.FindAuthRecordByEmail("users", email); err == nil {
		return u
	}
	u, err := tenancy.NewUser(app, tenant.Id, email, "Invitee", "member", tenancy.RandomPassword())
	if err == nil {
		u.Set(tenancy.PasswordPending, true)
		err = app.Save(u)
	}
	if err != nil {
		if t == nil {
			panic(err)
		}
		t.Fatal(err)
	}
	return u
}
