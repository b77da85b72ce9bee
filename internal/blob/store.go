// Package blob stores document files (parts catalogs, price lists, PDFs)
// either on the local disk or in an S3 compatible bucket.
//
// Browsers never send file bodies through the application: they PUT and GET
// them directly with short-lived presigned URLs minted by a [Store]. The
// object keys are always built by the server (see [DocumentKey]).
package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// ErrNotFound is returned (possibly wrapped) when an object does not exist.
var ErrNotFound = errors.New("blob: object not found")

// MaxPresignTTL is the longest validity accepted for a presigned URL
// (the S3 SigV4 limit, applied to both drivers for consistency).
const MaxPresignTTL = 7 * 24 * time.Hour

// Store is where document files live.
//
// All methods are safe for concurrent use.
type Store interface {
	// PresignPut returns a URL the browser PUTs the file body to.
	//
	// The URL is valid for ttl and bound to the PUT method and the key.
	// If contentType is not empty it is bound too: the upload must then
	// carry exactly that Content-Type header, otherwise it is refused
	// with 403.
	PresignPut(ctx context.Context, key string, ttl time.Duration, contentType string) (string, error)

	// PresignGet returns a URL, valid for ttl, that downloads the object.
	//
	// The response carries a Content-Disposition header (see
	// [ContentDisposition]) with downloadName as the file name. An empty
	// disp means [Attachment]. [Inline] is honoured only for file types
	// that are safe to render in the browser (see [InlineContentType]),
	// other names silently fall back to [Attachment].
	PresignGet(ctx context.Context, key string, ttl time.Duration, downloadName string, disp Disposition) (string, error)

	// Stat returns the object's metadata or [ErrNotFound].
	Stat(ctx context.Context, key string) (ObjectInfo, error)

	// Open returns a streaming reader of the object or [ErrNotFound].
	// The caller must close it.
	Open(ctx context.Context, key string) (io.ReadCloser, error)

	// ReadHead returns at most the first n bytes of the object (fewer if
	// the object is shorter) or [ErrNotFound].
	ReadHead(ctx context.Context, key string, n int) ([]byte, error)

	// Put writes an object from the server side. size is the exact number
	// of bytes r yields, or -1 if unknown. contentType may be empty.
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error

	// Delete removes an object. Deleting a missing object is not an error.
	Delete(ctx context.Context, key string) error

	// DeletePrefix removes every object whose key starts with prefix.
	// prefix must not be empty; use a prefix ending with "/" (as returned
	// by [TenantPrefix] and [DocumentPrefix]) to stay within one folder.
	DeletePrefix(ctx context.Context, prefix string) error

	// List calls fn for every object whose key starts with prefix, in no
	// guaranteed order. An error returned by fn stops the listing and is
	// returned as is.
	List(ctx context.Context, prefix string, fn func(ObjectInfo) error) error

	// Ping reports whether the store is usable (bucket reachable,
	// directory writable).
	Ping(ctx context.Context) error
}

// ObjectInfo describes a stored object.
type ObjectInfo struct {
	// Key is the object's full key.
	Key string

	// Size is the object's size in bytes.
	Size int64

	// ETag is the store's entity tag without quotes (S3 only; empty for
	// the local driver, where it is not cheap).
	ETag string

	// ModTime is the time of the last write.
	ModTime time.Time
}

// Disposition selects how a browser treats a downloaded object.
type Disposition string

const (
	// Attachment makes the browser save the file (the default).
	Attachment Disposition = "attachment"

	// Inline lets the browser display the file (e.g. in its PDF viewer).
	Inline Disposition = "inline"
)

// inlineTypes lists the file types that may be displayed inline: none of
// them can run script in the serving origin.
var inlineTypes = map[string]string{
	".pdf":  "application/pdf",
	".png":  "image/png",
	".jpg":  "image/jpeg",
	".jpeg": "image/jpeg",
	".gif":  "image/gif",
	".webp": "image/webp",
	".txt":  "text/plain; charset=utf-8",
	".csv":  "text/plain; charset=utf-8",
}

// InlineContentType returns the Content-Type used to display a file with
// the given name inline, and false if the type is not safe to display
// inline (HTML, SVG, unknown...).
func InlineContentType(name string) (string, bool) {
	i := strings.LastIndexByte(name, '.')
	if i < 0 {
		return "", false
	}
	ct, ok := inlineTypes[strings.ToLower(name[i:])]
	return ct, ok
}

// resolveDisposition returns the Content-Disposition header value and the
// Content-Type override (possibly empty) for a download.
func resolveDisposition(name string, disp Disposition) (string, string, error) {
	switch disp {
	case "", Attachment:
		return ContentDisposition(Attachment, name), "", nil
	case Inline:
		if ct, ok := InlineContentType(name); ok {
			return ContentDisposition(Inline, name), ct, nil
		}
		return ContentDisposition(Attachment, name), "", nil
	default:
		return "", "", fmt.Errorf("blob: unknown disposition %q", string(disp))
	}
}

// ContentDisposition formats a Content-Disposition header value for the
// given file name following RFC 6266: a quoted ASCII-only fallback in
// filename and, when the name is not plain ASCII, the exact UTF-8 name
// in filename* (RFC 5987 encoding). An empty disp means [Attachment].
func ContentDisposition(disp Disposition, name string) string {
	if disp == "" {
		disp = Attachment
	}
	name = strings.ToValidUTF8(name, "_")
	var fallback strings.Builder
	plain := true
	for _, r := range name {
		switch {
		case r < 0x20 || r == 0x7f:
			// Control characters are never sent, even in filename*.
			plain = false
		case r >= utf8.RuneSelf || unicode.IsControl(r):
			plain = false
			fallback.WriteByte('_')
		case r == '"' || r == '\\' || r == '%' || r == '/':
			// Quotes and backslashes would need escaping that some
			// browsers get wrong, % invites decoding, / is a path.
			plain = false
			fallback.WriteByte('_')
		default:
			fallback.WriteRune(r)
		}
	}
	fb := strings.TrimSpace(fallback.String())
	if fb == "" {
		fb = "file"
	}
	v := string(disp) + `; filename="` + fb + `"`
	if !plain {
		v += "; filename*=UTF-8''" + encodeRFC5987(name)
	}
	return v
}

// encodeRFC5987 percent-encodes s as an RFC 5987 ext-value (without the
// charset and language parts). Control characters are dropped.
func encodeRFC5987(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c < 0x20 || c == 0x7f:
			// dropped
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			strings.IndexByte("!#$&+-.^_`|~", c) >= 0:
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

// checkTTL validates a presigned URL validity.
func checkTTL(ttl time.Duration) error {
	if ttl < time.Second || ttl > MaxPresignTTL {
		return fmt.Errorf("blob: presign ttl %s out of range [1s, %s]", ttl, MaxPresignTTL)
	}
	return nil
}
