package chat

import (
	"fmt"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/documents"
	"counterpart/hooks/parts"

	"counterpart/internal/n8n"
	"counterpart/internal/search"

	"counterpart/internal/textcut"
)

// MaxSources is the most references stored with an answer.
const MaxSources = 10

// maxSnippetBytes bounds a stored source's snippet.
const maxSnippetBytes = 600

// Source is one reference of an answer, as stored in messages.sources and
// sent in the "sources" event.
type Source struct {
	Document string `json:"document"`
	Title    string `json:"title"`
	// Page is the 1-based page of a PDF or DOCX passage, 0 for other formats.
	Page int `json:"page"`
	// Row is the row of a table passage that answers the question, numbered
	// as a spreadsheet shows it (search.MatchingRow; a part card's row as
	// the import read it), 0 for prose. The chip's label and the source
	// view's highlighted row are this number.
	Row     int    `json:"row"`
	Sheet   string `json:"sheet"`
	Snippet string `json:"snippet"`
	// URL is the route that mints a download link after the rule check.
	URL string `json:"url"`
}

// DownloadRoute is the route of a document's download link.
func DownloadRoute(document string) string { return documents.DownloadRoute(document) }

// docInfo is what a reference shows of its document.
type docInfo struct{ title string }

// documents returns the documents of ids that exist and belong to tenant.
func (f *feature) documents(tenant string, ids []string) map[string]docInfo {
	out := map[string]docInfo{}
	if len(ids) == 0 {
		return out
	}
	recs, err := f.app.FindRecordsByIds("documents", ids)
	if err != nil {
		f.app.Logger().Warn("chat: loading source documents", "error", err)
		return out
	}
	for _, r := range recs {
		if r.GetString("tenant") != tenant {
			continue
		}
		out[r.Id] = docInfo{title: documents.Title(r)}
	}
	return out
}

// sources builds an answer's references: the price-file rows of its part
// cards, the passages of a retrieval-only answer, the passages the search tool returned for it, then the sources n8n
// claims, each kept only if its document is the tenant's and still exists;
// duplicates (same document and place) once; at most MaxSources.
func (f *feature) sources(tenant string, rows, retrieved, recorded []search.Passage, claimed []n8n.Source) []Source {
	if len(claimed) > 5*MaxSources {
		claimed = claimed[:5*MaxSources]
	}
	var ids []string
	for _, p := range rows {
		ids = append(ids, p.Document)
	}
	for _, p := range retrieved {
		ids = append(ids, p.Document)
	}
	for _, p := range recorded {
		ids = append(ids, p.Document)
	}
	for _, c := range claimed {
		if c.Document != "" && len(c.Document) <= 64 {
			ids = append(ids, c.Document)
		}
	}
	docs := f.documents(tenant, dedupe(ids))
	out := []Source{}
	seen := map[string]bool{}
	add := func(s Source) {
		d, ok := docs[s.Document]
		if !ok || len(out) >= MaxSources {
			return
		}
		key := fmt.Sprintf("%s|%d|%d|%s", s.Document, s.Page, s.Row, s.Sheet)
		if seen[key] {
			return
		}
		seen[key] = true
		s.Title, s.URL = d.title, DownloadRoute(s.Document)
		s.Snippet = textcut.Clip(strings.TrimSpace(s.Snippet), maxSnippetBytes)
		out = append(out, s)
	}
	for _, ps := range [][]search.Passage{rows, retrieved, recorded} {
		for _, p := range ps {
			add(Source{Document: p.Document, Page: p.Page, Row: p.Row, Sheet: p.Sheet, Snippet: p.Snippet})
		}
	}
	for _, c := range claimed {
		add(Source{Document: c.Document, Page: max(c.Page, 0), Row: max(c.Row, 0), Snippet: c.Snippet})
	}
	return out
}

func dedupe(ids []string) []string {
	seen := map[string]bool{}
	out := ids[:0:0]
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// retrievalPassages is how many passages a retrieval-only answer quotes.
const retrievalPassages = 5

// Labels of retrieval-only answers: they are search results, not generated text.
const (
	RetrievalLabel = "No AI model is connected; these are the best matching passages from your documents:"
	FallbackLabel  = "The AI assistant is not available right now (n8n could not answer); these are the best matching passages from your documents:"
	retrievalNone  = "No AI model is connected, and no passage of your documents matches this question. Try other words or a part number."
	// RetrievalPartsLabel leads a retrieval-only answer with part cards.
	RetrievalPartsLabel = "No AI model is connected; from your price files:"
	FallbackPartsLabel  = "The AI assistant is not available right now (n8n could not answer); from your price files:"
	// PassagesLabel introduces the passages after the part cards.
	PassagesLabel = "Passages of your other documents that mention it:"
	fallbackNone  = "The AI assistant is not available right now (n8n could not answer), and no passage of your documents matches this question. Try again later."
)

// retrieve answers g from the tenant's own data: when the question names
// part numbers, part cards from the price files come first (the part to
// order, its prices, core charge, pack and chain, each cited to its row);
// then the best matching passages, quoted with their references — without
// the rows of the price files the cards already cite. It is the answer when
// no n8n is configured, and the fallback when n8n failed
// (chat.fallback_to_search).
func (f *feature) retrieve(g *generation, fallback bool) outcome {
	question := g.question.GetString("content")
	lookup, err := parts.Lookup(g.ctx, f.app.DB(), g.tenant, question)
	if err != nil {
		if g.ctx.Err() != nil {
			return f.failure(g, g.ctx, err, false)
		}
		f.app.Logger().Error("chat: retrieval-only part lookup", "message", g.id, "error", err)
		return failed(msgInternal)
	}
	passages, err := search.Search(g.ctx, f.app.DB(), g.tenant, question, retrievalPassages)
	if err != nil {
		if g.ctx.Err() != nil {
			return f.failure(g, g.ctx, err, false)
		}
		f.app.Logger().Error("chat: retrieval-only search", "message", g.id, "error", err)
		return failed(msgInternal)
	}
	cited := map[string]bool{}
	for _, p := range partPassages(lookup.Matches) {
		cited[p.Document] = true
	}
	docs := f.documents(g.tenant, documentIDs(passages))
	kept := passages[:0:0]
	for _, p := range passages {
		if _, ok := docs[p.Document]; ok && !cited[p.Document] {
			kept = append(kept, p)
		}
	}
	cards := partCards(lookup)
	var b strings.Builder
	switch {
	case cards != "" && fallback:
		b.WriteString(FallbackPartsLabel + "\n\n" + cards)
	case cards != "":
		b.WriteString(RetrievalPartsLabel + "\n\n" + cards)
	case len(kept) == 0 && fallback:
		b.WriteString(fallbackNone)
	case len(kept) == 0:
		b.WriteString(retrievalNone)
	case fallback:
		b.WriteString(FallbackLabel)
	default:
		b.WriteString(RetrievalLabel)
	}
	if cards != "" && len(kept) > 0 {
		b.WriteString("\n\n" + PassagesLabel)
	}
	for i, p := range kept {
		fmt.Fprintf(&b, "\n\n**%d. %s**%s\n", i+1, escapeMarkdown(docs[p.Document].title), place(p.Page, p.Row, p.Sheet))
		lines := strings.Split(strings.TrimSpace(p.Snippet), "\n")
		for i, line := range lines {
			b.WriteString("\n> ")
			b.WriteString(escapeMarkdown(line))
			if i < len(lines)-1 {
				b.WriteString("  ") // a hard break: each price-file row stays on its own line
			}
		}
	}
	if err := g.add(b.String()); err != nil {
		return failed(msgTooLong)
	}
	return outcome{status: StatusComplete, model: "retrieval-only", retrievalOnly: true, passages: kept, parts: lookup.Matches}
}

func documentIDs(ps []search.Passage) []string {
	ids := make([]string, 0, len(ps))
	for _, p := range ps {
		ids = append(ids, p.Document)
	}
	return dedupe(ids)
}

// place says where in a document a passage is: ", page 3", ", sheet Prices, row 14".
func place(page, row int, sheet string) string {
	var parts []string
	if page > 0 {
		parts = append(parts, fmt.Sprintf("page %d", page))
	}
	if sheet != "" {
		parts = append(parts, "sheet "+escapeMarkdown(sheet))
	}
	if row > 0 {
		parts = append(parts, fmt.Sprintf("row %d", row))
	}
	if len(parts) == 0 {
		return ""
	}
	return ", " + strings.Join(parts, ", ")
}

var markdownEscaper = strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "`", "\\`", "[", `\[`, "]", `\]`, "<", `\<`, ">", `\>`, "#", `\#`)

// escapeMarkdown makes document text show literally in a Markdown answer.
func escapeMarkdown(s string) string { return markdownEscaper.Replace(s) }

// recordOf returns the stored sources of an answer record.
func recordSources(r *core.Record) []Source {
	var out []Source
	_ = r.UnmarshalJSONField("sources", &out)
	if out == nil {
		out = []Source{}
	}
	return out
}
