package monitoring_test

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/apptest"
	"counterpart/hooks/monitoring"
	"counterpart/hooks/tenancy"
	"counterpart/internal/config"
	"counterpart/internal/n8n/n8ntest"
)

const token = "metrics-token-for-tests-0123456789"

// get sends GET path to srv with the headers given and returns status and body.
func get(t *testing.T, srv *httptest.Server, path string, headers map[string]string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("GET", srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// remote serves one request through the app's router as if it came from
// 192.0.2.1 (httptest.NewRequest's address), i.e. from another machine.
func remote(t *testing.T, app core.App, path string, headers map[string]string) (int, string) {
	t.Helper()
	r, err := apis.NewRouter(app)
	if err != nil {
		t.Fatal(err)
	}
	var mux http.Handler
	err = app.OnServe().Trigger(&core.ServeEvent{App: app, Router: r, Server: &http.Server{}}, func(e *core.ServeEvent) error {
		m, err := e.Router.BuildMux()
		mux = m
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("GET", path, nil)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

func withToken(c *config.Config) { c.Monitoring.MetricsToken = token }

func TestAccess(t *testing.T) {
	bearer := map[string]string{"Authorization": "Bearer " + token}
	tests := []struct {
		name    string
		token   bool // monitoring.metrics_token configured
		remote  bool // from 192.0.2.1 instead of loopback
		headers map[string]string
		user    string // a tenant user's token instead of headers
		want    int
	}{
		{name: "token set, none sent, from loopback", token: true, want: 401},
		{name: "token set, wrong token", token: true, headers: map[string]string{"Authorization": "Bearer " + token + "x"}, want: 401},
		{name: "token set, token without Bearer", token: true, headers: map[string]string{"Authorization": token}, want: 401},
		{name: "token set, a tenant admin's sign-in token", token: true, user: "admin@smith.example", want: 401},
		{name: "token set, a superuser's sign-in token", token: true, user: "it", want: 401},
		{name: "token set, right token", token: true, headers: bearer, want: 200},
		{name: "token set, right token from another machine", token: true, remote: true, headers: bearer, want: 200},
		{name: "token set, none sent from another machine", token: true, remote: true, want: 401},
		{name: "no token, loopback", want: 200},
		{name: "no token, loopback through a proxy", headers: map[string]string{"X-Forwarded-For": "203.0.113.9"}, want: 403},
		{name: "no token, another machine", remote: true, want: 403},
		{name: "no token, another machine with a tenant admin's token", remote: true, user: "admin@smith.example", want: 403},
	}
	for _, path := range []string{monitoring.MetricsPath, monitoring.DeepPath} {
		for _, tc := range tests {
			t.Run(path+"/"+tc.name, func(t *testing.T) {
				cfg := apptest.Config()
				if tc.token {
					withToken(cfg)
				}
				app := apptest.New(t, cfg)
				headers := tc.headers
				switch tc.user {
				case "it":
					headers = map[string]string{"Authorization": apptest.Token(t, app, apptest.Superuser(t, app))}
				case "":
				default:
					headers = map[string]string{"Authorization": apptest.Token(t, app, tc.user)}
				}
				var status int
				var body string
				if tc.remote {
					status, body = remote(t, app, path, headers)
				} else {
					status, body = get(t, apptest.Serve(t, app), path, headers)
				}
				if status != tc.want {
					t.Fatalf("status %d, want %d: %s", status, tc.want, body)
				}
				if status != 200 && (strings.Contains(body, "counterpart_") || strings.Contains(body, "checks")) {
					t.Errorf("a refusal carries data: %s", body)
				}
				if status == 401 && !strings.Contains(body, "monitoring.metrics_token") {
					t.Errorf("the 401 does not say what to send: %s", body)
				}
			})
		}
	}
}

// value returns the sample of series (name plus labels, exactly as written) in an exposition.
func value(t *testing.T, exposition, series string) float64 {
	t.Helper()
	for line := range strings.SplitSeq(exposition, "\n") {
		if rest, ok := strings.CutPrefix(line, series+" "); ok {
			v, err := strconv.ParseFloat(rest, 64)
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			return v
		}
	}
	t.Fatalf("no series %s in:\n%s", series, exposition)
	return 0
}

func TestMetricsContent(t *testing.T) {
	cfg := apptest.Config()
	withToken(cfg)
	app := apptest.New(t, cfg)
	srv := apptest.Serve(t, app)
	smith, err := tenancy.FindTenant(app, "smith")
	if err != nil {
		t.Fatal(err)
	}
	member := apptest.Token(t, app, "member@smith.example")
	doc := apptest.Upload(t, srv, member, "price-list.txt", "text/plain", []byte("Oil filter 04152-YZZA6 costs 12.50"))
	for _, id := range []string{doc, "aaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbb"} {
		apptest.Do(t, srv, "GET", "/api/collections/documents/records/"+id, member, nil)
	}
	apptest.Do(t, srv, "GET", "/api/documents/"+doc+"/download", member, nil)
	if _, status := apptest.Realtime(t, srv, member, "documents"); status != 204 {
		t.Fatalf("realtime subscription: %d", status)
	}

	status, body := get(t, srv, monitoring.MetricsPath, map[string]string{"Authorization": "Bearer " + token})
	if status != 200 {
		t.Fatalf("metrics: %d %s", status, body)
	}
	for _, name := range []string{
		"counterpart_build_info", "counterpart_http_request_duration_seconds", "counterpart_n8n_call_duration_seconds",
		"counterpart_n8n_call_errors_total", "counterpart_n8n_calls_canceled_total", "counterpart_jobs_queued",
		"counterpart_jobs_oldest_due_seconds", "counterpart_chat_streams_open", "counterpart_realtime_clients",
		"counterpart_database_size_bytes", "counterpart_store_size_bytes", "counterpart_documents",
		"counterpart_data_dir_free_bytes", "counterpart_data_dir_size_bytes", "go_goroutines",
	} {
		if !strings.Contains(body, "# TYPE "+name+" ") {
			t.Errorf("metric %s missing", name)
		}
	}
	// route labels are patterns: three record ids make one series
	recordRoute := `counterpart_http_request_duration_seconds_count{route="/api/collections/{collection}/records/{id}",method="GET",status="`
	if n := value(t, body, recordRoute+`2xx"}`) + value(t, body, recordRoute+`4xx"}`); n != 3 {
		t.Errorf("record views counted %v times, want 3", n)
	}
	if value(t, body, `counterpart_http_request_duration_seconds_count{route="/api/documents/{id}/download",method="GET",status="2xx"}`) != 1 {
		t.Error("the download is not counted under its pattern")
	}
	// no tenant's data: no ids, names, addresses or file names
	for _, secret := range []string{doc, "aaaaaaaaaaaaaaa", smith.Id, "smith", "Smith", "price-list", "@", token} {
		if strings.Contains(body, secret) {
			t.Errorf("the metrics contain %q", secret)
		}
	}
	if v := value(t, body, `counterpart_database_size_bytes{db="data"}`); v <= 0 {
		t.Errorf("database size %v", v)
	}
	if v := value(t, body, "counterpart_store_size_bytes"); v < float64(len("Oil filter 04152-YZZA6 costs 12.50")) {
		t.Errorf("store size %v", v)
	}
	if v := value(t, body, "counterpart_data_dir_free_bytes"); v <= 0 {
		t.Errorf("free disk %v", v)
	}
	if v := value(t, body, "counterpart_realtime_clients"); v < 1 {
		t.Errorf("realtime clients %v with one connected", v)
	}
	if v := value(t, body, `counterpart_documents{status="ready"}`) + value(t, body, `counterpart_documents{status="uploaded"}`) +
		value(t, body, `counterpart_documents{status="processing"}`); v < 1 {
		t.Errorf("the uploaded document is not counted: %v", v)
	}
	if value(t, body, `counterpart_n8n_call_errors_total{webhook="chat",kind="timeout"}`) != 0 {
		t.Error("n8n errors without n8n")
	}
}

// closedURL is a webhook URL on a port nothing listens on.
func closedURL(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := "http://" + l.Addr().String() + "/webhook/counterpart-chat"
	l.Close()
	return u
}

// TestN8NErrorKinds asks a question through the real chat wiring against an
// n8n stand-in that fails in one way, and reads the count of that kind.
func TestN8NErrorKinds(t *testing.T) {
	tests := []struct {
		name  string
		reply n8ntest.Reply
		down  bool   // the webhook's port is closed
		kind  string // the series that must count the call; "" for a success
	}{
		{name: "answer", reply: n8ntest.Reply{Output: "Part 04152-YZZA6 is in stock."}},
		{name: "workflow error", reply: n8ntest.Reply{Mode: n8ntest.ModeStatus, Status: 500}, kind: "http_5xx"},
		{name: "workflow not active", reply: n8ntest.Reply{Mode: n8ntest.ModeStatus, Status: 404}, kind: "http_4xx"},
		{name: "token refused", reply: n8ntest.Reply{Mode: n8ntest.ModeStatus, Status: 403}, kind: "auth"},
		{name: "slow workflow", reply: n8ntest.Reply{HeaderDelay: 10 * time.Second}, kind: "timeout"},
		{name: "reply cut off", reply: n8ntest.Reply{Mode: n8ntest.ModeCut, After: 1}, kind: "bad_reply"},
		{name: "n8n down", down: true, kind: "unreachable"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			stand := n8ntest.New(t, n8ntest.Options{Chat: tc.reply})
			cfg := apptest.Config()
			withToken(cfg)
			cfg.N8N.ChatURL = stand.ChatURL()
			if tc.down {
				cfg.N8N.ChatURL = closedURL(t)
			}
			cfg.N8N.JWT = config.JWT{Algorithm: stand.Algorithm(), Secret: stand.Secret(), TTL: time.Minute}
			cfg.N8N.Timeout = 20 * time.Second
			cfg.Chat.FirstByteTimeout = 300 * time.Millisecond
			app := apptest.New(t, cfg)
			srv := apptest.Serve(t, app)
			member := apptest.Token(t, app, "member@smith.example")
			u, _ := app.FindAuthRecordByEmail("users", "member@smith.example")
			conv := apptest.Do(t, srv, "POST", "/api/collections/conversations/records", member,
				map[string]any{"tenant": u.GetString("tenant"), "user": u.Id})
			if conv.Status != 200 {
				t.Fatalf("conversation: %d %s", conv.Status, conv.Body)
			}
			ask := apptest.Do(t, srv, "POST", "/api/chat/conversations/"+conv.JSON["id"].(string)+"/messages", member,
				map[string]any{"content": "Is 04152-YZZA6 in stock?"})
			if ask.Status != 200 {
				t.Fatalf("ask: %d %s", ask.Status, ask.Body)
			}
			_, body := get(t, srv, monitoring.MetricsPath, map[string]string{"Authorization": "Bearer " + token})
			var errs float64
			for _, k := range []string{"timeout", "unreachable", "auth", "http_4xx", "http_5xx", "bad_reply"} {
				n := value(t, body, `counterpart_n8n_call_errors_total{webhook="chat",kind="`+k+`"}`)
				errs += n
				if k == tc.kind && n != 1 {
					t.Errorf("%s counted %v times, want 1", k, n)
				}
			}
			if want := map[bool]float64{true: 1, false: 0}[tc.kind != ""]; errs != want {
				t.Errorf("%v errors counted, want %v:\n%s", errs, want, body)
			}
			if value(t, body, `counterpart_n8n_call_duration_seconds_count{webhook="chat"}`) != 1 {
				t.Error("the call's duration is not recorded")
			}
			if value(t, body, `counterpart_n8n_call_errors_total{webhook="ingest",kind="http_5xx"}`) != 0 {
				t.Error("a chat call counted for ingest")
			}
		})
	}
}

// TestIngestCallsCounted checks the ingest webhook's client is instrumented too.
func TestIngestCallsCounted(t *testing.T) {
	stand := n8ntest.New(t, n8ntest.Options{Ingest: n8ntest.Reply{Mode: n8ntest.ModeStatus, Status: 500}})
	cfg := apptest.Config()
	withToken(cfg)
	cfg.N8N.IngestURL = stand.IngestURL()
	cfg.N8N.JWT = config.JWT{Algorithm: stand.Algorithm(), Secret: stand.Secret(), TTL: time.Minute}
	app := apptest.New(t, cfg)
	srv := apptest.Serve(t, app)
	apptest.Upload(t, srv, apptest.Token(t, app, "admin@smith.example"), "bulletin.txt", "text/plain", []byte("Service bulletin 12"))
	series := `counterpart_n8n_call_errors_total{webhook="ingest",kind="http_5xx"}`
	for deadline := time.Now().Add(30 * time.Second); ; {
		_, body := get(t, srv, monitoring.MetricsPath, map[string]string{"Authorization": "Bearer " + token})
		if value(t, body, series) >= 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the ingest job's failed call was not counted:\n%s", body)
		}
		time.Sleep(50 * time.Millisecond) // waiting for the job worker, not asserting a duration
	}
}

func TestDeepHealth(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(t *testing.T, c *config.Config)
		breaks func(t *testing.T, app core.App)
		want   int
		failed string // the check that must fail
	}{
		{name: "all fine, n8n not configured", want: 200},
		{name: "n8n reachable", setup: func(t *testing.T, c *config.Config) {
			stand := n8ntest.New(t, n8ntest.Options{})
			c.N8N.ChatURL, c.N8N.IngestURL = stand.ChatURL(), stand.IngestURL()
			c.N8N.JWT = config.JWT{Algorithm: stand.Algorithm(), Secret: stand.Secret(), TTL: time.Minute}
		}, want: 200},
		{name: "n8n unreachable", setup: func(t *testing.T, c *config.Config) {
			c.N8N.ChatURL = closedURL(t)
			c.N8N.JWT = config.JWT{Algorithm: "HS256", Secret: n8ntest.DefaultSecret, TTL: time.Minute}
		}, want: 503, failed: "n8n chat webhook"},
		{name: "store broken", breaks: func(t *testing.T, app core.App) {
			if err := os.RemoveAll(filepath.Join(app.DataDir(), "storage")); err != nil {
				t.Fatal(err)
			}
		}, want: 503, failed: "store"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := apptest.Config()
			if tc.setup != nil {
				tc.setup(t, cfg)
			}
			app := apptest.New(t, cfg)
			srv := apptest.Serve(t, app)
			if tc.breaks != nil {
				tc.breaks(t, app)
			}
			res := apptest.Do(t, srv, "GET", monitoring.DeepPath, "", nil)
			if res.Status != tc.want {
				t.Fatalf("status %d, want %d: %s", res.Status, tc.want, res.Body)
			}
			checks, _ := res.JSON["checks"].([]any)
			names := map[string]string{}
			for _, c := range checks {
				m := c.(map[string]any)
				names[m["name"].(string)] = m["status"].(string)
			}
			for _, n := range []string{"database", "store"} {
				if names[n] == "" {
					t.Errorf("no %s check: %s", n, res.Body)
				}
			}
			if tc.failed != "" && names[tc.failed] != "failing" {
				t.Errorf("%s is %q, want failing: %s", tc.failed, names[tc.failed], res.Body)
			}
			if cfg.N8N.ChatURL == "" && names["n8n"] != "not configured" {
				t.Errorf("n8n without a URL: %q", names["n8n"])
			}
			if strings.Contains(string(res.Body), "/webhook/") || strings.Contains(string(res.Body), n8ntest.DefaultSecret) {
				t.Errorf("the answer leaks a webhook URL or secret: %s", res.Body)
			}
		})
	}
}
