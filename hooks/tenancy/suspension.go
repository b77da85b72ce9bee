package tenancy

import (
	"fmt"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// Messages a refused user reads; they say what happened and whom to ask.
const (
	msgDeactivated = "Your account has been deactivated. Ask your tenant admin to reactivate it."
	msgSuspended   = "%s is suspended, so nobody of it can sign in or use Counterpart. Contact your IT administrator."
)

// bindSuspension refuses sign-in and every API call of deactivated users and
// of users whose tenant is suspended, with a 403 that says which.
func bindSuspension(app core.App) {
	app.OnRecordAuthRequest(Users).BindFunc(func(e *core.RecordAuthRequestEvent) error {
		if err := refusal(e.RequestEvent, e.Record); err != nil {
			return err
		}
		return e.Next()
	})

	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.Bind(&hook.Handler[*core.RequestEvent]{
			Id: "counterpartTenantStatus",
			// right after PocketBase has loaded the caller from the token
			Priority: apis.DefaultLoadAuthTokenMiddlewarePriority + 1,
			Func: func(e *core.RequestEvent) error {
				if e.Auth != nil && e.Auth.Collection().Name == Users {
					if err := refusal(e, e.Auth); err != nil {
						return err
					}
				}
				return e.Next()
			},
		})
		return se.Next()
	})
}

// refusal returns the 403 for a user who may not use the app now, else nil.
func refusal(e *core.RequestEvent, user *core.Record) error {
	if !user.GetBool("active") {
		return e.ForbiddenError(msgDeactivated, nil)
	}
	t, err := e.App.FindRecordById(Tenants, user.GetString("tenant"))
	if err != nil {
		return e.ForbiddenError("Your account does not belong to a tenant. Contact your IT administrator.", nil)
	}
	if t.GetString("status") != StatusActive {
		return e.ForbiddenError(fmt.Sprintf(msgSuspended, t.GetString("name")), nil)
	}
	return nil
}
