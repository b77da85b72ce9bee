package chat_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"counterpart/hooks/apptest"
	"counterpart/hooks/tenancy"
	"counterpart/internal/config"
	"counterpart/internal/n8n/n8ntest"
	"counterpart/internal/search"
)

// env is a served app, optionally wired to an n8n stand-in, with tenant A's member signed in.
type env struct {
	app    *tests.TestApp
	srv    *httptest.Server
	n8n    *n8ntest.Server // nil in retrieval-only mode
	tenant *core.Record    // Smith Motors
	token  string          // member@smith.example
	user   *core.Record
}

// opts configure newEnv.
type opts struct {
	n8n   bool
	reply n8ntest.Reply
	cfg   func(c *config.Config)
}

func newEnv(t *testing.T, o opts) *env {
	t.Helper()
	cfg := apptest.Config()
	cfg.N8N.Timeout = 10 * time.Second
	cfg.Chat.FirstByteTimeout = 5 * time.Second
	var stand *n8ntest.Server
	if o.n8n {
		stand = n8ntest.New(t, n8ntest.Options{Chat: o.reply})
		cfg.N8N.ChatURL = stand.ChatURL()
		cfg.N8N.JWT = config.JWT{Algorithm: stand.Algorithm(), Secret: stand.Secret(), TTL: time.Minute}
	}
	if o.cfg != nil {
		o.cfg(cfg)
	}
	app := apptest.New(t, cfg)
	e := &env{app: app, srv: apptest.Serve(t, app), n8n: stand}
	var err error
	if e.tenant, err = tenancy.FindTenant(app, "smith"); err != nil {
		t.Fatal(err)
	}
	if e.user, err = app.FindAuthRecordByEmail("users", "member@smith.example"); err != nil {
		t.Fatal(err)
	}
	e.token = apptest.Token(t, app, "member@smith.example")
	return e
}

// conversation creates a conversation of the user with email through the records API.
func (e *env) conversation(t *testing.T, email string) string {
	t.Helper()
	u, err := e.app.FindAuthRecordByEmail("users", email)
	if err != nil {
		t.Fatal(err)
	}
	res := apptest.Do(t, e.srv, "POST", "/api/collections/conversations/records", apptest.Token(t, e.app, email),
		map[string]any{"tenant": u.GetString("tenant"), "user": u.Id})
	if res.Status != 200 {
		t.Fatalf("create conversation: %d %s", res.Status, res.Body)
	}
	return res.JSON["id"].(string)
}

// addDocument stores a ready document of tenant with one indexed chunk per text (page i+1).
func addDocument(t *testing.T, app core.App, tenant, title string, texts ...string) *core.Record {
	t.Helper()
	col, err := app.FindCollectionByNameOrId("documents")
	if err != nil {
		t.Fatal(err)
	}
	doc := core.NewRecord(col)
	doc.Id = core.GenerateDefaultRandomId()
	doc.Set("tenant", tenant)
	doc.Set("filename", strings.ToLower(strings.ReplaceAll(title, " ", "-"))+".txt")
	doc.Set("title", title)
	doc.Set("content_type", "text/plain")
	doc.Set("size", 100)
	doc.Set("storage_key", "tenants/"+tenant+"/documents/"+doc.Id+"/doc.txt")
	doc.Set("status", "ready")
	doc.Set("chunks", len(texts))
	if err := app.Save(doc); err != nil {
		t.Fatal(err)
	}
	err = app.RunInTransaction(func(tx core.App) error {
		var entries []search.Chunk
		for i, text := range texts {
			res, err := tx.DB().Insert("chunks", dbx.Params{"id": core.GenerateDefaultRandomId(), "tenant": tenant,
				"document": doc.Id, "ordinal": i, "page": i + 1, "row": 0, "sheet": "", "text": text,
				"created": time.Now().UTC().Format("2006-01-02 15:04:05.000Z")}).Execute()
			if err != nil {
				return err
			}
			rowid, _ := res.LastInsertId()
			entries = append(entries, search.Chunk{RowID: rowid, Tenant: tenant, Text: text})
		}
		return search.IndexChunks(tx.DB(), entries)
	})
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// event is one server-sent event.
type event struct {
	Name string
	Data json.RawMessage
}

func (ev event) object() map[string]any {
	var m map[string]any
	_ = json.Unmarshal(ev.Data, &m)
	return m
}

// stream is an open SSE answer.
type stream struct {
	res    *http.Response
	sc     *bufio.Scanner
	cancel context.CancelFunc
}

// open posts a question with Accept: text/event-stream and returns the open
// stream; a non-200 answer is returned as a Response instead.
func (e *env) open(t *testing.T, token, path, content string) (*stream, *apptest.Response) {
	t.Helper()
	b, _ := json.Marshal(map[string]any{"content": content})
	return e.openRaw(t, token, path, b)
}

func (e *env) openRaw(t *testing.T, token, path string, body []byte) (*stream, *apptest.Response) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "POST", e.srv.URL+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Authorization", token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatalf("POST %s: %v", path, err)
	}
	if res.StatusCode != 200 {
		defer cancel()
		defer res.Body.Close()
		out := apptest.Response{Status: res.StatusCode}
		out.Body, _ = io.ReadAll(res.Body)
		_ = json.Unmarshal(out.Body, &out.JSON)
		return nil, &out
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Fatalf("Content-Type %q", ct)
	}
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 0, 64<<10), 8<<20)
	s := &stream{res: res, sc: sc, cancel: cancel}
	t.Cleanup(s.close)
	return s, nil
}

// next reads the next event; ok is false at the end of the stream.
func (s *stream) next() (event, bool) {
	var ev event
	for s.sc.Scan() {
		line := s.sc.Text()
		switch {
		case strings.HasPrefix(line, "event: "):
			ev.Name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			ev.Data = json.RawMessage(strings.TrimPrefix(line, "data: "))
		case line == "" && ev.Name != "":
			return ev, true
		}
	}
	return ev, false
}

// all reads the stream to its end.
func (s *stream) all() []event {
	var out []event
	for {
		ev, ok := s.next()
		if !ok {
			return out
		}
		out = append(out, ev)
	}
}

// close is the browser going away.
func (s *stream) close() {
	s.cancel()
	s.res.Body.Close()
}

// ask sends a question as SSE and reads the whole answer.
func (e *env) ask(t *testing.T, conv, content string) []event {
	t.Helper()
	s, res := e.open(t, e.token, "/api/chat/conversations/"+conv+"/messages", content)
	if res != nil {
		t.Fatalf("ask: %d %s", res.Status, res.Body)
	}
	return s.all()
}

// summary is what a finished event stream says.
type summary struct {
	start   map[string]any
	text    string // the concatenated deltas
	last    event  // done or error
	final   map[string]any
	sources []map[string]any
	names   []string
}

func summarize(t *testing.T, evs []event) summary {
	t.Helper()
	var s summary
	for _, ev := range evs {
		s.names = append(s.names, ev.Name)
		switch ev.Name {
		case "start":
			s.start = ev.object()
		case "delta":
			s.text += ev.object()["text"].(string)
		case "sources":
			if err := json.Unmarshal(ev.Data, &s.sources); err != nil {
				t.Fatalf("sources: %v %s", err, ev.Data)
			}
		case "done":
			s.last, s.final = ev, ev.object()
		case "error":
			s.last = ev
			if rec, ok := ev.object()["record"].(map[string]any); ok {
				s.final = rec
			}
		}
	}
	if len(evs) == 0 || evs[0].Name != "start" {
		t.Fatalf("the stream does not begin with start: %v", s.names)
	}
	return s
}

// message loads a message record.
func (e *env) message(t *testing.T, id string) *core.Record {
	t.Helper()
	r, err := e.app.FindRecordById("messages", id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// waitStatus waits until message id has one of statuses.
func (e *env) waitStatus(t *testing.T, id string, statuses ...string) *core.Record {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		r := e.message(t, id)
		for _, s := range statuses {
			if r.GetString("status") == s {
				return r
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("message %s is %s, want %v", id, r.GetString("status"), statuses)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitFor polls cond for up to 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// chatRequests returns the bodies the stand-in's chat webhook received.
func (e *env) chatRequests() []n8ntest.Request {
	var out []n8ntest.Request
	for _, r := range e.n8n.Requests() {
		if strings.HasSuffix(r.Path, n8ntest.DefaultChatPath) {
			out = append(out, r)
		}
	}
	return out
}

func sendPath(conv string) string { return "/api/chat/conversations/" + conv + "/messages" }

func mustf(t *testing.T, ok bool, format string, args ...any) {
	t.Helper()
	if !ok {
		t.Fatalf(format, args...)
	}
}
