package webapp_test

// The browser harness: headless Chromium (Debian's package) driven by
// chromedp over the DevTools protocol, against test apps served by
// apptest.Serve with every feature registered, as the binary does.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/pocketbase/pocketbase/tests"

	"counterpart/hooks/apptest"
	"counterpart/hooks/demo"
)

// chromiumPath finds the browser: $CHROMIUM_BIN, else the usual names.
func chromiumPath() string {
	if p := os.Getenv("CHROMIUM_BIN"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "/usr/bin/chromium"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// needBrowser skips (loudly) without Chromium, except in CI, where it fails.
func needBrowser(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("browser tests skipped with -short")
	}
	p := chromiumPath()
	if p == "" {
		msg := "\n" + strings.Repeat("!", 72) + "\n!! BROWSER TESTS SKIPPED: no Chromium found (apt-get install chromium, or set CHROMIUM_BIN)\n" + strings.Repeat("!", 72)
		if os.Getenv("CI") != "" {
			t.Fatal(msg + "\nCI is set, so this is a failure.")
		}
		t.Skip(msg)
	}
	return p
}

// axeSource is axe-core from ui/node_modules (npm ci in ui/ installs it).
func axeSource(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "ui", "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("axe-core is missing (run `npm ci` in ui/): %v", err)
		}
		t.Logf("\n%s\n!! ACCESSIBILITY CHECKS SKIPPED: %v (run `npm ci` in ui/)\n%s", strings.Repeat("!", 72), err, strings.Repeat("!", 72))
		return ""
	}
	return string(b)
}

// artifactDir is where screenshots go: $COUNTERPART_ARTIFACTS, else a
// temporary directory of the test. UPDATE_SCREENSHOTS=1 also writes the
// set committed under docs/screenshots.
func artifactDir(t *testing.T) string {
	if d := os.Getenv("COUNTERPART_ARTIFACTS"); d != "" {
		d = filepath.Join(d, "screenshots")
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

type browser struct {
	ctx       context.Context
	axe       string
	artifacts string
}

func startBrowser(t *testing.T) *browser {
	t.Helper()
	path := needBrowser(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("lang", "en-US"),
		chromedp.Flag("font-render-hinting", "none"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // starts the browser, bound to ctx (no timeout)
		t.Fatalf("start %s: %v", path, err)
	}
	return &browser{ctx: ctx, axe: axeSource(t), artifacts: artifactDir(t)}
}

// page is one browser tab on one test app.
type page struct {
	t   *testing.T
	b   *browser
	ctx context.Context
	app *tests.TestApp
	srv *httptest.Server
}

// hooks installed in every document before the app's scripts: they record
// CSP violations, uncaught errors and everything the live region says.
const pageHooks = `
window.__csp = []; window.__errors = []; window.__live = [];
document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
window.addEventListener('error', (e) => window.__errors.push(String(e.message)));
window.addEventListener('unhandledrejection', (e) => window.__errors.push('unhandled: ' + String(e.reason && (e.reason.message || e.reason))));
document.addEventListener('DOMContentLoaded', () => {
  const watch = () => {
    const el = document.getElementById('live');
    if (!el) return setTimeout(watch, 50);
    new MutationObserver(() => { if (el.textContent) window.__live.push(el.textContent); })
      .observe(el, { childList: true, characterData: true, subtree: true });
  };
  watch();
});`

// newPage opens a tab on a fresh seeded app served over HTTP.
func (b *browser) newPage(t *testing.T) *page {
	t.Helper()
	app := apptest.New(t, nil)
	srv := apptest.Serve(t, app)
	return b.pageOn(t, app, srv)
}

func (b *browser) pageOn(t *testing.T, app *tests.TestApp, srv *httptest.Server) *page {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx)
	t.Cleanup(cancel)
	// the first action binds the tab's life to its context: start it with the tab's own, without a timeout
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	p := &page{t: t, b: b, ctx: ctx, app: app, srv: srv}
	p.call(func(ctx context.Context) error {
		_, err := chromedp.Call(ctx, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: pageHooks})
		return err
	})
	p.viewport(1280, 900)
	return p
}

// fail stops the test with a screenshot of the page for the artifacts.
func (p *page) fail(format string, args ...any) {
	p.t.Helper()
	msg := fmt.Sprintf(format, args...)
	ctx, cancel := context.WithTimeout(p.ctx, 5*time.Second)
	defer cancel()
	if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
		name := filepath.Join(p.b.artifacts, "FAILED-"+strings.NewReplacer("/", "_", " ", "_").Replace(p.t.Name())+".png")
		if os.WriteFile(name, png, 0o644) == nil {
			msg += "\nscreenshot: " + name
		}
	}
	if loc, err := chromedp.Run(ctx, chromedp.Location()); err == nil {
		msg += "\nat " + loc
	}
	p.t.Fatal(msg)
}

func (p *page) call(f func(ctx context.Context) error) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	if err := f(ctx); err != nil {
		p.fail("%v", err)
	}
}

// do runs actions with a 30 s limit and fails the test on an error.
func (p *page) do(actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		p.fail("%v", err)
	}
}

func eval[T any](p *page, js string) T {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		p.fail("evaluate %s: %v", js, err)
	}
	return v
}

// waitFor polls a JavaScript condition until it is true.
func (p *page) waitFor(js string, timeout time.Duration, what string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, timeout)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](js, chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(timeout))); err != nil {
		p.fail("waiting for %s (%s): %v", what, js, err)
	}
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// waitText waits until the first element matching css contains text.
func (p *page) waitText(css, text string) {
	p.t.Helper()
	p.waitFor(fmt.Sprintf(`(() => { const el = document.querySelector(%s); return !!el && el.textContent.includes(%s); })()`,
		jsString(css), jsString(text)), 20*time.Second, fmt.Sprintf("%q in %s", text, css))
}

func (p *page) text(css string) string {
	p.t.Helper()
	return eval[string](p, fmt.Sprintf(`(document.querySelector(%s) || {}).textContent || ''`, jsString(css)))
}

func (p *page) visit(path string) {
	p.t.Helper()
	p.do(chromedp.Navigate(p.srv.URL + path))
}

func (p *page) viewport(w, h int64, opts ...chromedp.EmulateViewportOption) {
	p.t.Helper()
	p.do(chromedp.EmulateViewport(w, h, opts...))
}

func (p *page) darkMode(on bool) {
	p.t.Helper()
	v := "light"
	if on {
		v = "dark"
	}
	p.call(func(ctx context.Context) error {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: v}}})
		return err
	})
}

// press sends keys to whatever has focus (kb.Tab, kb.Enter, "?", ...) as a
// person's key presses: one keyDown that carries the text, then keyUp. (A
// separate char event, as chromedp.KeyEvent sends, would type the character
// even when the page cancelled the keydown, as it does for shortcuts.)
func (p *page) press(keys string, opts ...chromedp.KeyOption) {
	p.t.Helper()
	p.do(chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		for _, r := range keys {
			evs := kb.Encode(r)
			var down, up *input.DispatchKeyEventParams
			text := ""
			for _, e := range evs {
				switch e.Type {
				case input.DispatchKeyEventTypeKeyDown, input.DispatchKeyEventTypeRawKeyDown:
					down = e
				case input.DispatchKeyEventTypeKeyUp:
					up = e
				case input.DispatchKeyEventTypeChar:
					text = e.Text
				}
			}
			if down == nil || up == nil {
				return fmt.Errorf("cannot press %q", r)
			}
			down.Type, down.Text, down.UnmodifiedText = input.DispatchKeyEventTypeKeyDown, text, text
			for _, o := range opts {
				o(down)
				o(up)
			}
			for _, e := range []*input.DispatchKeyEventParams{down, up} {
				if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, *e); err != nil {
					return err
				}
			}
		}
		return nil
	}))
}

func (p *page) shiftTab() {
	p.t.Helper()
	p.press(kb.Tab, chromedp.KeyModifiers(chromedp.ModifierShift))
}

// focused describes the focused element: "tag#id: text", and whether a focus ring shows.
type focus struct {
	Desc    string `json:"desc"`
	ID      string `json:"id"`
	Visible bool   `json:"visible"`
}

func (p *page) focused() focus {
	p.t.Helper()
	return eval[focus](p, `(() => {
		const el = document.activeElement;
		if (!el || el === document.body) return { desc: 'body', id: '', visible: false };
		const cs = getComputedStyle(el);
		const ring = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2;
		const label = (el.getAttribute('aria-label') || el.textContent || el.value || '').trim().replace(/\s+/g, ' ').slice(0, 60);
		return { desc: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ': ' + label, id: el.id, visible: ring };
	})()`)
}

// tabTo presses Tab until the focused element matches css (at most n times),
// checking on the way that every focused control shows a focus ring.
func (p *page) tabTo(css string, n int) {
	p.t.Helper()
	var path []string
	for range n {
		p.press(kb.Tab)
		f := p.focused()
		path = append(path, f.Desc)
		if f.Desc != "body" && !f.Visible && !strings.HasPrefix(f.Desc, "h1") && !strings.HasPrefix(f.Desc, "main") {
			p.fail("focus on %s shows no visible focus ring", f.Desc)
		}
		if eval[bool](p, fmt.Sprintf(`document.activeElement && document.activeElement.matches(%s)`, jsString(css))) {
			return
		}
	}
	p.fail("%s not reached with %d Tabs; focus went: %s", css, n, strings.Join(path, " → "))
}

// checkClean fails on CSP violations and uncaught errors seen on the page so far.
func (p *page) checkClean() {
	p.t.Helper()
	csp := eval[[]string](p, `window.__csp || []`)
	errs := eval[[]string](p, `window.__errors || []`)
	if len(csp) > 0 {
		p.fail("Content-Security-Policy violations: %v", csp)
	}
	if len(errs) > 0 {
		p.fail("uncaught errors: %v", errs)
	}
}

type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any  `json:"target"`
		HTML   string `json:"html"`
		Fail   string `json:"failureSummary"`
	} `json:"nodes"`
}

var axeMu sync.Mutex
var axeScreens []string

// axe runs axe-core on the page as it is now and fails on serious or
// critical violations (WCAG 2.1 A and AA rules and best practices).
func (p *page) axe(screen string) {
	p.t.Helper()
	p.checkClean()
	if p.b.axe == "" {
		return
	}
	if !eval[bool](p, `typeof window.axe !== 'undefined'`) {
		// injected through DevTools, so the app's CSP does not apply to it
		eval[any](p, p.b.axe+";true")
	}
	vs := eval[[]axeViolation](p, `axe.run(document, {
		runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
		resultTypes: ['violations'],
	}).then(r => r.violations)`)
	var bad []string
	for _, v := range vs {
		if v.Impact != "serious" && v.Impact != "critical" {
			p.t.Logf("axe (%s, %s, not failing): %s: %s", screen, v.Impact, v.ID, v.Help)
			continue
		}
		s := fmt.Sprintf("%s [%s] %s", v.ID, v.Impact, v.Help)
		for _, n := range v.Nodes {
			s += fmt.Sprintf("\n    %v %s\n      %s", n.Target, n.HTML, strings.ReplaceAll(n.Fail, "\n", " "))
		}
		bad = append(bad, s)
	}
	axeMu.Lock()
	axeScreens = append(axeScreens, screen)
	axeMu.Unlock()
	if len(bad) > 0 {
		p.fail("axe-core on %s: %d serious/critical violations:\n  %s", screen, len(bad), strings.Join(bad, "\n  "))
	}
}

// shot writes full-page screenshots at 1280 and 375 px wide (and restores 1280).
func (p *page) shot(name string) {
	p.t.Helper()
	for _, w := range []int64{1280, 375} {
		if w == 375 {
			p.viewport(375, 812, chromedp.EmulateMobile)
		} else {
			p.viewport(1280, 900)
		}
		p.do(chromedp.Sleep(150 * time.Millisecond))
		ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		cancel()
		if err != nil {
			p.fail("screenshot %s: %v", name, err)
		}
		file := fmt.Sprintf("%s-%d.png", name, w)
		if err := os.WriteFile(filepath.Join(p.b.artifacts, file), png, 0o644); err != nil {
			p.t.Fatal(err)
		}
		if os.Getenv("UPDATE_SCREENSHOTS") != "" {
			_, self, _, _ := runtime.Caller(0)
			dir := filepath.Join(filepath.Dir(self), "..", "..", "docs", "screenshots")
			if err := os.MkdirAll(dir, 0o755); err != nil {
				p.t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, file), png, 0o644); err != nil {
				p.t.Fatal(err)
			}
		}
	}
	p.viewport(1280, 900)
}

// signIn signs in through the form and waits for the app shell.
func (p *page) signIn(email string) {
	p.t.Helper()
	p.visit("/sign-in")
	p.do(
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), demo.Password),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`nav[aria-label="Main"]`)),
	)
}

// skipOnboarding marks the welcome guide done for a user before signing in.
func (p *page) skipOnboarding(email string) {
	p.t.Helper()
	u, err := p.app.FindAuthRecordByEmail("users", email)
	if err != nil {
		p.t.Fatal(err)
	}
	p.visit("/sign-in")
	eval[any](p, fmt.Sprintf(`localStorage.setItem('counterpart.onboarding.v1.' + %s, 'skipped'); true`, jsString(u.Id)))
}

// fill replaces the value of a field as typing would (input and change events).
func (p *page) fill(id, value string) {
	p.t.Helper()
	ok := eval[bool](p, fmt.Sprintf(`(() => {
		const el = document.getElementById(%s);
		if (!el) return false;
		el.focus();
		el.value = %s;
		el.dispatchEvent(new Event('input', { bubbles: true }));
		el.dispatchEvent(new Event('change', { bubbles: true }));
		return true;
	})()`, jsString(id), jsString(value)))
	if !ok {
		p.fail("no field #%s", id)
	}
}
