package tenancy

import (
	"encoding/json"
	"fmt"
	"net/mail"
	"strings"
	"time"
	_ "time/tzdata" // IANA zones even on servers without /usr/share/zoneinfo

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/robfig/cron/v3"

	migrations "counterpart/pb_migrations"
)

// Defaults for a new tenant's settings.
const (
	DefaultMaxUploadMB    = 100
	DefaultStorageQuotaMB = 10240
	DefaultTimezone       = "UTC"
	// MaxReportRecipients bounds the report mailing list.
	MaxReportRecipients = 20
	// MinReportInterval is the shortest gap between two scheduled reports.
	MinReportInterval = time.Hour
)

// applyDefaults fills settings a new tenant did not set.
func applyDefaults(t *core.Record) {
	if t.GetString("status") == "" {
		t.Set("status", StatusActive)
	}
	if len(t.GetStringSlice("allowed_file_types")) == 0 {
		t.Set("allowed_file_types", migrations.TenantFileTypes)
	}
	if t.GetInt("max_upload_mb") == 0 {
		t.Set("max_upload_mb", DefaultMaxUploadMB)
	}
	if t.GetString("timezone") == "" {
		t.Set("timezone", DefaultTimezone)
	}
	if t.GetString("report_recipients") == "" || t.GetString("report_recipients") == "null" {
		t.Set("report_recipients", []string{})
	}
}

// validateSettings checks the settings that field options cannot express,
// returning one message per bad field.
func validateSettings(t *core.Record) error {
	errs := validation.Errors{}
	if tz := t.GetString("timezone"); tz != "" {
		if _, err := time.LoadLocation(tz); err != nil || tz == "Local" {
			errs["timezone"] = validation.NewError("validation_invalid_timezone",
				fmt.Sprintf("%q is not an IANA time zone; use a name such as Europe/Berlin or America/Chicago.", tz))
		}
	}
	if expr := strings.TrimSpace(t.GetString("report_schedule")); expr != "" {
		if err := validateSchedule(expr); err != nil {
			errs["report_schedule"] = validation.NewError("validation_invalid_schedule", err.Error())
		}
	}
	// the field's minimum does not hold for 0, which PocketBase takes for "not set": 0 would refuse every upload
	if t.GetInt("max_upload_mb") < 1 {
		errs["max_upload_mb"] = validation.NewError("validation_min_upload",
			fmt.Sprintf("Set an upload limit from 1 to %d MB.", migrations.MaxUploadMB))
	}
	if err := validateRecipients(t.GetString("report_recipients")); err != nil {
		errs["report_recipients"] = validation.NewError("validation_invalid_recipients", err.Error())
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// validateSchedule accepts a 5-field cron expression or a descriptor such as
// @weekly that runs at most once an hour.
func validateSchedule(expr string) error {
	// the zone is the timezone setting's: a CRON_TZ= prefix would silently override it
	if strings.HasPrefix(expr, "TZ=") || strings.HasPrefix(expr, "CRON_TZ=") {
		return fmt.Errorf("%q names a time zone; leave it out of the schedule and set the time zone field instead", expr)
	}
	sched, err := cron.ParseStandard(expr)
	if err != nil {
		return fmt.Errorf("%q is not a cron expression (minute hour day month weekday, e.g. \"0 7 * * 1\" for Mondays at 07:00): %v", expr, err)
	}
	first := sched.Next(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	for i, at := 0, first; i < 50; i++ {
		next := sched.Next(at)
		if next.Sub(at) < MinReportInterval {
			return fmt.Errorf("%q would send a report more often than once an hour; choose a daily, weekly or monthly schedule", expr)
		}
		at = next
	}
	return nil
}

func validateRecipients(raw string) error {
	if raw == "" || raw == "null" {
		return nil
	}
	var list []string
	if err := json.Unmarshal([]byte(raw), &list); err != nil {
		return fmt.Errorf("expected a list of email addresses")
	}
	if len(list) > MaxReportRecipients {
		return fmt.Errorf("at most %d recipients", MaxReportRecipients)
	}
	for _, addr := range list {
		a, err := mail.ParseAddress(addr)
		if err != nil || a.Address != strings.TrimSpace(addr) {
			return fmt.Errorf("%q is not an email address", addr)
		}
	}
	return nil
}
