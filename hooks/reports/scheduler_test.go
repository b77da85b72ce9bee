package reports_test

import (
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/apptest"
	"counterpart/hooks/audit"
	"counterpart/hooks/reports"
	"counterpart/hooks/tenancy"
)

// TestScheduleFiresAtLocalTime steps the clock through the night Europe
// changes to summer time, with Smith in Berlin at 07:00 and Jones in New York
// at 06:30, and checks that each report appears at its tenant's local time,
// not a step later, and covers the tenant's previous local day.
func TestScheduleFiresAtLocalTime(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, utc("2026-03-27 12:00"))
	e.setSchedule(t, "smith", "0 7 * * *", "Europe/Berlin", nil)
	e.setSchedule(t, "jones", "30 6 * * *", "America/New_York", nil)

	type fired struct{ at, scheduledFor, from, to string }
	got := map[string][]fired{}
	seen := map[string]int{}
	for now := utc("2026-03-27 12:00"); !now.After(utc("2026-03-30 12:00")); now = now.Add(10 * time.Minute) {
		e.clock.Set(now)
		e.svc.RunDue(now)
		for slug, tenant := range map[string]*core.Record{"smith": e.smith, "jones": e.jones} {
			recs := e.reportsOf(t, tenant.Id)
			for _, r := range recs[seen[slug]:] {
				got[slug] = append(got[slug], fired{now.Format("2006-01-02 15:04"),
					r.GetDateTime("scheduled_for").Time().Format("2006-01-02 15:04"), r.GetString("period_from"), r.GetString("period_to")})
				if r.GetString("status") != reports.StatusReady || r.GetString("trigger") != reports.TriggerSchedule {
					t.Errorf("%s report %s: status %s trigger %s", slug, r.Id, r.GetString("status"), r.GetString("trigger"))
				}
			}
			seen[slug] = len(recs)
		}
	}
	want := map[string][]fired{
		// 07:00 CET is 06:00 UTC; from 29 March 07:00 CEST is 05:00 UTC
		"smith": {{"2026-03-28 06:00", "2026-03-28 06:00", "2026-03-27", "2026-03-27"},
			{"2026-03-29 05:00", "2026-03-29 05:00", "2026-03-28", "2026-03-28"},
			{"2026-03-30 05:00", "2026-03-30 05:00", "2026-03-29", "2026-03-29"}},
		// New York is on summer time (EDT, UTC-4) since 8 March: 06:30 is 10:30 UTC
		"jones": {{"2026-03-27 10:30", "2026-03-27 10:30", "2026-03-26", "2026-03-26"},
			{"2026-03-28 10:30", "2026-03-28 10:30", "2026-03-27", "2026-03-27"},
			{"2026-03-29 10:30", "2026-03-29 10:30", "2026-03-28", "2026-03-28"},
			{"2026-03-30 10:30", "2026-03-30 10:30", "2026-03-29", "2026-03-29"}},
	}
	// jones's first activation on the 27th came before the clock started
	want["jones"] = want["jones"][1:]
	for slug, w := range want {
		if !slices.Equal(got[slug], w) {
			t.Errorf("%s fired\n%v\nwant\n%v", slug, got[slug], w)
		}
	}
}

// TestScheduleSkipIfStillRunning blocks a scheduled run and lets the next
// activation come: it is skipped, a manual run is refused as busy, and once
// the first run ends the schedule runs again.
func TestScheduleSkipIfStillRunning(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, utc("2026-05-01 00:00"))
	e.setSchedule(t, "smith", "0 7 * * *", "UTC", nil)
	started, release := make(chan struct{}, 1), make(chan struct{})
	var once sync.Once
	e.svc.SetSources(fakeCSV, func(app core.App, tenantID, from, to string) (any, error) {
		once.Do(func() {
			started <- struct{}{}
			<-release
		})
		return fakeSummary(app, tenantID, from, to)
	})

	first := make(chan int)
	go func() { first <- e.svc.RunDue(utc("2026-05-01 07:00")) }()
	<-started
	if n := e.svc.RunDue(utc("2026-05-02 07:00")); n != 1 {
		t.Errorf("RunDue found %d tenants due, want 1 (smith)", n)
	}
	if e.svc.Skips() != 1 {
		t.Errorf("skips = %d, want 1", e.svc.Skips())
	}
	if res := apptest.Do(t, e.srv, "POST", "/api/reports/run", apptest.Token(t, e.app, "admin@smith.example"), nil); res.Status != 409 {
		t.Errorf("manual run during a scheduled run: %d %s, want 409", res.Status, res.Body)
	}
	if n := len(e.reportsOf(t, e.smith.Id)); n != 1 {
		t.Errorf("%d reports while the first runs, want 1 (running)", n)
	}
	close(release)
	<-first
	e.svc.RunDue(utc("2026-05-03 07:00"))
	recs := e.reportsOf(t, e.smith.Id)
	var periods []string
	for _, r := range recs {
		periods = append(periods, r.GetString("period_from")+"/"+r.GetString("status"))
	}
	if want := []string{"2026-04-30/ready", "2026-05-02/ready"}; !slices.Equal(periods, want) {
		t.Errorf("reports %v, want %v", periods, want)
	}
}

// TestScheduleChangeWithoutRestart changes the schedule the ways a running
// server sees it change — through the API, by suspension, by a new or deleted
// tenant — and checks after each that the scheduler follows.
func TestScheduleChangeWithoutRestart(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, utc("2026-06-01 00:00"))
	admin := apptest.Token(t, e.app, "admin@smith.example")
	patch := func(body map[string]any) {
		t.Helper()
		if res := apptest.Do(t, e.srv, "PATCH", "/api/collections/tenants/records/"+e.smith.Id, admin, body); res.Status != 200 {
			t.Fatalf("PATCH %v: %d %s", body, res.Status, res.Body)
		}
	}
	var miller *core.Record
	steps := []struct {
		name   string
		change func()
		runAt  string
		// the specs expected afterwards, by tenant slug, and the tenants due at runAt
		specs map[string]string
		due   int
	}{
		{"admin sets a schedule", func() { patch(map[string]any{"report_schedule": "0 7 * * *"}) },
			"2026-06-01 07:00", map[string]string{"smith": "CRON_TZ=UTC 0 7 * * *"}, 1},
		{"admin moves it to 09:00", func() { patch(map[string]any{"report_schedule": "0 9 * * *"}) },
			"2026-06-02 07:00", map[string]string{"smith": "CRON_TZ=UTC 0 9 * * *"}, 0},
		{"09:00 runs", func() {}, "2026-06-02 09:00", map[string]string{"smith": "CRON_TZ=UTC 0 9 * * *"}, 1},
		{"admin moves the tenant to Tokyo", func() { patch(map[string]any{"timezone": "Asia/Tokyo"}) },
			"2026-06-03 00:00", map[string]string{"smith": "CRON_TZ=Asia/Tokyo 0 9 * * *"}, 1}, // 09:00 JST
		{"IT suspends the tenant", func() {
			if err := tenancy.SetStatus(e.app, e.tenant(t, "smith"), tenancy.StatusSuspended, audit.CLI); err != nil {
				t.Fatal(err)
			}
		}, "2026-06-04 00:00", map[string]string{}, 0},
		{"IT reactivates it", func() {
			if err := tenancy.SetStatus(e.app, e.tenant(t, "smith"), tenancy.StatusActive, audit.CLI); err != nil {
				t.Fatal(err)
			}
		}, "2026-06-05 00:00", map[string]string{"smith": "CRON_TZ=Asia/Tokyo 0 9 * * *"}, 1},
		{"a new tenant with a schedule", func() {
			col, _ := e.app.FindCollectionByNameOrId(tenancy.Tenants)
			miller = core.NewRecord(col)
			miller.Load(map[string]any{"name": "Miller Trucks", "slug": "miller", "timezone": "America/Chicago", "report_schedule": "0 6 * * *"})
			if err := e.app.Save(miller); err != nil {
				t.Fatal(err)
			}
		}, "2026-06-05 11:00", map[string]string{"smith": "CRON_TZ=Asia/Tokyo 0 9 * * *", "miller": "CRON_TZ=America/Chicago 0 6 * * *"}, 1},
		{"the new tenant is deleted", func() {
			if err := tenancy.SetStatus(e.app, miller, tenancy.StatusSuspended, audit.CLI); err != nil {
				t.Fatal(err)
			}
			if err := tenancy.DeleteTenant(e.app, miller, audit.CLI); err != nil {
				t.Fatal(err)
			}
		}, "2026-06-06 11:00", map[string]string{"smith": "CRON_TZ=Asia/Tokyo 0 9 * * *"}, 1}, // smith only
		{"admin clears the schedule", func() { patch(map[string]any{"report_schedule": ""}) },
			"2026-06-07 00:00", map[string]string{}, 0},
	}
	for _, s := range steps {
		// the change comes a minute before the instant checked
		e.clock.Set(utc(s.runAt).Add(-time.Minute))
		s.change()
		e.clock.Set(utc(s.runAt))
		got := map[string]string{}
		for id, spec := range e.svc.Scheduled() {
			r, err := e.app.FindRecordById(tenancy.Tenants, id)
			if err != nil {
				t.Fatalf("%s: scheduled tenant %s does not exist", s.name, id)
			}
			got[r.GetString("slug")] = spec
		}
		if !maps.Equal(got, s.specs) {
			t.Errorf("%s: scheduled %v, want %v", s.name, got, s.specs)
		}
		if n := e.svc.RunDue(utc(s.runAt)); n != s.due {
			t.Errorf("%s: %d tenants due at %s, want %d", s.name, n, s.runAt, s.due)
		}
	}
	if n := len(e.reportsOf(t, e.smith.Id)); n != 5 {
		t.Errorf("smith has %d scheduled reports, want 5", n)
	}
	for _, r := range e.reportsOf(t, e.smith.Id) {
		if !strings.HasPrefix(r.GetString("period_from"), "2026-") || r.GetString("status") != reports.StatusReady {
			t.Errorf("report %v", r.FieldsData())
		}
	}
}

// TestCronDrivesRunDue is the one test on the wall clock: robfig/cron,
// started with the server, calls RunDue at the entry's activation. A
// one-second schedule (which validation refuses, so it is saved without)
// makes a report within seconds.
func TestCronDrivesRunDue(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, time.Now())
	e.svc.SetClock(time.Now)
	smith := e.tenant(t, "smith")
	smith.Set("report_schedule", "@every 1s")
	if err := e.app.SaveNoValidate(smith); err != nil { // the hooks resync the service
		t.Fatal(err)
	}
	waitFor(t, 15*time.Second, "a report made by the cron", func() bool {
		recs := e.reportsOf(t, smith.Id)
		return len(recs) > 0 && recs[0].GetString("status") == reports.StatusReady
	})
	if r := e.reportsOf(t, smith.Id)[0]; r.GetString("trigger") != reports.TriggerSchedule || r.GetDateTime("scheduled_for").IsZero() {
		t.Errorf("cron report: %v", r.FieldsData())
	}
	smith.Set("report_schedule", "")
	if err := e.app.Save(smith); err != nil {
		t.Fatal(err)
	}
}
