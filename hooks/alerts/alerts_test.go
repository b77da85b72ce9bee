package alerts_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"counterpart/hooks/alerts"
	"counterpart/hooks/apptest"
	"counterpart/hooks/jobs"
	"counterpart/hooks/monitoring"
	"counterpart/hooks/tenancy"
	"counterpart/internal/config"
	"counterpart/internal/mailtest"
)

// clock is a settable test clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// env is a test app that mails through a real SMTP server, with the alerts
// re-registered on a test clock.
type env struct {
	app   *tests.TestApp
	smtp  *mailtest.Server
	clock *clock
}

// quiet is an alert configuration with every condition off.
func quiet() config.Alerts {
	return config.Alerts{Recipients: []string{"it@dealer.example", "ops@dealer.example"}, N8NWindow: 15 * time.Minute, N8NMinCalls: 1}
}

func newEnv(t *testing.T, a config.Alerts, disk func(string) (uint64, uint64, error)) *env {
	t.Helper()
	cfg := apptest.Config()
	cfg.Alerts = a
	app := apptest.New(t, cfg)
	smtp := mailtest.Start(t)
	apptest.UseSMTP(t, app, smtp.Host, smtp.Port)
	e := &env{app: app, smtp: smtp, clock: &clock{now: time.Now()}}
	// replaces the evaluation hooks.Register scheduled, under the same cron id
	alerts.Register(app, alerts.Deps{Config: a, Queue: jobs.QueueOf(app), N8N: monitoring.Of(app).N8NWindow(),
		Now: e.clock.Now, DiskSpace: disk})
	return e
}

// tick runs the alert evaluation as the cron would, every minute.
func (e *env) tick(t *testing.T) {
	t.Helper()
	for _, j := range e.app.Cron().Jobs() {
		if j.Id() == alerts.CronID {
			if j.Expression() != "* * * * *" {
				t.Errorf("alerts run on %q, want every minute", j.Expression())
			}
			j.Run()
			return
		}
	}
	t.Fatal("no alerts cron job")
}

// subjects returns the subjects of the mails received so far.
func (e *env) subjects() []string {
	var out []string
	for _, m := range e.smtp.Messages() {
		out = append(out, m.Parsed.Header.Get("Subject"))
	}
	return out
}

func enqueue(t *testing.T, app core.App, n int) {
	t.Helper()
	smith, err := tenancy.FindTenant(app, "smith")
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		// a kind no worker takes, so the jobs stay queued
		if _, err := jobs.QueueOf(app).Enqueue(app, smith.Id, "alerts-test", core.GenerateDefaultRandomId()+string(rune('a'+i)), nil); err != nil {
			t.Fatal(err)
		}
	}
}

func TestAlertOncePerHourAndCleared(t *testing.T) {
	a := quiet()
	a.OutboxDepth = 3
	e := newEnv(t, a, nil)

	e.tick(t)
	if n := len(e.smtp.Messages()); n != 0 {
		t.Fatalf("%d mails while all is well", n)
	}
	enqueue(t, e.app, 3)
	steps := []struct {
		advance time.Duration
		clear   bool // remove the backlog first
		mails   int  // mails received in total after the tick
	}{
		{0, false, 1},                // crosses the threshold: mailed at once
		{time.Minute, false, 1},      // still holds: not again
		{58 * time.Minute, false, 1}, // 59 minutes after the alert: not again
		{time.Minute, false, 2},      // an hour after the alert: again
		{time.Minute, true, 3},       // cleared
		{time.Minute, false, 3},      // stays clear: nothing more
	}
	for i, s := range steps {
		e.clock.advance(s.advance)
		if s.clear {
			if _, err := e.app.DB().NewQuery("DELETE FROM jobs WHERE kind = 'alerts-test'").Execute(); err != nil {
				t.Fatal(err)
			}
		}
		e.tick(t)
		if got := e.smtp.Messages(); len(got) != s.mails {
			t.Fatalf("step %d: %d mails, want %d: %q", i, len(got), s.mails, e.subjects())
		}
	}
	subjects := e.subjects()
	for i, want := range []string{"Alert: the job outbox is backing up", "Alert: the job outbox is backing up", "Cleared: the job outbox is backing up"} {
		if !strings.Contains(subjects[i], want) {
			t.Errorf("mail %d: subject %q, want %q", i, subjects[i], want)
		}
	}
	first := e.smtp.Messages()[0]
	if to := first.To; len(to) != 2 || to[0] != "it@dealer.example" || to[1] != "ops@dealer.example" {
		t.Errorf("recipients %v", to)
	}
	raw := string(first.Raw)
	for _, want := range []string{"3 jobs are queued (the threshold is 3)", "What to do"} {
		if !strings.Contains(raw, want) {
			t.Errorf("the alert does not say %q:\n%s", want, raw)
		}
	}
}

func TestAlertConditions(t *testing.T) {
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		http.Error(w, "workflow failed", 500)
	}))
	t.Cleanup(failing.Close)
	tests := []struct {
		name    string
		alerts  func(a *config.Alerts)
		disk    func(string) (uint64, uint64, error)
		provoke func(t *testing.T, app core.App)
		subject string
		detail  string
	}{
		{name: "n8n failure rate", alerts: func(a *config.Alerts) { a.N8NFailureRate, a.N8NMinCalls = 0.5, 4 },
			provoke: func(t *testing.T, app core.App) {
				client := monitoring.Of(app).Client("ingest", &http.Client{})
				for range 4 {
					res, err := client.Post(failing.URL, "application/json", strings.NewReader("{}"))
					if err != nil {
						t.Fatal(err)
					}
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
				}
			},
			subject: "Alert: n8n calls are failing", detail: "4 of 4 n8n calls failed in the last 15m0s"},
		{name: "outbox age", alerts: func(a *config.Alerts) { a.OutboxAge = 30 * time.Minute },
			provoke: func(t *testing.T, app core.App) {
				enqueue(t, app, 1)
				old := time.Now().Add(-2 * time.Hour).UTC().Format("2006-01-02 15:04:05.000Z")
				if _, err := app.DB().Update("jobs", dbx.Params{"next_at": old}, dbx.HashExp{"kind": "alerts-test"}).Execute(); err != nil {
					t.Fatal(err)
				}
			},
			subject: "Alert: jobs are waiting too long", detail: "The oldest due job has waited 2h0m"},
		{name: "free disk in MiB", alerts: func(a *config.Alerts) { a.MinFreeDiskMB = 1024 },
			disk:    func(string) (uint64, uint64, error) { return 200 << 20, 100 << 30, nil },
			subject: "Alert: the data disk is running out of space", detail: "200 MiB (0.2%) are free"},
		{name: "free disk in percent", alerts: func(a *config.Alerts) { a.MinFreeDiskPercent = 10 },
			disk:    func(string) (uint64, uint64, error) { return 5 << 30, 100 << 30, nil },
			subject: "Alert: the data disk is running out of space", detail: "5120 MiB (5.0%) are free"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := quiet()
			tc.alerts(&a)
			e := newEnv(t, a, tc.disk)
			if tc.provoke != nil {
				tc.provoke(t, e.app)
			}
			e.tick(t)
			msgs := e.smtp.Messages()
			if len(msgs) != 1 {
				t.Fatalf("%d mails, want 1: %q", len(msgs), e.subjects())
			}
			if s := e.subjects()[0]; !strings.Contains(s, tc.subject) {
				t.Errorf("subject %q, want %q", s, tc.subject)
			}
			if !strings.Contains(string(msgs[0].Raw), tc.detail) {
				t.Errorf("the mail does not say %q:\n%s", tc.detail, msgs[0].Raw)
			}
		})
	}
}

func TestNoAlertBelowThresholds(t *testing.T) {
	a := quiet()
	a.N8NFailureRate, a.N8NMinCalls = 0.2, 10
	a.OutboxDepth, a.OutboxAge = 100, time.Hour
	a.MinFreeDiskMB, a.MinFreeDiskPercent = 1024, 5
	e := newEnv(t, a, func(string) (uint64, uint64, error) { return 50 << 30, 100 << 30, nil })
	enqueue(t, e.app, 3)
	// failures, but fewer calls than n8n_min_calls
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, "down", 502) }))
	t.Cleanup(ok.Close)
	client := monitoring.Of(e.app).Client("chat", &http.Client{})
	for range 3 {
		res, err := client.Get(ok.URL)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	e.tick(t)
	if n := len(e.smtp.Messages()); n != 0 {
		t.Errorf("%d mails below every threshold: %q", n, e.subjects())
	}
}
