package textcut

import (
	"testing"
	"unicode/utf8"
)

func TestTruncateAndClip(t *testing.T) {
	cases := []struct {
		in        string
		n         int
		truncated string
		clipped   string
	}{
		{"Ölfilter", 20, "Ölfilter", "Ölfilter"},
		{"Ölfilter", 1, "", "…"},
		{"Ölfilter", 2, "Ö", "Ö…"},
		{"abc", 0, "", "…"},
		{"abc", -1, "", "…"},
		{"", 3, "", ""},
	}
	for _, c := range cases {
		if got := Truncate(c.in, c.n); got != c.truncated || !utf8.ValidString(got) {
			t.Errorf("Truncate(%q, %d) = %q, want %q", c.in, c.n, got, c.truncated)
		}
		if got := Clip(c.in, c.n); got != c.clipped {
			t.Errorf("Clip(%q, %d) = %q, want %q", c.in, c.n, got, c.clipped)
		}
	}
}
