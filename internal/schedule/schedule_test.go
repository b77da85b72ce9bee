package schedule

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func utc(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestParseRefuses(t *testing.T) {
	cases := []struct{ expr, tz, want string }{
		{"every monday", "UTC", "expected exactly 5 fields"},
		{"CRON_TZ=Asia/Tokyo 0 7 * * *", "UTC", "time zone"},
		{"TZ=Asia/Tokyo 0 7 * * *", "UTC", "time zone"},
		{"0 7 * * *", "Mars/Olympus", "Mars/Olympus"},
		{"0 7 * * *", "Local", "Local"},
		{"", "UTC", "no schedule"},
	}
	for _, c := range cases {
		if _, err := Parse(c.expr, c.tz); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Parse(%q, %q) = %v, want an error containing %q", c.expr, c.tz, err, c.want)
		}
	}
}

// TestActivationsAcrossDST runs each schedule over days that hold a change
// of the clocks and checks every activation's instant.
func TestActivationsAcrossDST(t *testing.T) {
	cases := []struct {
		name, expr, tz string
		from, to       time.Time
		want           []string // UTC
	}{
		{"Berlin 07:00 across spring forward", "0 7 * * *", "Europe/Berlin", utc("2026-03-27 12:00"), utc("2026-03-30 12:00"),
			[]string{"2026-03-28 06:00", "2026-03-29 05:00", "2026-03-30 05:00"}},
		{"New York 06:30 across spring forward", "30 6 * * *", "America/New_York", utc("2026-03-07 00:00"), utc("2026-03-10 00:00"),
			[]string{"2026-03-07 11:30", "2026-03-08 10:30", "2026-03-09 10:30"}},
		{"Berlin 07:00 across fall back", "0 7 * * *", "Europe/Berlin", utc("2026-10-24 00:00"), utc("2026-10-27 00:00"),
			[]string{"2026-10-24 05:00", "2026-10-25 06:00", "2026-10-26 06:00"}},
		// 02:30 happens twice on 25 October: one report, at the first
		{"Berlin 02:30 runs once when the clocks go back", "30 2 * * *", "Europe/Berlin", utc("2026-10-24 00:00"), utc("2026-10-27 00:00"),
			[]string{"2026-10-24 00:30", "2026-10-25 00:30", "2026-10-26 01:30"}},
		// 02:30 does not exist on 29 March: no report that day (robfig/cron's rule)
		{"Berlin 02:30 skipped when the clocks go forward", "30 2 * * *", "Europe/Berlin", utc("2026-03-28 00:00"), utc("2026-03-31 00:00"),
			[]string{"2026-03-28 01:30", "2026-03-30 00:30"}},
		{"weekly on Monday in Tokyo", "0 8 * * 1", "Asia/Tokyo", utc("2026-03-01 00:00"), utc("2026-03-17 00:00"),
			[]string{"2026-03-01 23:00", "2026-03-08 23:00", "2026-03-15 23:00"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := Parse(c.expr, c.tz)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for at := s.Next(c.from); !at.After(c.to); at = s.Next(at) {
				got = append(got, at.UTC().Format("2006-01-02 15:04"))
			}
			if strings.Join(got, ", ") != strings.Join(c.want, ", ") {
				t.Errorf("activations %v, want %v", got, c.want)
			}
			if last := Latest(s, c.from, c.to); last.UTC().Format("2006-01-02 15:04") != c.want[len(c.want)-1] {
				t.Errorf("Latest = %v, want %s", last.UTC(), c.want[len(c.want)-1])
			}
		})
	}
}

func TestLatestWindow(t *testing.T) {
	s, _ := Parse("0 7 * * *", "UTC")
	cases := []struct {
		after, now time.Time
		want       string // "" = none
	}{
		{utc("2026-05-01 06:00"), utc("2026-05-01 06:59"), ""},
		{utc("2026-05-01 06:00"), utc("2026-05-01 07:00"), "2026-05-01 07:00"}, // the end is inclusive
		{utc("2026-05-01 07:00"), utc("2026-05-01 08:00"), ""},                 // the start is not
		{utc("2026-05-01 06:00"), utc("2026-05-04 06:00"), "2026-05-03 07:00"}, // missed runs collapse into the latest
	}
	for _, c := range cases {
		got := Latest(s, c.after, c.now)
		if (c.want == "" && !got.IsZero()) || (c.want != "" && got.UTC().Format("2006-01-02 15:04") != c.want) {
			t.Errorf("Latest(%v, %v) = %v, want %q", c.after, c.now, got, c.want)
		}
	}
}

func TestPeriod(t *testing.T) {
	cases := []struct {
		name, expr, tz string
		at             time.Time
		from, to       string
	}{
		{"daily covers yesterday", "0 7 * * *", "Europe/Berlin", utc("2026-03-29 05:00"), "2026-03-28", "2026-03-28"},
		{"weekly covers Monday to Sunday", "0 7 * * 1", "Europe/Berlin", utc("2026-03-30 05:00"), "2026-03-23", "2026-03-29"},
		{"monthly covers the previous month", "0 6 1 * *", "America/Chicago", utc("2026-03-01 12:00"), "2026-02-01", "2026-02-28"},
		{"local day, not UTC", "30 0 * * *", "Asia/Tokyo", utc("2026-06-09 15:30"), "2026-06-09", "2026-06-09"},
		{"more than once a day covers today", "0 */6 * * *", "UTC", utc("2026-06-10 12:00"), "2026-06-10", "2026-06-10"},
		{"yearly is capped at a year", "0 7 1 1 *", "UTC", utc("2027-01-01 07:00"), "2026-01-01", "2026-12-31"},
	}
	for _, c := range cases {
		s, err := Parse(c.expr, c.tz)
		if err != nil {
			t.Fatal(err)
		}
		loc, _ := time.LoadLocation(c.tz)
		from, to := Period(s, c.at, loc)
		if from.String() != c.from || to.String() != c.to {
			t.Errorf("%s: period %s..%s, want %s..%s", c.name, from, to, c.from, c.to)
		}
	}
}

func TestCheckRange(t *testing.T) {
	today, _ := ParseDate("2026-11-29")
	cases := []struct {
		name, from, to   string
		field            string // "" = accepted
		wantFrom, wantTo string
	}{
		{"defaults to this month so far", "", "", "", "2026-11-01", "2026-11-29"},
		{"from only runs to today", "2026-10-15", "", "", "2026-10-15", "2026-11-29"},
		{"to only starts on its first", "", "2026-09-20", "", "2026-09-01", "2026-09-20"},
		{"a whole year", "2025-11-30", "2026-11-29", "", "2025-11-30", "2026-11-29"},
		{"reversed", "2026-11-10", "2026-11-01", "from", "", ""},
		{"ten years", "2016-01-01", "2026-01-01", "from", "", ""},
		{"starts in the future", "2026-12-01", "2026-12-31", "from", "", ""},
		{"not a date", "yesterday", "", "from", "", ""},
		{"no such day", "", "2026-02-30", "to", "", ""},
	}
	for _, c := range cases {
		from, to, err := CheckRange(c.from, c.to, today)
		var re *RangeError
		switch {
		case c.field == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.field == "" && (from.String() != c.wantFrom || to.String() != c.wantTo):
			t.Errorf("%s: %s..%s, want %s..%s", c.name, from, to, c.wantFrom, c.wantTo)
		case c.field != "" && (!errors.As(err, &re) || re.Field != c.field):
			t.Errorf("%s: error %v, want one naming %q", c.name, err, c.field)
		}
	}
}

// BenchmarkLatestIdle is what RunDue pays per scheduled tenant at a check
// where the tenant is not due (the usual case): one Next, one comparison.
func BenchmarkLatestIdle(b *testing.B) {
	s, _ := Parse("0 7 * * 1", "Europe/Berlin")
	at := utc("2026-05-05 10:00")
	for b.Loop() {
		if !Latest(s, at, at.Add(time.Minute)).IsZero() {
			b.Fatal("due")
		}
	}
}

// BenchmarkPeriod is the period of a weekly report (a backwards search for the previous activation).
func BenchmarkPeriod(b *testing.B) {
	s, _ := Parse("0 7 * * 1", "Europe/Berlin")
	loc, _ := time.LoadLocation("Europe/Berlin")
	at := utc("2026-05-04 05:00")
	for b.Loop() {
		Period(s, at, loc)
	}
}
