package analytics

import (
	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/tenancy"
)

// handleAdminExportUsage streams one tenant's usage.csv for IT.
func handleAdminExportUsage(e *core.RequestEvent) error {
	name := e.Request.URL.Query().Get("tenant")
	if name == "" {
		return e.BadRequestError("Name the tenant to export: tenant=<id or slug>.", nil)
	}
	t, err := tenancy.FindTenant(e.App, name)
	if err != nil {
		return e.NotFoundError("No tenant has the id or slug "+name+".", nil)
	}
	// the event has no user: IT is not one of the tenant's people
	return exportUsage(e, t.Id, "")
}
