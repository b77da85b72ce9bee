package blob_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"counterpart/internal/blob"
	"counterpart/internal/blob/blobtest"
)

func newS3(t testing.TB) (*blob.S3, blob.S3Config) {
	t.Helper()
	cfg := blobtest.StartS3(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := blob.NewS3(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s, cfg
}

func TestS3Contract(t *testing.T) {
	t.Parallel()
	s, _ := newS3(t)
	testStoreContract(t, s)
}

func TestNewS3Bucket(t *testing.T) {
	t.Parallel()
	cfg := blobtest.StartS3(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	missing := cfg
	missing.Bucket = cfg.Bucket + "-missing"
	_, err := blob.NewS3(ctx, missing)
	want := fmt.Sprintf("bucket %q does not exist at endpoint %s (set storage.s3.create_bucket: true or create it)", missing.Bucket, cfg.Endpoint)
	if err == nil || err.Error() != want {
		t.Fatalf("NewS3(missing bucket) = %v\nwant %s", err, want)
	}

	missing.CreateBucket = true
	s, err := blob.NewS3(ctx, missing)
	if err != nil {
		t.Fatalf("NewS3(create) = %v", err)
	}
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("Ping = %v", err)
	}
	// Creating again is fine.
	if _, err := blob.NewS3(ctx, missing); err != nil {
		t.Fatalf("NewS3(existing, create) = %v", err)
	}

	withScheme := cfg
	withScheme.Endpoint = "http://" + cfg.Endpoint + "/"
	withScheme.UseSSL = true // the scheme wins
	if _, err := blob.NewS3(ctx, withScheme); err != nil {
		t.Fatalf("NewS3(http:// endpoint) = %v", err)
	}
}

func TestNewS3ErrorsHideSecrets(t *testing.T) {
	t.Parallel()
	cfg := blobtest.StartS3(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	for name, bad := range map[string]func(*blob.S3Config){
		"wrong secret":     func(c *blob.S3Config) { c.SecretKey = "wrong-secret-value-42" },
		"wrong access key": func(c *blob.S3Config) { c.AccessKey = "nobody"; c.SecretKey = "wrong-secret-value-42" },
		"userinfo":         func(c *blob.S3Config) { c.Endpoint = "http://user:wrong-secret-value-42@" + c.Endpoint },
		"no keys":          func(c *blob.S3Config) { c.AccessKey, c.SecretKey = "", "" },
		"no bucket":        func(c *blob.S3Config) { c.Bucket = "" },
		"bad scheme":       func(c *blob.S3Config) { c.Endpoint = "ftp://" + c.Endpoint },
	} {
		c := cfg
		bad(&c)
		_, err := blob.NewS3(ctx, c)
		if err == nil {
			t.Errorf("%s: NewS3 succeeded", name)
			continue
		}
		t.Logf("%s: %v", name, err)
		if strings.Contains(err.Error(), "does not exist") {
			t.Errorf("%s: misleading error: %v", name, err)
		}
		if strings.Contains(err.Error(), "wrong-secret-value-42") || strings.Contains(err.Error(), blobtest.SecretKey) {
			t.Errorf("%s: error leaks a secret: %v", name, err)
		}
	}

	// minio-go retries connection errors with backoff: bound it.
	ctx, cancel = context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	unreachable := cfg
	unreachable.Endpoint = "127.0.0.1:1"
	_, err := blob.NewS3(ctx, unreachable)
	if err == nil || !strings.Contains(err.Error(), cfg.Bucket) {
		t.Errorf("NewS3(unreachable) = %v", err)
	}
	t.Logf("unreachable: %v", err)
}

func TestS3PresignedURLsAreBound(t *testing.T) {
	t.Parallel()
	s, _ := newS3(t)
	ctx := context.Background()
	u, err := s.PresignPut(ctx, "a/b.pdf", time.Minute, "application/pdf")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(u, "X-Amz-SignedHeaders=content-type%3Bhost") {
		t.Errorf("content type not signed: %s", u)
	}
	u, err = s.PresignGet(ctx, "a/b.pdf", time.Minute, "Ölfilter.pdf", blob.Inline)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"response-content-disposition=inline", "response-content-type=application%2Fpdf"} {
		if !strings.Contains(u, p) {
			t.Errorf("URL lacks %s: %s", p, u)
		}
	}
}

// BenchmarkPresignedUpload compares uploading 1 MB objects through a
// presigned URL (what browsers do) with a direct minio-go PutObject, both
// against the same local versitygw server. Run it with, for example:
//
//	go test -run '^$' -bench PresignedUpload -benchtime 20x ./internal/blob/
func BenchmarkPresignedUpload(b *testing.B) {
	const size = 1 << 20
	s, cfg := newS3(b)
	client, err := blobtest.NewClient(cfg)
	if err != nil {
		b.Fatal(err)
	}
	data := bytes.Repeat([]byte("0123456789abcdef"), size/16)
	ctx := context.Background()
	hc := &http.Client{Timeout: time.Minute}

	b.Run("presigned-put", func(b *testing.B) {
		b.SetBytes(size)
		var presign time.Duration
		i := 0
		for b.Loop() {
			key := fmt.Sprintf("bench/presigned/%d", i)
			i++
			t0 := time.Now()
			u, err := s.PresignPut(ctx, key, time.Minute, "application/octet-stream")
			if err != nil {
				b.Fatal(err)
			}
			presign += time.Since(t0)
			req, _ := http.NewRequest(http.MethodPut, u, bytes.NewReader(data))
			req.Header.Set("Content-Type", "application/octet-stream")
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Fatalf("PUT = %d", resp.StatusCode)
			}
		}
		b.ReportMetric(float64(presign.Microseconds())/float64(i), "presign-µs/op")
		b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "uploads/s")
	})

	b.Run("minio-putobject", func(b *testing.B) {
		b.SetBytes(size)
		i := 0
		for b.Loop() {
			key := fmt.Sprintf("bench/direct/%d", i)
			i++
			_, err := client.PutObject(ctx, cfg.Bucket, key, bytes.NewReader(data), size,
				minio.PutObjectOptions{ContentType: "application/octet-stream"})
			if err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "uploads/s")
	})

	if err := s.DeletePrefix(ctx, "bench/"); err != nil && !errors.Is(err, context.Canceled) {
		b.Fatal(err)
	}
}
