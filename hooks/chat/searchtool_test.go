package chat_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"counterpart/hooks/apptest"
	"counterpart/hooks/audit"
	"counterpart/hooks/chat"
	"counterpart/hooks/tenancy"
	"counterpart/internal/n8n/n8ntest"
)

// callTool calls the search tool as n8n's HTTP Request tool does.
func callTool(t *testing.T, method, rawURL, token string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, rawURL, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}

func resultDocs(out map[string]any) []string {
	var ids []string
	rs, _ := out["results"].([]any)
	for _, r := range rs {
		ids = append(ids, r.(map[string]any)["document"].(string))
	}
	return ids
}

// TestSourcesAreWhatWasRetrieved: the agent calls the search tool during the
// answer; the passages it got are the answer's sources, with the sources n8n
// names checked against the tenant's documents.
func TestSourcesAreWhatWasRetrieved(t *testing.T) {
	t.Parallel()
	e := newEnv(t, opts{n8n: true})
	jones, _ := tenancy.FindTenant(e.app, "jones")
	prices := addDocument(t, e.app, e.tenant.Id, "Price list 2026", priceList)
	catalog := addDocument(t, e.app, e.tenant.Id, "Catalog", "Front axle", "Brake discs, front, ventilated")
	foreign := addDocument(t, e.app, jones.Id, "Jones prices", "Brake disc 8E0-615-301-AG 79.00 EUR")
	e.n8n.SetChatReply(n8ntest.Reply{HeaderDelay: 800 * time.Millisecond, Body: map[string]any{
		"output": "It is 8E0-615-301-AG at 89.90 EUR.",
		"sources": []map[string]any{
			{"document": foreign.Id, "page": 1, "snippet": "79.00 EUR"}, // another tenant's: dropped
			{"document": "doesnotexist123", "page": 4},                  // no such document: dropped
			{"document": catalog.Id, "page": "2", "snippet": "Brake discs, front"},
			{"document": prices.Id, "page": 1, "snippet": "duplicate of the retrieved passage"},
		},
		"usage": map[string]any{"model": "llama3.1:8b", "tokens_in": 812, "tokens_out": "41"},
	}})
	conv := e.conversation(t, "member@smith.example")
	s, res := e.open(t, e.token, sendPath(conv), "price of 8E0-615-301-AG")
	mustf(t, res == nil, "send: %v", res)
	start, _ := s.next()

	// act as the agent: search with the token of the request
	var tool map[string]any
	waitFor(t, "the chat request", func() bool {
		if reqs := e.chatRequests(); len(reqs) == 1 {
			tool, _ = reqs[0].Body["searchTool"].(map[string]any)
		}
		return tool != nil
	})
	token := tool["token"].(string)
	status, out := callTool(t, "POST", tool["url"].(string), token, map[string]any{"query": "8E0-615-301-AG", "id": "call_1"})
	docs := resultDocs(out)
	if status != 200 || len(docs) != 1 || docs[0] != prices.Id {
		t.Fatalf("tool search: %d %v", status, out)
	}
	r0 := out["results"].([]any)[0].(map[string]any)
	if r0["title"] != "Price list 2026" || r0["page"] != 1.0 || !strings.Contains(r0["snippet"].(string), "8E0-615-301-AG") || r0["id"] == "" {
		t.Errorf("result: %v", r0)
	}
	// the same token works again (the agent may search several times), by GET and with q
	if st, out := callTool(t, "GET", tool["url"].(string)+"?q="+url.QueryEscape("brake disc"), token, nil); st != 200 || len(resultDocs(out)) == 0 {
		t.Errorf("second search: %d %v", st, out)
	}

	sum := summarize(t, append([]event{start}, s.all()...))
	mustf(t, sum.last.Name == "done", "events %v", sum.names)
	var got []string
	for _, src := range sum.sources {
		got = append(got, src["document"].(string))
		if src["url"] != "/api/documents/"+src["document"].(string)+"/download" || src["title"] == "" {
			t.Errorf("source %v", src)
		}
	}
	joined := strings.Join(got, ",")
	if strings.Contains(joined, foreign.Id) || strings.Contains(joined, "doesnotexist") || !strings.Contains(joined, prices.Id) || !strings.Contains(joined, catalog.Id) {
		t.Errorf("sources %v", sum.sources)
	}
	if sum.sources[0]["document"] != prices.Id || sum.sources[0]["snippet"] == "duplicate of the retrieved passage" {
		t.Errorf("the retrieved passage does not come first, once: %v", sum.sources)
	}
	rec := e.message(t, start.object()["message"].(string))
	if rec.GetString("model") != "llama3.1:8b" || rec.GetInt("tokens_in") != 812 || rec.GetInt("tokens_out") != 41 || rec.GetInt("first_token_ms") <= 0 {
		t.Errorf("usage: %v", rec.FieldsData())
	}
	// the token dies with its answer's tenant: suspended tenants cannot search
	must(t, tenancy.SetStatus(e.app, e.tenant, tenancy.StatusSuspended, audit.CLI))
	if st, _ := callTool(t, "GET", tool["url"].(string)+"?q=brake", token, nil); st != 403 {
		t.Errorf("suspended tenant's token: %d", st)
	}
}

// TestSearchToolTokens: only a token Counterpart minted for the search tool
// searches, and only its own tenant.
func TestSearchToolTokens(t *testing.T) {
	t.Parallel()
	e := newEnv(t, opts{n8n: true})
	jones, _ := tenancy.FindTenant(e.app, "jones")
	own := addDocument(t, e.app, e.tenant.Id, "Smith parts", "Oil filter 04152-YZZA6 7.45 EUR")
	foreign := addDocument(t, e.app, jones.Id, "Jones parts", "Oil filter 04152-YZZA6 6.99 EUR")
	u := e.srv.URL + "/api/n8n/search?query=04152-YZZA6"

	aToken, err := chat.SearchToken(e.app, e.tenant.Id, e.user.Id, "m1")
	must(t, err)
	st, out := callTool(t, "GET", u, aToken, nil)
	if docs := resultDocs(out); st != 200 || len(docs) != 1 || docs[0] != own.Id {
		t.Fatalf("tenant A's token: %d %v", st, out)
	}
	bToken, _ := chat.SearchToken(e.app, jones.Id, "someone", "m2")
	if _, out := callTool(t, "GET", u, bToken, nil); len(resultDocs(out)) != 1 || resultDocs(out)[0] != foreign.Id {
		t.Errorf("tenant B's token: %v", out)
	}
	// a body naming another tenant changes nothing: the token decides
	if _, out := callTool(t, "POST", e.srv.URL+"/api/n8n/search", aToken, map[string]any{"query": "04152-YZZA6", "tenant": jones.Id}); strings.Contains(strings.Join(resultDocs(out), ","), foreign.Id) {
		t.Errorf("tenant in the body crossed tenants: %v", out)
	}

	forged := func(secret string, claims jwt.MapClaims) string {
		tok, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(secret))
		return tok
	}
	now := time.Now().Unix()
	good := jwt.MapClaims{"iss": "counterpart", "aud": "n8n", "tenant": e.tenant.Id, "scope": "search", "message": "m", "iat": now, "exp": now + 60}
	n8nSigned, _ := e.n8n.SignCallback(map[string]any{"iss": "counterpart", "tenant": e.tenant.Id, "scope": "search", "exp": now + 60})
	none := strings.Join([]string{b64(`{"alg":"none","typ":"JWT"}`), b64(`{"tenant":"` + e.tenant.Id + `","scope":"search","exp":` + jsonNum(now+60) + `}`), ""}, ".")
	for name, tok := range map[string]string{
		"none":                  "",
		"garbage":               "not-a-token",
		"a user's session":      strings.TrimPrefix(e.token, "Bearer "),
		"signed with n8n's key": n8nSigned,
		"signed with a guess":   forged("guessed-secret-guessed-secret-guessed-secret", good),
		"alg none":              none,
		"tampered":              aToken[:len(aToken)-4] + "AAAA",
	} {
		if st, out := callTool(t, "GET", u, tok, nil); st != 401 || out["results"] != nil {
			t.Errorf("%s: %d %v", name, st, out)
		}
	}
	// a user's own session does not open the n8n route, and the web route needs one
	if r := apptest.Do(t, e.srv, "GET", "/api/n8n/search?q=x", e.token, nil); r.Status != 401 {
		t.Errorf("session token on the n8n route: %d", r.Status)
	}
}

// TestTokenOfTenantAOnAnswerOfTenantB: a search token of tenant A naming an
// answer of tenant B searches A only and adds nothing to B's answer.
func TestTokenOfTenantAOnAnswerOfTenantB(t *testing.T) {
	t.Parallel()
	e := newEnv(t, opts{n8n: true, reply: n8ntest.Reply{HeaderDelay: 700 * time.Millisecond}})
	addDocument(t, e.app, e.tenant.Id, "Smith parts", "Oil filter 04152-YZZA6 7.45 EUR")
	bTok := apptest.Token(t, e.app, "member@jones.example")
	bConv := e.conversation(t, "member@jones.example")
	s, res := e.open(t, bTok, sendPath(bConv), "oil filter")
	mustf(t, res == nil, "send: %v", res)
	start, _ := s.next()
	bAnswer := start.object()["message"].(string)
	aToken, _ := chat.SearchToken(e.app, e.tenant.Id, e.user.Id, bAnswer)
	st, out := callTool(t, "GET", e.srv.URL+"/api/n8n/search?query=04152-YZZA6", aToken, nil)
	if st != 200 || len(resultDocs(out)) != 1 {
		t.Fatalf("A's token: %d %v", st, out)
	}
	sum := summarize(t, append([]event{start}, s.all()...))
	if len(sum.sources) != 0 {
		t.Errorf("tenant A's passages became sources of tenant B's answer: %v", sum.sources)
	}
}

func TestWebSearch(t *testing.T) {
	t.Parallel()
	e := newEnv(t, opts{})
	jones, _ := tenancy.FindTenant(e.app, "jones")
	own := addDocument(t, e.app, e.tenant.Id, "Smith parts", "Oil filter 04152-YZZA6 7.45 EUR")
	addDocument(t, e.app, jones.Id, "Jones parts", "Oil filter 04152-YZZA6 6.99 EUR")
	r := apptest.Do(t, e.srv, "GET", "/api/search?q=04152yzza6&limit=5", e.token, nil)
	if r.Status != 200 || len(resultDocs(r.JSON)) != 1 || resultDocs(r.JSON)[0] != own.Id {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	if res := r.JSON["results"].([]any)[0].(map[string]any); res["url"] != "/api/documents/"+own.Id+"/download" || res["title"] != "Smith parts" {
		t.Errorf("%v", res)
	}
	for _, q := range []string{"/api/search", "/api/search?q=", "/api/search?q=x&limit=abc", "/api/search?q=" + strings.Repeat("a", 1001)} {
		if r := apptest.Do(t, e.srv, "GET", q, e.token, nil); r.Status != 400 {
			t.Errorf("%s: %d", q, r.Status)
		}
	}
	if r := apptest.Do(t, e.srv, "GET", "/api/search?q=oil", "", nil); r.Status != 401 {
		t.Errorf("guest: %d", r.Status)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func jsonNum(n int64) string { b, _ := json.Marshal(n); return string(b) }
