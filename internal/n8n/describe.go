package n8n

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// DescribeStatus explains an n8n webhook's HTTP status in words an admin can
// act on, for logs and for messages shown to tenant admins. workflow names
// the webhook ("ingest", "chat"); retried says whether the caller tries
// again by itself (the sentence then says so). It never contains a token or
// a secret.
func DescribeStatus(workflow string, status int, retried bool) string {
	switch status {
	case http.StatusUnauthorized, http.StatusForbidden:
		return fmt.Sprintf("n8n refused Counterpart's token (HTTP %d): the %s webhook's JWT Auth credential must use the same secret and algorithm as n8n.jwt in counterpart.yaml.", status, workflow)
	case http.StatusNotFound:
		return fmt.Sprintf("n8n has no active %s workflow at the configured URL (HTTP 404): import and activate it, or fix the URL in counterpart.yaml.", workflow)
	case http.StatusRequestEntityTooLarge:
		return "n8n refused the request as too large (HTTP 413)."
	}
	if status >= 500 {
		if retried {
			return fmt.Sprintf("The n8n %s workflow failed (HTTP %d); it will be retried. Check the execution log in n8n.", workflow, status)
		}
		return fmt.Sprintf("The n8n %s workflow failed (HTTP %d). Check the execution log in n8n.", workflow, status)
	}
	return fmt.Sprintf("n8n answered the %s request with HTTP %d.", workflow, status)
}

// DescribeTransportError explains why a webhook at rawURL could not be
// called (err from http.Client.Do), naming only the host: a webhook URL may
// carry a secret path. retried says whether the caller tries again by itself.
func DescribeTransportError(rawURL string, err error, retried bool) string {
	host := rawURL
	if u, perr := url.Parse(rawURL); perr == nil {
		host = u.Host
	}
	again := ""
	if retried {
		again = "; it will be retried"
	}
	var netErr net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &netErr) && netErr.Timeout()):
		return fmt.Sprintf("n8n at %s did not answer in time%s.", host, again)
	case strings.Contains(err.Error(), "connection refused"):
		return fmt.Sprintf("n8n is not reachable at %s (connection refused)%s. Is n8n running?", host, again)
	}
	return fmt.Sprintf("n8n is not reachable at %s%s.", host, again)
}
