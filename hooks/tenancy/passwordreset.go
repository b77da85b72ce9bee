package tenancy

import (
	"net/http"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"counterpart/hooks/appsettings"
)

// NoMailResetMessage is the answer to "forgot password" on a server without mail.
const NoMailResetMessage = "Mail is not set up on this server, so no reset link can be sent. " +
	"Ask your dealership's admin for a set-password link."

// CodeMailNotSetUp is the error code (under data.mail) of requests that need mail on a server without it.
const CodeMailNotSetUp = "mail_not_set_up"

// bindPasswordResetWithoutMail answers the users' request-password-reset
// route on a server without mail with NoMailResetMessage instead of
// PocketBase's 204 (whose mail could never leave). It answers before the
// address is looked up, the same for every address, so it tells nobody
// whether an address has an account.
func bindPasswordResetWithoutMail(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.Bind(&hook.Handler[*core.RequestEvent]{
			Id: "counterpartPasswordResetWithoutMail",
			Func: func(e *core.RequestEvent) error {
				if e.Request.Method != http.MethodPost || !isUsersPasswordResetRequest(e.App, e.Request.URL.Path) ||
					appsettings.MailSetUp(e.App) {
					return e.Next()
				}
				return e.BadRequestError(NoMailResetMessage, validation.Errors{
					"mail": validation.NewError(CodeMailNotSetUp, NoMailResetMessage)})
			},
		})
		return se.Next()
	})
}

// isUsersPasswordResetRequest reports whether path is the users collection's
// request-password-reset route (by collection name or id).
func isUsersPasswordResetRequest(app core.App, path string) bool {
	rest, ok := strings.CutPrefix(path, "/api/collections/")
	if !ok {
		return false
	}
	col, ok := strings.CutSuffix(strings.TrimSuffix(rest, "/"), "/request-password-reset")
	if !ok {
		return false
	}
	if col == Users {
		return true
	}
	users, err := app.FindCachedCollectionByNameOrId(Users)
	return err == nil && col == users.Id
}
