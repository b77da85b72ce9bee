// Package apptest builds Counterpart test apps: all features registered
// exactly as the binary registers them, on a copy of a database seeded once
// per test process with the demo dealerships, served over real HTTP.
package apptest

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/mailer"

	"counterpart/hooks"
	"counterpart/hooks/demo"
	"counterpart/internal/config"
	_ "counterpart/pb_migrations"
)

var (
	templateOnce sync.Once
	templateDir  string
	templateErr  error
)

// Config returns the configuration tests run with: the defaults, with the
// rate limiter off so that tests can sign in many times in a row.
func Config() *config.Config {
	cfg := config.Defaults()
	cfg.Auth.RateLimit = false
	return cfg
}

// New returns a migrated, demo-seeded test app with every feature registered
// with cfg (Config() when nil). It is cleaned up when the test ends.
func New(t testing.TB, cfg *config.Config) *tests.TestApp {
	t.Helper()
	templateOnce.Do(func() { templateDir, templateErr = buildTemplate() })
	if templateErr != nil {
		t.Fatalf("seeded template: %v", templateErr)
	}
	if cfg == nil {
		cfg = Config()
	}
	app, err := tests.NewTestApp(templateDir)
	if err != nil {
		t.Fatalf("test app: %v", err)
	}
	t.Cleanup(app.Cleanup)
	// the server's address is reserved now, so that features see their public URL at Register
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	listeners.Store(app, l)
	c := *cfg
	c.PublicURL = "http://" + l.Addr().String()
	if c.Storage.Driver == "local" && c.Storage.Local.Dir == "" {
		c.Storage.Local.Dir = filepath.Join(app.DataDir(), "storage")
	}
	if err := hooks.Register(app, &c); err != nil {
		t.Fatalf("register features: %v", err)
	}
	return app
}

// listeners holds each test app's reserved server socket until Serve uses it.
var listeners sync.Map

// buildTemplate migrates and seeds a data dir that every test app copies.
func buildTemplate() (string, error) {
	dir, err := os.MkdirTemp("", "counterpart-template-*")
	if err != nil {
		return "", err
	}
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir, EncryptionEnv: "pb_test_env"})
	if err := app.Bootstrap(); err != nil {
		return "", err
	}
	defer app.ResetBootstrapState()
	if err := app.RunAllMigrations(); err != nil {
		return "", err
	}
	if err := hooks.Register(app, Config()); err != nil {
		return "", err
	}
	if err := demo.Seed(app); err != nil {
		return "", err
	}
	// test apps have mail set up: every message lands in the test app's
	// in-memory mailer (TestMailer), so this host is never dialled; WithoutMail
	// makes an app of a server without mail
	s := app.Settings()
	s.SMTP.Enabled, s.SMTP.Host, s.SMTP.Port = true, "mail.test.invalid", 25
	if err := app.Save(s); err != nil {
		return "", err
	}
	return dir, nil
}

// WithoutMail makes app a server without mail, as a fresh install without
// smtp in counterpart.yaml is (appsettings.MailSetUp is false).
func WithoutMail(t testing.TB, app core.App) {
	t.Helper()
	s := app.Settings()
	s.SMTP.Enabled = false
	if err := app.Save(s); err != nil {
		t.Fatal(err)
	}
}

// Serve starts a real HTTP server with the app's router, exactly as `serve`
// builds it (OnServe hooks, middlewares, custom routes).
func Serve(t testing.TB, app core.App) *httptest.Server {
	t.Helper()
	router, err := apis.NewRouter(app)
	if err != nil {
		t.Fatalf("router: %v", err)
	}
	var srv *httptest.Server
	se := &core.ServeEvent{App: app, Router: router, Server: &http.Server{}}
	err = app.OnServe().Trigger(se, func(e *core.ServeEvent) error {
		mux, err := e.Router.BuildMux()
		if err != nil {
			return err
		}
		srv = httptest.NewUnstartedServer(mux)
		if l, ok := listeners.LoadAndDelete(app); ok {
			srv.Listener.Close()
			srv.Listener = l.(net.Listener)
		}
		srv.Start()
		return nil
	})
	if err != nil {
		t.Fatalf("serve: %v", err)
	}
	// OnServe started PocketBase's cron; tests run scheduled work themselves
	// (usage.Rollup, injected clocks), and a tick firing while the test's
	// clean-up closes the database would race with it
	app.Cron().Stop()
	t.Cleanup(srv.Close)
	return srv
}

// Token returns a sign-in token for the user or superuser with email.
func Token(t testing.TB, app core.App, email string) string {
	t.Helper()
	for _, col := range []string{"users", core.CollectionNameSuperusers} {
		if r, err := app.FindAuthRecordByEmail(col, email); err == nil {
			token, err := r.NewAuthToken()
			if err != nil {
				t.Fatalf("token for %s: %v", email, err)
			}
			return token
		}
	}
	t.Fatalf("no user or superuser %s", email)
	return ""
}

// Superuser creates (once) a superuser and returns its email.
func Superuser(t testing.TB, app core.App) string {
	t.Helper()
	const email = "it@counterpart.test"
	if _, err := app.FindAuthRecordByEmail(core.CollectionNameSuperusers, email); err == nil {
		return email
	}
	col, err := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(col)
	r.SetEmail(email)
	r.SetPassword("superuser-password-1")
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	return email
}

// Response is a decoded API answer.
type Response struct {
	Status int
	Body   []byte
	JSON   map[string]any
}

// Do sends a request with an optional token and JSON body and decodes the answer.
func Do(t testing.TB, srv *httptest.Server, method, path, token string, body any) Response {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	out := Response{Status: res.StatusCode}
	out.Body, _ = io.ReadAll(res.Body)
	_ = json.Unmarshal(out.Body, &out.JSON)
	return out
}

// Items returns the "items" of a list answer.
func (r Response) Items() []map[string]any {
	raw, _ := r.JSON["items"].([]any)
	out := make([]map[string]any, 0, len(raw))
	for _, it := range raw {
		if m, ok := it.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// Message returns the "message" of an error answer.
func (r Response) Message() string {
	m, _ := r.JSON["message"].(string)
	return m
}

// UseSMTP makes the app send mail through a real SMTP server at host:port
// (a mailtest server) instead of the test app's in-memory mailer.
func UseSMTP(t testing.TB, app *tests.TestApp, host string, port int) {
	t.Helper()
	s := app.Settings()
	s.SMTP.Enabled, s.SMTP.Host, s.SMTP.Port = true, host, port
	if err := app.Save(s); err != nil {
		t.Fatal(err)
	}
	app.OnMailerSend().Bind(&hook.Handler[*core.MailerEvent]{
		// after the test app swapped in its in-memory mailer, swap the real client back
		Priority: -99998,
		Func: func(e *core.MailerEvent) error {
			e.Mailer = &mailer.SMTPClient{Host: host, Port: port}
			return e.Next()
		},
	})
}

// Upload runs the browser's upload flow (ask for an upload, PUT the body to
// the presigned URL with the headers given, complete) and returns the id of
// the completed document.
func Upload(t testing.TB, srv *httptest.Server, token, name, contentType string, body []byte) string {
	t.Helper()
	return UploadAs(t, srv, token, name, contentType, "", body)
}

// UploadAs is Upload with the document's category (e.g. "price_list").
func UploadAs(t testing.TB, srv *httptest.Server, token, name, contentType, category string, body []byte) string {
	t.Helper()
	res := Do(t, srv, "POST", "/api/documents/uploads", token, map[string]any{"name": name, "type": contentType, "size": len(body), "category": category})
	if res.Status != 201 {
		t.Fatalf("start upload %s: %d %s", name, res.Status, res.Body)
	}
	up := res.JSON["upload"].(map[string]any)
	req, _ := http.NewRequest("PUT", up["url"].(string), bytes.NewReader(body))
	for k, v := range up["headers"].(map[string]any) {
		req.Header.Set(k, v.(string))
	}
	put, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("PUT %s: %v", name, err)
	}
	io.Copy(io.Discard, put.Body)
	put.Body.Close()
	if put.StatusCode != 200 {
		t.Fatalf("PUT %s: %d", name, put.StatusCode)
	}
	id := res.JSON["document"].(map[string]any)["id"].(string)
	if res := Do(t, srv, "POST", "/api/documents/"+id+"/complete", token, nil); res.Status != 200 {
		t.Fatalf("complete %s: %d %s", name, res.Status, res.Body)
	}
	return id
}
