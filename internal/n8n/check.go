package n8n

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"counterpart/internal/textcut"
)

// PingAction is the "action" of a test request. Counterpart's workflows
// (n8n/counterpart-*.json) answer it at once with {"ok": true, "workflow":
// "<name>"} and do nothing else: the chat workflow does not call the model,
// the ingest workflow posts no callback. Real requests carry "sendMessage" or
// "ingest".
const PingAction = "ping"

// PingTenant is the tenant claim of a test request: no tenant has this id
// (record ids are 15 characters), so a workflow that ignored the action
// could not touch a real tenant's data.
const PingTenant = "counterpart-check"

// Webhook names for Check, as the ping reply's "workflow" field gives them.
const (
	ChatWorkflow   = "counterpart-chat"
	IngestWorkflow = "counterpart-ingest"
)

// Problem is what a check found, one word per cause an admin fixes
// differently.
type Problem string

// Check outcomes.
const (
	ProblemNone        Problem = ""            // the workflow answered the ping
	ProblemUnreachable Problem = "unreachable" // connection refused, DNS, timeout, TLS
	ProblemNotActive   Problem = "not-active"  // 404: workflow inactive or wrong path
	ProblemAuth        Problem = "auth"        // 401/403: secret or algorithm differ
	ProblemStatus      Problem = "status"      // another non-2xx status
	ProblemBadReply    Problem = "bad-reply"   // 2xx, but not a ping answer
	ProblemConfig      Problem = "config"      // the URL cannot be called at all
)

// CheckTarget is one configured webhook to test.
type CheckTarget struct {
	// Name is what the line calls it: "chat" or "ingest".
	Name string
	// Workflow is the ping reply's expected "workflow" (ChatWorkflow,
	// IngestWorkflow); a reply naming another one means the URLs are swapped.
	Workflow string
	// URL is the webhook's address (n8n.chat_url, n8n.ingest_url).
	URL string
}

// CheckResult is the outcome of one webhook's test request.
type CheckResult struct {
	Target  CheckTarget
	Problem Problem
	// Status is the HTTP status, 0 when there was no answer.
	Status int
	// Reason is n8n's own words when it refused (e.g. "invalid signature"),
	// at most 120 bytes; "" otherwise.
	Reason string
	// Elapsed is how long the test request took.
	Elapsed time.Duration
	// Line is the plain sentence for the admin, without tokens or secrets.
	Line string
}

// OK reports whether the webhook answered the ping as expected.
func (r CheckResult) OK() bool { return r.Problem == ProblemNone }

// PingBody is the body of a test request.
func PingBody() []byte {
	b, _ := json.Marshal(map[string]string{"action": PingAction, "tenant": PingTenant})
	return b
}

// Check sends the test request to t: a POST with PingBody, signed by signer
// exactly like Counterpart's real calls (same algorithm, claims and short
// exp; tenant PingTenant), and explains the answer. client bounds the call
// (its Timeout); nil means a client with a 15 s timeout.
func Check(ctx context.Context, client *http.Client, signer *Signer, t CheckTarget) CheckResult {
	if client == nil {
		client = &http.Client{Timeout: 15 * time.Second}
	}
	res := CheckResult{Target: t}
	done := func(p Problem, line string) CheckResult {
		res.Problem, res.Line = p, line
		return res
	}
	u, err := url.Parse(t.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return done(ProblemConfig, fmt.Sprintf("the URL %q is not an http(s) address: fix n8n.%s_url in counterpart.yaml", t.URL, t.Name))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.URL, bytes.NewReader(PingBody()))
	if err != nil {
		return done(ProblemConfig, fmt.Sprintf("the URL cannot be called (%v): fix n8n.%s_url in counterpart.yaml", err, t.Name))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, application/x-ndjson")
	if err := signer.Authorize(req, Claims{Tenant: PingTenant, Extra: map[string]any{"check": true}}); err != nil {
		return done(ProblemConfig, "Counterpart cannot sign a token: "+err.Error())
	}
	start := time.Now()
	resp, err := client.Do(req)
	res.Elapsed = time.Since(start)
	if err != nil {
		return done(ProblemUnreachable, unreachableLine(u.Host, err))
	}
	defer resp.Body.Close()
	res.Status = resp.StatusCode
	body, readErr := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	res.Elapsed = time.Since(start)
	switch s := resp.StatusCode; {
	case s == http.StatusUnauthorized || s == http.StatusForbidden:
		res.Reason = n8nReason(body)
		return done(ProblemAuth, authLine(s, res.Reason, t.Name))
	case s == http.StatusNotFound:
		res.Reason = n8nReason(body)
		line := fmt.Sprintf("HTTP 404: n8n has no active workflow at this path: import n8n/%s.json, publish (activate) it, and check the path in n8n.%s_url",
			t.Workflow, t.Name)
		if res.Reason != "" {
			line += fmt.Sprintf(" (n8n says: %q)", res.Reason)
		}
		return done(ProblemNotActive, line)
	case s < 200 || s > 299:
		res.Reason = n8nReason(body)
		line := fmt.Sprintf("HTTP %d: the workflow failed or n8n refused the request; see the executions in n8n", s)
		if res.Reason != "" {
			line += fmt.Sprintf(" (n8n says: %q)", res.Reason)
		}
		return done(ProblemStatus, line)
	}
	if readErr != nil {
		return done(ProblemUnreachable, fmt.Sprintf("the answer broke off (%v)", transportCause(readErr)))
	}
	workflow, why := pingReply(resp.Header.Get("Content-Type"), body)
	switch {
	case why != "":
		return done(ProblemBadReply, fmt.Sprintf("bad reply shape: n8n answered HTTP %d but %s; is this Counterpart's workflow (n8n/%s.json)?",
			resp.StatusCode, why, t.Workflow))
	case workflow != "" && t.Workflow != "" && workflow != t.Workflow:
		return done(ProblemBadReply, fmt.Sprintf("bad reply shape: this URL runs the %s workflow, not %s: swap n8n.chat_url and n8n.ingest_url?",
			workflow, t.Workflow))
	}
	return done(ProblemNone, fmt.Sprintf("the workflow answered the test request in %d ms", res.Elapsed.Milliseconds()))
}

// pingReply reads a ping answer, plain JSON or n8n's streaming lines whose
// items hold the JSON, and returns its "workflow", or why it is no answer.
func pingReply(contentType string, body []byte) (workflow, why string) {
	payload := body
	br := bufio.NewReader(bytes.NewReader(body))
	if streaming, _ := SniffStreaming(br, contentType); streaming {
		res, err := ReadStream(br, int64(len(body))+1, nil)
		if err != nil {
			var se *StreamError
			if errors.As(err, &se) {
				return "", fmt.Sprintf("the workflow failed: %q", textcut.Clip(se.Message, 120))
			}
			return "", "its streamed reply is malformed"
		}
		payload = []byte(res.Text)
	}
	var v struct {
		OK       *bool  `json:"ok"`
		Workflow string `json:"workflow"`
	}
	trimmed := bytes.TrimSpace(payload)
	if len(trimmed) > 0 && trimmed[0] == '[' {
		// n8n's "all items" form: [{...}]
		var arr []json.RawMessage
		if json.Unmarshal(trimmed, &arr) == nil && len(arr) > 0 {
			trimmed = arr[0]
		}
	}
	if err := json.Unmarshal(trimmed, &v); err != nil || v.OK == nil {
		return "", fmt.Sprintf(`not with {"ok": true} (it sent %q)`, textcut.Clip(strings.TrimSpace(string(payload)), 80))
	}
	if !*v.OK {
		return "", `with {"ok": false}`
	}
	return v.Workflow, ""
}

// authLine explains a 401/403 of n8n's JWT Auth from its reason text.
func authLine(status int, reason, name string) string {
	var why string
	switch strings.ToLower(reason) {
	case "invalid signature":
		why = "the secret differs: the webhook's JWT Auth credential must hold exactly n8n.jwt.secret (or the public key of n8n.jwt.private_key_file)"
	case "invalid algorithm":
		why = "the algorithm differs: set the JWT Auth credential's algorithm to n8n.jwt.algorithm"
	case "jwt expired", "jwt not active":
		why = "the clocks of Counterpart and n8n differ: synchronise them (NTP)"
	case "no token provided":
		why = "n8n saw no token: a proxy between Counterpart and n8n may drop the Authorization header"
	case "invalid token", "jwt malformed":
		why = "n8n could not read the token: the credential's key type (passphrase or PEM key) must match n8n.jwt"
	default:
		why = "the webhook's JWT Auth credential must use the secret and algorithm of n8n.jwt"
	}
	if reason == "" {
		return fmt.Sprintf("HTTP %d: n8n refused Counterpart's token: %s", status, why)
	}
	return fmt.Sprintf("HTTP %d %q: n8n refused Counterpart's token: %s", status, reason, why)
}

// n8nReason is the short text n8n gave with a refusal: JWT Auth's plain
// text ("invalid signature") or the "message" of its JSON errors.
func n8nReason(body []byte) string {
	b := bytes.TrimSpace(body)
	if len(b) == 0 {
		return ""
	}
	var v struct {
		Message string `json:"message"`
	}
	if b[0] == '{' && json.Unmarshal(b, &v) == nil && v.Message != "" {
		return textcut.Clip(v.Message, 120)
	}
	if bytes.HasPrefix(bytes.ToLower(b), []byte("<!doctype")) || bytes.HasPrefix(b, []byte("<")) {
		return "" // an HTML error page says nothing useful
	}
	line, _, _ := strings.Cut(string(b), "\n")
	return textcut.Clip(strings.TrimSpace(line), 120)
}

// unreachableLine explains a failed connection, naming only the host.
func unreachableLine(host string, err error) string {
	var dnsErr *net.DNSError
	var netErr net.Error
	switch {
	case errors.As(err, &dnsErr):
		return fmt.Sprintf("unreachable: the host name in the URL does not resolve (%s): check n8n's address", dnsErr.Name)
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &netErr) && netErr.Timeout()):
		return fmt.Sprintf("unreachable: %s did not answer in time (timeout): is n8n running, and does a firewall let Counterpart through?", host)
	case strings.Contains(err.Error(), "connection refused"):
		return fmt.Sprintf("unreachable: nothing listens at %s (connection refused): is n8n running on that host and port?", host)
	}
	return fmt.Sprintf("unreachable: %s cannot be called (%s)", host, transportCause(err))
}

// transportCause is err without the URL *url.Error puts in front.
func transportCause(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return textcut.Clip(err.Error(), 200)
}

// FormatCheck is the printed line of r: "chat     OK   <url>: <sentence>".
// The URL is printed without its query string.
func FormatCheck(r CheckResult) string {
	verdict := "OK"
	if !r.OK() {
		verdict = "FAIL"
	}
	shown := r.Target.URL
	if u, err := url.Parse(r.Target.URL); err == nil {
		u.RawQuery, u.User = "", nil
		shown = u.String()
	}
	return fmt.Sprintf("%-7s %-4s %s: %s", r.Target.Name, verdict, shown, r.Line)
}
