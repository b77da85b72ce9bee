package analytics_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/analytics"
	"counterpart/hooks/apptest"
	"counterpart/hooks/usage"
	migrations "counterpart/pb_migrations"
)

// TestSecondRollupLevelGivesTheSameSummary records a year of random usage of
// every kind in both demo tenants (rolled up in two rounds, so that the
// second adds to rows the first wrote) and checks that the summary read from
// usage_tenant_* equals the one computed from usage_daily alone, for one
// tenant and for all, over ranges that start and end mid-month, whole
// months, single days and a whole year; then again after the second level
// was rebuilt from usage_daily as the upgrade migration does.
func TestSecondRollupLevelGivesTheSameSummary(t *testing.T) {
	app := apptest.New(t, nil)
	var tenants []*core.Record
	for _, slug := range []string{"smith", "jones"} {
		tn, err := app.FindFirstRecordByData("tenants", "slug", slug)
		must(t, err)
		tenants = append(tenants, tn)
	}
	// the Tokyo zone moves events across local days and months
	tenants[1].Set("timezone", "Asia/Tokyo")
	must(t, app.Save(tenants[1]))

	rng := rand.New(rand.NewPCG(11, 6))
	now := time.Now().UTC()
	kinds := []string{usage.KindAnswerCompleted, usage.KindAnswerCompleted, usage.KindAnswerCompleted, usage.KindAnswerFailed,
		usage.KindAnswerStopped, usage.KindFeedback, usage.KindDocumentUploaded, usage.KindDocumentProcessed,
		usage.KindDocumentFailed, usage.KindSignIn, usage.KindExport}
	ratings := []string{"", "up", "down"}
	record := func(n int) {
		must(t, app.RunInTransaction(func(tx core.App) error {
			for range n {
				tn := tenants[rng.IntN(len(tenants))]
				user := ""
				if rng.IntN(10) > 0 { // people are ids of one tenant, as users are
					user = fmt.Sprintf("%s-user%02d", tn.GetString("slug"), rng.IntN(25))
				}
				ev := usage.Event{Tenant: tn.Id, Kind: kinds[rng.IntN(len(kinds))], User: user,
					Model:    []string{"", "llama3.1:8b", "qwen2.5:14b", "retrieval-only"}[rng.IntN(4)],
					TokensIn: int64(rng.IntN(2000)), TokensOut: int64(rng.IntN(400)), LatencyMs: int64(rng.IntN(20_000)),
					RetrievalOnly: rng.IntN(5) == 0, Bytes: int64(rng.IntN(1 << 20)), Pages: int64(rng.IntN(40)),
					Documents: []string{fmt.Sprintf("doc%02d", rng.IntN(30))},
					Feedback:  ratings[1+rng.IntN(2)], Previous: ratings[rng.IntN(3)],
					At: now.Add(-time.Duration(rng.Int64N(int64(375 * 24 * time.Hour)))),
				}
				if err := usage.Record(tx, ev); err != nil {
					return err
				}
			}
			return nil
		}))
		must(t, usage.Rollup(app))
	}
	record(2000)
	record(1000)

	type span struct{ from, to string }
	day := func(d int) string { return now.AddDate(0, 0, -d).Format(time.DateOnly) }
	monthStart := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	spans := []span{
		{day(364), day(0)}, // the year
		{day(365), day(0)}, // 366 days
		{day(29), day(0)},
		{day(0), day(0)},
		{day(200), day(200)},
		{monthStart.AddDate(0, -3, 0).Format(time.DateOnly), monthStart.AddDate(0, 0, -1).Format(time.DateOnly)},  // three whole months
		{monthStart.AddDate(0, -5, 0).Format(time.DateOnly), monthStart.AddDate(0, -4, 14).Format(time.DateOnly)}, // a month and a half
		{monthStart.AddDate(0, -6, 9).Format(time.DateOnly), monthStart.AddDate(0, -2, -1).Format(time.DateOnly)}, // mid-month to a month's end
	}
	for range 12 { // random ranges, most starting and ending mid-month
		a, b := rng.IntN(366), rng.IntN(366)
		spans = append(spans, span{day(max(a, b)), day(min(a, b))})
	}
	check := func(when string) {
		for _, sp := range spans {
			for _, tn := range []string{tenants[0].Id, tenants[1].Id, ""} {
				got, want, err := analytics.SummariesForTest(app, tn, sp.from, sp.to)
				must(t, err)
				if want.Totals.Questions == 0 && sp.from != sp.to {
					t.Errorf("%s %s..%s of %q: no questions; the test data missed the range", when, sp.from, sp.to, tn)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s %s..%s of tenant %q differs: %s", when, sp.from, sp.to, tn, firstDifference(got, want))
				}
			}
		}
	}
	check("rolled up")
	must(t, app.RunInTransaction(func(tx core.App) error { return migrations.BackfillTenantUsage(tx) }))
	check("rebuilt from usage_daily")
}

// firstDifference names the first top-level field of two summaries whose JSON
// differs, with both values (shortened), so a failure stays readable.
func firstDifference(got, want *analytics.Summary) string {
	var g, w map[string]json.RawMessage
	gb, _ := json.Marshal(got)
	wb, _ := json.Marshal(want)
	json.Unmarshal(gb, &g)
	json.Unmarshal(wb, &w)
	short := func(b []byte) string {
		if len(b) > 600 {
			return string(b[:600]) + "…"
		}
		return string(b)
	}
	for k, v := range w {
		if string(g[k]) != string(v) {
			return fmt.Sprintf("%s: got %s, want %s", k, short(g[k]), short(v))
		}
	}
	return "(only in Go values)"
}
