package webapp_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// uploadsScenario: a 40 MB manual goes through the embedded file store (over
// PocketBase's default 32 MiB body limit), and a program renamed .pdf is
// refused, removed from the store and offered without a download.
func uploadsScenario(t *testing.T, b *browser) {
	p := b.newPage(t)
	p.skipOnboarding("member@smith.example")
	p.signIn("member@smith.example")
	p.visit("/documents")
	p.waitText("h1", "Documents")

	dir := t.TempDir()
	manual := filepath.Join(dir, "Werkstatthandbuch Golf VIII.pdf")
	if err := os.WriteFile(manual, append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("0"), 40<<20)...), 0o644); err != nil {
		t.Fatal(err)
	}
	program := filepath.Join(dir, "Bremsen TSB 2026.pdf")
	if err := os.WriteFile(program, append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00"), bytes.Repeat([]byte{0}, 4096)...), 0o644); err != nil {
		t.Fatal(err)
	}
	p.do(chromedp.SetUploadFiles(chromedp.ID("file-input"), []string{manual, program}))
	p.waitFor(`document.querySelectorAll('li.upload').length === 2`, 10*time.Second, "two uploads in the panel")
	p.waitFor(`[...document.querySelectorAll('li.upload')].some(li => li.textContent.includes('Werkstatthandbuch') && li.querySelector('[data-state="done"]'))`,
		60*time.Second, "the 40 MB manual uploaded")
	if eval[bool](p, `document.body.textContent.includes('entity too large')`) {
		p.fail("the 40 MB manual was refused by a body limit")
	}

	// the program: failed with the reason, no download, no reprocess
	refused := `[...document.querySelectorAll('li.doc')].find(li => li.textContent.includes('Bremsen TSB 2026'))`
	p.waitFor(refused+`?.querySelector('[data-status="failed"]') != null`, 30*time.Second, "the program is marked failed")
	p.waitFor(refused+`.textContent.includes('not PDF')`, 10*time.Second, "the reason is shown")
	if eval[bool](p, refused+`.querySelector('button[aria-label^="Download"], button[aria-label^="Reprocess"]') != null`) {
		p.fail("a refused file offers a download or a reprocess")
	}
	doc, err := p.app.FindFirstRecordByData("documents", "filename", "Bremsen TSB 2026.pdf")
	if err != nil {
		t.Fatal(err)
	}
	if doc.GetString("storage_key") != "" {
		p.fail("the refused file is still in the store under %s", doc.GetString("storage_key"))
	}
	// its page says why and has no download either
	p.visit("/documents/" + doc.Id)
	p.waitText(".alert.error", "not PDF")
	if eval[bool](p, `[...document.querySelectorAll('.actions button')].some(b => /Download|Reprocess/.test(b.textContent))`) {
		p.fail("the refused document's page offers a download or a reprocess")
	}
	p.axe("a refused document")
	for _, w := range []int64{375, 1280} {
		p.viewport(w, 800)
		p.visit("/documents")
		p.waitFor(refused+` != null`, 10*time.Second, "the list")
		p.axe("documents with a refused file")
	}
}
