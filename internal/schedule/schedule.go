// Package schedule is the calendar arithmetic of scheduled reports: a tenant's
// cron expression read in its time zone, which activations fell in a window
// of time, and which calendar days a report covers. Plain functions over
// robfig/cron schedules, so that they are tested without an app or a clock.
package schedule

import (
	"errors"
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // IANA zones even on servers without /usr/share/zoneinfo

	"github.com/robfig/cron/v3"
)

// DateLayout is how report periods are written: a calendar date, YYYY-MM-DD.
const DateLayout = "2006-01-02"

// MaxRangeDays is the longest period a report may cover, in days.
const MaxRangeDays = 366

// lookBack bounds how far back Latest and Previous search: a yearly schedule
// is the sparsest a cron expression can express (Feb 29 aside).
const lookBack = 400 * 24 * time.Hour

// Spec is the robfig/cron spec of a tenant's schedule: the expression
// prefixed with CRON_TZ=<zone>, so that it runs at the tenant's local time.
func Spec(expr, tz string) string {
	if tz == "" {
		tz = "UTC"
	}
	return "CRON_TZ=" + tz + " " + strings.TrimSpace(expr)
}

// Parse reads a tenant's schedule (a 5-field cron expression or a descriptor
// such as @weekly) in the time zone tz. A TZ= or CRON_TZ= prefix in expr is
// refused: the zone is the tenant's timezone setting, and only there.
func Parse(expr, tz string) (cron.Schedule, error) {
	expr = strings.TrimSpace(expr)
	if expr == "" {
		return nil, errors.New("no schedule")
	}
	if strings.HasPrefix(expr, "TZ=") || strings.HasPrefix(expr, "CRON_TZ=") {
		return nil, fmt.Errorf("%q names a time zone; set the tenant's time zone instead and leave it out of the schedule", expr)
	}
	if tz == "Local" {
		return nil, errors.New(`time zone "Local" depends on the server; name an IANA zone`)
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, fmt.Errorf("time zone %q: %w", tz, err)
	}
	s, err := cron.ParseStandard(Spec(expr, tz))
	if err != nil {
		return nil, err
	}
	return onceADay{s, loc}, nil
}

// onceADay keeps robfig/cron from running a local time twice on the night
// the clocks go back (02:30 exists twice then, and cron would run at both).
// A time the clocks skip in spring does not run that day: cron's own rule.
type onceADay struct {
	cron.Schedule
	loc *time.Location
}

// Next returns the next activation after t, passing over the repeat of a
// wall-clock time that has already run an hour (or the shift) earlier.
func (o onceADay) Next(t time.Time) time.Time {
	n := o.Schedule.Next(t)
	for i := 0; i < 4 && !n.IsZero() && o.repeats(n); i++ {
		n = o.Schedule.Next(n)
	}
	return n
}

// repeats reports whether the wall-clock time of n already ran earlier the
// same night, before the clocks went back.
func (o onceADay) repeats(n time.Time) bool {
	_, offNow := n.In(o.loc).Zone()
	_, offBefore := n.Add(-3 * time.Hour).In(o.loc).Zone()
	shift := time.Duration(offBefore-offNow) * time.Second
	if shift <= 0 {
		return false
	}
	earlier := n.Add(-shift)
	wall := func(t time.Time) string { return t.In(o.loc).Format("2006-01-02 15:04:05") }
	return wall(earlier) == wall(n) && o.Schedule.Next(earlier.Add(-time.Second)).Equal(earlier)
}

// Latest returns the last activation of s in (after, now], the zero time
// when there was none. Activations missed long ago (more than lookBack) are
// not searched.
func Latest(s cron.Schedule, after, now time.Time) time.Time {
	if floor := now.Add(-lookBack); after.Before(floor) {
		after = floor
	}
	var last time.Time
	for t := s.Next(after); !t.IsZero() && !t.After(now); t = s.Next(t) {
		last = t
	}
	return last
}

// Previous returns the activation of s just before at, the zero time when
// there was none within lookBack.
func Previous(s cron.Schedule, at time.Time) time.Time {
	// widen the window until it holds an activation; dense schedules stop early
	for _, w := range []time.Duration{2 * time.Hour, 50 * time.Hour, 8 * 24 * time.Hour, 32 * 24 * time.Hour, lookBack} {
		if t := Latest(s, at.Add(-w), at.Add(-time.Nanosecond)); !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

// Date is a calendar day, independent of time zones.
type Date struct{ t time.Time }

// DateOf returns the calendar day t falls on in loc.
func DateOf(t time.Time, loc *time.Location) Date {
	y, m, d := t.In(loc).Date()
	return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// ParseDate reads YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date; write it as YYYY-MM-DD", s)
	}
	return Date{t}, nil
}

// String is YYYY-MM-DD.
func (d Date) String() string { return d.t.Format(DateLayout) }

// AddDays returns the day n days later (earlier when n < 0).
func (d Date) AddDays(n int) Date { return Date{d.t.AddDate(0, 0, n)} }

// FirstOfMonth returns the first day of d's month.
func (d Date) FirstOfMonth() Date { return Date{d.t.AddDate(0, 0, 1-d.t.Day())} }

// After reports whether d is a later day than o.
func (d Date) After(o Date) bool { return d.t.After(o.t) }

// DaysSince is how many days lie between o and d (d - o).
func (d Date) DaysSince(o Date) int { return int(d.t.Sub(o.t).Hours() / 24) }

// Period returns the days a scheduled report covers when s activates at at,
// in the tenant's zone loc: from the day of the previous activation up to
// and including yesterday. Consecutive reports therefore tile the calendar
// without gaps or overlap: a daily report covers yesterday, a Monday report
// the previous Monday to Sunday, a report on the 1st the previous month. A
// schedule that runs more than once a day covers today so far.
func Period(s cron.Schedule, at time.Time, loc *time.Location) (from, to Date) {
	today := DateOf(at, loc)
	to = today.AddDays(-1)
	prev := Previous(s, at)
	if prev.IsZero() {
		return to, to
	}
	from = DateOf(prev, loc)
	if from.After(to) {
		return today, today
	}
	if to.DaysSince(from) >= MaxRangeDays {
		from = to.AddDays(1 - MaxRangeDays)
	}
	return from, to
}

// RangeError is a requested period that cannot be reported on; Field names
// the request field at fault ("from" or "to").
type RangeError struct {
	Field, Message string
}

func (e *RangeError) Error() string { return e.Field + ": " + e.Message }

// CheckRange reads a requested period. An empty to means today; an empty
// from means the first day of to's month. The period must not be reversed,
// start after today, or span more than MaxRangeDays.
func CheckRange(fromStr, toStr string, today Date) (from, to Date, err error) {
	to = today
	if toStr != "" {
		if to, err = ParseDate(toStr); err != nil {
			return from, to, &RangeError{"to", err.Error()}
		}
	}
	from = to.FirstOfMonth()
	if fromStr != "" {
		if from, err = ParseDate(fromStr); err != nil {
			return from, to, &RangeError{"from", err.Error()}
		}
	}
	switch {
	case from.After(to):
		return from, to, &RangeError{"from", fmt.Sprintf("the period starts (%s) after it ends (%s); swap the dates", from, to)}
	case from.After(today):
		return from, to, &RangeError{"from", fmt.Sprintf("the period starts in the future (%s); today is %s", from, today)}
	case to.DaysSince(from)+1 > MaxRangeDays:
		return from, to, &RangeError{"from", fmt.Sprintf("the period spans %d days; a report covers at most %d days", to.DaysSince(from)+1, MaxRangeDays)}
	}
	return from, to, nil
}
