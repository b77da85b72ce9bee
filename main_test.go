package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// binary builds the counterpart command once for the end-to-end CLI tests.
func binary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "counterpart")
	cmd := exec.Command("go", "build", "-trimpath", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

func freePort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// TestCommandLine drives the real binary the way IT does: version, config
// check, seeding twice, creating a tenant, and serving on the configured address.
func TestCommandLine(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := binary(t)
	dir := t.TempDir()
	run := func(env []string, args ...string) (string, error) {
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}

	if out, err := run(nil, "--version"); err != nil || !strings.Contains(out, "commit") {
		t.Errorf("--version: %v %s", err, out)
	}
	out, err := run([]string{"COUNTERPART_N8N_JWT_ALGORITHM=none"}, "config", "check")
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 || !strings.Contains(out, "n8n.jwt.algorithm") {
		t.Errorf("bad config: %v %s", err, out)
	}
	if out, err := run([]string{"COUNTERPART_N8N_JWT_SECRET=supersecret-supersecret-supersecret"}, "config", "check"); err != nil ||
		strings.Contains(out, "supersecret") || !strings.Contains(out, "configuration is valid") {
		t.Errorf("config check: %v %s", err, out)
	}
	for i := 0; i < 2; i++ {
		if out, err := run(nil, "seed", "--demo"); err != nil || !strings.Contains(out, "admin@smith.example") {
			t.Fatalf("seed #%d: %v %s", i+1, err, out)
		}
	}
	out, err = run(nil, "tenant", "list")
	if err != nil || strings.Count(out, "active  3") != 2 {
		t.Errorf("after seeding twice, want two tenants with 3 users each: %v\n%s", err, out)
	}
	if out, err := run(nil, "tenant", "create", "--name", "Miller Trucks", "--slug", "miller", "--admin-email", "boss@miller.example"); err != nil {
		t.Errorf("tenant create: %v %s", err, out)
	}

	addr := freePort(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv := exec.CommandContext(ctx, bin, "serve")
	srv.Dir = dir
	srv.Env = append(os.Environ(), "COUNTERPART_HTTP="+addr)
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); _ = srv.Wait() }()
	url := fmt.Sprintf("http://%s/api/health", addr)
	var res *http.Response
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if res, err = http.Get(url); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("serve did not listen on the configured %s: %v", addr, err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("health: %d", res.StatusCode)
	}
	res, err = http.Post(fmt.Sprintf("http://%s/api/collections/users/auth-with-password", addr), "application/json",
		strings.NewReader(`{"identity":"admin@smith.example","password":"counterpart-demo"}`))
	if err != nil || res.StatusCode != 200 {
		t.Errorf("demo sign-in: %v %v", err, res)
	}
}
