package audit

import (
	"errors"

	"github.com/pocketbase/pocketbase/core"
)

// Register makes the audit log append-only: no API request may create, edit
// or delete an entry, not even a superuser's, and no code may edit one.
// Entries go away only with their tenant.
func Register(app core.App) {
	refuse := func(e *core.RecordRequestEvent) error {
		return e.ForbiddenError("The audit log is append-only: entries are written by Counterpart and cannot be created, changed or deleted.", nil)
	}
	app.OnRecordCreateRequest(Collection).BindFunc(refuse)
	app.OnRecordUpdateRequest(Collection).BindFunc(refuse)
	app.OnRecordDeleteRequest(Collection).BindFunc(refuse)
	app.OnRecordUpdate(Collection).BindFunc(func(e *core.RecordEvent) error {
		return errAppendOnly
	})
}

var errAppendOnly = errors.New("audit log entries cannot be changed")
