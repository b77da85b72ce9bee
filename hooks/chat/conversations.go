package chat

import (
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"
	"github.com/pocketbase/pocketbase/tools/types"
)

// bindConversations gives every new conversation its n8n session id (never
// a client's) and stops the answers of a conversation that is deleted.
func (f *feature) bindConversations(app core.App) {
	app.OnRecordCreate(Conversations).BindFunc(func(e *core.RecordEvent) error {
		e.Record.Set("session_id", "cp-"+security.RandomStringWithAlphabet(32, "abcdefghijklmnopqrstuvwxyz0123456789"))
		return e.Next()
	})
	app.OnRecordDelete(Conversations).BindFunc(func(e *core.RecordEvent) error {
		f.reg.cancelConversation(e.Record.Id, errDeleted)
		return e.Next()
	})
}

// failUnfinished marks answers still pending or streaming, last written
// before cutoff and not running in this process, as failed with a retry:
// what a crash or a kill left behind.
func (f *feature) failUnfinished(cutoff time.Time) (int, error) {
	recs, err := f.app.FindAllRecords(Messages, dbx.In("status", StatusPending, StatusStreaming),
		dbx.NewExp("updated < {:cutoff}", dbx.Params{"cutoff": cutoff.UTC().Format(types.DefaultDateLayout)}))
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range recs {
		if f.reg.get(r.Id) != nil {
			continue
		}
		r.Set("status", StatusFailed)
		r.Set("error", msgInterrupted)
		if err := f.app.Save(r); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
