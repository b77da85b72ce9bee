// Package n8ntier is the real-n8n test tier: it imports the workflow pack
// (n8n/*.json) into a real n8n 2.8.4, points the chat model at an
// OpenAI-compatible stand-in (the only stand-in), runs Counterpart with
// hooks.Register against it, and drives documents and questions end to end.
//
// It runs when COUNTERPART_N8N_BIN names the n8n executable; `make test-n8n`
// (test/n8n/run.sh) installs n8n into the cache, checks free disk, and sets
// it. Without it every test here skips with a SKIPPED line.
package n8ntier

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"counterpart/internal/n8n"
)

// binEnv names the n8n executable; the tier skips without it.
const binEnv = "COUNTERPART_N8N_BIN"

// requireN8N returns the n8n executable or skips the test, loudly.
func requireN8N(t *testing.T) string {
	t.Helper()
	bin := os.Getenv(binEnv)
	if bin == "" {
		msg := "SKIPPED: real-n8n tier: " + binEnv + " is not set; run `make test-n8n` (it installs n8n 2.8.4 into the cache)"
		fmt.Println(msg)
		t.Skip(msg)
	}
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("%s=%s: %v", binEnv, bin, err)
	}
	return bin
}

// instance is a real n8n started for the tier.
type instance struct {
	t       testing.TB
	bin     string
	dir     string // N8N_USER_FOLDER
	env     []string
	base    string // http://127.0.0.1:<port>
	logPath string

	mu  sync.Mutex
	cmd *exec.Cmd
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// startN8N imports the credentials (the JWT secret and algorithm, the LLM
// base URL) and both workflows into a fresh user folder, publishes the
// workflows, starts n8n, and waits until both webhooks answer the ping.
func startN8N(t testing.TB, bin string, jwtSecret, llmURL string, signer *n8n.Signer) *instance {
	t.Helper()
	dir, err := os.MkdirTemp("", "counterpart-n8n-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	port := freePort(t)
	n := &instance{t: t, bin: bin, dir: dir, base: fmt.Sprintf("http://127.0.0.1:%d", port), logPath: filepath.Join(dir, "n8n.log")}
	n.env = append(withoutN8NEnv(os.Environ()),
		"N8N_USER_FOLDER="+dir,
		"N8N_ENCRYPTION_KEY="+randomHex(16),
		"N8N_DIAGNOSTICS_ENABLED=false",
		"N8N_PERSONALIZATION_ENABLED=false",
		"N8N_SECURE_COOKIE=false",
		"N8N_VERSION_NOTIFICATIONS_ENABLED=false",
		"N8N_TEMPLATES_ENABLED=false",
		"N8N_LISTEN_ADDRESS=127.0.0.1",
		fmt.Sprintf("N8N_PORT=%d", port),
		// the task runner broker listens on 5679 by default: parallel n8n instances would collide
		fmt.Sprintf("N8N_RUNNERS_BROKER_PORT=%d", freePort(t)),
		"WEBHOOK_URL="+n.base+"/",
	)

	creds := []map[string]any{
		{"id": "CpJwtAuthCred001", "name": "Counterpart JWT", "type": "jwtAuth",
			"data": map[string]any{"keyType": "passphrase", "secret": jwtSecret, "algorithm": "HS256"}},
		{"id": "CpLlmOpenAiCred1", "name": "Counterpart LLM", "type": "openAiApi",
			"data": map[string]any{"apiKey": "sk-counterpart-tier", "url": llmURL}},
	}
	credPath := filepath.Join(dir, "credentials.json")
	b, _ := json.Marshal(creds)
	if err := os.WriteFile(credPath, b, 0o600); err != nil {
		t.Fatal(err)
	}
	wfDir := filepath.Join(dir, "workflows")
	_ = os.MkdirAll(wfDir, 0o755)
	for _, name := range []string{"counterpart-chat.json", "counterpart-ingest.json"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "n8n", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(wfDir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	started := time.Now()
	n.cli("import:credentials", "--input="+credPath)
	n.cli("import:workflow", "--separate", "--input="+wfDir)
	n.cli("publish:workflow", "--id=CpChatWorkflow01")
	n.cli("publish:workflow", "--id=CpIngestWorkflo1")
	imported := time.Since(started)
	n.start()
	t.Cleanup(n.stop)
	n.waitActive(signer, 90*time.Second)
	t.Logf("n8n: import+publish %s, start to active webhooks %s", imported.Round(100*time.Millisecond),
		(time.Since(started) - imported).Round(100*time.Millisecond))
	return n
}

// withoutN8NEnv drops the caller's n8n settings so that the tier's own apply.
func withoutN8NEnv(env []string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, "N8N_") && !strings.HasPrefix(kv, "WEBHOOK_URL=") && !strings.HasPrefix(kv, "DB_") {
			out = append(out, kv)
		}
	}
	return out
}

// cli runs an n8n command against the tier's user folder.
func (n *instance) cli(args ...string) {
	n.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, n.bin, args...)
	cmd.Env = n.env
	out, err := cmd.CombinedOutput()
	if err != nil {
		n.t.Fatalf("n8n %s: %v\n%s", strings.Join(args, " "), err, tail(out, 3000))
	}
}

// start launches `n8n start` in its own process group (it spawns a task runner).
func (n *instance) start() {
	n.t.Helper()
	logf, err := os.OpenFile(n.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		n.t.Fatal(err)
	}
	cmd := exec.Command(n.bin, "start")
	cmd.Env = n.env
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		n.t.Fatalf("start n8n: %v", err)
	}
	go func() { _ = cmd.Wait(); logf.Close() }()
	n.mu.Lock()
	n.cmd = cmd
	n.mu.Unlock()
}

// kill stops n8n at once (SIGKILL to its process group), as a crash would.
func (n *instance) kill() {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.cmd == nil || n.cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-n.cmd.Process.Pid, syscall.SIGKILL)
	n.cmd = nil
}

// stop ends n8n; on a failed test it shows the end of n8n's log first.
func (n *instance) stop() {
	if n.t.Failed() {
		b, _ := os.ReadFile(n.logPath)
		n.t.Logf("n8n log (end):\n%s", tail(b, 6000))
	}
	n.mu.Lock()
	cmd := n.cmd
	n.cmd = nil
	n.mu.Unlock()
	if cmd == nil || cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if syscall.Kill(-cmd.Process.Pid, 0) != nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
}

func (n *instance) webhook(path string) string { return n.base + "/webhook/" + path }

// waitActive polls both webhooks with `n8n check`'s test request until they
// answer it: n8n activates published workflows a few seconds after it
// reports ready.
func (n *instance) waitActive(signer *n8n.Signer, limit time.Duration) {
	n.t.Helper()
	deadline := time.Now().Add(limit)
	client := &http.Client{Timeout: 5 * time.Second}
	var last []string
	for time.Now().Before(deadline) {
		last = last[:0]
		ok := true
		for _, target := range []n8n.CheckTarget{
			{Name: "chat", Workflow: n8n.ChatWorkflow, URL: n.webhook("counterpart-chat")},
			{Name: "ingest", Workflow: n8n.IngestWorkflow, URL: n.webhook("counterpart-ingest")},
		} {
			r := n8n.Check(context.Background(), client, signer, target)
			last = append(last, n8n.FormatCheck(r))
			ok = ok && r.OK()
		}
		if ok {
			return
		}
		time.Sleep(250 * time.Millisecond)
	}
	b, _ := os.ReadFile(n.logPath)
	n.t.Fatalf("the workflows did not become active within %s:\n%s\nn8n log:\n%s", limit, strings.Join(last, "\n"), tail(b, 4000))
}

func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// webhookTiming is one call through the timing proxy.
type webhookTiming struct {
	Start, FirstByte, End time.Time
	// Body is the start of n8n's reply (at most 8 KiB), for failure messages.
	Body string
	// Request is the body Counterpart posted (the chat request with its tools).
	Request []byte
}

// timingProxy sits between Counterpart and n8n's chat webhook, streaming
// through unchanged, and records what Counterpart posted, when each call
// started, when n8n's first byte came and when the reply ended: the part of
// an answer spent in n8n.
type timingProxy struct {
	srv   *httptest.Server
	mu    sync.Mutex
	calls []webhookTiming
}

func newTimingProxy(t testing.TB, target string) *timingProxy {
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &timingProxy{}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.FlushInterval = -1
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tw := &timedWriter{ResponseWriter: w, timing: webhookTiming{Start: time.Now()}}
		tw.timing.Request, _ = io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(tw.timing.Request))
		rp.ServeHTTP(tw, r)
		tw.timing.End = time.Now()
		tw.timing.Body = readable(tw.body.String())
		p.mu.Lock()
		p.calls = append(p.calls, tw.timing)
		p.mu.Unlock()
	}))
	t.Cleanup(p.srv.Close)
	return p
}

// count is how many calls have finished.
func (p *timingProxy) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.calls)
}

// after waits (a few seconds at most) for call number n+1 to finish and
// returns it: Counterpart may have read the end of a reply before the proxy
// recorded it.
func (p *timingProxy) after(n int) webhookTiming {
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		p.mu.Lock()
		if len(p.calls) > n {
			c := p.calls[n]
			p.mu.Unlock()
			return c
		}
		p.mu.Unlock()
	}
	return webhookTiming{}
}

func (p *timingProxy) last() webhookTiming {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.calls) == 0 {
		return webhookTiming{}
	}
	return p.calls[len(p.calls)-1]
}

type timedWriter struct {
	http.ResponseWriter
	timing webhookTiming
	body   strings.Builder
}

func (w *timedWriter) Write(b []byte) (int, error) {
	if w.timing.FirstByte.IsZero() && len(b) > 0 {
		w.timing.FirstByte = time.Now()
	}
	if w.body.Len() < 8<<10 {
		w.body.Write(b[:min(len(b), 8<<10-w.body.Len())])
	}
	return w.ResponseWriter.Write(b)
}

func (w *timedWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// readable un-gzips a captured reply: n8n compresses its webhook replies,
// streaming ones included, when the caller accepts gzip (Go's client does).
func readable(body string) string {
	if !strings.HasPrefix(body, "\x1f\x8b") {
		return body
	}
	zr, err := gzip.NewReader(strings.NewReader(body))
	if err != nil {
		return body
	}
	b, _ := io.ReadAll(zr) // a cut capture still yields its start
	return string(b)
}

// readAll drains and closes a response body.
func readAll(r io.ReadCloser) []byte {
	defer r.Close()
	b, _ := io.ReadAll(r)
	return b
}
