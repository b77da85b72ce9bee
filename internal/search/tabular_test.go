package search

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestIsTabular(t *testing.T) {
	tests := []struct {
		name, text string
		want       bool
	}{
		{"price rows", "Teilenummer: 1K0 698 151 A | UPE: 89,50\nTeilenummer: 1K0 698 151 B | UPE: 64,10", true},
		{"one row", "Teilenummer: 1K0 698 151 A | Bezeichnung: Bremsbelagsatz | UPE: 89,50", true},
		{"rows without header", "1K0 698 151 A | Bremsbelagsatz | 89,50\n1K0 698 151 B | Bremsbelagsatz | 64,10", true},
		{"title and a row", "Preisliste Frühjahr 2025\nTeilenummer: 1K0 698 151 A | UPE: 89,50", true},
		{"empty lines ignored", "\n\nTeilenummer: A1 | UPE: 1\n\n", true},
		{"prose", "The front brake pads of the Golf wear early. Replace them with 1K0 698 151 A.", false},
		{"prose with one pipe line", "Models affected:\nGolf | Passat\nThe wear indicator cable chafes on the strut.\nReplace it.", false},
		{"pipe without spaces", "Golf|Passat|Polo\nTouran|Caddy", false},
		{"long prose line with one pipe", filler(30) + " Golf | Passat " + filler(10), false},
		{"long row of three cells", "Teilenummer: 1 | Bezeichnung: " + filler(60) + " | UPE: 2", true},
		{"titles only", "Preisliste Frühjahr 2025\nHändler: Müller GmbH", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		if got := isTabular(tt.text); got != tt.want {
			t.Errorf("%s: isTabular(%q) = %v, want %v", tt.name, tt.text, got, tt.want)
		}
	}
}

func TestTabularQuota(t *testing.T) {
	for n, want := range []int{0, 1, 1, 2, 2, 2, 3, 3, 4, 4, 4} {
		if got := tabularQuota(n); got != want {
			t.Errorf("tabularQuota(%d) = %d, want %d", n, got, want)
		}
	}
}

func TestSpreadTabular(t *testing.T) {
	// Each hit is written as "p" (prose) or "t" (tabular) and its score;
	// the input is sorted best first.
	tests := []struct {
		name, in, want string
	}{
		{"rows ahead of prose", "t9 t8 t7 t6 t5 p4 p3", "t9 p4 t8 p3 t7 t6 t5"},
		{"prose ahead", "p9 t8 t7 t6 p5", "p9 t8 t7 p5 t6"},
		{"rows outrank all prose", "t9 t8 t7 t6 t5 t4 t3 t2 t1 p1", "t9 p1 t8 t7 t6 t5 t4 t3 t2 t1"},
		{"quota of ten", "t20 t19 t18 t17 t16 t15 t14 t13 t12 t11 p5 p4 p3 p2 p1 p0", "t20 p5 t19 p4 p3 t18 p2 t17 p1 p0 t16 t15 t14 t13 t12 t11"},
		{"only rows", "t3 t2 t1", "t3 t2 t1"},
		{"only prose", "p3 p2 p1", "p3 p2 p1"},
		{"mixed within quota", "p9 t8 p7 p6 t5", "p9 t8 p7 p6 t5"},
		{"tie prefers prose", "t5 t5 p5", "p5 t5 t5"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		var hits []hit
		for i, f := range strings.Fields(tt.in) {
			var score float64
			fmt.Sscan(f[1:], &score)
			hits = append(hits, hit{rowid: int64(i), score: score, tabular: f[0] == 't'})
		}
		var got []string
		out, _ := spreadTabular(hits, len(hits))
		for _, h := range out {
			got = append(got, fmt.Sprintf("%c%v", "pt"[btoi(h.tabular)], h.score))
		}
		if g := strings.Join(got, " "); g != tt.want {
			t.Errorf("%s: spreadTabular(%s) = %s, want %s", tt.name, tt.in, g, tt.want)
		}
		// Every hit is kept once.
		if len(got) != len(hits) {
			t.Errorf("%s: %d hits in, %d out", tt.name, len(hits), len(got))
		}
	}
}

// TestSpreadTabularShort checks when spreadTabular reports that more
// prose might have changed its answer.
func TestSpreadTabularShort(t *testing.T) {
	tests := []struct {
		in    string
		limit int
		short bool
	}{
		{"p9 t8 p7 t6 p5", 5, false},
		{"t9 t8 p7 p6 p5 p4", 5, false},
		{"t9 t8 t7 p6 p5", 5, true},  // a third row among the first five
		{"t9 p8 t7 t6 t5", 3, false}, // 2 of 3 allowed
		{"t9 p8 t7 t6 t5", 4, true},
		{"p9 p8", 5, true}, // fewer than asked for
		{"p9 p8 p7", 3, false},
	}
	for _, tt := range tests {
		var hits []hit
		for i, f := range strings.Fields(tt.in) {
			var score float64
			fmt.Sscan(f[1:], &score)
			hits = append(hits, hit{rowid: int64(i), score: score, tabular: f[0] == 't'})
		}
		out, short := spreadTabular(hits, tt.limit)
		if short != tt.short || len(out) != min(tt.limit, len(hits)) {
			t.Errorf("spreadTabular(%s, %d): %d hits, short %v; want short %v", tt.in, tt.limit, len(out), short, tt.short)
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// golfBulletin is a technical bulletin that answers "brake pads for a Golf".
const golfBulletin = "Technical bulletin TB-2024-031, Golf VII (5G): the brake pads wear indicator warning light " +
	"comes on although the front brake pads are not worn. Cause: the wear indicator cable chafes on the strut. " +
	"Remedy: route the cable with the new clip 5G0 615 121 and clear the fault memory. Labour: 0.4 hours."

// golfPriceList returns a price list of n rows, each of a part for the
// Golf and many of them brake pads, 20 rows to a chunk, as the extractor
// renders a spreadsheet, with first rowid-order chunk first.
func golfPriceList(tenant, document string, n int) []testChunk {
	descriptions := []string{
		"Brake pads front, Bremsbelagsatz vorne", "Brake pads rear, Bremsbelagsatz hinten",
		"Brake disc front, Bremsscheibe vorne", "Wiper blade, Wischerblatt", "Oil filter, Ölfilter",
	}
	var chunks []testChunk
	var rows []string
	first := 2
	for i := range n {
		rows = append(rows, fmt.Sprintf("Teilenummer: 5G0 %03d %03d %c | Bezeichnung: %s | Modell: Golf VII | UPE: %d,%02d | VPE: 1",
			600+i%300, i%1000, 'A'+rune(i%26), descriptions[i%len(descriptions)], 20+i%180, i%100))
		if len(rows) == rowsPerChunk || i == n-1 {
			chunks = append(chunks, testChunk{tenant: tenant, document: document, row: first, sheet: "Preise",
				text: strings.Join(rows, "\n")})
			first += len(rows)
			rows = nil
		}
	}
	return chunks
}

// rowsPerChunk is how many rows the extractor puts in one tabular chunk.
const rowsPerChunk = 20

// TestSearchProseBeforeRows checks that a price list whose every row
// mentions the Golf, many of them brake pads, does not crowd out the
// bulletin that answers a free-text question about Golf brake pads, while
// its rows are still found, and a part number still finds its row first.
func TestSearchProseBeforeRows(t *testing.T) {
	db := openTestDB(t)
	chunks := []testChunk{
		{id: "bulletin", tenant: "t1", document: "tb", page: 1, text: golfBulletin},
		{id: "campaign", tenant: "t1", document: "sc", page: 1, text: "Service campaign 24A7: Passat door handles are replaced free of charge."},
		// Prose that matches some of the words.
		{id: "fluid", tenant: "t1", document: "wm", page: 4, text: "Brake fluid: change every two years on all models."},
		{id: "headlight", tenant: "t1", document: "wm", page: 9, text: "Golf VII headlight range adjustment after replacing the sensor."},
		{id: "runout", tenant: "t1", document: "wm", page: 12, text: "Check the brake disc run-out before new pads go on; at most 0.05 mm."},
		{id: "passat", tenant: "t1", document: "tb2", page: 1, text: "Passat B8: squealing rear brake pads, use the revised anti-noise shims."},
	}
	chunks = append(chunks, golfPriceList("t1", "prices", 400)...) // 20 chunks of 20 rows
	// Another tenant's bulletin about the same, which must never show.
	chunks = append(chunks, testChunk{id: "other", tenant: "t2", document: "x", text: golfBulletin})
	addChunks(t, db, chunks...)

	for _, q := range []string{"brake pads for a Golf", "Golf brake pads", "which brake pads fit the Golf VII?",
		"Golf brake pads wear indicator", "Bremsbelagsatz Golf brake pads"} {
		for _, limit := range []int{5, DefaultLimit, MaxLimit} {
			res, err := Search(context.Background(), db, "t1", q, limit)
			if err != nil {
				t.Fatal(err)
			}
			var kinds []string
			bulletin, rows := -1, 0
			for i, p := range res {
				switch {
				case p.ChunkID == "bulletin":
					bulletin = i
					kinds = append(kinds, "bulletin")
				case p.Row > 0:
					kinds = append(kinds, "row")
					if i < 5 {
						rows++
					}
				default:
					kinds = append(kinds, p.ChunkID)
				}
				if p.ChunkID == "other" {
					t.Errorf("%q: another tenant's chunk", q)
				}
			}
			if bulletin < 0 || bulletin > 2 {
				t.Errorf("%q, limit %d: bulletin at %d, want among the first 3: %v", q, limit, bulletin, kinds)
			}
			if rows > 2 {
				t.Errorf("%q, limit %d: %d price-list passages in the first 5: %v", q, limit, rows, kinds)
			}
			// The price list keeps its passages.
			if n := len(res); n < min(limit, 20) {
				t.Errorf("%q, limit %d: %d passages: %v", q, limit, n, kinds)
			}
		}
	}

	// A part number of the price list still finds its row first, marked.
	res, err := Search(context.Background(), db, "t1", "what does 5G0 605 005 F cost?", DefaultLimit)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) == 0 || !res[0].ExactPart || res[0].Row == 0 {
		t.Fatalf("part number: got %+v", res)
	}
	marked := markedLine(res[0].Snippet)
	if !strings.HasPrefix(marked, MatchedRow+"Teilenummer: 5G0 605 005 F | ") || !strings.Contains(marked, "| UPE: 25,05 |") {
		t.Errorf("part number: marked row %q in snippet %q", marked, res[0].Snippet)
	}
}

// TestSearchProseBeforeManyRows checks the same for a price list of more
// than maxScored chunks uploaded after the bulletin: each word of the
// question is in every chunk, and the newest maxScored candidates would
// all be rows.
func TestSearchProseBeforeManyRows(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes thousands of chunks")
	}
	db := openTestDB(t)
	chunks := []testChunk{{id: "bulletin", tenant: "t1", document: "tb", page: 1, text: golfBulletin}}
	chunks = append(chunks, golfPriceList("t1", "prices", rowsPerChunk*(maxScored+200))...)
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	addChunks(t, tx, chunks...)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"brake pads for a Golf", "Golf brake pads wear indicator"} {
		res, err := Search(context.Background(), db, "t1", q, 5)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(res, func(p Passage) bool { return p.ChunkID == "bulletin" })
		if i < 0 || i > 2 {
			t.Errorf("%q: bulletin at %d of %d passages, want among the first 3", q, i, len(res))
		}
	}
}

// TestSearchUntaggedRows checks an index written before chunks were tagged
// tabular: the rows are told from the chunk text, so they still do not
// crowd out the bulletin when it is among the spreadDepth*limit best
// candidates (prose further down takes the tag, see spreadHits).
func TestSearchUntaggedRows(t *testing.T) {
	db := openTestDB(t)
	chunks := []testChunk{{id: "bulletin", tenant: "t1", document: "tb", page: 1, text: golfBulletin}}
	for _, id := range []string{"p1", "p2", "p3", "p4"} {
		chunks = append(chunks, testChunk{id: id, tenant: "t1", document: "wm", text: "Golf workshop note " + id + ": brake fluid"})
	}
	chunks = append(chunks, golfPriceList("t1", "prices", 300)...) // 15 chunks
	rowids := addChunks(t, db, chunks...)
	// Index the rows again as before: the key alone in the tenant column.
	key := tenantKey("t1")
	for i, c := range chunks {
		_, err := db.NewQuery("INSERT OR REPLACE INTO " + textTable + "(rowid, text, tenant) VALUES ({:r}, {:text}, {:key})").
			Bind(map[string]any{"r": rowids[i], "text": string(appendTextTokens(nil, key, c.text)), "key": key}).Execute()
		if err != nil {
			t.Fatal(err)
		}
	}
	var tagged int
	if err := db.NewQuery("SELECT count(*) FROM " + textTable + " WHERE " + textTable + " MATCH {:m}").
		Bind(map[string]any{"m": "tenant:" + quoteTerm(tabularTag(key))}).Row(&tagged); err != nil || tagged != 0 {
		t.Fatalf("%d tagged chunks (%v)", tagged, err)
	}
	res, err := Search(context.Background(), db, "t1", "brake pads for a Golf", 5)
	if err != nil {
		t.Fatal(err)
	}
	rows, bulletin := 0, -1
	for i, p := range res {
		if p.Row > 0 {
			rows++
		}
		if p.ChunkID == "bulletin" {
			bulletin = i
		}
	}
	if rows > 2 || bulletin < 0 || bulletin > 2 || len(res) != 5 {
		t.Errorf("%d rows in %d passages, bulletin at %d", rows, len(res), bulletin)
	}
}

// TestSearchRowsWhenProseIsScarce checks that rows fill the results when
// too little prose matches.
func TestSearchRowsWhenProseIsScarce(t *testing.T) {
	db := openTestDB(t)
	chunks := []testChunk{{id: "campaign", tenant: "t1", document: "sc", text: "Service campaign: Passat door handles"}}
	chunks = append(chunks, golfPriceList("t1", "prices", 200)...)
	addChunks(t, db, chunks...)
	res, err := Search(context.Background(), db, "t1", "brake pads for a Golf", DefaultLimit)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != DefaultLimit {
		t.Fatalf("%d passages, want %d", len(res), DefaultLimit)
	}
	for _, p := range res {
		if p.Row == 0 {
			t.Errorf("prose %s found", p.ChunkID)
		}
	}
	// A question that also matches the prose puts it among the first.
	ids := searchIDs(t, db, "t1", "Golf brake pads Passat door handles")
	if i := slices.Index(ids, "campaign"); i < 0 || i > 2 {
		t.Errorf("campaign at %d: %v", i, ids)
	}
}

// TestIndexTabularTag checks that tabular chunks, and only they, carry the
// tag in the tenant column, that removing a tenant removes it, and that no
// question can match it.
func TestIndexTabularTag(t *testing.T) {
	db := openTestDB(t)
	addChunks(t, db,
		testChunk{id: "rows", tenant: "t1", document: "d", row: 2, text: "Teilenummer: 1K0 698 151 A | UPE: 89,50"},
		testChunk{id: "prose", tenant: "t1", document: "d", text: "brake pads wear indicator"},
		testChunk{id: "other", tenant: "t2", document: "d", text: "Teilenummer: 1K0 698 151 A | UPE: 89,50"},
	)
	tagged := func(tenant string) []string {
		t.Helper()
		var ids []string
		err := db.NewQuery("SELECT id FROM chunks WHERE rowid IN (SELECT rowid FROM " + textTable + " WHERE " + textTable +
			" MATCH {:m}) ORDER BY id").Bind(map[string]any{"m": "tenant:" + quoteTerm(tabularTag(tenantKey(tenant)))}).Column(&ids)
		if err != nil {
			t.Fatal(err)
		}
		return ids
	}
	if got := tagged("t1"); !slices.Equal(got, []string{"rows"}) {
		t.Errorf("tagged in t1: %v", got)
	}
	if got := tagged("t2"); !slices.Equal(got, []string{"other"}) {
		t.Errorf("tagged in t2: %v", got)
	}
	for _, q := range []string{"t", "-t", tenantKey("t1") + "-t", `"` + tabularTag(tenantKey("t1")) + `"`, "tenant:-t"} {
		if got := searchIDs(t, db, "t1", q); len(got) != 0 {
			t.Errorf("%q found %v", q, got)
		}
	}
	if err := RemoveTenant(db, "t1"); err != nil {
		t.Fatal(err)
	}
	if got := tagged("t1"); len(got) != 0 {
		t.Errorf("tagged after RemoveTenant: %v", got)
	}
	if got := tagged("t2"); !slices.Equal(got, []string{"other"}) {
		t.Errorf("t2 tagged after removing t1: %v", got)
	}
}

// markedLine returns the line of snippet that begins with MatchedRow, or "".
func markedLine(snippet string) string {
	for line := range strings.SplitSeq(snippet, "\n") {
		if strings.HasPrefix(line, MatchedRow) {
			return line
		}
	}
	return ""
}
