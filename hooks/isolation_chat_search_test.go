package hooks_test

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/apptest"
	"counterpart/hooks/chat"
)

// The conversation search in the isolation matrix: tenant B, and the
// owner's colleagues in tenant A, never find the owner's conversation by a
// word of its answer; the owner does.
func init() {
	routeMatrix["GET "+chat.ConversationSearchPath] = routeProbe{
		sample: func(app core.App, a *core.Record) (string, string, any) {
			return "GET", chat.ConversationSearchPath + "?q=brake", nil
		},
		crossTenant: func(t *testing.T, app core.App, srv *httptest.Server, a, b *core.Record) {
			_, answer := makeExchange(t, app, a)
			conv := answer.GetString("conversation")
			path := chat.ConversationSearchPath + "?q=" + url.QueryEscape("8E0-615-301-AG")
			for _, who := range []string{"admin@jones.example", "member@jones.example", "admin@smith.example", "manager@smith.example"} {
				res := apptest.Do(t, srv, "GET", path, apptest.Token(t, app, who), nil)
				if res.Status != 200 || strings.Contains(string(res.Body), conv) || len(res.Items()) > 0 {
					t.Errorf("%s finds tenant A's member's conversation: %d %s", who, res.Status, res.Body)
				}
			}
			if res := apptest.Do(t, srv, "GET", path, apptest.Token(t, app, "member@smith.example"), nil); !strings.Contains(string(res.Body), conv) {
				t.Errorf("positive control: the owner does not find their conversation: %d %s", res.Status, res.Body)
			}
		},
	}
}
