package n8n

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Issuer is the iss claim of every token Counterpart signs.
const Issuer = "counterpart"

// Audience is the aud claim of every token Counterpart signs.
const Audience = "n8n"

// SystemSubject is the sub claim of tokens no user asked for.
const SystemSubject = "system"

// Signer signs the tokens Counterpart sends to n8n. It is safe for
// concurrent use (do not change Now while it is in use).
type Signer struct {
	// Now is the clock; nil means time.Now. Tests inject a fixed clock.
	Now func() time.Time

	keys *Keys
}

// NewSigner returns a Signer for keys, which must be able to sign.
func NewSigner(keys *Keys) (*Signer, error) {
	if keys == nil || !keys.CanSign() {
		return nil, errors.New("n8n signer: the keys hold no secret or private key to sign with")
	}
	return &Signer{keys: keys}, nil
}

// Sign returns a compact JWT for c with the configured algorithm and TTL.
// Claims: iss "counterpart", aud "n8n", sub (c.Subject or "system"), tenant,
// iat, exp = iat + TTL (always: n8n accepts a token without exp, so none is
// ever sent), jti (128 random bits, hex) and c.Extra. c.Tenant is required.
func (s *Signer) Sign(c Claims) (string, error) {
	return s.SignTTL(c, s.keys.ttl)
}

// SignTTL is Sign with another lifetime than the configured TTL, e.g. a token
// that must outlive a whole chat turn. ttl must be from 1s to MaxLifetime.
func (s *Signer) SignTTL(c Claims, ttl time.Duration) (string, error) {
	if ttl < time.Second || ttl > MaxLifetime {
		return "", fmt.Errorf("n8n signer: TTL %s out of range (1s to %s)", ttl, MaxLifetime)
	}
	if c.Tenant == "" {
		return "", errors.New("n8n signer: the tenant claim is required")
	}
	sub := c.Subject
	if sub == "" {
		sub = SystemSubject
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	iat := now().Unix()
	var id [16]byte
	if _, err := rand.Read(id[:]); err != nil {
		return "", fmt.Errorf("n8n signer: random jti: %w", err)
	}
	mc := jwt.MapClaims{
		"iss":    Issuer,
		"aud":    Audience,
		"sub":    sub,
		"tenant": c.Tenant,
		"iat":    iat,
		"exp":    iat + int64(ttl/time.Second),
		"jti":    hex.EncodeToString(id[:]),
	}
	for name, v := range c.Extra {
		if reservedClaims[name] {
			return "", fmt.Errorf("n8n signer: claim %q cannot be set through Extra", name)
		}
		mc[name] = v
	}
	tok, err := jwt.NewWithClaims(s.keys.method, mc).SignedString(s.keys.signKey)
	if err != nil {
		return "", fmt.Errorf("n8n signer: %w", err)
	}
	return tok, nil
}

// Authorize signs c and sets the request's "Authorization: Bearer <token>"
// header, the form n8n's Webhook "JWT Auth" reads.
func (s *Signer) Authorize(r *http.Request, c Claims) error {
	tok, err := s.Sign(c)
	if err != nil {
		return err
	}
	r.Header.Set("Authorization", "Bearer "+tok)
	return nil
}
