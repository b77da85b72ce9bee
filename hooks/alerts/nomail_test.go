package alerts_test

import (
	"testing"
	"time"

	"counterpart/hooks/alerts"
	"counterpart/hooks/apptest"
	"counterpart/hooks/jobs"
	"counterpart/hooks/monitoring"
)

// TestAlertsWithoutMail: on a server without mail a condition that holds is
// logged, no mail is attempted and the evaluation reports no error (which
// the cron would log every minute).
func TestAlertsWithoutMail(t *testing.T) {
	t.Parallel()
	a := quiet()
	a.MinFreeDiskMB = 500
	cfg := apptest.Config()
	cfg.Alerts = a
	app := apptest.New(t, cfg)
	apptest.WithoutMail(t, app)
	now := time.Now()
	alerter := alerts.Register(app, alerts.Deps{Config: a, Queue: jobs.QueueOf(app), N8N: monitoring.Of(app).N8NWindow(),
		Now: func() time.Time { return now }, DiskSpace: func(string) (uint64, uint64, error) { return 100 << 20, 10 << 30, nil }})
	for range 3 {
		if err := alerter.Evaluate(app); err != nil {
			t.Errorf("evaluation without mail: %v", err)
		}
		now = now.Add(2 * time.Hour)
	}
	if n := app.TestMailer.TotalSend(); n != 0 {
		t.Errorf("%d alert mails attempted without mail", n)
	}
}
