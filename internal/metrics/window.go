package metrics

import (
	"sync"
	"time"
)

// MaxWindow is the longest span a Window answers for.
const MaxWindow = 6 * time.Hour

const windowSlots = int(MaxWindow / time.Minute)

// Window counts calls and failures per minute over the last MaxWindow, so
// that an alert can ask for the failure rate over the last few minutes
// without keeping every call. The zero value is ready to use.
type Window struct {
	mu    sync.Mutex
	slots [windowSlots]windowSlot
}

type windowSlot struct {
	minute   int64 // Unix minute the counts belong to
	calls    int
	failures int
}

// Record counts one call at t, failed or not.
func (w *Window) Record(t time.Time, failed bool) {
	m := t.Unix() / 60
	w.mu.Lock()
	defer w.mu.Unlock()
	s := &w.slots[m%int64(windowSlots)]
	if s.minute != m {
		*s = windowSlot{minute: m}
	}
	s.calls++
	if failed {
		s.failures++
	}
}

// Totals returns the calls and failures recorded in the span (now-span, now],
// counted in whole minutes: the current minute and the span's earlier ones.
func (w *Window) Totals(now time.Time, span time.Duration) (calls, failures int) {
	span = min(max(span, time.Minute), MaxWindow)
	last := now.Unix() / 60
	first := last - int64(span/time.Minute) + 1
	w.mu.Lock()
	defer w.mu.Unlock()
	for i := range w.slots {
		s := &w.slots[i]
		if s.minute >= first && s.minute <= last {
			calls += s.calls
			failures += s.failures
		}
	}
	return calls, failures
}
