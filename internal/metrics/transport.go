package metrics

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Outcomes of an outbound call as the transport sees them.
const (
	// KindOK is a 2xx reply read to its end (or closed by the caller without an error).
	KindOK = "ok"
	// KindCanceled is a call its caller gave up on (a user pressed stop, the server shuts down): no failure of n8n.
	KindCanceled = "canceled"
	// KindTimeout is a call that hit a deadline: connecting, the first byte or the whole reply.
	KindTimeout = "timeout"
	// KindUnreachable is a call that got no reply: connection refused, unknown host, no route, TLS failure, reset.
	KindUnreachable = "unreachable"
	// KindAuth is a 401 or 403: n8n refused the token (secret or algorithm mismatch).
	KindAuth = "auth"
	// KindHTTP4xx is any other non-2xx, non-5xx reply (404: the workflow is not active).
	KindHTTP4xx = "http_4xx"
	// KindHTTP5xx is a 5xx reply: the workflow failed.
	KindHTTP5xx = "http_5xx"
	// KindBadReply is a 2xx reply whose body broke off (connection dropped mid-reply). A complete body with the
	// wrong content (bad JSON, missing output) is invisible here: only the caller's parser sees that.
	KindBadReply = "bad_reply"
)

// ErrorKinds lists the outcomes that count as failures, for pre-declared series and alerts.
var ErrorKinds = []string{KindTimeout, KindUnreachable, KindAuth, KindHTTP4xx, KindHTTP5xx, KindBadReply}

// IsFailure reports whether kind counts against the failure rate.
func IsFailure(kind string) bool { return kind != KindOK && kind != KindCanceled }

// Instrument wraps next (http.DefaultTransport when nil) so that every call
// is reported once to record with its outcome kind and duration. The
// duration runs until the reply body ends (EOF, a read error or Close), so
// a streamed answer counts whole. now is the clock (time.Now when nil).
func Instrument(next http.RoundTripper, now func() time.Time, record func(kind string, took time.Duration)) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	if now == nil {
		now = time.Now
	}
	return &instrumented{next: next, now: now, record: record}
}

type instrumented struct {
	next   http.RoundTripper
	now    func() time.Time
	record func(kind string, took time.Duration)
}

func (t *instrumented) RoundTrip(req *http.Request) (*http.Response, error) {
	start := t.now()
	res, err := t.next.RoundTrip(req)
	if err != nil {
		t.record(classify(req.Context(), err, KindUnreachable), t.now().Sub(start))
		return res, err
	}
	kind := statusKind(res.StatusCode)
	b := &observedBody{ReadCloser: res.Body, ctx: req.Context(), kind: kind}
	b.finish = func(kind string) { t.record(kind, t.now().Sub(start)) }
	res.Body = b
	return res, nil
}

// statusKind is the outcome a status code stands for.
func statusKind(status int) string {
	switch {
	case status >= 200 && status < 300:
		return KindOK
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return KindAuth
	case status >= 500:
		return KindHTTP5xx
	}
	return KindHTTP4xx
}

// classify names the outcome of a transport error; other is used for an
// error that is neither a deadline nor a cancellation.
func classify(ctx context.Context, err error, other string) string {
	// http.Client.Timeout cancels through Request.Cancel as well as a context
	// deadline, and either may be seen first: a passed deadline is a timeout
	if d, ok := ctx.Deadline(); ok && !time.Now().Before(d) {
		return KindTimeout
	}
	if ctx.Err() != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) || isTimeout(context.Cause(ctx)) {
			return KindTimeout
		}
		return KindCanceled
	}
	if isTimeout(err) {
		return KindTimeout
	}
	if errors.Is(err, context.Canceled) {
		return KindCanceled
	}
	return other
}

// isTimeout recognises deadlines, net timeouts and cancellation causes that
// say they are timeouts (the chat gateway cancels with a cause for its
// first-byte deadline rather than using a context deadline).
func isTimeout(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	var te interface{ Timeout() bool }
	if errors.As(err, &te) && te.Timeout() {
		return true
	}
	return strings.Contains(strings.ToLower(err.Error()), "timeout")
}

// observedBody reports the call when its body ends.
type observedBody struct {
	io.ReadCloser
	ctx    context.Context
	kind   string // from the status
	once   sync.Once
	finish func(kind string)
}

func (b *observedBody) done(kind string) { b.once.Do(func() { b.finish(kind) }) }

func (b *observedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	switch {
	case err == nil:
	case errors.Is(err, io.EOF):
		b.done(b.kind)
	case b.kind != KindOK:
		b.done(b.kind)
	default:
		b.done(classify(b.ctx, err, KindBadReply))
	}
	return n, err
}

func (b *observedBody) Close() error {
	kind := b.kind
	if kind == KindOK && b.ctx.Err() != nil {
		kind = classify(b.ctx, b.ctx.Err(), KindCanceled)
	}
	b.done(kind)
	return b.ReadCloser.Close()
}
