// Package n8ntest is an n8n stand-in for tests: an httptest server that
// speaks n8n 2.8.4's wire format (see /work/shared/FACTS.md, section n8n) so
// that other packages test against it instead of a real n8n.
//
// It serves the chat and ingest webhooks under /webhook/<path>, checks the
// Authorization header exactly as the Webhook node's "JWT Auth" does (same
// status codes, texts and headers), records what it received, and answers in
// a mode a test chooses: JSON, streaming, slow, broken or huge.
//
//	s := n8ntest.New(t, n8ntest.Options{})
//	s.SetChatReply(n8ntest.Reply{Mode: n8ntest.ModeStream, Tokens: []string{"Hi", "!"}})
//	// point the code under test at s.ChatURL(), sign with s.Secret() ...
//	reqs := s.Requests()
package n8ntest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// DefaultSecret is the "JWT Auth" credential's secret when Options.Secret is
// empty: 40 bytes, long enough for n8n.LoadKeys.
const DefaultSecret = "n8ntest-shared-secret-0123456789abcdefgh"

// Default webhook paths, as in the workflow templates Counterpart ships.
const (
	DefaultChatPath   = "counterpart-chat"
	DefaultIngestPath = "counterpart-ingest"
)

// MaxPayloadBytes is the largest request body accepted (n8n's default
// N8N_PAYLOAD_SIZE_MAX, 16 MiB); a larger one gets 413.
const MaxPayloadBytes = 16 << 20

// Options configure a Server. The zero value is an HS256 server with
// DefaultSecret and the default paths.
type Options struct {
	// Algorithm is the credential's algorithm (HS/RS/PS/ES 256/384/512);
	// "" means HS256. Exactly this one is accepted, as in n8n.
	Algorithm string
	// Secret is the passphrase for HS*; "" means DefaultSecret.
	Secret string
	// PublicKeyPEM verifies RS*/PS*/ES* tokens (PKIX "PUBLIC KEY", PKCS#1
	// "RSA PUBLIC KEY" or a certificate), like the credential's public key.
	PublicKeyPEM string
	// PrivateKeyPEM signs callback tokens for RS*/PS*/ES* (SignCallback),
	// like the credential's private key. Optional.
	PrivateKeyPEM string

	// ChatPath and IngestPath are the webhook paths (without /webhook/);
	// "" means DefaultChatPath and DefaultIngestPath.
	ChatPath, IngestPath string

	// Chat and Ingest are the initial replies; see SetChatReply. The zero
	// Reply of the ingest webhook answers {"message":"Workflow was started"},
	// as n8n's "Respond: immediately" does.
	Chat, Ingest Reply

	// OnIngest, if set, is called with the JSON body of every authorized
	// ingest request after its reply was sent, on its own goroutine, so that
	// a test can act like the ingest workflow and call back. It must return;
	// the server's cleanup waits for it.
	OnIngest func(body map[string]any)

	// Now is the clock used to check exp and nbf; nil means time.Now.
	Now func() time.Time
}

// Server is a running n8n stand-in. Its methods are safe for concurrent use.
type Server struct {
	// URL is the base URL, e.g. http://127.0.0.1:41234.
	URL string

	t       testing.TB
	srv     *httptest.Server
	alg     string
	hmacKey []byte
	pubKey  any
	signKey any
	chat    string
	ingest  string
	now     func() time.Time
	closing chan struct{}
	hooks   sync.WaitGroup

	mu          sync.Mutex
	chatReply   Reply
	ingestReply Reply
	onIngest    func(map[string]any)
	requests    []Request
	noExp       []map[string]any
	aborted     int
}

// New starts a Server on loopback; it is closed when the test ends (open
// streams are cut, OnIngest hooks are waited for). Bad Options fail the test.
func New(t testing.TB, opts Options) *Server {
	t.Helper()
	s := &Server{
		t:           t,
		alg:         opts.Algorithm,
		chat:        opts.ChatPath,
		ingest:      opts.IngestPath,
		now:         opts.Now,
		closing:     make(chan struct{}),
		chatReply:   opts.Chat,
		ingestReply: opts.Ingest,
		onIngest:    opts.OnIngest,
	}
	if s.alg == "" {
		s.alg = "HS256"
	}
	if s.chat == "" {
		s.chat = DefaultChatPath
	}
	if s.ingest == "" {
		s.ingest = DefaultIngestPath
	}
	if s.now == nil {
		s.now = time.Now
	}
	if jwt.GetSigningMethod(s.alg) == nil || s.alg == "none" || strings.HasPrefix(s.alg, "EdDSA") {
		t.Fatalf("n8ntest: unsupported algorithm %q", s.alg)
	}
	if strings.HasPrefix(s.alg, "HS") {
		secret := opts.Secret
		if secret == "" {
			secret = DefaultSecret
		}
		s.hmacKey = []byte(secret)
	} else {
		if opts.PublicKeyPEM == "" {
			t.Fatalf("n8ntest: algorithm %s needs Options.PublicKeyPEM", s.alg)
		}
		pub, err := parsePublicKey(opts.PublicKeyPEM)
		if err != nil {
			t.Fatalf("n8ntest: Options.PublicKeyPEM: %v", err)
		}
		s.pubKey = pub
		if opts.PrivateKeyPEM != "" {
			if s.signKey, err = parsePrivateKey(opts.PrivateKeyPEM); err != nil {
				t.Fatalf("n8ntest: Options.PrivateKeyPEM: %v", err)
			}
		}
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	t.Cleanup(func() {
		close(s.closing)
		s.srv.CloseClientConnections()
		s.srv.Close()
		s.hooks.Wait()
	})
	return s
}

// ChatURL returns the chat webhook's URL.
func (s *Server) ChatURL() string { return s.URL + "/webhook/" + s.chat }

// IngestURL returns the ingest webhook's URL.
func (s *Server) IngestURL() string { return s.URL + "/webhook/" + s.ingest }

// Client returns the server's HTTP client. It is shared: copy it before
// changing a field such as Timeout.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Algorithm returns the accepted algorithm, e.g. "HS256".
func (s *Server) Algorithm() string { return s.alg }

// Secret returns the HS* secret ("" for other algorithms), to configure the
// code under test with.
func (s *Server) Secret() string { return string(s.hmacKey) }

// SetChatReply changes how the chat webhook answers, from the next request on.
func (s *Server) SetChatReply(r Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chatReply = r
}

// SetIngestReply changes how the ingest webhook answers, from the next request on.
func (s *Server) SetIngestReply(r Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ingestReply = r
}

// SetOnIngest replaces Options.OnIngest.
func (s *Server) SetOnIngest(fn func(body map[string]any)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onIngest = fn
}

// Requests returns a copy of every request received so far, in order,
// rejected ones included.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// TokensWithoutExp returns the claims of accepted tokens that had no exp.
// n8n accepts such a token forever, so Counterpart must never send one:
// tests assert this is empty.
func (s *Server) TokensWithoutExp() []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]map[string]any(nil), s.noExp...)
}

// Aborted returns how many replies ended early because the client went away
// (a write failed or the request context ended), e.g. a cancelled stream.
func (s *Server) Aborted() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.aborted
}

// SignCallback signs claims the way n8n's JWT node does for a callback: the
// credential's algorithm, header {"alg":…,"typ":"JWT"}, iat added unless
// present, nothing else added (the workflow adds exp). HS* uses the secret;
// other algorithms need Options.PrivateKeyPEM.
func (s *Server) SignCallback(claims map[string]any) (string, error) {
	key := s.signKey
	if s.hmacKey != nil {
		key = s.hmacKey
	}
	if key == nil {
		return "", fmt.Errorf("n8ntest: SignCallback with %s needs Options.PrivateKeyPEM", s.alg)
	}
	mc := jwt.MapClaims{}
	for k, v := range claims {
		mc[k] = v
	}
	if _, ok := mc["iat"]; !ok {
		mc["iat"] = s.now().Unix()
	}
	return jwt.NewWithClaims(jwt.GetSigningMethod(s.alg), mc).SignedString(key)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	rec := Request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone()}
	// Read the body first (n8n does too): only then does net/http notice a
	// client that goes away, and cancel the request context.
	raw, err := io.ReadAll(io.LimitReader(r.Body, MaxPayloadBytes+1))
	if err != nil {
		s.record(rec)
		return
	}
	if len(raw) > MaxPayloadBytes {
		rec.Status = http.StatusRequestEntityTooLarge
		s.record(rec)
		http.Error(w, "request entity too large", http.StatusRequestEntityTooLarge)
		return
	}
	rec.RawBody = raw
	if len(bytes.TrimSpace(raw)) > 0 {
		var body map[string]any
		if json.Unmarshal(raw, &body) == nil {
			rec.Body = body
		}
	}

	name, ok := strings.CutPrefix(r.URL.Path, "/webhook/")
	if !ok {
		rec.Status = http.StatusNotFound
		s.record(rec)
		http.Error(w, "Cannot "+r.Method+" "+r.URL.Path, http.StatusNotFound)
		return
	}
	s.mu.Lock()
	var reply Reply
	ingest := false
	switch name {
	case s.chat:
		reply = s.chatReply
	case s.ingest:
		reply, ingest = s.ingestReply, true
		if reply.Mode == "" && reply.Body == nil && reply.Output == "" {
			reply.Body = map[string]any{"message": "Workflow was started"}
		}
	default:
		s.mu.Unlock()
		rec.Status = http.StatusNotFound
		s.record(rec)
		writeNotRegistered(w, r.Method, name)
		return
	}
	onIngest := s.onIngest
	s.mu.Unlock()

	if r.Method != http.MethodPost {
		rec.Status = http.StatusNotFound
		s.record(rec)
		writeJSON(w, http.StatusNotFound, map[string]any{"code": 404,
			"message": fmt.Sprintf("This webhook is not registered for %s requests. Did you mean to make a POST request?", r.Method)})
		return
	}
	if reply.Mode == ModeStatus && reply.Status == http.StatusNotFound {
		// An inactive workflow has no webhook: n8n answers 404 before any auth.
		rec.Status = http.StatusNotFound
		s.record(rec)
		writeNotRegistered(w, r.Method, name)
		return
	}

	// JWT Auth runs before the workflow: a rejection is immediate.
	claims, status, msg := s.checkJWT(r.Header.Get("Authorization"))
	if status != 0 {
		rec.Status, rec.Rejection = status, msg
		s.record(rec)
		writeAuthError(w, status, msg)
		return
	}
	rec.Claims = claims
	rec.Status = http.StatusOK
	if reply.Mode == ModeStatus {
		rec.Status = reply.Status
	}
	s.mu.Lock()
	if _, ok := claims["exp"]; !ok {
		s.noExp = append(s.noExp, claims)
	}
	s.mu.Unlock()
	s.record(rec) // visible to Requests() while the reply is still running

	if !s.wait(r, reply.HeaderDelay) {
		s.abort()
		return
	}
	if s.writeReply(w, r, reply) && ingest && onIngest != nil && rec.Status < 300 {
		body := rec.Body
		s.hooks.Add(1)
		go func() {
			defer s.hooks.Done()
			onIngest(body)
		}()
	}
}

func (s *Server) record(rec Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, rec)
}

// wait sleeps d unless the client goes away or the server closes; it
// reports whether the full delay passed.
func (s *Server) wait(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-tm.C:
		return true
	case <-r.Context().Done():
	case <-s.closing:
	}
	return false
}

func (s *Server) abort() {
	s.mu.Lock()
	s.aborted++
	s.mu.Unlock()
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b)
}

// writeNotRegistered writes n8n's 404 for a webhook whose workflow is not active.
func writeNotRegistered(w http.ResponseWriter, method, name string) {
	writeJSON(w, http.StatusNotFound, map[string]any{
		"code":    404,
		"message": fmt.Sprintf("The requested webhook %q is not registered.", method+" "+name),
		"hint":    NotRegisteredHint,
	})
}

// NotRegisteredHint is the "hint" of n8n's 404 for an inactive production webhook.
const NotRegisteredHint = "The workflow must be active for a production URL to run successfully. You can activate the workflow using the toggle in the top-right of the editor. Note that unlike test URL calls, production URL calls aren't shown on the canvas (only in the executions list)"

func parsePublicKey(data string) (any, error) {
	b, _ := pem.Decode([]byte(data))
	if b == nil {
		return nil, errors.New("no PEM block")
	}
	var key any
	var err error
	switch b.Type {
	case "RSA PUBLIC KEY":
		key, err = x509.ParsePKCS1PublicKey(b.Bytes)
	case "CERTIFICATE":
		var c *x509.Certificate
		if c, err = x509.ParseCertificate(b.Bytes); err == nil {
			key = c.PublicKey
		}
	default:
		key, err = x509.ParsePKIXPublicKey(b.Bytes)
	}
	if err != nil {
		return nil, err
	}
	switch key.(type) {
	case *rsa.PublicKey, *ecdsa.PublicKey:
		return key, nil
	}
	return nil, fmt.Errorf("unsupported key type %T", key)
}

func parsePrivateKey(data string) (any, error) {
	b, _ := pem.Decode([]byte(data))
	if b == nil {
		return nil, errors.New("no PEM block")
	}
	switch b.Type {
	case "RSA PRIVATE KEY":
		return x509.ParsePKCS1PrivateKey(b.Bytes)
	case "EC PRIVATE KEY":
		return x509.ParseECPrivateKey(b.Bytes)
	}
	return x509.ParsePKCS8PrivateKey(b.Bytes)
}
