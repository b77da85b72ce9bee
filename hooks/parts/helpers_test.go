package parts_test

import (
	"bytes"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"golang.org/x/text/encoding/charmap"

	"counterpart/hooks/apptest"
	"counterpart/hooks/parts"
	"counterpart/internal/config"
)

type env struct {
	app   core.App
	srv   *httptest.Server
	token string // tenant A's (Smith Motors) admin
}

func newEnv(t *testing.T) env {
	t.Helper()
	return newEnvWith(t, apptest.Config())
}

// newEnvWith serves an app with cfg (e.g. the S3 store).
func newEnvWith(t *testing.T, cfg *config.Config) env {
	t.Helper()
	cfg.Jobs.Backoff = 10 * time.Millisecond
	app := apptest.New(t, cfg)
	return env{app: app, srv: apptest.Serve(t, app), token: apptest.Token(t, app, "admin@smith.example")}
}

// upload runs the browser's upload flow for a price file and waits for its import.
func (e env) upload(t *testing.T, token, name, category string, body []byte) (doc string, imp *core.Record) {
	t.Helper()
	typ := "text/csv"
	if strings.HasSuffix(name, ".xlsx") {
		typ = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	doc = apptest.UploadAs(t, e.srv, token, name, typ, category, body)
	return doc, e.waitImport(t, doc, 0)
}

// waitImport waits until the document has more than after finished imports
// and returns the newest.
func (e env) waitImport(t *testing.T, doc string, after int) *core.Record {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		recs, err := e.app.FindRecordsByFilter(parts.Imports, "document = {:d} && status != 'running'", "-created", 0, 0, dbx.Params{"d": doc})
		if err == nil && len(recs) > after {
			return recs[0]
		}
		if d, err := e.app.FindRecordById("documents", doc); err == nil && d.GetString("status") == "failed" {
			t.Fatalf("document failed: %s", d.GetString("error"))
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no import of %s finished", doc)
	return nil
}

func (e env) lookup(t *testing.T, token, q string) parts.Result {
	t.Helper()
	res := apptest.Do(t, e.srv, "GET", "/api/parts/lookup?q="+urlQuery(q), token, nil)
	if res.Status != 200 {
		t.Fatalf("lookup %q: %d %s", q, res.Status, res.Body)
	}
	var out parts.Result
	mustJSON(t, res.Body, &out)
	return out
}

func win1252(t testing.TB, s string) []byte {
	t.Helper()
	b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// germanPriceFile is a dealer's semicolon price list as Windows-1252, with
// comma decimals, a title line, umlauts and supersessions.
const germanPriceFile = `Preisliste Autohaus Schmidt, gültig ab 01.01.2026
Teilenummer;Marke;Bezeichnung;UPE;HEK;Pfand;VPE;Ersetzt durch
1K0 698 151 A;VW;Bremsbelagsatz vorn;89,50 €;61,20 €;;1;
34116794300;BMW;Bremsscheibe belüftet;852,50;610,00;;2;34116858652
34116858652;BMW;Bremsscheibe belüftet, Nachfolger;1.234,56 €;900,00 €;;2;
A 000 420 47 20;Mercedes-Benz;Bremsbeläge hinten;145,00;101,50;;1;
12317501677;BMW;Lichtmaschine AT;480,00;350,00;120,00;1;
N 910 143 02;VW;Schraube Öl-Ablass;2,35;1,10;;10;
04152-YZZA6;Toyota;Ölfilter;12,40;8,10;;1;
0 986 494 104;Bosch;Bremsbelagsatz;54,90;38,00;;1;
11111111111;BMW;Teil A (Schleife);10,00;7,00;;1;22222222222
22222222222;BMW;Teil B (Schleife);11,00;7,50;;1;11111111111
33333333333;BMW;Auslaufteil;20,00;14,00;;1;44444444444
`

// chainFile is a chain of n links A0 → A1 → … → An (BMW numbers).
func chainFile(n int) []byte {
	var b bytes.Buffer
	b.WriteString("Part Number,Brand,Description,List price,Superseded by\n")
	for i := 0; i <= n; i++ {
		next := ""
		if i < n {
			next = fmt.Sprintf("%011d", 51100000000+i+1)
		}
		fmt.Fprintf(&b, "%011d,BMW,Link %d,%d.00,%s\n", 51100000000+i, i, 100+i, next)
	}
	return b.Bytes()
}

func urlQuery(q string) string {
	return strings.NewReplacer(" ", "+", "?", "%3F", "&", "%26", "#", "%23").Replace(q)
}
