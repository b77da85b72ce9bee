package appsettings_test

import (
	"testing"
	"time"

	"counterpart/hooks/apptest"
)

func TestRateLimitOnByDefault(t *testing.T) {
	t.Parallel()
	cfg := apptest.Config()
	cfg.Auth.RateLimit = true // the shipped default
	app := apptest.New(t, cfg)
	srv := apptest.Serve(t, app)
	// password-reset requests are limited to 3 a minute per client; they are
	// cheap to make, so the limit is hit however slow the machine is
	statuses := []int{}
	for i := 0; i < 5; i++ {
		res := apptest.Do(t, srv, "POST", "/api/collections/users/request-password-reset", "",
			map[string]any{"email": "member@smith.example"})
		statuses = append(statuses, res.Status)
	}
	if statuses[0] != 204 || statuses[len(statuses)-1] != 429 {
		t.Errorf("password-reset requests answered %v: want 204 first and 429 once the limit is hit", statuses)
	}
}

func TestAuthOptionsFromConfig(t *testing.T) {
	t.Parallel()
	cfg := apptest.Config()
	cfg.Auth.PasswordMinLength = 14
	cfg.Auth.TokenTTL = 2 * time.Hour
	cfg.Auth.MFA = true
	app := apptest.New(t, cfg)
	srv := apptest.Serve(t, app)
	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		t.Fatal(err)
	}
	if users.AuthToken.Duration != 7200 || !users.MFA.Enabled || !users.OTP.Enabled {
		t.Errorf("users collection: token %ds, mfa %v, otp %v", users.AuthToken.Duration, users.MFA.Enabled, users.OTP.Enabled)
	}
	if users.AuthAlert.Enabled {
		t.Error("new sign-in alerts are on without SMTP: PocketBase would look for sendmail at every new device")
	}
	// with MFA on, the password alone does not sign in: a second factor is asked for
	res := apptest.Do(t, srv, "POST", "/api/collections/users/auth-with-password", "",
		map[string]any{"identity": "member@smith.example", "password": "counterpart-demo"})
	if res.Status != 401 || res.JSON["mfaId"] == nil {
		t.Errorf("password sign-in with MFA on: %d %s, want 401 with an mfaId", res.Status, res.Body)
	}
	// a password shorter than the configured minimum is refused with a field error
	me := apptest.Token(t, app, "member@smith.example")
	u, _ := app.FindAuthRecordByEmail("users", "member@smith.example")
	res = apptest.Do(t, srv, "PATCH", "/api/collections/users/records/"+u.Id, me,
		map[string]any{"oldPassword": "counterpart-demo", "password": "short-pass-1", "passwordConfirm": "short-pass-1"})
	if data, _ := res.JSON["data"].(map[string]any); res.Status != 400 || data["password"] == nil {
		t.Errorf("short password: %d %s", res.Status, res.Body)
	}
}
