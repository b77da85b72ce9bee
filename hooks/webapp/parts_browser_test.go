package webapp_test

// Browser scenarios of parts intelligence (issue 12): a counter clerk asks
// for a superseded number in the chat and gets a part card (the part to
// order, its price, the chain, the cited row) at 1280 and 375 px; looks a
// number up on the Parts screen, sees its price history and a number that is
// in no price file; a tenant admin maps the columns of a price file whose
// headers were not recognised and watches it import.

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pocketbase/dbx"
	"golang.org/x/text/encoding/charmap"

	"counterpart/hooks/apptest"
	"counterpart/hooks/parts"
)

const browserPriceFile = "Teilenummer;Marke;Bezeichnung;UPE;HEK;Pfand;VPE;Ersetzt durch\n" +
	"34116794300;BMW;Bremsscheibe belüftet;852,50;610,00;;2;34116858652\n" +
	"34116858652;BMW;Bremsscheibe belüftet, Nachfolger;1.234,56 €;900,00 €;;2;\n" +
	"12317501677;BMW;Lichtmaschine AT;480,00;350,00;120,00;1;\n" +
	"1K0 698 151 A;VW;Bremsbelagsatz vorn;89,50 €;61,20 €;;1;\n"

// uploadPriceFile uploads body as a price list of smith through the API and
// waits for its parts import to end; it returns the document's id.
func (p *page) uploadPriceFile(name string, body []byte) string {
	p.t.Helper()
	token := apptest.Token(p.t, p.app, "admin@smith.example")
	doc := apptest.UploadAs(p.t, p.srv, token, name, "text/csv", "price_list", body)
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		n, _ := p.app.CountRecords(parts.Imports, dbx.NewExp("document = {:d} AND status != 'running'", dbx.Params{"d": doc}))
		if n > 0 {
			return doc
		}
		if time.Now().After(deadline) {
			p.fail("the import of %s did not end", name)
		}
	}
}

func partsChatScenario(t *testing.T, b *browser) {
	p := b.newPage(t)
	body, err := charmap.Windows1252.NewEncoder().Bytes([]byte(browserPriceFile))
	if err != nil {
		t.Fatal(err)
	}
	p.uploadPriceFile("preisliste.csv", body)
	p.skipOnboarding("member@smith.example")
	p.signIn("member@smith.example")
	p.waitText("h1", "Chat")
	p.ask("34116794300 is superseded — what do I order now and at what price?")
	p.waitFor(`!!document.querySelector('article.assistant[data-status="complete"] article.part-card')`, 30*time.Second, "the part card")
	card := p.text("article.assistant article.part-card")
	for _, want := range []string{"34 11 6 858 652", "1,234.56", "34 11 6 794 300", "preisliste (row 3)"} {
		if !strings.Contains(card, want) {
			p.fail("the part card does not say %q: %q", want, card)
		}
	}
	if got := eval[string](p, `document.querySelector('article.assistant article.part-card').dataset.headline`); got != "order" || !strings.Contains(card, "(superseded)") {
		p.fail("the card leads with %q, want the part to order: %q", got, card)
	}
	if !eval[bool](p, `!!document.querySelector('article.assistant button[data-copy="34116858652"]')`) {
		p.fail("no copy button for the part to order")
	}
	p.axe("chat, part card")
	p.shot("chat-part-card")
	p.viewport(375, 800)
	p.waitFor(`document.querySelector('article.part-card').getBoundingClientRect().right <= window.innerWidth`, 5*time.Second, "the card fits 375 px")
	if eval[bool](p, `document.documentElement.scrollWidth > window.innerWidth + 1`) {
		p.fail("the page scrolls sideways at 375 px")
	}
	p.axe("chat, part card, 375 px")
	p.viewport(1280, 900)
	p.checkClean()
}

func partsScreenScenario(t *testing.T, b *browser) {
	p := b.newPage(t)
	body, _ := charmap.Windows1252.NewEncoder().Bytes([]byte(browserPriceFile))
	p.uploadPriceFile("preisliste.csv", body)
	// a newer file of the same supplier changes a price: it has a history
	p.uploadPriceFile("preisliste-neu.csv", []byte(strings.Replace(browserPriceFile, "89,50 €", "92,00 €", 1)))
	p.skipOnboarding("member@smith.example")
	p.signIn("member@smith.example")
	p.do(chromedp.Click(chromedp.CSS(`nav[aria-label="Main"] a[href="/parts"]`)))
	p.waitText("#page-title", "Parts")
	p.fill("parts-q", "1k0-698-151-a")
	p.do(chromedp.Click(chromedp.CSS(`form[role=search] button[type=submit]`)))
	p.waitFor(`!!document.querySelector('#parts-found article.part-card[data-part]')`, 10*time.Second, "the part found")
	if got := p.text("#parts-found article.part-card [data-price=list]"); !strings.Contains(got, "92.00") {
		p.fail("list price %q", got)
	}
	p.do(chromedp.Click(chromedp.CSS(`#parts-found button[data-history]`)))
	p.waitFor(`document.querySelectorAll('tr[data-price-row]').length >= 1`, 10*time.Second, "the price history")
	if got := p.text("tr[data-price-row]"); !strings.Contains(got, "89.50") {
		p.fail("the old price is not in the history: %q", got)
	}
	p.axe("parts, found with history")
	p.shot("parts")

	p.fill("parts-q", "was kostet 4711000815?")
	p.do(chromedp.Click(chromedp.CSS(`form[role=search] button[type=submit]`)))
	p.waitFor(`!!document.querySelector('#parts-not-found li[data-not-found="4711000815"]')`, 10*time.Second, "not in the price files")
	if eval[bool](p, `!!document.querySelector('#parts-found article.part-card')`) {
		p.fail("a number in no file shows a part")
	}
	p.axe("parts, not found")
	p.checkClean()
}

func partsMappingScenario(t *testing.T, b *browser) {
	p := b.newPage(t)
	doc := p.uploadPriceFile("lieferant.csv", []byte("Feld 1;Feld 2;Feld 3\nXS4Z-9G756-AA;Sensor;45,00\nXS4Z-9G756-AB;Sensor neu;47,50\n"))
	p.skipOnboarding("admin@smith.example")
	p.signIn("admin@smith.example")
	p.visit("/documents/" + doc)
	p.waitFor(`document.querySelector('#part-import')?.dataset.importStatus === 'needs_mapping'`, 20*time.Second, "the import asking for a mapping")
	if got := p.text("#import-message"); !strings.Contains(got, "Feld 1") {
		p.fail("the message does not name the headers seen: %q", got)
	}
	p.axe("document, import needs a mapping")
	p.shot("document-mapping")
	// saving without a part-number column is refused at the field
	p.do(chromedp.Click(chromedp.ID("mapping-save")))
	p.waitText("#map-columns-error", "part number")
	p.do(chromedp.SetValue(chromedp.ID("map-col-0"), "part_number"), chromedp.SetValue(chromedp.ID("map-col-2"), "price_list"))
	eval[any](p, `['map-col-0','map-col-2'].forEach(id => document.getElementById(id).dispatchEvent(new Event('change', {bubbles: true}))); true`)
	p.do(chromedp.Click(chromedp.ID("mapping-save")))
	p.waitFor(`document.querySelector('#part-import')?.dataset.importStatus === 'done'`, 30*time.Second, "the import done")
	p.waitFor(`(document.querySelector('#import-counts [data-count=rows]')?.textContent || '').includes('2')`, 10*time.Second, "the counts")
	p.axe("document, import done")
	n, _ := p.app.CountRecords(parts.Parts, dbx.HashExp{"document": doc})
	if n != 2 {
		p.fail("%d parts imported after the mapping, want 2", n)
	}
	p.checkClean()
}
