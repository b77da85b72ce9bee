package tenancy_test

import "github.com/pocketbase/dbx"

func dbxTenant(id string) dbx.Expression     { return dbx.HashExp{"tenant": id} }
func dbxAction(action string) dbx.Expression { return dbx.HashExp{"action": action} }
