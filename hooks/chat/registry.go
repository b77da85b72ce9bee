package chat

import (
	"counterpart/hooks/parts"

	"context"
	"errors"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/pocketbase/pocketbase/core"

	"counterpart/internal/search"
)

// Reasons a generation could not start.
var (
	errUserBusy    = errors.New("too many answers of this user in flight")
	errTenantBusy  = errors.New("too many answers of this tenant in flight")
	errAlreadyLive = errors.New("this answer is being generated already")
)

// Causes that end a generation early.
var (
	errStopped = errors.New("stopped by the user")
	errDeleted = errors.New("conversation deleted")
)

// registry holds the generations running in this process, by answer id, and
// counts them per user and tenant for the in-flight limits.
type registry struct {
	mu      sync.Mutex
	gens    map[string]*generation
	users   map[string]int
	tenants map[string]int
}

func newRegistry() *registry {
	return &registry{gens: map[string]*generation{}, users: map[string]int{}, tenants: map[string]int{}}
}

// add registers g unless a limit is reached or its answer runs already.
func (r *registry) add(g *generation, perUser, perTenant int) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case r.gens[g.id] != nil:
		return errAlreadyLive
	case r.users[g.user] >= perUser:
		return errUserBusy
	case r.tenants[g.tenant] >= perTenant:
		return errTenantBusy
	}
	r.gens[g.id] = g
	r.users[g.user]++
	r.tenants[g.tenant]++
	return nil
}

// remove unregisters g and frees its slots.
func (r *registry) remove(g *generation) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.gens[g.id] != g {
		return
	}
	delete(r.gens, g.id)
	if r.users[g.user]--; r.users[g.user] <= 0 {
		delete(r.users, g.user)
	}
	if r.tenants[g.tenant]--; r.tenants[g.tenant] <= 0 {
		delete(r.tenants, g.tenant)
	}
}

func (r *registry) get(id string) *generation {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.gens[id]
}

func (r *registry) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.gens)
}

// cancelConversation ends the generations of a conversation with cause.
func (r *registry) cancelConversation(conversation string, cause error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, g := range r.gens {
		if g.conversation == conversation {
			g.cancel(cause)
		}
	}
}

// maxRecorded bounds the passages remembered for one answer's sources.
const maxRecorded = 50

// generation is one answer being produced. The run goroutine appends text;
// any number of subscribers (the SSE response of the request that started
// it) read what is new when woken. Nothing a subscriber does can block the
// run: a slow reader gets the text that accumulated since, in one delta.
type generation struct {
	id, tenant, user, conversation string
	question                       *core.Record
	started                        time.Time
	ask                            askContext
	// answerCreated is the answer's created date: the history ends before it
	answerCreated string
	// prep delivers the webhook request body (see prepare)
	prep chan prepared

	ctx    context.Context
	cancel context.CancelCauseFunc
	// done is closed once the final state is saved (or could not be).
	done chan struct{}

	// owned by the run goroutine
	runes      int
	firstToken time.Time

	mu       sync.Mutex
	text     strings.Builder
	recorded []search.Passage
	// parts are the part cards the parts tool returned for this answer
	parts    []parts.Match
	subs     map[chan struct{}]struct{}
	finished bool
	final    *core.Record
}

func newGeneration(parent context.Context, id, tenant, user, conversation string, question *core.Record, started time.Time) *generation {
	g := &generation{id: id, tenant: tenant, user: user, conversation: conversation, question: question,
		started: started, done: make(chan struct{}), subs: map[chan struct{}]struct{}{}}
	g.ctx, g.cancel = context.WithCancelCause(parent)
	return g
}

// add appends a text delta and wakes the subscribers; it refuses a delta
// that would make the answer longer than the content field holds.
func (g *generation) add(s string) error {
	if s == "" {
		return nil
	}
	n := utf8.RuneCountInString(s)
	if g.runes+n > maxContentRunes {
		return errTooLong
	}
	g.runes += n
	if g.firstToken.IsZero() {
		g.firstToken = time.Now()
	}
	g.mu.Lock()
	g.text.WriteString(s)
	g.wakeLocked()
	g.mu.Unlock()
	return nil
}

func (g *generation) wakeLocked() {
	for ch := range g.subs {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// textSoFar is the answer's text as it stands.
func (g *generation) textSoFar() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.text.String()
}

// read returns the text after the first from bytes and whether the answer
// is finished, with its final record (nil if it could not be saved).
func (g *generation) read(from int) (delta string, finished bool, final *core.Record) {
	g.mu.Lock()
	defer g.mu.Unlock()
	// a Builder only appends: the string it returns never changes
	return g.text.String()[from:], g.finished, g.final
}

// subscribe returns a channel that is signalled after each change.
func (g *generation) subscribe() (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	g.mu.Lock()
	g.subs[ch] = struct{}{}
	g.mu.Unlock()
	return ch, func() {
		g.mu.Lock()
		delete(g.subs, ch)
		g.mu.Unlock()
	}
}

// record remembers passages the search tool returned for this answer.
func (g *generation) record(ps []search.Passage) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, p := range ps {
		if len(g.recorded) >= maxRecorded {
			return
		}
		g.recorded = append(g.recorded, p)
	}
}

func (g *generation) recordedPassages() []search.Passage {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]search.Passage(nil), g.recorded...)
}

// recordParts remembers the part matches the parts tool returned, once each.
func (g *generation) recordParts(ms []parts.Match) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.parts = mergeParts(g.parts, ms)
}

func (g *generation) recordedParts() []parts.Match {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]parts.Match(nil), g.parts...)
}

// finish publishes the final record (nil when it could not be saved) and
// releases whoever waits.
func (g *generation) finish(final *core.Record) {
	g.mu.Lock()
	g.finished, g.final = true, final
	g.wakeLocked()
	g.mu.Unlock()
	close(g.done)
}
