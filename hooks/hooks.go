// Package hooks wires every Counterpart feature into a PocketBase app. The
// binary and the tests call the same Register, so what is tested is what ships.
package hooks

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/alerts"
	"counterpart/hooks/analytics"
	"counterpart/hooks/appsettings"
	"counterpart/hooks/audit"
	"counterpart/hooks/chat"
	"counterpart/hooks/documents"
	"counterpart/hooks/ingest"
	"counterpart/hooks/jobs"
	"counterpart/hooks/monitoring"
	"counterpart/hooks/parts"
	"counterpart/hooks/reports"
	"counterpart/hooks/security"
	"counterpart/hooks/tenancy"
	"counterpart/hooks/usage"
	"counterpart/hooks/webapp"
	"counterpart/internal/blob"
	"counterpart/internal/config"
	"counterpart/internal/n8n"
)

// Register binds all features to app.
func Register(app core.App, cfg *config.Config) error {
	if err := appsettings.Register(app, cfg); err != nil {
		return err
	}
	// headers, CORS, body limits, timeouts and TLS for every route below
	if err := security.Register(app, cfg, appsettings.PublicURL(cfg)); err != nil {
		return err
	}
	audit.Register(app)
	tenancy.Register(app)
	usage.Register(app, usage.Options{RetentionDays: cfg.Usage.RetentionDays}) // after tenancy: its tenant-delete guard runs first
	analytics.Register(app)

	store, local, err := openStore(cfg, app.DataDir())
	if err != nil {
		return err
	}
	queue := jobs.Register(app, jobs.Options{Workers: cfg.Jobs.Workers, MaxAttempts: cfg.Jobs.MaxAttempts, BaseBackoff: cfg.Jobs.Backoff})
	documents.Register(app, documents.Deps{Store: store, LocalStore: local, Queue: queue})
	// price files and catalogs as structured parts data, imported once a document is ready
	parts.Register(app, parts.Deps{Store: store, Queue: queue})
	reports.Register(app, reports.Deps{Queue: queue, UsageCSV: analytics.WriteUsageCSV, Summary: reports.SummaryOf(analytics.Summarize)})
	// metrics and the deep health check (mon instruments the n8n clients below); alerts to IT
	mon := monitoring.Register(app, monitoring.Deps{Config: cfg.Monitoring, Queue: queue, Store: store, N8N: cfg.N8N})
	alerts.Register(app, alerts.Deps{Config: cfg.Alerts, Queue: queue, N8N: mon.N8NWindow()})

	// one set of keys signs every token sent to n8n (n8n.jwt)
	var signer *n8n.Signer
	var keys *n8n.Keys
	if cfg.N8N.Enabled() {
		keys, err = n8n.LoadKeys(n8n.KeyConfig{Algorithm: cfg.N8N.JWT.Algorithm, Secret: cfg.N8N.JWT.Secret,
			PrivateKeyFile: cfg.N8N.JWT.PrivateKeyFile, PublicKeyFile: cfg.N8N.JWT.PublicKeyFile, TTL: cfg.N8N.JWT.TTL})
		if err != nil {
			return fmt.Errorf("n8n keys: %w", err)
		}
		if signer, err = n8n.NewSigner(keys); err != nil {
			return err
		}
	}

	ingestDeps := ingest.Deps{Store: store, Queue: queue}
	if cfg.N8N.IngestURL != "" {
		verifier, err := n8n.NewVerifier(keys, n8n.NewReplayCache(n8n.DefaultReplayCapacity))
		if err != nil {
			return err
		}
		ingestDeps.N8N = &ingest.N8N{URL: cfg.N8N.IngestURL, Client: mon.Client("ingest", &http.Client{Timeout: cfg.N8N.Timeout}),
			Signer: signer, Verifier: verifier, PublicURL: appsettings.PublicURL(cfg)}
	}
	ingest.Register(app, ingestDeps)
	webapp.Register(app, webapp.Options{ConnectOrigins: webapp.Origins(cfg, appsettings.PublicURL(cfg))})

	chatDeps := chat.Deps{PublicURL: appsettings.PublicURL(cfg), Timeout: cfg.N8N.Timeout, Config: cfg.Chat}
	if cfg.N8N.ChatURL != "" {
		chatDeps.N8N = &chat.N8N{URL: cfg.N8N.ChatURL, Signer: signer, Client: mon.Client("chat", chat.NewClient(cfg.Chat))}
	}
	return chat.Register(app, chatDeps)
}

// openStore builds the document store the configuration names.
func openStore(cfg *config.Config, dataDir string) (blob.Store, *blob.Local, error) {
	if cfg.Storage.Driver == "s3" {
		s := cfg.Storage.S3
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		store, err := blob.NewS3(ctx, blob.S3Config{Endpoint: s.Endpoint, Bucket: s.Bucket, Region: s.Region,
			AccessKey: s.AccessKey, SecretKey: s.SecretKey, UseSSL: s.UseSSL, PathStyle: s.PathStyle, CreateBucket: s.CreateBucket})
		if err != nil {
			return nil, nil, fmt.Errorf("storage.s3: %w", err)
		}
		return store, nil, nil
	}
	dir := cfg.Storage.Local.Dir
	if dir == "" {
		dir = filepath.Join(dataDir, "storage")
	}
	secret, err := localSecret(dataDir)
	if err != nil {
		return nil, nil, err
	}
	local, err := blob.NewLocal(dir, appsettings.PublicURL(cfg), secret, blob.WithMaxPutSize(documents.MaxUploadBytes))
	if err != nil {
		return nil, nil, fmt.Errorf("storage.local: %w", err)
	}
	return local, local, nil
}

// localSecret is the key that signs the local store's URLs: generated once,
// kept in the data dir with mode 0600, so that links survive restarts.
func localSecret(dataDir string) ([]byte, error) {
	path := filepath.Join(dataDir, "storage.key")
	b, err := os.ReadFile(path)
	if err == nil && len(b) >= 32 {
		return b, nil
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	b = make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	return b, nil
}
