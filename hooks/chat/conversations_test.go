package chat_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"counterpart/hooks/apptest"
	"counterpart/hooks/chat"
)

func TestConversationRules(t *testing.T) {
	t.Parallel()
	e := newEnv(t, opts{})
	base := "/api/collections/conversations/records"
	mgr, _ := e.app.FindAuthRecordByEmail("users", "manager@smith.example")
	for name, body := range map[string]map[string]any{
		"a last message date": {"tenant": e.tenant.Id, "user": e.user.Id, "last_message_at": "2020-01-01 00:00:00.000Z"},
		"for a colleague":     {"tenant": e.tenant.Id, "user": mgr.Id},
		"without a user":      {"tenant": e.tenant.Id},
		"without a tenant":    {"user": e.user.Id},
		"in another tenant":   {"tenant": mgr.Id, "user": e.user.Id},
		"a title too long":    {"tenant": e.tenant.Id, "user": e.user.Id, "title": string(make([]byte, 201))},
	} {
		if r := apptest.Do(t, e.srv, "POST", base, e.token, body); r.Status < 400 || r.Status >= 500 {
			t.Errorf("create with %s: %d %s", name, r.Status, r.Body)
		}
	}
	r := apptest.Do(t, e.srv, "POST", base, e.token, map[string]any{"tenant": e.tenant.Id, "user": e.user.Id, "title": "Brake discs"})
	mustf(t, r.Status == 200, "create: %d %s", r.Status, r.Body)
	id := r.JSON["id"].(string)
	if _, shown := r.JSON["session_id"]; shown {
		t.Error("the session id is shown to the client")
	}
	rec, _ := e.app.FindRecordById("conversations", id)
	session := rec.GetString("session_id")
	mustf(t, len(session) > 20, "session id %q", session)

	// a session id in the body is ignored: the field is hidden from clients
	r = apptest.Do(t, e.srv, "POST", base, e.token, map[string]any{"tenant": e.tenant.Id, "user": e.user.Id, "session_id": "chosen"})
	if other, _ := e.app.FindRecordById("conversations", fmt.Sprint(r.JSON["id"])); r.Status != 200 || other.GetString("session_id") == "chosen" {
		t.Errorf("create with a session id: %d", r.Status)
	}
	if r := apptest.Do(t, e.srv, "PATCH", base+"/"+id, e.token, map[string]any{"session_id": "mine"}); r.Status >= 500 {
		t.Errorf("update of the session id: %d", r.Status)
	}
	for name, body := range map[string]map[string]any{
		"last message date": {"last_message_at": "2020-01-01 00:00:00.000Z"},
		"owner":             {"user": mgr.Id},
		"tenant":            {"tenant": mgr.GetString("tenant")},
	} {
		if r := apptest.Do(t, e.srv, "PATCH", base+"/"+id, e.token, body); r.Status < 400 {
			t.Errorf("update of the %s: %d", name, r.Status)
		}
	}
	r = apptest.Do(t, e.srv, "PATCH", base+"/"+id, e.token, map[string]any{"title": "Front brake discs", "archived": true})
	if r.Status != 200 || r.JSON["title"] != "Front brake discs" || r.JSON["archived"] != true {
		t.Errorf("rename and archive: %d %s", r.Status, r.Body)
	}
	rec, _ = e.app.FindRecordById("conversations", id)
	if rec.GetString("session_id") != session || rec.GetString("user") != e.user.Id {
		t.Errorf("server fields changed: %v", rec.FieldsData())
	}
	// a question keeps the title that was set
	apptest.Do(t, e.srv, "POST", sendPath(id), e.token, map[string]any{"content": "which discs fit?"})
	if rec, _ = e.app.FindRecordById("conversations", id); rec.GetString("title") != "Front brake discs" {
		t.Errorf("title overwritten: %q", rec.GetString("title"))
	}
}

// TestOnlyTheOwnerReads: colleagues of the same tenant, the tenant admin
// included, see nothing of a member's conversations and messages.
func TestOnlyTheOwnerReads(t *testing.T) {
	t.Parallel()
	e := newEnv(t, opts{})
	conv := e.conversation(t, "member@smith.example")
	res := apptest.Do(t, e.srv, "POST", sendPath(conv), e.token, map[string]any{"content": "secret supplier discount 37%"})
	msg := res.JSON["question"].(map[string]any)["id"].(string)
	if r := apptest.Do(t, e.srv, "GET", "/api/collections/messages/records/"+msg, e.token, nil); r.Status != 200 {
		t.Fatalf("positive control: the owner cannot read the message: %d", r.Status)
	}
	probes := []string{
		"/api/collections/conversations/records?perPage=500",
		"/api/collections/conversations/records/" + conv,
		"/api/collections/messages/records?perPage=500",
		"/api/collections/messages/records/" + msg,
		"/api/collections/messages/records?filter=" + url.QueryEscape(fmt.Sprintf("conversation = %q", conv)),
		"/api/collections/conversations/records?expand=messages_via_conversation",
	}
	for _, who := range []string{"admin@smith.example", "manager@smith.example"} {
		tok := apptest.Token(t, e.app, who)
		for _, p := range probes {
			r := apptest.Do(t, e.srv, "GET", p, tok, nil)
			if (r.Status == 200 && len(r.Items()) > 0) || (r.Status == 200 && r.JSON["id"] != nil) || r.Status >= 500 {
				t.Errorf("%s GET %s: %d %s", who, p, r.Status, r.Body)
			}
		}
		// no side channel through relation filters on collections the colleague may list
		for _, p := range []string{
			"/api/collections/users/records?filter=" + url.QueryEscape(`messages_via_user.content ~ "supplier discount"`),
			"/api/collections/users/records?filter=" + url.QueryEscape(`conversations_via_user.id != ""`),
			"/api/collections/tenants/records?filter=" + url.QueryEscape(`messages_via_tenant.content ~ "supplier discount"`),
			"/api/collections/users/records?filter=" + url.QueryEscape(`@collection.messages.content ~ "supplier discount"`),
		} {
			r := apptest.Do(t, e.srv, "GET", p, tok, nil)
			if len(r.Items()) > 0 || r.Status >= 500 {
				t.Errorf("%s GET %s reveals the member's messages: %d %d items", who, p, r.Status, len(r.Items()))
			}
		}
	}
}

// TestConversationSearch: the owner finds conversations by title, by a
// question and by a word that is only in an answer, in any case and any
// Unicode form, archived apart, and never a colleague's.
func TestConversationSearch(t *testing.T) {
	t.Parallel()
	e := newEnv(t, opts{})
	byTitle := e.conversation(t, "member@smith.example")
	apptest.Do(t, e.srv, "PATCH", "/api/collections/conversations/records/"+byTitle, e.token, map[string]any{"title": "Zündkerzen für den Golf"})
	byQuestion := e.conversation(t, "member@smith.example")
	e.exchange(t, byQuestion, "Welche Zündkerzen passen in den Polo?", "Die NGK BKR6EQUP passt.")
	byAnswer := e.conversation(t, "member@smith.example")
	e.exchange(t, byAnswer, "Was brauche ich vorne?", "Die **Bremsbeläge** 1K0698151 und zwei Schrauben_M8 (100% Original).")
	// decomposed (NFD) umlauts, as some PDFs and Macs write them
	decomposed := e.conversation(t, "member@smith.example")
	e.exchange(t, decomposed, "Und hinten?", "Hintere Bremsbela\u0308ge: 5Q0698451.")
	archived := e.conversation(t, "member@smith.example")
	e.exchange(t, archived, "Alte Frage", "Bremsbeläge aus dem Archiv.")
	apptest.Do(t, e.srv, "PATCH", "/api/collections/conversations/records/"+archived, e.token, map[string]any{"archived": true})
	e.conversation(t, "member@smith.example") // empty, never matches
	colleague := e.conversation(t, "manager@smith.example")
	e.exchange(t, colleague, "Zündkerzen", "Bremsbeläge und Zündkerzen.")

	find := func(tok, q, extra string) []string {
		t.Helper()
		r := apptest.Do(t, e.srv, "GET", chat.ConversationSearchPath+"?q="+url.QueryEscape(q)+extra, tok, nil)
		mustf(t, r.Status == 200, "search %q: %d %s", q, r.Status, r.Body)
		var out []string
		for _, it := range r.Items() {
			if _, shown := it["session_id"]; shown {
				t.Errorf("search %q shows a session id", q)
			}
			out = append(out, it["id"].(string))
		}
		return out
	}
	for _, tc := range []struct {
		q, extra string
		want     []string
	}{
		{"Zündkerze", "", []string{byQuestion, byTitle}}, // newest first: the question moved its conversation up
		{"ZÜNDKERZE", "", []string{byQuestion, byTitle}},
		{"polo", "", []string{byQuestion}},
		{"Bremsbeläge", "", []string{decomposed, byAnswer}},
		{"BREMSBELÄGE", "", []string{decomposed, byAnswer}},
		{"bremsbela\u0308ge", "", []string{decomposed, byAnswer}}, // typed decomposed
		{"5q0698451", "", []string{decomposed}},                   // only in an answer
		{"1K0698151", "", []string{byAnswer}},
		{"100%", "", []string{byAnswer}}, // LIKE's wildcards are literal
		{"n_k", "", nil},
		{"Schrauben_M8", "", []string{byAnswer}},
		{"ä", "", []string{decomposed, byAnswer}}, // no ASCII to narrow by
		{"Golf", "", []string{byTitle}},
		{"Bremsbeläge", "&archived=true", []string{archived}},
		{"nothing like it", "", nil},
	} {
		if got := find(e.token, tc.q, tc.extra); !slices.Equal(got, tc.want) {
			t.Errorf("search %q%s: %v, want %v", tc.q, tc.extra, got, tc.want)
		}
	}
	// the colleague finds only their own
	if got := find(apptest.Token(t, e.app, "manager@smith.example"), "Bremsbeläge", ""); !slices.Equal(got, []string{colleague}) {
		t.Errorf("the manager's search: %v, want only %s", got, colleague)
	}
	for q, want := range map[string]int{"": 400, "   ": 400, strings.Repeat("x", 201): 400} {
		if r := apptest.Do(t, e.srv, "GET", chat.ConversationSearchPath+"?q="+url.QueryEscape(q), e.token, nil); r.Status != want || r.Message() == "" {
			t.Errorf("search %q: %d %s, want %d with a message", q, r.Status, r.Body, want)
		}
	}
	if r := apptest.Do(t, e.srv, "GET", chat.ConversationSearchPath+"?q=golf", "", nil); r.Status != 401 {
		t.Errorf("a guest's search: %d", r.Status)
	}
}

// exchange stores a question and its complete answer in conv, as the chat
// routes would (last_message_at moves), and returns after both are saved.
func (e *env) exchange(t *testing.T, conv, question, answer string) {
	t.Helper()
	c, err := e.app.FindRecordById("conversations", conv)
	if err != nil {
		t.Fatal(err)
	}
	col, err := e.app.FindCollectionByNameOrId("messages")
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range []struct{ role, content string }{{"user", question}, {"assistant", answer}} {
		r := core.NewRecord(col)
		r.Set("tenant", c.GetString("tenant"))
		r.Set("conversation", conv)
		r.Set("user", c.GetString("user"))
		r.Set("role", m.role)
		r.Set("status", "complete")
		r.Set("content", m.content)
		r.SetRaw("created", types.NowDateTime().Add(time.Duration(i)*time.Millisecond))
		if err := e.app.Save(r); err != nil {
			t.Fatal(err)
		}
	}
	// distinct, increasing times: the newest conversation is the last one given an exchange
	time.Sleep(5 * time.Millisecond)
	c.Set("last_message_at", types.NowDateTime())
	if err := e.app.Save(c); err != nil {
		t.Fatal(err)
	}
}
