package chat_test

import (
	"strings"
	"testing"
	"time"

	"counterpart/hooks/apptest"
	"counterpart/internal/config"
	"counterpart/internal/n8n/n8ntest"
)

func TestBadQuestions(t *testing.T) {
	t.Parallel()
	e := newEnv(t, opts{})
	conv := e.conversation(t, "member@smith.example")
	cases := []struct {
		name   string
		body   any
		status int
		has    string
	}{
		{"empty", map[string]any{"content": ""}, 400, "empty"},
		{"blank", map[string]any{"content": " \n\t "}, 400, "empty"},
		{"no content", map[string]any{}, 400, "empty"},
		{"not json", "question?", 400, "JSON"},
		{"100 kB", map[string]any{"content": strings.Repeat("a", 100_000)}, 413, "at most 16384 bytes"},
		{"just over the limit", map[string]any{"content": strings.Repeat("ä", 8193)}, 413, "16386 bytes"},
	}
	for _, c := range cases {
		res := apptest.Do(t, e.srv, "POST", sendPath(conv), e.token, c.body)
		if res.Status != c.status || !strings.Contains(res.Message(), c.has) {
			t.Errorf("%s: %d %s, want %d with %q", c.name, res.Status, res.Body, c.status, c.has)
		}
	}
	// 1 MB of JSON is refused without being read whole
	s, res := e.openRaw(t, e.token, sendPath(conv), []byte(`{"content":"`+strings.Repeat("x", 1<<20)+`"}`))
	if s != nil || res.Status != 413 {
		t.Errorf("1 MB body: %v", res)
	}
	if n, _ := e.app.CountRecords("messages"); n != 0 {
		t.Errorf("%d messages stored from bad questions", n)
	}
	// the largest allowed question passes
	if ok := apptest.Do(t, e.srv, "POST", sendPath(conv), e.token, map[string]any{"content": strings.Repeat("b", 16384)}); ok.Status != 200 {
		t.Errorf("16384 bytes: %d %s", ok.Status, ok.Body)
	}
}

func TestNotYourConversation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, opts{})
	mine := e.conversation(t, "member@smith.example")
	colleagues := e.conversation(t, "manager@smith.example")
	others := e.conversation(t, "member@jones.example")
	for _, id := range []string{colleagues, others, "doesnotexist123", "../../x"} {
		res := apptest.Do(t, e.srv, "POST", sendPath(id), e.token, map[string]any{"content": "hello"})
		if res.Status != 404 {
			t.Errorf("send to %s: %d %s", id, res.Status, res.Body)
		}
	}
	// even the tenant's admin cannot post into a member's conversation
	res := apptest.Do(t, e.srv, "POST", sendPath(mine), apptest.Token(t, e.app, "admin@smith.example"), map[string]any{"content": "hello"})
	if res.Status != 404 {
		t.Errorf("admin sends into the member's conversation: %d", res.Status)
	}
	if n, _ := e.app.CountRecords("messages"); n != 0 {
		t.Errorf("%d messages stored", n)
	}
	// and nobody else stops, retries or rates the member's answers
	res = apptest.Do(t, e.srv, "POST", sendPath(mine), e.token, map[string]any{"content": "hello"})
	id := res.JSON["answer"].(map[string]any)["id"].(string)
	for _, who := range []string{"admin@smith.example", "manager@smith.example", "admin@jones.example"} {
		tok := apptest.Token(t, e.app, who)
		for _, action := range []string{"stop", "retry", "feedback"} {
			r := apptest.Do(t, e.srv, "POST", "/api/chat/messages/"+id+"/"+action, tok, map[string]any{"rating": "down"})
			if r.Status != 404 {
				t.Errorf("%s %s: %d %s", who, action, r.Status, r.Body)
			}
		}
	}
	if e.message(t, id).GetString("feedback") != "" {
		t.Error("someone else rated the answer")
	}
}

func TestMonthlyQuota(t *testing.T) {
	t.Parallel()
	e := newEnv(t, opts{})
	e.tenant.Set("monthly_message_quota", 2)
	e.tenant.Set("timezone", "America/Chicago")
	if err := e.app.Save(e.tenant); err != nil {
		t.Fatal(err)
	}
	conv := e.conversation(t, "member@smith.example")
	for i := range 2 {
		if res := apptest.Do(t, e.srv, "POST", sendPath(conv), e.token, map[string]any{"content": "question"}); res.Status != 200 {
			t.Fatalf("question %d: %d %s", i, res.Status, res.Body)
		}
	}
	// the quota is the tenant's: a colleague is refused too
	other := e.conversation(t, "manager@smith.example")
	res := apptest.Do(t, e.srv, "POST", sendPath(other), apptest.Token(t, e.app, "manager@smith.example"), map[string]any{"content": "one more"})
	loc, _ := time.LoadLocation("America/Chicago")
	now := time.Now().In(loc)
	next := time.Date(now.Year(), now.Month()+1, 1, 0, 0, 0, 0, loc).Format("2 January 2006")
	want := "The monthly quota of 2 messages for Smith Motors is used up; it resets on " + next
	if res.Status != 429 || !strings.Contains(res.Message(), want) {
		t.Fatalf("over quota: %d %q, want 429 %q", res.Status, res.Message(), want)
	}
	if n, _ := e.app.CountRecords("messages"); n != 4 {
		t.Errorf("%d messages stored, want 4", n)
	}
	// another tenant is not affected
	jones := e.conversation(t, "member@jones.example")
	if res := apptest.Do(t, e.srv, "POST", sendPath(jones), apptest.Token(t, e.app, "member@jones.example"), map[string]any{"content": "hi"}); res.Status != 200 {
		t.Errorf("other tenant: %d", res.Status)
	}
}

func TestInflightLimits(t *testing.T) {
	t.Parallel()
	e := newEnv(t, opts{n8n: true, reply: n8ntest.Reply{HeaderDelay: 3 * time.Second},
		cfg: func(c *config.Config) { c.Chat.MaxInflightPerUser = 1; c.Chat.MaxInflightPerTenant = 2 }})
	conv := e.conversation(t, "member@smith.example")
	first, res := e.open(t, e.token, sendPath(conv), "first")
	if res != nil {
		t.Fatalf("first: %d %s", res.Status, res.Body)
	}
	first.next() // start
	_, res = e.open(t, e.token, sendPath(conv), "second")
	if res == nil || res.Status != 429 || !strings.Contains(res.Message(), "You already have 1 answers being generated") {
		t.Fatalf("second of the same user: %v", res)
	}
	mgr := apptest.Token(t, e.app, "manager@smith.example")
	convM := e.conversation(t, "manager@smith.example")
	if s, res := e.open(t, mgr, sendPath(convM), "a colleague's"); res != nil {
		t.Fatalf("colleague: %d %s", res.Status, res.Body)
	} else {
		s.next()
	}
	adm := apptest.Token(t, e.app, "admin@smith.example")
	convA := e.conversation(t, "admin@smith.example")
	_, res = e.open(t, adm, sendPath(convA), "third of the tenant")
	if res == nil || res.Status != 429 || !strings.Contains(res.Message(), "Smith Motors has 2 answers being generated right now") {
		t.Fatalf("third of the tenant: %v", res)
	}
	// refused questions are not stored
	if n, _ := e.app.CountRecords("messages"); n != 4 {
		t.Errorf("%d messages, want 4", n)
	}
	// once the first is stopped, the member may ask again
	id := e.firstAnswer(t, conv)
	if r := apptest.Do(t, e.srv, "POST", "/api/chat/messages/"+id+"/stop", e.token, nil); r.Status != 200 {
		t.Fatalf("stop: %d %s", r.Status, r.Body)
	}
	e.n8n.SetChatReply(n8ntest.Reply{})
	if r := apptest.Do(t, e.srv, "POST", sendPath(conv), e.token, map[string]any{"content": "again"}); r.Status != 200 {
		t.Errorf("after stop: %d %s", r.Status, r.Body)
	}
}

// firstAnswer returns the id of the first answer of a conversation.
func (e *env) firstAnswer(t *testing.T, conv string) string {
	t.Helper()
	recs, err := e.app.FindRecordsByFilter("messages", "conversation = {:c} && role = 'assistant'", "created", 1, 0, map[string]any{"c": conv})
	if err != nil || len(recs) == 0 {
		t.Fatalf("no answer in %s: %v", conv, err)
	}
	return recs[0].Id
}

func TestFeedback(t *testing.T) {
	t.Parallel()
	e := newEnv(t, opts{})
	conv := e.conversation(t, "member@smith.example")
	res := apptest.Do(t, e.srv, "POST", sendPath(conv), e.token, map[string]any{"content": "brake disc"})
	answer := res.JSON["answer"].(map[string]any)["id"].(string)
	question := res.JSON["question"].(map[string]any)["id"].(string)
	path := "/api/chat/messages/" + answer + "/feedback"
	for _, c := range []struct {
		body   map[string]any
		status int
	}{
		{map[string]any{"rating": "sideways"}, 400},
		{map[string]any{}, 400},
		{map[string]any{"rating": "up", "comment": strings.Repeat("x", 2001)}, 400},
	} {
		if r := apptest.Do(t, e.srv, "POST", path, e.token, c.body); r.Status != c.status {
			t.Errorf("%v: %d %s", c.body, r.Status, r.Body)
		}
	}
	if r := apptest.Do(t, e.srv, "POST", "/api/chat/messages/"+question+"/feedback", e.token, map[string]any{"rating": "up"}); r.Status != 400 {
		t.Errorf("feedback on a question: %d", r.Status)
	}
	r := apptest.Do(t, e.srv, "POST", path, e.token, map[string]any{"rating": "down", "comment": "  Wrong price: it is 92.50 now. "})
	if r.Status != 200 || r.JSON["feedback"] != "down" || r.JSON["feedback_comment"] != "Wrong price: it is 92.50 now." {
		t.Fatalf("feedback: %d %s", r.Status, r.Body)
	}
	rec := e.message(t, answer)
	if rec.GetString("feedback") != "down" || rec.GetString("feedback_comment") != "Wrong price: it is 92.50 now." {
		t.Errorf("stored: %v", rec.FieldsData())
	}
	// a rating can change
	if r := apptest.Do(t, e.srv, "POST", path, e.token, map[string]any{"rating": "up"}); r.Status != 200 || e.message(t, answer).GetString("feedback") != "up" {
		t.Errorf("change rating: %d", r.Status)
	}
	// and nobody writes feedback through the records API
	if r := apptest.Do(t, e.srv, "PATCH", "/api/collections/messages/records/"+answer, e.token, map[string]any{"feedback": "down"}); r.Status < 400 {
		t.Errorf("records API update: %d", r.Status)
	}
}
