package blob_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"counterpart/internal/blob"
)

var testSecret = []byte("0123456789abcdef0123456789abcdef")

// newLocal returns a local store served by an httptest server mounted the
// way the application mounts it.
func newLocal(t *testing.T, opts ...blob.LocalOption) (*blob.Local, string) {
	t.Helper()
	dir := t.TempDir()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	l, err := blob.NewLocal(dir, srv.URL, testSecret, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	mux.Handle(blob.LocalRoute, l)
	return l, dir
}

func TestLocalContract(t *testing.T) {
	t.Parallel()
	l, _ := newLocal(t)
	testStoreContract(t, l)
}

func TestNewLocalValidation(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tt := range []struct {
		name, dir, base string
		secret          []byte
	}{
		{"empty dir", "", "http://127.0.0.1:8090", testSecret},
		{"short secret", dir, "http://127.0.0.1:8090", []byte("short")},
		{"no scheme", dir, "127.0.0.1:8090", testSecret},
		{"ftp", dir, "ftp://127.0.0.1", testSecret},
		{"query", dir, "http://127.0.0.1:8090/?a=b", testSecret},
		{"userinfo", dir, "http://u:p@127.0.0.1:8090", testSecret},
	} {
		if l, err := blob.NewLocal(tt.dir, tt.base, tt.secret); err == nil {
			l.Close()
			t.Errorf("%s: NewLocal succeeded", tt.name)
		}
	}
	l, err := blob.NewLocal(filepath.Join(dir, "new", "sub"), "https://parts.example.com/app/", testSecret)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	u, err := l.PresignPut(context.Background(), "tenants/a/b c/Ö.pdf", time.Minute, "")
	if err != nil {
		t.Fatal(err)
	}
	if want := "https://parts.example.com/app/api/blob/tenants/a/b%20c/%C3%96.pdf?"; !strings.HasPrefix(u, want) {
		t.Errorf("URL = %s, want prefix %s", u, want)
	}
}

func TestLocalExpiryClock(t *testing.T) {
	t.Parallel()
	l, _ := newLocal(t)
	ctx := context.Background()
	now := time.Now()
	l.SetNow(func() time.Time { return now })
	u, err := l.PresignPut(ctx, "a/b.txt", time.Minute, "")
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(59 * time.Second)
	if code, msg := do(t, http.MethodPut, u, []byte("x"), nil); code != http.StatusOK {
		t.Fatalf("PUT before expiry = %d %s", code, msg)
	}
	now = now.Add(2 * time.Second)
	if code, msg := do(t, http.MethodPut, u, []byte("x"), nil); code != http.StatusForbidden || !strings.Contains(msg, "expired") {
		t.Fatalf("PUT after expiry = %d %s", code, msg)
	}
}

func TestLocalHandlerErrors(t *testing.T) {
	t.Parallel()
	l, _ := newLocal(t)
	ctx := context.Background()
	if err := l.Put(ctx, "a/b.txt", strings.NewReader("hello"), 5, ""); err != nil {
		t.Fatal(err)
	}
	getURL, err := l.PresignGet(ctx, "a/b.txt", time.Minute, "b.txt", "")
	if err != nil {
		t.Fatal(err)
	}

	req, _ := http.NewRequest(http.MethodPut, getURL, strings.NewReader("x"))
	resp, err := httpClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != http.MethodGet {
		t.Errorf("PUT on GET URL = %d Allow=%q", resp.StatusCode, resp.Header.Get("Allow"))
	}

	r := get(t, getURL, nil)
	if r.header.Get("X-Content-Type-Options") != "nosniff" || r.header.Get("Content-Type") != "text/plain; charset=utf-8" ||
		!strings.Contains(r.header.Get("Content-Security-Policy"), "sandbox") {
		t.Errorf("GET headers = %v", r.header)
	}

	base := strings.SplitN(getURL, "/api/blob/", 2)[0]
	for _, path := range []string{"/api/blob/a/b.txt", "/api/blob/a/b.txt?method=GET&expires=99999999999&sig=zz", "/api/blob/"} {
		if r := get(t, base+path, nil); r.code != http.StatusForbidden || len(r.body) > 100 {
			t.Errorf("GET %s = %d %q", path, r.code, r.body)
		}
	}
}

func TestLocalMountedWithStripPrefix(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	defer srv.Close()
	l, err := blob.NewLocal(dir, srv.URL, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	mux.Handle(blob.LocalRoute, http.StripPrefix(blob.LocalRoute, l))
	u, err := l.PresignPut(context.Background(), "x/y.txt", time.Minute, "")
	if err != nil {
		t.Fatal(err)
	}
	if code, msg := do(t, http.MethodPut, u, []byte("data"), nil); code != http.StatusOK {
		t.Fatalf("PUT = %d %s", code, msg)
	}
}

func TestLocalMaxPutSize(t *testing.T) {
	t.Parallel()
	l, dir := newLocal(t, blob.WithMaxPutSize(1000))
	ctx := context.Background()

	u, err := l.PresignPut(ctx, "a/big.bin", time.Minute, "")
	if err != nil {
		t.Fatal(err)
	}
	if code, _ := do(t, http.MethodPut, u, make([]byte, 1000), nil); code != http.StatusOK {
		t.Fatalf("PUT at the limit = %d", code)
	}
	if err := l.Delete(ctx, "a/big.bin"); err != nil {
		t.Fatal(err)
	}

	// Declared length over the limit.
	if code, _ := do(t, http.MethodPut, u, make([]byte, 1001), nil); code != http.StatusRequestEntityTooLarge {
		t.Errorf("PUT over the limit = %d, want 413", code)
	}
	// Unknown length (chunked) over the limit.
	req, _ := http.NewRequest(http.MethodPut, u, io.MultiReader(bytes.NewReader(make([]byte, 600)), bytes.NewReader(make([]byte, 600))))
	req.ContentLength = -1
	resp, err := httpClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("chunked PUT over the limit = %d, want 413", resp.StatusCode)
	}
	if _, err := l.Stat(ctx, "a/big.bin"); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Stat after refused PUT = %v", err)
	}
	assertNoFiles(t, dir)

	// Server-side writes are not limited.
	if err := l.Put(ctx, "a/report.bin", bytes.NewReader(make([]byte, 5000)), 5000, ""); err != nil {
		t.Fatal(err)
	}
}

// failingReader yields some data then fails, like an aborted upload.
type failingReader struct{ n int }

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errors.New("connection lost")
	}
	n := min(len(p), f.n)
	f.n -= n
	return n, nil
}

func TestLocalAbortedUploadLeavesNothing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	l, err := blob.NewLocal(dir, srv.URL, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	mux.Handle(blob.LocalRoute, l)
	ctx := context.Background()

	u, err := l.PresignPut(ctx, "a/b.pdf", time.Minute, "")
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPut, u, &failingReader{n: 64 << 10})
	req.ContentLength = 1 << 20
	if resp, err := httpClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("aborted PUT answered %d", resp.StatusCode)
	}
	srv.Close() // waits for the handler to finish

	if _, err := l.Stat(ctx, "a/b.pdf"); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Stat after aborted upload = %v", err)
	}
	assertNoFiles(t, dir)

	// Same for server-side writes.
	if err := l.Put(ctx, "a/c.pdf", &failingReader{n: 100}, -1, ""); err == nil {
		t.Error("Put from a failing reader succeeded")
	}
	assertNoFiles(t, dir)
}

// assertNoFiles fails if dir contains any regular file.
func assertNoFiles(t *testing.T, dir string) {
	t.Helper()
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			t.Errorf("unexpected file left behind: %s", p)
		}
		return nil
	})
}

func TestLocalTraversal(t *testing.T) {
	t.Parallel()
	l, dir := newLocal(t)
	ctx := context.Background()

	outside := t.TempDir()
	secretFile := filepath.Join(outside, "secret.txt")
	if err := os.WriteFile(secretFile, []byte("top secret"), 0o600); err != nil {
		t.Fatal(err)
	}

	// The handler re-checks keys even when the signature is valid.
	for _, key := range []string{"../outside.txt", "a/../../outside.txt", "/etc/passwd", "a/.upload-x.tmp"} {
		u := l.PresignUnchecked(key, time.Minute)
		if code, _ := do(t, http.MethodPut, u, []byte("pwned"), nil); code == http.StatusOK {
			t.Errorf("PUT %q = 200", key)
		}
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(dir), "outside.txt")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a file was written outside the root: %v", err)
	}

	// A symlink pointing outside the root is not followed.
	if err := os.MkdirAll(filepath.Join(dir, "a"), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secretFile, filepath.Join(dir, "a", "link.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "a", "linkdir")); err != nil {
		t.Fatal(err)
	}
	if b, err := l.ReadHead(ctx, "a/link.txt", 100); err == nil {
		t.Errorf("ReadHead through an escaping symlink = %q", b)
	}
	if b, err := l.ReadHead(ctx, "a/linkdir/secret.txt", 100); err == nil {
		t.Errorf("ReadHead through an escaping dir symlink = %q", b)
	}
	u, err := l.PresignGet(ctx, "a/link.txt", time.Minute, "x.txt", "")
	if err != nil {
		t.Fatal(err)
	}
	if r := get(t, u, nil); r.code == http.StatusOK || bytes.Contains(r.body, []byte("secret")) {
		t.Errorf("GET through an escaping symlink = %d %q", r.code, r.body)
	}
	if err := l.Put(ctx, "a/linkdir/new.txt", strings.NewReader("x"), 1, ""); err == nil {
		t.Error("Put through an escaping dir symlink succeeded")
	}
	if err := l.DeletePrefix(ctx, "a/linkdir/"); err != nil {
		t.Logf("DeletePrefix through a symlink: %v", err)
	}
	if _, err := os.Stat(secretFile); err != nil {
		t.Errorf("file outside the root was touched: %v", err)
	}
	var listed []string
	l.List(ctx, "a/", func(oi blob.ObjectInfo) error { listed = append(listed, oi.Key); return nil })
	if len(listed) != 0 {
		t.Errorf("List followed symlinks: %q", listed)
	}
}

func TestLocalDeletePrunesDirs(t *testing.T) {
	t.Parallel()
	l, dir := newLocal(t)
	ctx := context.Background()
	for _, k := range []string{"t/d1/a.txt", "t/d2/b.txt"} {
		if err := l.Put(ctx, k, strings.NewReader("x"), 1, ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Delete(ctx, "t/d1/a.txt"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "t", "d1")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("empty folder kept: %v", err)
	}
	if err := l.DeletePrefix(ctx, "t/d2/"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "t")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("empty folder kept: %v", err)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Errorf("root removed: %v", err)
	}
	if err := l.Ping(ctx); err != nil {
		t.Errorf("Ping: %v", err)
	}
	assertNoFiles(t, dir)
}

func TestLocalPingReadOnly(t *testing.T) {
	t.Parallel()
	if os.Geteuid() == 0 {
		t.Skip("root ignores directory permissions")
	}
	l, dir := newLocal(t)
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(dir, 0o700)
	if err := l.Ping(context.Background()); err == nil {
		t.Error("Ping succeeded on a read-only directory")
	}
}
