package jobs_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/jobs"
)

// killHelperEnv names the data dir the helper process opens; set only in the helper.
const killHelperEnv = "COUNTERPART_JOBS_KILL9_DIR"

// TestKill9Helper is not a test: TestKill9 runs the test binary again with
// only this function, as another Counterpart process on the same data dir. It
// claims the job with a 1 s lease, says so, and hangs until it is killed.
func TestKill9Helper(t *testing.T) {
	dir := os.Getenv(killHelperEnv)
	if dir == "" {
		t.Skip("helper process for TestKill9")
	}
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir, EncryptionEnv: "pb_test_env"})
	if err := app.Bootstrap(); err != nil {
		fmt.Println("HELPER ERROR", err)
		os.Exit(2)
	}
	q := jobs.New(app, jobs.Options{Lease: time.Second})
	q.Handle("test.kill9", func(ctx context.Context, _ core.App, j *jobs.Job) error {
		fmt.Println("CLAIMED", j.ID)
		time.Sleep(time.Minute) // stuck, ignoring ctx: only SIGKILL ends it
		return nil
	}, nil)
	ran, err := q.RunOnce(context.Background())
	fmt.Println("HELPER ERROR: nothing claimed", ran, err)
	os.Exit(3)
}

// TestKill9 kills a process with SIGKILL while it holds a job; once the
// lease expires, a queue in this process completes the job.
func TestKill9(t *testing.T) {
	app, smith := setup(t)
	q := jobs.Register(app, jobs.Options{Lease: 5 * time.Second})
	var runs atomic.Int32
	q.Handle("test.kill9", func(context.Context, core.App, *jobs.Job) error { runs.Add(1); return nil }, nil)
	r := enqueue(t, q, app, smith, "test.kill9", "doc1", map[string]any{"file": "a.pdf"})

	cmd := exec.Command(os.Args[0], "-test.run=^TestKill9Helper$", "-test.count=1")
	cmd.Env = append(os.Environ(), killHelperEnv+"="+app.DataDir())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	must(t, err)
	must(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })

	lines := make(chan string, 16)
	go func() {
		defer close(lines)
		s := bufio.NewScanner(stdout)
		for s.Scan() {
			lines <- s.Text()
		}
	}()
	timeout := time.After(30 * time.Second)
wait:
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("the helper exited without claiming the job; stderr:\n%s", stderr.String())
			}
			if strings.HasPrefix(line, "HELPER ERROR") {
				t.Fatal(line)
			}
			if line == "CLAIMED "+r.Id {
				break wait
			}
		case <-timeout:
			t.Fatalf("the helper claimed nothing in 30s; stderr:\n%s", stderr.String())
		}
	}
	must(t, cmd.Process.Signal(syscall.SIGKILL))
	if err := cmd.Wait(); err == nil || !strings.Contains(err.Error(), "killed") {
		t.Fatalf("helper exit: %v, want killed", err)
	}

	r = job(t, app, r.Id)
	if r.GetString("status") != jobs.StatusRunning || r.GetInt("attempts") != 1 {
		t.Fatalf("after kill -9: status %q attempts %d, want running 1", r.GetString("status"), r.GetInt("attempts"))
	}
	leaseUntil := date(t, r, "lease_until")
	if time.Until(leaseUntil) > 100*time.Millisecond {
		// the dead process's lease still holds: nobody may take the job yet
		if ran, err := q.RunOnce(t.Context()); ran || err != nil {
			t.Fatalf("RunOnce during the dead process's lease = %v, %v; want nothing", ran, err)
		}
	}
	waitFor(t, 10*time.Second, "the job to be picked up after its lease expired", func() bool {
		ran, err := q.RunOnce(t.Context())
		must(t, err)
		return ran
	})
	if !time.Now().After(leaseUntil) {
		t.Errorf("the job was taken before its lease (%s) expired", leaseUntil)
	}
	r = job(t, app, r.Id)
	if r.GetString("status") != jobs.StatusDone || r.GetInt("attempts") != 2 || runs.Load() != 1 {
		t.Errorf("status %q attempts %d runs %d, want done 2 1", r.GetString("status"), r.GetInt("attempts"), runs.Load())
	}
	if !strings.Contains(r.GetString("last_error"), "lease expired") {
		t.Errorf("last_error %q", r.GetString("last_error"))
	}
}
