// Package documents makes documents a tenant-scoped asset: uploads straight
// from the browser to the store through presigned URLs, checked against the
// tenant's allowed types, size limit and quota; downloads through short-lived
// presigned URLs minted after the rule check; metadata edits; deletion that
// never orphans a file; and the scheduled clean-up of abandoned uploads and
// objects without a record.
package documents

import (
	"context"
	"errors"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/api"
	"counterpart/hooks/jobs"
	"counterpart/internal/blob"
	migrations "counterpart/pb_migrations"
)

// Collection is the documents collection.
const Collection = "documents"

// MaxUploadBytes is the largest file any tenant may upload: the local store
// and its upload route accept bodies up to it, while each upload is held to
// its tenant's own limit when it starts and to its declared size when it
// completes.
const MaxUploadBytes = int64(migrations.MaxUploadMB) << 20

// Document statuses.
const (
	StatusPendingUpload = "pending_upload"
	StatusUploaded      = "uploaded"
	StatusProcessing    = "processing"
	StatusReady         = "ready"
	StatusFailed        = "failed"
)

// Job kinds this feature enqueues.
const (
	// JobIngest turns an uploaded document into searchable chunks (hooks/ingest handles it).
	JobIngest = "document.ingest"
	// JobDeleteObject deletes a stored file, retried until it is gone.
	JobDeleteObject = "blob.delete"
)

// Deps are what the feature needs from the app.
type Deps struct {
	Store blob.Store
	Queue *jobs.Queue
	// LocalStore is set when the local driver serves its own presigned URLs.
	LocalStore *blob.Local
	// UploadTTL is how long a presigned upload URL works (default 15m).
	UploadTTL time.Duration
	// DownloadTTL is how long a presigned download URL works (default 5m).
	DownloadTTL time.Duration
	// AbandonAfter is when a never-completed upload is removed (default 24h).
	AbandonAfter time.Duration
}

type feature struct{ Deps }

// Register binds the document routes, hooks and clean-up job.
func Register(app core.App, deps Deps) {
	if deps.UploadTTL == 0 {
		deps.UploadTTL = 15 * time.Minute
	}
	if deps.DownloadTTL == 0 {
		deps.DownloadTTL = 5 * time.Minute
	}
	if deps.AbandonAfter == 0 {
		deps.AbandonAfter = 24 * time.Hour
	}
	f := &feature{deps}
	app.Store().Set(storeKey, f)
	f.bindMetadata(app)
	f.bindDeletion(app)
	bindHasFile(app)
	f.bindCleanup(app)
	f.bindCategoryGuess(app)
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		api.Bind(se, f.Routes()...)
		return se.Next()
	})
}

// Routes lists the documents feature's custom routes.
func (f *feature) Routes() []api.Route {
	routes := []api.Route{
		{Method: "POST", Path: "/api/documents/uploads", Access: api.Member,
			Summary: "start an upload: checks type, size and quota, returns a presigned PUT URL", Handler: f.handleCreateUpload},
		{Method: "POST", Path: "/api/documents/{id}/complete", Access: api.Member,
			Summary: "finish an upload: checks the stored object and queues processing", Handler: f.handleComplete},
		{Method: "GET", Path: "/api/documents/{id}/download", Access: api.Member,
			Summary: "a short-lived presigned download URL", Handler: f.handleDownload},
		{Method: "GET", Path: RowsRoute("{id}"), Access: api.Member,
			Summary: "the header and the rows around ?row= of a table document, read from the file (a cited row)", Handler: f.handleRows},
		{Method: "POST", Path: "/api/documents/{id}/reprocess", Access: api.Member,
			Summary: "process a document again", Handler: f.handleReprocess},
	}
	if f.LocalStore != nil {
		serve := func(e *core.RequestEvent) error {
			f.LocalStore.ServeHTTP(e.Response, e.Request)
			return nil
		}
		routes = append(routes,
			api.Route{Method: "PUT", Path: blob.LocalRoute + "{path...}", Access: api.Public,
				Summary: "the local store's presigned upload URLs (the signature is the credential)", Handler: serve,
				BodyLimit: MaxUploadBytes},
			api.Route{Method: "GET", Path: blob.LocalRoute + "{path...}", Access: api.Public,
				Summary: "the local store's presigned download URLs (the signature is the credential)", Handler: serve},
		)
	}
	return routes
}

const storeKey = "counterpart.documents"

// RunCleanup removes abandoned uploads and objects without a document now, as
// the scheduled job does every 15 minutes, and says how many of each.
func RunCleanup(ctx context.Context, app core.App, now time.Time) (abandoned, orphans int, err error) {
	f, ok := app.Store().Get(storeKey).(*feature)
	if !ok {
		return 0, 0, errors.New("documents feature not registered")
	}
	if abandoned, err = f.removeAbandonedUploads(ctx, app, now); err != nil {
		return abandoned, 0, err
	}
	orphans, err = f.removeOrphanObjects(ctx, app, now)
	return abandoned, orphans, err
}

// findOwn loads a document of the caller's tenant, or answers 404: a document
// of another tenant does not exist for the caller.
func findOwn(e *core.RequestEvent) (*core.Record, error) {
	doc, err := e.App.FindRecordById(Collection, e.Request.PathValue("id"))
	if err != nil || doc.GetString("tenant") != e.Auth.GetString("tenant") {
		return nil, e.NotFoundError("This document does not exist or was deleted.", nil)
	}
	return doc, nil
}

// canEdit reports whether user may change doc: tenant admins, managers and the uploader.
func canEdit(user, doc *core.Record) bool {
	role := user.GetString("role")
	return role == "admin" || role == "manager" || doc.GetString("uploaded_by") == user.Id
}

// StoreOf returns the document store of an app with the feature registered, nil otherwise.
func StoreOf(app core.App) blob.Store {
	if f, ok := app.Store().Get(storeKey).(*feature); ok {
		return f.Store
	}
	return nil
}
