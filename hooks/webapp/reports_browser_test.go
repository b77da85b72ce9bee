package webapp_test

// Browser scenario of the Reports screen (/usage/reports): a tenant admin
// runs a report now and watches it become ready and mailed, opens its
// summary and downloads its CSV; a refused period is said at the dates; a
// manager sees the list without the Run button; a member has no entry; a
// dealership without reports sees the empty state.

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"counterpart/hooks/analytics"
	"counterpart/hooks/apptest"
	"counterpart/hooks/tenancy"
)

// reportsGate fails the reports list requests as a lost connection would, while window.__failReports is set.
const reportsGate = `
window.__failReports = false;
const reportsFetch = window.fetch;
window.fetch = async function (input, init) {
  const url = typeof input === 'string' ? input : input.url;
  if (url.includes('/api/collections/reports/records') && window.__failReports) {
    throw new TypeError('Failed to fetch');
  }
  return reportsFetch.call(this, input, init);
};`

// storeReport writes a report of smith directly, as an earlier run would have left it.
func storeReport(t *testing.T, app *tests.TestApp, fields map[string]any) *core.Record {
	t.Helper()
	smith, err := tenancy.FindTenant(app, "smith")
	if err != nil {
		t.Fatal(err)
	}
	col, err := app.FindCollectionByNameOrId("reports")
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(col)
	r.Set("tenant", smith.Id)
	r.Set("send_attempts", 0)
	for k, v := range fields {
		r.Set(k, v)
	}
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	// made when its schedule ran, not now (the list is newest first)
	if made, ok := fields["scheduled_for"].(string); ok {
		if _, err := app.DB().NewQuery("UPDATE reports SET created = {:made} WHERE id = {:id}").
			Bind(map[string]any{"made": made, "id": r.Id}).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

func reportsScenario(t *testing.T, b *browser) {
	app, srv := usageApp(t)
	p := b.pageOn(t, app, srv)
	for _, script := range []string{fetchRecorder, reportsGate} {
		p.call(func(ctx context.Context) error {
			_, err := chromedp.Call(ctx, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: script})
			return err
		})
	}
	smith, err := tenancy.FindTenant(app, "smith")
	if err != nil {
		t.Fatal(err)
	}
	smith.Set("timezone", "Europe/Berlin")
	smith.Set("report_schedule", "30 6 * * 1")
	smith.Set("report_recipients", []string{"owner@smith.example"})
	if err := app.Save(smith); err != nil {
		t.Fatal(err)
	}
	// two earlier scheduled reports: one that could not be made, and a newer one whose mail keeps failing
	storeReport(t, app, map[string]any{"period_from": "2026-11-09", "period_to": "2026-11-15", "trigger": "schedule",
		"status": "failed", "scheduled_for": "2026-11-16 05:30:00.000Z", "error": "usage summary: the database is locked", "recipients": []string{"owner@smith.example"}})
	storeReport(t, app, map[string]any{"period_from": "2026-11-16", "period_to": "2026-11-22", "trigger": "schedule",
		"status": "ready", "scheduled_for": "2026-11-23 05:30:00.000Z", "recipients": []string{"owner@smith.example"},
		"send_attempts": 2, "send_error": "attempt 2 of 5: dial tcp 127.0.0.1:25: connect: connection refused",
		// a summary that tries to run (it never comes from the server like this: the page must hold anyway)
		"summary_html": `<h1 style="color:red">Usage report: Smith Motors</h1><img src=x onerror="window.__xss=1">` +
			`<script>window.__xss=2</script><a href="javascript:window.__xss=3">x</a><table><tr><th>Questions</th><td>4</td></tr></table>`})

	p.skipOnboarding("admin@smith.example")
	p.signIn("admin@smith.example")
	// Usage → the Reports tab (once the header has its dealership's name: nothing moves under the click)
	p.waitText("header .tenant", "Smith")
	p.do(chromedp.Click(chromedp.CSS(`nav[aria-label="Main"] a[href="/usage"]`)))
	p.waitText("h1", "Usage")
	p.do(chromedp.Click(chromedp.CSS(`nav[aria-label="Usage"] a[href="/usage/reports"]`)))
	p.waitFor(`location.pathname === '/usage/reports' && document.querySelectorAll('li.report').length === 2`, 20*time.Second, "the two earlier reports")
	p.waitFor(`document.activeElement && document.activeElement.id === 'page-title'`, 5*time.Second, "focus on the heading")
	if got := p.text("#report-schedule"); !strings.Contains(got, "Mondays at 06:30") || !strings.Contains(got, "Europe/Berlin") {
		p.fail("the schedule reads %q", got)
	}
	if href := eval[string](p, `document.querySelector('#report-schedule a').getAttribute('href')`); !strings.HasPrefix(href, "/settings/tenant") {
		p.fail("the schedule's change link goes to %q", href)
	}
	p.waitText(`li.report[data-status="failed"] .reason`, "the database is locked")
	p.waitText(`li.report[data-status="ready"] .mail[data-mail="retrying"]`, "Counterpart will retry")

	// a hostile summary renders inert
	p.do(chromedp.Click(chromedp.CSS(`li.report[data-status="ready"] .actions button[aria-expanded]`)))
	p.waitText(`li.report[data-status="ready"] .summary h4`, "Usage report: Smith Motors")
	p.do(chromedp.Sleep(300 * time.Millisecond))
	if got := eval[string](p, `String(window.__xss)`); got != "undefined" {
		p.fail("the summary's payload ran: window.__xss = %s", got)
	}
	if eval[bool](p, `!!document.querySelector('.summary img, .summary script, .summary a, .summary [style]')`) {
		p.fail("the summary's payload became elements: %s", eval[string](p, `document.querySelector('.summary').innerHTML`))
	}
	p.checkClean()
	p.do(chromedp.Click(chromedp.CSS(`li.report[data-status="ready"] .actions button[aria-expanded]`)))
	p.waitFor(`!document.querySelector('.summary')`, 5*time.Second, "the summary closed")

	// run a report now (this month so far): it comes in at the top, ready, and is mailed
	eval[any](p, `window.__live = []; true`)
	p.do(chromedp.Click(chromedp.ID("run-report")))
	p.waitFor(`document.querySelectorAll('li.report').length === 3 && document.querySelector('li.report').dataset.status === 'ready'`,
		30*time.Second, "the new report at the top, ready")
	newest, err := app.FindFirstRecordByFilter("reports", "trigger = 'manual'")
	if err != nil {
		t.Fatalf("no manual report stored: %v", err)
	}
	if got := eval[string](p, `document.querySelector('li.report').dataset.report`); got != newest.Id {
		p.fail("the top of the list is %s, the new report is %s", got, newest.Id)
	}
	if got := p.text("li.report .meta"); !strings.Contains(got, "On demand") {
		p.fail("the new report's line reads %q", got)
	}
	p.waitFor(`window.__live.some(m => m.includes('is ready'))`, 5*time.Second, "the new report announced")
	if f := p.focused(); f.ID != "run-report" {
		p.fail("after the run, focus is on %s, want the Run button still", f.Desc)
	}
	// the send job runs in the background; realtime brings its outcome
	p.waitText(`li.report .mail[data-mail="sent"]`, "Mailed to owner@smith.example")

	// its summary: the server's HTML, sanitised, styled by the app (no inline styles, so no CSP violation)
	p.do(chromedp.Click(chromedp.CSS(`li.report:first-child .actions button[aria-expanded]`)))
	p.waitText(`li.report:first-child .summary h4`, "Usage report: Smith")
	if !strings.Contains(p.text("li.report:first-child .summary"), "Questions") {
		p.fail("the summary shows no totals: %q", p.text("li.report:first-child .summary"))
	}
	if eval[bool](p, `!!document.querySelector('.summary [style], .summary script, .summary a, .summary img')`) {
		p.fail("the summary kept styles, scripts, links or images")
	}
	if eval[string](p, `document.querySelector('li.report:first-child .actions button[aria-expanded]').getAttribute('aria-expanded')`) != "true" {
		p.fail("the summary button does not say it is expanded")
	}
	p.axe("reports")
	p.shot("reports")
	p.darkMode(true)
	p.axe("reports, dark")
	p.darkMode(false)

	// the CSV: a protected file, through a file token; the request answers 200 with the CSV's header
	downloads := t.TempDir()
	p.call(func(ctx context.Context) error {
		_, err := chromedp.CallBrowser(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{Behavior: "allow", DownloadPath: downloads})
		return err
	})
	eval[any](p, `window.__responses = []; window.__live = []; true`)
	p.do(chromedp.Click(chromedp.CSS(`li.report:first-child button.download`)))
	const isCSV = `(r) => r.url.includes('/api/files/') && !r.url.includes('/api/files/token')`
	p.waitFor(`window.__responses.some(`+isCSV+`)`, 15*time.Second, "the CSV request")
	type response struct {
		URL    string `json:"url"`
		Status int    `json:"status"`
		Body   string `json:"body"`
	}
	file := eval[response](p, `window.__responses.find(`+isCSV+`)`)
	header := strings.Join(analytics.UsageHeader, ",")
	if file.Status != http.StatusOK || !strings.HasPrefix(strings.TrimPrefix(file.Body, "\ufeff"), header) {
		p.fail("the CSV answered %d: %.200q, want it to start with %q", file.Status, file.Body, header)
	}
	if !strings.Contains(file.URL, "token=") || !strings.Contains(file.URL, newest.Id) {
		p.fail("the CSV was fetched from %s", file.URL)
	}
	waitDownload(p, downloads)
	p.waitFor(`window.__live.some(m => m.includes('Downloaded'))`, 5*time.Second, "the download announced")
	// without a token the file is refused: it is protected
	if res := apptest.Do(t, srv, "GET", fmt.Sprintf("/api/files/reports/%s/%s", newest.Id, newest.GetString("csv")), "", nil); res.Status == http.StatusOK {
		t.Errorf("the CSV downloads without a file token")
	}

	// a period the server refuses: its message at the dates
	admin := apptest.Token(t, app, "admin@smith.example")
	res := apptest.Do(t, srv, "POST", "/api/reports/run", admin, map[string]any{"from": "2026-11-20", "to": "2026-11-01"})
	if res.Status != http.StatusBadRequest || res.Message() == "" {
		t.Fatalf("the API ran a reversed period: %d %s", res.Status, res.Body)
	}
	p.do(chromedp.Click(chromedp.CSS(`[data-preset="custom"]`)))
	p.do(chromedp.WaitVisible(chromedp.ID("range-from")))
	if eval[bool](p, `!!document.getElementById('run-report')`) {
		p.fail("two Run buttons with custom dates")
	}
	p.fill("range-from", "2026-11-20")
	p.fill("range-to", "2026-11-01")
	p.do(chromedp.Click(chromedp.CSS(`form.custom button[type=submit]`)))
	p.waitText("#range-error", res.Message())
	p.axe("reports, period refused")
	if n := eval[int](p, `document.querySelectorAll('li.report').length`); n != 3 {
		p.fail("a refused period listed a report: %d reports", n)
	}

	// a lost connection: the error state, then Try again
	eval[any](p, `window.__failReports = true; true`)
	p.do(chromedp.Click(chromedp.CSS(`nav[aria-label="Usage"] a[href="/usage"]`)))
	p.waitFor(`location.pathname === '/usage'`, 10*time.Second, "the dashboard tab")
	p.do(chromedp.Click(chromedp.CSS(`nav[aria-label="Usage"] a[href="/usage/reports"]`)))
	p.waitText("#reports-error", "cannot be reached")
	p.axe("reports, error")
	eval[any](p, `window.__failReports = false; true`)
	p.do(chromedp.Click(chromedp.CSS(`#reports-error button`)))
	p.waitFor(`document.querySelectorAll('li.report').length === 3 && !document.getElementById('reports-error')`, 10*time.Second, "the list after Try again")
	p.checkClean()

	// a manager sees the list, without the Run button or the schedule's change link
	p.do(chromedp.Click(chromedp.CSS(`.me button:last-child`)), chromedp.WaitVisible(chromedp.ID("email")))
	p.skipOnboarding("manager@smith.example")
	p.signIn("manager@smith.example")
	p.visit("/usage/reports")
	p.waitFor(`document.querySelectorAll('li.report').length === 3`, 20*time.Second, "the manager's list")
	if eval[bool](p, `!!document.getElementById('run-report') || !!document.querySelector('section.run')`) {
		p.fail("a manager is offered to run a report")
	}
	if eval[bool](p, `!!document.querySelector('#report-schedule a')`) {
		p.fail("a manager is offered to change the schedule")
	}
	if res := apptest.Do(t, srv, "POST", "/api/reports/run", apptest.Token(t, app, "manager@smith.example"), nil); res.Status != http.StatusForbidden {
		t.Errorf("the API lets a manager run a report: %d", res.Status)
	}
	p.axe("reports, manager")
	p.checkClean()

	// a member has no Usage entry, and the page says who may see it
	p.do(chromedp.Click(chromedp.CSS(`.me button:last-child`)), chromedp.WaitVisible(chromedp.ID("email")))
	p.skipOnboarding("member@smith.example")
	p.signIn("member@smith.example")
	if eval[bool](p, `!!document.querySelector('nav a[href="/usage"], nav a[href="/usage/reports"]')`) {
		p.fail("a member is offered the Usage pages")
	}
	p.visit("/usage/reports")
	p.waitText("h1", "Only for managers and admins")
	if res := apptest.Do(t, srv, "GET", "/api/collections/reports/records", apptest.Token(t, app, "member@smith.example"), nil); res.Status != http.StatusOK || res.JSON["totalItems"] != float64(0) {
		t.Errorf("the records API lists reports to a member: %d %s", res.Status, res.Body)
	}
	p.checkClean()

	// a dealership without reports: the empty state, with the way to a schedule
	p.do(chromedp.Click(chromedp.CSS(`.me button:last-child`)), chromedp.WaitVisible(chromedp.ID("email")))
	p.skipOnboarding("admin@jones.example")
	p.signIn("admin@jones.example")
	p.visit("/usage/reports")
	p.waitText("#reports-empty", "No reports yet")
	if !eval[bool](p, `!!document.querySelector('#reports-empty a[href^="/settings/tenant"]')`) {
		p.fail("the empty state does not lead to the schedule")
	}
	if got := p.text("#report-schedule"); !strings.Contains(got, "No schedule") {
		p.fail("a dealership without a schedule reads %q", got)
	}
	p.axe("reports, empty")
	p.checkClean()
}
