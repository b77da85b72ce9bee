package apptest

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// RealtimeEvent is one server-sent event of PocketBase's realtime API.
type RealtimeEvent struct {
	Topic string
	Data  map[string]any
}

// RealtimeClient is a connected realtime subscriber.
type RealtimeClient struct {
	// Events delivers every event after the connect event.
	Events <-chan RealtimeEvent
	ID     string
}

// Realtime connects to /api/realtime, subscribes to topics with token (a
// guest when empty) and returns the client, or the status of a refused
// subscription. The connection closes when the test ends.
func Realtime(t testing.TB, srv *httptest.Server, token string, topics ...string) (*RealtimeClient, int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/api/realtime", nil)
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatalf("realtime connect: %v", err)
	}
	events := make(chan RealtimeEvent, 64)
	connected := make(chan string, 1)
	go func() {
		defer res.Body.Close()
		defer close(events)
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 0, 64*1024), 4<<20)
		var ev RealtimeEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event:"):
				ev.Topic = strings.TrimSpace(strings.TrimPrefix(line, "event:"))
			case strings.HasPrefix(line, "data:"):
				_ = json.Unmarshal([]byte(strings.TrimPrefix(line, "data:")), &ev.Data)
			case line == "":
				if ev.Topic == "PB_CONNECT" {
					id, _ := ev.Data["clientId"].(string)
					connected <- id
				} else if ev.Topic != "" {
					select {
					case events <- ev:
					case <-ctx.Done():
						return
					}
				}
				ev = RealtimeEvent{}
			}
		}
	}()
	var id string
	select {
	case id = <-connected:
	case <-time.After(5 * time.Second):
		t.Fatal("realtime: no PB_CONNECT event")
	}
	sub := Do(t, srv, "POST", "/api/realtime", token, map[string]any{"clientId": id, "subscriptions": topics})
	if sub.Status != 204 {
		return nil, sub.Status
	}
	return &RealtimeClient{Events: events, ID: id}, sub.Status
}

// Next waits up to d for the next event; ok is false when none came.
func (c *RealtimeClient) Next(d time.Duration) (RealtimeEvent, bool) {
	select {
	case ev, ok := <-c.Events:
		return ev, ok
	case <-time.After(d):
		return RealtimeEvent{}, false
	}
}
