package appsettings

import "github.com/pocketbase/pocketbase/core"

// MailSetUp reports whether this server can send mail: SMTP is switched on
// in PocketBase's settings (Apply does it when counterpart.yaml has an smtp
// host; IT may also do it in the dashboard). Without it PocketBase falls
// back to a sendmail binary that appliances lack, so every feature that
// mails (invitations, password resets, reports, alerts) asks this first and
// does what works without mail instead. It is the one place that decides.
func MailSetUp(app core.App) bool {
	return app.Settings().SMTP.Enabled
}
