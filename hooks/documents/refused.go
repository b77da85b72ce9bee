package documents

import (
	"context"

	"github.com/pocketbase/pocketbase/core"
)

// HasFileField is the read-only field every document carries in API answers
// and realtime events: false when the store holds no file for it, because
// the upload check refused the file and removed it. The web app offers no
// download then.
const HasFileField = "has_file"

// HasFile reports whether the store keeps a file for doc. A file refused at
// the upload check is removed at once and its key cleared, while the record
// stays as a failed entry with the reason.
func HasFile(doc *core.Record) bool { return doc.GetString("storage_key") != "" }

// refuse removes the file of a document whose upload check failed, marks
// the document failed with reason and clears its key, so that nobody can
// download or reprocess what was refused. A store that cannot delete now
// gets a retried job, and the key is cleared either way.
func (f *feature) refuse(ctx context.Context, app core.App, doc *core.Record, reason string) error {
	key := doc.GetString("storage_key")
	if err := f.Store.Delete(ctx, key); err != nil {
		app.Logger().Warn("delete refused upload, retrying in the background", "document", doc.Id, "error", err)
		if _, err := f.Queue.Enqueue(app, doc.GetString("tenant"), JobDeleteObject, doc.Id, map[string]any{"key": key}); err != nil {
			app.Logger().Error("queue object delete", "document", doc.Id, "error", err)
		}
	}
	return SetState(app, doc, map[string]any{"status": StatusFailed, "error": reason, "storage_key": ""})
}

func bindHasFile(app core.App) {
	app.OnRecordEnrich(Collection).BindFunc(func(e *core.RecordEnrichEvent) error {
		e.Record.WithCustomData(true)
		e.Record.Set(HasFileField, HasFile(e.Record))
		return e.Next()
	})
}

// refusedMessage says why a refused document has no file, in the words of
// its stored reason, and what to do.
func refusedMessage(doc *core.Record) string {
	const msg = "This file was refused when it was uploaded and was not kept."
	if reason := doc.GetString("error"); reason != "" {
		return msg + " " + reason
	}
	return msg + " Upload the right file."
}
