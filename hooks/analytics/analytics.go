// Package analytics answers the usage questions of dealer principals and IT
// from the daily rollup that hooks/usage keeps: a summary for one tenant
// (tenant admins and managers, their own tenant only) or for every tenant
// (superusers), and CSV exports of the daily usage and of conversation
// metadata, streamed row by row from SQL. No query here reads raw usage events.
package analytics

import (
	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/api"
)

// Register binds the analytics routes.
func Register(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		api.Bind(se, Routes()...)
		return se.Next()
	})
}

// Routes lists the analytics routes, one handler per file.
func Routes() []api.Route {
	return []api.Route{
		{Method: "GET", Path: "/api/analytics", Access: api.Manager,
			Summary: "usage summary of the caller's tenant for a date range (from, to: YYYY-MM-DD in the tenant's time zone)", Handler: handleTenantSummary},
		{Method: "GET", Path: "/api/admin/analytics", Access: api.Superuser,
			Summary: "usage summary of one tenant (tenant=<id or slug>) or of every tenant with a per-tenant list", Handler: handleAdminSummary},
		{Method: "GET", Path: "/api/analytics/export/usage.csv", Access: api.Manager,
			Summary: "the caller's tenant's daily usage per day, user and model as CSV", Handler: handleExportUsage},
		{Method: "GET", Path: "/api/analytics/export/conversations.csv", Access: api.Manager,
			Summary: "the caller's tenant's conversation metadata as CSV (message text only when the tenant allows it)", Handler: handleExportConversations},
		{Method: "GET", Path: "/api/admin/analytics/export/usage.csv", Access: api.Superuser,
			Summary: "one tenant's daily usage as CSV, for IT (tenant=<id or slug>)", Handler: handleAdminExportUsage},
	}
}
