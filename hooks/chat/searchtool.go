package chat

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/tenancy"
	"counterpart/internal/n8n"
	"counterpart/internal/search"
)

// searchKeys sign and verify the search tool's tokens with a key of their
// own, generated at start and never stored or shared: n8n only passes the
// token on, so it needs no key. Therefore a search token cannot be presented
// as an ingest callback token (those are verified with n8n.jwt), a token sent
// to n8n or signed by n8n cannot search, and a leaked n8n secret cannot mint
// search tokens. Tokens die with the process, as do the answers they serve.
type searchKeys struct {
	signer   *n8n.Signer
	verifier *n8n.Verifier
	ttl      time.Duration
}

func newSearchKeys(timeout time.Duration) (*searchKeys, error) {
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return nil, err
	}
	keys, err := n8n.LoadKeys(n8n.KeyConfig{Algorithm: "HS256", Secret: hex.EncodeToString(secret)})
	if err != nil {
		return nil, err
	}
	signer, err := n8n.NewSigner(keys)
	if err != nil {
		return nil, err
	}
	verifier, err := n8n.NewVerifier(keys, n8n.NewReplayCache(16))
	if err != nil {
		return nil, err
	}
	// the agent may search until the answer times out
	return &searchKeys{signer: signer, verifier: verifier, ttl: min(timeout+time.Minute, n8n.MaxLifetime)}, nil
}

// mint signs a search token for one answer.
func (k *searchKeys) mint(tenant, user, message string) (string, error) {
	return k.signer.SignTTL(n8n.Claims{Subject: user, Tenant: tenant,
		Extra: map[string]any{"scope": "search", "message": message}}, k.ttl)
}

// Search result limits.
const (
	defaultToolResults = 8
	maxToolResults     = 20
	maxQueryBytes      = 1000
)

// ToolResult is one passage the search routes return.
type ToolResult struct {
	ID       string `json:"id"`
	Document string `json:"document"`
	Title    string `json:"title"`
	Page     int    `json:"page"`
	Row      int    `json:"row"`
	Sheet    string `json:"sheet"`
	Snippet  string `json:"snippet"`
	// URL is the download route; only /api/search returns it.
	URL string `json:"url,omitempty"`
}

// searchQuery reads the query and limit from the query string or a JSON or
// form body, as "query" or "q" (an n8n tool sends what the model chose).
func searchQuery(e *core.RequestEvent) (string, int, error) {
	qs := e.Request.URL.Query()
	query := firstNonEmpty(qs.Get("query"), qs.Get("q"))
	limit := qs.Get("limit")
	if e.Request.Method == http.MethodPost {
		body, err := readParams(e.Request)
		if err != nil {
			return "", 0, e.BadRequestError(`The body must be JSON such as {"query": "oil filter 04152-YZZA6"}.`, nil)
		}
		query = firstNonEmpty(body["query"], body["q"], query)
		limit = firstNonEmpty(body["limit"], limit)
	}
	query = strings.TrimSpace(query)
	if query == "" {
		return "", 0, e.BadRequestError(`Send the search words as "query", e.g. ?query=oil+filter+04152-YZZA6.`, nil)
	}
	if len(query) > maxQueryBytes {
		return "", 0, e.BadRequestError("The query is too long: at most 1000 bytes.", nil)
	}
	n := defaultToolResults
	if limit != "" {
		v, err := strconv.Atoi(limit)
		if err != nil || v < 1 {
			return "", 0, e.BadRequestError("limit must be a positive number.", nil)
		}
		n = min(v, maxToolResults)
	}
	return query, n, nil
}

// readParams reads a POST body's string and number fields: JSON, or a form.
func readParams(r *http.Request) (map[string]string, error) {
	out := map[string]string{}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "application/x-www-form-urlencoded" || mt == "multipart/form-data" {
		r.Body = http.MaxBytesReader(nil, r.Body, 64<<10)
		if err := r.ParseForm(); err != nil {
			return nil, err
		}
		for k := range r.PostForm {
			out[k] = r.PostForm.Get(k)
		}
		return out, nil
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return out, nil
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	for k, v := range m {
		switch x := v.(type) {
		case string:
			out[k] = x
		case float64:
			out[k] = strconv.FormatFloat(x, 'f', -1, 64)
		}
	}
	return out, nil
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

// results runs the search in tenant and adds titles; passages of documents
// that are gone are dropped.
func (f *feature) results(e *core.RequestEvent, tenant, query string, limit int, withURL bool) ([]search.Passage, []ToolResult, error) {
	passages, err := search.Search(e.Request.Context(), e.App.DB(), tenant, query, limit)
	if err != nil {
		e.App.Logger().Error("chat: search", "tenant", tenant, "error", err)
		return nil, nil, e.InternalServerError("The search failed; try again.", nil)
	}
	docs := f.documents(tenant, documentIDs(passages))
	kept := passages[:0:0]
	out := []ToolResult{}
	for _, p := range passages {
		d, ok := docs[p.Document]
		if !ok {
			continue
		}
		r := ToolResult{ID: p.ChunkID, Document: p.Document, Title: d.title, Page: p.Page, Row: p.Row, Sheet: p.Sheet, Snippet: p.Snippet}
		if withURL {
			r.URL = DownloadRoute(p.Document)
		}
		kept = append(kept, p)
		out = append(out, r)
	}
	return kept, out, nil
}

// handleSearch is the web app's search over the caller's tenant.
func (f *feature) handleSearch(e *core.RequestEvent) error {
	query, limit, err := searchQuery(e)
	if err != nil {
		return err
	}
	_, out, err := f.results(e, e.Auth.GetString("tenant"), query, limit, true)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, map[string]any{"results": out})
}

// handleToolSearch is the search tool of n8n agents. The token names the
// tenant, so the search never leaves it; the passages it returns are
// recorded as the sources of the answer the token was minted for.
func (f *feature) handleToolSearch(e *core.RequestEvent) error {
	claims, err := f.tool.verifier.VerifyRequest(e.Request, n8n.Expectation{Issuer: n8n.Issuer,
		Claims: map[string]string{"scope": "search"}, Reusable: true})
	if err != nil {
		status, msg := n8n.ErrorStatus(err)
		e.App.Logger().Warn("chat: search tool token refused", "error", err, "ip", e.RealIP())
		return e.Error(status, "Search tool: "+msg+". Pass the searchTool.token of the chat request as Authorization: Bearer <token>.", nil)
	}
	tenant, err := e.App.FindRecordById(tenancy.Tenants, claims.Tenant)
	if err != nil || tenant.GetString("status") != tenancy.StatusActive {
		return e.ForbiddenError("Search tool: the token's tenant is suspended or gone.", nil)
	}
	query, limit, err := searchQuery(e)
	if err != nil {
		return err
	}
	passages, out, err := f.results(e, claims.Tenant, query, limit, false)
	if err != nil {
		return err
	}
	if g := f.reg.get(claims.String("message")); g != nil && g.tenant == claims.Tenant {
		g.record(passages)
	}
	return e.JSON(http.StatusOK, map[string]any{"results": out})
}
