package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// server runs `counterpart serve` in dir until stop is called.
type server struct {
	addr string
	cmd  *exec.Cmd
}

func startServer(t *testing.T, bin, dir string) *server {
	t.Helper()
	s := &server{addr: freePort(t)}
	s.cmd = exec.Command(bin, "serve")
	s.cmd.Dir = dir
	s.cmd.Env = append(os.Environ(), "COUNTERPART_HTTP="+s.addr, "COUNTERPART_AUTH_RATE_LIMIT=false")
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.stop)
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if res, err := http.Get(s.url("/api/health")); err == nil {
			res.Body.Close()
			return s
		}
	}
	t.Fatal("server did not start")
	return nil
}

func (s *server) url(p string) string { return "http://" + s.addr + p }

func (s *server) stop() {
	if s.cmd.Process != nil && s.cmd.ProcessState == nil {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		_ = s.cmd.Wait()
	}
}

// call sends a JSON request and decodes the JSON answer.
func (s *server) call(t *testing.T, method, path, token string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, s.url(path), rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out := map[string]any{}
	_ = json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}

func (s *server) signIn(t *testing.T, email string) string {
	t.Helper()
	st, out := s.call(t, "POST", "/api/collections/users/auth-with-password", "", map[string]any{"identity": email, "password": "counterpart-demo"})
	if st != 200 {
		t.Fatalf("sign in %s: %d %v", email, st, out)
	}
	return out["token"].(string)
}

// ask starts a conversation with one question and returns its id once answered.
func (s *server) ask(t *testing.T, token, question string) string {
	t.Helper()
	_, me := s.call(t, "POST", "/api/collections/users/auth-refresh", token, nil)
	rec, _ := me["record"].(map[string]any)
	st, conv := s.call(t, "POST", "/api/collections/conversations/records", token,
		map[string]any{"tenant": rec["tenant"], "user": rec["id"], "title": question})
	if st != 200 {
		t.Fatalf("conversation: %d %v", st, conv)
	}
	id := conv["id"].(string)
	if st, out := s.call(t, "POST", "/api/chat/conversations/"+id+"/messages", token, map[string]any{"content": question}); st != 200 {
		t.Fatalf("ask: %d %v", st, out)
	}
	return id
}

// upload stores a text document and waits until it is processed.
func (s *server) upload(t *testing.T, token, name, text string) string {
	t.Helper()
	st, out := s.call(t, "POST", "/api/documents/uploads", token, map[string]any{"name": name, "type": "text/plain", "size": len(text)})
	if st != 201 {
		t.Fatalf("upload: %d %v", st, out)
	}
	up := out["upload"].(map[string]any)
	req, _ := http.NewRequest("PUT", up["url"].(string), strings.NewReader(text))
	req.Header.Set("Content-Type", "text/plain")
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 200 {
		t.Fatalf("PUT: %v %v", err, res)
	}
	id := out["document"].(map[string]any)["id"].(string)
	if st, out := s.call(t, "POST", "/api/documents/"+id+"/complete", token, nil); st != 200 {
		t.Fatalf("complete: %d %v", st, out)
	}
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if _, doc := s.call(t, "GET", "/api/collections/documents/records/"+id, token, nil); doc["status"] == "ready" {
			return id
		}
	}
	t.Fatalf("%s was not processed", name)
	return ""
}

// TestBackupRestoreDrill makes data in two tenants, backs up, wipes the data
// dir, restores, and checks that users, documents, files and the index are
// back and the app works.
func TestBackupRestoreDrill(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := binary(t)
	dir := t.TempDir()
	run := func(args ...string) string {
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	run("seed", "--demo")
	srv := startServer(t, bin, dir)
	smith := srv.signIn(t, "member@smith.example")
	jones := srv.signIn(t, "member@jones.example")
	docA := srv.upload(t, smith, "bulletin.txt", "Service bulletin 42: replace oil filter 04152-YZZA6.")
	srv.upload(t, jones, "prices.txt", "Brake disc 8E0-615-301-AG costs 89.90.")
	convA := srv.ask(t, smith, "Which oil filter does bulletin 42 name?")
	smithAdmin := srv.signIn(t, "admin@smith.example")
	st, report := srv.call(t, "POST", "/api/reports/run", smithAdmin, nil)
	reportID, _ := report["id"].(string)
	if st != 200 || reportID == "" || report["status"] != "ready" {
		t.Fatalf("report: %d %v", st, report)
	}

	// while the service runs, the command asks it for the backup
	online := func(args ...string) (string, error) {
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "COUNTERPART_HTTP="+srv.addr)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := online("backup", "create", "drill.zip"); err != nil || !strings.Contains(out, "through the running service") {
		t.Fatalf("backup while serving: %v %s", err, out)
	}
	srv.stop()
	if !strings.Contains(run("backup", "list"), "drill.zip") {
		t.Fatal("backup not listed")
	}
	// wipe everything but the backup
	data := filepath.Join(dir, "pb_data")
	zip, err := os.ReadFile(filepath.Join(data, "backups", "drill.zip"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(data); err != nil {
		t.Fatal(err)
	}
	must(t, os.MkdirAll(filepath.Join(data, "backups"), 0o755))
	must(t, os.WriteFile(filepath.Join(data, "backups", "drill.zip"), zip, 0o600))

	start := time.Now()
	if out := run("backup", "restore", "drill.zip", "--yes"); !strings.Contains(out, "Restored") {
		t.Fatalf("restore said: %s", out)
	}
	t.Logf("restore took %s for a %d kB backup", time.Since(start), len(zip)/1024)

	srv = startServer(t, bin, dir)
	smith = srv.signIn(t, "member@smith.example")
	st, list := srv.call(t, "GET", "/api/collections/documents/records", smith, nil)
	items, _ := list["items"].([]any)
	if st != 200 || len(items) != 1 || items[0].(map[string]any)["id"] != docA || items[0].(map[string]any)["status"] != "ready" {
		t.Fatalf("smith's documents after restore: %d %v", st, list)
	}
	st, dl := srv.call(t, "GET", "/api/documents/"+docA+"/download", smith, nil)
	if st != 200 {
		t.Fatalf("download: %d %v", st, dl)
	}
	res, err := http.Get(dl["url"].(string))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(body), "04152-YZZA6") {
		t.Errorf("restored file: %q", body)
	}
	// the index and the conversation are back too
	if st, found := srv.call(t, "GET", "/api/search?q=04152-YZZA6", smith, nil); st != 200 || !strings.Contains(fmt.Sprint(found), docA) {
		t.Errorf("search after restore: %d %v", st, found)
	}
	if st, msgs := srv.call(t, "GET", "/api/collections/messages/records?filter=conversation%3D%22"+convA+"%22", smith, nil); st != 200 || fmt.Sprint(msgs["totalItems"]) != "2" {
		t.Errorf("conversation after restore: %d %v", st, msgs)
	}
	// and the report with its protected CSV
	smithAdmin = srv.signIn(t, "admin@smith.example")
	st, rep := srv.call(t, "GET", "/api/collections/reports/records/"+reportID, smithAdmin, nil)
	if st != 200 || rep["csv"] == "" {
		t.Fatalf("report after restore: %d %v", st, rep)
	}
	_, ft := srv.call(t, "POST", "/api/files/token", smithAdmin, nil)
	res, err = http.Get(srv.url(fmt.Sprintf("/api/files/reports/%s/%s?token=%s", reportID, rep["csv"], ft["token"])))
	if err != nil {
		t.Fatal(err)
	}
	csv, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(csv), ",") {
		t.Errorf("report CSV after restore: %d %q", res.StatusCode, csv)
	}
	// the other tenant's session still sees only its own
	jones = srv.signIn(t, "member@jones.example")
	if _, l := srv.call(t, "GET", "/api/collections/documents/records", jones, nil); fmt.Sprint(l["totalItems"]) != "1" {
		t.Errorf("jones documents after restore: %v", l["totalItems"])
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
