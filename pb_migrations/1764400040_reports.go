package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// ReportTriggers say why a report was made: the tenant's schedule or a person asking.
var ReportTriggers = []string{"schedule", "manual"}

// ReportStatuses are a report's states: running while it is made, then ready or failed.
var ReportStatuses = []string{"running", "ready", "failed"}

// datePattern is a calendar date, YYYY-MM-DD.
const datePattern = `^[0-9]{4}-[0-9]{2}-[0-9]{2}$`

func init() {
	m.Register(func(app core.App) error {
		tenants, err := app.FindCollectionByNameOrId("tenants")
		if err != nil {
			return err
		}
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		c := core.NewBaseCollection("reports", "cp_reports00001")
		// tenant admins and managers read their tenant's reports; only the server makes them
		readers := sameTenant + ` && (@request.auth.role = "admin" || @request.auth.role = "manager")`
		c.ListRule = types.Pointer(readers)
		c.ViewRule = types.Pointer(readers)
		c.CreateRule, c.UpdateRule, c.DeleteRule = nil, nil, nil

		c.Fields.Add(
			&core.RelationField{Name: "tenant", Required: true, MaxSelect: 1, CollectionId: tenants.Id, CascadeDelete: true},
			&core.TextField{Name: "period_from", Required: true, Pattern: datePattern, Presentable: true},
			&core.TextField{Name: "period_to", Required: true, Pattern: datePattern},
			&core.SelectField{Name: "trigger", Required: true, MaxSelect: 1, Values: ReportTriggers},
			&core.SelectField{Name: "status", Required: true, MaxSelect: 1, Values: ReportStatuses},
			// the schedule activation a scheduled report was made for
			&core.DateField{Name: "scheduled_for"},
			&core.RelationField{Name: "requested_by", MaxSelect: 1, CollectionId: users.Id},
			// protected: downloading needs a PocketBase file token, checked against the view rule
			&core.FileField{Name: "csv", MaxSelect: 1, MaxSize: 32 << 20, Protected: true},
			&core.TextField{Name: "summary_html", Max: 1 << 20},
			&core.JSONField{Name: "summary", MaxSize: 1 << 20},
			&core.JSONField{Name: "recipients", MaxSize: 8192},
			&core.TextField{Name: "error", Max: 2000},
			&core.DateField{Name: "sent_at"},
			&core.NumberField{Name: "send_attempts", OnlyInt: true, Min: types.Pointer(0.0)},
			&core.TextField{Name: "send_error", Max: 2000},
			&core.AutodateField{Name: "created", OnCreate: true},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		addTenantIndexes(c, "created")
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("reports")
		if err != nil {
			return nil
		}
		return app.Delete(c)
	})
}
