package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"counterpart/internal/config"
	"counterpart/internal/n8n"
)

// n8nCommand is `counterpart n8n check`: one signed test request per
// configured webhook, one plain line per webhook, a non-zero exit when any
// of them is wrong.
func n8nCommand(cfg *config.Config) *cobra.Command {
	root := &cobra.Command{Use: "n8n", Short: "Test the connection to n8n"}
	root.AddCommand(&cobra.Command{
		Use:   "check",
		Short: "Call the chat and ingest webhooks with a signed test request and say what is wrong",
		Long: "Sends each configured webhook (n8n.chat_url, n8n.ingest_url) a POST {\"action\":\"ping\"} signed like\n" +
			"Counterpart's real calls. Counterpart's workflows answer it at once with {\"ok\":true} and do nothing else.\n" +
			"Prints one line per webhook: OK, unreachable, HTTP 404 (workflow not active or wrong path),\n" +
			"HTTP 401/403 (secret or algorithm differ, with n8n's reason), or a bad reply shape.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cmd.SilenceUsage = true
			out := cmd.OutOrStdout()
			failed, err := checkN8N(cmd.Context(), cfg, func(line string) { fmt.Fprintln(out, line) })
			if err != nil {
				return err
			}
			if failed > 0 {
				return fmt.Errorf("n8n check: %d of the configured webhooks do not work; see above", failed)
			}
			return nil
		},
	})
	return root
}

// checkN8N checks every configured webhook, printing a line for each, and
// returns how many failed.
func checkN8N(ctx context.Context, cfg *config.Config, print func(string)) (int, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if !cfg.N8N.Enabled() {
		return 0, errors.New("n8n is not configured: set n8n.chat_url and/or n8n.ingest_url (and n8n.jwt) in counterpart.yaml")
	}
	keys, err := n8n.LoadKeys(n8n.KeyConfig{Algorithm: cfg.N8N.JWT.Algorithm, Secret: cfg.N8N.JWT.Secret,
		PrivateKeyFile: cfg.N8N.JWT.PrivateKeyFile, PublicKeyFile: cfg.N8N.JWT.PublicKeyFile, TTL: cfg.N8N.JWT.TTL})
	if err != nil {
		return 0, fmt.Errorf("n8n.jwt: %w", err)
	}
	signer, err := n8n.NewSigner(keys)
	if err != nil {
		return 0, err
	}
	connect := cfg.Chat.ConnectTimeout
	if connect <= 0 {
		connect = 5 * time.Second
	}
	client := &http.Client{Timeout: 15 * time.Second,
		Transport: &http.Transport{Proxy: http.ProxyFromEnvironment, DialContext: (&net.Dialer{Timeout: connect}).DialContext}}
	failed := 0
	for _, t := range []n8n.CheckTarget{
		{Name: "chat", Workflow: n8n.ChatWorkflow, URL: cfg.N8N.ChatURL},
		{Name: "ingest", Workflow: n8n.IngestWorkflow, URL: cfg.N8N.IngestURL},
	} {
		if t.URL == "" {
			what := map[string]string{"chat": "answers come from search only", "ingest": "documents are processed by Counterpart itself"}[t.Name]
			print(fmt.Sprintf("%-7s -    not configured (n8n.%s_url is empty: %s)", t.Name, t.Name, what))
			continue
		}
		r := n8n.Check(ctx, client, signer, t)
		print(n8n.FormatCheck(r))
		if !r.OK() {
			failed++
		}
	}
	return failed, nil
}
