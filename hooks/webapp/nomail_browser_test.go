package webapp_test

// The first hour on a server without mail (issue 13, item 1): the admin sees
// what mail not being set up means and what to tell IT; an invitation adds
// the person and gives a one-time set-password link to copy (and a fresh one
// later from the Users list), which works once; forgot password says plainly
// that no link can be mailed and whom to ask; a report is kept and says it
// was not mailed, never internals — at 1280 and 375 px, axe clean. The role
// selectors of the Users list line up at both widths.

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"counterpart/hooks/apptest"
	"counterpart/hooks/reports"
	"counterpart/hooks/tenancy"
)

// rolesAligned is true when every role selector of the Users list has the same left edge and width.
const rolesAligned = `(() => {
	const r = [...document.querySelectorAll('.people li select')].map((s) => s.getBoundingClientRect());
	return r.length >= 4 && r.every((x) => Math.abs(x.left - r[0].left) < 1 && Math.abs(x.width - r[0].width) < 1 && x.right <= innerWidth);
})()`

func noMailScenario(t *testing.T, b *browser) {
	app := apptest.New(t, nil)
	srv := apptest.Serve(t, app)
	apptest.WithoutMail(t, app)
	smith, err := tenancy.FindTenant(app, "smith")
	if err != nil {
		t.Fatal(err)
	}
	smith.Set("report_recipients", []string{"owner@smith.example"})
	if err := app.Save(smith); err != nil {
		t.Fatal(err)
	}
	p := b.pageOn(t, app, srv)
	p.call(func(ctx context.Context) error {
		for _, name := range []string{"clipboard-read", "clipboard-write"} {
			if _, err := chromedp.CallBrowser(ctx, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{
				Permission: &cdpbrowser.PermissionDescriptor{Name: name, AllowWithoutSanitization: true}, Setting: cdpbrowser.PermissionSettingGranted, Origin: srv.URL}); err != nil {
				return err
			}
		}
		_, err := chromedp.Call(ctx, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true})
		return err
	})

	// the admin signs in: the banner says what it means and what to tell IT
	p.skipOnboarding("admin@smith.example")
	p.signIn("admin@smith.example")
	p.waitText("#mail-banner", "Mail is not set up on this server.")
	if got := p.text("#mail-banner"); !strings.Contains(got, "counterpart.yaml") || !strings.Contains(got, "docs/admin-guide.md") {
		p.fail("the banner does not say what to tell IT: %q", got)
	}

	// an invitation adds the person and gives the link to hand over
	p.do(chromedp.Click(chromedp.CSS(`nav[aria-label="Main"] a[href="/settings"]`)))
	p.waitText("h2", "Invite a colleague")
	p.waitFor(`document.querySelectorAll('.people li').length === 3`, 10*time.Second, "three users")
	p.waitText(".invite button[type=submit]", "Add and get a link")
	p.do(
		chromedp.SendKeys(chromedp.ID("invite-email"), "sam@smith.example"),
		chromedp.SendKeys(chromedp.ID("invite-name"), "Sam Counter"),
		chromedp.Click(chromedp.CSS(`.invite button[type=submit]`)),
	)
	p.waitFor(`!!document.querySelector('#invite-done #invite-link')`, 20*time.Second, "the set-password link")
	link := eval[string](p, `document.getElementById('invite-link').value`)
	if !strings.HasPrefix(link, srv.URL+"/set-password?token=") {
		p.fail("the invitation's link is %q", link)
	}
	note := p.text("#invite-done")
	for _, want := range []string{"sam@smith.example is added", "Mail is not set up", "It works once, until", "in person"} {
		if !strings.Contains(note, want) {
			p.fail("the invitation's notice lacks %q: %q", want, note)
		}
	}
	sam, err := app.FindAuthRecordByEmail("users", "sam@smith.example")
	if err != nil || !sam.GetBool(tenancy.PasswordPending) {
		p.fail("the invited person was not created as invited: %v", err)
	}
	p.do(chromedp.Click(chromedp.CSS(`#invite-done button.copy`)))
	p.waitText("#invite-done .copied", "Copied.")
	if got := eval[string](p, `navigator.clipboard.readText()`); got != link {
		p.fail("the clipboard holds %q, want the link", got)
	}
	if n := app.TestMailer.TotalSend(); n != 0 {
		p.fail("%d mails were attempted without mail", n)
	}
	p.waitFor(`document.querySelectorAll('.people li').length === 4`, 10*time.Second, "the new person listed")
	p.waitText(`li[data-user="sam@smith.example"]`, "has not set a password yet")
	p.axe("invitation without mail")
	p.shot("invite-without-mail")

	// the role selectors line up, at 1280 and at 375 px
	p.waitFor(rolesAligned, 5*time.Second, "the role selectors aligned at 1280 px")
	p.viewport(375, 812, chromedp.EmulateMobile)
	p.waitFor(rolesAligned, 5*time.Second, "the role selectors aligned at 375 px")
	p.waitFor(`document.documentElement.scrollWidth <= innerWidth`, 5*time.Second, "no sideways scrolling at 375 px")
	p.axe("users without mail, 375 px")
	p.viewport(1280, 900)

	// a fresh link later, from the Users list
	p.do(chromedp.Click(chromedp.CSS(`li[data-user="sam@smith.example"] button.link-action`)))
	fresh := "#user-" + sam.Id + "-link"
	p.waitFor(`!!document.querySelector(`+jsString(fresh)+`)`, 20*time.Second, "the fresh link")
	p.waitText(`li[data-user="sam@smith.example"] .copied`, "Copied.")
	freshLink := eval[string](p, `document.querySelector(`+jsString(fresh)+`).value`)
	if !strings.HasPrefix(freshLink, srv.URL+"/set-password?token=") || freshLink == link {
		p.fail("the fresh link is %q", freshLink)
	}
	if !strings.Contains(p.text(`li[data-user="sam@smith.example"]`), "It works once") {
		p.fail("the fresh link does not say it works once")
	}
	p.axe("a fresh set-password link")

	// Sam sets a password with the first link and is signed in; a member sees no banner
	p.do(chromedp.Click(chromedp.CSS(`.me button:last-child`)), chromedp.WaitVisible(chromedp.ID("email")))
	u, _ := url.Parse(link)
	p.visit(u.RequestURI())
	p.do(chromedp.WaitVisible(chromedp.ID("new-password")))
	if !strings.Contains(p.text("main"), "sam@smith.example") {
		p.fail("the set-password page does not say whose password it sets")
	}
	p.do(
		chromedp.SendKeys(chromedp.ID("new-password"), "sams-own-password-1"),
		chromedp.SendKeys(chromedp.ID("confirm-password"), "sams-own-password-1"),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`nav[aria-label="Main"]`)),
	)
	p.do(chromedp.Sleep(500 * time.Millisecond))
	if eval[bool](p, `!!document.getElementById('mail-banner')`) {
		p.fail("a member sees the mail banner")
	}
	// both links are spent now
	p.do(chromedp.Click(chromedp.CSS(`.me button:last-child`)), chromedp.WaitVisible(chromedp.ID("email")))
	for _, l := range []string{link, freshLink} {
		u, _ := url.Parse(l)
		p.visit(u.RequestURI())
		p.do(
			chromedp.WaitVisible(chromedp.ID("new-password")),
			chromedp.SendKeys(chromedp.ID("new-password"), "someone-elses-password-2"),
			chromedp.SendKeys(chromedp.ID("confirm-password"), "someone-elses-password-2"),
			chromedp.Click(chromedp.CSS(`button[type=submit]`)),
		)
		p.waitText(".alert.error", "expired or was used already")
	}

	// forgot password: said plainly, the same for an address with and without an account
	var said []string
	for _, email := range []string{"manager@smith.example", "nobody@smith.example"} {
		p.visit("/forgot-password")
		p.do(chromedp.WaitVisible(chromedp.ID("email")), chromedp.SendKeys(chromedp.ID("email"), email),
			chromedp.Click(chromedp.CSS(`button[type=submit]`)))
		p.waitText("#no-mail", tenancy.NoMailResetMessage)
		said = append(said, p.text("main"))
		if strings.Contains(p.text("main"), "on its way") {
			p.fail("forgot password still promises a mail")
		}
	}
	if said[0] != said[1] {
		p.fail("forgot password tells whether an address has an account:\n%s\n%s", said[0], said[1])
	}
	p.axe("forgot password without mail")
	p.shot("forgot-password-without-mail")

	// a report: kept, and says it was not mailed because mail is not set up
	p.signIn("admin@smith.example")
	p.visit("/usage/reports")
	p.waitFor(`!!document.getElementById('run-report')`, 20*time.Second, "the Run button")
	if !strings.Contains(strings.Join(strings.Fields(p.text(".run")), " "), "mail is not set up on this server, so it is not mailed") {
		p.fail("the Run card promises a mail: %q", p.text(".run"))
	}
	p.do(chromedp.Click(chromedp.ID("run-report")))
	p.waitFor(`document.querySelector('li.report') && document.querySelector('li.report').dataset.status === 'ready'`, 30*time.Second, "the report ready")
	p.waitText(`li.report .mail[data-mail="no-mail"]`, "Not mailed: mail is not set up on this server.")
	p.do(chromedp.Sleep(time.Second)) // a send, were one tried, would show by now
	if got := p.text("main"); strings.Contains(got, "sendmail") || strings.Contains(got, "retry") || strings.Contains(got, "executable") {
		p.fail("the Reports screen shows internals or a retry: %q", got)
	}
	rec, err := app.FindFirstRecordByFilter("reports", "tenant = {:t}", map[string]any{"t": smith.Id})
	if err != nil || rec.GetString("send_error") != reports.NotMailedNoMail || rec.GetString("csv") == "" {
		p.fail("the report was not kept as not mailed: %v", err)
	}
	p.axe("reports without mail")
	p.shot("reports-without-mail")

	// a manager sees what it means for reports, at 375 px too
	p.do(chromedp.Click(chromedp.CSS(`.me button:last-child`)), chromedp.WaitVisible(chromedp.ID("email")))
	p.skipOnboarding("manager@smith.example")
	p.signIn("manager@smith.example")
	p.waitText("#mail-banner", "Reports are kept")
	p.visit("/usage/reports")
	p.waitText(`li.report .mail[data-mail="no-mail"]`, "Not mailed: mail is not set up on this server.")
	p.viewport(375, 812, chromedp.EmulateMobile)
	p.waitFor(`document.documentElement.scrollWidth <= innerWidth`, 5*time.Second, "no sideways scrolling at 375 px")
	p.axe("reports without mail, manager, 375 px")
	// hidden until the next sign-in
	p.do(chromedp.Click(chromedp.CSS(`#mail-banner button`)))
	p.waitFor(`!document.getElementById('mail-banner')`, 5*time.Second, "the banner hidden")
	p.viewport(1280, 900)
	if n := app.TestMailer.TotalSend(); n != 0 {
		p.fail("%d mails were attempted without mail", n)
	}
	p.checkClean()
}
