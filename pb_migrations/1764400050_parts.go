package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"

	"counterpart/internal/supersession"
)

// PartImportStatuses are a price-file import's states: running, then done,
// needs_mapping (no part-number column: a person must map the columns) or failed.
var PartImportStatuses = []string{"running", "done", "needs_mapping", "failed"}

// SupersessionKinds say how a supersession replaces a part: by one part, by a
// set that is ordered together (all_of) or by any one of several (one_of).
var SupersessionKinds = []string{supersession.Single, supersession.AllOf, supersession.OneOf}

// Interchangeabilities say whether the old part may still be fitted for the
// new one (two_way) or only the new for the old (one_way); "" when the file says nothing.
var Interchangeabilities = []string{"one_way", "two_way"}

// The parts catalog: structured rows of the tenant's price files and catalogs
// (issue 12). Every collection is tenant-owned with the guarded sameTenant
// rule for reading and no client writes: only the import writes them.
func init() {
	m.Register(func(app core.App) error {
		tenants, err := app.FindCollectionByNameOrId("tenants")
		if err != nil {
			return err
		}
		docs, err := app.FindCollectionByNameOrId("documents")
		if err != nil {
			return err
		}
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		readOnly := func(c *core.Collection) {
			c.ListRule = types.Pointer(sameTenant)
			c.ViewRule = types.Pointer(sameTenant)
			c.CreateRule, c.UpdateRule, c.DeleteRule = nil, nil, nil
		}
		tenant := func() *core.RelationField {
			return &core.RelationField{Name: "tenant", Required: true, MaxSelect: 1, CollectionId: tenants.Id, CascadeDelete: true}
		}
		document := func(required bool) *core.RelationField {
			return &core.RelationField{Name: "document", Required: required, MaxSelect: 1, CollectionId: docs.Id, CascadeDelete: true}
		}

		imports := core.NewBaseCollection("part_imports", "cp_partimports1")
		readOnly(imports)
		imports.Fields.Add(
			tenant(),
			document(true),
			&core.SelectField{Name: "status", Required: true, MaxSelect: 1, Values: PartImportStatuses},
			&core.TextField{Name: "message", Max: 2000},
			&core.TextField{Name: "signature", Max: 64},
			&core.JSONField{Name: "headers", MaxSize: 64 << 10},
			&core.JSONField{Name: "mapping", MaxSize: 64 << 10},
			&core.JSONField{Name: "counts", MaxSize: 4096},
			&core.JSONField{Name: "price_changes", MaxSize: 1 << 20},
			&core.JSONField{Name: "new_supersessions", MaxSize: 1 << 20},
			&core.JSONField{Name: "row_errors", MaxSize: 1 << 20},
			&core.JSONField{Name: "duplicates", MaxSize: 1 << 20},
			&core.DateField{Name: "started"},
			&core.DateField{Name: "finished"},
			&core.AutodateField{Name: "created", OnCreate: true},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		addTenantIndexes(imports, "created")
		imports.AddIndex("idx_part_imports_document", false, "`document`, `created`", "")
		if err := app.Save(imports); err != nil {
			return err
		}

		parts := core.NewBaseCollection("parts", "cp_parts0000001")
		readOnly(parts)
		parts.Fields.Add(
			tenant(),
			// brand is the canonical code (partno.BrandOf); key and alt_key are match keys (partno.Keys)
			&core.TextField{Name: "brand", Max: 40},
			&core.TextField{Name: "key", Required: true, Max: 40},
			&core.TextField{Name: "alt_key", Max: 40},
			&core.TextField{Name: "alt_key2", Max: 40},
			&core.TextField{Name: "number", Required: true, Max: 80, Presentable: true},
			&core.TextField{Name: "display", Max: 80},
			&core.TextField{Name: "description", Max: 1000},
			// prices: {"list": {"amount": 89.5, "currency": "EUR", "label": "UPE"}, ...}
			&core.JSONField{Name: "prices", MaxSize: 8192},
			&core.DateField{Name: "price_since"},
			&core.JSONField{Name: "core_charge", MaxSize: 512},
			&core.NumberField{Name: "pack_qty", OnlyInt: true},
			&core.NumberField{Name: "min_order", OnlyInt: true},
			&core.TextField{Name: "price_group", Max: 40},
			&core.TextField{Name: "returnable", Max: 3},
			&core.NumberField{Name: "weight_kg"},
			&core.BoolField{Name: "discontinued"},
			// supplier is the header signature of the file family a re-import is a delta of
			&core.TextField{Name: "supplier", Max: 64},
			document(true),
			&core.TextField{Name: "sheet", Max: 255},
			&core.NumberField{Name: "row", OnlyInt: true},
			&core.TextField{Name: "import", Max: 15},
			&core.AutodateField{Name: "created", OnCreate: true},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		// no plain (tenant, created) index: idx_parts_key serves `tenant = ?`, and every
		// index costs the import of a 500,000-row price file (docs/performance.md)
		parts.AddIndex("idx_parts_tenant_rule", false, "COALESCE(`tenant`, ''), `created`", "")
		parts.AddIndex("idx_parts_key", true, "`tenant`, `key`, `brand`", "")
		parts.AddIndex("idx_parts_alt_key", false, "`tenant`, `alt_key`", "")
		parts.AddIndex("idx_parts_alt_key2", false, "`tenant`, `alt_key2`", "")
		parts.AddIndex("idx_parts_document", false, "`document`", "")
		if err := app.Save(parts); err != nil {
			return err
		}

		links := core.NewBaseCollection("part_supersessions", "cp_partsupers01")
		readOnly(links)
		links.Fields.Add(
			tenant(),
			&core.TextField{Name: "brand", Max: 40},
			&core.TextField{Name: "from_key", Required: true, Max: 40},
			&core.TextField{Name: "to_key", Required: true, Max: 40},
			&core.TextField{Name: "from_number", Max: 80},
			&core.TextField{Name: "to_number", Max: 80},
			&core.SelectField{Name: "kind", Required: true, MaxSelect: 1, Values: SupersessionKinds},
			&core.NumberField{Name: "qty"},
			&core.SelectField{Name: "interchange", MaxSelect: 1, Values: Interchangeabilities},
			&core.TextField{Name: "date", Max: 10},
			document(true),
			&core.TextField{Name: "sheet", Max: 255},
			&core.NumberField{Name: "row", OnlyInt: true},
			&core.AutodateField{Name: "created", OnCreate: true},
		)
		addTenantIndexes(links, "created")
		links.AddIndex("idx_part_supersessions_from", false, "`tenant`, `from_key`, `brand`", "")
		links.AddIndex("idx_part_supersessions_document", false, "`document`", "")
		if err := app.Save(links); err != nil {
			return err
		}

		prices := core.NewBaseCollection("part_prices", "cp_partprices01")
		readOnly(prices)
		prices.Fields.Add(
			tenant(),
			&core.RelationField{Name: "part", Required: true, MaxSelect: 1, CollectionId: parts.Id, CascadeDelete: true},
			&core.TextField{Name: "name", Required: true, Max: 80},
			&core.TextField{Name: "label", Max: 80},
			&core.NumberField{Name: "amount"},
			&core.TextField{Name: "currency", Max: 3},
			&core.DateField{Name: "valid_from"},
			&core.DateField{Name: "valid_to"},
			&core.TextField{Name: "document", Max: 15},
			&core.AutodateField{Name: "created", OnCreate: true},
		)
		addTenantIndexes(prices, "created")
		prices.AddIndex("idx_part_prices_part", false, "`part`, `valid_from`", "")
		if err := app.Save(prices); err != nil {
			return err
		}

		mappings := core.NewBaseCollection("part_mappings", "cp_partmapping1")
		readOnly(mappings)
		mappings.Fields.Add(
			tenant(),
			&core.TextField{Name: "signature", Required: true, Max: 64},
			&core.JSONField{Name: "headers", MaxSize: 64 << 10},
			&core.JSONField{Name: "mapping", MaxSize: 64 << 10},
			&core.RelationField{Name: "updated_by", MaxSelect: 1, CollectionId: users.Id},
			&core.AutodateField{Name: "created", OnCreate: true},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		addTenantIndexes(mappings, "created")
		mappings.AddIndex("idx_part_mappings_signature", true, "`tenant`, `signature`", "")
		if err := app.Save(mappings); err != nil {
			return err
		}

		// the part cards an answer is about, rendered beside its text
		messages, err := app.FindCollectionByNameOrId("messages")
		if err != nil {
			return err
		}
		messages.Fields.Add(&core.JSONField{Name: "parts", MaxSize: 1 << 20})
		return app.Save(messages)
	}, func(app core.App) error {
		if messages, err := app.FindCollectionByNameOrId("messages"); err == nil {
			messages.Fields.RemoveByName("parts")
			if err := app.Save(messages); err != nil {
				return err
			}
		}
		for _, name := range []string{"part_mappings", "part_prices", "part_supersessions", "parts", "part_imports"} {
			if c, err := app.FindCollectionByNameOrId(name); err == nil {
				if err := app.Delete(c); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
