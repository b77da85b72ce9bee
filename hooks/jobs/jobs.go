// Package jobs is Counterpart's durable job outbox: work that must happen
// reliably after a request (extracting a document's text, calling an n8n
// webhook) is written to the "jobs" collection, in the same transaction as the
// record it is about, and run by a few background workers.
//
// A job survives restarts and kill -9: a worker claims it with a lease, and a
// job whose lease expired (its process died mid-job) is claimed again. Failed
// attempts are retried with exponential backoff and full jitter; after
// MaxAttempts, or at once for a Permanent error, the job is marked failed
// with the reason and the kind's give-up callback records it on the feature's
// own record. Delivery is at least once: handlers must be idempotent.
//
// Jobs are internal: every API rule of the collection is nil, so no client
// reads or writes them (superusers see them in the dashboard).
package jobs

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Collection is the name of the jobs collection.
const Collection = "jobs"

// Job statuses.
const (
	StatusQueued  = "queued"
	StatusRunning = "running"
	StatusDone    = "done"
	StatusFailed  = "failed"
)

// maxErrorLen is the longest last_error stored, in characters.
const maxErrorLen = 2000

// Handler does the work of one job. ctx is cancelled when the job's lease
// would expire or when the queue stops; a handler must honour it. app is the
// queue's app (not a transaction). Returning nil marks the job done; an error
// retries it later, or fails it at once when wrapped with Permanent. The
// error text is stored on the job: it must not contain secrets. A job may run
// more than once (a crash after the work but before it was marked done), so
// handlers must be idempotent.
type Handler func(ctx context.Context, app core.App, job *Job) error

// GiveUpFunc is called, inside the transaction that marks the job failed,
// when a job of its kind fails for good: after its last attempt or with a
// Permanent error. app is that transaction; err is the reason. It lets the
// feature store the failure on its own record (e.g. a document's status). If
// it returns an error, the job is marked failed anyway and the error logged.
type GiveUpFunc func(app core.App, job *Job, err error) error

// Job is one claimed job as a handler sees it.
type Job struct {
	// ID is the job record's id.
	ID string
	// Tenant is the id of the tenant the job belongs to.
	Tenant string
	// Kind names the work, e.g. "document.extract"; it selects the handler.
	Kind string
	// Subject is the id of the record the job is about ("" for none).
	Subject string
	// Payload is the JSON given to Enqueue ("null" for none).
	Payload json.RawMessage
	// Attempt is this attempt's number, 1 for the first.
	Attempt int
	// MaxAttempts is how many attempts the job gets before it fails.
	MaxAttempts int
}

// Decode unmarshals the job's payload into v.
func (j *Job) Decode(v any) error {
	if len(j.Payload) == 0 {
		return nil
	}
	return json.Unmarshal(j.Payload, v)
}

// Options tune a Queue; zero values take the defaults.
type Options struct {
	// Workers is how many jobs run at the same time (default 2).
	Workers int
	// PollInterval is how often idle workers look for due jobs (default 1s).
	// A job enqueued by this process wakes a worker at once (after its
	// transaction commits); the poll finds retries that came due and jobs
	// enqueued by other processes.
	PollInterval time.Duration
	// Lease is how long a claimed job belongs to its worker (default 10m).
	// The handler's context ends when the lease would expire; after that
	// another worker (or process) may claim the job again.
	Lease time.Duration
	// BaseBackoff is the delay cap after the first failed attempt (default
	// 5s); it doubles with every attempt up to MaxBackoff (default 10m). The
	// actual delay is drawn uniformly from [0, cap) ("full jitter").
	BaseBackoff time.Duration
	// MaxBackoff caps the retry delay (default 10m).
	MaxBackoff time.Duration
	// MaxAttempts is how many attempts a new job gets (default 5).
	MaxAttempts int
	// ShutdownTimeout is how long Stop waits for running handlers to return
	// after cancelling them (default 30s). A job whose handler does not
	// return in time stays claimed and runs again once its lease expires.
	ShutdownTimeout time.Duration
	// Now is the clock for next_at and leases (default time.Now); tests inject one.
	Now func() time.Time
}

func (o Options) withDefaults() Options {
	if o.Workers <= 0 {
		o.Workers = 2
	}
	if o.PollInterval <= 0 {
		o.PollInterval = time.Second
	}
	if o.Lease <= 0 {
		o.Lease = 10 * time.Minute
	}
	if o.BaseBackoff <= 0 {
		o.BaseBackoff = 5 * time.Second
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 10 * time.Minute
	}
	if o.MaxBackoff < o.BaseBackoff {
		o.MaxBackoff = o.BaseBackoff
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 5
	}
	if o.ShutdownTimeout <= 0 {
		o.ShutdownTimeout = 30 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

type kindHandlers struct {
	run    Handler
	giveUp GiveUpFunc
}

// Queue runs the jobs of one app. Create it with Register (or New), add
// handlers with Handle, and enqueue with Enqueue.
type Queue struct {
	app  core.App
	opts Options
	wake chan struct{}

	mu       sync.RWMutex
	handlers map[string]kindHandlers
	warned   map[string]bool // kinds without a handler, logged once

	runMu  sync.Mutex // guards cancel and done
	cancel context.CancelFunc
	done   chan struct{}
}

// New returns a queue for app that is not started and binds no hooks: tests
// use it to simulate another process or a restart. The binary uses Register.
func New(app core.App, opts Options) *Queue {
	opts = opts.withDefaults()
	return &Queue{
		app:      app,
		opts:     opts,
		wake:     make(chan struct{}, opts.Workers),
		handlers: map[string]kindHandlers{},
		warned:   map[string]bool{},
	}
}

// Register returns a new queue for app whose workers start when the app
// serves (OnServe) and stop gracefully when it terminates (OnTerminate).
func Register(app core.App, opts Options) *Queue {
	q := New(app, opts)
	app.Store().Set(storeKey, q)
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		q.Start(context.Background())
		return se.Next()
	})
	app.OnTerminate().BindFunc(func(e *core.TerminateEvent) error {
		q.Stop()
		return e.Next()
	})
	return q
}

const storeKey = "counterpart.jobs"

// QueueOf returns the queue Register created for app, nil when there is none.
func QueueOf(app core.App) *Queue {
	q, _ := app.Store().Get(storeKey).(*Queue)
	return q
}

// Handle sets the handler for jobs of kind, and the optional onGiveUp called
// when such a job fails for good. Jobs of a kind without a handler stay
// queued (a newer binary may handle them); they are logged once.
func (q *Queue) Handle(kind string, h Handler, onGiveUp func(app core.App, job *Job, err error) error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.handlers[kind] = kindHandlers{run: h, giveUp: onGiveUp}
	delete(q.warned, kind)
}

func (q *Queue) handler(kind string) (kindHandlers, bool) {
	q.mu.RLock()
	defer q.mu.RUnlock()
	h, ok := q.handlers[kind]
	return h, ok
}

func (q *Queue) kinds() []string {
	q.mu.RLock()
	defer q.mu.RUnlock()
	out := make([]string, 0, len(q.handlers))
	for k := range q.handlers {
		out = append(out, k)
	}
	return out
}

// warnUnhandled logs, once per kind, that jobs of kind have no handler here.
func (q *Queue) warnUnhandled(kind string, queued int) {
	q.mu.Lock()
	seen := q.warned[kind]
	q.warned[kind] = true
	q.mu.Unlock()
	if !seen {
		q.logger().Warn("jobs: no handler for this kind; its jobs stay queued", "kind", kind, "queued", queued)
	}
}

// ErrTenantMismatch is returned by Enqueue when a live job for the same kind
// and subject belongs to another tenant.
var ErrTenantMismatch = errors.New("jobs: a live job for this kind and subject belongs to another tenant")

// Enqueue adds a job of kind about subject for tenant, due now, and returns
// its record. Pass the transaction's app to enqueue atomically with the
// record the job is about: workers are woken once the transaction commits,
// and a rolled-back transaction leaves no job. payload is stored as JSON
// (json.Marshal; at most 64 KB) and must not hold secrets.
//
// Enqueue is idempotent per (kind, subject) while a job is queued or
// running: it then returns that job, untouched. A job that is done or failed
// does not count, so enqueueing again reprocesses. Jobs with an empty subject
// are never merged.
func (q *Queue) Enqueue(app core.App, tenant, kind, subject string, payload any) (*core.Record, error) {
	if _, ok := q.handler(kind); !ok {
		q.warnUnhandled(kind, 0)
	}
	raw, err := json.Marshal(payload)
	if err != nil {
		return nil, fmt.Errorf("enqueue %s: payload: %w", kind, err)
	}
	if subject != "" {
		if r, err := findLive(app, kind, subject); err == nil {
			return sameTenant(r, tenant)
		} else if !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("enqueue %s: %w", kind, err)
		}
	}
	col, err := app.FindCachedCollectionByNameOrId(Collection)
	if err != nil {
		return nil, fmt.Errorf("enqueue %s: %w", kind, err)
	}
	r := core.NewRecord(col)
	r.Set("tenant", tenant)
	r.Set("kind", kind)
	r.Set("subject", subject)
	r.Set("payload", types.JSONRaw(raw))
	r.Set("status", StatusQueued)
	r.Set("attempts", 0)
	r.Set("max_attempts", q.opts.MaxAttempts)
	r.Set("next_at", q.stamp(q.opts.Now()))
	if err := app.Save(r); err != nil {
		// another writer may have enqueued the same (kind, subject) meanwhile
		if subject != "" {
			if existing, ferr := findLive(app, kind, subject); ferr == nil {
				return sameTenant(existing, tenant)
			}
		}
		return nil, fmt.Errorf("enqueue %s: %w", kind, err)
	}
	q.wakeAfterCommit(app)
	return r, nil
}

func sameTenant(r *core.Record, tenant string) (*core.Record, error) {
	if r.GetString("tenant") != tenant {
		return nil, ErrTenantMismatch
	}
	return r, nil
}

// findLive finds the queued or running job of (kind, subject), served by idx_jobs_live.
func findLive(app core.App, kind, subject string) (*core.Record, error) {
	r := &core.Record{}
	err := app.RecordQuery(Collection).
		AndWhere(dbx.NewExp("[[kind]] = {:kind} AND [[subject]] = {:subject} AND [[status]] IN ('queued', 'running') AND [[subject]] != ''",
			dbx.Params{"kind": kind, "subject": subject})).
		Limit(1).
		One(r)
	if err != nil {
		return nil, err
	}
	return r, nil
}

// wakeAfterCommit wakes a worker now, or once app's transaction commits.
func (q *Queue) wakeAfterCommit(app core.App) {
	if tx := app.TxInfo(); tx != nil {
		tx.OnComplete(func(txErr error) error {
			if txErr == nil {
				q.poke()
			}
			return nil
		})
		return
	}
	q.poke()
}

// poke wakes one idle worker, if any is waiting and none was woken already.
func (q *Queue) poke() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// permanentError marks an error that retrying cannot fix.
type permanentError struct{ err error }

func (p *permanentError) Error() string { return p.err.Error() }
func (p *permanentError) Unwrap() error { return p.err }

// Permanent wraps err so that the job fails at once, without retries (e.g.
// "the PDF could not be read"). Permanent(nil) is nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err: err}
}

// IsPermanent reports whether err, or an error it wraps, came from Permanent.
func IsPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}

func (q *Queue) logger() *slog.Logger { return q.app.Logger() }

// stamp formats t as PocketBase stores dates, so that stored dates compare as strings.
func (q *Queue) stamp(t time.Time) string {
	return t.UTC().Format(types.DefaultDateLayout)
}
