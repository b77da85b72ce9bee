package analytics_test

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"runtime"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/analytics"
	"counterpart/hooks/apptest"
	"counterpart/hooks/usage"
)

// Benchmark data is generated inside the benchmarks only, so the normal test
// run never pays for it. Rolled-up rows are built by the rollup's own
// aggregation (usage.Batch) and upserts (usage.Apply) from synthetic events
// held in memory: writing 10M raw events first would only measure SQLite
// inserts, which BenchmarkRollup measures per 1,000 events.

const (
	benchTenants         = 100
	benchEventsPerTenant = 100_000 // 10M events in all
	benchUsers           = 20
	benchDocs            = 50
	benchDays            = 365
)

// seedRollup fills usage_daily, usage_latency and usage_citations of every
// tenant of app (demo tenants included, the rest created) as if
// benchEventsPerTenant answers had been rolled up over the last benchDays days.
func seedRollup(b *testing.B, app core.App) []string {
	b.Helper()
	col, err := app.FindCollectionByNameOrId("tenants")
	must(b, err)
	var ids []string
	for _, slug := range []string{"smith", "jones"} {
		t, err := app.FindFirstRecordByData("tenants", "slug", slug)
		must(b, err)
		ids = append(ids, t.Id)
	}
	for i := len(ids); i < benchTenants; i++ {
		t := core.NewRecord(col)
		t.Set("name", fmt.Sprintf("Dealer %03d", i))
		t.Set("slug", fmt.Sprintf("dealer-%03d", i))
		t.Set("timezone", []string{"Europe/Berlin", "America/Chicago", "UTC", "Asia/Tokyo"}[i%4])
		must(b, app.Save(t))
		ids = append(ids, t.Id)
	}
	rng := rand.New(rand.NewPCG(7, 7))
	zipf := rand.NewZipf(rng, 1.2, 1, benchDocs-1)
	today := time.Now().UTC()
	start := time.Now()
	for _, tenant := range ids {
		batch := usage.NewBatch()
		for range benchEventsPerTenant {
			day := today.AddDate(0, 0, -rng.IntN(benchDays)).Format(time.DateOnly)
			user := fmt.Sprintf("user%011d", rng.IntN(benchUsers))
			model, ro := "llama3.1:8b", false
			switch r := rng.IntN(10); {
			case r == 0:
				model, ro = "retrieval-only", true
			case r < 4:
				model = "qwen2.5:14b"
			}
			kind := usage.KindAnswerCompleted
			switch r := rng.IntN(100); {
			case r < 5:
				kind = usage.KindAnswerFailed
			case r < 8:
				kind = usage.KindAnswerStopped
			}
			latency := int64(math.Exp(7 + rng.NormFloat64()*0.8)) // median ≈ 1.1 s
			batch.AddAnswer(tenant, day, user, model, kind, int64(300+rng.IntN(2000)), int64(50+rng.IntN(400)), latency, ro,
				[]string{fmt.Sprintf("doc%012d", zipf.Uint64())})
		}
		must(b, app.RunInTransaction(func(tx core.App) error { return usage.Apply(tx, batch) }))
	}
	var rows struct {
		N int64 `db:"n"`
	}
	must(b, app.DB().NewQuery("SELECT COUNT(*) AS n FROM usage_daily").One(&rows))
	b.Logf("seeded %d tenants × %d events as %d usage_daily rows in %s", len(ids), benchEventsPerTenant, rows.N, time.Since(start).Round(time.Second))
	return ids
}

// BenchmarkSummary asks GET /api/analytics (a manager of one tenant, 30 and
// 365 days) and IT's all-tenants view over the rollup of 10M events in 100
// tenants; it reports p50 and p95 of the request time.
func BenchmarkSummary(b *testing.B) {
	app := apptest.New(b, nil)
	srv := apptest.Serve(b, app)
	seedRollup(b, app)
	today := time.Now().UTC()
	manager := apptest.Token(b, app, "manager@smith.example")
	it := apptest.Token(b, app, apptest.Superuser(b, app))
	for _, c := range []struct {
		name, path, token string
	}{
		{"tenant-30d", "/api/analytics", manager},
		{"tenant-365d", fmt.Sprintf("/api/analytics?from=%s&to=%s", today.AddDate(0, 0, -364).Format(time.DateOnly), today.Format(time.DateOnly)), manager},
		{"all-tenants-30d", "/api/admin/analytics", it},
	} {
		b.Run(c.name, func(b *testing.B) {
			var took []time.Duration
			for b.Loop() {
				start := time.Now()
				req, _ := http.NewRequest("GET", srv.URL+c.path, nil)
				req.Header.Set("Authorization", c.token)
				res, err := srv.Client().Do(req)
				must(b, err)
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != 200 {
					b.Fatalf("%s: %d", c.path, res.StatusCode)
				}
				took = append(took, time.Since(start))
			}
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(took[min(len(took)-1, len(took)*95/100)].Microseconds())/1000, "p95-ms")
		})
	}
}

// BenchmarkRollup measures the rollup of 1,000 new answer events (each
// citing a document) into tables that already hold rows, and, separately,
// writing those 1,000 events as the record hooks do (one statement each).
func BenchmarkRollup(b *testing.B) {
	app := apptest.New(b, nil)
	smith, err := app.FindFirstRecordByData("tenants", "slug", "smith")
	must(b, err)
	var seq atomic.Int64
	record := func(app core.App) error {
		n := seq.Add(1)
		return usage.Record(app, usage.Event{Tenant: smith.Id, Kind: usage.KindAnswerCompleted, User: fmt.Sprintf("user%d", n%20),
			Model: "llama3.1:8b", TokensIn: 500, TokensOut: 120, LatencyMs: 800 + n%3000, Documents: []string{fmt.Sprintf("doc%d", n%50)},
			At: time.Now().Add(-time.Duration(n%(30*24)) * time.Hour)})
	}
	b.Run("record-1000-events", func(b *testing.B) {
		for b.Loop() {
			for range 1000 {
				must(b, record(app))
			}
		}
		b.StopTimer()
		must(b, usage.Rollup(app))
	})
	b.Run("rollup-1000-events", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			must(b, app.RunInTransaction(func(tx core.App) error {
				for range 1000 {
					if err := record(tx); err != nil {
						return err
					}
				}
				return nil
			}))
			b.StartTimer()
			must(b, usage.Rollup(app))
		}
	})
}

// countingWriter counts what an export writes.
type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

// BenchmarkExportUsage streams usage.csv of one tenant holding 1M usage_daily
// rows in 366 days and reports rows/s and the peak heap growth while it runs
// (sampled every millisecond), to show that memory stays flat.
func BenchmarkExportUsage(b *testing.B) {
	app := apptest.New(b, nil)
	smith, err := app.FindFirstRecordByData("tenants", "slug", "smith")
	must(b, err)
	const days, usersPerDay = 366, 1366 // × 2 models ≈ 1M rows
	today := time.Now().UTC()
	from := today.AddDate(0, 0, -(days - 1))
	start := time.Now()
	for d := range days {
		batch := usage.NewBatch()
		day := from.AddDate(0, 0, d).Format(time.DateOnly)
		for u := range usersPerDay {
			for _, model := range []string{"llama3.1:8b", "qwen2.5:14b"} {
				batch.AddAnswer(smith.Id, day, fmt.Sprintf("user%011d", u), model, usage.KindAnswerCompleted, 500, 100, 900, false, nil)
			}
		}
		must(b, app.RunInTransaction(func(tx core.App) error { return usage.Apply(tx, batch) }))
	}
	b.Logf("seeded %d rows in %s", days*usersPerDay*2, time.Since(start).Round(time.Second))

	for b.Loop() {
		runtime.GC()
		var base runtime.MemStats
		runtime.ReadMemStats(&base)
		var peak atomic.Uint64
		stop := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			var m runtime.MemStats
			for {
				select {
				case <-stop:
					return
				case <-time.After(time.Millisecond):
					runtime.ReadMemStats(&m)
					if m.HeapInuse > peak.Load() {
						peak.Store(m.HeapInuse)
					}
				}
			}
		}()
		w := &countingWriter{}
		t0 := time.Now()
		must(b, analytics.WriteUsageCSV(app, w, smith.Id, from.Format(time.DateOnly), today.Format(time.DateOnly)))
		took := time.Since(t0)
		close(stop)
		<-done
		rows := float64(days * usersPerDay * 2)
		b.ReportMetric(rows/took.Seconds(), "rows/s")
		b.ReportMetric(float64(int64(peak.Load())-int64(base.HeapInuse))/(1<<20), "peak-heap-growth-MB")
		b.ReportMetric(float64(w.n)/(1<<20), "csv-MB")
	}
}
