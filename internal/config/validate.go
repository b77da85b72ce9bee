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
	"strings"
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
	if c.Usage.RetentionDays < 0 || c.Usage.RetentionDays > 36_500 {
		bad("usage.retention_days", c.Usage.RetentionDays, "expected a number of days from 0 (keep forever) to 36500; the daily rollup is kept either way")
	}
	// hardening (hooks/security)
	if c.TLS.Enabled() {
		for key, file := range map[string]string{"tls.cert_file": c.TLS.CertFile, "tls.key_file": c.TLS.KeyFile} {
			if file == "" {
				bad(key, file, "tls.cert_file and tls.key_file go together: set both PEM files or neither")
			} else if _, err := os.Stat(file); err != nil {
				bad(key, file, "cannot read the file: "+err.Error())
			}
		}
	}
	for key, file := range map[string]string{"tls.key_file": c.TLS.KeyFile, "n8n.jwt.private_key_file": c.N8N.JWT.PrivateKeyFile} {
		if err := CheckSecretFile(file); err != nil {
			errs = append(errs, fmt.Errorf("config: %s: %w", key, err))
		}
	}
	l := c.Limits
	if l.MaxJSONBytes < 16<<10 || l.MaxJSONBytes > 64<<20 {
		bad("limits.max_json_bytes", l.MaxJSONBytes, "expected a number of bytes from 16384 (16 KiB) to 67108864 (64 MiB)")
	}
	if l.UploadsPerMinute < 1 || l.UploadsPerMinute > 100_000 {
		bad("limits.uploads_per_minute", l.UploadsPerMinute, "expected a number from 1 to 100000")
	}
	if l.ChatPerMinute < 1 || l.ChatPerMinute > 100_000 {
		bad("limits.chat_per_minute", l.ChatPerMinute, "expected a number from 1 to 100000")
	}
	if l.ReadHeaderTimeout < time.Second || l.ReadHeaderTimeout > 5*time.Minute {
		bad("limits.read_header_timeout", l.ReadHeaderTimeout, "expected a duration from 1s to 5m")
	}
	if l.IdleTimeout < time.Second || l.IdleTimeout > time.Hour {
		bad("limits.idle_timeout", l.IdleTimeout, "expected a duration from 1s to 1h")
	}

	// monitoring and alerts (hooks/monitoring, hooks/alerts)
	if tok := c.Monitoring.MetricsToken; tok != "" && (len(tok) < 16 || strings.ContainsAny(tok, " \t\r\n")) {
		badSecret("monitoring.metrics_token", "expected at least 16 characters without spaces (e.g. `openssl rand -hex 24`), or empty to serve metrics to loopback only")
	}
	a := c.Alerts
	for _, r := range a.Recipients {
		if _, err := mail.ParseAddress(r); err != nil {
			bad("alerts.recipients", r, "expected email addresses (a YAML list, or comma-separated in the environment)")
		}
	}
	if len(a.Recipients) > 0 && c.SMTP.Host == "" {
		bad("alerts.recipients", strings.Join(a.Recipients, ","), "alerts are mailed through SMTP: set smtp.host too")
	}
	if a.N8NFailureRate < 0 || a.N8NFailureRate > 1 {
		bad("alerts.n8n_failure_rate", a.N8NFailureRate, "expected a share from 0 (off) to 1, e.g. 0.2 for 20% of the calls")
	}
	if a.N8NWindow < time.Minute || a.N8NWindow > 6*time.Hour {
		bad("alerts.n8n_window", a.N8NWindow, "expected a duration from 1m to 6h")
	}
	if a.N8NMinCalls < 1 || a.N8NMinCalls > 1_000_000 {
		bad("alerts.n8n_min_calls", a.N8NMinCalls, "expected a number from 1 to 1000000")
	}
	if a.OutboxDepth < 0 || a.OutboxDepth > 100_000_000 {
		bad("alerts.outbox_depth", a.OutboxDepth, "expected a number of queued jobs, 0 (off) or more")
	}
	if a.OutboxAge != 0 && (a.OutboxAge < time.Minute || a.OutboxAge > 30*24*time.Hour) {
		bad("alerts.outbox_age", a.OutboxAge, "expected 0 (off) or a duration from 1m to 720h")
	}
	if a.MinFreeDiskMB < 0 {
		bad("alerts.min_free_disk_mb", a.MinFreeDiskMB, "expected a number of MiB, 0 (off) or more")
	}
	if a.MinFreeDiskPercent < 0 || a.MinFreeDiskPercent >= 100 {
		bad("alerts.min_free_disk_percent", a.MinFreeDiskPercent, "expected a percentage from 0 (off) to 99")
	}
	return errors.Join(errs...)
}

// CheckSecretFile reports an error when path, a file holding a secret (a
// private key, a config file with secrets), can be read by anyone but its
// owner, with the command that fixes it. An empty path or a missing file is
// not its concern (validation reports a missing file on its own).
func CheckSecretFile(path string) error {
	if path == "" {
		return nil
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return fmt.Errorf("%s holds a secret but has mode %04o (readable by other users of this machine): run `chmod 600 %s`", path, perm, path)
	}
	return nil
}

func validPort(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && n > 0 && n < 65536
}

func validHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
