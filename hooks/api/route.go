// Package api declares Counterpart's custom HTTP routes in one table per
// feature: each route names who may call it, the table registers it with the
// matching access middleware, and the isolation matrix test reads the same
// table, so a route cannot ship without being classified.
package api

import (
	"slices"
	"sync"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// Access says who may call a route.
type Access string

// Access levels, from the most open. Tenant levels also require an active
// user of an active tenant; superusers never pass them (they use the dashboard).
const (
	// Public routes need no credentials (health, presigned blob URLs that carry their own signature).
	Public Access = "public"
	// Member routes are for any signed-in user of the tenant.
	Member Access = "member"
	// Manager routes are for tenant admins and managers.
	Manager Access = "manager"
	// TenantAdmin routes are for tenant admins.
	TenantAdmin Access = "admin"
	// Superuser routes are for IT (PocketBase superusers).
	Superuser Access = "superuser"
	// N8N routes are called by n8n with a JWT that the handler verifies.
	N8N Access = "n8n"
)

// roleRank orders tenant roles; a route's level admits its role and every higher one.
var roleRank = map[string]int{"member": 1, "manager": 2, "admin": 3}

var accessRank = map[Access]int{Member: 1, Manager: 2, TenantAdmin: 3}

// Admits reports whether a tenant user with role may call a route of level a.
func (a Access) Admits(role string) bool {
	need, ok := accessRank[a]
	return ok && roleRank[role] >= need
}

// Route is one custom endpoint of a feature.
type Route struct {
	// Method is the HTTP method, e.g. "POST".
	Method string
	// Path is the router pattern, e.g. "/api/tenant/users/invite" or "/api/documents/{id}/complete".
	Path string
	// Access says who may call it; the matching middleware is bound by Bind.
	Access Access
	// Summary says what it does, in one line, for docs and test names.
	Summary string
	// Handler serves the request.
	Handler func(*core.RequestEvent) error
	// BodyLimit, when above zero, replaces PocketBase's default body limit
	// (32 MiB) for this route: for routes whose body is a file.
	BodyLimit int64
}

// Key identifies a route as "METHOD path".
func (r Route) Key() string { return r.Method + " " + r.Path }

const storeKey = "counterpart.api.routes"

var storeMu sync.Mutex

// Bind registers routes on the server's router with their access middleware
// and records them in the app so that Routes can list them. Call it from a
// feature's OnServe hook.
func Bind(se *core.ServeEvent, routes ...Route) {
	for _, r := range routes {
		route := se.Router.Route(r.Method, r.Path, r.Handler)
		if mw := middleware(r.Access); mw != nil {
			route.BindFunc(mw)
		}
		if r.BodyLimit > 0 {
			route.Bind(apis.BodyLimit(r.BodyLimit))
		}
	}
	storeMu.Lock()
	defer storeMu.Unlock()
	existing, _ := se.App.Store().Get(storeKey).([]Route)
	for _, r := range routes {
		if !slices.ContainsFunc(existing, func(o Route) bool { return o.Key() == r.Key() }) {
			existing = append(existing, r)
		}
	}
	se.App.Store().Set(storeKey, existing)
}

// Routes lists every custom route bound on the app so far.
func Routes(app core.App) []Route {
	storeMu.Lock()
	defer storeMu.Unlock()
	routes, _ := app.Store().Get(storeKey).([]Route)
	return slices.Clone(routes)
}
