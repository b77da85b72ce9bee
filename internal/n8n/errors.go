package n8n

import (
	"errors"
	"net/http"
)

// Token errors returned by [BearerToken], [Verifier.Verify] and
// [ReplayCache.Use]. Compare them with errors.Is: the returned error wraps one
// of them and adds a short reason. Neither the sentinel nor the reason ever
// contains the token, a claim value or key material, so they are safe to log.
// [ErrorStatus] maps them to an HTTP status and a plain message.
var (
	// ErrTokenMissing means the request carried no bearer token.
	ErrTokenMissing = errors.New("missing bearer token")

	// ErrTokenInvalid means the token is malformed, badly signed, or does not
	// meet the contract (no exp, no tenant, too long a lifetime, ...).
	ErrTokenInvalid = errors.New("invalid token")

	// ErrTokenExpired means the token's exp has passed.
	ErrTokenExpired = errors.New("token expired")

	// ErrTokenNotYetValid means the token's iat or nbf is in the future
	// (beyond the allowed clock leeway).
	ErrTokenNotYetValid = errors.New("token not valid yet")

	// ErrWrongAlgorithm means the token is signed with another algorithm than
	// the configured one, including "none".
	ErrWrongAlgorithm = errors.New("token algorithm not accepted")

	// ErrTokenReplayed means the token (its jti, or the token itself when it
	// has no jti) was already used within its lifetime.
	ErrTokenReplayed = errors.New("token already used")

	// ErrWrongTenant means a valid token names another tenant than expected.
	ErrWrongTenant = errors.New("token is for another tenant")

	// ErrWrongClaim means a valid token lacks a claim the request requires,
	// or carries another value (e.g. another document).
	ErrWrongClaim = errors.New("token does not match the request")

	// ErrReplayCacheFull means too many unexpired tokens are remembered to
	// accept one more; the caller should retry later.
	ErrReplayCacheFull = errors.New("too many tokens in flight")
)

// tokenError is a sentinel plus a fixed reason chosen by this package.
type tokenError struct {
	kind   error
	reason string
}

func (e *tokenError) Error() string { return e.kind.Error() + ": " + e.reason }
func (e *tokenError) Unwrap() error { return e.kind }

func tokenErr(kind error, reason string) error { return &tokenError{kind: kind, reason: reason} }

// ErrorStatus maps an error from [BearerToken] or [Verifier.Verify] to the
// HTTP status a handler should answer with and a plain message safe to show
// to the caller: 401 for a missing, invalid, expired, replayed or wrongly
// signed token, 403 for a valid token that does not fit the request (wrong
// tenant or claim), 503 when the replay cache is full. Any other non-nil error
// gives 500 "internal error"; nil gives 200 and "".
func ErrorStatus(err error) (status int, message string) {
	if err == nil {
		return http.StatusOK, ""
	}
	for _, m := range []struct {
		err    error
		status int
	}{
		{ErrTokenMissing, http.StatusUnauthorized},
		{ErrTokenInvalid, http.StatusUnauthorized},
		{ErrTokenExpired, http.StatusUnauthorized},
		{ErrTokenNotYetValid, http.StatusUnauthorized},
		{ErrWrongAlgorithm, http.StatusUnauthorized},
		{ErrTokenReplayed, http.StatusUnauthorized},
		{ErrWrongTenant, http.StatusForbidden},
		{ErrWrongClaim, http.StatusForbidden},
		{ErrReplayCacheFull, http.StatusServiceUnavailable},
	} {
		if errors.Is(err, m.err) {
			return m.status, m.err.Error()
		}
	}
	return http.StatusInternalServerError, "internal error"
}
