package tenancy

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"counterpart/hooks/appsettings"
	"counterpart/hooks/audit"
)

// Command returns `counterpart tenant …`: create, list, suspend, activate and delete tenants.
func Command(app core.App) *cobra.Command {
	root := &cobra.Command{Use: "tenant", Short: "Create, list, suspend, activate and delete tenants (dealerships)"}

	var in TenantInput
	create := &cobra.Command{
		Use:     "create",
		Short:   "Create a tenant and its first tenant admin",
		Example: `  counterpart tenant create --name "Smith Motors" --slug smith --admin-email parts@smith-motors.com`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := app.RunAllMigrations(); err != nil {
				return err
			}
			if in.Name == "" || in.Slug == "" || in.AdminEmail == "" {
				return errors.New("--name, --slug and --admin-email are required")
			}
			t, admin, password, err := CreateTenant(app, in, audit.CLI)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "Created tenant %s (%s), id %s\n", t.GetString("name"), t.GetString("slug"), t.Id)
			fmt.Fprintf(out, "Tenant admin: %s\n", admin.Email())
			if in.AdminPassword == "" {
				if appsettings.MailSetUp(app) {
					if err := SendInvitation(app, t, admin, nil); err != nil {
						fmt.Fprintf(out, "The invitation mail could not be sent (%v).\n", err)
					} else {
						fmt.Fprintln(out, "An invitation to set a password was mailed to the admin.")
					}
				}
				fmt.Fprintf(out, "Temporary password (shown once; change it after signing in): %s\n", password)
			}
			return nil
		},
	}
	create.Flags().StringVar(&in.Name, "name", "", "the tenant's display name, e.g. \"Smith Motors\"")
	create.Flags().StringVar(&in.Slug, "slug", "", "short unique id: lowercase letters, digits and dashes")
	create.Flags().StringVar(&in.AdminEmail, "admin-email", "", "email of the first tenant admin")
	create.Flags().StringVar(&in.AdminName, "admin-name", "", "name of the first tenant admin")

	list := &cobra.Command{
		Use:   "list",
		Short: "List tenants with their status and number of users",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := app.RunAllMigrations(); err != nil {
				return err
			}
			tenants, err := app.FindRecordsByFilter(Tenants, "", "slug", 0, 0)
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "SLUG\tNAME\tSTATUS\tUSERS\tID")
			for _, t := range tenants {
				n, _ := app.CountRecords(Users, dbxTenant(t.Id))
				fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%s\n", t.GetString("slug"), t.GetString("name"), t.GetString("status"), n, t.Id)
			}
			return w.Flush()
		},
	}

	status := func(use, short, to string) *cobra.Command {
		return &cobra.Command{
			Use:   use + " SLUG",
			Short: short,
			Args:  cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				if err := app.RunAllMigrations(); err != nil {
					return err
				}
				t, err := FindTenant(app, args[0])
				if err != nil {
					return err
				}
				if err := SetStatus(app, t, to, audit.CLI); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "Tenant %s is %s.\n", t.GetString("slug"), to)
				return nil
			},
		}
	}

	var yes bool
	del := &cobra.Command{
		Use:   "delete SLUG",
		Short: "Delete a suspended tenant with all of its users, documents and conversations",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := app.RunAllMigrations(); err != nil {
				return err
			}
			t, err := FindTenant(app, args[0])
			if err != nil {
				return err
			}
			if t.GetString("status") != StatusSuspended {
				return ErrNotSuspended
			}
			if !yes && !confirm(cmd.InOrStdin(), cmd.OutOrStdout(), t.GetString("slug")) {
				return errors.New("not deleted")
			}
			if err := DeleteTenant(app, t, audit.CLI); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Tenant %s and all of its data were deleted.\n", t.GetString("slug"))
			return nil
		},
	}
	del.Flags().BoolVar(&yes, "yes", false, "do not ask for confirmation")

	root.AddCommand(create, list,
		status("suspend", "Suspend a tenant: its users can no longer sign in", StatusSuspended),
		status("activate", "Reactivate a suspended tenant", StatusActive),
		del)
	return root
}

func confirm(in io.Reader, out io.Writer, slug string) bool {
	fmt.Fprintf(out, "This deletes tenant %s and all of its data for good. Type the slug to confirm: ", slug)
	line, _ := bufio.NewReader(in).ReadString('\n')
	return strings.TrimSpace(line) == slug
}
