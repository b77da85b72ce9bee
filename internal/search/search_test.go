package search

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSearchTenantIsolation(t *testing.T) {
	db := openTestDB(t)
	addChunks(t, db,
		testChunk{id: "a1", tenant: "ta", document: "d1", text: "Brake disc front ventilated, Golf"},
		testChunk{id: "a2", tenant: "ta", document: "d1", text: "Oil filter 04152-YZZA6"},
		// Tenant B's chunks match every query better.
		testChunk{id: "b1", tenant: "tb", document: "d2", text: "brake brake disc disc front front ventilated golf brake disc"},
		testChunk{id: "b2", tenant: "tb", document: "d2", text: "oil filter 04152-YZZA6 04152YZZA6 oil filter thermostat"},
		testChunk{id: "b3", tenant: "tb", document: "d2", text: "thermostat housing gasket"},
	)
	tests := []struct {
		tenant, query string
		want          []string
	}{
		{"ta", "brake disc front ventilated golf", []string{"a1"}},
		{"ta", "oil filter", []string{"a2"}},
		{"ta", "04152-YZZA6", []string{"a2"}},
		{"ta", "thermostat", nil},
		{"ta", "thermostat housing gasket oil", []string{"a2"}},
		{"tb", "thermostat", []string{"b2", "b3"}},
		{"tc", "brake", nil},
		// The tenant cannot be chosen from the query.
		{"ta", "tenant:tb thermostat", nil},
		{"ta", `tenant:"` + tenantKey("tb") + `" OR thermostat`, nil},
		{"ta", tenantKey("tb") + "thermostat", nil},
	}
	for _, tt := range tests {
		if got := searchIDs(t, db, tt.tenant, tt.query); !sameSet(got, tt.want) {
			t.Errorf("tenant %s, %q: got %v, want %v", tt.tenant, tt.query, got, tt.want)
		}
	}
}

func TestSearchEmptyTenant(t *testing.T) {
	db := openTestDB(t)
	addChunks(t, db, testChunk{id: "a1", tenant: "ta", document: "d1", text: "brake disc"})
	for _, q := range []string{"brake", "", "04152-YZZA6"} {
		res, err := Search(context.Background(), db, "", q, 0)
		if !errors.Is(err, ErrNoTenant) || res != nil {
			t.Errorf("Search(%q) without tenant = %v, %v", q, res, err)
		}
	}
}

func TestSearchPartSpellings(t *testing.T) {
	spellings := []string{"12345-ABC 01", "12345abc01", "12345.ABC.01", "12345-ABC-01", "12345ABC01", "12345 ABC 01"}
	for i, written := range spellings[:5] { // how the document writes it
		t.Run(written, func(t *testing.T) {
			db := openTestDB(t)
			addChunks(t, db,
				testChunk{id: "part", tenant: "t1", document: "d", text: fmt.Sprintf("Pos %d  %s  Ölfilter Einsatz  UPE 12,90", i, written)},
				testChunk{id: "other", tenant: "t1", document: "d", text: "Ölfilter Einsatz 12345-ABC-02 UPE 13,90"},
			)
			for _, q := range spellings {
				res, err := Search(context.Background(), db, "t1", q, 0)
				if err != nil {
					t.Fatal(err)
				}
				if len(res) == 0 || res[0].ChunkID != "part" || !res[0].ExactPart {
					t.Errorf("query %q: got %+v", q, res)
					continue
				}
				for _, p := range res[1:] {
					if p.ExactPart {
						t.Errorf("query %q: %s marked exact", q, p.ChunkID)
					}
				}
				if !strings.Contains(res[0].Snippet, written) {
					t.Errorf("query %q: snippet %q lacks %q", q, res[0].Snippet, written)
				}
			}
		})
	}
}

func TestSearchExactPartFirst(t *testing.T) {
	db := openTestDB(t)
	addChunks(t, db,
		testChunk{id: "words", tenant: "t1", document: "d", text: "what replaces the front brake disc? The front brake disc is replaced by a new front brake disc"},
		testChunk{id: "list", tenant: "t1", document: "d", text: "Teilenummer: 8E0-615-301-AG | Bezeichnung: Bremsscheibe"},
		testChunk{id: "bulletin", tenant: "t1", document: "d", text: "8E0 615 301 AG replaces 8E0 615 301 Q, front brake disc"},
	)
	res, err := Search(context.Background(), db, "t1", "what replaces front brake disc 8E0615301AG", 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range res {
		got = append(got, fmt.Sprintf("%s/%v", p.ChunkID, p.ExactPart))
	}
	// Both part hits come first; the one that also matches the words first.
	if want := []string{"bulletin/true", "list/true", "words/false"}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestSearchRanking(t *testing.T) {
	db := openTestDB(t)
	chunks := []testChunk{
		{id: "three", tenant: "t1", document: "d", text: "thermostat housing gasket Passat"},
		{id: "two", tenant: "t1", document: "d", text: "thermostat housing cover Golf"},
		{id: "one", tenant: "t1", document: "d", text: "gasket set for Polo"},
		{id: "rare", tenant: "t1", document: "d", text: "flange set for Polo"},
		{id: "common", tenant: "t1", document: "d", text: "wiper set for Polo"},
		{id: "none", tenant: "t1", document: "d", text: "seat belt, Polo"},
	}
	for i := range 20 {
		chunks = append(chunks, testChunk{tenant: "t1", document: "d", text: fmt.Sprintf("door cover rear %d", i)})
		if i < 5 {
			chunks = append(chunks, testChunk{tenant: "t1", document: "d", text: fmt.Sprintf("wiper arm, rear %d", i)})
		}
	}
	addChunks(t, db, chunks...)
	tests := []struct {
		query string
		want  []string // the first results, in order
	}{
		// More of the words rank higher.
		{"Which thermostat housing gasket fits?", []string{"three", "two", "one"}},
		// A rare word counts more than a common one.
		{"wiper flange", []string{"rare"}},
	}
	for _, tt := range tests {
		got := searchIDs(t, db, "t1", tt.query)
		if len(got) < len(tt.want) || !slices.Equal(got[:len(tt.want)], tt.want) {
			t.Errorf("%q: got %v, want %v first", tt.query, got, tt.want)
		}
		if slices.Contains(got, "none") {
			t.Errorf("%q: unrelated chunk found: %v", tt.query, got)
		}
	}
}

func TestSearchPorterAndDiacritics(t *testing.T) {
	db := openTestDB(t)
	addChunks(t, db,
		testChunk{id: "oel", tenant: "t1", document: "d", text: "Ölfilter mit Dichtring"},
		testChunk{id: "pads", tenant: "t1", document: "d", text: "Brake pads, front axle"},
		testChunk{id: "strasse", tenant: "t1", document: "d", text: "Straßenlage verbessert"},
		testChunk{id: "leak", tenant: "t1", document: "d", text: "coolant leaking from the water pump"},
	)
	tests := []struct {
		query string
		want  []string
	}{
		{"Ölfilter", []string{"oel"}},
		{"Olfilter", []string{"oel"}},
		{"ölfilter", []string{"oel"}},
		{"O\u0308lfilter", []string{"oel"}}, // decomposed
		{"brake pad", []string{"pads"}},
		{"leaks", []string{"leak"}},
		{"Strassenlage", []string{"strasse"}},
	}
	for _, tt := range tests {
		if got := searchIDs(t, db, "t1", tt.query); !slices.Equal(got, tt.want) {
			t.Errorf("%q: got %v, want %v", tt.query, got, tt.want)
		}
	}
}

func TestSearchHostileQueries(t *testing.T) {
	db := openTestDB(t)
	addChunks(t, db,
		testChunk{id: "a1", tenant: "ta", document: "d", text: "near the tenant: brake AND disc OR pad NOT worn"},
		testChunk{id: "b1", tenant: "tb", document: "d", text: "near tenant brake and disc or pad not worn x y z"},
	)
	queries := []string{
		``, ` `, `"`, `""`, `"brake`, `brake"`, `*`, `brake*`, `^brake`, `NEAR(`, `NEAR(brake disc, 2)`,
		`tenant:x`, `tenant:tb`, `tenant:` + tenantKey("tb"), `{tenant text}: brake`, `text:brake`, `parts:x`,
		`AND OR NOT`, `brake AND`, `OR`, `NOT brake`, `(((`, `)))`, `(brake OR (disc`, `brake) OR (disc`,
		`+-`, `brake - disc`, `:`, `'`, `\`, `\"brake\"`, "\x00brake", "\xff\xfe", `the of and`, `und der die`,
		`rowid=1`, `1=1; DROP TABLE chunks; --`, `%`, `_`, `brake NEAR/2 disc`, `"brake" + "disc"`,
		strings.Repeat("brake ", 2000), strings.Repeat(`"(`, 5000), strings.Repeat("Ölfilter ", 1200),
		strings.Repeat("8E0-615-301-AG ", 700),
	}
	for _, q := range queries {
		res, err := Search(context.Background(), db, "ta", q, 0)
		if err != nil {
			t.Errorf("Search(%.40q): %v", q, err)
			continue
		}
		for _, p := range res {
			if p.ChunkID != "a1" {
				t.Errorf("Search(%.40q) returned %s of another tenant", q, p.ChunkID)
			}
		}
	}
}

func TestSearchLimit(t *testing.T) {
	db := openTestDB(t)
	var chunks []testChunk
	for i := range 80 {
		chunks = append(chunks, testChunk{tenant: "t1", document: "d", text: fmt.Sprintf("thermostat %d", i)})
	}
	addChunks(t, db, chunks...)
	tests := []struct{ limit, want int }{{0, DefaultLimit}, {-3, DefaultLimit}, {3, 3}, {50, 50}, {1000, MaxLimit}}
	for _, tt := range tests {
		res, err := Search(context.Background(), db, "t1", "thermostat", tt.limit)
		if err != nil || len(res) != tt.want {
			t.Errorf("limit %d: %d passages (%v), want %d", tt.limit, len(res), err, tt.want)
		}
	}
}

func TestSearchPassageFields(t *testing.T) {
	db := openTestDB(t)
	addChunks(t, db, testChunk{id: "c1", tenant: "t1", document: "doc1", text: "thermostat", page: 3, row: 17, sheet: "Preise"})
	res, err := Search(context.Background(), db, "t1", "thermostat", 0)
	if err != nil || len(res) != 1 {
		t.Fatalf("got %v, %v", res, err)
	}
	p := res[0]
	if p.ChunkID != "c1" || p.Document != "doc1" || p.Ordinal != 0 || p.Page != 3 || p.Row != 17 || p.Sheet != "Preise" ||
		p.Snippet != "thermostat" || p.ExactPart || p.Score <= 0 {
		t.Errorf("got %+v", p)
	}
}

// TestSearchCommonWords checks the plan for words that occur in more than
// maxScored chunks: a chunk with a rare word is still found first, and a
// question of common words only finds chunks with all of them.
func TestSearchCommonWords(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes thousands of chunks")
	}
	db := openTestDB(t)
	var chunks []testChunk
	for i := range maxScored + 500 {
		kind := []string{"brake disc", "brake pad", "wiper blade"}[i%3]
		chunks = append(chunks, testChunk{tenant: "t1", document: "d",
			text: fmt.Sprintf("Teilenummer: %d | Bezeichnung: %s", 100000+i, kind)})
	}
	chunks = append(chunks[:10], append([]testChunk{
		{id: "rare", tenant: "t1", document: "d", text: "Teilenummer: 1 | Bezeichnung: brake disc thermostat"},
		{id: "both", tenant: "t1", document: "d", text: "Teilenummer: 2 | Bezeichnung: brake disc pad"},
	}, chunks[10:]...)...)
	// Another tenant's chunks, so that the words are rare in the table.
	for i := range 3000 {
		chunks = append(chunks, testChunk{tenant: "t2", document: "e", text: fmt.Sprintf("filler %d", i)})
	}
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	addChunks(t, tx, chunks...)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		query string
		first string // the expected first result, or "" for any
		words []string
	}{
		{"Teilenummer brake disc thermostat", "rare", nil},
		{"brake disc pad", "both", nil},
		{"Teilenummer Bezeichnung brake", "", []string{"teilenummer", "bezeichnung", "brake"}},
	}
	for _, tt := range tests {
		res, err := Search(context.Background(), db, "t1", tt.query, 0)
		if err != nil || len(res) == 0 {
			t.Errorf("%q: %v, %v", tt.query, res, err)
			continue
		}
		if tt.first != "" && res[0].ChunkID != tt.first {
			t.Errorf("%q: first %s, want %s", tt.query, res[0].ChunkID, tt.first)
		}
		for _, p := range res {
			for _, w := range tt.words {
				if !strings.Contains(strings.ToLower(p.Snippet), w) {
					t.Errorf("%q: %q lacks %q", tt.query, p.Snippet, w)
				}
			}
		}
	}
}

func FuzzSearchQuery(f *testing.F) {
	for _, s := range []string{"", "brake disc", `"`, "NEAR(a b)", "tenant:tb", "8E0 615 301 AG", "12345-ABC 01", "Ölfilter",
		"AND OR NOT", "((", "*", strings.Repeat("x ", 100), "\xff", "brake\x00disc"} {
		f.Add(s)
	}
	db := openTestDB(f)
	addChunks(f, db,
		testChunk{id: "a1", tenant: "ta", document: "d", text: "Brake disc 8E0-615-301-AG front, Ölfilter 12345.ABC.01"},
		testChunk{id: "a2", tenant: "ta", document: "d", text: "near tenant and or not thermostat"},
		testChunk{id: "b1", tenant: "tb", document: "d", text: "brake disc 8E0615301AG ölfilter 12345ABC01 near tenant and or not thermostat x y"},
		testChunk{id: "b2", tenant: "tb", document: "d", text: "tenant ta " + tenantKey("ta") + " " + tenantKey("ta") + "brake"},
	)
	f.Fuzz(func(t *testing.T, q string) {
		res, err := Search(context.Background(), db, "ta", q, MaxLimit)
		if err != nil {
			t.Fatalf("Search(%q): %v", q, err)
		}
		for _, p := range res {
			if p.ChunkID != "a1" && p.ChunkID != "a2" {
				t.Fatalf("Search(%q) returned %s of another tenant", q, p.ChunkID)
			}
			if !utf8.ValidString(p.Snippet) || utf8.RuneCountInString(p.Snippet) > snippetLen+2 {
				t.Fatalf("Search(%q): bad snippet %q", q, p.Snippet)
			}
		}
	})
}

// TestSearchPartRanking checks that of the chunks with the part number,
// those that also contain words of the question come first, and then
// those about fewer part numbers.
func TestSearchPartRanking(t *testing.T) {
	db := openTestDB(t)
	addChunks(t, db,
		testChunk{id: "list", tenant: "t1", document: "d", text: "04152-YZZA6 04152-YZZA7 04152-YZZA8 04152-YZZA9 90915-YZZE1"},
		testChunk{id: "single", tenant: "t1", document: "d", text: "Ölfilter 04152-YZZA6"},
		testChunk{id: "words", tenant: "t1", document: "d", text: "04152-YZZA6 04152-YZZA7 04152-YZZA8 supersedes 04152-31090"},
		testChunk{id: "other", tenant: "t1", document: "d", text: "04152-31090 supersedes"},
	)
	res, err := Search(context.Background(), db, "t1", "what supersedes 04152YZZA6", 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range res {
		got = append(got, fmt.Sprintf("%s/%v", p.ChunkID, p.ExactPart))
		if p.ExactPart && p.Score <= 0 {
			t.Errorf("%s: score %v", p.ChunkID, p.Score)
		}
	}
	if want := []string{"words/true", "single/true", "list/true", "other/false"}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
