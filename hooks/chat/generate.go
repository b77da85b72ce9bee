package chat

import (
	"counterpart/hooks/parts"

	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"counterpart/internal/n8n"
	"counterpart/internal/search"

	"counterpart/internal/textcut"
)

// What users read when an answer fails: a plain sentence and, through the
// failed status, a retry. The detail goes to the log, for admins.
const (
	msgUnreachable  = "The assistant cannot be reached right now (n8n is not answering). Try again in a moment; if it keeps failing, tell your admin."
	msgFirstByte    = "The assistant did not start answering within %s. Try again in a moment."
	msgTotalTimeout = "The answer took longer than the %s limit and was cut off. Try again."
	msgAuth         = "The assistant refused Counterpart's credentials: the JWT secret or algorithm in Counterpart's configuration does not match the one in n8n. Tell your admin."
	msgNotActive    = "The assistant's workflow is not active in n8n (n8n answered 404). Tell your admin to activate it."
	msgUpstream     = "The assistant's workflow failed in n8n (HTTP %d). Try again; if it keeps failing, tell your admin."
	msgRefused      = "n8n refused the question (HTTP %d). Tell your admin."
	msgBadShape     = "The assistant's reply could not be read (the n8n workflow does not answer in the expected form). Tell your admin."
	msgModelError   = "The assistant failed while answering (the AI model reported an error). Try again in a moment."
	msgCut          = "The connection to the assistant broke off while it was answering. Try again."
	msgTooLong      = "The answer was too long and was cut off. Try again, perhaps asking for a shorter answer."
	msgEmpty        = "The assistant returned an empty answer. Try again, or ask in other words."
	msgInterrupted  = "This answer was interrupted because the server restarted. Retry it."
	msgInternal     = "Something went wrong on the server while answering. Try again."
)

// Why an n8n call ended early, besides the user's stop and the shutdown.
var (
	errFirstByteTimeout = errors.New("n8n sent nothing before the first-byte timeout")
	errTotalTimeout     = errors.New("the answer exceeded the total timeout")
	errTooLong          = errors.New("answer longer than the content limit")
)

// outcome is how an answer ended; its text is what the generation holds.
type outcome struct {
	status        string // complete, failed or stopped
	errMsg        string // the sentence users read, when failed
	model         string
	tokensIn      int
	tokensOut     int
	claimed       []n8n.Source     // sources n8n sent: checked before use
	passages      []search.Passage // the passages of a retrieval-only answer
	parts         []parts.Match    // the part cards of a retrieval-only answer
	retrievalOnly bool
}

func failed(msg string) outcome { return outcome{status: StatusFailed, errMsg: msg} }

// launch runs g detached from the request that started it.
func (f *feature) launch(g *generation, answer *core.Record) {
	f.wg.Add(1)
	go f.run(g, answer)
}

func (f *feature) run(g *generation, answer *core.Record) {
	defer f.wg.Done()
	defer f.reg.remove(g)
	defer g.cancel(nil)
	var out outcome
	if f.N8N != nil {
		out = f.askN8N(g, answer)
		if out.status == StatusFailed && f.Config.FallbackToSearch && g.runes == 0 && g.ctx.Err() == nil {
			f.app.Logger().Info("chat: n8n failed, answering with search results", "message", g.id)
			out = f.retrieve(g, true)
		}
	} else {
		out = f.retrieve(g, false)
	}
	f.finalize(g, answer, out)
}

// finalize saves the answer as it ended and releases the subscribers.
func (f *feature) finalize(g *generation, answer *core.Record, out outcome) {
	now := time.Now()
	answer.Set("content", g.textSoFar())
	answer.Set("status", out.status)
	answer.Set("error", out.errMsg)
	answer.Set("model", out.model)
	answer.Set("tokens_in", out.tokensIn)
	answer.Set("tokens_out", out.tokensOut)
	answer.Set("latency_ms", now.Sub(g.started).Milliseconds())
	if !g.firstToken.IsZero() {
		answer.Set("first_token_ms", g.firstToken.Sub(g.started).Milliseconds())
	}
	answer.Set("retrieval_only", out.retrievalOnly)
	cards := mergeParts(out.parts, g.recordedParts())
	answer.Set("parts", cards)
	answer.Set("sources", f.sources(g.tenant, partPassages(cards), out.passages, g.recordedPassages(), out.claimed))
	err := f.app.RunInTransaction(func(tx core.App) error {
		if err := tx.Save(answer); err != nil {
			return err
		}
		// the conversation's last activity is its last answer; fresh, so that a rename meanwhile stays
		if c, err := tx.FindRecordById(Conversations, g.conversation); err == nil {
			c.Set("last_message_at", now)
			if err := tx.Save(c); err != nil {
				f.app.Logger().Warn("chat: updating the conversation's last activity", "conversation", g.conversation, "error", err)
			}
		}
		return nil
	})
	if err != nil && !errors.Is(context.Cause(g.ctx), errDeleted) {
		if _, gone := f.app.FindRecordById(Messages, answer.Id); gone == nil {
			f.app.Logger().Error("chat: saving the answer failed; saving it as failed", "message", g.id, "error", err)
			answer.Set("status", StatusFailed)
			answer.Set("error", msgInternal)
			answer.Set("sources", []Source{})
			answer.Set("parts", []parts.Match{})
			err = f.app.Save(answer)
		}
	}
	// free the slots before anyone waiting hears of the end, so that they may ask again at once
	f.reg.remove(g)
	if err != nil {
		g.finish(nil)
		return
	}
	g.finish(answer)
}

// askN8N calls the chat webhook and relays its answer into g.
func (f *feature) askN8N(g *generation, answer *core.Record) outcome {
	var p prepared
	select {
	case p = <-g.prep:
	case <-g.ctx.Done():
		return f.failure(g, g.ctx, g.ctx.Err(), true)
	}
	body, err := p.body, p.err
	if err != nil {
		f.app.Logger().Error("chat: building the n8n request", "message", g.id, "error", err)
		return failed(msgInternal)
	}
	firstCtx, cancelFirst := context.WithCancelCause(g.ctx)
	defer cancelFirst(nil)
	ctx, cancelTotal := context.WithTimeoutCause(firstCtx, f.Timeout, errTotalTimeout)
	defer cancelTotal()

	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.N8N.URL, bytes.NewReader(body))
	if err != nil {
		f.app.Logger().Error("chat: n8n.chat_url is not a valid URL", "error", err)
		return failed(msgUnreachable)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, application/x-ndjson")
	err = f.N8N.Signer.Authorize(req, n8n.Claims{Subject: g.user, Tenant: g.tenant,
		Extra: map[string]any{"conversation": g.conversation, "message": g.id}})
	if err != nil {
		f.app.Logger().Error("chat: signing the n8n request", "message", g.id, "error", err)
		return failed(msgInternal)
	}
	firstByte := time.AfterFunc(f.Config.FirstByteTimeout, func() { cancelFirst(errFirstByteTimeout) })
	defer firstByte.Stop()

	res, err := f.client.Do(req)
	if err != nil {
		return f.failure(g, ctx, err, true)
	}
	defer res.Body.Close()
	if res.StatusCode < 200 || res.StatusCode > 299 {
		firstByte.Stop()
		snippet, _ := io.ReadAll(io.LimitReader(res.Body, 512))
		return f.statusFailure(g, res.StatusCode, snippet)
	}
	br := bufio.NewReaderSize(&firstByteReader{r: res.Body, first: func() { firstByte.Stop() }}, 4<<10)
	streaming, err := n8n.SniffStreaming(br, res.Header.Get("Content-Type"))
	if err != nil {
		return f.failure(g, ctx, err, false)
	}
	if streaming {
		return f.readStream(g, ctx, br, answer)
	}
	return f.readJSON(g, ctx, br)
}

// readStream relays n8n's streaming reply, item by item, saving the partial
// answer as it grows.
func (f *feature) readStream(g *generation, ctx context.Context, br *bufio.Reader, answer *core.Record) outcome {
	p := newPersister(f.app, g, answer, f.SaveInterval)
	defer p.stop()
	res, err := n8n.ReadStream(br, f.Config.MaxReplyBytes, func(ev n8n.Event) error {
		if ev.Content == "" {
			return nil
		}
		if err := g.add(ev.Content); err != nil {
			return err
		}
		p.poke()
		return nil
	})
	if err != nil {
		return f.failure(g, ctx, err, false)
	}
	if res.Unknown > 0 {
		f.app.Logger().Debug("chat: n8n stream lines of unknown type ignored", "message", g.id, "count", res.Unknown)
	}
	if strings.TrimSpace(g.textSoFar()) == "" {
		f.app.Logger().Warn("chat: n8n streamed no answer text", "message", g.id, "runs", res.Runs, "lines", res.Lines)
		return failed(msgEmpty)
	}
	return outcome{status: StatusComplete}
}

// readJSON reads n8n's JSON reply: {"output", "sources", "usage"}.
func (f *feature) readJSON(g *generation, ctx context.Context, br *bufio.Reader) outcome {
	b, err := io.ReadAll(io.LimitReader(br, f.Config.MaxReplyBytes+1))
	if err != nil {
		return f.failure(g, ctx, err, false)
	}
	if int64(len(b)) > f.Config.MaxReplyBytes {
		return f.failure(g, ctx, n8n.ErrReplyTooLarge, false)
	}
	rep, err := n8n.ParseJSONReply(b)
	if err != nil {
		return f.failure(g, ctx, err, false)
	}
	if strings.TrimSpace(rep.Output) == "" {
		f.app.Logger().Warn("chat: n8n answered with an empty output", "message", g.id)
		return failed(msgEmpty)
	}
	if err := g.add(rep.Output); err != nil {
		return f.failure(g, ctx, err, false)
	}
	out := outcome{status: StatusComplete, claimed: rep.Sources}
	if rep.Usage != nil {
		out.model = textcut.Clip(rep.Usage.Model, 200)
		out.tokensIn, out.tokensOut = max(rep.Usage.TokensIn, 0), max(rep.Usage.TokensOut, 0)
	}
	return out
}

// failure explains why a call ended early: to the user in a sentence, to
// admins in the log. connecting says whether the error came before a reply.
func (f *feature) failure(g *generation, ctx context.Context, err error, connecting bool) outcome {
	log := func(detail string) {
		f.app.Logger().Warn("chat: answer failed", "message", g.id, "tenant", g.tenant, "detail", detail)
	}
	switch cause := context.Cause(g.ctx); {
	case errors.Is(cause, errStopped):
		return outcome{status: StatusStopped}
	case errors.Is(cause, errShutdown):
		return failed(msgInterrupted)
	case errors.Is(cause, errDeleted):
		return failed(msgInternal)
	}
	switch cause := context.Cause(ctx); {
	case errors.Is(cause, errFirstByteTimeout):
		log(fmt.Sprintf("n8n sent nothing within chat.first_byte_timeout (%s)", f.Config.FirstByteTimeout))
		return failed(fmt.Sprintf(msgFirstByte, f.Config.FirstByteTimeout))
	case errors.Is(cause, errTotalTimeout):
		log(fmt.Sprintf("the answer was not complete within n8n.timeout (%s)", f.Timeout))
		return failed(fmt.Sprintf(msgTotalTimeout, f.Timeout))
	}
	var streamErr *n8n.StreamError
	switch {
	case errors.Is(err, errTooLong):
		log(fmt.Sprintf("the answer exceeded %d characters", maxContentRunes))
		return failed(msgTooLong)
	case errors.Is(err, n8n.ErrReplyTooLarge):
		log(fmt.Sprintf("the reply exceeded chat.max_reply_bytes (%d bytes)", f.Config.MaxReplyBytes))
		return failed(msgTooLong)
	case errors.As(err, &streamErr):
		log("the workflow reported an error mid-stream: " + redact(textcut.Clip(streamErr.Message, 300)) + nodeOf(streamErr))
		return failed(msgModelError)
	case errors.Is(err, n8n.ErrBadReply):
		log(redact(err.Error()))
		return failed(msgBadShape)
	case connecting:
		log(n8n.DescribeTransportError(f.N8N.URL, err, false) + " (" + transportDetail(err) + ")")
		return failed(msgUnreachable)
	}
	log("reading the reply: " + transportDetail(err))
	return failed(msgCut)
}

func nodeOf(e *n8n.StreamError) string {
	if e.NodeName == "" {
		return ""
	}
	return " (node " + e.NodeName + ")"
}

// statusFailure explains a non-2xx answer of the webhook.
func (f *feature) statusFailure(g *generation, status int, body []byte) outcome {
	f.app.Logger().Warn("chat: n8n refused the question", "message", g.id, "tenant", g.tenant, "status", status,
		"detail", n8n.DescribeStatus("chat", status, false), "body", redact(textcut.Clip(strings.TrimSpace(string(body)), 300)))
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return failed(msgAuth)
	case status == http.StatusNotFound:
		return failed(msgNotActive)
	case status >= 500:
		return failed(fmt.Sprintf(msgUpstream, status))
	}
	return failed(fmt.Sprintf(msgRefused, status))
}

// transportDetail is err without the URL that *url.Error puts in front.
func transportDetail(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return redact(textcut.Clip(err.Error(), 300))
}

var jwtPattern = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*`)

// redact removes anything shaped like a JWT from text bound for the log.
func redact(s string) string { return jwtPattern.ReplaceAllString(s, "[token]") }

// firstByteReader calls first once, when the first byte arrives.
type firstByteReader struct {
	r     io.Reader
	first func()
	seen  bool
}

func (r *firstByteReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if n > 0 && !r.seen {
		r.seen = true
		r.first()
	}
	return n, err
}

// persister writes a streaming answer's partial text: at the first token at
// once (status streaming), then at most every interval. Writes run on timer
// goroutines beside the reader, so relaying tokens never waits for the
// database, and an answer waiting for tokens holds no goroutine of its own.
type persister struct {
	app      core.App
	g        *generation
	rec      *core.Record
	interval time.Duration

	saving sync.Mutex // held while a write runs; stop waits for it

	mu      sync.Mutex // guards the fields below; never held during a write
	stopped bool
	pending bool // a write is scheduled or running
	last    time.Time
	timer   *time.Timer
}

func newPersister(app core.App, g *generation, rec *core.Record, interval time.Duration) *persister {
	return &persister{app: app, g: g, rec: rec, interval: interval}
}

// poke asks for the partial text to be written; it never blocks on a write.
func (p *persister) poke() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped || p.pending {
		return
	}
	p.pending = true
	delay := time.Duration(0)
	if !p.last.IsZero() {
		delay = max(0, p.interval-time.Since(p.last))
	}
	p.timer = time.AfterFunc(delay, p.save)
}

func (p *persister) save() {
	p.saving.Lock()
	defer p.saving.Unlock()
	p.mu.Lock()
	if p.stopped {
		p.pending = false
		p.mu.Unlock()
		return
	}
	p.mu.Unlock()
	p.rec.Set("status", StatusStreaming)
	p.rec.Set("content", p.g.textSoFar())
	if err := p.app.Save(p.rec); err != nil {
		p.app.Logger().Debug("chat: saving a partial answer", "message", p.g.id, "error", err)
	}
	p.mu.Lock()
	p.last, p.pending = time.Now(), false
	p.mu.Unlock()
}

// stop cancels a scheduled write and waits for one in progress; the record
// is the caller's afterwards.
func (p *persister) stop() {
	p.mu.Lock()
	p.stopped = true
	if p.timer != nil {
		p.timer.Stop()
	}
	p.mu.Unlock()
	p.saving.Lock()
	p.saving.Unlock() //nolint:staticcheck // waiting for an in-flight write is the point
}
