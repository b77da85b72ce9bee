package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// MessageRoles are who wrote a message.
var MessageRoles = []string{"user", "assistant"}

// MessageStatuses are the states of a message: a question is complete when
// stored; an answer passes pending → streaming → complete, failed or stopped.
var MessageStatuses = []string{"pending", "streaming", "complete", "failed", "stopped"}

// Feedback ratings of an answer.
var Feedback = []string{"up", "down"}

// ownRecord limits a rule to records of the caller's tenant that the caller owns.
const ownRecord = sameTenant + ` && user = @request.auth.id`

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

		conv := core.NewBaseCollection("conversations", "cp_convers00001")
		conv.Fields.Add(
			&core.RelationField{Name: "tenant", Required: true, MaxSelect: 1, CollectionId: tenants.Id, CascadeDelete: true},
			&core.RelationField{Name: "user", Required: true, MaxSelect: 1, CollectionId: users.Id, CascadeDelete: true},
			&core.TextField{Name: "title", Max: 200, Presentable: true},
			// n8n's chat memory key: random, set by the server, never by a client, never shown
			&core.TextField{Name: "session_id", Max: 64, Hidden: true},
			&core.BoolField{Name: "archived"},
			&core.DateField{Name: "last_message_at"},
			&core.AutodateField{Name: "created", OnCreate: true},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		// only the owner sees a conversation, not even the tenant's admin
		conv.ListRule = types.Pointer(ownRecord)
		conv.ViewRule = types.Pointer(ownRecord)
		conv.DeleteRule = types.Pointer(ownRecord)
		// session_id is hidden, so PocketBase ignores it in a client's body; last_message_at is refused
		serverOnly := `@request.body.last_message_at:isset = false`
		conv.CreateRule = types.Pointer(ownRecord + ` && ` + serverOnly)
		// the owner renames and archives; nothing else changes through the API
		conv.UpdateRule = types.Pointer(ownRecord + ` && @request.body.tenant:isset = false && @request.body.user:isset = false && ` + serverOnly)
		addTenantIndexes(conv, "created")
		conv.AddIndex("idx_conversations_user", false, "`user`, `last_message_at`", "")
		conv.AddIndex("idx_conversations_session", true, "`session_id`", "`session_id` != ''")
		if err := app.Save(conv); err != nil {
			return err
		}

		msgs := core.NewBaseCollection("messages", "cp_messages0001")
		msgs.Fields.Add(
			&core.RelationField{Name: "tenant", Required: true, MaxSelect: 1, CollectionId: tenants.Id, CascadeDelete: true},
			&core.RelationField{Name: "conversation", Required: true, MaxSelect: 1, CollectionId: conv.Id, CascadeDelete: true},
			&core.RelationField{Name: "user", Required: true, MaxSelect: 1, CollectionId: users.Id, CascadeDelete: true},
			&core.SelectField{Name: "role", Required: true, MaxSelect: 1, Values: MessageRoles},
			&core.TextField{Name: "content", Max: 200_000},
			&core.SelectField{Name: "status", Required: true, MaxSelect: 1, Values: MessageStatuses},
			&core.JSONField{Name: "sources", MaxSize: 64 << 10},
			&core.TextField{Name: "model", Max: 200},
			&core.NumberField{Name: "tokens_in", OnlyInt: true, Min: types.Pointer(0.0)},
			&core.NumberField{Name: "tokens_out", OnlyInt: true, Min: types.Pointer(0.0)},
			&core.NumberField{Name: "latency_ms", OnlyInt: true, Min: types.Pointer(0.0)},
			&core.NumberField{Name: "first_token_ms", OnlyInt: true, Min: types.Pointer(0.0)},
			// the plain sentence a user reads when an answer failed
			&core.TextField{Name: "error", Max: 2000},
			&core.BoolField{Name: "retrieval_only"},
			&core.SelectField{Name: "feedback", MaxSelect: 1, Values: Feedback},
			&core.TextField{Name: "feedback_comment", Max: 2000},
			&core.AutodateField{Name: "created", OnCreate: true},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		// the owner reads; everything is written by the chat routes
		msgs.ListRule = types.Pointer(ownRecord)
		msgs.ViewRule = types.Pointer(ownRecord)
		msgs.CreateRule, msgs.UpdateRule, msgs.DeleteRule = nil, nil, nil
		addTenantIndexes(msgs, "created")
		msgs.AddIndex("idx_messages_conversation", false, "`conversation`, `created`", "")
		// the monthly quota counts a tenant's questions since a date
		msgs.AddIndex("idx_messages_quota", false, "`tenant`, `role`, `created`", "")
		// the watchdog looks for answers left pending or streaming
		msgs.AddIndex("idx_messages_unfinished", false, "`status`, `updated`", "`status` IN ('pending', 'streaming')")
		if err := app.Save(msgs); err != nil {
			return err
		}
		// the question an answer answers: a relation to the collection itself, added once it exists
		msgs.Fields.AddAt(14, &core.RelationField{Name: "reply_to", MaxSelect: 1, CollectionId: msgs.Id})
		return app.Save(msgs)
	}, func(app core.App) error {
		for _, name := range []string{"messages", "conversations"} {
			if c, err := app.FindCollectionByNameOrId(name); err == nil {
				if err := app.Delete(c); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
