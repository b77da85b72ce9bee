package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/apptest"
	"counterpart/hooks/audit"
	"counterpart/hooks/jobs"
	"counterpart/hooks/tenancy"
)

func TestSuccess(t *testing.T) {
	app, smith := setup(t)
	q := jobs.Register(app, jobs.Options{})
	var got jobs.Job
	var payload struct {
		File  string `json:"file"`
		Pages int    `json:"pages"`
	}
	q.Handle("test.ok", func(ctx context.Context, _ core.App, j *jobs.Job) error {
		got = *j
		return j.Decode(&payload)
	}, nil)

	r := enqueue(t, q, app, smith, "test.ok", "doc1", map[string]any{"file": "a.pdf", "pages": 3})
	if s := r.GetString("status"); s != jobs.StatusQueued {
		t.Fatalf("new job status %q", s)
	}
	ran, err := q.RunOnce(t.Context())
	if !ran || err != nil {
		t.Fatalf("RunOnce = %v, %v", ran, err)
	}
	want := jobs.Job{ID: r.Id, Tenant: smith, Kind: "test.ok", Subject: "doc1", Attempt: 1, MaxAttempts: 5}
	got.Payload = nil
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("handler saw %+v, want %+v", got, want)
	}
	if payload.File != "a.pdf" || payload.Pages != 3 {
		t.Errorf("payload %+v", payload)
	}
	r = job(t, app, r.Id)
	if r.GetString("status") != jobs.StatusDone || r.GetInt("attempts") != 1 || !r.GetDateTime("lease_until").IsZero() {
		t.Errorf("after success: status %q attempts %d lease %q", r.GetString("status"), r.GetInt("attempts"), r.GetString("lease_until"))
	}
	if ran, err := q.RunOnce(t.Context()); ran || err != nil {
		t.Errorf("second RunOnce = %v, %v: nothing should be due", ran, err)
	}
}

func TestBackoff(t *testing.T) {
	const base, maxB = 5 * time.Second, 10 * time.Minute
	top := func(n int64) int64 { return n - 1 } // the largest draw
	for _, tc := range []struct {
		attempt int
		cap     time.Duration
	}{
		{1, 5 * time.Second}, {2, 10 * time.Second}, {3, 20 * time.Second}, {4, 40 * time.Second},
		{7, 320 * time.Second}, {8, maxB}, {30, maxB}, {1000, maxB},
	} {
		if got := jobs.Backoff(tc.attempt, base, maxB, top); got != tc.cap-1 {
			t.Errorf("attempt %d: largest delay %s, want just under %s", tc.attempt, got, tc.cap)
		}
		if got := jobs.Backoff(tc.attempt, base, maxB, func(int64) int64 { return 0 }); got != 0 {
			t.Errorf("attempt %d: smallest delay %s, want 0 (full jitter)", tc.attempt, got)
		}
	}
}

func TestRetryWithBackoffThenSuccess(t *testing.T) {
	app, smith := setup(t)
	clk := newClock()
	q := jobs.Register(app, jobs.Options{Now: clk.Now, BaseBackoff: 5 * time.Second, MaxBackoff: time.Minute})
	var calls atomic.Int32
	q.Handle("test.flaky", func(ctx context.Context, _ core.App, j *jobs.Job) error {
		if n := calls.Add(1); n <= 2 {
			return fmt.Errorf("upstream said 502 (call %d)", n)
		}
		return nil
	}, nil)
	r := enqueue(t, q, app, smith, "test.flaky", "doc1", nil)

	for attempt, limit := range []time.Duration{5 * time.Second, 10 * time.Second} {
		if ran, err := q.RunOnce(t.Context()); !ran || err != nil {
			t.Fatalf("attempt %d: RunOnce = %v, %v", attempt+1, ran, err)
		}
		r = job(t, app, r.Id)
		if r.GetString("status") != jobs.StatusQueued || r.GetInt("attempts") != attempt+1 {
			t.Fatalf("after failure %d: status %q attempts %d", attempt+1, r.GetString("status"), r.GetInt("attempts"))
		}
		if want := fmt.Sprintf("upstream said 502 (call %d)", attempt+1); r.GetString("last_error") != want {
			t.Errorf("last_error %q, want %q", r.GetString("last_error"), want)
		}
		next := date(t, r, "next_at")
		if delay := next.Sub(clk.Now()); delay < 0 || delay >= limit {
			t.Fatalf("retry %d delay %s, want in [0, %s)", attempt+1, delay, limit)
		}
		// not before next_at
		clk.Set(next.Add(-time.Millisecond))
		if ran, _ := q.RunOnce(t.Context()); ran {
			t.Fatalf("retry %d ran before its next_at", attempt+1)
		}
		clk.Set(next)
	}
	if ran, err := q.RunOnce(t.Context()); !ran || err != nil {
		t.Fatalf("third attempt: RunOnce = %v, %v", ran, err)
	}
	r = job(t, app, r.Id)
	if r.GetString("status") != jobs.StatusDone || r.GetInt("attempts") != 3 || calls.Load() != 3 {
		t.Errorf("status %q attempts %d calls %d", r.GetString("status"), r.GetInt("attempts"), calls.Load())
	}
}

func TestGiveUp(t *testing.T) {
	for _, tc := range []struct {
		name        string
		maxAttempts int
		err         error
		giveUpErr   error
		wantCalls   int
		wantError   string
	}{
		{name: "retries exhausted", maxAttempts: 3, err: errors.New("upstream said 502"), wantCalls: 3, wantError: "upstream said 502"},
		{name: "permanent fails at once", maxAttempts: 5, err: jobs.Permanent(errors.New("PDF could not be read")), wantCalls: 1, wantError: "PDF could not be read"},
		{name: "wrapped permanent", maxAttempts: 5, err: fmt.Errorf("extract: %w", jobs.Permanent(errors.New("encrypted PDF"))), wantCalls: 1, wantError: "extract: encrypted PDF"},
		{name: "long error is trimmed", maxAttempts: 1, err: errors.New(strings.Repeat("é", 3000)), wantCalls: 1, wantError: strings.Repeat("é", 1999) + "…"},
		{name: "onGiveUp fails", maxAttempts: 1, err: errors.New("boom"), giveUpErr: errors.New("document gone"), wantCalls: 1,
			wantError: "boom; recording the failure failed: document gone"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			app, smith := setup(t)
			clk := newClock()
			q := jobs.Register(app, jobs.Options{Now: clk.Now, MaxAttempts: tc.maxAttempts})
			var calls atomic.Int32
			var gaveUp []string
			q.Handle("test.fail", func(ctx context.Context, _ core.App, j *jobs.Job) error {
				calls.Add(1)
				return tc.err
			}, func(tx core.App, j *jobs.Job, err error) error {
				gaveUp = append(gaveUp, fmt.Sprintf("%s attempt %d: %v", j.Subject, j.Attempt, err))
				if !tx.IsTransactional() {
					t.Error("onGiveUp is not inside the transaction that fails the job")
				}
				// the feature records the reason on its own record, in the same transaction
				if err := audit.Write(tx, audit.Entry{Tenant: j.Tenant, Actor: audit.CLI, Action: "test.gave_up", Target: j.Subject}); err != nil {
					return err
				}
				return tc.giveUpErr
			})
			r := enqueue(t, q, app, smith, "test.fail", "doc1", nil)
			for range 10 {
				ran, err := q.RunOnce(t.Context())
				must(t, err)
				if !ran {
					break
				}
				clk.Add(time.Hour) // past any backoff
			}
			r = job(t, app, r.Id)
			if r.GetString("status") != jobs.StatusFailed || r.GetInt("attempts") != tc.wantCalls || int(calls.Load()) != tc.wantCalls {
				t.Errorf("status %q attempts %d calls %d, want failed after %d", r.GetString("status"), r.GetInt("attempts"), calls.Load(), tc.wantCalls)
			}
			if got := r.GetString("last_error"); got != tc.wantError {
				t.Errorf("last_error %q, want %q", got, tc.wantError)
			}
			want := fmt.Sprintf("doc1 attempt %d: %v", tc.wantCalls, tc.err)
			if len(gaveUp) != 1 || gaveUp[0] != want {
				t.Errorf("onGiveUp calls %q, want [%q]", gaveUp, want)
			}
			entries, err := app.FindRecordsByFilter("audit_log", "action = 'test.gave_up'", "", 0, 0)
			must(t, err)
			if wantEntries := map[bool]int{true: 0, false: 1}[tc.giveUpErr != nil]; len(entries) != wantEntries {
				t.Errorf("onGiveUp's own write: %d entries, want %d (rolled back with the callback's error)", len(entries), wantEntries)
			}
			if ran, _ := q.RunOnce(t.Context()); ran {
				t.Error("a failed job ran again")
			}
		})
	}
}

func TestPanicIsRetried(t *testing.T) {
	app, smith := setup(t)
	clk := newClock()
	q := jobs.Register(app, jobs.Options{Now: clk.Now})
	var calls atomic.Int32
	q.Handle("test.panic", func(ctx context.Context, _ core.App, j *jobs.Job) error {
		if calls.Add(1) == 1 {
			var m map[string]int
			m["x"] = 1 // nil map write
		}
		return nil
	}, nil)
	r := enqueue(t, q, app, smith, "test.panic", "doc1", nil)
	if ran, err := q.RunOnce(t.Context()); !ran || err != nil {
		t.Fatalf("RunOnce = %v, %v", ran, err)
	}
	r = job(t, app, r.Id)
	if r.GetString("status") != jobs.StatusQueued || !strings.Contains(r.GetString("last_error"), "panic: assignment to entry in nil map") {
		t.Fatalf("after a panic: status %q last_error %q", r.GetString("status"), r.GetString("last_error"))
	}
	clk.Add(time.Hour)
	if ran, err := q.RunOnce(t.Context()); !ran || err != nil {
		t.Fatalf("retry: RunOnce = %v, %v", ran, err)
	}
	if r = job(t, app, r.Id); r.GetString("status") != jobs.StatusDone || r.GetInt("attempts") != 2 {
		t.Errorf("status %q attempts %d", r.GetString("status"), r.GetInt("attempts"))
	}
}

func TestEnqueueIdempotent(t *testing.T) {
	app, smith := setup(t)
	jones, err := tenancy.FindTenant(app, "jones")
	must(t, err)
	q := jobs.Register(app, jobs.Options{})
	q.Handle("test.idem", func(context.Context, core.App, *jobs.Job) error { return nil }, nil)

	a := enqueue(t, q, app, smith, "test.idem", "doc1", map[string]any{"v": 1})
	b := enqueue(t, q, app, smith, "test.idem", "doc1", map[string]any{"v": 2})
	if a.Id != b.Id {
		t.Errorf("second enqueue made another job %s (first %s)", b.Id, a.Id)
	}
	if _, err := q.Enqueue(app, jones.Id, "test.idem", "doc1", nil); !errors.Is(err, jobs.ErrTenantMismatch) {
		t.Errorf("other tenant, same subject: %v, want ErrTenantMismatch", err)
	}
	other := enqueue(t, q, app, smith, "test.other", "doc1", nil)
	if other.Id == a.Id {
		t.Error("another kind for the same subject was merged")
	}
	// subjectless jobs are never merged
	n1 := enqueue(t, q, app, smith, "test.idem", "", nil)
	n2 := enqueue(t, q, app, smith, "test.idem", "", nil)
	if n1.Id == n2.Id {
		t.Error("jobs without a subject were merged")
	}

	// inside a transaction, and a rolled-back one leaves nothing
	var inTx [2]string
	must(t, app.RunInTransaction(func(tx core.App) error {
		for i := range inTx {
			r, err := q.Enqueue(tx, smith, "test.idem", "doc2", nil)
			if err != nil {
				return err
			}
			inTx[i] = r.Id
		}
		return nil
	}))
	if inTx[0] != inTx[1] {
		t.Errorf("in a transaction: two jobs %v", inTx)
	}
	rollback := errors.New("rollback")
	err = app.RunInTransaction(func(tx core.App) error {
		if _, err := q.Enqueue(tx, smith, "test.idem", "doc3", nil); err != nil {
			return err
		}
		return rollback
	})
	if !errors.Is(err, rollback) {
		t.Fatal(err)
	}
	if r, _ := app.FindFirstRecordByData(jobs.Collection, "subject", "doc3"); r != nil {
		t.Error("a rolled-back transaction left a job")
	}

	// the database refuses a second live job even past Enqueue
	clone := core.NewRecord(a.Collection())
	for _, f := range []string{"tenant", "kind", "subject", "status"} {
		clone.Set(f, a.Get(f))
	}
	if err := app.Save(clone); err == nil {
		t.Error("the unique index let a second live job for (kind, subject) in")
	}

	// once done, enqueueing again makes a new job (Reprocess)
	for {
		ran, err := q.RunOnce(t.Context())
		must(t, err)
		if !ran {
			break
		}
	}
	again := enqueue(t, q, app, smith, "test.idem", "doc1", nil)
	if again.Id == a.Id {
		t.Error("enqueue after done returned the done job")
	}
}

func TestExactlyOnceAcrossWorkers(t *testing.T) {
	app, smith := setup(t)
	const n = 200
	var mu sync.Mutex
	runs := map[string]int{}
	handler := func(ctx context.Context, _ core.App, j *jobs.Job) error {
		mu.Lock()
		runs[j.ID]++
		mu.Unlock()
		time.Sleep(time.Millisecond)
		return nil
	}
	// two queues of two workers each: as if two processes shared the data dir
	q1 := jobs.Register(app, jobs.Options{Workers: 2, PollInterval: 20 * time.Millisecond})
	q2 := jobs.New(app, jobs.Options{Workers: 2, PollInterval: 20 * time.Millisecond})
	for _, q := range []*jobs.Queue{q1, q2} {
		q.Handle("test.count", handler, nil)
		q.Start(t.Context())
		defer q.Stop()
	}
	ids := make([]string, 0, n)
	for i := range n {
		ids = append(ids, enqueue(t, q1, app, smith, "test.count", fmt.Sprintf("doc%d", i), nil).Id)
	}
	waitFor(t, 15*time.Second, "all jobs done", func() bool { return countStatus(t, app, jobs.StatusDone) == n })
	q1.Stop()
	q2.Stop()
	mu.Lock()
	defer mu.Unlock()
	for _, id := range ids {
		if runs[id] != 1 {
			t.Errorf("job %s ran %d times", id, runs[id])
		}
		if r := job(t, app, id); r.GetInt("attempts") != 1 {
			t.Errorf("job %s: attempts %d", id, r.GetInt("attempts"))
		}
	}
	if len(runs) != n {
		t.Errorf("%d distinct jobs ran, want %d", len(runs), n)
	}
}

func TestLeases(t *testing.T) {
	for _, tc := range []struct {
		name         string
		lease        time.Duration // lease_until relative to now
		attempts     int
		wantRan      bool
		wantStatus   string
		wantAttempts int
		wantGiveUp   bool
	}{
		{name: "expired lease (worker killed) is picked up", lease: -time.Second, attempts: 1, wantRan: true, wantStatus: jobs.StatusDone, wantAttempts: 2},
		{name: "live lease is not stolen", lease: time.Hour, attempts: 1, wantRan: false, wantStatus: jobs.StatusRunning, wantAttempts: 1},
		{name: "lease just expiring is not stolen", lease: time.Millisecond, attempts: 1, wantRan: false, wantStatus: jobs.StatusRunning, wantAttempts: 1},
		{name: "expired last attempt gives up", lease: -time.Second, attempts: 3, wantRan: true, wantStatus: jobs.StatusFailed, wantAttempts: 3, wantGiveUp: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			app, smith := setup(t)
			clk := newClock()
			q := jobs.Register(app, jobs.Options{Now: clk.Now, MaxAttempts: 3})
			var calls atomic.Int32
			var giveUp error
			q.Handle("test.lease", func(context.Context, core.App, *jobs.Job) error { calls.Add(1); return nil },
				func(_ core.App, _ *jobs.Job, err error) error { giveUp = err; return nil })
			r := enqueue(t, q, app, smith, "test.lease", "doc1", nil)
			// what a worker that claimed the job and then died leaves behind
			r.Set("status", jobs.StatusRunning)
			r.Set("attempts", tc.attempts)
			r.Set("lease_until", stamp(clk.Now().Add(tc.lease)))
			must(t, app.Save(r))

			ran, err := q.RunOnce(t.Context())
			must(t, err)
			if ran != tc.wantRan {
				t.Fatalf("ran = %v, want %v", ran, tc.wantRan)
			}
			r = job(t, app, r.Id)
			if r.GetString("status") != tc.wantStatus || r.GetInt("attempts") != tc.wantAttempts {
				t.Errorf("status %q attempts %d, want %q %d", r.GetString("status"), r.GetInt("attempts"), tc.wantStatus, tc.wantAttempts)
			}
			if tc.wantRan && !strings.Contains(r.GetString("last_error"), "lease expired") {
				t.Errorf("last_error %q does not say the lease expired", r.GetString("last_error"))
			}
			if (giveUp != nil) != tc.wantGiveUp || (tc.wantGiveUp && calls.Load() != 0) {
				t.Errorf("onGiveUp %v, handler calls %d", giveUp, calls.Load())
			}
		})
	}
}

func TestHandlerContextEndsWithLease(t *testing.T) {
	app, smith := setup(t)
	q := jobs.Register(app, jobs.Options{Lease: 300 * time.Millisecond})
	var hadDeadline bool
	q.Handle("test.slow", func(ctx context.Context, _ core.App, j *jobs.Job) error {
		_, hadDeadline = ctx.Deadline()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Second):
			return errors.New("the context did not end with the lease")
		}
	}, nil)
	r := enqueue(t, q, app, smith, "test.slow", "doc1", nil)
	start := time.Now()
	if ran, err := q.RunOnce(t.Context()); !ran || err != nil {
		t.Fatalf("RunOnce = %v, %v", ran, err)
	}
	if took := time.Since(start); took > 5*time.Second || !hadDeadline {
		t.Errorf("handler ran %s, deadline %v", took, hadDeadline)
	}
	r = job(t, app, r.Id)
	if r.GetString("status") != jobs.StatusQueued || r.GetString("last_error") != context.DeadlineExceeded.Error() {
		t.Errorf("status %q last_error %q, want a retry after the deadline", r.GetString("status"), r.GetString("last_error"))
	}
}

func TestRestartContinuesQueuedJobs(t *testing.T) {
	app, smith := setup(t)
	opts := jobs.Options{Workers: 1, PollInterval: 20 * time.Millisecond}
	q1 := jobs.Register(app, opts)
	started := make(chan string, 1)
	q1.Handle("test.restart", func(ctx context.Context, _ core.App, j *jobs.Job) error {
		started <- j.ID
		<-ctx.Done() // runs until the queue stops
		return ctx.Err()
	}, nil)
	var ids []string
	for i := range 3 {
		ids = append(ids, enqueue(t, q1, app, smith, "test.restart", fmt.Sprintf("doc%d", i), nil).Id)
	}
	q1.Start(t.Context())
	var interrupted string
	select {
	case interrupted = <-started:
	case <-time.After(5 * time.Second):
		t.Fatal("the first queue ran nothing")
	}
	q1.Stop()
	r := job(t, app, interrupted)
	if r.GetString("status") != jobs.StatusQueued || r.GetInt("attempts") != 0 {
		t.Fatalf("job interrupted by Stop: status %q attempts %d, want queued, attempt not counted", r.GetString("status"), r.GetInt("attempts"))
	}

	// "restart": a new queue on the same app
	q2 := jobs.New(app, opts)
	var done atomic.Int32
	q2.Handle("test.restart", func(context.Context, core.App, *jobs.Job) error { done.Add(1); return nil }, nil)
	q2.Start(t.Context())
	defer q2.Stop()
	waitFor(t, 10*time.Second, "the restarted queue to finish", func() bool { return countStatus(t, app, jobs.StatusDone) == 3 })
	for _, id := range ids {
		if r := job(t, app, id); r.GetInt("attempts") != 1 {
			t.Errorf("job %s: attempts %d, want 1", id, r.GetInt("attempts"))
		}
	}
	if done.Load() != 3 {
		t.Errorf("restarted queue ran %d jobs", done.Load())
	}
}

func TestEnqueueWakesAWorker(t *testing.T) {
	app, smith := setup(t)
	// the poll would take an hour: only the wake-up can run the jobs in time
	q := jobs.Register(app, jobs.Options{PollInterval: time.Hour})
	ran := make(chan string, 4)
	q.Handle("test.wake", func(_ context.Context, _ core.App, j *jobs.Job) error { ran <- j.Subject; return nil }, nil)
	q.Start(t.Context())
	defer q.Stop()
	time.Sleep(50 * time.Millisecond) // let the workers go idle

	enqueue(t, q, app, smith, "test.wake", "direct", nil)
	expect := func(subject string) {
		t.Helper()
		select {
		case got := <-ran:
			if got != subject {
				t.Errorf("ran %q, want %q", got, subject)
			}
		case <-time.After(3 * time.Second):
			t.Fatalf("job %q was not run: no wake-up", subject)
		}
	}
	expect("direct")

	must(t, app.RunInTransaction(func(tx core.App) error {
		_, err := q.Enqueue(tx, smith, "test.wake", "in-tx", nil)
		return err
	}))
	expect("in-tx")
}

func TestUnknownKindStaysQueued(t *testing.T) {
	app, smith := setup(t)
	clk := newClock()
	q := jobs.Register(app, jobs.Options{Now: clk.Now})
	q.Handle("test.known", func(context.Context, core.App, *jobs.Job) error { return nil }, nil)
	future := enqueue(t, q, app, smith, "test.from_a_newer_binary", "doc1", nil)
	known := enqueue(t, q, app, smith, "test.known", "doc1", nil)
	clk.Add(time.Minute)

	if ran, err := q.RunOnce(t.Context()); !ran || err != nil {
		t.Fatalf("RunOnce = %v, %v: the known job should run", ran, err)
	}
	if ran, _ := q.RunOnce(t.Context()); ran {
		t.Error("a job of an unknown kind was claimed")
	}
	must(t, q.Sweep())
	if r := job(t, app, future.Id); r.GetString("status") != jobs.StatusQueued || r.GetInt("attempts") != 0 {
		t.Errorf("unknown kind: status %q attempts %d", r.GetString("status"), r.GetInt("attempts"))
	}
	if r := job(t, app, known.Id); r.GetString("status") != jobs.StatusDone {
		t.Errorf("known kind: status %q", r.GetString("status"))
	}
	queued, oldest, err := q.Stats(app)
	must(t, err)
	if queued != 1 || oldest != time.Minute {
		t.Errorf("Stats = %d, %s; want 1, 1m0s", queued, oldest)
	}
}

func TestStats(t *testing.T) {
	app, smith := setup(t)
	clk := newClock()
	q := jobs.Register(app, jobs.Options{Now: clk.Now})
	if n, oldest, err := q.Stats(app); n != 0 || oldest != 0 || err != nil {
		t.Fatalf("empty: Stats = %d, %s, %v", n, oldest, err)
	}
	enqueue(t, q, app, smith, "test.stats", "a", nil)
	clk.Add(90 * time.Second)
	enqueue(t, q, app, smith, "test.stats", "b", nil)
	later := enqueue(t, q, app, smith, "test.stats", "c", nil)
	later.Set("next_at", stamp(clk.Now().Add(time.Hour))) // waiting for a retry: not overdue
	must(t, app.Save(later))
	clk.Add(30 * time.Second)
	n, oldest, err := q.Stats(app)
	must(t, err)
	if n != 3 || oldest != 2*time.Minute {
		t.Errorf("Stats = %d, %s; want 3, 2m0s", n, oldest)
	}
}

func TestSweepDeletesOldDoneJobs(t *testing.T) {
	app, smith := setup(t)
	clk := newClock()
	q := jobs.Register(app, jobs.Options{Now: clk.Now})
	q.Handle("test.sweep", func(context.Context, core.App, *jobs.Job) error { return nil }, nil)
	old := enqueue(t, q, app, smith, "test.sweep", "old", nil)
	_, _ = q.RunOnce(t.Context())
	clk.Add(6 * 24 * time.Hour)
	recent := enqueue(t, q, app, smith, "test.sweep", "recent", nil)
	_, _ = q.RunOnce(t.Context())
	failed := enqueue(t, q, app, smith, "test.sweep", "failed", nil)
	failed.Set("status", jobs.StatusFailed)
	must(t, app.Save(failed))
	clk.Add(36 * time.Hour) // old is 7.5 days done, recent 1.5 days

	must(t, q.Sweep())
	if _, err := app.FindRecordById(jobs.Collection, old.Id); err == nil {
		t.Error("a job done 7.5 days ago was kept")
	}
	for _, id := range []string{recent.Id, failed.Id} {
		if _, err := app.FindRecordById(jobs.Collection, id); err != nil {
			t.Errorf("job %s was swept: %v", id, err)
		}
	}
}

func TestTenantDeletionRemovesItsJobs(t *testing.T) {
	app, smith := setup(t)
	tn, _, _, err := tenancy.CreateTenant(app, tenancy.TenantInput{Name: "Gone Motors", Slug: "gone", AdminEmail: "admin@gone.example"}, audit.CLI)
	must(t, err)
	q := jobs.Register(app, jobs.Options{})
	gone := enqueue(t, q, app, tn.Id, "test.cascade", "doc1", nil)
	kept := enqueue(t, q, app, smith, "test.cascade", "doc2", nil)
	must(t, tenancy.SetStatus(app, tn, tenancy.StatusSuspended, audit.CLI))
	must(t, tenancy.DeleteTenant(app, tn, audit.CLI))
	if _, err := app.FindRecordById(jobs.Collection, gone.Id); err == nil {
		t.Error("the deleted tenant's job is still there")
	}
	if _, err := app.FindRecordById(jobs.Collection, kept.Id); err != nil {
		t.Errorf("another tenant's job went too: %v", err)
	}
	if _, err := q.Enqueue(app, "nosuchtenant00", "test.cascade", "doc3", nil); err == nil {
		t.Error("enqueued a job for a tenant that does not exist")
	}
}

func TestAPICannotReachJobs(t *testing.T) {
	app, smith := setup(t)
	srv := apptest.Serve(t, app)
	q := jobs.Register(app, jobs.Options{})
	target := enqueue(t, q, app, smith, "test.api", "doc1", map[string]any{"note": "internal"})
	count := func() int64 { n, _ := app.CountRecords(jobs.Collection); return n }
	before := count()
	base := "/api/collections/jobs/records"
	refused := func(status int) bool { return status == 400 || status == 401 || status == 403 || status == 404 }

	for _, who := range []string{"", "admin@smith.example", "member@smith.example"} {
		tok := ""
		if who != "" {
			tok = apptest.Token(t, app, who)
		}
		name := map[bool]string{true: "guest", false: who}[who == ""]
		res := apptest.Do(t, srv, "GET", base, tok, nil)
		if !(res.Status == 403 || (res.Status == 200 && len(res.Items()) == 0)) {
			t.Errorf("%s lists jobs: %d %s", name, res.Status, res.Body)
		}
		if res := apptest.Do(t, srv, "GET", base+"/"+target.Id, tok, nil); !refused(res.Status) {
			t.Errorf("%s views a job: %d %s", name, res.Status, res.Body)
		}
		body := map[string]any{"tenant": smith, "kind": "forged", "status": "queued"}
		if res := apptest.Do(t, srv, "POST", base, tok, body); res.Status != 403 {
			t.Errorf("%s creates a job: %d %s, want 403", name, res.Status, res.Body)
		}
		if res := apptest.Do(t, srv, "PATCH", base+"/"+target.Id, tok, map[string]any{"status": "done"}); !refused(res.Status) {
			t.Errorf("%s updates a job: %d %s", name, res.Status, res.Body)
		}
		if res := apptest.Do(t, srv, "DELETE", base+"/"+target.Id, tok, nil); !refused(res.Status) {
			t.Errorf("%s deletes a job: %d %s", name, res.Status, res.Body)
		}
	}
	if r := job(t, app, target.Id); r.GetString("status") != jobs.StatusQueued {
		t.Errorf("job changed: status %q", r.GetString("status"))
	}
	if got := count(); got != before {
		t.Errorf("job count %d → %d", before, got)
	}
}
