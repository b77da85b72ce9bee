package analytics

import (
	"fmt"
	"io"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"counterpart/hooks/api"
	"counterpart/hooks/usage"
	"counterpart/internal/csvsafe"
)

// ConversationsHeader is the header of conversations.csv without message text.
var ConversationsHeader = []string{"conversation", "user", "user_name", "title", "created", "last_message",
	"questions", "answers", "failures", "feedback_up", "feedback_down"}

// MessagesHeader is the header of conversations.csv when the tenant allows
// message text: one row per message, the conversation's columns repeated.
var MessagesHeader = []string{"conversation", "user", "user_name", "title", "message", "created", "role", "status",
	"model", "feedback", "text"}

// handleExportConversations streams conversations.csv of the caller's
// tenant: conversations created or active in the range, times in the
// tenant's zone. Message text only when the tenant's export_message_text is on.
func handleExportConversations(e *core.RequestEvent) error {
	user, err := api.TenantUser(e, api.Manager)
	if err != nil {
		return err
	}
	tenantID, err := ownTenant(e, user)
	if err != nil {
		return err
	}
	tenant, err := e.App.FindRecordById("tenants", tenantID)
	if err != nil {
		return e.NotFoundError("Your tenant was not found.", nil)
	}
	loc := usage.Location(tenant.GetString("timezone"))
	q := e.Request.URL.Query()
	format, err := csvFormatOf(q)
	if err != nil {
		return e.BadRequestError(err.Error(), nil)
	}
	r, err := parseRange(q.Get("from"), q.Get("to"), time.Now(), loc)
	if err != nil {
		return answerError(e, err)
	}
	withText := tenant.GetBool("export_message_text")
	attachment(e, "conversations", tenant.GetString("slug"), r, format)
	rows, err := writeConversations(e.App, e.Response, tenantID, r, loc, withText, format)
	if err != nil {
		e.App.Logger().Error("analytics: conversations export cut off", "tenant", tenantID, "rows", rows, "error", err)
		return nil
	}
	recordExport(e.App, tenantID, user.Id, "conversations.csv", rows)
	return nil
}

// writeConversations streams the conversations of a tenant created or with a
// last message in the range, in format f; with text, one row per message instead.
func writeConversations(app core.App, w io.Writer, tenantID string, r dateRange, loc *time.Location, withText bool, f CSVFormat) (int64, error) {
	start, end := r.bounds(loc)
	from, _ := types.ParseDateTime(start.UTC())
	to, _ := types.ParseDateTime(end.UTC())
	params := dbx.Params{"tenant": tenantID, "from": from.String(), "to": to.String()}
	inRange := "c.[[tenant]] = {:tenant} AND ((c.[[created]] >= {:from} AND c.[[created]] < {:to}) OR " +
		"(c.[[last_message_at]] >= {:from} AND c.[[last_message_at]] < {:to}))"
	local := func(s string) string {
		t, err := types.ParseDateTime(s)
		if err != nil || t.IsZero() {
			return ""
		}
		return t.Time().In(loc).Format(time.DateTime)
	}

	out, err := newCSVOut(w, f)
	if err != nil {
		return 0, err
	}
	var sql string
	if withText {
		if err := out.row(MessagesHeader...); err != nil {
			return 0, err
		}
		sql = "SELECT c.[[id]], c.[[user]], COALESCE(u.[[name]], ''), c.[[title]], m.[[id]], m.[[created]], m.[[role]], m.[[status]], " +
			"m.[[model]], m.[[feedback]], m.[[content]] FROM {{conversations}} c JOIN {{messages}} m ON m.[[conversation]] = c.[[id]] " +
			"LEFT JOIN {{users}} u ON u.[[id]] = c.[[user]] WHERE " + inRange + " ORDER BY c.[[created]], c.[[id]], m.[[created]]"
	} else {
		if err := out.row(ConversationsHeader...); err != nil {
			return 0, err
		}
		count := func(cond string) string {
			return "(SELECT COUNT(*) FROM {{messages}} m WHERE m.[[conversation]] = c.[[id]] AND " + cond + ")"
		}
		sql = "SELECT c.[[id]], c.[[user]], COALESCE(u.[[name]], ''), c.[[title]], c.[[created]], c.[[last_message_at]], " +
			count("m.[[role]] = 'user'") + ", " + count("m.[[role]] = 'assistant' AND m.[[status]] = 'complete'") + ", " +
			count("m.[[role]] = 'assistant' AND m.[[status]] = 'failed'") + ", " + count("m.[[feedback]] = 'up'") + ", " +
			count("m.[[feedback]] = 'down'") + " FROM {{conversations}} c LEFT JOIN {{users}} u ON u.[[id]] = c.[[user]] " +
			"WHERE " + inRange + " ORDER BY c.[[created]], c.[[id]]"
	}
	rows, err := app.DB().NewQuery(sql).Bind(params).Rows()
	if err != nil {
		return 0, fmt.Errorf("conversations export of %s: %w", tenantID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var conv, user, name, title string
		if withText {
			var msg, created, role, status, model, feedback, text string
			if err := rows.Scan(&conv, &user, &name, &title, &msg, &created, &role, &status, &model, &feedback, &text); err != nil {
				return out.rows - 1, err
			}
			err = out.row(conv, user, csvsafe.Cell(name), csvsafe.Cell(title), msg, local(created), role, status,
				csvsafe.Cell(model), feedback, csvsafe.Cell(text))
		} else {
			var created, last string
			var n [5]int64
			if err := rows.Scan(&conv, &user, &name, &title, &created, &last, &n[0], &n[1], &n[2], &n[3], &n[4]); err != nil {
				return out.rows - 1, err
			}
			err = out.row(conv, user, csvsafe.Cell(name), csvsafe.Cell(title), local(created), local(last),
				num(n[0]), num(n[1]), num(n[2]), num(n[3]), num(n[4]))
		}
		if err != nil {
			return out.rows - 1, err
		}
	}
	if err := rows.Err(); err != nil {
		return out.rows - 1, err
	}
	return out.rows - 1, out.sync()
}
