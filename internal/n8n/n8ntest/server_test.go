package n8ntest_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"counterpart/internal/n8n"
	"counterpart/internal/n8n/n8ntest"
)

var t0 = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

func hs(t *testing.T, secret string, claims jwt.MapClaims) string {
	t.Helper()
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func post(t *testing.T, s *n8ntest.Server, url, authorization, body string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// signer returns an n8n.Signer for the server's secret, clock at t0.
func signer(t *testing.T, s *n8ntest.Server) *n8n.Signer {
	t.Helper()
	keys, err := n8n.LoadKeys(n8n.KeyConfig{Algorithm: s.Algorithm(), Secret: s.Secret()})
	if err != nil {
		t.Fatal(err)
	}
	sg, _ := n8n.NewSigner(keys)
	sg.Now = func() time.Time { return t0 }
	return sg
}

func TestJWTAuthLikeN8N(t *testing.T) {
	s := n8ntest.New(t, n8ntest.Options{Now: func() time.Time { return t0 }})
	sec := s.Secret()
	iat, exp := t0.Unix(), t0.Add(time.Minute).Unix()
	good := jwt.MapClaims{"tenant": "t1", "iat": iat, "exp": exp}
	with := func(k string, v any) jwt.MapClaims {
		c := jwt.MapClaims{"tenant": "t1", "iat": iat, "exp": exp}
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
		return c
	}
	none, _ := jwt.NewWithClaims(jwt.SigningMethodNone, good).SignedString(jwt.UnsafeAllowNoneSignatureType)
	hs512, _ := jwt.NewWithClaims(jwt.SigningMethodHS512, good).SignedString([]byte(sec))
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	rs256, _ := jwt.NewWithClaims(jwt.SigningMethodRS256, good).SignedString(rsaKey)
	goodTok := hs(t, sec, good)

	for _, c := range []struct {
		name, auth string
		status     int
		body       string
	}{
		{"no header", "", 401, "No token provided"},
		{"scheme only", "Bearer", 401, "No token provided"},
		{"scheme and space", "Bearer ", 401, "No token provided"},
		{"two spaces", "Bearer  " + goodTok, 401, "No token provided"},
		{"one word", goodTok, 401, "No token provided"},
		{"garbage", "Bearer garbage", 403, "jwt malformed"},
		{"garbage in three parts", "Bearer not.a.token", 403, "invalid token"},
		{"bad characters", "Bearer a!.b.c", 403, "invalid token"},
		{"alg none", "Bearer " + none, 403, "jwt signature is required"},
		{"wrong secret", "Bearer " + hs(t, "another-secret-another-secret-123", good), 403, "invalid signature"},
		{"tampered", "Bearer " + goodTok[:len(goodTok)-2] + "AA", 403, "invalid signature"},
		{"HS512", "Bearer " + hs512, 403, "invalid algorithm"},
		{"RS256", "Bearer " + rs256, 403, "invalid algorithm"},
		{"expired", "Bearer " + hs(t, sec, with("exp", t0.Add(-time.Second).Unix())), 403, "jwt expired"},
		{"exp is now", "Bearer " + hs(t, sec, with("exp", t0.Unix())), 403, "jwt expired"},
		{"exp a string", "Bearer " + hs(t, sec, with("exp", "later")), 403, "invalid exp value"},
		{"nbf in the future", "Bearer " + hs(t, sec, with("nbf", t0.Add(time.Second).Unix())), 403, "jwt not active"},
		{"nbf a string", "Bearer " + hs(t, sec, with("nbf", "x")), 403, "invalid nbf value"},
		{"good", "Bearer " + goodTok, 200, `{"output":"Hello from n8ntest."}`},
		{"any scheme", "Basic " + goodTok, 200, `{"output":"Hello from n8ntest."}`},
		{"extra words ignored", "Bearer " + goodTok + " trailing", 200, `{"output":"Hello from n8ntest."}`},
		{"iat in the future is fine", "Bearer " + hs(t, sec, with("iat", t0.Add(time.Hour).Unix())), 200, `{"output":"Hello from n8ntest."}`},
		{"no exp is accepted", "Bearer " + hs(t, sec, with("exp", nil)), 200, `{"output":"Hello from n8ntest."}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp, body := post(t, s, s.ChatURL(), c.auth, `{"chatInput":"hi"}`)
			if resp.StatusCode != c.status || body != c.body {
				t.Fatalf("got %d %q, want %d %q", resp.StatusCode, body, c.status, c.body)
			}
			if c.status == 200 {
				if ct := resp.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
					t.Errorf("Content-Type %q", ct)
				}
				return
			}
			if got := resp.Header.Get("WWW-Authenticate"); got != `Basic realm="Webhook"` {
				t.Errorf("WWW-Authenticate %q", got)
			}
			if ct, ok := resp.Header["Content-Type"]; ok {
				t.Errorf("Content-Type %q on a JWT Auth rejection", ct)
			}
		})
	}
	if got := s.TokensWithoutExp(); len(got) != 1 || got[0]["tenant"] != "t1" {
		t.Errorf("TokensWithoutExp = %v", got)
	}
	reqs := s.Requests()
	if len(reqs) != 23 {
		t.Fatalf("%d requests recorded", len(reqs))
	}
	if r := reqs[13]; r.Status != 403 || r.Rejection != "jwt expired" || r.Claims != nil || r.Body["chatInput"] != "hi" {
		t.Errorf("rejected request recorded as %+v", r)
	}
	if r := reqs[18]; r.Status != 200 || r.Claims["tenant"] != "t1" || r.Method != "POST" || r.Path != "/webhook/counterpart-chat" {
		t.Errorf("accepted request recorded as %+v", r)
	}
}

func TestSignerTokensAccepted(t *testing.T) {
	s := n8ntest.New(t, n8ntest.Options{Now: func() time.Time { return t0.Add(30 * time.Second) }})
	sg := signer(t, s)
	req, _ := http.NewRequest(http.MethodPost, s.ChatURL(), strings.NewReader(`{"action":"sendMessage","sessionId":"c1","chatInput":"oil for a 2019 Golf?","tenant":"t1"}`))
	if err := sg.Authorize(req, n8n.Claims{Subject: "u1", Tenant: "t1", Extra: map[string]any{"conversation": "c1"}}); err != nil {
		t.Fatal(err)
	}
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	r := s.Requests()[0]
	for k, v := range map[string]any{"iss": "counterpart", "aud": "n8n", "sub": "u1", "tenant": "t1", "conversation": "c1", "exp": float64(t0.Add(n8n.DefaultTTL).Unix())} {
		if r.Claims[k] != v {
			t.Errorf("claim %s = %v, want %v", k, r.Claims[k], v)
		}
	}
	if r.Body["chatInput"] != "oil for a 2019 Golf?" || len(s.TokensWithoutExp()) != 0 {
		t.Errorf("body %v, without exp %v", r.Body, s.TokensWithoutExp())
	}
	// Past the TTL, n8n says "jwt expired".
	s2 := n8ntest.New(t, n8ntest.Options{Now: func() time.Time { return t0.Add(n8n.DefaultTTL) }})
	tok, _ := signer(t, s2).Sign(n8n.Claims{Tenant: "t1"})
	if resp, body := post(t, s2, s2.ChatURL(), "Bearer "+tok, "{}"); resp.StatusCode != 403 || body != "jwt expired" {
		t.Errorf("expired: %d %q", resp.StatusCode, body)
	}
}

func TestAsymmetricKeys(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b *pem.Block) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, pem.EncodeToMemory(b), 0o600)
		return p
	}
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	for _, c := range []struct {
		alg  string
		priv any
		pub  any
	}{
		{"RS256", rsaKey, &rsaKey.PublicKey},
		{"PS256", rsaKey, &rsaKey.PublicKey},
		{"ES256", ecKey, &ecKey.PublicKey},
	} {
		t.Run(c.alg, func(t *testing.T) {
			privDER, _ := x509.MarshalPKCS8PrivateKey(c.priv)
			pubDER, _ := x509.MarshalPKIXPublicKey(c.pub)
			privBlock := &pem.Block{Type: "PRIVATE KEY", Bytes: privDER}
			pubBlock := &pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}
			s := n8ntest.New(t, n8ntest.Options{Algorithm: c.alg, PublicKeyPEM: string(pem.EncodeToMemory(pubBlock)), PrivateKeyPEM: string(pem.EncodeToMemory(privBlock))})
			keys, err := n8n.LoadKeys(n8n.KeyConfig{Algorithm: c.alg, PrivateKeyFile: write(c.alg+".key", privBlock)})
			if err != nil {
				t.Fatal(err)
			}
			sg, _ := n8n.NewSigner(keys)
			tok, _ := sg.Sign(n8n.Claims{Tenant: "t1"})
			if resp, body := post(t, s, s.ChatURL(), "Bearer "+tok, "{}"); resp.StatusCode != 200 {
				t.Fatalf("signer token: %d %q", resp.StatusCode, body)
			}
			// HS/RS confusion: an HS256 token keyed with the public key PEM.
			conf := hs(t, string(pem.EncodeToMemory(pubBlock)), jwt.MapClaims{"tenant": "t1"})
			if resp, body := post(t, s, s.ChatURL(), "Bearer "+conf, "{}"); resp.StatusCode != 403 || body != "invalid algorithm" {
				t.Fatalf("confusion: %d %q", resp.StatusCode, body)
			}
			// Another key pair: invalid signature.
			other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
			var otherKey any = other
			if c.alg != "ES256" {
				otherKey, _ = rsa.GenerateKey(rand.Reader, 2048)
			}
			bad, _ := jwt.NewWithClaims(jwt.GetSigningMethod(c.alg), jwt.MapClaims{"tenant": "t1"}).SignedString(otherKey)
			if resp, body := post(t, s, s.ChatURL(), "Bearer "+bad, "{}"); resp.StatusCode != 403 || body != "invalid signature" {
				t.Fatalf("other key: %d %q", resp.StatusCode, body)
			}
			// The stand-in signs callbacks with the private key, like n8n's JWT node.
			cb, err := s.SignCallback(map[string]any{"tenant": "t1", "exp": time.Now().Add(time.Minute).Unix()})
			if err != nil {
				t.Fatal(err)
			}
			v, _ := n8n.NewVerifier(keys, nil)
			if c, err := v.Verify(cb, n8n.Expectation{Tenant: "t1"}); err != nil || c.IssuedAt.IsZero() {
				t.Fatalf("callback token: %+v, %v", c, err)
			}
		})
	}
}

func TestJSONReplies(t *testing.T) {
	s := n8ntest.New(t, n8ntest.Options{})
	auth := "Bearer " + mustSign(t, s)
	full := map[string]any{"output": "Filter 1K0-129-620D, see page 3.", "sources": []map[string]any{{"document": "d1", "page": 3, "row": 0, "snippet": "1K0 129 620 D"}}, "usage": map[string]any{"model": "llama3.1", "tokens_in": 812, "tokens_out": 21}}
	for _, c := range []struct {
		name  string
		reply n8ntest.Reply
		want  n8n.JSONReply
	}{
		{"default", n8ntest.Reply{}, n8n.JSONReply{Output: n8ntest.DefaultOutput}},
		{"output", n8ntest.Reply{Output: "<b>&</b>"}, n8n.JSONReply{Output: "<b>&</b>"}},
		{"full body", n8ntest.Reply{Body: full}, n8n.JSONReply{Output: "Filter 1K0-129-620D, see page 3.", Sources: []n8n.Source{{Document: "d1", Page: 3, Snippet: "1K0 129 620 D"}}, Usage: &n8n.Usage{Model: "llama3.1", TokensIn: 812, TokensOut: 21}}},
		{"array form", n8ntest.Reply{Body: `[{"output":"a"}]`}, n8n.JSONReply{Output: "a"}},
		{"empty answer", n8ntest.Reply{Body: map[string]any{"output": ""}}, n8n.JSONReply{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s.SetChatReply(c.reply)
			resp, body := post(t, s, s.ChatURL(), auth, "{}")
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json; charset=utf-8" {
				t.Fatalf("%d %v", resp.StatusCode, resp.Header)
			}
			if n8n.DetectStreaming(resp.Header.Get("Content-Type"), []byte(body)) {
				t.Error("detected as streaming")
			}
			got, err := n8n.ParseJSONReply([]byte(body))
			if err != nil {
				t.Fatal(err)
			}
			gj, _ := json.Marshal(got)
			wj, _ := json.Marshal(c.want)
			if string(gj) != string(wj) {
				t.Errorf("got %s, want %s", gj, wj)
			}
		})
	}
}

func mustSign(t *testing.T, s *n8ntest.Server) string {
	t.Helper()
	sg := signer(t, s)
	sg.Now = nil
	tok, err := sg.Sign(n8n.Claims{Tenant: "t1"})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// stream posts to the chat webhook and parses the reply with n8n.ReadStream.
func stream(t *testing.T, s *n8ntest.Server, fn func(n8n.Event) error) (*http.Response, n8n.Result, error) {
	t.Helper()
	return streamLimit(t, s, 0, fn)
}

func streamLimit(t *testing.T, s *n8ntest.Server, maxBytes int64, fn func(n8n.Event) error) (*http.Response, n8n.Result, error) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.ChatURL(), strings.NewReader("{}"))
	req.Header.Set("Authorization", "Bearer "+mustSign(t, s))
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	res, err := n8n.ReadStream(resp.Body, maxBytes, fn)
	return resp, res, err
}

var lineFormat = []*regexp.Regexp{
	regexp.MustCompile(`^\{"type":"begin","metadata":\{"nodeId":"[0-9a-f-]{36}","nodeName":"AI Agent","itemIndex":0,"runIndex":(\d),"timestamp":\d{13}\}\}$`),
	regexp.MustCompile(`^\{"type":"item","content":"[^"]*","metadata":\{"nodeId":"[0-9a-f-]{36}","nodeName":"AI Agent","itemIndex":0,"runIndex":(\d),"timestamp":\d{13}\}\}$`),
	regexp.MustCompile(`^\{"type":"end","metadata":\{"nodeId":"[0-9a-f-]{36}","nodeName":"AI Agent","itemIndex":0,"runIndex":(\d),"timestamp":\d{13}\}\}$`),
}

func TestStreamingWireFormat(t *testing.T) {
	s := n8ntest.New(t, n8ntest.Options{Chat: n8ntest.Reply{Mode: n8ntest.ModeStream, ToolCall: true, Tokens: []string{"Oil: ", "5W-30", " <VW 504>"}}})
	resp, body := post(t, s, s.ChatURL(), "Bearer "+mustSign(t, s), "{}")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json; charset=utf-8" ||
		resp.Header.Get("Cache-Control") != "no-cache" || len(resp.TransferEncoding) != 1 || resp.TransferEncoding[0] != "chunked" {
		t.Fatalf("status %d, headers %v, transfer encoding %v", resp.StatusCode, resp.Header, resp.TransferEncoding)
	}
	lines := strings.Split(strings.TrimSuffix(body, "\n"), "\n")
	kinds := "begin end begin item item item end"
	var got []string
	for i, l := range lines {
		var v struct{ Type string }
		json.Unmarshal([]byte(l), &v)
		got = append(got, v.Type)
		matched := false
		for _, re := range lineFormat {
			if m := re.FindStringSubmatch(l); m != nil {
				matched = true
				if want := map[bool]string{true: "0", false: "1"}[i < 2]; m[1] != want {
					t.Errorf("line %d runIndex %s, want %s", i+1, m[1], want)
				}
			}
		}
		if !matched {
			t.Errorf("line %d not in n8n's format: %s", i+1, l)
		}
	}
	if strings.Join(got, " ") != kinds {
		t.Errorf("lines %q, want %q", got, kinds)
	}
	if !strings.Contains(body, `" <VW 504>"`) {
		t.Error("HTML characters escaped; JSON.stringify does not")
	}
	if !n8n.DetectStreaming(resp.Header.Get("Content-Type"), []byte(body)) {
		t.Error("not detected as streaming")
	}
	res, err := n8n.ReadStream(strings.NewReader(body), 0, nil)
	if err != nil || res.Text != "Oil: 5W-30 <VW 504>" || res.Runs != 2 || res.Items != 3 || res.Ends != 2 || res.Unknown != 0 {
		t.Fatalf("ReadStream: %+v, %v", res, err)
	}
}

func TestStreamingIsIncremental(t *testing.T) {
	s := n8ntest.New(t, n8ntest.Options{Chat: n8ntest.Reply{Mode: n8ntest.ModeStream, TokenDelay: 100 * time.Millisecond, Tokens: []string{"a", "b", "c", "d", "e"}}})
	start := time.Now()
	var first time.Duration
	_, res, err := stream(t, s, func(e n8n.Event) error {
		if first == 0 {
			first = time.Since(start)
		}
		return nil
	})
	total := time.Since(start)
	if err != nil || res.Text != "abcde" {
		t.Fatalf("%+v %v", res, err)
	}
	if total < 500*time.Millisecond || first > total-300*time.Millisecond {
		t.Errorf("first item after %s, whole reply after %s: not streamed", first, total)
	}
}

func TestStreamingSniff(t *testing.T) {
	s := n8ntest.New(t, n8ntest.Options{Chat: n8ntest.Reply{Mode: n8ntest.ModeStream, FirstByteDelay: 50 * time.Millisecond, TokenDelay: time.Second, Tokens: []string{"slow"}}})
	req, _ := http.NewRequest(http.MethodPost, s.ChatURL(), strings.NewReader("{}"))
	req.Header.Set("Authorization", "Bearer "+mustSign(t, s))
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	start := time.Now()
	streaming, err := n8n.SniffStreaming(bufioReader(resp.Body), resp.Header.Get("Content-Type"))
	if err != nil || !streaming || time.Since(start) > 900*time.Millisecond {
		t.Fatalf("sniff: %v %v after %s", streaming, err, time.Since(start))
	}
}

func TestStreamingFailures(t *testing.T) {
	s := n8ntest.New(t, n8ntest.Options{})
	t.Run("error line mid-stream", func(t *testing.T) {
		s.SetChatReply(n8ntest.Reply{Mode: n8ntest.ModeStreamError, After: 2, Message: "Bad request - please check your parameters"})
		_, res, err := stream(t, s, nil)
		var se *n8n.StreamError
		if !errors.As(err, &se) || se.Message != "Bad request - please check your parameters" || res.Text != "Hello from" || res.Ends != 0 {
			t.Fatalf("%+v, %v", res, err)
		}
	})
	t.Run("cut connection", func(t *testing.T) {
		s.SetChatReply(n8ntest.Reply{Mode: n8ntest.ModeCut, After: 1})
		_, res, err := stream(t, s, nil)
		if !errors.Is(err, io.ErrUnexpectedEOF) || res.Text != "Hello" {
			t.Fatalf("%+v, %v", res, err)
		}
	})
	t.Run("garbage", func(t *testing.T) {
		s.SetChatReply(n8ntest.Reply{Mode: n8ntest.ModeGarbage})
		resp, body := post(t, s, s.ChatURL(), "Bearer "+mustSign(t, s), "{}")
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json; charset=utf-8" {
			t.Fatalf("%d %v", resp.StatusCode, resp.Header)
		}
		if _, err := n8n.ReadStream(strings.NewReader(body), 0, nil); !errors.Is(err, n8n.ErrBadReply) {
			t.Errorf("ReadStream: %v", err)
		}
		if _, err := n8n.ParseJSONReply([]byte(body)); !errors.Is(err, n8n.ErrBadReply) {
			t.Errorf("ParseJSONReply: %v", err)
		}
	})
	t.Run("huge stream", func(t *testing.T) {
		s.SetChatReply(n8ntest.Reply{Mode: n8ntest.ModeHuge}) // 32 MiB
		before := s.Aborted()
		_, res, err := streamLimit(t, s, 2<<20, nil)
		if !errors.Is(err, n8n.ErrReplyTooLarge) || res.Items == 0 {
			t.Fatalf("%d items, %v", res.Items, err)
		}
		waitFor(t, func() bool { return s.Aborted() > before }) // the server noticed the client leave
		s.SetChatReply(n8ntest.Reply{Mode: n8ntest.ModeHuge, HugeBytes: 1 << 20})
		if _, res, err = stream(t, s, nil); err != nil || res.Bytes < 1<<20 || res.Bytes > 1<<20+4096 || res.Ends != 1 {
			t.Fatalf("1 MiB: %d items, %v", res.Items, err)
		}
	})
	t.Run("huge JSON", func(t *testing.T) {
		s.SetChatReply(n8ntest.Reply{Mode: n8ntest.ModeHuge, HugeJSON: true, HugeBytes: 3 << 20})
		resp, body := post(t, s, s.ChatURL(), "Bearer "+mustSign(t, s), "{}")
		got, err := n8n.ParseJSONReply([]byte(body))
		if resp.StatusCode != 200 || err != nil || len(got.Output) != 3<<20 {
			t.Fatalf("%d, %d bytes, %v", resp.StatusCode, len(got.Output), err)
		}
	})
	t.Run("endless until the client leaves", func(t *testing.T) {
		s.SetChatReply(n8ntest.Reply{Mode: n8ntest.ModeEndless, TokenDelay: time.Millisecond})
		before := s.Aborted()
		stop := errors.New("enough")
		_, res, err := stream(t, s, func(e n8n.Event) error {
			if e.Content == "." {
				return stop
			}
			return nil
		})
		if err != stop || res.Items != 4 {
			t.Fatalf("%+v, %v", res, err)
		}
		waitFor(t, func() bool { return s.Aborted() > before })
	})
	t.Run("empty answer", func(t *testing.T) {
		s.SetChatReply(n8ntest.Reply{Mode: n8ntest.ModeStream, ToolCall: true, Tokens: []string{}})
		_, res, err := stream(t, s, nil)
		if err != nil || res.Text != "" || res.Runs != 2 || res.Items != 0 {
			t.Fatalf("%+v, %v", res, err)
		}
	})
}

func TestSlowReplies(t *testing.T) {
	s := n8ntest.New(t, n8ntest.Options{Chat: n8ntest.Reply{HeaderDelay: 2 * time.Second}})
	client := *s.Client() // a copy: Client is shared
	client.Timeout = 100 * time.Millisecond
	req, _ := http.NewRequest(http.MethodPost, s.ChatURL(), strings.NewReader("{}"))
	req.Header.Set("Authorization", "Bearer "+mustSign(t, s))
	if _, err := client.Do(req); err == nil {
		t.Fatal("no timeout before the headers")
	}
	waitFor(t, func() bool { return s.Aborted() == 1 })

	s.SetChatReply(n8ntest.Reply{FirstByteDelay: 300 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ = http.NewRequestWithContext(ctx, http.MethodPost, s.ChatURL(), strings.NewReader("{}"))
	req.Header.Set("Authorization", "Bearer "+mustSign(t, s))
	start := time.Now()
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	headers := time.Since(start)
	body, _ := io.ReadAll(resp.Body)
	if headers > 250*time.Millisecond || time.Since(start) < 300*time.Millisecond || string(body) != `{"output":"Hello from n8ntest."}` {
		t.Errorf("headers after %s, body %q after %s", headers, body, time.Since(start))
	}
}

func TestStatusReplies(t *testing.T) {
	s := n8ntest.New(t, n8ntest.Options{})
	auth := "Bearer " + mustSign(t, s)
	for _, c := range []struct {
		reply       n8ntest.Reply
		auth        string
		status      int
		body        string
		contentType string
	}{
		{n8ntest.Reply{Mode: n8ntest.ModeStatus, Status: 401}, auth, 401, "No token provided", ""},
		{n8ntest.Reply{Mode: n8ntest.ModeStatus, Status: 403}, auth, 403, "invalid signature", ""},
		{n8ntest.Reply{Mode: n8ntest.ModeStatus, Status: 403, Message: "jwt expired"}, auth, 403, "jwt expired", ""},
		{n8ntest.Reply{Mode: n8ntest.ModeStatus, Status: 404}, "", 404, `{"code":404,"hint":"` + n8ntest.NotRegisteredHint + `","message":"The requested webhook \"POST counterpart-chat\" is not registered."}`, "application/json; charset=utf-8"},
		{n8ntest.Reply{Mode: n8ntest.ModeStatus, Status: 500}, auth, 500, `{"code":500,"message":"Error in workflow"}`, "application/json; charset=utf-8"},
	} {
		s.SetChatReply(c.reply)
		resp, body := post(t, s, s.ChatURL(), c.auth, "{}")
		if resp.StatusCode != c.status || body != c.body || resp.Header.Get("Content-Type") != c.contentType {
			t.Errorf("%d: got %d %q (%q)", c.status, resp.StatusCode, body, resp.Header.Get("Content-Type"))
		}
		if c.contentType == "" && resp.Header.Get("WWW-Authenticate") != `Basic realm="Webhook"` {
			t.Errorf("%d: no WWW-Authenticate", c.status)
		}
	}
	var nf struct {
		Code          int
		Message, Hint string
	}
	_, body := post(t, s, s.URL+"/webhook/unknown", auth, "{}")
	if json.Unmarshal([]byte(body), &nf); nf.Code != 404 || nf.Message != `The requested webhook "POST unknown" is not registered.` {
		t.Errorf("unknown webhook: %q", body)
	}
	resp, err := s.Client().Get(s.ChatURL())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("GET: %d", resp.StatusCode)
	}
}

func TestIngestCallback(t *testing.T) {
	var (
		mu       sync.Mutex
		verified []*n8n.Claims
	)
	var s *n8ntest.Server
	keys, verifier := (*n8n.Keys)(nil), (*n8n.Verifier)(nil)
	counterpart := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := verifier.VerifyRequest(r, n8n.Expectation{Tenant: "t1", Claims: map[string]string{"document": strings.TrimPrefix(r.URL.Path, "/api/n8n/callback/documents/")}})
		if err != nil {
			st, msg := n8n.ErrorStatus(err)
			http.Error(w, msg, st)
			return
		}
		mu.Lock()
		verified = append(verified, c)
		mu.Unlock()
	}))
	defer counterpart.Close()

	s = n8ntest.New(t, n8ntest.Options{OnIngest: func(body map[string]any) {
		doc, _ := body["document"].(string)
		for i := 0; i < 2; i++ { // a chunk batch, then the final status: each with its own jti
			tok, err := s.SignCallback(map[string]any{"tenant": body["tenant"], "document": doc, "jti": doc + "-" + string(rune('a'+i)), "exp": time.Now().Add(5 * time.Minute).Unix()})
			if err != nil {
				t.Error(err)
				return
			}
			req, _ := http.NewRequest(http.MethodPost, body["callback"].(string), strings.NewReader(`{"status":"ready"}`))
			req.Header.Set("Authorization", "Bearer "+tok)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Errorf("callback %d: %d", i, resp.StatusCode)
			}
		}
	}})
	var err error
	if keys, err = n8n.LoadKeys(n8n.KeyConfig{Algorithm: "HS256", Secret: s.Secret()}); err != nil {
		t.Fatal(err)
	}
	verifier, _ = n8n.NewVerifier(keys, nil)

	resp, body := post(t, s, s.IngestURL(), "Bearer "+mustSign(t, s), `{"tenant":"t1","document":"d7","callback":"`+counterpart.URL+`/api/n8n/callback/documents/d7"}`)
	if resp.StatusCode != 200 || body != `{"message":"Workflow was started"}` {
		t.Fatalf("%d %q", resp.StatusCode, body)
	}
	waitFor(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(verified) == 2 })
	if verified[0].String("document") != "d7" || verified[0].ID != "d7-a" || verified[0].IssuedAt.IsZero() {
		t.Errorf("claims %+v", verified[0])
	}
	// An unauthorized ingest request does not run the workflow.
	s.SetOnIngest(func(map[string]any) { t.Error("hook ran for a rejected request") })
	if resp, _ := post(t, s, s.IngestURL(), "", "{}"); resp.StatusCode != 401 {
		t.Errorf("no token: %d", resp.StatusCode)
	}
}

func TestRuntimeChangesAreSafe(t *testing.T) {
	s := n8ntest.New(t, n8ntest.Options{})
	auth := "Bearer " + mustSign(t, s)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodPost, s.ChatURL(), strings.NewReader("{}"))
			req.Header.Set("Authorization", auth)
			if resp, err := s.Client().Do(req); err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			s.Requests()
		}()
		go func(i int) {
			defer wg.Done()
			s.SetChatReply(n8ntest.Reply{Mode: []n8ntest.Mode{n8ntest.ModeJSON, n8ntest.ModeStream}[i%2]})
		}(i)
	}
	wg.Wait()
	if n := len(s.Requests()); n != 8 {
		t.Errorf("%d requests", n)
	}
}

// An open endless stream does not block the test's cleanup.
func TestCleanupCutsOpenStreams(t *testing.T) {
	t.Run("inner", func(t *testing.T) {
		s := n8ntest.New(t, n8ntest.Options{Chat: n8ntest.Reply{Mode: n8ntest.ModeEndless}})
		req, _ := http.NewRequest(http.MethodPost, s.ChatURL(), strings.NewReader("{}"))
		req.Header.Set("Authorization", "Bearer "+mustSign(t, s))
		resp, err := s.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		buf := make([]byte, 10)
		io.ReadFull(resp.Body, buf) // body left open on purpose
	})
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("condition not met within 5s")
}
