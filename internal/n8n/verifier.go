package n8n

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// DefaultLeeway is the clock skew Verify tolerates on exp, nbf and iat.
const DefaultLeeway = 30 * time.Second

// MaxTokenBytes is the longest token Verify parses.
const MaxTokenBytes = 8 << 10

// Expectation is what a request requires of a token beyond a valid signature,
// an exp, a sane lifetime and a tenant. Empty fields are not checked.
type Expectation struct {
	// Tenant, when set, must equal the tenant claim (else ErrWrongTenant),
	// e.g. the tenant of the document a callback is about.
	Tenant string
	// Issuer, when set, must equal iss. n8n's JWT node sets none by default.
	Issuer string
	// Audience, when set, must be in aud. n8n's JWT node sets none by default.
	Audience string
	// Claims lists custom claims that must be present as strings with
	// exactly these values (else ErrWrongClaim), e.g. {"document": id}.
	Claims map[string]string
	// Reusable skips the single-use check. Only for tokens Counterpart minted
	// itself to be presented several times (the search tool's token, used
	// once per tool call); never for callbacks.
	Reusable bool
}

// Verifier verifies tokens on inbound requests (n8n's callbacks, the search
// tool). It accepts exactly the configured algorithm and requires exp, a
// non-empty tenant, iat (when present) not in the future, a lifetime of at
// most MaxLifetime, and single use of each token. It is safe for concurrent
// use (do not change its fields while it is in use).
type Verifier struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Leeway is the tolerated clock skew; 0 means DefaultLeeway.
	Leeway time.Duration
	// MaxLifetime bounds exp − iat (and exp − now); 0 means MaxLifetime.
	MaxLifetime time.Duration

	keys   *Keys
	replay *ReplayCache
}

// NewVerifier returns a Verifier for keys, which must be able to verify.
// replay remembers used tokens; nil means a new NewReplayCache(0). Share one
// cache between verifiers that accept the same tokens.
func NewVerifier(keys *Keys, replay *ReplayCache) (*Verifier, error) {
	if keys == nil || !keys.CanVerify() {
		return nil, errors.New("n8n verifier: the keys hold no secret or public key to verify with")
	}
	if replay == nil {
		replay = NewReplayCache(0)
	}
	return &Verifier{keys: keys, replay: replay}, nil
}

// VerifyRequest is BearerToken followed by Verify.
func (v *Verifier) VerifyRequest(r *http.Request, want Expectation) (*Claims, error) {
	token, err := BearerToken(r)
	if err != nil {
		return nil, err
	}
	return v.Verify(token, want)
}

// Verify checks token and returns its claims. Errors wrap one of the
// package's sentinels (ErrTokenMissing, ErrTokenInvalid, ErrTokenExpired,
// ErrTokenNotYetValid, ErrWrongAlgorithm, ErrTokenReplayed, ErrWrongTenant,
// ErrWrongClaim, ErrReplayCacheFull); see ErrorStatus.
//
// A token is used up only once everything else passed. Its replay key is its
// jti, or, without a jti, the SHA-256 of its signed part (header and
// payload): the same token cannot be presented twice, nor a re-encoded copy
// of it (an ECDSA signature can be altered without the key and stay valid).
// Two tokens without jti with the same claims signed in the same second are
// the same token: callers that send several must add a jti.
func (v *Verifier) Verify(token string, want Expectation) (*Claims, error) {
	if token == "" {
		return nil, tokenErr(ErrTokenMissing, "empty token")
	}
	if len(token) > MaxTokenBytes {
		return nil, tokenErr(ErrTokenInvalid, "token too long")
	}
	now := time.Now()
	if v.Now != nil {
		now = v.Now()
	}
	leeway := v.Leeway
	if leeway <= 0 {
		leeway = DefaultLeeway
	}
	maxLife := v.MaxLifetime
	if maxLife <= 0 {
		maxLife = MaxLifetime
	}

	alg := v.keys.alg
	opts := []jwt.ParserOption{
		jwt.WithValidMethods([]string{alg}),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(leeway),
		jwt.WithTimeFunc(func() time.Time { return now }),
		jwt.WithStrictDecoding(),
	}
	if want.Issuer != "" {
		opts = append(opts, jwt.WithIssuer(want.Issuer))
	}
	if want.Audience != "" {
		opts = append(opts, jwt.WithAudience(want.Audience))
	}
	mc := jwt.MapClaims{}
	tok, err := jwt.NewParser(opts...).ParseWithClaims(token, mc, func(t *jwt.Token) (any, error) {
		// Defence in depth: WithValidMethods already refused any other alg.
		if t.Method == nil || t.Method.Alg() != alg {
			return nil, errors.New("unexpected algorithm")
		}
		return v.keys.verifyKey, nil
	})
	if err != nil {
		return nil, parseError(tok, mc, alg, want.Issuer != "", err)
	}

	c, err := claimsFrom(mc)
	if err != nil {
		return nil, err
	}
	if c.ExpiresAt.Sub(now) > maxLife+leeway {
		return nil, tokenErr(ErrTokenInvalid, fmt.Sprintf("expires more than %s from now", maxLife))
	}
	if !c.IssuedAt.IsZero() && c.ExpiresAt.Sub(c.IssuedAt) > maxLife {
		return nil, tokenErr(ErrTokenInvalid, fmt.Sprintf("lifetime longer than %s", maxLife))
	}
	if want.Tenant != "" && c.Tenant != want.Tenant {
		return nil, tokenErr(ErrWrongTenant, "tenant does not match")
	}
	for name, value := range want.Claims {
		if got, ok := mc[name].(string); !ok || got != value {
			return nil, tokenErr(ErrWrongClaim, fmt.Sprintf("claim %q does not match", name))
		}
	}

	if !want.Reusable {
		key := "jti:" + c.ID
		if c.ID == "" {
			signed := token[:strings.LastIndexByte(token, '.')]
			sum := sha256.Sum256([]byte(signed))
			key = "sha256:" + hex.EncodeToString(sum[:])
		}
		if err := v.replay.Use(key, c.ExpiresAt.Add(leeway), now); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// parseError maps a golang-jwt error to the package's sentinels.
func parseError(tok *jwt.Token, mc jwt.MapClaims, alg string, wantIssuer bool, err error) error {
	if errors.Is(err, jwt.ErrTokenMalformed) {
		return tokenErr(ErrTokenInvalid, "malformed")
	}
	if tok != nil {
		switch got, ok := tok.Header["alg"].(string); {
		case !ok:
			return tokenErr(ErrTokenInvalid, "no alg header")
		case strings.EqualFold(got, "none"):
			return tokenErr(ErrWrongAlgorithm, "unsigned token (alg none)")
		case got != alg:
			return tokenErr(ErrWrongAlgorithm, "expected "+alg)
		}
	}
	switch {
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return tokenErr(ErrTokenInvalid, "bad signature")
	case errors.Is(err, jwt.ErrTokenExpired):
		return tokenErr(ErrTokenExpired, "exp has passed")
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing) && mc["exp"] == nil:
		return tokenErr(ErrTokenInvalid, "no exp claim")
	case errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return tokenErr(ErrTokenNotYetValid, "issued in the future")
	case errors.Is(err, jwt.ErrTokenNotValidYet):
		return tokenErr(ErrTokenNotYetValid, "nbf in the future")
	case errors.Is(err, jwt.ErrTokenInvalidIssuer) || errors.Is(err, jwt.ErrTokenRequiredClaimMissing) && wantIssuer && isEmptyString(mc["iss"]):
		return tokenErr(ErrTokenInvalid, "wrong issuer")
	case errors.Is(err, jwt.ErrTokenInvalidAudience) || errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		return tokenErr(ErrTokenInvalid, "wrong audience")
	case errors.Is(err, jwt.ErrInvalidType):
		return tokenErr(ErrTokenInvalid, "a registered claim has the wrong type")
	}
	return tokenErr(ErrTokenInvalid, "rejected")
}

// claimsFrom converts verified map claims, checking the types of the
// registered claims the parser did not check and requiring a tenant.
func claimsFrom(mc jwt.MapClaims) (*Claims, error) {
	bad := func(reason string) error { return tokenErr(ErrTokenInvalid, reason) }
	c := &Claims{}
	tenant, ok := mc["tenant"].(string)
	if !ok || tenant == "" {
		return nil, bad("no tenant claim")
	}
	c.Tenant = tenant
	var err error
	if c.Issuer, err = mc.GetIssuer(); err != nil {
		return nil, bad("iss is not a string")
	}
	if c.Subject, err = mc.GetSubject(); err != nil {
		return nil, bad("sub is not a string")
	}
	if c.Audience, err = mc.GetAudience(); err != nil {
		return nil, bad("aud is not a string or a list of strings")
	}
	if jti, present := mc["jti"]; present {
		if c.ID, ok = jti.(string); !ok {
			return nil, bad("jti is not a string")
		}
	}
	for _, t := range []struct {
		name string
		get  func() (*jwt.NumericDate, error)
		dst  *time.Time
	}{
		{"exp", mc.GetExpirationTime, &c.ExpiresAt},
		{"iat", mc.GetIssuedAt, &c.IssuedAt},
		{"nbf", mc.GetNotBefore, &c.NotBefore},
	} {
		d, err := t.get()
		if err != nil {
			return nil, bad(t.name + " is not a number")
		}
		if d != nil {
			*t.dst = d.Time
		}
	}
	for name, value := range mc {
		if !reservedClaims[name] {
			if c.Extra == nil {
				c.Extra = make(map[string]any)
			}
			c.Extra[name] = value
		}
	}
	return c, nil
}

func isEmptyString(v any) bool {
	s, _ := v.(string)
	return s == ""
}
