package webapp_test

// The chat as a new dealership lives its first hour (issue 13): sending on a
// slow connection, the phone layout, and the smaller things — copying an
// answer, visible "Copied"/"Thanks", the chosen thumb, a feedback comment,
// example questions, banners that clear when the connection is back, and a
// conversation search that finds words only in answers, umlauts included.

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/apptest"
	"counterpart/internal/config"
	"counterpart/internal/n8n/n8ntest"
)

// chatFirstHourScenario runs the three parts; each can be run on its own:
// go test -run 'TestBrowser/chat,_the_first_hour/sending' -v ./hooks/webapp/
func chatFirstHourScenario(t *testing.T, b *browser) {
	t.Run("sending on a slow connection", func(t *testing.T) { chatSlowSendScenario(t, b) })
	t.Run("phone layout", func(t *testing.T) { chatPhoneScenario(t, b) })
	t.Run("copy, feedback, examples, offline, search", func(t *testing.T) { chatDetailsScenario(t, b) })
}

// chatPage opens a tab on an app whose n8n stand-in streams tokens.
func chatPage(t *testing.T, b *browser, tokens []string) (*page, *n8ntest.Server) {
	t.Helper()
	stand := n8ntest.New(t, n8ntest.Options{Chat: n8ntest.Reply{Mode: n8ntest.ModeStream, Tokens: tokens, TokenDelay: 5 * time.Millisecond}})
	cfg := apptest.Config()
	cfg.N8N.ChatURL = stand.ChatURL()
	cfg.N8N.JWT = config.JWT{Algorithm: stand.Algorithm(), Secret: stand.Secret(), TTL: time.Minute}
	app := apptest.New(t, cfg)
	return b.pageOn(t, app, apptest.Serve(t, app)), stand
}

// longAnswer is an answer of n paragraphs, taller than any screen.
func longAnswer(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("Line %02d of the answer: torque the caliper bolts to 30 Nm and check the pads.\n\n", i+1)
	}
	return out
}

// network sets the tab's connection: latency in ms, or offline; the page's
// navigator.onLine and its online/offline events follow.
func (p *page) network(offline bool, latency float64) {
	p.t.Helper()
	p.call(func(ctx context.Context) error {
		if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		if _, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
			MatchedNetworkConditions: []*network.Conditions{{Latency: latency, DownloadThroughput: -1, UploadThroughput: -1, Offline: offline}},
		}); err != nil {
			return err
		}
		_, err := chromedp.Call(ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{
			Offline: offline, Latency: latency, DownloadThroughput: -1, UploadThroughput: -1})
		return err
	})
}

// countOf counts the rows of a table matching a condition.
func countOf(t *testing.T, app core.App, table string, where dbx.HashExp) int {
	t.Helper()
	var n int
	if err := app.DB().Select("COUNT(*)").From(table).Where(where).Row(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// addAnswer stores a complete answer in a conversation.
func addAnswer(t *testing.T, app core.App, conv *core.Record, content string) {
	t.Helper()
	col, err := app.FindCollectionByNameOrId("messages")
	if err != nil {
		t.Fatal(err)
	}
	m := core.NewRecord(col)
	m.Set("tenant", conv.GetString("tenant"))
	m.Set("conversation", conv.Id)
	m.Set("user", conv.GetString("user"))
	m.Set("role", "assistant")
	m.Set("status", "complete")
	m.Set("content", content)
	if err := app.Save(m); err != nil {
		t.Fatal(err)
	}
}

// readingJS measures the newest answer against what the reader sees: its
// top relative to the visible part of the thread (under a pinned header,
// above the message box; the thread's own box on a wide screen) and how
// many screenfuls one would scroll to reach its first line.
const readingJS = `(() => {
	const answers = document.querySelectorAll('article.assistant');
	const a = answers[answers.length - 1];
	const box = document.querySelector('.thread');
	const own = box.scrollHeight > box.clientHeight + 1 && getComputedStyle(box).overflowY !== 'visible';
	const head = document.querySelector('.thread-head');
	const pinned = getComputedStyle(head).position === 'sticky' ? Math.max(0, head.getBoundingClientRect().bottom) : 0;
	const from = own ? Math.max(box.getBoundingClientRect().top, 0) : pinned;
	const composer = document.querySelector('.composer-wrap');
	const to = own ? Math.min(box.getBoundingClientRect().bottom, innerHeight) : Math.min(composer ? composer.getBoundingClientRect().top : innerHeight, innerHeight);
	const r = a.getBoundingClientRect();
	const seen = r.top >= from - 1 && r.top < to - 24;
	const view = Math.max(1, to - from);
	return {
		top: r.top - from, view, height: r.height, seen,
		gestures: seen ? 0 : Math.ceil(Math.abs(r.top - from) / view),
		atBottom: own ? box.scrollTop + box.clientHeight >= box.scrollHeight - 4 : scrollY + innerHeight >= document.documentElement.scrollHeight - 4,
	};
})()`

// read measures the newest answer with readingJS, once the thread shows it.
func (p *page) read() reading {
	p.t.Helper()
	p.waitFor(`document.querySelectorAll('article.assistant').length > 0 && !!document.querySelector('.thread-head') && !!document.querySelector('.thread')`,
		10*time.Second, "an answer in the thread")
	return eval[reading](p, readingJS)
}

type reading struct {
	Top      float64 `json:"top"`
	View     float64 `json:"view"`
	Height   float64 `json:"height"`
	Seen     bool    `json:"seen"`
	Gestures int     `json:"gestures"`
	AtBottom bool    `json:"atBottom"`
}

func chatSlowSendScenario(t *testing.T, b *browser) {
	p, _ := chatPage(t, b, longAnswer(40))
	p.skipOnboarding("member@smith.example")
	p.signIn("member@smith.example")
	p.waitFor(`!!document.getElementById('chat-input')`, 10*time.Second, "the chat screen")
	member, _ := p.app.FindAuthRecordByEmail("users", "member@smith.example")

	const question = "Which brake pads fit the Golf VII?"
	p.network(false, 800)
	// in the page: Enter → the question bubble on screen (MutationObserver), whether Send was ever
	// enabled while the question was still being sent, and every path the page showed
	eval[bool](p, fmt.Sprintf(`(() => {
		const Q = %s;
		window.__t = {}; window.__paths = [location.pathname]; window.__enabledWhileSending = false;
		document.addEventListener('keydown', (e) => {
			if (e.key === 'Enter' && !e.shiftKey && window.__t.enter === undefined) window.__t.enter = performance.now();
		}, true);
		new MutationObserver(() => {
			if (window.__t.enter === undefined || window.__t.shown !== undefined) return;
			const q = [...document.querySelectorAll('article.user')].find((a) => a.textContent.includes(Q));
			if (q && q.getBoundingClientRect().height > 0) {
				window.__t.shown = performance.now();
				requestAnimationFrame(() => (window.__t.painted = performance.now()));
			}
		}).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
		setInterval(() => {
			const l = location.pathname;
			if (window.__paths[window.__paths.length - 1] !== l) window.__paths.push(l);
			const sending = !!document.querySelector('article.user[data-sending="true"]');
			if (sending && window.__t.accepted === undefined) window.__t.sending = true;
			if (!sending && window.__t.sending && window.__t.accepted === undefined) window.__t.accepted = performance.now();
			const send = document.querySelector('.composer button[type=submit]');
			if (sending && send && !send.disabled) window.__enabledWhileSending = true;
		}, 5);
		return true;
	})()`, jsString(question)))
	p.do(chromedp.Focus(chromedp.ID("chat-input")))
	p.press(question)
	// three Enters, as an impatient person on a slow line does
	p.press(kb.Enter)
	p.press(kb.Enter)
	p.press(kb.Enter)
	type early struct {
		Shown    float64 `json:"shown"`
		Painted  float64 `json:"painted"`
		Sending  bool    `json:"sending"`
		Disabled bool    `json:"disabled"`
		Label    string  `json:"label"`
	}
	p.waitFor(`window.__t.painted !== undefined`, 5*time.Second, "the question on screen")
	e := eval[early](p, `({
		shown: window.__t.shown - window.__t.enter, painted: window.__t.painted - window.__t.enter,
		sending: !!document.querySelector('article.user[data-sending="true"]'),
		disabled: !!document.querySelector('.composer button[type=submit]:disabled'),
		label: (document.querySelector('.composer button[type=submit]') || {}).textContent || '',
	})`)
	if !e.Sending || !e.Disabled || !strings.Contains(e.Label, "Sending") {
		p.fail("while the question is on its way: sending state shown %v, Send disabled %v (%q)", e.Sending, e.Disabled, e.Label)
	}
	p.shot("chat-sending")
	// typing on meanwhile is fine, but Enter sends nothing until the answer is done
	p.press("And the rear ones?")
	p.press(kb.Enter)

	p.waitFor(`!!document.querySelector('article.assistant[data-status="complete"]')`, 30*time.Second, "the answer")
	accepted := eval[float64](p, `window.__t.accepted - window.__t.enter`)
	t.Logf("MEASURE Enter → question on screen with 800 ms added latency: %.1f ms (next frame painted at %.1f ms); the server had it after %.0f ms",
		e.Shown, e.Painted, accepted)
	// the figure (goal ≤ 50 ms) is measured, not asserted (the machines are shared); what must hold is that the
	// question is on screen before the server has it
	if e.Shown >= accepted {
		p.fail("the question appeared %.1f ms after Enter, only once the server had it (%.0f ms)", e.Shown, accepted)
	}
	if eval[bool](p, `window.__enabledWhileSending`) {
		p.fail("Send was enabled while the question was still being sent")
	}
	if n := countOf(t, p.app, "conversations", dbx.HashExp{"user": member.Id}); n != 1 {
		p.fail("the Enters made %d conversations, want 1", n)
	}
	if n := countOf(t, p.app, "messages", dbx.HashExp{"user": member.Id, "role": "user"}); n != 1 {
		p.fail("%d questions stored, want 1", n)
	}
	if got := eval[string](p, `document.getElementById('chat-input').value`); got != "And the rear ones?" {
		p.fail("the text typed meanwhile is %q, want it kept in the box", got)
	}
	conv, err := p.app.FindFirstRecordByFilter("conversations", "user = {:u}", dbx.Params{"u": member.Id})
	if err != nil {
		t.Fatal(err)
	}
	if paths := eval[[]string](p, `window.__paths`); strings.Join(paths, " ") != "/chat /chat/"+conv.Id {
		p.fail("the view went %v, want /chat then /chat/%s and stay there", paths, conv.Id)
	}
	// the reader starts at the answer's first line, not at its end
	r := p.read()
	if r.Height <= r.View {
		p.fail("the answer (%.0f px) is not taller than the view (%.0f px): the test proves nothing", r.Height, r.View)
	}
	if !r.Seen || r.AtBottom {
		p.fail("after the answer the view shows its top: %v (top at %.0f px of %.0f), scrolled to the bottom: %v", r.Seen, r.Top, r.View, r.AtBottom)
	}

	// the second question in the now long thread: the view moves to it and its answer's top
	p.press(kb.Enter)
	p.waitFor(`document.querySelectorAll('article.assistant[data-status="complete"]').length === 2`, 30*time.Second, "the second answer")
	if r := p.read(); !r.Seen || r.AtBottom {
		p.fail("after the second answer its top is seen: %v (at %.0f px of %.0f), at the bottom: %v", r.Seen, r.Top, r.View, r.AtBottom)
	}
	if n := countOf(t, p.app, "conversations", dbx.HashExp{"user": member.Id}); n != 1 {
		p.fail("%d conversations after the second question, want 1", n)
	}
	p.network(false, 0)
	p.axe("chat, sent on a slow connection")
	p.checkClean()
}

func chatPhoneScenario(t *testing.T, b *browser) {
	p, _ := chatPage(t, b, longAnswer(30))
	// a title as long as the server makes them (60 characters): it must not widen the page
	conv := makeConversation(t, p.app, "member@smith.example", "Which brake pads fit the Golf VII front axle, and the rear…", "Which brake pads fit the Golf VII front axle, and the rear one?")
	for i := range 3 {
		addAnswer(t, p.app, conv, strings.Repeat(fmt.Sprintf("Part %d: the pads 1K0698151 fit the front axle of the Golf VII. ", i), 12))
	}
	p.skipOnboarding("member@smith.example")
	p.signIn("member@smith.example")
	phone := func() { p.viewport(375, 667, chromedp.EmulateMobile) }
	// shot ends at 1280 px: back to the phone after each
	shot := func(name string) { p.shot(name); phone() }
	phone()

	inView := func(css string) bool {
		return eval[bool](p, fmt.Sprintf(`(() => { const el = document.querySelector(%s); if (!el) return false;
			const r = el.getBoundingClientRect(); return r.height > 0 && r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth; })()`, jsString(css)))
	}
	visible := func(css string) bool {
		return eval[bool](p, fmt.Sprintf(`(() => { const el = document.querySelector(%s); return !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden'; })()`, jsString(css)))
	}

	// the chat home: the message box is on screen, the list behind one button
	p.visit("/chat")
	p.waitFor(`!!document.getElementById('chat-input')`, 10*time.Second, "the chat home")
	p.do(chromedp.Sleep(200 * time.Millisecond))
	if !inView("#chat-input") {
		p.fail("at 375 px the message box of the chat home is not on screen: %v", eval[any](p, `document.getElementById('chat-input').getBoundingClientRect().toJSON()`))
	}
	if visible(".convs") {
		p.fail("the conversation list takes room on the phone's chat home")
	}
	p.axe("chat home, 375 px")
	shot("chat-phone-home")

	// one tap opens the list as a panel; choosing a conversation opens it and closes the panel
	p.do(chromedp.Click(chromedp.CSS(`button.list-toggle`)))
	p.waitFor(`!!document.querySelector('.convs a') && document.querySelector('.convs a').getClientRects().length > 0`, 5*time.Second, "the list panel")
	if !inView(`.convs a[href="/chat/` + conv.Id + `"]`) {
		p.fail("the conversation is not on screen in the opened list")
	}
	if got := eval[string](p, `document.querySelector('button.list-toggle').getAttribute('aria-expanded')`); got != "true" {
		p.fail("the list button says aria-expanded=%s", got)
	}
	p.axe("chat, conversation list panel, 375 px")
	shot("chat-phone-list")
	p.do(chromedp.Click(chromedp.CSS(`.convs a[href="/chat/` + conv.Id + `"]`)))
	p.waitFor(`location.pathname === '/chat/`+conv.Id+`' && document.querySelectorAll('article.assistant').length === 3`, 10*time.Second, "the conversation")
	p.do(chromedp.Sleep(200 * time.Millisecond))
	if visible(".convs") {
		p.fail("the list panel stays open over the conversation")
	}

	// the open conversation: a one-line header, the actions in a menu, the message box on screen
	if w := eval[string](p, `[document.documentElement.scrollWidth, innerWidth, ...[...document.querySelectorAll('.chat, .thread-col, .thread-head, .thread-head h1, .thread, .composer-wrap')].map(e => e.className.split(' ')[0] + ':' + Math.round(e.getBoundingClientRect().width))].join(' ')`); !strings.HasPrefix(w, "375 375") {
		p.fail("the page is wider than the phone: %s", w)
	}
	if !inView("#chat-input") {
		p.fail("at 375 px the message box of an open conversation is not on screen")
	}
	if h := eval[float64](p, `document.querySelector('.thread-head').getBoundingClientRect().height`); h > 64 {
		p.fail("the conversation's header is %.0f px high, want one line", h)
	}
	if visible(".head-actions") {
		p.fail("Rename/Archive/Delete take room before they are asked for")
	}
	p.do(chromedp.Click(chromedp.CSS(`button.menu-toggle`)))
	p.waitFor(`document.querySelectorAll('.head-actions button').length === 3 && [...document.querySelectorAll('.head-actions button')].every(b => b.getClientRects().length > 0)`,
		5*time.Second, "the actions menu")
	if !inView(".head-actions button.del") {
		p.fail("the actions menu is not on screen")
	}
	p.axe("chat, actions menu, 375 px")
	p.press(kb.Escape)
	p.waitFor(`!document.querySelector('.head-actions.open')`, 5*time.Second, "the menu closed")

	// a new answer: its first line is on screen without scrolling
	p.ask("And which ones fit the rear axle?")
	p.waitFor(`document.querySelectorAll('article.assistant[data-status="complete"]').length === 4`, 30*time.Second, "the new answer")
	r := p.read()
	t.Logf("MEASURE scroll gestures to reach the first line of a new answer at 375×667: %d (its top %.0f px into a view of %.0f px; the answer is %.0f px tall)",
		r.Gestures, r.Top, r.View, r.Height)
	if r.Gestures != 0 {
		p.fail("reading the new answer takes %d scroll gestures at 375 px, want 0 (top at %.0f px of a %.0f px view)", r.Gestures, r.Top, r.View)
	}
	if !inView("#chat-input") {
		p.fail("after the answer the message box is off screen")
	}
	p.axe("chat, conversation, 375 px")
	p.shot("chat-phone")
	p.viewport(1280, 900)
	p.axe("chat, conversation, 1280 px")
	p.checkClean()
}

func chatDetailsScenario(t *testing.T, b *browser) {
	p, _ := chatPage(t, b, []string{"**Front pads** ", "1K0698151 fit the Golf VII.\n\n", "> Replace both sides at once."})
	member, _ := p.app.FindAuthRecordByEmail("users", "member@smith.example")
	// a conversation whose answer alone names the Bremsbeläge
	other := makeConversation(t, p.app, "member@smith.example", "Vorderachse", "Was brauche ich vorne?")
	addAnswer(t, p.app, other, "Die **Bremsbeläge** 1K0698151 und die Scheiben 5Q0615301.")
	p.skipOnboarding("member@smith.example")
	p.signIn("member@smith.example")
	p.waitFor(`!!document.getElementById('chat-input')`, 10*time.Second, "the chat screen")
	p.call(func(ctx context.Context) error {
		for _, name := range []string{"clipboard-read", "clipboard-write"} {
			if _, err := chromedp.CallBrowser(ctx, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{
				Permission: &cdpbrowser.PermissionDescriptor{Name: name, AllowWithoutSanitization: true}, Setting: cdpbrowser.PermissionSettingGranted, Origin: p.srv.URL}); err != nil {
				return err
			}
		}
		_, err := chromedp.Call(ctx, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true})
		return err
	})

	// an empty chat offers example questions; one fills the box and sends nothing
	n := eval[int](p, `document.querySelectorAll('.intro .examples button').length`)
	if n < 3 || n > 4 {
		p.fail("the empty chat offers %d example questions, want 3–4", n)
	}
	example := eval[string](p, `document.querySelector('.intro .examples button').textContent.trim()`)
	p.do(chromedp.Click(chromedp.CSS(`.intro .examples button`)))
	p.waitFor(fmt.Sprintf(`document.getElementById('chat-input').value === %s && document.activeElement.id === 'chat-input'`, jsString(example)), 5*time.Second, "the example in the box")
	if n := countOf(t, p.app, "messages", dbx.HashExp{"user": member.Id, "role": "user"}); n != 1 { // the seeded question only
		p.fail("choosing an example sent something (%d questions)", n)
	}
	p.axe("chat, example questions")
	p.fill("chat-input", "")

	p.ask("Which pads fit the Golf?")
	p.waitFor(`!!document.querySelector('article.assistant[data-status="complete"] .tools')`, 30*time.Second, "the answer")
	answerID := eval[string](p, `document.querySelector('article.assistant[data-status="complete"]').dataset.id`)

	// Copy puts the rendered text on the clipboard, and says so where one looks
	p.do(chromedp.Click(chromedp.CSS(`article.assistant .tools button.ghost`)))
	p.waitText("article.assistant .tool-note", "Copied")
	type clip struct {
		Text string `json:"text"`
		HTML string `json:"html"`
		Err  string `json:"err"`
	}
	c := eval[clip](p, `(async () => {
		try {
			const items = await navigator.clipboard.read();
			let html = '';
			for (const it of items) if (it.types.includes('text/html')) html = await (await it.getType('text/html')).text();
			return { text: await navigator.clipboard.readText(), html, err: '' };
		} catch (e) { return { text: '', html: '', err: String(e) }; }
	})()`)
	if c.Err != "" {
		p.fail("reading the clipboard: %s", c.Err)
	}
	if want := "Front pads 1K0698151 fit the Golf VII.\n\nReplace both sides at once."; c.Text != want {
		p.fail("Copy put %q on the clipboard, want %q", c.Text, want)
	}
	if !strings.Contains(c.HTML, "<strong>Front pads</strong>") || !strings.Contains(c.HTML, "<blockquote>") {
		p.fail("the copied HTML is %q", c.HTML)
	}
	noteShown := func(text string) bool {
		return eval[bool](p, fmt.Sprintf(`(() => { const el = document.querySelector('article.assistant[data-status="complete"] .tool-note');
			if (!el || !el.textContent.includes(%s)) return false;
			const r = el.getBoundingClientRect(), cs = getComputedStyle(el);
			return r.width > 20 && r.height > 8 && cs.clip !== 'rect(0px, 0px, 0px, 0px)' && cs.position !== 'absolute' && cs.visibility !== 'hidden' && parseFloat(cs.opacity) > 0.5; })()`, jsString(text)))
	}
	if !noteShown("Copied") {
		p.fail("“Copied” is not visible on screen")
	}

	// a thumb: clearly chosen (filled, with contrast), "Thanks" on screen, then an optional comment
	p.do(chromedp.Click(chromedp.CSS(`article.assistant .tools button[aria-pressed]`)))
	p.waitFor(`document.querySelector('article.assistant .tools button[aria-pressed]').getAttribute('aria-pressed') === 'true'`, 10*time.Second, "thumb up chosen")
	p.waitText("article.assistant .tool-note", "Thanks")
	if !noteShown("Thanks") {
		p.fail("“Thanks” is not visible on screen")
	}
	type look struct {
		Chosen   float64 `json:"chosen"`   // icon against the chosen thumb's fill
		Fill     float64 `json:"fill"`     // the chosen fill against the answer's background
		SameLook bool    `json:"sameLook"` // the chosen and the other thumb look alike
	}
	l := eval[look](p, `(() => {
		const rgb = (s) => (s.match(/[\d.]+/g) || []).slice(0, 4).map(Number);
		const lum = ([r, g, b]) => { const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
		const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
		const [up, down] = document.querySelectorAll('article.assistant .tools button[aria-pressed]');
		const bg = (el) => { for (let e = el; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c.length === 3 || c[3] > 0) return c; } return [255, 255, 255]; };
		const cu = getComputedStyle(up), cd = getComputedStyle(down);
		return {
			chosen: ratio(rgb(getComputedStyle(up.querySelector('svg')).color), bg(up)),
			fill: ratio(bg(up), bg(up.closest('article'))),
			sameLook: cu.backgroundColor === cd.backgroundColor && cu.color === cd.color && cu.borderColor === cd.borderColor,
		};
	})()`)
	if l.SameLook || l.Chosen < 4.5 || l.Fill < 3 {
		p.fail("the chosen thumb is not clear: looks like the other %v, icon contrast %.1f (want ≥ 4.5), fill contrast %.1f (want ≥ 3)", l.SameLook, l.Chosen, l.Fill)
	}
	commentBox := fmt.Sprintf("comment-%s", answerID)
	p.waitFor(fmt.Sprintf(`!!document.getElementById(%s)`, jsString(commentBox)), 5*time.Second, "the comment box")
	p.axe("chat, feedback comment")
	p.darkMode(true)
	p.axe("chat, feedback comment, dark")
	p.darkMode(false)
	p.shot("chat-feedback")
	p.fill(commentBox, "The rear pads were missing.")
	p.do(chromedp.Click(chromedp.CSS(`form.comment button[type=submit]`)))
	p.waitText("article.assistant .tool-note", "comment was saved")
	if a, err := p.app.FindRecordById("messages", answerID); err != nil || a.GetString("feedback") != "up" || a.GetString("feedback_comment") != "The rear pads were missing." {
		p.fail("the feedback saved: %v %q %q", err, a.GetString("feedback"), a.GetString("feedback_comment"))
	}

	// the search finds a word only in an answer, in any case, umlauts included
	asked := eval[string](p, `location.pathname.slice('/chat/'.length)`)
	for q, want := range map[string]string{"bremsbeläge": other.Id, "BREMSBELÄGE": other.Id, "replace both": asked} {
		p.fill("conv-search", q)
		p.waitFor(fmt.Sprintf(`document.querySelectorAll('.convs li').length === 1 && !!document.querySelector('.convs a[href="/chat/%s"]')`, want),
			10*time.Second, fmt.Sprintf("the search for %q", q))
	}
	p.fill("conv-search", "")
	p.waitFor(`document.querySelectorAll('.convs li').length === 2`, 10*time.Second, "the search cleared")

	// offline: the other conversation cannot load, a question cannot go; back online all of it clears
	p.network(true, 0)
	p.waitFor(`!!document.querySelector('.alert.offline')`, 5*time.Second, "the offline banner")
	p.do(chromedp.Click(chromedp.CSS(`.convs a[href="/chat/` + other.Id + `"]`)))
	p.waitFor(`location.pathname === '/chat/`+other.Id+`' && !!document.querySelector('.thread .alert.error')`, 15*time.Second, "the conversation failing to load")
	p.ask("Und hinten?")
	p.waitFor(`!!document.getElementById('send-error') && document.getElementById('chat-input').value === 'Und hinten?'`, 15*time.Second, "the question given back")
	p.shot("chat-offline")
	p.network(false, 0)
	p.waitFor(`!document.querySelector('.alert.offline') && !document.getElementById('send-error') && !document.querySelector('main .alert.error')`,
		15*time.Second, "every banner gone once the connection is back")
	// the question goes again; the header has its actions
	p.do(chromedp.Focus(chromedp.ID("chat-input")))
	p.press(kb.Enter)
	p.waitFor(`document.querySelectorAll('article.assistant[data-status="complete"]').length === 2`, 30*time.Second, "the resent question's answer")
	p.waitFor(`document.querySelectorAll('.head-actions button').length === 3 && document.getElementById('page-title').textContent.includes('Vorderachse')`,
		10*time.Second, "the header with Rename, Archive and Delete after the resend")
	p.axe("chat, after going offline and back")
	p.checkClean()
}
