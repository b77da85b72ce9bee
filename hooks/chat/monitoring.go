package chat

import (
	"net/http"

	"counterpart/internal/config"
)

// NewClient returns the HTTP client the gateway builds for n8n when N8N.Client
// is nil, so that the wiring can wrap its transport (metrics) and keep its
// connect timeout and connection limits.
func NewClient(c config.Chat) *http.Client {
	connect := c.ConnectTimeout
	if connect <= 0 {
		connect = DefaultConnectTimeout
	}
	parallel := c.MaxInflightPerTenant
	if parallel <= 0 {
		parallel = DefaultMaxInflightPerTenant
	}
	return newClient(connect, parallel)
}
