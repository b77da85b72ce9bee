package tenancy

import (
	"errors"
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/subscriptions"

	"counterpart/hooks/audit"
)

// settingFields are the tenant fields a tenant admin may edit; changes are audited.
var settingFields = []string{"name", "system_prompt", "allowed_file_types", "max_upload_mb", "storage_quota_mb",
	"monthly_message_quota", "timezone", "report_schedule", "report_recipients", "export_message_text"}

// ErrNotSuspended is returned when deleting a tenant that is still active.
var ErrNotSuspended = errors.New("suspend the tenant before deleting it: deletion removes all of its users, documents and conversations")

func bindTenantSettings(app core.App) {
	app.OnRecordCreate(Tenants).BindFunc(func(e *core.RecordEvent) error {
		applyDefaults(e.Record)
		return e.Next()
	})
	app.OnRecordValidate(Tenants).BindFunc(func(e *core.RecordEvent) error {
		if err := validateSettings(e.Record); err != nil {
			return err
		}
		return e.Next()
	})
}

func bindTenantLifecycle(app core.App) {
	app.OnRecordDelete(Tenants).BindFunc(func(e *core.RecordEvent) error {
		if e.Record.GetString("status") != StatusSuspended {
			return ErrNotSuspended
		}
		return e.Next()
	})
	app.OnRecordAfterUpdateSuccess(Tenants).BindFunc(func(e *core.RecordEvent) error {
		if e.Record.GetString("status") == StatusSuspended && e.Record.Original().GetString("status") != StatusSuspended {
			dropRealtimeClients(e.App, func(auth *core.Record) bool { return auth.GetString("tenant") == e.Record.Id })
		}
		return e.Next()
	})

	// audit what IT does from the dashboard and what tenant admins change
	app.OnRecordCreateRequest(Tenants).BindFunc(func(e *core.RecordRequestEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		return auditTenant(e.App, audit.ActorFromRequest(e.RequestEvent), "tenant.created", e.Record, nil)
	})
	app.OnRecordUpdateRequest(Tenants).BindFunc(func(e *core.RecordRequestEvent) error {
		before := e.Record.Original()
		if err := e.Next(); err != nil {
			return err
		}
		return auditTenantUpdate(e.App, audit.ActorFromRequest(e.RequestEvent), before, e.Record)
	})
	app.OnRecordDeleteRequest(Tenants).BindFunc(func(e *core.RecordRequestEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		return auditTenant(e.App, audit.ActorFromRequest(e.RequestEvent), "tenant.deleted", e.Record, nil)
	})
}

func auditTenant(app core.App, actor audit.Actor, action string, t *core.Record, summary map[string]any) error {
	tenant := t.Id
	if action == "tenant.deleted" {
		tenant = "" // the tenant's own log goes with it; this entry stays for IT
	}
	return audit.Write(app, audit.Entry{Tenant: tenant, Actor: actor, Action: action,
		Target: t.GetString("slug") + " (" + t.Id + ")", Summary: summary})
}

func auditTenantUpdate(app core.App, actor audit.Actor, before, after *core.Record) error {
	if from, to := before.GetString("status"), after.GetString("status"); from != to {
		action := "tenant.activated"
		if to == StatusSuspended {
			action = "tenant.suspended"
		}
		if err := auditTenant(app, actor, action, after, nil); err != nil {
			return err
		}
	}
	if changes := audit.Changes(before, after, append(settingFields, "slug")...); len(changes) > 0 {
		return auditTenant(app, actor, "tenant.settings_changed", after, changes)
	}
	return nil
}

// TenantInput describes a new tenant and its first admin.
type TenantInput struct {
	Name       string
	Slug       string
	AdminEmail string
	AdminName  string
	// AdminPassword is set as given; empty means a random one is generated.
	AdminPassword string
}

// CreateTenant creates a tenant and its first tenant admin in one transaction
// and returns both, with the admin's password (generated when not given).
func CreateTenant(app core.App, in TenantInput, actor audit.Actor) (tenant, admin *core.Record, password string, err error) {
	password = in.AdminPassword
	if password == "" {
		password = RandomPassword()
	}
	err = app.RunInTransaction(func(tx core.App) error {
		col, err := tx.FindCollectionByNameOrId(Tenants)
		if err != nil {
			return err
		}
		tenant = core.NewRecord(col)
		tenant.Set("name", in.Name)
		tenant.Set("slug", in.Slug)
		if err := tx.Save(tenant); err != nil {
			return fmt.Errorf("tenant %q: %w", in.Slug, err)
		}
		if err := auditTenant(tx, actor, "tenant.created", tenant, nil); err != nil {
			return err
		}
		admin, err = NewUser(tx, tenant.Id, in.AdminEmail, in.AdminName, "admin", password)
		if err != nil {
			return fmt.Errorf("admin %q: %w", in.AdminEmail, err)
		}
		return audit.Write(tx, audit.Entry{Tenant: tenant.Id, Actor: actor, Action: "user.invited",
			Target: admin.Email(), Summary: map[string]any{"role": "admin"}})
	})
	return tenant, admin, password, err
}

// FindTenant finds a tenant by slug or id.
func FindTenant(app core.App, slugOrID string) (*core.Record, error) {
	t, err := app.FindFirstRecordByData(Tenants, "slug", slugOrID)
	if err == nil {
		return t, nil
	}
	t, err = app.FindRecordById(Tenants, slugOrID)
	if err != nil {
		return nil, fmt.Errorf("no tenant with slug or id %q", slugOrID)
	}
	return t, nil
}

// SetStatus suspends or reactivates a tenant and audits it.
func SetStatus(app core.App, t *core.Record, status string, actor audit.Actor) error {
	if t.GetString("status") == status {
		return nil
	}
	return app.RunInTransaction(func(tx core.App) error {
		t.Set("status", status)
		if err := tx.Save(t); err != nil {
			return fmt.Errorf("tenant %s: %w", t.GetString("slug"), err)
		}
		action := "tenant.activated"
		if status == StatusSuspended {
			action = "tenant.suspended"
		}
		return auditTenant(tx, actor, action, t, nil)
	})
}

// DeleteTenant deletes a suspended tenant with all of its records (through
// cascading relations) and, through the features' delete hooks, its files.
func DeleteTenant(app core.App, t *core.Record, actor audit.Actor) error {
	if t.GetString("status") != StatusSuspended {
		return ErrNotSuspended
	}
	return app.RunInTransaction(func(tx core.App) error {
		if err := tx.Delete(t); err != nil {
			return fmt.Errorf("delete tenant %s: %w", t.GetString("slug"), err)
		}
		return auditTenant(tx, actor, "tenant.deleted", t, nil)
	})
}

// dropRealtimeClients disconnects realtime clients signed in as a user that match.
func dropRealtimeClients(app core.App, match func(auth *core.Record) bool) {
	for _, c := range app.SubscriptionsBroker().Clients() {
		if auth, ok := c.Get("auth").(*core.Record); ok && auth.Collection().Name == Users && match(auth) {
			dropClient(app, c)
		}
	}
}

func dropClient(app core.App, c subscriptions.Client) {
	c.Unset("auth")
	c.Discard()
	app.SubscriptionsBroker().Unregister(c.Id())
}
