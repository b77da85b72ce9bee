package chat_test

import (
	"strings"
	"testing"
	"time"

	"counterpart/internal/config"
	"counterpart/internal/n8n/n8ntest"
)

// TestN8NReplies drives every reply form and failure of the n8n stand-in
// through the SSE route and checks what the user sees and what is stored.
func TestN8NReplies(t *testing.T) {
	t.Parallel()
	tokens := []string{"Part ", "8E0-615-301-AG ", "is ", "in ", "stock."}
	cases := []struct {
		name    string
		reply   n8ntest.Reply
		cfg     func(*config.Config)
		status  string // the stored answer's status
		content string // the stored content ("" = don't check)
		errHas  string // a piece of the error users read
		aborted bool   // the upstream reply must have been cut off by Counterpart
	}{
		{name: "json", reply: n8ntest.Reply{Output: "Use 8E0-615-301-AG."}, status: "complete", content: "Use 8E0-615-301-AG."},
		{name: "json array form", reply: n8ntest.Reply{Body: []map[string]any{{"output": "From the array."}}}, status: "complete", content: "From the array."},
		{name: "stream", reply: n8ntest.Reply{Mode: n8ntest.ModeStream, Tokens: tokens}, status: "complete", content: strings.Join(tokens, "")},
		{name: "stream with tool call", reply: n8ntest.Reply{Mode: n8ntest.ModeStream, ToolCall: true, Tokens: tokens}, status: "complete", content: strings.Join(tokens, "")},
		{name: "unknown line type and unterminated last line", reply: n8ntest.Reply{Body: `{"type":"begin","metadata":{"nodeName":"AI Agent"}}` + "\n" +
			`{"type":"progress","content":{"step":1}}` + "\n" + `{"type":"item","content":"Only "}` + "\r\n\n" +
			`{"type":"item","content":"this."}` + "\n" + `{"type":"end"}`}, status: "complete", content: "Only this."},
		{name: "slow first byte", reply: n8ntest.Reply{HeaderDelay: 5 * time.Second}, cfg: func(c *config.Config) { c.Chat.FirstByteTimeout = 300 * time.Millisecond },
			status: "failed", errHas: "did not start answering within 300ms", aborted: true},
		{name: "headers then a slow body", reply: n8ntest.Reply{Mode: n8ntest.ModeStream, FirstByteDelay: 5 * time.Second},
			cfg: func(c *config.Config) { c.Chat.FirstByteTimeout = 300 * time.Millisecond }, status: "failed", errHas: "did not start answering", aborted: true},
		{name: "garbage", reply: n8ntest.Reply{Mode: n8ntest.ModeGarbage}, status: "failed", errHas: "could not be read"},
		{name: "json without output", reply: n8ntest.Reply{Body: map[string]any{"text": "hi"}}, status: "failed", errHas: "could not be read"},
		{name: "empty output", reply: n8ntest.Reply{Body: map[string]any{"output": ""}}, status: "failed", errHas: "empty answer"},
		{name: "401", reply: n8ntest.Reply{Mode: n8ntest.ModeStatus, Status: 401}, status: "failed", errHas: "JWT secret or algorithm"},
		{name: "403", reply: n8ntest.Reply{Mode: n8ntest.ModeStatus, Status: 403}, status: "failed", errHas: "JWT secret or algorithm"},
		{name: "wrong secret", cfg: func(c *config.Config) { c.N8N.JWT.Secret = strings.Repeat("x", 40) }, status: "failed", errHas: "JWT secret or algorithm"},
		{name: "404", reply: n8ntest.Reply{Mode: n8ntest.ModeStatus, Status: 404}, status: "failed", errHas: "not active"},
		{name: "500", reply: n8ntest.Reply{Mode: n8ntest.ModeStatus, Status: 500}, status: "failed", errHas: "failed in n8n (HTTP 500)"},
		{name: "error line mid-stream", reply: n8ntest.Reply{Mode: n8ntest.ModeStreamError, Tokens: tokens, After: 2},
			status: "failed", content: "Part 8E0-615-301-AG ", errHas: "AI model reported an error"},
		{name: "cut mid-stream", reply: n8ntest.Reply{Mode: n8ntest.ModeCut, Tokens: tokens, After: 3},
			status: "failed", content: "Part 8E0-615-301-AG is ", errHas: "broke off"},
		{name: "end never comes", reply: n8ntest.Reply{Mode: n8ntest.ModeEndless, Tokens: tokens, TokenDelay: 5 * time.Millisecond},
			cfg: func(c *config.Config) { c.N8N.Timeout = 700 * time.Millisecond }, status: "failed", errHas: "longer than the 700ms limit", aborted: true},
		{name: "50 MB stream", reply: n8ntest.Reply{Mode: n8ntest.ModeHuge, HugeBytes: 50 << 20}, status: "failed", errHas: "too long", aborted: true},
		{name: "50 MB json", reply: n8ntest.Reply{Mode: n8ntest.ModeHuge, HugeBytes: 50 << 20, HugeJSON: true}, status: "failed", errHas: "too long", aborted: true},
		{name: "unreachable", cfg: func(c *config.Config) { c.N8N.ChatURL = "http://127.0.0.1:1/webhook/chat" }, status: "failed", errHas: "cannot be reached"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, opts{n8n: true, reply: c.reply, cfg: c.cfg})
			conv := e.conversation(t, "member@smith.example")
			s := summarize(t, e.ask(t, conv, "Is 8E0-615-301-AG in stock?"))
			rec := e.message(t, s.start["message"].(string))
			if rec.GetString("status") != c.status {
				t.Fatalf("status %s (error %q), want %s; events %v", rec.GetString("status"), rec.GetString("error"), c.status, s.names)
			}
			if c.content != "" && rec.GetString("content") != c.content {
				t.Errorf("content %q, want %q", rec.GetString("content"), c.content)
			}
			if c.status == "complete" {
				if s.last.Name != "done" || s.text != rec.GetString("content") {
					t.Errorf("events %v, streamed %q", s.names, s.text)
				}
			} else {
				ev := s.last.object()
				if s.last.Name != "error" || ev["retry"] != true || !strings.Contains(ev["message"].(string), c.errHas) {
					t.Errorf("last event %s %s, want an error with %q", s.last.Name, s.last.Data, c.errHas)
				}
				if !strings.Contains(rec.GetString("error"), c.errHas) {
					t.Errorf("stored error %q, want %q", rec.GetString("error"), c.errHas)
				}
				// users never see a token, a secret or an address
				for _, leak := range []string{"eyJ", n8ntest.DefaultSecret, "127.0.0.1", "http"} {
					if strings.Contains(rec.GetString("error"), leak) {
						t.Errorf("the error shows %q: %s", leak, rec.GetString("error"))
					}
				}
			}
			if c.aborted {
				waitFor(t, "the upstream reply to be abandoned", func() bool { return e.n8n.Aborted() > 0 })
			}
			if len(e.n8n.TokensWithoutExp()) != 0 {
				t.Error("a token without exp reached n8n")
			}
		})
	}
}

// TestFallbackToSearch answers with search results, labelled as such, when n8n fails.
func TestFallbackToSearch(t *testing.T) {
	t.Parallel()
	e := newEnv(t, opts{n8n: true, reply: n8ntest.Reply{Mode: n8ntest.ModeStatus, Status: 503},
		cfg: func(c *config.Config) { c.Chat.FallbackToSearch = true }})
	addDocument(t, e.app, e.tenant.Id, "Price list 2026", priceList)
	conv := e.conversation(t, "member@smith.example")
	s := summarize(t, e.ask(t, conv, "8E0-615-301-AG price"))
	if s.last.Name != "done" || s.final["retrieval_only"] != true || s.final["status"] != "complete" ||
		!strings.HasPrefix(s.final["content"].(string), "The AI assistant is not available right now") || len(s.sources) != 1 {
		t.Fatalf("events %v final %v sources %v", s.names, s.final, s.sources)
	}
}
