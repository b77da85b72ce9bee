package n8ntier

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// llm is the tier's only stand-in: an OpenAI-compatible
// /v1/chat/completions server that n8n's OpenAI Chat Model node is pointed
// at. It streams (SSE "data:" chunks, then "data: [DONE]"), calls the search
// tool on a question's first turn and, once the tool answered, streams an
// answer that quotes the first passage it got. Usage comes in the last
// chunk, as with stream_options.include_usage. Every request is logged.
type llm struct {
	t   testing.TB
	srv *httptest.Server

	mu    sync.Mutex
	calls []llmCall
	// hang, when set, is closed to release answers that wait mid-stream: a
	// question containing "[hang]" streams a few words, then waits for it.
	hang chan struct{}
}

// llmCall is one completion request as the stand-in saw it.
type llmCall struct {
	Start, End time.Time
	ToolCall   bool   // the turn asked for the search tool
	Query      string // the tool query it asked for
	ToolResult string // the tool result it answered from ("" on a first turn)
	Answer     string
}

// chatMessage is an OpenAI chat message, as n8n's LangChain model sends it.
type chatMessage struct {
	Role       string `json:"role"`
	Content    any    `json:"content"`
	ToolCallID string `json:"tool_call_id"`
}

func (m chatMessage) text() string {
	switch c := m.Content.(type) {
	case string:
		return c
	case []any:
		var b strings.Builder
		for _, part := range c {
			if p, ok := part.(map[string]any); ok {
				if s, ok := p["text"].(string); ok {
					b.WriteString(s)
				}
			}
		}
		return b.String()
	}
	return ""
}

type completionRequest struct {
	Model    string        `json:"model"`
	Stream   bool          `json:"stream"`
	Messages []chatMessage `json:"messages"`
	Tools    []struct {
		Function struct {
			Name string `json:"name"`
		} `json:"function"`
	} `json:"tools"`
}

func newLLM(t testing.TB) *llm {
	l := &llm{t: t, hang: make(chan struct{})}
	l.srv = httptest.NewServer(http.HandlerFunc(l.serve))
	t.Cleanup(func() {
		l.release()
		l.srv.Close()
	})
	return l
}

// URL is the base URL for the openAiApi credential.
func (l *llm) URL() string { return l.srv.URL + "/v1" }

// release lets hanging answers go on (and end).
func (l *llm) release() {
	l.mu.Lock()
	defer l.mu.Unlock()
	select {
	case <-l.hang:
	default:
		close(l.hang)
	}
}

// Calls returns the completion requests served so far.
func (l *llm) Calls() []llmCall {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]llmCall(nil), l.calls...)
}

// tokenPause is the stand-in's time between two streamed words.
const tokenPause = 25 * time.Millisecond

var partNumber = regexp.MustCompile(`[A-Z0-9]{2,}(?:-[A-Z0-9]+)+`)

func (l *llm) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if r.URL.Path != "/v1/chat/completions" {
		l.t.Logf("llm: %s %s: not served (%d bytes)", r.Method, r.URL.Path, len(body))
		http.Error(w, `{"error":{"message":"only /v1/chat/completions is served"}}`, http.StatusNotFound)
		return
	}
	var req completionRequest
	if err := json.Unmarshal(body, &req); err != nil {
		l.t.Logf("llm: bad request body: %v: %.300s", err, body)
		http.Error(w, `{"error":{"message":"bad JSON"}}`, http.StatusBadRequest)
		return
	}
	call := llmCall{Start: time.Now()}
	var question, toolResult string
	for _, m := range req.Messages {
		switch m.Role {
		case "user":
			question, toolResult = m.text(), ""
		case "tool":
			toolResult = m.text()
		}
	}
	l.t.Logf("llm: request model=%q stream=%v messages=%d tools=%d question=%q tool-result=%.200q",
		req.Model, req.Stream, len(req.Messages), len(req.Tools), question, toolResult)
	if !req.Stream {
		l.t.Logf("llm: refusing a non-streaming request")
		http.Error(w, `{"error":{"message":"the stand-in only streams"}}`, http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	fl, _ := w.(http.Flusher)
	bw := bufio.NewWriter(w)
	send := func(v any) {
		b, _ := json.Marshal(v)
		fmt.Fprintf(bw, "data: %s\n\n", b)
		bw.Flush()
		if fl != nil {
			fl.Flush()
		}
	}
	chunk := func(delta map[string]any, finish any) map[string]any {
		return map[string]any{"id": "chatcmpl-standin", "object": "chat.completion.chunk", "created": time.Now().Unix(),
			"model": req.Model, "choices": []any{map[string]any{"index": 0, "delta": delta, "finish_reason": finish}}}
	}
	usage := func(in, out int) map[string]any {
		return map[string]any{"id": "chatcmpl-standin", "object": "chat.completion.chunk", "created": time.Now().Unix(),
			"model": req.Model, "choices": []any{}, "usage": map[string]any{"prompt_tokens": in, "completion_tokens": out, "total_tokens": in + out}}
	}

	if toolResult == "" && len(req.Tools) > 0 {
		// first turn: search for the question's part numbers, else its words
		query := strings.Join(partNumber.FindAllString(question, -1), " ")
		if query == "" {
			query = strings.Trim(strings.ReplaceAll(question, "[hang]", ""), " ?")
		}
		args, _ := json.Marshal(map[string]string{"query": query})
		name := req.Tools[0].Function.Name
		send(chunk(map[string]any{"role": "assistant", "content": nil, "tool_calls": []any{map[string]any{
			"index": 0, "id": "call_standin_1", "type": "function", "function": map[string]any{"name": name, "arguments": ""}}}}, nil))
		send(chunk(map[string]any{"tool_calls": []any{map[string]any{"index": 0, "function": map[string]any{"arguments": string(args)}}}}, nil))
		send(chunk(map[string]any{}, "tool_calls"))
		send(usage(len(body)/4, 12))
		fmt.Fprint(bw, "data: [DONE]\n\n")
		bw.Flush()
		call.ToolCall, call.Query = true, query
		l.logCall(call)
		return
	}

	answer := answerFrom(toolResult)
	words := strings.SplitAfter(answer, " ")
	send(chunk(map[string]any{"role": "assistant", "content": ""}, nil))
	for i, wd := range words {
		if i > 0 {
			// a model writes a few dozen tokens a second: the pause shows whether n8n relays them as they come
			time.Sleep(tokenPause)
		}
		send(chunk(map[string]any{"content": wd}, nil))
		if i == 3 && strings.Contains(question, "[hang]") {
			l.t.Logf("llm: hanging mid-answer as asked")
			select {
			case <-l.hang:
			case <-r.Context().Done():
				l.t.Logf("llm: the caller went away mid-answer")
				return
			}
		}
	}
	send(chunk(map[string]any{}, "stop"))
	send(usage(len(body)/4, len(words)))
	fmt.Fprint(bw, "data: [DONE]\n\n")
	bw.Flush()
	call.ToolResult, call.Answer = toolResult, answer
	l.logCall(call)
}

func (l *llm) logCall(c llmCall) {
	c.End = time.Now()
	l.mu.Lock()
	l.calls = append(l.calls, c)
	l.mu.Unlock()
	l.t.Logf("llm: answered in %s: tool-call=%v query=%q answer=%.120q", c.End.Sub(c.Start).Round(time.Millisecond), c.ToolCall, c.Query, c.Answer)
}

// answerFrom writes the answer to a search tool result: the first passage
// quoted with its title and place, or a plain "not found".
func answerFrom(toolResult string) string {
	var res struct {
		Results []struct {
			Title   string `json:"title"`
			Page    int    `json:"page"`
			Row     int    `json:"row"`
			Snippet string `json:"snippet"`
		} `json:"results"`
	}
	raw := strings.TrimSpace(toolResult)
	if json.Unmarshal([]byte(raw), &res) != nil {
		// n8n may hand the tool result over as a JSON string or an array of one object
		var s string
		var arr []json.RawMessage
		switch {
		case json.Unmarshal([]byte(raw), &s) == nil:
			_ = json.Unmarshal([]byte(s), &res)
		case json.Unmarshal([]byte(raw), &arr) == nil && len(arr) > 0:
			_ = json.Unmarshal(arr[0], &res)
		}
	}
	if len(res.Results) == 0 {
		return "I found nothing about that in the dealership's documents."
	}
	p := res.Results[0]
	place := fmt.Sprintf("page %d", p.Page)
	if p.Row > 0 {
		place = fmt.Sprintf("row %d", p.Row)
	}
	snippet := strings.Join(strings.Fields(p.Snippet), " ")
	return fmt.Sprintf("According to %s (%s): %s", p.Title, place, snippet)
}
