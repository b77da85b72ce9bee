package ingest

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/documents"
	"counterpart/internal/n8n"
)

// Limits on what one callback may carry.
const (
	maxCallbackChunks = 50_000
	maxChunkText      = 100_000
)

// CallbackRequest is what n8n posts to /api/n8n/callback/documents/{id} (docs/n8n.md).
type CallbackRequest struct {
	// Status is "ready" or "failed" when n8n is done; empty while more chunks follow.
	Status string `json:"status"`
	// Error is the reason for a failed status, shown to users.
	Error string `json:"error"`
	// Chunks are passages with their page (documents) or row (tables).
	Chunks []Chunk `json:"chunks"`
	// Append adds Chunks to those of earlier callbacks instead of replacing them.
	Append bool `json:"append"`
	Pages  int  `json:"pages"`
	Rows   int  `json:"rows"`
}

func (f *feature) handleCallback(e *core.RequestEvent) error {
	if f.N8N == nil {
		return e.NotFoundError("n8n ingest is not configured on this server.", nil)
	}
	claims, err := f.N8N.Verifier.VerifyRequest(e.Request, n8n.Expectation{})
	if err != nil {
		status, msg := n8n.ErrorStatus(err)
		e.App.Logger().Warn("n8n callback refused", "document", e.Request.PathValue("id"), "error", err)
		return e.Error(status, msg, nil)
	}
	doc, err := e.App.FindRecordById(documents.Collection, e.Request.PathValue("id"))
	if err != nil || doc.GetString("tenant") != claims.Tenant {
		// the same answer whether the document is missing or another tenant's
		return e.NotFoundError("No such document for this token's tenant.", nil)
	}
	if d := claims.String("document"); d != "" && d != doc.Id {
		return e.ForbiddenError("The token was issued for another document.", nil)
	}
	var in CallbackRequest
	if err := e.BindBody(&in); err != nil {
		return e.BadRequestError("The body must be JSON: {status, error, chunks: [{text, page, row, sheet}], append}.", nil)
	}
	if msg := validateCallback(in); msg != "" {
		return e.BadRequestError(msg, nil)
	}
	if s := doc.GetString("status"); s != documents.StatusProcessing && s != documents.StatusUploaded {
		return e.Error(http.StatusConflict, fmt.Sprintf("The document is %s, not waiting for processing results.", s), nil)
	}

	if in.Status == documents.StatusFailed {
		why := strings.TrimSpace(in.Error)
		if why == "" {
			why = "n8n could not process this document."
		}
		if err := markFailed(e.App, doc, "n8n: "+why); err != nil {
			return e.InternalServerError("", err)
		}
		return e.NoContent(http.StatusNoContent)
	}

	w := newChunkWriter(e.App, doc)
	if in.Append {
		w.written = doc.GetInt("chunks")
	} else if err := w.reset(); err != nil {
		return e.InternalServerError("", err)
	}
	for _, c := range in.Chunks {
		if err := w.add(c); err != nil {
			return e.InternalServerError("", err)
		}
	}
	if err := w.flush(); err != nil {
		return e.InternalServerError("", err)
	}
	if in.Status == documents.StatusReady {
		if w.written == 0 {
			if err := markFailed(e.App, doc, "n8n found no text in this document."); err != nil {
				return e.InternalServerError("", err)
			}
			return e.NoContent(http.StatusNoContent)
		}
		if err := w.finish(in.Pages, in.Rows); err != nil {
			return e.InternalServerError("", err)
		}
	} else {
		if err := documents.SetState(e.App, doc, map[string]any{"chunks": w.written}); err != nil {
			return e.InternalServerError("", err)
		}
	}
	return e.NoContent(http.StatusNoContent)
}

// validateCallback checks the payload before anything is written.
func validateCallback(in CallbackRequest) string {
	switch in.Status {
	case "", documents.StatusReady, documents.StatusFailed:
	default:
		return fmt.Sprintf("status %q: expected \"ready\", \"failed\" or none (more chunks follow).", in.Status)
	}
	if len(in.Chunks) > maxCallbackChunks {
		return fmt.Sprintf("%d chunks in one callback; send at most %d per call with \"append\": true.", len(in.Chunks), maxCallbackChunks)
	}
	for i, c := range in.Chunks {
		switch {
		case strings.TrimSpace(c.Text) == "":
			return fmt.Sprintf("chunks[%d].text is empty.", i)
		case len(c.Text) > maxChunkText:
			return fmt.Sprintf("chunks[%d].text has %d bytes; at most %d.", i, len(c.Text), maxChunkText)
		case c.Page < 0 || c.Row < 0:
			return fmt.Sprintf("chunks[%d]: page and row must not be negative.", i)
		}
	}
	if in.Pages < 0 || in.Rows < 0 {
		return "pages and rows must not be negative."
	}
	return ""
}
