package main

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"counterpart/internal/blob"
	"counterpart/internal/search"
)

// TestBackupAtScale measures backup and restore of a generated data dir of
// COUNTERPART_SCALE_GB gigabytes (documents' files, chunks with their index,
// conversations), and the latency of chat requests while the backup runs
// against the same requests on an idle server. It prints figures for
// docs/performance.md and checks only that the restore is whole:
//
//	COUNTERPART_SCALE_GB=10 GOTOOLCHAIN=go1.27.3 go test -run TestBackupAtScale -v -timeout 60m .
func TestBackupAtScale(t *testing.T) {
	gb, _ := strconv.ParseFloat(os.Getenv("COUNTERPART_SCALE_GB"), 64)
	if gb <= 0 {
		t.Skip("set COUNTERPART_SCALE_GB to measure backup and restore of a generated data dir")
	}
	bin := binary(t)
	dir := t.TempDir()
	if d := os.Getenv("COUNTERPART_SCALE_DIR"); d != "" {
		dir = d
	}
	run := func(args ...string) (string, time.Duration) {
		start := time.Now()
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		return string(out), time.Since(start)
	}
	data := filepath.Join(dir, "pb_data")
	if _, err := os.Stat(filepath.Join(data, "data.db")); err == nil {
		t.Logf("reusing the data dir in %s", dir) // COUNTERPART_SCALE_DIR from an earlier run
	} else {
		run("seed", "--demo")
		start := time.Now()
		docs, chunks, messages := generate(t, data, int64(gb*(1<<30)))
		t.Logf("generated %d documents, %d chunks, %d messages in %s", docs, chunks, messages, time.Since(start).Round(time.Second))
	}
	_ = os.Remove(filepath.Join(data, "backups", "scale.zip"))
	size := dirSize(t, data)
	t.Logf("data dir: %.2f GB", float64(size)/(1<<30))

	srv := startServer(t, bin, dir)
	member := srv.signIn(t, "member@smith.example")
	convID := srv.ask(t, member, "oil filter 04152-YZZA6")
	var idle, during []time.Duration
	ask := func() time.Duration {
		t0 := time.Now()
		req, _ := http.NewRequest("POST", srv.url("/api/chat/conversations/"+convID+"/messages"), strings.NewReader(`{"content":"oil filter 04152-YZZA6"}`))
		req.Header.Set("Authorization", member)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.Contains(string(body), `"retrieval_only":true`) {
			t.Fatalf("chat after %d idle and %d during: %d %s", len(idle), len(during), res.StatusCode, body)
		}
		return time.Since(t0)
	}
	for range 60 {
		idle = append(idle, ask())
	}

	// the backup runs in its own process while the server answers questions
	backup := exec.Command(bin, "backup", "create", "scale.zip")
	backup.Dir = dir
	backup.Env = append(os.Environ(), "COUNTERPART_HTTP="+srv.addr)
	var done atomic.Bool
	var backupErr error
	var backupOut []byte
	backupStart := time.Now()
	var backupTook time.Duration
	go func() {
		backupOut, backupErr = backup.CombinedOutput()
		backupTook = time.Since(backupStart)
		done.Store(true)
	}()
	for !done.Load() {
		at := time.Since(backupStart)
		d := ask()
		during = append(during, d)
		if d > time.Second {
			t.Logf("slow chat request: %s, started %s after the backup", d.Round(time.Millisecond), at.Round(time.Millisecond))
		}
	}
	if backupErr != nil {
		t.Fatalf("backup: %v\n%s", backupErr, backupOut)
	}
	srv.stop()
	zipInfo, err := os.Stat(filepath.Join(dir, "pb_data", "backups", "scale.zip"))
	must(t, err)
	t.Logf("backup: %.2f GB data dir → %.2f GB zip in %s (%.0f MB/s)", float64(size)/(1<<30), float64(zipInfo.Size())/(1<<30),
		backupTook.Round(time.Second), float64(size)/(1<<20)/backupTook.Seconds())
	t.Logf("chat request while idle:           p50 %s  p95 %s  max %s  (n=%d)", pct(idle, 50), pct(idle, 95), pct(idle, 100), len(idle))
	t.Logf("chat request while backup runs:    p50 %s  p95 %s  max %s  (n=%d)", pct(during, 50), pct(during, 95), pct(during, 100), len(during))

	// wipe everything but the backup, then restore
	entries, err := os.ReadDir(data)
	must(t, err)
	for _, e := range entries {
		if e.Name() != "backups" {
			must(t, os.RemoveAll(filepath.Join(data, e.Name())))
		}
	}
	out, took := run("backup", "restore", "scale.zip", "--yes")
	if !strings.Contains(out, "Restored") {
		t.Fatalf("restore said: %s", out)
	}
	restored := dirSize(t, data)
	t.Logf("restore: %.2f GB back in %s (%.0f MB/s)", float64(restored)/(1<<30), took.Round(time.Second), float64(restored)/(1<<20)/took.Seconds())

	srv = startServer(t, bin, dir)
	admin := srv.signIn(t, "admin@smith.example")
	st, list := srv.call(t, "GET", "/api/collections/documents/records?perPage=1", admin, nil)
	if st != 200 || fmt.Sprint(list["totalItems"]) == "0" {
		t.Fatalf("documents after restore: %d %v", st, list)
	}
	st, found := srv.call(t, "GET", "/api/search?q=04152-YZZA6", admin, nil)
	if st != 200 || !strings.Contains(fmt.Sprint(found), "04152-YZZA6") {
		t.Fatalf("search after restore: %d %v", st, found)
	}
	t.Logf("after restore: tenant smith has %v documents and finds its passages", list["totalItems"])
}

// generate fills dataDir with about target bytes: document files under the
// local store (a third text, the rest incompressible like PDFs and images),
// their chunks in the database and the search index, and conversations.
func generate(t *testing.T, dataDir string, target int64) (docs, chunks, messages int) {
	t.Helper()
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dataDir})
	must(t, app.Bootstrap())
	defer app.ResetBootstrapState()

	var tenants []*core.Record
	must(t, app.RecordQuery("tenants").All(&tenants))
	users := map[string][]string{}
	for _, tn := range tenants {
		us, err := app.FindAllRecords("users", dbx.HashExp{"tenant": tn.Id})
		must(t, err)
		for _, u := range us {
			users[tn.Id] = append(users[tn.Id], u.Id)
		}
	}
	src := rand.NewChaCha8([32]byte{1})
	rng := rand.New(src)
	storage := filepath.Join(dataDir, "storage")
	fileBudget := target * 85 / 100
	now := time.Now().UTC().Format("2006-01-02 15:04:05.000Z")
	const chunksPerDoc, batchDocs = 150, 20
	var written int64
	for written < fileBudget {
		err := app.RunInTransaction(func(tx core.App) error {
			insertDoc := tx.DB().NewQuery("INSERT INTO documents (id, tenant, uploaded_by, title, filename, content_type, size, storage_key, status, pages, chunks, processed_at, created, updated) " +
				"VALUES ({:id}, {:tenant}, {:user}, {:title}, {:name}, 'application/pdf', {:size}, {:key}, 'ready', {:pages}, {:chunks}, {:now}, {:now}, {:now})").Prepare()
			defer insertDoc.Close()
			insertChunk := tx.DB().NewQuery("INSERT INTO chunks (id, tenant, document, ordinal, page, row, sheet, text, created) " +
				"VALUES ({:id}, {:tenant}, {:document}, {:ordinal}, {:page}, 0, '', {:text}, {:now})").Prepare()
			defer insertChunk.Close()
			for range batchDocs {
				tn := tenants[docs%len(tenants)]
				id := core.GenerateDefaultRandomId()
				name := fmt.Sprintf("catalog-%05d.pdf", docs)
				key, err := blob.DocumentKey(tn.Id, id, name)
				if err != nil {
					return err
				}
				n := 256<<10 + rng.Int64N(3840<<10)
				if err := writeFile(filepath.Join(storage, key), n, rng, src); err != nil {
					return err
				}
				written += n
				if _, err := insertDoc.Bind(dbx.Params{"id": id, "tenant": tn.Id, "user": users[tn.Id][0], "title": "Catalog " + strconv.Itoa(docs),
					"name": name, "size": n, "key": key, "pages": chunksPerDoc / 3, "chunks": chunksPerDoc, "now": now}).Execute(); err != nil {
					return fmt.Errorf("document: %w", err)
				}
				entries := make([]search.Chunk, 0, chunksPerDoc)
				for c := range chunksPerDoc {
					text := partsText(rng, 800)
					res, err := insertChunk.Bind(dbx.Params{"id": core.GenerateDefaultRandomId(), "tenant": tn.Id, "document": id,
						"ordinal": c, "page": 1 + c/3, "text": text, "now": now}).Execute()
					if err != nil {
						return fmt.Errorf("chunk: %w", err)
					}
					rowid, _ := res.LastInsertId()
					entries = append(entries, search.Chunk{RowID: rowid, Tenant: tn.Id, Text: text})
				}
				if err := search.IndexChunks(tx.DB(), entries); err != nil {
					return err
				}
				docs++
				chunks += chunksPerDoc
			}
			return nil
		})
		must(t, err)
	}
	// one conversation of ten messages per ten documents
	for c := 0; c < docs*10; c += 10 {
		err := app.RunInTransaction(func(tx core.App) error {
			tn := tenants[c%len(tenants)]
			user := users[tn.Id][c%len(users[tn.Id])]
			conv := core.GenerateDefaultRandomId()
			if _, err := tx.DB().Insert("conversations", dbx.Params{"id": conv, "tenant": tn.Id, "user": user, "title": "Question " + strconv.Itoa(c),
				"session_id": "cp-" + core.GenerateDefaultRandomId(), "archived": false, "last_message_at": now, "created": now, "updated": now}).Execute(); err != nil {
				return err
			}
			for m := range 10 {
				role := []string{"user", "assistant"}[m%2]
				if _, err := tx.DB().Insert("messages", dbx.Params{"id": core.GenerateDefaultRandomId(), "tenant": tn.Id, "conversation": conv, "user": user,
					"role": role, "content": partsText(rng, 1000), "status": "complete", "sources": "[]", "created": now, "updated": now}).Execute(); err != nil {
					return err
				}
				messages++
			}
			return nil
		})
		must(t, err)
	}
	must(t, search.Optimize(app.DB()))
	return docs, chunks, messages
}

// writeFile writes n bytes: a third repetitive text, the rest random.
func writeFile(path string, n int64, rng *rand.Rand, src *rand.ChaCha8) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	text := n / 3
	for written := int64(0); written < text; {
		k, _ := w.WriteString(partsText(rng, 4096))
		written += int64(k)
	}
	buf := make([]byte, 64<<10)
	for left := n - text; left > 0; left -= int64(len(buf)) {
		_, _ = src.Read(buf)
		if left < int64(len(buf)) {
			buf = buf[:left]
		}
		_, _ = w.Write(buf)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

var scaleWords = strings.Fields("oil filter brake disc pad caliper gasket supersedes replaces price EUR net list " +
	"service bulletin torque wrench sensor hose clamp bearing seal kit water pump timing belt tensioner")

// partsText is about n bytes of catalog-like lines with part numbers.
func partsText(rng *rand.Rand, n int) string {
	var b strings.Builder
	for b.Len() < n {
		if rng.IntN(6) == 0 {
			fmt.Fprintf(&b, "%05d-%c%c%c%c%d ", rng.IntN(100000), 'A'+rng.IntN(26), 'A'+rng.IntN(26), 'A'+rng.IntN(26), 'A'+rng.IntN(26), rng.IntN(10))
		}
		b.WriteString(scaleWords[rng.IntN(len(scaleWords))])
		b.WriteByte(' ')
	}
	b.WriteString("04152-YZZA6")
	return b.String()
}

// dirSize is the size of the files under dir, its backups left out.
func dirSize(t *testing.T, dir string) int64 {
	var n int64
	must(t, filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err == nil && info.IsDir() && path == filepath.Join(dir, "backups") {
			return filepath.SkipDir
		}
		if err == nil && !info.IsDir() {
			n += info.Size()
		}
		return err
	}))
	return n
}

func pct(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := (len(s) - 1) * p / 100
	return s[i].Round(100 * time.Microsecond)
}
