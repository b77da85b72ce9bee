package analytics

import (
	"fmt"
	"time"
)

// Range limits.
const (
	// DefaultDays is the length of the range when none is given: the last 30 days, today included.
	DefaultDays = 30
	// MaxDays is the longest range one request may ask for.
	MaxDays = 366
)

// RangeError is a date range a person has to correct; handlers answer it with 400.
type RangeError struct{ Msg string }

func (e *RangeError) Error() string { return e.Msg }

// dateRange is an inclusive range of local days.
type dateRange struct {
	from, to time.Time // midnight UTC of each day; only the date matters
}

func (r dateRange) From() string { return r.from.Format(time.DateOnly) }
func (r dateRange) To() string   { return r.to.Format(time.DateOnly) }

// days lists every day of the range.
func (r dateRange) days() []string {
	var out []string
	for d := r.from; !d.After(r.to); d = d.AddDate(0, 0, 1) {
		out = append(out, d.Format(time.DateOnly))
	}
	return out
}

// bounds returns the instants the range covers in loc: [start of from, start of the day after to).
func (r dateRange) bounds(loc *time.Location) (start, end time.Time) {
	start = time.Date(r.from.Year(), r.from.Month(), r.from.Day(), 0, 0, 0, 0, loc)
	end = time.Date(r.to.Year(), r.to.Month(), r.to.Day(), 0, 0, 0, 0, loc).AddDate(0, 0, 1)
	return start, end
}

// parseRange reads from and to (YYYY-MM-DD, inclusive, in loc). A missing to
// is today in loc; a missing from is DefaultDays days up to to.
func parseRange(from, to string, now time.Time, loc *time.Location) (dateRange, error) {
	var r dateRange
	var err error
	if to == "" {
		t := now.In(loc)
		r.to = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	} else if r.to, err = parseDay("to", to); err != nil {
		return r, err
	}
	if from == "" {
		r.from = r.to.AddDate(0, 0, -(DefaultDays - 1))
	} else if r.from, err = parseDay("from", from); err != nil {
		return r, err
	}
	if r.from.After(r.to) {
		return r, &RangeError{fmt.Sprintf("The range is reversed: from (%s) is after to (%s); swap them.", r.From(), r.To())}
	}
	if n := int(r.to.Sub(r.from).Hours()/24) + 1; n > MaxDays {
		return r, &RangeError{fmt.Sprintf("The range %s to %s spans %d days; ask for at most %d days at a time.", r.From(), r.To(), n, MaxDays)}
	}
	return r, nil
}

func parseDay(name, s string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil || len(s) != len(time.DateOnly) {
		return t, &RangeError{fmt.Sprintf("%s = %q is not a date; use YYYY-MM-DD, e.g. 2026-11-01.", name, s)}
	}
	return t, nil
}

// wholeMonths splits the range into the calendar months it covers entirely
// (first and last as YYYY-MM, both "" when there is none) and the days
// before and after them (zero, one or two ranges; the whole range when no
// month is covered entirely).
func (r dateRange) wholeMonths() (first, last string, rest []dateRange) {
	start := time.Date(r.from.Year(), r.from.Month(), 1, 0, 0, 0, 0, time.UTC)
	if !start.Equal(r.from) {
		start = start.AddDate(0, 1, 0)
	}
	end := time.Date(r.to.Year(), r.to.Month(), 1, 0, 0, 0, 0, time.UTC) // the month after the last whole one
	if r.to.AddDate(0, 0, 1).Day() == 1 {
		end = end.AddDate(0, 1, 0)
	}
	if !start.Before(end) {
		return "", "", []dateRange{r}
	}
	if r.from.Before(start) {
		rest = append(rest, dateRange{from: r.from, to: start.AddDate(0, 0, -1)})
	}
	if end.Before(r.to) || end.Equal(r.to) {
		rest = append(rest, dateRange{from: end, to: r.to})
	}
	return start.Format("2006-01"), end.AddDate(0, -1, 0).Format("2006-01"), rest
}
