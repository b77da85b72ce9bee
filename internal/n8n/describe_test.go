package n8n

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestDescribeStatus(t *testing.T) {
	cases := []struct {
		status  int
		retried bool
		has     []string
		hasNot  []string
	}{
		{401, false, []string{"HTTP 401", "chat webhook's JWT Auth credential", "n8n.jwt"}, nil},
		{403, true, []string{"HTTP 403", "same secret and algorithm"}, nil},
		{404, false, []string{"no active chat workflow", "HTTP 404"}, nil},
		{413, false, []string{"too large"}, nil},
		{502, true, []string{"HTTP 502", "it will be retried"}, nil},
		{500, false, []string{"HTTP 500", "execution log"}, []string{"retried"}},
		{418, false, []string{"HTTP 418"}, nil},
	}
	for _, c := range cases {
		got := DescribeStatus("chat", c.status, c.retried)
		for _, h := range c.has {
			if !strings.Contains(got, h) {
				t.Errorf("%d: %q lacks %q", c.status, got, h)
			}
		}
		for _, h := range c.hasNot {
			if strings.Contains(got, h) {
				t.Errorf("%d: %q has %q", c.status, got, h)
			}
		}
	}
}

func TestDescribeTransportError(t *testing.T) {
	url := "http://n8n.local:5678/webhook/secret-path-123"
	refused := fmt.Errorf("dial tcp 10.0.0.1:5678: connect: connection refused")
	cases := []struct {
		err     error
		retried bool
		want    string
	}{
		{refused, true, "n8n is not reachable at n8n.local:5678 (connection refused); it will be retried. Is n8n running?"},
		{refused, false, "n8n is not reachable at n8n.local:5678 (connection refused). Is n8n running?"},
		{context.DeadlineExceeded, false, "n8n at n8n.local:5678 did not answer in time."},
		{errors.New("no such host"), true, "n8n is not reachable at n8n.local:5678; it will be retried."},
	}
	for _, c := range cases {
		got := DescribeTransportError(url, c.err, c.retried)
		if got != c.want {
			t.Errorf("%v: %q, want %q", c.err, got, c.want)
		}
		if strings.Contains(got, "secret-path") {
			t.Errorf("the description shows the URL's path: %q", got)
		}
	}
}
