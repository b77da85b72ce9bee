package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

func init() {
	m.Register(func(app core.App) error {
		tenants, err := app.FindCollectionByNameOrId("tenants")
		if err != nil {
			return err
		}
		c := core.NewBaseCollection("audit_log", "cp_auditlog0001")
		// tenant admins read their own tenant's log; nobody writes it through
		// the API (hooks refuse superusers too). Entries with no tenant are
		// appliance-level (a tenant deleted) and only superusers see them.
		c.ListRule = types.Pointer(tenantAdmin)
		c.ViewRule = types.Pointer(tenantAdmin)
		c.CreateRule, c.UpdateRule, c.DeleteRule = nil, nil, nil

		c.Fields.Add(
			&core.RelationField{Name: "tenant", MaxSelect: 1, CollectionId: tenants.Id, CascadeDelete: true},
			&core.TextField{Name: "actor", Max: 64},
			&core.TextField{Name: "actor_name", Max: 255},
			&core.TextField{Name: "action", Required: true, Max: 64, Presentable: true},
			&core.TextField{Name: "target", Max: 255},
			&core.JSONField{Name: "summary", MaxSize: 16384},
			&core.TextField{Name: "ip", Max: 64},
			&core.AutodateField{Name: "created", OnCreate: true},
		)
		addTenantIndexes(c, "created")
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("audit_log")
		if err != nil {
			return nil
		}
		return app.Delete(c)
	})
}
