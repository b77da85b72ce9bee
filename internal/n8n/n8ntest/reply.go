package n8ntest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// Mode is how a webhook answers an authorized request.
type Mode string

// Reply modes.
const (
	// ModeJSON answers 200 {"output": Reply.Output} (or Reply.Body) with
	// application/json; charset=utf-8, like Respond to Webhook. The default.
	ModeJSON Mode = "json"
	// ModeStream answers with n8n's streaming NDJSON: an optional tool-call
	// run (begin/end), then begin, one item per token, end.
	ModeStream Mode = "stream"
	// ModeStreamError streams Reply.After items, then an error line
	// {"type":"error","content":Reply.Message} and ends the body with no end
	// line, as n8n does when the model fails mid-answer.
	ModeStreamError Mode = "stream-error"
	// ModeCut streams Reply.After items, then closes the connection without
	// ending the chunked body (hijack and close): the client reads an
	// unexpected EOF.
	ModeCut Mode = "cut"
	// ModeEndless streams begin and then items (cycling Reply.Tokens every
	// TokenDelay, default 10ms) until the client goes away.
	ModeEndless Mode = "endless"
	// ModeHuge streams Reply.HugeBytes (default 32 MiB) of 1 KiB items, then
	// end; with Reply.HugeJSON, one {"output":"xxx…"} object of that size.
	ModeHuge Mode = "huge"
	// ModeGarbage answers 200 application/json with a body that is not JSON
	// (Reply.Garbage, or a default).
	ModeGarbage Mode = "garbage"
	// ModeStatus answers Reply.Status with n8n's body for it: 401 "No token
	// provided" and 403 (Reply.Message or "invalid signature") as JWT Auth
	// does; 404 the "webhook is not registered" JSON of an inactive workflow
	// (before any auth check, like n8n); other codes a JSON
	// {"code":…,"message":…} (Reply.Message or "Error in workflow").
	ModeStatus Mode = "status"
)

// DefaultOutput is the JSON answer when Reply.Output and Reply.Body are empty.
const DefaultOutput = "Hello from n8ntest."

// DefaultTokens are the streamed tokens when Reply.Tokens is empty; they
// join to DefaultOutput.
var DefaultTokens = []string{"Hello", " from", " n8ntest", "."}

// DefaultErrorMessage is the error line's content when Reply.Message is empty.
const DefaultErrorMessage = "The service is receiving too many requests from you"

// NodeID is the metadata.nodeId of streamed lines.
const NodeID = "5d2b3c1e-8f4a-4c6e-9b7d-2a1f0e3c4b5a"

// NodeName is the metadata.nodeName of streamed lines.
const NodeName = "AI Agent"

// Reply describes how a webhook answers. Fields unused by a mode are ignored.
// The zero value is ModeJSON with DefaultOutput.
type Reply struct {
	// Mode is the kind of answer; "" means ModeJSON.
	Mode Mode

	// Output is ModeJSON's {"output": …}; "" means DefaultOutput.
	Output string
	// Body, if not nil, replaces ModeJSON's body: a string or []byte is sent
	// as is, anything else is marshalled (e.g. a map with "output",
	// "sources" and "usage", an empty output, or the array form).
	Body any

	// Tokens are the streamed item contents; nil means DefaultTokens.
	Tokens []string
	// TokenDelay is the pause before each item.
	TokenDelay time.Duration
	// ToolCall adds a begin/end run without items (runIndex 0) before the
	// answer run (runIndex 1), as the AI Agent does when it calls a tool.
	ToolCall bool

	// HeaderDelay is the pause before anything is sent (a slow workflow).
	HeaderDelay time.Duration
	// FirstByteDelay is the pause after the headers were sent and before
	// the first body byte.
	FirstByteDelay time.Duration

	// Status is ModeStatus's code.
	Status int
	// Message is ModeStatus's text or ModeStreamError's error content.
	Message string
	// After is the number of items ModeStreamError and ModeCut send first
	// (capped at len(Tokens)).
	After int
	// Garbage is ModeGarbage's body.
	Garbage string
	// HugeBytes is ModeHuge's size; 0 means 32 MiB.
	HugeBytes int64
	// HugeJSON makes ModeHuge send one huge JSON object instead of a stream.
	HugeJSON bool
}

// writeReply answers an authorized request; it reports whether the whole
// reply was sent.
func (s *Server) writeReply(w http.ResponseWriter, r *http.Request, rep Reply) bool {
	switch rep.Mode {
	case ModeStatus:
		switch rep.Status {
		case http.StatusUnauthorized:
			writeAuthError(w, rep.Status, TextNoToken)
		case http.StatusForbidden:
			writeAuthError(w, rep.Status, or(rep.Message, TextInvalidSignature))
		case http.StatusNotFound:
			writeNotRegistered(w, r.Method, strings.TrimPrefix(r.URL.Path, "/webhook/"))
		default:
			writeJSON(w, rep.Status, map[string]any{"code": rep.Status, "message": or(rep.Message, "Error in workflow")})
		}
		return true
	case ModeGarbage:
		return s.writeBody(w, r, rep, []byte(or(rep.Garbage, "\x00\xff<html>Bad Gateway</html> {\"output\":\n")))
	case ModeStream, ModeStreamError, ModeCut, ModeEndless:
		return s.stream(w, r, rep)
	case ModeHuge:
		return s.huge(w, r, rep)
	}
	var body []byte
	switch b := rep.Body.(type) {
	case nil:
		body = marshal(map[string]any{"output": or(rep.Output, DefaultOutput)})
	case string:
		body = []byte(b)
	case []byte:
		body = b
	default:
		body = marshal(b)
	}
	return s.writeBody(w, r, rep, body)
}

// writeBody sends a 200 application/json body, honouring FirstByteDelay.
func (s *Server) writeBody(w http.ResponseWriter, r *http.Request, rep Reply, body []byte) bool {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if rep.FirstByteDelay > 0 {
		w.WriteHeader(http.StatusOK)
		http.NewResponseController(w).Flush()
		if !s.wait(r, rep.FirstByteDelay) {
			s.abort()
			return false
		}
	}
	if _, err := w.Write(body); err != nil {
		s.abort()
		return false
	}
	return true
}

// chunk is one line of a streaming reply, fields in n8n's order.
type chunk struct {
	Type     string     `json:"type"`
	Content  *string    `json:"content,omitempty"`
	Metadata *chunkMeta `json:"metadata,omitempty"`
}

type chunkMeta struct {
	NodeID    string `json:"nodeId"`
	NodeName  string `json:"nodeName"`
	ItemIndex int    `json:"itemIndex"`
	RunIndex  int    `json:"runIndex"`
	Timestamp int64  `json:"timestamp"`
}

// streamWriter writes lines and flushes after each one.
type streamWriter struct {
	s   *Server
	w   http.ResponseWriter
	r   *http.Request
	rc  *http.ResponseController
	buf bytes.Buffer
	enc *json.Encoder
}

func (s *Server) startStream(w http.ResponseWriter, r *http.Request, rep Reply) (*streamWriter, bool) {
	sw := &streamWriter{s: s, w: w, r: r, rc: http.NewResponseController(w)}
	sw.enc = json.NewEncoder(&sw.buf)
	sw.enc.SetEscapeHTML(false) // JSON.stringify does not escape <, > and &
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Transfer-Encoding", "chunked")
	h.Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	if sw.rc.Flush() != nil {
		s.abort()
		return nil, false
	}
	if !s.wait(r, rep.FirstByteDelay) {
		s.abort()
		return nil, false
	}
	return sw, true
}

// line writes one object and a newline, then flushes; false when the client is gone.
func (sw *streamWriter) line(c chunk) bool {
	sw.buf.Reset()
	sw.enc.Encode(c) // appends "\n"
	if _, err := sw.w.Write(sw.buf.Bytes()); err != nil || sw.rc.Flush() != nil || sw.r.Context().Err() != nil {
		sw.s.abort()
		return false
	}
	return true
}

func meta(run int) *chunkMeta {
	return &chunkMeta{NodeID: NodeID, NodeName: NodeName, RunIndex: run, Timestamp: time.Now().UnixMilli()}
}

func (sw *streamWriter) begin(run int) bool {
	return sw.line(chunk{Type: "begin", Metadata: meta(run)})
}
func (sw *streamWriter) end(run int) bool { return sw.line(chunk{Type: "end", Metadata: meta(run)}) }
func (sw *streamWriter) item(run int, s string) bool {
	return sw.line(chunk{Type: "item", Content: &s, Metadata: meta(run)})
}

func (s *Server) stream(w http.ResponseWriter, r *http.Request, rep Reply) bool {
	tokens := rep.Tokens
	if tokens == nil {
		tokens = DefaultTokens
	}
	sw, ok := s.startStream(w, r, rep)
	if !ok {
		return false
	}
	run := 0
	if rep.ToolCall {
		if !sw.begin(0) || !sw.end(0) {
			return false
		}
		run = 1
	}
	if !sw.begin(run) {
		return false
	}
	n := len(tokens)
	if rep.Mode == ModeStreamError || rep.Mode == ModeCut {
		n = min(max(rep.After, 0), len(tokens))
	}
	for i := 0; i < n || rep.Mode == ModeEndless; i++ {
		delay := rep.TokenDelay
		if rep.Mode == ModeEndless && delay <= 0 {
			delay = 10 * time.Millisecond
		}
		if !s.wait(r, delay) {
			s.abort()
			return false
		}
		tok := "."
		if len(tokens) > 0 {
			tok = tokens[i%len(tokens)]
		}
		if !sw.item(run, tok) {
			return false
		}
	}
	switch rep.Mode {
	case ModeStreamError:
		msg := or(rep.Message, DefaultErrorMessage)
		return sw.line(chunk{Type: "error", Content: &msg})
	case ModeCut:
		cut(w)
		return true
	}
	return sw.end(run)
}

// cut closes the connection in the middle of a chunked body.
func cut(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // not hijackable (HTTP/2): abort the stream instead
	}
	conn.Close()
}

func (s *Server) huge(w http.ResponseWriter, r *http.Request, rep Reply) bool {
	size := rep.HugeBytes
	if size <= 0 {
		size = 32 << 20
	}
	filler := strings.Repeat("x", 1024)
	if rep.HugeJSON {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		if _, err := w.Write([]byte(`{"output":"`)); err != nil {
			s.abort()
			return false
		}
		for written := int64(0); written < size; written += int64(len(filler)) {
			if _, err := w.Write([]byte(filler)); err != nil {
				s.abort()
				return false
			}
		}
		_, err := w.Write([]byte(`"}`))
		return err == nil
	}
	sw, ok := s.startStream(w, r, rep)
	if !ok || !sw.begin(0) {
		return false
	}
	for written := int64(0); written < size; written += int64(sw.buf.Len()) {
		if !sw.item(0, filler) {
			return false
		}
	}
	return sw.end(0)
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func marshal(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic("n8ntest: Reply.Body does not marshal: " + err.Error())
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}
