package n8n

import (
	"errors"
	"net/http/httptest"
	"testing"
)

func TestBearerToken(t *testing.T) {
	for _, c := range []struct {
		name    string
		headers []string
		token   string
		err     error
	}{
		{"missing", nil, "", ErrTokenMissing},
		{"empty", []string{""}, "", ErrTokenMissing},
		{"scheme only", []string{"Bearer"}, "", ErrTokenMissing},
		{"scheme and blank", []string{"Bearer   "}, "", ErrTokenMissing},
		{"basic", []string{"Basic dXNlcjpwdw=="}, "", ErrTokenMissing},
		{"bearer", []string{"Bearer abc.def.ghi"}, "abc.def.ghi", nil},
		{"lower case", []string{"bearer abc"}, "abc", nil},
		{"upper case", []string{"BEARER abc"}, "abc", nil},
		{"extra blanks", []string{"  Bearer   abc  "}, "abc", nil},
		{"two tokens", []string{"Bearer abc def"}, "", ErrTokenInvalid},
		{"two headers", []string{"Bearer abc", "Bearer def"}, "", ErrTokenInvalid},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/", nil)
			for _, h := range c.headers {
				r.Header.Add("Authorization", h)
			}
			tok, err := BearerToken(r)
			if tok != c.token || !errors.Is(err, c.err) || (c.err == nil) != (err == nil) {
				t.Fatalf("got %q, %v; want %q, %v", tok, err, c.token, c.err)
			}
		})
	}
}

func TestErrorStatus(t *testing.T) {
	for _, c := range []struct {
		err    error
		status int
		msg    string
	}{
		{nil, 200, ""},
		{tokenErr(ErrTokenMissing, "x"), 401, "missing bearer token"},
		{tokenErr(ErrTokenExpired, "x"), 401, "token expired"},
		{tokenErr(ErrWrongAlgorithm, "x"), 401, "token algorithm not accepted"},
		{tokenErr(ErrTokenReplayed, "x"), 401, "token already used"},
		{tokenErr(ErrWrongTenant, "x"), 403, "token is for another tenant"},
		{tokenErr(ErrWrongClaim, "x"), 403, "token does not match the request"},
		{tokenErr(ErrReplayCacheFull, "x"), 503, "too many tokens in flight"},
		{errors.New("boom"), 500, "internal error"},
	} {
		if st, msg := ErrorStatus(c.err); st != c.status || msg != c.msg {
			t.Errorf("%v: got %d %q, want %d %q", c.err, st, msg, c.status, c.msg)
		}
	}
}
