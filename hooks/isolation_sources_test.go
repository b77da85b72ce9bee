package hooks_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/apptest"
	"counterpart/hooks/documents"
)

// The source view's case in the isolation matrix: tenant B never reads the
// rows of tenant A's table documents, by any role, and learns nothing of
// them (not even that the row exists).
func init() {
	routeMatrix["GET "+documents.RowsRoute("{id}")] = routeProbe{
		sample: func(app core.App, a *core.Record) (string, string, any) {
			return "GET", documents.RowsRoute("aaaaaaaaaaaaaaa") + "?row=1", nil
		},
		crossTenant: func(t *testing.T, app core.App, srv *httptest.Server, a, b *core.Record) {
			doc := makeDocument(t, app, a)
			for _, who := range []string{"admin@jones.example", "manager@jones.example", "member@jones.example"} {
				for _, q := range []string{"?row=1", "?row=999", "?row=x"} {
					res := apptest.Do(t, srv, "GET", documents.RowsRoute(doc.Id)+q, apptest.Token(t, app, who), nil)
					if res.Status != 404 || strings.Contains(string(res.Body), "Oil filter") || strings.Contains(string(res.Body), "row") {
						t.Errorf("%s reads the rows of tenant A's document (%s): %d %s", who, q, res.Status, res.Body)
					}
				}
			}
			// positive control: A's member reads them
			if res := apptest.Do(t, srv, "GET", documents.RowsRoute(doc.Id)+"?row=1", apptest.Token(t, app, "member@smith.example"), nil); res.Status != 200 ||
				!strings.Contains(string(res.Body), "Oil filter 04152-YZZA6") {
				t.Errorf("A's member reads the rows: %d %s", res.Status, res.Body)
			}
		},
	}
}
