package hooks_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"counterpart/hooks/apptest"
	"counterpart/hooks/reports"
)

// The reports feature's cases in the isolation matrix: tenant B cannot list,
// view, change or download tenant A's reports, and B's runs make reports
// for B only.
func init() {
	collectionMatrix[reports.Collection] = collectionCase{
		make: makeReport,
		createBody: func(app core.App, tenant *core.Record) map[string]any {
			return map[string]any{"tenant": tenant.Id, "period_from": "2026-01-01", "period_to": "2026-01-31",
				"trigger": "manual", "status": "ready", "recipients": []string{"spy@jones.example"}}
		},
		change: map[string]any{"recipients": []string{"spy@jones.example"}, "status": "failed"},
		touch: func(app core.App, r *core.Record) error {
			r.Set("send_error", "touched "+time.Now().String())
			return app.Save(r)
		},
		reader: "manager",
	}
	routeMatrix["POST /api/reports/run"] = routeProbe{
		sample: func(app core.App, a *core.Record) (string, string, any) {
			return "POST", "/api/reports/run", map[string]any{"from": "2026-11-01", "to": "2026-11-02"}
		},
		crossTenant: func(t *testing.T, app core.App, srv *httptest.Server, a, b *core.Record) {
			reportA := makeReport(t, app, a)
			beforeA, _ := app.CountRecords(reports.Collection, dbx.HashExp{"tenant": a.Id})
			bAdmin := apptest.Token(t, app, "admin@jones.example")
			res := apptest.Do(t, srv, "POST", "/api/reports/run", bAdmin, map[string]any{"tenant": a.Id})
			if res.Status != 200 || res.JSON["tenant"] != b.Id {
				t.Fatalf("B admin's run: %d %s, want a report of B", res.Status, res.Body)
			}
			if afterA, _ := app.CountRecords(reports.Collection, dbx.HashExp{"tenant": a.Id}); afterA != beforeA {
				t.Errorf("B admin's run made a report of tenant A (%d → %d)", beforeA, afterA)
			}
			// B's file token opens B's CSV but never A's
			bFile := reportFileToken(t, srv, bAdmin)
			ownURL := srv.URL + "/api/files/reports/" + res.JSON["id"].(string) + "/" + res.JSON["csv"].(string)
			if status, _ := fetch(t, ownURL+"?token="+bFile); status != 200 {
				t.Errorf("positive control: B's file token on B's CSV: %d", status)
			}
			aURL := srv.URL + "/api/files/reports/" + reportA.Id + "/" + reportA.GetString("csv")
			for _, u := range []string{aURL + "?token=" + bFile, aURL, aURL + "?token=" + reportFileToken(t, srv, apptest.Token(t, app, "member@smith.example"))} {
				if status, body := fetch(t, u); status == 200 || body == reportCSV {
					t.Errorf("GET %s reads tenant A's CSV: %d", u, status)
				}
			}
			if status, body := fetch(t, aURL+"?token="+reportFileToken(t, srv, apptest.Token(t, app, "manager@smith.example"))); status != 200 || body != reportCSV {
				t.Errorf("positive control: A's manager's file token on A's CSV: %d", status)
			}
		},
	}
	routeMatrix["POST /api/reports/tenants/{tenant}/run"] = routeProbe{
		sample: func(app core.App, a *core.Record) (string, string, any) {
			return "POST", "/api/reports/tenants/" + a.Id + "/run", nil
		},
		crossTenant: func(t *testing.T, app core.App, srv *httptest.Server, a, b *core.Record) {
			for _, who := range []string{"admin@jones.example", "admin@smith.example"} {
				if res := apptest.Do(t, srv, "POST", "/api/reports/tenants/"+a.Id+"/run", apptest.Token(t, app, who), nil); res.Status != 403 {
					t.Errorf("%s runs IT's route: %d", who, res.Status)
				}
			}
			if n, _ := app.CountRecords(reports.Collection, dbx.HashExp{"tenant": a.Id}); n != 0 {
				t.Errorf("tenant users made %d reports through IT's route", n)
			}
			it := apptest.Token(t, app, apptest.Superuser(t, app))
			res := apptest.Do(t, srv, "POST", "/api/reports/tenants/jones/run", it, map[string]any{"tenant": a.Id})
			if res.Status != 200 || res.JSON["tenant"] != b.Id {
				t.Errorf("IT runs B's report: %d %s", res.Status, res.Body)
			}
		},
	}
}

// reportCSV is the CSV of the reports makeReport stores.
const reportCSV = "day,questions\n2026-01-01,3\n"

// makeReport stores a ready report of tenant with its protected CSV.
func makeReport(t *testing.T, app core.App, tenant *core.Record) *core.Record {
	col, err := app.FindCollectionByNameOrId(reports.Collection)
	must(t, err)
	r := core.NewRecord(col)
	f, err := filesystem.NewFileFromBytes([]byte(reportCSV), "usage.csv")
	must(t, err)
	r.Load(map[string]any{"tenant": tenant.Id, "period_from": "2026-01-01", "period_to": "2026-01-31", "trigger": "schedule",
		"status": "ready", "recipients": []string{"boss@" + tenant.GetString("slug") + ".example"}, "summary_html": "<p>Usage</p>"})
	r.Set("csv", f)
	must(t, app.Save(r))
	return r
}

// reportFileToken is the PocketBase file token of the holder of authToken.
func reportFileToken(t *testing.T, srv *httptest.Server, authToken string) string {
	res := apptest.Do(t, srv, "POST", "/api/files/token", authToken, nil)
	tok, _ := res.JSON["token"].(string)
	if tok == "" {
		t.Fatalf("file token: %d %s", res.Status, res.Body)
	}
	return tok
}

func fetch(t *testing.T, url string) (int, string) {
	res, err := http.Get(url)
	must(t, err)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}
