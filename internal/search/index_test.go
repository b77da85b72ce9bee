package search

import (
	"errors"
	"slices"
	"testing"

	"github.com/pocketbase/dbx"
)

func TestPartNumbers(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{"none", "Brake disc, front axle, ventilated", nil},
		{"dashed and spaced", "Teilenummer: 12345-ABC 01 | UPE: 19,99", []string{"12345ABC01", "12345ABC"}},
		{"compact", "12345abc01 in stock", []string{"12345ABC01"}},
		{"dotted", "see 12345.ABC.01.", []string{"12345ABC01"}},
		{"VW spaced", "Bremsscheibe 8E0 615 301 AG vorne", []string{"8E0615301AG"}},
		{"whitespace token in brackets", "(04152-YZZA6), oil filter", []string{"04152YZZA6"}},
		{"several, deduplicated", "8E0615301AG replaces 8E0-615-301-Q; 8e0 615 301 ag", []string{"8E0615301AG", "8E0615301Q"}},
		{"prices and dates are not parts", "19.99 EUR, 2024-01-15, 10W-40", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := partNumbers(tt.text); !slices.Equal(got, tt.want) {
				t.Errorf("partNumbers(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestAppendTextTokens(t *testing.T) {
	tests := []struct {
		text, want string
	}{
		{"", ""},
		{"Ölfilter, 2 x Straße!", "kxÖlfilter kxStrasse"},
		{"Brems\u00adscheibe a", "kxBremsscheibe"},
		{"tenant:x AND \"q\"", "kxtenant kxAND"},
		{"8E0-615-301-AG", "kx8E0 kx615 kx301 kxAG"},
	}
	for _, tt := range tests {
		if got := string(appendTextTokens(nil, "kx", tt.text)); got != tt.want {
			t.Errorf("appendTextTokens(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestIndexChunksErrors(t *testing.T) {
	db := openTestDB(t)
	if err := IndexChunks(db, nil); err != nil {
		t.Errorf("no chunks: %v", err)
	}
	err := IndexChunks(db, []Chunk{{RowID: 1, Tenant: "t1", Text: "a"}, {RowID: 2, Text: "b"}})
	if !errors.Is(err, ErrNoTenant) {
		t.Errorf("chunk without tenant: %v", err)
	}
}

func TestIndexChunksReplaces(t *testing.T) {
	db := openTestDB(t)
	rowids := addChunks(t, db, testChunk{id: "c1", tenant: "t1", document: "d1", text: "thermostat 12345-ABC-01"})
	// Re-indexing the rowid with other text replaces words and parts.
	if err := IndexChunks(db, []Chunk{{RowID: rowids[0], Tenant: "t1", Text: "radiator hose"}}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		query string
		want  []string
	}{
		{"thermostat", nil},
		{"12345ABC01", nil},
		{"radiator", []string{"c1"}},
	}
	for _, tt := range tests {
		if got := searchIDs(t, db, "t1", tt.query); !slices.Equal(got, tt.want) {
			t.Errorf("%q: got %v, want %v", tt.query, got, tt.want)
		}
	}
}

func TestRemove(t *testing.T) {
	setup := func(t *testing.T) (*dbx.DB, []int64) {
		db := openTestDB(t)
		rowids := addChunks(t, db,
			testChunk{id: "a1", tenant: "ta", document: "docA", text: "thermostat housing 12345-ABC-01"},
			testChunk{id: "a2", tenant: "ta", document: "docA", text: "thermostat gasket"},
			testChunk{id: "a3", tenant: "ta", document: "docB", text: "thermostat 12345.ABC.01 replaced"},
			testChunk{id: "b1", tenant: "tb", document: "docC", text: "thermostat 12345ABC01"},
		)
		return db, rowids
	}
	type found struct {
		tenant, query string
		want          []string
	}
	tests := []struct {
		name   string
		remove func(db dbx.Builder, rowids []int64) error
		found  []found
	}{
		{"document", func(db dbx.Builder, _ []int64) error { return RemoveDocument(db, "ta", "docA") }, []found{
			{"ta", "thermostat", []string{"a3"}}, {"ta", "12345ABC01", []string{"a3"}},
			{"tb", "thermostat", []string{"b1"}}, {"tb", "12345ABC01", []string{"b1"}},
		}},
		{"document id of another tenant", func(db dbx.Builder, _ []int64) error { return RemoveDocument(db, "tb", "docA") }, []found{
			{"ta", "thermostat", []string{"a1", "a2", "a3"}}, {"ta", "12345ABC01", []string{"a1", "a3"}},
		}},
		{"chunks", func(db dbx.Builder, rowids []int64) error {
			return RemoveChunks(db, []int64{rowids[0], rowids[3], 999})
		}, []found{
			{"ta", "thermostat", []string{"a2", "a3"}}, {"ta", "12345ABC01", []string{"a3"}},
			{"tb", "thermostat", nil}, {"tb", "12345ABC01", nil},
		}},
		{"tenant", func(db dbx.Builder, _ []int64) error { return RemoveTenant(db, "ta") }, []found{
			{"ta", "thermostat", nil}, {"ta", "12345ABC01", nil},
			{"tb", "thermostat", []string{"b1"}}, {"tb", "12345ABC01", []string{"b1"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, rowids := setup(t)
			if err := tt.remove(db, rowids); err != nil {
				t.Fatal(err)
			}
			for _, f := range tt.found {
				if got := searchIDs(t, db, f.tenant, f.query); !sameSet(got, f.want) {
					t.Errorf("tenant %s, %q: got %v, want %v", f.tenant, f.query, got, f.want)
				}
			}
		})
	}
}

func TestRemoveErrors(t *testing.T) {
	db := openTestDB(t)
	if err := RemoveDocument(db, "", "d"); !errors.Is(err, ErrNoTenant) {
		t.Errorf("RemoveDocument without tenant: %v", err)
	}
	if err := RemoveDocument(db, "t", ""); err == nil {
		t.Error("RemoveDocument without document: no error")
	}
	if err := RemoveTenant(db, ""); !errors.Is(err, ErrNoTenant) {
		t.Errorf("RemoveTenant without tenant: %v", err)
	}
	if err := RemoveChunks(db, nil); err != nil {
		t.Errorf("RemoveChunks(nil): %v", err)
	}
}

func TestRemoveChunksBatches(t *testing.T) {
	db := openTestDB(t)
	var chunks []testChunk
	for range deleteBatch + 7 {
		chunks = append(chunks, testChunk{tenant: "t1", document: "d", text: "thermostat"})
	}
	rowids := addChunks(t, db, chunks...)
	if err := RemoveChunks(db, rowids[1:]); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.NewQuery("SELECT count(*) FROM " + textTable + " WHERE " + textTable + " MATCH {:m}").
		Bind(dbx.Params{"m": anyOf(tenantKey("t1"), []string{"thermostat"})}).Row(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("%d chunks left, want 1", n)
	}
}

func TestOptimize(t *testing.T) {
	db := openTestDB(t)
	for i := range 5 { // one segment per call
		addChunks(t, db, testChunk{id: "c" + string(rune('0'+i)), tenant: "t1", document: "d", text: "thermostat 12345-ABC-01"})
	}
	if err := Optimize(db); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"thermostat", "12345ABC01"} {
		if got := searchIDs(t, db, "t1", q); len(got) != 5 {
			t.Errorf("%q after Optimize: %v", q, got)
		}
	}
}
