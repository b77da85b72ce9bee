package hooks_test

import "testing"

// The set-password link row of docs/permissions.md.
func init() {
	permissionActions["give a colleague a set-password link"] = func(t *testing.T, e permEnv) bool {
		u := invitedUser(t, e.app, e.a)
		return e.do(t, "POST", "/api/tenant/users/"+u.Id+"/set-password-link", nil).Status == 200
	}
}
