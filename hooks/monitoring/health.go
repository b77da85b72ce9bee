package monitoring

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"counterpart/internal/blob"
)

// proxyHeaders mark a request that came through a reverse proxy: it reaches
// us from loopback, but its client is somewhere else.
var proxyHeaders = []string{"X-Forwarded-For", "X-Real-IP", "Forwarded", "CF-Connecting-IP", "Fly-Client-IP", "True-Client-IP"}

// allowed admits the caller of the metrics and deep health routes: with
// monitoring.metrics_token set, exactly that bearer token from any address
// (compared in constant time); without it, only a direct client on this
// machine — a loopback peer address and no proxy header, since behind a
// reverse proxy on the same machine every request comes from loopback.
func (m *Monitor) allowed(e *core.RequestEvent) error {
	if tok := m.deps.Config.MetricsToken; tok != "" {
		got, ok := strings.CutPrefix(e.Request.Header.Get("Authorization"), "Bearer ")
		want := sha256.Sum256([]byte(tok))
		sent := sha256.Sum256([]byte(strings.TrimSpace(got)))
		if !ok || subtle.ConstantTimeCompare(want[:], sent[:]) != 1 {
			e.Response.Header().Set("WWW-Authenticate", `Bearer realm="counterpart-monitoring"`)
			return e.UnauthorizedError("Send the monitoring token as `Authorization: Bearer <monitoring.metrics_token>` (see docs/configuration.md).", nil)
		}
		return nil
	}
	if !directLoopback(e.Request, e.App.Settings().TrustedProxy.Headers) {
		return e.ForbiddenError("Metrics and the deep health check are served only to this machine while monitoring.metrics_token is not set; set it to scrape from elsewhere or through a proxy.", nil)
	}
	return nil
}

// directLoopback reports whether r comes straight from this machine.
func directLoopback(r *http.Request, trusted []string) bool {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil || !ap.Addr().Unmap().IsLoopback() {
		return false
	}
	for _, h := range append(slices.Clone(proxyHeaders), trusted...) {
		if r.Header.Get(h) != "" {
			return false
		}
	}
	return true
}

// Check is the result of one deep health check.
type Check struct {
	Name      string  `json:"name"`
	Status    string  `json:"status"` // ok, failing or not configured
	LatencyMS float64 `json:"latencyMs"`
	// Error says what failed, without addresses or credentials.
	Error string `json:"error,omitempty"`
}

// Check statuses.
const (
	StatusOK            = "ok"
	StatusFailing       = "failing"
	StatusNotConfigured = "not configured"
)

// Health is the deep health answer.
type Health struct {
	Status string  `json:"status"` // ok or failing
	Checks []Check `json:"checks"`
}

// checkTimeout bounds each check, so that a hung dependency makes the check fail, not hang.
const checkTimeout = 5 * time.Second

func (m *Monitor) serveDeep(e *core.RequestEvent) error {
	if err := m.allowed(e); err != nil {
		return err
	}
	h := m.Deep(e.Request.Context(), e.App)
	status := http.StatusOK
	if h.Status != StatusOK {
		status = http.StatusServiceUnavailable
	}
	e.Response.Header().Set("Cache-Control", "no-store")
	return e.JSON(status, h)
}

// Deep runs every check at once: the database (a query), the store (a tiny
// probe object written, read back and deleted) and each configured n8n
// webhook (its host accepts a connection). n8n not configured is healthy.
func (m *Monitor) Deep(ctx context.Context, app core.App) Health {
	type probe struct {
		name string
		run  func(ctx context.Context) error
	}
	probes := []probe{
		{"database", func(ctx context.Context) error { return checkDatabase(ctx, app) }},
		{"store", func(ctx context.Context) error { return checkStore(ctx, m.deps.Store) }},
	}
	for w, u := range map[string]string{"chat": m.deps.N8N.ChatURL, "ingest": m.deps.N8N.IngestURL} {
		if u != "" {
			probes = append(probes, probe{"n8n " + w + " webhook", func(ctx context.Context) error { return checkReachable(ctx, u) }})
		}
	}
	checks := make([]Check, len(probes))
	var wg sync.WaitGroup
	for i, p := range probes {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(ctx, checkTimeout)
			defer cancel()
			start := time.Now()
			err := p.run(ctx)
			c := Check{Name: p.name, Status: StatusOK, LatencyMS: float64(time.Since(start).Microseconds()) / 1000}
			if err != nil {
				c.Status, c.Error = StatusFailing, err.Error()
				app.Logger().Warn("deep health check failed", "check", p.name, "error", err)
			}
			checks[i] = c
		})
	}
	wg.Wait()
	if !m.deps.N8N.Enabled() {
		checks = append(checks, Check{Name: "n8n", Status: StatusNotConfigured})
	}
	h := Health{Status: StatusOK, Checks: checks}
	for _, c := range checks {
		if c.Status == StatusFailing {
			h.Status = StatusFailing
		}
	}
	return h
}

func checkDatabase(ctx context.Context, app core.App) error {
	var n int
	if err := app.DB().NewQuery("SELECT COUNT(*) FROM {{_collections}}").WithContext(ctx).Row(&n); err != nil {
		return fmt.Errorf("query failed: %w", err)
	}
	if n == 0 {
		return errors.New("the database holds no collections")
	}
	return nil
}

// probePrefix holds the deep check's probe objects; no document key starts with it.
const probePrefix = "health/"

func checkStore(ctx context.Context, store blob.Store) error {
	if store == nil {
		return errors.New("no store configured")
	}
	var id [8]byte
	_, _ = rand.Read(id[:])
	key := probePrefix + "probe-" + hex.EncodeToString(id[:])
	body := []byte("counterpart health probe")
	if err := store.Put(ctx, key, bytes.NewReader(body), int64(len(body)), "text/plain"); err != nil {
		return fmt.Errorf("writing a probe object: %w", err)
	}
	info, statErr := store.Stat(ctx, key)
	delErr := store.Delete(context.WithoutCancel(ctx), key)
	switch {
	case statErr != nil:
		return fmt.Errorf("reading the probe object back: %w", statErr)
	case info.Size != int64(len(body)):
		return fmt.Errorf("the probe object reads back as %d bytes, not %d", info.Size, len(body))
	case delErr != nil:
		return fmt.Errorf("deleting the probe object: %w", delErr)
	}
	return nil
}

// checkReachable connects to the webhook's host and port. The error names
// the failure, never the URL (its path can be a secret).
func checkReachable(ctx context.Context, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return errors.New("the configured URL is not valid")
	}
	port := u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(u.Hostname(), port))
	if err != nil {
		return errors.New("host unreachable: " + dialReason(err))
	}
	_ = conn.Close()
	return nil
}

func dialReason(err error) string {
	var dns *net.DNSError
	var ne net.Error
	switch {
	case errors.As(err, &dns):
		return "the host name does not resolve"
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		return "no answer within " + checkTimeout.String()
	case strings.Contains(err.Error(), "connection refused"):
		return "connection refused (is n8n running?)"
	case strings.Contains(err.Error(), "no route to host") || strings.Contains(err.Error(), "network is unreachable"):
		return "no route to the host"
	}
	return "connection failed"
}
