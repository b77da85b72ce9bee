package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// unknownSizePartSize is the multipart part size used by [S3.Put] when
// the size is unknown (minio-go would otherwise buffer ~500 MiB parts).
const unknownSizePartSize = 16 << 20

// S3Config configures an [S3] store.
type S3Config struct {
	// Endpoint is the server's host[:port] (e.g. "s3.eu-central-1.amazonaws.com"
	// or "127.0.0.1:7070"). A "http://" or "https://" prefix is accepted
	// and then decides UseSSL.
	Endpoint string

	// Bucket is the bucket holding the objects.
	Bucket string

	// Region is the bucket's region. When empty it is looked up once from
	// the server.
	Region string

	// AccessKey is the access key id.
	AccessKey string

	// SecretKey is the secret access key.
	SecretKey string

	// UseSSL selects https.
	UseSSL bool

	// PathStyle forces path-style requests (http://host/bucket/key), which
	// most self-hosted servers need; otherwise the style is auto-detected.
	PathStyle bool

	// CreateBucket creates the bucket when it does not exist.
	CreateBucket bool
}

// S3 is a [Store] backed by an S3 compatible bucket.
//
// Note that the browser talks to Endpoint directly: it must be reachable
// from the browser and the bucket's CORS rules must allow the
// application's origin to PUT and GET.
type S3 struct {
	client *minio.Client
	bucket string
}

var _ Store = (*S3)(nil)

// NewS3 connects to the bucket described by cfg, checking that it exists
// (or creating it when cfg.CreateBucket is set).
func NewS3(ctx context.Context, cfg S3Config) (*S3, error) {
	endpoint, secure := cfg.Endpoint, cfg.UseSSL
	if scheme, rest, ok := strings.Cut(endpoint, "://"); ok {
		switch strings.ToLower(scheme) {
		case "http":
			secure = false
		case "https":
			secure = true
		default:
			return nil, fmt.Errorf("blob: s3 endpoint scheme must be http or https, got %q", scheme)
		}
		endpoint = strings.TrimRight(rest, "/")
	}
	if endpoint == "" || strings.ContainsAny(endpoint, "/@?#") {
		// Never echo the endpoint here: it might embed credentials.
		return nil, errors.New("blob: s3 endpoint must be host[:port], optionally prefixed with http:// or https://")
	}
	if cfg.Bucket == "" {
		return nil, errors.New("blob: s3 bucket is empty")
	}
	if cfg.AccessKey == "" || cfg.SecretKey == "" {
		return nil, errors.New("blob: s3 access key and secret key are required")
	}

	lookup := minio.BucketLookupAuto
	if cfg.PathStyle {
		lookup = minio.BucketLookupPath
	}
	client, err := minio.New(endpoint, &minio.Options{
		Creds:        credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure:       secure,
		Region:       cfg.Region,
		BucketLookup: lookup,
	})
	if err != nil {
		return nil, fmt.Errorf("blob: s3 client for %s: %w", endpoint, err)
	}

	exists, err := bucketExists(ctx, client, cfg.Bucket)
	if err != nil {
		return nil, fmt.Errorf("blob: check bucket %q at endpoint %s: %w", cfg.Bucket, endpoint, err)
	}
	if !exists {
		if !cfg.CreateBucket {
			return nil, fmt.Errorf("bucket %q does not exist at endpoint %s (set storage.s3.create_bucket: true or create it)", cfg.Bucket, endpoint)
		}
		err := client.MakeBucket(ctx, cfg.Bucket, minio.MakeBucketOptions{Region: cfg.Region})
		if err != nil {
			code := minio.ToErrorResponse(unwrapMinio(err)).Code
			if code != "BucketAlreadyOwnedByYou" && code != "BucketAlreadyExists" {
				return nil, fmt.Errorf("blob: create bucket %q at endpoint %s: %w", cfg.Bucket, endpoint, err)
			}
		}
	}
	return &S3{client: client, bucket: cfg.Bucket}, nil
}

// bucketExists reports whether bucket exists and is accessible.
func bucketExists(ctx context.Context, client *minio.Client, bucket string) (bool, error) {
	ok, err := client.BucketExists(ctx, bucket)
	if err != nil || ok {
		return ok, err
	}
	// A HEAD response has no body, hence no error code, and some servers
	// (versitygw) answer 404 to unknown credentials: confirm with a GET
	// that lists at most one object.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for oi := range client.ListObjects(ctx, bucket, minio.ListObjectsOptions{MaxKeys: 1}) {
		if oi.Err != nil {
			if minio.ToErrorResponse(unwrapMinio(oi.Err)).Code == minio.NoSuchBucket {
				return false, nil
			}
			return false, oi.Err
		}
		break
	}
	return true, nil
}

// PresignPut implements [Store.PresignPut]. A non-empty contentType is
// part of the signature (X-Amz-SignedHeaders), so S3 refuses uploads with
// another Content-Type.
func (s *S3) PresignPut(ctx context.Context, key string, ttl time.Duration, contentType string) (string, error) {
	if err := CheckKey(key); err != nil {
		return "", fmt.Errorf("presign put: %w", err)
	}
	if err := checkTTL(ttl); err != nil {
		return "", fmt.Errorf("presign put %s: %w", key, err)
	}
	if err := checkHeaderValue(contentType); err != nil {
		return "", fmt.Errorf("presign put %s: content type: %w", key, err)
	}
	var hdr http.Header
	if contentType != "" {
		hdr = http.Header{"Content-Type": {contentType}}
	}
	u, err := s.client.PresignHeader(ctx, http.MethodPut, s.bucket, key, ttl, nil, hdr)
	if err != nil {
		return "", fmt.Errorf("presign put %s: %w", key, err)
	}
	return u.String(), nil
}

// PresignGet implements [Store.PresignGet] with the
// response-content-disposition (and, for inline, response-content-type)
// overrides.
func (s *S3) PresignGet(ctx context.Context, key string, ttl time.Duration, downloadName string, disp Disposition) (string, error) {
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
	params := url.Values{"response-content-disposition": {cd}}
	if ct != "" {
		params.Set("response-content-type", ct)
	}
	u, err := s.client.PresignedGetObject(ctx, s.bucket, key, ttl, params)
	if err != nil {
		return "", fmt.Errorf("presign get %s: %w", key, err)
	}
	return u.String(), nil
}

// Stat implements [Store.Stat].
func (s *S3) Stat(ctx context.Context, key string) (ObjectInfo, error) {
	if err := CheckKey(key); err != nil {
		return ObjectInfo{}, fmt.Errorf("stat: %w", err)
	}
	oi, err := s.client.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{})
	if err != nil {
		return ObjectInfo{}, fmt.Errorf("stat %s: %w", key, mapS3Err(err))
	}
	return objectInfo(oi), nil
}

// Open implements [Store.Open].
func (s *S3) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	if err := CheckKey(key); err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	obj, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", key, mapS3Err(err))
	}
	// GetObject is lazy: Stat sends the GET, so a missing object is
	// reported here rather than on the first Read.
	if _, err := obj.Stat(); err != nil {
		obj.Close()
		return nil, fmt.Errorf("open %s: %w", key, mapS3Err(err))
	}
	return obj, nil
}

// ReadHead implements [Store.ReadHead] with a ranged GET.
func (s *S3) ReadHead(ctx context.Context, key string, n int) ([]byte, error) {
	if err := CheckKey(key); err != nil {
		return nil, fmt.Errorf("read head: %w", err)
	}
	if n < 0 {
		return nil, fmt.Errorf("read head %s: negative length %d", key, n)
	}
	if n == 0 {
		if _, err := s.client.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{}); err != nil {
			return nil, fmt.Errorf("read head %s: %w", key, mapS3Err(err))
		}
		return []byte{}, nil
	}
	var opts minio.GetObjectOptions
	if err := opts.SetRange(0, int64(n)-1); err != nil {
		return nil, fmt.Errorf("read head %s: %w", key, err)
	}
	obj, err := s.client.GetObject(ctx, s.bucket, key, opts)
	if err != nil {
		return nil, fmt.Errorf("read head %s: %w", key, mapS3Err(err))
	}
	defer obj.Close()
	b, err := io.ReadAll(io.LimitReader(obj, int64(n)))
	if err != nil {
		if minio.ToErrorResponse(unwrapMinio(err)).Code == "InvalidRange" {
			// The range starts past the end: the object is empty.
			return []byte{}, nil
		}
		return nil, fmt.Errorf("read head %s: %w", key, mapS3Err(err))
	}
	return b, nil
}

// Put implements [Store.Put].
func (s *S3) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	if err := CheckKey(key); err != nil {
		return fmt.Errorf("put: %w", err)
	}
	opts := minio.PutObjectOptions{ContentType: contentType}
	if size < 0 {
		size = -1
		opts.PartSize = unknownSizePartSize
	}
	if _, err := s.client.PutObject(ctx, s.bucket, key, r, size, opts); err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	return nil
}

// Delete implements [Store.Delete].
func (s *S3) Delete(ctx context.Context, key string) error {
	if err := CheckKey(key); err != nil {
		return fmt.Errorf("delete: %w", err)
	}
	err := s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{})
	if err != nil && !errors.Is(mapS3Err(err), ErrNotFound) {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	return nil
}

// DeletePrefix implements [Store.DeletePrefix] with batched
// DeleteObjects requests over a listing.
func (s *S3) DeletePrefix(ctx context.Context, prefix string) error {
	if err := CheckPrefix(prefix); err != nil {
		return fmt.Errorf("delete prefix: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	objs := make(chan minio.ObjectInfo)
	var listErr error
	go func() {
		defer close(objs)
		for oi := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
			if oi.Err != nil {
				listErr = oi.Err
				return
			}
			select {
			case objs <- oi:
			case <-ctx.Done():
				return
			}
		}
	}()

	var errs []error
	for rerr := range s.client.RemoveObjects(ctx, s.bucket, objs, minio.RemoveObjectsOptions{}) {
		if len(errs) < 5 && !errors.Is(mapS3Err(rerr.Err), ErrNotFound) {
			errs = append(errs, fmt.Errorf("%s: %w", rerr.ObjectName, rerr.Err))
		}
	}
	// RemoveObjects has drained objs, so the lister has returned.
	if listErr != nil {
		errs = append(errs, listErr)
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("delete prefix %s: %w", prefix, err)
	}
	return nil
}

// List implements [Store.List]. Objects are visited in key order.
func (s *S3) List(ctx context.Context, prefix string, fn func(ObjectInfo) error) error {
	if err := CheckPrefix(prefix); err != nil {
		return fmt.Errorf("list: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops minio's lister if fn fails
	for oi := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if oi.Err != nil {
			return fmt.Errorf("list %s: %w", prefix, oi.Err)
		}
		if err := fn(objectInfo(oi)); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// Ping implements [Store.Ping]: it checks that the bucket is reachable.
func (s *S3) Ping(ctx context.Context) error {
	ok, err := bucketExists(ctx, s.client, s.bucket)
	if err != nil {
		return fmt.Errorf("ping bucket %q: %w", s.bucket, err)
	}
	if !ok {
		return fmt.Errorf("ping bucket %q: bucket does not exist", s.bucket)
	}
	return nil
}

// objectInfo converts a minio object info.
func objectInfo(oi minio.ObjectInfo) ObjectInfo {
	return ObjectInfo{
		Key:     oi.Key,
		Size:    oi.Size,
		ETag:    strings.Trim(oi.ETag, `"`),
		ModTime: oi.LastModified,
	}
}

// unwrapMinio returns the minio.ErrorResponse inside err, if any, so that
// minio.ToErrorResponse (which does not unwrap) can read it.
func unwrapMinio(err error) error {
	var er minio.ErrorResponse
	if errors.As(err, &er) {
		return er
	}
	return err
}

// mapS3Err maps "no such key" responses to ErrNotFound (keeping the
// original error in the chain) and leaves other errors unchanged.
func mapS3Err(err error) error {
	er := minio.ToErrorResponse(unwrapMinio(err))
	switch {
	case er.Code == "NoSuchKey",
		er.StatusCode == http.StatusNotFound && er.Code != "NoSuchBucket":
		return fmt.Errorf("%w (%s)", ErrNotFound, er.Code)
	}
	return err
}
