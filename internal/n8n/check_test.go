package n8n

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// n8nStream is a ping answered through a streaming Webhook: the Respond to
// Webhook node's body arrives as one item, as n8n 2.8.4 sends it.
const n8nStream = `{"type":"begin","metadata":{"nodeId":"n1","nodeName":"Answer ping","itemIndex":0,"runIndex":0,"timestamp":1}}
{"type":"item","content":"{\"ok\":true,\"workflow\":\"counterpart-chat\"}","metadata":{"nodeId":"n1","nodeName":"Answer ping","itemIndex":0,"runIndex":0,"timestamp":1}}
{"type":"end","metadata":{"nodeId":"n1","nodeName":"Answer ping","itemIndex":0,"runIndex":0,"timestamp":1}}
`

// reply is a canned webhook answer.
type reply struct {
	status      int
	contentType string
	body        string
}

func TestCheck(t *testing.T) {
	keys, err := LoadKeys(KeyConfig{Algorithm: "HS256", Secret: testSecret})
	if err != nil {
		t.Fatal(err)
	}
	signer, _ := NewSigner(keys)
	verifier, _ := NewVerifier(keys, NewReplayCache(0))
	chat := CheckTarget{Name: "chat", Workflow: ChatWorkflow}

	cases := []struct {
		name    string
		reply   reply
		want    Problem
		reason  string
		mention []string
	}{
		{"json ping answer", reply{200, "application/json; charset=utf-8", `{"ok":true,"workflow":"counterpart-chat"}`}, ProblemNone, "", []string{"answered the test request"}},
		{"streamed ping answer", reply{200, "application/json; charset=utf-8", n8nStream}, ProblemNone, "", nil},
		{"array form", reply{200, "application/json", `[{"ok":true}]`}, ProblemNone, "", nil},
		{"workflow not active", reply{404, "application/json; charset=utf-8",
			`{"code":404,"message":"The requested webhook \"POST counterpart-chat\" is not registered.","hint":"The workflow must be active"}`},
			ProblemNotActive, `The requested webhook "POST counterpart-chat" is not registered.`, []string{"HTTP 404", "n8n/counterpart-chat.json", "n8n.chat_url"}},
		{"wrong secret", reply{403, "", "invalid signature"}, ProblemAuth, "invalid signature", []string{`"invalid signature"`, "secret differs", "n8n.jwt.secret"}},
		{"wrong algorithm", reply{403, "", "invalid algorithm"}, ProblemAuth, "invalid algorithm", []string{`"invalid algorithm"`, "n8n.jwt.algorithm"}},
		{"clock skew", reply{403, "", "jwt expired"}, ProblemAuth, "jwt expired", []string{"clocks"}},
		{"header dropped", reply{401, "", "No token provided"}, ProblemAuth, "No token provided", []string{"HTTP 401", "Authorization header"}},
		{"workflow error", reply{500, "application/json", `{"message":"Error in workflow"}`}, ProblemStatus, "Error in workflow", []string{"HTTP 500", "executions"}},
		{"another workflow's answer", reply{200, "application/json", `{"message":"Workflow was started"}`}, ProblemBadReply, "",
			[]string{"bad reply shape", `{\"message\":\"Workflow was started\"}`}},
		{"not ok", reply{200, "application/json", `{"ok":false}`}, ProblemBadReply, "", []string{"bad reply shape"}},
		{"swapped urls", reply{200, "application/json", `{"ok":true,"workflow":"counterpart-ingest"}`}, ProblemBadReply, "",
			[]string{"counterpart-ingest workflow", "swap"}},
		{"error mid-stream", reply{200, "application/json", `{"type":"begin"}` + "\n" + `{"type":"error","content":"model down"}` + "\n"}, ProblemBadReply, "",
			[]string{"model down"}},
		{"html page", reply{200, "text/html", "<html>login</html>"}, ProblemBadReply, "", []string{"bad reply shape"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got struct {
				claims *Claims
				body   map[string]any
			}
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
				got.claims, _ = verifier.Verify(tok, Expectation{Issuer: Issuer})
				b, _ := io.ReadAll(r.Body)
				_ = json.Unmarshal(b, &got.body)
				if c.reply.contentType != "" {
					w.Header().Set("Content-Type", c.reply.contentType)
				}
				w.WriteHeader(c.reply.status)
				io.WriteString(w, c.reply.body)
			}))
			defer srv.Close()
			target := chat
			target.URL = srv.URL + "/webhook/counterpart-chat"
			r := Check(context.Background(), srv.Client(), signer, target)
			if r.Problem != c.want || r.Reason != c.reason {
				t.Fatalf("problem %q reason %q, want %q %q; line: %s", r.Problem, r.Reason, c.want, c.reason, r.Line)
			}
			for _, m := range c.mention {
				if !strings.Contains(r.Line, m) {
					t.Errorf("line %q does not mention %q", r.Line, m)
				}
			}
			// the test request is signed like a real call and asks for nothing but a ping
			if got.claims == nil || got.claims.Tenant != PingTenant || got.claims.ExpiresAt.IsZero() {
				t.Errorf("the request's token did not verify as a ping token: %+v", got.claims)
			}
			if got.body["action"] != PingAction {
				t.Errorf("request body %v, want action %q", got.body, PingAction)
			}
			line := FormatCheck(r)
			if wantVerdict := map[bool]string{true: " OK ", false: " FAIL "}[c.want == ProblemNone]; !strings.Contains(line, wantVerdict) {
				t.Errorf("formatted line %q lacks %q", line, wantVerdict)
			}
		})
	}
}

func TestCheckTransport(t *testing.T) {
	keys, _ := LoadKeys(KeyConfig{Algorithm: "HS256", Secret: testSecret})
	signer, _ := NewSigner(keys)

	// a port nothing listens on
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String() + "/webhook/counterpart-ingest"
	l.Close()

	release := make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer hang.Close()
	defer close(release)

	cases := []struct {
		name    string
		url     string
		client  *http.Client
		want    Problem
		mention string
	}{
		{"connection refused", closed, nil, ProblemUnreachable, "connection refused"},
		{"timeout", hang.URL + "/webhook/counterpart-ingest", &http.Client{Timeout: 50 * time.Millisecond}, ProblemUnreachable, "timeout"},
		{"unknown host", "http://n8n.counterpart.invalid/webhook/counterpart-ingest", &http.Client{Timeout: 5 * time.Second}, ProblemUnreachable, "unreachable"},
		{"not a URL", "n8n:5678/webhook", nil, ProblemConfig, "n8n.ingest_url"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := Check(context.Background(), c.client, signer, CheckTarget{Name: "ingest", Workflow: IngestWorkflow, URL: c.url})
			if r.Problem != c.want || !strings.Contains(r.Line, c.mention) {
				t.Fatalf("problem %q line %q, want %q mentioning %q", r.Problem, r.Line, c.want, c.mention)
			}
			if strings.Contains(r.Line, "eyJ") {
				t.Errorf("line shows a token: %s", r.Line)
			}
		})
	}
}
