package reports

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/robfig/cron/v3"

	"counterpart/hooks/tenancy"
	"counterpart/internal/schedule"
)

// entry is one tenant's schedule.
type entry struct {
	tenant string
	spec   string // CRON_TZ=<zone> <expression>: a change of either replaces the entry
	sched  cron.Schedule
	// checked is the last instant RunDue looked at: activations after it are due.
	checked time.Time
	// next is the first activation after checked, cached: robfig/cron's Next
	// walks the calendar (≈ 26 µs for a weekly schedule), and most checks
	// find nothing due.
	next   time.Time
	cronID cron.EntryID
}

// runner serialises one tenant's runs. Its job is the scheduled run wrapped
// once, for the tenant's lifetime, with cron.Recover and
// cron.SkipIfStillRunning, so an activation that comes while the previous
// scheduled run is still going is skipped, even across schedule changes.
type runner struct {
	tenant string
	// busy is held by any run of the tenant, scheduled or manual.
	busy sync.Mutex
	// at is the activation the next scheduled run is for.
	at  atomic.Pointer[time.Time]
	job cron.Job
	// ctx ends when the tenant is deleted or the app terminates.
	ctx    context.Context
	cancel context.CancelFunc
}

// Start loads the schedules of all active tenants and starts the cron.
// Activations from before Start are not made up: the next report's period
// (schedule.Period) still starts at the previous activation's day.
func (s *Service) Start() error {
	s.mu.Lock()
	if s.started {
		s.mu.Unlock()
		return nil
	}
	s.started = true
	s.mu.Unlock()
	tenants, err := s.app.FindRecordsByFilter(tenancy.Tenants, "status = 'active' && report_schedule != ''", "", 0, 0)
	if err != nil {
		return err
	}
	for _, t := range tenants {
		s.Sync(t)
	}
	s.cron.Start()
	return nil
}

// Stop stops the cron, cancels the runs in progress and waits (up to 30 s)
// for them to end.
func (s *Service) Stop() {
	<-s.cron.Stop().Done()
	s.cancel()
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		s.app.Logger().Warn("reports: runs did not end in time")
	}
}

// Sync makes tenant t's schedule current: an active tenant with a schedule
// gets (or keeps) its entry, a new schedule or time zone replaces it, and a
// suspended tenant or an empty schedule removes it. It runs after every
// tenant save, so a change takes effect without a restart.
func (s *Service) Sync(t *core.Record) {
	expr := strings.TrimSpace(t.GetString("report_schedule"))
	tz := t.GetString("timezone")
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.entries[t.Id]
	if t.GetString("status") != tenancy.StatusActive || expr == "" {
		if old != nil {
			s.unscheduleLocked(old)
		}
		return
	}
	spec := schedule.Spec(expr, tz)
	if old != nil && old.spec == spec {
		return
	}
	sched, err := schedule.Parse(expr, tz)
	if err != nil {
		// validation refuses such settings; an old row may still hold one
		s.app.Logger().Warn("reports: the tenant's report schedule cannot be read; no scheduled reports",
			"tenant", t.Id, "schedule", expr, "timezone", tz, "error", err.Error())
		if old != nil {
			s.unscheduleLocked(old)
		}
		return
	}
	if old != nil {
		s.cron.Remove(old.cronID)
	}
	e := &entry{tenant: t.Id, spec: spec, sched: sched}
	e.restart(s.now())
	// the cron entry only calls RunDue, which owns the calendar logic
	e.cronID = s.cron.Schedule(sched, cron.FuncJob(func() { s.RunDue(s.clock()) }))
	s.entries[t.Id] = e
}

// restart makes at the entry's last check and caches the first activation after it.
func (e *entry) restart(at time.Time) {
	e.checked = at
	e.next = e.sched.Next(at)
}

func (s *Service) unscheduleLocked(e *entry) {
	s.cron.Remove(e.cronID)
	delete(s.entries, e.tenant)
}

// forget drops a deleted tenant's schedule and cancels its run in progress,
// which then ends quietly and leaves nothing behind.
func (s *Service) forget(tenantID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.entries[tenantID]; e != nil {
		s.unscheduleLocked(e)
	}
	if r := s.runners[tenantID]; r != nil {
		r.cancel()
		delete(s.runners, tenantID)
	}
}

// Scheduled returns the spec (CRON_TZ=<zone> <expression>) of every tenant
// with a schedule, by tenant id.
func (s *Service) Scheduled() map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]string, len(s.entries))
	for id, e := range s.entries {
		out[id] = e.spec
	}
	return out
}

// RunDue runs the scheduled report of every tenant whose schedule had an
// activation in (last check, now], for the latest such activation (missed
// activations collapse into one report, whose period covers them), and
// returns when those runs have ended. It returns how many tenants were due.
// A tenant whose previous scheduled run is still going is skipped
// (cron.SkipIfStillRunning). The cron calls it at each activation; tests
// call it with any instant.
func (s *Service) RunDue(now time.Time) int {
	type due struct {
		r  *runner
		at time.Time
	}
	var list []due
	s.mu.Lock()
	for id, e := range s.entries {
		if !now.After(e.checked) {
			continue
		}
		if e.next.IsZero() || now.Before(e.next) {
			e.checked = now // nothing in (checked, now]: next stays the first activation after now
			continue
		}
		at := schedule.Latest(e.sched, e.checked, now)
		e.restart(now)
		if !at.IsZero() {
			list = append(list, due{s.runnerLocked(id), at})
		}
	}
	s.mu.Unlock()

	var wg sync.WaitGroup
	for _, d := range list {
		d.r.at.Store(&d.at)
		s.wg.Add(1)
		wg.Go(func() {
			defer s.wg.Done()
			d.r.job.Run()
		})
	}
	wg.Wait()
	return len(list)
}

// runnerLocked returns tenant's runner, creating it; s.mu is held.
func (s *Service) runnerLocked(tenantID string) *runner {
	if r := s.runners[tenantID]; r != nil {
		return r
	}
	r := &runner{tenant: tenantID}
	r.ctx, r.cancel = context.WithCancel(s.ctx)
	log := cronLogger{s}
	r.job = cron.NewChain(cron.Recover(log), cron.SkipIfStillRunning(log)).Then(cron.FuncJob(func() { s.runScheduled(r) }))
	s.runners[tenantID] = r
	return r
}

func (s *Service) runnerFor(tenantID string) *runner {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.runnerLocked(tenantID)
}

// runScheduled makes the report of r's tenant for the activation r.at.
func (s *Service) runScheduled(r *runner) {
	at := *r.at.Load()
	r.busy.Lock()
	defer r.busy.Unlock()
	if r.ctx.Err() != nil {
		return
	}
	t, err := s.app.FindRecordById(tenancy.Tenants, r.tenant)
	if err != nil || t.GetString("status") != tenancy.StatusActive {
		return // deleted or suspended meanwhile
	}
	sched, err := schedule.Parse(t.GetString("report_schedule"), t.GetString("timezone"))
	if err != nil {
		return // unscheduled meanwhile
	}
	loc, _ := time.LoadLocation(t.GetString("timezone"))
	from, to := schedule.Period(sched, at, loc)
	_, err = s.make(r.ctx, t, request{from: from.String(), to: to.String(), trigger: TriggerSchedule, scheduledFor: at})
	if err != nil && !errors.Is(err, errTenantGone) {
		s.app.Logger().Error("reports: the scheduled report failed", "tenant", r.tenant, "at", at.UTC().String(), "error", err.Error())
	}
}

func (s *Service) bindTenantHooks(app core.App) {
	resync := func(e *core.RecordEvent) error {
		s.Sync(e.Record)
		return e.Next()
	}
	app.OnRecordAfterCreateSuccess(tenancy.Tenants).BindFunc(resync)
	app.OnRecordAfterUpdateSuccess(tenancy.Tenants).BindFunc(resync)
	app.OnRecordAfterDeleteSuccess(tenancy.Tenants).BindFunc(func(e *core.RecordEvent) error {
		s.forget(e.Record.Id)
		return e.Next()
	})
}
