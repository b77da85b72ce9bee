package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"counterpart/internal/config"
	"counterpart/internal/doctor"
)

// doctorValueFlags are the root flags that take a value as the next argument.
var doctorValueFlags = map[string]bool{"--config": true, "--dir": true, "--http": true, "--public-url": true, "--encryptionEnv": true}

// wantsDoctor reports whether args run `counterpart doctor`. The doctor runs
// before the app is built, because what it diagnoses (an unreachable store, a
// broken certificate, a bad config) may keep the app from being built at all.
func wantsDoctor(args []string) bool {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if strings.HasPrefix(a, "-") {
			if doctorValueFlags[a] {
				i++
			}
			continue
		}
		return a == "doctor"
	}
	return false
}

// runDoctor prints the doctor's findings for cfg (or the error that kept the
// configuration from loading) and returns the exit code: 1 when anything FAILs.
func runDoctor(w io.Writer, cfg *config.Config, loadErr error) int {
	if loadErr != nil {
		doctor.Print(w, []doctor.Finding{{Check: "config", Status: doctor.Fail, Message: strings.ReplaceAll(loadErr.Error(), "\n", "; "),
			Fix: "correct the keys named here (counterpart config check shows the effective configuration)"}})
		return 1
	}
	findings := doctor.Run(context.Background(), cfg, doctor.DefaultEnv(cfg.DataDir))
	doctor.Print(w, findings)
	if doctor.Failed(findings) {
		return 1
	}
	return 0
}

// doctorCommand is `counterpart doctor` in the command tree (for --help and
// completion); main runs the doctor before the tree is built.
func doctorCommand(cfg *config.Config) *cobra.Command {
	return &cobra.Command{
		Use:   "doctor",
		Short: "Check the installation: config, permissions, secrets, TLS, store, n8n, SMTP, backups, disk",
		Long: "Checks the installation and prints each finding as OK, WARN or FAIL with the fix.\n" +
			"Nothing is changed and no mail is sent. The exit status is 1 when anything FAILs.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runDoctor(cmd.OutOrStdout(), cfg, nil) != 0 {
				return errors.New("doctor: some checks FAILed")
			}
			return nil
		},
	}
}

// rejectHTTPSWithCertificate refuses `serve --https` (PocketBase's automatic
// certificates) together with tls.cert_file: the server would wrap TLS twice.
func rejectHTTPSWithCertificate(serve *cobra.Command, cfg *config.Config) {
	prev := serve.PreRunE
	serve.PreRunE = func(cmd *cobra.Command, args []string) error {
		if f := cmd.Flags().Lookup("https"); f != nil && f.Value.String() != "" && cfg.TLS.Enabled() {
			return fmt.Errorf("--https (automatic certificates) and tls.cert_file (a provided certificate) exclude each other: use one")
		}
		if len(args) > 0 && cfg.TLS.Enabled() {
			return fmt.Errorf("serve with domains (automatic certificates for %s) and tls.cert_file exclude each other: use one", strings.Join(args, ", "))
		}
		if prev != nil {
			return prev(cmd, args)
		}
		return nil
	}
}
