package webapp_test

// The first hour of a dealership's admin (issue 13, item 6): the first-run
// guide with a failed file, the dealership's settings (the confirmation where
// the person is, the time zone from a list and the browser's zone proposed,
// the report schedule from presets), the audit log in words, the documents
// list on a phone, a price list categorised by its name, and the exports for
// a German Excel — at 1280 and 375 px, axe clean.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"counterpart/hooks/apptest"
	"counterpart/hooks/tenancy"
	"counterpart/internal/schedule"
)

func adminFirstHourScenario(t *testing.T, b *browser) {
	p := b.newPage(t)
	// the admin's browser is in Berlin; the dealership still has the server's default, UTC
	p.call(func(ctx context.Context) error {
		_, err := chromedp.Call(ctx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "Europe/Berlin"})
		return err
	})
	p.call(func(ctx context.Context) error {
		_, err := chromedp.Call(ctx, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: fetchRecorder})
		return err
	})
	failed := makeDoc(t, p.app, "smith", "Scan of the old catalog", "failed")

	// (e) the first-run guide: a failed file is not a first document
	p.signIn("admin@smith.example")
	p.waitText("h1", "Welcome to Counterpart")
	p.waitText("#welcome-upload-state", "failed")
	if eval[bool](p, `!!document.querySelector('.steps li:first-child .done')`) {
		p.fail("the guide counts the failed file as a first document: %q", p.text(".steps li:first-child"))
	}
	p.axe("welcome, a failed file")
	p.do(chromedp.Click(chromedp.CSS(`.welcome .end .btn.ghost`))) // Skip for now
	p.waitText("h1", "Chat")

	// the dealership's settings
	p.visit("/settings/tenant")
	p.do(chromedp.WaitVisible(chromedp.ID("t-timezone")))

	// (b) the time zone: a list of the IANA zones, and the browser's proposed with one click
	if n := eval[int](p, `document.getElementById('t-timezone').list.options.length`); n < 300 {
		p.fail("the time zone list has %d zones", n)
	}
	if !eval[bool](p, `[...document.getElementById('t-timezone').list.options].some(o => o.value === 'America/Chicago')`) {
		p.fail("America/Chicago is not in the time zone list")
	}
	p.waitText("#t-timezone-propose", "Europe/Berlin")
	p.do(chromedp.Click(chromedp.CSS(`#t-timezone-propose button`)))
	if v := eval[string](p, `document.getElementById('t-timezone').value`); v != "Europe/Berlin" {
		p.fail("after Use Europe/Berlin the time zone is %q", v)
	}
	if eval[bool](p, `!!document.getElementById('t-timezone-propose')`) {
		p.fail("the proposal stays after it was taken")
	}

	// (c) the report schedule from a preset; the cron field shows what is saved
	p.fill("t-report_schedule-preset", "daily")
	p.waitFor(`document.getElementById('t-report_schedule').value === '0 7 * * *'`, 5*time.Second, "the daily preset's cron")
	p.waitText("#t-report_schedule-reads", "Every day at 07:00, Europe/Berlin time")
	p.axe("settings: dealership, presets")

	// (a) Save from the top of the long form (Enter in the name field): the confirmation is in view
	inView := func(css string) bool {
		return eval[bool](p, fmt.Sprintf(`(() => { const el = document.querySelector(%s); if (!el) return false;
			const r = el.getBoundingClientRect(); return r.height > 0 && r.top >= 0 && r.bottom <= innerHeight; })()`, jsString(css)))
	}
	eval[any](p, `window.scrollTo(0, 0); document.getElementById('t-name').focus(); true`)
	p.press(kb.Enter)
	p.waitText(".save [role=status]", "Settings saved.")
	if !inView(".save [role=status] .saved") {
		p.fail("'Settings saved.' is out of view after saving from the top of the form")
	}
	tenant, _ := tenancy.FindTenant(p.app, "smith")
	if tenant.GetString("timezone") != "Europe/Berlin" || tenant.GetString("report_schedule") != "0 7 * * *" {
		p.fail("saved %q, %q; want Europe/Berlin and 0 7 * * *", tenant.GetString("timezone"), tenant.GetString("report_schedule"))
	}
	// an edit takes the confirmation away: it no longer holds
	p.fill("t-max_upload_mb", "5000")
	if eval[bool](p, `!!document.querySelector('.save .saved')`) {
		p.fail("'Settings saved.' stays after an edit")
	}
	// a refusal: said beside the button, in view, with the message at the field and focus on it
	eval[any](p, `window.scrollTo(0, 0); true`)
	p.do(chromedp.Click(chromedp.CSS(`.save button[type=submit]`)))
	p.do(chromedp.WaitVisible(chromedp.ID("t-max_upload_mb-error")))
	if f := p.focused(); f.ID != "t-max_upload_mb" {
		p.fail("after a refused save focus is on %s, want the upload limit", f.Desc)
	}
	if got := p.text("#t-save-error"); !strings.Contains(got, "Upload limit (MB)") {
		p.fail("the refusal beside Save says %q", got)
	}
	if !inView("#t-save-error") {
		p.fail("the refusal beside Save is out of view")
	}
	p.axe("settings: dealership, a refused value")
	p.fill("t-max_upload_mb", "250")

	// at 375 px: the same, and nothing wider than the screen
	p.viewport(375, 812, chromedp.EmulateMobile)
	eval[any](p, `window.scrollTo(0, 0); document.getElementById('t-name').focus(); true`)
	p.press(kb.Enter)
	p.waitText(".save [role=status]", "Settings saved.")
	if !inView(".save [role=status] .saved") {
		p.fail("at 375 px 'Settings saved.' is out of view")
	}
	noSideScroll(p, "settings at 375 px")
	p.axe("settings: dealership at 375 px")
	p.shot("settings-tenant-saved")
	if tenant, _ = tenancy.FindTenant(p.app, "smith"); tenant.GetInt("max_upload_mb") != 250 {
		p.fail("upload limit %d, want 250", tenant.GetInt("max_upload_mb"))
	}
	p.viewport(1280, 900)

	// (d) the audit log in words
	p.visit("/settings/audit")
	p.waitText("table", "Changed the settings")
	p.waitText("table", "Upload limit (MB): 100 → 250")
	p.waitText("table", "Time zone: UTC → Europe/Berlin")
	p.waitText("table", "Report schedule:")
	if raw := regexp.MustCompile(`\b(max_upload_mb|report_schedule|timezone)\b`).FindString(p.text("table")); raw != "" {
		p.fail("the audit log shows the raw key %q", raw)
	}
	p.axe("settings: audit log in words")

	// (g) a price list gets its category from its name
	dir := t.TempDir()
	priceFile := filepath.Join(dir, "Preisliste_2026.csv")
	if err := os.WriteFile(priceFile, []byte("Teilenummer;Bezeichnung;UPE\n1K0698151A;Bremsbelagsatz vorne;89,50\n5Q0698451;Bremsbelagsatz hinten;74,50\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p.visit("/documents")
	p.waitText("h1", "Documents")
	p.do(chromedp.SetUploadFiles(chromedp.ID("file-input"), []string{priceFile}))
	p.waitFor(`[...document.querySelectorAll('li.doc')].some(li => li.textContent.includes('Preisliste_2026.csv') && li.querySelector('[data-status="ready"]'))`,
		60*time.Second, "the price list ready")
	p.waitFor(`[...document.querySelectorAll('li.doc')].some(li => li.textContent.includes('Preisliste_2026.csv') && [...li.querySelectorAll('.chip')].some(c => c.textContent === 'Price list'))`,
		10*time.Second, "the price list's category chip")
	doc, err := p.app.FindFirstRecordByData("documents", "filename", "Preisliste_2026.csv")
	if err != nil || doc.GetString("category") != "price_list" {
		p.fail("Preisliste_2026.csv has category %q (%v), want price_list", doc.GetString("category"), err)
	}

	// (f) the documents list at 375 px: rows readable, no sideways scrolling, "42 kB · Demo Admin"
	long := makeDoc(t, p.app, "smith", "Reparaturanleitung Bremsanlage Hinterachse Golf VIII, Stand März 2026", "ready")
	long.Set("filename", "Reparaturanleitung_Bremsanlage_Hinterachse_Golf8_2026-03_final_v3.pdf")
	long.Set("tags", []string{"bremsen", "hinterachse", "golf 8", "werkstatt"})
	if err := p.app.Save(long); err != nil {
		t.Fatal(err)
	}
	p.viewport(375, 812, chromedp.EmulateMobile)
	p.visit("/documents")
	p.waitFor(`document.querySelectorAll('li.doc').length === 3`, 10*time.Second, "three documents listed")
	noSideScroll(p, "documents at 375 px")
	// the list starts on the first screen: the filters but search fold behind one button
	if top := eval[float64](p, `document.querySelector('li.doc').getBoundingClientRect().top`); top > 812 {
		p.fail("at 375 px the first document starts %.0f px down, below the first screen", top)
	}
	if eval[bool](p, `!!document.getElementById('f-status').offsetParent`) {
		p.fail("at 375 px the status filter shows before the Filters button is pressed")
	}
	p.do(chromedp.Click(chromedp.CSS(`button[aria-controls="more-filters"]`)))
	p.do(chromedp.WaitVisible(chromedp.ID("f-status")))
	p.axe("documents at 375 px, filters open")
	p.do(chromedp.Click(chromedp.CSS(`button[aria-controls="more-filters"]`)))
	meta := p.text(fmt.Sprintf(`li.doc[data-doc=%q] .meta`, long.Id))
	if !strings.Contains(meta, "1.2 kB · Demo Admin ·") {
		p.fail("the row's meta reads %q, want the size and uploader spaced: 1.2 kB · Demo Admin ·", meta)
	}
	type box struct {
		Title, Width, Right float64
		Font                float64
	}
	rows := eval[[]box](p, `[...document.querySelectorAll('li.doc')].map(li => { const h = li.querySelector('.title'), a = li.querySelector('.actions');
		return { Title: h.getBoundingClientRect().width, Width: li.getBoundingClientRect().width,
			Right: Math.max(...[...li.querySelectorAll('button, a.btn')].map(x => x.getBoundingClientRect().right)), Font: parseFloat(getComputedStyle(h).fontSize) }; })`)
	for i, r := range rows {
		if r.Title < 0.8*r.Width || r.Font < 16 || r.Right > 375 {
			p.fail("row %d at 375 px: title %.0f of %.0f px wide, %.0f px type, buttons end at %.0f px", i, r.Title, r.Width, r.Font, r.Right)
		}
	}
	p.axe("documents at 375 px")
	p.shot("documents-375")
	p.viewport(1280, 900)
	_ = failed

	// (h) the exports for a German Excel: semicolons and a byte order mark, chosen beside the buttons
	downloads := t.TempDir()
	p.call(func(ctx context.Context) error {
		_, err := chromedp.CallBrowser(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{Behavior: "allow", DownloadPath: downloads})
		return err
	})
	p.visit("/usage")
	p.do(chromedp.WaitVisible(chromedp.ID("export-format")))
	if got := p.text(`#export-format option[value="excel-semicolon"]`); got != "CSV for Excel (semicolon)" {
		p.fail("the Excel format is offered as %q", got)
	}
	eval[any](p, `window.__responses = []; true`)
	p.fill("export-format", "excel-semicolon")
	p.do(chromedp.Click(chromedp.ID("export-conversations")))
	p.waitFor(`window.__responses.some(r => r.url.includes('/export/conversations.csv'))`, 15*time.Second, "the export request")
	type response struct {
		URL    string `json:"url"`
		Status int    `json:"status"`
		Body   string `json:"body"`
	}
	for _, r := range eval[[]response](p, `window.__responses.filter(r => r.url.includes('/export/'))`) {
		if r.Status != 200 || !strings.Contains(r.URL, "format=excel-semicolon") {
			p.fail("the export went to %s and answered %d", r.URL, r.Status)
		}
	}
	var file string
	for deadline := time.Now().Add(15 * time.Second); file == ""; time.Sleep(100 * time.Millisecond) {
		entries, _ := os.ReadDir(downloads)
		if len(entries) > 0 && !strings.HasSuffix(entries[0].Name(), ".crdownload") {
			file = filepath.Join(downloads, entries[0].Name())
		}
		if file == "" && time.Now().After(deadline) {
			p.fail("no CSV arrived")
		}
	}
	body, _ := os.ReadFile(file)
	if !strings.HasSuffix(file, "-excel.csv") || !strings.HasPrefix(string(body), "\uFEFFconversation;user;user_name;title;") {
		p.fail("the download %s starts %.60q, want a BOM and semicolons", filepath.Base(file), body)
	}
	p.axe("usage with the export formats")
	p.checkClean()
}

// noSideScroll fails when the page is wider than the window.
func noSideScroll(p *page, where string) {
	p.t.Helper()
	if w := eval[[]int](p, `[document.documentElement.scrollWidth, innerWidth]`); w[0] > w[1] {
		wide := eval[string](p, `[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > innerWidth + 1)
			.slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + '.' + [...e.classList].join('.')).join(', ')`)
		p.fail("%s: the page is %d px wide in a %d px window; too wide: %s", where, w[0], w[1], wide)
	}
}

// TestSchedulePresetsParse: every preset of the web app's report schedule is a
// schedule the server accepts (the tenant settings' check, internal/schedule).
func TestSchedulePresetsParse(t *testing.T) {
	src, err := os.ReadFile("../../ui/src/lib/schedulepresets.ts")
	if err != nil {
		t.Fatal(err)
	}
	found := regexp.MustCompile(`cron: '([^']*)'`).FindAllStringSubmatch(string(src), -1)
	if len(found) < 4 {
		t.Fatalf("found %d presets in schedulepresets.ts", len(found))
	}
	app := apptest.New(t, nil)
	tenant, err := tenancy.FindTenant(app, "smith")
	if err != nil {
		t.Fatal(err)
	}
	tenant.Set("timezone", "Europe/Berlin")
	for _, m := range found {
		if m[1] != "" {
			if _, err := schedule.Parse(m[1], "Europe/Berlin"); err != nil {
				t.Errorf("preset %q: %v", m[1], err)
			}
		}
		tenant.Set("report_schedule", m[1])
		if err := app.Save(tenant); err != nil {
			t.Errorf("preset %q is refused by the tenant settings: %v", m[1], err)
		}
	}
}
