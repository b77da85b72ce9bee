package ingest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/apptest"
	"counterpart/internal/config"
	"counterpart/internal/n8n/n8ntest"
)

const bulletin = "Service bulletin 42\n\nReplace the oil filter 04152-YZZA6 every 15,000 km. The brake disc 8E0-615-301-AG supersedes 8E0-615-301-AF."

type env struct {
	app   core.App
	srv   *httptest.Server
	n8n   *n8ntest.Server
	token string
}

// newEnv serves an app whose ingest webhook is the n8n stand-in.
func newEnv(t *testing.T, opts n8ntest.Options) env {
	stand := n8ntest.New(t, opts)
	cfg := apptest.Config()
	cfg.N8N.IngestURL = stand.IngestURL()
	cfg.N8N.JWT = config.JWT{Algorithm: stand.Algorithm(), Secret: stand.Secret(), TTL: time.Minute}
	cfg.Jobs.Backoff = 10 * time.Millisecond
	cfg.Jobs.MaxAttempts = 2
	app := apptest.New(t, cfg)
	return env{app: app, srv: apptest.Serve(t, app), n8n: stand, token: apptest.Token(t, app, "member@smith.example")}
}

func (e env) upload(t *testing.T, name, typ, body string) string {
	t.Helper()
	return apptest.Upload(t, e.srv, e.token, name, typ, []byte(body))
}

func (e env) wait(t *testing.T, id string, statuses ...string) *core.Record {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		doc, err := e.app.FindRecordById("documents", id)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range statuses {
			if doc.GetString("status") == s {
				return doc
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("document still %s (error %q), want %v", doc.GetString("status"), doc.GetString("error"), statuses)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// callback posts to Counterpart's callback route as n8n's HTTP Request node would.
func callback(t *testing.T, url, token string, body any) (int, string) {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", url, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(out)
}

func TestIngestThroughN8N(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got []map[string]any
	var e env
	e = newEnv(t, n8ntest.Options{OnIngest: func(body map[string]any) {
		mu.Lock()
		got = append(got, body)
		mu.Unlock()
		// like the ingest workflow: download, extract, call back with its own token
		dl, _ := http.Get(body["downloadUrl"].(string))
		text, _ := io.ReadAll(dl.Body)
		dl.Body.Close()
		doc := body["document"].(map[string]any)
		token, err := e.n8n.SignCallback(map[string]any{"tenant": body["tenant"], "document": doc["id"], "exp": time.Now().Add(time.Minute).Unix()})
		if err != nil {
			t.Error(err)
			return
		}
		cb := body["callback"].(map[string]any)
		status, msg := callback(t, cb["url"].(string), token, map[string]any{"status": "ready", "pages": 1,
			"chunks": []map[string]any{{"text": string(text), "page": 1}}})
		if status != 204 {
			t.Errorf("callback: %d %s", status, msg)
		}
	}})
	id := e.upload(t, "bulletin-42.txt", "text/plain", bulletin)
	doc := e.wait(t, id, "ready", "failed")
	if doc.GetString("status") != "ready" || doc.GetInt("chunks") != 1 {
		t.Fatalf("document: %v", doc.FieldsData())
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || got[0]["action"] != "ingest" {
		t.Fatalf("n8n received %v", got)
	}
	reqs := e.n8n.Requests()
	if len(reqs) == 0 || reqs[0].Claims["tenant"] != doc.GetString("tenant") || reqs[0].Claims["exp"] == nil {
		t.Errorf("token claims: %v", reqs)
	}
	if len(e.n8n.TokensWithoutExp()) != 0 {
		t.Error("Counterpart sent a token without exp")
	}
}

func TestCallbackBadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t, n8ntest.Options{}) // n8n accepts and never calls back
	id := e.upload(t, "bulletin-42.txt", "text/plain", bulletin)
	e.wait(t, id, "processing")
	doc, _ := e.app.FindRecordById("documents", id)
	tenant := doc.GetString("tenant")
	jones, _ := e.app.FindFirstRecordByData("tenants", "slug", "jones")
	url := e.srv.URL + "/api/n8n/callback/documents/" + id
	good := map[string]any{"status": "ready", "chunks": []map[string]any{{"text": "Oil filter 04152-YZZA6", "page": 1}}}
	n := 0
	sign := func(claims map[string]any) string {
		if _, ok := claims["jti"]; !ok {
			n++
			claims["jti"] = fmt.Sprint("call-", n) // as the workflow does: each token is used once
		}
		tok, err := e.n8n.SignCallback(claims)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	exp := time.Now().Add(time.Minute).Unix()
	replayed := sign(map[string]any{"tenant": tenant, "document": id, "exp": exp, "jti": "once"})

	cases := []struct {
		name   string
		token  string
		body   any
		status int
	}{
		{"no token", "", good, 401},
		{"garbage token", "not-a-jwt", good, 401},
		{"alg none", "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJ0ZW5hbnQiOiJ4In0.", good, 401},
		{"wrong secret", wrongSecretToken(t, map[string]any{"tenant": tenant, "exp": exp}), good, 401},
		{"expired", sign(map[string]any{"tenant": tenant, "document": id, "exp": time.Now().Add(-time.Hour).Unix(), "iat": time.Now().Add(-2 * time.Hour).Unix()}), good, 401},
		{"no exp", sign(map[string]any{"tenant": tenant, "document": id}), good, 401},
		{"another tenant's token", sign(map[string]any{"tenant": jones.Id, "exp": exp}), good, 404},
		{"token for another document", sign(map[string]any{"tenant": tenant, "document": "aaaaaaaaaaaaaaa", "exp": exp}), good, 403},
		{"malformed body", sign(map[string]any{"tenant": tenant, "exp": exp}), "chunks!", 400},
		{"unknown status", sign(map[string]any{"tenant": tenant, "exp": exp}), map[string]any{"status": "done"}, 400},
		{"empty chunk", sign(map[string]any{"tenant": tenant, "exp": exp}), map[string]any{"chunks": []map[string]any{{"text": " "}}}, 400},
		{"negative page", sign(map[string]any{"tenant": tenant, "exp": exp}), map[string]any{"chunks": []map[string]any{{"text": "x", "page": -1}}}, 400},
	}
	for _, c := range cases {
		status, body := callback(t, url, c.token, c.body)
		wantClass := c.status
		if wantClass == 401 && (status == 401 || status == 403) {
			continue // refused as unauthenticated either way
		}
		if status != c.status {
			t.Errorf("%s: %d %s, want %d", c.name, status, body, c.status)
		}
	}
	if d, _ := e.app.FindRecordById("documents", id); d.GetString("status") != "processing" || d.GetInt("chunks") != 0 {
		t.Fatalf("bad callbacks changed the document: %v", d.FieldsData())
	}
	if status, body := callback(t, url, replayed, good); status != 204 {
		t.Fatalf("good callback: %d %s", status, body)
	}
	if status, _ := callback(t, url, replayed, good); status != 401 && status != 403 && status != 409 {
		t.Errorf("replayed token: %d", status)
	}
	if d, _ := e.app.FindRecordById("documents", id); d.GetString("status") != "ready" || d.GetInt("chunks") != 1 {
		t.Errorf("after the good callback: %v", d.FieldsData())
	}
}

func TestN8NUnavailable(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		reply n8ntest.Reply
		want  string
	}{
		{"server error", n8ntest.Reply{Mode: n8ntest.ModeStatus, Status: 500}, "HTTP 500"},
		{"workflow not active", n8ntest.Reply{Mode: n8ntest.ModeStatus, Status: 404}, "no active ingest workflow"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, n8ntest.Options{Ingest: c.reply})
			id := e.upload(t, "a.txt", "text/plain", bulletin)
			doc := e.wait(t, id, "failed")
			if !strings.Contains(doc.GetString("error"), c.want) {
				t.Errorf("error %q, want it to mention %q", doc.GetString("error"), c.want)
			}
		})
	}
	t.Run("unreachable", func(t *testing.T) {
		t.Parallel()
		l, _ := net.Listen("tcp", "127.0.0.1:0")
		addr := l.Addr().String()
		l.Close()
		stand := n8ntest.New(t, n8ntest.Options{})
		cfg := apptest.Config()
		cfg.N8N.IngestURL = "http://" + addr + "/webhook/counterpart-ingest"
		cfg.N8N.JWT = config.JWT{Algorithm: "HS256", Secret: stand.Secret(), TTL: time.Minute}
		cfg.Jobs.Backoff = 10 * time.Millisecond
		cfg.Jobs.MaxAttempts = 2
		app := apptest.New(t, cfg)
		e := env{app: app, srv: apptest.Serve(t, app), n8n: stand, token: apptest.Token(t, app, "member@smith.example")}
		id := e.upload(t, "a.txt", "text/plain", bulletin)
		doc := e.wait(t, id, "failed")
		if !strings.Contains(doc.GetString("error"), "not reachable") {
			t.Errorf("error %q", doc.GetString("error"))
		}
	})
}

// wrongSecretToken signs claims with a secret Counterpart does not know.
func wrongSecretToken(t *testing.T, claims map[string]any) string {
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims(claims)).SignedString([]byte("another-secret-another-secret-another"))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}
