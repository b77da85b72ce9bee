// Package blobtest runs a real S3 compatible server (versitygw) for tests.
//
// One server is shared by all the callers of a test process; each caller
// gets its own bucket. The server stops when the last test using it ends.
package blobtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"counterpart/internal/blob"
)

const (
	// AccessKey is the root access key of the test server.
	AccessKey = "test"

	// SecretKey is the root secret key of the test server.
	SecretKey = "testsecret123"

	// Region is the region of the test server.
	Region = "us-east-1"

	// BinaryEnv names the environment variable that may point to the
	// versitygw binary.
	BinaryEnv = "VERSITYGW_BIN"

	// InstallHint tells how to install the versitygw binary.
	InstallHint = "GOBIN=$HOME/.cache/counterpart-ci/bin go install github.com/versity/versitygw/cmd/versitygw@v1.8.0"

	startTimeout = 15 * time.Second
)

// server is the shared versitygw process.
type server struct {
	cmd      *exec.Cmd
	endpoint string
	rootDir  string
	output   *syncBuffer
	exited   chan struct{}
	waitErr  error
}

var (
	mu      sync.Mutex
	shared  *server
	users   int
	buckets atomic.Int64
)

// StartS3 returns the configuration of a fresh, empty bucket on a shared
// versitygw server started on a loopback port (path-style, plain http).
//
// The binary is looked up in $VERSITYGW_BIN, then $PATH, then
// $HOME/.cache/counterpart-ci/bin/versitygw. When it is missing the test
// is skipped, or fails if the CI environment variable is set.
func StartS3(t testing.TB) blob.S3Config {
	t.Helper()
	bin, err := FindBinary()
	if err != nil {
		msg := fmt.Sprintf("blobtest: versitygw S3 server not found (%v); install it with:\n\t%s\nor set %s", err, InstallHint, BinaryEnv)
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip("SKIPPING S3 TEST: " + msg)
	}

	srv := acquire(t, bin)
	t.Cleanup(release)

	cfg := blob.S3Config{
		Endpoint:  srv.endpoint,
		Bucket:    fmt.Sprintf("blobtest-%d-%s", buckets.Add(1), strings.ToLower(rand.Text()[:12])),
		Region:    Region,
		AccessKey: AccessKey,
		SecretKey: SecretKey,
		PathStyle: true,
	}
	client, err := NewClient(cfg)
	if err != nil {
		t.Fatalf("blobtest: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	if err := client.MakeBucket(ctx, cfg.Bucket, minio.MakeBucketOptions{Region: Region}); err != nil {
		t.Fatalf("blobtest: create bucket %s: %v\nserver output:\n%s", cfg.Bucket, err, srv.output)
	}
	return cfg
}

// NewClient returns a minio-go client for cfg (for direct access in
// tests and benchmarks).
func NewClient(cfg blob.S3Config) (*minio.Client, error) {
	lookup := minio.BucketLookupAuto
	if cfg.PathStyle {
		lookup = minio.BucketLookupPath
	}
	return minio.New(cfg.Endpoint, &minio.Options{
		Creds:        credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure:       cfg.UseSSL,
		Region:       cfg.Region,
		BucketLookup: lookup,
		MaxRetries:   1,
	})
}

// FindBinary returns the path of the versitygw binary.
func FindBinary() (string, error) {
	if p := os.Getenv(BinaryEnv); p != "" {
		if isExecutable(p) {
			return p, nil
		}
		return "", fmt.Errorf("%s=%s is not an executable file", BinaryEnv, p)
	}
	if p, err := exec.LookPath("versitygw"); err == nil {
		return p, nil
	}
	if home, err := os.UserHomeDir(); err == nil {
		p := filepath.Join(home, ".cache", "counterpart-ci", "bin", "versitygw")
		if isExecutable(p) {
			return p, nil
		}
	}
	return "", errors.New("not in $" + BinaryEnv + ", $PATH or ~/.cache/counterpart-ci/bin")
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

// acquire returns the shared server, starting it if needed.
func acquire(t testing.TB, bin string) *server {
	t.Helper()
	mu.Lock()
	defer mu.Unlock()
	if shared != nil {
		select {
		case <-shared.exited:
			// It died: start a new one below.
			t.Logf("blobtest: versitygw exited (%v), restarting; output:\n%s", shared.waitErr, shared.output)
			os.RemoveAll(shared.rootDir)
			shared = nil
		default:
			users++
			return shared
		}
	}
	var errs []error
	for range 3 { // a free port may be taken before versitygw binds it
		srv, err := start(bin)
		if err == nil {
			shared = srv
			users++
			return srv
		}
		errs = append(errs, err)
	}
	t.Fatalf("blobtest: cannot start versitygw: %v", errors.Join(errs...))
	return nil
}

// release stops the shared server once its last user is done.
func release() {
	mu.Lock()
	defer mu.Unlock()
	users--
	if users > 0 || shared == nil {
		return
	}
	shared.stop()
	shared = nil
}

// start launches versitygw on a free loopback port and waits until it
// accepts connections.
func start(bin string) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	rootDir, err := os.MkdirTemp("", "blobtest-versitygw-")
	if err != nil {
		return nil, err
	}
	addr := net.JoinHostPort("127.0.0.1", port)
	cmd := exec.Command(bin, "--port", addr, "--quiet", "posix", rootDir)
	cmd.Env = append(os.Environ(),
		"ROOT_ACCESS_KEY="+AccessKey,
		"ROOT_SECRET_KEY="+SecretKey,
		"VGW_REGION="+Region,
	)
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		os.RemoveAll(rootDir)
		return nil, err
	}
	srv := &server{cmd: cmd, endpoint: addr, rootDir: rootDir, output: out, exited: make(chan struct{})}
	go func() {
		srv.waitErr = cmd.Wait()
		close(srv.exited)
	}()

	deadline := time.Now().Add(startTimeout)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return srv, nil
		}
		select {
		case <-srv.exited:
			os.RemoveAll(rootDir)
			return nil, fmt.Errorf("versitygw exited early (%v):\n%s", srv.waitErr, out)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			srv.stop()
			return nil, fmt.Errorf("versitygw not listening on %s after %s:\n%s", addr, startTimeout, out)
		}
	}
}

// stop kills the process, waits for it and removes its data.
func (s *server) stop() {
	s.cmd.Process.Kill()
	<-s.exited
	os.RemoveAll(s.rootDir)
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	_, port, err := net.SplitHostPort(l.Addr().String())
	return port, err
}

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.buf.Len() > 64<<10 {
		return len(p), nil // keep memory bounded
	}
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
