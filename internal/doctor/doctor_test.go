package doctor

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"counterpart/internal/config"
	"counterpart/internal/mailtest"
)

var now = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

// cert writes a certificate for names valid until notAfter, and its key (0600).
func cert(t *testing.T, notAfter time.Time, names ...string) (certFile, keyFile string) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: names[0]},
		NotBefore: notAfter.Add(-365 * 24 * time.Hour), NotAfter: notAfter, DNSNames: names}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalPKCS8PrivateKey(key)
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kb}), 0o600)
	return certFile, keyFile
}

// closedPort is a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close()
	return addr
}

func listening(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	return l.Addr().String()
}

func TestChecks(t *testing.T) {
	smtpServer := mailtest.Start(t)
	n8nAddr := listening(t)
	deadAddr := closedPort(t)
	cases := []struct {
		name  string
		check func(context.Context, *config.Config, Env) []Finding
		setup func(t *testing.T, cfg *config.Config, env *Env)
		want  Status
		says  string // a part of the message
	}{
		{"generated secret", checkSecrets, func(t *testing.T, c *config.Config, _ *Env) {
			c.N8N.ChatURL, c.N8N.JWT.Secret = "http://"+n8nAddr+"/webhook/chat", "q3N0x_Yk2P9fV7hLmB4cT1wZs8RjD6eGaU5iKoHnQ2yXr0Ev"
		}, OK, "bits"},
		{"short secret", checkSecrets, func(t *testing.T, c *config.Config, _ *Env) { c.N8N.JWT.Secret = "short" }, Fail, "fewer than"},
		{"repeated secret", checkSecrets, func(t *testing.T, c *config.Config, _ *Env) { c.N8N.JWT.Secret = strings.Repeat("abcd", 10) }, Fail, "guessable"},
		{"one-letter secret", checkSecrets, func(t *testing.T, c *config.Config, _ *Env) { c.N8N.JWT.Secret = strings.Repeat("a", 40) }, Fail, "guessable"},
		{"key pair", checkSecrets, func(t *testing.T, c *config.Config, _ *Env) { c.N8N.JWT.Algorithm = "RS256" }, OK, "key pair"},

		{"private data dir", checkPermissions, func(t *testing.T, c *config.Config, e *Env) { os.Chmod(e.DataDir, 0o750) }, OK, "0750"},
		{"world-readable data dir", checkPermissions, func(t *testing.T, c *config.Config, e *Env) { os.Chmod(e.DataDir, 0o755) }, Fail, "other users of this machine"},
		{"open storage key", checkPermissions, func(t *testing.T, c *config.Config, e *Env) {
			os.Chmod(e.DataDir, 0o750)
			os.WriteFile(filepath.Join(e.DataDir, "storage.key"), []byte("k"), 0o644)
		}, Fail, "storage key"},
		{"open TLS key", checkPermissions, func(t *testing.T, c *config.Config, e *Env) {
			os.Chmod(e.DataDir, 0o750)
			c.TLS.CertFile, c.TLS.KeyFile = cert(t, now.AddDate(1, 0, 0), "parts.example.com")
			os.Chmod(c.TLS.KeyFile, 0o640)
		}, Fail, "TLS key"},

		{"good certificate", checkTLS, func(t *testing.T, c *config.Config, _ *Env) {
			c.TLS.CertFile, c.TLS.KeyFile = cert(t, now.AddDate(1, 0, 0), "parts.example.com")
			c.PublicURL = "https://parts.example.com"
		}, OK, "covers parts.example.com"},
		{"expired certificate", checkTLS, func(t *testing.T, c *config.Config, _ *Env) {
			c.TLS.CertFile, c.TLS.KeyFile = cert(t, now.Add(-time.Hour), "parts.example.com")
			c.PublicURL = "https://parts.example.com"
		}, Fail, "expired"},
		{"certificate expiring", checkTLS, func(t *testing.T, c *config.Config, _ *Env) {
			c.TLS.CertFile, c.TLS.KeyFile = cert(t, now.AddDate(0, 0, 5), "parts.example.com")
			c.PublicURL = "https://parts.example.com"
		}, Warn, "in 5 days"},
		{"certificate for another name", checkTLS, func(t *testing.T, c *config.Config, _ *Env) {
			c.TLS.CertFile, c.TLS.KeyFile = cert(t, now.AddDate(1, 0, 0), "other.example.com")
			c.PublicURL = "https://parts.example.com"
		}, Fail, "does not cover"},
		{"plain HTTP on the network", checkTLS, func(t *testing.T, c *config.Config, _ *Env) { c.HTTP = "0.0.0.0:8090" }, Warn, "plain HTTP"},
		{"plain HTTP on loopback", checkTLS, func(t *testing.T, c *config.Config, _ *Env) {}, OK, "loopback"},

		{"writable local store", checkStore, func(t *testing.T, c *config.Config, e *Env) { os.MkdirAll(filepath.Join(e.DataDir, "storage"), 0o750) }, OK, "writable"},
		{"local store is a file", checkStore, func(t *testing.T, c *config.Config, e *Env) {
			c.Storage.Local.Dir = filepath.Join(e.DataDir, "not-a-dir")
			os.WriteFile(c.Storage.Local.Dir, nil, 0o600)
		}, Fail, "not writable"},
		{"S3 unreachable", checkStore, func(t *testing.T, c *config.Config, _ *Env) {
			c.Storage.Driver = "s3"
			c.Storage.S3 = config.S3{Endpoint: deadAddr, Bucket: "docs", Region: "us-east-1", AccessKey: "a", SecretKey: "b"}
		}, Fail, "S3"},

		{"n8n up", checkN8N, func(t *testing.T, c *config.Config, _ *Env) { c.N8N.ChatURL = "http://" + n8nAddr + "/webhook/chat" }, OK, "accepts connections"},
		{"n8n down", checkN8N, func(t *testing.T, c *config.Config, _ *Env) {
			c.N8N.IngestURL = "http://" + deadAddr + "/webhook/ingest"
		}, Fail, "n8n.ingest_url"},
		{"no n8n", checkN8N, func(t *testing.T, c *config.Config, _ *Env) {}, OK, "no n8n"},

		{"SMTP without TLS", checkSMTP, func(t *testing.T, c *config.Config, _ *Env) {
			c.SMTP.Host, c.SMTP.Port = smtpServer.Host, smtpServer.Port
		}, Warn, "offers no TLS"},
		// the injected clock is for ages only: network deadlines use the real one
		{"SMTP with the clock a year behind", checkSMTP, func(t *testing.T, c *config.Config, e *Env) {
			c.SMTP.Host, c.SMTP.Port = smtpServer.Host, smtpServer.Port
			e.Now = func() time.Time { return time.Now().AddDate(-1, 0, 0) }
		}, Warn, "offers no TLS"},
		{"SMTP with the clock a year ahead", checkSMTP, func(t *testing.T, c *config.Config, e *Env) {
			c.SMTP.Host, c.SMTP.Port = smtpServer.Host, smtpServer.Port
			e.Now = func() time.Time { return time.Now().AddDate(1, 0, 0) }
		}, Warn, "offers no TLS"},
		{"SMTP down", checkSMTP, func(t *testing.T, c *config.Config, _ *Env) {
			host, port, _ := net.SplitHostPort(deadAddr)
			c.SMTP.Host = host
			c.SMTP.Port, _ = strconv.Atoi(port)
		}, Fail, "cannot connect"},
		{"no SMTP", checkSMTP, func(t *testing.T, c *config.Config, _ *Env) {}, Warn, "cannot be mailed"},

		{"no backup schedule", checkBackups, func(t *testing.T, c *config.Config, _ *Env) {}, Warn, "no scheduled"},
		{"recent backup", checkBackups, func(t *testing.T, c *config.Config, e *Env) {
			c.Backups.Cron = "0 2 * * *"
			backup(t, e.DataDir, "@auto_pb_backup_1.zip", now.Add(-10*time.Hour))
		}, OK, "10 h ago"},
		{"stale backup", checkBackups, func(t *testing.T, c *config.Config, e *Env) {
			c.Backups.Cron = "0 2 * * *"
			backup(t, e.DataDir, "@auto_pb_backup_1.zip", now.Add(-5*24*time.Hour))
		}, Fail, "5 days old"},
		{"no backup yet", checkBackups, func(t *testing.T, c *config.Config, _ *Env) { c.Backups.Cron = "0 2 * * *" }, Warn, "no backup"},

		{"disk full", checkDisk, func(t *testing.T, _ *config.Config, e *Env) { e.DiskFree = fakeDisk(500<<20, 100<<30) }, Fail, "0.5 GiB free"},
		{"disk low", checkDisk, func(t *testing.T, _ *config.Config, e *Env) { e.DiskFree = fakeDisk(8<<30, 100<<30) }, Warn, "8%"},
		{"disk fine", checkDisk, func(t *testing.T, _ *config.Config, e *Env) { e.DiskFree = fakeDisk(60<<30, 100<<30) }, OK, "60%"},
		{"real disk", checkDisk, func(t *testing.T, _ *config.Config, e *Env) { e.DiskFree = diskFree }, "", "free of"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := config.Defaults()
			env := DefaultEnv(t.TempDir())
			env.Now = func() time.Time { return now }
			env.Timeout = 5 * time.Second
			c.setup(t, cfg, &env)
			got := c.check(context.Background(), cfg, env)
			var match *Finding
			for i := range got {
				if strings.Contains(got[i].Message, c.says) && (c.want == "" || got[i].Status == c.want) {
					match = &got[i]
				}
			}
			if match == nil {
				t.Fatalf("want a %s finding saying %q, got %+v", c.want, c.says, got)
			}
			if match.Status != OK && match.Fix == "" {
				t.Errorf("%s finding without a fix: %+v", match.Status, match)
			}
		})
	}
	if n := len(smtpServer.Messages()); n != 0 {
		t.Errorf("the SMTP check sent %d mails", n)
	}
}

func backup(t *testing.T, dataDir, name string, mod time.Time) {
	dir := filepath.Join(dataDir, "backups")
	os.MkdirAll(dir, 0o750)
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte("zip"), 0o600); err != nil {
		t.Fatal(err)
	}
	os.Chtimes(p, mod, mod)
}

func fakeDisk(free, total uint64) func(string) (uint64, uint64, error) {
	return func(string) (uint64, uint64, error) { return free, total, nil }
}

func TestEntropy(t *testing.T) {
	cases := []struct {
		secret   string
		min, max float64
	}{
		{"", 0, 0},
		{strings.Repeat("a", 64), 0, 1},
		{strings.Repeat("password", 8), 0, 25},
		{"q3N0x_Yk2P9fV7hLmB4cT1wZs8RjD6eGaU5iKoHnQ2yXr0Ev", 200, 400},
	}
	for _, c := range cases {
		if got := EstimateEntropyBits(c.secret); got < c.min || got > c.max {
			t.Errorf("EstimateEntropyBits(%q) = %.1f, want %.0f–%.0f", c.secret, got, c.min, c.max)
		}
	}
}

func TestRunAndPrint(t *testing.T) {
	cfg := config.Defaults()
	env := DefaultEnv(t.TempDir())
	os.Chmod(env.DataDir, 0o755) // a finding that FAILs
	findings := Run(context.Background(), cfg, env)
	if !Failed(findings) {
		t.Fatalf("a world-readable data dir did not fail: %+v", findings)
	}
	var out bytes.Buffer
	Print(&out, findings)
	for _, want := range []string{"FAIL  permissions", "fix: chmod 750", "WARN  backups", "OK    disk", "FAIL\n"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	checks := map[string]bool{}
	for _, f := range findings {
		checks[f.Check] = true
	}
	for _, c := range []string{"config", "permissions", "secrets", "tls", "store", "n8n", "smtp", "backups", "disk"} {
		if !checks[c] {
			t.Errorf("no %s finding", c)
		}
	}
}
