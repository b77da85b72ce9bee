package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// export_message_text lets a tenant admin allow message text in the
// conversations export (hooks/analytics); off by default, so an export holds
// metadata only unless the tenant decided otherwise.
func init() {
	m.Register(func(app core.App) error {
		tenants, err := app.FindCollectionByNameOrId("tenants")
		if err != nil {
			return err
		}
		tenants.Fields.Add(&core.BoolField{Name: "export_message_text"})
		return app.Save(tenants)
	}, func(app core.App) error {
		tenants, err := app.FindCollectionByNameOrId("tenants")
		if err != nil {
			return err
		}
		tenants.Fields.RemoveByName("export_message_text")
		return app.Save(tenants)
	})
}
