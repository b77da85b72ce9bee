// Package reports makes each tenant's usage report — a CSV of the daily usage
// and an HTML summary — on the tenant's schedule (a cron expression in its
// time zone) or on demand, keeps it in the "reports" collection with the CSV
// as a protected file, and mails it to the tenant's recipients through the
// durable job queue, so that a mail server that is down delays the mail but
// never loses the report.
//
// The schedule runs on robfig/cron: one entry per tenant, its spec prefixed
// with CRON_TZ=<tenant zone>. Every entry only calls RunDue(now), which runs
// each tenant whose schedule had an activation since the last check, so the
// calendar logic is tested by calling RunDue with any instant instead of
// waiting for the clock.
package reports

import (
	"context"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/robfig/cron/v3"

	"counterpart/hooks/api"
	"counterpart/hooks/jobs"
)

// Collection is the reports collection.
const Collection = "reports"

// JobSend mails a ready report to its recipients (retried by the job queue).
const JobSend = "report.send"

// Report triggers and statuses (pb_migrations/1764400040_reports.go).
const (
	TriggerSchedule = "schedule"
	TriggerManual   = "manual"

	StatusRunning = "running"
	StatusReady   = "ready"
	StatusFailed  = "failed"
)

// DefaultMaxCSVBytes bounds a report's CSV: it is mailed as an attachment.
const DefaultMaxCSVBytes = 20 << 20

// UsageCSVFunc writes a tenant's daily usage rows for the days from..to
// (YYYY-MM-DD, inclusive, in the tenant's time zone) as CSV to w.
type UsageCSVFunc func(app core.App, w io.Writer, tenantID, from, to string) error

// SummaryFunc summarises a tenant's usage over from..to; the result is
// rendered through its JSON form (totals, topDocuments, topUsers, storage,
// messageQuota, …), so any struct with that shape will do.
type SummaryFunc func(app core.App, tenantID, from, to string) (any, error)

// SummaryOf adapts a summary function with a concrete result type (such as
// analytics.Summarize) to a SummaryFunc.
func SummaryOf[T any](f func(app core.App, tenantID, from, to string) (T, error)) SummaryFunc {
	return func(app core.App, tenantID, from, to string) (any, error) {
		sum, err := f(app, tenantID, from, to)
		if err != nil {
			return nil, err
		}
		return sum, nil
	}
}

// Deps are what the feature needs from the rest of the app.
type Deps struct {
	// UsageCSV and Summary produce the report's content (hooks/analytics).
	UsageCSV UsageCSVFunc
	Summary  SummaryFunc
	// Queue sends the mails (hooks/jobs); required.
	Queue *jobs.Queue
	// MaxCSVBytes bounds a report's CSV (default DefaultMaxCSVBytes).
	MaxCSVBytes int64
}

// Service is the reports feature of one app: the schedules of its tenants
// and the runs in progress.
type Service struct {
	app core.App

	depsMu sync.RWMutex
	deps   Deps

	mu      sync.Mutex
	now     func() time.Time
	entries map[string]*entry  // tenant id → its schedule
	runners map[string]*runner // tenant id → its run lock and job
	cron    *cron.Cron
	started bool

	ctx    context.Context // ends when the app terminates
	cancel context.CancelFunc
	wg     sync.WaitGroup // runs in progress
	skips  atomic.Int64   // scheduled activations skipped because the previous run was still going
}

const storeKey = "counterpart.reports"

// Of returns the Service that Register bound to app, nil when there is none.
func Of(app core.App) *Service {
	s, _ := app.Store().Get(storeKey).(*Service)
	return s
}

// Register binds the reports feature: the send job, the tenant hooks that
// keep the schedules current, the scheduler (started when the app serves,
// stopped when it terminates) and the routes.
func Register(app core.App, deps Deps) *Service {
	if deps.MaxCSVBytes <= 0 {
		deps.MaxCSVBytes = DefaultMaxCSVBytes
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Service{app: app, deps: deps, now: time.Now, entries: map[string]*entry{}, runners: map[string]*runner{},
		ctx: ctx, cancel: cancel}
	s.cron = cron.New(cron.WithLogger(cronLogger{s}), cron.WithChain(cron.Recover(cronLogger{s})))
	app.Store().Set(storeKey, s)

	deps.Queue.Handle(JobSend, s.send, s.giveUpSend)
	s.bindTenantHooks(app)
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		api.Bind(se, Routes(s)...)
		if err := s.Start(); err != nil {
			return err
		}
		return se.Next()
	})
	app.OnTerminate().BindFunc(func(e *core.TerminateEvent) error {
		s.Stop()
		return e.Next()
	})
	return s
}

// Routes lists the reports feature's custom routes.
func Routes(s *Service) []api.Route {
	return []api.Route{
		{Method: "POST", Path: "/api/reports/run", Access: api.TenantAdmin,
			Summary: "make a report for the caller's tenant now (optional from/to) and mail it", Handler: s.handleRun},
		{Method: "POST", Path: "/api/reports/tenants/{tenant}/run", Access: api.Superuser,
			Summary: "make a report for any tenant now (IT)", Handler: s.handleRunForTenant},
	}
}

func (s *Service) currentDeps() Deps {
	s.depsMu.RLock()
	defer s.depsMu.RUnlock()
	return s.deps
}

func (s *Service) clock() time.Time {
	s.mu.Lock()
	now := s.now
	s.mu.Unlock()
	return now()
}

// cronLogger sends robfig/cron's skips and errors to the app's logger and
// counts the activations SkipIfStillRunning skipped. cron's routine info
// lines (start, wake, run, …) are dropped: they are noise, and logging from
// the cron goroutine at every wake-up races with PocketBase changing its log
// level when settings are saved.
type cronLogger struct{ s *Service }

func (l cronLogger) Info(msg string, kv ...any) {
	if msg == "skip" {
		l.s.skips.Add(1)
		l.s.app.Logger().Info("reports: the previous scheduled report of this tenant is still running; this activation is skipped", kv...)
	}
}

func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.s.app.Logger().Error("reports: cron "+msg, append(kv, "error", err)...)
}
