// Package alerts mails IT when the appliance is in trouble: n8n failing too
// often, the job outbox backing up, or the data disk filling. Conditions are
// evaluated every minute; a condition that starts to hold is mailed at once,
// again at most once an hour while it holds, and once more when it clears.
package alerts

import (
	"fmt"
	"html"
	"net/mail"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/mailer"

	"counterpart/hooks/appsettings"
	"counterpart/hooks/jobs"
	"counterpart/internal/config"
	"counterpart/internal/metrics"
)

// CronID names the evaluation job in the app's cron.
const CronID = "counterpartAlerts"

// Repeat is the shortest time between two alert mails of one condition.
const Repeat = time.Hour

// Conditions, as they appear in mails and logs.
const (
	CondN8N         = "n8n_failure_rate"
	CondOutboxDepth = "outbox_depth"
	CondOutboxAge   = "outbox_age"
	CondDisk        = "free_disk"
)

// Deps are what the feature needs.
type Deps struct {
	// Config holds the alerts.* settings; a zero threshold switches its condition off.
	Config config.Alerts
	// Queue is the job outbox; nil switches the outbox conditions off.
	Queue *jobs.Queue
	// N8N counts n8n calls and failures (monitoring's window); nil switches the n8n condition off.
	N8N *metrics.Window
	// DataDir is the directory whose file system is watched (the app's data dir when empty).
	DataDir string
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// DiskSpace reports free and total bytes of a path (metrics.DiskSpace when nil).
	DiskSpace func(path string) (free, total uint64, err error)
}

// Alerter evaluates the conditions and remembers what was mailed.
type Alerter struct {
	deps Deps

	mu     sync.Mutex // one evaluation at a time
	states map[string]*state
}

// Register evaluates the alert conditions every minute on the app's cron and
// returns the alerter. Registering again replaces the previous evaluation.
func Register(app core.App, deps Deps) *Alerter {
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.DiskSpace == nil {
		deps.DiskSpace = metrics.DiskSpace
	}
	a := &Alerter{deps: deps, states: map[string]*state{}}
	app.Cron().MustAdd(CronID, "* * * * *", func() {
		if err := a.Evaluate(app); err != nil {
			app.Logger().Error("alerts: evaluation", "error", err)
		}
	})
	return a
}

// reading is one condition as it stands now.
type reading struct {
	cond   string
	title  string // a short headline, e.g. "n8n is failing"
	holds  bool
	detail string // the figures and the threshold
	hint   string // what IT can do
}

// Evaluate reads every enabled condition and mails what changed. A
// condition whose figures cannot be read is left as it was; a mail that
// cannot be sent is tried again at the next evaluation.
func (a *Alerter) Evaluate(app core.App) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.deps.Now()
	var errs []string
	for _, r := range a.read(app, now, &errs) {
		st := a.states[r.cond]
		if st == nil {
			st = &state{}
			a.states[r.cond] = st
		}
		action := st.next(now, r.holds)
		if action != none {
			if err := a.notify(app, now, r, action); err != nil {
				errs = append(errs, fmt.Sprintf("mailing the %s of %s: %v", action, r.cond, err))
				continue // the state stays, so the next evaluation tries again
			}
		}
		st.commit(now, r.holds, action)
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return nil
}

const mib = 1 << 20

// read measures the enabled conditions.
func (a *Alerter) read(app core.App, now time.Time, errs *[]string) []reading {
	c := a.deps.Config
	var out []reading
	if a.deps.N8N != nil && c.N8NFailureRate > 0 {
		calls, failures := a.deps.N8N.Totals(now, c.N8NWindow)
		rate := 0.0
		if calls > 0 {
			rate = float64(failures) / float64(calls)
		}
		out = append(out, reading{cond: CondN8N, title: "n8n calls are failing",
			holds: calls >= c.N8NMinCalls && rate >= c.N8NFailureRate,
			detail: fmt.Sprintf("%d of %d n8n calls failed in the last %s (%.0f%%; the threshold is %.0f%% of at least %d calls).",
				failures, calls, c.N8NWindow, rate*100, c.N8NFailureRate*100, c.N8NMinCalls),
			hint: "Check that n8n is running and its chat and ingest workflows are active, and look at the failed executions in n8n. " +
				"counterpart_n8n_call_errors_total on /api/metrics counts the failures by kind (timeout, unreachable, auth, http_4xx, http_5xx)."})
	}
	if a.deps.Queue != nil && (c.OutboxDepth > 0 || c.OutboxAge > 0) {
		queued, oldest, err := a.deps.Queue.Stats(app)
		if err != nil {
			*errs = append(*errs, "reading the job outbox: "+err.Error())
		} else {
			if c.OutboxDepth > 0 {
				out = append(out, reading{cond: CondOutboxDepth, title: "the job outbox is backing up",
					holds:  queued >= c.OutboxDepth,
					detail: fmt.Sprintf("%d jobs are queued (the threshold is %d).", queued, c.OutboxDepth),
					hint:   "Jobs (document processing, file deletion) are queued faster than they run: look for failing jobs in the logs, and check n8n and the store."})
			}
			if c.OutboxAge > 0 {
				out = append(out, reading{cond: CondOutboxAge, title: "jobs are waiting too long",
					holds:  oldest >= c.OutboxAge,
					detail: fmt.Sprintf("The oldest due job has waited %s (the threshold is %s).", oldest.Round(time.Second), c.OutboxAge),
					hint:   "The workers may be stuck or too few (jobs.workers): look at the logs, and restart the service if no job progresses."})
			}
		}
	}
	if c.MinFreeDiskMB > 0 || c.MinFreeDiskPercent > 0 {
		dir := a.deps.DataDir
		if dir == "" {
			dir = app.DataDir()
		}
		free, total, err := a.deps.DiskSpace(dir)
		if err != nil {
			*errs = append(*errs, err.Error())
		} else {
			pct := 100.0
			if total > 0 {
				pct = float64(free) / float64(total) * 100
			}
			low := (c.MinFreeDiskMB > 0 && free < uint64(c.MinFreeDiskMB)*mib) ||
				(c.MinFreeDiskPercent > 0 && pct < c.MinFreeDiskPercent)
			out = append(out, reading{cond: CondDisk, title: "the data disk is running out of space",
				holds: low,
				detail: fmt.Sprintf("%d MiB (%.1f%%) are free on the data directory's file system (the thresholds are %d MiB and %.0f%%).",
					free/mib, pct, c.MinFreeDiskMB, c.MinFreeDiskPercent),
				hint: "Free space before SQLite cannot write: remove old backups and logs, or grow the disk. Uploads and answers fail when it is full."})
		}
	}
	return out
}

// notify mails (or, without recipients or without mail set up, logs) one alert or all-clear.
func (a *Alerter) notify(app core.App, now time.Time, r reading, action action) error {
	logAttrs := []any{"condition", r.cond, "detail", r.detail}
	if action == alert {
		app.Logger().Warn("alert: "+r.title, logAttrs...)
	} else {
		app.Logger().Info("alert cleared: "+r.title, logAttrs...)
	}
	if len(a.deps.Config.Recipients) == 0 || !appsettings.MailSetUp(app) {
		return nil // the log line above is all there is without recipients or mail
	}
	meta := app.Settings().Meta
	name := meta.AppName
	if name == "" {
		name = "Counterpart"
	}
	var subject, lead string
	if action == alert {
		subject = fmt.Sprintf("[%s] Alert: %s", name, r.title)
		lead = "Counterpart detected a problem that needs IT's attention."
	} else {
		subject = fmt.Sprintf("[%s] Cleared: %s", name, r.title)
		lead = "The problem reported earlier has cleared; nothing needs to be done."
	}
	when := now.UTC().Format("2006-01-02 15:04 UTC")
	text := fmt.Sprintf("%s\n\n%s\n\nCondition: %s\nTime: %s\nServer: %s\n", lead, r.detail, r.cond, when, meta.AppURL)
	if action == alert {
		text += "\nWhat to do: " + r.hint + "\n\nWhile the problem lasts this mail repeats at most once an hour; another mail says when it clears.\n"
	}
	body := "<p>" + html.EscapeString(lead) + "</p><p><strong>" + html.EscapeString(r.detail) + "</strong></p>" +
		"<p>Condition: " + html.EscapeString(r.cond) + "<br>Time: " + when + "<br>Server: " + html.EscapeString(meta.AppURL) + "</p>"
	if action == alert {
		body += "<p>What to do: " + html.EscapeString(r.hint) + "</p>" +
			"<p>While the problem lasts this mail repeats at most once an hour; another mail says when it clears.</p>"
	}
	to := make([]mail.Address, 0, len(a.deps.Config.Recipients))
	for _, rcpt := range a.deps.Config.Recipients {
		to = append(to, mail.Address{Address: rcpt})
	}
	return app.NewMailClient().Send(&mailer.Message{
		From:    mail.Address{Name: meta.SenderName, Address: meta.SenderAddress},
		To:      to,
		Subject: subject,
		Text:    text,
		HTML:    body,
	})
}
