package documents_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"golang.org/x/text/encoding/charmap"

	"counterpart/hooks/apptest"
	"counterpart/hooks/documents"
	"counterpart/internal/blob"
)

// rowsPriceList is a Windows-1252 export with a title row above the
// header: the title is row 1, the header row 2, data from row 3.
const rowsPriceList = "Preisliste 2026;;\nTeilenummer;Bezeichnung;UPE\n" +
	"06H121026DD;Kühlmittelpumpe;389,90\n" +
	"1K0698151A;Bremsbelagsatz vorn;89,50\n" +
	"04E115561H;Ölfilter;12,40\n"

// storeDocument stores body as a ready document of the tenant of email,
// as processing leaves it.
func storeDocument(t *testing.T, app core.App, email, name, contentType string, body []byte) *core.Record {
	t.Helper()
	u, err := app.FindAuthRecordByEmail("users", email)
	if err != nil {
		t.Fatal(err)
	}
	col, err := app.FindCollectionByNameOrId(documents.Collection)
	if err != nil {
		t.Fatal(err)
	}
	doc := core.NewRecord(col)
	doc.Id = core.GenerateDefaultRandomId()
	key, err := blob.DocumentKey(u.GetString("tenant"), doc.Id, name)
	if err != nil {
		t.Fatal(err)
	}
	if err := documents.StoreOf(app).Put(t.Context(), key, strings.NewReader(string(body)), int64(len(body)), contentType); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]any{"tenant": u.GetString("tenant"), "uploaded_by": u.Id, "filename": name, "title": "",
		"content_type": contentType, "size": len(body), "storage_key": key, "status": documents.StatusReady} {
		doc.Set(k, v)
	}
	if err := app.Save(doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestRowsRoute(t *testing.T) {
	e := newEnv(t, nil)
	csv, err := charmap.Windows1252.NewEncoder().Bytes([]byte(rowsPriceList))
	if err != nil {
		t.Fatal(err)
	}
	list := storeDocument(t, e.app, "admin@smith.example", "preisliste.csv", "text/csv", csv)
	pdf := storeDocument(t, e.app, "admin@smith.example", "bulletin.pdf", "application/pdf", []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"))
	pending := storeDocument(t, e.app, "admin@smith.example", "neu.csv", "text/csv", csv)
	pending.Set("status", documents.StatusPendingUpload)
	if err := e.app.Save(pending); err != nil {
		t.Fatal(err)
	}
	member := apptest.Token(t, e.app, "member@smith.example")
	tests := []struct {
		name, token, path string
		status            int
		says              string // in the body
	}{
		{"the row and its neighbours, decoded", member, "?row=3&context=1", 200, `"cells":["06H121026DD","Kühlmittelpumpe","389,90"]`},
		{"the header and the title row", member, "?row=3", 200, `"header_row":2,"header":["Teilenummer","Bezeichnung","UPE"],"titles":[{"row":1,"cells":["Preisliste 2026"]}]`},
		{"the matching row is found", member, "?row=4", 200, `"row":4,"found":true`},
		{"no row", member, "", 400, "Say which row to show"},
		{"not a number", member, "?row=abc", 400, `\"abc\" is not one`},
		{"row 0", member, "?row=0", 400, "1 or more"},
		{"a negative context", member, "?row=3&context=-2", 400, "how many rows to show"},
		{"past the end", member, "?row=406", 400, "Row 406 is past the end of the file: its last row is 5."},
		{"a PDF has no rows", member, "?row=3", 400, "not a table"},
		{"not uploaded yet", member, "?row=3", 409, "not been uploaded completely"},
		{"another tenant's document does not exist", apptest.Token(t, e.app, "admin@jones.example"), "?row=3", 404, "does not exist"},
		{"a guest", "", "?row=3", 401, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := list.Id
			switch {
			case strings.Contains(tt.name, "PDF"):
				doc = pdf.Id
			case strings.Contains(tt.name, "not uploaded"):
				doc = pending.Id
			}
			res := apptest.Do(t, e.srv, "GET", documents.RowsRoute(doc)+tt.path, tt.token, nil)
			if res.Status != tt.status || !strings.Contains(string(res.Body), tt.says) {
				t.Errorf("%d %s, want %d saying %s", res.Status, res.Body, tt.status, tt.says)
			}
			if res.Status == 200 && strings.Contains(string(res.Body), "\ufffd") {
				t.Errorf("undecoded bytes: %s", res.Body)
			}
		})
	}
	// the window is bounded whatever is asked
	var b strings.Builder
	b.WriteString("Teilenummer;UPE\n")
	for i := range 2000 {
		fmt.Fprintf(&b, "P%05d;%d,00\n", i, i)
	}
	big := storeDocument(t, e.app, "member@smith.example", "gross.csv", "text/csv", []byte(b.String()))
	res := apptest.Do(t, e.srv, "GET", documents.RowsRoute(big.Id)+"?row=1000&context=100000", member, nil)
	if rows, _ := res.JSON["rows"].([]any); res.Status != 200 || len(rows) != 101 {
		t.Errorf("a context of 100000: %d, %d rows", res.Status, len(rows))
	}
}
