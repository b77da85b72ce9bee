package tenancy

import (
	"fmt"
	"html"
	"net/mail"
	"slices"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/mailer"

	"counterpart/hooks/appsettings"
	"counterpart/hooks/audit"
	"counterpart/hooks/webapp"
	migrations "counterpart/pb_migrations"
)

// inviteRequest is the body of POST /api/tenant/users/invite.
type inviteRequest struct {
	Email  string `json:"email"`
	Name   string `json:"name"`
	Role   string `json:"role"`
	Tenant string `json:"tenant"`
}

// handleInvite creates a user in the caller's tenant who sets their own
// password through a one-time link. When mail is set up the link is mailed,
// and the new user exists only once the mail is on its way; without mail the
// answer carries the link for the admin to hand over.
func handleInvite(e *core.RequestEvent) error {
	var in inviteRequest
	if err := e.BindBody(&in); err != nil {
		return e.BadRequestError("The request body must be JSON with email, name and role.", nil)
	}
	tenantID := e.Auth.GetString("tenant")
	if in.Tenant != "" && in.Tenant != tenantID {
		return e.ForbiddenError("You can only invite people to your own tenant.", nil)
	}
	in.Email = strings.TrimSpace(in.Email)
	in.Name = strings.TrimSpace(in.Name)
	if in.Role == "" {
		in.Role = "member"
	}
	errs := validation.Errors{}
	if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email {
		errs["email"] = validation.NewError("validation_invalid_email", "Enter an email address such as name@dealership.com.")
	}
	if !slices.Contains(migrations.Roles, in.Role) {
		errs["role"] = validation.NewError("validation_invalid_role", "Choose admin, manager or member.")
	}
	if len(in.Name) > 120 {
		errs["name"] = validation.NewError("validation_too_long", "Use at most 120 characters.")
	}
	if len(errs) > 0 {
		return e.BadRequestError("Check the highlighted fields.", errs)
	}
	if _, err := e.App.FindAuthRecordByEmail(Users, in.Email); err == nil {
		return e.BadRequestError("This email address already has an account.",
			validation.Errors{"email": validation.NewError("validation_email_taken", "This email address already has an account.")})
	}
	tenant, err := e.App.FindRecordById(Tenants, tenantID)
	if err != nil {
		return e.NotFoundError("Your tenant was not found.", nil)
	}

	mailed := appsettings.MailSetUp(e.App)
	actor := audit.ActorFromRequest(e)
	var user *core.Record
	var link SetPasswordLink
	err = e.App.RunInTransaction(func(tx core.App) error {
		user, err = newInvitedUser(tx, tenantID, in)
		if err != nil {
			return err
		}
		if err := audit.Write(tx, audit.Entry{Tenant: tenantID, Actor: actor, Action: "user.invited",
			Target: in.Email, Summary: map[string]any{"role": in.Role, "mailed": mailed}}); err != nil {
			return err
		}
		if !mailed {
			link, err = NewSetPasswordLink(tx, actor, user)
			return err
		}
		return SendInvitation(tx, tenant, user, e.Auth)
	})
	if err != nil {
		e.App.Logger().Error("invite failed", "tenant", tenantID, "mailed", mailed, "error", err)
		if !mailed {
			return e.InternalServerError("The person could not be added. Try again in a moment.", nil)
		}
		return e.BadRequestError("The invitation could not be sent. Check the mail settings with IT, then try again.", nil)
	}
	out := map[string]any{"id": user.Id, "email": user.Email(), "name": user.GetString("name"), "role": in.Role, "mailed": mailed}
	if !mailed {
		out["link"] = link
		e.App.Logger().Info("invited without mail: set-password link shown to the admin", "tenant", tenantID, "user", user.Id, "expires", link.Expires)
	}
	return e.JSON(201, out)
}

// newInvitedUser creates the invited person with a random password they never
// see, marked as not having set a password yet. Call it inside a transaction.
func newInvitedUser(tx core.App, tenantID string, in inviteRequest) (*core.Record, error) {
	u, err := NewUser(tx, tenantID, in.Email, in.Name, in.Role, RandomPassword())
	if err != nil {
		return nil, err
	}
	u.Set(PasswordPending, true)
	if err := tx.Save(u); err != nil {
		return nil, fmt.Errorf("mark %s as invited: %w", in.Email, err)
	}
	return u, nil
}

// SendInvitation mails user a link to set their password and sign in.
func SendInvitation(app core.App, tenant, user, inviter *core.Record) error {
	token, _, err := newSetPasswordToken(user)
	if err != nil {
		return fmt.Errorf("invitation token: %w", err)
	}
	link := InviteLink(app, token)
	who := "Your administrator"
	if inviter != nil {
		who = inviter.Email()
		if n := inviter.GetString("name"); n != "" {
			who = n
		}
	}
	settings := app.Settings()
	msg := &mailer.Message{
		From:    mail.Address{Name: settings.Meta.SenderName, Address: settings.Meta.SenderAddress},
		To:      []mail.Address{{Address: user.Email()}},
		Subject: fmt.Sprintf("%s invited you to Counterpart at %s", who, tenant.GetString("name")),
		HTML: fmt.Sprintf(`<p>Hello,</p><p>%s invited you to Counterpart, the parts assistant of %s.</p>`+
			`<p><a href="%s">Set your password and sign in</a></p><p>The link works once and expires in %d hours.</p>`,
			html.EscapeString(who), html.EscapeString(tenant.GetString("name")), html.EscapeString(link),
			int(SetPasswordLinkTTL.Hours())),
	}
	if err := app.NewMailClient().Send(msg); err != nil {
		return fmt.Errorf("send invitation to %s: %w", user.Email(), err)
	}
	return nil
}

// InviteLink is the web app's page where an invited user sets their password
// (the same page as the password-reset mail's).
func InviteLink(app core.App, token string) string {
	return webapp.SetPasswordLink(app.Settings().Meta.AppURL, token)
}
