// Package monitoring lets IT watch the appliance: a Prometheus metrics
// endpoint (request latency by route, n8n calls by outcome, the job outbox,
// open answer streams, realtime clients, database, store and disk sizes) and
// a deep health check of the database, the store and n8n. Both answer only
// to the configured token, or, when none is configured, to this machine.
package monitoring

import (
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"

	"counterpart/hooks/api"
	"counterpart/hooks/chat"
	"counterpart/hooks/documents"
	"counterpart/hooks/jobs"
	"counterpart/internal/blob"
	"counterpart/internal/config"
	"counterpart/internal/metrics"
	"counterpart/internal/version"
)

// Routes served by the feature.
const (
	MetricsPath = "/api/metrics"
	DeepPath    = "/api/health/deep"
)

// Webhooks are the n8n webhooks whose calls are measured.
var Webhooks = []string{"chat", "ingest"}

// Deps are what the feature needs from the app.
type Deps struct {
	// Config holds monitoring.metrics_token.
	Config config.Monitoring
	// Queue is the job outbox whose backlog is reported.
	Queue *jobs.Queue
	// Store is the document store the deep health check probes.
	Store blob.Store
	// N8N names the configured webhooks, which the deep health check reaches for.
	N8N config.N8N
	// Now is the clock that dates n8n calls for the failure window (time.Now when nil).
	Now func() time.Time
}

// Monitor holds the metrics of one app.
type Monitor struct {
	deps     Deps
	registry *metrics.Registry
	n8nCalls metrics.Window

	httpDuration *metrics.HistogramVec
	n8nDuration  *metrics.HistogramVec
	n8nErrors    *metrics.CounterVec
	n8nCanceled  *metrics.CounterVec
	gauges       map[string]*metrics.GaugeVec
}

const storeKey = "counterpart.monitoring"

// Of returns the app's monitor, nil when the feature is not registered.
func Of(app core.App) *Monitor {
	m, _ := app.Store().Get(storeKey).(*Monitor)
	return m
}

// Register binds the metrics middleware and the metrics and deep health
// routes, and returns the monitor, whose Transport instruments n8n clients.
func Register(app core.App, deps Deps) *Monitor {
	if deps.Now == nil {
		deps.Now = time.Now
	}
	m := newMonitor(deps)
	app.Store().Set(storeKey, m)
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.Bind(&hook.Handler[*core.RequestEvent]{
			Id: "counterpartMetrics",
			// before CORS and the activity logger, so that their time counts too
			Priority: apis.DefaultCorsMiddlewarePriority - 1,
			Func:     m.measure,
		})
		api.Bind(se, m.Routes()...)
		return se.Next()
	})
	return m
}

func newMonitor(deps Deps) *Monitor {
	r := metrics.NewRegistry()
	m := &Monitor{deps: deps, registry: r, gauges: map[string]*metrics.GaugeVec{}}
	r.NewGaugeVec("counterpart_build_info", "The running build (always 1).", "version", "commit").Set(1, version.Version, version.Commit)
	m.httpDuration = r.NewHistogramVec("counterpart_http_request_duration_seconds",
		"Time to answer an HTTP request, by route pattern (never the raw path), method and status class. Streams (realtime, chat answers) count their whole duration.",
		metrics.DefaultLatencyBuckets, "route", "method", "status")
	m.n8nDuration = r.NewHistogramVec("counterpart_n8n_call_duration_seconds",
		"Time of an n8n webhook call until its reply ended (a streamed answer counts whole), by webhook; cancelled calls are not included.",
		metrics.DefaultLatencyBuckets, "webhook")
	m.n8nErrors = r.NewCounterVec("counterpart_n8n_call_errors_total",
		"Failed n8n webhook calls by webhook and kind: timeout, unreachable, auth (401/403), http_4xx, http_5xx, bad_reply (the reply broke off).",
		"webhook", "kind")
	m.n8nCanceled = r.NewCounterVec("counterpart_n8n_calls_canceled_total",
		"n8n webhook calls their caller gave up on (stopped answers, shutdown): not failures of n8n.", "webhook")
	for _, w := range Webhooks {
		for _, k := range metrics.ErrorKinds {
			m.n8nErrors.Add(0, w, k) // every series exists from the start, so that rate() works at once
		}
		m.n8nCanceled.Add(0, w)
	}
	gauge := func(name, help string, labels ...string) {
		m.gauges[name] = r.NewGaugeVec(name, help, labels...)
	}
	gauge("counterpart_jobs_queued", "Jobs in the outbox waiting to run (due or waiting for a retry).")
	gauge("counterpart_jobs_oldest_due_seconds", "How long the longest-waiting due job has been due.")
	gauge("counterpart_chat_streams_open", "Answers being generated now.")
	gauge("counterpart_realtime_clients", "Connected realtime (server-sent events) clients.")
	gauge("counterpart_database_size_bytes", "Size of a SQLite database with its write-ahead log.", "db")
	gauge("counterpart_store_size_bytes", "Bytes of all documents in the store (the sum of their recorded sizes).")
	gauge("counterpart_documents", "Documents by status, all tenants together.", "status")
	gauge("counterpart_data_dir_free_bytes", "Free space on the file system of the data directory.")
	gauge("counterpart_data_dir_size_bytes", "Size of the file system of the data directory.")
	gauge("go_goroutines", "Goroutines that currently exist.")
	gauge("go_memstats_heap_inuse_bytes", "Bytes in in-use heap spans.")
	return m
}

// Transport wraps next (http.DefaultTransport when nil) so that every call
// to the named n8n webhook is measured and counted by outcome.
func (m *Monitor) Transport(webhook string, next http.RoundTripper) http.RoundTripper {
	return metrics.Instrument(next, nil, func(kind string, took time.Duration) {
		switch {
		case kind == metrics.KindCanceled:
			m.n8nCanceled.Inc(webhook)
			return
		case metrics.IsFailure(kind):
			m.n8nErrors.Inc(webhook, kind)
		}
		m.n8nDuration.Observe(took.Seconds(), webhook)
		m.n8nCalls.Record(m.deps.Now(), metrics.IsFailure(kind))
	})
}

// Client instruments c's transport for the named n8n webhook and returns c.
func (m *Monitor) Client(webhook string, c *http.Client) *http.Client {
	c.Transport = m.Transport(webhook, c.Transport)
	return c
}

// N8NWindow is the rolling count of n8n calls and failures that alerts read.
func (m *Monitor) N8NWindow() *metrics.Window { return &m.n8nCalls }

// skipSuccessLog keeps successful scrapes and health polls (every few
// seconds, from tools) out of the activity log; failures are still logged.
var skipSuccessLog = apis.SkipSuccessActivityLog()

// measure is the global middleware that times every request.
func (m *Monitor) measure(e *core.RequestEvent) error {
	start := time.Now()
	var err error
	if p := e.Request.URL.Path; p == MetricsPath || p == DeepPath {
		err = skipSuccessLog.Func(e)
	} else {
		err = e.Next()
	}
	status := e.Status()
	if status == 0 {
		status = http.StatusOK
		if err != nil {
			status = router.ToApiError(err).Status
		}
	}
	m.httpDuration.Observe(time.Since(start).Seconds(), routeLabel(e.Request), e.Request.Method, statusClass(status))
	return err
}

// routeLabel is the route pattern that matched, without its method: ids in
// paths stay placeholders, so the number of series is bounded by the routes.
func routeLabel(r *http.Request) string {
	p := r.Pattern
	if p == "" {
		return "unmatched"
	}
	if i := strings.IndexByte(p, ' '); i >= 0 {
		p = p[i+1:]
	}
	if i := strings.IndexByte(p, '/'); i > 0 { // a host-qualified pattern: keep the path
		p = p[i:]
	}
	return p
}

var statusClasses = [...]string{"1xx", "1xx", "2xx", "3xx", "4xx", "5xx"}

func statusClass(status int) string {
	if c := status / 100; c >= 1 && c <= 5 {
		return statusClasses[c]
	}
	return "other"
}

// collect refreshes the gauges read at scrape time.
func (m *Monitor) collect(app core.App) {
	set := func(name string, v float64, labels ...string) { m.gauges[name].Set(v, labels...) }
	if m.deps.Queue != nil {
		if queued, oldest, err := m.deps.Queue.Stats(app); err != nil {
			app.Logger().Warn("metrics: job outbox", "error", err)
		} else {
			set("counterpart_jobs_queued", float64(queued))
			set("counterpart_jobs_oldest_due_seconds", oldest.Seconds())
		}
	}
	set("counterpart_chat_streams_open", float64(chat.Running(app)))
	set("counterpart_realtime_clients", float64(app.SubscriptionsBroker().TotalClients()))
	for _, db := range []string{"data", "auxiliary"} {
		set("counterpart_database_size_bytes", float64(fileSize(filepath.Join(app.DataDir(), db+".db"))+
			fileSize(filepath.Join(app.DataDir(), db+".db-wal"))), db)
	}
	var rows []struct {
		Status string  `db:"status"`
		N      int     `db:"n"`
		Bytes  float64 `db:"bytes"`
	}
	if err := app.DB().NewQuery("SELECT [[status]], COUNT(*) AS n, COALESCE(SUM([[size]]), 0) AS bytes FROM {{" +
		documents.Collection + "}} GROUP BY [[status]]").All(&rows); err != nil {
		app.Logger().Warn("metrics: documents", "error", err)
	} else {
		var total float64
		for _, s := range []string{documents.StatusPendingUpload, documents.StatusUploaded, documents.StatusProcessing,
			documents.StatusReady, documents.StatusFailed} {
			set("counterpart_documents", 0, s)
		}
		for _, r := range rows {
			set("counterpart_documents", float64(r.N), r.Status)
			total += r.Bytes
		}
		set("counterpart_store_size_bytes", total)
	}
	if free, size, err := metrics.DiskSpace(app.DataDir()); err != nil {
		app.Logger().Warn("metrics: disk space", "error", err)
	} else {
		set("counterpart_data_dir_free_bytes", float64(free))
		set("counterpart_data_dir_size_bytes", float64(size))
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	set("go_goroutines", float64(runtime.NumGoroutine()))
	set("go_memstats_heap_inuse_bytes", float64(ms.HeapInuse))
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// Routes lists the feature's routes. Both check the caller themselves (see
// allowed), which the route table records as Public: no user token opens them.
func (m *Monitor) Routes() []api.Route {
	return []api.Route{
		{Method: "GET", Path: MetricsPath, Access: api.Public,
			Summary: "Prometheus metrics (token, or loopback when no token is configured)", Handler: m.serveMetrics},
		{Method: "GET", Path: DeepPath, Access: api.Public,
			Summary: "deep health check of the database, the store and n8n (token, or loopback when no token is configured)", Handler: m.serveDeep},
	}
}

func (m *Monitor) serveMetrics(e *core.RequestEvent) error {
	if err := m.allowed(e); err != nil {
		return err
	}
	m.collect(e.App)
	e.Response.Header().Set("Content-Type", metrics.ContentType)
	e.Response.Header().Set("Cache-Control", "no-store")
	e.Response.WriteHeader(http.StatusOK)
	return m.registry.WriteText(e.Response)
}
