package main

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"counterpart/internal/config"
)

func TestN8NCheckCommand(t *testing.T) {
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"ok":true,"workflow":"counterpart-chat"}`))
	}))
	defer ok.Close()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String() + "/webhook/counterpart-ingest"
	l.Close()

	base := func() *config.Config {
		cfg := config.Defaults()
		cfg.N8N.JWT = config.JWT{Algorithm: "HS256", Secret: strings.Repeat("s", 40), TTL: time.Minute}
		return cfg
	}
	cases := []struct {
		name         string
		chat, ingest string
		failed       int
		lines        []string
		err          string
	}{
		{"both fine and one missing", ok.URL + "/webhook/counterpart-chat", "", 0,
			[]string{"chat    OK", "ingest  -    not configured"}, ""},
		{"ingest down", ok.URL + "/webhook/counterpart-chat", closed, 1,
			[]string{"chat    OK", "ingest  FAIL", "connection refused"}, ""},
		{"nothing configured", "", "", 0, nil, "n8n is not configured"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := base()
			cfg.N8N.ChatURL, cfg.N8N.IngestURL = c.chat, c.ingest
			var out []string
			failed, err := checkN8N(context.Background(), cfg, func(s string) { out = append(out, s) })
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want %q", err, c.err)
				}
				return
			}
			if err != nil || failed != c.failed {
				t.Fatalf("failed %d err %v, want %d; lines %q", failed, err, c.failed, out)
			}
			all := strings.Join(out, "\n")
			for _, want := range c.lines {
				if !strings.Contains(all, want) {
					t.Errorf("output lacks %q:\n%s", want, all)
				}
			}
		})
	}
}
