package tenancy

import (
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"

	"counterpart/hooks/appsettings"
	"counterpart/hooks/audit"
	migrations "counterpart/pb_migrations"
)

// SetPasswordLinkTTL is how long an invitation's set-password link works,
// mailed or handed over by an admin: 72 hours, so that a person invited on a
// Friday can still use it on Monday. (Forgot-password mails keep PocketBase's
// own, shorter lifetime.) A link works once: setting the password rotates
// the account's token key, which every earlier link is signed with.
const SetPasswordLinkTTL = 72 * time.Hour

// PasswordPending is the users field that is true from an invitation until
// the person sets their own password.
const PasswordPending = migrations.PasswordPending

// Audit actions of set-password links.
const (
	// ActionInviteLinkCreated: an admin was shown a set-password link to hand over (the link itself is never logged).
	ActionInviteLinkCreated = "user.invite_link_created"
)

// SetPasswordLink is a one-time link to the web app's set-password page.
type SetPasswordLink struct {
	URL     string    `json:"url"`
	Expires time.Time `json:"expires"`
}

// Errors of NewSetPasswordLinkFor, each a sentence for the admin.
var (
	ErrLinkInactive   = errors.New("This account is deactivated. Reactivate it before giving them a link.")
	ErrLinkNotPending = errors.New("This person has set a password already. If they forgot it, they use “Forgot password?” on the sign-in page.")
)

// newSetPasswordToken returns a password-reset token of user that PocketBase's
// confirm-password-reset accepts, valid for SetPasswordLinkTTL, and when it expires.
func newSetPasswordToken(user *core.Record) (string, time.Time, error) {
	col := user.Collection()
	key := user.TokenKey() + col.PasswordResetToken.Secret
	token, err := security.NewJWT(jwt.MapClaims{
		core.TokenClaimType:         core.TokenTypePasswordReset,
		core.TokenClaimId:           user.Id,
		core.TokenClaimCollectionId: col.Id,
		core.TokenClaimEmail:        user.Email(),
	}, key, SetPasswordLinkTTL)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("set-password token of %s: %w", user.Id, err)
	}
	claims, err := security.ParseUnverifiedJWT(token)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("set-password token of %s: %w", user.Id, err)
	}
	exp, err := claims.GetExpirationTime()
	if err != nil || exp == nil {
		return "", time.Time{}, fmt.Errorf("set-password token of %s has no expiry: %v", user.Id, err)
	}
	return token, exp.UTC(), nil
}

// NewSetPasswordLink makes a set-password link for user and audits that
// actor was given it. The audit entry names the person and the expiry,
// never the link.
func NewSetPasswordLink(app core.App, actor audit.Actor, user *core.Record) (SetPasswordLink, error) {
	token, expires, err := newSetPasswordToken(user)
	if err != nil {
		return SetPasswordLink{}, err
	}
	if err := audit.Write(app, audit.Entry{Tenant: user.GetString("tenant"), Actor: actor, Action: ActionInviteLinkCreated,
		Target: user.Email(), Summary: map[string]any{"expires": expires.Format(time.RFC3339),
			"password_set_before": !user.GetBool(PasswordPending)}}); err != nil {
		return SetPasswordLink{}, err
	}
	return SetPasswordLink{URL: InviteLink(app, token), Expires: expires}, nil
}

// NewSetPasswordLinkFor is NewSetPasswordLink for a person an admin picked
// later: an active account that has not set a password yet, or, on a server
// without mail (where "Forgot password" cannot mail anything), any active account.
func NewSetPasswordLinkFor(app core.App, actor audit.Actor, user *core.Record) (SetPasswordLink, error) {
	if !user.GetBool("active") {
		return SetPasswordLink{}, ErrLinkInactive
	}
	if !user.GetBool(PasswordPending) && appsettings.MailSetUp(app) {
		return SetPasswordLink{}, ErrLinkNotPending
	}
	return NewSetPasswordLink(app, actor, user)
}

// bindPasswordPending keeps PasswordPending true only until the person sets
// a password, and lets no request body change it.
func bindPasswordPending(app core.App) {
	app.OnRecordUpdate(Users).BindFunc(func(e *core.RecordEvent) error {
		// the hash changes with every new password (PocketBase rotates the token key alike)
		const hash = core.FieldNamePassword + ":hash"
		if e.Record.GetBool(PasswordPending) && stored(e.App, e.Record).GetString(hash) != e.Record.GetString(hash) {
			e.Record.Set(PasswordPending, false)
		}
		return e.Next()
	})
	app.OnRecordUpdateRequest(Users).BindFunc(func(e *core.RecordRequestEvent) error {
		if isTenantUser(e.Auth) && e.Record.Original().GetBool(PasswordPending) != e.Record.GetBool(PasswordPending) {
			return e.ForbiddenError("Whether someone has set their password is for the server to record.", nil)
		}
		return e.Next()
	})
}

// handleSetPasswordLink answers POST /api/tenant/users/{id}/set-password-link:
// a fresh link for a person of the caller's tenant.
func handleSetPasswordLink(e *core.RequestEvent) error {
	user, err := e.App.FindRecordById(Users, e.Request.PathValue("id"))
	if err != nil || user.GetString("tenant") != e.Auth.GetString("tenant") {
		return e.NotFoundError("There is no such person in your dealership.", nil)
	}
	link, err := NewSetPasswordLinkFor(e.App, audit.ActorFromRequest(e), user)
	switch {
	case errors.Is(err, ErrLinkInactive), errors.Is(err, ErrLinkNotPending):
		return e.BadRequestError(err.Error(), nil)
	case err != nil:
		e.App.Logger().Error("set-password link failed", "tenant", user.GetString("tenant"), "user", user.Id, "error", err)
		return e.InternalServerError("The link could not be made. Try again in a moment.", nil)
	}
	e.App.Logger().Info("set-password link created", "tenant", user.GetString("tenant"), "user", user.Id, "expires", link.Expires)
	return e.JSON(200, map[string]any{"id": user.Id, "email": user.Email(), "link": link})
}

// handleMailStatus answers GET /api/tenant/mail: whether this server sends
// mail, for the web app's banner and screens.
func handleMailStatus(e *core.RequestEvent) error {
	return e.JSON(200, map[string]any{"set_up": appsettings.MailSetUp(e.App)})
}
