// Package hooks wires every Counterpart feature into a PocketBase app. The
// binary and the tests call the same Register, so what is tested is what ships.
package hooks

import (
	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/appsettings"
	"counterpart/hooks/audit"
	"counterpart/hooks/tenancy"
	"counterpart/internal/config"
)

// Register binds all features to app.
func Register(app core.App, cfg *config.Config) error {
	if err := appsettings.Register(app, cfg); err != nil {
		return err
	}
	audit.Register(app)
	tenancy.Register(app)
	return nil
}
