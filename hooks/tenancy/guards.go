package tenancy

import (
	"errors"

	"github.com/pocketbase/pocketbase/core"
)

// bindTenantGuards re-checks in Go, for every collection with a tenant, what
// the API rules already say, so that one loosened rule does not open a tenant
// to another: a user only ever sees, creates, changes or deletes records of
// their own tenant, and no record ever changes tenant.
func bindTenantGuards(app core.App) {
	app.OnRecordUpdate().BindFunc(func(e *core.RecordEvent) error {
		if HasTenant(e.Record.Collection()) && stored(e.App, e.Record).GetString("tenant") != e.Record.GetString("tenant") {
			return errTenantFixed
		}
		return e.Next()
	})

	app.OnRecordsListRequest().BindFunc(func(e *core.RecordsListRequestEvent) error {
		if !guarded(e.Collection, e.Auth) {
			return e.Next()
		}
		for _, r := range e.Records {
			if TenantOf(r) != authTenant(e.Auth) {
				e.App.Logger().Error("tenant guard: a list crossed tenants; refused",
					"collection", e.Collection.Name, "record", r.Id, "user", authID(e.Auth))
				return e.ForbiddenError("You can only see records of your own tenant.", nil)
			}
		}
		return e.Next()
	})

	app.OnRecordViewRequest().BindFunc(func(e *core.RecordRequestEvent) error {
		if guarded(e.Collection, e.Auth) && TenantOf(e.Record) != authTenant(e.Auth) {
			return e.NotFoundError("", nil)
		}
		return e.Next()
	})

	app.OnRecordCreateRequest().BindFunc(func(e *core.RecordRequestEvent) error {
		if guarded(e.Collection, e.Auth) && TenantOf(e.Record) != authTenant(e.Auth) {
			return e.ForbiddenError("You can only create records in your own tenant.", nil)
		}
		return e.Next()
	})

	app.OnRecordUpdateRequest().BindFunc(func(e *core.RecordRequestEvent) error {
		if guarded(e.Collection, e.Auth) {
			if TenantOf(e.Record.Original()) != authTenant(e.Auth) {
				return e.NotFoundError("", nil)
			}
			if TenantOf(e.Record) != authTenant(e.Auth) {
				return e.ForbiddenError("Records cannot be moved to another tenant.", nil)
			}
		}
		return e.Next()
	})

	app.OnRecordDeleteRequest().BindFunc(func(e *core.RecordRequestEvent) error {
		if guarded(e.Collection, e.Auth) && TenantOf(e.Record) != authTenant(e.Auth) {
			return e.NotFoundError("", nil)
		}
		return e.Next()
	})
}

// guarded reports whether a request on c by auth must stay inside auth's tenant:
// tenant-owned collections requested by anyone but a superuser.
func guarded(c *core.Collection, auth *core.Record) bool {
	if c.Name != Tenants && !HasTenant(c) {
		return false
	}
	return auth == nil || !auth.IsSuperuser()
}

var errTenantFixed = errors.New("a record's tenant cannot change after it is created")

// authTenant is the caller's tenant, "" for a guest or superuser.
func authTenant(auth *core.Record) string {
	if auth == nil || auth.Collection().Name != Users {
		return ""
	}
	return auth.GetString("tenant")
}

func authID(auth *core.Record) string {
	if auth == nil {
		return ""
	}
	return auth.Id
}

// stored returns the record as it is in the database. Original() is that,
// except for a record created through the same object, whose original is empty.
func stored(app core.App, r *core.Record) *core.Record {
	if orig := r.Original(); orig.Id != "" {
		return orig
	}
	if fresh, err := app.FindRecordById(r.Collection(), r.Id); err == nil {
		return fresh
	}
	return r.Original()
}
