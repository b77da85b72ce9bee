package jobs_test

import (
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/types"

	"counterpart/hooks/apptest"
	"counterpart/hooks/jobs"
	"counterpart/hooks/tenancy"
)

// clock is a settable clock for Options.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// setup returns a migrated, seeded test app and the id of tenant "smith".
func setup(t *testing.T) (*tests.TestApp, string) {
	t.Helper()
	app := apptest.New(t, nil)
	smith, err := tenancy.FindTenant(app, "smith")
	if err != nil {
		t.Fatal(err)
	}
	return app, smith.Id
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func enqueue(t *testing.T, q *jobs.Queue, app core.App, tenant, kind, subject string, payload any) *core.Record {
	t.Helper()
	r, err := q.Enqueue(app, tenant, kind, subject, payload)
	if err != nil {
		t.Fatalf("enqueue %s/%s: %v", kind, subject, err)
	}
	return r
}

// job reloads a job record.
func job(t *testing.T, app core.App, id string) *core.Record {
	t.Helper()
	r, err := app.FindRecordById(jobs.Collection, id)
	if err != nil {
		t.Fatalf("job %s: %v", id, err)
	}
	return r
}

func date(t *testing.T, r *core.Record, field string) time.Time {
	t.Helper()
	d := r.GetDateTime(field)
	if d.IsZero() {
		t.Fatalf("job %s: %s is empty", r.Id, field)
	}
	return d.Time()
}

// stamp formats t as a stored date.
func stamp(t time.Time) string { return t.UTC().Format(types.DefaultDateLayout) }

// waitFor polls cond until it holds or timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func countStatus(t *testing.T, app core.App, status string) int {
	t.Helper()
	recs, err := app.FindRecordsByFilter(jobs.Collection, "status = {:s}", "", 0, 0, map[string]any{"s": status})
	if err != nil {
		t.Fatal(err)
	}
	return len(recs)
}
