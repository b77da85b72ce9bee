package ingest_test

import (
	"bufio"
	"fmt"
	"io"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/apptest"
	"counterpart/hooks/documents"
	"counterpart/hooks/jobs"
	"counterpart/internal/blob"
)

// csvRows is the size of the generated price list: 500k rows, about 50 MB.
const csvRows = 500_000

// priceListReader streams a generated CSV price list without holding it in memory.
func priceListReader(rows int) (io.Reader, int64) {
	line := func(i int) string {
		return fmt.Sprintf("%05d-ABC %02d;Brake disc front ventilated %d mm for model series %d, OE quality;%d.%02d;EUR;in stock\n",
			i%100000, i%97, 250+i%90, i%40, 10+i%900, i%100)
	}
	header := "Part number;Description;Price;Currency;Availability\n"
	var size int64 = int64(len(header))
	for i := 0; i < rows; i++ {
		size += int64(len(line(i)))
	}
	pr, pw := io.Pipe()
	go func() {
		w := bufio.NewWriterSize(pw, 1<<16)
		w.WriteString(header)
		for i := 0; i < rows; i++ {
			w.WriteString(line(i))
		}
		w.Flush()
		pw.Close()
	}()
	return pr, size
}

// BenchmarkBuiltinIngest processes a 500k-row CSV price list with the
// built-in processor: extraction, chunking, chunk records and the full-text
// index, exactly as the ingest job does. Reports rows/s and the peak heap
// growth while it runs.
func BenchmarkBuiltinIngest(b *testing.B) {
	app := apptest.New(b, nil) // not served: the job runs here, synchronously
	store := documents.StoreOf(app)
	queue := jobs.QueueOf(app)
	tenant, _ := app.FindFirstRecordByData("tenants", "slug", "smith")
	col, _ := app.FindCollectionByNameOrId("documents")

	r, size := priceListReader(csvRows)
	doc := core.NewRecord(col)
	doc.Id = core.GenerateDefaultRandomId()
	key, _ := blob.DocumentKey(tenant.Id, doc.Id, "prices.csv")
	if err := store.Put(b.Context(), key, r, size, "text/csv"); err != nil {
		b.Fatal(err)
	}
	doc.Set("tenant", tenant.Id)
	doc.Set("filename", "prices.csv")
	doc.Set("content_type", "text/csv")
	doc.Set("size", size)
	doc.Set("storage_key", key)
	doc.Set("status", documents.StatusUploaded)
	if err := app.Save(doc); err != nil {
		b.Fatal(err)
	}

	var elapsed time.Duration
	var peak atomic.Uint64
	for b.Loop() {
		doc.Set("status", documents.StatusUploaded)
		if err := app.Save(doc); err != nil {
			b.Fatal(err)
		}
		if _, err := queue.Enqueue(app, tenant.Id, documents.JobIngest, doc.Id, nil); err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		var base runtime.MemStats
		runtime.ReadMemStats(&base)
		stop := make(chan struct{})
		go func() {
			var m runtime.MemStats
			for {
				select {
				case <-stop:
					return
				case <-time.After(20 * time.Millisecond):
					runtime.ReadMemStats(&m)
					if m.HeapInuse > base.HeapInuse && m.HeapInuse-base.HeapInuse > peak.Load() {
						peak.Store(m.HeapInuse - base.HeapInuse)
					}
				}
			}
		}()
		start := time.Now()
		if ran, err := queue.RunOnce(b.Context()); !ran || err != nil {
			b.Fatalf("ran %v: %v", ran, err)
		}
		elapsed += time.Since(start)
		close(stop)
	}
	got, _ := app.FindRecordById("documents", doc.Id)
	if got.GetString("status") != documents.StatusReady || got.GetInt("rows") < csvRows {
		b.Fatalf("document after ingest: %v", got.FieldsData())
	}
	b.ReportMetric(float64(csvRows*b.N)/elapsed.Seconds(), "rows/s")
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(got.GetInt("chunks")), "chunks")
	b.ReportMetric(float64(size)/(1<<20), "file-MB")
}
