package documents_test

import (
	"strings"
	"testing"
	"time"

	"counterpart/hooks/apptest"
	"counterpart/hooks/documents"
)

func TestCleanup(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	store := documents.StoreOf(e.app)

	// an upload started and never completed
	res := e.startUpload(t, e.token, "never.csv", "text/csv", len(priceList))
	abandoned := res.JSON["document"].(map[string]any)["id"].(string)
	up := res.JSON["upload"].(map[string]any)
	put(t, up["url"].(string), "text/csv", []byte(priceList))
	// a finished document that must survive
	kept := e.upload(t, "kept.csv", "text/csv", []byte(priceList))
	e.waitStatus(t, kept)
	// an object no document refers to
	orphan := "tenants/" + strings.Repeat("a", 15) + "/documents/" + strings.Repeat("b", 15) + "/lost.csv"
	if err := store.Put(t.Context(), orphan, strings.NewReader(priceList), int64(len(priceList)), "text/csv"); err != nil {
		t.Fatal(err)
	}

	// an hour later: too early for both
	if a, o, err := documents.RunCleanup(t.Context(), e.app, time.Now().Add(time.Minute)); err != nil || a != 0 || o != 0 {
		t.Fatalf("early clean-up removed %d uploads, %d objects (err %v)", a, o, err)
	}
	// a day later: the abandoned upload with its partial file, and the orphan, go; the rest stays
	a, o, err := documents.RunCleanup(t.Context(), e.app, time.Now().Add(25*time.Hour))
	if err != nil || a != 1 || o < 1 {
		t.Fatalf("clean-up removed %d uploads, %d objects (err %v), want 1 and at least 1", a, o, err)
	}
	if _, err := e.app.FindRecordById("documents", abandoned); err == nil {
		t.Error("abandoned upload still there")
	}
	if _, err := store.Stat(t.Context(), orphan); err == nil {
		t.Error("orphan object still there")
	}
	doc, err := e.app.FindRecordById("documents", kept)
	if err != nil {
		t.Fatal("the finished document was removed")
	}
	if _, err := store.Stat(t.Context(), doc.GetString("storage_key")); err != nil {
		t.Errorf("the finished document's file was removed: %v", err)
	}
}

func TestStatusReachesBrowsers(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	client, status := apptest.Realtime(t, e.srv, e.token, "documents/*")
	if client == nil {
		t.Fatalf("subscribe: %d", status)
	}
	id := e.upload(t, "list.csv", "text/csv", []byte(priceList))
	seen := []string{}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		ev, ok := client.Next(time.Second)
		if !ok {
			continue
		}
		rec, _ := ev.Data["record"].(map[string]any)
		if rec["id"] == id {
			seen = append(seen, rec["status"].(string))
			if rec["status"] == "ready" {
				break
			}
		}
		if _, hidden := rec["storage_key"]; hidden {
			t.Error("realtime event shows the storage key")
		}
	}
	if len(seen) == 0 || seen[len(seen)-1] != "ready" || !contains(seen, "processing") {
		t.Errorf("statuses seen live: %v", seen)
	}
}

func TestReprocessReplacesChunks(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	id := e.upload(t, "list.csv", "text/csv", []byte(priceList))
	first := e.waitStatus(t, id).GetInt("chunks")
	for i := 0; i < 2; i++ {
		if res := apptest.Do(t, e.srv, "POST", "/api/documents/"+id+"/reprocess", e.token, nil); res.Status != 200 {
			t.Fatalf("reprocess: %d %s", res.Status, res.Body)
		}
		if doc := e.waitStatus(t, id); doc.GetString("status") != "ready" || doc.GetInt("chunks") != first {
			t.Fatalf("after reprocess: %v", doc.FieldsData())
		}
	}
	if n, _ := e.app.CountRecords("chunks"); int(n) != first {
		t.Errorf("%d chunks after reprocessing twice, want %d", n, first)
	}
	// another member may not reprocess someone else's upload
	if res := apptest.Do(t, e.srv, "POST", "/api/documents/"+id+"/reprocess", apptest.Token(t, e.app, "admin@jones.example"), nil); res.Status != 404 {
		t.Errorf("other tenant reprocesses: %d", res.Status)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
