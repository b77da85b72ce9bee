package security_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"counterpart/hooks/apptest"
)

// TestBrowser: PocketBase's dashboard at /_/ still works in Chromium under the
// hardened headers (its own CSP kept, framing denied): a superuser signs in
// without a single CSP violation. Run by `make test-browser`.
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests skipped with -short")
	}
	path := os.Getenv("CHROMIUM_BIN")
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if path == "" {
			path, _ = exec.LookPath(name)
		}
	}
	if path == "" {
		msg := "\n!! BROWSER TEST SKIPPED: no Chromium found (apt-get install chromium, or set CHROMIUM_BIN)"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	app := apptest.New(t, nil)
	email := apptest.Superuser(t, app)
	base := "http://" + serve(t, app)

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true), chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("no-first-run", true), chromedp.UserDataDir(t.TempDir()))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start %s: %v", path, err)
	}
	run, stop := context.WithTimeout(ctx, 60*time.Second)
	defer stop()
	if _, err := chromedp.Call(run, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: `
		window.__csp = [];
		document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));`}); err != nil {
		t.Fatal(err)
	}
	err := chromedp.Do(run,
		chromedp.Navigate(base+"/_/"),
		chromedp.WaitVisible(chromedp.ID("login_identity")),
		chromedp.SendKeys(chromedp.ID("login_identity"), email),
		chromedp.SendKeys(chromedp.ID("login_pass"), "superuser-password-1"),
		chromedp.Click(chromedp.CSS(`form[data-pb="authWithPasswordForm"] button.next`)),
	)
	if err != nil {
		html, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.outerHTML.slice(0, 3000)`))
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		t.Fatalf("dashboard sign-in: %v (at %s)\n%s", err, loc, html)
	}
	// signed in: the dashboard moves on to the collections
	if _, err := chromedp.Run(run, chromedp.Poll[bool](`location.hash.startsWith('#/collections')`, chromedp.WithPollingInterval(100*time.Millisecond))); err != nil {
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		t.Fatalf("dashboard after sign-in: %v (at %s)", err, loc)
	}
	violations, err := chromedp.Run(run, chromedp.Evaluate[[]string](`window.__csp`))
	if err != nil {
		t.Fatal(err)
	}
	if len(violations) > 0 {
		t.Errorf("CSP violations in the dashboard: %s", strings.Join(violations, "; "))
	}
}
