package documents_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/apptest"
	"counterpart/hooks/documents"
	"counterpart/internal/blob/blobtest"
	"counterpart/internal/config"
)

// priceList is a small CSV price list as dealers export it.
const priceList = "Part number;Description;Price\n8E0-615-301-AG;Brake disc front;89.90\n04152-YZZA6;Oil filter;7.45\n"

type env struct {
	app   core.App
	srv   *httptest.Server
	token string
}

func newEnv(t *testing.T, cfg *config.Config) env {
	app := apptest.New(t, cfg)
	return env{app: app, srv: apptest.Serve(t, app), token: apptest.Token(t, app, "member@smith.example")}
}

// startUpload asks for an upload and returns the answer.
func (e env) startUpload(t *testing.T, token, name, typ string, size int) apptest.Response {
	t.Helper()
	return apptest.Do(t, e.srv, "POST", "/api/documents/uploads", token, map[string]any{"name": name, "type": typ, "size": size})
}

// put sends body to a presigned upload URL as the browser does.
func put(t *testing.T, url, typ string, body []byte) int {
	t.Helper()
	req, _ := http.NewRequest("PUT", url, bytes.NewReader(body))
	req.Header.Set("Content-Type", typ)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("PUT: %v", err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

// upload runs the whole flow and returns the document id after complete.
func (e env) upload(t *testing.T, name, typ string, body []byte) string {
	t.Helper()
	return apptest.Upload(t, e.srv, e.token, name, typ, body)
}

// waitStatus waits until the document reaches one of the final statuses.
func (e env) waitStatus(t *testing.T, id string) *core.Record {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		doc, err := e.app.FindRecordById("documents", id)
		if err != nil {
			t.Fatal(err)
		}
		if s := doc.GetString("status"); s == "ready" || s == "failed" || time.Now().After(deadline) {
			return doc
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func s3Config(t testing.TB) *config.Config {
	s := blobtest.StartS3(t)
	cfg := apptest.Config()
	cfg.Storage.Driver = "s3"
	cfg.Storage.S3 = config.S3{Endpoint: s.Endpoint, Bucket: s.Bucket, Region: s.Region, AccessKey: s.AccessKey,
		SecretKey: s.SecretKey, UseSSL: s.UseSSL, PathStyle: s.PathStyle}
	return cfg
}

// eachStore runs test in parallel against a test app on the local store and
// one on the S3 API (versitygw).
func eachStore(t *testing.T, test func(t *testing.T, e env)) {
	t.Parallel()
	for _, driver := range []string{"local", "s3"} {
		t.Run(driver, func(t *testing.T) {
			t.Parallel()
			var cfg *config.Config
			if driver == "s3" {
				cfg = s3Config(t)
			}
			test(t, newEnv(t, cfg))
		})
	}
}

func TestUploadProcessDownload(t *testing.T) {
	eachStore(t, func(t *testing.T, e env) {
		id := e.upload(t, "Preisliste Ölfilter 2026.csv", "text/csv", []byte(priceList))
		doc := e.waitStatus(t, id)
		if doc.GetString("status") != "ready" || doc.GetInt("chunks") == 0 || doc.GetString("sha256") == "" {
			t.Fatalf("after processing: %v (error %q)", doc.FieldsData(), doc.GetString("error"))
		}
		if doc.GetString("filename") != "Preisliste Ölfilter 2026.csv" || doc.GetString("title") != "Preisliste Ölfilter 2026" {
			t.Errorf("name and title: %q %q", doc.GetString("filename"), doc.GetString("title"))
		}
		res := apptest.Do(t, e.srv, "GET", "/api/documents/"+id+"/download", e.token, nil)
		if res.Status != 200 {
			t.Fatalf("download: %d %s", res.Status, res.Body)
		}
		got, err := http.Get(res.JSON["url"].(string))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(got.Body)
		got.Body.Close()
		if string(body) != priceList {
			t.Errorf("downloaded %q", body)
		}
		if cd := got.Header.Get("Content-Disposition"); !strings.Contains(cd, "attachment") || !strings.Contains(cd, "Preisliste") {
			t.Errorf("Content-Disposition %q", cd)
		}
		// another tenant cannot mint a download URL
		if res := apptest.Do(t, e.srv, "GET", "/api/documents/"+id+"/download", apptest.Token(t, e.app, "admin@jones.example"), nil); res.Status != 404 {
			t.Errorf("other tenant's download: %d", res.Status)
		}
	})
}

func TestUploadBadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	smith, _ := e.app.FindFirstRecordByData("tenants", "slug", "smith")
	smith.Set("max_upload_mb", 1)
	smith.Set("allowed_file_types", []string{"pdf", "csv", "txt"})
	if err := e.app.Save(smith); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, file, typ string
		size            int
		status          int
		field           string
	}{
		{"oversized", "big.csv", "text/csv", 2 << 20, 413, "size"},
		{"empty", "empty.csv", "text/csv", 0, 400, "size"},
		{"type not allowed by the tenant", "manual.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", 100, 400, "type"},
		{"unsupported type", "setup.exe", "application/x-msdownload", 100, 400, "type"},
		{"name and type disagree", "list.pdf", "text/csv", 100, 400, "type"},
		{"no name", "", "text/csv", 100, 400, "name"},
		{"bad category", "a.csv", "text/csv", 100, 400, ""},
	}
	for _, c := range cases {
		body := map[string]any{"name": c.file, "type": c.typ, "size": c.size}
		if c.name == "bad category" {
			body["category"] = "recipes"
		}
		res := apptest.Do(t, e.srv, "POST", "/api/documents/uploads", e.token, body)
		if res.Status != c.status {
			t.Errorf("%s: %d %s, want %d", c.name, res.Status, res.Body, c.status)
		}
		if c.field != "" {
			if data, _ := res.JSON["data"].(map[string]any); data[c.field] == nil {
				t.Errorf("%s: no error on field %s: %s", c.name, c.field, res.Body)
			}
		}
	}
	if n, _ := e.app.CountRecords("documents"); n != 0 {
		t.Errorf("refused uploads created %d documents", n)
	}

	// file names are made safe
	for _, name := range []string{"../../etc/passwd.txt", "a\x00b\x1fc.txt", strings.Repeat("x", 300) + ".txt", `..\..\win.txt`} {
		res := e.startUpload(t, e.token, name, "text/plain", 10)
		if res.Status != 201 {
			t.Errorf("name %q: %d %s", name, res.Status, res.Body)
			continue
		}
		fn := res.JSON["document"].(map[string]any)["filename"].(string)
		if strings.ContainsAny(fn, "/\\\x00\x1f") || len(fn) > 120 || !strings.HasSuffix(fn, ".txt") {
			t.Errorf("name %q stored as %q", name, fn)
		}
	}
}

func TestQuota(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	smith, _ := e.app.FindFirstRecordByData("tenants", "slug", "smith")
	smith.Set("storage_quota_mb", 1)
	if err := e.app.Save(smith); err != nil {
		t.Fatal(err)
	}
	if res := e.startUpload(t, e.token, "a.txt", "text/plain", 700<<10); res.Status != 201 {
		t.Fatalf("first upload: %d %s", res.Status, res.Body)
	}
	res := e.startUpload(t, e.token, "b.txt", "text/plain", 400<<10)
	if res.Status != 413 || !strings.Contains(res.Message(), "quota") {
		t.Errorf("over quota: %d %s", res.Status, res.Body)
	}
	// the other tenant's quota is its own
	if res := e.startUpload(t, apptest.Token(t, e.app, "member@jones.example"), "b.txt", "text/plain", 400<<10); res.Status != 201 {
		t.Errorf("other tenant: %d %s", res.Status, res.Body)
	}
}

func TestCompleteBadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	start := func(name, typ string, size int) (id, url, ct string) {
		res := e.startUpload(t, e.token, name, typ, size)
		if res.Status != 201 {
			t.Fatalf("start %s: %d %s", name, res.Status, res.Body)
		}
		up := res.JSON["upload"].(map[string]any)
		return res.JSON["document"].(map[string]any)["id"].(string), up["url"].(string), up["headers"].(map[string]any)["Content-Type"].(string)
	}
	complete := func(id, token string) apptest.Response {
		return apptest.Do(t, e.srv, "POST", "/api/documents/"+id+"/complete", token, nil)
	}
	status := func(id string) string {
		d, _ := e.app.FindRecordById("documents", id)
		return d.GetString("status")
	}

	// completing before the file arrived
	id, url, ct := start("a.csv", "text/csv", len(priceList))
	if res := complete(id, e.token); res.Status != 400 || status(id) != "pending_upload" {
		t.Errorf("complete before upload: %d %s (%s)", res.Status, res.Body, status(id))
	}
	// tampered and wrong-method URLs are refused by the store
	if st := put(t, strings.Replace(url, "sig=", "sig=00", 1), ct, []byte(priceList)); st != 403 {
		t.Errorf("tampered URL: %d", st)
	}
	if st := put(t, url, ct, []byte(priceList)); st != 200 {
		t.Fatalf("PUT: %d", st)
	}
	// another tenant cannot complete it
	if res := complete(id, apptest.Token(t, e.app, "admin@jones.example")); res.Status != 404 {
		t.Errorf("other tenant completes: %d", res.Status)
	}
	if res := complete(id, e.token); res.Status != 200 {
		t.Fatalf("complete: %d %s", res.Status, res.Body)
	}
	if res := complete(id, e.token); res.Status != 409 {
		t.Errorf("complete twice: %d %s", res.Status, res.Body)
	}

	// a size that does not match what was announced
	id, url, ct = start("b.csv", "text/csv", len(priceList)+5)
	put(t, url, ct, []byte(priceList))
	if res := complete(id, e.token); res.Status != 422 || status(id) != "failed" || !strings.Contains(res.Message(), "announced") {
		t.Errorf("size mismatch: %d %s (%s)", res.Status, res.Body, status(id))
	}

	// bytes that contradict the declared type
	zip := append([]byte("PK\x03\x04"), bytes.Repeat([]byte{0}, 100)...)
	id, url, ct = start("c.pdf", "application/pdf", len(zip))
	put(t, url, ct, zip)
	if res := complete(id, e.token); res.Status != 422 || status(id) != "failed" {
		t.Errorf("zip sent as PDF: %d %s (%s)", res.Status, res.Body, status(id))
	}

	// a PDF that cannot be parsed is accepted, then fails processing with a reason
	bad := []byte("%PDF-1.7\n this is not really a pdf at all\n%%EOF\n")
	id, url, ct = start("d.pdf", "application/pdf", len(bad))
	put(t, url, ct, bad)
	if res := complete(id, e.token); res.Status != 200 {
		t.Fatalf("complete broken pdf: %d %s", res.Status, res.Body)
	}
	doc := e.waitStatus(t, id)
	if doc.GetString("status") != "failed" || !strings.Contains(strings.ToLower(doc.GetString("error")), "pdf") {
		t.Errorf("broken PDF: %s %q", doc.GetString("status"), doc.GetString("error"))
	}
}

func TestMetadataEditAndDelete(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	id := e.upload(t, "bulletin.txt", "text/plain", []byte("Service bulletin 42: replace the oil filter 04152-YZZA6 every 15,000 km."))
	e.waitStatus(t, id)
	path := "/api/collections/documents/records/" + id
	cases := []struct {
		who  string
		body map[string]any
		ok   bool
	}{
		{"member@smith.example", map[string]any{"title": "Bulletin 42", "category": "bulletin", "tags": []string{" Oil ", "oil", "Filters"}}, true},
		{"manager@smith.example", map[string]any{"description": "From the importer"}, true},
		{"member@smith.example", map[string]any{"status": "ready"}, false},
		{"member@smith.example", map[string]any{"category": "recipes"}, false},
		{"member@smith.example", map[string]any{"tags": strings.Split("a b c d e f g h i j k l m n o p q r s t u", " ")}, false},
		{"member@smith.example", map[string]any{"tags": []string{strings.Repeat("t", 41)}}, false},
		{"admin@jones.example", map[string]any{"title": "mine now"}, false},
	}
	for _, c := range cases {
		res := apptest.Do(t, e.srv, "PATCH", path, apptest.Token(t, e.app, c.who), c.body)
		if c.ok != (res.Status == 200) || res.Status >= 500 {
			t.Errorf("%s PATCH %v: %d %s", c.who, c.body, res.Status, res.Body)
		}
	}
	// server fields are not the client's: hidden ones are ignored, the others refused
	before, _ := e.app.FindRecordById("documents", id)
	apptest.Do(t, e.srv, "PATCH", path, e.token, map[string]any{"storage_key": "tenants/x/documents/y/z"})
	doc, _ := e.app.FindRecordById("documents", id)
	if doc.GetString("storage_key") != before.GetString("storage_key") {
		t.Errorf("storage_key changed to %q", doc.GetString("storage_key"))
	}
	if doc.GetString("title") != "Bulletin 42" || fmt.Sprint(doc.GetStringSlice("tags")) != "[oil filters]" || doc.GetString("status") != "ready" {
		t.Errorf("after edits: %v", doc.FieldsData())
	}
	// another member of the same tenant may read but not edit someone else's upload
	other, _ := e.app.FindAuthRecordByEmail("users", "manager@smith.example")
	other.Set("role", "member")
	if err := e.app.Save(other); err != nil {
		t.Fatal(err)
	}
	if res := apptest.Do(t, e.srv, "PATCH", path, apptest.Token(t, e.app, "manager@smith.example"), map[string]any{"title": "x"}); res.Status != 404 {
		t.Errorf("other member edits: %d", res.Status)
	}

	key := doc.GetString("storage_key")
	if res := apptest.Do(t, e.srv, "DELETE", path, e.token, nil); res.Status != 204 {
		t.Fatalf("delete: %d %s", res.Status, res.Body)
	}
	if n, _ := e.app.CountRecords("chunks"); n != 0 {
		t.Errorf("%d chunks left after delete", n)
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := documents.StoreOf(e.app).Stat(t.Context(), key); err != nil {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Error("the stored file was not deleted")
}
