package documents

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
)

// processingFields are the fields the server writes while it processes a
// document; people edit the others (title, category, tags, description).
var processingFields = []string{"status", "error", "pages", "rows", "chunks", "processed_at", "sha256"}

// SetState writes fields (processing fields) onto the stored version of doc
// and saves it in one transaction, so that a metadata edit made while the
// document was processed is kept; doc is refreshed with what was saved.
func SetState(app core.App, doc *core.Record, fields map[string]any) error {
	err := app.RunInTransaction(func(tx core.App) error {
		fresh, err := tx.FindRecordById(Collection, doc.Id)
		if err != nil {
			return err
		}
		for k, v := range fields {
			fresh.Set(k, v)
		}
		if err := tx.Save(fresh); err != nil {
			return err
		}
		doc.Load(fresh.FieldsData())
		return nil
	})
	if err != nil {
		return fmt.Errorf("save state of document %s: %w", doc.Id, err)
	}
	return nil
}
