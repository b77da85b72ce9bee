package n8n

import (
	"crypto/elliptic"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

var fixedNow = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

func clock(t time.Time) func() time.Time { return func() time.Time { return t } }

func TestSignClaims(t *testing.T) {
	keys := mustLoad(t, KeyConfig{Algorithm: "HS256", Secret: testSecret, TTL: 45 * time.Second})
	s, err := NewSigner(keys)
	if err != nil {
		t.Fatal(err)
	}
	s.Now = clock(fixedNow)
	tok, err := s.Sign(Claims{Tenant: "t1", Extra: map[string]any{"conversation": "c9", "scope": "chat"}})
	if err != nil {
		t.Fatal(err)
	}
	mc := jwt.MapClaims{}
	parsed, err := jwt.NewParser(jwt.WithTimeFunc(clock(fixedNow))).ParseWithClaims(tok, mc, func(*jwt.Token) (any, error) { return []byte(testSecret), nil })
	if err != nil {
		t.Fatal(err)
	}
	if parsed.Header["alg"] != "HS256" || parsed.Header["typ"] != "JWT" {
		t.Errorf("header %v", parsed.Header)
	}
	want := map[string]any{
		"iss": "counterpart", "aud": "n8n", "sub": "system", "tenant": "t1",
		"iat": float64(fixedNow.Unix()), "exp": float64(fixedNow.Unix() + 45),
		"conversation": "c9", "scope": "chat",
	}
	for k, v := range want {
		if mc[k] != v {
			t.Errorf("claim %s = %v, want %v", k, mc[k], v)
		}
	}
	if jti, _ := mc["jti"].(string); !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(jti) {
		t.Errorf("jti %q is not 128 bits of hex", jti)
	}
	if _, ok := mc["nbf"]; ok {
		t.Error("nbf set")
	}
	if len(mc) != len(want)+1 {
		t.Errorf("unexpected claims: %v", mc)
	}

	tok2, _ := s.Sign(Claims{Subject: "u42", Tenant: "t1"})
	mc2 := jwt.MapClaims{}
	jwt.NewParser(jwt.WithTimeFunc(clock(fixedNow))).ParseWithClaims(tok2, mc2, func(*jwt.Token) (any, error) { return []byte(testSecret), nil })
	if mc2["sub"] != "u42" || mc2["jti"] == mc["jti"] {
		t.Errorf("second token: sub %v, jti %v (first %v)", mc2["sub"], mc2["jti"], mc["jti"])
	}
}

func TestSignErrors(t *testing.T) {
	s, _ := NewSigner(mustLoad(t, KeyConfig{Algorithm: "HS256", Secret: testSecret}))
	for name, fn := range map[string]func() error{
		"no tenant":       func() error { _, err := s.Sign(Claims{Subject: "u"}); return err },
		"reserved exp":    func() error { _, err := s.Sign(Claims{Tenant: "t", Extra: map[string]any{"exp": 0}}); return err },
		"reserved tenant": func() error { _, err := s.Sign(Claims{Tenant: "t", Extra: map[string]any{"tenant": "x"}}); return err },
		"TTL too long":    func() error { _, err := s.SignTTL(Claims{Tenant: "t"}, 11*time.Minute); return err },
		"TTL zero":        func() error { _, err := s.SignTTL(Claims{Tenant: "t"}, 0); return err },
		"bad extra value": func() error { _, err := s.Sign(Claims{Tenant: "t", Extra: map[string]any{"f": func() {}}}); return err },
	} {
		if err := fn(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	pubOnly := mustLoad(t, KeyConfig{Algorithm: "ES256", PublicKeyFile: writePEM(t, "p.pem", pkixPEM(t, testECKey(t, elliptic.P256()).Public()))})
	if _, err := NewSigner(pubOnly); err == nil {
		t.Error("NewSigner accepted keys without a private key")
	}
	if _, err := NewSigner(nil); err == nil {
		t.Error("NewSigner accepted nil")
	}
}

func TestSignVerifyRoundTrip(t *testing.T) {
	for _, alg := range []string{"HS256", "HS512", "RS256", "PS384", "ES256"} {
		t.Run(alg, func(t *testing.T) {
			cfg := KeyConfig{Algorithm: alg, Secret: testSecret}
			switch alg[:2] {
			case "RS", "PS":
				cfg.PrivateKeyFile, _ = keyFiles(t, testRSAKey(t))
			case "ES":
				_, cfg.PublicKeyFile = keyFiles(t, testECKey(t, elliptic.P256()))
				cfg.PrivateKeyFile, _ = keyFiles(t, testECKey(t, elliptic.P256())) // a different pair: must fail below
			}
			keys := mustLoad(t, cfg)
			s, _ := NewSigner(keys)
			v, _ := NewVerifier(keys, nil)
			s.Now, v.Now = clock(fixedNow), clock(fixedNow.Add(10*time.Second))
			r := httptest.NewRequest("POST", "/", nil)
			if err := s.Authorize(r, Claims{Subject: "u1", Tenant: "t1", Extra: map[string]any{"document": "d1"}}); err != nil {
				t.Fatal(err)
			}
			c, err := v.VerifyRequest(r, Expectation{Tenant: "t1", Issuer: Issuer, Audience: Audience, Claims: map[string]string{"document": "d1"}})
			if alg == "ES256" {
				if err == nil || !strings.Contains(err.Error(), "bad signature") {
					t.Fatalf("token signed by another key: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Subject != "u1" || c.Tenant != "t1" || c.String("document") != "d1" || c.Issuer != Issuer ||
				len(c.Audience) != 1 || c.Audience[0] != Audience || len(c.ID) != 32 ||
				!c.IssuedAt.Equal(fixedNow) || !c.ExpiresAt.Equal(fixedNow.Add(DefaultTTL)) || !c.NotBefore.IsZero() {
				t.Errorf("claims %+v", c)
			}
		})
	}
}
