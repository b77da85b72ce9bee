package hooks_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/usage"
)

// The second rollup level (usage_tenant_*) has no client access either (nil
// rules): only the analytics routes read it, for the caller's own tenant.
func init() {
	row := func(collection string, fields map[string]any) func(*testing.T, core.App, *core.Record) *core.Record {
		return func(t *testing.T, app core.App, tenant *core.Record) *core.Record {
			col, err := app.FindCollectionByNameOrId(collection)
			must(t, err)
			r := core.NewRecord(col)
			r.Load(fields)
			r.Set("tenant", tenant.Id)
			// the rows are unique per tenant and day (or month and person): each call takes another one
			n := int(matrixDays.Add(1))
			if collection == usage.TenantMonthlyUsers {
				r.Set("month", "2026-01")
				r.Set("user", fmt.Sprintf("someone%d", n))
			} else {
				r.Set("day", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n).Format(time.DateOnly))
			}
			must(t, app.Save(r))
			return r
		}
	}
	body := func(fields map[string]any) func(core.App, *core.Record) map[string]any {
		return func(_ core.App, tenant *core.Record) map[string]any {
			out := map[string]any{"tenant": tenant.Id}
			for k, v := range fields {
				out[k] = v
			}
			return out
		}
	}
	collectionMatrix[usage.TenantDaily] = collectionCase{
		make:       row(usage.TenantDaily, map[string]any{"questions": 3, "model": "llama3.1:8b"}),
		createBody: body(map[string]any{"day": "2026-01-01", "questions": 999}),
		change:     map[string]any{"questions": 999},
	}
	collectionMatrix[usage.TenantDays] = collectionCase{
		make:       row(usage.TenantDays, map[string]any{"active_users": 3, "latency": "40:3"}),
		createBody: body(map[string]any{"day": "2026-01-01", "active_users": 999}),
		change:     map[string]any{"active_users": 999},
	}
	collectionMatrix[usage.TenantMonthlyUsers] = collectionCase{
		make:       row(usage.TenantMonthlyUsers, map[string]any{"questions": 3}),
		createBody: body(map[string]any{"month": "2026-01", "user": "x", "questions": 999}),
		change:     map[string]any{"questions": 999},
	}
}
