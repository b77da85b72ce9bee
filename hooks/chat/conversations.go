package chat

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"
	"github.com/pocketbase/pocketbase/tools/types"
	"golang.org/x/text/unicode/norm"
)

// bindConversations gives every new conversation its n8n session id (never
// a client's) and stops the answers of a conversation that is deleted.
func (f *feature) bindConversations(app core.App) {
	app.OnRecordCreate(Conversations).BindFunc(func(e *core.RecordEvent) error {
		e.Record.Set("session_id", "cp-"+security.RandomStringWithAlphabet(32, "abcdefghijklmnopqrstuvwxyz0123456789"))
		return e.Next()
	})
	app.OnRecordDelete(Conversations).BindFunc(func(e *core.RecordEvent) error {
		f.reg.cancelConversation(e.Record.Id, errDeleted)
		return e.Next()
	})
}

// failUnfinished marks answers still pending or streaming, last written
// before cutoff and not running in this process, as failed with a retry:
// what a crash or a kill left behind.
func (f *feature) failUnfinished(cutoff time.Time) (int, error) {
	recs, err := f.app.FindAllRecords(Messages, dbx.In("status", StatusPending, StatusStreaming),
		dbx.NewExp("updated < {:cutoff}", dbx.Params{"cutoff": cutoff.UTC().Format(types.DefaultDateLayout)}))
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range recs {
		if f.reg.get(r.Id) != nil {
			continue
		}
		r.Set("status", StatusFailed)
		r.Set("error", msgInterrupted)
		if err := f.app.Save(r); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// ConversationSearchPath is where one's conversations are searched by title
// and by the text of their questions and answers.
const ConversationSearchPath = "/api/chat/conversations"

// Limits of the conversation search.
const (
	maxConversationQueryRunes = 200
	conversationSearchLimit   = 50
)

// handleConversationSearch answers GET /api/chat/conversations?q=…[&archived=true]:
// the caller's conversations matching q, newest first, as {"items": [...]}
// in the records API's shape.
func (f *feature) handleConversationSearch(e *core.RequestEvent) error {
	query := e.Request.URL.Query()
	q := strings.TrimSpace(query.Get("q"))
	switch {
	case q == "":
		return e.BadRequestError("Type a word to search your conversations for.",
			validation.Errors{"q": validation.NewError("validation_required", "Type a word to search for.")})
	case utf8.RuneCountInString(q) > maxConversationQueryRunes:
		msg := fmt.Sprintf("Search for at most %d characters.", maxConversationQueryRunes)
		return e.BadRequestError(msg, validation.Errors{"q": validation.NewError("validation_length_too_long", msg)})
	}
	items, err := SearchConversations(e.App, e.Auth, q, query.Get("archived") == "true", conversationSearchLimit)
	if err != nil {
		e.App.Logger().Error("chat: conversation search", "user", e.Auth.Id, "error", err)
		return e.InternalServerError("The conversations could not be searched; try again.", nil)
	}
	return e.JSON(http.StatusOK, map[string]any{"items": items})
}

// SearchConversations returns user's conversations (the archived ones, or
// the others) whose title or any question or answer contains q, newest
// first, at most limit. Case and Unicode normalisation are ignored:
// "bremsbeläge", "BREMSBELÄGE" and a decomposed "Bremsbela\u0308ge" find
// one another. SQLite's LIKE folds ASCII letters only, so it merely narrows
// the messages by the ASCII runs of q, and Go decides on the folded text.
func SearchConversations(app core.App, user *core.Record, q string, archived bool, limit int) ([]*core.Record, error) {
	needle := foldText(q)
	if strings.TrimSpace(needle) == "" || limit <= 0 {
		return nil, nil
	}
	owner := dbx.Params{"user": user.Id, "tenant": user.GetString("tenant"), "archived": archived}
	var convs []struct {
		ID    string `db:"id"`
		Title string `db:"title"`
	}
	err := app.DB().Select("id", "title").From(Conversations).
		Where(dbx.NewExp("[[user]] = {:user} AND [[tenant]] = {:tenant} AND [[archived]] = {:archived}", owner)).
		OrderBy("last_message_at DESC", "created DESC", "id DESC").
		All(&convs)
	if err != nil {
		return nil, fmt.Errorf("list the conversations of %s: %w", user.Id, err)
	}
	if len(convs) == 0 {
		return nil, nil
	}
	matched := make(map[string]bool, len(convs))
	for _, c := range convs {
		if strings.Contains(foldText(c.Title), needle) {
			matched[c.ID] = true
		}
	}

	sel := app.DB().Select("m.conversation", "m.content").From(Messages+" m").
		InnerJoin(Conversations+" c", dbx.NewExp("[[c.id]] = [[m.conversation]]")).
		Where(dbx.NewExp("[[c.user]] = {:user} AND [[c.tenant]] = {:tenant} AND [[c.archived]] = {:archived}", owner))
	for i, run := range asciiRuns(norm.NFC.String(q)) {
		name := fmt.Sprintf("run%d", i)
		sel.AndWhere(dbx.NewExp("[[m.content]] LIKE {:"+name+"} ESCAPE '\\'", dbx.Params{name: "%" + likeEscaper.Replace(run) + "%"}))
	}
	rows, err := sel.Rows()
	if err != nil {
		return nil, fmt.Errorf("search the messages of %s: %w", user.Id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var conv, content string
		if err := rows.Scan(&conv, &content); err != nil {
			return nil, fmt.Errorf("read a message of %s: %w", user.Id, err)
		}
		if !matched[conv] && strings.Contains(foldText(content), needle) {
			matched[conv] = true
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search the messages of %s: %w", user.Id, err)
	}

	ids := make([]string, 0, min(limit, len(matched)))
	for _, c := range convs {
		if matched[c.ID] && len(ids) < limit {
			ids = append(ids, c.ID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	recs, err := app.FindRecordsByIds(Conversations, ids)
	if err != nil {
		return nil, fmt.Errorf("load the matching conversations: %w", err)
	}
	pos := make(map[string]int, len(ids))
	for i, id := range ids {
		pos[id] = i
	}
	slices.SortFunc(recs, func(a, b *core.Record) int { return pos[a.Id] - pos[b.Id] })
	return recs, nil
}

// foldText is s as the conversation search compares it: composed (NFC) and
// lower-cased rune by rune, so that lengths and ASCII letters stay put.
func foldText(s string) string {
	return strings.ToLower(norm.NFC.String(s))
}

// asciiRuns are the maximal runs of ASCII characters in s that hold a
// letter or digit: what SQLite's LIKE can match without knowing Unicode.
func asciiRuns(s string) []string {
	var runs []string
	for _, run := range strings.FieldsFunc(s, func(r rune) bool { return r >= utf8.RuneSelf }) {
		if strings.IndexFunc(run, func(r rune) bool { return r >= '0' && r <= '9' || r|0x20 >= 'a' && r|0x20 <= 'z' }) >= 0 {
			runs = append(runs, run)
		}
	}
	return runs
}

// likeEscaper escapes LIKE's wildcards for an ESCAPE '\' pattern.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
