// Package usage records what the features do as usage events and keeps the
// daily rollup the analytics read. Events are written by record hooks on the
// features' own collections (answers finishing, feedback, documents moving
// through their states, sign-ins) and by the export routes, once per source
// transition. Every minute a cron job adds the new events to usage_daily
// (tenant × local day × user × model), usage_latency (a log-bucket histogram
// per tenant and day), usage_citations (per document and day) and the second
// level the long summaries read (usage_tenant_daily, usage_tenant_days,
// usage_tenant_monthly_users: no user dimension, or per month) in the same
// transaction that marks them rolled up, so a crash or a rerun never counts
// an event twice; then raw events older than usage.retention_days go.
package usage

import (
	"encoding/json"
	"fmt"
	"time"
	_ "time/tzdata" // IANA zones even on servers without /usr/share/zoneinfo

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Collections of the feature.
const (
	Events    = "usage_events"
	Daily     = "usage_daily"
	Latency   = "usage_latency"
	Citations = "usage_citations"
	// TenantDaily, TenantDays and TenantMonthlyUsers are the second rollup
	// level (usage_daily without the user dimension) that long summaries read.
	TenantDaily        = "usage_tenant_daily"
	TenantDays         = "usage_tenant_days"
	TenantMonthlyUsers = "usage_tenant_monthly_users"
)

// Kinds of usage event.
const (
	KindAnswerCompleted   = "answer_completed"
	KindAnswerFailed      = "answer_failed"
	KindAnswerStopped     = "answer_stopped"
	KindFeedback          = "feedback"
	KindDocumentUploaded  = "document_uploaded"
	KindDocumentProcessed = "document_processed"
	KindDocumentFailed    = "document_failed"
	KindSignIn            = "sign_in"
	KindExport            = "export"
)

// DefaultRetentionDays is how long raw events are kept when Options leave it unset.
const DefaultRetentionDays = 400

// Options configure the feature.
type Options struct {
	// RetentionDays is how long raw events are kept after they were rolled
	// up; 0 keeps them forever (usage.retention_days, default 400).
	RetentionDays int
}

const storeKey = "counterpart.usage.options"

// Register binds the event hooks and the rollup cron job.
func Register(app core.App, opts Options) {
	app.Store().Set(storeKey, opts)
	bindMessageEvents(app)
	bindDocumentEvents(app)
	bindSignIn(app)
	bindTenantDelete(app)
	app.Cron().MustAdd("usage_rollup", "* * * * *", func() {
		if err := Rollup(app); err != nil {
			app.Logger().Error("usage: rollup", "error", err)
		}
	})
}

// Event is one usage event. Zero fields are stored as zero.
type Event struct {
	Tenant        string
	Kind          string
	User          string
	Conversation  string
	Subject       string
	Model         string
	TokensIn      int64
	TokensOut     int64
	LatencyMs     int64
	FirstTokenMs  int64
	RetrievalOnly bool
	Bytes         int64
	Pages         int64
	Rows          int64
	// Documents are the ids of the documents an answer cited.
	Documents []string
	// Feedback is the new rating ("up"/"down") of a feedback event, Previous the one it replaced.
	Feedback string
	Previous string
	// Source identifies the transition that caused the event: an event with
	// a source already recorded is ignored. Empty means a fresh random one.
	Source string
	// At is when it happened; zero means now. Stored in UTC.
	At time.Time
}

// Record writes an event with app (inside the caller's transaction when app
// is one). A second event with the same Source is ignored.
func Record(app core.App, ev Event) error {
	if ev.Tenant == "" || ev.Kind == "" {
		return fmt.Errorf("usage event without tenant or kind: %+v", ev)
	}
	if ev.Source == "" {
		ev.Source = ev.Kind + ":" + core.GenerateDefaultRandomId() + core.GenerateDefaultRandomId()
	}
	at := types.NowDateTime()
	if !ev.At.IsZero() {
		at, _ = types.ParseDateTime(ev.At.UTC())
	}
	docs := ev.Documents
	if docs == nil {
		docs = []string{}
	}
	docsJSON, err := json.Marshal(docs)
	if err != nil {
		return err
	}
	_, err = app.NonconcurrentDB().NewQuery("INSERT INTO {{usage_events}} ([[tenant]], [[kind]], [[user]], [[conversation]], [[subject]], " +
		"[[model]], [[tokens_in]], [[tokens_out]], [[latency_ms]], [[first_token_ms]], [[retrieval_only]], [[bytes]], [[pages]], [[rows]], " +
		"[[documents]], [[feedback]], [[previous]], [[source]], [[rolled]], [[created]]) VALUES ({:tenant}, {:kind}, {:user}, {:conversation}, " +
		"{:subject}, {:model}, {:tin}, {:tout}, {:lat}, {:first}, {:ro}, {:bytes}, {:pages}, {:rows}, {:docs}, {:fb}, {:prev}, {:source}, FALSE, {:created}) " +
		"ON CONFLICT ([[source]]) DO NOTHING").Bind(dbx.Params{
		"tenant": ev.Tenant, "kind": ev.Kind, "user": ev.User, "conversation": ev.Conversation, "subject": ev.Subject,
		"model": ev.Model, "tin": ev.TokensIn, "tout": ev.TokensOut, "lat": ev.LatencyMs, "first": ev.FirstTokenMs,
		"ro": ev.RetrievalOnly, "bytes": ev.Bytes, "pages": ev.Pages, "rows": ev.Rows, "docs": string(docsJSON),
		"fb": ev.Feedback, "prev": ev.Previous, "source": ev.Source, "created": at.String(),
	}).Execute()
	if err != nil {
		return fmt.Errorf("usage event %s of tenant %s: %w", ev.Kind, ev.Tenant, err)
	}
	return nil
}

// Location returns the time zone named tz, UTC when it is empty or unknown
// (tenancy validates the setting, so unknown means an old or hand-edited row).
func Location(tz string) *time.Location {
	if tz == "" || tz == "Local" {
		return time.UTC
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return time.UTC
	}
	return loc
}

// TenantLocation returns the time zone of a tenant.
func TenantLocation(app core.App, tenantID string) (*time.Location, error) {
	var row struct {
		TZ string `db:"timezone"`
	}
	if err := app.DB().Select("timezone").From("tenants").Where(dbx.HashExp{"id": tenantID}).One(&row); err != nil {
		return nil, fmt.Errorf("time zone of tenant %s: %w", tenantID, err)
	}
	return Location(row.TZ), nil
}

// Day is the YYYY-MM-DD of t in loc: the key of the daily rollup.
func Day(t time.Time, loc *time.Location) string { return t.In(loc).Format(time.DateOnly) }

// bindTenantDelete removes a tenant's usage rows with one statement per table
// before the tenant goes: PocketBase's cascade would delete them one record
// (with its hooks) at a time. tenancy's hook, bound earlier, has refused
// deleting an active tenant before this runs.
func bindTenantDelete(app core.App) {
	app.OnRecordDelete("tenants").BindFunc(func(e *core.RecordEvent) error {
		for _, table := range []string{Events, Daily, Latency, Citations, TenantDaily, TenantDays, TenantMonthlyUsers} {
			if _, err := e.App.NonconcurrentDB().Delete(table, dbx.HashExp{"tenant": e.Record.Id}).Execute(); err != nil {
				return fmt.Errorf("deleting the usage of tenant %s from %s: %w", e.Record.Id, table, err)
			}
		}
		return e.Next()
	})
}
