package documents

import (
	"slices"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	migrations "counterpart/pb_migrations"
)

// Limits on tags.
const (
	MaxTags      = 20
	MaxTagLength = 40
)

func (f *feature) bindMetadata(app core.App) {
	app.OnRecordUpdateRequest(Collection).BindFunc(func(e *core.RecordRequestEvent) error {
		if !e.HasSuperuserAuth() && e.Auth != nil {
			orig := e.Record.Original()
			for _, field := range []string{"status", "storage_key", "size", "filename", "uploaded_by", "content_type"} {
				if orig.GetString(field) != e.Record.GetString(field) {
					return e.ForbiddenError("Only the title, category, tags and description of a document can be edited.", nil)
				}
			}
		}
		if err := validateMetadata(e.Record.GetString("title"), e.Record.GetString("category"),
			e.Record.GetStringSlice("tags"), e.Record.GetString("description")); err != nil {
			return e.BadRequestError("Check the highlighted fields.", err)
		}
		e.Record.Set("tags", normalizeTags(e.Record.GetStringSlice("tags")))
		// processing may have moved on since this request loaded the record:
		// save the edit onto what processing wrote, not over it
		return e.App.RunInTransaction(func(tx core.App) error {
			fresh, err := tx.FindRecordById(Collection, e.Record.Id)
			if err != nil {
				return err
			}
			for _, field := range processingFields {
				e.Record.Set(field, fresh.Get(field))
			}
			e.App = tx
			return e.Next()
		})
	})
}

// validateMetadata checks what people type about a document, per field.
func validateMetadata(title, category string, tags []string, description string) error {
	errs := validation.Errors{}
	if len(title) > 200 {
		errs["title"] = validation.NewError("validation_too_long", "Use at most 200 characters.")
	}
	if category != "" && !slices.Contains(migrations.DocumentCategories, category) {
		errs["category"] = validation.NewError("validation_invalid_category", "Choose catalog, price_list, bulletin, manual or other.")
	}
	if len(tags) > MaxTags {
		errs["tags"] = validation.NewError("validation_too_many_tags", "Use at most 20 tags.")
	}
	for _, t := range tags {
		if len(strings.TrimSpace(t)) > MaxTagLength {
			errs["tags"] = validation.NewError("validation_tag_too_long", "A tag has at most 40 characters.")
		}
	}
	if len(description) > 2000 {
		errs["description"] = validation.NewError("validation_too_long", "Use at most 2000 characters.")
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// normalizeTags trims, lower-cases and de-duplicates tags.
func normalizeTags(tags []string) []string {
	out := []string{}
	for _, t := range tags {
		t = strings.ToLower(strings.Join(strings.Fields(t), " "))
		if t != "" && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}
