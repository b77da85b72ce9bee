package parts

import (
	"cmp"
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"
)

// MaxQueryBytes is the longest lookup query accepted.
const MaxQueryBytes = 1000

// LookupQuery checks a lookup's query text and returns it trimmed, or the
// sentence to answer a bad one with.
func LookupQuery(q string) (string, string) {
	q = strings.TrimSpace(q)
	switch {
	case q == "":
		return "", `Send the part number or the question as "q", e.g. ?q=1K0 698 151 A.`
	case len(q) > MaxQueryBytes:
		return "", "The query is too long: at most 1000 bytes."
	}
	return q, ""
}

// handleLookup looks up the part numbers of ?q= in the caller's tenant.
func handleLookup(e *core.RequestEvent) error {
	qs := e.Request.URL.Query()
	q, bad := LookupQuery(cmp.Or(strings.TrimSpace(qs.Get("q")), qs.Get("query")))
	if bad != "" {
		return e.BadRequestError(bad, nil)
	}
	res, err := Lookup(e.Request.Context(), e.App.DB(), e.Auth.GetString("tenant"), q)
	if err != nil {
		e.App.Logger().Error("parts: lookup", "tenant", e.Auth.GetString("tenant"), "error", err)
		return e.InternalServerError("The lookup failed; try again.", nil)
	}
	return e.JSON(http.StatusOK, res)
}
