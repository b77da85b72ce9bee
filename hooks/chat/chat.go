// Package chat is the chat gateway: staff ask questions in their own
// conversations and get answers from their tenant's documents. A question is
// stored first, then n8n's chat webhook is called with a signed token and a
// search tool scoped to the tenant; the answer is relayed to the browser as
// server-sent events while it streams and saved with its sources, model,
// tokens and timings. A browser that goes away loses nothing: the answer is
// generated detached from the request and realtime delivers it. With no n8n
// configured, answers are the best matching passages (retrieval-only mode).
package chat

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/api"
	"counterpart/internal/config"
	"counterpart/internal/n8n"
)

// Collections of the feature.
const (
	Conversations = "conversations"
	Messages      = "messages"
)

// Message roles and statuses.
const (
	RoleUser      = "user"
	RoleAssistant = "assistant"

	StatusPending   = "pending"
	StatusStreaming = "streaming"
	StatusComplete  = "complete"
	StatusFailed    = "failed"
	StatusStopped   = "stopped"
)

// Defaults of the chat.* settings, used for zero fields of Deps.Config.
const (
	DefaultMaxMessageBytes      = 16 << 10
	DefaultMaxInflightPerUser   = 2
	DefaultMaxInflightPerTenant = 20
	DefaultHistoryTurns         = 6
	DefaultConnectTimeout       = 5 * time.Second
	DefaultFirstByteTimeout     = 60 * time.Second
	DefaultMaxReplyBytes        = 4 << 20
	DefaultTimeout              = 120 * time.Second
	DefaultSaveInterval         = 500 * time.Millisecond
)

// maxContentRunes is the longest answer stored (the content field's limit).
const maxContentRunes = 200_000

// Deps are what the feature needs from the app.
type Deps struct {
	// N8N is the chat webhook; nil means retrieval-only answers.
	N8N *N8N
	// PublicURL is where n8n reaches Counterpart (the search tool's URL).
	PublicURL string
	// Timeout is the longest one answer may take (n8n.timeout).
	Timeout time.Duration
	// Config holds the chat.* settings; zero fields take the defaults
	// (HistoryTurns 0 means none: set it explicitly).
	Config config.Chat
	// SaveInterval is how often a streaming answer's partial text is
	// written (default 500ms); the first token is written at once.
	SaveInterval time.Duration
}

// N8N is the chat webhook and the signer of the tokens it requires.
type N8N struct {
	URL    string
	Signer *n8n.Signer
	// Client calls the webhook; nil builds one from the connect timeout.
	Client *http.Client
}

type feature struct {
	Deps
	app    core.App
	client *http.Client
	reg    *registry
	tool   *searchKeys

	// ctx ends (with errShutdown) when the app terminates; every
	// generation derives from it, never from its request.
	ctx    context.Context
	cancel context.CancelCauseFunc
	wg     sync.WaitGroup
}

const storeKey = "counterpart.chat"

// Register binds the chat routes, the conversation hooks, the start-up
// clean-up of answers a crash left unfinished, and the shutdown that
// finishes running answers before the database closes.
func Register(app core.App, deps Deps) error {
	f, err := newFeature(app, deps)
	if err != nil {
		return err
	}
	app.Store().Set(storeKey, f)
	f.bindConversations(app)
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		api.Bind(se, f.Routes()...)
		// this process runs every generation: any answer still pending or
		// streaming now was cut short by a crash or a kill
		if n, err := f.failUnfinished(time.Now()); err != nil {
			se.App.Logger().Error("chat: clean-up of interrupted answers", "error", err)
		} else if n > 0 {
			se.App.Logger().Warn("chat: answers interrupted by the last shutdown marked failed", "count", n)
		}
		return se.Next()
	})
	app.Cron().MustAdd("chatWatchdog", "* * * * *", func() {
		if n, err := f.failUnfinished(time.Now().Add(-f.Timeout - time.Minute)); err != nil {
			app.Logger().Error("chat watchdog", "error", err)
		} else if n > 0 {
			app.Logger().Warn("chat watchdog: stuck answers marked failed", "count", n)
		}
	})
	app.OnTerminate().BindFunc(func(e *core.TerminateEvent) error {
		f.shutdown(10 * time.Second)
		return e.Next()
	})
	return nil
}

func newFeature(app core.App, deps Deps) (*feature, error) {
	c := &deps.Config
	if c.MaxMessageBytes <= 0 {
		c.MaxMessageBytes = DefaultMaxMessageBytes
	}
	if c.MaxInflightPerUser <= 0 {
		c.MaxInflightPerUser = DefaultMaxInflightPerUser
	}
	if c.MaxInflightPerTenant <= 0 {
		c.MaxInflightPerTenant = DefaultMaxInflightPerTenant
	}
	if c.HistoryTurns < 0 {
		c.HistoryTurns = 0
	}
	if c.ConnectTimeout <= 0 {
		c.ConnectTimeout = DefaultConnectTimeout
	}
	if c.FirstByteTimeout <= 0 {
		c.FirstByteTimeout = DefaultFirstByteTimeout
	}
	if c.MaxReplyBytes <= 0 {
		c.MaxReplyBytes = DefaultMaxReplyBytes
	}
	if deps.Timeout <= 0 {
		deps.Timeout = DefaultTimeout
	}
	if deps.SaveInterval <= 0 {
		deps.SaveInterval = DefaultSaveInterval
	}
	if deps.N8N != nil && deps.N8N.Signer == nil {
		return nil, errors.New("chat: the n8n chat webhook needs a signer")
	}
	tool, err := newSearchKeys(deps.Timeout)
	if err != nil {
		return nil, err
	}
	f := &feature{Deps: deps, app: app, reg: newRegistry(), tool: tool}
	f.ctx, f.cancel = context.WithCancelCause(context.Background())
	if deps.N8N != nil {
		f.client = deps.N8N.Client
		if f.client == nil {
			f.client = newClient(c.ConnectTimeout, c.MaxInflightPerTenant)
		}
	}
	return f, nil
}

// newClient is the HTTP client for n8n: a bounded connect, no overall
// timeout (each call has its own deadlines) and enough idle connections for
// the answers that may run at once.
func newClient(connect time.Duration, parallel int) *http.Client {
	return &http.Client{Transport: &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		DialContext:         (&net.Dialer{Timeout: connect, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout: connect,
		MaxIdleConns:        max(100, parallel),
		MaxIdleConnsPerHost: max(16, min(parallel, 1000)),
		IdleConnTimeout:     90 * time.Second,
	}}
}

// Tool routes n8n agents call with the per-answer token.
const (
	SearchToolPath = "/api/n8n/search"
	PartsToolPath  = "/api/n8n/parts/lookup"
)

// Routes lists the chat feature's custom routes.
func (f *feature) Routes() []api.Route {
	return []api.Route{
		{Method: "POST", Path: "/api/chat/conversations/{id}/messages", Access: api.Member,
			Summary: "ask a question in one's conversation; the answer streams as server-sent events or comes as JSON", Handler: f.handleSend},
		{Method: "POST", Path: "/api/chat/messages/{id}/stop", Access: api.Member,
			Summary: "stop an answer being generated; the partial answer is kept as stopped", Handler: f.handleStop},
		{Method: "POST", Path: "/api/chat/messages/{id}/retry", Access: api.Member,
			Summary: "ask a failed or stopped answer's question again", Handler: f.handleRetry},
		{Method: "POST", Path: "/api/chat/messages/{id}/feedback", Access: api.Member,
			Summary: "thumbs up or down, with an optional comment, on an answer", Handler: f.handleFeedback},
		{Method: "GET", Path: ConversationSearchPath, Access: api.Member,
			Summary: "search one's conversations by title and by the text of their questions and answers (any case, any Unicode form)", Handler: f.handleConversationSearch},
		{Method: "GET", Path: "/api/search", Access: api.Member,
			Summary: "search the caller's tenant's documents: passages with titles and download routes", Handler: f.handleSearch},
		{Method: "GET", Path: SearchToolPath, Access: api.N8N,
			Summary: "the search tool of n8n agents, with the per-answer token", Handler: f.handleToolSearch},
		{Method: "POST", Path: SearchToolPath, Access: api.N8N,
			Summary: "the search tool of n8n agents, with the per-answer token (query in a JSON body)", Handler: f.handleToolSearch},
		{Method: "GET", Path: PartsToolPath, Access: api.N8N,
			Summary: "the lookup_part tool of n8n agents: part cards from the tenant's price files, with the per-answer token", Handler: f.handleToolParts},
		{Method: "POST", Path: PartsToolPath, Access: api.N8N,
			Summary: "the lookup_part tool of n8n agents (query in a JSON body)", Handler: f.handleToolParts},
	}
}

// errShutdown ends the generations that run when the app terminates.
var errShutdown = errors.New("server shutting down")

// shutdown cancels every running generation and waits up to d for them to
// save how far they got.
func (f *feature) shutdown(d time.Duration) {
	f.cancel(errShutdown)
	done := make(chan struct{})
	go func() {
		f.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(d):
		f.app.Logger().Warn("chat: answers still saving at shutdown", "running", f.reg.count())
	}
}

// SearchToken mints a search-tool token as one answer gets it: for tenant,
// user and the answer message. Tests and tools use it; the gateway mints its
// own for every answer.
func SearchToken(app core.App, tenant, user, message string) (string, error) {
	f, ok := app.Store().Get(storeKey).(*feature)
	if !ok {
		return "", errors.New("chat feature not registered")
	}
	return f.tool.mint(tenant, user, message)
}

// Running reports how many answers are being generated in app.
func Running(app core.App) int {
	if f, ok := app.Store().Get(storeKey).(*feature); ok {
		return f.reg.count()
	}
	return 0
}

// findOwn loads a record of collection that the caller owns, or answers 404:
// another user's or tenant's record does not exist for the caller.
func findOwn(e *core.RequestEvent, collection, what string) (*core.Record, error) {
	r, err := e.App.FindRecordById(collection, e.Request.PathValue("id"))
	if err != nil || r.GetString("tenant") != e.Auth.GetString("tenant") || r.GetString("user") != e.Auth.Id {
		return nil, e.NotFoundError(fmt.Sprintf("This %s does not exist or was deleted.", what), nil)
	}
	return r, nil
}

// FailUnfinished marks answers left pending or streaming since before cutoff,
// and not running in this process, as failed with a retry, as the start-up
// clean-up and the watchdog do; it returns how many.
func FailUnfinished(app core.App, cutoff time.Time) (int, error) {
	f, ok := app.Store().Get(storeKey).(*feature)
	if !ok {
		return 0, errors.New("chat feature not registered")
	}
	return f.failUnfinished(cutoff)
}
