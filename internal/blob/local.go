package blob

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// LocalRoute is the path, relative to the application's base URL, under
// which the application must mount [Local] as an http.Handler.
const LocalRoute = "/api/blob/"

// MinLocalSecretBytes is the minimum length of the [Local] URL signing
// secret (32 random bytes are recommended).
const MinLocalSecretBytes = 16

const (
	localDirPerm  = 0o750
	localFilePerm = 0o640
	tempPrefix    = ".upload-"
)

// Local is a [Store] keeping objects as files under a directory.
//
// To give browsers the same flow as with S3, it mints presigned URLs
// pointing to the application itself:
//
//	<baseURL>/api/blob/<key>?method=PUT&expires=<unix>&sig=<hex HMAC-SHA256>
//
// and serves them as an [http.Handler] that the application mounts at
// [LocalRoute]. Uploads are written to a temporary file beside the target
// and renamed, so a partial upload never becomes visible.
//
// All file access goes through an [os.Root], so no key can escape the
// directory, even through symlinks.
type Local struct {
	root       *os.Root
	baseURL    string
	secret     []byte
	maxPutSize int64
	now        func() time.Time
}

var _ Store = (*Local)(nil)

// LocalOption configures a [Local] store in [NewLocal].
type LocalOption func(*Local)

// WithMaxPutSize limits presigned uploads to n bytes (n <= 0 means no
// limit). Larger uploads are answered with 413 and nothing is stored.
// Server-side [Local.Put] is not limited.
func WithMaxPutSize(n int64) LocalOption {
	return func(l *Local) { l.maxPutSize = n }
}

// NewLocal opens (creating it if needed) a local store in dir.
//
// baseURL is the address browsers reach the application at (for example
// "http://127.0.0.1:8090"); secret signs the URLs and must be at least
// [MinLocalSecretBytes] long and kept stable across restarts for minted
// URLs to stay valid.
func NewLocal(dir, baseURL string, secret []byte, opts ...LocalOption) (*Local, error) {
	if dir == "" {
		return nil, errors.New("blob: local store directory is empty")
	}
	if len(secret) < MinLocalSecretBytes {
		return nil, fmt.Errorf("blob: local store secret must be at least %d bytes", MinLocalSecretBytes)
	}
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("blob: invalid local store base URL %q (want http(s)://host[:port][/path])", baseURL)
	}
	if err := os.MkdirAll(dir, localDirPerm); err != nil {
		return nil, fmt.Errorf("blob: create local store directory: %w", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("blob: open local store directory: %w", err)
	}
	l := &Local{
		root:    root,
		baseURL: strings.TrimRight(baseURL, "/"),
		secret:  append([]byte(nil), secret...),
		now:     time.Now,
	}
	for _, opt := range opts {
		opt(l)
	}
	return l, nil
}

// Close releases the directory handle.
func (l *Local) Close() error {
	return l.root.Close()
}

// PresignPut implements [Store.PresignPut].
func (l *Local) PresignPut(_ context.Context, key string, ttl time.Duration, contentType string) (string, error) {
	if err := CheckKey(key); err != nil {
		return "", fmt.Errorf("presign put: %w", err)
	}
	if err := checkTTL(ttl); err != nil {
		return "", fmt.Errorf("presign put %s: %w", key, err)
	}
	if err := checkHeaderValue(contentType); err != nil {
		return "", fmt.Errorf("presign put %s: content type: %w", key, err)
	}
	return l.presign(http.MethodPut, key, ttl, "", contentType), nil
}

// PresignGet implements [Store.PresignGet].
func (l *Local) PresignGet(_ context.Context, key string, ttl time.Duration, downloadName string, disp Disposition) (string, error) {
	if err := CheckKey(key); err != nil {
		return "", fmt.Errorf("presign get: %w", err)
	}
	if err := checkTTL(ttl); err != nil {
		return "", fmt.Errorf("presign get %s: %w", key, err)
	}
	cd, ct, err := resolveDisposition(downloadName, disp)
	if err != nil {
		return "", fmt.Errorf("presign get %s: %w", key, err)
	}
	return l.presign(http.MethodGet, key, ttl, cd, ct), nil
}

// presign builds a signed URL. For GET, ct overrides the response
// Content-Type; for PUT it is the required request Content-Type.
func (l *Local) presign(method, key string, ttl time.Duration, disposition, ct string) string {
	expires := strconv.FormatInt(l.now().Add(ttl).Unix(), 10)
	q := url.Values{}
	q.Set("method", method)
	q.Set("expires", expires)
	if disposition != "" {
		q.Set("disposition", disposition)
	}
	if ct != "" {
		q.Set("type", ct)
	}
	q.Set("sig", hex.EncodeToString(l.sign(method, key, expires, disposition, ct)))
	return l.baseURL + LocalRoute + escapeKey(key) + "?" + q.Encode()
}

// sign returns the HMAC-SHA256 of the length-prefixed fields.
func (l *Local) sign(fields ...string) []byte {
	m := hmac.New(sha256.New, l.secret)
	io.WriteString(m, "counterpart-blob-v1")
	for _, f := range fields {
		io.WriteString(m, "\n"+strconv.Itoa(len(f))+":"+f)
	}
	return m.Sum(nil)
}

// escapeKey escapes each key segment for use in a URL path.
func escapeKey(key string) string {
	segs := strings.Split(key, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// ServeHTTP serves the URLs minted by [Local.PresignPut] and
// [Local.PresignGet]. Mount it at [LocalRoute] (with or without
// stripping the prefix). It answers 403 to a bad or expired signature,
// 405 to a method other than the signed one, 404 to a missing object and
// 413 to an upload over the [WithMaxPutSize] limit.
func (l *Local) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key := r.URL.Path
	if i := strings.Index(key, LocalRoute); i >= 0 {
		key = key[i+len(LocalRoute):]
	} else {
		key = strings.TrimPrefix(key, "/")
	}

	q := r.URL.Query()
	method, expires, sig := q.Get("method"), q.Get("expires"), q.Get("sig")
	disposition, ct := q.Get("disposition"), q.Get("type")

	got, err := hex.DecodeString(sig)
	if err != nil || !hmac.Equal(got, l.sign(method, key, expires, disposition, ct)) {
		httpError(w, "invalid signature", http.StatusForbidden)
		return
	}
	exp, err := strconv.ParseInt(expires, 10, 64)
	if err != nil || l.now().Unix() > exp {
		httpError(w, "URL expired", http.StatusForbidden)
		return
	}
	if r.Method != method {
		w.Header().Set("Allow", method)
		httpError(w, "method not allowed for this URL", http.StatusMethodNotAllowed)
		return
	}
	if CheckKey(key) != nil {
		httpError(w, "invalid key", http.StatusBadRequest)
		return
	}

	switch method {
	case http.MethodGet:
		l.serveGet(w, r, key, disposition, ct)
	case http.MethodPut:
		l.servePut(w, r, key, ct)
	default:
		httpError(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

func (l *Local) serveGet(w http.ResponseWriter, r *http.Request, key, disposition, ct string) {
	f, fi, err := l.openFile(key)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			httpError(w, "not found", http.StatusNotFound)
		} else {
			httpError(w, "cannot read object", http.StatusInternalServerError)
		}
		return
	}
	defer f.Close()

	if ct == "" {
		ct = mime.TypeByExtension(path.Ext(key))
		if ct == "" {
			ct = "application/octet-stream"
		}
	}
	h := w.Header()
	h.Set("Content-Type", ct)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private")
	if disposition != "" {
		h.Set("Content-Disposition", disposition)
	}
	if !strings.HasPrefix(disposition, string(Inline)) {
		// Files are served from the application's origin: make sure
		// nothing in a download can ever run there. (Not for inline
		// responses: browsers refuse to render a sandboxed PDF.)
		h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	}
	http.ServeContent(w, r, "", fi.ModTime(), f)
}

func (l *Local) servePut(w http.ResponseWriter, r *http.Request, key, ct string) {
	if ct != "" && r.Header.Get("Content-Type") != ct {
		httpError(w, "Content-Type does not match the signed one", http.StatusForbidden)
		return
	}
	body := r.Body
	if l.maxPutSize > 0 {
		if r.ContentLength > l.maxPutSize {
			httpError(w, "file too large", http.StatusRequestEntityTooLarge)
			return
		}
		body = http.MaxBytesReader(w, body, l.maxPutSize)
	}
	err := l.write(key, body, -1)
	var maxErr *http.MaxBytesError
	var readErr *bodyReadError
	switch {
	case err == nil:
		w.WriteHeader(http.StatusOK)
	case errors.As(err, &maxErr):
		httpError(w, "file too large", http.StatusRequestEntityTooLarge)
	case errors.As(err, &readErr):
		httpError(w, "cannot read request body", http.StatusBadRequest)
	default:
		httpError(w, "cannot store object", http.StatusInternalServerError)
	}
}

// httpError answers a short plain text message.
func httpError(w http.ResponseWriter, msg string, code int) {
	w.Header().Del("Content-Disposition")
	w.Header().Set("Cache-Control", "no-store")
	http.Error(w, msg, code)
}

// Stat implements [Store.Stat]. ETag is left empty.
func (l *Local) Stat(_ context.Context, key string) (ObjectInfo, error) {
	if err := CheckKey(key); err != nil {
		return ObjectInfo{}, fmt.Errorf("stat: %w", err)
	}
	fi, err := l.root.Stat(key)
	if err != nil || !fi.Mode().IsRegular() {
		return ObjectInfo{}, fmt.Errorf("stat %s: %w", key, l.mapErr(err))
	}
	return ObjectInfo{Key: key, Size: fi.Size(), ModTime: fi.ModTime()}, nil
}

// Open implements [Store.Open].
func (l *Local) Open(_ context.Context, key string) (io.ReadCloser, error) {
	if err := CheckKey(key); err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	f, _, err := l.openFile(key)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", key, err)
	}
	return f, nil
}

// openFile opens a regular file, mapping missing files to ErrNotFound.
func (l *Local) openFile(key string) (*os.File, fs.FileInfo, error) {
	f, err := l.root.Open(key)
	if err != nil {
		return nil, nil, l.mapErr(err)
	}
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		f.Close()
		return nil, nil, l.mapErr(err)
	}
	return f, fi, nil
}

// mapErr maps "missing" errors (and nil, meaning "not a regular file") to
// ErrNotFound.
func (l *Local) mapErr(err error) error {
	if err == nil || errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return ErrNotFound
	}
	return err
}

// ReadHead implements [Store.ReadHead].
func (l *Local) ReadHead(_ context.Context, key string, n int) ([]byte, error) {
	if err := CheckKey(key); err != nil {
		return nil, fmt.Errorf("read head: %w", err)
	}
	if n < 0 {
		return nil, fmt.Errorf("read head %s: negative length %d", key, n)
	}
	f, fi, err := l.openFile(key)
	if err != nil {
		return nil, fmt.Errorf("read head %s: %w", key, err)
	}
	defer f.Close()
	buf := make([]byte, min(int64(n), fi.Size()))
	m, err := io.ReadFull(f, buf)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read head %s: %w", key, err)
	}
	return buf[:m], nil
}

// Put implements [Store.Put]. contentType is ignored: the local driver
// derives types from the file extension when serving.
func (l *Local) Put(_ context.Context, key string, r io.Reader, size int64, _ string) error {
	if err := CheckKey(key); err != nil {
		return fmt.Errorf("put: %w", err)
	}
	if err := l.write(key, r, size); err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	return nil
}

// bodyReadError marks a failure to read the data being stored (as opposed
// to a failure to write it).
type bodyReadError struct{ err error }

func (e *bodyReadError) Error() string { return "read body: " + e.err.Error() }
func (e *bodyReadError) Unwrap() error { return e.err }

// errReader records the first read error that is not io.EOF.
type errReader struct {
	r   io.Reader
	err error
}

func (e *errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF && e.err == nil {
		e.err = err
	}
	return n, err
}

// write streams r to a temporary file beside key and renames it over key.
// If size >= 0, exactly size bytes must be read.
func (l *Local) write(key string, r io.Reader, size int64) (err error) {
	f, tmp, err := l.createTemp(path.Dir(key))
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			l.root.Remove(tmp)
		}
	}()

	er := &errReader{r: r}
	var src io.Reader = er
	if size >= 0 {
		src = io.LimitReader(er, size+1)
	}
	n, err := io.Copy(f, src)
	if er.err != nil {
		return &bodyReadError{er.err}
	}
	if err != nil {
		return err
	}
	if size >= 0 && n != size {
		return &bodyReadError{fmt.Errorf("got %d bytes, want %d", n, size)}
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return l.root.Rename(tmp, key)
}

// createTemp creates a new temporary file in dir (creating dir first).
func (l *Local) createTemp(dir string) (*os.File, string, error) {
	var lastErr error
	// A concurrent Delete may prune dir between MkdirAll and OpenFile:
	// retry a few times.
	for range 3 {
		if dir != "." {
			if err := l.root.MkdirAll(dir, localDirPerm); err != nil {
				return nil, "", err
			}
		}
		name := path.Join(dir, tempPrefix+rand.Text()+".tmp")
		f, err := l.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, localFilePerm)
		if err == nil {
			return f, name, nil
		}
		lastErr = err
		if !errors.Is(err, fs.ErrNotExist) {
			break
		}
	}
	return nil, "", lastErr
}

// Delete implements [Store.Delete].
func (l *Local) Delete(_ context.Context, key string) error {
	if err := CheckKey(key); err != nil {
		return fmt.Errorf("delete: %w", err)
	}
	fi, err := l.root.Lstat(key)
	if err != nil {
		if errors.Is(l.mapErr(err), ErrNotFound) {
			return nil
		}
		return fmt.Errorf("delete %s: %w", key, err)
	}
	if fi.IsDir() {
		return nil // not an object
	}
	if err := l.root.Remove(key); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	l.pruneDirs(path.Dir(key))
	return nil
}

// pruneDirs removes dir and its parents while they are empty.
func (l *Local) pruneDirs(dir string) {
	for dir != "." && dir != "/" && dir != "" {
		if l.root.Remove(dir) != nil {
			return
		}
		dir = path.Dir(dir)
	}
}

// DeletePrefix implements [Store.DeletePrefix].
func (l *Local) DeletePrefix(ctx context.Context, prefix string) error {
	if err := CheckPrefix(prefix); err != nil {
		return fmt.Errorf("delete prefix: %w", err)
	}
	if dir, ok := strings.CutSuffix(prefix, "/"); ok {
		// Whole folder: remove it in one go (this also removes
		// in-flight temporary uploads).
		fi, err := l.root.Lstat(dir)
		if err != nil {
			if errors.Is(l.mapErr(err), ErrNotFound) {
				return nil
			}
			return fmt.Errorf("delete prefix %s: %w", prefix, err)
		}
		if !fi.IsDir() {
			return nil // a file named like the folder is not under it
		}
		if err := l.root.RemoveAll(dir); err != nil {
			return fmt.Errorf("delete prefix %s: %w", prefix, err)
		}
		l.pruneDirs(path.Dir(dir))
		return nil
	}

	var keys []string
	err := l.List(ctx, prefix, func(oi ObjectInfo) error {
		keys = append(keys, oi.Key)
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete prefix %s: %w", prefix, err)
	}
	for _, k := range keys {
		if err := l.Delete(ctx, k); err != nil {
			return fmt.Errorf("delete prefix %s: %w", prefix, err)
		}
	}
	return nil
}

// List implements [Store.List]. Objects are visited in lexical order of
// their path components.
func (l *Local) List(ctx context.Context, prefix string, fn func(ObjectInfo) error) error {
	if err := CheckPrefix(prefix); err != nil {
		return fmt.Errorf("list: %w", err)
	}
	start, ok := strings.CutSuffix(prefix, "/")
	if !ok {
		start = path.Dir(prefix)
	}
	var fnErr error
	err := fs.WalkDir(l.root.FS(), start, func(p string, d fs.DirEntry, err error) error {
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
				return nil // missing start folder, or removed meanwhile
			}
			return err
		}
		if p != start && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil // temporary upload
		}
		if d.IsDir() {
			if p == "." || strings.HasPrefix(p+"/", prefix) || strings.HasPrefix(prefix, p+"/") {
				return nil
			}
			return fs.SkipDir
		}
		if !d.Type().IsRegular() || !strings.HasPrefix(p, prefix) {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if err := fn(ObjectInfo{Key: p, Size: fi.Size(), ModTime: fi.ModTime()}); err != nil {
			fnErr = err
			return fs.SkipAll
		}
		return nil
	})
	if fnErr != nil {
		return fnErr
	}
	if err != nil {
		return fmt.Errorf("list %s: %w", prefix, err)
	}
	return nil
}

// Ping implements [Store.Ping]: it checks that the directory is writable.
func (l *Local) Ping(_ context.Context) error {
	f, name, err := l.createTemp(".")
	if err != nil {
		return fmt.Errorf("ping local store: %w", err)
	}
	_, werr := f.Write([]byte("ping"))
	cerr := f.Close()
	rerr := l.root.Remove(name)
	if err := errors.Join(werr, cerr, rerr); err != nil {
		return fmt.Errorf("ping local store: %w", err)
	}
	return nil
}

// checkHeaderValue rejects values that cannot be sent as a header.
func checkHeaderValue(v string) error {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 || c == 0x7f {
			return errors.New("contains a control character")
		}
	}
	return nil
}
