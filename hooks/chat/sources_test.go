package chat_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"

	"counterpart/hooks/apptest"
	"counterpart/hooks/documents"
)

// germanPriceList is a Windows-1252, semicolon-separated dealer export with
// a title row and a blank row above the header and a blank row among the
// data rows. It returns the file and the spreadsheet row of the water pump
// (data row 418): row 1 is the title as Excel shows it, so the pump is on
// row 418 + 3 (title, blank, header) + 1 (the blank data row) = 422.
func germanPriceList(t *testing.T) ([]byte, int) {
	t.Helper()
	var b strings.Builder
	b.WriteString("Preisliste Autohaus Müller, Stand 03/2026;;;\n;;;\nTeilenummer;Bezeichnung;UPE;Marke\n")
	row, pump := 3, 0
	for i := 1; i <= 600; i++ {
		if i == 410 {
			b.WriteString("\n")
			row++
		}
		row++
		if i == 418 {
			b.WriteString("06H121026DD;Kühlmittelpumpe mit Thermostat;389,90;VW\n")
			pump = row
			continue
		}
		fmt.Fprintf(&b, "5Q0%06d;Bremsbeläge Satz %d;%d,50;VW\n", i, i, i)
	}
	data, err := charmap.Windows1252.NewEncoder().Bytes([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	return data, pump
}

// A source of a price-list passage names the matching row (not the first
// row of its passage), numbered as a spreadsheet shows it, and the rows
// route opens at that very row, decoded.
func TestSourceRowIsTheMatchingRow(t *testing.T) {
	t.Parallel()
	e := newEnv(t, opts{})
	data, pump := germanPriceList(t)
	if pump != 422 {
		t.Fatalf("the pump is on row %d", pump)
	}
	doc := apptest.Upload(t, e.srv, e.token, "preisliste.csv", "text/csv", data)
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		r, err := e.app.FindRecordById("documents", doc)
		if err != nil {
			t.Fatal(err)
		}
		if s := r.GetString("status"); s == "ready" {
			break
		} else if s == "failed" || time.Now().After(deadline) {
			t.Fatalf("document %s: %s", s, r.GetString("error"))
		}
	}
	conv := e.conversation(t, "member@smith.example")
	for _, q := range []string{"Was kostet die Kühlmittelpumpe?", "Preis 06H 121 026 DD"} {
		res := apptest.Do(t, e.srv, "POST", sendPath(conv), e.token, map[string]any{"content": q})
		if res.Status != 200 {
			t.Fatalf("%d %s", res.Status, res.Body)
		}
		ans := res.JSON["answer"].(map[string]any)
		srcs, _ := ans["sources"].([]any)
		i := slices.IndexFunc(srcs, func(s any) bool { return s.(map[string]any)["document"] == doc })
		if i < 0 {
			t.Fatalf("%q: no source of the price list: %v", q, srcs)
		}
		src := srcs[i].(map[string]any)
		if got := int(src["row"].(float64)); got != pump {
			t.Errorf("%q: the source says row %d, the pump is on row %d; snippet:\n%s", q, got, pump, src["snippet"])
		}
		if content := ans["content"].(string); !strings.Contains(content, fmt.Sprintf("row %d", pump)) {
			t.Errorf("%q: the answer does not cite row %d:\n%s", q, pump, content)
		}
	}
	res := apptest.Do(t, e.srv, "GET", fmt.Sprintf("%s?row=%d&context=3", documents.RowsRoute(doc), pump), e.token, nil)
	if res.Status != 200 || res.JSON["found"] != true || res.JSON["header_row"] != 3.0 {
		t.Fatalf("rows: %d %s", res.Status, res.Body)
	}
	for _, r := range res.JSON["rows"].([]any) {
		r := r.(map[string]any)
		cells := r["cells"].([]any)
		if int(r["row"].(float64)) == pump && cells[1] != "Kühlmittelpumpe mit Thermostat" {
			t.Errorf("row %d of the file is %v", pump, cells)
		}
	}
}
