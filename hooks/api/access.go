package api

import (
	"github.com/pocketbase/pocketbase/core"
)

// middleware returns the check for an access level, nil when the handler checks for itself.
func middleware(a Access) func(*core.RequestEvent) error {
	switch a {
	case Public, N8N:
		return nil
	case Superuser:
		return func(e *core.RequestEvent) error {
			if e.Auth == nil {
				return e.UnauthorizedError("Sign in as an administrator of this server.", nil)
			}
			if !e.HasSuperuserAuth() {
				return e.ForbiddenError("Only administrators of this server (IT) can do this.", nil)
			}
			return e.Next()
		}
	default:
		return func(e *core.RequestEvent) error {
			if _, err := TenantUser(e, a); err != nil {
				return err
			}
			return e.Next()
		}
	}
}

// TenantUser returns the signed-in tenant user when their role admits level a,
// else the error to answer with: 401 for a guest, 403 for a superuser or a role
// too low. Suspension and deactivation are refused earlier, for every route.
func TenantUser(e *core.RequestEvent, a Access) (*core.Record, error) {
	if e.Auth == nil {
		return nil, e.UnauthorizedError("Sign in to continue.", nil)
	}
	if e.Auth.Collection().Name != "users" || e.Auth.GetString("tenant") == "" {
		return nil, e.ForbiddenError("This action is for the staff of a tenant; server administrators use the admin dashboard.", nil)
	}
	if !a.Admits(e.Auth.GetString("role")) {
		switch a {
		case TenantAdmin:
			return nil, e.ForbiddenError("Only a tenant admin can do this.", nil)
		case Manager:
			return nil, e.ForbiddenError("Only a tenant admin or manager can do this.", nil)
		}
		return nil, e.ForbiddenError("You are not allowed to do this.", nil)
	}
	return e.Auth, nil
}
