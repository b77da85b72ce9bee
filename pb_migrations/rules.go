// Package migrations holds Counterpart's schema as Go migrations: every
// collection with its fields, API rules and indexes. Importing the package
// registers them with PocketBase, for the binary and the tests alike.
package migrations

// Rule fragments shared by every tenant-owned collection. A guest's
// @request.auth.* is NULL and `=` treats NULL and ” as equal, so each rule
// first requires a signed-in, active user with a non-empty tenant.
const (
	// signedInMember is any active user of some tenant.
	signedInMember = `@request.auth.collectionName = "users" && @request.auth.tenant != "" && @request.auth.active = true`

	// sameTenant limits a rule to records of the caller's own tenant.
	sameTenant = signedInMember + ` && tenant = @request.auth.tenant`

	// tenantAdmin limits a rule to tenant admins of the record's tenant.
	tenantAdmin = sameTenant + ` && @request.auth.role = "admin"`
)
