package search

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/pocketbase/dbx"
	_ "modernc.org/sqlite" // registers the "sqlite" driver PocketBase uses
)

// pbPragmas are the connection settings of PocketBase's
// core.DefaultDBConnect.
const pbPragmas = "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=journal_size_limit(200000000)" +
	"&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(ON)&_pragma=temp_store(MEMORY)&_pragma=cache_size(-32000)"

// openTestDB returns a new database with the chunks table and the index,
// opened the way PocketBase opens its data.db.
func openTestDB(t testing.TB) *dbx.DB {
	t.Helper()
	db, err := dbx.Open("sqlite", filepath.Join(t.TempDir(), "test.db")+pbPragmas)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := createTables(db); err != nil {
		t.Fatal(err)
	}
	return db
}

// testChunk is a chunk row for tests; id defaults to a generated one.
type testChunk struct {
	id, tenant, document, text string
	page, row                  int
	sheet                      string
}

// addChunks inserts chunk rows and indexes them, returning their rowids.
func addChunks(t testing.TB, db dbx.Builder, chunks ...testChunk) []int64 {
	t.Helper()
	var entries []Chunk
	var rowids []int64
	for i, c := range chunks {
		params := dbx.Params{"tenant": c.tenant, "document": c.document, "ordinal": i,
			"page": c.page, "row": c.row, "sheet": c.sheet, "text": c.text}
		if c.id != "" {
			params["id"] = c.id
		}
		res, err := db.Insert("chunks", params).Execute()
		if err != nil {
			t.Fatal(err)
		}
		rowid, err := res.LastInsertId()
		if err != nil {
			t.Fatal(err)
		}
		rowids = append(rowids, rowid)
		entries = append(entries, Chunk{RowID: rowid, Tenant: c.tenant, Text: c.text})
	}
	if err := IndexChunks(db, entries); err != nil {
		t.Fatal(err)
	}
	return rowids
}

// searchIDs runs Search and returns the chunk ids found, in order.
func searchIDs(t testing.TB, db dbx.Builder, tenant, query string) []string {
	t.Helper()
	res, err := Search(context.Background(), db, tenant, query, MaxLimit)
	if err != nil {
		t.Fatalf("Search(%q, %q): %v", tenant, query, err)
	}
	ids := make([]string, len(res))
	for i, p := range res {
		ids[i] = p.ChunkID
	}
	return ids
}

// sameSet reports whether a and b hold the same strings in any order.
func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
