package metrics

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestTextExposition(t *testing.T) {
	r := NewRegistry()
	c := r.NewCounterVec("x_total", "Calls, by \"kind\".\nSecond line.", "kind")
	g := r.NewGaugeVec("y", "A gauge.")
	h := r.NewHistogramVec("z_seconds", "Latency.", []float64{0.1, 1}, "route", "method")
	c.Inc(`a"b\c` + "\n")
	c.Add(2, "plain")
	g.Set(2.5)
	h.Observe(0.1, "/api/x/{id}", "GET") // le is inclusive
	h.Observe(0.5, "/api/x/{id}", "GET")
	h.Observe(7, "/api/x/{id}", "GET")
	var b strings.Builder
	if err := r.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	want := `# HELP x_total Calls, by "kind".\nSecond line.
# TYPE x_total counter
x_total{kind="a\"b\\c\n"} 1
x_total{kind="plain"} 2
# HELP y A gauge.
# TYPE y gauge
y 2.5
# HELP z_seconds Latency.
# TYPE z_seconds histogram
z_seconds_bucket{route="/api/x/{id}",method="GET",le="0.1"} 1
z_seconds_bucket{route="/api/x/{id}",method="GET",le="1"} 2
z_seconds_bucket{route="/api/x/{id}",method="GET",le="+Inf"} 3
z_seconds_sum{route="/api/x/{id}",method="GET"} 7.6
z_seconds_count{route="/api/x/{id}",method="GET"} 3
`
	if b.String() != want {
		t.Errorf("exposition:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestRegistryRefusesMisuse(t *testing.T) {
	tests := []struct {
		name string
		fn   func(r *Registry)
	}{
		{"duplicate name", func(r *Registry) { r.NewGaugeVec("a", "x"); r.NewGaugeVec("a", "x") }},
		{"too many labels", func(r *Registry) { r.NewGaugeVec("a", "x", "1", "2", "3", "4", "5") }},
		{"wrong number of values", func(r *Registry) { r.NewCounterVec("a", "x", "k").Inc() }},
		{"unsorted bounds", func(r *Registry) { r.NewHistogramVec("a", "x", []float64{1, 0.5}) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			tc.fn(NewRegistry())
		})
	}
}

func TestWindow(t *testing.T) {
	var w Window
	t0 := time.Date(2026, 11, 29, 10, 0, 30, 0, time.UTC)
	for i := range 10 {
		w.Record(t0.Add(time.Duration(i)*time.Minute), i%2 == 0) // 5 failures over 10 minutes
	}
	tests := []struct {
		name            string
		now             time.Time
		span            time.Duration
		calls, failures int
	}{
		{"all ten", t0.Add(9 * time.Minute), 15 * time.Minute, 10, 5},
		{"last five minutes", t0.Add(9 * time.Minute), 5 * time.Minute, 5, 2},
		{"an hour later", t0.Add(70 * time.Minute), 15 * time.Minute, 0, 0},
		{"after the ring wrapped", t0.Add(MaxWindow + 10*time.Minute), MaxWindow, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			calls, failures := w.Totals(tc.now, tc.span)
			if calls != tc.calls || failures != tc.failures {
				t.Errorf("Totals = %d calls, %d failures; want %d, %d", calls, failures, tc.calls, tc.failures)
			}
		})
	}
	// a slot reused after the ring wrapped starts from zero
	w.Record(t0.Add(MaxWindow), true)
	if calls, failures := w.Totals(t0.Add(MaxWindow), time.Minute); calls != 1 || failures != 1 {
		t.Errorf("reused slot: %d calls, %d failures", calls, failures)
	}
}

// recorder collects what an instrumented transport reports.
type recorder struct {
	mu    sync.Mutex
	kinds []string
}

func (r *recorder) record(kind string, _ time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.kinds = append(r.kinds, kind)
}

func (r *recorder) got() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.kinds...)
}

func TestInstrumentClassifiesCalls(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body) // so that the server notices a client that goes away
		switch r.URL.Path {
		case "/ok":
			io.WriteString(w, `{"output":"fine"}`)
		case "/500":
			http.Error(w, "workflow failed", 500)
		case "/401":
			http.Error(w, "No token provided", 401)
		case "/403":
			http.Error(w, "invalid signature", 403)
		case "/404":
			http.Error(w, "webhook not registered", 404)
		case "/hang":
			select {
			case <-release:
			case <-r.Context().Done():
			}
		case "/cut":
			w.Header().Set("Content-Length", "1000")
			w.WriteHeader(200)
			io.WriteString(w, "partial")
			w.(http.Flusher).Flush()
			if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
				conn.Close()
			}
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) }) // runs before srv.Close
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + closed.Addr().String()
	closed.Close()

	tests := []struct {
		name string
		url  string
		ctx  func() (context.Context, context.CancelFunc)
		want string
	}{
		{"ok", srv.URL + "/ok", nil, KindOK},
		{"5xx", srv.URL + "/500", nil, KindHTTP5xx},
		{"401", srv.URL + "/401", nil, KindAuth},
		{"403", srv.URL + "/403", nil, KindAuth},
		{"404", srv.URL + "/404", nil, KindHTTP4xx},
		{"refused", refused, nil, KindUnreachable},
		{"unknown host", "http://counterpart-no-such-host.invalid/x", nil, KindUnreachable},
		{"deadline", srv.URL + "/hang", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 50*time.Millisecond)
		}, KindTimeout},
		{"cancelled with a timeout cause", srv.URL + "/hang", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancelCause(context.Background())
			time.AfterFunc(50*time.Millisecond, func() { cancel(errors.New("n8n sent nothing before the first-byte timeout")) })
			return ctx, func() { cancel(nil) }
		}, KindTimeout},
		{"stopped by the user", srv.URL + "/hang", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancelCause(context.Background())
			time.AfterFunc(50*time.Millisecond, func() { cancel(errors.New("stopped by the user")) })
			return ctx, func() { cancel(nil) }
		}, KindCanceled},
		{"reply cut off", srv.URL + "/cut", nil, KindBadReply},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recorder{}
			client := &http.Client{Transport: Instrument(nil, nil, rec.record)}
			ctx, cancel := context.Background(), context.CancelFunc(func() {})
			if tc.ctx != nil {
				ctx, cancel = tc.ctx()
			}
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, "POST", tc.url, strings.NewReader("{}"))
			if res, err := client.Do(req); err == nil {
				io.ReadAll(res.Body)
				res.Body.Close()
			}
			if got := rec.got(); len(got) != 1 || got[0] != tc.want {
				t.Errorf("recorded %v, want [%s]", got, tc.want)
			}
		})
	}
}

func TestInstrumentClientTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	rec := &recorder{}
	// the ingest client bounds a call with http.Client.Timeout
	client := &http.Client{Timeout: 50 * time.Millisecond, Transport: Instrument(nil, nil, rec.record)}
	if res, err := client.Post(srv.URL, "application/json", strings.NewReader("{}")); err == nil {
		res.Body.Close()
		t.Fatal("no timeout")
	}
	if got := rec.got(); len(got) != 1 || got[0] != KindTimeout {
		t.Errorf("recorded %v, want [timeout]", got)
	}
}

// BenchmarkHistogramObserve is the metrics middleware's own work per request,
// from one goroutine and from all cores at once (one series: the worst case).
func BenchmarkHistogramObserve(b *testing.B) {
	h := NewRegistry().NewHistogramVec("h", "x", DefaultLatencyBuckets, "route", "method", "status")
	b.Run("serial", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			h.Observe(0.003, "/api/collections/{collection}/records", "GET", "2xx")
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				h.Observe(0.003, "/api/collections/{collection}/records", "GET", "2xx")
			}
		})
	})
	if h.Count("/api/collections/{collection}/records", "GET", "2xx") == 0 {
		b.Fatal("nothing counted")
	}
}

func TestDiskSpace(t *testing.T) {
	free, total, err := DiskSpace(t.TempDir())
	if err != nil || total == 0 || free > total {
		t.Errorf("DiskSpace = %d free of %d, %v", free, total, err)
	}
	if _, _, err := DiskSpace("/no/such/dir"); err == nil {
		t.Error("no error for a missing directory")
	}
}
