package reports_test

import (
	"fmt"
	"io"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"counterpart/hooks/apptest"
	"counterpart/hooks/reports"
	"counterpart/hooks/tenancy"
	"counterpart/internal/config"
)

// env is a served test app with the reports service on a clock the test moves.
type env struct {
	app   *tests.TestApp
	srv   *httptest.Server
	svc   *reports.Service
	clock *fakeClock
	smith *core.Record
	jones *core.Record
}

type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// newEnv serves a demo app whose report service runs on a fake clock at start
// and makes its reports from fakeCSV and fakeSummary.
func newEnv(t *testing.T, cfg *config.Config, start time.Time) *env {
	t.Helper()
	app := apptest.New(t, cfg)
	e := &env{app: app, srv: apptest.Serve(t, app), svc: reports.Of(app), clock: &fakeClock{now: start}}
	e.svc.SetClock(e.clock.Now)
	e.svc.SetSources(fakeCSV, fakeSummary)
	e.smith = e.tenant(t, "smith")
	e.jones = e.tenant(t, "jones")
	return e
}

func (e *env) tenant(t *testing.T, slug string) *core.Record {
	t.Helper()
	r, err := tenancy.FindTenant(e.app, slug)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// setSchedule saves a tenant's schedule settings through Go (the hooks run as for an API change).
func (e *env) setSchedule(t *testing.T, slug, expr, tz string, recipients []string) {
	t.Helper()
	r := e.tenant(t, slug)
	r.Set("report_schedule", expr)
	r.Set("timezone", tz)
	if recipients == nil {
		recipients = []string{}
	}
	r.Set("report_recipients", recipients)
	if err := e.app.Save(r); err != nil {
		t.Fatal(err)
	}
}

// reportsOf lists a tenant's reports, oldest first.
func (e *env) reportsOf(t *testing.T, tenantID string) []*core.Record {
	t.Helper()
	recs, err := e.app.FindRecordsByFilter(reports.Collection, "tenant = {:t}", "created", 0, 0, map[string]any{"t": tenantID})
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func utc(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

// fakeCSV writes one row naming the tenant and the period, so a test can
// tell which report it holds.
func fakeCSV(_ core.App, w io.Writer, tenantID, from, to string) error {
	_, err := fmt.Fprintf(w, "date,tenant,questions\n%s,%s,3\n%s,%s,4\n", from, tenantID, to, tenantID)
	return err
}

// fakeSummary has the analytics summary's shape, with markup in names to check escaping.
func fakeSummary(_ core.App, tenantID, from, to string) (any, error) {
	return map[string]any{
		"totals": map[string]any{"questions": 7, "answers": 6, "failed": 1, "failureRate": 0.142857,
			"activeUsers": 2, "tokensIn": 1200, "tokensOut": 3400, "latencyP50Ms": 850, "latencyP95Ms": 2300.4,
			"feedbackRatio": 0.75, "uploads": 1},
		"topDocuments": []map[string]any{{"id": "d1", "title": "Price list <2026>", "citations": 5}},
		"topUsers":     []map[string]any{{"id": "u1", "name": "Pat <script>alert(1)</script>", "questions": 4}},
		"storage":      map[string]any{"usedBytes": 1024, "quotaBytes": 1 << 30},
	}, nil
}

// waitFor polls cond until it holds or d passes.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
