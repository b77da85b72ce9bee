package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Roles a tenant user can have, most powerful first.
var Roles = []string{"admin", "manager", "member"}

func init() {
	m.Register(func(app core.App) error {
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		tenants, err := app.FindCollectionByNameOrId("tenants")
		if err != nil {
			return err
		}

		users.Fields.Add(
			&core.RelationField{Name: "tenant", Required: true, MaxSelect: 1, CollectionId: tenants.Id, CascadeDelete: true},
			&core.SelectField{Name: "role", Required: true, MaxSelect: 1, Values: Roles},
			&core.BoolField{Name: "active"},
		)
		if name, ok := users.Fields.GetByName("name").(*core.TextField); ok {
			name.Max = 120
		}

		users.ListRule = types.Pointer(sameTenant)
		users.ViewRule = types.Pointer(sameTenant)
		// people join through the invite route, which checks and audits
		users.CreateRule = nil
		// admins manage their tenant's users; anyone may edit their own
		// profile, but never their own role, active flag or tenant
		users.UpdateRule = types.Pointer(sameTenant + ` && @request.body.tenant:isset = false && ` +
			`(@request.auth.role = "admin" || (id = @request.auth.id && @request.body.role:isset = false && @request.body.active:isset = false))`)
		users.DeleteRule = types.Pointer(sameTenant + ` && @request.auth.role = "admin" && id != @request.auth.id`)
		users.ManageRule = nil
		// OAuth2 sign-up would create users with no tenant
		users.OAuth2.Enabled = false

		addTenantIndexes(users, "created")
		return app.Save(users)
	}, func(app core.App) error {
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		users.Fields.RemoveByName("tenant")
		users.Fields.RemoveByName("role")
		users.Fields.RemoveByName("active")
		users.RemoveIndex("idx_users_tenant")
		users.RemoveIndex("idx_users_tenant_rule")
		return app.Save(users)
	})
}
