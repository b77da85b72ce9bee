package parts_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/apptest"
	"counterpart/hooks/documents"
	"counterpart/hooks/parts"
	"counterpart/internal/partno"
)

// envInt reads a size from the environment, else def.
func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// peakHeap samples the heap until stop is called and returns how far its
// peak rose above the heap in use at the start, in MB.
func peakHeap() (stop func() float64) {
	var start runtime.MemStats
	runtime.ReadMemStats(&start)
	var peak atomic.Uint64
	done := make(chan struct{})
	go func() {
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	return func() float64 { close(done); return float64(peak.Load()-min(peak.Load(), start.HeapInuse)) / (1 << 20) }
}

// BenchmarkImport imports a generated price file of COUNTERPART_BENCH_ROWS
// rows (default 500,000; Windows-1252, semicolons, comma decimals, 12 % in
// supersession chains) end to end from the store into the parts tables, then
// a delta re-import of the same file with 5 % of the prices changed.
//
//	go test -run '^$' -bench Import -benchtime 1x ./hooks/parts/
func BenchmarkImport(b *testing.B) {
	rows := envInt("COUNTERPART_BENCH_ROWS", 500_000)
	cat := newCatalog(rows, 7)
	body := win1252(b, string(cat.csv()))
	for b.Loop() {
		b.StopTimer()
		app := apptest.New(b, nil)
		doc := storeDocument(b, app, "smith", "preise.csv", "price_list", body)
		runtime.GC()
		stop := peakHeap()
		b.StartTimer()
		start := time.Now()
		imp, err := parts.Import(context.Background(), app, documents.StoreOf(app), doc)
		took := time.Since(start)
		peak := stop()
		if err != nil || imp.GetString("status") != parts.ImportDone {
			b.Fatalf("import: %v %s", err, imp.GetString("message"))
		}
		b.ReportMetric(float64(rows)/took.Seconds(), "rows/s")
		b.ReportMetric(peak, "heap-growth-MB")

		// the delta: 5 % of the prices change
		b.StopTimer()
		for i, p := range cat.parts {
			if i%20 == 0 {
				p.list = p.list*1.07 + 0.01
			}
		}
		doc2 := storeDocument(b, app, "smith", "preise-neu.csv", "price_list", win1252(b, string(cat.csv())))
		b.StartTimer()
		start = time.Now()
		imp, err = parts.Import(context.Background(), app, documents.StoreOf(app), doc2)
		took = time.Since(start)
		if err != nil || imp.GetString("status") != parts.ImportDone {
			b.Fatalf("delta import: %v %s", err, imp.GetString("message"))
		}
		b.ReportMetric(float64(rows)/took.Seconds(), "delta-rows/s")
		b.Logf("%d rows: %s in %s; %s", rows, imp.GetString("message"), took.Round(time.Millisecond), strings.TrimSpace(fmt.Sprint(counts(b, imp))))
	}
}

// BenchmarkLookup looks parts up in a catalog of COUNTERPART_BENCH_PARTS
// parts (default 5,000,000) spread over 100 tenants, and reports p50 and
// p95 per kind of question: an exact key, a brand short form (BMW's last
// seven digits), a whole question, and a chain of six links.
//
//	go test -run '^$' -bench Lookup -benchtime 2000x ./hooks/parts/
func BenchmarkLookup(b *testing.B) {
	total := envInt("COUNTERPART_BENCH_PARTS", 5_000_000)
	const tenants = 100
	app := apptest.New(b, nil)
	smith := storeDocument(b, app, "smith", "preise.csv", "price_list", []byte("x"))
	tenant := smith.GetString("tenant")
	start := time.Now()
	// the other 99 tenants' parts share the table and its indexes
	perTenant := total / tenants
	var samples []string
	const insertSQL = "INSERT INTO {{parts}} ([[id]], [[tenant]], [[brand]], [[key]], [[alt_key]], [[alt_key2]], [[number]], [[display]], " +
		"[[description]], [[prices]], [[core_charge]], [[discontinued]], [[document]], [[row]], [[created]], [[updated]]) VALUES " +
		"({:id}, {:tenant}, 'BMW', {:key}, {:alt}, '', {:key}, {:display}, 'Bremsscheibe', '{\"list\":{\"amount\":89.5,\"currency\":\"EUR\"}}', '', FALSE, {:doc}, {:row}, '', '')"
	var err error
	for t := 0; t < tenants && err == nil; t++ {
		tid := tenant
		if t > 0 {
			tid = fmt.Sprintf("tenant%09d", t)
		}
		// one transaction per tenant, so the WAL stays small
		err = app.RunInTransaction(func(tx core.App) error {
			insert := tx.DB().NewQuery(insertSQL).Prepare()
			defer insert.Close()
			for i := range perTenant {
				key := fmt.Sprintf("%04d%07d", 1000+t, i*7+3)
				if _, err := insert.Bind(dbx.Params{"id": core.GenerateDefaultRandomId(), "tenant": tid, "key": key, "alt": key[4:],
					"display": partno.Display("BMW", key), "doc": smith.Id, "row": i + 2}).Execute(); err != nil {
					return err
				}
				if t == 0 && i%(perTenant/1000+1) == 0 {
					samples = append(samples, key)
				}
			}
			if t > 0 {
				return nil
			}
			// a chain of six links in tenant 0: 90000000000 → … → 90000000006
			for i := range 7 {
				key := fmt.Sprintf("9%010d", i)
				if _, err := insert.Bind(dbx.Params{"id": core.GenerateDefaultRandomId(), "tenant": tenant, "key": key, "alt": "",
					"display": key, "doc": smith.Id, "row": i}).Execute(); err != nil {
					return err
				}
				if i < 6 {
					if _, err := tx.DB().Insert(parts.Supersessions, dbx.Params{"id": core.GenerateDefaultRandomId(), "tenant": tenant, "brand": "BMW",
						"from_key": key, "to_key": fmt.Sprintf("9%010d", i+1), "kind": "single", "document": smith.Id}).Execute(); err != nil {
						return err
					}
				}
			}
			return nil
		})
	}
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%d parts in %d tenants written in %s", perTenant*tenants, tenants, time.Since(start).Round(time.Second))
	kinds := []struct {
		name string
		q    func(i int) string
		want func(parts.Result) bool
	}{
		{"exact", func(i int) string { return samples[i%len(samples)] }, func(r parts.Result) bool { return len(r.Matches) == 1 }},
		{"short", func(i int) string { return samples[i%len(samples)][4:] }, func(r parts.Result) bool { return len(r.Matches) == 1 }},
		{"question", func(i int) string {
			k := samples[i%len(samples)]
			return "what does the BMW " + k[:2] + " " + k[2:4] + " " + k[4:5] + " " + k[5:8] + " " + k[8:] + " cost and is there a core charge?"
		}, func(r parts.Result) bool { return len(r.Matches) == 1 }},
		{"chain6", func(int) string { return "90000000000" }, func(r parts.Result) bool {
			return len(r.Matches) == 1 && r.Matches[0].Current != nil && len(r.Matches[0].Chain) == 7
		}},
	}
	for _, k := range kinds {
		b.Run(k.name, func(b *testing.B) {
			var lat []time.Duration
			i := 0
			for b.Loop() {
				q := k.q(i)
				i++
				t0 := time.Now()
				res, err := parts.Lookup(context.Background(), app.DB(), tenant, q)
				lat = append(lat, time.Since(t0))
				if err != nil || !k.want(res) {
					b.Fatalf("%q: %v %+v", q, err, res)
				}
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95-ms")
		})
	}
}
