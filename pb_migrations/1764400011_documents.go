package migrations

import (
	"strings"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// DocumentStatuses are a document's states, in the order it passes them.
var DocumentStatuses = []string{"pending_upload", "uploaded", "processing", "ready", "failed"}

// DocumentCategories are the kinds of document a dealership keeps.
var DocumentCategories = []string{"catalog", "price_list", "bulletin", "manual", "other"}

// DocumentMetadata are the fields people edit; the rest is the server's.
var DocumentMetadata = []string{"title", "category", "tags", "description"}

func init() {
	m.Register(func(app core.App) error {
		tenants, err := app.FindCollectionByNameOrId("tenants")
		if err != nil {
			return err
		}
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}

		docs := core.NewBaseCollection("documents", "cp_documents001")
		docs.Fields.Add(
			&core.RelationField{Name: "tenant", Required: true, MaxSelect: 1, CollectionId: tenants.Id, CascadeDelete: true},
			&core.RelationField{Name: "uploaded_by", MaxSelect: 1, CollectionId: users.Id},
			&core.TextField{Name: "title", Max: 200, Presentable: true},
			&core.TextField{Name: "filename", Required: true, Max: 255},
			&core.TextField{Name: "content_type", Max: 128},
			&core.NumberField{Name: "size", OnlyInt: true, Min: types.Pointer(0.0)},
			&core.TextField{Name: "sha256", Max: 64},
			&core.TextField{Name: "storage_key", Max: 512, Hidden: true},
			&core.SelectField{Name: "status", Required: true, MaxSelect: 1, Values: DocumentStatuses},
			&core.TextField{Name: "error", Max: 2000},
			&core.SelectField{Name: "category", MaxSelect: 1, Values: DocumentCategories},
			&core.JSONField{Name: "tags", MaxSize: 4096},
			&core.TextField{Name: "description", Max: 2000},
			&core.NumberField{Name: "pages", OnlyInt: true},
			&core.NumberField{Name: "rows", OnlyInt: true},
			&core.NumberField{Name: "chunks", OnlyInt: true},
			&core.DateField{Name: "processed_at"},
			&core.AutodateField{Name: "created", OnCreate: true},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		docs.ListRule = types.Pointer(sameTenant)
		docs.ViewRule = types.Pointer(sameTenant)
		// uploads go through POST /api/documents/uploads, which checks type, size and quota
		docs.CreateRule = nil
		// admins, managers and the uploader edit metadata; everything else is the server's
		serverFields := []string{}
		for _, f := range []string{"tenant", "uploaded_by", "filename", "content_type", "size", "sha256", "storage_key",
			"status", "error", "pages", "rows", "chunks", "processed_at"} {
			serverFields = append(serverFields, "@request.body."+f+":isset = false")
		}
		editor := `(@request.auth.role = "admin" || @request.auth.role = "manager" || uploaded_by = @request.auth.id)`
		docs.UpdateRule = types.Pointer(sameTenant + " && " + editor + " && " + strings.Join(serverFields, " && "))
		docs.DeleteRule = types.Pointer(sameTenant + " && " + editor)
		addTenantIndexes(docs, "created")
		docs.AddIndex("idx_documents_status", false, "`status`, `updated`", "")
		if err := app.Save(docs); err != nil {
			return err
		}

		chunks := core.NewBaseCollection("chunks", "cp_chunks000001")
		chunks.Fields.Add(
			&core.RelationField{Name: "tenant", Required: true, MaxSelect: 1, CollectionId: tenants.Id, CascadeDelete: true},
			&core.RelationField{Name: "document", Required: true, MaxSelect: 1, CollectionId: docs.Id, CascadeDelete: true},
			&core.NumberField{Name: "ordinal", OnlyInt: true},
			&core.NumberField{Name: "page", OnlyInt: true},
			&core.NumberField{Name: "row", OnlyInt: true},
			&core.TextField{Name: "sheet", Max: 255},
			&core.TextField{Name: "text", Max: 100_000},
			&core.AutodateField{Name: "created", OnCreate: true},
		)
		// no client access: passages are served through the search routes
		chunks.ListRule, chunks.ViewRule, chunks.CreateRule, chunks.UpdateRule, chunks.DeleteRule = nil, nil, nil, nil, nil
		addTenantIndexes(chunks, "created")
		chunks.AddIndex("idx_chunks_document", false, "`document`, `ordinal`", "")
		return app.Save(chunks)
	}, func(app core.App) error {
		for _, name := range []string{"chunks", "documents"} {
			if c, err := app.FindCollectionByNameOrId(name); err == nil {
				if err := app.Delete(c); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
