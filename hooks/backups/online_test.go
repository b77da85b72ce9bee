package backups

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/apptest"
)

// A backup that outlasts the service's write timeout loses its request; the
// command follows it through the health route instead of failing.
func TestCreateThroughServiceFollowsALongBackup(t *testing.T) {
	t.Parallel()
	app := apptest.New(t, nil)
	col, err := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		t.Fatal(err)
	}
	su := core.NewRecord(col)
	su.SetEmail("it@backups.example")
	su.SetPassword("backup-password-1")
	if err := app.Save(su); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name    string
		listed  []string
		wantErr string
	}{
		{"the backup appears", []string{"other.zip", "long.zip"}, ""},
		{"the backup never appears", []string{"other.zip"}, "without creating it"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var polls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("Authorization") == "" {
					http.Error(w, "no token", http.StatusUnauthorized)
					return
				}
				switch r.Method + " " + r.URL.Path {
				case "POST /api/backups": // the write timeout closes the connection
					conn, _, _ := w.(http.Hijacker).Hijack()
					conn.Close()
				case "GET /api/health": // running for two polls, then done
					json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{"canBackup": polls.Add(1) > 2}})
				case "GET /api/backups":
					var list []map[string]string
					for _, k := range c.listed {
						list = append(list, map[string]string{"key": k})
					}
					json.NewEncoder(w).Encode(list)
				default:
					http.NotFound(w, r)
				}
			}))
			defer srv.Close()
			err := createThroughService(context.Background(), app, srv.URL, "long.zip")
			if c.wantErr == "" && err != nil || c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)) {
				t.Fatalf("err = %v, want %q", err, c.wantErr)
			}
			if polls.Load() < 3 {
				t.Errorf("the command stopped following the backup after %d polls", polls.Load())
			}
		})
	}
}
