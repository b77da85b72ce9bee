package tenancy_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/security"

	"counterpart/hooks/apptest"
	"counterpart/hooks/tenancy"
)

// inviteLink invites email to smith as its admin and returns the answer's link.
func inviteLink(t *testing.T, app *tests.TestApp, srvDo func(method, path, token string, body any) apptest.Response) (string, time.Time) {
	t.Helper()
	res := srvDo("POST", "/api/tenant/users/invite", apptest.Token(t, app, "admin@smith.example"),
		map[string]any{"email": "sam@smith.example", "name": "Sam Counter", "role": "member"})
	if res.Status != 201 {
		t.Fatalf("invite without mail: %d %s", res.Status, res.Body)
	}
	if res.JSON["mailed"] != false {
		t.Errorf("the answer does not say the invitation was not mailed: %s", res.Body)
	}
	link, _ := res.JSON["link"].(map[string]any)
	u, _ := link["url"].(string)
	exp, err := time.Parse(time.RFC3339, strings.TrimSpace(toString(link["expires"])))
	if u == "" || err != nil {
		t.Fatalf("no link in the answer: %s (%v)", res.Body, err)
	}
	return u, exp
}

func toString(v any) string { s, _ := v.(string); return s }

// tokenOf is the token of a set-password link, checked to point at the web app's page.
func tokenOf(t *testing.T, app core.App, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil || u.Path != "/set-password" || !strings.HasPrefix(link, app.Settings().Meta.AppURL+"/") {
		t.Fatalf("link %q is not the app's set-password page", link)
	}
	return u.Query().Get("token")
}

func setPassword(t *testing.T, do func(method, path, token string, body any) apptest.Response, token, password string) apptest.Response {
	t.Helper()
	return do("POST", "/api/collections/users/confirm-password-reset", "",
		map[string]any{"token": token, "password": password, "passwordConfirm": password})
}

// TestInviteWithoutMail: on a server without mail an invitation creates the
// person and gives the admin a link that works once, for 72 hours; it is
// audited without the link; no mail is attempted.
func TestInviteWithoutMail(t *testing.T) {
	t.Parallel()
	app := apptest.New(t, nil)
	srv := apptest.Serve(t, app)
	apptest.WithoutMail(t, app)
	do := func(method, path, token string, body any) apptest.Response {
		return apptest.Do(t, srv, method, path, token, body)
	}

	before := time.Now()
	link, expires := inviteLink(t, app, do)
	if want := before.Add(tenancy.SetPasswordLinkTTL); expires.Before(want.Add(-time.Minute)) || expires.After(want.Add(time.Minute)) {
		t.Errorf("the link expires %v, want about %v (72 h)", expires, want)
	}
	token := tokenOf(t, app, link)
	claims, err := security.ParseUnverifiedJWT(token)
	if err != nil {
		t.Fatal(err)
	}
	if exp, _ := claims.GetExpirationTime(); exp == nil || !exp.Time.Equal(expires) {
		t.Errorf("the token expires %v, the answer says %v", exp, expires)
	}
	if n := app.TestMailer.TotalSend(); n != 0 {
		t.Errorf("%d mails were attempted on a server without mail", n)
	}
	sam := user(t, app, "sam@smith.example")
	if sam.GetString("tenant") != tenant(t, app, "smith").Id || !sam.GetBool("active") || !sam.GetBool(tenancy.PasswordPending) {
		t.Errorf("invited person: %v", sam.PublicExport())
	}
	actions := auditActions(t, app, sam.GetString("tenant"))
	if !contains(actions, "user.invited") || !contains(actions, tenancy.ActionInviteLinkCreated) {
		t.Errorf("audit log %v lacks the invitation or the link", actions)
	}
	assertNoSecretInAudit(t, app, token)

	// the person sets a password with the link and signs in; the link then no longer works
	if res := setPassword(t, do, token, "my-own-password-1"); res.Status != 204 {
		t.Fatalf("set password with the link: %d %s", res.Status, res.Body)
	}
	if res := do("POST", "/api/collections/users/auth-with-password", "",
		map[string]any{"identity": "sam@smith.example", "password": "my-own-password-1"}); res.Status != 200 {
		t.Errorf("sign in after setting the password: %d %s", res.Status, res.Body)
	}
	if user(t, app, "sam@smith.example").GetBool(tenancy.PasswordPending) {
		t.Error("still marked as not having set a password")
	}
	if res := setPassword(t, do, token, "taken-over-password-2"); res.Status != 400 {
		t.Errorf("the link worked a second time: %d %s", res.Status, res.Body)
	}
	if res := do("POST", "/api/collections/users/auth-with-password", "",
		map[string]any{"identity": "sam@smith.example", "password": "taken-over-password-2"}); res.Status == 200 {
		t.Error("the second use of the link changed the password")
	}
}

// TestSetPasswordLinkExpires: a link of the same kind whose time is up is refused.
func TestSetPasswordLinkExpires(t *testing.T) {
	t.Parallel()
	app := apptest.New(t, nil)
	srv := apptest.Serve(t, app)
	apptest.WithoutMail(t, app)
	do := func(method, path, token string, body any) apptest.Response {
		return apptest.Do(t, srv, method, path, token, body)
	}
	token := tokenOf(t, app, func() string { l, _ := inviteLink(t, app, do); return l }())
	sam := user(t, app, "sam@smith.example")
	// the very token the link carries, only issued 72 hours and a minute ago
	claims, _ := security.ParseUnverifiedJWT(token)
	old, err := security.NewJWT(jwt.MapClaims{"id": claims["id"], "type": claims["type"], "collectionId": claims["collectionId"],
		"email": claims["email"]}, sam.TokenKey()+sam.Collection().PasswordResetToken.Secret, -time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if res := setPassword(t, do, old, "my-own-password-1"); res.Status != 400 {
		t.Errorf("an expired link set the password: %d %s", res.Status, res.Body)
	}
	if res := setPassword(t, do, token, "my-own-password-1"); res.Status != 204 {
		t.Errorf("positive control: the fresh link: %d %s", res.Status, res.Body)
	}
}

// TestFreshSetPasswordLink: a tenant admin gets a new link for a person of
// their own tenant who has not set a password (anyone, on a server without
// mail); nobody else does.
func TestFreshSetPasswordLink(t *testing.T) {
	t.Parallel()
	app := apptest.New(t, nil)
	srv := apptest.Serve(t, app)
	do := func(method, path, token string, body any) apptest.Response {
		return apptest.Do(t, srv, method, path, token, body)
	}
	admin := apptest.Token(t, app, "admin@smith.example")

	// mail is set up: the invitation is mailed, and the person has not set a password yet
	res := do("POST", "/api/tenant/users/invite", admin, map[string]any{"email": "sam@smith.example", "role": "member"})
	if res.Status != 201 || res.JSON["mailed"] != true || res.JSON["link"] != nil {
		t.Fatalf("invite with mail: %d %s", res.Status, res.Body)
	}
	sam := user(t, app, "sam@smith.example")
	member := user(t, app, "member@smith.example")
	linkPath := func(u *core.Record) string { return "/api/tenant/users/" + u.Id + "/set-password-link" }
	auditCount := func() int {
		n, _ := app.CountRecords("audit_log", dbxAction(tenancy.ActionInviteLinkCreated))
		return int(n)
	}

	cases := []struct {
		name   string
		email  string
		target *core.Record
		status int
	}{
		{"manager", "manager@smith.example", sam, 403},
		{"member", "member@smith.example", sam, 403},
		{"guest", "", sam, 401},
		{"admin of another tenant", "admin@jones.example", sam, 404},
		{"admin, for a person who set a password, with mail", "admin@smith.example", member, 400},
		{"admin, for a person of another tenant", "admin@smith.example", user(t, app, "member@jones.example"), 404},
		{"admin, for a person not invited", "admin@smith.example", &core.Record{}, 404},
	}
	for _, c := range cases {
		tok := ""
		if c.email != "" {
			tok = apptest.Token(t, app, c.email)
		}
		path := "/api/tenant/users/nosuchuser00000/set-password-link"
		if c.target.Id != "" {
			path = linkPath(c.target)
		}
		if res := do("POST", path, tok, nil); res.Status != c.status || res.Message() == "" {
			t.Errorf("%s: %d %s, want %d with a message", c.name, res.Status, res.Body, c.status)
		}
	}
	if n := auditCount(); n != 0 {
		t.Errorf("%d links audited for refused requests", n)
	}

	res = do("POST", linkPath(sam), admin, nil)
	first, _ := res.JSON["link"].(map[string]any)
	if res.Status != 200 || first == nil {
		t.Fatalf("admin asks for a link for the invitee: %d %s", res.Status, res.Body)
	}
	firstToken := tokenOf(t, app, toString(first["url"]))
	res = do("POST", linkPath(sam), admin, nil)
	secondToken := tokenOf(t, app, toString(res.JSON["link"].(map[string]any)["url"]))
	if auditCount() != 2 {
		t.Errorf("%d links audited, want 2", auditCount())
	}
	assertNoSecretInAudit(t, app, firstToken, secondToken)
	if res := setPassword(t, do, secondToken, "my-own-password-1"); res.Status != 204 {
		t.Fatalf("set password with the fresh link: %d %s", res.Status, res.Body)
	}
	if res := setPassword(t, do, firstToken, "my-own-password-2"); res.Status != 400 {
		t.Errorf("the earlier link still works after the password was set: %d", res.Status)
	}
	if res := do("POST", linkPath(sam), admin, nil); res.Status != 400 {
		t.Errorf("a link for someone who has set a password, with mail: %d %s", res.Status, res.Body)
	}

	// without mail "Forgot password" cannot help: the admin may give anyone active a link
	apptest.WithoutMail(t, app)
	if res := do("POST", linkPath(member), admin, nil); res.Status != 200 {
		t.Errorf("without mail, a link for a person who forgot their password: %d %s", res.Status, res.Body)
	}
	member.Set("active", false)
	if err := app.Save(member); err != nil {
		t.Fatal(err)
	}
	if res := do("POST", linkPath(member), admin, nil); res.Status != 400 || !strings.Contains(res.Message(), "deactivated") {
		t.Errorf("a link for a deactivated account: %d %s", res.Status, res.Body)
	}
}

// TestPasswordPendingIsTheServers: no request body sets or clears it.
func TestPasswordPendingIsTheServers(t *testing.T) {
	t.Parallel()
	app := apptest.New(t, nil)
	srv := apptest.Serve(t, app)
	member := user(t, app, "member@smith.example")
	for _, who := range []string{"admin@smith.example", "member@smith.example"} {
		res := apptest.Do(t, srv, "PATCH", "/api/collections/users/records/"+member.Id, apptest.Token(t, app, who),
			map[string]any{tenancy.PasswordPending: true})
		if res.Status < 400 {
			t.Errorf("%s sets %s: %d %s", who, tenancy.PasswordPending, res.Status, res.Body)
		}
	}
	if user(t, app, "member@smith.example").GetBool(tenancy.PasswordPending) {
		t.Error("a request marked a person with a password as invited (an admin could then take the account over)")
	}
}

// TestMailStatusRoute: signed-in staff learn whether the server sends mail.
func TestMailStatusRoute(t *testing.T) {
	t.Parallel()
	app := apptest.New(t, nil)
	srv := apptest.Serve(t, app)
	member := apptest.Token(t, app, "member@smith.example")
	if res := apptest.Do(t, srv, "GET", "/api/tenant/mail", member, nil); res.Status != 200 || res.JSON["set_up"] != true {
		t.Errorf("with mail: %d %s", res.Status, res.Body)
	}
	apptest.WithoutMail(t, app)
	if res := apptest.Do(t, srv, "GET", "/api/tenant/mail", member, nil); res.Status != 200 || res.JSON["set_up"] != false {
		t.Errorf("without mail: %d %s", res.Status, res.Body)
	}
	if res := apptest.Do(t, srv, "GET", "/api/tenant/mail", "", nil); res.Status != 401 {
		t.Errorf("a guest asks: %d", res.Status)
	}
}

// TestForgotPasswordWithoutMail: the reset request says mail is not set up,
// the same for an address with an account and one without, and mails nothing.
func TestForgotPasswordWithoutMail(t *testing.T) {
	t.Parallel()
	app := apptest.New(t, nil)
	srv := apptest.Serve(t, app)
	apptest.WithoutMail(t, app)
	var bodies []string
	for _, email := range []string{"member@smith.example", "nobody@smith.example"} {
		res := apptest.Do(t, srv, "POST", "/api/collections/users/request-password-reset", "", map[string]any{"email": email})
		if res.Status != 400 || res.Message() != tenancy.NoMailResetMessage {
			t.Errorf("%s: %d %s", email, res.Status, res.Body)
		}
		bodies = append(bodies, string(res.Body))
	}
	if bodies[0] != bodies[1] {
		t.Errorf("the answers differ, telling whether an address has an account:\n%s\n%s", bodies[0], bodies[1])
	}
	users, _ := app.FindCollectionByNameOrId("users")
	if res := apptest.Do(t, srv, "POST", "/api/collections/"+users.Id+"/request-password-reset", "", map[string]any{"email": "member@smith.example"}); res.Status != 400 {
		t.Errorf("by the collection's id: %d %s", res.Status, res.Body)
	}
	time.Sleep(200 * time.Millisecond) // PocketBase would mail in the background
	if n := app.TestMailer.TotalSend(); n != 0 {
		t.Errorf("%d reset mails attempted without mail", n)
	}
}

// TestSetPasswordLinksNotLogged: neither the links nor their tokens reach the logs.
func TestSetPasswordLinksNotLogged(t *testing.T) {
	t.Parallel()
	app := apptest.New(t, nil)
	settings := app.Settings()
	settings.Logs.MaxDays = 1 // the test app keeps no logs by default
	if err := app.Save(settings); err != nil {
		t.Fatal(err)
	}
	srv := apptest.Serve(t, app)
	apptest.WithoutMail(t, app)
	do := func(method, path, token string, body any) apptest.Response {
		return apptest.Do(t, srv, method, path, token, body)
	}
	link, _ := inviteLink(t, app, do)
	sam := user(t, app, "sam@smith.example")
	res := do("POST", "/api/tenant/users/"+sam.Id+"/set-password-link", apptest.Token(t, app, "admin@smith.example"), nil)
	fresh := toString(res.JSON["link"].(map[string]any)["url"])
	if r, err := http.Get(link); err == nil { // the page the person opens
		r.Body.Close()
	}
	tokens := []string{tokenOf(t, app, link), tokenOf(t, app, fresh)}
	var logs []struct {
		Message string `db:"message"`
		Data    string `db:"data"`
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		logs = nil
		_ = app.AuxDB().NewQuery("SELECT message, data FROM _logs").All(&logs)
		found := 0
		for _, l := range logs {
			if strings.Contains(l.Message, "invited without mail") || strings.Contains(l.Message, "set-password link created") {
				found++
			}
		}
		if found == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the link events were not logged: %+v", logs)
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, l := range logs {
		for _, secret := range tokens {
			if strings.Contains(l.Message+l.Data, secret) || strings.Contains(l.Message+l.Data, "token=") {
				t.Errorf("log %q %s shows a set-password token", l.Message, l.Data)
			}
		}
	}
}

// assertNoSecretInAudit fails when an audit entry holds one of the tokens or any link.
func assertNoSecretInAudit(t *testing.T, app core.App, tokens ...string) {
	t.Helper()
	recs, err := app.FindAllRecords("audit_log")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		all := r.GetString("target") + " " + r.GetString("summary") + " " + r.GetString("actor_name")
		for _, tok := range tokens {
			if strings.Contains(all, tok) || strings.Contains(all, "token=") || strings.Contains(all, "eyJ") {
				t.Errorf("audit entry %s holds a set-password token: %s", r.GetString("action"), all)
			}
		}
	}
}
