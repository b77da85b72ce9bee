package hooks_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"
	"golang.org/x/crypto/bcrypt"

	"counterpart/hooks/apptest"
)

// Bench sizes: 100 tenants with 1,000 users and 1,000 audit entries each.
const (
	benchTenants   = 100
	benchPerTenant = 1000
)

// seedBenchData inserts the rows with plain SQL: going through app.Save
// would hash 100k passwords and take many minutes.
func seedBenchData(b *testing.B, app core.App) (tenantID, memberEmail, adminEmail string) {
	hash, err := bcrypt.GenerateFromPassword([]byte("bench-password-1"), bcrypt.MinCost)
	if err != nil {
		b.Fatal(err)
	}
	err = app.RunInTransaction(func(tx core.App) error {
		for i := 0; i < benchTenants; i++ {
			tid := security.PseudorandomStringWithAlphabet(15, "abcdefghijklmnopqrstuvwxyz0123456789")
			if i == 0 {
				tenantID = tid
			}
			if _, err := tx.DB().Insert("tenants", dbx.Params{"id": tid, "name": fmt.Sprintf("Dealer %d", i),
				"slug": fmt.Sprintf("dealer-%d", i), "status": "active", "timezone": "UTC", "report_recipients": "[]",
				"created": "2026-01-01 00:00:00.000Z", "updated": "2026-01-01 00:00:00.000Z"}).Execute(); err != nil {
				return err
			}
			for j := 0; j < benchPerTenant; j++ {
				role := "member"
				if j == 0 {
					role = "admin"
				}
				email := fmt.Sprintf("u%d@dealer-%d.example", j, i)
				if _, err := tx.DB().Insert("users", dbx.Params{"id": security.PseudorandomStringWithAlphabet(15, "abcdefghijklmnopqrstuvwxyz0123456789"),
					"email": email, "emailVisibility": true, "verified": true, "password": string(hash),
					"tokenKey": security.RandomString(50), "name": fmt.Sprintf("User %d", j), "tenant": tid, "role": role,
					"active": true, "created": "2026-01-01 00:00:00.000Z", "updated": "2026-01-01 00:00:00.000Z"}).Execute(); err != nil {
					return err
				}
				if _, err := tx.DB().Insert("audit_log", dbx.Params{"id": security.PseudorandomStringWithAlphabet(15, "abcdefghijklmnopqrstuvwxyz0123456789"),
					"tenant": tid, "actor": "cli", "action": "user.invited", "target": email, "summary": "{}",
					"created": fmt.Sprintf("2026-01-01 00:%02d:%02d.000Z", j/60%60, j%60)}).Execute(); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return tenantID, "u1@dealer-0.example", "u0@dealer-0.example"
}

// BenchmarkTenantScopedList lists users and audit entries of one tenant among
// 100 as that tenant's user (the rule does the scoping) and as a superuser
// (no rule; the same tenant's rows asked for with an explicit filter, and
// everything). Compare ns/op of the tenant and superuser-filtered variants for
// the cost of the rule.
func BenchmarkTenantScopedList(b *testing.B) {
	app := apptest.New(b, nil)
	tenantID, member, admin := seedBenchData(b, app)
	it := apptest.Superuser(b, app)

	router, err := apis.NewRouter(app)
	if err != nil {
		b.Fatal(err)
	}
	var mux http.Handler
	must := func(err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	must(app.OnServe().Trigger(&core.ServeEvent{App: app, Router: router, Server: &http.Server{}}, func(e *core.ServeEvent) error {
		m, err := e.Router.BuildMux()
		mux = m
		return err
	}))

	filter := "&filter=" + fmt.Sprintf("tenant%%3D%%22%s%%22", tenantID)
	cases := []struct {
		name, path, email string
	}{
		{"users/tenant-member", "/api/collections/users/records?perPage=50&sort=-created", member},
		{"users/superuser-same-tenant", "/api/collections/users/records?perPage=50&sort=-created" + filter, it},
		{"users/superuser-all", "/api/collections/users/records?perPage=50&sort=-created", it},
		{"audit_log/tenant-admin", "/api/collections/audit_log/records?perPage=50&sort=-created", admin},
		{"audit_log/superuser-same-tenant", "/api/collections/audit_log/records?perPage=50&sort=-created" + filter, it},
		{"audit_log/superuser-all", "/api/collections/audit_log/records?perPage=50&sort=-created", it},
	}
	for _, c := range cases {
		token := apptest.Token(b, app, c.email)
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				req := httptest.NewRequest("GET", c.path, nil)
				req.Header.Set("Authorization", token)
				rec := httptest.NewRecorder()
				mux.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatalf("%s: %d %s", c.path, rec.Code, rec.Body.String())
				}
			}
		})
	}
}
