// Package doctor checks an installation the way IT would by hand: the
// configuration, file permissions, secret strength, the TLS certificate, the
// document store, n8n, SMTP, backups and disk space. Each finding is OK, WARN
// or FAIL with a one-line fix; `counterpart doctor` prints them and exits
// non-zero when anything FAILs. Checks only look: no mail is sent, no
// workflow is triggered, nothing is written except a probe file that is
// removed at once.
package doctor

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"net"
	"net/smtp"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/robfig/cron/v3"

	"counterpart/internal/blob"
	"counterpart/internal/config"
)

// Status is a finding's verdict.
type Status string

// Verdicts, from good to bad.
const (
	OK   Status = "OK"
	Warn Status = "WARN"
	Fail Status = "FAIL"
)

// Finding is one checked fact.
type Finding struct {
	// Check names the area, e.g. "tls" or "backups".
	Check  string
	Status Status
	// Message says what was found.
	Message string
	// Fix says what to do about a WARN or FAIL, in one line.
	Fix string
}

// Env is what the checks look at besides the configuration; tests replace
// the clock, the network and the disk.
type Env struct {
	// DataDir is the data directory actually used (the --dir flag included).
	DataDir string
	// Now is the clock that certificate and backup ages are judged by. Network
	// deadlines never use it: they run on the real clock, so that a test
	// that pins Now to a date still gets a working connection.
	Now func() time.Time
	// Dial opens network connections (n8n, SMTP).
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// DiskFree returns the free and total bytes of the file system of path.
	DiskFree func(path string) (free, total uint64, err error)
	// Timeout bounds each network check.
	Timeout time.Duration
}

// DefaultEnv is the real machine.
func DefaultEnv(dataDir string) Env {
	d := &net.Dialer{}
	return Env{DataDir: dataDir, Now: time.Now, Dial: d.DialContext, DiskFree: diskFree, Timeout: 5 * time.Second}
}

// Run performs every check and returns the findings in a stable order.
func Run(ctx context.Context, cfg *config.Config, env Env) []Finding {
	var out []Finding
	for _, check := range []func(context.Context, *config.Config, Env) []Finding{
		checkConfig, checkPermissions, checkSecrets, checkTLS, checkStore, checkN8N, checkSMTP, checkBackups, checkDisk,
	} {
		out = append(out, check(ctx, cfg, env)...)
	}
	return out
}

// Failed reports whether any finding FAILed.
func Failed(findings []Finding) bool {
	return slices.ContainsFunc(findings, func(f Finding) bool { return f.Status == Fail })
}

// Print writes one line per finding, its fix on the next, and a summary.
func Print(w io.Writer, findings []Finding) {
	counts := map[Status]int{}
	for _, f := range findings {
		counts[f.Status]++
		fmt.Fprintf(w, "%-4s  %-11s %s\n", f.Status, f.Check, f.Message)
		if f.Fix != "" && f.Status != OK {
			fmt.Fprintf(w, "      %-11s fix: %s\n", "", f.Fix)
		}
	}
	fmt.Fprintf(w, "\n%d OK, %d WARN, %d FAIL\n", counts[OK], counts[Warn], counts[Fail])
}

func ok(check, format string, args ...any) Finding {
	return Finding{Check: check, Status: OK, Message: fmt.Sprintf(format, args...)}
}

func warn(check, fix, format string, args ...any) Finding {
	return Finding{Check: check, Status: Warn, Message: fmt.Sprintf(format, args...), Fix: fix}
}

func fail(check, fix, format string, args ...any) Finding {
	return Finding{Check: check, Status: Fail, Message: fmt.Sprintf(format, args...), Fix: fix}
}

func checkConfig(_ context.Context, cfg *config.Config, _ Env) []Finding {
	// the loader refused an invalid configuration before the doctor ran
	if err := cfg.Validate(); err != nil {
		return []Finding{fail("config", "correct the keys named above in "+orDefault(cfg.File, "counterpart.yaml"), "invalid: %v", err)}
	}
	var out []Finding
	if cfg.File == "" {
		out = append(out, warn("config", "write /etc/counterpart/counterpart.yaml (install.sh does) and pass --config",
			"no config file was read: built-in defaults and COUNTERPART_* variables only"))
	} else {
		out = append(out, ok("config", "%s is valid", cfg.File))
	}
	if cfg.PublicURL == "" {
		out = append(out, warn("config", "set public_url to the address staff type, e.g. https://parts.example.com",
			"public_url is not set: mail links and CORS use http://%s", cfg.HTTP))
	}
	return out
}

func checkPermissions(_ context.Context, cfg *config.Config, env Env) []Finding {
	var out []Finding
	fi, err := os.Stat(env.DataDir)
	switch {
	case err != nil:
		out = append(out, fail("permissions", "create it for the service user: install -d -m 0750 -o counterpart "+env.DataDir, "data dir %s: %v", env.DataDir, err))
	case fi.Mode().Perm()&0o007 != 0:
		out = append(out, fail("permissions", "chmod 750 "+env.DataDir, "data dir %s has mode %04o: other users of this machine can read the database", env.DataDir, fi.Mode().Perm()))
	default:
		out = append(out, ok("permissions", "data dir %s has mode %04o", env.DataDir, fi.Mode().Perm()))
	}
	secrets := map[string]string{"storage key": filepath.Join(env.DataDir, "storage.key")}
	if cfg.File != "" {
		secrets["config file"] = cfg.File
	}
	if cfg.N8N.JWT.PrivateKeyFile != "" {
		secrets["n8n private key"] = cfg.N8N.JWT.PrivateKeyFile
	}
	if cfg.TLS.KeyFile != "" {
		secrets["TLS key"] = cfg.TLS.KeyFile
	}
	for _, what := range sortedKeys(secrets) {
		path := secrets[what]
		fi, err := os.Stat(path)
		switch {
		case errors.Is(err, fs.ErrNotExist) && what == "storage key":
			// made at the first start of the local store
		case err != nil:
			out = append(out, fail("permissions", "check the path in the configuration", "%s %s: %v", what, path, err))
		case fi.Mode().Perm()&0o077 != 0:
			out = append(out, fail("permissions", "chmod 600 "+path, "%s %s has mode %04o: readable by other users", what, path, fi.Mode().Perm()))
		default:
			out = append(out, ok("permissions", "%s %s has mode %04o", what, path, fi.Mode().Perm()))
		}
	}
	return out
}

// MinSecretBits is the entropy below which an HMAC secret is guessable offline
// from one captured token.
const MinSecretBits = 128

func checkSecrets(_ context.Context, cfg *config.Config, _ Env) []Finding {
	j := cfg.N8N.JWT
	if !strings.HasPrefix(j.Algorithm, "HS") {
		return []Finding{ok("secrets", "n8n tokens use %s with a key pair", j.Algorithm)}
	}
	if j.Secret == "" {
		if cfg.N8N.Enabled() {
			return []Finding{fail("secrets", "set n8n.jwt.secret (openssl rand -base64 48)", "n8n.jwt.secret is empty")}
		}
		return []Finding{ok("secrets", "n8n.jwt.secret not set (no n8n configured)")}
	}
	bits := EstimateEntropyBits(j.Secret)
	switch {
	case len(j.Secret) < config.MinSecretLength:
		return []Finding{fail("secrets", "use a generated secret: openssl rand -base64 48 (and the same in n8n's JWT credential)",
			"n8n.jwt.secret has %d characters, fewer than %d", len(j.Secret), config.MinSecretLength)}
	case bits < MinSecretBits:
		return []Finding{fail("secrets", "use a generated secret: openssl rand -base64 48 (and the same in n8n's JWT credential)",
			"n8n.jwt.secret looks guessable: about %.0f bits of entropy, want at least %d", bits, MinSecretBits)}
	}
	return []Finding{ok("secrets", "n8n.jwt.secret: %d characters, about %.0f bits of entropy", len(j.Secret), bits)}
}

// EstimateEntropyBits is a conservative estimate of a secret's entropy: its
// length times the Shannon entropy of its characters, less for long runs and
// repeated patterns. A generated base64 secret of 48 bytes scores well over
// 200; "password1234…" repeated scores low.
func EstimateEntropyBits(s string) float64 {
	if s == "" {
		return 0
	}
	counts := map[rune]int{}
	n := 0
	for _, r := range s {
		counts[r]++
		n++
	}
	var h float64
	for _, c := range counts {
		p := float64(c) / float64(n)
		h -= p * math.Log2(p)
	}
	// a secret made of a repeated block carries only the block's entropy
	eff := n
	for period := 1; period <= n/2; period++ {
		if n%period == 0 && strings.Repeat(s[:period], n/period) == s {
			eff = period
			break
		}
	}
	return h * float64(eff)
}

func checkTLS(_ context.Context, cfg *config.Config, env Env) []Finding {
	pub, _ := url.Parse(cfg.PublicURL)
	if !cfg.TLS.Enabled() {
		switch {
		case pub != nil && pub.Scheme == "https":
			return []Finding{ok("tls", "public_url is https and tls.cert_file is not set: a reverse proxy or `serve --https` terminates TLS")}
		case isLoopback(cfg.HTTP):
			return []Finding{ok("tls", "not served over TLS, on loopback only (%s)", cfg.HTTP)}
		}
		return []Finding{warn("tls", "set tls.cert_file and tls.key_file, or run `counterpart serve --https 0.0.0.0:443 <domain>`, and make public_url https://…",
			"served over plain HTTP on %s: passwords and documents cross the network unencrypted", cfg.HTTP)}
	}
	pair, err := tls.LoadX509KeyPair(cfg.TLS.CertFile, cfg.TLS.KeyFile)
	if err != nil {
		return []Finding{fail("tls", "point tls.cert_file at the PEM chain and tls.key_file at its key", "cannot load the certificate: %v", err)}
	}
	leaf, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		return []Finding{fail("tls", "replace the certificate", "cannot parse the certificate: %v", err)}
	}
	var out []Finding
	left := leaf.NotAfter.Sub(env.Now())
	switch {
	case left <= 0:
		out = append(out, fail("tls", "renew the certificate and replace "+cfg.TLS.CertFile+" (picked up within a minute, no restart)",
			"the certificate expired on %s", leaf.NotAfter.Format("2006-01-02")))
	case left < 14*24*time.Hour:
		out = append(out, warn("tls", "renew the certificate soon and replace "+cfg.TLS.CertFile,
			"the certificate expires on %s (in %d days)", leaf.NotAfter.Format("2006-01-02"), int(left.Hours()/24)))
	default:
		out = append(out, ok("tls", "certificate valid until %s", leaf.NotAfter.Format("2006-01-02")))
	}
	if pub == nil || pub.Hostname() == "" {
		out = append(out, warn("tls", "set public_url to https://<the certificate's name>", "public_url is not set: cannot check the certificate's name"))
	} else if err := leaf.VerifyHostname(pub.Hostname()); err != nil {
		out = append(out, fail("tls", "get a certificate for "+pub.Hostname()+" or correct public_url",
			"the certificate does not cover %s (it names %s)", pub.Hostname(), strings.Join(append(leaf.DNSNames, ipStrings(leaf.IPAddresses)...), ", ")))
	} else {
		out = append(out, ok("tls", "the certificate covers %s", pub.Hostname()))
		if pub.Scheme != "https" {
			out = append(out, warn("tls", "change public_url to https://"+pub.Host, "public_url is %s, but the server speaks HTTPS", cfg.PublicURL))
		}
	}
	return out
}

func checkStore(ctx context.Context, cfg *config.Config, env Env) []Finding {
	if cfg.Storage.Driver == "s3" {
		s := cfg.Storage.S3
		ctx, cancel := context.WithTimeout(ctx, env.Timeout)
		defer cancel()
		store, err := blob.NewS3(ctx, blob.S3Config{Endpoint: s.Endpoint, Bucket: s.Bucket, Region: s.Region,
			AccessKey: s.AccessKey, SecretKey: s.SecretKey, UseSSL: s.UseSSL, PathStyle: s.PathStyle})
		if err != nil {
			return []Finding{fail("store", "check storage.s3.* (endpoint, bucket, keys) and that the S3 server is up", "S3: %v", err)}
		}
		_ = store
		return []Finding{ok("store", "S3 bucket %s reachable at %s", s.Bucket, s.Endpoint)}
	}
	dir := cfg.Storage.Local.Dir
	if dir == "" {
		dir = filepath.Join(env.DataDir, "storage")
	}
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return []Finding{ok("store", "local store %s will be created at the first start", dir)}
	}
	f, err := os.CreateTemp(dir, ".doctor-*")
	if err != nil {
		return []Finding{fail("store", "give the service user write access: chown -R counterpart "+dir, "local store %s is not writable: %v", dir, err)}
	}
	f.Close()
	os.Remove(f.Name())
	return []Finding{ok("store", "local store %s is writable", dir)}
}

func checkN8N(ctx context.Context, cfg *config.Config, env Env) []Finding {
	var out []Finding
	for _, hook := range []struct{ key, url string }{{"n8n.chat_url", cfg.N8N.ChatURL}, {"n8n.ingest_url", cfg.N8N.IngestURL}} {
		if hook.url == "" {
			continue
		}
		u, err := url.Parse(hook.url)
		if err != nil {
			out = append(out, fail("n8n", "correct "+hook.key, "%s: %v", hook.key, err))
			continue
		}
		addr := hostPort(u)
		// a TCP connection only: a request would run the workflow
		c, err := dialTimeout(ctx, env, addr)
		if err != nil {
			out = append(out, fail("n8n", "start n8n (systemctl status n8n) or correct "+hook.key, "%s: cannot connect to %s: %v", hook.key, addr, err))
			continue
		}
		c.Close()
		out = append(out, ok("n8n", "%s: %s accepts connections", hook.key, addr))
	}
	if len(out) == 0 {
		out = append(out, ok("n8n", "no n8n configured: chat answers with search results, the built-in processor reads documents"))
	}
	return out
}

func checkSMTP(ctx context.Context, cfg *config.Config, env Env) []Finding {
	s := cfg.SMTP
	if !s.Enabled() {
		return []Finding{warn("smtp", "set smtp.host, smtp.port, smtp.username and smtp.password",
			"no SMTP server: invitations, password resets and reports cannot be mailed")}
	}
	addr := net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
	conn, err := dialTimeout(ctx, env, addr)
	if err != nil {
		return []Finding{fail("smtp", "check smtp.host and smtp.port and the firewall", "cannot connect to %s: %v", addr, err)}
	}
	_ = conn.SetDeadline(time.Now().Add(env.Timeout))
	if s.TLS { // implicit TLS (port 465)
		conn = tls.Client(conn, &tls.Config{ServerName: s.Host, MinVersion: tls.VersionTLS12})
	}
	c, err := smtp.NewClient(conn, s.Host)
	if err != nil {
		conn.Close()
		return []Finding{fail("smtp", "check that "+addr+" is an SMTP server (and smtp.tls for port 465)", "%s: no SMTP greeting: %v", addr, err)}
	}
	defer c.Close()
	if err := c.Hello("counterpart-doctor"); err != nil {
		return []Finding{fail("smtp", "check the mail server's logs", "%s: EHLO refused: %v", addr, err)}
	}
	secured := s.TLS
	if !s.TLS {
		if has, _ := c.Extension("STARTTLS"); has {
			if err := c.StartTLS(&tls.Config{ServerName: s.Host, MinVersion: tls.VersionTLS12}); err != nil {
				return []Finding{fail("smtp", "fix the mail server's certificate or use its proper host name in smtp.host", "%s: STARTTLS failed: %v", addr, err)}
			}
			secured = true
		}
	}
	_ = c.Quit()
	if !secured {
		return []Finding{warn("smtp", "enable STARTTLS on the mail server, or use port 465 with smtp.tls: true",
			"%s answers EHLO but offers no TLS: the password and mails cross the network in clear", addr)}
	}
	return []Finding{ok("smtp", "%s answers EHLO over TLS (no mail sent)", addr)}
}

func checkBackups(_ context.Context, cfg *config.Config, env Env) []Finding {
	if cfg.Backups.Cron == "" {
		return []Finding{warn("backups", `set backups.cron, e.g. "0 2 * * *" (every night at 2), and backups.keep`,
			"no scheduled backups")}
	}
	sched, err := cron.ParseStandard(cfg.Backups.Cron)
	if err != nil {
		return []Finding{fail("backups", "correct backups.cron", "backups.cron: %v", err)}
	}
	if cfg.Backups.S3 {
		return []Finding{ok("backups", "scheduled (%s) to the S3 bucket %s: check the bucket for recent backups-*.zip", cfg.Backups.Cron, cfg.Storage.S3.Bucket)}
	}
	dir := filepath.Join(env.DataDir, "backups")
	entries, _ := os.ReadDir(dir)
	var last time.Time
	var name string
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".zip") {
			continue
		}
		if fi, err := e.Info(); err == nil && fi.ModTime().After(last) {
			last, name = fi.ModTime(), e.Name()
		}
	}
	now := env.Now()
	first := sched.Next(now)
	interval := sched.Next(first).Sub(first)
	if name == "" {
		return []Finding{warn("backups", "run `counterpart backup create` now and check the logs at the next scheduled time",
			"scheduled (%s) but no backup in %s yet", cfg.Backups.Cron, dir)}
	}
	age := now.Sub(last)
	if age > 2*interval+time.Hour {
		return []Finding{fail("backups", "check the logs for backup errors (journalctl -u counterpart) and free disk space",
			"the last backup %s is %s old; backups are due every %s", name, roundAge(age), roundAge(interval))}
	}
	return []Finding{ok("backups", "last backup %s, %s ago (due every %s)", name, roundAge(age), roundAge(interval))}
}

// Disk space thresholds of the data dir's file system.
const (
	diskFailBytes = 1 << 30
	diskWarnBytes = 10 << 30
)

func checkDisk(_ context.Context, _ *config.Config, env Env) []Finding {
	free, total, err := env.DiskFree(env.DataDir)
	if err != nil {
		return []Finding{warn("disk", "check that the data dir exists", "cannot read free space of %s: %v", env.DataDir, err)}
	}
	pct := 100 * float64(free) / math.Max(float64(total), 1)
	msg := fmt.Sprintf("%s free of %s (%.0f%%) on the data dir's file system", gib(free), gib(total), pct)
	switch {
	case free < diskFailBytes || pct < 5:
		return []Finding{fail("disk", "free space or grow the disk: SQLite and backups stop when it is full", "%s", msg)}
	case free < diskWarnBytes || pct < 15:
		return []Finding{warn("disk", "plan more space: backups need about the size of the data dir each", "%s", msg)}
	}
	return []Finding{ok("disk", "%s", msg)}
}

func diskFree(path string) (free, total uint64, err error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(path, &st); err != nil {
		return 0, 0, err
	}
	return st.Bavail * uint64(st.Bsize), st.Blocks * uint64(st.Bsize), nil
}

func dialTimeout(ctx context.Context, env Env, addr string) (net.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, env.Timeout)
	defer cancel()
	return env.Dial(ctx, "tcp", addr)
}

func hostPort(u *url.URL) string {
	if u.Port() != "" {
		return u.Host
	}
	if u.Scheme == "https" {
		return net.JoinHostPort(u.Hostname(), "443")
	}
	return net.JoinHostPort(u.Hostname(), "80")
}

func isLoopback(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func ipStrings(ips []net.IP) []string {
	out := make([]string, len(ips))
	for i, ip := range ips {
		out[i] = ip.String()
	}
	return out
}

func gib(n uint64) string { return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30)) }

func roundAge(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%.0f days", d.Hours()/24)
	case d >= time.Hour:
		return fmt.Sprintf("%.0f h", d.Hours())
	}
	return d.Round(time.Minute).String()
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
