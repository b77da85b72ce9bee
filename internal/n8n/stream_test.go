package n8n

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

const meta = `"metadata":{"nodeId":"n1","nodeName":"AI Agent","itemIndex":0,"runIndex":%d,"timestamp":1795927315422}`

func begin(run int) string { return fmt.Sprintf(`{"type":"begin",`+meta+`}`, run) + "\n" }
func end(run int) string   { return fmt.Sprintf(`{"type":"end",`+meta+`}`, run) + "\n" }
func item(run int, s string) string {
	return fmt.Sprintf(`{"type":"item","content":%q,`+meta+`}`, s, run) + "\n"
}

func TestReadStream(t *testing.T) {
	for _, c := range []struct {
		name   string
		body   string
		text   string
		runs   int
		items  int
		ends   int
		unk    int
		err    error  // errors.Is
		errMsg string // substring
	}{
		{name: "one run", body: begin(0) + item(0, "Hello ") + item(0, "world") + end(0), text: "Hello world", runs: 1, items: 2, ends: 1},
		{name: "tool call then answer", body: begin(0) + end(0) + begin(1) + item(1, "Part ") + item(1, "12345-ABC") + end(1), text: "Part 12345-ABC", runs: 2, items: 2, ends: 2},
		{name: "CRLF and blank lines", body: "\r\n" + strings.ReplaceAll(begin(0)+item(0, "a")+"\n  \n"+item(0, "b")+end(0), "\n", "\r\n"), text: "ab", runs: 1, items: 2, ends: 1},
		{name: "unknown type", body: begin(0) + `{"type":"progress","content":"x"}` + "\n" + `{"output":"?"}` + "\n" + item(0, "a") + end(0), text: "a", runs: 1, items: 1, ends: 1, unk: 2},
		{name: "unterminated last line", body: begin(0) + item(0, "a") + strings.TrimSuffix(end(0), "\n"), text: "a", runs: 1, items: 1, ends: 1},
		{name: "unterminated item", body: begin(0) + strings.TrimSuffix(item(0, "a"), "\n"), text: "a", runs: 1, items: 1},
		{name: "BOM", body: "\xef\xbb\xbf" + begin(0) + item(0, "a") + end(0), text: "a", runs: 1, items: 1, ends: 1},
		{name: "unicode and escapes", body: item(0, "Öl \"5W-30\" \u2013 ✓\n"), text: "Öl \"5W-30\" – ✓\n", items: 1},
		{name: "item without content", body: `{"type":"item"}` + "\n" + `{"type":"item","content":null}`, items: 2},
		{name: "bad metadata is ignored", body: `{"type":"item","content":"a","metadata":{"runIndex":"one"}}`, text: "a", items: 1},
		{name: "empty body", body: ""},
		{name: "only blank lines", body: "\n\r\n\n"},
		{name: "runs without items", body: begin(0) + end(0) + begin(1) + end(1), runs: 2, ends: 2},
		{name: "error mid-stream", body: begin(0) + item(0, "Hel") + `{"type":"error","content":"Connection error."}` + "\n", text: "Hel", runs: 1, items: 1, errMsg: "Connection error."},
		{name: "error stops reading", body: `{"type":"error","content":"boom"}` + "\n" + item(0, "late"), errMsg: "boom"},
		{name: "garbage", body: "<html><body>502 Bad Gateway</body></html>\n", err: ErrBadReply, errMsg: "line 1 is not a JSON object"},
		{name: "invalid JSON on line 3", body: begin(0) + item(0, "a") + `{"type":"item","content":"b"` + "\n" + end(0), text: "a", runs: 1, items: 1, err: ErrBadReply, errMsg: "line 3 is not valid JSON"},
		{name: "invalid unterminated last line", body: begin(0) + `{"type":"end"`, runs: 1, err: ErrBadReply, errMsg: "line 2"},
		{name: "JSON array line", body: `["a"]`, err: ErrBadReply, errMsg: "not a JSON object"},
		{name: "null line", body: "null\n", err: ErrBadReply},
		{name: "numeric type", body: `{"type":5}`, err: ErrBadReply, errMsg: "wrong type"},
		{name: "numeric content", body: `{"type":"item","content":5}`, err: ErrBadReply, errMsg: "content that is not a string"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var deltas []string
			res, err := ReadStream(strings.NewReader(c.body), 0, func(e Event) error {
				if e.Type != EventItem {
					t.Errorf("fn got a %q event", e.Type)
				}
				deltas = append(deltas, e.Content)
				return nil
			})
			if c.err == nil && c.errMsg == "" && err != nil {
				t.Fatalf("error: %v", err)
			}
			if c.err != nil && !errors.Is(err, c.err) {
				t.Fatalf("error %v, want %v", err, c.err)
			}
			if c.errMsg != "" && (err == nil || !strings.Contains(err.Error(), c.errMsg)) {
				t.Fatalf("error %v, want one containing %q", err, c.errMsg)
			}
			if res.Text != c.text || res.Runs != c.runs || res.Items != c.items || res.Ends != c.ends || res.Unknown != c.unk {
				t.Errorf("result %+v", res)
			}
			if strings.Join(deltas, "") != res.Text || len(deltas) != res.Items {
				t.Errorf("deltas %q vs text %q", deltas, res.Text)
			}
			if c.err == nil && c.errMsg == "" && res.Bytes != int64(len(c.body)) {
				t.Errorf("Bytes = %d, want %d", res.Bytes, len(c.body))
			}
		})
	}
}

func TestReadStreamError(t *testing.T) {
	_, err := ReadStream(strings.NewReader(begin(0)+`{"type":"error","content":"model down","metadata":{"nodeName":"AI Agent"}}`), 0, nil)
	var se *StreamError
	if !errors.As(err, &se) || se.Message != "model down" || se.NodeName != "AI Agent" {
		t.Fatalf("got %#v", err)
	}
	long := &StreamError{Message: strings.Repeat("é", 300)}
	if n := len(long.Error()); n > 260 {
		t.Errorf("StreamError message of %d bytes", n)
	}
}

func TestReadStreamEventMetadata(t *testing.T) {
	var got []Event
	ReadStream(strings.NewReader(item(2, "x")), 0, func(e Event) error { got = append(got, e); return nil })
	want := Event{Type: "item", Content: "x", NodeID: "n1", NodeName: "AI Agent", RunIndex: 2, Timestamp: 1795927315422}
	if len(got) != 1 || got[0] != want {
		t.Fatalf("got %+v", got)
	}
}

func TestReadStreamCallbackError(t *testing.T) {
	stop := errors.New("client gone")
	n := 0
	res, err := ReadStream(strings.NewReader(item(0, "a")+item(0, "b")+item(0, "c")), 0, func(Event) error {
		if n++; n == 2 {
			return stop
		}
		return nil
	})
	if err != stop || res.Items != 2 || res.Text != "ab" {
		t.Fatalf("got %+v, %v", res, err)
	}
}

func TestReadStreamReadError(t *testing.T) {
	// A connection cut mid-stream: net/http reports io.ErrUnexpectedEOF.
	r := io.MultiReader(strings.NewReader(begin(0)+item(0, "a")+`{"type":"it`), iotest.ErrReader(io.ErrUnexpectedEOF))
	res, err := ReadStream(r, 0, nil)
	if !errors.Is(err, io.ErrUnexpectedEOF) || res.Text != "a" {
		t.Fatalf("got %+v, %v", res, err)
	}
}

func TestReadStreamBadLineIsClipped(t *testing.T) {
	body := "{" + strings.Repeat("x", 10000) + "\n"
	_, err := ReadStream(strings.NewReader(body), 0, nil)
	if !errors.Is(err, ErrBadReply) || len(err.Error()) > 200 {
		t.Fatalf("error of %d bytes: %.300v", len(err.Error()), err)
	}
}

// repeatReader yields line again and again until n bytes, without allocating them.
type repeatReader struct {
	line []byte
	off  int
	left int64
	read int64
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.left <= 0 {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && r.left > 0 {
		c := copy(p[n:], r.line[r.off:])
		if int64(c) > r.left {
			c = int(r.left)
		}
		n += c
		r.left -= int64(c)
		r.off = (r.off + c) % len(r.line)
	}
	r.read += int64(n)
	return n, nil
}

func TestReadStreamTooLarge(t *testing.T) {
	const fifty = 50 << 20
	t.Run("50 MB of items", func(t *testing.T) {
		r := &repeatReader{line: []byte(item(0, strings.Repeat("x", 200))), left: fifty}
		res, err := ReadStream(r, 1<<20, nil)
		if !errors.Is(err, ErrReplyTooLarge) || !strings.Contains(err.Error(), "larger than 1048576 bytes") {
			t.Fatalf("error %v", err)
		}
		if r.read > 1<<20+1 || res.Bytes != 1<<20+1 || len(res.Text) > 1<<20 {
			t.Errorf("read %d bytes, result %d bytes, text %d", r.read, res.Bytes, len(res.Text))
		}
	})
	t.Run("50 MB default limit", func(t *testing.T) {
		// Blank lines (cheap to skip, even under -race) count towards the limit too.
		r := &repeatReader{line: []byte(strings.Repeat(" ", 256<<10) + "\n"), left: fifty}
		_, err := ReadStream(io.MultiReader(strings.NewReader(item(0, "y")), r), 0, nil)
		if !errors.Is(err, ErrReplyTooLarge) || r.read+int64(len(item(0, "y"))) != DefaultMaxReplyBytes+1 {
			t.Fatalf("error %v after %d bytes", err, r.read)
		}
	})
	t.Run("50 MB line", func(t *testing.T) {
		r := &repeatReader{line: []byte("z"), left: fifty}
		_, err := ReadStream(r, 64<<20, nil)
		if !errors.Is(err, ErrReplyTooLarge) || !strings.Contains(err.Error(), "line 1 longer than") {
			t.Fatalf("error %v", err)
		}
		if r.read > MaxLineBytes+128<<10 {
			t.Errorf("read %d bytes for one line", r.read)
		}
	})
	t.Run("line at the limit", func(t *testing.T) {
		content := strings.Repeat("w", MaxLineBytes-len(`{"type":"item","content":""}`))
		line := `{"type":"item","content":"` + content + `"}`
		res, err := ReadStream(strings.NewReader(line+"\r\n"+line), 0, nil)
		if err != nil || res.Items != 2 {
			t.Fatalf("got %d items, %v", res.Items, err)
		}
		_, err = ReadStream(strings.NewReader(line+"w\n"), 0, nil)
		if !errors.Is(err, ErrReplyTooLarge) {
			t.Fatalf("one byte over: %v", err)
		}
	})
	t.Run("body at the limit", func(t *testing.T) {
		body := begin(0) + item(0, "a") + end(0)
		if _, err := ReadStream(strings.NewReader(body), int64(len(body)), nil); err != nil {
			t.Fatalf("exactly maxBytes: %v", err)
		}
		if _, err := ReadStream(strings.NewReader(body), int64(len(body)-1), nil); !errors.Is(err, ErrReplyTooLarge) {
			t.Fatalf("one byte over: %v", err)
		}
	})
}

// FuzzReadStream checks that ReadStream never panics, respects its limit and
// reports exactly the items it passed to fn.
func FuzzReadStream(f *testing.F) {
	for _, s := range []string{
		begin(0) + item(0, "Hello ") + item(0, "world") + end(0),
		begin(0) + end(0) + begin(1) + item(1, "x") + end(1),
		`{"type":"error","content":"boom"}`,
		"\r\n\r\n{\"type\":\"item\",\"content\":\"\\u00e9\"}",
		"{", "}", "null", `{"type":"item","content":[1]}`, "\xef\xbb\xbf{}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		const limit = 4096
		var got bytes.Buffer
		calls := 0
		res, err := ReadStream(bytes.NewReader(body), limit, func(e Event) error {
			calls++
			got.WriteString(e.Content)
			return nil
		})
		if res.Items != calls || res.Text != got.String() {
			t.Fatalf("items %d, calls %d; text %q vs %q", res.Items, calls, res.Text, got.String())
		}
		if res.Bytes > limit+1 || len(res.Text) > limit {
			t.Fatalf("limit exceeded: %+v", res)
		}
		if err == nil && len(body) > limit {
			t.Fatalf("a %d-byte body passed a %d-byte limit", len(body), limit)
		}
		if err == nil && res.Bytes != int64(len(body)) {
			t.Fatalf("read %d of %d bytes without error", res.Bytes, len(body))
		}
	})
}
