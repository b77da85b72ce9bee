// Package backups gives IT `counterpart backup create | list | restore`.
// Backups are PocketBase's: a zip of the data dir (the SQLite databases and,
// with the local store, the document files under <data_dir>/storage), kept in
// <data_dir>/backups or, with backups.s3, in the S3 bucket. Scheduled backups
// (backups.cron, backups.keep) are applied by hooks/appsettings.
package backups

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"
)

// Command returns `counterpart backup …`. serverAddr is the address the
// service listens on (with TLS when useTLS): while it runs, backups are made
// by the service itself, because a second process copying the database makes
// the service's writes wait for seconds and some fail.
func Command(app core.App, serverAddr string, useTLS bool) *cobra.Command {
	root := &cobra.Command{Use: "backup", Short: "Create, list and restore backups of the data dir"}

	root.AddCommand(&cobra.Command{
		Use:   "create [NAME]",
		Short: "Back up the databases and local files now (safe while the server runs)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := ""
			if len(args) == 1 {
				name = args[0]
			} else {
				name = "counterpart_" + time.Now().UTC().Format("20060102_150405") + ".zip"
			}
			start := time.Now()
			if base := runningService(serverAddr, useTLS); base != "" {
				if err := createThroughService(cmd.Context(), app, base, name); err != nil {
					return fmt.Errorf("backup %s through the running service at %s: %w", name, base, err)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "Created backup %s through the running service in %s.\n", name, time.Since(start).Round(time.Millisecond))
				return nil
			}
			if err := app.CreateBackup(context.Background(), name); err != nil {
				return fmt.Errorf("backup %s: %w", name, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Created backup %s in %s.\n", name, time.Since(start).Round(time.Millisecond))
			return nil
		},
	})

	root.AddCommand(&cobra.Command{
		Use:   "list",
		Short: "List backups, newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fsys, err := app.NewBackupsFilesystem()
			if err != nil {
				return err
			}
			defer fsys.Close()
			files, err := fsys.List("")
			if err != nil {
				return err
			}
			sort.Slice(files, func(i, j int) bool { return files[i].ModTime.After(files[j].ModTime) })
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "NAME\tSIZE\tCREATED (UTC)")
			for _, f := range files {
				fmt.Fprintf(w, "%s\t%.1f MB\t%s\n", f.Key, float64(f.Size)/(1<<20), f.ModTime.UTC().Format("2006-01-02 15:04:05"))
			}
			return w.Flush()
		},
	})

	var yes bool
	restore := &cobra.Command{
		Use:   "restore NAME",
		Short: "Replace the data dir with a backup (stop the service first)",
		Long: "Replaces the databases and local files with the content of a backup. Stop the service first " +
			"(systemctl stop counterpart); the current data is kept aside until the next start.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := args[0]
			fsys, err := app.NewBackupsFilesystem()
			if err != nil {
				return err
			}
			exists, err := fsys.Exists(name)
			fsys.Close()
			if err != nil {
				return err
			}
			if !exists {
				return fmt.Errorf("no backup named %q (see `counterpart backup list`)", name)
			}
			if !yes {
				return errors.New("restoring replaces all current data: run again with --yes to confirm")
			}
			// PocketBase restarts the process after a restore; for this
			// command the restore is the whole job, so end instead.
			app.OnTerminate().BindFunc(func(e *core.TerminateEvent) error {
				if e.IsRestart {
					fmt.Fprintf(cmd.OutOrStdout(), "Restored backup %s. Start the service again.\n", name)
					os.Exit(0)
				}
				return e.Next()
			})
			if err := app.RestoreBackup(context.Background(), name); err != nil {
				return fmt.Errorf("restore %s: %w", name, err)
			}
			return nil
		},
	}
	restore.Flags().BoolVar(&yes, "yes", false, "confirm that the current data is replaced")
	root.AddCommand(restore)
	return root
}
