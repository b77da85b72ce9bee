// Package security hardens the HTTP server every feature is served from:
// security headers on every answer (API, blob URLs, the web app, errors and
// 404s), CORS limited to the public URL, a small body limit for every route
// that takes no file, timeouts that drop slow clients, and HTTPS with a
// provided certificate.
//
// PocketBase's own middlewares stay in place; this package replaces the two
// whose defaults are too open for an appliance (its security headers allow
// same-origin framing and it sends no Referrer-Policy; `serve` allows CORS
// from any origin) and adds what it lacks.
package security

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"

	"counterpart/internal/blob"
	"counterpart/internal/config"
)

// APICSP is the Content-Security-Policy of every answer that is not a page:
// JSON, errors, 404s. Such an answer is never meant to render, so nothing in
// it may load or run, and nobody may frame it. The web app sets its own
// policy for its pages, and PocketBase its own for the dashboard at /_/.
const APICSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

// HSTS is sent on answers served over TLS: browsers then refuse plain HTTP
// to this host for a year. Subdomains are not included: other services of
// the dealership's domain are not ours to decide for.
const HSTS = "max-age=31536000"

// ReferrerPolicy keeps paths and queries (document ids, tokens in links)
// from leaking to other sites.
const ReferrerPolicy = "strict-origin-when-cross-origin"

// HeadersMiddlewareID replaces PocketBase's security-headers middleware, so
// that exactly one set of headers is decided.
const HeadersMiddlewareID = apis.DefaultSecurityHeadersMiddlewareId

// BodyLimitMiddlewareID names the JSON body limit, which runs after
// PocketBase's own (32 MiB, or more for record routes with file fields).
const BodyLimitMiddlewareID = "counterpartBodyLimit"

// Register hardens the server app serves from, as configured by cfg.
func Register(app core.App, cfg *config.Config, publicURL string) error {
	origin, err := Origin(publicURL)
	if err != nil {
		return fmt.Errorf("security: public URL: %w", err)
	}
	var certs *CertReloader
	if cfg.TLS.Enabled() {
		if certs, err = NewCertReloader(cfg.TLS.CertFile, cfg.TLS.KeyFile); err != nil {
			return fmt.Errorf("tls: %w", err)
		}
	}
	limits := cfg.Limits
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id: "counterpartSecurity",
		// after every feature bound its routes, so that the body limit sees them all
		Priority: 100,
		Func: func(se *core.ServeEvent) error {
			// a middleware bound with the id of an earlier one replaces it
			// (Unbind would also exclude the id from every route bound so far)
			se.Router.Bind(Headers())

			// `serve` allows every origin (`--origins` defaults to *): the
			// app is only ever used from its public URL
			se.Router.Bind(apis.CORS(apis.CORSConfig{
				AllowOrigins: []string{origin},
				AllowMethods: []string{http.MethodGet, http.MethodHead, http.MethodPut, http.MethodPatch, http.MethodPost, http.MethodDelete},
			}))

			se.Router.Bind(BodyLimit(limits.MaxJSONBytes))

			if se.Server != nil {
				// PocketBase keeps 5 minutes for reading and writing whole
				// requests (large uploads, streamed answers); a client that
				// has not sent its headers by ReadHeaderTimeout is dropped
				se.Server.ReadHeaderTimeout = limits.ReadHeaderTimeout
				se.Server.IdleTimeout = limits.IdleTimeout
				if certs != nil {
					if err := listenTLS(se, certs); err != nil {
						return err
					}
					se.App.Logger().Info("HTTPS with the configured certificate", "cert_file", cfg.TLS.CertFile, "addr", se.Server.Addr)
				}
			}
			return se.Next()
		},
	})
	return nil
}

// listenTLS makes the server answer HTTPS on its address with certs:
// PocketBase serves on the listener an OnServe hook provides.
func listenTLS(se *core.ServeEvent, certs *CertReloader) error {
	se.Server.TLSConfig = &tls.Config{
		MinVersion:     tls.VersionTLS12,
		GetCertificate: certs.GetCertificate,
		NextProtos:     []string{"h2", "http/1.1"},
	}
	if se.Listener == nil {
		l, err := net.Listen("tcp", se.Server.Addr)
		if err != nil {
			return fmt.Errorf("tls: listen on %s: %w", se.Server.Addr, err)
		}
		se.Listener = l
	}
	se.Listener = tls.NewListener(se.Listener, se.Server.TLSConfig)
	return nil
}

// Origin is the scheme://host[:port] of publicURL, the one origin CORS admits.
func Origin(publicURL string) (string, error) {
	u, err := url.Parse(publicURL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "", fmt.Errorf("%q is not an absolute http(s) URL", publicURL)
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host), nil
}

// Headers sets the security headers on every answer, before any handler
// runs, so that errors, 404s and rate-limit refusals carry them too.
func Headers() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id: HeadersMiddlewareID,
		// before everything but PocketBase's www redirect
		Priority: apis.DefaultWWWRedirectMiddlewarePriority + 1,
		Func: func(e *core.RequestEvent) error {
			h := e.Response.Header()
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("X-Frame-Options", "DENY")
			h.Set("Referrer-Policy", ReferrerPolicy)
			h.Set("Cross-Origin-Opener-Policy", "same-origin")
			if e.Request.TLS != nil {
				h.Set("Strict-Transport-Security", HSTS)
			}
			p := e.Request.URL.Path
			switch {
			case p == "/_" || strings.HasPrefix(p, "/_/"):
				// the dashboard gets PocketBase's policy (it sets one only
				// when none is set; it includes frame-ancestors 'none')
			case strings.HasPrefix(p, blob.LocalRoute):
				// the local store decides per answer: a sandbox for
				// downloads, none for inline PDFs, which browsers refuse to
				// render sandboxed; X-Frame-Options still forbids framing
			default:
				h.Set("Content-Security-Policy", APICSP)
			}
			return e.Next()
		},
	}
}

// BodyLimit refuses request bodies over limit bytes with 413 on every route
// but those that take files or bulk text: the local store's presigned PUT
// URLs (the store applies the upload limit), PocketBase's backup upload
// (superusers only), n8n's ingest callbacks (PocketBase's 32 MiB), and
// multipart requests to the records and batch APIs (PocketBase's limit per
// collection counts each file field's maximum).
func BodyLimit(limit int64) *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id:       BodyLimitMiddlewareID,
		Priority: apis.DefaultBodyLimitMiddlewarePriority + 1,
		Func: func(e *core.RequestEvent) error {
			if e.Request.Body == nil || e.Request.Body == http.NoBody || takesFiles(e.Request) {
				return e.Next()
			}
			if e.Request.ContentLength > limit {
				return TooLarge(limit)
			}
			body := &limitedBody{ReadCloser: e.Request.Body, limit: limit, remaining: limit}
			e.Request.Body = body
			err := e.Next()
			if body.exceeded && err != nil && !e.Written() {
				// a chunked body ran over: whatever the handler made of the
				// read error, the caller must learn what really happened
				return TooLarge(limit)
			}
			return err
		},
	}
}

// TooLarge is the 413 answer to a body over limit bytes.
func TooLarge(limit int64) error {
	return router.NewApiError(http.StatusRequestEntityTooLarge,
		fmt.Sprintf("The request body is larger than %s, the limit for this address. Files are uploaded through an upload URL (POST /api/documents/uploads); the server's administrator can raise limits.max_json_bytes.", byteSize(limit)),
		nil)
}

// takesFiles reports whether r goes to a route whose body is a file or bulk text.
func takesFiles(r *http.Request) bool {
	p := r.URL.Path
	switch {
	case r.Method == http.MethodPut && strings.HasPrefix(p, blob.LocalRoute):
		return true
	case r.Method == http.MethodPost && p == "/api/backups/upload":
		return true
	case r.Method == http.MethodPost && strings.HasPrefix(p, "/api/n8n/callback/"):
		// n8n's extracted text, up to thousands of chunks in one call; only a
		// request with a valid n8n token is read, within PocketBase's 32 MiB
		return true
	}
	ct := strings.ToLower(r.Header.Get("Content-Type"))
	if strings.HasPrefix(ct, "multipart/form-data") &&
		(p == "/api/batch" || (strings.HasPrefix(p, "/api/collections/") && strings.Contains(p, "/records"))) {
		return true
	}
	return false
}

// limitedBody reads at most limit bytes of a body and remembers running over;
// it can be reread like PocketBase's own body wrappers.
type limitedBody struct {
	io.ReadCloser
	limit, remaining int64
	exceeded         bool
}

var errTooLarge = errors.New("request body too large")

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.exceeded {
		return 0, errTooLarge
	}
	if int64(len(p)) > b.remaining+1 {
		p = p[:b.remaining+1]
	}
	n, err := b.ReadCloser.Read(p)
	if int64(n) > b.remaining {
		b.exceeded = true
		n = int(b.remaining)
		b.remaining = 0
		return n, errTooLarge
	}
	b.remaining -= int64(n)
	return n, err
}

// Reread rewinds the body for PocketBase's repeated binds.
func (b *limitedBody) Reread() {
	if r, ok := b.ReadCloser.(router.Rereader); ok {
		r.Reread()
		b.remaining, b.exceeded = b.limit, false
	}
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
