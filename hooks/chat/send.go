package chat

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"counterpart/hooks/tenancy"
)

// sendRequest is the body of POST /api/chat/conversations/{id}/messages.
type sendRequest struct {
	Content string `json:"content"`
}

// quotaError is a used-up monthly quota, with the sentence users read.
type quotaError struct{ msg string }

func (q *quotaError) Error() string { return q.msg }

// handleSend stores a question, creates its pending answer and generates it.
func (f *feature) handleSend(e *core.RequestEvent) error {
	started := time.Now()
	conv, err := findOwn(e, Conversations, "conversation")
	if err != nil {
		return err
	}
	content, err := f.readQuestion(e)
	if err != nil {
		return err
	}
	tenant, err := e.App.FindRecordById(tenancy.Tenants, conv.GetString("tenant"))
	if err != nil {
		return e.NotFoundError("Your tenant was not found.", nil)
	}

	col, err := e.App.FindCachedCollectionByNameOrId(Messages)
	if err != nil {
		return e.InternalServerError("", err)
	}
	now := types.NowDateTime()
	question := core.NewRecord(col)
	question.Id = core.GenerateDefaultRandomId()
	question.Set("tenant", tenant.Id)
	question.Set("conversation", conv.Id)
	question.Set("user", e.Auth.Id)
	question.Set("role", RoleUser)
	question.Set("status", StatusComplete)
	question.Set("content", content)
	question.Set("sources", []Source{})
	question.SetRaw("created", now)
	answer := core.NewRecord(col)
	answer.Id = core.GenerateDefaultRandomId()
	answer.Set("tenant", tenant.Id)
	answer.Set("conversation", conv.Id)
	answer.Set("user", e.Auth.Id)
	answer.Set("role", RoleAssistant)
	answer.Set("status", StatusPending)
	answer.Set("reply_to", question.Id)
	answer.Set("sources", []Source{})
	// one millisecond later, so that sorting by created puts the answer after its question
	answer.SetRaw("created", now.Add(time.Millisecond))

	g := f.newGeneration(e, answer, question, conv, tenant, started)
	if err := f.reg.add(g, f.Config.MaxInflightPerUser, f.Config.MaxInflightPerTenant); err != nil {
		g.cancel(nil)
		return f.busyError(e, tenant, err)
	}
	// the n8n request (history, search token) is built while the question is stored
	f.prepare(g)
	err = e.App.RunInTransaction(func(tx core.App) error {
		if err := checkQuota(tx, tenant, started); err != nil {
			return err
		}
		if err := tx.Save(question); err != nil {
			return err
		}
		if err := tx.Save(answer); err != nil {
			return err
		}
		// a first question names the conversation (fresh, so that a rename meanwhile is not
		// overwritten); last_message_at follows when the answer is saved
		if strings.TrimSpace(conv.GetString("title")) != "" {
			return nil
		}
		c, err := tx.FindRecordById(Conversations, conv.Id)
		if err != nil {
			return err
		}
		if strings.TrimSpace(c.GetString("title")) != "" {
			return nil
		}
		c.Set("title", autoTitle(content))
		c.Set("last_message_at", now)
		return tx.Save(c)
	})
	if err != nil {
		f.reg.remove(g)
		g.cancel(nil)
		var qe *quotaError
		if errors.As(err, &qe) {
			return e.TooManyRequestsError(qe.msg, nil)
		}
		if _, gone := e.App.FindRecordById(Conversations, conv.Id); gone != nil {
			return e.NotFoundError("This conversation does not exist or was deleted.", nil)
		}
		e.App.Logger().Error("chat: storing the question", "conversation", conv.Id, "error", err)
		return e.InternalServerError("Your question could not be stored; try again.", nil)
	}
	// as if loaded: the answer's later saves then find its stored state without a query
	_ = answer.PostScan()
	f.launch(g, answer)
	return f.respond(e, g, question, answer)
}

// readQuestion reads and checks the question: not empty, at most
// chat.max_message_bytes.
func (f *feature) readQuestion(e *core.RequestEvent) (string, error) {
	max := f.Config.MaxMessageBytes
	tooLong := func(n int) error {
		return e.Error(http.StatusRequestEntityTooLarge, fmt.Sprintf(
			"Your message is too long (%d bytes); at most %d bytes are allowed. Shorten it or split it into several questions.", n, max), nil)
	}
	// room for JSON escaping of a message of the maximum size
	limit := int64(max)*6 + 4096
	raw, err := io.ReadAll(io.LimitReader(e.Request.Body, limit+1))
	if err != nil {
		return "", e.BadRequestError("The request body could not be read.", nil)
	}
	if int64(len(raw)) > limit {
		return "", tooLong(len(raw))
	}
	var in sendRequest
	if err := json.Unmarshal(raw, &in); err != nil {
		return "", e.BadRequestError(`The body must be JSON: {"content": "your question"}.`, nil)
	}
	content := strings.TrimSpace(strings.ReplaceAll(in.Content, "\x00", ""))
	if content == "" {
		return "", e.BadRequestError("Type a question first: the message is empty.", nil)
	}
	if len(content) > max {
		return "", tooLong(len(content))
	}
	return content, nil
}

// checkQuota refuses a question when the tenant's monthly quota is used up,
// counting its questions since the start of the month in its time zone.
func checkQuota(tx core.App, tenant *core.Record, now time.Time) error {
	quota := tenant.GetInt("monthly_message_quota")
	if quota <= 0 {
		return nil
	}
	start, next := monthOf(now, tenant.GetString("timezone"))
	n, err := tx.CountRecords(Messages, dbx.HashExp{"tenant": tenant.Id, "role": RoleUser},
		dbx.NewExp("created >= {:since}", dbx.Params{"since": start.UTC().Format(types.DefaultDateLayout)}))
	if err != nil {
		return err
	}
	if n >= int64(quota) {
		return &quotaError{fmt.Sprintf("The monthly quota of %d messages for %s is used up; it resets on %s.",
			quota, tenant.GetString("name"), next.Format("2 January 2006"))}
	}
	return nil
}

// monthOf returns the start of now's month and of the next one in the time zone tz (UTC when unknown).
func monthOf(now time.Time, tz string) (start, next time.Time) {
	loc, err := time.LoadLocation(tz)
	if err != nil || tz == "" {
		loc = time.UTC
	}
	t := now.In(loc)
	start = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, loc)
	return start, start.AddDate(0, 1, 0)
}

// busyError is the 429 of an in-flight limit.
func (f *feature) busyError(e *core.RequestEvent, tenant *core.Record, err error) error {
	switch {
	case errors.Is(err, errUserBusy):
		return e.TooManyRequestsError(fmt.Sprintf("You already have %d answers being generated; wait for one to finish or stop it, then ask again.",
			f.Config.MaxInflightPerUser), nil)
	case errors.Is(err, errTenantBusy):
		return e.TooManyRequestsError(fmt.Sprintf("%s has %d answers being generated right now, the most allowed at once; try again in a moment.",
			tenant.GetString("name"), f.Config.MaxInflightPerTenant), nil)
	}
	return e.Error(http.StatusConflict, "This answer is being generated already.", nil)
}

// newGeneration prepares the generation of answer, detached from e.
func (f *feature) newGeneration(e *core.RequestEvent, answer, question, conv, tenant *core.Record, started time.Time) *generation {
	g := newGeneration(f.ctx, answer.Id, tenant.Id, e.Auth.Id, conv.Id, question, started)
	g.answerCreated = answer.GetDateTime("created").String()
	g.ask = askContext{sessionID: conv.GetString("session_id"), tenantName: tenant.GetString("name"),
		systemPrompt: tenant.GetString("system_prompt"), userName: e.Auth.GetString("name"), userRole: e.Auth.GetString("role")}
	return g
}

// handleRetry asks a failed or stopped answer's question again, into the same answer.
func (f *feature) handleRetry(e *core.RequestEvent) error {
	started := time.Now()
	answer, err := findOwn(e, Messages, "message")
	if err != nil {
		return err
	}
	if answer.GetString("role") != RoleAssistant {
		return e.BadRequestError("Only an answer can be retried; to ask again, send the question.", nil)
	}
	if s := answer.GetString("status"); s != StatusFailed && s != StatusStopped {
		return e.Error(http.StatusConflict, fmt.Sprintf("Only a failed or stopped answer can be retried; this one is %s.", s), nil)
	}
	question, err := e.App.FindRecordById(Messages, answer.GetString("reply_to"))
	if err != nil || question.GetString("conversation") != answer.GetString("conversation") {
		return e.Error(http.StatusConflict, "The question of this answer is gone; ask it again.", nil)
	}
	conv, err := e.App.FindRecordById(Conversations, answer.GetString("conversation"))
	if err != nil {
		return e.NotFoundError("This conversation does not exist or was deleted.", nil)
	}
	tenant, err := e.App.FindRecordById(tenancy.Tenants, answer.GetString("tenant"))
	if err != nil {
		return e.NotFoundError("Your tenant was not found.", nil)
	}
	g := f.newGeneration(e, answer, question, conv, tenant, started)
	if err := f.reg.add(g, f.Config.MaxInflightPerUser, f.Config.MaxInflightPerTenant); err != nil {
		g.cancel(nil)
		return f.busyError(e, tenant, err)
	}
	for k, v := range map[string]any{"status": StatusPending, "content": "", "error": "", "sources": []Source{}, "model": "",
		"tokens_in": 0, "tokens_out": 0, "latency_ms": 0, "first_token_ms": 0, "retrieval_only": false,
		"feedback": "", "feedback_comment": ""} {
		answer.Set(k, v)
	}
	if err := e.App.Save(answer); err != nil {
		f.reg.remove(g)
		g.cancel(nil)
		e.App.Logger().Error("chat: resetting the answer to retry", "message", answer.Id, "error", err)
		return e.InternalServerError("The answer could not be retried; try again.", nil)
	}
	f.prepare(g)
	f.launch(g, answer)
	return f.respond(e, g, question, answer)
}

// handleStop stops a running answer: the upstream call is cancelled and the
// partial answer saved as stopped. It answers with the answer's record as it
// ends; stopping an answer that is finished changes nothing.
func (f *feature) handleStop(e *core.RequestEvent) error {
	answer, err := findOwn(e, Messages, "message")
	if err != nil {
		return err
	}
	if answer.GetString("role") != RoleAssistant {
		return e.BadRequestError("Only an answer can be stopped.", nil)
	}
	if g := f.reg.get(answer.Id); g != nil {
		g.cancel(errStopped)
		select {
		case <-g.done:
		case <-time.After(15 * time.Second):
			return e.Error(http.StatusAccepted, "Stopping; the answer is being saved.", nil)
		case <-e.Request.Context().Done():
			return nil
		}
		if _, _, final := g.read(0); final != nil {
			return e.JSON(http.StatusOK, final)
		}
		return e.NotFoundError("This message does not exist or was deleted.", nil)
	}
	if s := answer.GetString("status"); s == StatusPending || s == StatusStreaming {
		// no process runs it (it was cut off by a crash): settle it now
		answer.Set("status", StatusStopped)
		if err := e.App.Save(answer); err != nil {
			return e.InternalServerError("", err)
		}
	}
	return e.JSON(http.StatusOK, answer)
}

// feedbackRequest is the body of POST /api/chat/messages/{id}/feedback.
type feedbackRequest struct {
	Rating  string `json:"rating"`
	Comment string `json:"comment"`
}

// maxFeedbackComment is the longest feedback comment, in characters.
const maxFeedbackComment = 2000

// handleFeedback records a thumbs up or down, with an optional comment, on an answer.
func (f *feature) handleFeedback(e *core.RequestEvent) error {
	answer, err := findOwn(e, Messages, "message")
	if err != nil {
		return err
	}
	var in feedbackRequest
	if err := e.BindBody(&in); err != nil {
		return e.BadRequestError(`The body must be JSON: {"rating": "up" or "down", "comment": "..."}.`, nil)
	}
	in.Comment = strings.TrimSpace(in.Comment)
	switch {
	case answer.GetString("role") != RoleAssistant:
		return e.BadRequestError("Feedback is for the assistant's answers, not for questions.", nil)
	case in.Rating != "up" && in.Rating != "down":
		return e.BadRequestError(`Rate the answer "up" or "down".`, nil)
	case len([]rune(in.Comment)) > maxFeedbackComment:
		return e.BadRequestError(fmt.Sprintf("The comment is too long: at most %d characters.", maxFeedbackComment), nil)
	}
	if f.reg.get(answer.Id) != nil {
		return e.Error(http.StatusConflict, "Wait until the answer is finished, then rate it.", nil)
	}
	answer.Set("feedback", in.Rating)
	answer.Set("feedback_comment", in.Comment)
	if err := e.App.Save(answer); err != nil {
		return e.InternalServerError("The feedback could not be saved; try again.", nil)
	}
	return e.JSON(http.StatusOK, answer)
}

// respond answers a send or retry: as server-sent events when the client
// accepts them, else as JSON once the answer is finished. Either way the
// answer is generated and saved even if the client goes away.
func (f *feature) respond(e *core.RequestEvent, g *generation, question, answer *core.Record) error {
	if strings.Contains(e.Request.Header.Get("Accept"), "text/event-stream") {
		return f.streamEvents(e, g, question, answer)
	}
	select {
	case <-g.done:
	case <-e.Request.Context().Done():
		return nil
	}
	_, _, final := g.read(0)
	if final == nil {
		return e.InternalServerError("The answer could not be saved; reload the conversation.", nil)
	}
	return e.JSON(http.StatusOK, map[string]any{"question": question, "answer": final})
}

// keepAlive is how often an idle event stream gets a comment line, so that
// proxies do not close it while the agent thinks.
const keepAlive = 15 * time.Second

// streamEvents relays g as server-sent events: start, delta…, sources, then
// done (the final record) or error.
func (f *feature) streamEvents(e *core.RequestEvent, g *generation, question, answer *core.Record) error {
	rc := http.NewResponseController(e.Response)
	// the server's write timeout would cut a long answer
	_ = rc.SetWriteDeadline(time.Now().Add(f.Timeout + 2*time.Minute))
	h := e.Response.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	e.Response.WriteHeader(http.StatusOK)
	w := &sseWriter{w: e.Response, rc: rc}
	w.event("start", map[string]any{"conversation": g.conversation, "question": question.Id, "message": answer.Id})

	wake, unsubscribe := g.subscribe()
	defer unsubscribe()
	ping := time.NewTicker(keepAlive)
	defer ping.Stop()
	sent := 0
	for {
		delta, finished, final := g.read(sent)
		if delta != "" {
			w.event("delta", map[string]string{"text": delta})
			sent += len(delta)
		}
		if finished {
			switch {
			case final == nil:
				w.event("error", map[string]any{"message": "The answer could not be saved; reload the conversation.", "retry": true, "id": g.id})
			case final.GetString("status") == StatusFailed:
				w.event("sources", recordSources(final))
				w.event("error", map[string]any{"message": final.GetString("error"), "retry": true, "id": g.id, "record": final})
			default:
				w.event("sources", recordSources(final))
				w.event("done", final)
			}
			w.flush()
			return nil
		}
		if w.flush() != nil {
			return nil // the client went away; the answer carries on
		}
		select {
		case <-wake:
		case <-ping.C:
			w.comment("keep-alive")
		case <-e.Request.Context().Done():
			return nil
		}
	}
}

// sseWriter writes server-sent events; after a write error it writes nothing.
type sseWriter struct {
	w   io.Writer
	rc  *http.ResponseController
	buf bytes.Buffer
	err error
}

func (s *sseWriter) event(name string, data any) {
	if s.err != nil {
		return
	}
	b, err := json.Marshal(data)
	if err != nil {
		s.err = err
		return
	}
	s.buf.Reset()
	s.buf.WriteString("event: ")
	s.buf.WriteString(name)
	s.buf.WriteString("\ndata: ")
	s.buf.Write(b)
	s.buf.WriteString("\n\n")
	_, s.err = s.w.Write(s.buf.Bytes())
}

func (s *sseWriter) comment(text string) {
	if s.err == nil {
		_, s.err = io.WriteString(s.w, ": "+text+"\n\n")
	}
}

func (s *sseWriter) flush() error {
	if s.err == nil {
		s.err = s.rc.Flush()
	}
	return s.err
}
