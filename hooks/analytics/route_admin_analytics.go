package analytics

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/tenancy"
)

// handleAdminSummary answers GET /api/admin/analytics for IT: one tenant's
// summary with tenant=<id or slug>, else every tenant's totals and a line per tenant.
func handleAdminSummary(e *core.RequestEvent) error {
	q := e.Request.URL.Query()
	if name := q.Get("tenant"); name != "" {
		t, err := tenancy.FindTenant(e.App, name)
		if err != nil {
			return e.NotFoundError("No tenant has the id or slug "+name+".", nil)
		}
		s, err := Summarize(e.App, t.Id, q.Get("from"), q.Get("to"))
		if err != nil {
			return answerError(e, err)
		}
		return e.JSON(http.StatusOK, s)
	}
	s, err := SummarizeAll(e.App, q.Get("from"), q.Get("to"))
	if err != nil {
		return answerError(e, err)
	}
	return e.JSON(http.StatusOK, s)
}
