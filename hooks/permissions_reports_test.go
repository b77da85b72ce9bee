package hooks_test

import (
	"testing"

	"github.com/pocketbase/dbx"

	"counterpart/hooks/reports"
)

// The reports rows of docs/permissions.md.
func init() {
	permissionActions["read the tenant's reports"] = func(t *testing.T, e permEnv) bool {
		r := makeReport(t, e.app, e.a)
		return e.do(t, "GET", "/api/collections/reports/records/"+r.Id, nil).Status == 200 && e.listHasTenantA(t, reports.Collection)
	}
	permissionActions["run a report now"] = func(t *testing.T, e permEnv) bool {
		// tenant staff use the tenant route (their own tenant); IT names the tenant
		e.do(t, "POST", "/api/reports/run", map[string]any{"tenant": e.a.Id})
		e.do(t, "POST", "/api/reports/tenants/"+e.a.Id+"/run", nil)
		n, err := e.app.CountRecords(reports.Collection, dbx.HashExp{"tenant": e.a.Id})
		must(t, err)
		return n > 0
	}
	permissionActions["change the report schedule"] = func(t *testing.T, e permEnv) bool {
		return e.patchTenant(t, map[string]any{"report_schedule": "0 7 * * 1", "report_recipients": []string{"boss@smith.example"}}) &&
			reports.Of(e.app).Scheduled()[e.a.Id] != ""
	}
}
