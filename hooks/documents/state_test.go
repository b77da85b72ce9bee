package documents_test

import (
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"counterpart/hooks/apptest"
	"counterpart/hooks/documents"
)

// An edit of a document's metadata and its processing can overlap: neither
// may undo the other.
func TestEditDuringProcessing(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	id := e.upload(t, "bulletin.txt", "text/plain", []byte("Service bulletin 42: replace the oil filter 04152-YZZA6."))
	e.waitStatus(t, id)
	path := "/api/collections/documents/records/" + id

	// processing saves a record it loaded before the edit
	stale, err := e.app.FindRecordById(documents.Collection, id)
	if err != nil {
		t.Fatal(err)
	}
	if res := apptest.Do(t, e.srv, "PATCH", path, e.token, map[string]any{"title": "Bulletin 42"}); res.Status != 200 {
		t.Fatalf("edit: %d %s", res.Status, res.Body)
	}
	if err := documents.SetState(e.app, stale, map[string]any{"status": documents.StatusFailed, "error": "test"}); err != nil {
		t.Fatal(err)
	}
	doc, _ := e.app.FindRecordById(documents.Collection, id)
	if doc.GetString("title") != "Bulletin 42" || doc.GetString("status") != documents.StatusFailed {
		t.Errorf("processing's save undid the edit: title %q, status %q", doc.GetString("title"), doc.GetString("status"))
	}

	// processing finishes while an edit request is under way
	e.app.OnRecordUpdateRequest(documents.Collection).Bind(&hook.Handler[*core.RecordRequestEvent]{
		Priority: -1, // before the feature's own hook, as if processing finished just after the request loaded the record
		Func: func(re *core.RecordRequestEvent) error {
			if err := documents.SetState(re.App, re.Record.Original(), map[string]any{"status": documents.StatusReady, "error": "", "chunks": 7}); err != nil {
				return err
			}
			return re.Next()
		},
	})
	if res := apptest.Do(t, e.srv, "PATCH", path, e.token, map[string]any{"title": "Bulletin 42, revised"}); res.Status != 200 {
		t.Fatalf("edit: %d %s", res.Status, res.Body)
	}
	doc, _ = e.app.FindRecordById(documents.Collection, id)
	if doc.GetString("title") != "Bulletin 42, revised" || doc.GetString("status") != documents.StatusReady || doc.GetInt("chunks") != 7 {
		t.Errorf("the edit undid processing: title %q, status %q, chunks %d", doc.GetString("title"), doc.GetString("status"), doc.GetInt("chunks"))
	}
}
