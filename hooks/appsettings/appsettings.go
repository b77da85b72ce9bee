// Package appsettings makes counterpart.yaml the source of truth for the
// PocketBase settings it covers: app name and URL, SMTP, rate limits,
// scheduled backups, and the users collection's password, token and MFA/OTP
// options.
package appsettings

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"counterpart/internal/config"
)

// RateLimitRules are the limits switched on by default: sign-in and password
// flows are tight, the rest of the API is generous.
var RateLimitRules = []core.RateLimitRule{
	{Label: "*:auth", MaxRequests: 5, Duration: 10},
	{Label: "*:requestPasswordReset", MaxRequests: 3, Duration: 60},
	{Label: "*:requestOTP", MaxRequests: 3, Duration: 60},
	{Label: "*:create", MaxRequests: 60, Duration: 10},
	{Label: "/api/batch", MaxRequests: 5, Duration: 1},
	{Label: "/api/", MaxRequests: 600, Duration: 10},
}

// RateLimitRulesFor is RateLimitRules with the upload and chat limits of
// cfg.Limits in front: PocketBase takes the first prefix rule that matches,
// so the specific rules must come before the general "/api/".
func RateLimitRulesFor(cfg *config.Config) []core.RateLimitRule {
	rules := []core.RateLimitRule{
		{Label: "POST /api/documents/uploads", MaxRequests: cfg.Limits.UploadsPerMinute, Duration: 60},
		{Label: "POST /api/chat/", MaxRequests: cfg.Limits.ChatPerMinute, Duration: 60},
	}
	return append(rules, slices.Clone(RateLimitRules)...)
}

// Register applies cfg when the server starts (after migrations), or at once
// when the app is already bootstrapped and migrated, as in tests.
func Register(app core.App, cfg *config.Config) error {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		if err := Apply(se.App, cfg); err != nil {
			return err
		}
		return se.Next()
	})
	return nil
}

// Apply writes cfg into the app's settings and the users collection, saving only what changed.
func Apply(app core.App, cfg *config.Config) error {
	s := app.Settings()
	s.Meta.AppName = "Counterpart"
	s.Meta.AppURL = PublicURL(cfg)
	s.Meta.HideControls = true // the schema is code: no editing collections from the dashboard
	if cfg.SMTP.Enabled() {
		s.SMTP.Enabled = true
		s.SMTP.Host = cfg.SMTP.Host
		s.SMTP.Port = cfg.SMTP.Port
		s.SMTP.Username = cfg.SMTP.Username
		s.SMTP.Password = cfg.SMTP.Password
		s.SMTP.TLS = cfg.SMTP.TLS
		s.Meta.SenderAddress = cfg.SMTP.SenderAddress
		s.Meta.SenderName = cfg.SMTP.SenderName
	} else if s.Meta.SenderAddress == "" || s.Meta.SenderAddress == "support@example.com" {
		s.Meta.SenderAddress = cfg.SMTP.SenderAddress
		s.Meta.SenderName = cfg.SMTP.SenderName
	}
	s.Backups.Cron = cfg.Backups.Cron
	s.Backups.CronMaxKeep = cfg.Backups.Keep
	s.Backups.S3 = core.S3Config{}
	if cfg.Backups.S3 {
		scheme := "http://"
		if cfg.Storage.S3.UseSSL {
			scheme = "https://"
		}
		s.Backups.S3 = core.S3Config{Enabled: true, Bucket: cfg.Storage.S3.Bucket, Region: cfg.Storage.S3.Region,
			Endpoint: scheme + cfg.Storage.S3.Endpoint, AccessKey: cfg.Storage.S3.AccessKey, Secret: cfg.Storage.S3.SecretKey,
			ForcePathStyle: cfg.Storage.S3.PathStyle}
	}
	s.RateLimits.Enabled = cfg.Auth.RateLimit
	s.RateLimits.Rules = RateLimitRulesFor(cfg) // a fresh slice: settings reloads decode into it
	if err := app.Save(s); err != nil {
		return fmt.Errorf("apply settings: %w", err)
	}

	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		return fmt.Errorf("apply auth settings: %w", err)
	}
	before, _ := users.MarshalJSON()
	if pw, ok := users.Fields.GetByName("password").(*core.PasswordField); ok {
		pw.Min = cfg.Auth.PasswordMinLength
	}
	users.AuthToken.Duration = int64(cfg.Auth.TokenTTL.Seconds())
	users.MFA.Enabled = cfg.Auth.MFA
	users.OTP.Enabled = cfg.Auth.OTP || cfg.Auth.MFA
	// "new sign-in" alerts need mail: without SMTP PocketBase falls back to a
	// sendmail binary that appliances lack and logs a warning at every new device
	users.AuthAlert.Enabled = cfg.SMTP.Enabled()
	after, _ := users.MarshalJSON()
	if string(before) == string(after) {
		return nil
	}
	if err := app.Save(users); err != nil {
		return fmt.Errorf("apply auth settings: %w", err)
	}
	return nil
}

// PublicURL is the address users reach the app at: public_url, else http://<http>.
func PublicURL(cfg *config.Config) string {
	if cfg.PublicURL != "" {
		return strings.TrimRight(cfg.PublicURL, "/")
	}
	return "http://" + cfg.HTTP
}
