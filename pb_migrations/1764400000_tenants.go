package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// MaxUploadMB is the largest per-file upload limit a tenant may set
// (max_upload_mb); the local store's upload URLs accept files up to it.
const MaxUploadMB = 2048

// TenantFileTypes are the document kinds a tenant may allow.
var TenantFileTypes = []string{"pdf", "docx", "xlsx", "csv", "txt", "md"}

func init() {
	m.Register(func(app core.App) error {
		c := core.NewBaseCollection("tenants", "cp_tenants00001")
		ownTenant := signedInMember + ` && id = @request.auth.tenant`
		c.ListRule = types.Pointer(ownTenant)
		c.ViewRule = types.Pointer(ownTenant)
		// tenant admins edit settings; slug, status and quotas are IT's (superusers)
		// quotas are IT's: a tenant admin must not raise their own
		c.UpdateRule = types.Pointer(ownTenant + ` && @request.auth.role = "admin" && @request.body.slug:isset = false && @request.body.status:isset = false` +
			` && @request.body.storage_quota_mb:isset = false && @request.body.monthly_message_quota:isset = false`)
		c.CreateRule = nil
		c.DeleteRule = nil

		c.Fields.Add(
			&core.TextField{Name: "name", Required: true, Max: 120, Presentable: true},
			&core.TextField{Name: "slug", Required: true, Min: 2, Max: 63, Pattern: `^[a-z0-9][a-z0-9-]*[a-z0-9]$`},
			&core.SelectField{Name: "status", Required: true, MaxSelect: 1, Values: []string{"active", "suspended"}},
			&core.TextField{Name: "system_prompt", Max: 8000},
			&core.SelectField{Name: "allowed_file_types", MaxSelect: len(TenantFileTypes), Values: TenantFileTypes},
			&core.NumberField{Name: "max_upload_mb", OnlyInt: true, Min: types.Pointer(1.0), Max: types.Pointer(float64(MaxUploadMB))},
			&core.NumberField{Name: "storage_quota_mb", OnlyInt: true, Min: types.Pointer(0.0), Max: types.Pointer(100_000_000.0)},
			&core.NumberField{Name: "monthly_message_quota", OnlyInt: true, Min: types.Pointer(0.0), Max: types.Pointer(100_000_000.0)},
			&core.TextField{Name: "timezone", Max: 64},
			&core.TextField{Name: "report_schedule", Max: 120},
			&core.JSONField{Name: "report_recipients", MaxSize: 8192},
			&core.AutodateField{Name: "created", OnCreate: true},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		c.AddIndex("idx_tenants_slug", true, "slug", "")
		c.AddIndex("idx_tenants_status", false, "status", "")
		// the rules compare `id = @request.auth.tenant`, compiled with COALESCE (see addTenantIndexes)
		c.AddIndex("idx_tenants_rule", false, "COALESCE(`id`, '')", "")
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("tenants")
		if err != nil {
			return nil
		}
		return app.Delete(c)
	})
}
