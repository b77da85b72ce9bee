package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime/debug"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// leaseExpired is stored as last_error when a job is claimed again because
// the worker that held it stopped (crash, kill -9) or overran its lease.
const leaseExpired = "lease expired: the previous attempt did not finish (the worker stopped or overran its lease)"

// Start starts the workers and the periodic sweep; they run until Stop or
// until ctx ends. Starting a started queue does nothing.
func (q *Queue) Start(ctx context.Context) {
	q.runMu.Lock()
	defer q.runMu.Unlock()
	if q.cancel != nil {
		return
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	var wg sync.WaitGroup
	for range q.opts.Workers {
		wg.Go(func() { q.work(ctx) })
	}
	wg.Go(func() { q.sweepLoop(ctx) })
	go func() {
		wg.Wait()
		close(done)
	}()
	q.cancel, q.done = cancel, done
}

// Stop cancels the running handlers and waits (up to ShutdownTimeout) for
// the workers to return. A job whose handler was cancelled by Stop goes back
// to the queue without counting the attempt. Stopping a stopped queue does
// nothing; the queue can be started again.
func (q *Queue) Stop() {
	q.runMu.Lock()
	cancel, done := q.cancel, q.done
	q.cancel, q.done = nil, nil
	q.runMu.Unlock()
	if cancel == nil {
		return
	}
	cancel()
	select {
	case <-done:
	case <-time.After(q.opts.ShutdownTimeout):
		q.logger().Warn("jobs: workers did not stop in time; their jobs run again once their lease expires",
			"timeout", q.opts.ShutdownTimeout.String())
	}
}

// work is one worker: it runs due jobs until there are none, then waits for
// a wake-up or the poll interval.
func (q *Queue) work(ctx context.Context) {
	timer := time.NewTimer(q.opts.PollInterval)
	defer timer.Stop()
	for {
		ran, err := q.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			q.logger().Error("jobs: claiming a job failed", "error", err.Error())
		}
		if ctx.Err() != nil {
			return
		}
		if ran && err == nil {
			continue
		}
		timer.Reset(q.opts.PollInterval)
		select {
		case <-ctx.Done():
			return
		case <-q.wake:
		case <-timer.C:
		}
	}
}

// RunOnce claims one due job of a kind this queue handles and runs it
// synchronously; ran reports whether there was one. err reports a failure
// of the queue itself (the database), not of the handler, whose outcome is
// recorded on the job. Cancelling ctx cancels the handler like Stop does.
func (q *Queue) RunOnce(ctx context.Context) (ran bool, err error) {
	if ctx.Err() != nil {
		return false, nil
	}
	kinds := q.kinds()
	if len(kinds) == 0 {
		return false, nil
	}
	job, err := q.claim(kinds)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	q.process(ctx, job)
	return true, nil
}

type jobRow struct {
	ID          string `db:"id"`
	Tenant      string `db:"tenant"`
	Kind        string `db:"kind"`
	Subject     string `db:"subject"`
	Payload     string `db:"payload"`
	Attempts    int    `db:"attempts"`
	MaxAttempts int    `db:"max_attempts"`
}

// claim atomically takes the next due job: a queued job whose next_at has
// come, or a running job whose lease expired. One UPDATE … RETURNING under
// SQLite's write lock, so no two workers or processes get the same job.
func (q *Queue) claim(kinds []string) (*Job, error) {
	now := q.opts.Now()
	params := dbx.Params{
		"now":     q.stamp(now),
		"lease":   q.stamp(now.Add(q.opts.Lease)),
		"expired": leaseExpired,
	}
	in := make([]string, len(kinds))
	for i, k := range kinds {
		name := fmt.Sprintf("k%d", i)
		params[name] = k
		in[i] = "{:" + name + "}"
	}
	var row jobRow
	err := q.app.NonconcurrentDB().NewQuery(`UPDATE {{jobs}} SET
			[[status]] = 'running',
			[[attempts]] = [[attempts]] + 1,
			[[lease_until]] = {:lease},
			[[updated]] = {:now},
			[[last_error]] = CASE WHEN [[status]] = 'running' THEN {:expired} ELSE [[last_error]] END
		WHERE [[id]] = (
			SELECT [[id]] FROM {{jobs}}
			WHERE [[kind]] IN (` + strings.Join(in, ", ") + `)
			  AND (([[status]] = 'queued' AND [[next_at]] <= {:now}) OR ([[status]] = 'running' AND [[lease_until]] < {:now}))
			ORDER BY [[next_at]]
			LIMIT 1)
		RETURNING [[id]], [[tenant]], [[kind]], [[subject]], COALESCE([[payload]], 'null') AS payload, [[attempts]], [[max_attempts]]`).
		Bind(params).One(&row)
	if err != nil {
		return nil, err
	}
	job := &Job{ID: row.ID, Tenant: row.Tenant, Kind: row.Kind, Subject: row.Subject,
		Payload: []byte(row.Payload), Attempt: row.Attempts, MaxAttempts: row.MaxAttempts}
	if job.MaxAttempts <= 0 {
		job.MaxAttempts = q.opts.MaxAttempts
	}
	return job, nil
}

// process runs a claimed job's handler and records the outcome.
func (q *Queue) process(ctx context.Context, job *Job) {
	log := q.logger().With("job", job.ID, "kind", job.Kind, "tenant", job.Tenant, "attempt", job.Attempt)
	h, ok := q.handler(job.Kind)
	if !ok { // the handler list changed since the claim: nothing to run, hand the job back
		q.release(job, log)
		return
	}
	if job.Attempt > job.MaxAttempts {
		// its last attempt was interrupted (crash, kill -9, overran lease): no attempt left
		q.giveUp(job, h, fmt.Errorf("%s; no attempt left of %d", leaseExpired, job.MaxAttempts), log)
		return
	}

	hctx, cancel := context.WithTimeout(ctx, q.opts.Lease)
	err := q.call(hctx, h.run, job, log)
	cancel()

	switch {
	case err == nil:
		if ok, uerr := q.update(q.app.NonconcurrentDB(), job, `[[status]] = 'done', [[lease_until]] = ''`, nil); uerr != nil {
			log.Error("jobs: marking the job done failed; it will run again", "error", uerr.Error())
		} else if !ok {
			log.Warn("jobs: the job finished after losing its lease; another attempt owns it now")
		} else {
			log.Debug("jobs: done")
		}
	case IsPermanent(err):
		q.giveUp(job, h, err, log)
	case ctx.Err() != nil:
		// stopping: not the job's fault, so the attempt does not count
		q.release(job, log)
	case job.Attempt >= job.MaxAttempts:
		q.giveUp(job, h, err, log)
	default:
		delay := backoff(job.Attempt, q.opts.BaseBackoff, q.opts.MaxBackoff, rand.Int64N)
		ok, uerr := q.update(q.app.NonconcurrentDB(), job,
			`[[status]] = 'queued', [[lease_until]] = '', [[next_at]] = {:next}, [[last_error]] = {:error}`,
			dbx.Params{"next": q.stamp(q.opts.Now().Add(delay)), "error": trimError(err.Error())})
		switch {
		case uerr != nil:
			log.Error("jobs: scheduling the retry failed; the job runs again once its lease expires", "error", uerr.Error())
		case !ok:
			log.Warn("jobs: attempt failed after losing its lease", "error", trimError(err.Error()))
		default:
			log.Warn("jobs: attempt failed; retrying", "error", trimError(err.Error()), "retry_in", delay.Round(time.Millisecond).String())
		}
	}
}

// call runs h, turning a panic into an error.
func (q *Queue) call(ctx context.Context, h Handler, job *Job, log *slog.Logger) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
			log.Error("jobs: handler panicked", "error", err.Error(), "stack", string(debug.Stack()))
		}
	}()
	return h(ctx, q.app, job)
}

var errLostLease = errors.New("jobs: lost the lease")

// giveUp marks the job failed with cause and, in the same transaction, lets
// the kind's onGiveUp record it.
func (q *Queue) giveUp(job *Job, h kindHandlers, cause error, log *slog.Logger) {
	reason := trimError(cause.Error())
	set := `[[status]] = 'failed', [[lease_until]] = '', [[attempts]] = {:attempts}, [[last_error]] = {:error}`
	params := func(reason string) dbx.Params {
		return dbx.Params{"attempts": min(job.Attempt, job.MaxAttempts), "error": reason}
	}
	var hookErr error
	err := q.app.RunInTransaction(func(tx core.App) error {
		ok, err := q.update(tx.NonconcurrentDB(), job, set, params(reason))
		if err != nil {
			return err
		}
		if !ok {
			return errLostLease
		}
		if h.giveUp != nil {
			if hookErr = q.callGiveUp(tx, h.giveUp, job, cause); hookErr != nil {
				return hookErr
			}
		}
		return nil
	})
	switch {
	case err == nil:
		log.Error("jobs: gave up", "error", reason)
	case errors.Is(err, errLostLease):
		log.Warn("jobs: gave up after losing the lease; another attempt owns the job now", "error", reason)
	case hookErr != nil:
		// mark it failed anyway: retrying the work would not help the callback
		reason = trimError(cause.Error() + "; recording the failure failed: " + hookErr.Error())
		if _, uerr := q.update(q.app.NonconcurrentDB(), job, set, params(reason)); uerr != nil {
			log.Error("jobs: marking the job failed failed; it is retried once its lease expires", "error", uerr.Error())
			return
		}
		log.Error("jobs: gave up; recording the failure failed", "error", reason)
	default:
		log.Error("jobs: marking the job failed failed; it is retried once its lease expires", "error", err.Error())
	}
}

func (q *Queue) callGiveUp(tx core.App, f GiveUpFunc, job *Job, cause error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return f(tx, job, cause)
}

// release hands a claimed job back to the queue, due now, without counting the attempt.
func (q *Queue) release(job *Job, log *slog.Logger) {
	ok, err := q.update(q.app.NonconcurrentDB(), job,
		`[[status]] = 'queued', [[lease_until]] = '', [[attempts]] = [[attempts]] - 1, [[next_at]] = {:now}`, nil)
	switch {
	case err != nil:
		log.Error("jobs: releasing the job failed; it runs again once its lease expires", "error", err.Error())
	case ok:
		log.Info("jobs: released (stopping)")
	}
}

// update changes the job, if this attempt still owns it: the status is
// running and attempts is still this attempt's number (a new claim bumps it).
func (q *Queue) update(db dbx.Builder, job *Job, set string, params dbx.Params) (bool, error) {
	p := dbx.Params{"id": job.ID, "fence": job.Attempt, "now": q.stamp(q.opts.Now())}
	for k, v := range params {
		p[k] = v
	}
	res, err := db.NewQuery(`UPDATE {{jobs}} SET ` + set + `, [[updated]] = {:now}
		WHERE [[id]] = {:id} AND [[status]] = 'running' AND [[attempts]] = {:fence}`).Bind(p).Execute()
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// backoff is the delay before the retry after attempt (1 for the first):
// drawn from [0, cap) with cap = base·2^(attempt-1), at most max.
func backoff(attempt int, base, max time.Duration, randN func(int64) int64) time.Duration {
	limit := base
	for i := 1; i < attempt && limit < max; i++ {
		limit *= 2
	}
	if limit > max {
		limit = max
	}
	if limit <= 0 {
		return 0
	}
	return time.Duration(randN(int64(limit)))
}

// trimError keeps an error text within last_error's 2000 characters.
func trimError(s string) string {
	if utf8.RuneCountInString(s) <= maxErrorLen {
		return s
	}
	r := []rune(s)
	return string(r[:maxErrorLen-1]) + "…"
}
