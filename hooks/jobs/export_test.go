package jobs

// Backoff exposes backoff to the tests.
var Backoff = backoff

// Sweep runs the periodic sweep once.
func (q *Queue) Sweep() error { return q.sweep() }
