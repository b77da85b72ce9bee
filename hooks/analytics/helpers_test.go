package analytics_test

import (
	"encoding/csv"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"counterpart/hooks/apptest"
	"counterpart/hooks/tenancy"
	"counterpart/hooks/usage"
)

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// env is a served test app with both demo tenants.
type env struct {
	app          *tests.TestApp
	srv          *httptest.Server
	smith, jones *core.Record
}

func newEnv(t *testing.T) *env {
	t.Helper()
	app := apptest.New(t, nil)
	e := &env{app: app, srv: apptest.Serve(t, app)}
	var err error
	e.smith, err = tenancy.FindTenant(app, "smith")
	must(t, err)
	e.jones, err = tenancy.FindTenant(app, "jones")
	must(t, err)
	return e
}

func (e *env) user(t *testing.T, email string) *core.Record {
	t.Helper()
	u, err := e.app.FindAuthRecordByEmail("users", email)
	must(t, err)
	return u
}

func (e *env) get(t *testing.T, path, who string) apptest.Response {
	t.Helper()
	tok := ""
	switch who {
	case "":
	case "IT":
		tok = apptest.Token(t, e.app, apptest.Superuser(t, e.app))
	default:
		tok = apptest.Token(t, e.app, who)
	}
	return apptest.Do(t, e.srv, "GET", path, tok, nil)
}

// download fetches a CSV export and parses it.
func (e *env) download(t *testing.T, path, who string) (*http.Response, [][]string) {
	t.Helper()
	req, err := http.NewRequest("GET", e.srv.URL+path, nil)
	must(t, err)
	req.Header.Set("Authorization", apptest.Token(t, e.app, who))
	res, err := e.srv.Client().Do(req)
	must(t, err)
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return res, nil
	}
	r := csv.NewReader(res.Body)
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	must(t, err)
	return res, rows
}

// answer records a finished answer event at a time.
func answer(t *testing.T, app core.App, tenant, user, kind, model string, latency int64, at time.Time, retrievalOnly bool, docs ...string) {
	t.Helper()
	must(t, usage.Record(app, usage.Event{Tenant: tenant, Kind: kind, User: user, Model: model, TokensIn: 10, TokensOut: 5,
		LatencyMs: latency, RetrievalOnly: retrievalOnly, Documents: docs, At: at}))
}

func num(m map[string]any, key string) float64 {
	f, _ := m[key].(float64)
	return f
}

func obj(m map[string]any, key string) map[string]any {
	o, _ := m[key].(map[string]any)
	return o
}

func list(m map[string]any, key string) []map[string]any {
	raw, _ := m[key].([]any)
	var out []map[string]any
	for _, it := range raw {
		if o, ok := it.(map[string]any); ok {
			out = append(out, o)
		}
	}
	return out
}

func contains(rows [][]string, s string) bool {
	for _, r := range rows {
		for _, c := range r {
			if strings.Contains(c, s) {
				return true
			}
		}
	}
	return false
}
