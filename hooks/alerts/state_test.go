package alerts

import (
	"testing"
	"time"
)

func TestStateMachine(t *testing.T) {
	t0 := time.Date(2026, 11, 29, 8, 0, 0, 0, time.UTC)
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	steps := []struct {
		minute int
		holds  bool
		want   action
	}{
		{0, false, none},
		{1, true, alert},     // starts to hold: mailed at once
		{2, true, none},      // still holds
		{60, true, none},     // 59 minutes after the alert
		{61, true, alert},    // an hour after the alert: reminded
		{62, false, cleared}, // clears
		{63, false, none},
		{70, true, none},   // back within the hour of the last alert: waits
		{75, false, none},  // an episode nobody was told about ends quietly
		{100, true, none},  // back again, still within the hour
		{121, true, alert}, // the hour has passed
		{122, false, cleared},
	}
	var s state
	for _, st := range steps {
		got := s.next(at(st.minute), st.holds)
		if got != st.want {
			t.Fatalf("minute %d (holds %v): %s, want %s", st.minute, st.holds, got, st.want)
		}
		s.commit(at(st.minute), st.holds, got)
	}
}

func TestStateKeepsAFailedMail(t *testing.T) {
	t0 := time.Date(2026, 11, 29, 8, 0, 0, 0, time.UTC)
	var s state
	if s.next(t0, true) != alert {
		t.Fatal("no alert")
	}
	// the mail failed: nothing is committed, the next minute tries again
	if s.next(t0.Add(time.Minute), true) != alert {
		t.Fatal("the alert is not retried")
	}
	s.commit(t0.Add(time.Minute), true, alert)
	if s.next(t0.Add(2*time.Minute), false) != cleared {
		t.Fatal("no all-clear")
	}
	// the all-clear failed: tried again
	if s.next(t0.Add(3*time.Minute), false) != cleared {
		t.Fatal("the all-clear is not retried")
	}
}
