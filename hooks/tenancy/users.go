package tenancy

import (
	"crypto/rand"
	"fmt"
	"slices"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/audit"
	migrations "counterpart/pb_migrations"
)

// userFields are the user fields whose changes are audited.
var userFields = []string{"name", "role", "active"}

func bindUserRules(app core.App) {
	app.OnRecordUpdate(Users).BindFunc(func(e *core.RecordEvent) error {
		if stored(e.App, e.Record).GetBool("active") && !e.Record.GetBool("active") {
			// signs the user out everywhere: existing tokens stop verifying
			e.Record.RefreshTokenKey()
		}
		return e.Next()
	})
	app.OnRecordAfterUpdateSuccess(Users).BindFunc(func(e *core.RecordEvent) error {
		if !e.Record.GetBool("active") {
			id := e.Record.Id
			dropRealtimeClients(e.App, func(auth *core.Record) bool { return auth.Id == id })
		}
		return e.Next()
	})

	app.OnRecordUpdateRequest(Users).BindFunc(func(e *core.RecordRequestEvent) error {
		before := e.Record.Original()
		if isTenantUser(e.Auth) && e.Auth.Id == e.Record.Id {
			if before.GetString("role") != e.Record.GetString("role") || before.GetBool("active") != e.Record.GetBool("active") {
				return e.ForbiddenError("You cannot change your own role or deactivate yourself; ask another tenant admin.", nil)
			}
		}
		if wasAdmin(before) && !wasAdmin(e.Record) {
			if err := keepAnAdmin(e.App, before); err != nil {
				return e.BadRequestError(err.Error(), nil)
			}
		}
		if err := e.Next(); err != nil {
			return err
		}
		return auditUserUpdate(e.App, audit.ActorFromRequest(e.RequestEvent), before, e.Record)
	})

	app.OnRecordDeleteRequest(Users).BindFunc(func(e *core.RecordRequestEvent) error {
		if wasAdmin(e.Record) {
			if err := keepAnAdmin(e.App, e.Record); err != nil {
				return e.BadRequestError(err.Error(), nil)
			}
		}
		if err := e.Next(); err != nil {
			return err
		}
		return audit.Write(e.App, audit.Entry{Tenant: e.Record.GetString("tenant"), Actor: audit.ActorFromRequest(e.RequestEvent),
			Action: "user.deleted", Target: e.Record.Email()})
	})
}

// wasAdmin reports whether u counts as an admin of its tenant.
func wasAdmin(u *core.Record) bool {
	return u.GetString("role") == "admin" && u.GetBool("active")
}

// keepAnAdmin refuses to demote, deactivate or delete the last active admin of a tenant.
func keepAnAdmin(app core.App, admin *core.Record) error {
	n, err := app.CountRecords(Users, dbx.HashExp{"tenant": admin.GetString("tenant"), "role": "admin", "active": true},
		dbx.Not(dbx.HashExp{"id": admin.Id}))
	if err != nil {
		return fmt.Errorf("count admins: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("%s is the last admin of this tenant; make someone else admin first.", admin.Email())
	}
	return nil
}

func auditUserUpdate(app core.App, actor audit.Actor, before, after *core.Record) error {
	tenant, target := after.GetString("tenant"), after.Email()
	write := func(action string, summary map[string]any) error {
		return audit.Write(app, audit.Entry{Tenant: tenant, Actor: actor, Action: action, Target: target, Summary: summary})
	}
	changes := audit.Changes(before, after, userFields...)
	if c, ok := changes["role"]; ok {
		if err := write("user.role_changed", map[string]any{"role": c}); err != nil {
			return err
		}
	}
	if _, ok := changes["active"]; ok {
		action := "user.reactivated"
		if !after.GetBool("active") {
			action = "user.deactivated"
		}
		if err := write(action, nil); err != nil {
			return err
		}
	}
	if c, ok := changes["name"]; ok {
		return write("user.renamed", map[string]any{"name": c})
	}
	return nil
}

// NewUser creates an active, verified user of a tenant with the given role.
func NewUser(app core.App, tenantID, email, name, role, password string) (*core.Record, error) {
	if !slices.Contains(migrations.Roles, role) {
		return nil, fmt.Errorf("role %q: expected one of admin, manager, member", role)
	}
	col, err := app.FindCollectionByNameOrId(Users)
	if err != nil {
		return nil, err
	}
	u := core.NewRecord(col)
	u.Set("tenant", tenantID)
	u.SetEmail(email)
	u.Set("name", name)
	u.Set("role", role)
	u.Set("active", true)
	u.SetVerified(true)
	u.SetEmailVisibility(true) // colleagues see it; the rules keep it inside the tenant
	u.SetPassword(password)
	if err := app.Save(u); err != nil {
		return nil, err
	}
	return u, nil
}

// RandomPassword returns a 24-character password from an unambiguous alphabet.
func RandomPassword() string {
	const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on Linux
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// dbxTenant selects the records of one tenant.
func dbxTenant(tenantID string) dbx.Expression { return dbx.HashExp{"tenant": tenantID} }
