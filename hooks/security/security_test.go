package security_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"counterpart/hooks/apptest"
	"counterpart/hooks/security"
	"counterpart/internal/config"
)

// TestHeadersOnEveryAnswer: API answers, errors, 404s, the web app, blob URLs
// and the dashboard all carry the security headers; each kind its own CSP.
func TestHeadersOnEveryAnswer(t *testing.T) {
	t.Parallel()
	app := apptest.New(t, nil)
	base := "http://" + serve(t, app) // the real server: PocketBase's dashboard and CORS included
	member := apptest.Token(t, app, "member@smith.example")
	const webappCSP, dashboardCSP, none = "script-src 'self'", "openstreetmap", ""
	cases := []struct {
		method, path, token string
		status              int
		csp                 string // a part of the expected policy; none: no policy
	}{
		{"GET", "/api/health", "", 200, security.APICSP},
		{"GET", "/api/collections/documents/records", member, 200, security.APICSP},
		{"GET", "/api/collections/documents/records", "", 200, security.APICSP}, // a guest sees an empty list
		{"POST", "/api/documents/uploads", "", 401, security.APICSP},
		{"GET", "/api/no-such-route", "", 404, security.APICSP},
		{"DELETE", "/no-such-page", "", 404, security.APICSP},
		{"GET", "/", "", 200, webappCSP},
		{"GET", "/chat/some/deep/link", "", 200, webappCSP},
		{"GET", "/assets/missing-1234.js", "", 404, webappCSP},
		{"GET", "/_/", "", 200, dashboardCSP},
		{"GET", "/api/blob/tenants/x/documents/y/z.txt?method=GET&expires=1&sig=00", "", 403, none},
	}
	for _, c := range cases {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			req, _ := http.NewRequest(c.method, base+c.path, nil)
			if c.token != "" {
				req.Header.Set("Authorization", c.token)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != c.status {
				t.Errorf("status %d, want %d", res.StatusCode, c.status)
			}
			h := res.Header
			for name, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
				"Cross-Origin-Opener-Policy": "same-origin"} {
				if got := h.Get(name); got != want {
					t.Errorf("%s: %q, want %q", name, got, want)
				}
			}
			if rp := h.Get("Referrer-Policy"); rp != security.ReferrerPolicy && rp != "same-origin" {
				t.Errorf("Referrer-Policy %q", rp)
			}
			if hsts := h.Get("Strict-Transport-Security"); hsts != "" {
				t.Errorf("HSTS over plain HTTP: %q", hsts)
			}
			csp := h.Get("Content-Security-Policy")
			switch {
			case c.csp == none && c.status == 403:
				// the blob store's refusal: no policy needed on a text error, framing denied above
			case !strings.Contains(csp, c.csp):
				t.Errorf("Content-Security-Policy %q, want one with %q", csp, c.csp)
			case c.csp != none && !strings.Contains(csp, "frame-ancestors 'none'"):
				t.Errorf("Content-Security-Policy %q allows framing", csp)
			}
		})
	}
}

// TestCORSOnlyForPublicURL: a foreign Origin gets no Access-Control-Allow-Origin,
// neither on a request nor on a preflight; the public URL's origin does.
func TestCORSOnlyForPublicURL(t *testing.T) {
	t.Parallel()
	app := apptest.New(t, nil)
	// the real server, whose `--origins` default (*) must not survive
	base := "http://" + serve(t, app)
	public := strings.TrimRight(app.Settings().Meta.AppURL, "/")
	cases := []struct {
		method, origin string
		allowed        bool
	}{
		{"GET", "https://evil.example", false},
		{"OPTIONS", "https://evil.example", false},
		{"GET", "null", false},
		{"GET", public + ".evil.example", false},
		{"GET", public, true},
		{"OPTIONS", public, true},
	}
	for _, c := range cases {
		req, _ := http.NewRequest(c.method, base+"/api/collections/users/auth-methods", nil)
		req.Header.Set("Origin", c.origin)
		if c.method == "OPTIONS" {
			req.Header.Set("Access-Control-Request-Method", "POST")
			req.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		got := res.Header.Get("Access-Control-Allow-Origin")
		if c.allowed && got != c.origin {
			t.Errorf("%s from %s: Access-Control-Allow-Origin %q, want the origin", c.method, c.origin, got)
		}
		if !c.allowed && got != "" {
			t.Errorf("%s from %s: Access-Control-Allow-Origin %q, want none", c.method, c.origin, got)
		}
	}
}

// TestBodyLimits: a body over limits.max_json_bytes is refused with 413 on
// JSON routes, whether its length is announced or not; uploads through the
// local store's presigned URL are not limited by it.
func TestBodyLimits(t *testing.T) {
	t.Parallel()
	cfg := apptest.Config()
	cfg.Limits.MaxJSONBytes = 64 << 10
	app := apptest.New(t, cfg)
	srv := apptest.Serve(t, app)
	member := apptest.Token(t, app, "member@smith.example")
	user, _ := app.FindAuthRecordByEmail("users", "member@smith.example")
	big := []byte(`{"name":"` + strings.Repeat("a", 100<<10) + `"}`)
	cases := []struct {
		method, path string
		chunked      bool
	}{
		{"POST", "/api/documents/uploads", false},
		{"POST", "/api/documents/uploads", true},
		{"POST", "/api/chat/conversations/nope/messages", false},
		{"PATCH", "/api/collections/users/records/" + user.Id, false},
		{"PATCH", "/api/collections/users/records/" + user.Id, true},
		{"POST", "/api/collections/users/auth-with-password", true},
		{"POST", "/api/batch", false},
	}
	for _, c := range cases {
		var body io.Reader = bytes.NewReader(big)
		if c.chunked {
			body = io.MultiReader(bytes.NewReader(big)) // unknown length: sent chunked
		}
		req, _ := http.NewRequest(c.method, srv.URL+c.path, body)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", member)
		res, err := srv.Client().Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", c.method, c.path, err)
		}
		msg, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 413 || !strings.Contains(string(msg), "limits.max_json_bytes") {
			t.Errorf("%s %s (chunked %v): %d %s, want 413 naming the limit", c.method, c.path, c.chunked, res.StatusCode, msg)
		}
	}
	// a small body still passes on the same routes
	if res := apptest.Do(t, srv, "PATCH", "/api/collections/users/records/"+user.Id, member, map[string]any{"name": "Mia"}); res.Status != 200 {
		t.Errorf("small PATCH: %d %s", res.Status, res.Body)
	}
	// a file larger than the JSON limit goes through the presigned PUT
	file := bytes.Repeat([]byte("part 12345-ABC fits the 2019 model\n"), 10_000) // ≈ 350 KiB
	apptest.Upload(t, srv, member, "large.txt", "text/plain", file)
}

// TestRateLimitsUploadsAndChat: starting uploads and chat requests are
// limited per client by limits.uploads_per_minute and limits.chat_per_minute.
func TestRateLimitsUploadsAndChat(t *testing.T) {
	t.Parallel()
	cfg := apptest.Config()
	cfg.Auth.RateLimit = true
	cfg.Limits.UploadsPerMinute = 2
	cfg.Limits.ChatPerMinute = 3
	app := apptest.New(t, cfg)
	srv := apptest.Serve(t, app)
	member := apptest.Token(t, app, "member@smith.example")
	cases := []struct {
		path    string
		allowed int
		body    map[string]any
	}{
		{"/api/documents/uploads", 2, map[string]any{"name": "a.txt", "type": "text/plain", "size": 10}},
		{"/api/chat/conversations/nope/messages", 3, map[string]any{"content": "hello"}},
		{"/api/chat/messages/nope/retry", 0, nil}, // the same chat budget, already spent
	}
	for _, c := range cases {
		for i := 0; i <= c.allowed; i++ {
			res := apptest.Do(t, srv, "POST", c.path, member, c.body)
			if i < c.allowed && res.Status == 429 {
				t.Errorf("%s request %d: 429 before the limit", c.path, i+1)
			}
			if i == c.allowed && res.Status != 429 {
				t.Errorf("%s request %d: %d %s, want 429", c.path, i+1, res.Status, res.Body)
			}
		}
	}
	// other routes keep their own budget
	if res := apptest.Do(t, srv, "GET", "/api/collections/documents/records", member, nil); res.Status != 200 {
		t.Errorf("list after the limits: %d", res.Status)
	}
}

// serve runs the app the way `counterpart serve` does (apis.Serve, with
// PocketBase's own server, CORS and timeouts), on a free loopback port, and
// returns its address; it stops when the test ends.
func serve(t *testing.T, app *tests.TestApp) string {
	t.Helper()
	apptest.Superuser(t, app) // no installer prompt
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	done := make(chan error, 1)
	go func() { done <- apis.Serve(app, apis.ServeConfig{HttpAddr: addr}) }()
	t.Cleanup(func() {
		_ = app.OnTerminate().Trigger(&core.TerminateEvent{App: app})
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("server did not stop")
		}
	})
	// wait until it accepts connections (or failed to start)
	for i := 0; ; i++ {
		select {
		case err := <-done:
			t.Fatalf("serve: %v", err)
		default:
		}
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return addr
		}
		if i > 500 {
			t.Fatal("server did not start")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// selfSigned writes a certificate for 127.0.0.1 and its key (mode 0600).
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "counterpart test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalPKCS8PrivateKey(key)
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// TestTLSWithProvidedCertificate: with tls.cert_file/key_file the server
// speaks HTTPS only, with HSTS on its answers.
func TestTLSWithProvidedCertificate(t *testing.T) {
	t.Parallel()
	certFile, keyFile, pool := selfSigned(t, t.TempDir())
	cfg := apptest.Config()
	cfg.TLS = config.TLS{CertFile: certFile, KeyFile: keyFile}
	app := apptest.New(t, cfg)
	addr := serve(t, app)

	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	res, err := client.Get("https://" + addr + "/api/health")
	if err != nil {
		t.Fatalf("HTTPS: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Strict-Transport-Security") != security.HSTS {
		t.Errorf("HTTPS /api/health: %d, HSTS %q", res.StatusCode, res.Header.Get("Strict-Transport-Security"))
	}
	if res.TLS == nil || res.TLS.Version < tls.VersionTLS12 {
		t.Errorf("TLS state %+v", res.TLS)
	}
	// a client that does not trust the certificate is refused by its own TLS stack
	if _, err := (&http.Client{Timeout: 30 * time.Second}).Get("https://" + addr + "/api/health"); err == nil {
		t.Error("an untrusted certificate was accepted")
	}
	// plain HTTP on the TLS port gets no API answer
	if res, err := (&http.Client{Timeout: 30 * time.Second}).Get("http://" + addr + "/api/health"); err == nil {
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode == 200 {
			t.Errorf("plain HTTP on the TLS port: %d %s", res.StatusCode, body)
		}
	}
	// a broken key fails at Register, before anything listens
	bad := apptest.Config()
	bad.TLS.CertFile, bad.TLS.KeyFile = certFile, certFile
	if err := security.Register(core.NewBaseApp(core.BaseAppConfig{DataDir: t.TempDir()}), bad, "http://127.0.0.1:8090"); err == nil {
		t.Error("a certificate without its key was accepted")
	}
}

// TestSlowClientsAreDropped: a client that trickles its headers is
// disconnected after limits.read_header_timeout, while others are served.
func TestSlowClientsAreDropped(t *testing.T) {
	t.Parallel()
	cfg := apptest.Config()
	cfg.Limits.ReadHeaderTimeout = time.Second
	app := apptest.New(t, cfg)
	addr := serve(t, app)

	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	closed := make(chan error, 1)
	go func() {
		// the server's close (or its 408) ends this read
		_, err := io.Copy(io.Discard, conn)
		closed <- err
	}()
	if _, err := fmt.Fprint(conn, "GET /api/health HTTP/1.1\r\nHost: x\r\n"); err != nil {
		t.Fatal(err)
	}
	// one header line every 200 ms: the headers never end. The bound below
	// only stops a broken test; the server drops the client after 1 s.
	deadline := time.After(60 * time.Second)
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for i := 0; ; i++ {
		select {
		case <-closed:
			// dropped; a well-behaved client is still served
			res, err := http.Get("http://" + addr + "/api/health")
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != 200 {
				t.Errorf("after the slow client: %d", res.StatusCode)
			}
			return
		case <-deadline:
			t.Fatal("a client trickling headers was still connected after 60 s")
		case <-tick.C:
			if _, err := fmt.Fprintf(conn, "X-Slow-%d: 1\r\n", i); err != nil && !errors.Is(err, net.ErrClosed) {
				// a write may fail once the server closed: the read above reports it
				continue
			}
		}
	}
}
