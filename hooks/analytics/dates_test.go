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
