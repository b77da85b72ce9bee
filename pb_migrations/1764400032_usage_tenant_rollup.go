package migrations

import (
	"fmt"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// TenantUsageCollections are the second rollup level (hooks/usage): usage_daily
// without the user dimension, so a year's summary reads a few thousand rows
// instead of tens of thousands (docs/performance.md, "Analytics").
//   - usage_tenant_daily: tenant × local day × model, the summary's counters;
//   - usage_tenant_days: tenant × local day, the day's active people and its
//     latency histogram ("bucket:answers" pairs), recomputed from usage_daily
//     and usage_latency whenever the rollup touches the day;
//   - usage_tenant_monthly_users: tenant × local month × person, questions,
//     for top users and active people over whole months.
var TenantUsageCollections = []string{"usage_tenant_daily", "usage_tenant_days", "usage_tenant_monthly_users"}

func init() {
	m.Register(func(app core.App) error {
		tenants, err := app.FindCollectionByNameOrId("tenants")
		if err != nil {
			return err
		}
		tenant := func() *core.RelationField {
			return &core.RelationField{Name: "tenant", Required: true, MaxSelect: 1, CollectionId: tenants.Id, CascadeDelete: true}
		}
		noAccess := func(c *core.Collection) {
			c.ListRule, c.ViewRule, c.CreateRule, c.UpdateRule, c.DeleteRule = nil, nil, nil, nil, nil
		}
		day := func() *core.TextField { return &core.TextField{Name: "day", Required: true, Min: 10, Max: 10} }

		daily := core.NewBaseCollection("usage_tenant_daily", "cp_usagetdaily1")
		noAccess(daily)
		daily.Fields.Add(tenant(), day(), &core.TextField{Name: "model", Max: 200})
		for _, name := range summaryCounters {
			daily.Fields.Add(&core.NumberField{Name: name, OnlyInt: true})
		}
		addTenantIndexes(daily, "day")
		daily.AddIndex("idx_usage_tenant_daily_key", true, "`tenant`, `day`, `model`", "")
		// covering, as usage_daily's: a range is one index-only scan
		daily.RemoveIndex("idx_usage_tenant_daily_tenant")
		daily.AddIndex("idx_usage_tenant_daily_summary", false, "`tenant`, `day`, `model`, `"+strings.Join(summaryCounters, "`, `")+"`", "")
		daily.AddIndex("idx_usage_tenant_daily_day", false, "`day`, `tenant`, `model`, `"+strings.Join(summaryCounters, "`, `")+"`", "")
		if err := app.Save(daily); err != nil {
			return err
		}

		days := core.NewBaseCollection("usage_tenant_days", "cp_usagetdays01")
		noAccess(days)
		days.Fields.Add(tenant(), day(),
			&core.NumberField{Name: "active_users", OnlyInt: true},
			// the day's latency histogram (internal/percentile) as "bucket:answers" pairs
			&core.TextField{Name: "latency", Max: 4000},
		)
		addTenantIndexes(days, "day")
		days.AddIndex("idx_usage_tenant_days_key", true, "`tenant`, `day`", "")
		days.RemoveIndex("idx_usage_tenant_days_tenant")
		days.AddIndex("idx_usage_tenant_days_summary", false, "`tenant`, `day`, `active_users`, `latency`", "")
		days.AddIndex("idx_usage_tenant_days_day", false, "`day`, `tenant`, `active_users`, `latency`", "")
		if err := app.Save(days); err != nil {
			return err
		}

		monthly := core.NewBaseCollection("usage_tenant_monthly_users", "cp_usagetmonth1")
		noAccess(monthly)
		monthly.Fields.Add(tenant(),
			// YYYY-MM in the tenant's time zone
			&core.TextField{Name: "month", Required: true, Min: 7, Max: 7},
			&core.TextField{Name: "user", Required: true, Max: 64},
			&core.NumberField{Name: "questions", OnlyInt: true},
		)
		addTenantIndexes(monthly, "month")
		monthly.AddIndex("idx_usage_tenant_monthly_users_key", true, "`tenant`, `month`, `user`", "")
		monthly.RemoveIndex("idx_usage_tenant_monthly_users_tenant")
		monthly.AddIndex("idx_usage_tenant_monthly_users_summary", false, "`tenant`, `month`, `user`, `questions`", "")
		monthly.AddIndex("idx_usage_tenant_monthly_users_month", false, "`month`, `tenant`, `user`, `questions`", "")
		if err := app.Save(monthly); err != nil {
			return err
		}
		return BackfillTenantUsage(app)
	}, func(app core.App) error {
		for i := len(TenantUsageCollections) - 1; i >= 0; i-- {
			if c, err := app.FindCollectionByNameOrId(TenantUsageCollections[i]); err == nil {
				if err := app.Delete(c); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// BackfillTenantUsage rebuilds the second rollup level from usage_daily and
// usage_latency, so that an install upgraded with rolled-up history shows the
// same numbers. It replaces whatever the tables hold; run it in a transaction
// (migrations are).
func BackfillTenantUsage(app core.App) error {
	sums := make([]string, len(summaryCounters))
	for i, c := range summaryCounters {
		sums[i] = "SUM([[" + c + "]])"
	}
	for _, q := range []string{
		"DELETE FROM {{usage_tenant_daily}}",
		"DELETE FROM {{usage_tenant_days}}",
		"DELETE FROM {{usage_tenant_monthly_users}}",
		"INSERT INTO {{usage_tenant_daily}} ([[tenant]], [[day]], [[model]], [[" + strings.Join(summaryCounters, "]], [[") + "]]) " +
			"SELECT [[tenant]], [[day]], [[model]], " + strings.Join(sums, ", ") + " FROM {{usage_daily}} GROUP BY [[tenant]], [[day]], [[model]]",
		"INSERT INTO {{usage_tenant_days}} ([[tenant]], [[day]], [[active_users]], [[latency]]) " +
			"SELECT d.[[tenant]], d.[[day]], COUNT(DISTINCT NULLIF(d.[[user]], '')), " +
			"COALESCE((SELECT group_concat(l.[[bucket]] || ':' || l.[[answers]], ' ') FROM {{usage_latency}} l " +
			"WHERE l.[[tenant]] = d.[[tenant]] AND l.[[day]] = d.[[day]] AND l.[[answers]] != 0), '') " +
			"FROM {{usage_daily}} d GROUP BY d.[[tenant]], d.[[day]]",
		"INSERT INTO {{usage_tenant_monthly_users}} ([[tenant]], [[month]], [[user]], [[questions]]) " +
			"SELECT [[tenant]], substr([[day]], 1, 7), [[user]], SUM([[questions]]) FROM {{usage_daily}} WHERE [[user]] != '' " +
			"GROUP BY [[tenant]], substr([[day]], 1, 7), [[user]]",
	} {
		if _, err := app.DB().NewQuery(q).Execute(); err != nil {
			return fmt.Errorf("backfilling the tenant usage rollup: %w", err)
		}
	}
	return nil
}
