package n8n

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"regexp"
)

// streamStart matches the start of a streaming line, even when cut short.
var streamStart = regexp.MustCompile(`^\{\s*"type"\s*:\s*"(begin|item|end|error)"`)

// DetectStreaming reports whether a webhook reply is n8n's streaming form,
// from its Content-Type and its first bytes (at least its first line when
// possible; see SniffStreaming). Both forms come as application/json, so the
// body decides: the streaming form starts with an object whose "type" is
// begin, item, end or error. application/x-ndjson and application/jsonl are
// streaming whatever the body; text/html and other non-JSON types are not.
func DetectStreaming(contentType string, firstBytes []byte) bool {
	if contentType != "" {
		mt, _, err := mime.ParseMediaType(contentType)
		switch {
		case err != nil:
		case mt == "application/x-ndjson" || mt == "application/jsonl":
			return true
		case mt == "application/json" || mt == "text/plain" || mt == "application/octet-stream":
		default:
			return false
		}
	}
	b := bytes.TrimLeft(bytes.TrimPrefix(firstBytes, []byte("\xef\xbb\xbf")), " \t\r\n")
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	}
	var head struct {
		Type *string `json:"type"`
	}
	if json.Unmarshal(b, &head) == nil {
		if head.Type == nil {
			return false
		}
		switch *head.Type {
		case EventBegin, EventItem, EventEnd, EventError:
			return true
		}
		return false
	}
	return streamStart.Match(b)
}

// SniffStreaming peeks at br, without consuming anything, until it holds the
// first non-blank line (or br's buffer is full, or the body ends), then
// returns DetectStreaming(contentType, peeked). Unlike a fixed-size Peek it
// does not wait for more bytes than the first line, so streamed tokens are not
// held back. Wrap the response body in a bufio.Reader, sniff, then hand the
// same reader to ReadStream or read it whole for ParseJSONReply.
func SniffStreaming(br *bufio.Reader, contentType string) (bool, error) {
	n := 1
	for {
		b, err := br.Peek(n)
		if err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, bufio.ErrBufferFull) {
				return DetectStreaming(contentType, b), nil
			}
			return false, err
		}
		b, _ = br.Peek(br.Buffered())
		if t := bytes.TrimLeft(b, " \t\r\n\xef\xbb\xbf"); bytes.IndexByte(t, '\n') >= 0 {
			return DetectStreaming(contentType, b), nil
		}
		n = len(b) + 1
		if n > br.Size() {
			return DetectStreaming(contentType, b), nil
		}
	}
}
