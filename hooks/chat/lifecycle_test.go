package chat_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/apptest"
	"counterpart/hooks/chat"
	"counterpart/internal/config"
	"counterpart/internal/n8n/n8ntest"
)

func slowTokens(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "word "
	}
	return out
}

// TestDisconnectLosesNothing: the browser goes away mid-stream; the answer is
// still completed, saved, and delivered by realtime.
func TestDisconnectLosesNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t, opts{n8n: true, reply: n8ntest.Reply{Mode: n8ntest.ModeStream, Tokens: slowTokens(20), TokenDelay: 30 * time.Millisecond}})
	conv := e.conversation(t, "member@smith.example")
	rt, status := apptest.Realtime(t, e.srv, e.token, "messages/*")
	mustf(t, rt != nil, "realtime subscription: %d", status)

	s, res := e.open(t, e.token, sendPath(conv), "a long answer, please")
	mustf(t, res == nil, "send: %v", res)
	start, _ := s.next()
	id := start.object()["message"].(string)
	if ev, _ := s.next(); ev.Name != "delta" {
		t.Fatalf("second event %s", ev.Name)
	}
	s.close() // the browser tab is closed

	want := strings.Repeat("word ", 20)
	deadline := time.Now().Add(10 * time.Second)
	var sawStreaming bool
	for {
		ev, ok := rt.Next(time.Until(deadline))
		mustf(t, ok, "realtime delivered no complete answer (saw streaming: %v)", sawStreaming)
		rec, _ := ev.Data["record"].(map[string]any)
		if rec["id"] != id {
			continue
		}
		if rec["status"] == "streaming" {
			sawStreaming = true
		}
		if rec["status"] == "complete" {
			mustf(t, rec["content"] == want, "realtime content %q", rec["content"])
			break
		}
	}
	mustf(t, sawStreaming, "no partial answer was saved while streaming")
	if e.message(t, id).GetString("content") != want {
		t.Error("stored content differs")
	}
	if e.n8n.Aborted() != 0 {
		t.Error("the upstream call was cancelled when the browser left")
	}
}

// TestStop stops an answer mid-stream: the upstream request is cancelled and
// the partial answer kept as stopped.
func TestStop(t *testing.T) {
	t.Parallel()
	e := newEnv(t, opts{n8n: true, reply: n8ntest.Reply{Mode: n8ntest.ModeStream, Tokens: slowTokens(200), TokenDelay: 20 * time.Millisecond}})
	conv := e.conversation(t, "member@smith.example")
	s, res := e.open(t, e.token, sendPath(conv), "tell me everything")
	mustf(t, res == nil, "send: %v", res)
	start, _ := s.next()
	id := start.object()["message"].(string)
	s.next()
	s.next()
	r := apptest.Do(t, e.srv, "POST", "/api/chat/messages/"+id+"/stop", e.token, nil)
	if r.Status != 200 || r.JSON["status"] != "stopped" || !strings.HasPrefix(r.JSON["content"].(string), "word word ") {
		t.Fatalf("stop: %d %s", r.Status, r.Body)
	}
	rest := summarize(t, append([]event{start}, s.all()...))
	if rest.last.Name != "done" || rest.final["status"] != "stopped" {
		t.Errorf("the stream ended with %s %v", rest.last.Name, rest.final)
	}
	rec := e.message(t, id)
	if rec.GetString("status") != "stopped" || rec.GetString("content") == "" || len(rec.GetString("content")) >= 200*5 {
		t.Errorf("stored: %s %q", rec.GetString("status"), rec.GetString("content"))
	}
	waitFor(t, "n8n to see the request cancelled", func() bool { return e.n8n.Aborted() == 1 })
	// stopping again changes nothing
	if r := apptest.Do(t, e.srv, "POST", "/api/chat/messages/"+id+"/stop", e.token, nil); r.Status != 200 || r.JSON["status"] != "stopped" {
		t.Errorf("second stop: %d %s", r.Status, r.Body)
	}
	if chat.Running(e.app) != 0 {
		t.Error("a generation is still registered")
	}
}

func TestRetry(t *testing.T) {
	t.Parallel()
	e := newEnv(t, opts{n8n: true, reply: n8ntest.Reply{Mode: n8ntest.ModeStatus, Status: 500}})
	conv := e.conversation(t, "member@smith.example")
	first := summarize(t, e.ask(t, conv, "oil filter for a 2019 Corolla?"))
	id := first.start["message"].(string)
	mustf(t, first.last.Name == "error", "first answer: %v", first.names)

	e.n8n.SetChatReply(n8ntest.Reply{Mode: n8ntest.ModeStream, Tokens: []string{"04152-", "YZZA6"}})
	s, res := e.open(t, e.token, "/api/chat/messages/"+id+"/retry", "")
	mustf(t, res == nil, "retry: %v", res)
	again := summarize(t, s.all())
	if again.start["message"] != id || again.last.Name != "done" || again.final["content"] != "04152-YZZA6" || again.final["error"] != "" {
		t.Fatalf("retry: %v %v", again.names, again.final)
	}
	reqs := e.chatRequests()
	if len(reqs) != 2 || reqs[1].Body["chatInput"] != "oil filter for a 2019 Corolla?" || reqs[1].Body["messageId"] != id {
		t.Errorf("n8n requests: %d", len(reqs))
	}
	// a complete answer is not retried; a question is no answer
	if r := apptest.Do(t, e.srv, "POST", "/api/chat/messages/"+id+"/retry", e.token, nil); r.Status != 409 {
		t.Errorf("retry of a complete answer: %d", r.Status)
	}
	if r := apptest.Do(t, e.srv, "POST", "/api/chat/messages/"+first.start["question"].(string)+"/retry", e.token, nil); r.Status != 400 {
		t.Errorf("retry of a question: %d", r.Status)
	}
	if n, _ := e.app.CountRecords("messages"); n != 2 {
		t.Errorf("%d messages, want the question and its one answer", n)
	}
}

func TestHistoryAndPrompt(t *testing.T) {
	t.Parallel()
	e := newEnv(t, opts{n8n: true, reply: n8ntest.Reply{Output: "First answer."},
		cfg: func(c *config.Config) { c.Chat.HistoryTurns = 1 }})
	e.tenant.Set("system_prompt", "Always quote prices in EUR.")
	if err := e.app.Save(e.tenant); err != nil {
		t.Fatal(err)
	}
	conv := e.conversation(t, "member@smith.example")
	e.ask(t, conv, "first question")
	e.n8n.SetChatReply(n8ntest.Reply{Output: "Second answer."})
	e.ask(t, conv, "second question")
	e.ask(t, conv, "third question")
	reqs := e.chatRequests()
	mustf(t, len(reqs) == 3, "%d requests", len(reqs))
	if h := reqs[0].Body["history"].([]any); len(h) != 0 {
		t.Errorf("first history: %v", h)
	}
	h := reqs[2].Body["history"].([]any)
	if len(h) != 2 || h[0].(map[string]any)["content"] != "second question" || h[1].(map[string]any)["content"] != "Second answer." {
		t.Errorf("third history (1 turn): %v", h)
	}
	sys := reqs[0].Body["systemMessage"].(string)
	if !strings.HasPrefix(sys, "Always quote prices in EUR.") || !strings.Contains(sys, "Smith Motors") {
		t.Errorf("systemMessage %q", sys)
	}
	u := reqs[0].Body["user"].(map[string]any)
	if u["id"] != e.user.Id || u["role"] != "member" {
		t.Errorf("user %v", u)
	}
	if reqs[0].Body["sessionId"] != reqs[2].Body["sessionId"] || !strings.HasPrefix(reqs[0].Body["sessionId"].(string), "cp-") {
		t.Errorf("session ids differ or are malformed")
	}
	tool := reqs[0].Body["searchTool"].(map[string]any)
	if tool["url"] != e.srv.URL+"/api/n8n/search" || tool["token"] == "" {
		t.Errorf("searchTool %v", tool)
	}
}

func TestDeleteConversation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, opts{n8n: true, reply: n8ntest.Reply{Mode: n8ntest.ModeStream, Tokens: slowTokens(100), TokenDelay: 20 * time.Millisecond}})
	conv := e.conversation(t, "member@smith.example")
	e.n8n.SetChatReply(n8ntest.Reply{})
	e.ask(t, conv, "one")
	e.n8n.SetChatReply(n8ntest.Reply{Mode: n8ntest.ModeStream, Tokens: slowTokens(100), TokenDelay: 20 * time.Millisecond})
	s, _ := e.open(t, e.token, sendPath(conv), "two, still streaming when deleted")
	s.next()
	s.next()
	if r := apptest.Do(t, e.srv, "DELETE", "/api/collections/conversations/records/"+conv, apptest.Token(t, e.app, "admin@smith.example"), nil); r.Status != 404 {
		t.Errorf("the tenant admin deletes a member's conversation: %d", r.Status)
	}
	if r := apptest.Do(t, e.srv, "DELETE", "/api/collections/conversations/records/"+conv, e.token, nil); r.Status != 204 {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	s.all()
	waitFor(t, "the generation to end", func() bool { return chat.Running(e.app) == 0 })
	if n, _ := e.app.CountRecords("messages"); n != 0 {
		t.Errorf("%d messages left", n)
	}
	waitFor(t, "n8n to see the request cancelled", func() bool { return e.n8n.Aborted() == 1 })
}

// TestInterruptedAnswers: answers a crash left pending or streaming are
// failed at start and by the watchdog; a shutdown fails running ones.
func TestInterruptedAnswers(t *testing.T) {
	t.Parallel()
	cfg := apptest.Config()
	app := apptest.New(t, cfg)
	member, _ := app.FindAuthRecordByEmail("users", "member@smith.example")
	convCol, _ := app.FindCollectionByNameOrId("conversations")
	conv := core.NewRecord(convCol)
	conv.Set("tenant", member.GetString("tenant"))
	conv.Set("user", member.Id)
	if err := app.Save(conv); err != nil {
		t.Fatal(err)
	}
	if conv.GetString("session_id") == "" {
		t.Error("no session id")
	}
	msgCol, _ := app.FindCollectionByNameOrId("messages")
	leftover := func(status string) *core.Record {
		r := core.NewRecord(msgCol)
		r.Set("tenant", member.GetString("tenant"))
		r.Set("conversation", conv.Id)
		r.Set("user", member.Id)
		r.Set("role", "assistant")
		r.Set("status", status)
		r.Set("content", "half an ans")
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	a, b := leftover("pending"), leftover("streaming")
	apptest.Serve(t, app)
	for _, r := range []*core.Record{a, b} {
		got, _ := app.FindRecordById("messages", r.Id)
		if got.GetString("status") != "failed" || !strings.Contains(got.GetString("error"), "interrupted") || got.GetString("content") != "half an ans" {
			t.Errorf("after start: %v", got.FieldsData())
		}
	}
	c := leftover("streaming")
	if n, err := chat.FailUnfinished(app, time.Now().Add(-time.Hour)); err != nil || n != 0 {
		t.Errorf("a fresh answer was failed: %d %v", n, err)
	}
	if n, err := chat.FailUnfinished(app, time.Now().Add(time.Second)); err != nil || n != 1 {
		t.Errorf("watchdog: %d %v", n, err)
	}
	if got, _ := app.FindRecordById("messages", c.Id); got.GetString("status") != "failed" {
		t.Error("the stuck answer is not failed")
	}
}

func TestShutdownFailsRunningAnswers(t *testing.T) {
	t.Parallel()
	e := newEnv(t, opts{n8n: true, reply: n8ntest.Reply{HeaderDelay: 10 * time.Second}})
	conv := e.conversation(t, "member@smith.example")
	s, _ := e.open(t, e.token, sendPath(conv), "slow one")
	start, _ := s.next()
	id := start.object()["message"].(string)
	// running answers are not the watchdog's
	if n, _ := chat.FailUnfinished(e.app, time.Now().Add(time.Hour)); n != 0 {
		t.Errorf("the watchdog failed a running answer")
	}
	err := e.app.OnTerminate().Trigger(&core.TerminateEvent{App: e.app}, func(*core.TerminateEvent) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	rec := e.message(t, id)
	if rec.GetString("status") != "failed" || !strings.Contains(rec.GetString("error"), "server restarted") {
		t.Errorf("after shutdown: %s %q", rec.GetString("status"), rec.GetString("error"))
	}
	if ev := summarize(t, append([]event{start}, s.all()...)); ev.last.Name != "error" {
		t.Errorf("stream ended with %v", ev.names)
	}
}

// TestLogsHoldNoSecrets: failures are logged for admins with the detail,
// never with a token or the secret.
func TestLogsHoldNoSecrets(t *testing.T) {
	t.Parallel()
	e := newEnv(t, opts{n8n: true, cfg: func(c *config.Config) { c.N8N.JWT.Secret = "wrong-secret-wrong-secret-wrong-secret-42" }})
	settings := e.app.Settings()
	settings.Logs.MaxDays = 1 // the test app keeps no logs by default
	if err := e.app.Save(settings); err != nil {
		t.Fatal(err)
	}
	conv := e.conversation(t, "member@smith.example")
	e.ask(t, conv, "anything")
	tok, err := chat.SearchToken(e.app, e.tenant.Id, e.user.Id, "x")
	mustf(t, err == nil, "mint: %v", err)
	apptest.Do(t, e.srv, "GET", "/api/n8n/search?q=x", "Bearer "+tok+"x", nil)
	var logs []struct {
		Message string `db:"message"`
		Data    string `db:"data"`
	}
	waitFor(t, "the chat failure in the logs", func() bool {
		logs = nil
		_ = e.app.AuxDB().NewQuery("SELECT message, data FROM _logs").All(&logs)
		found := 0
		for _, l := range logs {
			if strings.Contains(l.Message, "chat: n8n refused") || strings.Contains(l.Message, "search tool token refused") {
				found++
			}
		}
		return found == 2
	})
	for _, l := range logs {
		all := l.Message + l.Data
		for _, secret := range []string{"eyJ", "wrong-secret", n8ntest.DefaultSecret, tok} {
			if strings.Contains(all, secret) {
				t.Errorf("log %q shows %q", l.Message, secret)
			}
		}
		if strings.Contains(l.Message, "n8n refused") && !strings.Contains(l.Data, "same secret and algorithm") {
			t.Errorf("the log does not tell admins what to fix: %s", l.Data)
		}
	}
}
