// Command counterpart is the Counterpart appliance: PocketBase with the
// tenancy, documents and chat features, configured from counterpart.yaml,
// COUNTERPART_* variables and flags.
package main

import (
	"fmt"
	"log/slog"
	"os"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/cmd"
	"github.com/pocketbase/pocketbase/plugins/migratecmd"
	"github.com/spf13/cobra"

	"counterpart/hooks"
	"counterpart/hooks/backups"
	"counterpart/hooks/demo"
	"counterpart/hooks/tenancy"
	"counterpart/internal/config"
	"counterpart/internal/version"
	_ "counterpart/pb_migrations"
)

func main() {
	cfg, err := config.Load(os.Args[1:])
	if wantsDoctor(os.Args[1:]) {
		os.Exit(runDoctor(os.Stdout, cfg, err))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}

	pocketbase.Version = version.String()
	app := pocketbase.NewWithConfig(pocketbase.Config{DefaultDataDir: cfg.DataDir})
	app.RootCmd.Use = "counterpart"
	app.RootCmd.Short = "Counterpart: the parts counter's AI assistant"
	app.RootCmd.Version = version.String()
	app.RootCmd.PersistentFlags().String("config", cfg.File, "config file (default ./counterpart.yaml when present)")
	app.RootCmd.PersistentFlags().String("public-url", cfg.PublicURL, "the address users reach the app at")

	if err := hooks.Register(app, cfg); err != nil {
		slog.Error("register features", "error", err)
		os.Exit(1)
	}
	// PocketBase's own commands, registered here rather than by app.Start so
	// that serve listens on the configured address by default
	app.RootCmd.AddCommand(cmd.NewSuperuserCommand(app), serveCommand(app, cfg))
	migratecmd.MustRegister(app, app.RootCmd, migratecmd.Config{Dir: "pb_migrations"})
	app.RootCmd.AddCommand(tenancy.Command(app), demo.Command(app), backups.Command(app, cfg.HTTP, cfg.TLS.Enabled()), configCommand(cfg), n8nCommand(cfg), doctorCommand(cfg))

	if err := app.Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "Error:", err)
		os.Exit(1)
	}
}

// serveCommand is PocketBase's serve with --http defaulting to the configured address.
func serveCommand(app *pocketbase.PocketBase, cfg *config.Config) *cobra.Command {
	serve := cmd.NewServeCommand(app, true)
	rejectHTTPSWithCertificate(serve, cfg)
	if f := serve.PersistentFlags().Lookup("http"); f != nil {
		f.DefValue = cfg.HTTP
		_ = f.Value.Set(cfg.HTTP)
	}
	return serve
}

// configCommand is `counterpart config check`.
func configCommand(cfg *config.Config) *cobra.Command {
	root := &cobra.Command{Use: "config", Short: "Inspect the configuration"}
	root.AddCommand(&cobra.Command{
		Use:   "check",
		Short: "Validate the configuration and print it with secrets redacted",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// Load already validated it; reaching here means it is valid
			if err := cfg.Print(cmd.OutOrStdout()); err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), "# configuration is valid")
			return nil
		},
	})
	return root
}
