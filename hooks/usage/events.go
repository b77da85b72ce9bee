package usage

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// The collections and states whose transitions are events. They are the
// chat's and documents' own names; this package only watches their records.
const (
	messages  = "messages"
	documents = "documents"
	users     = "users"
)

// answerKinds maps an answer's final status to its event.
var answerKinds = map[string]string{
	"complete": KindAnswerCompleted,
	"failed":   KindAnswerFailed,
	"stopped":  KindAnswerStopped,
}

// documentKinds maps a document status to its event.
var documentKinds = map[string]string{
	"uploaded": KindDocumentUploaded,
	"ready":    KindDocumentProcessed,
	"failed":   KindDocumentFailed,
}

// stored is a record's state in the database before a save. The record's
// Original() cannot tell: PocketBase does not refresh it after a save, and the
// chat saves one answer object many times.
type stored struct {
	Status   string `db:"status"`
	Feedback string `db:"feedback"`
}

func loadStored(app core.App, table, id string, withFeedback bool) (stored, error) {
	var s stored
	cols := []string{"status"}
	if withFeedback {
		cols = append(cols, "feedback")
	}
	err := app.DB().Select(cols...).From(table).Where(dbx.HashExp{"id": id}).One(&s)
	return s, err
}

// bindMessageEvents records answers reaching complete, failed or stopped, and
// feedback being set or changed.
func bindMessageEvents(app core.App) {
	app.OnRecordCreate(messages).BindFunc(func(e *core.RecordEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		if e.Record.GetString("role") == "assistant" {
			writeMessageEvents(e.App, stored{}, e.Record)
		}
		return nil
	})
	app.OnRecordUpdate(messages).BindFunc(func(e *core.RecordEvent) error {
		r := e.Record
		_, final := answerKinds[r.GetString("status")]
		if r.GetString("role") != "assistant" || (!final && r.GetString("feedback") == "") {
			return e.Next() // a streaming write: nothing to record, no extra read
		}
		before, err := loadStored(e.App, messages, r.Id, true)
		if err != nil {
			e.App.Logger().Warn("usage: reading an answer before its save", "message", r.Id, "error", err)
		}
		if err := e.Next(); err != nil {
			return err
		}
		writeMessageEvents(e.App, before, r)
		return nil
	})
}

// writeMessageEvents records what changed from before to the saved answer r.
// Usage must never break the chat: a failure is logged, not returned.
func writeMessageEvents(app core.App, before stored, r *core.Record) {
	status := r.GetString("status")
	base := Event{Tenant: r.GetString("tenant"), User: r.GetString("user"), Conversation: r.GetString("conversation"), Subject: r.Id}
	// the key carries the save's time: the same answer may finish again after a retry
	at := r.GetDateTime("updated").String()
	if kind, ok := answerKinds[status]; ok && before.Status != status {
		ev := base
		ev.Kind = kind
		ev.Model = r.GetString("model")
		ev.TokensIn, ev.TokensOut = int64(r.GetInt("tokens_in")), int64(r.GetInt("tokens_out"))
		ev.LatencyMs, ev.FirstTokenMs = int64(r.GetInt("latency_ms")), int64(r.GetInt("first_token_ms"))
		ev.RetrievalOnly = r.GetBool("retrieval_only")
		ev.Documents = citedDocuments(r.GetString("sources"))
		ev.Source = fmt.Sprintf("message:%s:%s:%s", r.Id, status, at)
		if err := Record(app, ev); err != nil {
			app.Logger().Error("usage: recording an answer", "message", r.Id, "error", err)
		}
	}
	if fb := r.GetString("feedback"); fb != "" && fb != before.Feedback {
		ev := base
		ev.Kind = KindFeedback
		ev.Model = r.GetString("model")
		ev.Feedback, ev.Previous = fb, before.Feedback
		ev.Source = fmt.Sprintf("feedback:%s:%s:%s", r.Id, fb, at)
		if err := Record(app, ev); err != nil {
			app.Logger().Error("usage: recording feedback", "message", r.Id, "error", err)
		}
	}
}

// citedDocuments returns the distinct document ids of an answer's sources JSON.
func citedDocuments(sources string) []string {
	var list []struct {
		Document string `json:"document"`
	}
	if sources == "" || json.Unmarshal([]byte(sources), &list) != nil {
		return nil
	}
	var ids []string
	for _, s := range list {
		if s.Document != "" && !slices.Contains(ids, s.Document) {
			ids = append(ids, s.Document)
		}
	}
	return ids
}

// bindDocumentEvents records documents uploaded, processed and failed.
func bindDocumentEvents(app core.App) {
	app.OnRecordCreate(documents).BindFunc(func(e *core.RecordEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		writeDocumentEvent(e.App, "", e.Record)
		return nil
	})
	app.OnRecordUpdate(documents).BindFunc(func(e *core.RecordEvent) error {
		if _, ok := documentKinds[e.Record.GetString("status")]; !ok {
			return e.Next()
		}
		before, err := loadStored(e.App, documents, e.Record.Id, false)
		if err != nil {
			e.App.Logger().Warn("usage: reading a document before its save", "document", e.Record.Id, "error", err)
		}
		if err := e.Next(); err != nil {
			return err
		}
		writeDocumentEvent(e.App, before.Status, e.Record)
		return nil
	})
}

func writeDocumentEvent(app core.App, before string, r *core.Record) {
	status := r.GetString("status")
	kind, ok := documentKinds[status]
	if !ok || before == status {
		return
	}
	source, ok := documentSource(before, r)
	if !ok {
		return
	}
	ev := Event{Tenant: r.GetString("tenant"), Kind: kind, User: r.GetString("uploaded_by"), Subject: r.Id,
		Bytes: int64(r.GetInt("size")), Pages: int64(r.GetInt("pages")), Rows: int64(r.GetInt("rows")),
		Source: source}
	if err := Record(app, ev); err != nil {
		app.Logger().Error("usage: recording a document event", "document", r.Id, "error", err)
	}
}

// documentSource is the source key of a document reaching the saved record
// r's status from before, or false when the step is no event. The
// dashboard's "uploaded, processed, failed to process" count documents:
//   - uploaded is the file's arrival only: a reprocess also sets "uploaded"
//     (from ready or failed), and that is no new upload;
//   - processed counts each successful processing (a reprocessed document
//     is processed again, its pages read again);
//   - failed counts a document once per failure that follows a success or
//     its upload: the key carries the time of its last successful
//     processing (processed_at), so a failed document that is reprocessed
//     and fails again is the same failed document, while one that was ready
//     in between and then fails is a new failure.
func documentSource(before string, r *core.Record) (string, bool) {
	status := r.GetString("status")
	switch status {
	case "uploaded":
		if before != "" && before != "pending_upload" {
			return "", false
		}
		return fmt.Sprintf("document:%s:uploaded", r.Id), true
	case "failed":
		since := "never"
		if at := r.GetDateTime("processed_at"); !at.IsZero() {
			since = at.String()
		}
		return fmt.Sprintf("document:%s:failed:since-ready:%s", r.Id, since), true
	}
	return fmt.Sprintf("document:%s:%s:%s", r.Id, status, r.GetDateTime("updated").String()), true
}

// bindSignIn records each successful sign-in of a tenant user (password, OTP,
// OAuth2). A token refresh or an impersonation has no auth method and is no
// sign-in; a first factor that still needs MFA is not one either (it fails).
func bindSignIn(app core.App) {
	app.OnRecordAuthRequest(users).BindFunc(func(e *core.RecordAuthRequestEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		if e.AuthMethod == "" || e.Record.GetString("tenant") == "" {
			return nil
		}
		if err := Record(e.App, Event{Tenant: e.Record.GetString("tenant"), Kind: KindSignIn, User: e.Record.Id, Subject: e.AuthMethod}); err != nil {
			e.App.Logger().Error("usage: recording a sign-in", "user", e.Record.Id, "error", err)
		}
		return nil
	})
}
