package usage_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/apptest"
	"counterpart/hooks/usage"
)

func TestAnswerEventsOncePerTransition(t *testing.T) {
	app := apptest.New(t, nil)
	member := user(t, app, "member@smith.example")
	doc := "docaaaaaaaaaaa1"
	a := newAnswer(t, app, member)

	steps := []struct {
		name   string
		change map[string]any
		fresh  bool // load the record again, as a route does, instead of saving the same object
		want   map[string]int64
	}{
		{"streaming writes are no event", map[string]any{"status": "streaming", "content": "Oil"}, false,
			map[string]int64{usage.KindAnswerCompleted: 0}},
		{"completing is one event", map[string]any{"status": "complete", "content": "Oil filter", "model": "llama3.1:8b",
			"tokens_in": 120, "tokens_out": 40, "latency_ms": 900, "first_token_ms": 200,
			"sources": []map[string]any{{"document": doc, "page": 1}, {"document": doc, "page": 2}}}, false,
			map[string]int64{usage.KindAnswerCompleted: 1}},
		{"saving the same object again in the same status", map[string]any{"content": "Oil filter."}, false,
			map[string]int64{usage.KindAnswerCompleted: 1}},
		{"saving a fresh copy in the same status", map[string]any{"content": "Oil filter!"}, true,
			map[string]int64{usage.KindAnswerCompleted: 1}},
		{"feedback up", map[string]any{"feedback": "up"}, true, map[string]int64{usage.KindFeedback: 1}},
		{"the same feedback again", map[string]any{"feedback": "up", "feedback_comment": "really"}, true, map[string]int64{usage.KindFeedback: 1}},
		{"feedback changed", map[string]any{"feedback": "down"}, true, map[string]int64{usage.KindFeedback: 2, usage.KindAnswerCompleted: 1}},
	}
	for _, s := range steps {
		if s.fresh {
			var err error
			a, err = app.FindRecordById("messages", a.Id)
			must(t, err)
		}
		for k, v := range s.change {
			a.Set(k, v)
		}
		must(t, app.Save(a))
		for kind, want := range s.want {
			if got := events(t, app, kind, a.Id); got != want {
				t.Errorf("%s: %d %s events, want %d", s.name, got, kind, want)
			}
		}
	}
	ev, err := app.FindFirstRecordByFilter(usage.Events, "kind = 'answer_completed' && subject = {:id}", map[string]any{"id": a.Id})
	must(t, err)
	if ev.GetString("model") != "llama3.1:8b" || ev.GetInt("tokens_in") != 120 || ev.GetInt("latency_ms") != 900 ||
		ev.GetString("user") != member.Id || ev.GetString("tenant") != member.GetString("tenant") {
		t.Errorf("event fields: %v", ev.FieldsData())
	}
	if docs := ev.GetStringSlice("documents"); !slices.Equal(docs, []string{doc}) {
		t.Errorf("cited documents = %v, want each once", docs)
	}
	fb, err := app.FindFirstRecordByFilter(usage.Events, "kind = 'feedback' && feedback = 'down'", nil)
	must(t, err)
	if fb.GetString("previous") != "up" {
		t.Errorf("a changed rating must name the one it replaced: %v", fb.FieldsData())
	}
}

func TestRetriedAnswerCountsEachAttempt(t *testing.T) {
	app := apptest.New(t, nil)
	a := newAnswer(t, app, user(t, app, "member@smith.example"))
	for _, status := range []string{"failed", "pending", "streaming", "failed", "pending", "complete"} {
		fresh, err := app.FindRecordById("messages", a.Id)
		must(t, err)
		fresh.Set("status", status)
		// the save's time is part of the key: make sure two saves differ as they do in life
		time.Sleep(2 * time.Millisecond)
		must(t, app.Save(fresh))
	}
	if f, c := events(t, app, usage.KindAnswerFailed, a.Id), events(t, app, usage.KindAnswerCompleted, a.Id); f != 2 || c != 1 {
		t.Errorf("failed %d, completed %d; want 2 and 1 (each attempt is an outcome)", f, c)
	}
}

func TestDocumentEvents(t *testing.T) {
	app := apptest.New(t, nil)
	smith := tenant(t, app, "smith")
	uploader := user(t, app, "manager@smith.example")
	col, err := app.FindCollectionByNameOrId("documents")
	must(t, err)
	d := core.NewRecord(col)
	d.Load(map[string]any{"tenant": smith.Id, "uploaded_by": uploader.Id, "filename": "prices.csv", "size": 2048, "status": "pending_upload"})
	must(t, app.Save(d))
	for _, st := range []string{"uploaded", "uploaded", "processing", "ready", "ready", "processing", "failed"} {
		fresh, err := app.FindRecordById("documents", d.Id)
		must(t, err)
		fresh.Set("status", st)
		if st == "ready" {
			fresh.Set("pages", 12)
			fresh.Set("rows", 300)
		}
		must(t, app.Save(fresh))
	}
	for kind, want := range map[string]int64{usage.KindDocumentUploaded: 1, usage.KindDocumentProcessed: 1, usage.KindDocumentFailed: 1} {
		if got := events(t, app, kind, d.Id); got != want {
			t.Errorf("%s: %d events, want %d", kind, got, want)
		}
	}
	must(t, usage.Rollup(app))
	if got := daily(t, app, smith.Id, "pages", ""); got != 12 {
		t.Errorf("pages = %d, want 12", got)
	}
	if got := daily(t, app, smith.Id, "upload_bytes", ""); got != 2048 {
		t.Errorf("upload bytes = %d, want 2048", got)
	}
}

func TestSignInIsCountedButRefreshIsNot(t *testing.T) {
	app := apptest.New(t, nil)
	srv := apptest.Serve(t, app)
	member := user(t, app, "member@smith.example")
	res := apptest.Do(t, srv, "POST", "/api/collections/users/auth-with-password", "",
		map[string]any{"identity": "member@smith.example", "password": "counterpart-demo"})
	if res.Status != http.StatusOK {
		t.Fatalf("sign in: %d %s", res.Status, res.Body)
	}
	tok, _ := res.JSON["token"].(string)
	if res := apptest.Do(t, srv, "POST", "/api/collections/users/auth-refresh", tok, nil); res.Status != http.StatusOK {
		t.Fatalf("refresh: %d %s", res.Status, res.Body)
	}
	if res := apptest.Do(t, srv, "POST", "/api/collections/users/auth-with-password", "",
		map[string]any{"identity": "member@smith.example", "password": "wrong-password"}); res.Status != http.StatusBadRequest {
		t.Fatalf("wrong password: %d", res.Status)
	}
	n, err := app.CountRecords(usage.Events, dbx.HashExp{"kind": usage.KindSignIn, "user": member.Id})
	must(t, err)
	if n != 1 {
		t.Errorf("%d sign-in events, want 1 (the refresh and the failed attempt are none)", n)
	}
}

func TestRollupTwiceGivesTheSameNumbers(t *testing.T) {
	app := apptest.New(t, nil)
	smith := tenant(t, app, "smith")
	member := user(t, app, "member@smith.example")
	at := time.Date(2026, 11, 10, 12, 0, 0, 0, time.UTC)
	record := func(n int) {
		for i := range n {
			must(t, usage.Record(app, usage.Event{Tenant: smith.Id, Kind: usage.KindAnswerCompleted, User: member.Id,
				Model: "llama3.1:8b", TokensIn: 10, TokensOut: 5, LatencyMs: int64(100 + i), Documents: []string{"d1", "d2"}, At: at}))
		}
	}
	record(7)
	// the same source twice is one event
	for range 2 {
		must(t, usage.Record(app, usage.Event{Tenant: smith.Id, Kind: usage.KindSignIn, User: member.Id, Source: "sign-in:once", At: at}))
	}
	must(t, usage.Rollup(app))
	must(t, usage.Rollup(app))
	day := "2026-11-10"
	check := func(stage string, answers int64) {
		t.Helper()
		for col, want := range map[string]int64{"answers": answers, "questions": answers, "tokens_in": 10 * answers, "llm": answers, "sign_ins": 1} {
			if got := daily(t, app, smith.Id, col, day); got != want {
				t.Errorf("%s: %s = %d, want %d", stage, col, got, want)
			}
		}
		var c struct {
			N int64 `db:"n"`
		}
		must(t, app.DB().NewQuery("SELECT COALESCE(SUM(answers), 0) AS n FROM usage_latency WHERE tenant = {:t}").Bind(dbx.Params{"t": smith.Id}).One(&c))
		if c.N != answers {
			t.Errorf("%s: latency histogram holds %d answers, want %d", stage, c.N, answers)
		}
		must(t, app.DB().NewQuery("SELECT COALESCE(SUM(citations), 0) AS n FROM usage_citations WHERE tenant = {:t} AND document = 'd1'").Bind(dbx.Params{"t": smith.Id}).One(&c))
		if c.N != answers {
			t.Errorf("%s: d1 cited %d times, want %d", stage, c.N, answers)
		}
	}
	check("after two runs", 7)
	record(3)
	must(t, usage.Rollup(app))
	must(t, usage.Rollup(app))
	check("after new events and two more runs", 10)
	if n, _ := app.CountRecords(usage.Events, dbx.HashExp{"rolled": false}); n != 0 {
		t.Errorf("%d events left not rolled up", n)
	}
}

func TestRollupBatchesAreAtomic(t *testing.T) {
	app := apptest.New(t, nil)
	smith := tenant(t, app, "smith")
	at := time.Date(2026, 11, 10, 12, 0, 0, 0, time.UTC)
	must(t, app.RunInTransaction(func(tx core.App) error {
		for range usage.BatchSize + 10 {
			if err := usage.Record(tx, usage.Event{Tenant: smith.Id, Kind: usage.KindExport, At: at}); err != nil {
				return err
			}
		}
		return nil
	}))
	// a rollup that fails halfway through its first batch (a crash) leaves nothing behind
	exec(t, app, "CREATE TRIGGER fail_rollup BEFORE INSERT ON usage_daily BEGIN SELECT RAISE(ABORT, 'crash'); END")
	if err := usage.Rollup(app); err == nil || !strings.Contains(err.Error(), "crash") {
		t.Fatalf("rollup with a failing insert: %v", err)
	}
	if n, _ := app.CountRecords(usage.Events, dbx.HashExp{"rolled": true}); n != 0 {
		t.Fatalf("%d events marked rolled up by a failed rollup", n)
	}
	exec(t, app, "DROP TRIGGER fail_rollup")
	must(t, usage.Rollup(app))
	if got := daily(t, app, smith.Id, "exports", ""); got != int64(usage.BatchSize+10) {
		t.Errorf("exports = %d, want %d", got, usage.BatchSize+10)
	}
}

func TestEventsLandOnTheTenantsLocalDay(t *testing.T) {
	app := apptest.New(t, nil)
	smith, jones := tenant(t, app, "smith"), tenant(t, app, "jones")
	smith.Set("timezone", "Pacific/Auckland") // UTC+13 in November
	must(t, app.Save(smith))
	jones.Set("timezone", "America/Los_Angeles") // UTC-8 in November
	must(t, app.Save(jones))
	cases := []struct {
		tenant string
		at     time.Time
		day    string
	}{
		{smith.Id, time.Date(2026, 11, 10, 12, 30, 0, 0, time.UTC), "2026-11-11"}, // 01:30 next morning in Auckland
		{smith.Id, time.Date(2026, 11, 10, 10, 59, 0, 0, time.UTC), "2026-11-10"}, // 23:59 in Auckland
		{jones.Id, time.Date(2026, 11, 10, 6, 0, 0, 0, time.UTC), "2026-11-09"},   // 22:00 the evening before in LA
		{jones.Id, time.Date(2026, 11, 10, 8, 0, 0, 0, time.UTC), "2026-11-10"},   // midnight in LA
	}
	for _, c := range cases {
		must(t, usage.Record(app, usage.Event{Tenant: c.tenant, Kind: usage.KindSignIn, User: "u" + c.day, At: c.at}))
	}
	must(t, usage.Rollup(app))
	for _, c := range cases {
		if got := daily(t, app, c.tenant, "sign_ins", c.day); got != 1 {
			t.Errorf("%s at %s: %d sign-ins on %s, want 1", c.tenant, c.at, got, c.day)
		}
	}
}

func TestRetentionDeletesOnlyRolledUpOldEvents(t *testing.T) {
	app := apptest.New(t, nil)
	smith := tenant(t, app, "smith")
	old := time.Now().AddDate(0, 0, -500)
	must(t, usage.Record(app, usage.Event{Tenant: smith.Id, Kind: usage.KindSignIn, Source: "old-rolled", At: old}))
	must(t, usage.Record(app, usage.Event{Tenant: smith.Id, Kind: usage.KindSignIn, Source: "recent", At: time.Now()}))
	must(t, usage.Rollup(app)) // retention 400 days (the default)
	if n, _ := app.CountRecords(usage.Events, dbx.HashExp{"source": "old-rolled"}); n != 0 {
		t.Error("an event older than the retention survived the rollup")
	}
	if n, _ := app.CountRecords(usage.Events, dbx.HashExp{"source": "recent"}); n != 1 {
		t.Error("a recent event was deleted")
	}
	if got := daily(t, app, smith.Id, "sign_ins", ""); got != 2 {
		t.Errorf("the rollup keeps both: %d", got)
	}
	// an old event not rolled up yet is kept until it is
	must(t, usage.Record(app, usage.Event{Tenant: smith.Id, Kind: usage.KindSignIn, Source: "old-pending", At: old}))
	if _, err := usage.DeleteOlderThan(app, time.Now().AddDate(0, 0, -400)); err != nil {
		t.Fatal(err)
	}
	if n, _ := app.CountRecords(usage.Events, dbx.HashExp{"source": "old-pending"}); n != 1 {
		t.Error("an event not rolled up yet was deleted")
	}
}

func TestDeletingATenantRemovesItsUsage(t *testing.T) {
	app := apptest.New(t, nil)
	smith, jones := tenant(t, app, "smith"), tenant(t, app, "jones")
	for _, tn := range []string{smith.Id, jones.Id} {
		must(t, usage.Record(app, usage.Event{Tenant: tn, Kind: usage.KindAnswerCompleted, User: "x", Model: "m", LatencyMs: 5, Documents: []string{"d"}}))
	}
	must(t, usage.Rollup(app))
	must(t, usage.Record(app, usage.Event{Tenant: smith.Id, Kind: usage.KindSignIn}))
	smith.Set("status", "suspended")
	must(t, app.Save(smith))
	must(t, app.Delete(smith))
	for _, table := range []string{usage.Events, usage.Daily, usage.Latency, usage.Citations, usage.TenantDaily, usage.TenantDays, usage.TenantMonthlyUsers} {
		if n, _ := app.CountRecords(table, dbx.HashExp{"tenant": smith.Id}); n != 0 {
			t.Errorf("%s keeps %d rows of the deleted tenant", table, n)
		}
		if n, _ := app.CountRecords(table, dbx.HashExp{"tenant": jones.Id}); n == 0 {
			t.Errorf("%s lost the other tenant's rows", table)
		}
	}
}

// TestReprocessedDocumentCounts: a reprocess is no new upload, and a document
// that fails, is reprocessed and fails again is one failed document; a failure
// after a successful processing is a new one. Each success counts.
func TestReprocessedDocumentCounts(t *testing.T) {
	app := apptest.New(t, nil)
	smith := tenant(t, app, "smith")
	uploader := user(t, app, "manager@smith.example")
	col, err := app.FindCollectionByNameOrId("documents")
	must(t, err)
	d := core.NewRecord(col)
	d.Load(map[string]any{"tenant": smith.Id, "uploaded_by": uploader.Id, "filename": "bulletin.pdf", "size": 4096, "status": "pending_upload"})
	must(t, app.Save(d))
	steps := []struct {
		status string
		ready  bool // processing succeeded: processed_at is set
	}{
		{"uploaded", false}, {"processing", false}, {"failed", false},
		// reprocess, fails again
		{"uploaded", false}, {"processing", false}, {"failed", false},
		// reprocess, fails a third time
		{"uploaded", false}, {"processing", false}, {"failed", false},
		// reprocess, succeeds
		{"uploaded", false}, {"processing", false}, {"ready", true},
		// reprocess a ready document, succeeds again
		{"uploaded", false}, {"processing", false}, {"ready", true},
		// reprocess, now it fails: a new failure
		{"uploaded", false}, {"processing", false}, {"failed", false},
	}
	for i, st := range steps {
		fresh, err := app.FindRecordById("documents", d.Id)
		must(t, err)
		fresh.Set("status", st.status)
		if st.ready {
			// each success has its own time
			fresh.Set("processed_at", time.Date(2026, 11, 2, 10, i, 0, 0, time.UTC))
			fresh.Set("pages", 3)
		}
		must(t, app.Save(fresh))
	}
	for kind, want := range map[string]int64{usage.KindDocumentUploaded: 1, usage.KindDocumentProcessed: 2, usage.KindDocumentFailed: 2} {
		if got := events(t, app, kind, d.Id); got != want {
			t.Errorf("%s: %d events, want %d", kind, got, want)
		}
	}
	must(t, usage.Rollup(app))
	for col, want := range map[string]int64{"uploads": 1, "upload_bytes": 4096, "processed": 2, "processing_failed": 2} {
		if got := daily(t, app, smith.Id, col, ""); got != want {
			t.Errorf("%s = %d, want %d", col, got, want)
		}
	}
}
