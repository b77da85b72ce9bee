// Package webapp serves Counterpart's web app (the Svelte build embedded in
// counterpart/embed) at the site root, beside PocketBase's API at /api/ and
// its dashboard at /_/: unknown app paths fall back to index.html, hashed
// assets are cached for a year, index.html is revalidated on every load,
// text files are gzipped once and kept compressed in memory, and every
// answer carries a strict Content-Security-Policy.
package webapp

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	webui "counterpart/embed"
	"counterpart/internal/config"
)

// Options configure the web app.
type Options struct {
	// FS is the built app; nil means the embedded build.
	FS fs.FS
	// ConnectOrigins are origins besides the app's own that the browser may
	// connect to: the object store that presigned uploads go to, and the
	// public URL when people reach the app under another address.
	ConnectOrigins []string
}

// SetPasswordPath is the app's page for invitation and password-reset links;
// the token is in the query: /set-password?token=….
const SetPasswordPath = "/set-password"

// SetPasswordLink is the set-password page's address under appURL for token.
func SetPasswordLink(appURL, token string) string {
	return strings.TrimRight(appURL, "/") + SetPasswordPath + "?token=" + url.QueryEscape(token)
}

// Register serves the app from the server's root and points PocketBase's
// password-reset mails at the app's set-password page.
func Register(app core.App, opts Options) {
	if opts.FS == nil {
		opts.FS = webui.Dist()
	}
	s := &server{fsys: opts.FS, csp: CSP(opts.ConnectOrigins)}
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		if err := useAppResetLink(se.App); err != nil {
			return err
		}
		se.Router.GET("/{path...}", s.serve).Bind(apis.SkipSuccessActivityLog())
		return se.Next()
	})
}

// Origins are the origins the browser must reach besides the app's own:
// the public URL (the local store's presigned URLs are built on it) and,
// with the S3 driver, the endpoint the browser uploads to (with and without
// the bucket as a subdomain, since the S3 client picks the addressing style).
func Origins(cfg *config.Config, publicURL string) []string {
	var out []string
	add := func(o string) {
		if o != "" && !slices.Contains(out, o) {
			out = append(out, o)
		}
	}
	if u, err := url.Parse(publicURL); err == nil && u.Scheme != "" && u.Host != "" {
		add(u.Scheme + "://" + u.Host)
	}
	if cfg.Storage.Driver == "s3" && cfg.Storage.S3.Endpoint != "" {
		s3 := cfg.Storage.S3
		scheme, host := "http", s3.Endpoint
		if s3.UseSSL {
			scheme = "https"
		}
		if sch, rest, ok := strings.Cut(host, "://"); ok {
			scheme, host = strings.ToLower(sch), rest
		}
		host = strings.TrimRight(host, "/")
		add(scheme + "://" + host)
		if !s3.PathStyle && s3.Bucket != "" {
			add(scheme + "://" + s3.Bucket + "." + host)
		}
	}
	return out
}

// CSP is the app's Content-Security-Policy: nothing inline, nothing from
// elsewhere, except connections to the given origins.
func CSP(connectOrigins []string) string {
	connect := "'self'"
	for _, o := range connectOrigins {
		connect += " " + o
	}
	return strings.Join([]string{
		"default-src 'self'",
		"script-src 'self'",
		"style-src 'self'",
		"img-src 'self' data: blob:",
		"connect-src " + connect,
		"frame-ancestors 'none'",
		"base-uri 'self'",
		"form-action 'self'",
		"object-src 'none'",
	}, "; ")
}

// useAppResetLink makes the users' password-reset mail link to the app's
// set-password page instead of the dashboard's.
func useAppResetLink(app core.App) error {
	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		return nil // no users collection yet: nothing to point
	}
	const dashboard = core.EmailPlaceholderAppURL + "/_/#/auth/confirm-password-reset/" + core.EmailPlaceholderToken
	const page = core.EmailPlaceholderAppURL + SetPasswordPath + "?token=" + core.EmailPlaceholderToken
	body := users.ResetPasswordTemplate.Body
	if !strings.Contains(body, dashboard) {
		return nil
	}
	users.ResetPasswordTemplate.Body = strings.ReplaceAll(body, dashboard, page)
	if err := app.Save(users); err != nil {
		return fmt.Errorf("point password-reset mails at the app: %w", err)
	}
	return nil
}

type file struct {
	body        []byte
	gz          []byte // nil when not worth compressing
	etag        string
	contentType string
}

type server struct {
	fsys fs.FS
	csp  string

	once  sync.Once
	files map[string]*file
	err   error
}

// gzipMinBytes is the size up to which a file is sent as it is: gzip's
// header and the extra round of decoding cost more than they save.
const gzipMinBytes = 512

// compressible are the types gzipped; images other than SVG are compressed already.
var compressible = map[string]bool{".html": true, ".js": true, ".css": true, ".svg": true, ".json": true, ".txt": true, ".map": true, ".webmanifest": true}

var contentTypes = map[string]string{
	".html":        "text/html; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".css":         "text/css; charset=utf-8",
	".svg":         "image/svg+xml",
	".json":        "application/json",
	".png":         "image/png",
	".ico":         "image/x-icon",
	".woff2":       "font/woff2",
	".txt":         "text/plain; charset=utf-8",
	".webmanifest": "application/manifest+json",
}

// load reads every file of the build once, with its gzip form and ETag.
func (s *server) load() {
	s.files = map[string]*file{}
	s.err = fs.WalkDir(s.fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(s.fsys, p)
		if err != nil {
			return err
		}
		ext := path.Ext(p)
		ct := contentTypes[ext]
		if ct == "" {
			ct = mime.TypeByExtension(ext)
		}
		if ct == "" {
			ct = "application/octet-stream"
		}
		sum := sha256.Sum256(body)
		f := &file{body: body, etag: `"` + hex.EncodeToString(sum[:12]) + `"`, contentType: ct}
		if compressible[ext] && len(body) > gzipMinBytes {
			var buf bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
			_, _ = zw.Write(body)
			_ = zw.Close()
			if buf.Len() < len(body) {
				f.gz = buf.Bytes()
			}
		}
		s.files[p] = f
		return nil
	})
}

func (s *server) serve(e *core.RequestEvent) error {
	s.once.Do(s.load)
	if s.err != nil {
		return e.InternalServerError("The web app could not be loaded.", s.err)
	}
	name := strings.TrimPrefix(path.Clean("/"+e.Request.PathValue("path")), "/")
	switch {
	case name == "_":
		return e.Redirect(http.StatusMovedPermanently, "/_/")
	case name == "api" || strings.HasPrefix(name, "api/") || strings.HasPrefix(name, "_/"):
		// the API's and the dashboard's own routes answer these; an unknown one is not the app's
		return e.NotFoundError("", nil)
	}
	f, ok := s.files[name]
	if name == "" || name == "index.html" || !ok {
		if !ok && name != "" && (strings.HasPrefix(name, "assets/") || strings.Contains(path.Base(name), ".")) {
			// a missing file, e.g. an asset of an older build: never answer it with the app
			s.headers(e.Response.Header(), false)
			e.Response.Header().Set("Cache-Control", "no-store")
			return e.String(http.StatusNotFound, "Not found.\n")
		}
		name, f = "index.html", s.files["index.html"]
		if f == nil {
			return e.String(http.StatusServiceUnavailable, "The web app is not built: run `make ui`.\n")
		}
	}
	h := e.Response.Header()
	s.headers(h, strings.HasPrefix(name, "assets/"))
	h.Set("Content-Type", f.contentType)
	body, etag := f.body, f.etag
	if f.gz != nil {
		h.Add("Vary", "Accept-Encoding")
		if acceptsGzip(e.Request.Header.Get("Accept-Encoding")) {
			body, etag = f.gz, strings.TrimSuffix(f.etag, `"`)+`-gz"`
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("ETag", etag)
	http.ServeContent(e.Response, e.Request, name, time.Time{}, bytes.NewReader(body))
	return nil
}

// headers sets caching and the security headers of every answer of the app.
func (s *server) headers(h http.Header, immutable bool) {
	if immutable {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	h.Set("Content-Security-Policy", s.csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
}

// acceptsGzip reports whether an Accept-Encoding header admits gzip (not with q=0).
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding != "gzip" && coding != "*" {
			continue
		}
		q := strings.ReplaceAll(strings.ToLower(params), " ", "")
		if q == "q=0" || q == "q=0.0" || q == "q=0.00" || q == "q=0.000" {
			return false
		}
		return true
	}
	return false
}
