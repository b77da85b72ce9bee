package chat

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/parts"
	"counterpart/hooks/tenancy"
	"counterpart/internal/n8n"
)

// handleToolParts is the lookup_part tool of n8n agents: the answer's search
// token names the tenant, so the lookup never leaves it, and the part cards
// it returns are stored with the answer the token was minted for.
func (f *feature) handleToolParts(e *core.RequestEvent) error {
	claims, err := f.tool.verifier.VerifyRequest(e.Request, n8n.Expectation{Issuer: n8n.Issuer,
		Claims: map[string]string{"scope": "search"}, Reusable: true})
	if err != nil {
		status, msg := n8n.ErrorStatus(err)
		e.App.Logger().Warn("chat: parts tool token refused", "error", err, "ip", e.RealIP())
		return e.Error(status, "Parts tool: "+msg+". Pass the partsTool.token of the chat request as Authorization: Bearer <token>.", nil)
	}
	tenant, err := e.App.FindRecordById(tenancy.Tenants, claims.Tenant)
	if err != nil || tenant.GetString("status") != tenancy.StatusActive {
		return e.ForbiddenError("Parts tool: the token's tenant is suspended or gone.", nil)
	}
	q := firstNonEmpty(e.Request.URL.Query().Get("q"), e.Request.URL.Query().Get("query"))
	if e.Request.Method == http.MethodPost {
		body, err := readParams(e.Request)
		if err != nil {
			return e.BadRequestError(`The body must be JSON such as {"q": "1K0 698 151 A"}.`, nil)
		}
		q = firstNonEmpty(body["q"], body["query"], q)
	}
	q, bad := parts.LookupQuery(q)
	if bad != "" {
		return e.BadRequestError(bad, nil)
	}
	res, err := parts.Lookup(e.Request.Context(), e.App.DB(), claims.Tenant, q)
	if err != nil {
		e.App.Logger().Error("chat: parts tool lookup", "tenant", claims.Tenant, "error", err)
		return e.InternalServerError("The lookup failed; try again.", nil)
	}
	if g := f.reg.get(claims.String("message")); g != nil && g.tenant == claims.Tenant {
		g.recordParts(res.Matches)
	}
	return e.JSON(http.StatusOK, res)
}
