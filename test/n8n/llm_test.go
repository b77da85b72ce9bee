package n8ntier

import (
	"bufio"
	"cmp"
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
// at. It streams (SSE "data:" chunks, then "data: [DONE]") and behaves as the
// system prompt asks a model to: when the question names a part number and
// the request offers the lookup_part tool, it calls that first and, when the
// tool found the part, answers with the price of the part to order and the
// row it comes from; otherwise (or when the number is in no price file) it
// calls the search tool and answers by quoting the first passage it got.
// Usage comes in the last chunk, as with stream_options.include_usage. Every
// request is logged.
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
	ToolCall   bool   // the turn asked for a tool
	Tool       string // the tool it asked for (lookupTool or the search tool)
	Query      string // the tool query it asked for
	ToolResult string // the last tool result it answered from ("" on a question's first turn)
	Answer     string
}

// Tool names the stand-in knows: the nodes of n8n/counterpart-chat.json.
const (
	lookupTool = "lookup_part"
	searchTool = "search_documents"
)

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

// word is a run of letters, digits and inner dashes.
var word = regexp.MustCompile(`(?i)[A-Z0-9](?:[A-Z0-9-]*[A-Z0-9])?`)

// partNumbers returns the words of question the stand-in takes for part
// numbers, as a model would, written as the user wrote them: at least five
// digits among letters and dashes (34116794300, 1k0-698-151-a, 04152-YZZA6).
func partNumbers(question string) []string {
	var out []string
	for _, w := range word.FindAllString(question, -1) {
		digits := 0
		for _, r := range w {
			if r >= '0' && r <= '9' {
				digits++
			}
		}
		if digits >= 5 {
			out = append(out, w)
		}
	}
	return out
}

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
	// the question is the last user message; the tool results after it are this question's
	var question, toolResult string
	var lookup *lookupResult
	var search *searchResult
	for _, m := range req.Messages {
		switch m.Role {
		case "user":
			question, toolResult, lookup, search = m.text(), "", nil, nil
		case "tool":
			toolResult = m.text()
			if lr, ok := decodeLookup(toolResult); ok {
				lookup = lr
			} else {
				sr := decodeSearch(toolResult)
				search = &sr
			}
		}
	}
	offered := map[string]bool{}
	var names []string
	for _, tl := range req.Tools {
		offered[tl.Function.Name] = true
		names = append(names, tl.Function.Name)
	}
	l.t.Logf("llm: request model=%q stream=%v messages=%d tools=%v question=%q tool-result=%.200q",
		req.Model, req.Stream, len(req.Messages), names, question, toolResult)
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

	// the search tool: search_documents, else the first tool that is not the lookup
	search1 := ""
	for _, n := range names {
		if n == searchTool || (search1 == "" && n != lookupTool) {
			search1 = n
		}
	}
	numbers := partNumbers(question)
	var name, argName, query string
	switch {
	case lookup == nil && search == nil && len(numbers) > 0 && offered[lookupTool]:
		// a part number: the price files first, with the numbers as the user wrote them
		name, argName, query = lookupTool, "q", strings.Join(numbers, " ")
	case search == nil && search1 != "" && (lookup == nil || len(lookup.Matches) == 0):
		// no part number, or one in no price file: search the documents for the
		// question's part numbers, else its words
		query = strings.Join(partNumber.FindAllString(question, -1), " ")
		if query == "" {
			query = strings.Trim(strings.ReplaceAll(question, "[hang]", ""), " ?")
		}
		name, argName = search1, "query"
	}
	if name != "" {
		args, _ := json.Marshal(map[string]string{argName: query})
		send(chunk(map[string]any{"role": "assistant", "content": nil, "tool_calls": []any{map[string]any{
			"index": 0, "id": fmt.Sprintf("call_standin_%d", len(req.Messages)), "type": "function", "function": map[string]any{"name": name, "arguments": ""}}}}, nil))
		send(chunk(map[string]any{"tool_calls": []any{map[string]any{"index": 0, "function": map[string]any{"arguments": string(args)}}}}, nil))
		send(chunk(map[string]any{}, "tool_calls"))
		send(usage(len(body)/4, 12))
		fmt.Fprint(bw, "data: [DONE]\n\n")
		bw.Flush()
		call.ToolCall, call.Tool, call.Query, call.ToolResult = true, name, query, toolResult
		l.logCall(call)
		return
	}

	answer := answerFrom(lookup, search)
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
	l.t.Logf("llm: answered in %s: tool-call=%v tool=%q query=%q answer=%.160q", c.End.Sub(c.Start).Round(time.Millisecond), c.ToolCall, c.Tool, c.Query, c.Answer)
}

// searchResult is the search tool's answer (docs/n8n.md, "Search tool").
type searchResult struct {
	Results []struct {
		Title   string `json:"title"`
		Page    int    `json:"page"`
		Row     int    `json:"row"`
		Snippet string `json:"snippet"`
	} `json:"results"`
}

// toolPart is a part of the lookup_part tool's answer, the fields the stand-in reads.
type toolPart struct {
	PartNumber string `json:"part_number"`
	Key        string `json:"key"`
	Status     string `json:"status"`
	Prices     map[string]struct {
		Amount   float64 `json:"amount"`
		Currency string  `json:"currency"`
		Label    string  `json:"label"`
	} `json:"prices"`
	Source struct {
		Document string `json:"document"`
		Title    string `json:"title"`
		Row      int    `json:"row"`
		Sheet    string `json:"sheet"`
	} `json:"source"`
}

// lookupResult is the lookup_part tool's answer (docs/n8n.md, "Parts tool").
type lookupResult struct {
	Numbers []string `json:"numbers"`
	Matches []struct {
		toolPart
		Chain   []string  `json:"chain"`
		Current *toolPart `json:"current"`
	} `json:"matches"`
	DidYouMean []json.RawMessage `json:"did_you_mean"`
	NotFound   []string          `json:"not_found"`
	Message    string            `json:"message"`
}

// decodeTool reads a tool result into v: n8n may hand it over as the JSON
// object itself, as a JSON string holding it, or as an array of one object.
func decodeTool(toolResult string, v any) bool {
	raw := strings.TrimSpace(toolResult)
	if json.Unmarshal([]byte(raw), v) == nil {
		return true
	}
	var s string
	var arr []json.RawMessage
	switch {
	case json.Unmarshal([]byte(raw), &s) == nil:
		return json.Unmarshal([]byte(s), v) == nil
	case json.Unmarshal([]byte(raw), &arr) == nil && len(arr) > 0:
		return json.Unmarshal(arr[0], v) == nil
	}
	return false
}

// decodeLookup reads a tool result that is the lookup_part tool's answer.
func decodeLookup(toolResult string) (*lookupResult, bool) {
	var probe map[string]json.RawMessage
	if !decodeTool(toolResult, &probe) {
		return nil, false
	}
	if _, ok := probe["not_found"]; !ok {
		if _, ok := probe["matches"]; !ok {
			return nil, false
		}
	}
	var lr lookupResult
	if !decodeTool(toolResult, &lr) {
		return nil, false
	}
	return &lr, true
}

func decodeSearch(toolResult string) searchResult {
	var sr searchResult
	decodeTool(toolResult, &sr)
	return sr
}

// answerFrom writes the answer to the tool results of a question: from the
// lookup, when it found the part, the part to order and its price with the
// price-file row; else the first passage of the search quoted with its title
// and place, or a plain "not found" — saying which numbers are in no price file.
func answerFrom(lookup *lookupResult, search *searchResult) string {
	if lookup != nil && len(lookup.Matches) > 0 {
		m := lookup.Matches[0]
		p := m.toolPart
		var b strings.Builder
		if m.Current != nil {
			if m.Current.Key != m.Key {
				fmt.Fprintf(&b, "%s is superseded (%s): order %s. ", m.PartNumber, strings.Join(m.Chain, " → "), m.Current.PartNumber)
			}
			p = *m.Current
		}
		name := "list"
		if _, ok := p.Prices[name]; !ok {
			name = ""
			for n := range p.Prices {
				if name == "" || n < name {
					name = n
				}
			}
		}
		if price, ok := p.Prices[name]; ok {
			fmt.Fprintf(&b, "%s costs %.2f %s (%s)", p.PartNumber, price.Amount, price.Currency, cmp.Or(price.Label, name))
		} else {
			fmt.Fprintf(&b, "%s has no price in the file", p.PartNumber)
		}
		fmt.Fprintf(&b, ", according to %s (row %d).", p.Source.Title, p.Source.Row)
		return b.String()
	}
	var notFound string
	if lookup != nil && len(lookup.NotFound) > 0 {
		notFound = strings.Join(lookup.NotFound, ", ") + " is not in the dealership's price files."
	}
	if search == nil || len(search.Results) == 0 {
		return strings.TrimSpace(notFound + " I found nothing about that in the dealership's documents.")
	}
	p := search.Results[0]
	place := fmt.Sprintf("page %d", p.Page)
	if p.Row > 0 {
		place = fmt.Sprintf("row %d", p.Row)
	}
	snippet := strings.Join(strings.Fields(p.Snippet), " ")
	return strings.TrimSpace(fmt.Sprintf("According to %s (%s): %s %s", p.Title, place, snippet, notFound))
}
