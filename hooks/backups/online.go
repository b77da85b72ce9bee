package backups

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// runningService returns the base URL of the service when it answers its
// health route at addr, "" when nothing listens there.
func runningService(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return ""
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	base := "http://" + net.JoinHostPort(host, port)
	client := &http.Client{Timeout: 2 * time.Second}
	res, err := client.Get(base + "/api/health")
	if err != nil {
		return ""
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return ""
	}
	return base
}

// createThroughService asks the running service to make the backup, with a
// short-lived token of a superuser minted from the database this command can
// read anyway (it runs as the service's user).
func createThroughService(ctx context.Context, app core.App, base, name string) error {
	var supers []*core.Record
	if err := app.RecordQuery(core.CollectionNameSuperusers).Limit(1).All(&supers); err != nil {
		return fmt.Errorf("find a superuser: %w", err)
	}
	if len(supers) == 0 {
		return errors.New("no superuser exists to ask the service for it: create one with `counterpart superuser upsert EMAIL PASSWORD`, or stop the service first")
	}
	token, err := supers[0].NewStaticAuthToken(2 * time.Minute)
	if err != nil {
		return err
	}
	body, _ := json.Marshal(map[string]string{"name": name})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/backups", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode == http.StatusNoContent || res.StatusCode == http.StatusOK {
		return nil
	}
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
