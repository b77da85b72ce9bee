package reports_test

import (
	"encoding/base64"
	"encoding/csv"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/mail"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/analytics"
	"counterpart/hooks/apptest"
	"counterpart/hooks/audit"
	"counterpart/hooks/reports"
	"counterpart/hooks/tenancy"
	"counterpart/hooks/usage"
	"counterpart/internal/mailtest"
)

// TestOnDemandRun runs a report through the route and checks the record, its
// protected CSV, its escaped summary, and every bad period.
func TestOnDemandRun(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, utc("2026-11-29 08:00"))
	e.smith.Set("name", "Smith & <Sons>")
	if err := e.app.Save(e.smith); err != nil {
		t.Fatal(err)
	}
	admin := apptest.Token(t, e.app, "admin@smith.example")
	res := apptest.Do(t, e.srv, "POST", "/api/reports/run", admin, map[string]any{"from": "2026-11-01", "to": "2026-11-28"})
	if res.Status != 200 {
		t.Fatalf("run: %d %s", res.Status, res.Body)
	}
	rec, err := e.app.FindRecordById(reports.Collection, res.JSON["id"].(string))
	if err != nil {
		t.Fatal(err)
	}
	smithAdmin, _ := e.app.FindAuthRecordByEmail("users", "admin@smith.example")
	for field, want := range map[string]string{"tenant": e.smith.Id, "status": reports.StatusReady, "trigger": reports.TriggerManual,
		"period_from": "2026-11-01", "period_to": "2026-11-28", "requested_by": smithAdmin.Id} {
		if got := rec.GetString(field); got != want {
			t.Errorf("%s = %q, want %q", field, got, want)
		}
	}
	html := rec.GetString("summary_html")
	for _, want := range []string{"Smith &amp; &lt;Sons&gt;", "Pat &lt;script&gt;alert(1)&lt;/script&gt;", "Price list &lt;2026&gt;",
		"14.3 %", "2300 ms", "75.0 %", "1200"} {
		if !strings.Contains(html, want) {
			t.Errorf("summary HTML lacks %q:\n%s", want, html)
		}
	}
	if strings.Contains(html, "<script>") || strings.Contains(html, "<Sons>") {
		t.Error("summary HTML carries unescaped markup")
	}

	// the CSV is protected: a file token of the tenant's admin reads it, no token does not
	csvURL := e.srv.URL + "/api/files/reports/" + rec.Id + "/" + rec.GetString("csv")
	if status, _ := get(t, csvURL); status == 200 {
		t.Error("the CSV downloads without a file token")
	}
	if status, body := get(t, csvURL+"?token="+fileToken(t, e, admin)); status != 200 || body != "date,tenant,questions\n2026-11-01,"+e.smith.Id+",3\n2026-11-28,"+e.smith.Id+",4\n" {
		t.Errorf("download with the admin's file token: %d %q", status, body)
	}

	// a manager reads the list but may not run one
	manager := apptest.Token(t, e.app, "manager@smith.example")
	if list := apptest.Do(t, e.srv, "GET", "/api/collections/reports/records", manager, nil); len(list.Items()) != 1 {
		t.Errorf("manager lists %d reports, want 1: %s", len(list.Items()), list.Body)
	}
	if res := apptest.Do(t, e.srv, "POST", "/api/reports/run", manager, nil); res.Status != 403 {
		t.Errorf("manager runs a report: %d", res.Status)
	}

	cases := []struct {
		name  string
		body  any
		field string // the field the 400 names, "" when accepted
		from  string
	}{
		{"no body: this month so far", nil, "", "2026-11-01"},
		{"ten years", map[string]any{"from": "2016-11-01", "to": "2026-11-01"}, "from", ""},
		{"reversed", map[string]any{"from": "2026-11-20", "to": "2026-11-10"}, "from", ""},
		{"not a date", map[string]any{"from": "last week"}, "from", ""},
		{"no such day", map[string]any{"to": "2026-02-30"}, "to", ""},
		{"in the future", map[string]any{"from": "2027-01-01", "to": "2027-01-31"}, "from", ""},
	}
	for _, c := range cases {
		res := apptest.Do(t, e.srv, "POST", "/api/reports/run", admin, c.body)
		if c.field == "" {
			if res.Status != 200 || res.JSON["period_from"] != c.from {
				t.Errorf("%s: %d %s", c.name, res.Status, res.Body)
			}
			continue
		}
		data, _ := res.JSON["data"].(map[string]any)
		if res.Status != 400 || data[c.field] == nil || res.Message() == "" {
			t.Errorf("%s: %d %s, want 400 naming %q", c.name, res.Status, res.Body, c.field)
		}
	}
	if n := len(e.reportsOf(t, e.smith.Id)); n != 2 {
		t.Errorf("%d reports stored, want 2 (the refused periods make none)", n)
	}
}

// TestReportMailedOverSMTP makes a report from real usage with the real
// analytics, sends it to a real SMTP server on loopback and reads the
// message: recipients, subject, HTML body and the CSV attachment.
func TestReportMailedOverSMTP(t *testing.T) {
	t.Parallel()
	smtp := mailtest.Start(t)
	e := newEnv(t, nil, utc("2026-11-29 08:00"))
	e.svc.SetSources(analytics.WriteUsageCSV, reports.SummaryOf(analytics.Summarize)) // as hooks.Register wires them
	apptest.UseSMTP(t, e.app, smtp.Host, smtp.Port)
	e.setSchedule(t, "smith", "", "Europe/Berlin", []string{"boss@smith.example", "parts@smith.example"})
	member, _ := e.app.FindAuthRecordByEmail("users", "member@smith.example")
	for i := range 2 {
		if err := usage.Record(e.app, usage.Event{Tenant: e.smith.Id, Kind: usage.KindAnswerCompleted, User: member.Id, Model: "parts-llm",
			TokensIn: 100, TokensOut: 50, LatencyMs: int64(800 + 400*i), At: utc("2026-11-10 09:00")}); err != nil {
			t.Fatal(err)
		}
	}
	if err := usage.Rollup(e.app); err != nil {
		t.Fatal(err)
	}

	res := apptest.Do(t, e.srv, "POST", "/api/reports/run", apptest.Token(t, e.app, "admin@smith.example"),
		map[string]any{"from": "2026-11-01", "to": "2026-11-28"})
	if res.Status != 200 {
		t.Fatalf("run: %d %s", res.Status, res.Body)
	}
	msgs := smtp.Wait(1, 20*time.Second)
	if len(msgs) != 1 {
		t.Fatalf("%d messages arrived, want 1", len(msgs))
	}
	m := msgs[0]
	if strings.Join(m.To, ",") != "boss@smith.example,parts@smith.example" {
		t.Errorf("envelope recipients %v", m.To)
	}
	if subj := decodeHeader(m.Parsed.Header.Get("Subject")); subj != "Usage report for Smith Motors, 2026-11-01 to 2026-11-28" {
		t.Errorf("subject %q", subj)
	}
	parts := mimeParts(t, m.Parsed)
	id := res.JSON["id"].(string)
	stored := storedCSV(t, e, id)
	got := parts["attachment:usage-smith-2026-11-01-to-2026-11-28.csv"]
	if got != stored || !strings.HasPrefix(got, "day,user,") {
		t.Errorf("CSV attachment %q, want the stored CSV %q (parts %v)", got, stored, keys(parts))
	}
	rows, err := csv.NewReader(strings.NewReader(got)).ReadAll()
	if err != nil || len(rows) != 2 || rows[1][0] != "2026-11-10" || rows[1][3] != "parts-llm" || rows[1][5] != "2" {
		t.Errorf("CSV rows %v (%v), want the header and 2026-11-10 with 2 answers of parts-llm", rows, err)
	}
	html := parts["text/html"]
	for _, want := range []string{"Usage report: Smith Motors", "<th align=\"left\" style=\"border-bottom:1px solid #d9e2ec\">Answers</th><td align=\"right\" style=\"border-bottom:1px solid #d9e2ec\">2</td>",
		"Most active users", "parts-llm"} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML body lacks %q:\n%s", want, html)
		}
	}
	waitFor(t, 10*time.Second, "sent_at", func() bool {
		r, err := e.app.FindRecordById(reports.Collection, id)
		return err == nil && !r.GetDateTime("sent_at").IsZero()
	})
	r, _ := e.app.FindRecordById(reports.Collection, id)
	if r.GetInt("send_attempts") != 1 || r.GetString("send_error") != "" {
		t.Errorf("send_attempts %d send_error %q", r.GetInt("send_attempts"), r.GetString("send_error"))
	}
}

// TestSMTPDownWhileReportRuns: with no mail server the report is still
// stored as ready and the failure recorded; the send is retried and goes
// out once a server listens again.
func TestSMTPDownWhileReportRuns(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().(*net.TCPAddr)
	l.Close() // nothing listens there now: connection refused
	cfg := apptest.Config()
	cfg.Jobs.Backoff = 50 * time.Millisecond
	cfg.Jobs.MaxAttempts = 30
	e := newEnv(t, cfg, utc("2026-11-29 08:00"))
	apptest.UseSMTP(t, e.app, "127.0.0.1", addr.Port)
	e.setSchedule(t, "smith", "", "UTC", []string{"boss@smith.example"})

	res := apptest.Do(t, e.srv, "POST", "/api/reports/run", apptest.Token(t, e.app, "admin@smith.example"), nil)
	if res.Status != 200 {
		t.Fatalf("run: %d %s", res.Status, res.Body)
	}
	id := res.JSON["id"].(string)
	report := func() *core.Record {
		r, err := e.app.FindRecordById(reports.Collection, id)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	waitFor(t, 20*time.Second, "two failed send attempts", func() bool { return report().GetInt("send_attempts") >= 2 })
	r := report()
	if r.GetString("status") != reports.StatusReady || r.GetString("csv") == "" || !r.GetDateTime("sent_at").IsZero() {
		t.Errorf("while SMTP is down: status %s csv %q sent_at %v", r.GetString("status"), r.GetString("csv"), r.GetDateTime("sent_at"))
	}
	if !strings.Contains(r.GetString("send_error"), "attempt") {
		t.Errorf("send_error %q does not say what failed", r.GetString("send_error"))
	}

	smtp := mailtest.StartAt(t, addr.String())
	if msgs := smtp.Wait(1, 30*time.Second); len(msgs) != 1 {
		t.Fatalf("%d messages after SMTP came back, want 1", len(msgs))
	}
	waitFor(t, 10*time.Second, "sent_at", func() bool { return !report().GetDateTime("sent_at").IsZero() })
	if r := report(); r.GetString("send_error") != "" || r.GetInt("send_attempts") < 3 {
		t.Errorf("after delivery: send_error %q attempts %d", r.GetString("send_error"), r.GetInt("send_attempts"))
	}
}

// TestTenantDeletedMidRun deletes the tenant while its report is being made,
// scheduled and on demand: the run ends quietly and leaves no record, file or job.
func TestTenantDeletedMidRun(t *testing.T) {
	for _, trigger := range []string{reports.TriggerSchedule, reports.TriggerManual} {
		t.Run(trigger, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, nil, utc("2026-05-01 00:00"))
			e.setSchedule(t, "smith", "0 7 * * *", "UTC", []string{"boss@smith.example"})
			started, release := make(chan struct{}, 1), make(chan struct{})
			var once sync.Once
			e.svc.SetSources(fakeCSV, func(app core.App, tenantID, from, to string) (any, error) {
				once.Do(func() {
					started <- struct{}{}
					<-release
				})
				return fakeSummary(app, tenantID, from, to)
			})

			done := make(chan int)
			go func() {
				if trigger == reports.TriggerSchedule {
					e.svc.RunDue(utc("2026-05-01 07:00"))
					done <- 0
					return
				}
				res := apptest.Do(t, e.srv, "POST", "/api/reports/run", apptest.Token(t, e.app, "admin@smith.example"), nil)
				done <- res.Status
			}()
			<-started
			if n := len(e.reportsOf(t, e.smith.Id)); n != 1 {
				t.Fatalf("%d running reports, want 1", n)
			}
			if err := tenancy.SetStatus(e.app, e.smith, tenancy.StatusSuspended, audit.CLI); err != nil {
				t.Fatal(err)
			}
			if err := tenancy.DeleteTenant(e.app, e.smith, audit.CLI); err != nil {
				t.Fatal(err)
			}
			close(release)
			status := <-done
			if trigger == reports.TriggerManual && status != 403 && status != 404 {
				// the caller's tenant is gone: refused, not a server error
				t.Errorf("manual run of a deleted tenant: %d", status)
			}
			if n, _ := e.app.CountRecords(reports.Collection, dbx.HashExp{"tenant": e.smith.Id}); n != 0 {
				t.Errorf("%d reports of the deleted tenant remain", n)
			}
			if n, _ := e.app.CountRecords("jobs", dbx.HashExp{"tenant": e.smith.Id}); n != 0 {
				t.Errorf("%d jobs of the deleted tenant remain", n)
			}
			col, _ := e.app.FindCollectionByNameOrId(reports.Collection)
			files, _ := filepath.Glob(filepath.Join(e.app.DataDir(), "storage", col.Id, "*", "*"))
			if len(files) != 0 {
				t.Errorf("files left behind: %v", files)
			}
			if _, ok := e.svc.Scheduled()[e.smith.Id]; ok {
				t.Error("the deleted tenant is still scheduled")
			}
		})
	}
}

// TestScheduleSettingsRefused: an invalid cron expression or time zone is
// refused with a 400 naming the field, and the schedule in force stays.
func TestScheduleSettingsRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, utc("2026-06-01 00:00"))
	e.setSchedule(t, "smith", "0 7 * * 1", "Europe/Berlin", nil)
	admin := apptest.Token(t, e.app, "admin@smith.example")
	cases := []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"not cron", map[string]any{"report_schedule": "mondays at seven"}, "report_schedule"},
		{"six fields", map[string]any{"report_schedule": "0 0 7 * * 1"}, "report_schedule"},
		{"minute out of range", map[string]any{"report_schedule": "61 7 * * 1"}, "report_schedule"},
		{"every five minutes", map[string]any{"report_schedule": "*/5 * * * *"}, "report_schedule"},
		{"zone inside the schedule", map[string]any{"report_schedule": "CRON_TZ=Asia/Tokyo 0 7 * * 1"}, "report_schedule"},
		{"unknown zone", map[string]any{"timezone": "Europe/Atlantis"}, "timezone"},
		{"offset instead of a zone", map[string]any{"timezone": "+02:00"}, "timezone"},
		{"server-local zone", map[string]any{"timezone": "Local"}, "timezone"},
	}
	for _, c := range cases {
		res := apptest.Do(t, e.srv, "PATCH", "/api/collections/tenants/records/"+e.smith.Id, admin, c.body)
		data, _ := res.JSON["data"].(map[string]any)
		if res.Status != 400 || data[c.field] == nil {
			t.Errorf("%s: %d %s, want 400 naming %s", c.name, res.Status, res.Body, c.field)
		}
	}
	if spec := e.svc.Scheduled()[e.smith.Id]; spec != "CRON_TZ=Europe/Berlin 0 7 * * 1" {
		t.Errorf("schedule in force after refused changes: %q", spec)
	}
}

// storedCSV reads a report's CSV from the app's file storage.
func storedCSV(t *testing.T, e *env, id string) string {
	t.Helper()
	rec, err := e.app.FindRecordById(reports.Collection, id)
	if err != nil {
		t.Fatal(err)
	}
	fsys, err := e.app.NewFilesystem()
	if err != nil {
		t.Fatal(err)
	}
	defer fsys.Close()
	r, err := fsys.GetReader(rec.BaseFilesPath() + "/" + rec.GetString("csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, _ := io.ReadAll(r)
	return string(b)
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// fileToken asks PocketBase for a file token as the holder of authToken.
func fileToken(t *testing.T, e *env, authToken string) string {
	t.Helper()
	res := apptest.Do(t, e.srv, "POST", "/api/files/token", authToken, nil)
	tok, _ := res.JSON["token"].(string)
	if res.Status != 200 || tok == "" {
		t.Fatalf("file token: %d %s", res.Status, res.Body)
	}
	return tok
}

func decodeHeader(s string) string {
	d, err := new(mime.WordDecoder).DecodeHeader(s)
	if err != nil {
		return s
	}
	return d
}

// mimeParts flattens a message into its decoded parts, keyed by content
// type, or by "attachment:<filename>" for attachments.
func mimeParts(t *testing.T, m *mail.Message) map[string]string {
	t.Helper()
	out := map[string]string{}
	var walk func(h map[string][]string, body io.Reader)
	walk = func(h map[string][]string, body io.Reader) {
		header := mail.Header(h)
		ctype, params, err := mime.ParseMediaType(header.Get("Content-Type"))
		if err != nil {
			ctype = "text/plain"
		}
		if strings.HasPrefix(ctype, "multipart/") {
			mr := multipart.NewReader(body, params["boundary"])
			for {
				p, err := mr.NextRawPart()
				if errors.Is(err, io.EOF) {
					return
				}
				if err != nil {
					t.Fatalf("mime: %v", err)
				}
				walk(p.Header, p)
			}
		}
		var r io.Reader = body
		switch strings.ToLower(header.Get("Content-Transfer-Encoding")) {
		case "base64":
			r = base64.NewDecoder(base64.StdEncoding, body) // ignores line breaks
		case "quoted-printable":
			r = quotedprintable.NewReader(body)
		}
		b, _ := io.ReadAll(r)
		key := ctype
		if disp, dp, err := mime.ParseMediaType(header.Get("Content-Disposition")); err == nil && disp == "attachment" {
			key = "attachment:" + dp["filename"]
		}
		out[key] = string(b)
	}
	walk(m.Header, m.Body)
	return out
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
