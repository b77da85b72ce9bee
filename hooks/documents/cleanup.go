package documents

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/jobs"
	"counterpart/internal/blob"
)

// orphanGrace is how old an object without a record must be before it is
// removed: a record is created before its upload URL exists, so a young
// object may belong to a record still being written.
const orphanGrace = time.Hour

func (f *feature) bindDeletion(app core.App) {
	// the object goes after the record: a retried job, so it is never orphaned
	app.OnRecordAfterDeleteSuccess(Collection).BindFunc(func(e *core.RecordEvent) error {
		key := e.Record.GetString("storage_key")
		if key != "" {
			if _, err := f.Queue.Enqueue(e.App, e.Record.GetString("tenant"), JobDeleteObject, e.Record.Id, map[string]any{"key": key}); err != nil {
				// the tenant is being deleted (its jobs go with it): the tenant hook removes all of its files
				e.App.Logger().Warn("queue object delete", "document", e.Record.Id, "error", err)
			}
		}
		return e.Next()
	})
	f.Queue.Handle(JobDeleteObject, func(ctx context.Context, app core.App, job *jobs.Job) error {
		var p struct {
			Key string `json:"key"`
		}
		if err := job.Decode(&p); err != nil || p.Key == "" {
			return jobs.Permanent(fmt.Errorf("bad payload: %v", err))
		}
		if _, err := app.FindRecordById(Collection, job.Subject); err == nil {
			return nil // the document exists again (failed upload re-checked): keep its file
		}
		return f.Store.Delete(ctx, p.Key)
	}, nil)

	// a deleted tenant's files go with it
	app.OnRecordAfterDeleteSuccess("tenants").BindFunc(func(e *core.RecordEvent) error {
		prefix, err := blob.TenantPrefix(e.Record.Id)
		if err == nil {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
			defer cancel()
			err = f.Store.DeletePrefix(ctx, prefix)
		}
		if err != nil {
			// the reconciler removes objects without a record later
			e.App.Logger().Error("delete tenant files", "tenant", e.Record.Id, "error", err)
		}
		return e.Next()
	})
}

func (f *feature) bindCleanup(app core.App) {
	app.Cron().MustAdd("documentsCleanup", "*/15 * * * *", func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		abandoned, orphans, err := RunCleanup(ctx, app, time.Now())
		if err != nil {
			app.Logger().Error("documents clean-up", "error", err)
		}
		if abandoned+orphans > 0 {
			app.Logger().Info("documents clean-up", "abandoned_uploads", abandoned, "orphan_objects", orphans)
		}
	})
}

// removeAbandonedUploads deletes documents still waiting for their upload
// after AbandonAfter, with whatever part of the file arrived.
func (f *feature) removeAbandonedUploads(ctx context.Context, app core.App, now time.Time) (int, error) {
	cutoff := now.Add(-f.AbandonAfter).UTC().Format("2006-01-02 15:04:05.000Z")
	docs, err := app.FindAllRecords(Collection, dbx.HashExp{"status": StatusPendingUpload}, dbx.NewExp("created < {:c}", dbx.Params{"c": cutoff}))
	if err != nil {
		return 0, err
	}
	for _, d := range docs {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		if err := app.Delete(d); err != nil {
			return 0, fmt.Errorf("delete abandoned upload %s: %w", d.Id, err)
		}
	}
	return len(docs), nil
}

// removeOrphanObjects deletes stored files that no document refers to, older than an hour.
func (f *feature) removeOrphanObjects(ctx context.Context, app core.App, now time.Time) (int, error) {
	removed := 0
	err := f.Store.List(ctx, "tenants/", func(o blob.ObjectInfo) error {
		if now.Sub(o.ModTime) < orphanGrace {
			return nil
		}
		// tenants/<tenant>/documents/<document>/<name>
		parts := strings.Split(o.Key, "/")
		if len(parts) < 5 || parts[2] != "documents" {
			return nil
		}
		doc, err := app.FindRecordById(Collection, parts[3])
		if err == nil && doc.GetString("storage_key") == o.Key {
			return nil
		}
		if err := f.Store.Delete(ctx, o.Key); err != nil && !errors.Is(err, blob.ErrNotFound) {
			return fmt.Errorf("delete orphan %s: %w", o.Key, err)
		}
		removed++
		return nil
	})
	return removed, err
}
