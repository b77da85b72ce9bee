package documents_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/apptest"
	"counterpart/hooks/documents"
	"counterpart/hooks/jobs"
)

// BenchmarkUploadFlow uploads through the app's flow (ask for an upload,
// PUT to the presigned URL, complete) and with a plain presigned PUT to the
// same S3 server (versitygw), for 100 files of 1 MB and one of 200 MB. The app
// is not in the data path, so direct/app should stay near 1. Processing is
// switched off here: it is measured by BenchmarkBuiltinIngest.
func BenchmarkUploadFlow(b *testing.B) {
	for _, size := range []struct {
		name     string
		files    int
		bytes    int
		parallel int
	}{{"100x1MB-sequential", 100, 1 << 20, 1}, {"100x1MB-4-at-once", 100, 1 << 20, 4}, {"1x200MB", 1, 200 << 20, 1}} {
		body := bytes.Repeat([]byte("0123456789 parts line\n"), size.bytes/22+1)[:size.bytes]
		b.Run(size.name, func(b *testing.B) {
			cfg := s3Config(b)
			app := apptest.New(b, cfg)
			e := env{app: app, srv: apptest.Serve(b, app), token: apptest.Token(b, app, "member@smith.example")}
			jobs.QueueOf(app).Handle(documents.JobIngest, func(context.Context, core.App, *jobs.Job) error { return nil }, nil)
			tenant, _ := app.FindFirstRecordByData("tenants", "slug", "smith")
			tenant.Set("max_upload_mb", 2048)
			if err := app.Save(tenant); err != nil {
				b.Fatal(err)
			}
			store := documents.StoreOf(e.app)
			var direct, viaApp time.Duration
			runDirect := func(i int) {
				start := time.Now()
				parallel(size.files, size.parallel, func(f int) {
					url, err := store.PresignPut(context.Background(), fmt.Sprintf("bench/direct/%d-%d.txt", i, f), time.Minute, "text/plain")
					if err != nil {
						b.Error(err)
						return
					}
					if st := putB(b, url, body); st != 200 {
						b.Errorf("direct PUT: %d", st)
					}
				})
				direct += time.Since(start)
			}
			runApp := func(i int) {
				start := time.Now()
				parallel(size.files, size.parallel, func(f int) {
					res := apptest.Do(b, e.srv, "POST", "/api/documents/uploads", e.token,
						map[string]any{"name": fmt.Sprintf("f%d-%d.txt", i, f), "type": "text/plain", "size": len(body)})
					if res.Status != 201 {
						b.Errorf("start: %d %s", res.Status, res.Body)
						return
					}
					if st := putB(b, res.JSON["upload"].(map[string]any)["url"].(string), body); st != 200 {
						b.Errorf("app PUT: %d", st)
					}
					id := res.JSON["document"].(map[string]any)["id"].(string)
					if res := apptest.Do(b, e.srv, "POST", "/api/documents/"+id+"/complete", e.token, nil); res.Status != 200 {
						b.Errorf("complete: %d %s", res.Status, res.Body)
					}
				})
				viaApp += time.Since(start)
			}
			for i := 0; b.Loop(); i++ {
				// alternate which goes first: the store's write-back of one run slows the next
				if i%2 == 0 {
					runDirect(i)
					runApp(i)
				} else {
					runApp(i)
					runDirect(i)
				}
			}
			n := float64(b.N)
			b.ReportMetric(direct.Seconds()/n, "direct-s/op")
			b.ReportMetric(viaApp.Seconds()/n, "app-s/op")
			b.ReportMetric(direct.Seconds()/viaApp.Seconds(), "direct/app")
		})
	}
}

func putB(b testing.TB, url string, body []byte) int {
	req, _ := http.NewRequest("PUT", url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "text/plain")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// parallel runs fn for 0..n-1 with at most width at once, as a browser uploads several files.
func parallel(n, width int, fn func(i int)) {
	sem := make(chan struct{}, width)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			fn(i)
		}()
	}
	wg.Wait()
}
