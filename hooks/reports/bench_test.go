package reports_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/apptest"
	"counterpart/hooks/reports"
	"counterpart/hooks/tenancy"
)

// BenchmarkRunDue1000Tenants is one RunDue over 1,000 scheduled tenants
// (weekly, in ten time zones) at an instant when none is due: the cost of
// each cron wake-up.
func BenchmarkRunDue1000Tenants(b *testing.B) {
	app := apptest.New(b, nil)
	svc := reports.Of(app)
	now := utc("2026-05-05 10:00")
	svc.SetClock(func() time.Time { return now })
	col, err := app.FindCollectionByNameOrId(tenancy.Tenants)
	if err != nil {
		b.Fatal(err)
	}
	zones := []string{"UTC", "Europe/Berlin", "Europe/London", "America/New_York", "America/Chicago", "America/Los_Angeles",
		"Asia/Tokyo", "Australia/Sydney", "Asia/Kolkata", "America/Sao_Paulo"}
	for i := range 1000 {
		t := core.NewRecord(col) // not saved: Sync reads only the settings
		t.Id = fmt.Sprintf("bench%010d", i)
		t.Load(map[string]any{"status": "active", "report_schedule": fmt.Sprintf("%d 7 * * 1", i%60), "timezone": zones[i%len(zones)]})
		svc.Sync(t)
	}
	if len(svc.Scheduled()) < 1000 {
		b.Fatalf("%d scheduled", len(svc.Scheduled()))
	}
	for b.Loop() {
		now = now.Add(time.Millisecond) // stays on Tuesday for 10^6 rounds
		if n := svc.RunDue(now); n != 0 {
			b.Fatalf("%d due", n)
		}
	}
}

// BenchmarkManualReport makes one report (record, CSV file, summary HTML,
// send job) with a small CSV: the work around the analytics queries.
func BenchmarkManualReport(b *testing.B) {
	app := apptest.New(b, nil)
	svc := reports.Of(app)
	svc.SetSources(fakeCSV, fakeSummary)
	smith, err := tenancy.FindTenant(app, "smith")
	if err != nil {
		b.Fatal(err)
	}
	smith.Set("report_recipients", []string{"boss@smith.example"})
	if err := app.Save(smith); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := svc.Run(smith, "2026-04-01", "2026-04-30", ""); err != nil {
			b.Fatal(err)
		}
	}
}
