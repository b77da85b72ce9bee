package n8n

import "time"

// Claims are the claims of a token exchanged with n8n.
//
// For [Signer.Sign] only Subject, Tenant and Extra are read; the signer sets
// iss, aud, iat, exp and jti itself. [Verifier.Verify] fills every field.
type Claims struct {
	// Subject is the user id, or "system" for work no user asked for
	// (Sign uses "system" when it is empty).
	Subject string
	// Tenant is the tenant the call is for; required both ways.
	Tenant string
	// Extra holds the other custom claims, e.g. "conversation", "document"
	// or "scope". Values must marshal to JSON; after Verify, numbers are
	// float64 as with encoding/json. Registered names and "tenant" are not
	// allowed here.
	Extra map[string]any

	// Issuer is the iss claim ("counterpart" on tokens Counterpart signs;
	// usually empty on n8n callbacks).
	Issuer string
	// Audience is the aud claim.
	Audience []string
	// ID is the jti claim; empty when the token has none.
	ID string
	// IssuedAt, NotBefore and ExpiresAt are iat, nbf and exp; the zero time
	// when absent.
	IssuedAt, NotBefore, ExpiresAt time.Time
}

// String returns the custom claim name from Extra when it is a string, and ""
// otherwise; e.g. c.String("document").
func (c *Claims) String(name string) string {
	s, _ := c.Extra[name].(string)
	return s
}

// reservedClaims cannot be set through Claims.Extra.
var reservedClaims = map[string]bool{
	"iss": true, "sub": true, "aud": true, "exp": true, "nbf": true, "iat": true, "jti": true, "tenant": true,
}
