package chat_test

import (
	"fmt"
	"net/url"
	"testing"

	"counterpart/hooks/apptest"
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

// TestConversationSearch: the owner finds conversations by title and by
// message text through the records API, and only their own.
func TestConversationSearch(t *testing.T) {
	t.Parallel()
	e := newEnv(t, opts{})
	byTitle := e.conversation(t, "member@smith.example")
	apptest.Do(t, e.srv, "PATCH", "/api/collections/conversations/records/"+byTitle, e.token, map[string]any{"title": "Zündkerzen für den Golf"})
	byText := e.conversation(t, "member@smith.example")
	apptest.Do(t, e.srv, "POST", sendPath(byText), e.token, map[string]any{"content": "Welche Zündkerzen passen in den Polo?"})
	e.conversation(t, "member@smith.example") // empty, never matches
	colleague := e.conversation(t, "manager@smith.example")
	apptest.Do(t, e.srv, "POST", sendPath(colleague), apptest.Token(t, e.app, "manager@smith.example"), map[string]any{"content": "Zündkerzen"})

	find := func(tok, q string) map[string]bool {
		f := fmt.Sprintf(`title ~ %q || messages_via_conversation.content ~ %q`, q, q)
		r := apptest.Do(t, e.srv, "GET", "/api/collections/conversations/records?perPage=50&sort=-last_message_at&filter="+url.QueryEscape(f), tok, nil)
		mustf(t, r.Status == 200, "search: %d %s", r.Status, r.Body)
		out := map[string]bool{}
		for _, it := range r.Items() {
			out[it["id"].(string)] = true
		}
		return out
	}
	got := find(e.token, "Zündkerze")
	if len(got) != 2 || !got[byTitle] || !got[byText] {
		t.Errorf("search Zündkerze: %v (want %s and %s)", got, byTitle, byText)
	}
	if got := find(e.token, "Polo"); len(got) != 1 || !got[byText] {
		t.Errorf("search Polo: %v", got)
	}
	if got := find(e.token, "Golf"); len(got) != 1 || !got[byTitle] {
		t.Errorf("search Golf: %v", got)
	}
}
