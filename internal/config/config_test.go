package config

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func writeFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "counterpart.yaml")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDefaultsAreValid(t *testing.T) {
	cfg := Defaults()
	if err := cfg.Validate(); err != nil {
		t.Fatalf("defaults do not validate: %v", err)
	}
	if cfg.HTTP != "127.0.0.1:8090" || cfg.DataDir != "./pb_data" || cfg.Storage.Driver != "local" || cfg.N8N.Enabled() {
		t.Errorf("unexpected defaults: %+v", cfg)
	}
}

func TestPrecedence(t *testing.T) {
	file := writeFile(t, "http: 127.0.0.1:9001\ndata_dir: /from/file\nn8n:\n  timeout: 30s\n")
	t.Setenv("COUNTERPART_DATA_DIR", "/from/env")
	t.Setenv("COUNTERPART_N8N_JWT_TTL", "45s")
	cfg, err := Load([]string{"--config", file, "serve", "--http", "127.0.0.1:9002"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.HTTP != "127.0.0.1:9002" {
		t.Errorf("flag should win: http = %s", cfg.HTTP)
	}
	if cfg.DataDir != "/from/env" {
		t.Errorf("env should beat the file: data_dir = %s", cfg.DataDir)
	}
	if cfg.N8N.Timeout != 30*time.Second || cfg.N8N.JWT.TTL != 45*time.Second {
		t.Errorf("file and env values: timeout %s ttl %s", cfg.N8N.Timeout, cfg.N8N.JWT.TTL)
	}
	if cfg.File != file {
		t.Errorf("File = %q", cfg.File)
	}
}

func TestBadValues(t *testing.T) {
	keyFile := writeFile(t, "not a key")
	cases := []struct {
		env  map[string]string
		file string
		key  string // the key the error must name
	}{
		{env: map[string]string{"COUNTERPART_HTTP": "8090"}, key: "http"},
		{env: map[string]string{"COUNTERPART_HTTP": "127.0.0.1:99999"}, key: "http"},
		{env: map[string]string{"COUNTERPART_PUBLIC_URL": "parts.example.com"}, key: "public_url"},
		{env: map[string]string{"COUNTERPART_AUTH_PASSWORD_MIN_LENGTH": "4"}, key: "auth.password_min_length"},
		{env: map[string]string{"COUNTERPART_AUTH_TOKEN_TTL": "1m"}, key: "auth.token_ttl"},
		{env: map[string]string{"COUNTERPART_STORAGE_DRIVER": "ftp"}, key: "storage.driver"},
		{env: map[string]string{"COUNTERPART_STORAGE_DRIVER": "s3"}, key: "storage.s3.endpoint"},
		{env: map[string]string{"COUNTERPART_STORAGE_DRIVER": "s3", "COUNTERPART_STORAGE_S3_ENDPOINT": "http://minio:9000"}, key: "storage.s3.endpoint"},
		{env: map[string]string{"COUNTERPART_N8N_CHAT_URL": "ftp://n8n/webhook"}, key: "n8n.chat_url"},
		{env: map[string]string{"COUNTERPART_N8N_CHAT_URL": "http://127.0.0.1:5678/webhook/chat"}, key: "n8n.jwt.secret"},
		{env: map[string]string{"COUNTERPART_N8N_CHAT_URL": "http://127.0.0.1:5678/webhook/chat", "COUNTERPART_N8N_JWT_SECRET": "short"}, key: "n8n.jwt.secret"},
		{env: map[string]string{"COUNTERPART_N8N_JWT_ALGORITHM": "none"}, key: "n8n.jwt.algorithm"},
		{env: map[string]string{"COUNTERPART_N8N_JWT_ALGORITHM": "RS256", "COUNTERPART_N8N_INGEST_URL": "http://127.0.0.1:5678/webhook/ingest"}, key: "n8n.jwt.private_key_file"},
		{env: map[string]string{"COUNTERPART_N8N_JWT_ALGORITHM": "RS256", "COUNTERPART_N8N_INGEST_URL": "http://127.0.0.1:5678/x",
			"COUNTERPART_N8N_JWT_PRIVATE_KEY_FILE": "/nonexistent.pem", "COUNTERPART_N8N_JWT_PUBLIC_KEY_FILE": keyFile}, key: "n8n.jwt.private_key_file"},
		{env: map[string]string{"COUNTERPART_N8N_JWT_TTL": "24h"}, key: "n8n.jwt.ttl"},
		{env: map[string]string{"COUNTERPART_N8N_TIMEOUT": "soon"}, key: "n8n.timeout"},
		{env: map[string]string{"COUNTERPART_SMTP_PORT": "0"}, key: "smtp.port"},
		{env: map[string]string{"COUNTERPART_SMTP_HOST": "mail.local", "COUNTERPART_SMTP_SENDER_ADDRESS": "nobody"}, key: "smtp.sender_address"},
		{env: map[string]string{"COUNTERPART_BACKUPS_CRON": "at night"}, key: "backups.cron"},
		{env: map[string]string{"COUNTERPART_BACKUPS_KEEP": "0"}, key: "backups.keep"},
		{env: map[string]string{"COUNTERPART_BACKUPS_S3": "true"}, key: "backups.s3"},
		{env: map[string]string{"COUNTERPART_CHAT_MAX_MESSAGE_BYTES": "10"}, key: "chat.max_message_bytes"},
		{env: map[string]string{"COUNTERPART_CHAT_MAX_INFLIGHT_PER_USER": "0"}, key: "chat.max_inflight_per_user"},
		{env: map[string]string{"COUNTERPART_CHAT_MAX_INFLIGHT_PER_TENANT": "0"}, key: "chat.max_inflight_per_tenant"},
		{env: map[string]string{"COUNTERPART_CHAT_HISTORY_TURNS": "-1"}, key: "chat.history_turns"},
		{env: map[string]string{"COUNTERPART_CHAT_CONNECT_TIMEOUT": "1ms"}, key: "chat.connect_timeout"},
		{env: map[string]string{"COUNTERPART_CHAT_FIRST_BYTE_TIMEOUT": "0s"}, key: "chat.first_byte_timeout"},
		{env: map[string]string{"COUNTERPART_CHAT_MAX_REPLY_BYTES": "1000"}, key: "chat.max_reply_bytes"},
		{env: map[string]string{"COUNTERPART_USAGE_RETENTION_DAYS": "-1"}, key: "usage.retention_days"},
		{file: "htp: 127.0.0.1:8090\n", key: "htp"},
		{file: "n8n:\n  jwt:\n    secert: x\n", key: "n8n.jwt.secert"},
		{file: "http: [unclosed\n", key: "config file"},
	}
	for _, c := range cases {
		t.Run(c.key, func(t *testing.T) {
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			args := []string{}
			if c.file != "" {
				args = append(args, "--config", writeFile(t, c.file))
			}
			_, err := Load(args)
			if err == nil {
				t.Fatalf("accepted %v %q", c.env, c.file)
			}
			if !strings.Contains(err.Error(), c.key) {
				t.Errorf("error does not name %s: %v", c.key, err)
			}
			for _, v := range c.env {
				if strings.Contains(v, "secret") && strings.Contains(err.Error(), v) {
					t.Errorf("error shows a secret: %v", err)
				}
			}
		})
	}
}

func TestSecretsNeverPrinted(t *testing.T) {
	const secret = "n8n-shared-secret-that-is-long-enough-0123456789"
	t.Setenv("COUNTERPART_N8N_CHAT_URL", "http://127.0.0.1:5678/webhook/chat")
	t.Setenv("COUNTERPART_N8N_JWT_SECRET", secret)
	t.Setenv("COUNTERPART_SMTP_PASSWORD", "smtp-password-42")
	cfg, err := Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := cfg.Print(&out); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{secret, "smtp-password-42"} {
		if strings.Contains(out.String(), s) {
			t.Errorf("Print shows a secret:\n%s", out.String())
		}
	}
	if !strings.Contains(out.String(), "n8n.jwt.secret: (set, redacted)") || !strings.Contains(out.String(), "storage.s3.secret_key: (not set)") {
		t.Errorf("redaction markers missing:\n%s", out.String())
	}
}

func TestEveryKeyIsPrinted(t *testing.T) {
	printed := Defaults().Redacted()
	for _, k := range Keys() {
		if _, ok := printed[k]; !ok {
			t.Errorf("key %s is not printed by config check", k)
		}
	}
	for k := range printed {
		if !slices.Contains(Keys(), k) {
			t.Errorf("printed key %s has no default", k)
		}
	}
}
