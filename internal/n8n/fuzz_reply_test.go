package n8n

import (
	"net/http"
	"testing"
)

// FuzzParseJSONReply: whatever a (compromised or misconfigured) n8n answers
// in JSON mode, parsing never panics.
func FuzzParseJSONReply(f *testing.F) {
	for _, s := range []string{`{"output":"Hello"}`, `[{"output":"a","sources":[{"document":"x","page":1}]}]`,
		`{"output":null,"usage":{"tokens_in":-1}}`, `{"text":"x"}`, `"just a string"`, `{"output":"\ud800"}`, ``, `[`, `[[[[[[]]]]]]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		_, _ = ParseJSONReply(body)
	})
}

// FuzzBearerToken: any Authorization header yields a token or an error, never a panic.
func FuzzBearerToken(f *testing.F) {
	for _, s := range []string{"Bearer abc.def.ghi", "bearer x", "Bearer", "Basic dXNlcjpwYXNz", "Bearer  a b", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		r, _ := http.NewRequest("POST", "http://counterpart.test/api/n8n/callback/documents/x", nil)
		r.Header["Authorization"] = []string{header}
		tok, err := BearerToken(r)
		if err == nil && tok == "" {
			t.Fatalf("BearerToken(%q) gave an empty token without an error", header)
		}
	})
}
