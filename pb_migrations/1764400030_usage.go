package migrations

import (
	"strings"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// UsageKinds are the kinds of usage event the features record (hooks/usage).
var UsageKinds = []string{
	"answer_completed", "answer_failed", "answer_stopped", "feedback",
	"document_uploaded", "document_processed", "document_failed",
	"sign_in", "export",
}

// usageCounters are the per day × user × model sums of usage_daily; the
// rollup adds to them with an SQL upsert (hooks/usage).
var usageCounters = []string{
	"questions", "answers", "failed", "stopped", "retrieval_only", "llm",
	"tokens_in", "tokens_out", "latency_ms",
	"feedback_up", "feedback_down",
	"uploads", "upload_bytes", "processed", "processed_bytes", "pages", "processing_failed",
	"sign_ins", "exports",
}

// summaryCounters are the usage_daily columns the analytics summary reads,
// kept in a covering index.
var summaryCounters = []string{
	"questions", "answers", "failed", "stopped", "retrieval_only", "llm", "tokens_in", "tokens_out",
	"feedback_up", "feedback_down", "uploads", "processed", "processing_failed", "sign_ins", "exports",
}

// UsageCollections are the usage tables, raw events first.
var UsageCollections = []string{"usage_events", "usage_daily", "usage_latency", "usage_citations"}

func init() {
	m.Register(func(app core.App) error {
		tenants, err := app.FindCollectionByNameOrId("tenants")
		if err != nil {
			return err
		}
		tenant := func() *core.RelationField {
			return &core.RelationField{Name: "tenant", Required: true, MaxSelect: 1, CollectionId: tenants.Id, CascadeDelete: true}
		}
		// no client access to any usage table: the analytics routes read them, Go writes them
		noAccess := func(c *core.Collection) {
			c.ListRule, c.ViewRule, c.CreateRule, c.UpdateRule, c.DeleteRule = nil, nil, nil, nil, nil
		}
		count := func(name string) *core.NumberField {
			return &core.NumberField{Name: name, OnlyInt: true}
		}

		events := core.NewBaseCollection("usage_events", "cp_usageevents1")
		noAccess(events)
		events.Fields.Add(
			tenant(),
			&core.SelectField{Name: "kind", Required: true, MaxSelect: 1, Values: UsageKinds},
			// ids rather than relations: history outlives a deleted user, conversation or document
			&core.TextField{Name: "user", Max: 64},
			&core.TextField{Name: "conversation", Max: 64},
			&core.TextField{Name: "subject", Max: 64},
			&core.TextField{Name: "model", Max: 200},
			count("tokens_in"), count("tokens_out"), count("latency_ms"), count("first_token_ms"),
			&core.BoolField{Name: "retrieval_only"},
			count("bytes"), count("pages"), count("rows"),
			// the ids of the documents an answer cited
			&core.JSONField{Name: "documents", MaxSize: 8192},
			// a feedback event's rating and the rating it replaced
			&core.TextField{Name: "feedback", Max: 8},
			&core.TextField{Name: "previous", Max: 8},
			// the source transition: an event is written once per key
			&core.TextField{Name: "source", Required: true, Max: 200},
			// set by the rollup in the same transaction that adds the event to usage_daily
			&core.BoolField{Name: "rolled"},
			&core.AutodateField{Name: "created", OnCreate: true},
		)
		addTenantIndexes(events, "created")
		events.AddIndex("idx_usage_events_source", true, "`source`", "")
		// the rollup's queue: only events not rolled up yet
		events.AddIndex("idx_usage_events_pending", false, "`created`", "`rolled` = FALSE")
		// retention deletes old rolled-up events
		events.AddIndex("idx_usage_events_created", false, "`created`", "")
		if err := app.Save(events); err != nil {
			return err
		}

		daily := core.NewBaseCollection("usage_daily", "cp_usagedaily01")
		noAccess(daily)
		daily.Fields.Add(tenant(),
			// YYYY-MM-DD in the tenant's time zone
			&core.TextField{Name: "day", Required: true, Min: 10, Max: 10},
			&core.TextField{Name: "user", Max: 64},
			&core.TextField{Name: "model", Max: 200},
		)
		for _, name := range usageCounters {
			daily.Fields.Add(count(name))
		}
		addTenantIndexes(daily, "day")
		daily.AddIndex("idx_usage_daily_key", true, "`tenant`, `day`, `user`, `model`", "")
		// the summary reads a tenant's range of days from this index alone, without a table
		// lookup per row (docs/performance.md, "Analytics"); it supersedes (tenant, day)
		daily.RemoveIndex("idx_usage_daily_tenant")
		daily.AddIndex("idx_usage_daily_summary", false, "`tenant`, `day`, `user`, `model`, `"+strings.Join(summaryCounters, "`, `")+"`", "")
		// the same, day first, for IT's all-tenants view
		daily.AddIndex("idx_usage_daily_day", false, "`day`, `tenant`, `user`, `model`, `"+strings.Join(summaryCounters, "`, `")+"`", "")
		if err := app.Save(daily); err != nil {
			return err
		}

		// answer latency per tenant and day as a fixed log-bucket histogram (internal/percentile)
		latency := core.NewBaseCollection("usage_latency", "cp_usagelatency")
		noAccess(latency)
		latency.Fields.Add(tenant(),
			&core.TextField{Name: "day", Required: true, Min: 10, Max: 10},
			&core.NumberField{Name: "bucket", OnlyInt: true, Min: types.Pointer(0.0)},
			count("answers"),
		)
		addTenantIndexes(latency, "day")
		latency.AddIndex("idx_usage_latency_key", true, "`tenant`, `day`, `bucket`", "")
		// covering: percentiles of a range read the index alone
		latency.RemoveIndex("idx_usage_latency_tenant")
		latency.AddIndex("idx_usage_latency_summary", false, "`tenant`, `day`, `bucket`, `answers`", "")
		latency.AddIndex("idx_usage_latency_day", false, "`day`, `bucket`, `answers`", "")
		if err := app.Save(latency); err != nil {
			return err
		}

		citations := core.NewBaseCollection("usage_citations", "cp_usagecitatio")
		noAccess(citations)
		citations.Fields.Add(tenant(),
			&core.TextField{Name: "day", Required: true, Min: 10, Max: 10},
			&core.TextField{Name: "document", Max: 64},
			count("citations"),
		)
		addTenantIndexes(citations, "day")
		citations.AddIndex("idx_usage_citations_key", true, "`tenant`, `day`, `document`", "")
		// covering: top documents of a range read the index alone
		citations.RemoveIndex("idx_usage_citations_tenant")
		citations.AddIndex("idx_usage_citations_summary", false, "`tenant`, `day`, `document`, `citations`", "")
		citations.AddIndex("idx_usage_citations_day", false, "`day`, `document`, `citations`", "")
		return app.Save(citations)
	}, func(app core.App) error {
		for i := len(UsageCollections) - 1; i >= 0; i-- {
			if c, err := app.FindCollectionByNameOrId(UsageCollections[i]); err == nil {
				if err := app.Delete(c); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
