package n8n

import (
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// mint signs claims with method and key.
func mint(t testing.TB, method jwt.SigningMethod, key any, claims jwt.MapClaims) string {
	t.Helper()
	tok, err := jwt.NewWithClaims(method, claims).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// callback returns the claims n8n's JWT node signs for a callback: tenant,
// document, iat (added by the node) and exp (added by our workflow).
func callback(now time.Time, extra ...any) jwt.MapClaims {
	c := jwt.MapClaims{"tenant": "t1", "document": "d1", "iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix()}
	for i := 0; i+1 < len(extra); i += 2 {
		if extra[i+1] == nil {
			delete(c, extra[i].(string))
		} else {
			c[extra[i].(string)] = extra[i+1]
		}
	}
	return c
}

func hsVerifier(t testing.TB) *Verifier {
	t.Helper()
	v, err := NewVerifier(mustLoad(t, KeyConfig{Algorithm: "HS256", Secret: testSecret}), nil)
	if err != nil {
		t.Fatal(err)
	}
	v.Now = clock(fixedNow)
	return v
}

func TestVerifyRejects(t *testing.T) {
	now := fixedNow
	secret := []byte(testSecret)
	rsaPriv := testRSAKey(t)
	_, rsaPubFile := keyFiles(t, rsaPriv)
	rsaPubPEM, _ := os.ReadFile(rsaPubFile)
	good := mint(t, jwt.SigningMethodHS256, secret, callback(now))
	noneTok := mint(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, callback(now))

	type tc struct {
		name  string
		token string
		want  Expectation
		err   error
		why   string // substring of the error
	}
	hs := []tc{
		{"no token", "", Expectation{}, ErrTokenMissing, ""},
		{"garbage", "not-a-token", Expectation{}, ErrTokenInvalid, "malformed"},
		{"three garbage parts", "a.b.c", Expectation{}, ErrTokenInvalid, "malformed"},
		{"header not JSON", "bm90anNvbg." + strings.SplitN(good, ".", 2)[1], Expectation{}, ErrTokenInvalid, "malformed"},
		{"alg none", noneTok, Expectation{}, ErrWrongAlgorithm, "alg none"},
		{"alg none with a signature", noneTok + "c2ln", Expectation{}, ErrWrongAlgorithm, "alg none"},
		{"alg None", reheader(t, good, `{"alg":"None","typ":"JWT"}`), Expectation{}, ErrWrongAlgorithm, ""},
		{"unknown alg", reheader(t, good, `{"alg":"HS999"}`), Expectation{}, ErrWrongAlgorithm, "expected HS256"},
		{"no alg", reheader(t, good, `{"typ":"JWT"}`), Expectation{}, ErrTokenInvalid, "no alg"},
		{"wrong secret", mint(t, jwt.SigningMethodHS256, []byte("another-secret-another-secret-xx"), callback(now)), Expectation{}, ErrTokenInvalid, "bad signature"},
		{"HS512 when HS256 configured", mint(t, jwt.SigningMethodHS512, secret, callback(now)), Expectation{}, ErrWrongAlgorithm, ""},
		{"RS token when HS configured", mint(t, jwt.SigningMethodRS256, rsaPriv, callback(now)), Expectation{}, ErrWrongAlgorithm, ""},
		{"tampered payload", swapPayload(t, good, callback(now, "tenant", "t2")), Expectation{}, ErrTokenInvalid, "bad signature"},
		{"non-canonical signature", tweakLastChar(good), Expectation{}, ErrTokenInvalid, ""},
		{"expired", mint(t, jwt.SigningMethodHS256, secret, callback(now, "iat", now.Add(-time.Hour).Unix(), "exp", now.Add(-55*time.Minute).Unix())), Expectation{}, ErrTokenExpired, ""},
		{"expired beyond leeway", mint(t, jwt.SigningMethodHS256, secret, callback(now, "iat", now.Add(-2*time.Minute).Unix(), "exp", now.Add(-31*time.Second).Unix())), Expectation{}, ErrTokenExpired, ""},
		{"no exp", mint(t, jwt.SigningMethodHS256, secret, callback(now, "exp", nil)), Expectation{}, ErrTokenInvalid, "no exp"},
		{"exp a string", mint(t, jwt.SigningMethodHS256, secret, callback(now, "exp", "soon")), Expectation{}, ErrTokenInvalid, ""},
		{"iat in the future", mint(t, jwt.SigningMethodHS256, secret, callback(now, "iat", now.Add(2*time.Minute).Unix())), Expectation{}, ErrTokenNotYetValid, "issued in the future"},
		{"nbf in the future", mint(t, jwt.SigningMethodHS256, secret, callback(now, "nbf", now.Add(2*time.Minute).Unix())), Expectation{}, ErrTokenNotYetValid, "nbf"},
		{"lifetime too long", mint(t, jwt.SigningMethodHS256, secret, callback(now, "exp", now.Add(10*time.Minute+time.Second).Unix())), Expectation{}, ErrTokenInvalid, "lifetime"},
		{"backdated iat, long lifetime", mint(t, jwt.SigningMethodHS256, secret, callback(now, "iat", now.Add(-9*time.Minute).Unix(), "exp", now.Add(2*time.Minute).Unix())), Expectation{}, ErrTokenInvalid, "lifetime"},
		{"no iat, far exp", mint(t, jwt.SigningMethodHS256, secret, callback(now, "iat", nil, "exp", now.Add(time.Hour).Unix())), Expectation{}, ErrTokenInvalid, "expires more than"},
		{"missing tenant", mint(t, jwt.SigningMethodHS256, secret, callback(now, "tenant", nil)), Expectation{}, ErrTokenInvalid, "no tenant"},
		{"empty tenant", mint(t, jwt.SigningMethodHS256, secret, callback(now, "tenant", "")), Expectation{}, ErrTokenInvalid, "no tenant"},
		{"numeric tenant", mint(t, jwt.SigningMethodHS256, secret, callback(now, "tenant", 7)), Expectation{}, ErrTokenInvalid, "no tenant"},
		{"wrong tenant", good, Expectation{Tenant: "t2"}, ErrWrongTenant, ""},
		{"wrong document", good, Expectation{Tenant: "t1", Claims: map[string]string{"document": "d2"}}, ErrWrongClaim, `"document"`},
		{"missing claim", good, Expectation{Claims: map[string]string{"scope": "search"}}, ErrWrongClaim, `"scope"`},
		{"issuer expected, none given", good, Expectation{Issuer: Issuer}, ErrTokenInvalid, "issuer"},
		{"audience expected, none given", good, Expectation{Audience: Audience}, ErrTokenInvalid, "audience"},
		{"wrong audience", mint(t, jwt.SigningMethodHS256, secret, callback(now, "aud", "other")), Expectation{Audience: Audience}, ErrTokenInvalid, "audience"},
		{"jti a number", mint(t, jwt.SigningMethodHS256, secret, callback(now, "jti", 5)), Expectation{}, ErrTokenInvalid, "jti"},
		{"sub a number", mint(t, jwt.SigningMethodHS256, secret, callback(now, "sub", 5)), Expectation{}, ErrTokenInvalid, "sub"},
		{"too long", good + strings.Repeat("A", MaxTokenBytes), Expectation{}, ErrTokenInvalid, "too long"},
	}
	t.Run("HS256", func(t *testing.T) {
		for _, c := range hs {
			t.Run(c.name, func(t *testing.T) {
				checkRejected(t, hsVerifier(t), c.token, c.want, c.err, c.why)
			})
		}
	})

	rsKeys := mustLoad(t, KeyConfig{Algorithm: "RS256", PublicKeyFile: rsaPubFile})
	rs := []tc{
		// The classic confusion: an HS256 token whose HMAC key is the RSA public key PEM.
		{"HS/RS confusion", mint(t, jwt.SigningMethodHS256, rsaPubPEM, callback(now)), Expectation{}, ErrWrongAlgorithm, ""},
		{"alg none", noneTok, Expectation{}, ErrWrongAlgorithm, ""},
		{"PS256 with the same key", mint(t, jwt.SigningMethodPS256, rsaPriv, callback(now)), Expectation{}, ErrWrongAlgorithm, ""},
		{"another RSA key", mint(t, jwt.SigningMethodRS256, otherRSAKey(t), callback(now)), Expectation{}, ErrTokenInvalid, "bad signature"},
	}
	t.Run("RS256", func(t *testing.T) {
		for _, c := range rs {
			t.Run(c.name, func(t *testing.T) {
				v, _ := NewVerifier(rsKeys, nil)
				v.Now = clock(now)
				checkRejected(t, v, c.token, c.want, c.err, c.why)
			})
		}
	})
}

func checkRejected(t *testing.T, v *Verifier, token string, want Expectation, wantErr error, why string) {
	t.Helper()
	c, err := v.Verify(token, want)
	if err == nil {
		t.Fatalf("accepted: %+v", c)
	}
	if !errors.Is(err, wantErr) {
		t.Fatalf("error %q, want %v", err, wantErr)
	}
	msg := err.Error()
	if why != "" && !strings.Contains(msg, why) {
		t.Errorf("error %q lacks %q", msg, why)
	}
	if strings.Contains(msg, testSecret) || (len(token) > 10 && strings.Contains(msg, token[:10])) {
		t.Errorf("error leaks the token or secret: %q", msg)
	}
	if st, _ := ErrorStatus(err); st != 401 && st != 403 {
		t.Errorf("ErrorStatus = %d", st)
	}
}

// reheader replaces the header of tok (keeping payload and signature).
func reheader(t *testing.T, tok, header string) string {
	parts := strings.Split(tok, ".")
	parts[0] = base64.RawURLEncoding.EncodeToString([]byte(header))
	return strings.Join(parts, ".")
}

// swapPayload replaces the payload of tok (keeping header and signature).
func swapPayload(t *testing.T, tok string, claims jwt.MapClaims) string {
	b, _ := json.Marshal(claims)
	parts := strings.Split(tok, ".")
	parts[1] = base64.RawURLEncoding.EncodeToString(b)
	return strings.Join(parts, ".")
}

// tweakLastChar changes the unused low bits of the signature's last base64
// character: the decoded signature stays the same for a lenient decoder.
func tweakLastChar(tok string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := strings.IndexByte(alphabet, tok[len(tok)-1])
	return tok[:len(tok)-1] + string(alphabet[last^1])
}

func TestVerifyAccepts(t *testing.T) {
	now := fixedNow
	rsaPriv := testRSAKey(t)
	_, rsaPub := keyFiles(t, rsaPriv)
	ecPriv := testECKey(t, elliptic.P256())
	_, ecPub := keyFiles(t, ecPriv)
	for _, c := range []struct {
		name   string
		cfg    KeyConfig
		method jwt.SigningMethod
		key    any
		claims jwt.MapClaims
	}{
		{"HS256", KeyConfig{Algorithm: "HS256", Secret: testSecret}, jwt.SigningMethodHS256, []byte(testSecret), callback(now)},
		{"HS256 with jti", KeyConfig{Algorithm: "HS256", Secret: testSecret}, jwt.SigningMethodHS256, []byte(testSecret), callback(now, "jti", "abc")},
		{"HS256 expired within leeway", KeyConfig{Algorithm: "HS256", Secret: testSecret}, jwt.SigningMethodHS256, []byte(testSecret), callback(now, "iat", now.Add(-5*time.Minute).Unix(), "exp", now.Add(-20*time.Second).Unix())},
		{"HS256 iat skewed within leeway", KeyConfig{Algorithm: "HS256", Secret: testSecret}, jwt.SigningMethodHS256, []byte(testSecret), callback(now, "iat", now.Add(20*time.Second).Unix())},
		{"HS256 no iat", KeyConfig{Algorithm: "HS256", Secret: testSecret}, jwt.SigningMethodHS256, []byte(testSecret), callback(now, "iat", nil)},
		{"HS256 10 min lifetime", KeyConfig{Algorithm: "HS256", Secret: testSecret}, jwt.SigningMethodHS256, []byte(testSecret), callback(now, "exp", now.Add(10*time.Minute).Unix())},
		{"RS256", KeyConfig{Algorithm: "RS256", PublicKeyFile: rsaPub}, jwt.SigningMethodRS256, rsaPriv, callback(now)},
		{"ES256", KeyConfig{Algorithm: "ES256", PublicKeyFile: ecPub}, jwt.SigningMethodES256, ecPriv, callback(now)},
	} {
		t.Run(c.name, func(t *testing.T) {
			v, err := NewVerifier(mustLoad(t, c.cfg), nil)
			if err != nil {
				t.Fatal(err)
			}
			v.Now = clock(now)
			got, err := v.Verify(mint(t, c.method, c.key, c.claims), Expectation{Tenant: "t1", Claims: map[string]string{"document": "d1"}})
			if err != nil {
				t.Fatal(err)
			}
			if got.Tenant != "t1" || got.String("document") != "d1" || got.ExpiresAt.Unix() != c.claims["exp"] || got.Extra["tenant"] != nil {
				t.Errorf("claims %+v", got)
			}
			if jti, _ := c.claims["jti"].(string); got.ID != jti {
				t.Errorf("ID %q, want %q", got.ID, jti)
			}
		})
	}
}

func TestVerifySingleUse(t *testing.T) {
	now := fixedNow
	secret := []byte(testSecret)
	v := hsVerifier(t)
	use := func(tok string, want Expectation) error { _, err := v.Verify(tok, want); return err }

	withJTI := mint(t, jwt.SigningMethodHS256, secret, callback(now, "jti", "j1"))
	if err := use(withJTI, Expectation{}); err != nil {
		t.Fatal(err)
	}
	if err := use(withJTI, Expectation{}); !errors.Is(err, ErrTokenReplayed) {
		t.Fatalf("replayed jti: %v", err)
	}
	sameJTI := mint(t, jwt.SigningMethodHS256, secret, callback(now, "jti", "j1", "document", "d2"))
	if err := use(sameJTI, Expectation{}); !errors.Is(err, ErrTokenReplayed) {
		t.Fatalf("another token with a used jti: %v", err)
	}

	noJTI := mint(t, jwt.SigningMethodHS256, secret, callback(now))
	if err := use(noJTI, Expectation{Tenant: "t2"}); !errors.Is(err, ErrWrongTenant) {
		t.Fatalf("wrong tenant: %v", err)
	}
	// A rejected token is not used up.
	if err := use(noJTI, Expectation{Tenant: "t1"}); err != nil {
		t.Fatalf("first use after a rejection: %v", err)
	}
	if err := use(noJTI, Expectation{Tenant: "t1"}); !errors.Is(err, ErrTokenReplayed) {
		t.Fatalf("replayed token without jti: %v", err)
	}
	other := mint(t, jwt.SigningMethodHS256, secret, callback(now, "document", "d3"))
	if err := use(other, Expectation{}); err != nil {
		t.Fatalf("a different token without jti: %v", err)
	}

	// Reusable tokens (the search tool's) may be presented again.
	search := mint(t, jwt.SigningMethodHS256, secret, callback(now, "jti", "s1", "scope", "search"))
	for i := 0; i < 3; i++ {
		if err := use(search, Expectation{Reusable: true, Claims: map[string]string{"scope": "search"}}); err != nil {
			t.Fatalf("reusable use %d: %v", i, err)
		}
	}

	// A token stays used until exp + leeway, not just exp: it is still
	// accepted in that window, so it must still be remembered.
	short := mint(t, jwt.SigningMethodHS256, secret, callback(now, "exp", now.Add(5*time.Second).Unix()))
	if err := use(short, Expectation{}); err != nil {
		t.Fatal(err)
	}
	v.Now = clock(now.Add(25 * time.Second))
	if err := use(short, Expectation{}); !errors.Is(err, ErrTokenReplayed) {
		t.Fatalf("replay after exp within leeway: %v", err)
	}
	v.Now = clock(now.Add(40 * time.Second))
	if err := use(short, Expectation{}); !errors.Is(err, ErrTokenExpired) {
		t.Fatalf("replay after exp + leeway: %v", err)
	}
}

// An ECDSA signature (r, s) stays valid as (r, n−s): a token without jti is
// recognised by its signed part, not its bytes.
func TestVerifyMalleableSignatureIsReplay(t *testing.T) {
	ecPriv := testECKey(t, elliptic.P256())
	_, pub := keyFiles(t, ecPriv)
	v, _ := NewVerifier(mustLoad(t, KeyConfig{Algorithm: "ES256", PublicKeyFile: pub}), nil)
	v.Now = clock(fixedNow)
	tok := mint(t, jwt.SigningMethodES256, ecPriv, callback(fixedNow))
	parts := strings.Split(tok, ".")
	sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
	s := new(big.Int).SetBytes(sig[32:])
	s.Sub(ecPriv.Curve.Params().N, s)
	s.FillBytes(sig[32:])
	twin := parts[0] + "." + parts[1] + "." + base64.RawURLEncoding.EncodeToString(sig)
	if twin == tok {
		t.Fatal("no twin")
	}
	if _, err := v.Verify(tok, Expectation{}); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(twin, Expectation{}); !errors.Is(err, ErrTokenReplayed) {
		t.Fatalf("malleated twin: %v", err)
	}
}

func TestNewVerifierNeedsKey(t *testing.T) {
	priv, _ := keyFiles(t, testECKey(t, elliptic.P256()))
	k := mustLoad(t, KeyConfig{Algorithm: "ES256", PrivateKeyFile: priv})
	if _, err := NewVerifier(k, nil); err != nil {
		t.Errorf("private key file alone: %v", err)
	}
	if _, err := NewVerifier(nil, nil); err == nil {
		t.Error("nil keys accepted")
	}
}

// FuzzVerify checks that Verify never panics and never accepts a token whose
// HMAC, recomputed here independently, is not the configured secret's.
func FuzzVerify(f *testing.F) {
	secret := []byte(testSecret)
	seed := func(c jwt.MapClaims) string { return mint(f, jwt.SigningMethodHS256, secret, c) }
	for _, s := range []string{
		"", "garbage", "a.b.c", "..", "a..", ".b.", "e30.e30.",
		seed(callback(fixedNow)),
		seed(callback(fixedNow, "jti", "x")),
		seed(callback(fixedNow, "exp", nil)),
		seed(callback(fixedNow, "tenant", nil)),
		mint(f, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, callback(fixedNow)),
		mint(f, jwt.SigningMethodHS512, secret, callback(fixedNow)),
		mint(f, jwt.SigningMethodHS256, []byte("wrong-secret-wrong-secret-wrong!!"), callback(fixedNow)),
	} {
		f.Add(s)
	}
	keys := mustLoad(f, KeyConfig{Algorithm: "HS256", Secret: testSecret})
	f.Fuzz(func(t *testing.T, token string) {
		v, _ := NewVerifier(keys, nil)
		v.Now = clock(fixedNow)
		c, err := v.Verify(token, Expectation{})
		if err != nil {
			if c != nil {
				t.Fatal("claims returned with an error")
			}
			if st, _ := ErrorStatus(err); st != 401 && st != 403 {
				t.Fatalf("status %d for %v", st, err)
			}
			return
		}
		parts := strings.Split(token, ".")
		if len(parts) != 3 {
			t.Fatalf("accepted a token with %d parts", len(parts))
		}
		mac := hmac.New(sha256.New, secret)
		mac.Write([]byte(parts[0] + "." + parts[1]))
		if want := base64.RawURLEncoding.EncodeToString(mac.Sum(nil)); parts[2] != want {
			t.Fatalf("accepted a token not signed with the secret: %q", token)
		}
		if c.Tenant == "" || c.ExpiresAt.IsZero() {
			t.Fatalf("accepted claims without tenant or exp: %+v", c)
		}
	})
}
