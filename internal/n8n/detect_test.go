package n8n

import (
	"bufio"
	"io"
	"strings"
	"testing"
	"time"
)

func TestDetectStreaming(t *testing.T) {
	for _, c := range []struct {
		ct, body string
		want     bool
	}{
		{"application/json; charset=utf-8", begin(0) + item(0, "a"), true},
		{"application/json", `{"type":"item","content":"a"}`, true},
		{"application/json", `{"type":"error","content":"x"}`, true},
		{"application/json", `{"type":"begin","metadata":{"nodeId":"n1","nodeNa`, true}, // cut short
		{"application/json", "\n\n  " + begin(0), true},
		{"", begin(0), true},
		{"application/x-ndjson", `{"output":"x"}`, true},
		{"application/json; charset=utf-8", `{"output":"hello"}`, false},
		{"application/json", `[{"output":"hello"}]`, false},
		{"application/json", `{"output":"x","type":"begin"`, false},
		{"application/json", `{"type":"answer"}`, false},
		{"application/json", `{"type":5}`, false},
		{"application/json", ``, false},
		{"text/html", begin(0), false},
		{"application/json", "garbage", false},
	} {
		if got := DetectStreaming(c.ct, []byte(c.body)); got != c.want {
			t.Errorf("DetectStreaming(%q, %.40q) = %v", c.ct, c.body, got)
		}
	}
}

func TestSniffStreamingDoesNotWaitForMore(t *testing.T) {
	pr, pw := io.Pipe()
	defer pr.Close()
	go pw.Write([]byte(begin(0))) // then nothing: the model is still thinking
	br := bufio.NewReader(pr)
	done := make(chan bool)
	go func() {
		ok, err := SniffStreaming(br, "application/json; charset=utf-8")
		done <- ok && err == nil
	}()
	select {
	case ok := <-done:
		if !ok {
			t.Fatal("not detected as streaming")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("SniffStreaming waited for more than the first line")
	}
	// Nothing was consumed.
	if b, _ := br.Peek(br.Buffered()); string(b) != begin(0) {
		t.Fatalf("buffered %q", b)
	}
}

func TestSniffStreaming(t *testing.T) {
	for _, c := range []struct {
		body string
		want bool
	}{
		{`{"output":"no newline at all"}`, false},
		{"[" + strings.Repeat(`{"output":"x"},`, 1000) + `{"output":"x"}]`, false}, // larger than the buffer
		{begin(0) + end(0), true},
		{"", false},
	} {
		br := bufio.NewReaderSize(strings.NewReader(c.body), 64)
		got, err := SniffStreaming(br, "application/json")
		if err != nil || got != c.want {
			t.Errorf("%.30q: %v, %v", c.body, got, err)
		}
		if rest, _ := io.ReadAll(br); string(rest) != c.body {
			t.Errorf("%.30q: consumed bytes", c.body)
		}
	}
}
