package hooks_test

import (
	"strings"
	"testing"

	"counterpart/hooks/parts"
)

// The parts rows of the permissions table.
func init() {
	permissionActions["look up a part in the price files"] = func(t *testing.T, e permEnv) bool {
		p := makePart(t, e.app, e.a, "1K0698151A")
		res := e.do(t, "GET", "/api/parts/lookup?q=1K0+698+151+A", nil)
		return res.Status == 200 && strings.Contains(string(res.Body), p.Id)
	}
	permissionActions["read a price file's import report"] = func(t *testing.T, e permEnv) bool {
		r := saveRecord(t, e.app, parts.Imports, map[string]any{"tenant": e.a.Id, "document": makeDocument(t, e.app, e.a).Id, "status": "done"})
		return e.do(t, "GET", "/api/collections/part_imports/records/"+r.Id, nil).Status == 200 && e.listHasTenantA(t, parts.Imports)
	}
	permissionActions["correct a price file's column mapping"] = func(t *testing.T, e permEnv) bool {
		doc := makeDocument(t, e.app, e.a, map[string]any{"category": "price_list"})
		saveRecord(t, e.app, parts.Imports, map[string]any{"tenant": e.a.Id, "document": doc.Id, "status": "needs_mapping",
			"headers": []map[string]any{{"sheet": "", "headers": []string{"Code", "Text"}}}})
		body := map[string]any{"mapping": map[string]any{"columns": []map[string]any{{"index": 0, "header": "Code", "field": "part_number"}}}}
		return e.do(t, "POST", "/api/documents/"+doc.Id+"/parts/mapping", body).Status == 202
	}
}
