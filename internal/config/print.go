package config

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// secretKeys are never printed or logged; Redacted shows only whether they are set.
var secretKeys = map[string]bool{
	"storage.s3.secret_key": true,
	"n8n.jwt.secret":        true,
	"smtp.password":         true,
	// monitoring (hooks/monitoring)
	"monitoring.metrics_token": true,
}

// sortedSecretKeys lists the secret keys in a stable order for messages.
func sortedSecretKeys() []string {
	keys := make([]string, 0, len(secretKeys))
	for k := range secretKeys {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Redacted returns the effective configuration as key → value, with secrets
// replaced by "(set, redacted)" or "(not set)".
func (c *Config) Redacted() map[string]string {
	values := map[string]any{
		"http": c.HTTP, "data_dir": c.DataDir, "public_url": c.PublicURL,
		"auth.password_min_length": c.Auth.PasswordMinLength, "auth.token_ttl": c.Auth.TokenTTL,
		"auth.rate_limit": c.Auth.RateLimit, "auth.mfa": c.Auth.MFA, "auth.otp": c.Auth.OTP,
		"storage.driver": c.Storage.Driver, "storage.local.dir": c.Storage.Local.Dir,
		"storage.s3.endpoint": c.Storage.S3.Endpoint, "storage.s3.bucket": c.Storage.S3.Bucket,
		"storage.s3.region": c.Storage.S3.Region, "storage.s3.access_key": c.Storage.S3.AccessKey,
		"storage.s3.secret_key": c.Storage.S3.SecretKey, "storage.s3.use_ssl": c.Storage.S3.UseSSL,
		"storage.s3.path_style": c.Storage.S3.PathStyle, "storage.s3.create_bucket": c.Storage.S3.CreateBucket,
		"n8n.chat_url": c.N8N.ChatURL, "n8n.ingest_url": c.N8N.IngestURL, "n8n.timeout": c.N8N.Timeout,
		"n8n.jwt.algorithm": c.N8N.JWT.Algorithm, "n8n.jwt.secret": c.N8N.JWT.Secret,
		"n8n.jwt.private_key_file": c.N8N.JWT.PrivateKeyFile, "n8n.jwt.public_key_file": c.N8N.JWT.PublicKeyFile,
		"n8n.jwt.ttl": c.N8N.JWT.TTL,
		"smtp.host":   c.SMTP.Host, "smtp.port": c.SMTP.Port, "smtp.username": c.SMTP.Username,
		"smtp.password": c.SMTP.Password, "smtp.tls": c.SMTP.TLS,
		"smtp.sender_address": c.SMTP.SenderAddress, "smtp.sender_name": c.SMTP.SenderName,
		"backups.cron": c.Backups.Cron, "backups.keep": c.Backups.Keep, "backups.s3": c.Backups.S3,
		"jobs.workers": c.Jobs.Workers, "jobs.max_attempts": c.Jobs.MaxAttempts, "jobs.backoff": c.Jobs.Backoff,
		"chat.max_message_bytes": c.Chat.MaxMessageBytes, "chat.max_inflight_per_user": c.Chat.MaxInflightPerUser,
		"chat.max_inflight_per_tenant": c.Chat.MaxInflightPerTenant, "chat.history_turns": c.Chat.HistoryTurns,
		"chat.connect_timeout": c.Chat.ConnectTimeout, "chat.first_byte_timeout": c.Chat.FirstByteTimeout,
		"chat.max_reply_bytes": c.Chat.MaxReplyBytes, "chat.fallback_to_search": c.Chat.FallbackToSearch, "usage.retention_days": c.Usage.RetentionDays,
		"tls.cert_file": c.TLS.CertFile, "tls.key_file": c.TLS.KeyFile,
		"limits.max_json_bytes": c.Limits.MaxJSONBytes, "limits.uploads_per_minute": c.Limits.UploadsPerMinute,
		"limits.chat_per_minute": c.Limits.ChatPerMinute, "limits.read_header_timeout": c.Limits.ReadHeaderTimeout,
		"limits.idle_timeout": c.Limits.IdleTimeout,
		// monitoring and alerts (hooks/monitoring, hooks/alerts)
		"monitoring.metrics_token": c.Monitoring.MetricsToken,
		"alerts.recipients":        strings.Join(c.Alerts.Recipients, ", "),
		"alerts.n8n_failure_rate":  c.Alerts.N8NFailureRate, "alerts.n8n_window": c.Alerts.N8NWindow,
		"alerts.n8n_min_calls": c.Alerts.N8NMinCalls, "alerts.outbox_depth": c.Alerts.OutboxDepth,
		"alerts.outbox_age": c.Alerts.OutboxAge, "alerts.min_free_disk_mb": c.Alerts.MinFreeDiskMB,
		"alerts.min_free_disk_percent": c.Alerts.MinFreeDiskPercent,
	}
	out := make(map[string]string, len(values))
	for k, val := range values {
		switch {
		case secretKeys[k] && fmt.Sprint(val) == "":
			out[k] = "(not set)"
		case secretKeys[k]:
			out[k] = "(set, redacted)"
		default:
			if d, ok := val.(time.Duration); ok {
				out[k] = d.String()
			} else {
				out[k] = fmt.Sprint(val)
			}
		}
	}
	return out
}

// Print writes the effective configuration, one `key: value` a line, secrets redacted.
func (c *Config) Print(w io.Writer) error {
	r := c.Redacted()
	keys := make([]string, 0, len(r))
	for k := range r {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	source := c.File
	if source == "" {
		source = "(none: defaults, environment and flags)"
	}
	if _, err := fmt.Fprintf(w, "# config file: %s\n", source); err != nil {
		return err
	}
	for _, k := range keys {
		if _, err := fmt.Fprintf(w, "%s: %s\n", k, strings.TrimSpace(r[k])); err != nil {
			return err
		}
	}
	return nil
}

func sortStrings(s []string) { sort.Strings(s) }
