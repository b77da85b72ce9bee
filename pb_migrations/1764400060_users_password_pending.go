package migrations

import (
	"strings"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// PasswordPending is the users field that is true from a person's invitation
// until they set their own password (hooks/tenancy): an admin may hand such
// a person a set-password link. Only the server sets it, never a request body.
const PasswordPending = "password_pending"

// pendingNotInBody is what this migration appends to the users update rule.
const pendingNotInBody = ` && @request.body.` + PasswordPending + `:isset = false`

func init() {
	m.Register(func(app core.App) error {
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		users.Fields.Add(&core.BoolField{Name: PasswordPending})
		if users.UpdateRule != nil && !strings.HasSuffix(*users.UpdateRule, pendingNotInBody) {
			users.UpdateRule = types.Pointer(*users.UpdateRule + pendingNotInBody)
		}
		return app.Save(users)
	}, func(app core.App) error {
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		users.Fields.RemoveByName(PasswordPending)
		if users.UpdateRule != nil {
			users.UpdateRule = types.Pointer(strings.TrimSuffix(*users.UpdateRule, pendingNotInBody))
		}
		return app.Save(users)
	})
}
