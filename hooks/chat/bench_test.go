package chat_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/apptest"
	"counterpart/internal/config"
	"counterpart/internal/n8n"
	"counterpart/internal/n8n/n8ntest"
)

// sample is one answer's timings as the client saw them: the stream's start
// (through Counterpart: the question and the pending answer are stored), the
// first token and the end.
type sample struct{ start, ttft, total time.Duration }

// benchEnv is a served app whose chat webhook is the stand-in, and a client
// that can call either.
type benchEnv struct {
	app    core.App
	url    string // Counterpart's base URL
	stand  *n8ntest.Server
	signer *n8n.Signer
	token  string
	convs  []string
	client *http.Client
	body   []byte // what a direct client posts to n8n, about the size of Counterpart's request
}

func newBenchEnv(b *testing.B, conversations int) *benchEnv {
	stand := n8ntest.New(b, n8ntest.Options{})
	cfg := apptest.Config()
	cfg.N8N.ChatURL = stand.ChatURL()
	cfg.N8N.JWT = config.JWT{Algorithm: stand.Algorithm(), Secret: stand.Secret(), TTL: time.Minute}
	cfg.N8N.Timeout = 2 * time.Minute
	cfg.Chat.MaxInflightPerUser, cfg.Chat.MaxInflightPerTenant = 10_000, 10_000
	app := apptest.New(b, cfg)
	srv := apptest.Serve(b, app)
	keys, err := n8n.LoadKeys(n8n.KeyConfig{Algorithm: stand.Algorithm(), Secret: stand.Secret()})
	if err != nil {
		b.Fatal(err)
	}
	signer, _ := n8n.NewSigner(keys)
	member, _ := app.FindAuthRecordByEmail("users", "member@smith.example")
	col, _ := app.FindCollectionByNameOrId("conversations")
	e := &benchEnv{app: app, url: srv.URL, stand: stand, signer: signer, token: apptest.Token(b, app, "member@smith.example"),
		client: &http.Client{Transport: &http.Transport{MaxIdleConns: 2048, MaxIdleConnsPerHost: 1024, IdleConnTimeout: time.Minute}}}
	for range conversations {
		c := core.NewRecord(col)
		c.Set("tenant", member.GetString("tenant"))
		c.Set("user", member.Id)
		c.Set("title", "bench")
		if err := app.Save(c); err != nil {
			b.Fatal(err)
		}
		e.convs = append(e.convs, c.Id)
	}
	e.body, _ = json.Marshal(map[string]any{"action": "sendMessage", "sessionId": "cp-0123456789abcdefghijklmnopqrstuv",
		"chatInput": "What replaces 8E0-615-301-AF and what does it cost?", "tenant": member.GetString("tenant"),
		"systemMessage": strings.Repeat("x", 400), "history": []any{}})
	return e
}

// direct is a client calling the stand-in itself: first item, then the end of the body.
func (e *benchEnv) direct(ctx context.Context) (sample, error) {
	start := time.Now()
	req, _ := http.NewRequestWithContext(ctx, "POST", e.stand.ChatURL(), bytes.NewReader(e.body))
	req.Header.Set("Content-Type", "application/json")
	if err := e.signer.Authorize(req, n8n.Claims{Subject: "bench", Tenant: "bench"}); err != nil {
		return sample{}, err
	}
	res, err := e.client.Do(req)
	if err != nil {
		return sample{}, err
	}
	defer res.Body.Close()
	var s sample
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		if s.ttft == 0 && bytes.Contains(sc.Bytes(), []byte(`"type":"item"`)) {
			s.ttft = time.Since(start)
		}
	}
	s.total = time.Since(start)
	if s.ttft == 0 {
		return s, fmt.Errorf("direct: no item (status %d)", res.StatusCode)
	}
	return s, sc.Err()
}

// gateway is a browser asking through Counterpart's SSE route: first delta, then done.
func (e *benchEnv) gateway(ctx context.Context, conv string) (sample, error) {
	start := time.Now()
	req, _ := http.NewRequestWithContext(ctx, "POST", e.url+"/api/chat/conversations/"+conv+"/messages",
		strings.NewReader(`{"content":"What replaces 8E0-615-301-AF and what does it cost?"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Authorization", e.token)
	res, err := e.client.Do(req)
	if err != nil {
		return sample{}, err
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		b, _ := io.ReadAll(res.Body)
		return sample{}, fmt.Errorf("gateway: %d %s", res.StatusCode, b)
	}
	var s sample
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	done := false
	for sc.Scan() {
		line := sc.Text()
		if s.start == 0 && line == "event: start" {
			s.start = time.Since(start)
		}
		if s.ttft == 0 && line == "event: delta" {
			s.ttft = time.Since(start)
		}
		if line == "event: done" {
			done = true
		}
		if done && strings.HasPrefix(line, "data: ") {
			s.total = time.Since(start)
			break
		}
	}
	if !done {
		return s, fmt.Errorf("gateway: no done event")
	}
	return s, nil
}

// round runs n calls at once and returns their samples.
func round(b *testing.B, n int, call func(i int) (sample, error)) []sample {
	out := make([]sample, n)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := call(i)
			if err != nil {
				mu.Lock()
				firstErr = err
				mu.Unlock()
			}
			out[i] = s
		}()
	}
	wg.Wait()
	if firstErr != nil {
		b.Fatal(firstErr)
	}
	return out
}

func percentile(ds []time.Duration, p float64) float64 {
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(float64(len(s)-1) * p)
	return float64(s[i].Microseconds()) / 1000
}

func split(samples []sample) (start, ttft, total []time.Duration) {
	for _, s := range samples {
		start, ttft, total = append(start, s.start), append(ttft, s.ttft), append(total, s.total)
	}
	return start, ttft, total
}

// BenchmarkChatOverhead measures what the gateway adds to an n8n answer of 200
// streamed tokens: a client calling the n8n stand-in directly against a
// browser asking through Counterpart's SSE route (auth, question and answer
// stored, n8n called with a signed token, tokens relayed, answer saved), at 1,
// 50 and 200 conversations at once; then the memory of an open stream.
//
//	GOTOOLCHAIN=go1.27.3 go test -run '^$' -bench ChatOverhead ./hooks/chat/
func BenchmarkChatOverhead(b *testing.B) {
	tokens := make([]string, 200)
	for i := range tokens {
		tokens[i] = fmt.Sprintf("tok%03d ", i)
	}
	e := newBenchEnv(b, 200)
	e.stand.SetChatReply(n8ntest.Reply{Mode: n8ntest.ModeStream, Tokens: tokens})
	ctx := context.Background()
	// warm up connections and caches
	round(b, 10, func(i int) (sample, error) { return e.direct(ctx) })
	round(b, 10, func(i int) (sample, error) { return e.gateway(ctx, e.convs[i]) })

	for _, n := range []int{1, 50, 200} {
		b.Run(fmt.Sprintf("conversations=%d", n), func(b *testing.B) {
			var direct, gateway []sample
			for b.Loop() {
				direct = append(direct, round(b, n, func(int) (sample, error) { return e.direct(ctx) })...)
				gateway = append(gateway, round(b, n, func(i int) (sample, error) { return e.gateway(ctx, e.convs[i]) })...)
			}
			_, dFirst, dTotal := split(direct)
			gStart, gFirst, gTotal := split(gateway)
			for _, p := range []struct {
				name string
				q    float64
			}{{"p50", 0.5}, {"p99", 0.99}} {
				b.ReportMetric(percentile(dFirst, p.q), "direct-first-"+p.name+"-ms")
				b.ReportMetric(percentile(gStart, p.q), "gateway-stored-"+p.name+"-ms")
				b.ReportMetric(percentile(gFirst, p.q), "gateway-first-"+p.name+"-ms")
				b.ReportMetric(percentile(gFirst, p.q)-percentile(dFirst, p.q), "added-first-"+p.name+"-ms")
				b.ReportMetric(percentile(dTotal, p.q), "direct-total-"+p.name+"-ms")
				b.ReportMetric(percentile(gTotal, p.q), "gateway-total-"+p.name+"-ms")
				b.ReportMetric(percentile(gTotal, p.q)-percentile(dTotal, p.q), "added-total-"+p.name+"-ms")
			}
			b.ReportMetric(0, "ns/op")
		})
	}

	b.Run("open-streams=200", func(b *testing.B) {
		// answers that stay open: a token every second, no end
		e.stand.SetChatReply(n8ntest.Reply{Mode: n8ntest.ModeEndless, Tokens: []string{"x"}, TokenDelay: time.Second})
		defer e.stand.SetChatReply(n8ntest.Reply{})
		const streams = 200
		type mem struct{ heap, stack float64 }
		heap := func() mem {
			runtime.GC()
			runtime.GC()
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			return mem{float64(m.HeapInuse), float64(m.StackInuse)}
		}
		// open n streams with open(i), each read until its first token arrived; return a closer
		hold := func(open func(ctx context.Context, i int) (*http.Response, error), marker string) func() {
			ctx, cancel := context.WithCancel(ctx)
			var wg sync.WaitGroup
			var mu sync.Mutex
			var bodies []io.Closer
			for i := range streams {
				wg.Add(1)
				go func() {
					defer wg.Done()
					res, err := open(ctx, i)
					if err != nil {
						b.Error(err)
						return
					}
					mu.Lock()
					bodies = append(bodies, res.Body)
					mu.Unlock()
					sc := bufio.NewScanner(res.Body)
					for sc.Scan() && !strings.Contains(sc.Text(), marker) {
					}
				}()
			}
			wg.Wait()
			return func() {
				cancel()
				for _, c := range bodies {
					c.Close()
				}
			}
		}
		openDirect := func(ctx context.Context, _ int) (*http.Response, error) {
			req, _ := http.NewRequestWithContext(ctx, "POST", e.stand.ChatURL(), bytes.NewReader(e.body))
			_ = e.signer.Authorize(req, n8n.Claims{Subject: "bench", Tenant: "bench"})
			return e.client.Do(req)
		}
		openGateway := func(ctx context.Context, i int) (*http.Response, error) {
			req, _ := http.NewRequestWithContext(ctx, "POST", e.url+"/api/chat/conversations/"+e.convs[i]+"/messages",
				strings.NewReader(`{"content":"an answer that does not end"}`))
			req.Header.Set("Accept", "text/event-stream")
			req.Header.Set("Authorization", e.token)
			return e.client.Do(req)
		}
		stopAnswers := func() {
			// their browsers are gone: the answers would run on
			for _, id := range runningAnswers(e.app) {
				req, _ := http.NewRequest("POST", e.url+"/api/chat/messages/"+id+"/stop", nil)
				req.Header.Set("Authorization", e.token)
				if res, err := e.client.Do(req); err == nil {
					res.Body.Close()
				}
			}
		}
		// what n open streams hold: measured open, then again once they are closed and
		// collected, with the connection pools warm both times
		measure := func(open func(ctx context.Context, i int) (*http.Response, error), marker string, after func()) mem {
			closeAll := hold(open, marker)
			with := heap()
			closeAll()
			after()
			time.Sleep(500 * time.Millisecond)
			without := heap()
			return mem{(with.heap - without.heap) / streams / 1024, (with.stack - without.stack) / streams / 1024}
		}
		var added mem
		for b.Loop() {
			d := measure(openDirect, `"type":"item"`, func() {})
			g := measure(openGateway, "event: delta", stopAnswers)
			// Counterpart's part: the gateway's streams minus the client and stand-in parts that direct streams have too
			added = mem{g.heap - d.heap, g.stack - d.stack}
			b.ReportMetric(d.heap+d.stack, "direct-KiB/stream")
			b.ReportMetric(g.heap+g.stack, "gateway-KiB/stream")
		}
		b.ReportMetric(added.heap, "added-heap-KiB/stream")
		b.ReportMetric(added.stack, "added-stack-KiB/stream")
		b.ReportMetric(added.heap+added.stack, "added-KiB/stream")
		b.ReportMetric(0, "ns/op")
	})
}

// runningAnswers lists the answers still pending or streaming.
func runningAnswers(app core.App) []string {
	recs, _ := app.FindRecordsByFilter("messages", "status = 'pending' || status = 'streaming'", "", 0, 0)
	var ids []string
	for _, r := range recs {
		ids = append(ids, r.Id)
	}
	return ids
}
