package webapp_test

// Browser scenario of issue 13, item 3: a source of an answer opens in the
// app where it points. A price-list row opens as a table of the rows around
// it, decoded from Windows-1252, with the cited row highlighted, in view and
// numbered as a spreadsheet numbers it; a PDF page opens as the cited
// passage with a link that opens the PDF at that page.

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"golang.org/x/text/encoding/charmap"

	"counterpart/hooks/apptest"
)

// sourcesPriceList is a Windows-1252, semicolon-separated export with a title
// row and a blank row above the header and a blank data row: the water pump,
// data row 418, is on spreadsheet row 418 + 3 + 1 = 422.
func sourcesPriceList(t *testing.T) ([]byte, int) {
	t.Helper()
	var b strings.Builder
	b.WriteString("Preisliste Autohaus Müller, Stand 03/2026;;;\n;;;\nTeilenummer;Bezeichnung;UPE;Marke\n")
	row, pump := 3, 0
	for i := 1; i <= 600; i++ {
		if i == 410 {
			b.WriteString("\n")
			row++
		}
		row++
		if i == 418 {
			b.WriteString("06H121026DD;Kühlmittelpumpe mit Thermostat;389,90;VW\n")
			pump = row
			continue
		}
		fmt.Fprintf(&b, "5Q0%06d;Bremsbeläge Satz %d;%d,50;VW\n", i, i, i)
	}
	data, err := charmap.Windows1252.NewEncoder().Bytes([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	return data, pump
}

// sourcesPDF writes a minimal valid PDF, one page per entry, each shown line
// by line in Helvetica (the construction of internal/extract's fixtures).
func sourcesPDF(pages [][]string) []byte {
	var objs []string
	kids := make([]string, len(pages))
	for i := range pages {
		kids[i] = fmt.Sprintf("%d 0 R", 4+2*i)
	}
	objs = append(objs, "<< /Type /Catalog /Pages 2 0 R >>",
		fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(pages)),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	esc := strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`)
	for i, lines := range pages {
		var b strings.Builder
		b.WriteString("BT /F1 12 Tf 14 TL 72 720 Td\n")
		for j, line := range lines {
			if j > 0 {
				b.WriteString("T*\n")
			}
			fmt.Fprintf(&b, "(%s) Tj\n", esc.Replace(line))
		}
		b.WriteString("ET")
		content := b.String()
		objs = append(objs,
			fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>", 4+2*i+1),
			fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content)+1, content))
	}
	var buf bytes.Buffer
	buf.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = buf.Len()
		fmt.Fprintf(&buf, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := buf.Len()
	fmt.Fprintf(&buf, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&buf, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&buf, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return buf.Bytes()
}

// waitReady waits until the document has been processed.
func (p *page) waitReady(doc string) {
	p.t.Helper()
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		r, err := p.app.FindRecordById("documents", doc)
		if err == nil && r.GetString("status") == "ready" {
			return
		}
		if time.Now().After(deadline) || err == nil && r.GetString("status") == "failed" {
			p.fail("document %s did not become ready (%v)", doc, err)
		}
	}
}

// citedRowInView checks the source view's highlighted row: the pump's row,
// decoded, in the table region and on screen.
func (p *page) citedRowInView(row int, width string) {
	p.t.Helper()
	p.waitFor(`!!document.querySelector('.source-table tr[aria-current="true"]')`, 20*time.Second, "the highlighted row at "+width)
	p.waitFor(`(() => {
		const tr = document.querySelector('.source-table tr[aria-current="true"]');
		const region = document.querySelector('.source-table').getBoundingClientRect();
		const r = tr.getBoundingClientRect();
		return r.top >= Math.max(region.top, 0) && r.bottom <= Math.min(region.bottom, window.innerHeight);
	})()`, 5*time.Second, "the highlighted row in view at "+width)
	got := eval[string](p, `document.querySelector('.source-table tr[aria-current="true"]').dataset.row`)
	text := p.text(`.source-table tr[aria-current="true"]`)
	if got != fmt.Sprint(row) || !strings.Contains(text, "Kühlmittelpumpe mit Thermostat") || !strings.Contains(text, "389,90") {
		p.fail("at %s the highlighted row is %s: %q, want row %d with the pump", width, got, text, row)
	}
	if page := p.text("main"); strings.Contains(page, "\ufffd") || strings.Contains(page, "K�hl") {
		p.fail("undecoded bytes on the page: %q", page)
	}
	// visibly highlighted, not only for screen readers
	if bg := eval[string](p, `getComputedStyle(document.querySelector('.source-table tr[aria-current="true"] td')).backgroundColor`); bg == "rgba(0, 0, 0, 0)" || bg == "" {
		p.fail("the cited row has no highlight (background %q)", bg)
	}
	if pos := eval[string](p, `getComputedStyle(document.querySelector('.source-table thead th')).position`); pos != "sticky" {
		p.fail("the header is %s, not sticky", pos)
	}
	if eval[bool](p, `document.documentElement.scrollWidth > window.innerWidth + 1`) {
		p.fail("the page scrolls sideways at %s", width)
	}
}

func sourcesScenario(t *testing.T, b *browser) {
	p := b.newPage(t)
	data, pump := sourcesPriceList(t)
	list := p.uploadPriceFile("preisliste.csv", data)
	p.waitReady(list)
	token := apptest.Token(t, p.app, "admin@smith.example")
	bulletin := apptest.UploadAs(t, p.srv, token, "bulletin.pdf", "application/pdf", "bulletin", sourcesPDF([][]string{
		{"Technical bulletin TB-2026-07", "Golf VIII 2.0 TDI"},
		{"Timing belt: replace the timing belt every 210000 km or 10 years.", "Torque the tensioner bolt to 25 Nm."},
		{"Coolant: use G13 only."},
	}))
	p.waitReady(bulletin)

	// the member asks through the API (the chat's own sending is another scenario's), then reads the answer in the app
	member := apptest.Token(t, p.app, "member@smith.example")
	u, err := p.app.FindAuthRecordByEmail("users", "member@smith.example")
	if err != nil {
		t.Fatal(err)
	}
	created := apptest.Do(t, p.srv, "POST", "/api/collections/conversations/records", member, map[string]any{"tenant": u.GetString("tenant"), "user": u.Id})
	conv, _ := created.JSON["id"].(string)
	ask := func(question string) {
		if res := apptest.Do(t, p.srv, "POST", "/api/chat/conversations/"+conv+"/messages", member, map[string]any{"content": question}); res.Status != 200 {
			t.Fatalf("asking %q: %d %s", question, res.Status, res.Body)
		}
	}
	p.skipOnboarding("member@smith.example")
	p.signIn("member@smith.example")
	p.waitText("h1", "Chat")

	// a price-list row deep in its passage: the chip names the pump's row as a spreadsheet numbers it
	ask("Was kostet die Kühlmittelpumpe?")
	p.visit("/chat/" + conv)
	p.waitFor(`!!document.querySelector('article.assistant[data-status="complete"] .sources a')`, 30*time.Second, "the answer's sources")
	chip := fmt.Sprintf(`article.assistant .sources a[href^="/documents/%s/source"]`, list)
	label := p.text(chip)
	if !strings.Contains(label, fmt.Sprintf("row %d", pump)) {
		p.fail("the chip says %q, want row %d", label, pump)
	}
	p.do(chromedp.Click(chromedp.CSS(chip)))
	p.waitFor(`location.pathname.endsWith('/source')`, 10*time.Second, "the source view")
	if q := eval[string](p, `new URLSearchParams(location.search).get('row')`); q != fmt.Sprint(pump) {
		p.fail("the source opened at row %s, want %d", q, pump)
	}
	p.citedRowInView(pump, "1280 px")
	if place := p.text("[data-place]"); !strings.Contains(place, fmt.Sprintf("Row %d", pump)) {
		p.fail("the view says %q, want row %d", place, pump)
	}
	if got := eval[string](p, `document.querySelector('.source-table thead').textContent`); !strings.Contains(got, "Bezeichnung") {
		p.fail("the header is %q", got)
	}
	if back := eval[string](p, `document.querySelector('p.back a').getAttribute('href')`); back != "/chat/"+conv {
		p.fail("the way back is %q, want /chat/%s", back, conv)
	}
	if !eval[bool](p, `!!document.querySelector('button[data-download]')`) {
		p.fail("no Download the file")
	}
	p.axe("source view, price-list row")
	p.shot("source-row")
	p.viewport(375, 800)
	p.visit(eval[string](p, `location.pathname + location.search`))
	p.citedRowInView(pump, "375 px")
	p.axe("source view, price-list row, 375 px")
	p.viewport(1280, 900)
	// "Download the file" asks for a download link of this document
	p.do(chromedp.Click(chromedp.CSS(`button[data-download]`)))
	p.waitFor(fmt.Sprintf(`performance.getEntriesByType('resource').some(r => r.name.includes('/api/documents/%s/download'))`, list), 10*time.Second, "the download link asked for")

	// a PDF source opens at its page
	ask("How often is the timing belt replaced?")
	p.visit("/chat/" + conv)
	p.waitFor(`!!document.getElementById('chat-input')`, 10*time.Second, "the conversation")
	eval[any](p, `window.__opened = []; window.open = (u) => { window.__opened.push(u); return null; }; true`)
	pdfChip := fmt.Sprintf(`article.assistant .sources a[href^="/documents/%s/source?page=2"]`, bulletin)
	p.waitFor(fmt.Sprintf(`!!document.querySelector(%s)`, jsString(pdfChip)), 30*time.Second, "the PDF source at page 2")
	if label := p.text(pdfChip); !strings.Contains(label, "p. 2") {
		p.fail("the PDF chip says %q", label)
	}
	p.do(chromedp.Click(chromedp.CSS(pdfChip)))
	p.waitText(".passage", "timing belt")
	if h := p.text(".passage h2"); !strings.Contains(h, "page 2") {
		p.fail("the passage heading is %q", h)
	}
	p.axe("source view, PDF page")
	p.do(chromedp.Click(chromedp.CSS(`button[data-open-page]`)))
	p.waitFor(`window.__opened.length === 1`, 10*time.Second, "the PDF opened")
	opened := eval[string](p, `window.__opened[0]`)
	if !strings.HasSuffix(opened, "#page=2") {
		p.fail("the PDF opens at %q, want #page=2", opened)
	}
	res, err := http.Get(strings.TrimSuffix(opened, "#page=2"))
	if err != nil {
		p.fail("fetching the PDF: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "inline") {
		p.fail("the PDF link answered %d %q %q", res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"))
	}
	p.checkClean()
}
