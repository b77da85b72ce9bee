package usage_test

import (
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/tenancy"
	"counterpart/hooks/usage"
)

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func tenant(t testing.TB, app core.App, slug string) *core.Record {
	t.Helper()
	r, err := tenancy.FindTenant(app, slug)
	must(t, err)
	return r
}

func user(t testing.TB, app core.App, email string) *core.Record {
	t.Helper()
	u, err := app.FindAuthRecordByEmail("users", email)
	must(t, err)
	return u
}

// newAnswer stores a conversation of u with a question and a pending answer, as the chat does.
func newAnswer(t testing.TB, app core.App, u *core.Record) *core.Record {
	t.Helper()
	convs, err := app.FindCollectionByNameOrId("conversations")
	must(t, err)
	conv := core.NewRecord(convs)
	conv.Set("tenant", u.GetString("tenant"))
	conv.Set("user", u.Id)
	must(t, app.Save(conv))
	msgs, err := app.FindCollectionByNameOrId("messages")
	must(t, err)
	q := core.NewRecord(msgs)
	q.Load(map[string]any{"tenant": u.GetString("tenant"), "conversation": conv.Id, "user": u.Id, "role": "user", "status": "complete", "content": "Price of 04152-YZZA6?"})
	must(t, app.Save(q))
	a := core.NewRecord(msgs)
	a.Load(map[string]any{"tenant": u.GetString("tenant"), "conversation": conv.Id, "user": u.Id, "role": "assistant", "status": "pending", "reply_to": q.Id})
	must(t, app.Save(a))
	return a
}

// events counts the usage events of kind about subject.
func events(t testing.TB, app core.App, kind, subject string) int64 {
	t.Helper()
	n, err := app.CountRecords(usage.Events, dbx.HashExp{"kind": kind, "subject": subject})
	must(t, err)
	return n
}

// daily sums a usage_daily column of a tenant ("" = all days).
func daily(t testing.TB, app core.App, tenantID, column, day string) int64 {
	t.Helper()
	var row struct {
		N int64 `db:"n"`
	}
	q := app.DB().Select("COALESCE(SUM([" + "[" + column + "]]), 0) AS n").From(usage.Daily).Where(dbx.HashExp{"tenant": tenantID})
	if day != "" {
		q.AndWhere(dbx.HashExp{"day": day})
	}
	must(t, q.One(&row))
	return row.N
}

func exec(t testing.TB, app core.App, sql string) {
	t.Helper()
	_, err := app.NonconcurrentDB().NewQuery(sql).Execute()
	must(t, err)
}
