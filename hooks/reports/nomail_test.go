package reports_test

import (
	"context"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"counterpart/hooks/apptest"
	"counterpart/hooks/jobs"
	"counterpart/hooks/reports"
)

// TestReportWithoutMail: on a server without mail a report, on demand or
// scheduled, is kept as ready with its CSV and says it is not mailed
// because mail is not set up; no send is queued, tried or retried.
func TestReportWithoutMail(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, utc("2026-11-29 08:00"))
	apptest.WithoutMail(t, e.app)
	e.setSchedule(t, "smith", "0 7 * * *", "UTC", []string{"boss@smith.example"})

	res := apptest.Do(t, e.srv, "POST", "/api/reports/run", apptest.Token(t, e.app, "admin@smith.example"), nil)
	if res.Status != 200 || res.JSON["status"] != reports.StatusReady || res.JSON["send_error"] != reports.NotMailedNoMail {
		t.Fatalf("run without mail: %d %s", res.Status, res.Body)
	}
	e.svc.RunDue(utc("2026-11-30 07:00"))
	list := e.reportsOf(t, e.smith.Id)
	if len(list) != 2 {
		t.Fatalf("%d reports kept, want the on-demand and the scheduled one", len(list))
	}
	time.Sleep(300 * time.Millisecond) // a send job, were there one, would have run
	for _, r := range e.reportsOf(t, e.smith.Id) {
		if r.GetString("status") != reports.StatusReady || r.GetString("csv") == "" || storedCSV(t, e, r.Id) == "" {
			t.Errorf("report %s (%s) not kept: status %s csv %q", r.Id, r.GetString("trigger"), r.GetString("status"), r.GetString("csv"))
		}
		if r.GetString("send_error") != reports.NotMailedNoMail || r.GetInt("send_attempts") != 0 || !r.GetDateTime("sent_at").IsZero() {
			t.Errorf("report %s: send_error %q attempts %d sent_at %v", r.Id, r.GetString("send_error"), r.GetInt("send_attempts"), r.GetDateTime("sent_at"))
		}
	}
	if n, _ := e.app.CountRecords("jobs", dbx.HashExp{"kind": reports.JobSend}); n != 0 {
		t.Errorf("%d send jobs queued without mail", n)
	}
	if n := e.app.TestMailer.TotalSend(); n != 0 {
		t.Errorf("%d mails attempted without mail", n)
	}
}

// TestReportQueuedThenMailSwitchedOff: a send queued while mail was set up
// that runs after it was switched off records why and is not retried.
func TestReportQueuedThenMailSwitchedOff(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, utc("2026-11-29 08:00"))
	e.setSchedule(t, "smith", "", "UTC", []string{"boss@smith.example"})
	q := jobs.QueueOf(e.app)
	q.Stop() // the test runs the job itself
	res := apptest.Do(t, e.srv, "POST", "/api/reports/run", apptest.Token(t, e.app, "admin@smith.example"), nil)
	if res.Status != 200 || res.JSON["send_error"] != "" {
		t.Fatalf("run with mail: %d %s", res.Status, res.Body)
	}
	apptest.WithoutMail(t, e.app)
	for i := 0; ; i++ { // the send job, and any other job that is due
		ran, err := q.RunOnce(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if !ran {
			if i == 0 {
				t.Fatal("no send job was queued")
			}
			break
		}
	}
	r, err := e.app.FindRecordById(reports.Collection, res.JSON["id"].(string))
	if err != nil {
		t.Fatal(err)
	}
	if r.GetString("send_error") != reports.NotMailedNoMail || !r.GetDateTime("sent_at").IsZero() {
		t.Errorf("send_error %q sent_at %v", r.GetString("send_error"), r.GetDateTime("sent_at"))
	}
	if n, _ := e.app.CountRecords("jobs", dbx.NewExp("kind = {:k} AND status != 'done'", dbx.Params{"k": reports.JobSend})); n != 0 {
		t.Errorf("%d send jobs left to retry", n)
	}
	if n := e.app.TestMailer.TotalSend(); n != 0 {
		t.Errorf("%d mails attempted", n)
	}
}
