// Package tenancy keeps every tenant's data invisible to every other tenant:
// it validates tenant settings, re-checks in Go what the collection rules
// already enforce, refuses suspended tenants and deactivated users, guards
// roles (nobody promotes themselves; the last admin stays), lets tenant
// admins invite people, and gives IT the tenant commands.
package tenancy

import (
	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/api"
)

// Tenant statuses.
const (
	StatusActive    = "active"
	StatusSuspended = "suspended"
)

// Collection names this package guards.
const (
	Tenants = "tenants"
	Users   = "users"
)

// Register binds the tenancy hooks, middleware and routes.
func Register(app core.App) {
	bindTenantSettings(app)
	bindTenantLifecycle(app)
	bindTenantGuards(app)
	bindSuspension(app)
	bindUserRules(app)
	bindPasswordPending(app)
	bindPasswordResetWithoutMail(app)

	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		api.Bind(se, Routes()...)
		return se.Next()
	})
}

// Routes lists the tenancy feature's custom routes.
func Routes() []api.Route {
	return []api.Route{
		{Method: "POST", Path: "/api/tenant/users/invite", Access: api.TenantAdmin,
			Summary: "invite a person to the caller's tenant", Handler: handleInvite},
		{Method: "POST", Path: "/api/tenant/users/{id}/set-password-link", Access: api.TenantAdmin,
			Summary: "a fresh one-time set-password link for a person of the caller's tenant", Handler: handleSetPasswordLink},
		{Method: "GET", Path: "/api/tenant/mail", Access: api.Member,
			Summary: "whether this server sends mail (invitations, password resets, reports)", Handler: handleMailStatus},
	}
}

// HasTenant reports whether records of c belong to a tenant through a "tenant" field.
func HasTenant(c *core.Collection) bool {
	return c.Fields.GetByName("tenant") != nil
}

// TenantOf returns the tenant a record belongs to ("" for none); a tenant is its own.
func TenantOf(r *core.Record) string {
	if r.Collection().Name == Tenants {
		return r.Id
	}
	return r.GetString("tenant")
}

// isTenantUser reports whether auth is a user of some tenant (not a superuser or guest).
func isTenantUser(auth *core.Record) bool {
	return auth != nil && auth.Collection().Name == Users && auth.GetString("tenant") != ""
}
