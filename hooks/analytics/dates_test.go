package analytics

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseRange(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	// 23:30 UTC on 30 Nov is already 1 Dec in Berlin
	now := time.Date(2026, 11, 30, 23, 30, 0, 0, time.UTC)
	cases := []struct {
		name, from, to string
		loc            *time.Location
		wantFrom       string
		wantTo         string
		wantErr        string
	}{
		{"default is the last 30 days in the tenant's zone", "", "", berlin, "2026-11-02", "2026-12-01", ""},
		{"default in UTC", "", "", time.UTC, "2026-11-01", "2026-11-30", ""},
		{"explicit", "2026-01-01", "2026-01-31", time.UTC, "2026-01-01", "2026-01-31", ""},
		{"one day", "2026-01-01", "2026-01-01", time.UTC, "2026-01-01", "2026-01-01", ""},
		{"366 days", "2024-01-01", "2024-12-31", time.UTC, "2024-01-01", "2024-12-31", ""},
		{"ten years", "2016-01-01", "2026-01-01", time.UTC, "", "", "at most 366 days"},
		{"367 days", "2024-01-01", "2025-01-01", time.UTC, "", "", "at most 366 days"},
		{"reversed", "2026-02-01", "2026-01-01", time.UTC, "", "", "reversed"},
		{"malformed", "01/02/2026", "", time.UTC, "", "", "not a date"},
		{"not padded", "2026-1-1", "", time.UTC, "", "", "not a date"},
		{"no such day", "2026-02-30", "", time.UTC, "", "", "not a date"},
		{"injection", "2026-01-01' OR 1=1--", "", time.UTC, "", "", "not a date"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := parseRange(c.from, c.to, now, c.loc)
			if c.wantErr != "" {
				var re *RangeError
				if !errors.As(err, &re) || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err = %v, want a RangeError with %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.From() != c.wantFrom || r.To() != c.wantTo {
				t.Errorf("range %s..%s, want %s..%s", r.From(), r.To(), c.wantFrom, c.wantTo)
			}
		})
	}
}

func TestWholeMonths(t *testing.T) {
	d := func(s string) time.Time { v, _ := time.Parse(time.DateOnly, s); return v }
	cases := []struct {
		from, to    string
		first, last string
		rest        []string // from..to of each remaining part
	}{
		{"2026-01-01", "2026-01-31", "2026-01", "2026-01", nil},
		{"2026-01-15", "2026-03-10", "2026-02", "2026-02", []string{"2026-01-15..2026-01-31", "2026-03-01..2026-03-10"}},
		{"2025-11-30", "2026-11-29", "2025-12", "2026-10", []string{"2025-11-30..2025-11-30", "2026-11-01..2026-11-29"}},
		{"2026-01-02", "2026-01-31", "", "", []string{"2026-01-02..2026-01-31"}},
		{"2026-01-15", "2026-02-14", "", "", []string{"2026-01-15..2026-02-14"}},
		{"2024-02-01", "2024-02-29", "2024-02", "2024-02", nil},
		{"2026-03-01", "2026-04-03", "2026-03", "2026-03", []string{"2026-04-01..2026-04-03"}},
		{"2026-03-05", "2026-03-05", "", "", []string{"2026-03-05..2026-03-05"}},
	}
	for _, c := range cases {
		first, last, rest := dateRange{d(c.from), d(c.to)}.wholeMonths()
		var got []string
		for _, r := range rest {
			got = append(got, r.From()+".."+r.To())
		}
		if first != c.first || last != c.last || strings.Join(got, " ") != strings.Join(c.rest, " ") {
			t.Errorf("%s..%s: %q..%q and %v, want %q..%q and %v", c.from, c.to, first, last, got, c.first, c.last, c.rest)
		}
	}
}
