package n8n

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"counterpart/internal/textcut"
)

// DefaultMaxReplyBytes is the body size ReadStream allows when given
// maxBytes <= 0.
const DefaultMaxReplyBytes = 16 << 20

// MaxLineBytes is the longest line ReadStream accepts, without its newline.
const MaxLineBytes = 1 << 20

// readBufferSize is ReadStream's read buffer. A streamed line is a few
// hundred bytes; longer lines are assembled across reads. Kept small because
// every open answer holds one (a 64 KiB buffer was most of the memory of an
// open chat stream).
const readBufferSize = 4 << 10

// Stream event types, the "type" of each line of n8n's streaming reply.
const (
	EventBegin = "begin"
	EventItem  = "item"
	EventEnd   = "end"
	EventError = "error"
)

var (
	// ErrReplyTooLarge means the reply body or one of its lines exceeds the limit.
	ErrReplyTooLarge = errors.New("n8n reply too large")

	// ErrBadReply means the reply is not in the expected form. The error
	// names the line (stream) and quotes at most 80 bytes of it.
	ErrBadReply = errors.New("n8n reply malformed")
)

// StreamError is an {"type":"error"} line: the workflow failed after the
// stream had started (n8n then sends no "end").
type StreamError struct {
	// Message is the line's content, as n8n sent it.
	Message string
	// NodeName is the failing node when the line has metadata, else "".
	NodeName string
}

// Error implements error; it shows at most 200 bytes of the message.
func (e *StreamError) Error() string {
	return "n8n workflow failed: " + textcut.Clip(e.Message, 200)
}

// Event is one line of a streaming reply.
type Event struct {
	// Type is EventBegin, EventItem, EventEnd or EventError.
	Type string
	// Content is the text delta of an item (or the message of an error).
	Content string
	// NodeID, NodeName, ItemIndex and RunIndex come from the line's
	// metadata ("AI Agent", run 0, ...). Zero when absent.
	NodeID    string
	NodeName  string
	ItemIndex int
	RunIndex  int
	// Timestamp is the metadata timestamp, Unix milliseconds; 0 when absent.
	Timestamp int64
}

// Result sums up a streaming reply.
type Result struct {
	// Text is the concatenated content of all items of all runs: what the
	// user saw streamed.
	Text string
	// Runs is the number of "begin" lines. A tool call is a run without items.
	Runs int
	// Items is the number of "item" lines.
	Items int
	// Ends is the number of "end" lines.
	Ends int
	// Unknown is the number of lines of another type, which are ignored.
	Unknown int
	// Lines is the number of non-blank lines read.
	Lines int
	// Bytes is the number of body bytes read.
	Bytes int64
}

// wireLine is one line; Content is any so that one pass decodes it, a
// non-string content being refused afterwards.
type wireLine struct {
	Type     string   `json:"type"`
	Content  any      `json:"content"`
	Metadata wireMeta `json:"metadata"`
}

// looseLine is the fallback when the metadata does not fit wireMeta.
type looseLine struct {
	Type    string `json:"type"`
	Content any    `json:"content"`
}

type wireMeta struct {
	NodeID    string `json:"nodeId"`
	NodeName  string `json:"nodeName"`
	ItemIndex int    `json:"itemIndex"`
	RunIndex  int    `json:"runIndex"`
	Timestamp int64  `json:"timestamp"`
}

// ReadStream reads n8n's streaming Webhook reply from r: one JSON object a
// line, of type begin, item, end or error. It calls fn (if not nil) for each
// item, in order, as it arrives; an error from fn stops the read and is
// returned as is.
//
// The reply is complete when r ends, whatever runs were seen. CRLF line ends
// and blank lines are accepted, and so is a last line without a newline. A
// line of unknown type is counted in Result.Unknown and otherwise ignored.
//
// Errors, always with the Result so far: ErrReplyTooLarge when the body
// exceeds maxBytes (<= 0 means DefaultMaxReplyBytes) or a line exceeds
// MaxLineBytes (at most maxBytes+1 bytes are read from r); ErrBadReply with
// the line number when a line is not a JSON object or an item's content is
// not a string; *StreamError for an error line; the read error of r (e.g.
// io.ErrUnexpectedEOF when the connection was cut).
//
// A reply that ends with no item and no error (e.g. only begin/end runs) is
// not an error: the Result has an empty Text and the caller decides what an
// empty answer means.
func ReadStream(r io.Reader, maxBytes int64, fn func(Event) error) (Result, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxReplyBytes
	}
	var res Result
	var text strings.Builder
	done := func(err error) (Result, error) {
		res.Text = text.String()
		return res, err
	}
	br := bufio.NewReaderSize(&io.LimitedReader{R: r, N: maxBytes + 1}, readBufferSize)
	var buf []byte
	for lineNo := 1; ; lineNo++ {
		buf = buf[:0]
		var readErr error
		for {
			chunk, err := br.ReadSlice('\n')
			res.Bytes += int64(len(chunk))
			if res.Bytes > maxBytes {
				return done(fmt.Errorf("%w: body larger than %d bytes", ErrReplyTooLarge, maxBytes))
			}
			if len(buf)+len(chunk) > MaxLineBytes+2 { // + "\r\n"
				return done(fmt.Errorf("%w: line %d longer than %d bytes", ErrReplyTooLarge, lineNo, MaxLineBytes))
			}
			buf = append(buf, chunk...)
			if err == bufio.ErrBufferFull {
				continue
			}
			readErr = err
			break
		}
		line := bytes.TrimRight(buf, "\n")
		line = bytes.TrimRight(line, "\r")
		if len(line) > MaxLineBytes {
			return done(fmt.Errorf("%w: line %d longer than %d bytes", ErrReplyTooLarge, lineNo, MaxLineBytes))
		}
		if lineNo == 1 {
			line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
		}
		line = bytes.TrimSpace(line)
		if len(line) > 0 {
			if readErr != nil && readErr != io.EOF {
				// A partial line before a read failure is not worth parsing.
				return done(fmt.Errorf("n8n reply: reading line %d: %w", lineNo, readErr))
			}
			res.Lines++
			if err := handleLine(line, lineNo, &res, &text, fn); err != nil {
				return done(err)
			}
		}
		switch {
		case readErr == io.EOF:
			return done(nil)
		case readErr != nil:
			return done(fmt.Errorf("n8n reply: reading line %d: %w", lineNo, readErr))
		}
	}
}

func handleLine(line []byte, lineNo int, res *Result, text *strings.Builder, fn func(Event) error) error {
	bad := func(why string) error {
		return fmt.Errorf("%w: line %d %s: %q", ErrBadReply, lineNo, why, textcut.Clip(string(line), 80))
	}
	if line[0] != '{' {
		return bad("is not a JSON object")
	}
	var w wireLine
	if err := json.Unmarshal(line, &w); err != nil {
		// Metadata is informative: retry without it before refusing the line.
		var l looseLine
		if json.Unmarshal(line, &l) != nil {
			if json.Valid(line) {
				return bad("has a field of the wrong type")
			}
			return bad("is not valid JSON")
		}
		w = wireLine{Type: l.Type, Content: l.Content}
	}
	m := w.Metadata
	ev := Event{Type: w.Type, NodeID: m.NodeID, NodeName: m.NodeName, ItemIndex: m.ItemIndex, RunIndex: m.RunIndex, Timestamp: m.Timestamp}
	switch w.Type {
	case EventBegin:
		res.Runs++
	case EventEnd:
		res.Ends++
	case EventItem, EventError:
		switch c := w.Content.(type) {
		case string:
			ev.Content = c
		case nil: // absent or null: empty
		default:
			return bad("has a content that is not a string")
		}
		if w.Type == EventError {
			return &StreamError{Message: ev.Content, NodeName: ev.NodeName}
		}
		res.Items++
		text.WriteString(ev.Content)
		if fn != nil {
			return fn(ev)
		}
	default:
		res.Unknown++
	}
	return nil
}
