// Package config loads Counterpart's configuration from a YAML file,
// COUNTERPART_* environment variables and command-line flags, and validates
// it in one place so that a bad value fails at start with the key, the value
// and what is expected.
package config

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"time"

	"github.com/go-viper/mapstructure/v2"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// EnvPrefix is the prefix of every environment variable Counterpart reads,
// e.g. COUNTERPART_N8N_JWT_SECRET for n8n.jwt.secret.
const EnvPrefix = "COUNTERPART"

// DefaultFile is the config file read when --config is not given and it exists.
const DefaultFile = "counterpart.yaml"

// Config is the whole typed configuration of the appliance.
type Config struct {
	// HTTP is the address the web server listens on.
	HTTP string `mapstructure:"http"`
	// DataDir holds the SQLite databases and, with the local store, the files.
	DataDir string `mapstructure:"data_dir"`
	// PublicURL is the address users reach the app at (links in mails, callbacks).
	PublicURL string `mapstructure:"public_url"`

	Auth    Auth    `mapstructure:"auth"`
	Storage Storage `mapstructure:"storage"`
	N8N     N8N     `mapstructure:"n8n"`
	SMTP    SMTP    `mapstructure:"smtp"`
	Backups Backups `mapstructure:"backups"`
	Jobs    Jobs    `mapstructure:"jobs"`
	Chat    Chat    `mapstructure:"chat"`
	Usage   Usage   `mapstructure:"usage"`

	// hardening (hooks/security): TLS, request limits
	TLS    TLS    `mapstructure:"tls"`
	Limits Limits `mapstructure:"limits"`

	// monitoring and alerts (hooks/monitoring, hooks/alerts)
	Monitoring Monitoring `mapstructure:"monitoring"`
	Alerts     Alerts     `mapstructure:"alerts"`

	// File is the config file that was read, empty when none was.
	File string `mapstructure:"-"`
}

// Auth configures sign-in for tenant users.
type Auth struct {
	// PasswordMinLength is the shortest password a user may set.
	PasswordMinLength int `mapstructure:"password_min_length"`
	// TokenTTL is how long a sign-in stays valid without a refresh.
	TokenTTL time.Duration `mapstructure:"token_ttl"`
	// RateLimit switches PocketBase's request rate limiter on.
	RateLimit bool `mapstructure:"rate_limit"`
	// MFA requires a second factor (an emailed one-time password) after the password.
	MFA bool `mapstructure:"mfa"`
	// OTP allows signing in with an emailed one-time password.
	OTP bool `mapstructure:"otp"`
}

// Storage selects and configures the document store.
type Storage struct {
	// Driver is "local" (files under the data dir) or "s3".
	Driver string  `mapstructure:"driver"`
	Local  LocalFS `mapstructure:"local"`
	S3     S3      `mapstructure:"s3"`
}

// LocalFS configures the embedded local-disk store.
type LocalFS struct {
	// Dir defaults to <data_dir>/storage.
	Dir string `mapstructure:"dir"`
}

// S3 configures an S3-compatible store such as MinIO or AWS S3.
type S3 struct {
	Endpoint     string `mapstructure:"endpoint"`
	Bucket       string `mapstructure:"bucket"`
	Region       string `mapstructure:"region"`
	AccessKey    string `mapstructure:"access_key"`
	SecretKey    string `mapstructure:"secret_key"`
	UseSSL       bool   `mapstructure:"use_ssl"`
	PathStyle    bool   `mapstructure:"path_style"`
	CreateBucket bool   `mapstructure:"create_bucket"`
}

// N8N configures the n8n webhooks that do the AI work.
type N8N struct {
	// ChatURL is the chat workflow's webhook; empty means retrieval-only answers.
	ChatURL string `mapstructure:"chat_url"`
	// IngestURL is the ingest workflow's webhook; empty means built-in processing.
	IngestURL string        `mapstructure:"ingest_url"`
	Timeout   time.Duration `mapstructure:"timeout"`
	JWT       JWT           `mapstructure:"jwt"`
}

// Enabled reports whether any n8n webhook is configured.
func (n N8N) Enabled() bool { return n.ChatURL != "" || n.IngestURL != "" }

// JWT configures the tokens exchanged with n8n.
type JWT struct {
	Algorithm      string        `mapstructure:"algorithm"`
	Secret         string        `mapstructure:"secret"`
	PrivateKeyFile string        `mapstructure:"private_key_file"`
	PublicKeyFile  string        `mapstructure:"public_key_file"`
	TTL            time.Duration `mapstructure:"ttl"`
}

// SMTP configures outgoing mail (invitations, password resets, reports).
type SMTP struct {
	Host          string `mapstructure:"host"`
	Port          int    `mapstructure:"port"`
	Username      string `mapstructure:"username"`
	Password      string `mapstructure:"password"`
	TLS           bool   `mapstructure:"tls"`
	SenderAddress string `mapstructure:"sender_address"`
	SenderName    string `mapstructure:"sender_name"`
}

// Enabled reports whether mail is sent through SMTP.
func (s SMTP) Enabled() bool { return s.Host != "" }

// Backups configures scheduled database backups.
type Backups struct {
	// Cron is a 5-field cron expression; empty disables scheduled backups.
	Cron string `mapstructure:"cron"`
	// Keep is how many scheduled backups are kept.
	Keep int `mapstructure:"keep"`
	// S3 stores backups in the S3 bucket of storage.s3 instead of the data dir.
	S3 bool `mapstructure:"s3"`
}

// Jobs configures the background work queue (document processing, file deletion).
type Jobs struct {
	// Workers is how many jobs run at once.
	Workers int `mapstructure:"workers"`
	// MaxAttempts is how often a job is tried before it fails for good.
	MaxAttempts int `mapstructure:"max_attempts"`
	// Backoff is the first retry's delay; later ones double, with jitter, up to 10 minutes.
	Backoff time.Duration `mapstructure:"backoff"`
}

// Usage configures usage tracking (hooks/usage).
type Usage struct {
	// RetentionDays is how long raw usage events are kept once rolled up into
	// the daily tables; 0 keeps them forever.
	RetentionDays int `mapstructure:"retention_days"`
}

// TLS makes the server speak HTTPS with a provided certificate. (PocketBase's
// automatic Let's Encrypt certificates stay available through `serve --https`.)
type TLS struct {
	// CertFile is the PEM certificate chain; KeyFile its private key (mode 0600).
	CertFile string `mapstructure:"cert_file"`
	KeyFile  string `mapstructure:"key_file"`
}

// Enabled reports whether a certificate is configured.
func (t TLS) Enabled() bool { return t.CertFile != "" || t.KeyFile != "" }

// Limits bound what one client can make the server do: request sizes, request
// rates on the expensive routes, and how long a slow client may hold a connection.
type Limits struct {
	// MaxJSONBytes is the largest request body of every route that takes no
	// file (file bodies go to the store's presigned PUT URL, or to PocketBase's
	// own file fields and backup upload with their own limits).
	MaxJSONBytes int64 `mapstructure:"max_json_bytes"`
	// UploadsPerMinute is how many uploads one client may start a minute.
	UploadsPerMinute int `mapstructure:"uploads_per_minute"`
	// ChatPerMinute is how many chat requests (questions, retries, stops, feedback) one client may send a minute.
	ChatPerMinute int `mapstructure:"chat_per_minute"`
	// ReadHeaderTimeout is how long a client may take to send a request's headers.
	ReadHeaderTimeout time.Duration `mapstructure:"read_header_timeout"`
	// IdleTimeout is how long an idle keep-alive connection is kept open.
	IdleTimeout time.Duration `mapstructure:"idle_timeout"`
}

// Monitoring configures the metrics endpoint and the deep health check (hooks/monitoring).
type Monitoring struct {
	// MetricsToken, when set, is required as `Authorization: Bearer <token>` by
	// /api/metrics and /api/health/deep from any address; when empty, both
	// answer only clients on this machine (loopback, not through a proxy).
	MetricsToken string `mapstructure:"metrics_token"`
}

// Alerts configures the mails to IT when the appliance is in trouble (hooks/alerts).
// A threshold of 0 switches its condition off.
type Alerts struct {
	// Recipients are the addresses alerts are mailed to; none means no alert mails.
	Recipients []string `mapstructure:"recipients"`
	// N8NFailureRate is the share of failed n8n calls (0–1) over N8NWindow that raises an alert.
	N8NFailureRate float64 `mapstructure:"n8n_failure_rate"`
	// N8NWindow is the span the failure rate is computed over.
	N8NWindow time.Duration `mapstructure:"n8n_window"`
	// N8NMinCalls is how many calls the window must hold before a rate counts.
	N8NMinCalls int `mapstructure:"n8n_min_calls"`
	// OutboxDepth is the number of queued jobs that raises an alert.
	OutboxDepth int `mapstructure:"outbox_depth"`
	// OutboxAge is how long the oldest due job may wait before an alert.
	OutboxAge time.Duration `mapstructure:"outbox_age"`
	// MinFreeDiskMB is the free space on the data dir's file system, in MiB, below which an alert goes out.
	MinFreeDiskMB int `mapstructure:"min_free_disk_mb"`
	// MinFreeDiskPercent is the same as a share of the file system's size.
	MinFreeDiskPercent float64 `mapstructure:"min_free_disk_percent"`
}

// Chat configures the chat gateway: limits and the timeouts of its n8n calls.
type Chat struct {
	// MaxMessageBytes is the longest question, in bytes of UTF-8.
	MaxMessageBytes int `mapstructure:"max_message_bytes"`
	// MaxInflightPerUser is how many answers one user may have generating at once.
	MaxInflightPerUser int `mapstructure:"max_inflight_per_user"`
	// MaxInflightPerTenant is how many answers one tenant may have generating at once.
	MaxInflightPerTenant int `mapstructure:"max_inflight_per_tenant"`
	// HistoryTurns is how many earlier question/answer pairs are sent to n8n.
	HistoryTurns int `mapstructure:"history_turns"`
	// ConnectTimeout bounds connecting to n8n.
	ConnectTimeout time.Duration `mapstructure:"connect_timeout"`
	// FirstByteTimeout bounds the wait for the first byte of n8n's reply (n8n.timeout bounds the whole call).
	FirstByteTimeout time.Duration `mapstructure:"first_byte_timeout"`
	// MaxReplyBytes is the largest reply body read from n8n.
	MaxReplyBytes int64 `mapstructure:"max_reply_bytes"`
	// FallbackToSearch answers with search results instead of failing when n8n cannot answer.
	FallbackToSearch bool `mapstructure:"fallback_to_search"`
}

// defaults lists every key with the value that serves a single machine.
var defaults = map[string]any{
	"http":                     "127.0.0.1:8090",
	"data_dir":                 "./pb_data",
	"public_url":               "",
	"auth.password_min_length": 10,
	"auth.token_ttl":           "72h",
	"auth.rate_limit":          true,
	"auth.mfa":                 false,
	"auth.otp":                 false,
	"storage.driver":           "local",
	"storage.local.dir":        "",
	"storage.s3.endpoint":      "",
	"storage.s3.bucket":        "",
	"storage.s3.region":        "us-east-1",
	"storage.s3.access_key":    "",
	"storage.s3.secret_key":    "",
	"storage.s3.use_ssl":       true,
	"storage.s3.path_style":    false,
	"storage.s3.create_bucket": false,
	"n8n.chat_url":             "",
	"n8n.ingest_url":           "",
	"n8n.timeout":              "120s",
	"n8n.jwt.algorithm":        "HS256",
	"n8n.jwt.secret":           "",
	"n8n.jwt.private_key_file": "",
	"n8n.jwt.public_key_file":  "",
	"n8n.jwt.ttl":              "60s",
	"smtp.host":                "",
	"smtp.port":                587,
	"smtp.username":            "",
	"smtp.password":            "",
	"smtp.tls":                 false,
	"smtp.sender_address":      "no-reply@counterpart.local",
	"smtp.sender_name":         "Counterpart",
	"backups.cron":             "",
	"backups.keep":             7,
	"backups.s3":               false,
	"jobs.workers":             2,
	"jobs.max_attempts":        5,
	"jobs.backoff":             "10s",

	// the chat gateway (hooks/chat)
	"chat.max_message_bytes":       16384,
	"chat.max_inflight_per_user":   2,
	"chat.max_inflight_per_tenant": 20,
	"chat.history_turns":           6,
	"chat.connect_timeout":         "5s",
	"chat.first_byte_timeout":      "60s",
	"chat.max_reply_bytes":         4 << 20,
	"chat.fallback_to_search":      false,

	// usage tracking (hooks/usage)
	"usage.retention_days": 400,

	// hardening (hooks/security)
	"tls.cert_file":              "",
	"tls.key_file":               "",
	"limits.max_json_bytes":      1 << 20,
	"limits.uploads_per_minute":  60,
	"limits.chat_per_minute":     30,
	"limits.read_header_timeout": "10s",
	"limits.idle_timeout":        "2m",

	// monitoring and alerts (hooks/monitoring, hooks/alerts)
	"monitoring.metrics_token":     "",
	"alerts.recipients":            []string{},
	"alerts.n8n_failure_rate":      0.2,
	"alerts.n8n_window":            "15m",
	"alerts.n8n_min_calls":         10,
	"alerts.outbox_depth":          500,
	"alerts.outbox_age":            "30m",
	"alerts.min_free_disk_mb":      1024,
	"alerts.min_free_disk_percent": 5,
}

// Keys returns every configuration key, sorted.
func Keys() []string {
	keys := make([]string, 0, len(defaults))
	for k := range defaults {
		keys = append(keys, k)
	}
	sortStrings(keys)
	return keys
}

// flagKeys maps the command-line flags Counterpart understands to their keys.
// --dir and --http are PocketBase's own flags, read here too so that both agree.
var flagKeys = map[string]string{
	"dir":        "data_dir",
	"http":       "http",
	"public-url": "public_url",
}

// Load reads the configuration from args (os.Args[1:]), the environment and
// the config file, and validates it. Flags that are not Counterpart's are ignored.
func Load(args []string) (*Config, error) {
	fs := pflag.NewFlagSet("counterpart", pflag.ContinueOnError)
	fs.ParseErrorsAllowlist.UnknownFlags = true
	fs.Usage = func() {}
	fs.SetOutput(discard{})
	configFile := fs.String("config", "", "")
	for name := range flagKeys {
		fs.String(name, "", "")
	}
	// help flags belong to the CLI; a parse error here is reported by the CLI itself
	_ = fs.Parse(withoutHelp(args))

	v := viper.New()
	for k, val := range defaults {
		v.SetDefault(k, val)
	}
	v.SetEnvPrefix(EnvPrefix)
	v.SetEnvKeyReplacer(strings.NewReplacer(".", "_"))
	v.AutomaticEnv()

	file := *configFile
	if file == "" {
		file = os.Getenv(EnvPrefix + "_CONFIG")
	}
	if file == "" {
		if _, err := os.Stat(DefaultFile); err == nil {
			file = DefaultFile
		}
	}
	if file != "" {
		v.SetConfigFile(file)
		v.SetConfigType("yaml")
		if err := v.ReadInConfig(); err != nil {
			return nil, fmt.Errorf("config file %s: %w", file, err)
		}
		if err := checkUnknownKeys(v.AllSettings(), ""); err != nil {
			return nil, fmt.Errorf("config file %s: %w", file, err)
		}
		if err := checkSecretsInFile(v, file); err != nil {
			return nil, err
		}
	}
	for name, key := range flagKeys {
		if f := fs.Lookup(name); f != nil && f.Changed {
			v.Set(key, f.Value.String())
		}
	}

	cfg, err := decode(v)
	if err != nil {
		return nil, err
	}
	cfg.File = file
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// Defaults returns the configuration made of the built-in defaults alone.
func Defaults() *Config {
	v := viper.New()
	for k, val := range defaults {
		v.SetDefault(k, val)
	}
	cfg, err := decode(v)
	if err != nil {
		panic(err) // the defaults are constants: a failure is a programming error
	}
	return cfg
}

func decode(v *viper.Viper) (*Config, error) {
	cfg := &Config{}
	err := v.Unmarshal(cfg, func(dc *mapstructure.DecoderConfig) {
		dc.DecodeHook = mapstructure.ComposeDecodeHookFunc(
			mapstructure.StringToTimeDurationHookFunc(),
			commaList,
		)
		dc.WeaklyTypedInput = true
	})
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return cfg, nil
}

// checkUnknownKeys reports keys in the file that Counterpart does not know, so a typo fails loudly.
func checkUnknownKeys(settings map[string]any, prefix string) error {
	var errs []error
	for k, val := range settings {
		key := prefix + k
		if sub, ok := val.(map[string]any); ok {
			if _, leaf := defaults[key]; !leaf {
				if err := checkUnknownKeys(sub, key+"."); err != nil {
					errs = append(errs, err)
				}
				continue
			}
		}
		if _, ok := defaults[key]; !ok {
			errs = append(errs, fmt.Errorf("%s: unknown key (known keys: see `counterpart config check`)", key))
		}
	}
	return errors.Join(errs...)
}

// checkSecretsInFile refuses a config file that holds a secret but can be
// read by other users of the machine: the secret would be theirs too.
func checkSecretsInFile(v *viper.Viper, file string) error {
	var held []string
	for _, k := range sortedSecretKeys() {
		if v.InConfig(k) && v.GetString(k) != "" {
			held = append(held, k)
		}
	}
	if len(held) == 0 {
		return nil
	}
	if err := CheckSecretFile(file); err != nil {
		return fmt.Errorf("config file %s (with %s): %w, or move the secrets to environment variables such as %s_N8N_JWT_SECRET",
			file, strings.Join(held, ", "), err, EnvPrefix)
	}
	return nil
}

// commaList decodes a string into a list by splitting it at commas, so that a
// list can come from an environment variable (COUNTERPART_ALERTS_RECIPIENTS="a@x, b@y").
func commaList(from, to reflect.Type, data any) (any, error) {
	if from.Kind() != reflect.String || to.Kind() != reflect.Slice || to.Elem().Kind() != reflect.String {
		return data, nil
	}
	out := []string{}
	for part := range strings.SplitSeq(data.(string), ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out, nil
}

func withoutHelp(args []string) []string {
	out := make([]string, 0, len(args))
	for _, a := range args {
		if a == "-h" || a == "--help" {
			continue
		}
		out = append(out, a)
	}
	return out
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
