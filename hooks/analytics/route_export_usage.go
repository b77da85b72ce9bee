package analytics

import (
	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/api"
)

// handleExportUsage streams usage.csv of the caller's tenant.
func handleExportUsage(e *core.RequestEvent) error {
	user, err := api.TenantUser(e, api.Manager)
	if err != nil {
		return err
	}
	tenantID, err := ownTenant(e, user)
	if err != nil {
		return err
	}
	return exportUsage(e, tenantID, user.Id)
}

// exportUsage checks the format and the range, then streams a tenant's usage.csv and records the export.
func exportUsage(e *core.RequestEvent, tenantID, userID string) error {
	tenant, err := e.App.FindRecordById("tenants", tenantID)
	if err != nil {
		return e.NotFoundError("This tenant does not exist.", nil)
	}
	q := e.Request.URL.Query()
	format, err := csvFormatOf(q)
	if err != nil {
		return e.BadRequestError(err.Error(), nil)
	}
	r, err := tenantRange(e.App, tenantID, q.Get("from"), q.Get("to"))
	if err != nil {
		return answerError(e, err)
	}
	attachment(e, "usage", tenant.GetString("slug"), r, format)
	rows, err := writeUsage(e.App, e.Response, tenantID, r, format)
	if err != nil {
		// the status is sent: the client sees a cut-off file, the log says why
		e.App.Logger().Error("analytics: usage export cut off", "tenant", tenantID, "rows", rows, "error", err)
		return nil
	}
	recordExport(e.App, tenantID, userID, "usage.csv", rows)
	return nil
}
