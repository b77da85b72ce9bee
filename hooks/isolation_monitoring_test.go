package hooks_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/apptest"
	"counterpart/hooks/monitoring"
)

// The monitoring routes are no tenant routes: they check a token of their own
// (or a loopback client when none is configured). Their probe shows that no
// tenant user's sign-in token opens them, and that what they answer carries
// no tenant's data.
func init() {
	routeMatrix["GET "+monitoring.MetricsPath] = monitoringProbe(monitoring.MetricsPath)
	routeMatrix["GET "+monitoring.DeepPath] = monitoringProbe(monitoring.DeepPath)
}

func monitoringProbe(path string) routeProbe {
	return routeProbe{
		sample: func(core.App, *core.Record) (string, string, any) { return "GET", path, nil },
		crossTenant: func(t *testing.T, app core.App, srv *httptest.Server, a, b *core.Record) {
			doc := makeDocument(t, app, a)
			// no token configured: this (loopback) client is served, whoever signed in, and learns no tenant's data
			res := apptest.Do(t, srv, "GET", path, apptest.Token(t, app, "admin@jones.example"), nil)
			if res.Status != 200 {
				t.Fatalf("loopback client without a configured token: %d %s", res.Status, res.Body)
			}
			for _, s := range []string{doc.Id, a.Id, b.Id, "smith", "jones", "Parts", "@"} {
				if strings.Contains(string(res.Body), s) {
					t.Errorf("%s carries tenant data %q", path, s)
				}
			}

			// a token configured: tenant admins' tokens (and a superuser's) open nothing
			const token = "isolation-metrics-token-0123456789"
			cfg := apptest.Config()
			cfg.Monitoring.MetricsToken = token
			app2 := apptest.New(t, cfg)
			srv2 := apptest.Serve(t, app2)
			for _, who := range []string{"admin@smith.example", "admin@jones.example", apptest.Superuser(t, app2)} {
				if res := apptest.Do(t, srv2, "GET", path, apptest.Token(t, app2, who), nil); res.Status != 401 {
					t.Errorf("%s's sign-in token opens %s: %d", who, path, res.Status)
				}
			}
			if res := apptest.Do(t, srv2, "GET", path, "Bearer "+token, nil); res.Status != 200 {
				t.Errorf("positive control: the monitoring token is refused: %d %s", res.Status, res.Body)
			}
		},
	}
}
