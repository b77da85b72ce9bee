// Package demo seeds two demo dealerships with an admin, a manager and a
// member each, so that a fresh install can be tried at once. The tests build
// on the same seed.
package demo

import (
	"fmt"
	"io"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"counterpart/hooks/audit"
	"counterpart/hooks/tenancy"
)

// Password is every demo user's password.
const Password = "counterpart-demo"

// Tenant is one seeded dealership.
type Tenant struct {
	Name, Slug string
	// Users maps a role to its user's email.
	Users map[string]string
}

// Tenants are the demo dealerships, in seeding order.
var Tenants = []Tenant{
	{Name: "Smith Motors", Slug: "smith", Users: map[string]string{
		"admin": "admin@smith.example", "manager": "manager@smith.example", "member": "member@smith.example"}},
	{Name: "Jones Parts", Slug: "jones", Users: map[string]string{
		"admin": "admin@jones.example", "manager": "manager@jones.example", "member": "member@jones.example"}},
}

// Seed creates whatever of the demo data is missing and leaves the rest as it
// is, so running it twice changes nothing.
func Seed(app core.App) error {
	return app.RunInTransaction(func(tx core.App) error {
		for _, dt := range Tenants {
			t, err := tx.FindFirstRecordByData(tenancy.Tenants, "slug", dt.Slug)
			if err != nil {
				t, _, _, err = tenancy.CreateTenant(tx, tenancy.TenantInput{Name: dt.Name, Slug: dt.Slug,
					AdminEmail: dt.Users["admin"], AdminName: "Demo Admin", AdminPassword: Password}, audit.CLI)
				if err != nil {
					return fmt.Errorf("seed %s: %w", dt.Slug, err)
				}
			}
			for _, role := range []string{"admin", "manager", "member"} {
				email := dt.Users[role]
				if _, err := tx.FindAuthRecordByEmail(tenancy.Users, email); err == nil {
					continue
				}
				if _, err := tenancy.NewUser(tx, t.Id, email, "Demo "+role, role, Password); err != nil {
					return fmt.Errorf("seed %s: %w", email, err)
				}
			}
		}
		return nil
	})
}

// Command returns `counterpart seed --demo`.
func Command(app core.App) *cobra.Command {
	var withDemo bool
	cmd := &cobra.Command{
		Use:   "seed",
		Short: "Load demo data (two dealerships with an admin, a manager and a member each)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !withDemo {
				return fmt.Errorf("nothing to seed: pass --demo to load the demo dealerships")
			}
			if err := app.RunAllMigrations(); err != nil {
				return err
			}
			if err := Seed(app); err != nil {
				return err
			}
			PrintSignIn(cmd.OutOrStdout(), app.Settings().Meta.AppURL)
			return nil
		},
	}
	cmd.Flags().BoolVar(&withDemo, "demo", false, "load the demo dealerships")
	return cmd
}

// PrintSignIn tells how to sign in as the demo users.
func PrintSignIn(w io.Writer, appURL string) {
	fmt.Fprintf(w, "Demo data is loaded. Sign in at %s with password %q as:\n", appURL, Password)
	for _, t := range Tenants {
		for _, role := range []string{"admin", "manager", "member"} {
			fmt.Fprintf(w, "  %-24s %-8s of %s\n", t.Users[role], role, t.Name)
		}
	}
}
