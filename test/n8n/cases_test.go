package n8ntier

import (
	"bufio"
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
	"golang.org/x/text/encoding/charmap"

	"counterpart/hooks/apptest"
	"counterpart/internal/config"
	"counterpart/internal/n8n"
)

// tierSecret is the JWT Auth credential's secret and n8n.jwt.secret.
var tierSecret = "tier-" + randomHex(24)

// counterpart is one Counterpart app (hooks.Register, demo data) wired to n8n.
type counterpart struct {
	app   core.App
	srv   *httptest.Server
	tools *toolLog
}

// toolCall is one call n8n's agent made to a tool route of Counterpart.
type toolCall struct {
	Path   string
	Query  string // q or query
	Auth   string // the Authorization header
	Status int
}

// toolLog records the calls to Counterpart's tool routes (/api/n8n/ but the callbacks).
type toolLog struct {
	mu    sync.Mutex
	calls []toolCall
}

func (l *toolLog) add(c toolCall) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls = append(l.calls, c)
}

// since returns the calls after the first n.
func (l *toolLog) since(n int) []toolCall {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]toolCall(nil), l.calls[n:]...)
}

func (l *toolLog) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.calls)
}

// newCounterpart starts Counterpart with the chat webhook at chatURL, the
// ingest webhook at ingestURL, and tokens signed with alg and secret.
func newCounterpart(t *testing.T, chatURL, ingestURL, alg, secret string) *counterpart {
	t.Helper()
	cfg := apptest.Config()
	cfg.N8N.ChatURL, cfg.N8N.IngestURL = chatURL, ingestURL
	cfg.N8N.Timeout = 90 * time.Second
	cfg.N8N.JWT = config.JWT{Algorithm: alg, Secret: secret, TTL: time.Minute}
	cfg.Chat.FirstByteTimeout = 60 * time.Second
	// a refused ingest call fails the document at once instead of retrying with backoff
	cfg.Jobs.MaxAttempts = 1
	cfg.Jobs.Backoff = 100 * time.Millisecond
	app := apptest.New(t, cfg)
	tools := &toolLog{}
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.BindFunc(func(e *core.RequestEvent) error {
			path := e.Request.URL.Path
			if !strings.HasPrefix(path, "/api/n8n/") || strings.HasPrefix(path, "/api/n8n/callback/") {
				return e.Next()
			}
			err := e.Next()
			status := e.Status()
			var ae *router.ApiError
			if errors.As(err, &ae) {
				status = ae.Status
			}
			q := e.Request.URL.Query()
			tools.add(toolCall{Path: path, Query: cmp.Or(q.Get("q"), q.Get("query")), Auth: e.Request.Header.Get("Authorization"), Status: status})
			return err
		})
		return se.Next()
	})
	return &counterpart{app: app, srv: apptest.Serve(t, app), tools: tools}
}

// waitImport waits for the parts import of a document to finish and returns its part_imports record.
func (c *counterpart) waitImport(t *testing.T, doc string, limit time.Duration) *core.Record {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		recs, err := c.app.FindRecordsByFilter("part_imports", "document = {:d} && status != 'running'", "-created", 1, 0, dbx.Params{"d": doc})
		if err == nil && len(recs) > 0 {
			return recs[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("no parts import of %s finished within %s (%v)", doc, limit, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// claims returns the claims of a JWT without checking it (Counterpart did).
func claims(t *testing.T, token string) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %.20q…", token)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatalf("JWT payload: %v", err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("JWT payload: %v", err)
	}
	return out
}

// win1252 encodes s as Windows-1252, as dealers' systems export price lists.
func win1252(t *testing.T, s string) []byte {
	t.Helper()
	b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// partCard is a part of an answer's part cards (messages.parts), the fields the tier checks.
type partCard struct {
	PartNumber string `json:"part_number"`
	Key        string `json:"key"`
	Brand      string `json:"brand"`
	Status     string `json:"status"`
	Prices     map[string]struct {
		Amount   float64 `json:"amount"`
		Currency string  `json:"currency"`
	} `json:"prices"`
	Source struct {
		Document string `json:"document"`
		Row      int    `json:"row"`
	} `json:"source"`
}

func signerFor(t testing.TB, alg, secret string) *n8n.Signer {
	t.Helper()
	keys, err := n8n.LoadKeys(n8n.KeyConfig{Algorithm: alg, Secret: secret, TTL: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	s, err := n8n.NewSigner(keys)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// waitDocument polls a document until it leaves uploaded/processing.
func (c *counterpart) waitDocument(t *testing.T, id string, limit time.Duration) *core.Record {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		doc, err := c.app.FindRecordById("documents", id)
		if err != nil {
			t.Fatalf("document %s: %v", id, err)
		}
		if s := doc.GetString("status"); s == "ready" || s == "failed" {
			return doc
		}
		if time.Now().After(deadline) {
			t.Fatalf("document %s still %s after %s", id, doc.GetString("status"), limit)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// chunk is a stored passage.
type chunk struct {
	Page int    `db:"page"`
	Row  int    `db:"row"`
	Text string `db:"text"`
}

func (c *counterpart) chunks(t *testing.T, doc string) []chunk {
	t.Helper()
	var out []chunk
	err := c.app.DB().Select("page", "row", "text").From("chunks").Where(dbx.HashExp{"document": doc}).OrderBy("ordinal").All(&out)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// conversation creates a conversation of the user with email.
func (c *counterpart) conversation(t *testing.T, email string) string {
	t.Helper()
	u, err := c.app.FindAuthRecordByEmail("users", email)
	if err != nil {
		t.Fatal(err)
	}
	res := apptest.Do(t, c.srv, "POST", "/api/collections/conversations/records", apptest.Token(t, c.app, email),
		map[string]any{"tenant": u.GetString("tenant"), "user": u.Id})
	if res.Status != 200 {
		t.Fatalf("create conversation: %d %s", res.Status, res.Body)
	}
	return res.JSON["id"].(string)
}

// answer is an answer record as the API returns it.
type answer struct {
	ID           string `json:"id"`
	Status       string `json:"status"`
	Content      string `json:"content"`
	Error        string `json:"error"`
	FirstTokenMS int    `json:"first_token_ms"`
	LatencyMS    int    `json:"latency_ms"`
	Sources      []struct {
		Document string `json:"document"`
		Title    string `json:"title"`
		Page     int    `json:"page"`
		Row      int    `json:"row"`
		Snippet  string `json:"snippet"`
	} `json:"sources"`
	// Parts are the part cards: the matches the lookup_part tool returned for the answer.
	Parts []struct {
		partCard
		Match   string    `json:"match"`
		Chain   []string  `json:"chain"`
		Current *partCard `json:"current"`
	} `json:"parts"`
}

// ask sends a question and waits for the finished answer (JSON mode).
func (c *counterpart) ask(t *testing.T, email, conv, question string) answer {
	t.Helper()
	res := apptest.Do(t, c.srv, "POST", "/api/chat/conversations/"+conv+"/messages", apptest.Token(t, c.app, email),
		map[string]any{"content": question})
	if res.Status != 200 {
		t.Fatalf("ask %q: %d %s", question, res.Status, res.Body)
	}
	var out struct {
		Answer answer `json:"answer"`
	}
	if err := json.Unmarshal(res.Body, &out); err != nil {
		t.Fatalf("answer: %v: %s", err, res.Body)
	}
	return out.Answer
}

// figure prints a measurement for docs/performance.md (not asserted).
func figure(t *testing.T, format string, args ...any) {
	line := "FIGURE real-n8n: " + fmt.Sprintf(format, args...)
	fmt.Println(line)
	t.Log(line)
}

// TestRealN8N runs every case against one shared n8n (its start is most of
// the tier's time); the case that kills n8n comes last.
func TestRealN8N(t *testing.T) {
	bin := requireN8N(t)
	llm := newLLM(t)
	n := startN8N(t, bin, tierSecret, llm.URL(), signerFor(t, "HS256", tierSecret))
	proxy := newTimingProxy(t, n.base)
	cp := newCounterpart(t, proxy.srv.URL+"/webhook/counterpart-chat", n.webhook("counterpart-ingest"), "HS256", tierSecret)
	admin := apptest.Token(t, cp.app, "admin@smith.example")

	// pages 1 to 3 of a parts bulletin, one part number per page
	pdf := makePDF([][]string{
		{"Service bulletin SB-2026-07", "Front axle brake service for the A4 range."},
		{"Brake disc 8E0-615-301-AG supersedes 8E0-615-301-AF.", "Price 89.90 EUR per disc, sold in pairs."},
		{"Brake pad set 8E0-698-151-N fits all A4 models from 2019."},
	})
	var csv strings.Builder
	csv.WriteString("part_number,description,price_eur\n")
	for i := 1; i <= 30; i++ {
		fmt.Fprintf(&csv, "10%04d-XA,Generic clip %d,%d.50\n", i, i, i)
	}
	csv.WriteString("04152-YZZA6,Oil filter element,12.40\n") // row 32 (the header is row 1)

	var pdfID, csvID string

	t.Run("check", func(t *testing.T) {
		cases := []struct {
			name    string
			signer  *n8n.Signer
			url     string
			want    n8n.Problem
			mention string
		}{
			{"chat ok", signerFor(t, "HS256", tierSecret), n.webhook("counterpart-chat"), n8n.ProblemNone, "answered"},
			{"ingest ok", signerFor(t, "HS256", tierSecret), n.webhook("counterpart-ingest"), n8n.ProblemNone, "answered"},
			{"wrong secret", signerFor(t, "HS256", "wrong-"+tierSecret), n.webhook("counterpart-chat"), n8n.ProblemAuth, `"invalid signature"`},
			{"wrong algorithm", signerFor(t, "HS512", tierSecret), n.webhook("counterpart-ingest"), n8n.ProblemAuth, `"invalid algorithm"`},
			{"wrong path", signerFor(t, "HS256", tierSecret), n.webhook("counterpart-chat-typo"), n8n.ProblemNotActive, "is not registered"},
			{"swapped urls", signerFor(t, "HS256", tierSecret), n.webhook("counterpart-ingest"), n8n.ProblemBadReply, "swap"},
			{"n8n not running", signerFor(t, "HS256", tierSecret), fmt.Sprintf("http://127.0.0.1:%d/webhook/counterpart-chat", freePort(t)), n8n.ProblemUnreachable, "connection refused"},
		}
		for _, c := range cases {
			target := n8n.CheckTarget{Name: "chat", Workflow: n8n.ChatWorkflow, URL: c.url}
			if strings.HasPrefix(c.name, "ingest") || c.name == "wrong algorithm" {
				target.Name, target.Workflow = "ingest", n8n.IngestWorkflow
			}
			r := n8n.Check(context.Background(), nil, c.signer, target)
			t.Logf("%-16s %s", c.name, n8n.FormatCheck(r))
			if r.Problem != c.want || !strings.Contains(r.Line, c.mention) {
				t.Errorf("%s: problem %q line %q, want %q mentioning %q", c.name, r.Problem, r.Line, c.want, c.mention)
			}
		}
		// the pings ran no model and posted no callback
		if calls := llm.Calls(); len(calls) != 0 {
			t.Errorf("the chat ping reached the model %d times", len(calls))
		}
	})

	t.Run("ingest pdf and csv", func(t *testing.T) {
		pdfID = apptest.Upload(t, cp.srv, admin, "bulletin.pdf", "application/pdf", pdf)
		// filed as "other" by the uploader: its columns would make it a price list (and its parts
		// answer lookup_part), while this case follows a table searched as passages
		csvID = apptest.UploadAs(t, cp.srv, admin, "prices.csv", "text/csv", "other", []byte(csv.String()))
		for _, id := range []string{pdfID, csvID} {
			doc := cp.waitDocument(t, id, 90*time.Second)
			if doc.GetString("status") != "ready" {
				t.Fatalf("%s: %s (%s)", doc.GetString("filename"), doc.GetString("status"), doc.GetString("error"))
			}
		}
		pages := map[int]string{}
		for _, c := range cp.chunks(t, pdfID) {
			pages[c.Page] += c.Text
		}
		if len(pages) != 3 || !strings.Contains(pages[2], "8E0-615-301-AG") || !strings.Contains(pages[3], "8E0-698-151-N") {
			t.Errorf("PDF chunks by page: %v", pages)
		}
		if d, _ := cp.app.FindRecordById("documents", pdfID); d.GetInt("pages") != 3 {
			t.Errorf("PDF pages = %d, want 3", d.GetInt("pages"))
		}
		rows := cp.chunks(t, csvID)
		var found bool
		for _, c := range rows {
			if c.Row < 2 {
				t.Errorf("CSV chunk without a row reference: %+v", c)
			}
			if strings.Contains(c.Text, "04152-YZZA6") {
				found = true
				if c.Row > 32 || c.Row < 22 || !strings.Contains(c.Text, "price_eur: 12.40") {
					t.Errorf("the oil filter's chunk: row %d, %q", c.Row, c.Text)
				}
			}
		}
		if !found || len(rows) != 2 || rows[0].Row != 2 || rows[1].Row != 22 {
			t.Errorf("CSV chunks (20 rows each, first row 2): %+v", rows)
		}
		if d, _ := cp.app.FindRecordById("documents", csvID); d.GetInt("rows") != 31 {
			t.Errorf("CSV rows = %d, want 31", d.GetInt("rows"))
		}
	})

	t.Run("csv as dealers write it", func(t *testing.T) {
		// the Read CSV node of the ingest workflow: delimiter, encoding, title lines, quotes
		// (part numbers no other case asks about: these passages would answer them)
		utf16 := func(s string) []byte {
			out := []byte{0xff, 0xfe}
			for _, r := range s {
				out = append(out, byte(r), byte(r>>8))
			}
			return out
		}
		for _, c := range []struct {
			name  string
			body  []byte
			row   int      // the first chunk's row: the file line of the first data row
			want  []string // in the first chunk
			lines int      // rows in the chunk
		}{
			{"semicolons, title line, UTF-8 BOM", []byte("\ufeffPreisliste Autohaus Schmidt, gültig ab 01.01.2026\n\nTeilenummer;Marke;Bezeichnung;UPE\n" +
				"5Q0 698 151 B;VW;Bremsbelagsatz vorn;89,50 €\n34216860911;BMW;Bremsscheibe belüftet;852,50\n"),
				4, []string{"Teilenummer: 5Q0 698 151 B | Marke: VW | Bezeichnung: Bremsbelagsatz vorn | UPE: 89,50 €", "UPE: 852,50"}, 2},
			{"Excel sep line, Windows-1252", win1252(t, "sep=;\r\nArt.-Nr.;Bezeichnung;Preis\r\n90915-YZZE1;Ölfilter;12,40 €\r\n"),
				3, []string{"Art.-Nr.: 90915-YZZE1 | Bezeichnung: Ölfilter | Preis: 12,40 €"}, 1},
			{"tabs, UTF-16", utf16("Part Number\tDescription\tList price\r\nA 169 420 12 20\tBrake pads, rear\t145.00\r\n"),
				2, []string{"Part Number: A 169 420 12 20 | Description: Brake pads, rear | List price: 145.00"}, 1},
			{"quoted line break, short row", []byte("part;description;price\n\"N 911 455 01\";\"Drain plug;\nwith \"\"seal\"\"\";2,35\nXS4Z-9G756-AA;Sensor\n"),
				2, []string{"part: N 911 455 01 | description: Drain plug;\nwith \"seal\" | price: 2,35", "part: XS4Z-9G756-AA | description: Sensor"}, 2},
		} {
			t.Run(c.name, func(t *testing.T) {
				id := apptest.Upload(t, cp.srv, admin, "list.csv", "text/csv", c.body)
				doc := cp.waitDocument(t, id, 90*time.Second)
				if doc.GetString("status") != "ready" || doc.GetInt("rows") != c.lines {
					t.Fatalf("%s: %s, %d rows (%s)", c.name, doc.GetString("status"), doc.GetInt("rows"), doc.GetString("error"))
				}
				chunks := cp.chunks(t, id)
				if len(chunks) != 1 || chunks[0].Row != c.row {
					t.Fatalf("chunks: %+v", chunks)
				}
				for _, w := range c.want {
					if !strings.Contains(chunks[0].Text, w) {
						t.Errorf("the chunk lacks %q:\n%s", w, chunks[0].Text)
					}
				}
			})
		}
	})

	t.Run("chat with sources", func(t *testing.T) {
		if pdfID == "" {
			t.Skip("no documents ingested")
		}
		conv := cp.conversation(t, "member@smith.example")
		for _, c := range []struct {
			question, query, doc, quote string
			page, row                   int
		}{
			{"What replaces 8E0-615-301-AF and what does it cost?", "8E0-615-301-AF", pdfID, "8E0-615-301-AG", 2, 0},
			{"How much is the oil filter 04152-YZZA6?", "04152-YZZA6", csvID, "12.40", 0, 32}, // the matching row, as a spreadsheet numbers it
		} {
			before, webhookCalls := len(llm.Calls()), proxy.count()
			a := cp.ask(t, "member@smith.example", conv, c.question)
			w := proxy.after(webhookCalls)
			if a.Status != "complete" || !strings.Contains(a.Content, c.quote) || !strings.HasPrefix(a.Content, "According to") {
				t.Fatalf("answer %q: %s %q (error %q); n8n replied:\n%s", c.question, a.Status, a.Content, a.Error, w.Body)
			}
			// the part number is in no price file (these documents are no price list):
			// lookup_part first, then the search, then the answer from the passage
			calls := llm.Calls()[before:]
			if len(calls) != 3 || calls[0].Tool != lookupTool || calls[1].Tool != searchTool || calls[1].Query != c.query ||
				!strings.Contains(calls[2].ToolResult, c.quote) {
				t.Fatalf("model calls for %q: %+v", c.question, calls)
			}
			if lr, ok := decodeLookup(calls[1].ToolResult); !ok || len(lr.Matches) != 0 || len(lr.NotFound) != 1 {
				t.Errorf("lookup_part's answer for %q: %.300q", c.question, calls[1].ToolResult)
			}
			if len(a.Parts) != 0 {
				t.Errorf("part cards of %q: %+v", c.question, a.Parts)
			}
			var cited bool
			for _, s := range a.Sources {
				if s.Document == c.doc && s.Page == c.page && (c.row == 0 || s.Row == c.row) {
					cited = true
				}
				if s.Document != pdfID && s.Document != csvID {
					t.Errorf("source outside the uploaded documents: %+v", s)
				}
			}
			if !cited {
				t.Errorf("sources of %q do not name %s page %d row %d: %+v", c.question, c.doc, c.page, c.row, a.Sources)
			}
			// the figures: Counterpart's own timing, the webhook's as seen between Counterpart and n8n, the model's
			var model time.Duration
			for _, c := range calls {
				model += c.End.Sub(c.Start)
			}
			inN8N := w.End.Sub(w.Start)
			ours := int64(a.LatencyMS) - inN8N.Milliseconds()
			figure(t, "chat answer %q: first token %d ms, total %d ms; n8n webhook %d ms (first byte %d ms, model's answer turn began at %d ms, "+
				"first token relayed at %d ms); model stand-in %d ms in %d calls; Counterpart's part %d ms",
				c.query, a.FirstTokenMS, a.LatencyMS, inN8N.Milliseconds(), w.FirstByte.Sub(w.Start).Milliseconds(),
				calls[len(calls)-1].Start.Sub(w.Start).Milliseconds(), int64(a.FirstTokenMS)-ours, model.Milliseconds(), len(calls), ours)
		}
	})

	t.Run("tenant isolation", func(t *testing.T) {
		// jones asks for smith's part: the search tool runs with jones' token, in jones' documents only
		conv := cp.conversation(t, "member@jones.example")
		before := len(llm.Calls())
		a := cp.ask(t, "member@jones.example", conv, "What replaces 8E0-615-301-AF and what does it cost?")
		calls := llm.Calls()[before:]
		if len(calls) != 3 || calls[0].Tool != lookupTool || calls[1].Tool != searchTool || strings.Contains(calls[2].ToolResult, "8E0-615-301-AG") {
			t.Fatalf("jones' search reached smith's documents: %+v", calls)
		}
		if a.Status != "complete" || len(a.Sources) != 0 || !strings.Contains(a.Content, "found nothing") {
			t.Errorf("jones' answer: %s %q sources %+v", a.Status, a.Content, a.Sources)
		}
	})

	// a dealer's price list as their system exports it: semicolons, Windows-1252
	// umlauts, comma decimals, a euro sign, a supersession (row 2 → row 3)
	const (
		oldNumber     = "34116794300"
		currentNumber = "34116858652"
		// a file without a brand column: the numbers are shown in BMW's format, which their shape suggests
		currentShown = "34 11 6 858 652"
	)
	priceList := win1252(t, "Teilenummer;Bezeichnung;UPE;Ersetzt durch\r\n"+
		oldNumber+";Bremsscheibe belüftet;852,50;"+currentNumber+"\r\n"+
		currentNumber+";Bremsscheibe belüftet, Nachfolger;1.234,56 €;\r\n"+
		"1K0698151A;Bremsbelagsatz vorn;89,50 €;\r\n")
	var priceID string

	t.Run("price list through n8n and lookup_part", func(t *testing.T) {
		// n8n's ingest makes the passages; Counterpart imports the rows from the
		// stored file once the callback made the document ready
		start := time.Now()
		id := apptest.UploadAs(t, cp.srv, admin, "preisliste-2026.csv", "text/csv", "price_list", priceList)
		doc := cp.waitDocument(t, id, 90*time.Second)
		if doc.GetString("status") != "ready" {
			t.Fatalf("price list: %s (%s)", doc.GetString("status"), doc.GetString("error"))
		}
		ready := time.Since(start)
		chunks := cp.chunks(t, id)
		if len(chunks) == 0 || !strings.Contains(chunks[0].Text, oldNumber) || chunks[0].Row != 2 {
			t.Errorf("n8n's passages of the price list: %+v", chunks)
		}
		t.Logf("n8n's passages of the price list: %+v", chunks)
		imp := cp.waitImport(t, id, 60*time.Second)
		var counts map[string]int
		_ = imp.UnmarshalJSONField("counts", &counts)
		if imp.GetString("status") != "done" || counts["rows"] != 3 || counts["parts_added"] != 3 || counts["supersessions_added"] != 1 || counts["errors"] != 0 {
			t.Fatalf("parts import: %s %q, counts %v", imp.GetString("status"), imp.GetString("message"), counts)
		}
		priceID = id
		figure(t, "price list through n8n's ingest: ready %d ms after the upload, parts imported %d ms after it",
			ready.Milliseconds(), time.Since(start).Milliseconds())

		conv := cp.conversation(t, "member@smith.example")
		before, webhookCalls, toolCalls := len(llm.Calls()), proxy.count(), cp.tools.count()
		a := cp.ask(t, "member@smith.example", conv, "what does "+oldNumber+" cost?")
		w := proxy.after(webhookCalls)
		if a.Status != "complete" {
			t.Fatalf("answer: %s %q (error %q); n8n replied:\n%s", a.Status, a.Content, a.Error, w.Body)
		}

		// the chat request offered the tool with the answer's own token
		var req struct {
			MessageID string `json:"messageId"`
			PartsTool struct {
				URL, Method, Token string
			} `json:"partsTool"`
			SearchTool struct {
				Token string
			} `json:"searchTool"`
		}
		if err := json.Unmarshal(w.Request, &req); err != nil {
			t.Fatalf("chat request: %v: %.300s", err, w.Request)
		}
		if req.PartsTool.URL != cp.srv.URL+"/api/n8n/parts/lookup" || req.PartsTool.Method != "POST" || req.PartsTool.Token == "" ||
			req.PartsTool.Token != req.SearchTool.Token || req.MessageID != a.ID {
			t.Errorf("partsTool of the chat request: %+v (message %s, answer %s)", req.PartsTool, req.MessageID, a.ID)
		}
		// the model called lookup_part first, and only it: the part was found
		calls := llm.Calls()[before:]
		if len(calls) != 2 || calls[0].Tool != lookupTool || calls[0].Query != oldNumber {
			t.Fatalf("model calls: %+v", calls)
		}
		if lr, ok := decodeLookup(calls[1].ToolResult); !ok || len(lr.Matches) != 1 || lr.Matches[0].Current == nil || lr.Matches[0].Current.Key != currentNumber {
			t.Errorf("lookup_part's answer: %.500q", calls[1].ToolResult)
		}
		// n8n called Counterpart's parts route once, with the per-answer token
		tc := cp.tools.since(toolCalls)
		if len(tc) != 1 || tc[0].Path != "/api/n8n/parts/lookup" || tc[0].Query != oldNumber || tc[0].Status != 200 ||
			tc[0].Auth != "Bearer "+req.PartsTool.Token {
			t.Fatalf("tool calls n8n made: %+v", tc)
		}
		smith, _ := cp.app.FindAuthRecordByEmail("users", "member@smith.example")
		if cl := claims(t, req.PartsTool.Token); cl["tenant"] != smith.GetString("tenant") || cl["message"] != a.ID || cl["scope"] != "search" {
			t.Errorf("the parts tool token's claims: %v", cl)
		}

		// the answer names the part to order and quotes its price, from the tool
		if !strings.Contains(a.Content, "order "+currentShown) || !strings.Contains(a.Content, currentShown+" costs 1234.56 EUR") ||
			strings.Contains(a.Content, "852.50") {
			t.Errorf("answer: %q", a.Content)
		}
		// the part card: the asked-for part, its chain and the part to order
		if len(a.Parts) != 1 {
			t.Fatalf("part cards: %+v", a.Parts)
		}
		m := a.Parts[0]
		if m.Key != oldNumber || m.Status != "superseded" || m.Source.Document != id || m.Source.Row != 2 || len(m.Chain) != 2 ||
			m.Current == nil || m.Current.Key != currentNumber || m.Current.Status != "current" ||
			m.Current.Prices["list"].Amount != 1234.56 || m.Current.Prices["list"].Currency != "EUR" || m.Current.Source.Row != 3 {
			t.Errorf("part card: %+v current %+v", m, m.Current)
		}
		// the sources are the price-file rows: the part to order first, then the asked-for part
		if len(a.Sources) < 2 || a.Sources[0].Document != id || a.Sources[0].Row != 3 || a.Sources[1].Document != id || a.Sources[1].Row != 2 ||
			!strings.Contains(a.Sources[0].Snippet, "1234.56 EUR") {
			t.Errorf("sources: %+v", a.Sources)
		}
		// and that is what is stored
		stored, err := cp.app.FindRecordById("messages", a.ID)
		if err != nil {
			t.Fatal(err)
		}
		var storedParts []partCard
		if err := stored.UnmarshalJSONField("parts", &storedParts); err != nil || len(storedParts) != 1 || storedParts[0].Key != oldNumber {
			t.Errorf("stored messages.parts: %v %s", err, stored.GetString("parts"))
		}
		t.Logf("answer: %q; sources %+v", a.Content, a.Sources)
	})

	t.Run("parts tenant isolation", func(t *testing.T) {
		if priceID == "" {
			t.Skip("no price list imported")
		}
		// jones asks for smith's number: lookup_part runs with jones' token, in jones' price files only
		conv := cp.conversation(t, "member@jones.example")
		before, webhookCalls, toolCalls := len(llm.Calls()), proxy.count(), cp.tools.count()
		a := cp.ask(t, "member@jones.example", conv, "what does "+oldNumber+" cost?")
		w := proxy.after(webhookCalls)
		calls := llm.Calls()[before:]
		if len(calls) != 3 || calls[0].Tool != lookupTool || calls[1].Tool != searchTool {
			t.Fatalf("model calls: %+v", calls)
		}
		lr, ok := decodeLookup(calls[1].ToolResult)
		if !ok || len(lr.Matches) != 0 || len(lr.DidYouMean) != 0 || !slices.Equal(lr.NotFound, []string{oldNumber}) {
			t.Errorf("lookup_part for jones: %.500q", calls[1].ToolResult)
		}
		if strings.Contains(calls[2].ToolResult, "1234") || strings.Contains(calls[2].ToolResult, "852") {
			t.Errorf("jones' search reached smith's price list: %.500q", calls[2].ToolResult)
		}
		var req struct {
			PartsTool struct{ Token string } `json:"partsTool"`
		}
		_ = json.Unmarshal(w.Request, &req)
		jones, _ := cp.app.FindAuthRecordByEmail("users", "member@jones.example")
		tc := cp.tools.since(toolCalls)
		if len(tc) != 2 || tc[0].Path != "/api/n8n/parts/lookup" || tc[0].Status != 200 || tc[0].Auth != "Bearer "+req.PartsTool.Token ||
			claims(t, req.PartsTool.Token)["tenant"] != jones.GetString("tenant") {
			t.Errorf("tool calls n8n made for jones: %+v", tc)
		}
		if a.Status != "complete" || !strings.Contains(a.Content, oldNumber+" is not in the dealership's price files") ||
			strings.Contains(a.Content, "1234") || len(a.Parts) != 0 || len(a.Sources) != 0 {
			t.Errorf("jones' answer: %s %q parts %+v sources %+v", a.Status, a.Content, a.Parts, a.Sources)
		}
	})

	t.Run("ingest time of a 20-page PDF", func(t *testing.T) {
		var pages [][]string
		for p := 1; p <= 20; p++ {
			var lines []string
			for l := 1; l <= 40; l++ {
				lines = append(lines, fmt.Sprintf("Page %d line %d: part 7L0-%03d-%03d-B fits the rear axle, torque %d Nm.", p, l, p, l, 40+l))
			}
			pages = append(pages, lines)
		}
		big := makePDF(pages)
		start := time.Now()
		id := apptest.Upload(t, cp.srv, admin, "catalogue-20-pages.pdf", "application/pdf", big)
		doc := cp.waitDocument(t, id, 120*time.Second)
		took := time.Since(start)
		if doc.GetString("status") != "ready" || doc.GetInt("pages") != 20 {
			t.Fatalf("20-page PDF: %s, %d pages (%s)", doc.GetString("status"), doc.GetInt("pages"), doc.GetString("error"))
		}
		figure(t, "ingest of a 20-page PDF (%d KB, %d chunks) through n8n: %d ms from upload to ready", len(big)/1024, doc.GetInt("chunks"), took.Milliseconds())
	})

	t.Run("large table in several callbacks", func(t *testing.T) {
		// 10,010 rows make 501 chunks of 20 rows: two callbacks, the second with append and status ready
		var big strings.Builder
		big.WriteString("part_number,description,price_eur\n")
		for i := 1; i <= 10_010; i++ {
			fmt.Fprintf(&big, "20%05d-ZB,Bolt M%d,%d.25\n", i, 6+i%10, i%90)
		}
		start := time.Now()
		id := apptest.Upload(t, cp.srv, admin, "bolts.csv", "text/csv", []byte(big.String()))
		doc := cp.waitDocument(t, id, 180*time.Second)
		if doc.GetString("status") != "ready" || doc.GetInt("chunks") != 501 || doc.GetInt("rows") != 10_010 {
			t.Fatalf("large CSV: %s, %d chunks, %d rows (%s)", doc.GetString("status"), doc.GetInt("chunks"), doc.GetInt("rows"), doc.GetString("error"))
		}
		chunks := cp.chunks(t, id)
		if len(chunks) != 501 || chunks[0].Row != 2 || chunks[500].Row != 10_002 || !strings.Contains(chunks[500].Text, "2010010-ZB") {
			t.Errorf("large CSV chunks: %d, first row %d, last %+v", len(chunks), chunks[0].Row, chunks[len(chunks)-1])
		}
		figure(t, "ingest of a %d KB CSV (10,010 rows, 501 chunks, 2 callbacks) through n8n: %d ms from upload to ready",
			big.Len()/1024, time.Since(start).Milliseconds())
	})

	t.Run("unreadable file fails with a reason", func(t *testing.T) {
		id := apptest.Upload(t, cp.srv, admin, "broken.pdf", "application/pdf", []byte("%PDF-1.4\nthis is not really a PDF\n"))
		doc := cp.waitDocument(t, id, 90*time.Second)
		if doc.GetString("status") != "failed" || !strings.Contains(doc.GetString("error"), "The PDF could not be read") {
			t.Errorf("broken PDF: %s %q", doc.GetString("status"), doc.GetString("error"))
		}
	})

	t.Run("secret mismatch", func(t *testing.T) {
		for _, c := range []struct{ name, alg, secret, reason string }{
			{"wrong secret", "HS256", "wrong-" + tierSecret, "invalid signature"},
			{"wrong algorithm", "HS384", tierSecret, "invalid algorithm"},
		} {
			t.Run(c.name, func(t *testing.T) {
				bad := newCounterpart(t, n.webhook("counterpart-chat"), n.webhook("counterpart-ingest"), c.alg, c.secret)
				r := n8n.Check(context.Background(), nil, signerFor(t, c.alg, c.secret),
					n8n.CheckTarget{Name: "chat", Workflow: n8n.ChatWorkflow, URL: n.webhook("counterpart-chat")})
				if r.Problem != n8n.ProblemAuth || r.Reason != c.reason {
					t.Errorf("check: %s", n8n.FormatCheck(r))
				}
				id := apptest.Upload(t, bad.srv, apptest.Token(t, bad.app, "admin@smith.example"), "notes.txt", "text/plain", []byte("Torque 120 Nm."))
				doc := bad.waitDocument(t, id, 60*time.Second)
				if doc.GetString("status") != "failed" || !strings.Contains(doc.GetString("error"), "same secret and algorithm") {
					t.Errorf("document: %s %q", doc.GetString("status"), doc.GetString("error"))
				}
				a := bad.ask(t, "member@smith.example", bad.conversation(t, "member@smith.example"), "Torque of the wheel bolts?")
				if a.Status != "failed" || !strings.Contains(a.Error, "JWT secret or algorithm") {
					t.Errorf("answer: %s %q", a.Status, a.Error)
				}
				t.Logf("check: %s | document: %s | answer: %s", n8n.FormatCheck(r), doc.GetString("error"), a.Error)
			})
		}
	})

	// last: it kills the shared n8n
	t.Run("n8n stopped mid-answer", func(t *testing.T) {
		if pdfID == "" {
			t.Skip("no documents ingested")
		}
		conv := cp.conversation(t, "member@smith.example")
		token := apptest.Token(t, cp.app, "member@smith.example")
		body := strings.NewReader(`{"content":"[hang] What replaces 8E0-615-301-AF?"}`)
		req, _ := http.NewRequest("POST", cp.srv.URL+"/api/chat/conversations/"+conv+"/messages", body)
		req.Header.Set("Authorization", token)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "text/event-stream")
		res, err := cp.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		var event string
		var msgID string
		killed := false
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				event = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				var data map[string]any
				_ = json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &data)
				switch event {
				case "start":
					msgID, _ = data["message"].(string)
				case "delta":
					if !killed {
						n.kill()
						killed = true
					}
				case "done":
					t.Fatalf("the answer completed although n8n was killed: %v", data)
				case "error":
					if data["retry"] != true || !strings.Contains(fmt.Sprint(data["message"]), "broke off") {
						t.Errorf("error event: %v", data)
					}
					rec, err := cp.app.FindRecordById("messages", msgID)
					if err != nil || rec.GetString("status") != "failed" || rec.GetString("content") == "" {
						t.Fatalf("stored answer: %v %v", rec, err)
					}
					t.Logf("stored as failed with the text so far %q: %s", rec.GetString("content"), rec.GetString("error"))
					return
				}
			}
		}
		t.Fatalf("the event stream ended without an error event (killed n8n: %v)", killed)
	})
}
