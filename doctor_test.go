package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestWantsDoctor(t *testing.T) {
	cases := []struct {
		args []string
		want bool
	}{
		{[]string{"doctor"}, true},
		{[]string{"--config", "/etc/counterpart/counterpart.yaml", "doctor"}, true},
		{[]string{"--dir=/var/lib/counterpart", "doctor"}, true},
		{[]string{"doctor", "--help"}, true},
		{[]string{"serve"}, false},
		{[]string{"--config", "doctor", "serve"}, false},
		{[]string{"tenant", "create", "--name", "doctor"}, false},
		{nil, false},
	}
	for _, c := range cases {
		if got := wantsDoctor(c.args); got != c.want {
			t.Errorf("wantsDoctor(%q) = %v, want %v", c.args, got, c.want)
		}
	}
}

// TestDoctorCommand runs the real binary's doctor against a healthy and a
// broken installation: exit 0 with OKs and WARNs, exit 1 with each FAIL and its fix.
func TestDoctorCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := binary(t)
	root := t.TempDir()
	data := filepath.Join(root, "data")
	if err := os.Mkdir(data, 0o750); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(root, "counterpart.yaml")
	write := func(content string, mode os.FileMode) {
		t.Helper()
		if err := os.WriteFile(conf, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(conf, mode); err != nil {
			t.Fatal(err)
		}
	}
	run := func(args ...string) (string, int) {
		cmd := exec.Command(bin, args...)
		cmd.Dir = root
		out, err := cmd.CombinedOutput()
		if ee, ok := err.(*exec.ExitError); ok {
			return string(out), ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return string(out), 0
	}

	healthy := "data_dir: " + data + "\npublic_url: http://127.0.0.1:8090\nbackups:\n  cron: \"0 2 * * *\"\n"
	write(healthy, 0o600)
	out, code := run("--config", conf, "doctor")
	if code != 0 || !strings.Contains(out, "OK    config") || strings.Contains(out, "FAIL  ") {
		t.Errorf("healthy installation: exit %d\n%s", code, out)
	}

	broken := healthy + "n8n:\n  chat_url: " + "http://" + freePort(t) + "/webhook/chat\n  jwt:\n    secret: " + strings.Repeat("abcd", 10) + "\n" +
		"smtp:\n  host: 127.0.0.1\n  port: " + strings.Split(freePort(t), ":")[1] + "\n"
	write(broken, 0o600)
	out, code = run("--config", conf, "doctor")
	for _, want := range []string{"FAIL  secrets", "FAIL  n8n", "FAIL  smtp", "fix: "} {
		if !strings.Contains(out, want) {
			t.Errorf("broken installation: no %q in\n%s", want, out)
		}
	}
	if code != 1 || strings.Contains(out, "abcdabcd") {
		t.Errorf("broken installation: exit %d (want 1), or the secret printed:\n%s", code, out)
	}

	// a config file with a secret that others can read: the loader refuses, the doctor says why
	write(broken, 0o644)
	out, code = run("--config", conf, "doctor")
	if code != 1 || !strings.Contains(out, "FAIL  config") || !strings.Contains(out, "chmod 600") {
		t.Errorf("readable config with a secret: exit %d\n%s", code, out)
	}
	if out, code := run("--config", conf, "serve"); code == 0 || !strings.Contains(out, "chmod 600") {
		t.Errorf("serve with a readable config holding a secret: exit %d\n%s", code, out)
	}
}
