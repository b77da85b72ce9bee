package documents_test

import (
	"bytes"
	"context"
	"testing"

	"counterpart/hooks/apptest"
	"counterpart/hooks/documents"
	"counterpart/hooks/tenancy"
)

// Uploads up to the tenant's limit work with both stores: PocketBase's
// default body limit (32 MiB) does not apply to the local store's upload URLs.
func TestUploadAtTheTenantLimit(t *testing.T) {
	eachStore(t, func(t *testing.T, e env) {
		size := tenancy.DefaultMaxUploadMB << 20
		manual := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("0"), size-9)...)
		res := e.startUpload(t, e.token, "Werkstatthandbuch.pdf", "application/pdf", size)
		if res.Status != 201 {
			t.Fatalf("start: %d %s", res.Status, res.Body)
		}
		up := res.JSON["upload"].(map[string]any)
		id := res.JSON["document"].(map[string]any)["id"].(string)
		if st := put(t, up["url"].(string), "application/pdf", manual); st != 200 {
			t.Fatalf("PUT of %d MB: %d", size>>20, st)
		}
		doc, _ := e.app.FindRecordById("documents", id)
		info, err := documents.StoreOf(e.app).Stat(context.Background(), doc.GetString("storage_key"))
		if err != nil || info.Size != int64(size) {
			t.Fatalf("stored: %+v %v", info, err)
		}
		if res := apptest.Do(t, e.srv, "POST", "/api/documents/"+id+"/complete", e.token, nil); res.Status != 200 {
			t.Fatalf("complete: %d %s", res.Status, res.Body)
		}
		e.waitStatus(t, id) // processing ends (this is no real PDF) before the app closes
		// one byte over the tenant's limit is refused when the upload starts
		if res := e.startUpload(t, e.token, "b.pdf", "application/pdf", size+1); res.Status != 413 {
			t.Errorf("over the limit: %d %s", res.Status, res.Body)
		}
	})
}
