package tenancy_test

import (
	"io"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"counterpart/hooks/apptest"
	"counterpart/internal/mailtest"
)

func TestInviteEndToEnd(t *testing.T) {
	t.Parallel()
	app := apptest.New(t, nil)
	srv := apptest.Serve(t, app)
	smtp := mailtest.Start(t)
	apptest.UseSMTP(t, app, smtp.Host, smtp.Port)
	admin := apptest.Token(t, app, "admin@smith.example")

	res := apptest.Do(t, srv, "POST", "/api/tenant/users/invite", admin,
		map[string]any{"email": "counter@smith.example", "name": "Sam Counter", "role": "manager"})
	if res.Status != 201 {
		t.Fatalf("invite: %d %s", res.Status, res.Body)
	}
	u := user(t, app, "counter@smith.example")
	if u.GetString("tenant") != tenant(t, app, "smith").Id || u.GetString("role") != "manager" || !u.GetBool("active") {
		t.Errorf("invited user: %v", u.PublicExport())
	}
	msgs := smtp.Wait(1, 5*time.Second)
	if len(msgs) != 1 || msgs[0].To[0] != "counter@smith.example" {
		t.Fatalf("invitation mail: %+v", msgs)
	}
	if subj := msgs[0].Parsed.Header.Get("Subject"); !strings.Contains(subj, "Smith Motors") {
		t.Errorf("subject %q does not name the tenant", subj)
	}
	body, _ := io.ReadAll(msgs[0].Parsed.Body)
	flat := strings.NewReplacer("=\r\n", "", "=3D", "=").Replace(string(body))
	m := regexp.MustCompile(`/set-password\?token=([A-Za-z0-9_\-.]+)`).FindStringSubmatch(flat)
	if m == nil {
		t.Fatalf("no set-password link in the mail:\n%s", flat)
	}
	// the invitee sets a password with the link's token and signs in
	res = apptest.Do(t, srv, "POST", "/api/collections/users/confirm-password-reset", "",
		map[string]any{"token": m[1], "password": "my-own-password-1", "passwordConfirm": "my-own-password-1"})
	if res.Status != 204 {
		t.Fatalf("set password: %d %s", res.Status, res.Body)
	}
	res = apptest.Do(t, srv, "POST", "/api/collections/users/auth-with-password", "",
		map[string]any{"identity": "counter@smith.example", "password": "my-own-password-1"})
	if res.Status != 200 {
		t.Errorf("sign in after invitation: %d %s", res.Status, res.Body)
	}
	if !contains(auditActions(t, app, u.GetString("tenant")), "user.invited") {
		t.Error("invitation not audited")
	}
}

func TestInviteBadInput(t *testing.T) {
	t.Parallel()
	app := apptest.New(t, nil)
	srv := apptest.Serve(t, app)
	admin := apptest.Token(t, app, "admin@smith.example")
	jones := tenant(t, app, "jones")

	cases := []struct {
		name   string
		token  string
		body   any
		status int
		field  string
	}{
		{"not an email", admin, map[string]any{"email": "sam at smith", "role": "member"}, 400, "email"},
		{"display name in email", admin, map[string]any{"email": "Sam <sam@smith.example>", "role": "member"}, 400, "email"},
		{"unknown role", admin, map[string]any{"email": "sam@smith.example", "role": "owner"}, 400, "role"},
		{"name too long", admin, map[string]any{"email": "sam@smith.example", "name": strings.Repeat("n", 121)}, 400, "name"},
		{"email already registered", admin, map[string]any{"email": "member@jones.example"}, 400, "email"},
		{"another tenant", admin, map[string]any{"email": "sam@smith.example", "tenant": jones.Id}, 403, ""},
		{"not JSON", admin, "just text", 400, ""},
		{"manager invites", apptest.Token(t, app, "manager@smith.example"), map[string]any{"email": "sam@smith.example"}, 403, ""},
		{"member invites", apptest.Token(t, app, "member@smith.example"), map[string]any{"email": "sam@smith.example"}, 403, ""},
		{"guest invites", "", map[string]any{"email": "sam@smith.example"}, 401, ""},
	}
	for _, c := range cases {
		res := apptest.Do(t, srv, "POST", "/api/tenant/users/invite", c.token, c.body)
		if res.Status != c.status {
			t.Errorf("%s: %d %s, want %d", c.name, res.Status, res.Body, c.status)
		}
		if res.Message() == "" {
			t.Errorf("%s: no message for a person: %s", c.name, res.Body)
		}
		if c.field != "" {
			if data, _ := res.JSON["data"].(map[string]any); data[c.field] == nil {
				t.Errorf("%s: error does not name field %s: %s", c.name, c.field, res.Body)
			}
		}
	}
	if n, _ := app.CountRecords("users"); n != 6 {
		t.Errorf("bad invitations created users: %d users, want 6", n)
	}
}

func TestInviteWithMailDown(t *testing.T) {
	t.Parallel()
	app := apptest.New(t, nil)
	srv := apptest.Serve(t, app)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close() // nothing listens there now
	apptest.UseSMTP(t, app, "127.0.0.1", port)

	res := apptest.Do(t, srv, "POST", "/api/tenant/users/invite", apptest.Token(t, app, "admin@smith.example"),
		map[string]any{"email": "sam@smith.example", "role": "member"})
	if res.Status != 400 || !strings.Contains(res.Message(), "could not be sent") {
		t.Errorf("invite with SMTP down: %d %s", res.Status, res.Body)
	}
	if _, err := app.FindAuthRecordByEmail("users", "sam@smith.example"); err == nil {
		t.Error("a user was created although the invitation was not sent")
	}
}
