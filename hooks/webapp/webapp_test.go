package webapp_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"counterpart/hooks/apptest"
	"counterpart/hooks/webapp"
	"counterpart/internal/config"
)

func get(t *testing.T, url string, header map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	// no transparent decompression: the test looks at what is on the wire
	res, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, body
}

// assetsOf returns the script and stylesheet paths index.html loads.
func assetsOf(t *testing.T, index []byte) []string {
	t.Helper()
	m := regexp.MustCompile(`(?:src|href)="(/assets/[^"]+)"`).FindAllSubmatch(index, -1)
	if len(m) == 0 {
		t.Fatalf("index.html loads no assets:\n%s", index)
	}
	var out []string
	for _, x := range m {
		out = append(out, string(x[1]))
	}
	return out
}

func TestServesTheApp(t *testing.T) {
	t.Parallel()
	app := apptest.New(t, nil)
	srv := apptest.Serve(t, app)

	res, index := get(t, srv.URL+"/", nil)
	if res.StatusCode != 200 || !strings.Contains(string(index), `<div id="app">`) {
		t.Fatalf("GET /: %d\n%s", res.StatusCode, index)
	}
	if got := res.Header.Get("Content-Type"); got != "text/html; charset=utf-8" {
		t.Errorf("index.html Content-Type %q", got)
	}
	if got := res.Header.Get("Cache-Control"); got != "no-cache" {
		t.Errorf("index.html Cache-Control %q, want no-cache", got)
	}
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data: blob:",
		"connect-src 'self'", "frame-ancestors 'none'", "base-uri 'self'", "form-action 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe") {
		t.Errorf("CSP allows something unsafe: %q", csp)
	}
	if res.Header.Get("X-Content-Type-Options") != "nosniff" || res.Header.Get("Referrer-Policy") != "same-origin" {
		t.Errorf("security headers: %v", res.Header)
	}

	// SPA fallback: app paths answer index.html
	for _, p := range []string{"/documents", "/documents/abc123", "/settings/users", "/set-password?token=x", "/no/such/page"} {
		res, body := get(t, srv.URL+p, nil)
		if res.StatusCode != 200 || !bytes.Equal(body, index) {
			t.Errorf("GET %s: %d, not index.html", p, res.StatusCode)
		}
	}
	// but never for the API, missing assets or files
	for _, p := range []string{"/api/nope", "/api/collections/nope/records", "/assets/index-missing.js", "/favicon.ico", "/_/nope"} {
		res, body := get(t, srv.URL+p, nil)
		if res.StatusCode != 404 || bytes.Contains(body, []byte(`<div id="app">`)) {
			t.Errorf("GET %s: %d %q, want a plain 404", p, res.StatusCode, body)
		}
	}
	// the API still works beside the app
	if res, _ := get(t, srv.URL+"/api/health", nil); res.StatusCode != 200 {
		t.Errorf("/api/health: %d", res.StatusCode)
	}

	// hashed assets: immutable, gzipped when asked, identical bytes after decompression
	for _, a := range assetsOf(t, index) {
		plainRes, plain := get(t, srv.URL+a, nil)
		if plainRes.StatusCode != 200 || plainRes.Header.Get("Content-Encoding") != "" {
			t.Fatalf("GET %s: %d %v", a, plainRes.StatusCode, plainRes.Header)
		}
		if got := plainRes.Header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
			t.Errorf("%s Cache-Control %q", a, got)
		}
		wantType := map[bool]string{true: "text/javascript; charset=utf-8", false: "text/css; charset=utf-8"}[strings.HasSuffix(a, ".js")]
		if got := plainRes.Header.Get("Content-Type"); got != wantType {
			t.Errorf("%s Content-Type %q, want %q", a, got, wantType)
		}
		gzRes, gz := get(t, srv.URL+a, map[string]string{"Accept-Encoding": "br, gzip"})
		if len(plain) <= webapp.GzipMinBytes {
			// a tiny shared chunk is sent as it is
			if gzRes.Header.Get("Content-Encoding") != "" || !bytes.Equal(gz, plain) {
				t.Errorf("%s (%d bytes) with Accept-Encoding gzip: %v", a, len(plain), gzRes.Header)
			}
			continue
		}
		if gzRes.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(strings.Join(gzRes.Header.Values("Vary"), ","), "Accept-Encoding") {
			t.Fatalf("%s with Accept-Encoding gzip: %v", a, gzRes.Header)
		}
		zr, err := gzip.NewReader(bytes.NewReader(gz))
		if err != nil {
			t.Fatal(err)
		}
		unzipped, _ := io.ReadAll(zr)
		if !bytes.Equal(unzipped, plain) {
			t.Errorf("%s: gzip body differs from the file", a)
		}
		if len(gz) >= len(plain) {
			t.Errorf("%s: gzip %d bytes, plain %d", a, len(gz), len(plain))
		}
		if gzRes.Header.Get("ETag") == plainRes.Header.Get("ETag") {
			t.Errorf("%s: both encodings have ETag %s", a, plainRes.Header.Get("ETag"))
		}
		if res, _ := get(t, srv.URL+a, map[string]string{"Accept-Encoding": "gzip;q=0"}); res.Header.Get("Content-Encoding") != "" {
			t.Errorf("%s: gzip sent although refused", a)
		}
	}

	// index.html revalidates: 304 with its ETag
	etag := res.Header.Get("ETag")
	if res, _ := get(t, srv.URL+"/", map[string]string{"If-None-Match": etag}); res.StatusCode != 304 {
		t.Errorf("revalidating index.html with %s: %d, want 304", etag, res.StatusCode)
	}
}

func TestCSPNamesTheStore(t *testing.T) {
	t.Parallel()
	cfg := config.Defaults()
	if got := webapp.Origins(cfg, "http://127.0.0.1:8090"); len(got) != 1 || got[0] != "http://127.0.0.1:8090" {
		t.Errorf("local store origins: %v", got)
	}
	cfg.Storage.Driver = "s3"
	cfg.Storage.S3 = config.S3{Endpoint: "minio.dealer.lan:9000", Bucket: "docs", UseSSL: true, PathStyle: true}
	got := webapp.Origins(cfg, "https://parts.dealer.lan/")
	if strings.Join(got, " ") != "https://parts.dealer.lan https://minio.dealer.lan:9000" {
		t.Errorf("path-style S3 origins: %v", got)
	}
	cfg.Storage.S3 = config.S3{Endpoint: "s3.eu-central-1.amazonaws.com", Bucket: "docs", UseSSL: true}
	got = webapp.Origins(cfg, "https://parts.dealer.lan")
	if strings.Join(got, " ") != "https://parts.dealer.lan https://s3.eu-central-1.amazonaws.com https://docs.s3.eu-central-1.amazonaws.com" {
		t.Errorf("virtual-host S3 origins: %v", got)
	}
	cfg.Storage.S3 = config.S3{Endpoint: "http://127.0.0.1:7070", Bucket: "docs", PathStyle: true, UseSSL: true}
	if got := webapp.Origins(cfg, ""); strings.Join(got, " ") != "http://127.0.0.1:7070" {
		t.Errorf("endpoint with a scheme: %v", got)
	}
	csp := webapp.CSP([]string{"https://minio.dealer.lan:9000"})
	if !strings.Contains(csp, "connect-src 'self' https://minio.dealer.lan:9000;") {
		t.Errorf("CSP: %s", csp)
	}
}

func TestPasswordResetMailLinksToTheApp(t *testing.T) {
	t.Parallel()
	app := apptest.New(t, nil)
	srv := apptest.Serve(t, app)
	res := apptest.Do(t, srv, "POST", "/api/collections/users/request-password-reset", "", map[string]any{"email": "member@smith.example"})
	if res.Status != 204 {
		t.Fatalf("request reset: %d %s", res.Status, res.Body)
	}
	// PocketBase sends the mail after answering, in the background
	for deadline := time.Now().Add(15 * time.Second); app.TestMailer.TotalSend() == 0 && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	msg := app.TestMailer.LastMessage()
	want := app.Settings().Meta.AppURL + "/set-password?token="
	if !strings.Contains(msg.HTML, want) || strings.Contains(msg.HTML, "/_/#/auth/") {
		t.Errorf("reset mail does not link to %s:\n%s", want, msg.HTML)
	}
	// superusers keep the dashboard's page
	su, _ := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	if !strings.Contains(su.ResetPasswordTemplate.Body, "/_/#/auth/confirm-password-reset/") {
		t.Errorf("the superusers' reset mail changed: %s", su.ResetPasswordTemplate.Body)
	}
	if got := webapp.SetPasswordLink("https://parts.example/", "a.b_c-d"); got != "https://parts.example/set-password?token=a.b_c-d" {
		t.Errorf("SetPasswordLink: %s", got)
	}
}

func TestMissingBuild(t *testing.T) {
	t.Parallel()
	app, err := tests.NewTestApp()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.Cleanup)
	webapp.Register(app, webapp.Options{FS: fstest.MapFS{}})
	srv := apptest.Serve(t, app)
	res, body := get(t, srv.URL+"/", nil)
	if res.StatusCode != 503 || !strings.Contains(string(body), "make ui") {
		t.Errorf("without a build: %d %s", res.StatusCode, body)
	}
}
