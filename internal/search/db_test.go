package search

import (
	"path/filepath"
	"testing"

	"github.com/pocketbase/dbx"
	_ "modernc.org/sqlite" // registers the "sqlite" driver PocketBase uses
)

// openTestDB returns a new database with the chunks table and the index.
func openTestDB(t testing.TB) *dbx.DB {
	t.Helper()
	db, err := dbx.Open("sqlite", filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := createTables(db); err != nil {
		t.Fatal(err)
	}
	return db
}
