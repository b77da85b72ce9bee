package documents_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"counterpart/hooks/apptest"
	"counterpart/hooks/documents"
	"counterpart/internal/blob"
)

// A file whose bytes contradict its type is removed from the store at once:
// the record stays as a failed entry with the reason, without a download, and
// reprocessing it keeps the reason.
func TestRefusedFileIsNotKept(t *testing.T) {
	eachStore(t, func(t *testing.T, e env) {
		exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00"), bytes.Repeat([]byte{0}, 4096)...)
		res := e.startUpload(t, e.token, "Bremsen TSB 2026.pdf", "application/pdf", len(exe))
		if res.Status != 201 {
			t.Fatalf("start: %d %s", res.Status, res.Body)
		}
		up := res.JSON["upload"].(map[string]any)
		id := res.JSON["document"].(map[string]any)["id"].(string)
		if st := put(t, up["url"].(string), "application/pdf", exe); st != 200 {
			t.Fatalf("PUT: %d", st)
		}
		doc, _ := e.app.FindRecordById("documents", id)
		key := doc.GetString("storage_key")

		res = apptest.Do(t, e.srv, "POST", "/api/documents/"+id+"/complete", e.token, nil)
		if res.Status != 422 || !strings.Contains(res.Message(), "not PDF") {
			t.Fatalf("complete: %d %s", res.Status, res.Body)
		}
		reason := res.Message()
		// gone from the store before the answer, not by a later job
		if _, err := documents.StoreOf(e.app).Stat(context.Background(), key); !errors.Is(err, blob.ErrNotFound) {
			t.Errorf("the refused file is still in the store: %v", err)
		}
		rec := apptest.Do(t, e.srv, "GET", "/api/collections/documents/records/"+id, e.token, nil)
		if rec.Status != 200 || rec.JSON["status"] != "failed" || rec.JSON["error"] != reason || rec.JSON["has_file"] != false {
			t.Errorf("the record: %d %s", rec.Status, rec.Body)
		}
		for _, who := range []string{"member@smith.example", "admin@smith.example"} {
			res := apptest.Do(t, e.srv, "GET", "/api/documents/"+id+"/download", apptest.Token(t, e.app, who), nil)
			if res.Status != 410 || !strings.Contains(res.Message(), "was not kept") || res.JSON["url"] != nil {
				t.Errorf("%s downloads the refused file: %d %s", who, res.Status, res.Body)
			}
		}
		if res := apptest.Do(t, e.srv, "GET", documents.RowsRoute(id)+"?row=2", e.token, nil); res.Status != 410 {
			t.Errorf("rows of the refused file: %d %s", res.Status, res.Body)
		}
		res = apptest.Do(t, e.srv, "POST", "/api/documents/"+id+"/reprocess", e.token, nil)
		if res.Status != 409 || !strings.Contains(res.Message(), "not PDF") {
			t.Errorf("reprocess: %d %s", res.Status, res.Body)
		}
		doc, _ = e.app.FindRecordById("documents", id)
		if doc.GetString("status") != "failed" || doc.GetString("error") != reason {
			t.Errorf("after reprocess: %s %q", doc.GetString("status"), doc.GetString("error"))
		}
		// a document that was processed keeps its file and its download
		ok := e.upload(t, "list.csv", "text/csv", []byte(priceList))
		e.waitStatus(t, ok)
		if rec := apptest.Do(t, e.srv, "GET", "/api/collections/documents/records/"+ok, e.token, nil); rec.JSON["has_file"] != true {
			t.Errorf("a kept file: %s", rec.Body)
		}
		if res := apptest.Do(t, e.srv, "GET", "/api/documents/"+ok+"/download", e.token, nil); res.Status != 200 {
			t.Errorf("download of a kept file: %d %s", res.Status, res.Body)
		}
	})
}
