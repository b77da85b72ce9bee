package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// JobStatuses are the states of a job in the outbox (hooks/jobs).
var JobStatuses = []string{"queued", "running", "done", "failed"}

func init() {
	m.Register(func(app core.App) error {
		tenants, err := app.FindCollectionByNameOrId("tenants")
		if err != nil {
			return err
		}
		c := core.NewBaseCollection("jobs", "cp_jobs00000001")
		// internal only: the workers write jobs through Go, no client reads or writes them
		c.ListRule, c.ViewRule, c.CreateRule, c.UpdateRule, c.DeleteRule = nil, nil, nil, nil, nil

		c.Fields.Add(
			&core.RelationField{Name: "tenant", Required: true, MaxSelect: 1, CollectionId: tenants.Id, CascadeDelete: true},
			&core.TextField{Name: "kind", Required: true, Max: 64, Presentable: true},
			// the id of the record the job is about, e.g. a document
			&core.TextField{Name: "subject", Max: 64},
			&core.JSONField{Name: "payload", MaxSize: 64 << 10},
			&core.SelectField{Name: "status", Required: true, MaxSelect: 1, Values: JobStatuses},
			&core.NumberField{Name: "attempts", OnlyInt: true, Min: types.Pointer(0.0)},
			&core.NumberField{Name: "max_attempts", OnlyInt: true, Min: types.Pointer(0.0)},
			&core.DateField{Name: "next_at"},
			&core.DateField{Name: "lease_until"},
			&core.TextField{Name: "last_error", Max: 2000},
			&core.AutodateField{Name: "created", OnCreate: true},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		addTenantIndexes(c, "created")
		// the workers' pick query: due queued jobs and running jobs whose lease expired
		c.AddIndex("idx_jobs_pick", false, "`status`, `next_at`", "")
		// at most one live job per (kind, subject): enqueueing again returns the live one
		c.AddIndex("idx_jobs_live", true, "`kind`, `subject`", "`status` IN ('queued', 'running') AND `subject` != ''")
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("jobs")
		if err != nil {
			return nil
		}
		return app.Delete(c)
	})
}
