package appsettings_test

import (
	"testing"

	"counterpart/hooks/appsettings"
	"counterpart/hooks/apptest"
)

// TestMailSetUp: mail is set up exactly when counterpart.yaml names an SMTP
// host (or IT switched SMTP on in the dashboard).
func TestMailSetUp(t *testing.T) {
	t.Parallel()
	app := apptest.New(t, nil)
	apptest.WithoutMail(t, app)
	cfg := apptest.Config()
	if err := appsettings.Apply(app, cfg); err != nil {
		t.Fatal(err)
	}
	if appsettings.MailSetUp(app) {
		t.Error("mail counts as set up without smtp in the config")
	}
	cfg.SMTP.Host, cfg.SMTP.Port = "mail.dealer.lan", 587
	if err := appsettings.Apply(app, cfg); err != nil {
		t.Fatal(err)
	}
	if !appsettings.MailSetUp(app) {
		t.Error("mail does not count as set up with smtp.host in the config")
	}
}
