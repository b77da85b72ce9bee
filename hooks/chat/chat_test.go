package chat_test

import (
	"strings"
	"testing"

	"counterpart/hooks/apptest"
	"counterpart/internal/n8n/n8ntest"
)

const priceList = "Brake disc 8E0-615-301-AG replaces 8E0-615-301-AF. Price 89.90 EUR, in stock."

func TestStreamingAnswerWithToolCall(t *testing.T) {
	t.Parallel()
	tokens := []string{"The disc ", "8E0-615-301-AG ", "costs 89.90 EUR."}
	e := newEnv(t, opts{n8n: true, reply: n8ntest.Reply{Mode: n8ntest.ModeStream, ToolCall: true, Tokens: tokens}})
	addDocument(t, e.app, e.tenant.Id, "Price list 2026", priceList)
	conv := e.conversation(t, "member@smith.example")

	s := summarize(t, e.ask(t, conv, "What replaces 8E0-615-301-AF and what does it cost?"))
	if s.last.Name != "done" {
		t.Fatalf("events %v, last %s", s.names, s.last.Data)
	}
	want := strings.Join(tokens, "")
	if s.text != want || s.final["content"] != want || s.final["status"] != "complete" {
		t.Fatalf("text %q, final %v", s.text, s.final)
	}
	id := s.start["message"].(string)
	rec := e.message(t, id)
	if rec.GetString("status") != "complete" || rec.GetString("content") != want || rec.GetInt("latency_ms") < 0 ||
		rec.GetString("reply_to") != s.start["question"] {
		t.Errorf("stored answer: %v", rec.FieldsData())
	}
	reqs := e.chatRequests()
	if len(reqs) != 1 {
		t.Fatalf("n8n got %d chat requests", len(reqs))
	}
	body := reqs[0].Body
	if body["action"] != "sendMessage" || body["chatInput"] != "What replaces 8E0-615-301-AF and what does it cost?" ||
		body["sessionId"] == "" || body["tenant"] != e.tenant.Id || body["messageId"] != id {
		t.Errorf("chat request body: %v", body)
	}
	if c := reqs[0].Claims; c["tenant"] != e.tenant.Id || c["sub"] != e.user.Id || c["exp"] == nil {
		t.Errorf("token claims: %v", c)
	}
	if len(e.n8n.TokensWithoutExp()) != 0 {
		t.Error("a token without exp reached n8n")
	}
	// the conversation got its title from the question
	c, _ := e.app.FindRecordById("conversations", conv)
	if c.GetString("title") != "What replaces 8E0-615-301-AF and what does it cost?" || c.GetString("last_message_at") == "" {
		t.Errorf("conversation: %v", c.FieldsData())
	}
}

func TestRetrievalOnlyAnswer(t *testing.T) {
	t.Parallel()
	e := newEnv(t, opts{})
	doc := addDocument(t, e.app, e.tenant.Id, "Price list 2026", priceList)
	conv := e.conversation(t, "member@smith.example")
	res := apptest.Do(t, e.srv, "POST", sendPath(conv), e.token, map[string]any{"content": "price of 8E0-615-301-AG"})
	if res.Status != 200 {
		t.Fatalf("%d %s", res.Status, res.Body)
	}
	ans := res.JSON["answer"].(map[string]any)
	content := ans["content"].(string)
	if ans["status"] != "complete" || ans["retrieval_only"] != true || ans["model"] != "retrieval-only" ||
		!strings.HasPrefix(content, "No AI model is connected") || !strings.Contains(content, "Price list 2026") {
		t.Fatalf("answer: %v", ans)
	}
	if q := res.JSON["question"].(map[string]any); q["created"].(string) >= ans["created"].(string) || ans["reply_to"] != q["id"] {
		t.Errorf("the answer does not sort after its question: %v %v", q["created"], ans["created"])
	}
	srcs := ans["sources"].([]any)
	if len(srcs) != 1 || srcs[0].(map[string]any)["document"] != doc.Id ||
		srcs[0].(map[string]any)["url"] != "/api/documents/"+doc.Id+"/download" {
		t.Errorf("sources: %v", srcs)
	}
}
