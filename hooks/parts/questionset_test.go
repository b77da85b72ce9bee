package parts_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/apptest"
	"counterpart/hooks/documents"
	"counterpart/hooks/parts"
	"counterpart/hooks/tenancy"
	"counterpart/internal/blob"
)

// storeDocument stores body as a ready document of tenant slug with category.
func storeDocument(t testing.TB, app core.App, slug, name, category string, body []byte) *core.Record {
	t.Helper()
	tenant, err := tenancy.FindTenant(app, slug)
	if err != nil {
		t.Fatal(err)
	}
	col, err := app.FindCollectionByNameOrId(documents.Collection)
	if err != nil {
		t.Fatal(err)
	}
	doc := core.NewRecord(col)
	doc.Id = core.GenerateDefaultRandomId()
	key, err := blob.DocumentKey(tenant.Id, doc.Id, name)
	if err != nil {
		t.Fatal(err)
	}
	if err := documents.StoreOf(app).Put(context.Background(), key, strings.NewReader(string(body)), int64(len(body)), "text/csv"); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]any{"tenant": tenant.Id, "filename": name, "title": name, "content_type": "text/csv", "size": len(body),
		"storage_key": key, "status": documents.StatusReady, "category": category} {
		doc.Set(k, v)
	}
	if err := app.Save(doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// questionSetRows is the size of the generated price file: 100k rows as the
// issue asks, 20k under the race detector (which slows the import about
// tenfold); COUNTERPART_QUESTIONSET_ROWS overrides.
func questionSetRows() int {
	if v, err := strconv.Atoi(os.Getenv("COUNTERPART_QUESTIONSET_ROWS")); err == nil && v > 0 {
		return v
	}
	if raceEnabled {
		return 20_000
	}
	return 100_000
}

// TestQuestionSet asks well over 1,000 generated questions of a generated
// multi-brand price file, the way counter staff ask them: every typing style,
// BMW's last seven digits, Mercedes without its A, superseded numbers, core
// charges, and numbers that are in no file. Goals (issue 12): the right part
// first in ≥ 99 % of exact questions, the current part of every chain, and
// no confident answer for a number that does not exist.
func TestQuestionSet(t *testing.T) {
	rows := questionSetRows()
	cat := newCatalog(rows, 12)
	app := apptest.New(t, nil)
	doc := storeDocument(t, app, "smith", "preisliste-2026.csv", "price_list", win1252(t, string(cat.csv())))
	start := time.Now()
	imp, err := parts.Import(context.Background(), app, documents.StoreOf(app), doc)
	if err != nil || imp.GetString("status") != parts.ImportDone {
		t.Fatalf("import: %v %s %s", err, imp.GetString("status"), imp.GetString("message"))
	}
	t.Logf("imported %d rows in %s: %s", rows, time.Since(start).Round(time.Millisecond), imp.GetString("message"))
	tenant := doc.GetString("tenant")

	type tally struct{ asked, right int }
	results := map[string]*tally{}
	wrongs := map[string][]string{}
	score := func(kind string, ok bool, q string, got parts.Result) {
		tl := results[kind]
		if tl == nil {
			tl = &tally{}
			results[kind] = tl
		}
		tl.asked++
		if ok {
			tl.right++
		} else if len(wrongs[kind]) < 5 {
			wrongs[kind] = append(wrongs[kind], fmt.Sprintf("%q → %d matches %v, not found %v", q, len(got.Matches), keysOf(got), got.NotFound))
		}
	}
	ask := func(q string) parts.Result {
		res, err := parts.Lookup(context.Background(), app.DB(), tenant, q)
		if err != nil {
			t.Fatalf("lookup %q: %v", q, err)
		}
		return res
	}
	inChain := map[*genPart]bool{}
	for _, set := range [][][]*genPart{cat.chains, cat.loops} {
		for _, ch := range set {
			for _, p := range ch {
				inChain[p] = true
			}
		}
	}
	for _, p := range cat.dead {
		inChain[p] = true
	}
	rng := cat.rng
	pick := func(ok func(*genPart) bool) *genPart {
		for {
			if p := cat.parts[rng.IntN(len(cat.parts))]; ok(p) {
				return p
			}
		}
	}
	plain := func(p *genPart) bool { return !inChain[p] }

	// exact numbers, every typing style, in questions
	for i := range 700 {
		p := pick(plain)
		q := fmt.Sprintf(questionTemplates[i%len(questionTemplates)], typed(p.raw, i%5))
		res := ask(q)
		score("exact", len(res.Matches) > 0 && res.Matches[0].Key == p.key && res.Matches[0].Prices["list"].Amount == p.list, q, res)
	}
	// BMW by its last seven digits, Mercedes without its A
	for i := range 150 {
		p := pick(func(p *genPart) bool { return plain(p) && p.brand == "BMW" })
		q := []string{"Preis für %s", "was kostet die %s vom BMW?", "%s"}[i%3]
		q = fmt.Sprintf(q, p.short)
		res := ask(q)
		score("bmw last 7", len(res.Matches) > 0 && res.Matches[0].Key == p.key, q, res)
	}
	for i := range 150 {
		p := pick(func(p *genPart) bool { return plain(p) && p.brand == "MERCEDES" })
		q := fmt.Sprintf([]string{"%s Mercedes", "what does %s cost", "Benz %s"}[i%3], p.short)
		res := ask(q)
		score("mercedes without A", len(res.Matches) > 0 && res.Matches[0].Key == p.key, q, res)
	}
	// supersessions: the current part and its price, from anywhere in the chain
	for i, ch := range cat.chains {
		if i >= 300 {
			break
		}
		from := ch[rng.IntN(len(ch)-1)]
		cur := ch[len(ch)-1]
		q := fmt.Sprintf("%s is superseded — what do I order now and at what price?", typed(from.raw, i%5))
		res := ask(q)
		ok := len(res.Matches) == 1 && res.Matches[0].Current != nil && res.Matches[0].Current.Key == cur.key &&
			res.Matches[0].Current.Prices["list"].Amount == cur.list && res.Matches[0].Status == parts.StatusSuperseded
		score("chain current", ok, q, res)
	}
	for _, set := range [][][]*genPart{cat.loops} {
		for _, ch := range set {
			res := ask(ch[0].raw)
			score("loop reported", len(res.Matches) == 1 && res.Matches[0].ChainProblem == "loop" && res.Matches[0].Current == nil, ch[0].raw, res)
		}
	}
	for _, p := range cat.dead {
		res := ask(p.raw)
		score("dead end reported", len(res.Matches) == 1 && res.Matches[0].ChainProblem == "dead_end" && res.Matches[0].Current == nil, p.raw, res)
	}
	// core charges
	for i := range 150 {
		p := pick(func(p *genPart) bool { return plain(p) && p.core > 0 })
		q := fmt.Sprintf([]string{"Pfand auf %s?", "is there a core charge on %s", "Altteilwert %s"}[i%3], typed(p.raw, i%5))
		res := ask(q)
		score("core charge", len(res.Matches) > 0 && res.Matches[0].CoreCharge != nil && res.Matches[0].CoreCharge.Amount == p.core, q, res)
	}
	// numbers in no file: never a match
	confidentWrong := 0
	for i := range 200 {
		p := cat.newPartOf(genBrands[i%len(genBrands)].code)
		q := fmt.Sprintf(questionTemplates[i%len(questionTemplates)], typed(p.raw, i%5))
		res := ask(q)
		if len(res.Matches) > 0 {
			confidentWrong++
		}
		score("unknown number not found", len(res.Matches) == 0 && len(res.NotFound) > 0, q, res)
	}

	total := 0
	for _, kind := range []string{"exact", "bmw last 7", "mercedes without A", "chain current", "loop reported", "dead end reported", "core charge", "unknown number not found"} {
		tl := results[kind]
		if tl == nil {
			continue
		}
		total += tl.asked
		t.Logf("%-26s %4d / %4d = %.1f %%", kind, tl.right, tl.asked, 100*float64(tl.right)/float64(tl.asked))
		for _, w := range wrongs[kind] {
			t.Logf("    miss: %s", w)
		}
	}
	t.Logf("%d questions over %d rows; confident wrong answers for numbers in no file: %d", total, rows, confidentWrong)
	if total < 1000 {
		t.Errorf("only %d questions", total)
	}
	rate := func(kind string) float64 {
		tl := results[kind]
		return float64(tl.right) / float64(tl.asked)
	}
	for _, kind := range []string{"exact", "bmw last 7", "mercedes without A", "core charge"} {
		if rate(kind) < 0.99 {
			t.Errorf("%s: %.1f %% at rank 1, goal ≥ 99 %%", kind, 100*rate(kind))
		}
	}
	for _, kind := range []string{"chain current", "loop reported", "dead end reported", "unknown number not found"} {
		if rate(kind) < 1 {
			t.Errorf("%s: %.1f %%, goal 100 %%", kind, 100*rate(kind))
		}
	}
	if confidentWrong != 0 {
		t.Errorf("%d confident answers for numbers in no file, goal 0", confidentWrong)
	}
}

func keysOf(r parts.Result) []string {
	var out []string
	for _, m := range r.Matches {
		out = append(out, m.Brand+":"+m.Key+"/"+m.Match)
	}
	return out
}
