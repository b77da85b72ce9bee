package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"counterpart/internal/search"
)

// The full-text index over chunks is not a collection: PocketBase cannot
// express FTS5 tables, so internal/search owns its DDL.
func init() {
	m.Register(func(app core.App) error {
		for _, stmt := range search.Schema() {
			if _, err := app.DB().NewQuery(stmt).Execute(); err != nil {
				return err
			}
		}
		return nil
	}, func(app core.App) error {
		for _, stmt := range search.DropSchema() {
			if _, err := app.DB().NewQuery(stmt).Execute(); err != nil {
				return err
			}
		}
		return nil
	})
}
