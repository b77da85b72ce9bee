package n8n

import (
	"net/http"
	"strings"
)

// BearerToken returns the token of the request's "Authorization: Bearer <t>"
// header. The scheme is case-insensitive. No header, another scheme or an
// empty token gives ErrTokenMissing; several Authorization headers or a
// token with blanks give ErrTokenInvalid.
func BearerToken(r *http.Request) (string, error) {
	values := r.Header.Values("Authorization")
	switch {
	case len(values) == 0:
		return "", tokenErr(ErrTokenMissing, "no Authorization header")
	case len(values) > 1:
		return "", tokenErr(ErrTokenInvalid, "several Authorization headers")
	}
	scheme, token, _ := strings.Cut(strings.TrimSpace(values[0]), " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return "", tokenErr(ErrTokenMissing, "not a Bearer Authorization header")
	}
	token = strings.TrimSpace(token)
	if token == "" {
		return "", tokenErr(ErrTokenMissing, "empty bearer token")
	}
	if strings.ContainsAny(token, " \t\r\n") {
		return "", tokenErr(ErrTokenInvalid, "blank inside the bearer token")
	}
	return token, nil
}
