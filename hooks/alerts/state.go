package alerts

import "time"

// action is what an evaluation mails for one condition.
type action int

const (
	none action = iota
	alert
	cleared
)

func (a action) String() string {
	switch a {
	case alert:
		return "alert"
	case cleared:
		return "all-clear"
	}
	return "nothing"
}

// state is one condition's memory between evaluations.
type state struct {
	// active says the condition held at the last evaluation.
	active bool
	// notified says an alert went out during the current episode, so that
	// its end deserves an all-clear.
	notified bool
	// lastAlert is when the last alert mail went out.
	lastAlert time.Time
}

// next decides what to mail now: an alert when the condition holds and no
// alert went out within Repeat (also when it came back soon after clearing:
// that waits for the hour), an all-clear when an episode that was mailed ends.
func (s *state) next(now time.Time, holds bool) action {
	switch {
	case holds && (s.lastAlert.IsZero() || now.Sub(s.lastAlert) >= Repeat):
		return alert
	case !holds && s.active && s.notified:
		return cleared
	}
	return none
}

// commit records an evaluation once its mail, if any, went out.
func (s *state) commit(now time.Time, holds bool, a action) {
	if holds && !s.active {
		s.notified = false // a new episode
	}
	switch a {
	case alert:
		s.lastAlert, s.notified = now, true
	case cleared:
		s.notified = false
	}
	s.active = holds
}
