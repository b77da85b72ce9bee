package monitoring_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/apptest"
)

// serveMux builds app's router as `serve` does, optionally without the metrics middleware.
func serveMux(b *testing.B, app core.App, withMetrics bool) http.Handler {
	r, err := apis.NewRouter(app)
	if err != nil {
		b.Fatal(err)
	}
	var mux http.Handler
	err = app.OnServe().Trigger(&core.ServeEvent{App: app, Router: r, Server: &http.Server{}}, func(e *core.ServeEvent) error {
		if !withMetrics {
			e.Router.Unbind("counterpartMetrics")
		}
		m, err := e.Router.BuildMux()
		mux = m
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return mux
}

// BenchmarkMetricsMiddleware measures what the metrics middleware adds to a
// request: two apps from the same seed, every feature's middleware bound,
// one without the metrics middleware. Each iteration sends the same request
// to both, alternating which goes first, so that the noise of a shared
// machine hits both alike; the ratio of the two medians is the figure.
//
//	GOTOOLCHAIN=go1.27.3 go test -run '^$' -bench MetricsMiddleware -benchtime 3s ./hooks/monitoring/
func BenchmarkMetricsMiddleware(b *testing.B) {
	apps := [2]core.App{apptest.New(b, nil), apptest.New(b, nil)}
	muxes := [2]http.Handler{serveMux(b, apps[0], false), serveMux(b, apps[1], true)}
	for _, route := range []struct{ name, path, user string }{
		{"health", "/api/health", ""},
		{"record-list", "/api/collections/documents/records?perPage=5", "member@smith.example"},
	} {
		b.Run(route.name, func(b *testing.B) {
			var tokens [2]string
			if route.user != "" {
				tokens = [2]string{apptest.Token(b, apps[0], route.user), apptest.Token(b, apps[1], route.user)}
			}
			// per-request times, so that medians can ignore the stalls of a busy machine
			var took [2][]time.Duration
			i := 0
			for b.Loop() {
				for k := range 2 {
					v := (i + k) % 2
					req := httptest.NewRequest("GET", route.path, nil)
					if tokens[v] != "" {
						req.Header.Set("Authorization", tokens[v])
					}
					rec := httptest.NewRecorder()
					start := time.Now()
					muxes[v].ServeHTTP(rec, req)
					took[v] = append(took[v], time.Since(start))
					if rec.Code != 200 {
						b.Fatalf("%s: %d %s", route.path, rec.Code, rec.Body)
					}
				}
				i++
			}
			without, with := median(took[0]), median(took[1])
			b.ReportMetric(float64(without.Nanoseconds()), "median-ns-without")
			b.ReportMetric(float64(with.Nanoseconds()), "median-ns-with")
			b.ReportMetric(float64(with)/float64(without), "ratio")
		})
	}
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}
