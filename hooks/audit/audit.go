// Package audit keeps the append-only log of admin actions (users invited,
// roles changed, settings edited, tenants created, suspended or deleted) that
// tenant admins read for their own tenant.
package audit

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
)

// Collection is the name of the audit log collection.
const Collection = "audit_log"

// Actor is who did something: a user, a superuser, or the command line.
type Actor struct {
	// ID is the record id of the user or superuser, or "cli".
	ID string
	// Name is the email or name shown in the log.
	Name string
	// IP is the client address, empty on the command line.
	IP string
}

// CLI is the actor for changes made with the counterpart command.
var CLI = Actor{ID: "cli", Name: "command line"}

// ActorFromRequest returns who made the request: the signed-in user or superuser and the client IP.
func ActorFromRequest(e *core.RequestEvent) Actor {
	a := Actor{IP: e.RealIP()}
	if e.Auth != nil {
		a.ID = e.Auth.Id
		a.Name = e.Auth.Email()
		if e.Auth.IsSuperuser() {
			a.Name = "IT: " + a.Name
		}
	}
	return a
}

// Entry is one audited action.
type Entry struct {
	// Tenant is the tenant the action concerns; empty for appliance-level entries.
	Tenant string
	Actor  Actor
	// Action names what happened, e.g. "user.role_changed".
	Action string
	// Target names what it happened to, e.g. a user's email or a tenant's slug.
	Target string
	// Summary holds the before/after values that changed.
	Summary map[string]any
}

// Write appends an entry to the log. It bypasses API rules on purpose: only
// Go code writes the log.
func Write(app core.App, entry Entry) error {
	col, err := app.FindCachedCollectionByNameOrId(Collection)
	if err != nil {
		return fmt.Errorf("audit %s: %w", entry.Action, err)
	}
	r := core.NewRecord(col)
	r.Set("tenant", entry.Tenant)
	r.Set("actor", entry.Actor.ID)
	r.Set("actor_name", entry.Actor.Name)
	r.Set("action", entry.Action)
	r.Set("target", entry.Target)
	r.Set("ip", entry.Actor.IP)
	if entry.Summary != nil {
		r.Set("summary", entry.Summary)
	}
	if err := app.Save(r); err != nil {
		return fmt.Errorf("audit %s: %w", entry.Action, err)
	}
	return nil
}

// Changes lists the fields whose value differs between two versions of a
// record, as {"field": {"from": old, "to": new}}. Hidden fields (passwords,
// token keys) are never included.
func Changes(before, after *core.Record, fields ...string) map[string]any {
	out := map[string]any{}
	for _, name := range fields {
		f := after.Collection().Fields.GetByName(name)
		if f == nil || f.GetHidden() {
			continue
		}
		from, to := before.Get(name), after.Get(name)
		if fmt.Sprint(from) != fmt.Sprint(to) {
			out[name] = map[string]any{"from": from, "to": to}
		}
	}
	return out
}
