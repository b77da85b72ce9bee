package n8n

import (
	"sync"
	"time"
)

// DefaultReplayCapacity is the number of unexpired tokens a ReplayCache from
// NewReplayCache(0) remembers. With lifetimes of at most MaxLifetime it allows
// well over a hundred callbacks a second.
const DefaultReplayCapacity = 100_000

// replaySweepInterval is how often Use drops expired entries.
const replaySweepInterval = time.Minute

// ReplayCache remembers tokens already used until they expire, so that a
// token is accepted at most once. It is in memory: a restart forgets it, which
// reopens at most the remaining lifetime of tokens seen before the restart.
// It is safe for concurrent use; the zero value has DefaultReplayCapacity.
type ReplayCache struct {
	mu        sync.Mutex
	seen      map[string]time.Time // key → forget after
	max       int
	lastSweep time.Time
}

// NewReplayCache returns a cache remembering at most capacity unexpired
// tokens; capacity <= 0 means DefaultReplayCapacity.
func NewReplayCache(capacity int) *ReplayCache {
	return &ReplayCache{max: capacity}
}

// Use records key as used until forgetAfter and returns nil, or returns
// ErrTokenReplayed when key is already recorded and not yet forgotten at now.
// Expired entries are swept every minute and whenever the cache is full; when
// it is still full, Use returns ErrReplayCacheFull (it never evicts a live
// entry, as that would allow a replay).
func (c *ReplayCache) Use(key string, forgetAfter, now time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen == nil {
		c.seen = make(map[string]time.Time)
	}
	limit := c.max
	if limit <= 0 {
		limit = DefaultReplayCapacity
	}
	if now.Sub(c.lastSweep) >= replaySweepInterval || now.Before(c.lastSweep) || len(c.seen) >= limit {
		c.sweep(now)
	}
	if until, ok := c.seen[key]; ok && now.Before(until) {
		return tokenErr(ErrTokenReplayed, "seen before")
	}
	if len(c.seen) >= limit {
		return tokenErr(ErrReplayCacheFull, "replay cache full")
	}
	c.seen[key] = forgetAfter
	return nil
}

// Len returns the number of entries, including expired ones not yet swept.
func (c *ReplayCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.seen)
}

func (c *ReplayCache) sweep(now time.Time) {
	for k, until := range c.seen {
		if !now.Before(until) {
			delete(c.seen, k)
		}
	}
	c.lastSweep = now
}
