package chat

import (
	"encoding/json"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// ChatRequest is what Counterpart posts to n8n's chat webhook (docs/n8n.md):
// the Chat Trigger's fields (action, sessionId, chatInput) and Counterpart's.
type ChatRequest struct {
	Action    string `json:"action"`
	SessionID string `json:"sessionId"`
	ChatInput string `json:"chatInput"`

	Tenant         string        `json:"tenant"`
	TenantName     string        `json:"tenantName"`
	User           ChatUser      `json:"user"`
	SystemMessage  string        `json:"systemMessage"`
	History        []HistoryTurn `json:"history"`
	ConversationID string        `json:"conversationId"`
	MessageID      string        `json:"messageId"`
	SearchTool     SearchTool    `json:"searchTool"`
	// PartsTool is the lookup_part tool: the same token, the parts lookup route.
	PartsTool SearchTool `json:"partsTool"`
}

// ChatUser is who asks.
type ChatUser struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Role string `json:"role"`
}

// HistoryTurn is one earlier message of the conversation, oldest first.
type HistoryTurn struct {
	Role    string `json:"role"` // "user" or "assistant"
	Content string `json:"content"`
}

// SearchTool tells the agent's HTTP Request tool where to search and with
// which token (Authorization: Bearer <token>).
type SearchTool struct {
	URL    string `json:"url"`
	Method string `json:"method"`
	Token  string `json:"token"`
}

// instruction follows the tenant's own system prompt.
const instruction = "You are Counterpart, the parts-counter assistant of %s. Answer from the dealership's documents: " +
	"call the search tool with the part numbers and key words of the question, and cite every passage you use with " +
	"its document title and page or row. If the documents do not answer the question, say so instead of guessing. " +
	"When the question names a part number, call the lookup_part tool with it first: quote prices, core charges, " +
	"pack quantities and supersessions only from that tool's answer, name the part to order (current) when the number " +
	"is superseded, cite the price file and row, and when the tool lists the number as not found, say it is not in the " +
	"dealership's price files; never give the price of a similar number as the price of the one asked for."

// maxHistoryRunes bounds each earlier message sent as history.
const maxHistoryRunes = 4000

// askContext is what the request that started a generation knew about it,
// so that the run does not read it again.
type askContext struct {
	sessionID    string
	tenantName   string
	systemPrompt string
	userName     string
	userRole     string
}

// prepared is a built webhook request body.
type prepared struct {
	body []byte
	err  error
}

// prepare builds g's webhook request in the background (nothing to do
// without n8n); askN8N takes it.
func (f *feature) prepare(g *generation) {
	if f.N8N == nil {
		return
	}
	g.prep = make(chan prepared, 1)
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		body, err := f.chatRequest(g)
		g.prep <- prepared{body, err}
	}()
}

// chatRequest builds the webhook's JSON body for g.
func (f *feature) chatRequest(g *generation) ([]byte, error) {
	token, err := f.tool.mint(g.tenant, g.user, g.id)
	if err != nil {
		return nil, err
	}
	a := g.ask
	system := strings.ReplaceAll(instruction, "%s", a.tenantName)
	if p := strings.TrimSpace(a.systemPrompt); p != "" {
		system = p + "\n\n" + system
	}
	return json.Marshal(ChatRequest{
		Action:         "sendMessage",
		SessionID:      a.sessionID,
		ChatInput:      g.question.GetString("content"),
		Tenant:         g.tenant,
		TenantName:     a.tenantName,
		User:           ChatUser{ID: g.user, Name: a.userName, Role: a.userRole},
		SystemMessage:  system,
		History:        f.history(g),
		ConversationID: g.conversation,
		MessageID:      g.id,
		SearchTool:     SearchTool{URL: strings.TrimRight(f.PublicURL, "/") + SearchToolPath, Method: "POST", Token: token},
		PartsTool:      SearchTool{URL: strings.TrimRight(f.PublicURL, "/") + PartsToolPath, Method: "POST", Token: token},
	})
}

// history returns the last complete question/answer pairs before g's answer,
// oldest first, at most chat.history_turns of them.
func (f *feature) history(g *generation) []HistoryTurn {
	turns := []HistoryTurn{}
	if f.Config.HistoryTurns <= 0 {
		return turns
	}
	var answers []*core.Record
	err := f.app.RecordQuery(Messages).
		AndWhere(dbx.HashExp{"conversation": g.conversation, "role": RoleAssistant, "status": StatusComplete}).
		AndWhere(dbx.NewExp("id != {:id} AND created < {:before}", dbx.Params{"id": g.id, "before": g.answerCreated})).
		OrderBy("created DESC").Limit(int64(f.Config.HistoryTurns)).All(&answers)
	if err != nil {
		f.app.Logger().Warn("chat: reading the history", "message", g.id, "error", err)
		return turns
	}
	if len(answers) == 0 {
		return turns
	}
	ids := make([]string, 0, len(answers))
	for _, a := range answers {
		ids = append(ids, a.GetString("reply_to"))
	}
	questions := map[string]string{}
	if qs, err := f.app.FindRecordsByIds(Messages, ids); err == nil {
		for _, q := range qs {
			if q.GetString("conversation") == g.conversation {
				questions[q.Id] = q.GetString("content")
			}
		}
	}
	slices.Reverse(answers)
	for _, a := range answers {
		q, ok := questions[a.GetString("reply_to")]
		if !ok {
			continue
		}
		turns = append(turns, HistoryTurn{Role: RoleUser, Content: clipRunes(q, maxHistoryRunes)},
			HistoryTurn{Role: RoleAssistant, Content: clipRunes(a.GetString("content"), maxHistoryRunes)})
	}
	return turns
}

// clipRunes returns s cut to at most n characters.
func clipRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// autoTitle makes a conversation title of a first question: its first line,
// blanks collapsed, at most 80 characters cut at a word.
func autoTitle(question string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(question), "\n")
	line = strings.Join(strings.Fields(line), " ")
	const max = 80
	if utf8.RuneCountInString(line) <= max {
		return line
	}
	r := []rune(line)[:max]
	if i := strings.LastIndexByte(string(r), ' '); i > max/2 {
		return string(r)[:i] + "…"
	}
	return string(r) + "…"
}
