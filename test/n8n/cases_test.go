package n8ntier

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/apptest"
	"counterpart/internal/config"
	"counterpart/internal/n8n"
)

// tierSecret is the JWT Auth credential's secret and n8n.jwt.secret.
var tierSecret = "tier-" + randomHex(24)

// counterpart is one Counterpart app (hooks.Register, demo data) wired to n8n.
type counterpart struct {
	app core.App
	srv *httptest.Server
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
	return &counterpart{app: app, srv: apptest.Serve(t, app)}
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
		csvID = apptest.Upload(t, cp.srv, admin, "prices.csv", "text/csv", []byte(csv.String()))
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
			{"How much is the oil filter 04152-YZZA6?", "04152-YZZA6", csvID, "12.40", 0, 22},
		} {
			before, webhookCalls := len(llm.Calls()), proxy.count()
			a := cp.ask(t, "member@smith.example", conv, c.question)
			w := proxy.after(webhookCalls)
			if a.Status != "complete" || !strings.Contains(a.Content, c.quote) || !strings.HasPrefix(a.Content, "According to") {
				t.Fatalf("answer %q: %s %q (error %q); n8n replied:\n%s", c.question, a.Status, a.Content, a.Error, w.Body)
			}
			calls := llm.Calls()[before:]
			if len(calls) != 2 || !calls[0].ToolCall || calls[0].Query != c.query || !strings.Contains(calls[1].ToolResult, c.quote) {
				t.Fatalf("model calls for %q: %+v", c.question, calls)
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
			model := calls[0].End.Sub(calls[0].Start) + calls[1].End.Sub(calls[1].Start)
			inN8N := w.End.Sub(w.Start)
			ours := int64(a.LatencyMS) - inN8N.Milliseconds()
			figure(t, "chat answer %q: first token %d ms, total %d ms; n8n webhook %d ms (first byte %d ms, model's answer turn began at %d ms, "+
				"first token relayed at %d ms); model stand-in %d ms in 2 calls; Counterpart's part %d ms",
				c.query, a.FirstTokenMS, a.LatencyMS, inN8N.Milliseconds(), w.FirstByte.Sub(w.Start).Milliseconds(),
				calls[1].Start.Sub(w.Start).Milliseconds(), int64(a.FirstTokenMS)-ours, model.Milliseconds(), ours)
		}
	})

	t.Run("tenant isolation", func(t *testing.T) {
		// jones asks for smith's part: the search tool runs with jones' token, in jones' documents only
		conv := cp.conversation(t, "member@jones.example")
		before := len(llm.Calls())
		a := cp.ask(t, "member@jones.example", conv, "What replaces 8E0-615-301-AF and what does it cost?")
		calls := llm.Calls()[before:]
		if len(calls) != 2 || !calls[0].ToolCall || strings.Contains(calls[1].ToolResult, "8E0-615-301-AG") {
			t.Fatalf("jones' search reached smith's documents: %+v", calls)
		}
		if a.Status != "complete" || len(a.Sources) != 0 || !strings.Contains(a.Content, "found nothing") {
			t.Errorf("jones' answer: %s %q sources %+v", a.Status, a.Content, a.Sources)
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
