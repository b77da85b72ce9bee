package config

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"os"
	"slices"
	"strconv"
	"time"

	"github.com/robfig/cron/v3"
)

// Algorithms lists the JWT algorithms n8n's "JWT Auth" credential accepts.
var Algorithms = []string{"HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512"}

// MinSecretLength is the shortest HMAC secret accepted for n8n tokens.
const MinSecretLength = 32

// Validate checks every value and returns one error per bad key, each naming
// the key, the value and what is expected.
func (c *Config) Validate() error {
	var errs []error
	bad := func(key string, value any, want string) {
		errs = append(errs, fmt.Errorf("config: %s = %q: %s", key, fmt.Sprint(value), want))
	}
	badSecret := func(key, want string) {
		errs = append(errs, fmt.Errorf("config: %s: %s", key, want))
	}

	if _, port, err := net.SplitHostPort(c.HTTP); err != nil || !validPort(port) {
		bad("http", c.HTTP, "expected host:port, e.g. 127.0.0.1:8090 or 0.0.0.0:80")
	}
	if c.DataDir == "" {
		bad("data_dir", c.DataDir, "must not be empty")
	}
	if c.PublicURL != "" && !validHTTPURL(c.PublicURL) {
		bad("public_url", c.PublicURL, "expected an http(s) URL such as https://parts.example.com")
	}

	if c.Auth.PasswordMinLength < 8 || c.Auth.PasswordMinLength > 71 {
		bad("auth.password_min_length", c.Auth.PasswordMinLength, "expected a number from 8 to 71")
	}
	if c.Auth.TokenTTL < 5*time.Minute || c.Auth.TokenTTL > 90*24*time.Hour {
		bad("auth.token_ttl", c.Auth.TokenTTL, "expected a duration from 5m to 2160h")
	}

	switch c.Storage.Driver {
	case "local":
	case "s3":
		s := c.Storage.S3
		if s.Endpoint == "" {
			bad("storage.s3.endpoint", s.Endpoint, "required with storage.driver = s3 (host:port, no scheme)")
		} else if u, err := url.Parse("//" + s.Endpoint); err != nil || u.Host != s.Endpoint || u.Path != "" {
			bad("storage.s3.endpoint", s.Endpoint, "expected host or host:port without scheme or path, e.g. minio.local:9000")
		}
		if len(s.Bucket) < 3 || len(s.Bucket) > 63 {
			bad("storage.s3.bucket", s.Bucket, "expected a bucket name of 3 to 63 characters")
		}
		if s.AccessKey == "" {
			bad("storage.s3.access_key", "", "required with storage.driver = s3")
		}
		if s.SecretKey == "" {
			badSecret("storage.s3.secret_key", "required with storage.driver = s3")
		}
	default:
		bad("storage.driver", c.Storage.Driver, "expected local or s3")
	}

	for key, u := range map[string]string{"n8n.chat_url": c.N8N.ChatURL, "n8n.ingest_url": c.N8N.IngestURL} {
		if u != "" && !validHTTPURL(u) {
			bad(key, u, "expected the webhook's http(s) URL, e.g. http://127.0.0.1:5678/webhook/counterpart-chat")
		}
	}
	if c.N8N.Timeout < time.Second || c.N8N.Timeout > 30*time.Minute {
		bad("n8n.timeout", c.N8N.Timeout, "expected a duration from 1s to 30m")
	}
	j := c.N8N.JWT
	if !slices.Contains(Algorithms, j.Algorithm) {
		bad("n8n.jwt.algorithm", j.Algorithm, "expected one of HS256, HS384, HS512, RS256, RS384, RS512, ES256, ES384, ES512, PS256, PS384, PS512")
	} else if j.Algorithm[:2] == "HS" {
		if c.N8N.Enabled() && len(j.Secret) < MinSecretLength {
			badSecret("n8n.jwt.secret", fmt.Sprintf("required with an n8n URL and algorithm %s: at least %d characters (install.sh generates one)", j.Algorithm, MinSecretLength))
		}
	} else if c.N8N.Enabled() {
		for key, file := range map[string]string{"n8n.jwt.private_key_file": j.PrivateKeyFile, "n8n.jwt.public_key_file": j.PublicKeyFile} {
			if file == "" {
				bad(key, file, "required with algorithm "+j.Algorithm+": a PEM key file")
			} else if _, err := os.Stat(file); err != nil {
				bad(key, file, "cannot read the key file: "+err.Error())
			}
		}
	}
	if j.TTL < 5*time.Second || j.TTL > 10*time.Minute {
		bad("n8n.jwt.ttl", j.TTL, "expected a duration from 5s to 10m (n8n accepts tokens until they expire, so keep it short)")
	}

	if c.SMTP.Port < 1 || c.SMTP.Port > 65535 {
		bad("smtp.port", c.SMTP.Port, "expected a port from 1 to 65535")
	}
	if c.SMTP.Host != "" {
		if _, err := mail.ParseAddress(c.SMTP.SenderAddress); err != nil {
			bad("smtp.sender_address", c.SMTP.SenderAddress, "expected an email address")
		}
	}

	if c.Backups.Cron != "" {
		if _, err := cron.ParseStandard(c.Backups.Cron); err != nil {
			bad("backups.cron", c.Backups.Cron, "expected a 5-field cron expression such as \"0 2 * * *\": "+err.Error())
		}
	}
	if c.Backups.Keep < 1 || c.Backups.Keep > 1000 {
		bad("backups.keep", c.Backups.Keep, "expected a number from 1 to 1000")
	}
	if c.Backups.S3 && c.Storage.Driver != "s3" {
		bad("backups.s3", c.Backups.S3, "needs storage.driver = s3 (backups go to the same bucket)")
	}

	if c.Jobs.Workers < 1 || c.Jobs.Workers > 32 {
		bad("jobs.workers", c.Jobs.Workers, "expected a number from 1 to 32")
	}
	if c.Jobs.MaxAttempts < 1 || c.Jobs.MaxAttempts > 100 {
		bad("jobs.max_attempts", c.Jobs.MaxAttempts, "expected a number from 1 to 100")
	}
	if c.Jobs.Backoff < 10*time.Millisecond || c.Jobs.Backoff > time.Hour {
		bad("jobs.backoff", c.Jobs.Backoff, "expected a duration from 10ms to 1h")
	}

	ch := c.Chat
	if ch.MaxMessageBytes < 100 || ch.MaxMessageBytes > 200_000 {
		bad("chat.max_message_bytes", ch.MaxMessageBytes, "expected a number of bytes from 100 to 200000")
	}
	if ch.MaxInflightPerUser < 1 || ch.MaxInflightPerUser > 1000 {
		bad("chat.max_inflight_per_user", ch.MaxInflightPerUser, "expected a number from 1 to 1000")
	}
	if ch.MaxInflightPerTenant < 1 || ch.MaxInflightPerTenant > 100_000 {
		bad("chat.max_inflight_per_tenant", ch.MaxInflightPerTenant, "expected a number from 1 to 100000")
	}
	if ch.HistoryTurns < 0 || ch.HistoryTurns > 50 {
		bad("chat.history_turns", ch.HistoryTurns, "expected a number from 0 to 50")
	}
	if ch.ConnectTimeout < 100*time.Millisecond || ch.ConnectTimeout > time.Minute {
		bad("chat.connect_timeout", ch.ConnectTimeout, "expected a duration from 100ms to 1m")
	}
	if ch.FirstByteTimeout < time.Second || ch.FirstByteTimeout > 30*time.Minute {
		bad("chat.first_byte_timeout", ch.FirstByteTimeout, "expected a duration from 1s to 30m (n8n.timeout still bounds the whole call)")
	}
	if ch.MaxReplyBytes < 64<<10 || ch.MaxReplyBytes > 256<<20 {
		bad("chat.max_reply_bytes", ch.MaxReplyBytes, "expected a number of bytes from 65536 (64 KiB) to 268435456 (256 MiB)")
	}
	return errors.Join(errs...)
}

func validPort(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && n > 0 && n < 65536
}

func validHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
