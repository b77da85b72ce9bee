package backups

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// serviceClient talks to the service on this machine. With its own
// certificate the service's name is not the loopback address the command
// dials, so the certificate is not checked: the port belongs to the service.
var serviceClient = &http.Client{Transport: &http.Transport{
	TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // loopback to our own service
}}

// runningService returns the base URL of the service when it answers its
// health route at addr (over TLS when useTLS), "" when nothing listens there.
func runningService(addr string, useTLS bool) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return ""
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	scheme := "http://"
	if useTLS {
		scheme = "https://"
	}
	base := scheme + net.JoinHostPort(host, port)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/health", nil)
	res, err := serviceClient.Do(req)
	if err != nil {
		return ""
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return ""
	}
	return base
}

// createThroughService asks the running service to make the backup, with
// short-lived tokens of a superuser minted from the database this command can
// read anyway (it runs as the service's user). A large backup outlasts the
// server's write timeout, which closes the request: then the command follows
// the backup through the health route until it is done.
func createThroughService(ctx context.Context, app core.App, base, name string) error {
	var supers []*core.Record
	if err := app.RecordQuery(core.CollectionNameSuperusers).Limit(1).All(&supers); err != nil {
		return fmt.Errorf("find a superuser: %w", err)
	}
	if len(supers) == 0 {
		return errors.New("no superuser exists to ask the service for it: create one with `counterpart superuser upsert EMAIL PASSWORD`, or stop the service first")
	}
	su := supers[0]
	body, _ := json.Marshal(map[string]string{"name": name})
	res, err := callService(ctx, su, http.MethodPost, base+"/api/backups", body)
	if err == nil {
		defer res.Body.Close()
		if res.StatusCode == http.StatusNoContent || res.StatusCode == http.StatusOK {
			return nil
		}
		return serviceError(res)
	}
	if ctx.Err() != nil {
		return err
	}
	// the connection ended before the answer: the backup goes on in the service
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(2 * time.Second):
		}
		var health struct {
			Data struct {
				CanBackup *bool `json:"canBackup"`
			} `json:"data"`
		}
		if err := getJSON(ctx, su, base+"/api/health", &health); err != nil {
			return fmt.Errorf("follow the backup: %w", err)
		}
		if health.Data.CanBackup == nil {
			return errors.New("follow the backup: the service did not say whether a backup runs")
		}
		if !*health.Data.CanBackup {
			continue // still running
		}
		var list []struct {
			Key string `json:"key"`
		}
		if err := getJSON(ctx, su, base+"/api/backups", &list); err != nil {
			return fmt.Errorf("follow the backup: %w", err)
		}
		for _, f := range list {
			if f.Key == name {
				return nil
			}
		}
		return errors.New("the service ended the backup without creating it: see the dashboard's logs (/_/#/logs)")
	}
}

// callService sends one request with a fresh two-minute token of su.
func callService(ctx context.Context, su *core.Record, method, url string, body []byte) (*http.Response, error) {
	token, err := su.NewStaticAuthToken(2 * time.Minute)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", token)
	return serviceClient.Do(req)
}

func getJSON(ctx context.Context, su *core.Record, url string, out any) error {
	res, err := callService(ctx, su, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return serviceError(res)
	}
	return json.NewDecoder(res.Body).Decode(out)
}

// serviceError turns an error answer of the service into an error.
func serviceError(res *http.Response) error {
	var pbErr struct {
		Message string         `json:"message"`
		Data    map[string]any `json:"data"`
	}
	raw, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if json.Unmarshal(raw, &pbErr) == nil && pbErr.Message != "" {
		if len(pbErr.Data) > 0 {
			return fmt.Errorf("%d %s %v", res.StatusCode, pbErr.Message, pbErr.Data)
		}
		return fmt.Errorf("%d %s", res.StatusCode, pbErr.Message)
	}
	return fmt.Errorf("the service answered %d", res.StatusCode)
}
