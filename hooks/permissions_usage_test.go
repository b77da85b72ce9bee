package hooks_test

import "testing"

// The analytics rows of docs/permissions.md.
func init() {
	// aboutA reports whether an analytics answer is tenant A's.
	aboutA := func(e permEnv, status int, body map[string]any) bool {
		tn, _ := body["tenant"].(map[string]any)
		return status == 200 && tn["id"] == e.a.Id
	}
	permissionActions["read the tenant's analytics"] = func(t *testing.T, e permEnv) bool {
		if res := e.do(t, "GET", "/api/analytics?tenant="+e.a.Id, nil); aboutA(e, res.Status, res.JSON) {
			return true
		}
		res := e.do(t, "GET", "/api/admin/analytics?tenant="+e.a.Id, nil)
		return aboutA(e, res.Status, res.JSON)
	}
	permissionActions["export the tenant's usage"] = func(t *testing.T, e permEnv) bool {
		// the tenant route serves the caller's own tenant only and refuses naming another
		if res := e.do(t, "GET", "/api/analytics/export/usage.csv?tenant="+e.a.Id, nil); res.Status == 200 {
			return true
		}
		return e.do(t, "GET", "/api/admin/analytics/export/usage.csv?tenant="+e.a.Id, nil).Status == 200
	}
	permissionActions["read every tenant's analytics"] = func(t *testing.T, e permEnv) bool {
		res := e.do(t, "GET", "/api/admin/analytics", nil)
		_, lists := res.JSON["tenants"].([]any)
		return res.Status == 200 && lists
	}
	permissionActions["allow message text in exports"] = func(t *testing.T, e permEnv) bool {
		if !e.patchTenant(t, map[string]any{"export_message_text": true}) {
			return false
		}
		tn, err := e.app.FindRecordById("tenants", e.a.Id)
		must(t, err)
		return tn.GetBool("export_message_text")
	}
}
