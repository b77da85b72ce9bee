package reports

import "time"

// SetClock makes the service read the time from now and restarts every
// schedule's check window at now, so that a test can step the clock freely.
func (s *Service) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
	for _, e := range s.entries {
		e.restart(now())
	}
}

// SetSources replaces the report's content functions.
func (s *Service) SetSources(csv UsageCSVFunc, sum SummaryFunc) {
	s.depsMu.Lock()
	defer s.depsMu.Unlock()
	s.deps.UsageCSV, s.deps.Summary = csv, sum
}

// Skips is how many scheduled activations were skipped because the previous run was still going.
func (s *Service) Skips() int64 { return s.skips.Load() }
