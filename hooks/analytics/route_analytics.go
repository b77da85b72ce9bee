package analytics

import (
	"errors"
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/api"
)

// handleTenantSummary answers GET /api/analytics for a tenant admin or
// manager: their own tenant's summary. Naming another tenant is refused
// rather than silently ignored, so that nobody mistakes their own numbers for
// another tenant's.
func handleTenantSummary(e *core.RequestEvent) error {
	user, err := api.TenantUser(e, api.Manager)
	if err != nil {
		return err
	}
	tenantID, err := ownTenant(e, user)
	if err != nil {
		return err
	}
	q := e.Request.URL.Query()
	s, err := Summarize(e.App, tenantID, q.Get("from"), q.Get("to"))
	if err != nil {
		return answerError(e, err)
	}
	return e.JSON(http.StatusOK, s)
}

// ownTenant returns the caller's tenant, refusing a tenant parameter that names another one.
func ownTenant(e *core.RequestEvent, user *core.Record) (string, error) {
	own := user.GetString("tenant")
	asked := e.Request.URL.Query().Get("tenant")
	if asked == "" || asked == own {
		return own, nil
	}
	if t, err := e.App.FindRecordById("tenants", own); err == nil && t.GetString("slug") == asked {
		return own, nil
	}
	return "", e.BadRequestError("You can see your own tenant's analytics only; leave out the tenant parameter.", nil)
}

// answerError maps a summary or export error to the answer a person can act on.
func answerError(e *core.RequestEvent, err error) error {
	var re *RangeError
	if errors.As(err, &re) {
		return e.BadRequestError(re.Msg, nil)
	}
	e.App.Logger().Error("analytics: query failed", "error", err)
	return e.InternalServerError("The analytics could not be computed; try again, and tell IT if it keeps failing.", nil)
}
