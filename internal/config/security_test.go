package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSecretsOnlyFromPrivateFiles: a config file holding a secret must not be
// readable by other users; without secrets any mode is fine (env carries them).
func TestSecretsOnlyFromPrivateFiles(t *testing.T) {
	const withSecret = "n8n:\n  chat_url: http://127.0.0.1:5678/webhook/chat\n  jwt:\n    secret: a-shared-secret-that-is-long-enough-0123456789\n"
	const withoutSecret = "http: 127.0.0.1:8090\n"
	cases := []struct {
		name    string
		content string
		mode    os.FileMode
		wantErr string // empty: loads
	}{
		{"secret, 0600", withSecret, 0o600, ""},
		{"secret, 0400", withSecret, 0o400, ""},
		{"secret, 0640", withSecret, 0o640, "chmod 600"},
		{"secret, 0644", withSecret, 0o644, "n8n.jwt.secret"},
		{"smtp password, 0604", "smtp:\n  host: mail.local\n  password: hunter22\n", 0o604, "smtp.password"},
		{"no secret, 0644", withoutSecret, 0o644, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "counterpart.yaml")
			if err := os.WriteFile(p, []byte(c.content), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(p, c.mode); err != nil {
				t.Fatal(err)
			}
			_, err := Load([]string{"--config", p})
			switch {
			case c.wantErr == "" && err != nil:
				t.Fatalf("Load: %v", err)
			case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
				t.Fatalf("Load: %v, want an error naming %q", err, c.wantErr)
			case err != nil && (strings.Contains(err.Error(), "hunter22") || strings.Contains(err.Error(), "long-enough")):
				t.Fatalf("the error shows the secret: %v", err)
			}
		})
	}
	// the same secret from the environment with a world-readable file is fine
	p := filepath.Join(t.TempDir(), "counterpart.yaml")
	if err := os.WriteFile(p, []byte("n8n:\n  chat_url: http://127.0.0.1:5678/webhook/chat\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("COUNTERPART_N8N_JWT_SECRET", "a-shared-secret-that-is-long-enough-0123456789")
	if _, err := Load([]string{"--config", p}); err != nil {
		t.Errorf("secret from env, readable file: %v", err)
	}
}

func TestSecurityValues(t *testing.T) {
	dir := t.TempDir()
	open := filepath.Join(dir, "open.pem")
	private := filepath.Join(dir, "private.pem")
	for p, mode := range map[string]os.FileMode{open: 0o644, private: 0o600} {
		if err := os.WriteFile(p, []byte("-----BEGIN PRIVATE KEY-----\n"), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		env map[string]string
		key string // the key the error must name; empty: valid
	}{
		{env: map[string]string{"COUNTERPART_TLS_CERT_FILE": open}, key: "tls.key_file"},
		{env: map[string]string{"COUNTERPART_TLS_CERT_FILE": open, "COUNTERPART_TLS_KEY_FILE": open}, key: "tls.key_file"},
		{env: map[string]string{"COUNTERPART_TLS_CERT_FILE": open, "COUNTERPART_TLS_KEY_FILE": private}},
		{env: map[string]string{"COUNTERPART_TLS_CERT_FILE": filepath.Join(dir, "missing.pem"), "COUNTERPART_TLS_KEY_FILE": private}, key: "tls.cert_file"},
		{env: map[string]string{"COUNTERPART_N8N_JWT_PRIVATE_KEY_FILE": open}, key: "n8n.jwt.private_key_file"},
		{env: map[string]string{"COUNTERPART_LIMITS_MAX_JSON_BYTES": "100"}, key: "limits.max_json_bytes"},
		{env: map[string]string{"COUNTERPART_LIMITS_UPLOADS_PER_MINUTE": "0"}, key: "limits.uploads_per_minute"},
		{env: map[string]string{"COUNTERPART_LIMITS_CHAT_PER_MINUTE": "0"}, key: "limits.chat_per_minute"},
		{env: map[string]string{"COUNTERPART_LIMITS_READ_HEADER_TIMEOUT": "10ms"}, key: "limits.read_header_timeout"},
		{env: map[string]string{"COUNTERPART_LIMITS_IDLE_TIMEOUT": "0s"}, key: "limits.idle_timeout"},
	}
	for _, c := range cases {
		t.Run(c.key+strings.Join(mapKeys(c.env), ","), func(t *testing.T) {
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			_, err := Load(nil)
			if c.key == "" {
				if err != nil {
					t.Fatalf("Load: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.key) {
				t.Fatalf("Load: %v, want an error naming %s", err, c.key)
			}
		})
	}
}

func mapKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
