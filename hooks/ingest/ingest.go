// Package ingest turns uploaded documents into searchable passages. A durable
// job per document either sends the document to n8n's ingest workflow, which
// calls back with the chunks, or, with no n8n configured, extracts the text
// in the binary itself. Either way the chunks land in the tenant's full-text
// index and the document's status tells users where it stands.
package ingest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/api"
	"counterpart/hooks/documents"
	"counterpart/hooks/jobs"
	"counterpart/internal/blob"
	"counterpart/internal/extract"
	"counterpart/internal/n8n"

	"counterpart/internal/textcut"
)

// Deps are what the feature needs from the app.
type Deps struct {
	Store blob.Store
	Queue *jobs.Queue
	// N8N is set when an ingest webhook is configured; nil means built-in processing.
	N8N *N8N
	// Extractor is the built-in processor's configuration (zero value: defaults).
	Extractor extract.Extractor
}

// N8N is the ingest webhook and the keys to talk to it.
type N8N struct {
	URL      string
	Client   *http.Client
	Signer   *n8n.Signer
	Verifier *n8n.Verifier
	// PublicURL is where n8n reaches Counterpart for the callback.
	PublicURL string
	// DownloadTTL is how long n8n's download URL works (default 30m).
	DownloadTTL time.Duration
	// CallbackWait is how long a document may stay processing without a callback (default 2h).
	CallbackWait time.Duration
}

type feature struct{ Deps }

// Register binds the ingest job handler, the n8n callback route and the watchdog.
func Register(app core.App, deps Deps) {
	f := &feature{deps}
	if f.N8N != nil {
		if f.N8N.DownloadTTL == 0 {
			f.N8N.DownloadTTL = 30 * time.Minute
		}
		if f.N8N.CallbackWait == 0 {
			f.N8N.CallbackWait = 2 * time.Hour
		}
		app.Cron().MustAdd("ingestWatchdog", "*/10 * * * *", func() {
			if n, err := FailStalled(app, time.Now().Add(-f.N8N.CallbackWait)); err != nil {
				app.Logger().Error("ingest watchdog", "error", err)
			} else if n > 0 {
				app.Logger().Warn("documents failed: n8n never called back", "count", n)
			}
		})
	}
	f.Queue.Handle(documents.JobIngest, f.runJob, f.giveUp)
	bindIndexCleanup(app)
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		api.Bind(se, f.Routes()...)
		return se.Next()
	})
}

// Routes lists the ingest feature's custom routes.
func (f *feature) Routes() []api.Route {
	return []api.Route{{Method: "POST", Path: "/api/n8n/callback/documents/{id}", Access: api.N8N,
		Summary: "n8n posts a document's chunks and final status", Handler: f.handleCallback}}
}

// runJob processes one document.
func (f *feature) runJob(ctx context.Context, app core.App, job *jobs.Job) error {
	doc, err := app.FindRecordById(documents.Collection, job.Subject)
	if err != nil {
		return nil // deleted meanwhile: nothing to do
	}
	switch doc.GetString("status") {
	case documents.StatusUploaded, documents.StatusProcessing:
	default:
		return nil
	}
	if err := documents.SetState(app, doc, map[string]any{"status": documents.StatusProcessing, "error": ""}); err != nil {
		return err
	}
	if f.N8N != nil {
		return f.dispatch(ctx, app, doc)
	}
	err = f.builtin(ctx, app, doc)
	if errors.Is(err, extract.ErrUnreadable) || errors.Is(err, extract.ErrNoText) ||
		errors.Is(err, extract.ErrUnsupportedType) || errors.Is(err, extract.ErrTooLarge) {
		return jobs.Permanent(err)
	}
	return err
}

// giveUp records why a document could not be processed.
func (f *feature) giveUp(app core.App, job *jobs.Job, cause error) error {
	doc, err := app.FindRecordById(documents.Collection, job.Subject)
	if err != nil {
		return nil
	}
	return markFailed(app, doc, reason(cause))
}

func markFailed(app core.App, doc *core.Record, why string) error {
	if err := documents.SetState(app, doc, map[string]any{"status": documents.StatusFailed, "error": why}); err != nil {
		return fmt.Errorf("mark %s failed: %w", doc.Id, err)
	}
	return nil
}

// reason is the sentence a user reads for a processing failure.
func reason(err error) string {
	var pe *permanentMessage
	if errors.As(err, &pe) {
		return pe.msg
	}
	return textcut.Clip(err.Error(), 500)
}

// permanentMessage is an error whose text is written for the user (it may still be retried).
type permanentMessage struct{ msg string }

func (p *permanentMessage) Error() string { return p.msg }
